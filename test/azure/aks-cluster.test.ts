import { TerraformStack } from 'cdktf';
import {
  AksCluster, AksClusterProps, AksOutbound, AzureFirewall, FirewallRouteTable, FirewallRuleFormat, HubSpokePeering,
  KubernetesVersion, NextHop, RouteTable, VirtualNetwork,
} from '../../lib/azure';
import { RuleCollections } from '../../lib/core';
import { address, azureStack, resource, resourceGroup, resources, resolveIn, synth } from '../helpers';

function world(stack: TerraformStack) {
  const hubRg = resourceGroup(stack, 'hub');
  const spokeRg = resourceGroup(stack, 'spoke');
  const hub = new VirtualNetwork(stack, 'hub', {
    resourceGroup: hubRg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'],
    subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }],
  });
  const spoke = new VirtualNetwork(stack, 'spoke', {
    resourceGroup: spokeRg, name: 'spoke-vnet', addressSpace: ['10.1.0.0/22'],
    subnets: [{ name: 'AKSSubnet', addressPrefix: '10.1.0.0/24' }, { name: 'small', addressPrefix: '10.1.1.0/29' }],
  });
  const firewall = new AzureFirewall(stack, 'fw', {
    resourceGroup: hubRg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet'), ruleFormat: FirewallRuleFormat.classic(),
    ruleCollections: [RuleCollections.application({ name: 'aks', priority: 100, action: 'Allow', rules: [{ name: 'tag', fqdnTags: ['AzureKubernetesService'] }] })],
  });
  return { hubRg, spokeRg, hub, spoke, firewall, subnet: spoke.subnet('AKSSubnet') };
}

const network = { plugin: 'none' as const, serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/24' };

function cluster(over: (w: ReturnType<typeof world>) => Partial<AksClusterProps> = () => ({})) {
  const stack = azureStack();
  const w = world(stack);
  new FirewallRouteTable(stack, 'rt', { resourceGroup: w.spokeRg, name: 'spoke-rt', firewall: w.firewall, subnets: [w.subnet] });
  const c = new AksCluster(stack, 'aks', {
    resourceGroup: w.spokeRg, name: 'spoke1-aks', defaultNodePool: { subnet: w.subnet }, network, outbound: AksOutbound.userDefinedRouting(),
    ...over(w),
  });
  return { stack, w, cluster: c };
}

describe('AksCluster', () => {
  test('renders a BYO-CNI cluster with userDefinedRouting, ordered after the route table and the firewall rules', () => {
    const { stack, cluster: c } = cluster((w) => ({
      dnsPrefix: 'aks', kubernetesVersion: KubernetesVersion.latestPatchOf('1.35'),
      defaultNodePool: { subnet: w.subnet, nodeCount: 2, vmSize: 'Standard_D2_v2', nodeLabels: { 'route-reflector': 'true' } },
      linuxProfile: { adminUsername: 'azureuser', sshPublicKey: 'ssh-rsa AAAA' },
    }));
    const json = synth(stack);
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'spoke1-aks');
    expect(aks).toMatchObject({
      dns_prefix: 'aks',
      private_cluster_enabled: false,
      kubernetes_version: `\${data.azurerm_kubernetes_service_versions.${Object.keys(json.data!.azurerm_kubernetes_service_versions)[0]}.latest_version}`,
      default_node_pool: {
        name: 'default', node_count: 2, vm_size: 'Standard_D2_v2', type: 'VirtualMachineScaleSets',
        vnet_subnet_id: `\${${address(json, 'azurerm_subnet', 'AKSSubnet')}.id}`, node_labels: { 'route-reflector': 'true' },
      },
      identity: { type: 'SystemAssigned' },
      linux_profile: { admin_username: 'azureuser', ssh_key: { key_data: 'ssh-rsa AAAA' } },
      network_profile: { network_plugin: 'none', service_cidr: '10.9.0.0/24', dns_service_ip: '10.9.0.10', outbound_type: 'userDefinedRouting' },
    });
    // plugin none: the pod range belongs to the CNI and is not sent to AKS
    expect(aks.network_profile.pod_cidr).toBeUndefined();
    expect(aks.network_profile.load_balancer_profile).toBeUndefined();
    expect(aks.network_profile.nat_gateway_profile).toBeUndefined();
    expect(aks.depends_on).toEqual([
      address(json, 'azurerm_route_table', 'spoke-rt'),
      address(json, 'azurerm_route', 'default-to-firewall'),
      Object.keys(json.resource!.azurerm_subnet_route_table_association).map((k) => `azurerm_subnet_route_table_association.${k}`)[0],
      address(json, 'azurerm_firewall', 'fw'),
      address(json, 'azurerm_firewall_application_rule_collection', 'aks'),
    ]);
    expect(Object.values(json.data!.azurerm_kubernetes_service_versions)[0]).toEqual({
      location: '${azurerm_resource_group.rg-spoke.location}', version_prefix: '1.35', include_preview: false,
    });
    expect(c.outboundType).toBe('userDefinedRouting');
    expect(c.firewall?.name).toBe('fw');
    expect(resolveIn(stack, c.fqdn)).toBe(`\${${address(json, 'azurerm_kubernetes_cluster', 'spoke1-aks')}.fqdn}`);
    expect(resolveIn(stack, c.kubeConnection.clientKey)).toBe(`\${base64decode(${address(json, 'azurerm_kubernetes_cluster', 'spoke1-aks')}.kube_config[0].client_key)}`);
  });

  test('waits for the peerings of its VNet, even those declared after it', () => {
    const { stack, w } = cluster();
    new HubSpokePeering(stack, 'peering', { hub: w.hub, spoke: w.spoke });
    const json = synth(stack);
    const deps = resource(json, 'azurerm_kubernetes_cluster', 'spoke1-aks').depends_on;
    expect(deps).toContain(address(json, 'azurerm_virtual_network_peering', 'hub-vnet-to-spoke-vnet'));
    expect(deps).toContain(address(json, 'azurerm_virtual_network_peering', 'spoke-vnet-to-hub-vnet'));
    expect(new Set(deps).size).toBe(deps.length);
  });

  test('sends the pod CIDR for kubenet and overlay, and takes a fixed version, authorized ranges and user-assigned identities', () => {
    const { stack } = cluster((w) => ({
      kubernetesVersion: KubernetesVersion.of('1.35.2'),
      network: { plugin: 'azure', pluginMode: 'overlay', policy: 'cilium', serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/16' },
      apiServerAuthorizedIpRanges: ['203.0.113.0/24', w.firewall.publicIps[0]],
      userAssignedIdentityIds: ['/subscriptions/x/id'],
    }));
    const json = synth(stack);
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'spoke1-aks');
    expect(aks.kubernetes_version).toBe('1.35.2');
    expect(aks.network_profile).toMatchObject({ network_plugin: 'azure', network_plugin_mode: 'overlay', network_policy: 'cilium', pod_cidr: '10.244.0.0/16' });
    expect(aks.api_server_access_profile).toEqual({ authorized_ip_ranges: ['203.0.113.0/24', `\${${address(json, 'azurerm_public_ip', 'fw-ip')}.ip_address}`] });
    expect(aks.identity).toEqual({ type: 'UserAssigned', identity_ids: ['/subscriptions/x/id'] });
    expect(resources(json, 'azurerm_kubernetes_cluster')).toHaveLength(1);
  });

  describe('rights on the node subnet', () => {
    test('a system-assigned cluster in a subnet of yours gets Network Contributor on it, as az aks create grants', () => {
      const { stack } = cluster();
      const json = synth(stack);
      expect(resources(json, 'azurerm_role_assignment')).toEqual([{
        role_definition_name: 'Network Contributor',
        scope: `\${${address(json, 'azurerm_subnet', 'AKSSubnet')}.id}`,
        principal_id: `\${${address(json, 'azurerm_kubernetes_cluster', 'spoke1-aks')}.identity[0].principal_id}`,
        principal_type: 'ServicePrincipal',
        skip_service_principal_aad_check: true,
        description: 'AKS spoke1-aks joins nodes and load balancers to its node subnet',
      }]);
    });

    test('not when turned off, nor for a user-assigned identity (grant that yourself)', () => {
      expect(resources(synth(cluster(() => ({ grantSubnetAccess: false })).stack), 'azurerm_role_assignment')).toEqual([]);
      const { stack, cluster: c } = cluster(() => ({ userAssignedIdentityIds: ['/subscriptions/x/id'] }));
      expect(resources(synth(stack), 'azurerm_role_assignment')).toEqual([]);
      expect(c.subnetAccess).toBeUndefined();
    });
  });

  describe('userDefinedRouting', () => {
    test('builds a FirewallRouteTable for the node subnet when given a firewall', () => {
      const stack = azureStack();
      const w = world(stack);
      new AksCluster(stack, 'aks', { resourceGroup: w.spokeRg, name: 'c', defaultNodePool: { subnet: w.subnet }, network, outbound: AksOutbound.userDefinedRouting({ firewall: w.firewall }) });
      const json = synth(stack);
      expect(resource(json, 'azurerm_route_table', 'c-fw-rt')).toBeDefined();
      expect(resource(json, 'azurerm_route', 'default-to-firewall').next_hop_in_ip_address).toBe(`\${${address(json, 'azurerm_firewall', 'fw')}.ip_configuration[0].private_ip_address}`);
      expect(w.subnet.routeTable?.name).toBe('c-fw-rt');
    });

    test('associates a given route table', () => {
      const stack = azureStack();
      const w = world(stack);
      // The appliance lives in the hub: the spoke is peered with it (the route would lead nowhere otherwise).
      new HubSpokePeering(stack, 'peering', { hub: w.hub, spoke: w.spoke });
      const rt = new RouteTable(stack, 'rt', { resourceGroup: w.spokeRg, name: 'mine', routes: [{ name: 'd', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.0.0.4') }] });
      new AksCluster(stack, 'aks', { resourceGroup: w.spokeRg, name: 'c', defaultNodePool: { subnet: w.subnet }, network, outbound: AksOutbound.userDefinedRouting({ routeTable: rt }) });
      const json = synth(stack);
      expect(resources(json, 'azurerm_subnet_route_table_association')).toHaveLength(1);
      expect(resource(json, 'azurerm_kubernetes_cluster', 'c').depends_on).toContain(address(json, 'azurerm_route_table', 'mine'));
    });

    test('without a route table, a route table argument or a firewall it is an error', () => {
      const stack = azureStack();
      const w = world(stack);
      expect(() => new AksCluster(stack, 'aks', { resourceGroup: w.spokeRg, name: 'c', defaultNodePool: { subnet: w.subnet }, network, outbound: AksOutbound.userDefinedRouting() }))
        .toThrow('test/aks: outbound is "userDefinedRouting"; node subnet AKSSubnet has no route table; userDefinedRouting needs one whose 0.0.0.0/0 goes to a virtual appliance: associate one, or pass { routeTable } or { firewall }');
    });

    test('a route table whose 0.0.0.0/0 is not a virtual appliance is an error at synth', () => {
      const stack = azureStack();
      const w = world(stack);
      new RouteTable(stack, 'rt', { resourceGroup: w.spokeRg, name: 'internet', subnets: [w.subnet], routes: [{ name: 'd', addressPrefix: '0.0.0.0/0', nextHop: NextHop.internet() }] });
      new AksCluster(stack, 'aks', { resourceGroup: w.spokeRg, name: 'c', defaultNodePool: { subnet: w.subnet }, network, outbound: AksOutbound.userDefinedRouting() });
      expect(() => synth(stack)).toThrow(
        "test/aks: outbound (route table internet, 0.0.0.0/0) is \"Internet\"; userDefinedRouting needs the node subnet's 0.0.0.0/0 to go to a VirtualAppliance (the firewall)");
    });

    test('a second route table for a subnet that has one is an error', () => {
      const stack = azureStack();
      const w = world(stack);
      new FirewallRouteTable(stack, 'rt', { resourceGroup: w.spokeRg, name: 'first', firewall: w.firewall, subnets: [w.subnet] });
      const other = new RouteTable(stack, 'rt2', { resourceGroup: w.spokeRg, name: 'second' });
      expect(() => new AksCluster(stack, 'aks', { resourceGroup: w.spokeRg, name: 'c', defaultNodePool: { subnet: w.subnet }, network, outbound: AksOutbound.userDefinedRouting({ routeTable: other }) }))
        .toThrow('test/aks: outbound.routeTable is "second"; node subnet AKSSubnet already has route table first; a subnet takes one');
    });
  });

  describe('validation', () => {
    test.each([
      [{ network: { ...network, dnsServiceIp: '10.8.0.10' } }, 'test/aks: network.dnsServiceIp is "10.8.0.10"; the DNS service IP must be an address inside the service CIDR 10.9.0.0/24'],
      [{ network: { ...network, dnsServiceIp: '10.9.0.1' } }, 'test/aks: network.dnsServiceIp is "10.9.0.1"; 10.9.0.0, 10.9.0.1 (the kubernetes service) and 10.9.0.255 are taken; use another address of 10.9.0.0/24, e.g. 10.9.0.10'],
      [{ network: { ...network, serviceCidr: '172.30.0.0/24', dnsServiceIp: '172.30.0.10' } }, /network.serviceCidr is "172.30.0.0\/24"; it overlaps 172.30.0.0\/16, which AKS reserves/],
      [{ network: { ...network, podCidr: '169.254.0.0/16' } }, /network.podCidr is "169.254.0.0\/16"; it overlaps 169.254.0.0\/16, which AKS reserves/],
      [{ network: { ...network, podCidr: '10.9.0.0/16' } }, 'test/aks: network.podCidr is "10.9.0.0/16"; it overlaps the service CIDR 10.9.0.0/24'],
      [{ network: { ...network, serviceCidr: '10.1.0.0/24', dnsServiceIp: '10.1.0.10' } }, 'test/aks: network.serviceCidr is "10.1.0.0/24"; it overlaps node subnet AKSSubnet (10.1.0.0/24)'],
      [{ network: { ...network, serviceCidr: '10.9.0.5/24' } }, /network.serviceCidr is "10.9.0.5\/24"; host bits are set/],
      [{ network: { ...network, policy: 'calico' as const } }, /network.policy is "calico"; with plugin none the CNI you bring \(e.g. Calico\) enforces policy; leave policy unset/],
      [{ network: { ...network, pluginMode: 'overlay' as const } }, /network.pluginMode is "overlay"; overlay mode is an option of the azure plugin only/],
      [{ name: '-bad' }, /test\/aks: name is "-bad"; a cluster name is 1 to 63 letters/],
      [{ dnsPrefix: 'a_b' }, /dnsPrefix is "a_b"; a DNS prefix is 1 to 54 letters, digits or '-'/],
      [{ apiServerAuthorizedIpRanges: ['1.2.3.4/8'] }, /apiServerAuthorizedIpRanges\[0\] is "1.2.3.4\/8"; host bits are set/],
    ])('rejects %#', (props, message) => {
      expect(() => cluster(() => props as Partial<AksClusterProps>)).toThrow(message);
    });

    test('a small service range: the message suggests no address it does not have', () => {
      expect(() => cluster(() => ({ network: { ...network, serviceCidr: '10.9.0.0/29', dnsServiceIp: '10.9.0.1' } }))).toThrow(
        'test/aks: network.dnsServiceIp is "10.9.0.1"; 10.9.0.0, 10.9.0.1 (the kubernetes service) and 10.9.0.7 are taken; use another address of 10.9.0.0/29');
    });

    test('a cluster name known only at deploy is not checked as a DNS prefix', () => {
      expect(() => cluster((w) => ({ name: w.spoke.resource.name }))).not.toThrow();
    });

    test('node pool name, count and subnet room', () => {
      expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, name: 'Default' } }))).toThrow(
        'test/aks: defaultNodePool.name is "Default"; a Linux node pool name is 1 to 12 lower-case letters and digits, starting with a letter');
      expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, nodeCount: 0 } }))).toThrow(/defaultNodePool.nodeCount is 0; a node pool has 1 to 1000 nodes/);
      expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.spoke.subnet('small'), nodeCount: 4 } }))).toThrow(
        /defaultNodePool.nodeCount is 4; subnet small \(10.1.1.0\/29\) has room for 3 nodes/);
    });

    test('versions', () => {
      expect(() => cluster(() => ({ kubernetesVersion: KubernetesVersion.of('latest') }))).toThrow('test/aks: kubernetesVersion is "latest"; expected a version such as 1.35 or 1.35.2');
      expect(() => cluster(() => ({ kubernetesVersion: KubernetesVersion.latestPatchOf('1.35.1') }))).toThrow(/latestPatchOf takes a minor version such as 1.35/);
    });

    test('the service and pod CIDRs must be clear of every VNet in the app', () => {
      const { stack } = cluster(() => ({ network: { ...network, serviceCidr: '10.0.0.0/24', dnsServiceIp: '10.0.0.10' } }));
      expect(() => synth(stack)).toThrow(
        'test/aks: network.serviceCidr is "10.0.0.0/24"; it overlaps VNet hub-vnet (10.0.0.0/22, test/hub); the service CIDR must be clear of every VNet');
      const { stack: s2 } = cluster(() => ({ network: { ...network, podCidr: '10.0.2.0/24' } }));
      expect(() => synth(s2)).toThrow(/network.podCidr is "10.0.2.0\/24"; it overlaps VNet hub-vnet/);
    });
  });
});
