import { TransitGateway, TransitGatewayConnect } from '../../lib/aws';
import { awsStack, resources, synth, synthAwsWith, taggedAddress, taggedResource } from '../helpers';
import { inspectionVpc, spokeVpc, transitGateway } from './fixtures';

describe('TransitGateway', () => {
  test('hub defaults: no default route table association or propagation, ASN 64512, the CIDR blocks', () => {
    const json = synthAwsWith((stack) => { transitGateway(stack); });
    expect(taggedResource(json, 'aws_ec2_transit_gateway', 'hub-tgw')).toMatchObject({
      amazon_side_asn: 64512,
      default_route_table_association: 'disable',
      default_route_table_propagation: 'disable',
      auto_accept_shared_attachments: 'disable',
      dns_support: 'enable',
      vpn_ecmp_support: 'enable',
      transit_gateway_cidr_blocks: ['192.0.2.0/24'],
    });
  });

  test('the inspection VPC is attached through its transit gateway subnets, in appliance mode, and its firewall subnets route back', () => {
    const stack = awsStack();
    const tgw = transitGateway(stack);
    const vpc = inspectionVpc(stack);
    const attachment = tgw.attachInspectionVpc(vpc);
    tgw.addRouteTable('firewall-rt').associate(attachment);
    const json = synth(stack);
    const attachmentAddress = taggedAddress(json, 'aws_ec2_transit_gateway_vpc_attachment', 'inspection-vpc-attachment');
    expect(taggedResource(json, 'aws_ec2_transit_gateway_vpc_attachment', 'inspection-vpc-attachment')).toMatchObject({
      transit_gateway_id: `\${${taggedAddress(json, 'aws_ec2_transit_gateway', 'hub-tgw')}.id}`,
      vpc_id: `\${${taggedAddress(json, 'aws_vpc', 'inspection-vpc')}.id}`,
      subnet_ids: [
        `\${${taggedAddress(json, 'aws_subnet', 'inspection-vpc-tgw-us-east-1a')}.id}`,
        `\${${taggedAddress(json, 'aws_subnet', 'inspection-vpc-tgw-us-east-1b')}.id}`,
      ],
      appliance_mode_support: 'enable',
      transit_gateway_default_route_table_association: false,
      transit_gateway_default_route_table_propagation: false,
    });
    for (const az of ['us-east-1a', 'us-east-1b']) {
      expect(resources(json, 'aws_route')).toContainEqual({
        route_table_id: `\${${taggedAddress(json, 'aws_route_table', `inspection-vpc-firewall-${az}-rt`)}.id}`,
        destination_cidr_block: '0.0.0.0/0',
        transit_gateway_id: `\${${taggedAddress(json, 'aws_ec2_transit_gateway', 'hub-tgw')}.id}`,
        depends_on: [attachmentAddress],
      });
    }
  });

  test('route tables: association, propagation and static routes', () => {
    const stack = awsStack();
    const tgw = transitGateway(stack);
    const source = spokeVpc(stack);
    const spoke = tgw.attachVpc({ vpc: source, subnets: source.subnetsInGroup('tgw') });
    const inspection = tgw.attachInspectionVpc(inspectionVpc(stack));
    const inspectionRt = tgw.addRouteTable('inspection-rt');
    inspectionRt.associate(spoke);
    inspectionRt.addRoute({ destination: '0.0.0.0/0', target: inspection });
    inspectionRt.addRoute({ destination: '10.200.0.0/16', target: 'blackhole' });
    const firewallRt = tgw.addRouteTable('firewall-rt');
    firewallRt.associate(inspection);
    firewallRt.propagate(spoke);
    const json = synth(stack);
    const id = (type: string, name: string) => `\${${taggedAddress(json, type, name)}.id}`;
    const inspectionRtId = id('aws_ec2_transit_gateway_route_table', 'inspection-rt');
    const firewallRtId = id('aws_ec2_transit_gateway_route_table', 'firewall-rt');
    const spokeId = id('aws_ec2_transit_gateway_vpc_attachment', 'source-attachment');
    const inspectionId = id('aws_ec2_transit_gateway_vpc_attachment', 'inspection-vpc-attachment');
    expect(taggedResource(json, 'aws_ec2_transit_gateway_route_table', 'inspection-rt').transit_gateway_id).toBe(id('aws_ec2_transit_gateway', 'hub-tgw'));
    expect(resources(json, 'aws_ec2_transit_gateway_route_table_association').map((a) => [a.transit_gateway_route_table_id, a.transit_gateway_attachment_id]))
      .toEqual([[firewallRtId, inspectionId], [inspectionRtId, spokeId]]);
    expect(resources(json, 'aws_ec2_transit_gateway_route_table_propagation').map((a) => [a.transit_gateway_route_table_id, a.transit_gateway_attachment_id]))
      .toEqual([[firewallRtId, spokeId]]);
    expect(resources(json, 'aws_ec2_transit_gateway_route').map((r) => r)).toEqual([
      { transit_gateway_route_table_id: inspectionRtId, destination_cidr_block: '0.0.0.0/0', transit_gateway_attachment_id: inspectionId },
      { transit_gateway_route_table_id: inspectionRtId, destination_cidr_block: '10.200.0.0/16', blackhole: true },
    ]);
    expect(taggedResource(json, 'aws_ec2_transit_gateway_vpc_attachment', 'source-attachment').appliance_mode_support).toBe('disable');
  });

  test('spoke subnets route to the transit gateway after the attachment, once per destination', () => {
    const stack = awsStack();
    const tgw = transitGateway(stack);
    const vpc = spokeVpc(stack);
    const attachment = tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw') });
    tgw.addRouteTable('rt').associate(attachment);
    attachment.routeToTransitGateway(vpc.subnetsInGroup('nodes'), ['0.0.0.0/0']);
    attachment.routeToTransitGateway(vpc.subnetsInGroup('nodes'), ['0.0.0.0/0', '192.0.2.0/24']);
    const json = synth(stack);
    const routes = resources(json, 'aws_route');
    expect(routes.map((r) => [r.route_table_id, r.destination_cidr_block])).toEqual([
      [`\${${taggedAddress(json, 'aws_route_table', 'source-nodes-a-rt')}.id}`, '0.0.0.0/0'],
      [`\${${taggedAddress(json, 'aws_route_table', 'source-nodes-a-rt')}.id}`, '192.0.2.0/24'],
      [`\${${taggedAddress(json, 'aws_route_table', 'source-nodes-b-rt')}.id}`, '0.0.0.0/0'],
      [`\${${taggedAddress(json, 'aws_route_table', 'source-nodes-b-rt')}.id}`, '192.0.2.0/24'],
    ]);
    expect(routes.every((r) => r.depends_on[0] === taggedAddress(json, 'aws_ec2_transit_gateway_vpc_attachment', 'source-attachment'))).toBe(true);
  });

  test.each([
    ['a fractional ASN', { amazonSideAsn: 65000.5 }, 'test/tgw: amazonSideAsn is 65000.5; a transit gateway\'s Amazon-side ASN is private: 64512 to 65534 or 4200000000 to 4294967294'],
    ['an ASN outside the private ranges', { amazonSideAsn: 63400 },
      'test/tgw: amazonSideAsn is 63400; a transit gateway\'s Amazon-side ASN is private: 64512 to 65534 or 4200000000 to 4294967294'],
    ['65535', { amazonSideAsn: 65535 }, /amazonSideAsn is 65535; a transit gateway's Amazon-side ASN is private/],
    ['a CIDR block smaller than /24', { cidrBlocks: ['192.0.2.0/25'] }, 'test/tgw: cidrBlocks[0] is "192.0.2.0/25"; a transit gateway CIDR block is /24 or larger for IPv4'],
    ['an IPv6 block smaller than /64', { cidrBlocks: ['fd00:1::/80'] }, 'test/tgw: cidrBlocks[0] is "fd00:1::/80"; a transit gateway CIDR block is /64 or larger for IPv6'],
    ['a block from 169.254.0.0/16', { cidrBlocks: ['169.254.100.0/24'] },
      'test/tgw: cidrBlocks[0] is "169.254.100.0/24"; a transit gateway CIDR block cannot come from 169.254.0.0/16'],
    ['six blocks', { cidrBlocks: ['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24', '10.4.0.0/24', '10.5.0.0/24', '10.6.0.0/24'] },
      /test\/tgw: cidrBlocks is .*; a transit gateway takes at most 5 CIDR blocks/],
    ['overlapping blocks', { cidrBlocks: ['10.1.0.0/16', '10.1.2.0/24'] }, 'test/tgw: cidrBlocks[1] is "10.1.2.0/24"; it overlaps 10.1.0.0/16; CIDR blocks must not overlap'],
    ['a malformed block', { cidrBlocks: ['192.0.2/24'] }, 'test/tgw: cidrBlocks[0] is "192.0.2/24"; expected a CIDR such as 10.0.0.0/16'],
  ])('rejects %s', (_, over, message) => {
    expect(() => transitGateway(awsStack(), over)).toThrow(message);
  });

  test('accepts both ends of both private ASN ranges', () => {
    for (const asn of [64512, 65534, 4200000000, 4294967294]) {
      expect(new TransitGateway(awsStack(), 'tgw', { name: 't', amazonSideAsn: asn }).asn).toBe(asn);
    }
  });

  test('Connect GRE addresses count up from the first address of the first CIDR block', () => {
    const tgw = transitGateway(awsStack());
    expect(tgw.connectAddress(0)).toBe('192.0.2.1');
    expect(tgw.connectAddress(253)).toBe('192.0.2.254');
    expect(() => tgw.connectAddress(254)).toThrow(
      'test/tgw: cidrBlocks[0] is "192.0.2.0/24"; it has no address left for Connect attachment 255; name its transitGatewayAddress');
    expect(() => transitGateway(awsStack(), { cidrBlocks: [] }).connectAddress(0)).toThrow(
      'test/tgw: cidrBlocks is []; a Connect attachment needs a transit gateway CIDR block for its GRE addresses');
  });

  test('a CIDR block overlapping a VPC fails at synth', () => {
    const stack = awsStack();
    spokeVpc(stack, 'source', '192.0.0.0/16');
    transitGateway(stack);
    expect(() => synth(stack)).toThrow(
      'test/tgw: cidrBlocks[0] is "192.0.2.0/24"; it overlaps VPC source (192.0.0.0/16, test/source); a transit gateway CIDR block must not overlap the VPCs it routes for');
  });

  test('a VPC attachment in no route table fails at synth', () => {
    const stack = awsStack();
    const tgw = transitGateway(stack);
    const vpc = spokeVpc(stack);
    tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw') });
    expect(() => synth(stack)).toThrow(
      'test/tgw: attachments[source-attachment].routeTable is missing; with default route table association off, an attachment in no route table drops everything it sends; associate it with one');
  });

  test.each([
    ['the same VPC twice', (t: TransitGateway, s: any) => { const v = spokeVpc(s); t.attachVpc({ vpc: v, subnets: [v.subnet('source-tgw-a')] }); t.attachVpc({ vpc: v, name: 'again', subnets: [v.subnet('source-tgw-a')] }); },
      'test/tgw: attachments[again].vpc is "source"; it is already attached as source-attachment; a transit gateway attaches a VPC once'],
    ['overlapping VPCs', (t: TransitGateway, s: any) => { const a = spokeVpc(s); const b = spokeVpc(s, 'other', '10.10.0.0/16'); t.attachVpc({ vpc: a, subnets: [a.subnet('source-tgw-a')] }); t.attachVpc({ vpc: b, subnets: [b.subnet('other-tgw-a')] }); },
      'test/tgw: attachments[other-attachment].vpc is "10.10.0.0/16"; it overlaps VPC source (10.10.0.0/16), also attached; attached VPCs need distinct ranges'],
    ['two subnets in one zone', (t: TransitGateway, s: any) => { const v = spokeVpc(s); t.attachVpc({ vpc: v, subnets: [v.subnet('source-tgw-a'), v.subnet('source-nodes-a')] }); },
      'test/tgw: attachments[source-attachment].subnets is "source-nodes-a"; source-tgw-a is already in us-east-1a; an attachment takes one subnet per availability zone'],
    ['no subnets', (t: TransitGateway, s: any) => { t.attachVpc({ vpc: spokeVpc(s), subnets: [] }); },
      'test/tgw: attachments[source-attachment].subnets is []; an attachment needs a subnet in at least one availability zone'],
    ['a subnet of another VPC', (t: TransitGateway, s: any) => { const a = spokeVpc(s); const b = spokeVpc(s, 'other', '10.20.0.0/16'); t.attachVpc({ vpc: a, subnets: [b.subnet('other-tgw-a')] }); },
      'test/tgw: attachments[source-attachment].subnets is "other-tgw-a"; the subnet belongs to other, not source'],
    ['an attachment in two route tables', (t: TransitGateway, s: any) => { const v = spokeVpc(s); const a = t.attachVpc({ vpc: v, subnets: [v.subnet('source-tgw-a')] }); t.addRouteTable('one').associate(a); t.addRouteTable('two').associate(a); },
      'test/tgw/two: associations[source-attachment] is "source-attachment"; it is already associated with one; an attachment is associated with one route table'],
    ['a propagation twice', (t: TransitGateway, s: any) => { const v = spokeVpc(s); const a = t.attachVpc({ vpc: v, subnets: [v.subnet('source-tgw-a')] }); const rt = t.addRouteTable('rt'); rt.propagate(a); rt.propagate(a); },
      'test/tgw/rt: propagations[source-attachment] is "source-attachment"; it already propagates into this table'],
    ['two static routes to one destination', (t: TransitGateway) => { const rt = t.addRouteTable('rt'); rt.addRoute({ destination: '10.0.0.0/8', target: 'blackhole' }); rt.addRoute({ destination: '10.0.0.0/8', target: 'blackhole' }); },
      'test/tgw/rt: routes[10.0.0.0/8].destination is "10.0.0.0/8"; a transit gateway route table takes one static route per destination'],
    ['two route tables of one name', (t: TransitGateway) => { t.addRouteTable('rt'); t.addRouteTable('rt'); },
      'test/tgw: routeTables[rt] is "rt"; route table names must be unique on a transit gateway'],
  ])('rejects %s', (_, build, message) => {
    const stack = awsStack();
    expect(() => build(transitGateway(stack), stack)).toThrow(message);
  });
});

describe('TransitGateway.fromAttributes', () => {
  test('an existing transit gateway takes attachments, route tables and a Connect attachment, and creates no transit gateway', () => {
    const stack = awsStack();
    const tgw = TransitGateway.fromAttributes(stack, 'network-tgw', {
      transitGatewayId: 'tgw-0123456789abcdef0', name: 'network-tgw', amazonSideAsn: 64600, cidrBlocks: ['192.0.2.0/24'],
    });
    const vpc = spokeVpc(stack);
    const attachment = tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw') });
    tgw.addRouteTable('spokes-rt').associate(attachment);
    const connect = new TransitGatewayConnect(stack, 'connect', {
      name: 'calico-connect', transport: attachment,
      peers: [{ name: 'node-1', peerAddress: '10.10.0.10', insideCidr: '169.254.8.8/29', peerAsn: 65001 }],
    });
    const json = synth(stack);
    expect(resources(json, 'aws_ec2_transit_gateway')).toHaveLength(0);
    expect(taggedResource(json, 'aws_ec2_transit_gateway_vpc_attachment', 'source-attachment').transit_gateway_id).toBe('tgw-0123456789abcdef0');
    expect(taggedResource(json, 'aws_ec2_transit_gateway_route_table', 'spokes-rt').transit_gateway_id).toBe('tgw-0123456789abcdef0');
    expect(taggedResource(json, 'aws_ec2_transit_gateway_connect', 'calico-connect').transit_gateway_id).toBe('tgw-0123456789abcdef0');
    expect(connect.peers[0].transitGatewayAsn).toBe(64600);
    expect(connect.transitGatewayAddress).toBe('192.0.2.1');
    expect(tgw.isExisting).toBe(true);
    expect(() => tgw.resource).toThrow('test/network-tgw: resource is "tgw-0123456789abcdef0"; an existing transit gateway (fromAttributes) has no resource in this app');
  });

  test.each([
    ['no ID (JavaScript)', { name: 'network-tgw' }, 'test/network-tgw: transitGatewayId is missing; TransitGateway.fromAttributes requires it'],
    ['a public ASN', { transitGatewayId: 'tgw-1', name: 'network-tgw', amazonSideAsn: 3356 },
      'test/network-tgw: amazonSideAsn is 3356; a transit gateway\'s Amazon-side ASN is private'],
  ])('rejects %s', (_, attrs, message) => {
    expect(() => TransitGateway.fromAttributes(awsStack(), 'network-tgw', attrs as never)).toThrow(message);
  });
});
