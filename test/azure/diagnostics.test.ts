import { DiagnosticSettings, LogAnalyticsWorkspace } from '../../lib/azure';
import { address, azureStack, resource, resourceGroup, synth } from '../helpers';

describe('LogAnalyticsWorkspace and DiagnosticSettings', () => {
  test('send any resource\'s logs and metrics to a workspace', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack, 'ops');
    const ws = new LogAnalyticsWorkspace(stack, 'ws', { resourceGroup: rg, name: 'ops-logs', retentionInDays: 90, sku: 'PerGB2018' });
    new DiagnosticSettings(stack, 'diag', {
      name: 'to-ops', targetResourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/applicationGateways/z', workspace: ws,
      logCategoryGroups: ['allLogs'], metricCategories: [], destinationType: 'Dedicated',
    });
    const json = synth(stack);
    expect(resource(json, 'azurerm_log_analytics_workspace', 'ops-logs')).toEqual({
      name: 'ops-logs', sku: 'PerGB2018', retention_in_days: 90,
      location: '${azurerm_resource_group.rg-ops.location}', resource_group_name: '${azurerm_resource_group.rg-ops.name}',
    });
    expect(resource(json, 'azurerm_monitor_diagnostic_setting', 'to-ops')).toEqual({
      name: 'to-ops', target_resource_id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/applicationGateways/z',
      log_analytics_workspace_id: `\${${address(json, 'azurerm_log_analytics_workspace', 'ops-logs')}.id}`,
      log_analytics_destination_type: 'Dedicated',
      enabled_log: [{ category_group: 'allLogs' }],
      enabled_metric: [],
    });
  });

  test('rejects bad names, retention and empty settings', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack, 'ops');
    expect(() => new LogAnalyticsWorkspace(stack, 'a', { resourceGroup: rg, name: 'ws' })).toThrow(
      "test/a: name is \"ws\"; a workspace name is 4 to 63 letters, digits or '-', starting and ending with a letter or digit");
    expect(() => new LogAnalyticsWorkspace(stack, 'b', { resourceGroup: rg, name: 'good-name', retentionInDays: 7 })).toThrow(
      'test/b: retentionInDays is 7; Log Analytics keeps data for 30 to 730 days');
    expect(() => new DiagnosticSettings(stack, 'c', { name: 'x', targetResourceId: 'id', workspace: { id: 'w', name: 'w' }, metricCategories: [] })).toThrow(
      'test/c: logCategories is []; a diagnostic setting sends at least one log or metric category');
  });
});
