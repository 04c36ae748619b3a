import { Testing } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parseAllDocuments } from 'yaml';
import {
  CalicoOperator, EgressGatewayTenant, EgressPolicy, EgressPolicyRule, EgressTenant, FelixSettings, IpPoolPatch, NamespaceEgress, egressAnnotations,
} from '../../lib/calico';
import { clusterStack, manifestResource, resource, synth, synthWith } from '../helpers';

const tenant0 = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
const tenant1 = new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' });

/** A cluster stack with tenant0's gateways. */
function withTenant0() {
  const c = clusterStack();
  new EgressGatewayTenant(c.manifests, 'tenant0', { tenant: tenant0 });
  return c;
}

describe('NamespaceEgress', () => {
  test('annotates an existing namespace with the tenant\'s namespace selector', () => {
    const { stack, manifests } = withTenant0();
    new NamespaceEgress(manifests, 'default-ns', { namespace: 'default', tenant: tenant0 });
    expect(resource(synth(stack), 'kubernetes_annotations')).toMatchObject({
      kind: 'Namespace', metadata: { name: 'default' },
      annotations: { 'egress.projectcalico.org/namespaceSelector': "projectcalico.org/name == 'tenant0-egw'" },
    });
  });

  test('creates a namespace with a policy annotation', () => {
    const { stack, manifests } = withTenant0();
    const policy = new EgressPolicy(manifests, 'p', { name: 'egw-policy', rules: [{ destination: '8.8.8.8/32', gateway: tenant0 }] });
    new NamespaceEgress(manifests, 'apps', { namespace: 'apps', existing: false, policy });
    expect(manifestResource(synth(stack), 'Namespace', 'apps').manifest.metadata).toEqual({
      name: 'apps', annotations: { 'egress.projectcalico.org/egressGatewayPolicy': 'egw-policy' },
    });
  });

  test('a namespace can limit its pods to some gateways with maxNextHops', () => {
    const { stack, manifests } = withTenant0();
    new NamespaceEgress(manifests, 'apps', { namespace: 'apps', existing: false, tenant: tenant0, selectPods: true, maxNextHops: 1 });
    expect(manifestResource(synth(stack), 'Namespace', 'apps').manifest.metadata.annotations).toEqual({
      'egress.projectcalico.org/namespaceSelector': "projectcalico.org/name == 'tenant0-egw'",
      'egress.projectcalico.org/selector': "tenant == 'tenant0-egw'",
      'egress.projectcalico.org/maxNextHops': '1',
    });
    expect(() => new NamespaceEgress(withTenant0().manifests, 'web', { namespace: 'web', tenant: tenant0, maxNextHops: 0 }))
      .toThrow('cluster/calico/web: maxNextHops is 0; a whole number of at least 1');
  });

  test('egressAnnotations can select the gateway pods too', () => {
    expect(egressAnnotations(tenant0, { selectPods: true })).toEqual({
      'egress.projectcalico.org/namespaceSelector': "projectcalico.org/name == 'tenant0-egw'",
      'egress.projectcalico.org/selector': "tenant == 'tenant0-egw'",
    });
  });

  test('rejects a tenant that has no gateways in the app', () => {
    const { stack, manifests } = withTenant0();
    new NamespaceEgress(manifests, 'default-ns', { namespace: 'default', tenant: tenant1 });
    expect(() => synth(stack)).toThrow(
      'cluster/calico/default-ns: tenant (tenant "tenant1", declared at test/calico/egress-selection.test.ts:10) is "tenant1"; no EgressGatewayTenant renders that tenant in this cluster; tenants with gateways here: tenant0');
  });

  test('a tenant whose gateways are in another cluster does not count', () => {
    const app = Testing.app();
    const other = clusterStack(app, 'other');
    new EgressGatewayTenant(other.manifests, 'tenant1', { tenant: tenant1 });
    const { stack, manifests } = clusterStack(app, 'cluster');
    new NamespaceEgress(manifests, 'default-ns', { namespace: 'default', tenant: tenant1 });
    expect(() => synth(stack)).toThrow(
      'cluster/calico/default-ns: tenant (tenant "tenant1", declared at test/calico/egress-selection.test.ts:10) is "tenant1"; no EgressGatewayTenant renders that tenant in this cluster; tenants with gateways here: none');
  });

  test('rejects a policy that is not declared', () => {
    const { stack, manifests } = withTenant0();
    new NamespaceEgress(manifests, 'default-ns', { namespace: 'default', policy: 'egw-policy' });
    expect(() => synth(stack)).toThrow(
      'cluster/calico/default-ns: policy is "egw-policy"; no EgressGatewayPolicy of that name is declared for this cluster (declared: none)');
  });

  test.each([
    ['both a tenant and a policy', { namespace: 'default', tenant: tenant0, policy: 'p' }, 'tenant is "tenant0"; name either a tenant or a policy'],
    ['neither', { namespace: 'default' }, 'tenant is missing; name either a tenant or a policy'],
    ['a namespace that is not DNS-1123', { namespace: 'Default', tenant: tenant0 }, 'namespace is "Default"; a Kubernetes name is 1 to 63'],
  ])('rejects %s', (_, props, message) => {
    const { manifests } = withTenant0();
    expect(() => new NamespaceEgress(manifests, 'ns', props)).toThrow(`cluster/calico/ns: ${message}`);
  });
});

describe('EgressPolicy', () => {
  test('renders rules with and without a gateway', () => {
    const { stack, manifests } = withTenant0();
    new EgressPolicy(manifests, 'p', {
      name: 'egw-policy',
      rules: [
        { destination: '10.0.0.0/8', description: 'Local: no gateway' },
        { destination: '8.8.8.8/32', gateway: tenant0 },
        { description: 'everything else', gateway: { namespaceSelector: 'all()', selector: "tenant == 'x'", maxNextHops: 2 }, gatewayPreference: 'PreferNodeLocal' },
      ],
    });
    expect(manifestResource(synth(stack), 'EgressGatewayPolicy', 'egw-policy').manifest.spec).toEqual({
      rules: [
        { destination: { cidr: '10.0.0.0/8' }, description: 'Local: no gateway' },
        { destination: { cidr: '8.8.8.8/32' }, gateway: { namespaceSelector: "projectcalico.org/name == 'tenant0-egw'", selector: "tenant == 'tenant0-egw'" } },
        { description: 'everything else', gateway: { namespaceSelector: 'all()', selector: "tenant == 'x'", maxNextHops: 2 }, gatewayPreference: 'PreferNodeLocal' },
      ],
    });
  });

  test('a tenant gateway selects its pods beside its namespace, with maxNextHops and a preference', () => {
    const { stack, manifests } = withTenant0();
    new EgressPolicy(manifests, 'p', {
      name: 'egw-policy',
      rules: [
        { destination: '8.8.8.8/32', description: 'Gateway to GoogleDNS', gateway: tenant0, maxNextHops: 1, gatewayPreference: 'PreferNodeLocal' },
        { destination: '1.1.1.1/32', gateway: tenant0, selectPods: false },
      ],
    });
    const json = synth(stack);
    const expected = {
      rules: [
        {
          destination: { cidr: '8.8.8.8/32' }, description: 'Gateway to GoogleDNS',
          gateway: { namespaceSelector: "projectcalico.org/name == 'tenant0-egw'", selector: "tenant == 'tenant0-egw'", maxNextHops: 1 },
          gatewayPreference: 'PreferNodeLocal',
        },
        { destination: { cidr: '1.1.1.1/32' }, gateway: { namespaceSelector: "projectcalico.org/name == 'tenant0-egw'" } },
      ],
    };
    expect(manifestResource(json, 'EgressGatewayPolicy', 'egw-policy').manifest.spec).toEqual(expected);
    const yaml = manifests.files().map((f) => parseAllDocuments(f.content).map((d) => d.toJS())).flat();
    expect(yaml.find((o) => o.kind === 'EgressGatewayPolicy').spec).toEqual(expected);
  });

  test.each([
    ['a gateway selector that does not parse', { destination: '8.8.8.8/32', gateway: { namespaceSelector: "projectcalico.org/name == 'a'", selector: "k8s-app = 'x'" } },
      "rules[0].gateway.selector is \"k8s-app = 'x'\"; not a Calico selector: character 9 (\"=\") is not part of a selector"],
    ['a namespace selector that does not parse', { destination: '8.8.8.8/32', gateway: { namespaceSelector: '(all()' } },
      'rules[0].gateway.namespaceSelector is "(all()"; not a Calico selector: the parenthesis at character 1 is not closed'],
    ['maxNextHops of 0', { destination: '8.8.8.8/32', gateway: tenant0, maxNextHops: 0 }, 'rules[0].maxNextHops is 0; a whole number of at least 1'],
    ['maxNextHops of a selector gateway of 1.5', { destination: '8.8.8.8/32', gateway: { namespaceSelector: 'all()', maxNextHops: 1.5 } },
      'rules[0].gateway.maxNextHops is 1.5; a whole number of at least 1'],
    ['maxNextHops beside a selector gateway', { destination: '8.8.8.8/32', gateway: { namespaceSelector: 'all()' }, maxNextHops: 2 },
      'rules[0].maxNextHops is 2; only with a tenant as gateway; with a selector, set gateway.maxNextHops and gateway.selector'],
    ['an unknown gateway preference', { destination: '8.8.8.8/32', gateway: tenant0, gatewayPreference: 'PreferLocal' },
      'rules[0].gatewayPreference is "PreferLocal"; allowed: "None", "PreferNodeLocal"; did you mean "PreferNodeLocal"?'],
  ])('rejects %s', (_, rule, message) => {
    const { manifests } = withTenant0();
    expect(() => new EgressPolicy(manifests, 'p', { name: 'p', rules: [rule as EgressPolicyRule] })).toThrow(`cluster/calico/p: ${message}`);
  });

  test('rejects two rules for one destination', () => {
    const { manifests } = withTenant0();
    expect(() => new EgressPolicy(manifests, 'p', { name: 'p', rules: [{ destination: '8.8.8.8/32' }, { destination: '8.8.8.8/32', gateway: tenant0 }] }))
      .toThrow('cluster/calico/p: rules[1].destination is "8.8.8.8/32"; rules[0] has the same destination; rules are matched by longest prefix');
  });

  test('rejects a policy without rules', () => {
    const { manifests } = withTenant0();
    expect(() => new EgressPolicy(manifests, 'p', { name: 'p', rules: [] })).toThrow('cluster/calico/p: rules is []; an EgressGatewayPolicy needs at least one rule');
  });

  test('rejects a gateway of a tenant without gateways', () => {
    const { stack, manifests } = withTenant0();
    new EgressPolicy(manifests, 'p', { name: 'p', rules: [{ destination: '8.8.8.8/32', gateway: tenant1 }] });
    expect(() => synth(stack)).toThrow('cluster/calico/p: rules[0].gateway (tenant "tenant1", declared at test/calico/egress-selection.test.ts:10) is "tenant1"; no EgressGatewayTenant renders that tenant in this cluster');
  });
});

describe('FelixSettings and IpPoolPatch', () => {
  test('patch FelixConfiguration default and the default pool', () => {
    const { stack, manifests } = clusterStack();
    new FelixSettings(manifests, 'felix', {
      egressIPSupport: 'EnabledPerNamespaceOrPerPod', podEgressGrants: [], flowLogsFlushInterval: '15s', flowLogsFileAggregationKindForAllowed: 1,
    });
    new IpPoolPatch(manifests, 'pool', { name: 'default-ipv4-ippool', spec: { disableBGPExport: true } });
    const json = synth(stack);
    expect(manifestResource(json, 'FelixConfiguration', 'default').manifest.spec).toEqual({
      egressIPSupport: 'EnabledPerNamespaceOrPerPod', flowLogsFlushInterval: '15s', flowLogsFileAggregationKindForAllowed: 1,
    });
    expect(manifestResource(json, 'IPPool', 'default-ipv4-ippool').manifest.spec).toEqual({ disableBGPExport: true });
    expect(json.import!.map((i) => i.id)).toEqual([
      'apiVersion=projectcalico.org/v3,kind=FelixConfiguration,name=default',
      'apiVersion=projectcalico.org/v3,kind=IPPool,name=default-ipv4-ippool',
    ]);
  });

  test('enables egress gateways per namespace by default, with Felix\'s poll settings, and no admission policy', () => {
    const { stack, manifests } = clusterStack();
    const felix = new FelixSettings(manifests, 'felix', { egressGatewayPollInterval: '5s', egressGatewayPollFailureCount: 2 });
    const json = synth(stack);
    expect(manifestResource(json, 'FelixConfiguration', 'default').manifest.spec).toEqual({
      egressIPSupport: 'EnabledPerNamespace', egressGatewayPollInterval: '5s', egressGatewayPollFailureCount: 2,
    });
    expect(felix.admission).toBeUndefined();
    expect(Object.keys(json.resource!.kubernetes_manifest)).toHaveLength(1);
  });

  test('per-pod selection renders the admission policy and its binding, the same in Terraform and YAML', () => {
    const { stack, manifests } = clusterStack();
    new FelixSettings(manifests, 'felix', {
      egressIPSupport: 'EnabledPerNamespaceOrPerPod',
      podEgressGrants: [{ tenant: tenant0, namespaces: ['apps', 'web'] }, { tenant: tenant1, namespaces: ['batch'] }],
    });
    const json = synth(stack);
    const sel0 = '"projectcalico.org/name == \'tenant0-egw\'"';
    const sel1 = '"projectcalico.org/name == \'tenant1-egw\'"';
    const ann = 'object.metadata.annotations';
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'egress-gateway-pod-annotations' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
        validations: [
          {
            expression: `!has(${ann}) || ${ann}.all(k, !k.startsWith("egress.projectcalico.org/") || k in `
              + '["egress.projectcalico.org/namespaceSelector", "egress.projectcalico.org/selector", "egress.projectcalico.org/maxNextHops"])',
            message: 'pods may carry only these egress annotations: egress.projectcalico.org/namespaceSelector, egress.projectcalico.org/selector, '
              + 'egress.projectcalico.org/maxNextHops; an EgressGatewayPolicy is chosen per namespace',
          },
          {
            expression: `!has(${ann}) || !${ann}.exists(k, k.startsWith("egress.projectcalico.org/")) || `
              + `(request.namespace in ["apps", "web"] && "egress.projectcalico.org/namespaceSelector" in ${ann} && ${ann}["egress.projectcalico.org/namespaceSelector"] == ${sel0}) || `
              + `(request.namespace in ["batch"] && "egress.projectcalico.org/namespaceSelector" in ${ann} && ${ann}["egress.projectcalico.org/namespaceSelector"] == ${sel1})`,
            message: 'pods choose egress gateways by annotation only in namespaces granted the tenant their namespaceSelector names (apps, web, batch)',
          },
        ],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'egress-gateway-pod-annotations' },
      spec: { policyName: 'egress-gateway-pod-annotations', validationActions: ['Deny'] },
    };
    expect(manifestResource(json, 'ValidatingAdmissionPolicy', 'egress-gateway-pod-annotations').manifest).toEqual(policy);
    expect(manifestResource(json, 'ValidatingAdmissionPolicyBinding', 'egress-gateway-pod-annotations').manifest).toEqual(binding);
    const file = manifests.files().find((f) => f.name === '02-felix-pod-egress-admission.yaml')!;
    expect(parseAllDocuments(file.content).map((d) => d.toJS())).toEqual([policy, binding]);
  });

  test('with no grants, every egress annotation on pods is refused', () => {
    const { stack, manifests } = clusterStack();
    new FelixSettings(manifests, 'felix', { egressIPSupport: 'EnabledPerNamespaceOrPerPod', podEgressGrants: [] });
    const v = manifestResource(synth(stack), 'ValidatingAdmissionPolicy', 'egress-gateway-pod-annotations').manifest.spec.validations[1];
    expect(v).toEqual({
      expression: '!has(object.metadata.annotations) || !object.metadata.annotations.exists(k, k.startsWith("egress.projectcalico.org/")) || false',
      message: 'no namespace is granted egress gateways by pod annotation; annotate the namespace instead',
    });
  });

  test.each([
    ['an egressIPSupport outside its enum', () => new FelixSettings(clusterStack().manifests, 'felix', { egressIPSupport: 'EnabledPerPod' as never }),
      'cluster/calico/felix: egressIPSupport is "EnabledPerPod"; allowed: "Disabled", "EnabledPerNamespace", "EnabledPerNamespaceOrPerPod"'],
    ['per-pod selection without grants', () => new FelixSettings(clusterStack().manifests, 'felix', { egressIPSupport: 'EnabledPerNamespaceOrPerPod' }),
      "cluster/calico/felix: podEgressGrants is missing; with egressIPSupport 'EnabledPerNamespaceOrPerPod' any pod author could choose a tenant's gateways; grant tenants to namespaces (podEgressGrants, [] for none), which an admission policy enforces, or keep 'EnabledPerNamespace'"],
    ['grants without per-pod selection', () => new FelixSettings(clusterStack().manifests, 'felix', { podEgressGrants: [{ tenant: tenant0, namespaces: ['apps'] }] }),
      'cluster/calico/felix: podEgressGrants is ["tenant0"]; only with egressIPSupport \'EnabledPerNamespaceOrPerPod\'; pods cannot choose gateways otherwise'],
    ['a grant without namespaces', () => new FelixSettings(clusterStack().manifests, 'felix', { egressIPSupport: 'EnabledPerNamespaceOrPerPod', podEgressGrants: [{ tenant: tenant0, namespaces: [] }] }),
      'cluster/calico/felix/pod-egress-admission: grants[0].namespaces (tenant "tenant0", declared at test/calico/egress-selection.test.ts:9) is []; name the namespaces whose pods may choose tenant tenant0'],
    ['a grant without a tenant (JavaScript)', () => new FelixSettings(clusterStack().manifests, 'felix', { egressIPSupport: 'EnabledPerNamespaceOrPerPod', podEgressGrants: [{ namespaces: ['apps'] } as never] }),
      'cluster/calico/felix/pod-egress-admission: grants[0].tenant (missing) is missing; expected an EgressTenant: declare it once with new EgressTenant({ name, egressCidr }) and pass that object'],
    ['a granted namespace that is not a name', () => new FelixSettings(clusterStack().manifests, 'felix', { egressIPSupport: 'EnabledPerNamespaceOrPerPod', podEgressGrants: [{ tenant: tenant0, namespaces: ['Apps'] }] }),
      'cluster/calico/felix/pod-egress-admission: grants[0].namespaces[0] is "Apps"; a Kubernetes name is 1 to 63'],
    ['a bad poll interval', () => new FelixSettings(clusterStack().manifests, 'felix', { egressGatewayPollInterval: '10' }), 'cluster/calico/felix: egressGatewayPollInterval is "10"; expected a duration such as 15s'],
    ['a poll failure count of 0', () => new FelixSettings(clusterStack().manifests, 'felix', { egressGatewayPollFailureCount: 0 }), 'cluster/calico/felix: egressGatewayPollFailureCount is 0; a whole number of at least 1'],
    ['a bad duration', () => new FelixSettings(clusterStack().manifests, 'felix', { flowLogsFlushInterval: '15 seconds' }), 'cluster/calico/felix: flowLogsFlushInterval is "15 seconds"; expected a duration such as 15s'],
    ['a pool patch without fields', () => new IpPoolPatch(clusterStack().manifests, 'pool', { name: 'default-ipv4-ippool', spec: {} }), 'cluster/calico/pool: spec is {}; name at least one IPPool field to set'],
    ['a new CIDR for an existing pool', () => new IpPoolPatch(clusterStack().manifests, 'pool', { name: 'default-ipv4-ippool', spec: { cidr: '10.0.0.0/16' } }), 'cluster/calico/pool: spec.cidr is "10.0.0.0/16"; the CIDR of an existing pool cannot change'],
  ])('rejects %s', (_, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('CalicoOperator', () => {
  test('sets disableBGPExport on an Installation pool', () => {
    const json = synthWith((stack) => {
      new CalicoOperator(stack, 'calico', {
        provider: new HelmProvider(stack, 'helm', {}),
        ipPools: [{ cidr: '10.244.0.0/24', disableBGPExport: true }, { cidr: '10.245.0.0/24' }],
      });
    });
    const values = resource(json, 'helm_release', 'calico').values[0] as string;
    expect(values).toContain('      - cidr: 10.244.0.0/24\n        encapsulation: VXLAN\n        disableBGPExport: true\n      - cidr: 10.245.0.0/24\n        encapsulation: VXLAN\n');
  });
});
