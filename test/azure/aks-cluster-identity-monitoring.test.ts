import { TerraformOutput } from 'cdktf';
import { LogAnalyticsWorkspace } from '../../lib/azure';
import { address, azureStack, resource, resources, synthWith } from '../helpers';
import { cluster, spoke } from './fixtures';

describe('AksCluster: workload identity, container insights, node resource group', () => {
  test('workload identity turns on the OIDC issuer and Workload ID, and exposes the issuer URL', () => {
    const json = synthWith((stack) => {
      const aks = cluster(stack, spoke(stack), { nodeResourceGroupName: 'securek8s_secureaks1_nodes_westeurope' });
      new TerraformOutput(stack, 'issuer', { value: aks.oidcIssuerUrl });
    });
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'secureaks1');
    expect([aks.oidc_issuer_enabled, aks.workload_identity_enabled, aks.node_resource_group])
      .toEqual([true, true, 'securek8s_secureaks1_nodes_westeurope']);
    expect(json.output!.issuer.value).toBe(`\${${address(json, 'azurerm_kubernetes_cluster', 'secureaks1')}.oidc_issuer_url}`);
  });

  test('without it the cluster sets neither, and asking for the issuer URL is an error', () => {
    const stack = azureStack();
    const aks = cluster(stack, spoke(stack), { workloadIdentity: false });
    expect(() => aks.oidcIssuerUrl).toThrow(
      'test/aks: workloadIdentity is false; the OIDC issuer URL exists only with workloadIdentity: true (OIDC issuer and Workload ID on)');
    const json = synthWith((s) => { cluster(s, spoke(s), { workloadIdentity: false }); });
    const tf = resource(json, 'azurerm_kubernetes_cluster', 'secureaks1');
    expect([tf.oidc_issuer_enabled, tf.workload_identity_enabled, tf.oms_agent, tf.node_resource_group])
      .toEqual([undefined, undefined, undefined, undefined]);
  });

  test('container insights: the agent with managed-identity auth, and a data collection rule to the workspace', () => {
    const json = synthWith((stack) => {
      const s = spoke(stack);
      const ws = new LogAnalyticsWorkspace(stack, 'ws', { resourceGroup: s.rg, name: 'secureaks1' });
      cluster(stack, s, { containerInsights: { workspace: ws, dataCollectionRuleName: 'MSCI-westeurope-secureaks1' } });
    });
    const workspace = `\${${address(json, 'azurerm_log_analytics_workspace', 'secureaks1')}.id}`;
    expect(resource(json, 'azurerm_kubernetes_cluster', 'secureaks1').oms_agent).toEqual({
      log_analytics_workspace_id: workspace, msi_auth_for_monitoring_enabled: true,
    });
    const rule = resource(json, 'azurerm_monitor_data_collection_rule', 'MSCI-westeurope-secureaks1');
    expect(rule.kind).toBe('Linux');
    expect(rule.destinations).toEqual({ log_analytics: [{ name: 'ciworkspace', workspace_resource_id: workspace }] });
    expect(rule.data_flow).toEqual([{ streams: ['Microsoft-ContainerInsights-Group-Default'], destinations: ['ciworkspace'] }]);
    expect(rule.data_sources.extension).toEqual([{
      name: 'ContainerInsightsExtension',
      extension_name: 'ContainerInsights',
      streams: ['Microsoft-ContainerInsights-Group-Default'],
      extension_json: '{"dataCollectionSettings":{"interval":"1m","namespaceFilteringMode":"Off","enableContainerLogV2":true}}',
    }]);
    expect(resource(json, 'azurerm_monitor_data_collection_rule_association', 'ContainerInsightsExtension')).toEqual(expect.objectContaining({
      target_resource_id: `\${${address(json, 'azurerm_kubernetes_cluster', 'secureaks1')}.id}`,
      data_collection_rule_id: `\${${address(json, 'azurerm_monitor_data_collection_rule', 'MSCI-westeurope-secureaks1')}.id}`,
    }));
  });

  test('the rule\'s name is checked, and defaults to the CLI\'s MSCI-<location>-<cluster>', () => {
    const stack = azureStack();
    const s = spoke(stack);
    const ws = new LogAnalyticsWorkspace(stack, 'ws', { resourceGroup: s.rg, name: 'secureaks1' });
    expect(() => cluster(stack, s, { containerInsights: { workspace: ws, dataCollectionRuleName: 'x' } })).toThrow(
      'test/aks/container-insights: dataCollectionRuleName is "x"; a data collection rule name is 3 to 64 letters, digits, \'_\', \'.\' or \'-\', starting with a letter or digit');
    const json = synthWith((st) => {
      const sp = spoke(st);
      cluster(st, sp, { containerInsights: { workspace: new LogAnalyticsWorkspace(st, 'ws', { resourceGroup: sp.rg, name: 'secureaks1' }) } });
    });
    expect(resources(json, 'azurerm_monitor_data_collection_rule').map((r) => r.name))
      .toEqual([`MSCI-\${${address(json, 'azurerm_resource_group', 'spoke')}.location}-secureaks1`]);
  });

  test('the generated rule name is checked with the location the resource group was given', () => {
    const stack = azureStack();
    const s = spoke(stack);
    const ws = new LogAnalyticsWorkspace(stack, 'ws', { resourceGroup: s.rg, name: 'secureaks1' });
    const long = 'a'.repeat(60);
    expect(() => cluster(stack, s, { name: long, dnsPrefix: 'short', containerInsights: { workspace: ws } })).toThrow(
      `test/aks/container-insights: dataCollectionRuleName (generated) is "MSCI-eastus-${long}"; a data collection rule name is 3 to 64 letters, ` +
      "digits, '_', '.' or '-', starting with a letter or digit; this one is 72: pass containerInsights.dataCollectionRuleName");
  });

  test('the node resource group name is checked', () => {
    const stack = azureStack();
    expect(() => cluster(stack, spoke(stack), { nodeResourceGroupName: 'nodes.' })).toThrow(
      'test/aks: nodeResourceGroupName is "nodes."; a resource group name is 1 to 80 letters, digits, \'_\', \'-\', \'.\', \'(\' or \')\', not ending with \'.\'');
  });
});
