import { FirewallRuleFormat } from '../../lib/azure';
import { EgressHub, EgressHubProps } from '../../lib/patterns';
import { address, azureStack, resource, resources, synth } from '../helpers';

function hub(props?: EgressHubProps) {
  const stack = azureStack();
  const h = new EgressHub(stack, 'hub', props);
  return { stack, hub: h };
}

describe('EgressHub', () => {
  test('defaults: resource group, VNet with AzureFirewallSubnet only, Standard firewall with a policy and DNS proxy, no Route Server', () => {
    const { stack, hub: h } = hub();
    const json = synth(stack);
    expect(resource(json, 'azurerm_resource_group', 'hub-rg')).toEqual({ name: 'hub-rg', location: 'eastus' });
    expect(resource(json, 'azurerm_virtual_network', 'hub-vnet')).toMatchObject({ name: 'hub-vnet', address_space: ['10.0.0.0/22'] });
    expect(resources(json, 'azurerm_subnet').map((s) => [s.name, s.address_prefixes])).toEqual([['AzureFirewallSubnet', ['10.0.0.0/24']]]);
    expect(resource(json, 'azurerm_firewall', 'hub-fw')).toMatchObject({
      name: 'hub-fw', sku_tier: 'Standard',
      firewall_policy_id: `\${${address(json, 'azurerm_firewall_policy', 'hub-fw-policy')}.id}`,
    });
    expect(resource(json, 'azurerm_firewall_policy', 'hub-fw-policy')).toMatchObject({ dns: { proxy_enabled: true } });
    expect(resources(json, 'azurerm_route_server')).toEqual([]);
    expect(h.routeServer).toBeUndefined();
    expect(h.firewall.dnsProxyEnabled).toBe(true);
  });

  test('a Route Server in RouteServerSubnet when asked, and classic rules', () => {
    const { stack, hub: h } = hub({ name: 'core', location: 'westeurope', routeServer: {}, ruleFormat: FirewallRuleFormat.classic() });
    const json = synth(stack);
    expect(resources(json, 'azurerm_subnet').map((s) => [s.name, s.address_prefixes])).toEqual([
      ['AzureFirewallSubnet', ['10.0.0.0/24']], ['RouteServerSubnet', ['10.0.1.0/24']]]);
    expect(resource(json, 'azurerm_route_server', 'core-rs')).toMatchObject({
      name: 'core-rs', branch_to_branch_traffic_enabled: false,
      subnet_id: `\${${address(json, 'azurerm_subnet', 'RouteServerSubnet')}.id}`,
    });
    expect(resources(json, 'azurerm_firewall_policy')).toEqual([]);
    expect(resource(json, 'azurerm_firewall', 'core-fw')).toMatchObject({ dns_proxy_enabled: true });
    expect(resource(json, 'azurerm_resource_group', 'core-rg')).toEqual({ name: 'core-rg', location: 'westeurope' });
    expect(h.routeServer?.routerIps).toEqual(['10.0.1.4', '10.0.1.5']);
  });

  test('allots priorities per kind, one step apart', () => {
    const { hub: h } = hub({ firstPriority: 200, priorityStep: 5 });
    expect([h.nextPriority('network'), h.nextPriority('network'), h.nextPriority('application'), h.nextPriority('dnat'), h.nextPriority('network')])
      .toEqual([200, 205, 200, 200, 210]);
  });

  test('refuses an unknown kind and running past 65000', () => {
    const { hub: h } = hub({ firstPriority: 65000 });
    expect(() => h.nextPriority('nat' as any)).toThrow(/^test\/hub: nextPriority\.kind is "nat"; /);
    expect(h.nextPriority('dnat')).toBe(65000);
    expect(() => h.nextPriority('dnat')).toThrow('test/hub: nextPriority(dnat) is 65010; rule collection priorities end at 65000; lower priorityStep');
  });

  test('refuses bad props, also from JavaScript', () => {
    expect(() => hub({ firstPriority: 50 })).toThrow(/^test\/hub: firstPriority is 50; /);
    expect(() => hub({ skuTier: 'Basic' as any })).toThrow(/^test\/hub: skuTier is "Basic"; /);
    expect(() => hub('x' as any)).toThrow('test/hub: props is "x"; an object of EgressHubProps');
  });

  test('a location that is no Azure region fails at the hub, with its path, not later in a spoke\'s rule preset', () => {
    expect(() => hub({ location: 'east-us' })).toThrow('test/hub: location is "east-us"; expected an Azure region such as eastus or West Europe');
    expect(() => hub({ location: 'West Europe' })).not.toThrow();
  });
});
