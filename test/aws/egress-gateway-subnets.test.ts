import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsEgressGatewaySubnets, CALICO_AWS_EGRESS_NODE_ACTIONS, Vpc } from '../../lib/aws';
import { awsStack, resources, synth, synthAwsWith, taggedAddress, taggedResource } from '../helpers';

const vpc = (stack: TerraformStack) => new Vpc(stack, 'spoke', {
  name: 'spoke-vpc',
  cidrBlock: '10.10.0.0/16',
  subnets: [{ name: 'nodes-a', cidr: '10.10.0.0/24', availabilityZone: 'us-east-1a', group: 'nodes' }],
});

const build = (stack: TerraformStack, over: Record<string, unknown> = {}) => new AwsEgressGatewaySubnets(stack, 'egw', {
  vpc: vpc(stack),
  subnets: [
    { name: 'egress-gw-a', cidr: '10.10.100.0/28', availabilityZone: 'us-east-1a' },
    { name: 'egress-gw-b', cidr: '10.10.100.16/28', availabilityZone: 'us-east-1b' },
  ],
  policyName: 'calico-egress-gateway-nodes',
  ...over,
} as any);

describe('AwsEgressGatewaySubnets', () => {
  test('creates one subnet per zone in the VPC, the node IAM policy and no Elastic IP by default', () => {
    let ids: string[] = [];
    const json = synthAwsWith((stack) => { ids = build(stack).subnetIds; });
    const vpcId = `\${${taggedAddress(json, 'aws_vpc', 'spoke-vpc')}.id}`;
    expect(taggedResource(json, 'aws_subnet', 'egress-gw-a')).toMatchObject({
      vpc_id: vpcId, cidr_block: '10.10.100.0/28', availability_zone: 'us-east-1a', map_public_ip_on_launch: false,
    });
    expect(taggedResource(json, 'aws_subnet', 'egress-gw-b')).toMatchObject({
      vpc_id: vpcId, cidr_block: '10.10.100.16/28', availability_zone: 'us-east-1b',
    });
    expect(ids).toHaveLength(2);
    const docs = Object.values(json.data?.aws_iam_policy_document ?? {});
    expect(docs).toEqual([{
      statement: [{
        sid: 'CalicoEgressGatewayEni', effect: 'Allow', resources: ['*'],
        actions: [
          'ec2:AssignPrivateIpAddresses', 'ec2:AssociateAddress', 'ec2:AttachNetworkInterface',
          'ec2:CreateNetworkInterface', 'ec2:CreateTags', 'ec2:DeleteNetworkInterface', 'ec2:DescribeAddresses',
          'ec2:DescribeInstanceTypes', 'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
          'ec2:DescribeTags', 'ec2:DetachNetworkInterface', 'ec2:DisassociateAddress',
          'ec2:ModifyNetworkInterfaceAttribute', 'ec2:UnassignPrivateIpAddresses',
        ],
      }],
    }]);
    const docId = Object.keys(json.data?.aws_iam_policy_document ?? {})[0];
    const policies = resources(json, 'aws_iam_policy');
    expect(policies).toHaveLength(1);
    expect(policies[0].name).toBe('calico-egress-gateway-nodes');
    expect(policies[0].policy).toBe(`\${data.aws_iam_policy_document.${docId}.json}`);
    expect(resources(json, 'aws_eip')).toEqual([]);
  });

  test('the actions list is sorted and has no duplicates', () => {
    expect([...CALICO_AWS_EGRESS_NODE_ACTIONS].sort()).toEqual([...CALICO_AWS_EGRESS_NODE_ACTIONS]);
    expect(new Set(CALICO_AWS_EGRESS_NODE_ACTIONS).size).toBe(CALICO_AWS_EGRESS_NODE_ACTIONS.length);
  });

  test('allocates the requested Elastic IPs in the VPC domain, named in order', () => {
    let alloc: string[] = [];
    const json = synthAwsWith((stack) => { alloc = build(stack, { elasticIps: 2 }).elasticIpAllocationIds; });
    expect(taggedResource(json, 'aws_eip', 'egress-gw-eip-1')).toMatchObject({ domain: 'vpc' });
    expect(taggedResource(json, 'aws_eip', 'egress-gw-eip-2')).toMatchObject({ domain: 'vpc' });
    expect(resources(json, 'aws_eip')).toHaveLength(2);
    expect(alloc).toHaveLength(2);
  });

  test('gives the Elastic IPs\' public addresses for EgressGateway aws.elasticIPs, which Calico reads as addresses', () => {
    const stack = awsStack();
    new TerraformOutput(stack, 'addresses', { value: build(stack, { elasticIps: 2 }).elasticIpAddresses });
    const json = synth(stack);
    expect((json as any).output.addresses.value).toEqual([
      `\${${taggedAddress(json, 'aws_eip', 'egress-gw-eip-1')}.public_ip}`,
      `\${${taggedAddress(json, 'aws_eip', 'egress-gw-eip-2')}.public_ip}`,
    ]);
  });

  test('two synths are identical', () => {
    const a = synth((() => { const s = awsStack(); build(s, { elasticIps: 1 }); return s; })());
    const b = synth((() => { const s = awsStack(); build(s, { elasticIps: 1 }); return s; })());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  test('refuses two subnets in one zone', () => {
    expect(() => build(awsStack(), {
      subnets: [
        { name: 'egress-gw-a', cidr: '10.10.100.0/28', availabilityZone: 'us-east-1a' },
        { name: 'egress-gw-a2', cidr: '10.10.100.16/28', availabilityZone: 'us-east-1a' },
      ],
    })).toThrow('test/egw: subnets[1].availabilityZone is "us-east-1a"; one egress gateway subnet per zone (an IP pool is bound to one subnet and so to one zone)');
  });

  test('refuses an empty subnet list', () => {
    expect(() => build(awsStack(), { subnets: [] })).toThrow(
      'test/egw: subnets is []; at least one subnet, one per zone where egress gateways run');
  });

  test('refuses a negative Elastic IP count', () => {
    expect(() => build(awsStack(), { elasticIps: -1 })).toThrow(/^test\/egw: elasticIps is -1; /);
  });

  test('refuses a subnet outside the VPC (through the VPC checks)', () => {
    expect(() => build(awsStack(), {
      subnets: [{ name: 'egress-gw-a', cidr: '10.20.0.0/28', availabilityZone: 'us-east-1a' }],
    })).toThrow('test/spoke: subnets[egress-gw-a].cidr is "10.20.0.0/28"; a subnet must lie inside the VPC\'s CIDR 10.10.0.0/16');
  });
});
