import { EgressTenant } from '../../lib/calico';
import { EgressHub, EgressSpoke } from '../../lib/patterns';
import { address, azureStack, resource, resources, synth } from '../helpers';

function build() {
  const stack = azureStack();
  const hub = new EgressHub(stack, 'hub', { routeServer: {} });
  const spokes = [1, 2].map((i) => new EgressSpoke(stack, `spoke${i}`, {
    hub, name: `spoke${i}`, addressSpace: `10.${i}.0.0/22`,
    tenants: [0, 1].map((t) => ({
      tenant: new EgressTenant({ name: `t${t}`, egressCidr: `10.99.${i}.${t * 8}/29` }), allowFqdns: ['www.tigera.io'],
    })),
  }));
  return { stack, hub, spokes };
}

describe('EgressSpoke', () => {
  test('peers with the hub, routes 0.0.0.0/0 to the firewall, AKS with UDR', () => {
    const { stack, spokes } = build();
    const json = synth(stack);
    expect(resource(json, 'azurerm_virtual_network', 'spoke1-vnet')).toMatchObject({ address_space: ['10.1.0.0/22'] });
    expect(resource(json, 'azurerm_kubernetes_cluster', 'spoke2-aks')).toMatchObject({
      network_profile: { network_plugin: 'none', outbound_type: 'userDefinedRouting', service_cidr: '10.9.0.0/24', dns_service_ip: '10.9.0.10' },
    });
    expect(String(spokes[1].cluster.podCidr)).toBe('10.244.0.0/16');
    const fwIp = `\${${address(json, 'azurerm_firewall', 'hub-fw')}.ip_configuration[0].private_ip_address}`;
    expect(resources(json, 'azurerm_route').filter((r) => r.address_prefix === '0.0.0.0/0')
      .map((r) => [r.route_table_name, r.next_hop_type, r.next_hop_in_ip_address])).toEqual([
      [`\${${address(json, 'azurerm_route_table', 'spoke1-fw-rt')}.name}`, 'VirtualAppliance', fwIp],
      [`\${${address(json, 'azurerm_route_table', 'spoke2-fw-rt')}.name}`, 'VirtualAppliance', fwIp]]);
    expect(resources(json, 'azurerm_virtual_network_peering').map((p) => p.name).sort())
      .toEqual(['hub-to-spoke1', 'hub-to-spoke2', 'spoke1-to-hub', 'spoke2-to-hub']);
  });

  test('allots priorities from the hub and sources tenant rules from the tenant range', () => {
    const { stack } = build();
    const json = synth(stack);
    const groups = resources(json, 'azurerm_firewall_policy_rule_collection_group');
    const net = groups.flatMap((g) => g.network_rule_collection ?? []).map((c: any) => [c.name, c.priority]);
    const app = groups.flatMap((g) => g.application_rule_collection ?? []).map((c: any) => [c.name, c.priority]);
    expect(net.sort((a: any, b: any) => a[1] - b[1])).toEqual([['spoke1-aks-net', 100], ['spoke1-apiserver', 110], ['spoke2-aks-net', 120], ['spoke2-apiserver', 130]]);
    expect(groups.map((g) => [g.name, g.priority]).sort((a, b) => a[1] - b[1])).toEqual([
      ['hub-fw-policy-network', 200], ['hub-fw-policy-application', 300], ['spoke1-apiserver', 400], ['spoke2-apiserver', 410]]);
    expect(app).toEqual([['spoke1-aks-app', 100], ['spoke1-t0', 110], ['spoke1-t1', 120], ['spoke2-aks-app', 130], ['spoke2-t0', 140], ['spoke2-t1', 150]]);
    const t1 = groups.flatMap((g) => g.application_rule_collection ?? []).find((c: any) => c.name === 'spoke2-t1');
    expect(t1.rule[0]).toMatchObject({ name: 'allow t1', source_addresses: ['10.99.2.8/29'], destination_fqdns: ['www.tigera.io'] });
  });

  test('refuses a missing hub and a tenant that is not an EgressTenant', () => {
    const stack = azureStack();
    expect(() => new EgressSpoke(stack, 's', { name: 's', addressSpace: '10.1.0.0/22' } as any)).toThrow('test/s: hub is missing; an EgressHub');
    const hub = new EgressHub(stack, 'hub');
    expect(() => new EgressSpoke(stack, 's2', { hub, name: 's2', addressSpace: '10.1.0.0/22', tenants: [{ tenant: 'x', allowFqdns: [] }] as any }))
      .toThrow('test/s2: tenants[0].tenant is "x"; an EgressTenant');
  });
});
