import { TerraformStack } from 'cdktf';
import { ConnectPeerSpec, TransitGatewayConnect, TransitGatewayConnectProps, TransitGatewayProps, TransitGatewayVpcAttachment } from '../../lib/aws';
import { awsStack, resources, synth, taggedAddress, taggedResource } from '../helpers';
import { spokeVpc, transitGateway } from './fixtures';

const node1: ConnectPeerSpec = { name: 'node-1', peerAddress: '10.10.0.10', insideCidr: '169.254.8.8/29', peerAsn: 65001 };
const node2: ConnectPeerSpec = { name: 'node-2', peerAddress: '10.10.1.10', insideCidr: '169.254.8.16/29', peerAsn: 65001 };

/** A transit gateway with the source VPC attached (and in a route table), for Connect attachments to ride on. */
function transport(stack: TerraformStack, tgwProps: Partial<TransitGatewayProps> = {}): TransitGatewayVpcAttachment {
  const tgw = transitGateway(stack, tgwProps);
  const vpc = spokeVpc(stack);
  const attachment = tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw') });
  tgw.addRouteTable('rt').associate(attachment);
  return attachment;
}

const connect = (stack: TerraformStack, over: Partial<TransitGatewayConnectProps> = {}, tgwProps: Partial<TransitGatewayProps> = {}) =>
  new TransitGatewayConnect(stack, 'connect', { name: 'calico-connect', transport: transport(stack, tgwProps), peers: [node1, node2], ...over });

describe('TransitGatewayConnect', () => {
  test('a GRE Connect attachment on the VPC attachment, one peer per node', () => {
    const stack = awsStack();
    connect(stack);
    const json = synth(stack);
    const connectId = `\${${taggedAddress(json, 'aws_ec2_transit_gateway_connect', 'calico-connect')}.id}`;
    expect(taggedResource(json, 'aws_ec2_transit_gateway_connect', 'calico-connect')).toMatchObject({
      transit_gateway_id: `\${${taggedAddress(json, 'aws_ec2_transit_gateway', 'hub-tgw')}.id}`,
      transport_attachment_id: `\${${taggedAddress(json, 'aws_ec2_transit_gateway_vpc_attachment', 'source-attachment')}.id}`,
      protocol: 'gre',
      transit_gateway_default_route_table_association: false,
      transit_gateway_default_route_table_propagation: false,
    });
    expect(taggedResource(json, 'aws_ec2_transit_gateway_connect_peer', 'node-1')).toEqual({
      transit_gateway_attachment_id: connectId,
      peer_address: '10.10.0.10',
      transit_gateway_address: '192.0.2.1',
      inside_cidr_blocks: ['169.254.8.8/29'],
      bgp_asn: '65001',
      tags: { Name: 'node-1' },
    });
    expect(taggedResource(json, 'aws_ec2_transit_gateway_connect_peer', 'node-2').inside_cidr_blocks).toEqual(['169.254.8.16/29']);
  });

  test('each peer exposes what the node and Calico need: tunnel ends, inside addresses, AS numbers', () => {
    const c = connect(awsStack());
    const [p1, p2] = c.peers;
    expect(p1.peerAddress).toBe('10.10.0.10');
    expect(p1.transitGatewayAddress).toBe('192.0.2.1');
    expect(p1.insideCidr.toString()).toBe('169.254.8.8/29');
    // AWS: the appliance takes the first address of the /29, the transit gateway the second and third.
    expect(p1.peerInsideAddress).toBe('169.254.8.9');
    expect(p1.transitGatewayInsideAddresses).toEqual(['169.254.8.10', '169.254.8.11']);
    expect(p2.peerInsideAddress).toBe('169.254.8.17');
    expect(p2.transitGatewayInsideAddresses).toEqual(['169.254.8.18', '169.254.8.19']);
    expect(p1.peerAsn).toBe(65001);
    expect(p1.transitGatewayAsn).toBe(64512);
  });

  test('the node subnets route the transit gateway CIDR block to the transit gateway', () => {
    const stack = awsStack();
    connect(stack);
    const json = synth(stack);
    const greRoutes = resources(json, 'aws_route').filter((r) => r.destination_cidr_block === '192.0.2.0/24');
    expect(greRoutes.map((r) => r.route_table_id)).toEqual([
      `\${${taggedAddress(json, 'aws_route_table', 'source-nodes-a-rt')}.id}`,
      `\${${taggedAddress(json, 'aws_route_table', 'source-nodes-b-rt')}.id}`,
    ]);
    expect(greRoutes[0]).toMatchObject({
      transit_gateway_id: `\${${taggedAddress(json, 'aws_ec2_transit_gateway', 'hub-tgw')}.id}`,
      depends_on: [taggedAddress(json, 'aws_ec2_transit_gateway_vpc_attachment', 'source-attachment')],
    });
  });

  test('a peer added later gets the route from its subnet too, once', () => {
    const stack = awsStack();
    const c = connect(stack, { peers: [node1] });
    c.addPeer(node2);
    c.addPeer({ name: 'node-3', peerAddress: '10.10.1.11', insideCidr: '169.254.8.24/29', peerAsn: 65001 });
    const json = synth(stack);
    const greRoutes = resources(json, 'aws_route').filter((r) => r.destination_cidr_block === '192.0.2.0/24');
    expect(greRoutes.map((r) => r.route_table_id)).toEqual([
      `\${${taggedAddress(json, 'aws_route_table', 'source-nodes-a-rt')}.id}`,
      `\${${taggedAddress(json, 'aws_route_table', 'source-nodes-b-rt')}.id}`,
    ]);
  });

  test('routes only the subnets named in routeSubnets', () => {
    const stack = awsStack();
    const t = transport(stack);
    new TransitGatewayConnect(stack, 'connect', { name: 'c', transport: t, peers: [node1], routeSubnets: [t.vpc.subnet('source-nodes-b')] });
    const json = synth(stack);
    expect(resources(json, 'aws_route').map((r) => r.route_table_id)).toEqual([`\${${taggedAddress(json, 'aws_route_table', 'source-nodes-b-rt')}.id}`]);
  });

  test('lets GRE (IP protocol 47) in from the transit gateway CIDR block', () => {
    const stack = awsStack();
    const c = connect(stack);
    c.allowGreFrom('sg-123');
    const json = synth(stack);
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([{
      security_group_id: 'sg-123',
      ip_protocol: '47',
      cidr_ipv4: '192.0.2.0/24',
      description: 'GRE from transit gateway hub-tgw (Connect calico-connect)',
    }]);
  });

  test('a second Connect attachment gets the next transit gateway address', () => {
    const stack = awsStack();
    const c1 = connect(stack);
    const c2 = new TransitGatewayConnect(stack, 'connect-2', { name: 'calico-connect-2', transport: c1.transport,
      peers: [{ name: 'node-3', peerAddress: '10.10.0.11', insideCidr: '169.254.8.24/29', peerAsn: 65001 }] });
    expect(c2.transitGatewayAddress).toBe('192.0.2.2');
    expect(() => synth(stack)).not.toThrow();
  });

  test.each([
    ['an inside CIDR that is not a /29', { ...node1, insideCidr: '169.254.8.0/28' },
      'test/connect: peers[node-1].insideCidr is "169.254.8.0/28"; a Connect peer\'s inside CIDR is a /29 from 169.254.0.0/16'],
    ['an inside CIDR outside 169.254.0.0/16', { ...node1, insideCidr: '10.0.0.8/29' },
      'test/connect: peers[node-1].insideCidr is "10.0.0.8/29"; a Connect peer\'s inside CIDR is a /29 from 169.254.0.0/16'],
    ['an inside CIDR with host bits set', { ...node1, insideCidr: '169.254.8.9/29' },
      'test/connect: peers[node-1].insideCidr is "169.254.8.9/29"; host bits are set; the range starting there is 169.254.8.8/29'],
    ...['169.254.0.0/29', '169.254.1.0/29', '169.254.2.0/29', '169.254.3.0/29', '169.254.4.0/29', '169.254.5.0/29', '169.254.169.248/29'].map((cidr) => [
      `the reserved block ${cidr}`, { ...node1, insideCidr: cidr },
      `test/connect: peers[node-1].insideCidr is "${cidr}"; AWS reserves 169.254.0.0/29, 169.254.1.0/29, 169.254.2.0/29, 169.254.3.0/29, 169.254.4.0/29, 169.254.5.0/29, 169.254.169.248/29; choose another /29 from 169.254.0.0/16`,
    ] as [string, ConnectPeerSpec, string]),
    ['the transit gateway\'s ASN', { ...node1, peerAsn: 64512 },
      'test/connect: peers[node-1].peerAsn is 64512; 64512 is the transit gateway\'s own ASN; a peer in the same AS speaks iBGP, and the transit gateway does not install routes an iBGP peer originates; choose another AS number'],
    ['an ASN IANA reserves', { ...node1, peerAsn: 64500 },
      'test/connect: peers[node-1].peerAsn is 64500; 64496-64511 is reserved by IANA for documentation (RFC 5398); choose another AS number'],
    ['ASN 0', { ...node1, peerAsn: 0 }, 'test/connect: peers[node-1].peerAsn is 0; an AS number is a whole number from 1 to 4294967294'],
    ['an ASN past 4294967294', { ...node1, peerAsn: 4294967295 }, 'test/connect: peers[node-1].peerAsn is 4294967295; an AS number is a whole number from 1 to 4294967294'],
    ['a peer address outside the transport VPC', { ...node1, peerAddress: '10.20.0.10' },
      'test/connect: peers[node-1].peerAddress is "10.20.0.10"; the node must be in the transport VPC source (10.10.0.0/16), whose attachment carries the tunnel'],
    ...[['network address', '10.10.0.0'], ['VPC router', '10.10.0.1'], ['DNS', '10.10.0.2'], ['future use', '10.10.0.3'], ['broadcast address', '10.10.0.255']].map(([what, ip]) => [
      `the subnet's reserved ${what} as the peer address`, { ...node1, peerAddress: ip },
      `test/connect: peers[node-1].peerAddress is "${ip}"; AWS reserves it in subnet source-nodes-a (10.10.0.0/24): the network address, the VPC router (+1), DNS (+2), future use (+3) and the broadcast address; no instance can hold it. Use 10.10.0.4 or later`,
    ] as [string, ConnectPeerSpec, string]),
    ['a peer address that is not an IP', { ...node1, peerAddress: 'node-1.local' },
      'test/connect: peers[node-1].peerAddress is "node-1.local"; expected the node\'s IP address, e.g. 10.10.0.10'],
    ['an IPv6 peer with an IPv4 transit gateway address', { ...node1, peerAddress: 'fd00::10' },
      'test/connect: peers[node-1].peerAddress is "fd00::10"; the peer and transit gateway GRE addresses are of one IP family; the transit gateway\'s is 192.0.2.1'],
  ])('rejects %s', (_, peer, message) => {
    expect(() => connect(awsStack(), { peers: [peer] })).toThrow(message);
  });

  test('accepts a 4-byte peer ASN and both ends of the usable inside range', () => {
    const c = connect(awsStack(), { peers: [
      { ...node1, peerAsn: 4200000001, insideCidr: '169.254.6.0/29' },
      { ...node2, insideCidr: '169.254.255.248/29' },
    ] });
    expect(c.peers.map((p) => p.insideCidr.toString())).toEqual(['169.254.6.0/29', '169.254.255.248/29']);
  });

  test.each([
    ['a fifth peer', [1, 2, 3, 4, 5].map((i) => ({ name: `node-${i}`, peerAddress: `10.10.0.${10 + i}`, insideCidr: `169.254.8.${8 * i}/29`, peerAsn: 65001 })),
      'test/connect: peers is 5; a Connect attachment takes at most 4 peers (not adjustable); add another Connect attachment for more nodes'],
    ['two peers with one inside CIDR', [node1, { ...node2, insideCidr: '169.254.8.8/29' }],
      'test/connect: peers[node-2].insideCidr is "169.254.8.8/29"; peer node-1 already uses 169.254.8.8/29; BGP addresses are unique across the transit gateway\'s tunnels'],
    ['two peers with one address', [node1, { ...node2, peerAddress: '10.10.0.10' }],
      'test/connect: peers[node-2].peerAddress is "10.10.0.10"; peer node-1 already has it; with the same transit gateway address that is the same tunnel'],
    ['two peers with one name', [node1, { ...node2, name: 'node-1' }],
      'test/connect: peers[node-1].name is "node-1"; peer names must be unique in a Connect attachment'],
  ])('rejects %s', (_, peers, message) => {
    expect(() => connect(awsStack(), { peers })).toThrow(message);
  });

  test('rejects a transit gateway without a CIDR block, and a GRE address outside it', () => {
    expect(() => connect(awsStack(), {}, { cidrBlocks: [] })).toThrow(
      'test/connect: transitGateway.cidrBlocks is []; a Connect attachment needs a transit gateway CIDR block for its GRE addresses');
    expect(() => connect(awsStack(), { transitGatewayAddress: '198.51.100.1' })).toThrow(
      'test/connect: transitGatewayAddress is "198.51.100.1"; the transit gateway\'s GRE address comes from its CIDR blocks 192.0.2.0/24');
  });

  test('rejects a route subnet of another VPC', () => {
    const stack = awsStack();
    const other = spokeVpc(stack, 'other', '10.30.0.0/16');
    expect(() => connect(stack, { routeSubnets: [other.subnet('other-nodes-a')] })).toThrow(
      'test/tgw/source-attachment: subnets is "other-nodes-a"; the subnet belongs to other, not source');
  });

  test('inside CIDRs are unique across every Connect attachment of the transit gateway (at synth)', () => {
    const stack = awsStack();
    const c1 = connect(stack);
    new TransitGatewayConnect(stack, 'connect-2', { name: 'calico-connect-2', transport: c1.transport,
      peers: [{ name: 'node-3', peerAddress: '10.10.0.11', insideCidr: '169.254.8.16/29', peerAsn: 65001 }] });
    expect(() => synth(stack)).toThrow(
      'test/connect: peers[node-2].insideCidr is "169.254.8.16/29"; Connect attachment calico-connect-2 already uses 169.254.8.16/29; BGP addresses are unique across the transit gateway\'s tunnels');
  });

  test('transit gateway GRE addresses are unique across Connect attachments (at synth)', () => {
    const stack = awsStack();
    const c1 = connect(stack);
    new TransitGatewayConnect(stack, 'connect-2', { name: 'calico-connect-2', transport: c1.transport, transitGatewayAddress: '192.0.2.1',
      peers: [{ name: 'node-3', peerAddress: '10.10.0.11', insideCidr: '169.254.8.24/29', peerAsn: 65001 }] });
    expect(() => synth(stack)).toThrow(
      'test/connect: transitGatewayAddress is "192.0.2.1"; Connect attachment calico-connect-2 already uses it; each Connect attachment needs its own transit gateway address');
  });
});
