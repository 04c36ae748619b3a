import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { parseAllDocuments } from 'yaml';
import {
  CalicoEdition, ClusterManifests, EgressGatewayTenant, EgressPolicy, EgressTenant, FelixSettings, ENTERPRISE_FELIX_FIELDS,
} from '../../lib/calico';
import { manifestResource, synth } from '../helpers';

const tenant0 = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });

function cluster(edition?: CalicoEdition) {
  const stack = new TerraformStack(Testing.app(), 'cluster');
  const provider = new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  return { stack, manifests: new ClusterManifests(stack, 'calico', { provider, edition }) };
}

describe('ClusterManifests edition', () => {
  test('open source refuses an EgressGateway (operator.tigera.io/v1) and names the editions that have it', () => {
    const { manifests } = cluster(CalicoEdition.openSource());
    expect(() => new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0 })).toThrow(
      'cluster/calico/tenant0: EgressGateway tenant0-egw: kind is "operator.tigera.io/v1 EgressGateway"; EgressGateway exists in Calico Enterprise and Calico Cloud, ' +
      'not in Calico Open Source; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud()');
  });

  test('open source refuses an EgressGatewayPolicy', () => {
    const { manifests } = cluster(CalicoEdition.openSource());
    expect(() => new EgressPolicy(manifests, 'p', { name: 'egw-policy', rules: [{ destination: '10.0.0.0/8', description: 'Local' }] })).toThrow(
      'cluster/calico/p: EgressGatewayPolicy egw-policy: kind is "projectcalico.org/v3 EgressGatewayPolicy"; EgressGatewayPolicy exists in Calico Enterprise and Calico Cloud, ' +
      'not in Calico Open Source; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud()');
  });

  test.each([
    ['egressIPSupport', { egressIPSupport: 'EnabledPerNamespace' as const }, '"EnabledPerNamespace"'],
    ['flowLogsFileAggregationKindForAllowed', { flowLogsFileAggregationKindForAllowed: 1 as const }, '1'],
    ['dnsLogsFlushInterval', { dnsLogsFlushInterval: '10s' }, '"10s"'],
  ])('open source refuses FelixConfiguration %s', (field, props, shown) => {
    const { manifests } = cluster(CalicoEdition.openSource());
    expect(() => new FelixSettings(manifests, 'felix', props)).toThrow(
      `cluster/calico/felix: FelixConfiguration default: spec.${field} is ${shown}; FelixConfiguration ${field} exists in Calico Enterprise and Calico Cloud, ` +
      'not in Calico Open Source; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud()');
  });

  test('open source accepts open-source Felix fields; the Enterprise-only list is the documented one', () => {
    const { stack, manifests } = cluster(CalicoEdition.openSource());
    new FelixSettings(manifests, 'felix', { logSeverityScreen: 'Warning', flowLogsFlushInterval: '15s' });
    expect(manifestResource(synth(stack), 'FelixConfiguration', 'default').manifest.spec).toEqual({ logSeverityScreen: 'Warning', flowLogsFlushInterval: '15s' });
    expect(ENTERPRISE_FELIX_FIELDS).toEqual(['egressIPSupport', 'flowLogsFileAggregationKindForAllowed', 'flowLogsFileAggregationKindForDenied', 'flowLogsFileEnabled', 'dnsLogsFlushInterval']);
  });

  test.each([
    ['Calico Cloud', () => CalicoEdition.cloud()],
    ['Calico Enterprise', (stack?: TerraformStack) => CalicoEdition.enterprise({
      version: 'v3.22.1-0',
      license: new TerraformVariable(stack!, 'license', { sensitive: true }).stringValue,
      pullSecret: new TerraformVariable(stack!, 'pull', { sensitive: true }).stringValue,
    })],
    ['no edition given (not checked)', () => undefined],
  ])('%s renders egress gateways, the policy and Felix egress support, in Terraform and YAML alike', (_, edition) => {
    const stack = new TerraformStack(Testing.app(), 'cluster');
    const provider = new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
    const manifests = new ClusterManifests(stack, 'calico', { provider, edition: edition(stack) });
    new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0 });
    new EgressPolicy(manifests, 'p', { name: 'egw-policy', rules: [{ destination: '8.8.8.8/32', gateway: tenant0 }] });
    new FelixSettings(manifests, 'felix', { egressIPSupport: 'EnabledPerNamespace' });
    const json = synth(stack);
    expect(manifestResource(json, 'EgressGateway', 'tenant0-egw', 'tenant0-egw').manifest.apiVersion).toBe('operator.tigera.io/v1');
    expect(manifestResource(json, 'FelixConfiguration', 'default').manifest.spec).toEqual({ egressIPSupport: 'EnabledPerNamespace' });
    const yaml = manifests.files().flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJSON()));
    expect(yaml.map((o: any) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      Object.values(json.resource!.kubernetes_manifest).map((r: any) => `${r.manifest.kind}/${r.manifest.metadata.name}`).sort());
  });

  test('isCalicoEdition recognises the three editions only', () => {
    expect([CalicoEdition.openSource(), CalicoEdition.cloud()].map(CalicoEdition.isCalicoEdition)).toEqual([true, true]);
    expect(CalicoEdition.isCalicoEdition({ name: 'enterprise' })).toBe(false);
    expect(CalicoEdition.isCalicoEdition('cloud')).toBe(false);
  });
});
