import { TerraformStack } from 'cdktf';
import {
  AksCluster, AksClusterProps, AksOutbound, AksRouteReflectorPool, AksRouteReflectorPoolProps, AzureFirewall, FirewallRouteTable,
  FirewallRuleFormat, HubSpokePeering, VirtualNetwork,
} from '../../lib/azure';
import { RuleCollections } from '../../lib/core';
import { address, azureStack, resource, resourceGroup, resources, synth } from '../helpers';

const network = { plugin: 'none' as const, serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/24' };

function world(clusterProps: Partial<AksClusterProps> = {}) {
  const stack: TerraformStack = azureStack();
  const rg = resourceGroup(stack, 'spoke');
  const hub = new VirtualNetwork(stack, 'hub', {
    resourceGroup: rg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }],
  });
  const spoke = new VirtualNetwork(stack, 'spoke', {
    resourceGroup: rg, name: 'spoke-vnet', addressSpace: ['10.1.0.0/22'],
    subnets: [
      { name: 'AKSSubnet', addressPrefix: '10.1.0.0/24' },
      { name: 'RouteReflectorSubnet', addressPrefix: '10.1.1.0/28' },
      { name: 'tiny', addressPrefix: '10.1.1.16/29' },
    ],
  });
  const firewall = new AzureFirewall(stack, 'fw', {
    resourceGroup: rg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet'), ruleFormat: FirewallRuleFormat.classic(),
    ruleCollections: [RuleCollections.application({ name: 'aks', priority: 100, action: 'Allow', rules: [{ name: 'tag', fqdnTags: ['AzureKubernetesService'] }] })],
  });
  // The firewall lives in the hub: the spoke is peered with it (the route would lead nowhere otherwise).
  new HubSpokePeering(stack, 'peering', { hub, spoke });
  new FirewallRouteTable(stack, 'rt', {
    resourceGroup: rg, name: 'spoke-rt', firewall, subnets: [spoke.subnet('AKSSubnet'), spoke.subnet('RouteReflectorSubnet')],
  });
  const cluster = new AksCluster(stack, 'aks', {
    resourceGroup: rg, name: 'spoke1-aks', defaultNodePool: { subnet: spoke.subnet('AKSSubnet') }, network,
    outbound: AksOutbound.userDefinedRouting(), ...clusterProps,
  });
  return { stack, spoke, cluster };
}

function pool(over: Partial<AksRouteReflectorPoolProps> = {}, w = world()) {
  const p = new AksRouteReflectorPool(w.stack, 'rr', { cluster: w.cluster, subnet: w.spoke.subnet('RouteReflectorSubnet'), ...over });
  return { ...w, pool: p };
}

describe('AksRouteReflectorPool', () => {
  test('renders a user pool of 3 labelled nodes with max surge 1 in its own subnet, after the route table and the subnet grant', () => {
    const { stack, pool: p } = pool();
    const json = synth(stack);
    const np = resource(json, 'azurerm_kubernetes_cluster_node_pool', 'rr');
    const grant = Object.keys(json.resource!.azurerm_role_assignment).find((k) => k.startsWith('rr_subnet-network-contributor'));
    expect(np).toMatchObject({
      name: 'rr', node_count: 3, mode: 'User', vm_size: 'Standard_D2s_v5',
      kubernetes_cluster_id: `\${${address(json, 'azurerm_kubernetes_cluster', 'spoke1-aks')}.id}`,
      vnet_subnet_id: `\${${address(json, 'azurerm_subnet', 'RouteReflectorSubnet')}.id}`,
      node_labels: { 'route-reflector': 'true' },
      upgrade_settings: { max_surge: '1' },
    });
    expect(np.node_taints).toBeUndefined();
    expect(np.depends_on).toEqual([
      `azurerm_subnet_route_table_association.${Object.keys(json.resource!.azurerm_subnet_route_table_association).find((k) => k.includes('RouteReflectorSubnet'))}`,
      `azurerm_role_assignment.${grant}`,
    ]);
    expect(resources(json, 'azurerm_role_assignment').find((r) => r.scope === `\${${address(json, 'azurerm_subnet', 'RouteReflectorSubnet')}.id}`))
      .toMatchObject({ role_definition_name: 'Network Contributor' });
    expect(p.peerIps).toEqual(['10.1.1.4', '10.1.1.5', '10.1.1.6', '10.1.1.7']);
    expect(p.nodeLabels).toEqual({ 'route-reflector': 'true' });
  });

  test('nodeCount 5 with maxSurge 2 peers with 7 addresses; taint keeps workloads off', () => {
    const { stack, pool: p } = pool({ nodeCount: 5, maxSurge: 2, taint: true, nodeLabels: { 'calico-rr': 'yes' } });
    expect(p.peerIps).toEqual(['10.1.1.4', '10.1.1.5', '10.1.1.6', '10.1.1.7', '10.1.1.8', '10.1.1.9', '10.1.1.10']);
    const np = resource(synth(stack), 'azurerm_kubernetes_cluster_node_pool', 'rr');
    expect(np).toMatchObject({ node_count: 5, upgrade_settings: { max_surge: '2' }, node_labels: { 'calico-rr': 'yes' }, node_taints: ['calico-rr=yes:NoSchedule'] });
  });

  test.each<[string, Partial<AksRouteReflectorPoolProps> | ((w: ReturnType<typeof world>) => Partial<AksRouteReflectorPoolProps>), string]>([
    ['fewer than 3 route reflectors', { nodeCount: 2 },
      'test/rr: nodeCount is 2; at least 3 route reflectors, so that one being repaired or upgraded leaves two'],
    ['no surge', { maxSurge: 0 }, 'test/rr: maxSurge is 0; a count of 1 or more extra nodes during upgrades'],
    ['more addresses than Route Server peers', { nodeCount: 6, maxSurge: 3 },
      'test/rr: nodeCount is 6; nodeCount + maxSurge (6 + 3 = 9) addresses must all be BGP peers and the router takes at most 8'],
    ['a /29 too small for 3 nodes and a surge', (w) => ({ subnet: w.spoke.subnet('tiny') }),
      'test/rr: subnet is "10.1.1.16/29"; tiny has 3 VM addresses (Azure reserves 5) and the pool needs 4 (nodeCount 3 + maxSurge 1)'],
    ['the default pool\'s subnet', (w) => ({ subnet: w.spoke.subnet('AKSSubnet') }),
      'test/rr: subnet is "AKSSubnet"; the route reflectors need a subnet of their own; cluster spoke1-aks\'s default pool uses it'],
    ['a bad pool name', { name: 'RR-pool' }, 'test/rr: name is "RR-pool"; a Linux node pool name is 1 to 12 lower-case letters and digits, starting with a letter'],
  ])('refuses %s', (_, over, message) => {
    const w = world();
    const props = typeof over === 'function' ? over(w) : over;
    expect(() => pool(props, w)).toThrow(message);
  });

  test('refuses a second pool in the same subnet', () => {
    const { stack, spoke, cluster } = pool();
    expect(() => new AksRouteReflectorPool(stack, 'rr2', { cluster, subnet: spoke.subnet('RouteReflectorSubnet'), name: 'rr2' }))
      .toThrow('test/rr2: subnet is "RouteReflectorSubnet"; route reflector pool test/rr already uses it; each pool needs a subnet of its own');
  });

  test('refuses Azure CNI without overlay, whose pods would take the peer addresses', () => {
    const w = world({ network: { plugin: 'azure', serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10' } });
    expect(() => pool({}, w)).toThrow(
      'test/rr: cluster is "spoke1-aks"; Azure CNI without overlay gives pods addresses of the node subnet, which would take the addresses the Route Server peers with; use plugin none (Calico) or overlay');
  });

  test('refuses a missing subnet from JavaScript', () => {
    const w = world();
    expect(() => new AksRouteReflectorPool(w.stack, 'rr', { cluster: w.cluster } as unknown as AksRouteReflectorPoolProps)).toThrow(/test\/rr: subnet/);
  });
});
