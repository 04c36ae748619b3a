import { EgressGatewayTenant, EgressGatewayTenantProps, EgressTenant, FelixSettings } from '../../lib/calico';
import { clusterStack, manifestResource, synth } from '../helpers';

const tenant = (egressCidr = '10.10.100.8/29') => new EgressTenant({ name: 'tenant0', egressCidr });
const aws = { subnetId: 'subnet-0123456789abcdef0', subnetCidr: '10.10.100.0/27', availabilityZone: 'us-east-1a' };

function render(over: Partial<EgressGatewayTenantProps> = {}, egressCidr?: string) {
  const { stack, manifests } = clusterStack();
  new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant(egressCidr), aws, ...over });
  return synth(stack);
}

describe('EgressGatewayTenant with AWS-native addressing', () => {
  test('backs the pool by the VPC subnet, unencapsulated and kept out of BGP, and pins the gateways to its zone', () => {
    const json = render();
    expect(manifestResource(json, 'IPPool', 'tenant0-pool').manifest.spec).toEqual({
      cidr: '10.10.100.8/29', blockSize: 32, nodeSelector: '!all()', vxlanMode: 'Never',
      awsSubnetID: 'subnet-0123456789abcdef0', disableBGPExport: true, allowedUses: ['Workload'],
    });
    const spec = manifestResource(json, 'EgressGateway', 'tenant0-egw', 'tenant0-egw').manifest.spec;
    expect(spec.aws).toEqual({ nativeIP: 'Enabled' });
    expect(spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'us-east-1a' });
  });

  test('passes Elastic IPs to the gateways by their public addresses', () => {
    const json = render({ aws: { ...aws, elasticIps: ['203.0.113.10', '203.0.113.11'] } });
    expect(manifestResource(json, 'EgressGateway', 'tenant0-egw', 'tenant0-egw').manifest.spec.aws)
      .toEqual({ nativeIP: 'Enabled', elasticIPs: ['203.0.113.10', '203.0.113.11'] });
  });

  test('refuses an Elastic IP given by its allocation ID: Calico reads public addresses', () => {
    expect(() => render({ aws: { ...aws, elasticIps: ['eipalloc-0123456789abcdef0'] } })).toThrow(
      'cluster/calico/tenant0: aws.elasticIps[0] is "eipalloc-0123456789abcdef0"; an Elastic IP\'s public IPv4 address, e.g. 203.0.113.10, '
      + 'not its allocation ID (Calico finds the allocation by the address; AwsEgressGatewaySubnets.elasticIpAddresses lists them)');
    expect(() => render({ aws: { ...aws, elasticIps: ['not-an-ip'] } })).toThrow(
      'cluster/calico/tenant0: aws.elasticIps[0] is "not-an-ip"; expected an IP address such as 10.0.0.4');
    expect(() => render({ aws: { ...aws, elasticIps: ['2001:db8::1'] } })).toThrow(
      'cluster/calico/tenant0: aws.elasticIps[0] is "2001:db8::1"; only IPv4 is allowed here');
  });

  test('refuses a range outside the subnet', () => {
    expect(() => render({}, '10.10.200.0/29')).toThrow(
      'cluster/calico/tenant0: tenant.egressCidr (tenant "tenant0", declared at test/calico/aws-native-egress.test.ts:4) is "10.10.200.0/29"; an AWS-backed pool lies inside its VPC subnet 10.10.100.0/27 (aws.subnetCidr)');
  });

  test('refuses a range holding addresses AWS reserves', () => {
    expect(() => render({}, '10.10.100.0/29')).toThrow(
      'cluster/calico/tenant0: tenant.egressCidr (tenant "tenant0", declared at test/calico/aws-native-egress.test.ts:4) is "10.10.100.0/29"; AWS reserves 10.10.100.0, 10.10.100.1, 10.10.100.2, 10.10.100.3 in subnet 10.10.100.0/27 (the first four addresses and the last); choose a range clear of them');
    expect(() => render({}, '10.10.100.24/29')).toThrow(
      'cluster/calico/tenant0: tenant.egressCidr (tenant "tenant0", declared at test/calico/aws-native-egress.test.ts:4) is "10.10.100.24/29"; AWS reserves 10.10.100.31 in subnet 10.10.100.0/27');
  });

  test('refuses encapsulation', () => {
    expect(() => render({ vxlanMode: 'CrossSubnet' })).toThrow(
      "cluster/calico/tenant0: vxlanMode is \"CrossSubnet\"; an AWS-backed pool is routed natively by the VPC: only 'Never'");
  });

  test('refuses nodeSubnets with aws', () => {
    expect(() => render({ nodeSubnets: ['10.10.0.0/24', '10.10.1.0/24'] })).toThrow(
      /^cluster\/calico\/tenant0: nodeSubnets is .*; not with aws: the VPC routes the gateways' addresses$/);
  });

  test('refuses an aws block without its subnet ID', () => {
    expect(() => render({ aws: { subnetCidr: '10.10.100.0/27', availabilityZone: 'us-east-1a' } as any })).toThrow(/subnetId/);
  });
});

describe('EgressGatewayTenant with aws, against the cluster\'s FelixSettings', () => {
  const withFelix = (felix: Record<string, unknown> | undefined, hostPoolSubnet?: string) => {
    const { stack, manifests } = clusterStack();
    if (felix) new FelixSettings(manifests, 'felix', felix);
    if (hostPoolSubnet) {
      manifests.add(manifests, 'hosts-a', {
        apiVersion: 'projectcalico.org/v3', kind: 'IPPool', metadata: { name: 'hosts-a' },
        spec: { cidr: '10.10.100.16/29', allowedUses: ['HostSecondaryInterface'], awsSubnetID: hostPoolSubnet, blockSize: 32, disableBGPExport: true },
      });
    }
    new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant(), aws });
    return stack;
  };
  const warnings = (stack: ReturnType<typeof withFelix>) =>
    stack.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));

  test.each([
    ['EnabledENIPerWorkload', undefined],
    ['Enabled', 'subnet-0123456789abcdef0'],
  ])('synthesizes with awsSecondaryIPSupport %s (host pool in %s), silently', (mode, hostPoolSubnet) => {
    const stack = withFelix({ awsSecondaryIPSupport: mode }, hostPoolSubnet);
    expect(() => synth(stack)).not.toThrow();
    expect(warnings(stack)).toEqual([]);
  });

  test('refuses Enabled (shared ENIs) without a HostSecondaryInterface pool in the tenant\'s subnet, for the ENIs\' own addresses', () => {
    const message = 'cluster/calico/tenant0: aws.subnetId is "subnet-0123456789abcdef0"; with awsSecondaryIPSupport \'Enabled\' each secondary ENI '
      + 'takes its primary address from an IPPool with allowedUses [HostSecondaryInterface] and this awsSubnetID, and this cluster has none; '
      + "add one (clear of the tenants' ranges) or use 'EnabledENIPerWorkload'";
    expect(() => synth(withFelix({ awsSecondaryIPSupport: 'Enabled' }))).toThrow(message);
    expect(() => synth(withFelix({ awsSecondaryIPSupport: 'Enabled' }, 'subnet-0fedcba9876543210'))).toThrow(message);
  });

  test('refuses a cluster whose FelixSettings leave awsSecondaryIPSupport off: the gateways would never get their addresses', () => {
    const message = "cluster/calico/tenant0: aws.subnetId is \"subnet-0123456789abcdef0\"; an AWS-backed pool needs FelixSettings awsSecondaryIPSupport "
      + "'EnabledENIPerWorkload' or 'Enabled' in this cluster (cluster/calico/felix leaves it off): without it no node offers the "
      + 'projectcalico.org/aws-secondary-ipv4 slot the gateways ask for';
    expect(() => synth(withFelix({}))).toThrow(message);
    expect(() => synth(withFelix({ awsSecondaryIPSupport: 'Disabled' }))).toThrow(message);
  });

  test('warns when the cluster has no FelixSettings at all (FelixConfiguration managed elsewhere)', () => {
    const stack = withFelix(undefined);
    synth(stack);
    expect(warnings(stack)).toEqual([
      'aws.subnetId is "subnet-0123456789abcdef0"; no FelixSettings in this cluster\'s objects: the gateways get addresses only where '
      + "FelixConfiguration default sets awsSecondaryIPSupport to 'EnabledENIPerWorkload' or 'Enabled'",
    ]);
  });
});

describe('FelixSettings awsSecondaryIPSupport', () => {
  test('sets the mode', () => {
    const { stack, manifests } = clusterStack();
    new FelixSettings(manifests, 'felix', { awsSecondaryIPSupport: 'Enabled' });
    expect(manifestResource(synth(stack), 'FelixConfiguration', 'default').manifest.spec)
      .toEqual({ awsSecondaryIPSupport: 'Enabled', egressIPSupport: 'EnabledPerNamespace' });
  });

  test('refuses an unknown mode', () => {
    const { manifests } = clusterStack();
    expect(() => new FelixSettings(manifests, 'felix', { awsSecondaryIPSupport: 'On' as any })).toThrow(
      /^cluster\/calico\/felix: awsSecondaryIPSupport is "On"; .*Disabled.*Enabled.*EnabledENIPerWorkload/);
  });
});
