import { AksOutbound, FirewallRouteTable, VirtualNetwork } from '../../lib/azure';
import { address, azureStack, resource, synth } from '../helpers';
import { cluster, firewall, rg, vnet } from './outbound-fixtures';

describe('VirtualNetwork DNS servers as a resource of their own', () => {
  test('useFirewallDns points the VNet at the firewall\'s private IP, and the cluster in it waits for that', () => {
    const stack = azureStack();
    const net = vnet(stack);
    const fw = firewall(stack, net);
    net.useFirewallDns(fw);
    new FirewallRouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', firewall: fw, subnets: [net.subnet('nodes')] });
    cluster(stack, AksOutbound.userDefinedRouting(), { nodeSubnet: net.subnet('nodes') });
    const json = synth(stack);
    const fwAddress = address(json, 'azurerm_firewall', 'fw');
    const dnsId = Object.keys(json.resource!.azurerm_virtual_network_dns_servers);
    expect(dnsId).toHaveLength(1);
    expect(json.resource!.azurerm_virtual_network_dns_servers[dnsId[0]]).toEqual({
      virtual_network_id: `\${${address(json, 'azurerm_virtual_network', 'vnet')}.id}`,
      dns_servers: [`\${${fwAddress}.ip_configuration[0].private_ip_address}`],
    });
    // The VNet itself carries no DNS servers, so the firewall (in its subnet) does not close a cycle.
    expect(resource(json, 'azurerm_virtual_network', 'vnet').dns_servers).toBeUndefined();
    expect(resource(json, 'azurerm_kubernetes_cluster', 'aks').depends_on)
      .toContain(`azurerm_virtual_network_dns_servers.${dnsId[0]}`);
  });

  test('refuses a firewall without its DNS proxy', () => {
    const stack = azureStack();
    const net = vnet(stack);
    const fw = firewall(stack, net, { dnsProxyEnabled: false });
    expect(() => net.useFirewallDns(fw))
      .toThrow('test/vnet: dnsServers is "fw"; the firewall\'s DNS proxy is off; turn dnsProxyEnabled on to use it as DNS server');
  });

  test('refuses a second list, and a list beside dnsServers in the props', () => {
    const stack = azureStack();
    const net = vnet(stack);
    net.setDnsServers(['10.42.2.4']);
    expect(() => net.setDnsServers(['10.42.2.5']))
      .toThrow('test/vnet: dnsServers is "setDnsServers"; the DNS servers are set already; a VNet has one list of DNS servers');
    const other = new VirtualNetwork(stack, 'other', { resourceGroup: rg, name: 'other', addressSpace: ['10.50.0.0/16'], dnsServers: ['10.50.0.4'] });
    expect(() => other.setDnsServers(['10.50.0.5']))
      .toThrow('test/other: dnsServers is "setDnsServers"; the VNet has dnsServers in its props; set them in one place only');
    expect(() => new VirtualNetwork(stack, 'third', { resourceGroup: rg, name: 'third', addressSpace: ['10.60.0.0/16'] }).setDnsServers([]))
      .toThrow('test/third: dnsServers is []; name at least one DNS server');
  });
});
