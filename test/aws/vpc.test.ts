import { TerraformStack } from 'cdktf';
import { InspectionVpc, TransitGateway, Vpc, VpcRouteTarget } from '../../lib/aws';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { address, awsStack, resources, synth, synthAwsWith, taggedAddress, taggedResource } from '../helpers';

const spoke = (stack: TerraformStack, over: Partial<ConstructorParameters<typeof Vpc>[2]> = {}) => new Vpc(stack, 'spoke', {
  name: 'spoke-vpc',
  cidrBlock: '10.10.0.0/16',
  subnets: [
    { name: 'nodes-a', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1a', group: 'nodes' },
    { name: 'tgw-a', cidr: '10.10.255.0/28', availabilityZone: 'us-east-1a', group: 'tgw' },
  ],
  ...over,
});

describe('Vpc', () => {
  test('creates the VPC, its subnets, a route table per subnet and an empty default security group', () => {
    const json = synthAwsWith((stack) => { spoke(stack); });
    expect(taggedResource(json, 'aws_vpc', 'spoke-vpc')).toMatchObject({
      cidr_block: '10.10.0.0/16', enable_dns_support: true, enable_dns_hostnames: true,
    });
    const vpcId = `\${${taggedAddress(json, 'aws_vpc', 'spoke-vpc')}.id}`;
    expect(taggedResource(json, 'aws_subnet', 'nodes-a')).toMatchObject({
      vpc_id: vpcId, cidr_block: '10.10.0.0/24', availability_zone: 'us-east-1a', map_public_ip_on_launch: false,
    });
    expect(taggedResource(json, 'aws_route_table', 'nodes-a-rt').vpc_id).toBe(vpcId);
    expect(resources(json, 'aws_route_table_association')).toContainEqual(expect.objectContaining({
      subnet_id: `\${${taggedAddress(json, 'aws_subnet', 'nodes-a')}.id}`,
      route_table_id: `\${${taggedAddress(json, 'aws_route_table', 'nodes-a-rt')}.id}`,
    }));
    const dsg = taggedResource(json, 'aws_default_security_group', 'spoke-vpc-default');
    expect(dsg.vpc_id).toBe(vpcId);
    expect(dsg.ingress).toBeUndefined();
    expect(dsg.egress).toBeUndefined();
  });

  test('the default security group is left alone when asked', () => {
    const json = synthAwsWith((stack) => { spoke(stack, { restrictDefaultSecurityGroup: false }); });
    expect(resources(json, 'aws_default_security_group')).toHaveLength(0);
  });

  test('subnets: groups, host addresses and the addresses AWS reserves', () => {
    const vpc = spoke(awsStack());
    expect(vpc.subnetsInGroup('nodes').map((s) => s.name)).toEqual(['nodes-a']);
    const nodes = vpc.subnet('nodes-a');
    expect(nodes.hostIp(0)).toBe('10.10.0.4');
    expect(nodes.isUsableAddress('10.10.0.55')).toBe(true);
    expect(nodes.isUsableAddress('10.10.0.3')).toBe(false);
    expect(nodes.isUsableAddress('10.10.0.255')).toBe(false);
    expect(nodes.isUsableAddress('10.10.1.5')).toBe(false);
    expect(() => nodes.hostIp(251)).toThrow('test/spoke/nodes-a: hostIp index is 251; nodes-a (10.10.0.0/24) has 251 usable addresses, index 0 to 250');
  });

  test('routes go to the subnet route table, after what their target needs', () => {
    const stack = awsStack();
    const vpc = spoke(stack);
    const attachment = new SecurityGroup(stack, 'stand-in', { name: 'stand-in' });
    vpc.subnet('nodes-a').addRoute({ destination: '0.0.0.0/0', target: VpcRouteTarget.transitGateway('tgw-123', attachment) });
    vpc.subnet('tgw-a').addRoute({ destination: '0.0.0.0/0', target: VpcRouteTarget.vpcEndpoint('vpce-123') });
    const json = synth(stack);
    const routes = resources(json, 'aws_route');
    expect(routes).toContainEqual(expect.objectContaining({
      route_table_id: `\${${taggedAddress(json, 'aws_route_table', 'nodes-a-rt')}.id}`,
      destination_cidr_block: '0.0.0.0/0', transit_gateway_id: 'tgw-123', depends_on: [address(json, 'aws_security_group', 'stand-in')],
    }));
    expect(routes).toContainEqual(expect.objectContaining({
      route_table_id: `\${${taggedAddress(json, 'aws_route_table', 'tgw-a-rt')}.id}`,
      destination_cidr_block: '0.0.0.0/0', vpc_endpoint_id: 'vpce-123',
    }));
    expect(routes.find((r) => r.vpc_endpoint_id)?.depends_on).toBeUndefined();
  });

  test.each([
    ['a VPC larger than /16', { cidrBlock: '10.0.0.0/15' }, 'test/spoke: cidrBlock is "10.0.0.0/15"; a VPC\'s IPv4 CIDR is /16 to /28'],
    ['a VPC smaller than /28', { cidrBlock: '10.0.0.0/29', subnets: [] }, 'test/spoke: cidrBlock is "10.0.0.0/29"; a VPC\'s IPv4 CIDR is /16 to /28'],
    ['host bits set', { cidrBlock: '10.10.0.1/16' }, 'test/spoke: cidrBlock is "10.10.0.1/16"; host bits are set; the range starting there is 10.10.0.0/16'],
    ['a subnet outside the VPC', { subnets: [{ name: 'x', cidr: '10.11.0.0/24', availabilityZone: 'us-east-1a' }] },
      'test/spoke: subnets[x].cidr is "10.11.0.0/24"; a subnet must lie inside the VPC\'s CIDR 10.10.0.0/16'],
    ['a subnet smaller than /28', { subnets: [{ name: 'x', cidr: '10.10.0.0/29', availabilityZone: 'us-east-1a' }] },
      'test/spoke: subnets[x].cidr is "10.10.0.0/29"; AWS subnets are /16 to /28 (AWS reserves five addresses in each)'],
    ['overlapping subnets', { subnets: [
      { name: 'x', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1a' }, { name: 'y', cidr: '10.10.0.128/25', availabilityZone: 'us-east-1a' }] },
      'test/spoke: subnets[y].cidr is "10.10.0.128/25"; it overlaps subnet x (10.10.0.0/24); subnets must not overlap'],
    ['duplicate subnet names', { subnets: [
      { name: 'x', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1a' }, { name: 'x', cidr: '10.10.1.0/24', availabilityZone: 'us-east-1a' }] },
      'test/spoke: subnets[x].name is "x"; subnet names must be unique in a VPC'],
    ['a bad zone', { subnets: [{ name: 'x', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1' }] },
      'test/spoke: subnets[x].availabilityZone is "us-east-1"; expected an availability zone name such as us-east-1a'],
    ['an empty name', { name: '' }, 'test/spoke: name is ""; a name is 1 to 256 characters'],
  ])('rejects %s', (_, over, message) => {
    expect(() => spoke(awsStack(), over)).toThrow(message);
  });

  test('rejects a second route to one destination, and a route to the VPC itself', () => {
    const subnet = spoke(awsStack()).subnet('nodes-a');
    subnet.addRoute({ destination: '0.0.0.0/0', target: VpcRouteTarget.transitGateway('tgw-1') });
    expect(() => subnet.addRoute({ destination: '0.0.0.0/0', target: VpcRouteTarget.vpcEndpoint('vpce-1') })).toThrow(
      'test/spoke/nodes-a: routes[0.0.0.0/0].destination is "0.0.0.0/0"; the route table of nodes-a already has a route to 0.0.0.0/0 (to a transitGateway); each destination takes one route');
    expect(() => subnet.addRoute({ destination: '10.10.0.0/16', target: VpcRouteTarget.vpcEndpoint('vpce-1') })).toThrow(
      'test/spoke/nodes-a: routes[10.10.0.0/16].destination is "10.10.0.0/16"; it is the VPC\'s own range, which the local route already covers');
  });

  test('rejects an IPv6 route', () => {
    const subnet = spoke(awsStack()).subnet('nodes-a');
    expect(() => subnet.addRoute({ destination: '::/0', target: VpcRouteTarget.transitGateway('tgw-1') })).toThrow(
      'test/spoke/nodes-a: routes[::/0].destination is "::/0"; routes here are IPv4, like the VPC');
  });

  test('refuses a zone of another region than the provider\'s, and takes zones and Local Zones of its own', () => {
    const stack = awsStack(undefined, 'test', 'eu-west-1');
    spoke(stack);
    expect(() => synth(stack)).toThrow('test/spoke/nodes-a: availabilityZone is "us-east-1a"; the AWS provider of this subnet deploys to region eu-west-1: a zone of it, e.g. eu-west-1a');
    const inRegion = awsStack(undefined, 'ok', 'us-east-1');
    spoke(inRegion, { subnets: [
      { name: 'nodes-a', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1a' },
      { name: 'local', cidr: '10.10.1.0/24', availabilityZone: 'us-east-1-bos-1a' },
    ] });
    expect(() => synth(inRegion)).not.toThrow();
    const east2 = awsStack(undefined, 'east2', 'us-east-1');
    spoke(east2, { subnets: [{ name: 'nodes-a', cidr: '10.10.0.0/24', availabilityZone: 'us-east-12a' }] });
    expect(() => synth(east2)).toThrow('east2/spoke/nodes-a: availabilityZone is "us-east-12a"; the AWS provider of this subnet deploys to region us-east-1: a zone of it, e.g. us-east-1a');
  });

  test('subnet() names the subnets there are', () => {
    expect(() => spoke(awsStack()).subnet('nope')).toThrow('test/spoke: subnet is "nope"; spoke-vpc has subnets nodes-a, tgw-a');
  });
});

describe('InspectionVpc', () => {
  test('carves a firewall and a transit gateway subnet per zone, firewall subnets first', () => {
    const vpc = new InspectionVpc(awsStack(), 'inspection', {
      name: 'inspection-vpc', cidrBlock: '10.100.0.0/24', availabilityZones: ['us-east-1a', 'us-east-1b'],
    });
    expect(vpc.firewallSubnets.map((s) => [s.name, s.cidr.toString(), s.availabilityZone])).toEqual([
      ['inspection-vpc-firewall-us-east-1a', '10.100.0.0/28', 'us-east-1a'],
      ['inspection-vpc-firewall-us-east-1b', '10.100.0.16/28', 'us-east-1b'],
    ]);
    expect(vpc.transitGatewaySubnets.map((s) => [s.name, s.cidr.toString(), s.availabilityZone])).toEqual([
      ['inspection-vpc-tgw-us-east-1a', '10.100.0.32/28', 'us-east-1a'],
      ['inspection-vpc-tgw-us-east-1b', '10.100.0.48/28', 'us-east-1b'],
    ]);
  });

  test.each([
    ['no zones', { availabilityZones: [] }, 'test/inspection: availabilityZones is []; name at least one availability zone'],
    ['a zone twice', { availabilityZones: ['us-east-1a', 'us-east-1a'] },
      'test/inspection: availabilityZones is "us-east-1a"; each zone is named once; a firewall has one endpoint per zone'],
    ['too little room', { cidrBlock: '10.100.0.0/27', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      'test/inspection: cidrBlock is "10.100.0.0/27"; 2 zones need 4 subnets of /28; 10.100.0.0/27 holds 2'],
    ['a subnet prefix past /28', { subnetPrefix: 29 }, 'test/inspection: subnetPrefix is 29; a subnet of 10.100.0.0/24 is /24 to /28'],
  ])('rejects %s', (_, over, message) => {
    expect(() => new InspectionVpc(awsStack(), 'inspection', {
      name: 'inspection-vpc', cidrBlock: '10.100.0.0/24', availabilityZones: ['us-east-1a'], ...over,
    })).toThrow(message);
  });
});

describe('Vpc.fromAttributes', () => {
  const existing = (stack: TerraformStack) => Vpc.fromAttributes(stack, 'network', {
    vpcId: 'vpc-0123456789abcdef0', name: 'network-vpc', cidrBlock: '10.10.0.0/16',
    subnets: [
      { subnetId: 'subnet-aaa', routeTableId: 'rtb-aaa', name: 'nodes-a', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1a', group: 'nodes' },
      { subnetId: 'subnet-ttt', routeTableId: 'rtb-ttt', name: 'tgw-a', cidr: '10.10.255.0/28', availabilityZone: 'us-east-1a', group: 'tgw' },
    ],
  });

  test('an existing VPC and subnets are attached and routed like new ones, and nothing of them is created', () => {
    const stack = awsStack();
    const vpc = existing(stack);
    const tgw = new TransitGateway(stack, 'tgw', { name: 'hub-tgw' });
    const attachment = tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw') });
    tgw.addRouteTable('rt').associate(attachment);
    attachment.routeToTransitGateway(vpc.subnetsInGroup('nodes'), ['0.0.0.0/0']);
    const json = synth(stack);
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_route_table', 'aws_route_table_association', 'aws_default_security_group']) {
      expect(resources(json, type)).toHaveLength(0);
    }
    expect(taggedResource(json, 'aws_ec2_transit_gateway_vpc_attachment', 'network-vpc-attachment')).toMatchObject({
      vpc_id: 'vpc-0123456789abcdef0', subnet_ids: ['subnet-ttt'],
    });
    expect(resources(json, 'aws_route')).toEqual([expect.objectContaining({
      route_table_id: 'rtb-aaa', destination_cidr_block: '0.0.0.0/0', transit_gateway_id: `\${${taggedAddress(json, 'aws_ec2_transit_gateway', 'hub-tgw')}.id}`,
    })]);
    expect(vpc.isExisting).toBe(true);
    expect(vpc.subnet('nodes-a').isUsableAddress('10.10.0.3')).toBe(false);
    expect(() => vpc.resource).toThrow('test/network: resource is "vpc-0123456789abcdef0"; an existing VPC (Vpc.fromAttributes) has no resource in this app');
    expect(() => vpc.subnet('nodes-a').routeTable).toThrow('test/network/nodes-a: routeTable is "rtb-aaa"; an existing subnet (Vpc.fromAttributes) has no route table resource in this app; use routeTableId');
  });

  test.each([
    ['no VPC ID (JavaScript)', { name: 'n', cidrBlock: '10.10.0.0/16' }, 'test/network: vpcId is missing; Vpc.fromAttributes requires it'],
    ['a subnet without its route table (JavaScript)', { vpcId: 'vpc-1', name: 'n', cidrBlock: '10.10.0.0/16',
      subnets: [{ subnetId: 'subnet-1', name: 'a', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1a' }] },
    'test/network.subnets[0]: routeTableId is missing; an existing subnet requires it'],
    ['a subnet outside the VPC', { vpcId: 'vpc-1', name: 'n', cidrBlock: '10.10.0.0/16',
      subnets: [{ subnetId: 'subnet-1', routeTableId: 'rtb-1', name: 'a', cidr: '10.20.0.0/24', availabilityZone: 'us-east-1a' }] },
    'test/network: subnets[a].cidr is "10.20.0.0/24"; a subnet must lie inside the VPC\'s CIDR 10.10.0.0/16'],
  ])('rejects %s', (_, attrs, message) => {
    expect(() => Vpc.fromAttributes(awsStack(), 'network', attrs as never)).toThrow(message);
  });
});
