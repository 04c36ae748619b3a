import { TerraformStack } from 'cdktf';
import { AzureFirewall, FirewallRouteTable, NextHop, RouteTable, VirtualNetwork } from '../../lib/azure';
import { address, azureStack, resource, resourceGroup, resources, synth } from '../helpers';

function network(stack: TerraformStack) {
  const rg = resourceGroup(stack, 'net');
  const vnet = new VirtualNetwork(stack, 'vnet', {
    resourceGroup: rg, name: 'vnet', addressSpace: ['10.0.0.0/16'],
    subnets: [
      { name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' },
      { name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/24' },
      { name: 'aks', addressPrefix: '10.0.2.0/24' },
      { name: 'aks2', addressPrefix: '10.0.3.0/24' },
    ],
  });
  return { rg, vnet };
}

describe('RouteTable', () => {
  test('routes and associations are separate resources', () => {
    const stack = azureStack();
    const { rg, vnet } = network(stack);
    const rt = new RouteTable(stack, 'rt', {
      resourceGroup: rg, name: 'rt', bgpRoutePropagationEnabled: false,
      routes: [{ name: 'to-nva', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.0.0.4') },
        { name: 'drop', addressPrefix: '192.168.0.0/16', nextHop: NextHop.none() }],
      subnets: [vnet.subnet('aks')],
    });
    const json = synth(stack);
    const table = address(json, 'azurerm_route_table', 'rt');
    expect(resource(json, 'azurerm_route_table', 'rt')).toEqual({
      name: 'rt', location: '${azurerm_resource_group.rg-net.location}', resource_group_name: '${azurerm_resource_group.rg-net.name}',
      bgp_route_propagation_enabled: false,
    });
    expect(resource(json, 'azurerm_route', 'to-nva')).toEqual({
      name: 'to-nva', resource_group_name: '${azurerm_resource_group.rg-net.name}', route_table_name: `\${${table}.name}`,
      address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance', next_hop_in_ip_address: '10.0.0.4',
    });
    expect(resource(json, 'azurerm_route', 'drop')).toMatchObject({ next_hop_type: 'None' });
    expect(resources(json, 'azurerm_subnet_route_table_association')).toEqual([{
      subnet_id: `\${${address(json, 'azurerm_subnet', 'aks')}.id}`, route_table_id: `\${${table}.id}`,
    }]);
    expect(vnet.subnet('aks').routeTable).toBe(rt);
    expect(rt.defaultRouteNextHopType()).toBe('VirtualAppliance');
    expect(rt.dependables).toHaveLength(4);
  });

  test.each([
    [{ name: 'r', addressPrefix: '0.0.0.0/0', nextHop: { type: 'VirtualAppliance' as const } },
      "test/rt: routes[r].nextHop.ip is missing; a VirtualAppliance next hop needs the appliance's private IP"],
    [{ name: 'r', addressPrefix: '0.0.0.0/0', nextHop: { type: 'VirtualAppliance' as const, ip: 'fw' } }, /routes\[r\].nextHop.ip is "fw"/],
    [{ name: 'r', addressPrefix: '0.0.0.0/0', nextHop: { type: 'Internet' as const, ip: '10.0.0.4' } },
      'test/rt: routes[r].nextHop.ip is "10.0.0.4"; only a VirtualAppliance next hop takes an IP, not Internet'],
    [{ name: 'r', addressPrefix: '10.0.0.1/24', nextHop: NextHop.internet() }, /routes\[r\].addressPrefix is "10.0.0.1\/24"; host bits are set/],
  ])('rejects bad routes (%#)', (route, message) => {
    const stack = azureStack();
    const { rg } = network(stack);
    expect(() => new RouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', routes: [route] })).toThrow(message);
  });

  test('rejects duplicate names and prefixes', () => {
    const stack = azureStack();
    const { rg } = network(stack);
    const rt = new RouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', routes: [{ name: 'a', addressPrefix: '10.9.0.0/16', nextHop: NextHop.none() }] });
    expect(() => rt.addRoute({ name: 'a', addressPrefix: '10.8.0.0/16', nextHop: NextHop.none() })).toThrow('test/rt: routes[a].name is "a"; route names must be unique in a table');
    expect(() => rt.addRoute({ name: 'b', addressPrefix: '10.9.0.0/16', nextHop: NextHop.internet() })).toThrow(
      'test/rt: routes[b].addressPrefix is "10.9.0.0/16"; route a already covers 10.9.0.0/16; each prefix takes one route');
  });

  test('a subnet takes one route table, and RouteServerSubnet none', () => {
    const stack = azureStack();
    const { rg, vnet } = network(stack);
    const a = new RouteTable(stack, 'a', { resourceGroup: rg, name: 'a', subnets: [vnet.subnet('aks')] });
    const b = new RouteTable(stack, 'b', { resourceGroup: rg, name: 'b' });
    expect(() => b.associate(vnet.subnet('aks'))).toThrow('test/vnet/aks: routeTable is "b"; subnet aks already has route table a; a subnet takes at most one');
    expect(() => a.associate(vnet.subnet('RouteServerSubnet'))).toThrow(
      'test/a: subnets is "RouteServerSubnet"; Azure Route Server does not support a route table on RouteServerSubnet');
  });

  test('associating a subnet twice is a ValidationError, and equally named subnets of two VNets are both tracked', () => {
    const stack = azureStack();
    const { rg, vnet } = network(stack);
    const other = new VirtualNetwork(stack, 'vnet2', { resourceGroup: rg, name: 'vnet2', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'aks', addressPrefix: '10.1.2.0/24' }] });
    const rt = new RouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', subnets: [vnet.subnet('aks'), other.subnet('aks')] });
    expect(Object.keys(rt.associations)).toEqual(['vnet/aks', 'vnet2/aks']);
    expect(rt.dependables).toHaveLength(3);
    expect(() => rt.associate(vnet.subnet('aks'))).toThrow('test/vnet/aks: routeTable is "rt"; subnet aks already has route table rt; a subnet takes at most one');
  });

  test('a table on AzureFirewallSubnet must send 0.0.0.0/0 to Internet', () => {
    const stack = azureStack();
    const { rg, vnet } = network(stack);
    new RouteTable(stack, 'fw-rt', {
      resourceGroup: rg, name: 'fw-rt', subnets: [vnet.subnet('AzureFirewallSubnet')],
      routes: [{ name: 'default', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.0.0.4') }],
    });
    expect(() => synth(stack)).toThrow(
      'test/fw-rt: routes[0.0.0.0/0].nextHop is "VirtualAppliance"; a route table on AzureFirewallSubnet must send 0.0.0.0/0 to Internet, or the firewall loses its own way out');
  });
});

describe('FirewallRouteTable', () => {
  function build(props: { firewallPublicIpRoute?: boolean | string; publicIpCount?: number } = {}) {
    const stack = azureStack();
    const { rg, vnet } = network(stack);
    const firewall = new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: vnet.subnet('AzureFirewallSubnet'), publicIpCount: props.publicIpCount });
    const rt = new FirewallRouteTable(stack, 'rt', {
      resourceGroup: rg, name: 'spoke_1-fw-rt', firewall, defaultRouteName: 'hub-fw-r',
      firewallPublicIpRoute: props.firewallPublicIpRoute, subnets: [vnet.subnet('aks'), vnet.subnet('aks2')],
    });
    return { stack, rt, json: synth(stack) };
  }

  test('sends 0.0.0.0/0 to the firewall private IP by reference and protects every subnet given', () => {
    const { json, rt } = build();
    expect(resource(json, 'azurerm_route', 'hub-fw-r')).toMatchObject({
      address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance',
      next_hop_in_ip_address: `\${${address(json, 'azurerm_firewall', 'fw')}.ip_configuration[0].private_ip_address}`,
    });
    expect(resources(json, 'azurerm_route')).toHaveLength(1);
    expect(resources(json, 'azurerm_subnet_route_table_association')).toHaveLength(2);
    expect(rt.firewall.name).toBe('fw');
  });

  test('optionally sends the firewall public IPs to Internet', () => {
    const { json } = build({ firewallPublicIpRoute: 'fw-internet', publicIpCount: 2 });
    expect(resource(json, 'azurerm_route', 'fw-internet')).toMatchObject({
      address_prefix: `\${${address(json, 'azurerm_public_ip', 'fw-ip-1')}.ip_address}/32`, next_hop_type: 'Internet',
    });
    expect(resource(json, 'azurerm_route', 'fw-internet-2').address_prefix).toBe(`\${${address(json, 'azurerm_public_ip', 'fw-ip-2')}.ip_address}/32`);
    expect(resource(json, 'azurerm_route', 'fw-internet-2').next_hop_in_ip_address).toBeUndefined();
    const { json: j2 } = build({ firewallPublicIpRoute: true });
    expect(resource(j2, 'azurerm_route', 'firewall-public-ip-to-internet').next_hop_type).toBe('Internet');
  });
});
