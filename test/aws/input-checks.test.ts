import { readFileSync } from 'fs';
import { TerraformVariable } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc as TfVpc } from '@cdktf/provider-aws/lib/vpc';
import {
  AwsEgressGatewaySubnets, FirewallLogging, NetworkFirewall, TransitGatewayConnect, Vpc, VpcRouteTarget,
} from '../../lib/aws';
import { Cidr, RuleCollections } from '../../lib/core';
import { awsStack, synth } from '../helpers';
import { inspectionVpc, spokeVpc, transitGateway } from './fixtures';

// Issue 13 items 4, 5 and 6 for the AWS constructs: enums through checkEnum, deploy-time values
// resolved through what the app knows (else a warning), free-form fields (tags, names) checked.

const warnings = (c: { node: { metadata: { type: string; data: unknown }[] } }) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);

describe('enumerated fields', () => {
  test.each([
    [{ statefulDefaultActions: ['aws:drop_Strict'] }, 'test/fw: statefulDefaultActions[0] is "aws:drop_Strict"; a strict-order default action is allowed: "aws:drop_strict", "aws:drop_established", "aws:alert_strict", "aws:alert_established"; did you mean "aws:drop_strict"?'],
    [{ logging: FirewallLogging.cloudWatch({ logTypes: ['flow' as any] }) }, 'test/fw: logging.logTypes[0] is "flow"; a log type is allowed: "ALERT", "FLOW", "TLS"; did you mean "FLOW"?'],
    [{ logging: { kind: 's3', options: { bucketName: 'logs' } } }, 'test/fw: logging (an object) is {kind: "s3", options: {bucketName: "logs"}}; one of FirewallLogging.cloudWatch(...), FirewallLogging.s3(...), FirewallLogging.none()'],
  ])('NetworkFirewall refuses %j', (over, message) => {
    const stack = awsStack();
    expect(() => new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), ...over } as any)).toThrow(message);
  });

  test('a VPC route names its target kind', () => {
    const stack = awsStack();
    const subnet = spokeVpc(stack).subnet('source-nodes-a');
    expect(() => subnet.addRoute({ destination: '0.0.0.0/0', target: { kind: 'nat', id: 'nat-1' } as any })).toThrow(
      'test/source/source-nodes-a: routes[0.0.0.0/0].target.kind is "nat"; a route target is allowed: "transitGateway", "vpcEndpoint", "natGateway", "internetGateway"');
  });

  test('a transit gateway route names its target and an attachment names appliance mode', () => {
    const stack = awsStack();
    const tgw = transitGateway(stack);
    expect(() => tgw.addRouteTable('rt').addRoute({ destination: '10.0.0.0/8', target: 'drop' as any })).toThrow(
      "test/tgw/rt: routes[10.0.0.0/8].target is \"drop\"; an attachment of this transit gateway, or 'blackhole' to drop the traffic");
    const vpc = spokeVpc(stack);
    expect(() => tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw'), applianceMode: 'enable' as any })).toThrow(
      'test/tgw: attachments[source].applianceMode (a string) is "enable"; expected true or false');
  });
});

describe('deploy-time values: resolved when the app knows them, else a warning', () => {
  test('a subnet zone taken from another subnet the app created is checked against the region', () => {
    const stack = awsStack();
    const other = new TfVpc(stack, 'other-vpc', { cidrBlock: '10.50.0.0/16' });
    const elsewhere = new Subnet(stack, 'elsewhere', { vpcId: other.id, cidrBlock: '10.50.0.0/24', availabilityZone: 'us-west-2a' });
    new Vpc(stack, 'v', { name: 'v', cidrBlock: '10.10.0.0/16', subnets: [{ name: 's', cidr: '10.10.0.0/24', availabilityZone: elsewhere.availabilityZone }] });
    expect(() => synth(stack)).toThrow('test/v/s: availabilityZone is "us-west-2a"; the AWS provider of this subnet deploys to region us-east-1: a zone of it, e.g. us-east-1a');
  });

  test('a subnet zone from a data source is left to AWS, with a warning', () => {
    const stack = awsStack();
    const zones = new DataAwsAvailabilityZones(stack, 'zones', { state: 'available' });
    const vpc = new Vpc(stack, 'v', { name: 'v', cidrBlock: '10.10.0.0/16', subnets: [{ name: 's', cidr: '10.10.0.0/24', availabilityZone: zones.id }] });
    synth(stack);
    expect(warnings(vpc.subnet('s'))).toEqual([
      "availabilityZone is a deploy-time reference to data.aws_availability_zones.zones.id; that the zone is in the provider's region could not be checked at synth and is checked by the cloud at apply",
    ]);
  });

  test('a route destination that is the app\'s own VPC range through a reference is refused; an unknown one warns', () => {
    const stack = awsStack();
    const vpc = spokeVpc(stack);
    const subnet = vpc.subnet('source-nodes-a');
    expect(() => subnet.addRoute({ destination: vpc.resource.cidrBlock, target: VpcRouteTarget.natGateway('nat-1') })).toThrow(
      'test/source/source-nodes-a: routes[0].destination is "10.10.0.0/16"; it is the VPC\'s own range, which the local route already covers');
    const shared = new DataAwsVpc(stack, 'shared', { id: 'vpc-0123' });
    subnet.addRoute({ destination: shared.cidrBlock, target: VpcRouteTarget.natGateway('nat-1') });
    expect(warnings(subnet)).toEqual([expect.stringMatching(/^routes\[0\]\.destination is a deploy-time reference to data\.aws_vpc\.shared\.cidr_block; the destination range \(an IPv4 CIDR, not the VPC's own, one route each\) could not be checked at synth/)]);
  });

  test('a Connect peer address from an instance the app created is checked; one from a variable warns', () => {
    const stack = awsStack();
    const tgw = transitGateway(stack);
    const vpc = spokeVpc(stack);
    const transport = tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw') });
    tgw.addRouteTable('rt').associate(transport);
    const connect = new TransitGatewayConnect(stack, 'connect', { name: 'calico-connect', transport });
    const node = new Instance(stack, 'node', { ami: 'ami-1', instanceType: 'm5.large', privateIp: '10.10.0.3' });
    expect(() => connect.addPeer({ name: 'node-1', peerAddress: node.privateIp, insideCidr: '169.254.8.8/29', peerAsn: 65001 })).toThrow(
      'test/connect: peers[node-1].peerAddress is "10.10.0.3"; AWS reserves it in subnet source-nodes-a (10.10.0.0/24)');
    const ip = new TerraformVariable(stack, 'node_ip', { type: 'string' });
    connect.addPeer({ name: 'node-2', peerAddress: ip.stringValue, insideCidr: '169.254.8.16/29', peerAsn: 65001 });
    expect(warnings(connect)).toEqual([
      "peers[node-2].peerAddress is a deploy-time reference to var.node_ip; that the node's address is a usable address of the transport VPC could not be checked at synth and is checked by the cloud at apply",
    ]);
  });

  test('a transit gateway GRE address given by reference clashes with the same literal (at synth)', () => {
    const stack = awsStack();
    const tgw = transitGateway(stack);
    const vpc = spokeVpc(stack);
    const transport = tgw.attachVpc({ vpc, subnets: vpc.subnetsInGroup('tgw') });
    tgw.addRouteTable('rt').associate(transport);
    new TransitGatewayConnect(stack, 'connect', { name: 'calico-connect', transport, transitGatewayAddress: '192.0.2.1' });
    const appliance = new Instance(stack, 'appliance', { ami: 'ami-1', instanceType: 'm5.large', privateIp: '192.0.2.1' });
    new TransitGatewayConnect(stack, 'connect-2', { name: 'calico-connect-2', transport, transitGatewayAddress: appliance.privateIp });
    expect(() => synth(stack)).toThrow(
      'test/connect: transitGatewayAddress is "192.0.2.1"; Connect attachment calico-connect-2 already uses it; each Connect attachment needs its own transit gateway address');
  });

  test('a firewall name and an S3 bucket given by reference are checked through their literals', () => {
    const stack = awsStack();
    const bucket = new S3Bucket(stack, 'logs', { bucket: 'Firewall_Logs' });
    expect(() => new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), logging: FirewallLogging.s3({ bucketName: bucket.bucket }) })).toThrow(
      'test/fw: logging.bucketName is "Firewall_Logs"; an S3 bucket name is 3 to 63 lower-case letters');
    const stack2 = awsStack();
    const name = new TerraformVariable(stack2, 'fw_name', { type: 'string' });
    const fw = new NetworkFirewall(stack2, 'fw', { name: name.stringValue, vpc: inspectionVpc(stack2), logging: FirewallLogging.none() });
    expect(warnings(fw)).toEqual([
      'name is a deploy-time reference to var.fw_name; the Network Firewall name rule (1 to 121 letters, digits and "-") could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('a rule address given by reference is checked through its literal', () => {
    const stack = awsStack();
    const other = new TfVpc(stack, 'other', { cidrBlock: '10.60.0.0/16' });
    const fw = new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), logging: FirewallLogging.none() });
    fw.addRuleCollection(RuleCollections.network({ name: 'c', priority: 100, action: 'Allow', rules: [{ name: 'r', protocols: ['TCP'], sources: [other.cidrBlock], destinationAddresses: [Cidr.parse('10.0.0.0/8')], destinationPorts: [443] }] }));
    expect(warnings(fw)).toEqual([]);
    const shared = new DataAwsVpc(stack, 'shared', { id: 'vpc-0123' });
    fw.addRuleCollection(RuleCollections.network({ name: 'd', priority: 200, action: 'Allow', rules: [{ name: 'r', protocols: ['TCP'], sources: [shared.cidrBlock], destinationAddresses: [Cidr.parse('10.0.0.0/8')], destinationPorts: [443] }] }));
    expect(warnings(fw)).toEqual([
      'ruleCollections[d].rules[0].sources[0] is a deploy-time reference to data.aws_vpc.shared.cidr_block; that it is an IP or CIDR Network Firewall can match could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('FirewallLogging.s3 without a bucket names where the app called it', () => {
    const line = readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes('s3({} as any))' + '.toThrow(')) + 1;
    expect(() => FirewallLogging.s3({} as any)).toThrow(
      `FirewallLogging.s3() at test/aws/input-checks.test.ts:${line}: bucketName is missing; FirewallLogging.s3 requires it`);
  });
});

describe('free-form fields', () => {
  test.each([
    [{ 'aws:team': 'net' }, 'test/v: tags key is "aws:team"; a tag key is 1 to 128 characters and does not start with aws: (reserved for AWS)'],
    [{ Name: 'other' }, 'test/v: tags key is "Name"; the library sets the Name tag from the construct\'s name; give the name there'],
    [{ team: 'x'.repeat(257) }, 'test/v: tags["team"] is "' + 'x'.repeat(257) + '"; a tag value is 0 to 256 characters'],
    [{ team: 7 }, 'test/v: tags["team"] (a number) is 7; expected a tag value (a string)'],
    [Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])), 'test/v: tags is "50 tags"; AWS takes at most 50 tags on a resource, 49 besides the Name tag'],
  ])('VPC tags %#', (tags, message) => {
    expect(() => new Vpc(awsStack(), 'v', { name: 'v', cidrBlock: '10.10.0.0/16', tags } as any)).toThrow(message);
  });

  test('tags are checked on the firewall, the transit gateway and the Connect attachment too', () => {
    const stack = awsStack();
    expect(() => transitGateway(stack, { tags: { 'aws:x': 'y' } })).toThrow('test/tgw: tags key is "aws:x"');
    expect(() => new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), tags: { Name: 'x' } })).toThrow('test/fw: tags key is "Name"');
  });

  test('a name tag takes 256 characters, not 257', () => {
    expect(() => new Vpc(awsStack(), 'v', { name: 'n'.repeat(256), cidrBlock: '10.10.0.0/16' })).not.toThrow();
    expect(() => new Vpc(awsStack(), 'v', { name: 'n'.repeat(257), cidrBlock: '10.10.0.0/16' })).toThrow('a name is 1 to 256 characters');
  });

  test('an IAM policy name follows IAM\'s rule', () => {
    const stack = awsStack();
    expect(() => new AwsEgressGatewaySubnets(stack, 'egw', { vpc: spokeVpc(stack), subnets: [{ name: 'egw-a', cidr: '10.10.100.0/28', availabilityZone: 'us-east-1a' }], policyName: 'calico egress' })).toThrow(
      "test/egw: policyName is \"calico egress\"; an IAM policy name is 1 to 128 letters, digits or '+', '=', ',', '.', '@', '_', '-'");
  });

  test('a log group prefix follows CloudWatch\'s rule', () => {
    const stack = awsStack();
    expect(() => new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), logging: FirewallLogging.cloudWatch({ logGroupPrefix: '/aws/network firewall' }) })).toThrow(
      'test/fw: logging.logGroupPrefix is "/aws/network firewall"; the log groups are named <prefix>/alert, /flow and /tls: CloudWatch log group names are 1 to 512 letters, digits, ".", "-", "_", "/" or "#"');
  });
});

describe('AS numbers', () => {
  test('a transit gateway\'s Amazon-side ASN is a literal', () => {
    const stack = awsStack();
    const asn = new TerraformVariable(stack, 'asn', { type: 'number' });
    expect(() => transitGateway(stack, { amazonSideAsn: asn.numberValue })).toThrow(
      "test/tgw: amazonSideAsn is a deploy-time reference to var.asn; a literal is needed here because it is checked at synth; Connect peers and Calico's BGPPeers need the transit gateway's AS number as a number");
  });
});
