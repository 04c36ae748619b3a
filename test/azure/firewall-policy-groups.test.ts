import { AzureFirewall, FirewallRuleFormat, VirtualNetwork } from '../../lib/azure';
import { RuleCollections } from '../../lib/core';
import { address, resource, resourceGroup, resources, synthWith } from '../helpers';

describe('AzureFirewall with a Firewall Policy', () => {
  test('puts collections in one group per kind, named after the policy, so priorities repeat across kinds', () => {
    const json = synthWith((stack) => {
      const rg = resourceGroup(stack, 'securevnets');
      const hub = new VirtualNetwork(stack, 'hub', {
        resourceGroup: rg, name: 'hubnet', addressSpace: ['10.0.0.0/22'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' }],
      });
      new AzureFirewall(stack, 'fw', {
        resourceGroup: rg, name: 'dzk8sfw1', subnet: hub.subnet('AzureFirewallSubnet'), ruleFormat: FirewallRuleFormat.policy(), diagnostics: false,
        ruleCollections: [
          RuleCollections.network({ name: 'time', priority: 101, action: 'Allow', rules: [{ name: 'ntp', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: [123] }] }),
          RuleCollections.application({ name: 'aksfwar', priority: 101, action: 'Allow', rules: [{ name: 'fqdn', fqdnTags: ['AzureKubernetesService'] }] }),
        ],
      });
    });
    const policy = `\${${address(json, 'azurerm_firewall_policy', 'dzk8sfw1-policy')}.id}`;
    expect(resources(json, 'azurerm_firewall_policy_rule_collection_group').map((g) => [g.name, g.priority, g.firewall_policy_id])).toEqual([
      ['dzk8sfw1-policy-application', 300, policy],
      ['dzk8sfw1-policy-network', 200, policy],
    ]);
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-policy-network').network_rule_collection[0].priority).toBe(101);
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-policy-application').application_rule_collection[0].priority).toBe(101);
  });
});
