import { Testing } from 'cdktf';
import { CALICO_AWS_EGRESS_NODE_ACTIONS } from '../../lib/aws';
import { EgressTenant } from '../../lib/calico';
import { AwsNativeEgwStack, AwsNativeEgwStackProps, nativeTenants } from '../../stacks/aws-native-egw';
import { EXAMPLES } from '../../stacks/examples';
import { TfJson, resource, resources, synth, taggedAddress, taggedResource } from '../helpers';

const build = (props: AwsNativeEgwStackProps = {}) => new AwsNativeEgwStack(Testing.app(), 'aws-native-egw', props);
let json: TfJson;
beforeAll(() => { json = synth(build()); });
const id = (type: string, name: string) => `\${${taggedAddress(json, type, name)}.id}`;
const ruleGroup = (name: string) => resources(json, 'aws_networkfirewall_rule_group').find((g) => g.name === name)!;

describe('aws-native-egw', () => {
  test('is listed among the examples, after the TGW Connect pair, as the AWS-native strategy', () => {
    const names = EXAMPLES.map((e) => e.name);
    expect(names.indexOf('aws-native-egw')).toBe(names.indexOf('aws-inspection-egw-calico') + 1);
    expect(EXAMPLES.find((e) => e.name === 'aws-native-egw')?.document).toBe('aws-native');
  });

  test('the cluster VPC: node, transit gateway attachment and egress gateway subnets, one of each per zone, in us-east-1', () => {
    expect(json.provider?.aws).toEqual([{ region: 'us-east-1' }]);
    expect(taggedResource(json, 'aws_vpc', 'native-cluster-vpc').cidr_block).toBe('10.40.0.0/16');
    const subnets = [
      ['native-nodes-a', '10.40.0.0/24', 'us-east-1a'], ['native-nodes-b', '10.40.1.0/24', 'us-east-1b'],
      ['native-tgw-a', '10.40.255.0/28', 'us-east-1a'], ['native-tgw-b', '10.40.255.16/28', 'us-east-1b'],
      ['egress-gw-a', '10.40.100.0/28', 'us-east-1a'], ['egress-gw-b', '10.40.100.16/28', 'us-east-1b'],
    ];
    for (const [name, cidr, az] of subnets) {
      expect(taggedResource(json, 'aws_subnet', name)).toMatchObject({
        vpc_id: id('aws_vpc', 'native-cluster-vpc'), cidr_block: cidr, availability_zone: az, map_public_ip_on_launch: false,
      });
    }
    expect(taggedResource(json, 'aws_vpc', 'native-inspection-vpc').cidr_block).toBe('10.201.0.0/24');
  });

  test('every node and egress gateway subnet sends 0.0.0.0/0 to the transit gateway, which sends it to the inspection VPC', () => {
    const tgw = id('aws_ec2_transit_gateway', 'native-egw-tgw');
    const routes = resources(json, 'aws_route').filter((r) => r.transit_gateway_id === tgw && r.destination_cidr_block === '0.0.0.0/0')
      .map((r) => r.route_table_id).sort();
    expect(routes).toEqual([
      id('aws_route_table', 'egress-gw-a-rt'), id('aws_route_table', 'egress-gw-b-rt'),
      id('aws_route_table', 'native-nodes-a-rt'), id('aws_route_table', 'native-nodes-b-rt'),
    ].sort());
    const inspectionRt = id('aws_ec2_transit_gateway_route_table', 'inspection-rt');
    const firewallRt = id('aws_ec2_transit_gateway_route_table', 'firewall-rt');
    const cluster = id('aws_ec2_transit_gateway_vpc_attachment', 'native-cluster-vpc-attachment');
    const inspection = id('aws_ec2_transit_gateway_vpc_attachment', 'native-inspection-vpc-attachment');
    const pairs = (type: string) => resources(json, type).map((r) => [r.transit_gateway_route_table_id, r.transit_gateway_attachment_id]);
    expect(pairs('aws_ec2_transit_gateway_route_table_association').sort()).toEqual([[firewallRt, inspection], [inspectionRt, cluster]].sort());
    expect(pairs('aws_ec2_transit_gateway_route_table_propagation')).toEqual([[firewallRt, cluster]]);
    expect(resources(json, 'aws_ec2_transit_gateway_route')).toEqual([
      { transit_gateway_route_table_id: inspectionRt, destination_cidr_block: '0.0.0.0/0', transit_gateway_attachment_id: inspection },
    ]);
    expect(taggedResource(json, 'aws_ec2_transit_gateway', 'native-egw-tgw')).toMatchObject({
      amazon_side_asn: 64512, default_route_table_association: 'disable', default_route_table_propagation: 'disable',
    });
    expect(taggedResource(json, 'aws_ec2_transit_gateway', 'native-egw-tgw').transit_gateway_cidr_blocks).toBeUndefined();
  });

  test('no GRE, no Connect, no BGP: nothing of the first strategy', () => {
    for (const type of ['aws_ec2_transit_gateway_connect', 'aws_ec2_transit_gateway_connect_peer']) expect(resources(json, type)).toEqual([]);
    expect(json.output?.node_user_data).toBeUndefined();
  });

  test('out to the Internet after inspection: a NAT gateway per zone, replies to the cluster VPC back through the firewall', () => {
    for (const az of ['us-east-1a', 'us-east-1b']) {
      expect(taggedResource(json, 'aws_nat_gateway', `native-inspection-vpc-nat-${az}`)).toMatchObject({
        subnet_id: id('aws_subnet', `native-inspection-vpc-public-${az}`), connectivity_type: 'public',
      });
      const fwRoutes = resources(json, 'aws_route').filter((r) => r.route_table_id === id('aws_route_table', `native-inspection-vpc-firewall-${az}-rt`))
        .map((r) => [r.destination_cidr_block, r.nat_gateway_id ?? r.transit_gateway_id]);
      expect(fwRoutes).toEqual([
        ['0.0.0.0/0', id('aws_nat_gateway', `native-inspection-vpc-nat-${az}`)],
        ['10.40.0.0/16', id('aws_ec2_transit_gateway', 'native-egw-tgw')],
      ]);
    }
    expect(json.output?.internet_source_addresses.value).toEqual({
      'us-east-1a': `\${${taggedAddress(json, 'aws_nat_gateway', 'native-inspection-vpc-nat-us-east-1a')}.public_ip}`,
      'us-east-1b': `\${${taggedAddress(json, 'aws_nat_gateway', 'native-inspection-vpc-nat-us-east-1b')}.public_ip}`,
    });
  });

  test('firewall rules: the nodes to the EC2 API, each tenant\'s range to its names, over HTTPS; established semantics for the domain lists', () => {
    expect(resource(json, 'aws_networkfirewall_firewall_policy').firewall_policy).toMatchObject({
      stateful_default_actions: ['aws:drop_established', 'aws:alert_established'],
      stateful_engine_options: { rule_order: 'STRICT_ORDER' },
    });
    const expected: [string, string[], string][] = [
      ['native-egw-fw-nodes-to-ec2-api', ['10.40.0.0/24', '10.40.1.0/24'], 'ec2.us-east-1.amazonaws.com'],
      ['native-egw-fw-billing-egress', ['10.40.100.4/30'], 'api.stripe.com'],
      ['native-egw-fw-reports-egress', ['10.40.100.20/30'], 'api.github.com'],
    ];
    for (const [name, sources, target] of expected) {
      const group = ruleGroup(name).rule_group;
      expect(group.rule_variables.ip_sets[0]).toEqual({ key: 'HOME_NET', ip_set: { definition: sources } });
      expect(group.rules_source.rules_source_list).toEqual({ generated_rules_type: 'ALLOWLIST', target_types: ['TLS_SNI'], targets: [target] });
    }
    expect(resource(json, 'aws_networkfirewall_firewall_policy').firewall_policy.stateful_rule_group_reference.map((r: any) => r.priority)).toEqual([100, 200, 210]);
  });

  test('the nodes\' IAM: Tigera\'s EC2 actions in a policy attached to the role native-egw-nodes and its instance profile', () => {
    const docs = json.data?.aws_iam_policy_document ?? {};
    const policyDoc = Object.values(docs).find((d: any) => d.statement[0].sid === 'CalicoEgressGatewayEni') as any;
    expect(policyDoc.statement[0].actions).toEqual([...CALICO_AWS_EGRESS_NODE_ACTIONS]);
    expect(resource(json, 'aws_iam_policy').name).toBe('calico-egress-gateway-nodes');
    expect(resource(json, 'aws_iam_role')).toMatchObject({ name: 'native-egw-nodes' });
    const assume = Object.values(docs).find((d: any) => d.statement[0].actions[0] === 'sts:AssumeRole') as any;
    expect(assume.statement).toEqual([{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }]);
    expect(resource(json, 'aws_iam_role_policy_attachment')).toEqual({
      role: `\${${address(json, 'aws_iam_role')}.name}`, policy_arn: `\${${address(json, 'aws_iam_policy')}.arn}`,
    });
    expect(resource(json, 'aws_iam_instance_profile')).toEqual({ name: 'native-egw-nodes', role: `\${${address(json, 'aws_iam_role')}.name}` });
    expect(resources(json, 'aws_eip')).toHaveLength(2);   // the NAT gateways' only: no Elastic IP on the gateways
  });

  test('outputs the egress gateway subnet of each zone', () => {
    expect(json.output?.egress_gateway_subnets.value).toEqual({
      'us-east-1a': id('aws_subnet', 'egress-gw-a'), 'us-east-1b': id('aws_subnet', 'egress-gw-b'),
    });
  });

  test('two synths are identical', () => {
    expect(JSON.stringify(synth(build()))).toBe(JSON.stringify(json));
  });

  test.each([
    ['a range in the other zone\'s subnet', [{ ...nativeTenants()[0], availabilityZone: 'us-east-1b' }],
      'aws-native-egw: tenants[0].tenant.egressCidr is "10.40.100.4/30"; tenant billing\'s gateways run in us-east-1b, so its range lies in that zone\'s egress gateway subnet egress-gw-b (10.40.100.16/28)'],
    ['a range holding addresses AWS reserves', [{ ...nativeTenants()[0], tenant: new EgressTenant({ name: 'billing', egressCidr: '10.40.100.0/30' }) }],
      'aws-native-egw: tenants[0].tenant.egressCidr is "10.40.100.0/30"; AWS reserves 10.40.100.0, 10.40.100.1, 10.40.100.2, 10.40.100.3 in egress-gw-a (10.40.100.0/28); choose a range clear of them'],
    ['a zone without an egress gateway subnet', [{ ...nativeTenants()[0], availabilityZone: 'us-east-1c' }],
      'aws-native-egw: tenants[0].availabilityZone is "us-east-1c"; a zone with an egress gateway subnet: us-east-1a, us-east-1b'],
    ['a tenant the firewall lets reach nothing', [{ ...nativeTenants()[0], allowedFqdns: [] }],
      'aws-native-egw: tenants[0].allowedFqdns is []; at least one name the tenant may reach; without a rule the firewall drops all its traffic'],
  ])('refuses %s', (_, tenants, message) => {
    expect(() => build({ tenants })).toThrow(message);
  });
});

function address(j: TfJson, type: string): string {
  return `${type}.${Object.keys(j.resource?.[type] ?? {})[0]}`;
}
