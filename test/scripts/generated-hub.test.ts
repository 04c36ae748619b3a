import { App, Testing } from 'cdktf';
import { buildGeneratedHub, GENERATED_HUB_MAX_SPOKES } from '../../scripts/generated-hub';
import { TfJson, resource, resources } from '../helpers';

describe('the benchmark\'s generated hub', () => {
  test('builds a cloud stack and one cluster stack per spoke, with two tenants each that the firewall names', () => {
    const app = Testing.app() as App;
    buildGeneratedHub(app, 3);
    expect(app.node.children.map((c) => c.node.id)).toEqual([
      'generated-hub-3', 'generated-hub-3-spoke1', 'generated-hub-3-spoke2', 'generated-hub-3-spoke3']);
    const cloud: TfJson = JSON.parse(Testing.synth(app.node.findChild('generated-hub-3') as any, true));
    expect(resources(cloud, 'azurerm_kubernetes_cluster').map((c) => c.name)).toEqual(['gen-spoke1-aks', 'gen-spoke2-aks', 'gen-spoke3-aks']);
    expect(resources(cloud, 'azurerm_virtual_network_peering')).toHaveLength(6);
    const app3 = resource(cloud, 'azurerm_firewall_policy_rule_collection_group', 'gen-hub-fw-policy-application');
    expect(app3.application_rule_collection.map((c: any) => [c.name, c.priority, c.rule.map((r: any) => r.source_addresses[0])])).toEqual([
      ['aks', 100, ['*']],
      ['spoke1-tenants', 1001, ['10.250.0.0/29', '10.250.0.8/29']],
      ['spoke2-tenants', 1002, ['10.250.0.16/29', '10.250.0.24/29']],
      ['spoke3-tenants', 1003, ['10.250.0.32/29', '10.250.0.40/29']],
    ]);
    const spoke2: TfJson = JSON.parse(Testing.synth(app.node.findChild('generated-hub-3-spoke2') as any, true));
    const pools = resources(spoke2, 'kubernetes_manifest').filter((m) => m.manifest.kind === 'IPPool').map((m) => m.manifest.spec.cidr);
    expect(pools).toEqual(['10.250.0.16/29', '10.250.0.24/29']);
  });

  test('refuses spoke counts its address plan cannot hold', () => {
    expect(() => buildGeneratedHub(Testing.app() as App, 0)).toThrow(`a generated hub has 1 to ${GENERATED_HUB_MAX_SPOKES} spokes, got 0`);
    expect(() => buildGeneratedHub(Testing.app() as App, 200)).toThrow(/got 200/);
  });
});
