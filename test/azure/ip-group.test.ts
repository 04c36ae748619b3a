import { AzureFirewall, FirewallRuleFormat, IpGroup } from '../../lib/azure';
import { Cidr, RuleCollections } from '../../lib/core';
import { address, azureStack, resource, synthWith } from '../helpers';
import { firewall, rg, vnet } from './outbound-fixtures';

const ntp = RuleCollections.network({
  name: 'time', priority: 100, action: 'Allow',
  rules: [{ name: 'ntp', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: [123] }],
});
const web = RuleCollections.application({
  name: 'web', priority: 100, action: 'Allow',
  rules: [{ name: 'ubuntu', targetFqdns: ['*.ubuntu.com'], protocols: [{ type: 'Https', port: 443 }] }],
});

describe('IpGroup', () => {
  test('holds node subnets and tenant ranges', () => {
    const json = synthWith((stack) => {
      const net = vnet(stack);
      new IpGroup(stack, 'nodes', { resourceGroup: rg, name: 'nodes-ipg', subnets: [net.subnet('nodes')], cidrs: [Cidr.parse('10.99.0.0/29'), '10.99.0.8/29'] });
    });
    expect(resource(json, 'azurerm_ip_group', 'nodes-ipg')).toEqual({
      name: 'nodes-ipg', resource_group_name: 'rg', location: 'westeurope', cidrs: ['10.42.1.0/24', '10.99.0.0/29', '10.99.0.8/29'],
    });
  });

  test('refuses an empty group, a bad range and a range listed twice', () => {
    const stack = azureStack();
    const net = vnet(stack);
    expect(() => new IpGroup(stack, 'a', { resourceGroup: rg, name: 'a' }))
      .toThrow('test/a: cidrs is []; an IP Group needs at least one range: name subnets or cidrs');
    expect(() => new IpGroup(stack, 'b', { resourceGroup: rg, name: 'b', cidrs: ['10.0.0.1/8'] }))
      .toThrow('test/b: cidrs[0] is "10.0.0.1/8"; host bits are set; the range starting there is 10.0.0.0/8');
    expect(() => new IpGroup(stack, 'c', { resourceGroup: rg, name: 'c', subnets: [net.subnet('nodes')], cidrs: ['10.42.1.0/24'] }))
      .toThrow('test/c: cidrs is "10.42.1.0/24"; it is listed twice (a subnet and a CIDR, or two subnets)');
  });
});

describe('IP Groups as rule sources', () => {
  test('classic network and application rules: source_ip_groups, no * source', () => {
    const json = synthWith((stack) => {
      const net = vnet(stack);
      const group = new IpGroup(stack, 'nodes', { resourceGroup: rg, name: 'nodes-ipg', subnets: [net.subnet('nodes')] });
      firewall(stack, net, { ruleCollections: [RuleCollections.fromIpGroups(ntp, [group.id]), RuleCollections.fromIpGroups(web, [group.id])] });
    });
    const groupId = `\${${address(json, 'azurerm_ip_group', 'nodes-ipg')}.id}`;
    expect(resource(json, 'azurerm_firewall_network_rule_collection', 'time').rule).toEqual([
      { name: 'ntp', protocols: ['UDP'], source_ip_groups: [groupId], destination_addresses: ['*'], destination_ports: ['123'] },
    ]);
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'web').rule).toEqual([
      { name: 'ubuntu', source_ip_groups: [groupId], target_fqdns: ['*.ubuntu.com'], protocol: [{ type: 'Https', port: 443 }] },
    ]);
  });

  test('Firewall Policy rules too, beside source addresses when both are given', () => {
    const json = synthWith((stack) => {
      const net = vnet(stack);
      const group = new IpGroup(stack, 'nodes', { resourceGroup: rg, name: 'nodes-ipg', subnets: [net.subnet('nodes')] });
      new AzureFirewall(stack, 'fw', {
        resourceGroup: rg, name: 'fw', subnet: net.subnet('AzureFirewallSubnet'), diagnostics: false, ruleFormat: FirewallRuleFormat.policy(),
        ruleCollections: [{ ...ntp, rules: [{ ...ntp.rules[0], sources: ['10.99.0.0/29'], sourceIpGroups: [group.id] }] }],
      });
    });
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'fw-policy-network').network_rule_collection[0].rule).toEqual([{
      name: 'ntp', protocols: ['UDP'], source_addresses: ['10.99.0.0/29'],
      source_ip_groups: [`\${${address(json, 'azurerm_ip_group', 'nodes-ipg')}.id}`], destination_addresses: ['*'], destination_ports: ['123'],
    }]);
  });

  test('a literal that is not an IP Group ID is refused', () => {
    const stack = azureStack();
    expect(() => firewall(stack, vnet(stack), { ruleCollections: [RuleCollections.fromIpGroups(ntp, ['nodes-ipg'])] })).toThrow(
      'test/fw: ruleCollections[time].rules[0].sourceIpGroups[0] is "nodes-ipg"; an IP Group ID (IpGroup.id): '
      + '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/ipGroups/<name>');
  });
});
