import { Testing } from 'cdktf';
import { EgressTenant } from '../../lib/calico';
import { AwsInspectionEgwStack, AwsInspectionEgwStackProps, documentTenant } from '../../stacks/aws-inspection-egw';
import { EXAMPLES } from '../../stacks/examples';
import { TfJson, resource, resources, synth, taggedAddress, taggedResource } from '../helpers';

const build = (props: AwsInspectionEgwStackProps = {}) => new AwsInspectionEgwStack(Testing.app(), 'aws-inspection-egw', props);
let json: TfJson;
beforeAll(() => { json = synth(build()); });
const id = (type: string, name: string) => `\${${taggedAddress(json, type, name)}.id}`;

describe('aws-inspection-egw', () => {
  test('is listed among the examples as document 004', () => {
    expect(EXAMPLES.find((e) => e.name === 'aws-inspection-egw')?.document).toBe('004');
  });

  test('three VPCs: source (the cluster), destination (the service), inspection (the firewall), in us-east-1', () => {
    expect(json.provider?.aws).toEqual([{ region: 'us-east-1' }]);
    expect(taggedResource(json, 'aws_vpc', 'source-vpc').cidr_block).toBe('10.10.0.0/16');
    expect(taggedResource(json, 'aws_vpc', 'destination-vpc').cidr_block).toBe('10.0.0.0/16');
    expect(taggedResource(json, 'aws_vpc', 'inspection-vpc').cidr_block).toBe('10.200.0.0/24');
    expect(taggedResource(json, 'aws_subnet', 'destination-service-a').cidr_block).toBe('10.0.0.0/24');
  });

  test('the transit gateway has the document\'s CIDR block and no default route tables', () => {
    expect(taggedResource(json, 'aws_ec2_transit_gateway', 'inspection-tgw')).toMatchObject({
      amazon_side_asn: 64512,
      transit_gateway_cidr_blocks: ['192.0.2.0/24'],
      default_route_table_association: 'disable',
      default_route_table_propagation: 'disable',
    });
    expect(taggedResource(json, 'aws_ec2_transit_gateway_vpc_attachment', 'inspection-vpc-attachment').appliance_mode_support).toBe('enable');
    expect(taggedResource(json, 'aws_ec2_transit_gateway_vpc_attachment', 'source-vpc-attachment').appliance_mode_support).toBe('disable');
  });

  test('inspection-rt: the spokes, 0.0.0.0/0 to the inspection VPC; firewall-rt: the inspection VPC, propagations from the spokes and Connect', () => {
    const inspectionRt = id('aws_ec2_transit_gateway_route_table', 'inspection-rt');
    const firewallRt = id('aws_ec2_transit_gateway_route_table', 'firewall-rt');
    const source = id('aws_ec2_transit_gateway_vpc_attachment', 'source-vpc-attachment');
    const destination = id('aws_ec2_transit_gateway_vpc_attachment', 'destination-vpc-attachment');
    const inspection = id('aws_ec2_transit_gateway_vpc_attachment', 'inspection-vpc-attachment');
    const connect = id('aws_ec2_transit_gateway_connect', 'calico-connect');
    const pairs = (type: string) => resources(json, type).map((r) => [r.transit_gateway_route_table_id, r.transit_gateway_attachment_id]);
    expect(pairs('aws_ec2_transit_gateway_route_table_association')).toEqual(expect.arrayContaining([
      [inspectionRt, source], [inspectionRt, destination], [firewallRt, inspection]]));
    expect(pairs('aws_ec2_transit_gateway_route_table_association')).toHaveLength(3);
    expect(pairs('aws_ec2_transit_gateway_route_table_propagation')).toEqual(expect.arrayContaining([
      [firewallRt, source], [firewallRt, destination], [firewallRt, connect]]));
    expect(pairs('aws_ec2_transit_gateway_route_table_propagation')).toHaveLength(3);
    expect(resources(json, 'aws_ec2_transit_gateway_route')).toEqual([
      { transit_gateway_route_table_id: inspectionRt, destination_cidr_block: '0.0.0.0/0', transit_gateway_attachment_id: inspection },
    ]);
  });

  test('VPC routes: spokes to the transit gateway, the nodes also for GRE, the inspection VPC through the firewall and back', () => {
    const tgw = id('aws_ec2_transit_gateway', 'inspection-tgw');
    const routes = resources(json, 'aws_route').map((r) => [r.route_table_id, r.destination_cidr_block, r.transit_gateway_id ?? 'endpoint']);
    const expected = [
      [id('aws_route_table', 'source-nodes-a-rt'), '0.0.0.0/0', tgw],
      [id('aws_route_table', 'source-nodes-b-rt'), '0.0.0.0/0', tgw],
      [id('aws_route_table', 'source-nodes-a-rt'), '192.0.2.0/24', tgw],
      [id('aws_route_table', 'source-nodes-b-rt'), '192.0.2.0/24', tgw],
      [id('aws_route_table', 'destination-service-a-rt'), '0.0.0.0/0', tgw],
      [id('aws_route_table', 'inspection-vpc-firewall-us-east-1a-rt'), '0.0.0.0/0', tgw],
      [id('aws_route_table', 'inspection-vpc-firewall-us-east-1b-rt'), '0.0.0.0/0', tgw],
      [id('aws_route_table', 'inspection-vpc-tgw-us-east-1a-rt'), '0.0.0.0/0', 'endpoint'],
      [id('aws_route_table', 'inspection-vpc-tgw-us-east-1b-rt'), '0.0.0.0/0', 'endpoint'],
    ];
    expect(routes).toEqual(expect.arrayContaining(expected));
    expect(routes).toHaveLength(expected.length);
  });

  test('one Connect peer per node, the first with the document\'s inside range', () => {
    const peers = resources(json, 'aws_ec2_transit_gateway_connect_peer').map((p) => [p.tags.Name, p.peer_address, p.inside_cidr_blocks, p.bgp_asn, p.transit_gateway_address]);
    expect(peers).toEqual([
      ['node-1', '10.10.0.10', ['169.254.8.8/29'], '65001', '192.0.2.1'],
      ['node-2', '10.10.1.10', ['169.254.8.16/29'], '65001', '192.0.2.1'],
    ]);
    const stack = build();
    expect(stack.connect.peers[0].peerInsideAddress).toBe('169.254.8.9');
    expect(stack.connect.peers[0].transitGatewayInsideAddresses).toEqual(['169.254.8.10', '169.254.8.11']);
    expect(stack.connect.peers[0].transitGatewayAsn).toBe(64512);
    expect(stack.calicoAsn).toBe(65001);
  });

  test('only the egress gateway range reaches the service; everything else to it is dropped', () => {
    const policy = resource(json, 'aws_networkfirewall_firewall_policy', 'inspection-fw-policy').firewall_policy;
    expect(policy.stateful_rule_group_reference.map((r: any) => r.priority)).toEqual([100, 200]);
    expect(policy.stateful_default_actions).toEqual(['aws:drop_strict', 'aws:alert_strict']);
    const header = (name: string) => resource(json, 'aws_networkfirewall_rule_group', name).rule_group.rules_source.stateful_rule
      .map((r: any) => [r.action, r.header]);
    expect(header('inspection-fw-egress-gateway-to-service')).toEqual([['PASS', {
      protocol: 'TCP', source: '198.51.100.0/28', source_port: 'ANY', direction: 'FORWARD', destination: '10.0.0.55/32', destination_port: '8080',
    }]]);
    expect(header('inspection-fw-deny-to-service')).toEqual([['DROP', {
      protocol: 'IP', source: 'ANY', source_port: 'ANY', direction: 'FORWARD', destination: '10.0.0.55/32', destination_port: 'ANY',
    }]]);
    expect(resource(json, 'aws_networkfirewall_firewall', 'inspection-fw').delete_protection).toBe(false);
  });

  test('the egress range in the rule is the tenant\'s, and the document\'s tenant holds its gateway address', () => {
    const tenant = new EgressTenant({ name: 'blue', egressCidr: '198.51.100.16/28' });
    const stack = build({ tenant });
    expect(stack.tenant).toBe(tenant);
    const rule = resource(synth(stack), 'aws_networkfirewall_rule_group', 'inspection-fw-egress-gateway-to-service');
    expect(rule.rule_group.rules_source.stateful_rule[0].header.source).toBe('198.51.100.16/28');
    const t = build().tenant;
    expect([t.name, t.egressCidr.toString(), t.egressCidr.contains('198.51.100.1')]).toEqual(['tenant0', '198.51.100.0/28', true]);
    expect(documentTenant().egressCidr.toString()).toBe('198.51.100.0/28');
    expect(build().egressBlock.toString()).toBe('198.51.100.0/24');
  });

  test('each node\'s user data is its GRE tunnel to the transit gateway, as an output', () => {
    expect(json.output?.node_user_data.value).toEqual({ 'node-1': NODE_1_USER_DATA, 'node-2': NODE_1_USER_DATA
      .replace(/10\.10\.0\.10/g, '10.10.1.10').replace(/node-1/g, 'node-2').replace(/169\.254\.8\.9\//g, '169.254.8.17/') });
    const stack = build();
    expect(stack.nodeUserData.mtu).toBe(8476);
    expect(stack.nodes.map((n) => n.name)).toEqual(['node-1', 'node-2']);
  });

  test('the nodes\' security group takes GRE from the transit gateway CIDR block', () => {
    const sg = id('aws_security_group', 'source-nodes');
    expect(taggedResource(json, 'aws_security_group', 'source-nodes').vpc_id).toBe(id('aws_vpc', 'source-vpc'));
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual(expect.arrayContaining([
      expect.objectContaining({ security_group_id: sg, ip_protocol: '47', cidr_ipv4: '192.0.2.0/24' }),
      expect.objectContaining({ security_group_id: sg, ip_protocol: '-1', referenced_security_group_id: sg }),
    ]));
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual([
      expect.objectContaining({ security_group_id: sg, ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' }),
    ]);
  });

  test('outputs what the Calico side needs for each node', () => {
    expect(json.output?.connect_peers.value).toEqual([
      { node: 'node-1', gre_local: '10.10.0.10', gre_remote: '192.0.2.1', inside_cidr: '169.254.8.8/29', node_inside_address: '169.254.8.9',
        tgw_inside_addresses: ['169.254.8.10', '169.254.8.11'], node_asn: 65001, tgw_asn: 64512 },
      { node: 'node-2', gre_local: '10.10.1.10', gre_remote: '192.0.2.1', inside_cidr: '169.254.8.16/29', node_inside_address: '169.254.8.17',
        tgw_inside_addresses: ['169.254.8.18', '169.254.8.19'], node_asn: 65001, tgw_asn: 64512 },
    ]);
    expect(json.output?.transit_gateway_asn.value).toBe(64512);
  });

  test('two synths are byte-identical', () => {
    expect(Testing.synth(build(), true)).toBe(Testing.synth(build(), true));
  });

  const tenant = (cidr: string) => new EgressTenant({ name: 'tenant0', egressCidr: cidr });
  test.each([
    ['a service address AWS reserves', { serviceAddress: '10.0.0.1' },
      'aws-inspection-egw: serviceAddress is "10.0.0.1"; the service runs on an instance in destination-service-a (10.0.0.0/24), at none of the five addresses AWS reserves there'],
    ['a service address outside the service subnet', { serviceAddress: '10.0.1.55' }, /serviceAddress is "10.0.1.55"; the service runs on an instance in destination-service-a/],
    ['a tenant outside the egress block', { tenant: tenant('203.0.113.0/28') },
      'aws-inspection-egw: tenant.egressCidr is "203.0.113.0/28"; egress gateway ranges come from the egress block 198.51.100.0/24 (egressBlock); choose a range inside it'],
    ['a tenant range inside a VPC', { tenant: tenant('10.10.200.0/28'), egressBlock: '10.10.200.0/24' },
      'aws-inspection-egw: tenant.egressCidr is "10.10.200.0/28"; it overlaps VPC source-vpc (10.10.0.0/16, aws-inspection-egw/source-vpc); the egress gateway range is announced to the transit gateway and must not shadow a VPC or its CIDR block'],
    ['a tenant range inside the transit gateway CIDR block', { tenant: tenant('192.0.2.0/28'), egressBlock: '192.0.2.0/24' },
      /tenant.egressCidr is "192.0.2.0\/28"; it overlaps transit gateway inspection-tgw CIDR block \(192.0.2.0\/24, aws-inspection-egw\/tgw\)/],
    ['an egress block overlapping a VPC', { tenant: tenant('10.11.0.0/28'), egressBlock: '10.10.0.0/15' },
      'aws-inspection-egw: egressBlock is "10.10.0.0/15"; it overlaps VPC source-vpc (10.10.0.0/16, aws-inspection-egw/source-vpc); egress gateway ranges come from it, so it must not overlap a VPC or the transit gateway CIDR block'],
    ['an egress block with host bits set', { egressBlock: '198.51.100.1/24' },
      'aws-inspection-egw: egressBlock is "198.51.100.1/24"; host bits are set; the range starting there is 198.51.100.0/24'],
    ['a node name that is not DNS-1123', { nodes: [{ name: 'Node_1', address: '10.10.0.10', insideCidr: '169.254.8.8/29' }] },
      "aws-inspection-egw: nodes[0].name is \"Node_1\"; a Kubernetes name is up to 253 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit"],
    ['Calico speaking the transit gateway\'s ASN', { calicoAsn: 64512 }, /calico-connect: peers\[node-1\].peerAsn is 64512; 64512 is the transit gateway's own ASN/],
  ])('rejects %s', (_, props, message) => {
    expect(() => synth(build(props as AwsInspectionEgwStackProps))).toThrow(message);
  });
});

/** node-1's user data, exactly: the GRE interface of document 004 (Figure 2) as netplan in cloud-config. */
const NODE_1_USER_DATA = `#cloud-config
# node-1: GRE tunnel gre1 10.10.0.10 -> 192.0.2.1, inside 169.254.8.9/29, MTU 8476.
# Generated by cdktf-kubernetes-egress; do not edit.
write_files:
  - path: /etc/modules-load.d/gre1.conf
    permissions: "0644"
    content: |
      ip_gre
  - path: /etc/netplan/60-gre1.yaml
    permissions: "0600"
    content: |
      network:
        version: 2
        tunnels:
          gre1:
            mode: gre
            local: 10.10.0.10
            remote: 192.0.2.1
            addresses:
              - 169.254.8.9/29
            mtu: 8476
            ttl: 255
  - path: /etc/sysctl.d/60-gre1.conf
    permissions: "0644"
    content: |
      net.ipv4.conf.gre1.rp_filter = 2
runcmd:
  - modprobe ip_gre
  - netplan apply
  - sysctl -w net.ipv4.conf.gre1.rp_filter=2
`;
