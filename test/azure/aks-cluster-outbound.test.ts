import { AksOutbound, AppGatewayIngress, firewallPublicIpRanges } from '../../lib/azure';
import { TfJson, address, resource, resources, synthWith } from '../helpers';
import { cluster, firewall, vnet } from './outbound-fixtures';

const aks = (json: TfJson) => resource(json, 'azurerm_kubernetes_cluster', 'aks');

describe('AksCluster in a VNet AKS manages', () => {
  test('has no node subnet: managedVnet is "true and nodeSubnet says why it is missing"', () => {
    synthWith((stack) => {
      const c = cluster(stack, undefined);
      expect(c.managedVnet).toBe(true);
      expect(() => c.nodeSubnet).toThrow('test/aks: nodeSubnet is missing; cluster aks has no subnet of yours: '
        + 'AKS creates and manages its node VNet (set defaultNodePool.subnet to bring one)');
    });
  });

  test('with a subnet of yours, nodeSubnet is that subnet', () => {
    synthWith((stack) => {
      const net = vnet(stack);
      const c = cluster(stack, undefined, { nodeSubnet: net.subnet('nodes') });
      expect(c.managedVnet).toBe(false);
      expect(c.nodeSubnet).toBe(net.subnet('nodes'));
    });
  });
});

describe('API server authorized IP ranges with an egress firewall', () => {
  const udr = (ranges: (fwIps: string[]) => string[]) => synthWith((stack) => {
    const net = vnet(stack);
    const fw = firewall(stack, net, { publicIpCount: 2 });
    cluster(stack, AksOutbound.userDefinedRouting({ firewall: fw }), {
      nodeSubnet: net.subnet('nodes'),
      apiServerAuthorizedIpRanges: ranges(fw.publicIps),
    });
  });

  test('firewallPublicIpRanges gives every public IP as a /32 reference', () => {
    const json2 = synthWith((stack) => {
      const net = vnet(stack);
      const fw = firewall(stack, net, { publicIpCount: 2 });
      cluster(stack, AksOutbound.userDefinedRouting({ firewall: fw }), {
        nodeSubnet: net.subnet('nodes'),
        apiServerAuthorizedIpRanges: [...firewallPublicIpRanges(fw), '203.0.113.7/32'],
      });
    });
    expect(aks(json2).api_server_access_profile).toEqual({
      authorized_ip_ranges: [
        `\${${address(json2, 'azurerm_public_ip', 'fw-ip-1')}.ip_address}/32`,
        `\${${address(json2, 'azurerm_public_ip', 'fw-ip-2')}.ip_address}/32`,
        '203.0.113.7/32',
      ],
    });
  });

  test('bare firewall IPs count as authorized', () => {
    expect(() => udr((ips) => ips)).not.toThrow();
  });

  test('rejects ranges that leave out a firewall public IP', () => {
    expect(() => udr((ips) => [`${ips[0]}/32`, '203.0.113.7/32'])).toThrow(
      /^test\/aks: apiServerAuthorizedIpRanges is \["\$\{azurerm_public_ip\.fw_public-ip_[0-9A-F]+\.ip_address\}\/32","203\.0\.113\.7\/32"\]; the nodes reach the API server from the public IPs of firewall fw, and its public IP 2 is missing; add \.\.\.firewallPublicIpRanges\(firewall\)$/);
  });

  test('an empty list (no restriction) needs no firewall IP', () => {
    expect(() => udr(() => [])).not.toThrow();
  });
});

describe('Application Gateway ingress add-on', () => {
  type Net = ReturnType<typeof vnet>;
  const withIngress = (ingress: AppGatewayIngress | ((net: Net) => AppGatewayIngress), after?: (net: Net) => void) => synthWith((stack) => {
    const net = vnet(stack);
    const addon = typeof ingress === 'function' ? ingress(net) : ingress;
    cluster(stack, undefined, { nodeSubnet: net.subnet('nodes'), ingressApplicationGateway: addon });
    after?.(net);
  });

  const addonIdentity = (json: TfJson) =>
    `\${${address(json, 'azurerm_kubernetes_cluster', 'aks')}.ingress_application_gateway[0].ingress_application_gateway_identity[0].object_id}`;

  test('a new gateway with a subnet CIDR in a VNet of yours is refused: the add-on would need the whole VNet', () => {
    expect(() => withIngress(AppGatewayIngress.newGateway({ name: 'azure-appgateway', subnetCidr: '10.42.3.0/24' }))).toThrow(
      'test/aks: ingressApplicationGateway is "newGateway"; AKS would create the gateway\'s subnet in VNet vnet, which needs Network '
      + 'Contributor for the add-on on the whole VNet (enough to detach the node subnet\'s route table and bypass the firewall); declare '
      + 'the gateway\'s subnet and use AppGatewayIngress.newGatewayInSubnet({ name, subnet }), or set allowVnetWideGrant');
  });

  test('a new gateway with a subnet CIDR in the cluster VNet, VNet-wide grant allowed explicitly', () => {
    const json = withIngress(AppGatewayIngress.newGateway({ name: 'azure-appgateway', subnetCidr: '10.42.3.0/24', allowVnetWideGrant: true }));
    expect(aks(json).ingress_application_gateway).toEqual({ gateway_name: 'azure-appgateway', subnet_cidr: '10.42.3.0/24' });
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.principal_id === addonIdentity(json))).toEqual([expect.objectContaining({
      role_definition_name: 'Network Contributor', scope: `\${${address(json, 'azurerm_virtual_network', 'vnet')}.id}`,
    })]);
  });

  test('an existing gateway: no grant for the add-on (its subnet is not known here)', () => {
    const json = withIngress(AppGatewayIngress.existingGateway('/subscriptions/1/resourceGroups/rg/providers/Microsoft.Network/applicationGateways/agw'));
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.principal_id === addonIdentity(json))).toEqual([]);
  });

  test('a new gateway in a subnet of yours: Network Contributor on that subnet only', () => {
    const json = withIngress((net) => AppGatewayIngress.newGatewayInSubnet({
      name: 'agw', subnet: net.addSubnet({ name: 'appgw', addressPrefix: '10.42.3.0/24' }),
    }));
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.principal_id === addonIdentity(json)).map((r) => r.scope))
      .toEqual([`\${${address(json, 'azurerm_subnet', 'appgw')}.id}`]);
    expect(aks(json).ingress_application_gateway).toEqual({
      gateway_name: 'agw', subnet_id: `\${${address(json, 'azurerm_subnet', 'appgw')}.id}`,
    });
  });

  test('rejects the node subnet or a subnet Azure reserves as the gateway subnet', () => {
    const message = 'an Application Gateway needs a subnet of its own, not the node subnet nor one Azure reserves for another service';
    expect(() => withIngress((net) => AppGatewayIngress.newGatewayInSubnet({ name: 'agw', subnet: net.subnet('nodes') })))
      .toThrow(`test/aks: ingressApplicationGateway.subnet is "nodes"; ${message}`);
    expect(() => withIngress((net) => AppGatewayIngress.newGatewayInSubnet({ name: 'agw', subnet: net.subnet('AzureFirewallSubnet') })))
      .toThrow(`test/aks: ingressApplicationGateway.subnet is "AzureFirewallSubnet"; ${message}`);
  });

  test('an existing gateway by ID', () => {
    const id = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/applicationGateways/agw';
    const json = withIngress(AppGatewayIngress.existingGateway(id));
    expect(aks(json).ingress_application_gateway).toEqual({ gateway_id: id });
  });

  test.each([
    ['a range outside the VNet', AppGatewayIngress.newGateway({ name: 'agw', subnetCidr: '10.43.0.0/24' , allowVnetWideGrant: true }),
      "test/aks: ingressApplicationGateway.subnetCidr is \"10.43.0.0/24\"; AKS creates the gateway's subnet in the cluster's VNet vnet; pick a range inside 10.42.0.0/16"],
    ['a range over the node subnet', AppGatewayIngress.newGateway({ name: 'agw', subnetCidr: '10.42.1.128/25' , allowVnetWideGrant: true }),
      'test/aks: ingressApplicationGateway.subnetCidr is "10.42.1.128/25"; it overlaps subnet nodes (10.42.1.0/24) of VNet vnet; the gateway needs a subnet of its own'],
    ['a range over the service CIDR', AppGatewayIngress.newGateway({ name: 'agw', subnetCidr: '10.100.3.0/24' , allowVnetWideGrant: true }),
      "test/aks: ingressApplicationGateway.subnetCidr is \"10.100.3.0/24\"; it overlaps the cluster's service CIDR 10.100.0.0/16"],
    ['a range with host bits', AppGatewayIngress.newGateway({ name: 'agw', subnetCidr: '10.42.3.1/24' , allowVnetWideGrant: true }),
      'test/aks: ingressApplicationGateway.subnetCidr is "10.42.3.1/24"; host bits are set; the range starting there is 10.42.3.0/24'],
    ['a bad gateway name', AppGatewayIngress.newGateway({ name: 'app gateway', subnetCidr: '10.42.3.0/24', allowVnetWideGrant: true }),
      /test\/aks: ingressApplicationGateway.name is "app gateway"; a name is 1 to 80/],
    ['a gateway ID that is not one', AppGatewayIngress.existingGateway('agw'),
      'test/aks: ingressApplicationGateway.gatewayId is "agw"; expected an Application Gateway resource ID: '
      + '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/applicationGateways/<name>'],
  ])('rejects %s', (_, ingress, message) => {
    expect(() => withIngress(ingress)).toThrow(message);
  });

  test('rejects a range over a subnet added after the cluster', () => {
    expect(() => withIngress(AppGatewayIngress.newGateway({ name: 'agw', subnetCidr: '10.42.3.0/24', allowVnetWideGrant: true }),
      (net) => net.addSubnet({ name: 'late', addressPrefix: '10.42.3.0/25' })))
      .toThrow('test/aks: ingressApplicationGateway.subnetCidr is "10.42.3.0/24"; it overlaps subnet late (10.42.3.0/25) of VNet vnet; the gateway needs a subnet of its own');
  });

  test('rejects a range over the pod CIDR', () => {
    expect(() => synthWith((stack) => {
      cluster(stack, undefined, {
        network: { plugin: 'kubenet', serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10', podCidr: '10.244.0.0/16' },
        ingressApplicationGateway: AppGatewayIngress.newGateway({ name: 'agw', subnetCidr: '10.244.8.0/24' }),
      });
    })).toThrow("test/aks: ingressApplicationGateway.subnetCidr is \"10.244.8.0/24\"; it overlaps the cluster's pod CIDR 10.244.0.0/16");
  });

  test.each([
    [{ plugin: 'azure' as const, pluginMode: 'overlay' as const, podCidr: '10.244.0.0/16' }, 'azure (overlay)'],
    [{ plugin: 'none' as const }, 'none'],
  ])('rejects the add-on where pod IPs are not routable from the gateway (%#)', (net, shown) => {
    expect(() => synthWith((stack) => {
      cluster(stack, undefined, {
        network: { serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10', ...net },
        ingressApplicationGateway: AppGatewayIngress.newGateway({ name: 'agw', subnetCidr: '10.42.3.0/24' }),
      });
    })).toThrow(`test/aks: ingressApplicationGateway is "${shown}"; the ingress add-on routes to pod IPs, which it cannot reach with Azure CNI Overlay or a CNI you bring; use Azure CNI or kubenet`);
  });
});
