import { TerraformVariable } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { parse } from 'yaml';
import {
  BgpFilter, CalicoBgp, CalicoEdition, CalicoOperator, EgressGatewayTenant, EgressTenant, FelixSettings, IpPoolPatch,
} from '../../lib/calico';
import { azureStack, clusterStack, manifestResource, resource, synth } from '../helpers';

// Issue 13 items 4 and 6 for the Calico constructs: every enumerated field is checked against
// Calico's set (case-sensitively, the nearest value suggested), free-form fields with the shared guards.

const tenant = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });

function filter(rule: unknown) {
  return () => new BgpFilter(clusterStack().manifests, 'f', { name: 'f', exportV4: [rule as any] });
}

describe('BgpFilter rules', () => {
  test.each([
    [{ action: 'accept' }, 'cluster/calico/f: exportV4[0].action is "accept"; a BGPFilter action is allowed: "Accept", "Reject"; did you mean "Accept"?'],
    [{ action: 'Allow' }, 'cluster/calico/f: exportV4[0].action is "Allow"; a BGPFilter action is allowed: "Accept", "Reject"'],
    [{}, 'cluster/calico/f: exportV4[0].action (missing) is missing; a BGPFilter action is allowed: "Accept", "Reject"'],
    [{ action: 'Accept', cidr: '10.99.0.0/29', matchOperator: 'Contains' },
      'cluster/calico/f: exportV4[0].matchOperator is "Contains"; a match operator is allowed: "Equal", "NotEqual", "In", "NotIn"'],
    [{ action: 'Reject', source: 'remotePeers' }, 'cluster/calico/f: exportV4[0].source is "remotePeers"; a route source is allowed: "RemotePeers"; did you mean "RemotePeers"?'],
    [{ action: 'Reject', interface: 'a-very-long-interface' },
      "cluster/calico/f: exportV4[0].interface is \"a-very-long-interface\"; an interface match is 1 to 15 letters, digits, '_', '.', '-' or '*'"],
    [{ action: 'Reject', interface: 'eth 0' }, 'cluster/calico/f: exportV4[0].interface is "eth 0"; an interface match'],
    ['Reject', 'cluster/calico/f: exportV4[0] (a string) is "Reject"; a rule is an object'],
  ])('refuses %j', (rule, message) => {
    expect(filter(rule)).toThrow(message);
  });

  test('a rule list that is not a list is named', () => {
    expect(() => new BgpFilter(clusterStack().manifests, 'f', { name: 'f', importV4: { action: 'Reject' } as any }))
      .toThrow('cluster/calico/f: importV4 (an object) is {action: "Reject"}; expected a list of rules');
  });

  test('valid rules render as given', () => {
    const { stack, manifests } = clusterStack();
    new BgpFilter(manifests, 'f', { name: 'f', exportV4: [{ action: 'Reject', source: 'RemotePeers' }, { action: 'Reject', interface: '*.calico' }, { action: 'Accept', cidr: '10.99.0.0/29', matchOperator: 'In' }] });
    expect(manifestResource(synth(stack), 'BGPFilter', 'f').manifest.spec.exportV4).toEqual([
      { action: 'Reject', source: 'RemotePeers' }, { action: 'Reject', interface: '*.calico' }, { action: 'Accept', cidr: '10.99.0.0/29', matchOperator: 'In' },
    ]);
  });
});

describe('CalicoBgp', () => {
  const bgp = (over: object) => () => new CalicoBgp(clusterStack().manifests, 'bgp', { asNumber: 63400, nodeToNodeMesh: true, ...over } as any);

  test.each([
    [{ logSeverity: 'info' }, 'cluster/calico/bgp: logSeverity is "info"; a BGP log level is allowed: "Debug", "Info", "Warning", "Error", "Fatal"; did you mean "Info"?'],
    [{ externalRouters: [{ name: 'r', peerIps: ['10.0.1.4'], asNumber: 65515, sourceAddress: 'NodeIP' }] },
      'cluster/calico/bgp: externalRouters[0].peerIps[0].sourceAddress is "NodeIP"; allowed: "UseNodeIP", "None"'],
    [{ externalRouters: [{ name: 'r', peerIps: ['10.0.1.4', '10.0.1.4'], asNumber: 65515 }] },
      'cluster/calico/bgp: externalRouters[0].peerIps[1] is "10.0.1.4"; peerIps[0] is the same address; list each once'],
    [{ externalRouters: [{ name: 'r', peerIps: ['10.0.1.4'], asNumber: 65515, filters: ['Export_Egress'] }] },
      'cluster/calico/bgp: externalRouters[0].peerIps[0].filters[0] is "Export_Egress"; a Kubernetes name is up to 253 lower-case letters'],
  ])('refuses %j', (over, message) => {
    expect(bgp(over)).toThrow(message);
  });

  test.each([
    ['failureDetectionMode', 'BFD', 'allowed: "None", "BFDIfDirectlyConnected"'],
    ['restartMode', 'gracefulRestart', 'allowed: "GracefulRestart", "LongLivedGracefulRestart"; did you mean "GracefulRestart"?'],
    ['birdGatewayMode', 'Direct', 'allowed: "Recursive", "DirectIfDirectlyConnected"'],
  ])('addPeer refuses %s %j', (field, value, allowed) => {
    const { manifests } = clusterStack();
    const construct = new CalicoBgp(manifests, 'bgp', { asNumber: 63400, nodeToNodeMesh: true });
    expect(() => construct.addPeer('p', { peerIP: '10.0.1.4', asNumber: 65515, [field]: value } as any))
      .toThrow(`cluster/calico/bgp: peers[p].${field} is "${value}"; ${allowed}`);
  });
});

describe('FelixSettings', () => {
  const felix = (over: object) => () => new FelixSettings(clusterStack().manifests, 'felix', over as any);

  test.each([
    [{ logSeverityScreen: 'Warn' }, 'cluster/calico/felix: logSeverityScreen is "Warn"; a Felix log level is allowed: "Trace", "Debug", "Info", "Warning", "Error", "Fatal"'],
    [{ flowLogsFileAggregationKindForAllowed: 3 }, 'cluster/calico/felix: flowLogsFileAggregationKindForAllowed is 3; an aggregation kind is 0 (none), 1 (source port) or 2 (pod prefix)'],
    [{ flowLogsFileAggregationKindForDenied: '1' }, 'cluster/calico/felix: flowLogsFileAggregationKindForDenied (a string) is "1"; expected a number: a whole number from 0 to 2'],
    [{ flowLogsFileEnabled: 'true' }, 'cluster/calico/felix: flowLogsFileEnabled (a string) is "true"; expected true or false'],
    [{ egressIPSupport: 'enabledPerNamespace' }, 'cluster/calico/felix: egressIPSupport is "enabledPerNamespace"; allowed: "Disabled", "EnabledPerNamespace", "EnabledPerNamespaceOrPerPod"; did you mean "EnabledPerNamespace"?'],
  ])('refuses %j', (over, message) => {
    expect(felix(over)).toThrow(message);
  });

  test('Trace is a Felix log level', () => {
    const { stack, manifests } = clusterStack();
    new FelixSettings(manifests, 'felix', { logSeverityScreen: 'Trace' });
    expect(manifestResource(synth(stack), 'FelixConfiguration', 'default').manifest.spec).toEqual({ logSeverityScreen: 'Trace', egressIPSupport: 'EnabledPerNamespace' });
  });
});

describe('EgressGatewayTenant', () => {
  const gw = (over: object) => () => new EgressGatewayTenant(clusterStack().manifests, 't', { tenant, ...over } as any);
  const spread = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' };

  test.each([
    [{ logSeverity: 'Warning' }, 'cluster/calico/t: logSeverity is "Warning"; an EgressGateway log level is allowed: "Trace", "Debug", "Info", "Warn", "Error", "Fatal"'],
    [{ vxlanMode: 'always' }, 'cluster/calico/t: vxlanMode is "always"; allowed: "Never", "Always", "CrossSubnet"; did you mean "Always"?'],
    [{ topologySpreadConstraints: [{ ...spread, whenUnsatisfiable: 'DoNotSchedul' }] },
      'cluster/calico/t: topologySpreadConstraints[0].whenUnsatisfiable is "DoNotSchedul"; allowed: "DoNotSchedule", "ScheduleAnyway"; did you mean "DoNotSchedule"?'],
    [{ topologySpreadConstraints: [{ ...spread, maxSkew: 0 }] }, 'cluster/calico/t: topologySpreadConstraints[0].maxSkew is 0; a whole number of at least 1'],
    [{ topologySpreadConstraints: [{ ...spread, topologyKey: 'zone/' }] }, 'cluster/calico/t: topologySpreadConstraints[0].topologyKey is "zone/"; a label key is'],
    [{ topologySpreadConstraints: [{ ...spread, labelSelector: { matchLabels: { tenant: 'a b' } } }] },
      'cluster/calico/t: topologySpreadConstraints[0].labelSelector.matchLabels["tenant"] is "a b"; a label value is'],
    [{ topologySpreadConstraints: [{ maxSkew: 1 }] }, 'cluster/calico/t: topologyKey is missing; topologySpreadConstraints[0] requires it'],
  ])('refuses %j', (over, message) => {
    expect(gw(over)).toThrow(message);
  });
});

describe('IpPoolPatch', () => {
  const patch = (spec: object) => () => new IpPoolPatch(clusterStack().manifests, 'pool', { name: 'default-ipv4-ippool', spec: spec as any });

  test.each([
    [{ ipipMode: 'crossSubnet' }, 'cluster/calico/pool: spec.ipipMode is "crossSubnet"; an encapsulation mode is allowed: "Never", "Always", "CrossSubnet"; did you mean "CrossSubnet"?'],
    [{ vxlanMode: 'Enabled' }, 'cluster/calico/pool: spec.vxlanMode is "Enabled"; an encapsulation mode is allowed: "Never", "Always", "CrossSubnet"'],
    [{ vxlanMode: 'Always', ipipMode: 'CrossSubnet' }, "cluster/calico/pool: spec.ipipMode is \"CrossSubnet\"; a pool uses one encapsulation: with vxlanMode 'Always', ipipMode is 'Never'"],
    [{ natOutgoing: 'false' }, 'cluster/calico/pool: spec.natOutgoing (a string) is "false"; expected true or false'],
    [{ allowedUses: ['Workloads'] }, 'cluster/calico/pool: spec.allowedUses[0] is "Workloads"; allowed: "Workload", "Tunnel", "HostSecondaryInterface"; did you mean "Workload"?'],
    [{ nodeSelector: "zone = 'a'" }, 'cluster/calico/pool: spec.nodeSelector is "zone = \'a\'"; not a Calico selector'],
  ])('refuses %j', (spec, message) => {
    expect(patch(spec)).toThrow(message);
  });

  test('a valid patch renders as given', () => {
    const { stack, manifests } = clusterStack();
    new IpPoolPatch(manifests, 'pool', { name: 'default-ipv4-ippool', spec: { vxlanMode: 'CrossSubnet', ipipMode: 'Never', natOutgoing: false } });
    expect(manifestResource(synth(stack), 'IPPool', 'default-ipv4-ippool').manifest.spec).toEqual({ vxlanMode: 'CrossSubnet', ipipMode: 'Never', natOutgoing: false });
  });
});

describe('CalicoOperator', () => {
  const operator = (over: object) => () => {
    const stack = azureStack();
    const provider = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
    return new CalicoOperator(stack, 'calico', { provider, ipPools: [{ cidr: '10.244.0.0/16' }], ...over } as any);
  };

  test.each([
    [{ kubernetesProvider: 'aks' }, 'test/calico: kubernetesProvider is "aks"; a platform is allowed: "AKS", "EKS", "GKE", "OpenShift", "DockerEnterprise", "RKE2", "TKG", "Kind"; did you mean "AKS"?'],
    [{ bgp: true }, 'test/calico: bgp (a boolean) is true; allowed: "Enabled", "Disabled"'],
    [{ ipPools: [{ cidr: '10.244.0.0/16', encapsulation: 'VXLANCrosssubnet' }] },
      'test/calico: ipPools[0].encapsulation is "VXLANCrosssubnet"; an encapsulation is allowed: "VXLAN", "VXLANCrossSubnet", "IPIP", "IPIPCrossSubnet", "None"; did you mean "VXLANCrossSubnet"?'],
    [{ ipPools: [{ cidr: '10.244.0.0/16', natOutgoing: 'Enabled' }] }, 'test/calico: ipPools[0].natOutgoing (a string) is "Enabled"; expected true or false'],
    [{ ipPools: [{ encapsulation: 'VXLAN' }] }, 'test/calico: cidr is missing; ipPools[0] requires it'],
    [{ ipPools: Array.from({ length: 26 }, (_, i) => ({ cidr: `10.${i}.0.0/16` })) }, 'test/calico: ipPools is ['],
    [{ releaseName: 'Calico' }, 'test/calico: releaseName is "Calico"; a Kubernetes name is up to 253 lower-case letters'],
    [{ releaseName: 'c'.repeat(49) }, `test/calico: releaseName is "${'c'.repeat(49)}"; Helm release names are at most 53 characters and the CRD chart's release is ${'c'.repeat(49)}-crds: at most 48`],
  ])('refuses %j', (over, message) => {
    expect(operator(over)).toThrow(message);
  });

  test('Kind is a platform the Installation takes', () => {
    const stack = azureStack();
    const provider = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
    new CalicoOperator(stack, 'calico', { provider, kubernetesProvider: 'Kind', bgp: 'Disabled', ipPools: [{ cidr: '10.244.0.0/16' }] });
    const values = parse(resource(synth(stack), 'helm_release', 'calico').values[0]);
    expect(values.installation.kubernetesProvider).toBe('Kind');
    expect(values.installation.calicoNetwork.bgp).toBe('Disabled');
  });
});

// Issue 13 item 5: a check that meets a deploy-time value resolves the literal the app set for it,
// and says so in a warning when nothing can be known.
describe('deploy-time values', () => {
  const warnings = (c: { node: { metadata: { type: string; data: unknown }[] } }) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);

  test('a BGP peer address from a resource the app created is checked; from a variable it warns', () => {
    const { stack, manifests } = clusterStack();
    const node = new Instance(stack, 'router', { ami: 'ami-1', instanceType: 't3.small', privateIp: '10.0.1.400' });
    const bgp = new CalicoBgp(manifests, 'bgp', { asNumber: 63400, nodeToNodeMesh: true });
    expect(() => bgp.addPeer('p', { peerIP: node.privateIp, asNumber: 65515 })).toThrow(
      'cluster/calico/bgp: peers[p].peerIP is "10.0.1.400"; expected an IP address (optionally with :port), e.g. 10.0.1.4');
    const ip = new TerraformVariable(stack, 'peer_ip', { type: 'string' });
    bgp.addPeer('q', { peerIP: ip.stringValue, asNumber: 65515 });
    expect(warnings(bgp)).toEqual([
      'peers[q].peerIP is a deploy-time reference to var.peer_ip; that it is an IP address (optionally with :port) could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('a selector read from a resource the app created is parsed; from a variable it warns', () => {
    const { stack, manifests } = clusterStack();
    const helm = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
    const other = new Release(stack, 'other', { provider: helm, name: 'other', chart: 'c', description: "zone == 'a" });
    expect(() => new IpPoolPatch(manifests, 'pool', { name: 'default-ipv4-ippool', spec: { nodeSelector: other.description } })).toThrow(
      'cluster/calico/pool: spec.nodeSelector is "zone == \'a"; not a Calico selector: the quote at character 9 is not closed');
    const selector = new TerraformVariable(stack, 'selector', { type: 'string' });
    const patch = new IpPoolPatch(manifests, 'pool2', { name: 'other-pool', spec: { nodeSelector: selector.stringValue } });
    expect(warnings(patch)).toEqual([
      'spec.nodeSelector is a deploy-time reference to var.selector; the Calico selector grammar could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('an HTTP probe URL from a variable warns; a known literal is checked', () => {
    const { stack, manifests } = clusterStack();
    const url = new TerraformVariable(stack, 'probe_url', { type: 'string' });
    const t = new EgressGatewayTenant(manifests, 't', { tenant, failureDetection: { httpProbe: { urls: [url.stringValue] } } });
    expect(warnings(t)).toEqual([
      'failureDetection.httpProbe.urls[0] is a deploy-time reference to var.probe_url; that it is an http:// or https:// URL could not be checked at synth and is checked by the cloud at apply',
    ]);
    const helm = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
    const other = new Release(stack, 'other', { provider: helm, name: 'other', chart: 'c', description: 'www.tigera.io' });
    const tenant9 = new EgressTenant({ name: 'tenant9', egressCidr: '10.99.0.64/29' });
    expect(() => new EgressGatewayTenant(manifests, 'u', { tenant: tenant9, failureDetection: { httpProbe: { urls: [other.description] } } })).toThrow(
      'cluster/calico/u: failureDetection.httpProbe.urls[0] is "www.tigera.io"; an http:// or https:// URL');
  });

  test('an Enterprise chart version from a resource the app created is checked; from a variable it warns', () => {
    const enterprise = (stack: ReturnType<typeof azureStack>, version: string) => {
      const provider = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
      const secret = (id: string) => new TerraformVariable(stack, id, { type: 'string', sensitive: true }).stringValue;
      return new CalicoOperator(stack, 'calico', {
        provider, ipPools: [{ cidr: '10.244.0.0/16' }],
        edition: CalicoEdition.enterprise({ version, license: secret('license'), pullSecret: secret('pull') }),
      });
    };
    const stack = azureStack();
    const pinned = new Release(stack, 'pinned', { name: 'pinned', chart: 'c', version: 'v3.22.7' });
    expect(() => enterprise(stack, pinned.version)).toThrow(
      'test/calico: edition.version is "v3.22.7"; the Calico Enterprise chart version as Tigera publishes it, vX.Y.Z-N (e.g. v3.22.7-0 for release v3.22.7)');
    const other = azureStack();
    const op = enterprise(other, new TerraformVariable(other, 'version', { type: 'string' }).stringValue);
    expect(warnings(op)).toEqual([
      'edition.version is a deploy-time reference to var.version; that it is a chart version as Tigera publishes it (vX.Y.Z-N) could not be checked at synth and is checked by the cloud at apply',
    ]);
  });
});

describe('misspelt fields from callers without types', () => {
  test('FelixSettings names the nearest field it takes', () => {
    expect(() => new FelixSettings(clusterStack().manifests, 'felix', { egressIpSupport: 'EnabledPerNamespace' } as any)).toThrow(
      'cluster/calico/felix: field is "egressIpSupport"; FelixSettings has no such field; did you mean "egressIPSupport"? (the library sets: awsSecondaryIPSupport,');
  });

  test('a BGPFilter rule and an IPPool patch name theirs', () => {
    expect(filter({ action: 'Reject', interfaces: '*.calico' })).toThrow(
      'cluster/calico/f: exportV4[0] field is "interfaces"; a BGPFilter rule has no such field; did you mean "interface"?');
    expect(() => new IpPoolPatch(clusterStack().manifests, 'pool', { name: 'default-ipv4-ippool', spec: { natOutGoing: false } as any })).toThrow(
      'cluster/calico/pool: spec field is "natOutGoing"; an IPPool spec has no such field; did you mean "natOutgoing"?');
  });

  test('the cluster\'s AS number is a literal', () => {
    const { stack, manifests } = clusterStack();
    const asn = new TerraformVariable(stack, 'asn', { type: 'number' });
    expect(() => new CalicoBgp(manifests, 'bgp', { asNumber: asn.numberValue, nodeToNodeMesh: true })).toThrow(
      "cluster/calico/bgp: asNumber is a deploy-time reference to var.asn; a literal is needed here because it is checked at synth; the cluster's AS number is written into Calico's BGPConfiguration and compared with its peers'");
  });
});
