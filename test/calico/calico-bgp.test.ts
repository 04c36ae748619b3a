import { AZURE_RESERVED_ASNS } from '../../lib/azure';
import { BGPPeerSpec, CalicoBgp, CalicoBgpProps, CloudPeerFilter, EgressExportFilter, EgressTenant, ExternalBgpRouter, labelSelector } from '../../lib/calico';
import { clusterStack, manifestAddress, manifestResource, synth } from '../helpers';

const routeServer = (over: Partial<ExternalBgpRouter> = {}): ExternalBgpRouter => ({
  name: 'azure-route-server',
  peerIps: ['10.0.1.4', '10.0.1.5'],
  asNumber: 65515,
  reachableBy: '10.1.0.1',
  keepOriginalNextHop: true,
  nodeSelector: "route-reflector == 'true'",
  ...over,
});

const bgp = (over: Partial<CalicoBgpProps> = {}) => {
  const { stack, manifests } = clusterStack();
  const construct = new CalicoBgp(manifests, 'bgp', {
    asNumber: 63400,
    routeReflectors: { selector: "route-reflector == 'true'" },
    ...over,
  });
  return { stack, manifests, construct };
};

describe('CalicoBgp', () => {
  test.each([
    ['Self', { nextHopMode: 'Self', keepOriginalNextHop: undefined }, '"Self"'],
    ['no mode (BGP\'s Auto)', { keepOriginalNextHop: undefined }, '"Auto"'],
  ])('refuses %s with a filter that announces learned routes (the router would send other nodes\' gateway traffic back to the peering node)', (_, over, shown) => {
    const { manifests } = clusterStack();
    const filter = new CloudPeerFilter(manifests, 'export', { name: 'export-egress-ips', tenants: [new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' })], announceLearnedRoutes: true });
    expect(() => new CalicoBgp(manifests, 'bgp', {
      asNumber: 63400, routeReflectors: { selector: "route-reflector == 'true'" },
      externalRouters: [routeServer({ filters: [filter], ...over } as Partial<ExternalBgpRouter>)],
    })).toThrow(`cluster/calico/bgp: externalRouters[0].nextHopMode is ${shown}; filter export-egress-ips announces gateway blocks learned from other nodes `
      + '(announceLearnedRoutes); with any mode but \'Keep\' the router learns them with the peering node as next hop, which reaches another node\'s '
      + 'gateway only through the cloud\'s routes back to itself; use \'Keep\'');
  });

  test('takes Keep (or the deprecated keepOriginalNextHop) with a filter that announces learned routes', () => {
    const { stack, manifests } = clusterStack();
    const filter = new CloudPeerFilter(manifests, 'export', { name: 'export-egress-ips', tenants: [new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' })], announceLearnedRoutes: true });
    new CalicoBgp(manifests, 'bgp', { asNumber: 63400, routeReflectors: { selector: "route-reflector == 'true'" }, externalRouters: [routeServer({ filters: [filter] })] });
    expect(manifestResource(synth(stack), 'BGPPeer', 'azure-route-server-a').manifest.spec.nextHopMode).toBe('Keep');
  });

  test('renders the BGPConfiguration, the route reflector peering and one peer per router address', () => {
    const { stack } = bgp({ externalRouters: [routeServer()] });
    const json = synth(stack);
    expect(manifestResource(json, 'BGPConfiguration', 'default').manifest).toEqual({
      apiVersion: 'projectcalico.org/v3', kind: 'BGPConfiguration', metadata: { name: 'default' },
      spec: { logSeverityScreen: 'Info', nodeToNodeMeshEnabled: false, asNumber: 63400 },
    });
    expect(manifestResource(json, 'BGPPeer', 'peer-with-route-reflectors').manifest.spec).toEqual({
      nodeSelector: 'all()', peerSelector: "route-reflector == 'true'",
    });
    for (const [name, ip] of [['azure-route-server-a', '10.0.1.4'], ['azure-route-server-b', '10.0.1.5']]) {
      expect(manifestResource(json, 'BGPPeer', name).manifest.spec).toEqual({
        peerIP: ip, reachableBy: '10.1.0.1', asNumber: 65515, nextHopMode: 'Keep', nodeSelector: "route-reflector == 'true'",
      });
    }
  });

  test('attaches filters to the router peerings, after the filter', () => {
    const { stack, manifests } = clusterStack();
    const filter = new EgressExportFilter(manifests, 'export', { tenants: [new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' })] });
    new CalicoBgp(manifests, 'bgp', { asNumber: 63400, externalRouters: [routeServer({ filters: [filter] })] });
    const json = synth(stack);
    const peer = manifestResource(json, 'BGPPeer', 'azure-route-server-a');
    expect(peer.manifest.spec.filters).toEqual(['export-egress-ips']);
    expect(peer.depends_on).toEqual([manifestAddress(json, 'BGPFilter', 'export-egress-ips')]);
  });

  test('adds any peer, e.g. one per node with no source address', () => {
    const { stack, construct } = bgp({ routeReflectors: undefined, nodeToNodeMesh: true, logSeverity: 'Debug' });
    construct.addPeer('tgw-connect-node-1', { node: 'ip-10-0-1-10', peerIP: '169.254.6.1', asNumber: 64512, sourceAddress: 'None' });
    const json = synth(stack);
    expect(manifestResource(json, 'BGPPeer', 'tgw-connect-node-1').manifest.spec).toEqual({
      node: 'ip-10-0-1-10', peerIP: '169.254.6.1', asNumber: 64512, sourceAddress: 'None',
    });
    expect(manifestResource(json, 'BGPConfiguration', 'default').manifest.spec).toEqual({ logSeverityScreen: 'Debug', nodeToNodeMeshEnabled: true, asNumber: 63400 });
  });

  test.each([
    ['an AS number of 0', { asNumber: 0 }, 'cluster/calico/bgp: asNumber is 0; an AS number is a whole number from 1 to 4294967294'],
    ['an AS number IANA reserves', { asNumber: 64500 }, 'cluster/calico/bgp: asNumber is 64500; 64496-64511 is reserved by IANA for documentation (RFC 5398)'],
    ['an AS number the cloud reserves', { asNumber: 65515, reservedAsns: AZURE_RESERVED_ASNS }, "cluster/calico/bgp: asNumber is 65515; 65515 is Azure Route Server's own AS number; choose another AS number"],
    ['a reserved peer AS number', { externalRouters: [routeServer({ asNumber: 23456 })] }, 'cluster/calico/bgp: externalRouters[0].peerIps[0].asNumber is 23456; 23456 is AS_TRANS'],
    ['more peering nodes than the router takes', { externalRouters: [routeServer({ maxPeers: 8, peeringNodes: 9 })] },
      'cluster/calico/bgp: externalRouters[0].peeringNodes is 9; azure-route-server takes at most 8 BGP peers; select fewer nodes (route reflectors) to peer with it'],
    ['an invalid peer address', { externalRouters: [routeServer({ peerIps: ['10.0.1.400'] })] }, 'externalRouters[0].peerIps[0].peerIP is "10.0.1.400"; expected an IP address (optionally with :port)'],
    ['an invalid reachableBy', { externalRouters: [routeServer({ reachableBy: 'gateway' })] }, 'externalRouters[0].peerIps[0].reachableBy is "gateway"; expected an IP address, e.g. 10.0.1.4'],
    ['a router without addresses', { externalRouters: [routeServer({ peerIps: [] })] }, 'externalRouters[0].peerIps is []; an external router needs at least one address'],
    ['a router name that is not DNS-1123', { externalRouters: [routeServer({ name: 'Azure_RS' })] }, "cluster/calico/bgp: BGPPeer Azure_RS-a: metadata.name is \"Azure_RS-a\"; a Kubernetes name is up to 253"],
  ])('rejects %s', (_, props, message) => {
    expect(() => bgp(props as Partial<CalicoBgpProps>)).toThrow(message as string);
  });

  test('renders nextHopMode, which replaces the deprecated keepOriginalNextHop (Calico 3.30 and later)', () => {
    const { stack } = bgp({ externalRouters: [routeServer({ keepOriginalNextHop: undefined, nextHopMode: 'Self' })] });
    const spec = manifestResource(synth(stack), 'BGPPeer', 'azure-route-server-a').manifest.spec;
    expect(spec.nextHopMode).toBe('Self');
    expect(spec.keepOriginalNextHop).toBeUndefined();
  });

  test.each([
    ['keepOriginalNextHop with nextHopMode', { externalRouters: [routeServer({ nextHopMode: 'Keep' })] },
      "cluster/calico/bgp: externalRouters[0].keepOriginalNextHop is true; keepOriginalNextHop is deprecated and cannot be set with nextHopMode (BGPPeer CRD); use nextHopMode 'Keep' alone"],
    ['a nextHopMode outside its enum', { externalRouters: [routeServer({ keepOriginalNextHop: undefined, nextHopMode: 'keep' as never })] },
      'cluster/calico/bgp: externalRouters[0].peerIps[0].nextHopMode is "keep"; allowed: "Auto", "Self", "Keep"; did you mean "Keep"?'],
    ['a node selector that does not parse', { externalRouters: [routeServer({ nodeSelector: "route-reflector == 'true" })] },
      "cluster/calico/bgp: externalRouters[0].peerIps[0].nodeSelector is \"route-reflector == 'true\"; not a Calico selector: the quote at character 20 is not closed"],
    ['a route reflector selector with an unknown operator', { routeReflectors: { selector: "route-reflector = 'true'" } },
      "cluster/calico/bgp: peers[peer-with-route-reflectors].peerSelector is \"route-reflector = 'true'\"; not a Calico selector: character 17 (\"=\") is not part of a selector"],
  ])('rejects %s', (_, props, message) => {
    expect(() => bgp(props as Partial<CalicoBgpProps>)).toThrow(message);
  });

  test('addPeer rejects keepOriginalNextHop with nextHopMode', () => {
    const { construct } = bgp();
    expect(() => construct.addPeer('p', { peerIP: '10.0.0.1', asNumber: 64512, keepOriginalNextHop: true, nextHopMode: 'Keep' })).toThrow(
      "cluster/calico/bgp: peers[p].keepOriginalNextHop is true; keepOriginalNextHop is deprecated and cannot be set with nextHopMode (BGPPeer CRD); use nextHopMode 'Keep' alone");
  });

  test('accepts a peer address with a port', () => {
    const { stack } = bgp({ externalRouters: [routeServer({ peerIps: ['10.0.1.4:179'] })] });
    expect(manifestResource(synth(stack), 'BGPPeer', 'azure-route-server-a').manifest.spec.peerIP).toBe('10.0.1.4:179');
  });

  test.each([
    ['node with nodeSelector', { node: 'n1', nodeSelector: 'all()', peerIP: '10.0.0.1', asNumber: 64512 }, 'peers[p].node is "n1"; a BGPPeer takes node or nodeSelector, not both'],
    ['peerSelector with peerIP', { peerSelector: "rr == 'true'", peerIP: '10.0.0.1' }, "peers[p].peerSelector is \"rr == 'true'\"; with peerSelector the peers are Calico nodes: leave peerIP and asNumber empty"],
    ['no peer', { nodeSelector: 'all()' }, 'peers[p].peerIP is missing; a BGPPeer needs peerIP (with asNumber) or peerSelector'],
    ['peerIP without asNumber', { peerIP: '10.0.0.1' }, 'peers[p].asNumber is missing; a peer at peerIP needs its AS number'],
    ['a reserved local AS number', { peerIP: '10.0.0.1', asNumber: 64512, localASNumber: 65535 }, 'peers[p].localASNumber is 65535; 65535 is reserved by IANA'],
  ])('addPeer rejects %s', (_, spec, message) => {
    const { construct } = bgp();
    expect(() => construct.addPeer('p', spec as BGPPeerSpec)).toThrow(`cluster/calico/bgp: ${message}`);
  });

  test('rejects a second peer of the same name', () => {
    const { construct } = bgp();
    expect(() => construct.addPeer('peer-with-route-reflectors', { peerSelector: 'all()' })).toThrow(
      'cluster/calico/bgp: peers[peer-with-route-reflectors].name is "peer-with-route-reflectors"; BGPPeer names must be unique');
  });

  test('a filter named by a peer must be declared for the cluster', () => {
    const { stack } = bgp({ externalRouters: [routeServer({ filters: ['export-egress-ips'] })] });
    expect(() => synth(stack)).toThrow(
      'cluster/calico/bgp: externalRouters[0].peerIps[0].filters[0] is "export-egress-ips"; no BGPFilter of that name is declared for this cluster (declared: none)');
  });

  test('with the mesh off, the nodes need some peering', () => {
    const { stack } = bgp({ routeReflectors: undefined });
    expect(() => synth(stack)).toThrow(
      'cluster/calico/bgp: routeReflectors is missing; with the node-to-node mesh off, nodes need BGP peers');
  });

  test('labelSelector', () => {
    expect(labelSelector({ 'route-reflector': 'true' })).toBe("route-reflector == 'true'");
    expect(labelSelector({ a: '1', b: '2' })).toBe("a == '1' && b == '2'");
    expect(labelSelector({})).toBe('all()');
  });
});

describe('CalicoBgp: BGPConfiguration default already exists', () => {
  test('patches BGPConfiguration default (import + forced server-side apply, never created, never destroyed)', () => {
    const { stack } = bgp({ externalRouters: [routeServer()] });
    const json = synth(stack);
    const config = manifestResource(json, 'BGPConfiguration', 'default');
    expect(config.field_manager).toEqual({ name: 'cdktf-kubernetes-egress', force_conflicts: true });
    expect(config.lifecycle).toEqual({ prevent_destroy: true });
    expect(json.import).toEqual([{
      id: 'apiVersion=projectcalico.org/v3,kind=BGPConfiguration,name=default',
      to: manifestAddress(json, 'BGPConfiguration', 'default'),
    }]);
  });
});
