import { TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Cidr, declareRanges } from '../../lib/core';
import { parseAllDocuments } from 'yaml';
import { EgressGatewayTenant, EgressGatewayTenantProps, EgressTenant, TenantGateways } from '../../lib/calico';
import { clusterStack, manifestAddress, manifestResource, synth } from '../helpers';

const tenant0 = () => new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });

/** A construct owning `cidr` as a range of `kind` in the app's address plan. */
function owns(scope: Construct, id: string, cidr: string, kind: string, label: string): void {
  declareRanges(new Construct(scope, id), [{ cidr: Cidr.parse(cidr), kind, label }]);
}

describe('EgressTenant', () => {
  test('derives its names, labels and selectors from its name', () => {
    const t = tenant0();
    expect(t.egressCidr.toString()).toBe('10.99.0.0/29');
    expect([t.namespace, t.poolName, t.gatewayName]).toEqual(['tenant0-egw', 'tenant0-pool', 'tenant0-egw']);
    expect(t.podLabels).toEqual({ tenant: 'tenant0-egw' });
    expect(t.namespaceSelector).toBe("projectcalico.org/name == 'tenant0-egw'");
    expect(t.gatewaySelector).toBe("tenant == 'tenant0-egw'");
  });

  test.each([
    [{ name: 'Tenant_0', egressCidr: '10.99.0.0/29' }, "tenant \"Tenant_0\" (declared at test/calico/egress-gateway-tenant.test.ts:36): name is \"Tenant_0\"; a Kubernetes name is 1 to 63 lower-case letters"],
    [{ name: 'tenant0', egressCidr: '10.99.0.1/29' }, 'tenant "tenant0" (declared at test/calico/egress-gateway-tenant.test.ts:36): egressCidr is "10.99.0.1/29"; host bits are set; the range starting there is 10.99.0.0/29'],
    [{ name: 'tenant0', egressCidr: 'fd00::/120' }, 'tenant "tenant0" (declared at test/calico/egress-gateway-tenant.test.ts:36): egressCidr is "fd00::/120"; egress gateway ranges are IPv4 ranges'],
    [{ name: 'tenant0', egressCidr: '10.99.0.0/29', namespace: 'tenant0.egw' }, 'tenant "tenant0" (declared at test/calico/egress-gateway-tenant.test.ts:36): namespace is "tenant0.egw"; a Kubernetes name is 1 to 63'],
    [{ name: 'tenant0', egressCidr: '10.99.0.0/29', podLabels: {} }, 'tenant "tenant0" (declared at test/calico/egress-gateway-tenant.test.ts:36): podLabels is {}; gateway pods need at least one label'],
    [{ name: 'tenant0', egressCidr: '10.99.0.0/29', podLabels: { tenant: "x' || tenant == 'y" } },
      "tenant \"tenant0\" (declared at test/calico/egress-gateway-tenant.test.ts:36): podLabels[\"tenant\"] is \"x' || tenant == 'y\"; a label value is empty or 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"],
    [{ name: 'tenant0', egressCidr: '10.99.0.0/29', podLabels: { 'bad key': 'x' } },
      "tenant \"tenant0\" (declared at test/calico/egress-gateway-tenant.test.ts:36): podLabels key \"bad key\" is \"bad key\"; a label key is an optional DNS subdomain prefix and '/', then 1 to 63 letters"],
  ])('rejects %j', (props, message) => {
    expect(() => new EgressTenant(props)).toThrow(message);
  });
});

describe('EgressGatewayTenant', () => {
  test('renders the namespace, the pool and the gateway with the blueprint values', () => {
    const { stack, manifests } = clusterStack();
    new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0() });
    const json = synth(stack);
    expect(manifestResource(json, 'Namespace', 'tenant0-egw').manifest).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant0-egw' } });
    expect(manifestResource(json, 'IPPool', 'tenant0-pool').manifest.spec).toEqual({
      cidr: '10.99.0.0/29', blockSize: 31, nodeSelector: '!all()', vxlanMode: 'Never',
    });
    const gw = manifestResource(json, 'EgressGateway', 'tenant0-egw', 'tenant0-egw');
    expect(gw.manifest.apiVersion).toBe('operator.tigera.io/v1');
    expect(gw.manifest.spec).toEqual({
      logSeverity: 'Info',
      replicas: 2,
      ipPools: [{ name: 'tenant0-pool' }],
      template: {
        metadata: { labels: { tenant: 'tenant0-egw' } },
        spec: {
          terminationGracePeriodSeconds: 60,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          topologySpreadConstraints: [{
            maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { tenant: 'tenant0-egw' } },
          }],
        },
      },
    });
    expect(gw.depends_on).toEqual([manifestAddress(json, 'Namespace', 'tenant0-egw'), manifestAddress(json, 'IPPool', 'tenant0-pool')]);
  });

  test('takes its options', () => {
    const { stack, manifests } = clusterStack();
    new EgressGatewayTenant(manifests, 't', {
      tenant: tenant0(), replicas: 3, blockSize: 30, vxlanMode: 'Always', logSeverity: 'Debug', topologySpreadConstraints: [],
      terminationGracePeriodSeconds: 30, failureDetection: { icmpProbe: { ips: ['10.0.0.4'] } },
    });
    const json = synth(stack);
    expect(manifestResource(json, 'IPPool', 'tenant0-pool').manifest.spec).toMatchObject({ blockSize: 30, vxlanMode: 'Always' });
    const spec = manifestResource(json, 'EgressGateway', 'tenant0-egw').manifest.spec;
    expect(spec).toMatchObject({ replicas: 3, logSeverity: 'Debug', egressGatewayFailureDetection: { icmpProbe: { ips: ['10.0.0.4'] } } });
    expect(spec.template.spec).toEqual({ terminationGracePeriodSeconds: 30, nodeSelector: { 'kubernetes.io/os': 'linux' } });
  });

  test('renders failure detection and the template fields affinity, priorityClassName and resources, in Terraform and YAML', () => {
    const { stack, manifests } = clusterStack();
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'egress', operator: 'In', values: ['true'] }] }] } } };
    new EgressGatewayTenant(manifests, 't', {
      tenant: tenant0(), topologySpreadConstraints: [], affinity, priorityClassName: 'system-cluster-critical',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      failureDetection: {
        healthTimeoutDataStoreSeconds: 60,
        icmpProbe: { ips: ['10.0.0.4'], intervalSeconds: 5, timeoutSeconds: 15 },
        httpProbe: { urls: ['http://www.tigera.io/'], intervalSeconds: 10, timeoutSeconds: 10 },
      },
    });
    const expected = {
      logSeverity: 'Info', replicas: 2, ipPools: [{ name: 'tenant0-pool' }],
      template: {
        metadata: { labels: { tenant: 'tenant0-egw' } },
        spec: {
          terminationGracePeriodSeconds: 60, nodeSelector: { 'kubernetes.io/os': 'linux' }, affinity, priorityClassName: 'system-cluster-critical',
          containers: [{ name: 'egress-gateway', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }],
        },
      },
      egressGatewayFailureDetection: {
        healthTimeoutDataStoreSeconds: 60,
        icmpProbe: { ips: ['10.0.0.4'], intervalSeconds: 5, timeoutSeconds: 15 },
        httpProbe: { urls: ['http://www.tigera.io/'], intervalSeconds: 10, timeoutSeconds: 10 },
      },
    };
    expect(manifestResource(synth(stack), 'EgressGateway', 'tenant0-egw').manifest.spec).toEqual(expected);
    const yaml = manifests.files().flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS()));
    expect(yaml.find((o) => o.kind === 'EgressGateway').spec).toEqual(expected);
  });

  test('a probe interval known only at deploy time is not compared, and says so', () => {
    const { stack, manifests } = clusterStack();
    const interval = new TerraformVariable(stack, 'interval', { type: 'number' });
    const t = new EgressGatewayTenant(manifests, 't', { tenant: tenant0(), failureDetection: { icmpProbe: { ips: ['10.0.0.4'], intervalSeconds: interval.numberValue } } });
    expect(t.node.metadata.map((m) => m.data)).toEqual([
      'failureDetection.icmpProbe.intervalSeconds is a deploy-time reference to var.interval; the rule that the timeout is at least the interval could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test.each([
    [{ failureDetection: {} }, 'failureDetection is {}; give an icmpProbe, an httpProbe or both (the operator refuses neither)'],
    [{ failureDetection: { icmpProbe: { ips: ['10.0.0.4'], intervalSeconds: 20 } } },
      "failureDetection.icmpProbe.timeoutSeconds is 15; the timeout must be at least the interval (20s); the operator refuses a shorter one"],
    [{ failureDetection: { httpProbe: { urls: ['https://example.com'], timeoutSeconds: 5 } } },
      "failureDetection.httpProbe.timeoutSeconds is 5; the timeout must be at least the interval (10s, the operator's default); the operator refuses a shorter one"],
    [{ failureDetection: { icmpProbe: { ips: [] } } }, 'failureDetection.icmpProbe.ips is []; at least 1 entry is needed'],
    [{ failureDetection: { icmpProbe: {} } }, 'failureDetection.icmpProbe.ips (missing) is missing; expected a list of addresses, each an IP address such as 10.0.0.4'],
    [{ failureDetection: { httpProbe: { urls: [] } } }, 'failureDetection.httpProbe.urls is []; an HTTP probe needs at least one URL'],
    [{ failureDetection: { icmpProbe: { ips: ['10.0.0.400'] } } }, 'failureDetection.icmpProbe.ips[0] is "10.0.0.400"'],
    [{ failureDetection: { httpProbe: { urls: ['www.tigera.io'] } } }, 'failureDetection.httpProbe.urls[0] is "www.tigera.io"; an http:// or https:// URL'],
    [{ failureDetection: { icmpProbe: { ips: ['10.0.0.4'], intervalSeconds: -1 } } }, 'failureDetection.icmpProbe.intervalSeconds is -1; a whole number from 0 to 2147483647'],
    [{ failureDetection: { icmpProbe: { ips: ['10.0.0.4'] }, healthTimeoutDataStoreSeconds: 0 } }, 'failureDetection.healthTimeoutDataStoreSeconds is 0; a whole number from 1 to 2147483647'],
    [{ priorityClassName: 'High' }, 'priorityClassName is "High"; a Kubernetes name is up to 253'],
    [{ resources: { requests: { cpu: '100 millicores' } } }, 'resources.requests.cpu is "100 millicores"; a Kubernetes quantity, e.g. 100m, 0.5, 128Mi or 1Gi'],
    [{ poolNodeSelector: '!all(' }, 'poolNodeSelector is "!all("; not a Calico selector'],
    [{ nodeSelector: { 'kubernetes.io/os': 'linux os' } }, 'nodeSelector["kubernetes.io/os"] is "linux os"; a label value is empty or 1 to 63'],
  ])('rejects %j', (props, message) => {
    const { manifests } = clusterStack();
    expect(() => new EgressGatewayTenant(manifests, 't', { tenant: tenant0(), ...props } as EgressGatewayTenantProps)).toThrow(`cluster/calico/t: ${message}`);
  });

  test('pools of nodes in several subnets encapsulate across subnets, unless the cloud routes the range', () => {
    const mode = (props: object) => {
      const { stack, manifests } = clusterStack();
      new EgressGatewayTenant(manifests, 't', { tenant: tenant0(), ...props });
      return manifestResource(synth(stack), 'IPPool', 'tenant0-pool').manifest.spec.vxlanMode;
    };
    expect(mode({ nodeSubnets: ['10.10.0.0/24', '10.10.1.0/24'] })).toBe('CrossSubnet');
    expect(mode({ nodeSubnets: ['10.10.0.0/24', '10.10.1.0/24'], vxlanMode: 'Always' })).toBe('Always');
    expect(mode({ nodeSubnets: ['10.10.0.0/24', '10.10.0.0/24'] })).toBe('Never');
    expect(mode({ nodeSubnets: ['10.10.0.0/24', '10.10.1.0/24'], fabricRoutesEgress: true })).toBe('Never');
    expect(mode({})).toBe('Never');
  });

  test.each([
    [{ nodeSubnets: ['10.10.0.0/24', '10.10.1.0/24'], vxlanMode: 'Never' },
      'cluster/calico/t: vxlanMode is "Never"; the nodes span 2 subnets (10.10.0.0/24, 10.10.1.0/24) and nothing routes the egress range between them, so a client\'s packet to a gateway on another subnet leaves through the subnet\'s router by the cloud\'s routes; use CrossSubnet or Always (or set fabricRoutesEgress where the cloud routes the range to the gateway\'s node)'],
    [{ vxlanMode: 'crossSubnet' }, 'cluster/calico/t: vxlanMode is "crossSubnet"; allowed: "Never", "Always", "CrossSubnet"; did you mean "CrossSubnet"?'],
    [{ nodeSubnets: ['10.10.0.0/33'] }, 'cluster/calico/t: nodeSubnets[0] is "10.10.0.0/33"'],
    [{ blockSize: 33 }, "cluster/calico/t: blockSize is 33; an IPv4 pool's block size is /20 to /32"],
    [{ blockSize: 19 }, 'blockSize is 19; an IPv4 pool\'s block size is /20 to /32'],
    [{ blockSize: 28 }, 'cluster/calico/t: blockSize is 28; pool tenant0-pool (10.99.0.0/29) cannot hold a /28 block; use /29 to /32'],
    [{ replicas: 9 }, 'cluster/calico/t: replicas is 9; each gateway takes an address of 10.99.0.0/29, which has 8'],
    [{ replicas: -1 }, 'replicas is -1; replicas is a whole number, 0 or more'],
    [{ terminationGracePeriodSeconds: 1.5 }, 'terminationGracePeriodSeconds is 1.5; a grace period is a whole number of seconds'],
  ])('rejects %j', (props, message) => {
    const { manifests } = clusterStack();
    expect(() => new EgressGatewayTenant(manifests, 't', { tenant: tenant0(), ...(props as unknown as Partial<EgressGatewayTenantProps>) })).toThrow(message);
  });

  test.each([
    ['vnet', '10.96.0.0/12', 'VNet spoke1-vnet'],
    ['pod', '10.99.0.0/24', 'pod CIDR of cluster spoke1-aks'],
    ['service', '10.99.0.0/28', 'service CIDR of cluster spoke1-aks'],
    ['transit', '10.99.0.0/24', 'transit gateway hub-tgw CIDR block'],
  ])('rejects an egress range overlapping a %s range', (kind, cidr, label) => {
    const { stack, manifests } = clusterStack();
    owns(stack, 'other', cidr, kind, label);
    new EgressGatewayTenant(manifests, 't', { tenant: tenant0() });
    expect(() => synth(stack)).toThrow(
      `cluster/calico/t: tenant.egressCidr (tenant \"tenant0\", declared at test/calico/egress-gateway-tenant.test.ts:8) is "10.99.0.0/29"; it overlaps ${label} (${cidr}, cluster/other); an egress range is announced over BGP`);
  });

  test('rejects two tenants whose ranges overlap, across stacks', () => {
    const app = Testing.app();
    const a = clusterStack(app, 'a');
    const b = clusterStack(app, 'b');
    new EgressGatewayTenant(a.manifests, 'tenant0', { tenant: tenant0() });
    new EgressGatewayTenant(b.manifests, 'tenant1', { tenant: new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.4/30' }) });
    expect(() => synth(b.stack)).toThrow(
      'b/calico/tenant1: tenant.egressCidr (tenant \"tenant1\", declared at test/calico/egress-gateway-tenant.test.ts:193) is "10.99.0.4/30"; it overlaps egress range of tenant tenant0 (10.99.0.0/29, a/calico/tenant0)');
  });

  test('one tenant rendered in two clusters is named as such, not as overlapping itself', () => {
    const app = Testing.app();
    const a = clusterStack(app, 'a');
    const b = clusterStack(app, 'b');
    const t = tenant0();
    new EgressGatewayTenant(a.manifests, 'tenant0', { tenant: t });
    new EgressGatewayTenant(b.manifests, 'tenant0', { tenant: t });
    expect(() => synth(b.stack)).toThrow(
      'b/calico/tenant0: tenant (tenant \"tenant0\", declared at test/calico/egress-gateway-tenant.test.ts:8) is "tenant0"; its gateways are also rendered at a/calico/tenant0; one tenant\'s egress range is announced by one cluster only: declare an EgressTenant with its own egressCidr per cluster');
  });

  test('a /32 tenant gets /32 blocks without naming blockSize', () => {
    const { stack, manifests } = clusterStack();
    new EgressGatewayTenant(manifests, 't', { tenant: new EgressTenant({ name: 'solo', egressCidr: '10.99.0.9/32' }), replicas: 1 });
    expect(manifestResource(synth(stack), 'IPPool', 'solo-pool').manifest.spec).toMatchObject({ cidr: '10.99.0.9/32', blockSize: 32 });
  });

  test('TenantGateways is the new name of the same construct', () => {
    const { stack, manifests } = clusterStack();
    const g: TenantGateways = new TenantGateways(manifests, 'tenant0', { tenant: tenant0() });
    expect(EgressGatewayTenant.isEgressGatewayTenant(g)).toBe(true);
    expect(EgressGatewayTenant.find(manifests, 'tenant', 'tenant0')).toBe(g);
    expect(manifestResource(synth(stack), 'IPPool', 'tenant0-pool').manifest.spec.cidr).toBe('10.99.0.0/29');
  });

  test('tenants with adjacent ranges pass', () => {
    const { stack, manifests } = clusterStack();
    new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0() });
    new EgressGatewayTenant(manifests, 'tenant1', { tenant: new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' }) });
    expect(manifestResource(synth(stack), 'IPPool', 'tenant1-pool').manifest.spec.cidr).toBe('10.99.0.8/29');
  });

  test('find names the tenants that have gateways', () => {
    const { manifests } = clusterStack();
    const t = new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0() });
    expect(EgressGatewayTenant.find(manifests, 'tenant', 'tenant0')).toBe(t);
    expect(() => EgressGatewayTenant.find(manifests, 'tenant', 'tenant9')).toThrow(
      'cluster/calico: tenant is "tenant9"; no EgressGatewayTenant renders that tenant in this cluster; tenants with gateways here: tenant0');
  });
});
