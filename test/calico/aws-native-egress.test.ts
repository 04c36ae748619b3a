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
      awsSubnetID: 'subnet-0123456789abcdef0', disableBGPExport: true,
    });
    const spec = manifestResource(json, 'EgressGateway', 'tenant0-egw', 'tenant0-egw').manifest.spec;
    expect(spec.aws).toEqual({ nativeIP: 'Enabled' });
    expect(spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'us-east-1a' });
  });

  test('passes Elastic IPs to the gateways', () => {
    const json = render({ aws: { ...aws, elasticIps: ['eipalloc-0123456789abcdef0'] } });
    expect(manifestResource(json, 'EgressGateway', 'tenant0-egw', 'tenant0-egw').manifest.spec.aws)
      .toEqual({ nativeIP: 'Enabled', elasticIPs: ['eipalloc-0123456789abcdef0'] });
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
