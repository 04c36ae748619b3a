import { TerraformStack } from 'cdktf';
import { HubSpokePeering, RouteServer, RouteServerProps, VirtualNetwork } from '../../lib/azure';
import { address, azureStack, resource, resourceGroup, resources, resolveIn, synth } from '../helpers';

function hub(stack: TerraformStack, rsPrefix = '10.0.1.0/24') {
  const rg = resourceGroup(stack, 'hub');
  const vnet = new VirtualNetwork(stack, 'hub-vnet', {
    resourceGroup: rg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'],
    subnets: [{ name: 'RouteServerSubnet', addressPrefix: rsPrefix }, { name: 'nva', addressPrefix: '10.0.2.0/24' }],
  });
  return { rg, vnet };
}

function routeServer(props: Partial<RouteServerProps> = {}) {
  const stack = azureStack();
  const { rg, vnet } = hub(stack);
  const rs = new RouteServer(stack, 'hub-rs', { resourceGroup: rg, name: 'hub-rs', subnet: vnet.subnet('RouteServerSubnet'), ...props });
  return { stack, rs, vnet, rg };
}

describe('RouteServer', () => {
  test('renders the public IP, the Route Server and one connection per peer', () => {
    const { stack, rs } = routeServer({ publicIpName: 'hub-rs-pip', peers: [
      { name: 'peer-1', peerIp: '10.0.2.4', peerAsn: 63400 }, { name: 'peer-2', peerIp: '10.0.2.5', peerAsn: 63400 }] });
    const json = synth(stack);
    expect(resource(json, 'azurerm_public_ip', 'hub-rs-pip')).toMatchObject({ allocation_method: 'Static', sku: 'Standard' });
    const rsAddress = address(json, 'azurerm_route_server', 'hub-rs');
    expect(resource(json, 'azurerm_route_server', 'hub-rs')).toEqual({
      name: 'hub-rs', location: '${azurerm_resource_group.rg-hub.location}', resource_group_name: '${azurerm_resource_group.rg-hub.name}',
      sku: 'Standard', branch_to_branch_traffic_enabled: false,
      public_ip_address_id: `\${${address(json, 'azurerm_public_ip', 'hub-rs-pip')}.id}`,
      subnet_id: `\${${address(json, 'azurerm_subnet', 'RouteServerSubnet')}.id}`,
    });
    expect(resource(json, 'azurerm_route_server_bgp_connection', 'peer-1')).toEqual({
      name: 'peer-1', peer_asn: 63400, peer_ip: '10.0.2.4', route_server_id: `\${${rsAddress}.id}`,
    });
    expect(resource(json, 'azurerm_route_server_bgp_connection', 'peer-2').peer_ip).toBe('10.0.2.5');
    expect(rs.routerIps).toEqual(['10.0.1.4', '10.0.1.5']);
    expect(rs.peerIps).toEqual(rs.routerIps); // deprecated alias
    expect(resolveIn(stack, rs.virtualRouterIps)).toBe(`\${tolist(${rsAddress}.virtual_router_ips)}`);
    expect(rs.asn).toBe(65515);
    expect(rs.dependables).toHaveLength(3);
  });

  test('defaults the public IP name', () => {
    const { stack } = routeServer();
    expect(resources(synth(stack), 'azurerm_public_ip').map((r) => r.name)).toEqual(['hub-rs-pip']);
  });

  test.each([8074, 8075, 12076, 65515, 65517, 65520])('rejects peer ASN %i, which Azure reserves', (asn) => {
    const { rs } = routeServer();
    expect(() => rs.addPeer({ name: 'p', peerIp: '10.0.2.4', peerAsn: asn })).toThrow(
      new RegExp(`test/hub-rs: peers\\[p\\].peerAsn is ${asn}; .*(reserved by Azure|Azure Route Server's own AS number)`));
  });

  test.each([23456, 64496, 64511, 65535, 65551])('rejects peer ASN %i, which IANA reserves', (asn) => {
    const { rs } = routeServer();
    expect(() => rs.addPeer({ name: 'p', peerIp: '10.0.2.4', peerAsn: asn })).toThrow(/reserved by IANA|AS_TRANS/);
  });

  test.each([65552, 131072, 4200000000])('rejects peer ASN %i: Route Server supports 2-byte ASNs only', (asn) => {
    const { rs } = routeServer();
    expect(() => rs.addPeer({ name: 'p', peerIp: '10.0.2.4', peerAsn: asn })).toThrow(
      `test/hub-rs: peers[p].peerAsn is ${asn}; Azure Route Server supports 2-byte AS numbers only (1 to 65534); use a private ASN from 64512 to 65534`);
  });

  test('accepts the largest 2-byte private ASN', () => {
    const { rs } = routeServer();
    expect(rs.addPeer({ name: 'p', peerIp: '10.0.2.4', peerAsn: 65534 }).peerAsnInput).toBe(65534);
  });

  test.each(['10.0.2.0', '10.0.2.1', '10.0.2.2', '10.0.2.3', '10.0.2.255'])('rejects a peer on %s, an address Azure reserves in its subnet', (ip) => {
    const { stack } = routeServer({ peers: [{ name: 'nva', peerIp: ip, peerAsn: 63400 }] });
    expect(() => synth(stack)).toThrow(
      `test/hub-rs: peers[nva].peerIp is "${ip}"; Azure reserves 10.0.2.0, 10.0.2.1, 10.0.2.2, 10.0.2.3, 10.0.2.255 in subnet hub-vnet/nva (10.0.2.0/24); ` +
      "a peer's address is one a VM can have, from 10.0.2.4");
  });

  test('rejects a ninth peer', () => {
    const { rs } = routeServer();
    for (let i = 0; i < 8; i++) rs.addPeer({ name: `p${i}`, peerIp: `10.0.2.${10 + i}`, peerAsn: 63400 });
    expect(() => rs.addPeer({ name: 'p8', peerIp: '10.0.2.30', peerAsn: 63400 })).toThrow(
      'test/hub-rs: peers is 9; Azure Route Server takes at most 8 BGP peers; peer with route reflectors instead of every node');
  });

  test('rejects duplicate peers and bad addresses', () => {
    const { rs } = routeServer();
    rs.addPeer({ name: 'a', peerIp: '10.0.2.4', peerAsn: 63400 });
    expect(() => rs.addPeer({ name: 'a', peerIp: '10.0.2.5', peerAsn: 63400 })).toThrow('test/hub-rs: peers[a].name is "a"; connection names must be unique');
    expect(() => rs.addPeer({ name: 'b', peerIp: '10.0.2.4', peerAsn: 63400 })).toThrow('test/hub-rs: peers[b].peerIp is "10.0.2.4"; connection a already peers with it');
    expect(() => rs.addPeer({ name: 'c', peerIp: '10.0.2', peerAsn: 63400 })).toThrow("test/hub-rs: peers[c].peerIp is \"10.0.2\"; expected the peer's IP address, e.g. 10.1.0.4");
  });

  test('a peer must be in the hub or a peered VNet', () => {
    const { stack, rs, vnet } = routeServer({ peers: [{ name: 'far', peerIp: '10.1.0.4', peerAsn: 63400 }] });
    expect(() => synth(stack)).toThrow(
      'test/hub-rs: peers[far].peerIp is "10.1.0.4"; a Route Server peer must be in hub-vnet or a VNet peered with it (hub-vnet 10.0.0.0/22)');
    const spoke = new VirtualNetwork(stack, 'spoke', { resourceGroup: resourceGroup(stack, 'spoke'), name: 'spoke', addressSpace: ['10.1.0.0/22'] });
    new HubSpokePeering(stack, 'peering', { hub: vnet, spoke, gateway: rs });
    expect(() => synth(stack)).not.toThrow();
  });

  test('needs RouteServerSubnet of /26 or more, without a route table', () => {
    const stack = azureStack();
    const { rg, vnet } = hub(stack);
    expect(() => new RouteServer(stack, 'rs', { resourceGroup: rg, name: 'rs', subnet: vnet.subnet('nva') })).toThrow(
      'test/rs: subnet is "nva"; Azure Route Server is deployed into a subnet named RouteServerSubnet');
    expect(() => hub(azureStack(), '10.0.1.0/27')).toThrow(/RouteServerSubnet to be \/26 or larger/);
  });
});

describe('RouteServer.fromExisting', () => {
  const RS_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/virtualHubs/hub-rs';

  function existingHub(stack: TerraformStack) {
    const rg = resourceGroup(stack, 'net');
    return VirtualNetwork.fromExisting(stack, 'hub', {
      resourceGroup: rg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'],
      subnets: [{ name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/24' }, { name: 'nva', addressPrefix: '10.0.2.0/24' }],
    });
  }

  test('creates BGP connections against the existing Route Server and nothing else', () => {
    const stack = azureStack();
    const hubVnet = existingHub(stack);
    const rs = RouteServer.fromExisting(stack, 'hub-rs', { routeServerId: RS_ID, subnet: hubVnet.subnet('RouteServerSubnet') });
    rs.addPeer({ name: 'nva-1', peerIp: '10.0.2.4', peerAsn: 63400 });
    const json = synth(stack);
    expect(resources(json, 'azurerm_route_server')).toEqual([]);
    expect(resources(json, 'azurerm_public_ip')).toEqual([]);
    expect(resource(json, 'azurerm_route_server_bgp_connection', 'nva-1')).toEqual({
      name: 'nva-1', peer_asn: 63400, peer_ip: '10.0.2.4', route_server_id: RS_ID,
    });
    expect(rs.existing).toBe(true);
    expect(rs.name).toBe('hub-rs');
    expect(rs.routeServerId).toBe(RS_ID);
    expect(rs.routerIps).toEqual(['10.0.1.4', '10.0.1.5']);
    expect(rs.virtualRouterIps).toEqual(['10.0.1.4', '10.0.1.5']);
    expect(rs.asn).toBe(65515);
    expect(rs.resource).toBeUndefined();
    expect(rs.dependables).toHaveLength(1);
  });

  test('applies the same peer checks as a new Route Server', () => {
    const stack = azureStack();
    const rs = RouteServer.fromExisting(stack, 'hub-rs', { routeServerId: RS_ID, subnet: existingHub(stack).subnet('RouteServerSubnet') });
    expect(() => rs.addPeer({ name: 'p', peerIp: '10.0.2.4', peerAsn: 65515 })).toThrow("test/hub-rs: peers[p].peerAsn is 65515; ");
    rs.addPeer({ name: 'far', peerIp: '10.9.0.4', peerAsn: 63400 });
    expect(() => synth(stack)).toThrow('test/hub-rs: peers[far].peerIp is "10.9.0.4"; a Route Server peer must be in hub-vnet or a VNet peered with it');
  });

  test('spokes peer with its hub through gateway transit, waiting for its connections', () => {
    const stack = azureStack();
    const hubVnet = existingHub(stack);
    const rs = RouteServer.fromExisting(stack, 'hub-rs', { routeServerId: RS_ID, subnet: hubVnet.subnet('RouteServerSubnet') });
    const spokeVnet = new VirtualNetwork(stack, 'spoke', {
      resourceGroup: resourceGroup(stack, 'spoke'), name: 'spoke-vnet', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'aks', addressPrefix: '10.1.0.0/24' }],
    });
    new HubSpokePeering(stack, 'peering', { hub: hubVnet, spoke: spokeVnet, gateway: rs });
    rs.addPeer({ name: 'node-0', peerIp: spokeVnet.subnet('aks').hostIp(0), peerAsn: 63400 });
    const json = synth(stack);
    expect(resource(json, 'azurerm_virtual_network_peering', 'spoke-vnet-to-hub-vnet')).toMatchObject({ use_remote_gateways: true });
    expect(resource(json, 'azurerm_virtual_network_peering', 'hub-vnet-to-spoke-vnet')).toMatchObject({ allow_gateway_transit: true });
    expect(resource(json, 'azurerm_route_server_bgp_connection', 'node-0').peer_ip).toBe('10.1.0.4');
  });

  test.each([
    [{ routeServerId: '/subscriptions/s/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub-vnet' },
      'test/hub-rs: routeServerId is "/subscriptions/s/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub-vnet"; '
      + 'expected a Route Server ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/virtualHubs/<name>'],
    [{ routeServerId: undefined }, 'test/hub-rs: routeServerId is missing; RouteServer.fromExisting requires it'],
  ])('rejects %j', (over, message) => {
    const stack = azureStack();
    const subnet = existingHub(stack).subnet('RouteServerSubnet');
    expect(() => RouteServer.fromExisting(stack, 'hub-rs', Object.assign({ routeServerId: RS_ID, subnet }, over))).toThrow(message);
  });

  test('needs the RouteServerSubnet', () => {
    const stack = azureStack();
    expect(() => RouteServer.fromExisting(stack, 'hub-rs', { routeServerId: RS_ID, subnet: existingHub(stack).subnet('nva') })).toThrow(
      'test/hub-rs: subnet is "nva"; Azure Route Server is deployed into a subnet named RouteServerSubnet');
  });
});
