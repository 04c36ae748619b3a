import { Cidr, RuleCollections } from '../../lib/core';
import { InspectionVpc, InspectionVpcProps, NetworkFirewall } from '../../lib/aws';
import { awsStack, resources, synth, taggedAddress, taggedResource } from '../helpers';
import { transitGateway } from './fixtures';
import { TerraformStack } from 'cdktf';

const egressVpc = (stack: TerraformStack, over: Partial<InspectionVpcProps> = {}) => new InspectionVpc(stack, 'inspection', {
  name: 'inspection-vpc', cidrBlock: '10.100.0.0/24', availabilityZones: ['us-east-1a', 'us-east-1b'],
  internetEgress: { returnRanges: ['10.10.0.0/16', '198.51.100.0/24'] }, ...over,
});

const warnings = (stack: TerraformStack) =>
  stack.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));

const webAllow = RuleCollections.application({
  name: 'web', priority: 300, action: 'Allow',
  rules: [{ name: 'r', sources: [Cidr.parse('198.51.100.0/28')], protocols: [{ type: 'Https', port: 443 }], targetFqdns: ['www.example.com'] }],
});
const dnsAllow = RuleCollections.network({
  name: 'dns', priority: 310, action: 'Allow',
  rules: [{ name: 'google', protocols: ['UDP'], destinationAddresses: ['8.8.8.8', '10.0.0.55'], destinationPorts: [53] }],
});

describe('InspectionVpc internetEgress', () => {
  test('a NAT gateway per zone behind an Internet gateway, with symmetric routes through the firewall endpoint of the zone', () => {
    const stack = awsStack();
    const vpc = egressVpc(stack);
    new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc });
    const tgw = transitGateway(stack);
    tgw.addRouteTable('firewall-rt').associate(tgw.attachInspectionVpc(vpc));
    const json = synth(stack);
    expect(vpc.publicSubnets.map((s) => [s.name, s.cidr.toString(), s.availabilityZone])).toEqual([
      ['inspection-vpc-public-us-east-1a', '10.100.0.64/28', 'us-east-1a'],
      ['inspection-vpc-public-us-east-1b', '10.100.0.80/28', 'us-east-1b'],
    ]);
    const igw = taggedAddress(json, 'aws_internet_gateway', 'inspection-vpc-igw');
    for (const az of ['us-east-1a', 'us-east-1b']) {
      const nat = taggedAddress(json, 'aws_nat_gateway', `inspection-vpc-nat-${az}`);
      expect(taggedResource(json, 'aws_nat_gateway', `inspection-vpc-nat-${az}`)).toMatchObject({
        allocation_id: `\${${taggedAddress(json, 'aws_eip', `inspection-vpc-nat-${az}`)}.id}`,
        subnet_id: `\${${taggedAddress(json, 'aws_subnet', `inspection-vpc-public-${az}`)}.id}`,
        connectivity_type: 'public',
      });
      const routesOf = (table: string) => resources(json, 'aws_route')
        .filter((r) => r.route_table_id === `\${${taggedAddress(json, 'aws_route_table', table)}.id}`)
        .map((r) => [r.destination_cidr_block, r.gateway_id ?? r.nat_gateway_id ?? r.vpc_endpoint_id ?? r.transit_gateway_id]);
      expect(routesOf(`inspection-vpc-public-${az}-rt`)).toEqual([
        ['0.0.0.0/0', `\${${igw}.id}`],
        ['10.10.0.0/16', expect.stringContaining(`["${az}"]`)],
        ['198.51.100.0/24', expect.stringContaining(`["${az}"]`)],
      ]);
      const tgw = `\${${taggedAddress(json, 'aws_ec2_transit_gateway', 'hub-tgw')}.id}`;
      expect(routesOf(`inspection-vpc-firewall-${az}-rt`)).toEqual([
        ['0.0.0.0/0', `\${${nat}.id}`],
        ['10.10.0.0/16', tgw],
        ['198.51.100.0/24', tgw],
      ]);
    }
    expect(resources(json, 'aws_eip')).toHaveLength(2);
  });

  test('without internetEgress the firewall subnets send everything back to the transit gateway, and there is no NAT', () => {
    const stack = awsStack();
    const vpc = egressVpc(stack, { internetEgress: undefined });
    const tgw = transitGateway(stack);
    tgw.addRouteTable('firewall-rt').associate(tgw.attachInspectionVpc(vpc));
    const json = synth(stack);
    expect(vpc.hasInternetEgress).toBe(false);
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(0);
    expect(resources(json, 'aws_route').map((r) => r.destination_cidr_block)).toEqual(['0.0.0.0/0', '0.0.0.0/0']);
  });

  test.each([
    ['no return ranges', { internetEgress: { returnRanges: [] } }, 'test/inspection: internetEgress.returnRanges is []; at least 1 entry is needed'],
    ['an IPv6 return range', { internetEgress: { returnRanges: ['fd00::/64'] } }, 'test/inspection: internetEgress.returnRanges[0] is "fd00::/64"; only IPv4 is allowed here'],
    ['a VPC too small for three subnets per zone', { cidrBlock: '10.100.0.0/26' },
      'test/inspection: cidrBlock is "10.100.0.0/26"; 2 zones need 6 subnets of /28; 10.100.0.0/26 holds 4'],
  ])('rejects %s', (_, over, message) => {
    expect(() => egressVpc(awsStack(), over as Partial<InspectionVpcProps>)).toThrow(message);
  });
});

describe('NetworkFirewall Internet destinations', () => {
  test('warns at synth when an Allow rule names an Internet destination and the inspection VPC has no way out', () => {
    const stack = awsStack();
    new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: egressVpc(stack, { internetEgress: undefined }), ruleCollections: [webAllow, dnsAllow] });
    expect(warnings(stack)).toEqual([
      'ruleCollections[web].rules[0] allows www.example.com on the Internet, but inspection VPC inspection-vpc has no route to the Internet; give it internetEgress, or the rule never matches traffic that arrives',
      'ruleCollections[dns].rules[0] allows 8.8.8.8 on the Internet, but inspection VPC inspection-vpc has no route to the Internet; give it internetEgress, or the rule never matches traffic that arrives',
    ]);
  });

  test('no warning with internetEgress, nor for private destinations', () => {
    const stack = awsStack();
    new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: egressVpc(stack), ruleCollections: [webAllow, dnsAllow] });
    expect(warnings(stack)).toEqual([]);
    const other = awsStack(undefined, 'private');
    new NetworkFirewall(other, 'fw', {
      name: 'inspection-fw', vpc: egressVpc(other, { internetEgress: undefined }),
      ruleCollections: [RuleCollections.network({ name: 'svc', priority: 1, action: 'Allow', rules: [{ name: 'r', protocols: ['TCP'], destinationAddresses: ['10.0.0.55'], destinationPorts: [8080] }] })],
    });
    expect(warnings(other)).toEqual([]);
  });
});
