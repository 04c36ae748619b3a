import { readFileSync } from 'fs';
import { join } from 'path';
import { mkdtempSync, readdirSync } from 'fs';
import * as ts from 'typescript';
import { tmpdir } from 'os';
import { App, Aspects, Testing } from 'cdktf';
import { SecurityChecks } from '../../lib/checks';
import { hubThreeSpokes } from '../../stacks/hub-three-spokes';
import { resources, synth } from '../helpers';

describe('hub-three-spokes example', () => {
  test('its app function is at most 40 lines of code', () => {
    const text = readFileSync(join(__dirname, '../../stacks/hub-three-spokes.ts'), 'utf8');
    const body = text.slice(text.indexOf('export function hubThreeSpokes'));
    const lines = body.split('\n').filter((l) => l.trim() !== '' && !/^\s*(\/\/|\/\*|\*)/.test(l));
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines.length).toBe(27);
  });

  test('allots priorities and sources each tenant rule from its range', () => {
    const json = synth(hubThreeSpokes(Testing.app()).cloud);
    const groups = resources(json, 'azurerm_firewall_policy_rule_collection_group');
    expect(groups.map((g) => [g.name, g.priority]).sort((a, b) => a[1] - b[1])).toEqual([
      ['p-hub-fw-policy-network', 200], ['p-hub-fw-policy-application', 300],
      ['p-spoke1-apiserver', 400], ['p-spoke2-apiserver', 410], ['p-spoke3-apiserver', 420]]);
    const app = groups.flatMap((g) => g.application_rule_collection ?? []);
    expect(app.map((c: any) => [c.name, c.priority, c.rule[0].source_addresses])).toEqual([
      ['p-spoke1-aks-app', 100, ['10.61.0.0/24', '10.61.1.0/28']], ['p-spoke1-a1', 110, ['10.98.1.0/29']], ['p-spoke1-b1', 120, ['10.98.1.8/29']],
      ['p-spoke2-aks-app', 130, ['10.62.0.0/24', '10.62.1.0/28']], ['p-spoke2-a2', 140, ['10.98.2.0/29']], ['p-spoke2-b2', 150, ['10.98.2.8/29']],
      ['p-spoke3-aks-app', 160, ['10.63.0.0/24', '10.63.1.0/28']], ['p-spoke3-a3', 170, ['10.98.3.0/29']], ['p-spoke3-b3', 180, ['10.98.3.8/29']],
    ]);
    const net = groups.flatMap((g) => g.network_rule_collection ?? []).map((c: any) => [c.name, c.priority]);
    expect(net.sort((a: any, b: any) => a[1] - b[1])).toEqual([
      ['p-spoke1-aks-net', 100], ['p-spoke1-apiserver', 110], ['p-spoke2-aks-net', 120], ['p-spoke2-apiserver', 130],
      ['p-spoke3-aks-net', 140], ['p-spoke3-apiserver', 150]]);
  });

  test('cloud stack: Calico per spoke through helm providers aliased after the spokes; gateway nodes peer with the Route Server', () => {
    const json = synth(hubThreeSpokes(Testing.app()).cloud);
    expect(json.provider!.helm.map((p: any) => p.alias)).toEqual(['p-spoke1', 'p-spoke2', 'p-spoke3']);
    expect(resources(json, 'helm_release').map((r) => [r.name, r.provider])).toEqual([
      ['calico-crds', 'helm.p-spoke1'], ['calico', 'helm.p-spoke1'], ['calico-crds', 'helm.p-spoke2'], ['calico', 'helm.p-spoke2'],
      ['calico-crds', 'helm.p-spoke3'], ['calico', 'helm.p-spoke3']]);
    expect(resources(json, 'azurerm_route_server_bgp_connection').map((c) => [c.name, c.peer_ip, c.peer_asn])).toEqual([
      ['p-spoke1-egw-1', '10.61.1.4', 64512], ['p-spoke1-egw-2', '10.61.1.5', 64512],
      ['p-spoke2-egw-1', '10.62.1.4', 64512], ['p-spoke2-egw-2', '10.62.1.5', 64512],
      ['p-spoke3-egw-1', '10.63.1.4', 64512], ['p-spoke3-egw-2', '10.63.1.5', 64512]]);
    expect(resources(json, 'azurerm_kubernetes_cluster_node_pool').map((p) => [p.name, p.node_count, p.upgrade_settings, p.node_labels]))
      .toEqual([1, 2, 3].map(() => ['egw', 2, { max_surge: '0', max_unavailable: '1' }, { 'egress-gateway': 'true' }]));
  });

  test('cluster stack: spoke 1\'s objects, exact', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'hub-three-spokes-'));
    const app = new App({ outdir });
    hubThreeSpokes(app);
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks/hub-three-spokes-calico/cdk.tf.json'), 'utf8'));
    expect(json.provider.kubernetes.map((p: any) => p.alias)).toEqual(['p-spoke1', 'p-spoke2', 'p-spoke3']);
    expect(json.provider.kubernetes[0].host)
      .toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-hub-three-spokes\.outputs\.[^}]*spoke1_aks[^}]*host\}$/);
    const spoke1 = resources(json, 'kubernetes_manifest').filter((r) => r.provider === 'kubernetes.p-spoke1').map((r) => r.manifest);
    const get = (kind: string, name: string) => spoke1.find((m) => m.kind === kind && m.metadata.name === name);
    expect(spoke1.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'BGPConfiguration/default', 'BGPFilter/cloud-peer-egress', 'BGPPeer/azure-route-server-a', 'BGPPeer/azure-route-server-b',
      'EgressGateway/a1-egw', 'EgressGateway/b1-egw', 'FelixConfiguration/default', 'IPPool/a1-pool', 'IPPool/b1-pool',
      'Namespace/a1-egw', 'Namespace/b1-egw']);
    expect(get('BGPPeer', 'azure-route-server-a').spec).toEqual({
      peerIP: '10.60.1.4', asNumber: 65515, reachableBy: '10.61.1.1', nodeSelector: "egress-gateway == 'true'", filters: ['cloud-peer-egress'] });
    expect(get('BGPPeer', 'azure-route-server-b').spec.peerIP).toBe('10.60.1.5');
    expect(get('BGPConfiguration', 'default').spec).toEqual({ asNumber: 64512, logSeverityScreen: 'Info', nodeToNodeMeshEnabled: true });
    expect(get('IPPool', 'a1-pool').spec).toEqual({ cidr: '10.98.1.0/29', blockSize: 31, nodeSelector: '!all()', vxlanMode: 'Never' });
    expect(get('IPPool', 'b1-pool').spec).toEqual({ cidr: '10.98.1.8/29', blockSize: 31, nodeSelector: '!all()', vxlanMode: 'Never' });
    expect(get('EgressGateway', 'b1-egw')).toMatchObject({
      apiVersion: 'operator.tigera.io/v1', metadata: { name: 'b1-egw', namespace: 'b1-egw' },
      spec: { replicas: 2, ipPools: [{ name: 'b1-pool' }], template: { metadata: { labels: { tenant: 'b1-egw' } }, spec: { nodeSelector: { 'egress-gateway': 'true' } } } },
    });
    expect(get('BGPFilter', 'cloud-peer-egress').spec.exportV4.filter((r: any) => r.action === 'Accept')).toEqual([
      { action: 'Accept', matchOperator: 'In', cidr: '10.98.1.0/29' }, { action: 'Accept', matchOperator: 'In', cidr: '10.98.1.8/29' }]);
    expect(get('BGPFilter', 'cloud-peer-egress').spec.importV4).toEqual([{ action: 'Reject' }]);
    expect(get('FelixConfiguration', 'default').spec).toEqual({ egressIPSupport: 'EnabledPerNamespace' });
    expect(Object.keys(json.output).filter((o) => o.endsWith('_teardown'))).toEqual(['spoke1_calico_teardown', 'spoke2_calico_teardown', 'spoke3_calico_teardown']);
  });

  test('passes every security check at level error, both stacks', () => {
    const { cloud, cluster } = hubThreeSpokes(Testing.app());
    for (const stack of [cloud, cluster]) Aspects.of(stack).add(new SecurityChecks({ defaultLevel: 'error' }));
    expect(() => Testing.synth(cloud, true)).not.toThrow();
    expect(() => Testing.synth(cluster, true)).not.toThrow();
  });

  test('two synths are byte-identical', () => {
    expect(Testing.synth(hubThreeSpokes(Testing.app()).cloud)).toBe(Testing.synth(hubThreeSpokes(Testing.app()).cloud));
    expect(Testing.synth(hubThreeSpokes(Testing.app()).cluster)).toBe(Testing.synth(hubThreeSpokes(Testing.app()).cluster));
  });

  describe('the README\'s Patterns program', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('\n## Patterns (`lib/patterns`)\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const program = /\n```ts program\n([\s\S]*?)\n```\n/.exec(section)![1];

    test('is at most 40 lines of code', () => {
      const lines = program.split('\n').filter((l) => l.trim() !== '' && !/^\s*(\/\/|\/\*|\*)/.test(l));
      expect(lines.length).toBeLessThanOrEqual(40);
      expect(lines.length).toBe(25);
    });

    test('runs: two stacks, three aliased providers of each kind, 6 Route Server peers, 3 clusters\' objects', () => {
      // The program as a user runs it, its package subpaths mapped to this checkout's lib/.
      const js = ts.transpileModule(program, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      const load = (id: string) => require(id.startsWith('cdktf-kubernetes-egress/') ? join(__dirname, '../../lib', id.slice('cdktf-kubernetes-egress/'.length)) : id);
      const outdir = mkdtempSync(join(tmpdir(), 'readme-patterns-'));
      const before = process.env.CDKTF_OUTDIR;
      process.env.CDKTF_OUTDIR = outdir;
      try {
        new Function('require', 'exports', js)(load, {});
      } finally {
        if (before === undefined) delete process.env.CDKTF_OUTDIR; else process.env.CDKTF_OUTDIR = before;
      }
      expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['cloud', 'cluster']);
      const cloud = JSON.parse(readFileSync(join(outdir, 'stacks/cloud/cdk.tf.json'), 'utf8'));
      const cluster = JSON.parse(readFileSync(join(outdir, 'stacks/cluster/cdk.tf.json'), 'utf8'));
      expect(cloud.provider.helm.map((p: any) => p.alias)).toEqual(['spoke1', 'spoke2', 'spoke3']);
      expect(cluster.provider.kubernetes.map((p: any) => p.alias)).toEqual(['spoke1', 'spoke2', 'spoke3']);
      expect(resources(cloud, 'azurerm_route_server_bgp_connection').map((c) => c.peer_ip)).toEqual([
        '10.1.1.4', '10.1.1.5', '10.2.1.4', '10.2.1.5', '10.3.1.4', '10.3.1.5']);
      const peers = resources(cluster, 'kubernetes_manifest').filter((r) => r.manifest.kind === 'BGPPeer');
      expect(peers.map((r) => [r.provider, r.manifest.spec.peerIP, r.manifest.spec.reachableBy])).toEqual([
        ['kubernetes.spoke1', '10.0.1.4', '10.1.1.1'], ['kubernetes.spoke1', '10.0.1.5', '10.1.1.1'],
        ['kubernetes.spoke2', '10.0.1.4', '10.2.1.1'], ['kubernetes.spoke2', '10.0.1.5', '10.2.1.1'],
        ['kubernetes.spoke3', '10.0.1.4', '10.3.1.1'], ['kubernetes.spoke3', '10.0.1.5', '10.3.1.1']]);
      expect(resources(cluster, 'kubernetes_manifest').filter((r) => r.manifest.kind === 'IPPool').map((r) => r.manifest.spec.cidr).sort())
        .toEqual(['10.99.1.0/29', '10.99.1.8/29', '10.99.2.0/29', '10.99.2.8/29', '10.99.3.0/29', '10.99.3.8/29']);
    });
  });
});
