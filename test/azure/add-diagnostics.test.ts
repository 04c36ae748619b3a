import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DIAGNOSTIC_LOG_CATEGORIES, LogAnalyticsWorkspace, addDiagnostics } from '../../lib/azure';
import { address, resource, resourceGroup, resources, synthWith } from '../helpers';

function target(stack: TerraformStack) {
  const rg = resourceGroup(stack, 'securevnets');
  return { name: 'thing', id: '/subscriptions/1111/resourceGroups/securevnets/providers/Microsoft.Network/applicationGateways/thing', resourceGroup: rg, defaultLogCategories: DIAGNOSTIC_LOG_CATEGORIES.applicationGateway };
}

describe('addDiagnostics', () => {
  test('sends any resource\'s logs to a new workspace named after it', () => {
    const json = synthWith((stack) => { addDiagnostics(new Construct(stack, 'thing'), target(stack)); });
    const setting = resource(json, 'azurerm_monitor_diagnostic_setting', 'thing-settings');
    expect(setting.target_resource_id).toBe('/subscriptions/1111/resourceGroups/securevnets/providers/Microsoft.Network/applicationGateways/thing');
    expect(setting.log_analytics_workspace_id).toBe(`\${${address(json, 'azurerm_log_analytics_workspace', 'thing-log-analytics')}.id}`);
    expect(setting.enabled_log).toEqual(DIAGNOSTIC_LOG_CATEGORIES.applicationGateway.map((category) => ({ category })));
    expect(setting.enabled_metric).toEqual([{ category: 'AllMetrics' }]);
  });

  test('or to a workspace given, with the categories, groups and table type asked for', () => {
    const json = synthWith((stack) => {
      const t = target(stack);
      const ws = new LogAnalyticsWorkspace(stack, 'ws', { resourceGroup: t.resourceGroup, name: 'shared-logs' });
      addDiagnostics(new Construct(stack, 'thing'), t, {
        workspace: ws, settingName: 'to-shared', logCategories: [], logCategoryGroups: ['allLogs'], metricCategories: [], destinationType: 'Dedicated',
      });
    });
    expect(resources(json, 'azurerm_log_analytics_workspace').map((w) => w.name)).toEqual(['shared-logs']);
    const setting = resource(json, 'azurerm_monitor_diagnostic_setting', 'to-shared');
    expect([setting.enabled_log, setting.enabled_metric, setting.log_analytics_destination_type])
      .toEqual([[{ category_group: 'allLogs' }], [], 'Dedicated']);
  });

  test('a setting that sends nothing is refused', () => {
    synthWith((stack) => {
      expect(() => addDiagnostics(new Construct(stack, 'thing'), target(stack), { logCategories: [], metricCategories: [] })).toThrow(
        'test/thing/diagnostics: logCategories is []; a diagnostic setting sends at least one log or metric category');
    });
  });
});
