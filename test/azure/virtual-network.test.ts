import { HubSpokePeering, IHubGateway, RouteTable, VirtualNetwork } from '../../lib/azure';
import { address, azureStack, resource, resourceGroup, resources, synth } from '../helpers';

function vnet(subnets: { name: string; addressPrefix: string }[], addressSpace = ['10.0.0.0/22']) {
  const stack = azureStack();
  const rg = resourceGroup(stack, 'hub');
  const v = new VirtualNetwork(stack, 'hub-vnet', { resourceGroup: rg, name: 'hub-vnet', addressSpace, subnets });
  return { stack, rg, vnet: v };
}

describe('VirtualNetwork', () => {
  test('renders the VNet and each subnet as its own resource', () => {
    const { stack } = vnet([
      { name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' },
      { name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/24' },
    ]);
    const json = synth(stack);
    expect(resource(json, 'azurerm_virtual_network', 'hub-vnet')).toEqual({
      name: 'hub-vnet',
      address_space: ['10.0.0.0/22'],
      location: '${azurerm_resource_group.rg-hub.location}',
      resource_group_name: '${azurerm_resource_group.rg-hub.name}',
    });
    const fw = resource(json, 'azurerm_subnet', 'AzureFirewallSubnet');
    expect(fw.address_prefixes).toEqual(['10.0.0.0/24']);
    expect(fw.virtual_network_name).toBe(`\${${address(json, 'azurerm_virtual_network', 'hub-vnet')}.name}`);
    expect(resource(json, 'azurerm_subnet', 'RouteServerSubnet').address_prefixes).toEqual(['10.0.1.0/24']);
  });

  test('passes service endpoints and default outbound access through', () => {
    const { stack } = vnet([]);
    const v = new VirtualNetwork(stack, 'k8snet', {
      resourceGroup: resourceGroup(stack, 'spoke'), name: 'k8snet', addressSpace: ['10.1.0.0/16'],
      subnets: [{ name: 'aks-1-subnet', addressPrefix: '10.1.4.0/22', serviceEndpoints: ['Microsoft.Sql', 'Microsoft.Storage'], defaultOutboundAccessEnabled: false }],
    });
    expect(v.subnet('aks-1-subnet').usableAddressCount).toBe(1019);
    const s = resource(synth(stack), 'azurerm_subnet', 'aks-1-subnet');
    expect(s.service_endpoints).toEqual(['Microsoft.Sql', 'Microsoft.Storage']);
    expect(s.default_outbound_access_enabled).toBe(false);
  });

  test('subnets know their gateway and VM addresses', () => {
    const { vnet: v } = vnet([{ name: 'AKSSubnet', addressPrefix: '10.0.1.0/24' }]);
    const s = v.subnet('AKSSubnet');
    expect(s.gatewayIp).toBe('10.0.1.1');
    expect(s.vmIp(0)).toBe('10.0.1.4');
    expect(s.vmIp(1)).toBe('10.0.1.5');
    expect(s.usableAddressCount).toBe(251);
    expect(() => s.vmIp(251)).toThrow('test/hub-vnet/AKSSubnet: hostIp index is 251; AKSSubnet (10.0.1.0/24) has 251 VM addresses, index 0 to 250');
    // hostIp is the name both clouds share; vmIp stays as a deprecated alias.
    expect(s.hostIp(0)).toBe('10.0.1.4');
    expect(s.hostIp(250)).toBe('10.0.1.254');
    expect(() => s.hostIp(-1)).toThrow('test/hub-vnet/AKSSubnet: hostIp index is -1; AKSSubnet (10.0.1.0/24) has 251 VM addresses, index 0 to 250');
    expect(v.contains('10.0.3.7')).toBe(true);
    expect(v.contains('10.0.4.0')).toBe(false);
  });

  test.each([
    [[{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/27' }], ['10.0.0.0/22'],
      'test/hub-vnet: subnets[AzureFirewallSubnet].addressPrefix is "10.0.0.0/27"; Azure Firewall needs AzureFirewallSubnet to be /26 or larger'],
    [[{ name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/27' }], ['10.0.0.0/22'],
      'test/hub-vnet: subnets[RouteServerSubnet].addressPrefix is "10.0.1.0/27"; Azure Route Server needs RouteServerSubnet to be /26 or larger'],
    [[{ name: 'GatewaySubnet', addressPrefix: '10.0.1.0/28' }], ['10.0.0.0/22'], /a virtual network gateway needs GatewaySubnet to be \/27 or larger/],
    [[{ name: 'tiny', addressPrefix: '10.0.1.0/30' }], ['10.0.0.0/22'], /subnets\[tiny\].addressPrefix is "10.0.1.0\/30"; Azure subnets are \/29 or larger/],
    [[{ name: 'out', addressPrefix: '10.0.4.0/24' }], ['10.0.0.0/22'], "test/hub-vnet: subnets[out].addressPrefix is \"10.0.4.0/24\"; a subnet must lie inside the VNet's address space 10.0.0.0/22"],
    [[{ name: 'a', addressPrefix: '10.0.0.0/23' }, { name: 'b', addressPrefix: '10.0.1.0/24' }], ['10.0.0.0/22'],
      'test/hub-vnet: subnets[b].addressPrefix is "10.0.1.0/24"; it overlaps subnet a (10.0.0.0/23); subnets must not overlap'],
    [[{ name: 'a', addressPrefix: '10.0.0.0/24' }, { name: 'a', addressPrefix: '10.0.1.0/24' }], ['10.0.0.0/22'], /subnets\[a\].name is "a"; subnet names must be unique in a VNet/],
    [[{ name: 'a', addressPrefix: '10.0.0.1/24' }], ['10.0.0.0/22'], /subnets\[a\].addressPrefix is "10.0.0.1\/24"; host bits are set/],
    [[{ name: 'bad name', addressPrefix: '10.0.0.0/24' }], ['10.0.0.0/22'], /subnets\[bad name\].name is "bad name"; a subnet name is 1 to 80 letters/],
    [[], ['10.0.0.0/16', '10.0.128.0/17'], 'test/hub-vnet: addressSpace is "10.0.128.0/17"; it overlaps 10.0.0.0/16; address space blocks must not overlap'],
    [[], [], 'test/hub-vnet: addressSpace is []; a VNet needs at least one CIDR block'],
  ])('rejects bad subnets and address spaces (%#)', (subnets, space, message) => {
    expect(() => vnet(subnets, space)).toThrow(message);
  });

  test('VNet names follow the VNet rule: 2 to 64 characters', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack, 'hub');
    const long = 'v'.repeat(65);
    expect(() => new VirtualNetwork(stack, 'long', { resourceGroup: rg, name: long, addressSpace: ['10.0.0.0/22'] })).toThrow(
      `test/long: name is "${long}"; a VNet name is 2 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'`);
    expect(() => new VirtualNetwork(stack, 'one', { resourceGroup: rg, name: 'v', addressSpace: ['10.0.0.0/22'] })).toThrow(/test\/one: name is "v"; a VNet name is 2 to 64/);
    expect(new VirtualNetwork(stack, 'max', { resourceGroup: rg, name: 'v'.repeat(64), addressSpace: ['10.0.0.0/22'] }).name).toHaveLength(64);
  });

  test('DNS servers must be IP addresses', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack, 'hub');
    expect(() => new VirtualNetwork(stack, 'v', { resourceGroup: rg, name: 'v1', addressSpace: ['10.0.0.0/22'], dnsServers: ['10.0.0.4', 'dns.example.com'] })).toThrow(
      'test/v: dnsServers[1] is "dns.example.com"; expected an IP address such as 10.0.0.4');
    const ok = new VirtualNetwork(stack, 'ok', { resourceGroup: rg, name: 'v2', addressSpace: ['10.0.4.0/22'], dnsServers: ['10.0.0.4'] });
    expect(resource(synth(stack), 'azurerm_virtual_network', 'v2').dns_servers).toEqual(['10.0.0.4']);
    expect(ok.name).toBe('v2');
  });

  test('service endpoints must be ones Azure has', () => {
    expect(() => vnet([{ name: 'a', addressPrefix: '10.0.0.0/24', serviceEndpoints: ['Microsoft.Storage', 'Microsoft.Storag'] } as never])).toThrow(
      'test/hub-vnet: subnets[a].serviceEndpoints[1] is "Microsoft.Storag"; a service endpoint is allowed: "Microsoft.AzureActiveDirectory", ' +
      '"Microsoft.AzureCosmosDB", "Microsoft.CognitiveServices", "Microsoft.ContainerRegistry", "Microsoft.EventHub", "Microsoft.KeyVault", ' +
      '"Microsoft.ServiceBus", "Microsoft.Sql", "Microsoft.Storage", "Microsoft.Storage.Global", "Microsoft.Web"; did you mean "Microsoft.Storage"?');
    expect(() => vnet([{ name: 'a', addressPrefix: '10.0.0.0/24', serviceEndpoints: ['Microsoft.Sql', 'Microsoft.Sql'] } as never])).toThrow(
      'test/hub-vnet: subnets[a].serviceEndpoints[1] is "Microsoft.Sql"; it is listed twice');
    const { stack } = vnet([{ name: 'a', addressPrefix: '10.0.0.0/24', serviceEndpoints: ['Microsoft.KeyVault'] } as never]);
    expect(resource(synth(stack), 'azurerm_subnet', 'a').service_endpoints).toEqual(['Microsoft.KeyVault']);
  });

  test('subnet() names the subnets there are', () => {
    const { vnet: v } = vnet([{ name: 'AKSSubnet', addressPrefix: '10.0.1.0/24' }]);
    expect(() => v.subnet('aks')).toThrow('test/hub-vnet: subnet is "aks"; hub-vnet has subnets AKSSubnet');
  });
});

describe('HubSpokePeering', () => {
  function hubAndSpoke(spokeSpace = '10.1.0.0/22') {
    const stack = azureStack();
    const hub = new VirtualNetwork(stack, 'hub', { resourceGroup: resourceGroup(stack, 'hub'), name: 'hub-vnet', addressSpace: ['10.0.0.0/22'] });
    const spoke = new VirtualNetwork(stack, 'spoke', { resourceGroup: resourceGroup(stack, 'spoke'), name: 'spoke1-vnet', addressSpace: [spokeSpace] });
    return { stack, hub, spoke };
  }

  test('peers both ways with gateway transit on the hub and remote gateways on the spoke, after the gateway', () => {
    const { stack, hub, spoke } = hubAndSpoke();
    const gatewayResource = new VirtualNetwork(stack, 'stand-in', { resourceGroup: resourceGroup(stack, 'gw'), name: 'gw', addressSpace: ['10.200.0.0/24'] });
    const gateway: IHubGateway = { dependables: [gatewayResource.resource] };
    new HubSpokePeering(stack, 'peering', { hub, spoke, hubToSpokeName: 'HubToSpoke1', spokeToHubName: 'Spoke1ToHub', gateway });
    const json = synth(stack);
    const h2s = resource(json, 'azurerm_virtual_network_peering', 'HubToSpoke1');
    const s2h = resource(json, 'azurerm_virtual_network_peering', 'Spoke1ToHub');
    const gw = address(json, 'azurerm_virtual_network', 'gw');
    expect(h2s).toMatchObject({
      allow_virtual_network_access: true, allow_forwarded_traffic: true, allow_gateway_transit: true, use_remote_gateways: false,
      resource_group_name: '${azurerm_resource_group.rg-hub.name}',
      remote_virtual_network_id: `\${${address(json, 'azurerm_virtual_network', 'spoke1-vnet')}.id}`,
      depends_on: [gw],
    });
    expect(s2h).toMatchObject({
      allow_virtual_network_access: true, allow_forwarded_traffic: true, allow_gateway_transit: false, use_remote_gateways: true,
      resource_group_name: '${azurerm_resource_group.rg-spoke.name}',
      remote_virtual_network_id: `\${${address(json, 'azurerm_virtual_network', 'hub-vnet')}.id}`,
      // after the hub's side allows gateway transit, or Azure refuses use_remote_gateways
      depends_on: [gw, address(json, 'azurerm_virtual_network_peering', 'HubToSpoke1')],
    });
    expect(hub.peers).toEqual([spoke]);
    expect(spoke.peers).toEqual([hub]);
    expect(spoke.peeringDependables).toHaveLength(2);
  });

  test('without a gateway: no transit, default names, forwarded traffic can be turned off', () => {
    const { stack, hub, spoke } = hubAndSpoke();
    new HubSpokePeering(stack, 'peering', { hub, spoke, allowForwardedTraffic: false });
    const json = synth(stack);
    const h2s = resource(json, 'azurerm_virtual_network_peering', 'hub-vnet-to-spoke1-vnet');
    expect(h2s.allow_gateway_transit).toBe(false);
    expect(h2s.allow_forwarded_traffic).toBe(false);
    expect(h2s.depends_on).toBeUndefined();
    expect(resource(json, 'azurerm_virtual_network_peering', 'spoke1-vnet-to-hub-vnet').use_remote_gateways).toBe(false);
  });

  test('rejects overlapping address spaces', () => {
    const { stack, hub, spoke } = hubAndSpoke('10.0.2.0/24');
    expect(() => new HubSpokePeering(stack, 'peering', { hub, spoke })).toThrow(
      'test/peering: spoke.addressSpace is "10.0.2.0/24"; it overlaps 10.0.0.0/22 of hub hub-vnet; peered VNets need address spaces that do not overlap');
  });

  test('rejects remote gateways without a gateway to wait for', () => {
    const { stack, hub, spoke } = hubAndSpoke();
    expect(() => new HubSpokePeering(stack, 'peering', { hub, spoke, useRemoteGateways: true })).toThrow(
      "test/peering: gateway is missing; useRemoteGateways needs the hub's gateway (e.g. its RouteServer) so the peering can wait for it");
  });

  test('rejects peering a VNet with itself', () => {
    const { stack, hub } = hubAndSpoke();
    expect(() => new HubSpokePeering(stack, 'peering', { hub, spoke: hub })).toThrow(/a VNet cannot be peered with itself/);
  });
});

describe('VirtualNetwork.fromExisting', () => {
  function existingHub() {
    const stack = azureStack();
    const hub = VirtualNetwork.fromExisting(stack, 'hub', {
      resourceGroup: { name: 'corp-hub', location: 'eastus' }, name: 'corp-hub-vnet', addressSpace: ['10.0.0.0/22'],
      subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }, { name: 'shared', addressPrefix: '10.0.1.0/24' }],
    });
    return { stack, hub };
  }

  test('reads the VNet and its subnets with data sources and creates neither', () => {
    const { stack, hub } = existingHub();
    expect(hub.existing).toBe(true);
    expect(hub.subnet('shared').existing).toBe(true);
    expect(hub.subnet('shared').vmIp(0)).toBe('10.0.1.4');
    const json = synth(stack);
    expect(resources(json, 'azurerm_virtual_network')).toEqual([]);
    expect(resources(json, 'azurerm_subnet')).toEqual([]);
    expect(Object.values(json.data!.azurerm_virtual_network)).toEqual([{ name: 'corp-hub-vnet', resource_group_name: 'corp-hub' }]);
    expect(Object.values(json.data!.azurerm_subnet)).toEqual([
      { name: 'AzureFirewallSubnet', resource_group_name: 'corp-hub', virtual_network_name: 'corp-hub-vnet' },
      { name: 'shared', resource_group_name: 'corp-hub', virtual_network_name: 'corp-hub-vnet' },
    ]);
  });

  test('works wherever a new one does: peerings and route tables refer to the data sources, new subnets are created in it', () => {
    const { stack, hub } = existingHub();
    const spokeRg = resourceGroup(stack, 'spoke');
    const spoke = new VirtualNetwork(stack, 'spoke', { resourceGroup: spokeRg, name: 'spoke-vnet', addressSpace: ['10.1.0.0/22'] });
    new HubSpokePeering(stack, 'peering', { hub, spoke });
    const added = hub.addSubnet({ name: 'added', addressPrefix: '10.0.2.0/24' });
    expect(added.existing).toBe(false);
    new RouteTable(stack, 'rt', { resourceGroup: spokeRg, name: 'rt', subnets: [hub.subnet('shared')] });
    const json = synth(stack);
    const hubData = `data.azurerm_virtual_network.${Object.keys(json.data!.azurerm_virtual_network)[0]}`;
    expect(resource(json, 'azurerm_virtual_network_peering', 'corp-hub-vnet-to-spoke-vnet').virtual_network_name).toBe(`\${${hubData}.name}`);
    expect(resource(json, 'azurerm_virtual_network_peering', 'spoke-vnet-to-corp-hub-vnet').remote_virtual_network_id).toBe(`\${${hubData}.id}`);
    expect(resource(json, 'azurerm_subnet', 'added')).toMatchObject({ address_prefixes: ['10.0.2.0/24'], virtual_network_name: `\${${hubData}.name}` });
    const shared = Object.entries(json.data!.azurerm_subnet).find(([, d]) => d.name === 'shared')![0];
    expect(resources(json, 'azurerm_subnet_route_table_association')[0].subnet_id).toBe(`\${data.azurerm_subnet.${shared}.id}`);
  });

  test('checks the ranges it is given like those of a new VNet', () => {
    const stack = azureStack();
    expect(() => VirtualNetwork.fromExisting(stack, 'hub', {
      resourceGroup: { name: 'corp-hub', location: 'eastus' }, name: 'corp-hub-vnet', addressSpace: ['10.0.0.0/22'],
      subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/27' }],
    })).toThrow('test/hub: subnets[AzureFirewallSubnet].addressPrefix is "10.0.0.0/27"; Azure Firewall needs AzureFirewallSubnet to be /26 or larger');
  });
});
