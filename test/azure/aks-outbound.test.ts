import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { PublicIpPrefix } from '@cdktf/provider-azurerm/lib/public-ip-prefix';
import { AksOutbound, NatGateway, RouteTable, NextHop } from '../../lib/azure';
import { TfJson, address, resource, resources, synthWith } from '../helpers';
import { cluster, firewall, rg, vnet } from './outbound-fixtures';

const aks = (json: TfJson) => resource(json, 'azurerm_kubernetes_cluster', 'aks');
const ref = (json: TfJson, type: string, name: string, attr = 'id') => `\${${address(json, type, name)}.${attr}}`;

describe('AksOutbound.loadBalancer', () => {
  test('is the default: outbound type loadBalancer, no profiles, no subnet, nothing else created', () => {
    const json = synthWith((stack) => { cluster(stack, undefined); });
    const profile = aks(json).network_profile;
    expect(profile.outbound_type).toBe('loadBalancer');
    expect(profile.load_balancer_profile).toBeUndefined();
    expect(profile.nat_gateway_profile).toBeUndefined();
    expect(aks(json).default_node_pool.vnet_subnet_id).toBeUndefined();
    expect(Object.keys(json.resource ?? {})).toEqual(['azurerm_kubernetes_cluster']);
  });

  test('managed IPs, idle timeout and allocated ports go to load_balancer_profile', () => {
    const json = synthWith((stack) => {
      cluster(stack, AksOutbound.loadBalancer({ managedOutboundIpCount: 2, idleTimeoutMinutes: 30, outboundPortsAllocated: 8000 }));
    });
    expect(aks(json).network_profile.load_balancer_profile).toEqual({
      managed_outbound_ip_count: 2, idle_timeout_in_minutes: 30, outbound_ports_allocated: 8000,
    });
    expect(aks(json).network_profile.nat_gateway_profile).toBeUndefined();
    expect(resources(json, 'azurerm_nat_gateway')).toHaveLength(0);
  });

  test('own public IPs and prefixes go by reference', () => {
    const json = synthWith((stack) => {
      const ip = new PublicIp(stack, 'ip', { name: 'egress-ip', resourceGroupName: 'rg', location: 'westeurope', allocationMethod: 'Static', sku: 'Standard' });
      cluster(stack, AksOutbound.loadBalancer({ outboundIpAddressIds: [ip.id] }));
    });
    expect(aks(json).network_profile.load_balancer_profile).toEqual({
      outbound_ip_address_ids: [ref(json, 'azurerm_public_ip', 'egress-ip')],
    });
    const json2 = synthWith((stack) => {
      const prefix = new PublicIpPrefix(stack, 'prefix', { name: 'egress-prefix', resourceGroupName: 'rg', location: 'westeurope', prefixLength: 30 });
      cluster(stack, AksOutbound.loadBalancer({ outboundIpPrefixIds: [prefix.id] }));
    });
    expect(aks(json2).network_profile.load_balancer_profile).toEqual({
      outbound_ip_prefix_ids: [ref(json2, 'azurerm_public_ip_prefix', 'egress-prefix')],
    });
  });

  test('works with a node subnet of yours too', () => {
    const json = synthWith((stack) => { cluster(stack, AksOutbound.loadBalancer(), { nodeSubnet: vnet(stack).subnet('nodes') }); });
    expect(aks(json).default_node_pool.vnet_subnet_id).toBe(ref(json, 'azurerm_subnet', 'nodes'));
    expect(aks(json).network_profile.outbound_type).toBe('loadBalancer');
  });

  test.each([
    ['no managed IP', { managedOutboundIpCount: 0 }, 'test/aks: outbound.managedOutboundIpCount is 0; a cluster load balancer has 1 to 100 managed outbound IPs'],
    ['101 managed IPs', { managedOutboundIpCount: 101 }, 'test/aks: outbound.managedOutboundIpCount is 101; a cluster load balancer has 1 to 100 managed outbound IPs'],
    ['managed IPs and own IPs', { managedOutboundIpCount: 1, outboundIpAddressIds: ['x'] },
      'test/aks: outbound.outboundIpAddressIds is ["x"]; managedOutboundIpCount and outboundIpAddressIds are mutually exclusive; the load balancer leaves from managed IPs, your IPs or your prefixes'],
    ['own IPs and prefixes', { outboundIpAddressIds: ['x'], outboundIpPrefixIds: ['y'] },
      /outbound.outboundIpPrefixIds is \["y"\]; outboundIpAddressIds and outboundIpPrefixIds are mutually exclusive/],
    ['an empty IP list', { outboundIpAddressIds: [] }, 'test/aks: outbound.outboundIpAddressIds is []; name at least one, or leave it out for AKS-managed IPs'],
    ['an empty prefix list', { outboundIpPrefixIds: [] }, 'test/aks: outbound.outboundIpPrefixIds is []; name at least one, or leave it out for AKS-managed IPs'],
    ['idle timeout 3', { idleTimeoutMinutes: 3 },
      'test/aks: outbound.idleTimeoutMinutes is 3; the outbound idle timeout is 4 to 100 minutes (AKS allows 120; the azurerm provider stops at 100)'],
    ['idle timeout 101', { idleTimeoutMinutes: 101 }, /outbound.idleTimeoutMinutes is 101; the outbound idle timeout is 4 to 100 minutes/],
    ['negative ports', { outboundPortsAllocated: -8 }, 'test/aks: outbound.outboundPortsAllocated is -8; a node is allocated 0 (dynamic) to 64000 SNAT ports'],
    ['too many ports', { outboundPortsAllocated: 64008 }, /outbound.outboundPortsAllocated is 64008; a node is allocated 0 \(dynamic\) to 64000 SNAT ports/],
    ['more ports than one IP has for 3 nodes', { outboundPortsAllocated: 30000 },
      'test/aks: outbound.outboundPortsAllocated is 30000; 3 nodes x 30000 ports needs 90000, but 1 outbound IP(s) give 64000; allocate at most 21333 ports per node or add outbound IPs'],
  ])('rejects %s', (_, options, message) => {
    expect(() => synthWith((stack) => { cluster(stack, AksOutbound.loadBalancer(options)); })).toThrow(message);
  });

  test('counts the ports of every outbound IP', () => {
    const json = synthWith((stack) => { cluster(stack, AksOutbound.loadBalancer({ managedOutboundIpCount: 2, outboundPortsAllocated: 30000 })); });
    expect(aks(json).network_profile.load_balancer_profile.outbound_ports_allocated).toBe(30000);
  });

  test('rejects a node subnet with a NAT gateway, which would take over its egress', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack);
      cluster(stack, AksOutbound.loadBalancer(), { nodeSubnet: net.subnet('nodes') });
      new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'ngw', subnets: [net.subnet('nodes')] });
    })).toThrow("test/aks: outbound is \"loadBalancer\"; node subnet nodes has NAT gateway ngw, which takes over its egress and leaves the load balancer's outbound IPs unused; use AksOutbound.userAssignedNatGateway()");
  });
});

describe('AksOutbound.managedNatGateway', () => {
  test('sets nat_gateway_profile and creates no NAT gateway, IP or VNet of its own', () => {
    const json = synthWith((stack) => { cluster(stack, AksOutbound.managedNatGateway({ managedOutboundIpCount: 2, idleTimeoutMinutes: 4 })); });
    const profile = aks(json).network_profile;
    expect(profile.outbound_type).toBe('managedNATGateway');
    expect(profile.nat_gateway_profile).toEqual({ managed_outbound_ip_count: 2, idle_timeout_in_minutes: 4 });
    expect(profile.load_balancer_profile).toBeUndefined();
    expect(aks(json).default_node_pool.vnet_subnet_id).toBeUndefined();
    expect(Object.keys(json.resource ?? {})).toEqual(['azurerm_kubernetes_cluster']);
  });

  test('leaves AKS defaults alone when given no options', () => {
    const json = synthWith((stack) => { cluster(stack, AksOutbound.managedNatGateway()); });
    expect(aks(json).network_profile.nat_gateway_profile).toBeUndefined();
  });

  test.each([
    ['no IP', { managedOutboundIpCount: 0 }, 'test/aks: outbound.managedOutboundIpCount is 0; a managed NAT gateway has 1 to 16 outbound IPs'],
    ['17 IPs', { managedOutboundIpCount: 17 }, 'test/aks: outbound.managedOutboundIpCount is 17; a managed NAT gateway has 1 to 16 outbound IPs'],
    ['idle timeout 3', { idleTimeoutMinutes: 3 }, 'test/aks: outbound.idleTimeoutMinutes is 3; a NAT gateway keeps idle flows 4 to 120 minutes'],
    ['idle timeout 121', { idleTimeoutMinutes: 121 }, 'test/aks: outbound.idleTimeoutMinutes is 121; a NAT gateway keeps idle flows 4 to 120 minutes'],
  ])('rejects %s', (_, options, message) => {
    expect(() => synthWith((stack) => { cluster(stack, AksOutbound.managedNatGateway(options)); })).toThrow(message);
  });

  test('rejects a node subnet of yours', () => {
    expect(() => synthWith((stack) => {
      cluster(stack, AksOutbound.managedNatGateway(), { nodeSubnet: vnet(stack).subnet('nodes') });
    })).toThrow('test/aks: defaultNodePool.subnet is "nodes"; managedNATGateway works only in the VNet AKS creates for the cluster; '
      + 'leave defaultNodePool.subnet out, or keep your subnet and use AksOutbound.userAssignedNatGateway()');
  });
});

describe('AksOutbound.userAssignedNatGateway', () => {
  test('runs the cluster as a new identity with Network Contributor on the node subnet, after the NAT gateway and the grant\'s propagation', () => {
    const json = synthWith((stack) => {
      const net = vnet(stack);
      new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'ngw', subnets: [net.subnet('nodes')] });
      cluster(stack, AksOutbound.userAssignedNatGateway({ identityName: 'natClusterId' }), { nodeSubnet: net.subnet('nodes') });
    });
    expect(resource(json, 'azurerm_user_assigned_identity', 'natClusterId')).toEqual({
      name: 'natClusterId', resource_group_name: 'rg', location: 'westeurope',
    });
    expect(resource(json, 'azurerm_role_assignment')).toEqual({
      scope: ref(json, 'azurerm_subnet', 'nodes'),
      role_definition_name: 'Network Contributor',
      principal_id: ref(json, 'azurerm_user_assigned_identity', 'natClusterId', 'principal_id'),
      principal_type: 'ServicePrincipal',
      skip_service_principal_aad_check: true,
    });
    const cl = aks(json);
    expect(cl.identity).toEqual({ type: 'UserAssigned', identity_ids: [ref(json, 'azurerm_user_assigned_identity', 'natClusterId')] });
    expect(cl.network_profile.outbound_type).toBe('userAssignedNATGateway');
    expect(cl.network_profile.nat_gateway_profile).toBeUndefined();
    expect(cl.network_profile.load_balancer_profile).toBeUndefined();
    expect(cl.depends_on).toEqual([
      address(json, 'azurerm_nat_gateway', 'ngw'),
      `azurerm_nat_gateway_public_ip_association.${Object.keys(json.resource!.azurerm_nat_gateway_public_ip_association)[0]}`,
      `azurerm_subnet_nat_gateway_association.${Object.keys(json.resource!.azurerm_subnet_nat_gateway_association)[0]}`,
      `azurerm_role_assignment.${Object.keys(json.resource!.azurerm_role_assignment)[0]}`,
      `time_sleep.${Object.keys(json.resource!.time_sleep)[0]}`,
    ]);
    // A real wait: 60 s after the grant, again whenever the grant is replaced.
    const roleKey = Object.keys(json.resource!.azurerm_role_assignment)[0];
    expect(Object.values(json.resource!.time_sleep)).toEqual([{
      create_duration: '60s',
      triggers: { role_assignment_id: `\${azurerm_role_assignment.${roleKey}.id}` },
      depends_on: [`azurerm_role_assignment.${roleKey}`],
    }]);
    expect((json as any).terraform.required_providers.time).toEqual({ source: 'hashicorp/time', version: '~> 0.13' });
    expect(json.provider!.time).toEqual([{}]);
  });

  test('associates the given NAT gateway with the node subnet and names the identity after the cluster', () => {
    const json = synthWith((stack) => {
      const gw = new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'ngw' });
      cluster(stack, AksOutbound.userAssignedNatGateway({ natGateway: gw }), { nodeSubnet: vnet(stack).subnet('nodes') });
    });
    expect(resource(json, 'azurerm_subnet_nat_gateway_association').subnet_id).toBe(ref(json, 'azurerm_subnet', 'nodes'));
    expect(resource(json, 'azurerm_user_assigned_identity', 'aks-identity').name).toBe('aks-identity');
  });

  test('an existing identity gets the role and no new identity is created', () => {
    const json = synthWith((stack) => {
      const gw = new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'ngw' });
      cluster(stack, AksOutbound.userAssignedNatGateway({ natGateway: gw, identity: { id: '/id/x', principalId: 'p-1' } }),
        { nodeSubnet: vnet(stack).subnet('nodes') });
    });
    expect(resources(json, 'azurerm_user_assigned_identity')).toHaveLength(0);
    expect(resource(json, 'azurerm_role_assignment')).toMatchObject({ principal_id: 'p-1', role_definition_name: 'Network Contributor' });
    // A managed identity is a service principal: the role assignment skips the Entra ID lookup.
    expect(resource(json, 'azurerm_role_assignment')).toMatchObject({ principal_type: 'ServicePrincipal', skip_service_principal_aad_check: true });
    expect(aks(json).identity).toEqual({ type: 'UserAssigned', identity_ids: ['/id/x'] });
  });

  test('rejects a cluster without a node subnet of yours', () => {
    expect(() => synthWith((stack) => { cluster(stack, AksOutbound.userAssignedNatGateway()); }))
      .toThrow('test/aks: defaultNodePool.subnet is missing; userAssignedNATGateway needs the nodes in a subnet of yours (its NAT gateway carries the egress); set defaultNodePool.subnet');
  });

  test('rejects a node subnet without a NAT gateway', () => {
    expect(() => synthWith((stack) => { cluster(stack, AksOutbound.userAssignedNatGateway(), { nodeSubnet: vnet(stack).subnet('nodes') }); }))
      .toThrow('test/aks: outbound is "userAssignedNATGateway"; node subnet nodes has no NAT gateway; associate one (natGateway.associate(subnet)) or pass { natGateway }');
  });

  test('rejects a second NAT gateway for a subnet that has one', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack);
      new NatGateway(stack, 'nat1', { resourceGroup: rg, name: 'ngw1', subnets: [net.subnet('nodes')] });
      const other = new NatGateway(stack, 'nat2', { resourceGroup: rg, name: 'ngw2' });
      cluster(stack, AksOutbound.userAssignedNatGateway({ natGateway: other }), { nodeSubnet: net.subnet('nodes') });
    })).toThrow('test/aks: outbound.natGateway is "ngw2"; node subnet nodes already has NAT gateway ngw1; a subnet takes one');
  });

  test('rejects a node subnet whose 0.0.0.0/0 goes to a virtual appliance, bypassing the NAT gateway', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack);
      new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'ngw', subnets: [net.subnet('nodes')] });
      cluster(stack, AksOutbound.userAssignedNatGateway(), { nodeSubnet: net.subnet('nodes') });
      new RouteTable(stack, 'rt', {
        resourceGroup: rg, name: 'rt', subnets: [net.subnet('nodes')],
        routes: [{ name: 'to-nva', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.42.2.4') }],
      });
    })).toThrow('test/aks: outbound (route table rt, 0.0.0.0/0) is "VirtualAppliance"; a 0.0.0.0/0 route to a VirtualAppliance takes '
      + 'Internet traffic away from NAT gateway ngw; route 0.0.0.0/0 to Internet (or not at all), or use AksOutbound.userDefinedRouting()');
  });

  test('rejects a bad identity name', () => {
    expect(() => synthWith((stack) => {
      const gw = new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'ngw' });
      cluster(stack, AksOutbound.userAssignedNatGateway({ natGateway: gw, identityName: 'id' }), { nodeSubnet: vnet(stack).subnet('nodes') });
    })).toThrow("test/aks: outbound.identityName is \"id\"; an identity name is 3 to 128 letters, digits, '-' or '_', starting with a letter or digit");
  });

  test('rejects a second user-assigned identity on the cluster', () => {
    expect(() => synthWith((stack) => {
      const gw = new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'ngw' });
      cluster(stack, AksOutbound.userAssignedNatGateway({ natGateway: gw, identity: { id: '/id/b', principalId: 'p' } }),
        { nodeSubnet: vnet(stack).subnet('nodes'), userAssignedIdentityIds: ['/subscriptions/1111/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a'] });
    })).toThrow('test/aks: userAssignedIdentityIds is ["/subscriptions/1111/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a","/id/b"]; AKS runs its control plane as one user-assigned identity; '
      + 'with userAssignedNatGateway pass it as { identity } to the outbound strategy');
  });
});

describe('AksOutbound.userDefinedRouting', () => {
  test('given a firewall, builds the route table and creates no public IP for egress', () => {
    const json = synthWith((stack) => {
      const net = vnet(stack);
      const fw = firewall(stack, net);
      cluster(stack, AksOutbound.userDefinedRouting({
        firewall: fw, routeTableName: 'fw-rt', defaultRouteName: 'to-fw', firewallPublicIpRoute: 'fw-ip-out',
      }), { nodeSubnet: net.subnet('nodes') });
    });
    expect(resource(json, 'azurerm_route', 'to-fw')).toMatchObject({
      address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance',
      next_hop_in_ip_address: `\${${address(json, 'azurerm_firewall', 'fw')}.ip_configuration[0].private_ip_address}`,
    });
    expect(resource(json, 'azurerm_route', 'fw-ip-out')).toMatchObject({
      address_prefix: `\${${address(json, 'azurerm_public_ip', 'fw-ip')}.ip_address}/32`, next_hop_type: 'Internet',
    });
    expect(resource(json, 'azurerm_subnet_route_table_association').subnet_id).toBe(ref(json, 'azurerm_subnet', 'nodes'));
    expect(resource(json, 'azurerm_route_table', 'fw-rt')).toBeDefined();
    const profile = aks(json).network_profile;
    expect(profile.outbound_type).toBe('userDefinedRouting');
    expect(profile.load_balancer_profile).toBeUndefined();
    expect(profile.nat_gateway_profile).toBeUndefined();
    expect(resources(json, 'azurerm_public_ip').map((ip) => ip.name)).toEqual(['fw-ip']);
    expect(resources(json, 'azurerm_nat_gateway')).toHaveLength(0);
  });

  test('rejects a node subnet without a route table and no firewall', () => {
    expect(() => synthWith((stack) => { cluster(stack, AksOutbound.userDefinedRouting(), { nodeSubnet: vnet(stack).subnet('nodes') }); }))
      .toThrow('test/aks: outbound is "userDefinedRouting"; node subnet nodes has no route table; userDefinedRouting needs one whose 0.0.0.0/0 goes to a virtual appliance');
  });

  test('rejects a route table whose 0.0.0.0/0 goes to the Internet', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack);
      new RouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', routes: [{ name: 'out', addressPrefix: '0.0.0.0/0', nextHop: NextHop.internet() }], subnets: [net.subnet('nodes')] });
      cluster(stack, AksOutbound.userDefinedRouting(), { nodeSubnet: net.subnet('nodes') });
    })).toThrow("test/aks: outbound (route table rt, 0.0.0.0/0) is \"Internet\"; userDefinedRouting needs the node subnet's 0.0.0.0/0 to go to a VirtualAppliance (the firewall)");
  });

  test('rejects a cluster without a node subnet of yours', () => {
    expect(() => synthWith((stack) => { cluster(stack, AksOutbound.userDefinedRouting()); }))
      .toThrow('test/aks: defaultNodePool.subnet is missing; userDefinedRouting needs the nodes in a subnet of yours (its route table sends 0.0.0.0/0 to the firewall); set defaultNodePool.subnet');
  });
});
