import { TerraformStack } from 'cdktf';
import {
  AksCluster, AksClusterProps, AksOutbound, AzureFirewall, FirewallRouteTable, FirewallRuleFormat, HubSpokePeering,
  KubernetesVersion, ManagedIdentity, NextHop, RouteTable, VirtualNetwork,
} from '../../lib/azure';
import { RuleCollections } from '../../lib/core';
import { address, azureStack, resource, resourceGroup, resources, resolveIn, synth } from '../helpers';

/** A hub with a firewall and a spoke; peered unless `peer` is false (a route to the firewall leads nowhere otherwise). */
function world(stack: TerraformStack, peer = true) {
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
  if (peer) new HubSpokePeering(stack, 'peering', { hub, spoke });
  return { hubRg, spokeRg, hub, spoke, firewall, subnet: spoke.subnet('AKSSubnet') };
}

const network = { plugin: 'none' as const, serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/24' };

function cluster(over: (w: ReturnType<typeof world>) => Partial<AksClusterProps> = () => ({}), peer = true) {
  const stack = azureStack();
  const w = world(stack, peer);
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
      address(json, 'azurerm_virtual_network_peering', 'hub-vnet-to-spoke-vnet'),
      address(json, 'azurerm_virtual_network_peering', 'spoke-vnet-to-hub-vnet'),
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
    const { stack, w } = cluster(undefined, false);
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
      userAssignedIdentityIds: ['/subscriptions/1111/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-id'],
    }));
    const json = synth(stack);
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'spoke1-aks');
    expect(aks.kubernetes_version).toBe('1.35.2');
    expect(aks.network_profile).toMatchObject({ network_plugin: 'azure', network_plugin_mode: 'overlay', network_policy: 'cilium', pod_cidr: '10.244.0.0/16' });
    expect(aks.api_server_access_profile).toEqual({ authorized_ip_ranges: ['203.0.113.0/24', `\${${address(json, 'azurerm_public_ip', 'fw-ip')}.ip_address}`] });
    expect(aks.identity).toEqual({ type: 'UserAssigned', identity_ids: ['/subscriptions/1111/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-id'] });
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
      const { stack, cluster: c } = cluster(() => ({ userAssignedIdentityIds: ['/subscriptions/1111/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-id'] }));
      expect(resources(synth(stack), 'azurerm_role_assignment')).toEqual([]);
      expect(c.subnetAccess).toBeUndefined();
    });
  });

  describe('kubenet with a route table on the node subnet', () => {
    const kubenet = { plugin: 'kubenet' as const, serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/16' };
    const identity = { id: '/subscriptions/x/resourceGroups/spoke/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-id', principalId: '00000000-0000-0000-0000-000000000001' };

    test('a system-assigned identity is refused (CustomRouteTableWithUnsupportedMSIType)', () => {
      expect(() => cluster(() => ({ network: kubenet }))).toThrow(
        'test/aks: identity is "SystemAssigned"; kubenet with route table spoke-rt on node subnet AKSSubnet needs a user-assigned identity; ' +
        'AKS refuses a system-assigned one (CustomRouteTableWithUnsupportedMSIType): pass userAssignedIdentity');
    });

    test('also when the route table is associated after the cluster', () => {
      const stack = azureStack();
      const w = world(stack);
      new AksCluster(stack, 'aks', { resourceGroup: w.spokeRg, name: 'c', defaultNodePool: { subnet: w.subnet }, network: kubenet });
      new FirewallRouteTable(stack, 'rt', { resourceGroup: w.spokeRg, name: 'late-rt', firewall: w.firewall, subnets: [w.subnet] });
      expect(() => synth(stack)).toThrow(/test\/aks: identity is "SystemAssigned"; kubenet with route table late-rt on node subnet AKSSubnet needs a user-assigned identity/);
    });

    test('a user-assigned identity gets Network Contributor on the route table and the subnet, before the cluster', () => {
      const { stack, cluster: c } = cluster(() => ({ network: kubenet, userAssignedIdentity: identity }));
      const json = synth(stack);
      const grants = resources(json, 'azurerm_role_assignment'); // in order of their logical IDs
      expect(grants).toEqual([
        {
          role_definition_name: 'Network Contributor', scope: `\${${address(json, 'azurerm_route_table', 'spoke-rt')}.id}`,
          principal_id: identity.principalId, principal_type: 'ServicePrincipal', skip_service_principal_aad_check: true,
          description: 'AKS spoke1-aks (kubenet) writes its pod routes into route table spoke-rt',
        },
        {
          role_definition_name: 'Network Contributor', scope: `\${${address(json, 'azurerm_subnet', 'AKSSubnet')}.id}`,
          principal_id: identity.principalId, principal_type: 'ServicePrincipal', skip_service_principal_aad_check: true,
          description: 'AKS spoke1-aks joins nodes and load balancers to its node subnet',
        },
      ]);
      const aks = resource(json, 'azurerm_kubernetes_cluster', 'spoke1-aks');
      expect(aks.identity).toEqual({ type: 'UserAssigned', identity_ids: [identity.id] });
      // The cluster waits for each grant to propagate (a time_sleep after each), not only for it to exist.
      const sleeps = json.resource!.time_sleep as Record<string, { create_duration: string; depends_on: string[] }>;
      const ids = Object.keys(sleeps).map((k) => `time_sleep.${k}`);
      expect(ids).toHaveLength(2);
      expect(aks.depends_on).toEqual(expect.arrayContaining(ids));
      const grantIds = Object.keys(json.resource!.azurerm_role_assignment).map((k) => `azurerm_role_assignment.${k}`).sort();
      expect(Object.values(sleeps).map((s) => s.depends_on).flat().sort()).toEqual(grantIds);
      expect(Object.values(sleeps).map((s) => s.create_duration)).toEqual(['60s', '60s']);
      expect(c.routeTableAccess?.role).toBe('Network Contributor');
    });

    test('a ManagedIdentity of the app works as userAssignedIdentity: its principal gets the grants', () => {
      const { stack } = cluster((w) => ({
        network: kubenet, userAssignedIdentity: new ManagedIdentity(w.spoke, 'aks-id', { resourceGroup: w.spokeRg, name: 'spoke1-aks-id' }),
      }));
      const json = synth(stack);
      const principal = `\${${address(json, 'azurerm_user_assigned_identity', 'spoke1-aks-id')}.principal_id}`;
      expect(resources(json, 'azurerm_role_assignment').map((r) => r.principal_id)).toEqual([principal, principal]);
      expect(resource(json, 'azurerm_kubernetes_cluster', 'spoke1-aks').identity).toEqual({
        type: 'UserAssigned', identity_ids: [`\${${address(json, 'azurerm_user_assigned_identity', 'spoke1-aks-id')}.id}`],
      });
    });

    test('userAssignedIdentity must be { id, principalId }, also for callers without types', () => {
      expect(() => cluster(() => ({ network: kubenet, userAssignedIdentity: identity.id as never }))).toThrow(
        `test/aks: userAssignedIdentity is "${identity.id}"; expected { id, principalId } of a user-assigned identity, e.g. a ManagedIdentity`);
    });

    test('a user-assigned identity given by ID only: a warning says which grants to make', () => {
      const { stack } = cluster(() => ({ network: kubenet, userAssignedIdentityIds: [identity.id] }));
      synth(stack);
      const aks = stack.node.findChild('aks');
      expect(aks.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
        "kubenet with route table spoke-rt: grant the cluster's user-assigned identity Network Contributor on route table spoke-rt " +
        'and subnet AKSSubnet before the cluster is created, or pass it as userAssignedIdentity to have the grants made (CustomRouteTableMissingPermission)',
      ]);
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
      // The appliance lives in the hub: world() peers the spoke with it (the route would lead nowhere otherwise).
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
      [{ network: { ...network, plugin: 'Azure' } }, 'test/aks: network.plugin is "Azure"; allowed: "none", "azure", "kubenet"; did you mean "azure"?'],
      [{ network: { ...network, plugin: 'azure', pluginMode: 'Overlay' } }, 'test/aks: network.pluginMode is "Overlay"; allowed: "overlay"; did you mean "overlay"?'],
      [{ network: { ...network, plugin: 'azure', policy: 'Cilium' } }, 'test/aks: network.policy is "Cilium"; allowed: "azure", "calico", "cilium"; did you mean "cilium"?'],
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
        'test/aks: defaultNodePool.nodeCount is 4; subnet small (10.1.1.0/29) has 3 addresses for nodes (8 minus the 5 Azure reserves); ' +
        "the pool needs 4 nodes + 1 surge node (AKS's default max surge, 10%) = 5");
    });

    describe('node subnet sizing', () => {
      const azureCni = { plugin: 'azure' as const, serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10' };

      test('Azure CNI pre-allocates maxPods + 1 addresses per node, surge nodes included: 3 nodes do not fit a /27', () => {
        const stack = azureStack();
        const w = world(stack);
        const s27 = w.spoke.addSubnet({ name: 'aks27', addressPrefix: '10.1.2.0/27' });
        new FirewallRouteTable(stack, 'rt', { resourceGroup: w.spokeRg, name: 'spoke-rt', firewall: w.firewall, subnets: [s27] });
        expect(() => new AksCluster(stack, 'aks', {
          resourceGroup: w.spokeRg, name: 'c', defaultNodePool: { subnet: s27 }, network: azureCni, outbound: AksOutbound.userDefinedRouting(),
        })).toThrow(
          'test/aks: defaultNodePool.nodeCount is 3; subnet aks27 (10.1.2.0/27) has 27 addresses for nodes (32 minus the 5 Azure reserves); ' +
          "Azure CNI takes each node's address and its maxPods pod addresses from the subnet: " +
          "(3 nodes + 1 surge node (AKS's default max surge, 10%)) x (30 max pods + 1) = 124; use a larger subnet, fewer nodes or pods, or Azure CNI Overlay");
      });

      test('Azure CNI: 7 nodes of 30 pods fit a /24, 8 do not, 40 nodes only without pre-allocation', () => {
        const ok = cluster((w) => ({ network: azureCni, defaultNodePool: { subnet: w.subnet, nodeCount: 7 } }));
        expect(resource(synth(ok.stack), 'azurerm_kubernetes_cluster', 'spoke1-aks').default_node_pool.node_count).toBe(7);
        expect(() => cluster((w) => ({ network: azureCni, defaultNodePool: { subnet: w.subnet, nodeCount: 8 } }))).toThrow(
          /defaultNodePool.nodeCount is 8; .* \(8 nodes \+ 1 surge node \(AKS's default max surge, 10%\)\) x \(30 max pods \+ 1\) = 279;/);
        expect(() => cluster((w) => ({ network: azureCni, defaultNodePool: { subnet: w.subnet, nodeCount: 40, maxPods: 250 } }))).toThrow(
          /\(40 nodes \+ 4 surge nodes \(AKS's default max surge, 10%\)\) x \(250 max pods \+ 1\) = 11044;/);
        const overlay = cluster((w) => ({ network: { ...azureCni, pluginMode: 'overlay', podCidr: '10.244.0.0/16' }, defaultNodePool: { subnet: w.subnet, nodeCount: 40 } }));
        expect(() => synth(overlay.stack)).not.toThrow();
      });

      test('maxSurge counts as given and is sent to AKS', () => {
        const { stack } = cluster((w) => ({ defaultNodePool: { subnet: w.subnet, nodeCount: 9, maxSurge: '33%' } }));
        expect(resource(synth(stack), 'azurerm_kubernetes_cluster', 'spoke1-aks').default_node_pool.upgrade_settings).toEqual({ max_surge: '33%' });
        expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.spoke.subnet('small'), nodeCount: 2, maxSurge: 2 } }))).toThrow(
          'test/aks: defaultNodePool.nodeCount is 2; subnet small (10.1.1.0/29) has 3 addresses for nodes (8 minus the 5 Azure reserves); ' +
          'the pool needs 2 nodes + 2 surge nodes = 4');
        expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, maxSurge: '0%' } }))).toThrow(
          "test/aks: defaultNodePool.maxSurge is \"0%\"; a whole number of nodes of at least 1 (e.g. 2) or a percentage from 1% to 100% (e.g. '33%')");
        expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, maxSurge: 'many' } }))).toThrow(/defaultNodePool.maxSurge is "many"; a whole number/);
      });

      test('with the autoscaler, maxCount counts as nodes', () => {
        const { stack } = cluster((w) => ({ defaultNodePool: { subnet: w.subnet, autoScaling: { minCount: 2, maxCount: 20 } } }));
        expect(resource(synth(stack), 'azurerm_kubernetes_cluster', 'spoke1-aks').default_node_pool).toMatchObject({
          auto_scaling_enabled: true, min_count: 2, max_count: 20,
        });
        expect(resource(synth(stack), 'azurerm_kubernetes_cluster', 'spoke1-aks').default_node_pool.node_count).toBeUndefined();
        expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.spoke.subnet('small'), nodeCount: 1, autoScaling: { minCount: 1, maxCount: 3 } } }))).toThrow(
          'test/aks: defaultNodePool.autoScaling.maxCount is 3; subnet small (10.1.1.0/29) has 3 addresses for nodes (8 minus the 5 Azure reserves); ' +
          "the pool needs 3 nodes + 1 surge node (AKS's default max surge, 10%) = 4");
        expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, autoScaling: { minCount: 5, maxCount: 3 } } }))).toThrow(
          "test/aks: defaultNodePool.autoScaling.maxCount is 3; the autoscaler's maxCount is minCount (5) to 1000");
        expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, nodeCount: 9, autoScaling: { minCount: 1, maxCount: 3 } } }))).toThrow(
          'test/aks: defaultNodePool.nodeCount is 9; with autoScaling the initial count is between minCount 1 and maxCount 3');
      });

      test.each([251, 9, 30.5])('maxPods %p is refused', (maxPods) => {
        expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, maxPods } }))).toThrow(
          `test/aks: defaultNodePool.maxPods is ${maxPods}; AKS runs 10 to 250 pods per node`);
      });
    });

    test('node labels and zones Azure or Kubernetes would refuse', () => {
      expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, nodeLabels: { 'bad key!': 'x' } } }))).toThrow(
        'test/aks: defaultNodePool.nodeLabels key "bad key!" is "bad key!"; a label key is an optional DNS subdomain prefix and \'/\', then 1 to 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
      expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, nodeLabels: { role: 'not ok' } } }))).toThrow(
        /defaultNodePool.nodeLabels\["role"\] is "not ok"; a label value is empty or 1 to 63/);
      expect(() => cluster((w) => ({ defaultNodePool: { subnet: w.subnet, zones: ['1', '4'] } }))).toThrow(
        /test\/aks: defaultNodePool.zones\[1\] is "4"; a zone is allowed: "1", "2", "3"/);
    });

    test('a private cluster takes no authorized IP ranges', () => {
      expect(() => cluster(() => ({ privateClusterEnabled: true, apiServerAuthorizedIpRanges: ['203.0.113.0/24'] }))).toThrow(
        'test/aks: apiServerAuthorizedIpRanges is ["203.0.113.0/24"]; AKS does not support authorized IP ranges on a private cluster ' +
        '(its API server has no public endpoint to restrict); leave them out, or set privateClusterEnabled to false');
      expect(() => cluster(() => ({ privateClusterEnabled: true, apiServerAuthorizedIpRanges: [] }))).not.toThrow();
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
