import { AzureFirewall, ExistingAzureFirewall } from '../../lib/azure';
import { RuleCollections } from '../../lib/core';
import { azureStack, resource, resources, synth } from '../helpers';

const POLICY_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/firewallPolicies/hub-fw-policy';
const ntp = RuleCollections.network({ name: 'ntp', priority: 100, action: 'Allow', rules: [{ name: 'ntp', protocols: ['UDP'], sources: ['10.99.0.0/29'], destinationAddresses: ['*'], destinationPorts: [123] }] });
const web = RuleCollections.application({ name: 'web', priority: 100, action: 'Allow', rules: [{ name: 'tigera', sources: ['10.99.0.0/29'], targetFqdns: ['www.tigera.io'], protocols: [{ type: 'Https', port: 443 }] }] });

function existing(over: Record<string, unknown> = {}) {
  const stack = azureStack();
  const fw = AzureFirewall.fromAttributes(stack, 'hub-fw', {
    name: 'hub-fw', privateIp: '10.0.0.4', publicIps: ['20.1.2.3'], dnsProxyEnabled: true,
    firewallPolicyId: POLICY_ID, groupNamePrefix: 'team-a', groupPriorities: { network: 1200, application: 1300 }, ...over,
  });
  return { stack, fw };
}

describe('AzureFirewall.fromAttributes with an existing Firewall Policy', () => {
  test('adds rule collection groups to the policy and creates nothing else', () => {
    const { stack, fw } = existing({ ruleCollections: [ntp] });
    fw.addRuleCollection(web);
    const json = synth(stack);
    expect(resources(json, 'azurerm_firewall')).toEqual([]);
    expect(resources(json, 'azurerm_firewall_policy')).toEqual([]);
    expect(resources(json, 'azurerm_firewall_policy_rule_collection_group').map((g) => [g.name, g.priority, g.firewall_policy_id])).toEqual([
      ['team-a-application', 1300, POLICY_ID],
      ['team-a-network', 1200, POLICY_ID],
    ]);
    const network = resource(json, 'azurerm_firewall_policy_rule_collection_group', 'team-a-network');
    expect(network.network_rule_collection).toEqual([{
      name: 'ntp', priority: 100, action: 'Allow',
      rule: [{ name: 'ntp', protocols: ['UDP'], source_addresses: ['10.99.0.0/29'], destination_addresses: ['*'], destination_ports: ['123'] }],
    }]);
    // The firewall the policy belongs to is named in a Terraform comment, for the review report.
    const written = Object.values((stack.toTerraform() as any).resource.azurerm_firewall_policy_rule_collection_group) as any[];
    expect(written.find((g) => g.name === 'team-a-network')['//']['cdktf-kubernetes-egress']).toEqual({ existingFirewall: { name: 'hub-fw', privateIp: '10.0.0.4', publicIps: ['20.1.2.3'] } });
    expect(fw.privateIp).toBe('10.0.0.4');
    expect(fw.publicIps).toEqual(['20.1.2.3']);
    expect(fw.ruleCollections.map((c) => c.name)).toEqual(['ntp', 'web']);
    expect(ExistingAzureFirewall.isExistingAzureFirewall(fw)).toBe(true);
    expect(AzureFirewall.isAzureFirewall(fw)).toBe(false);
    expect(fw.egressDependables()).toHaveLength(2);
  });

  test('without a policy ID it stays the plain attributes it was', () => {
    const fw = AzureFirewall.fromAttributes({ name: 'hub-fw', privateIp: '10.0.0.4', publicIps: ['20.1.2.3'] });
    expect(fw).toEqual({ name: 'hub-fw', privateIp: '10.0.0.4', publicIps: ['20.1.2.3'], dnsProxyEnabled: false, egressDependables: expect.any(Function) });
  });

  test.each([
    [{ firewallPolicyId: '/subscriptions/s/resourceGroups/net-rg/providers/Microsoft.Network/azureFirewalls/hub-fw' },
      'test/hub-fw: firewallPolicyId is "/subscriptions/s/resourceGroups/net-rg/providers/Microsoft.Network/azureFirewalls/hub-fw"; '
      + 'expected a Firewall Policy ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/firewallPolicies/<name>'],
    [{ groupPriorities: undefined }, 'test/hub-fw: groupPriorities is missing; AzureFirewall.fromAttributes with a firewallPolicyId requires it'],
    [{ groupNamePrefix: 'team a' }, 'test/hub-fw: groupNamePrefix is "team a"'],
    [{ privateIp: '10.0.0.400' }, 'test/hub-fw: privateIp is "10.0.0.400"; expected the firewall\'s private IP address'],
  ])('rejects %j', (over, message) => {
    expect(() => existing(over)).toThrow(message);
  });

  test('a kind without a group priority, a clash and a bad priority are refused', () => {
    const { fw } = existing();
    expect(() => fw.addRuleCollection(RuleCollections.dnat({ name: 'in', priority: 100, rules: [
      { name: 'web', protocols: ['TCP'], destinationAddress: '20.1.2.3', destinationPorts: [80], translatedAddress: '10.1.0.100', translatedPort: 80 }] })))
      .toThrow('test/hub-fw: groupPriorities.dnat is missing; give the priority of the dnat rule collection group, one the policy\'s owners have left free');
    expect(() => existing({ groupPriorities: { network: 1200, application: 1200 } })).toThrow(
      'test/hub-fw: groupPriorities.application is 1200; groupPriorities.network has it already; each rule collection group needs its own priority');
    expect(() => existing({ groupPriorities: { network: 99 } })).toThrow('test/hub-fw: groupPriorities.network is 99; a rule collection group priority is 100 to 65000');
    fw.addRuleCollection(ntp);
    expect(() => fw.addRuleCollection(ntp)).toThrow('test/hub-fw: ruleCollections[].name is "ntp"; collection names must be unique across the firewall');
  });
});
