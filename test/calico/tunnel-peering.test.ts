import { CalicoBgp, CloudPeerFilter, EgressExportFilter, EgressTenant, NodeTunnelPeer, TunnelBgpPeers, TunnelBgpPeersProps } from '../../lib/calico';
import { clusterStack, manifestAddress, manifestResource, resources, synth } from '../helpers';

const node1: NodeTunnelPeer = { node: 'node-1', insideCidr: '169.254.8.8/29', nodeAddress: '169.254.8.9', routerAddresses: ['169.254.8.10', '169.254.8.11'], routerAsn: 64512 };
const node2: NodeTunnelPeer = { node: 'node-2', insideCidr: '169.254.8.16/29', nodeAddress: '169.254.8.17', routerAddresses: ['169.254.8.18', '169.254.8.19'], routerAsn: 64512 };

const TGW_LAYOUT = { nodeHost: 1, routerHosts: [2, 3], router: 'AWS Transit Gateway Connect' };

const build = (over: Partial<Omit<TunnelBgpPeersProps, 'bgp'>> = {}) => {
  const { stack, manifests } = clusterStack();
  const bgp = new CalicoBgp(manifests, 'bgp', { asNumber: 65001, nodeToNodeMesh: true });
  const peers = new TunnelBgpPeers(manifests, 'tgw', { bgp, name: 'tgw-connect', tunnels: [node1, node2], ...over });
  return { stack, manifests, bgp, peers };
};

describe('TunnelBgpPeers', () => {
  test('one BGPPeer per router address of each tunnel, scoped to its node, multihop-ready defaults', () => {
    const { stack, peers } = build();
    const json = synth(stack);
    const spec = (name: string) => manifestResource(json, 'BGPPeer', name).manifest.spec;
    expect(spec('tgw-connect-node-1-a')).toEqual({ node: 'node-1', peerIP: '169.254.8.10', asNumber: 64512, nextHopMode: 'Keep', sourceAddress: 'None' });
    expect(spec('tgw-connect-node-1-b')).toEqual({ node: 'node-1', peerIP: '169.254.8.11', asNumber: 64512, nextHopMode: 'Keep', sourceAddress: 'None' });
    expect(spec('tgw-connect-node-2-a')).toEqual({ node: 'node-2', peerIP: '169.254.8.18', asNumber: 64512, nextHopMode: 'Keep', sourceAddress: 'None' });
    expect(spec('tgw-connect-node-2-b')).toEqual({ node: 'node-2', peerIP: '169.254.8.19', asNumber: 64512, nextHopMode: 'Keep', sourceAddress: 'None' });
    expect(resources(json, 'kubernetes_manifest').filter((r) => r.manifest.kind === 'BGPPeer')).toHaveLength(4);
    expect(Object.fromEntries(Object.entries(peers.peers).map(([n, es]) => [n, es.map((e) => e.object.metadata.name)]))).toEqual({
      'node-1': ['tgw-connect-node-1-a', 'tgw-connect-node-1-b'], 'node-2': ['tgw-connect-node-2-a', 'tgw-connect-node-2-b'],
    });
  });

  test('refuses a filter that announces routes learned from other nodes: the router would send them back through this node\'s tunnel', () => {
    const { manifests } = clusterStack();
    const filter = new CloudPeerFilter(manifests, 'export', { tenants: [new EgressTenant({ name: 'tenant0', egressCidr: '198.51.100.0/28' })], announceLearnedRoutes: true });
    const bgp = new CalicoBgp(manifests, 'bgp', { asNumber: 65001, nodeToNodeMesh: true });
    expect(() => new TunnelBgpPeers(manifests, 'tgw', { bgp, name: 'tgw-connect', tunnels: [node1], filters: [filter] })).toThrow(
      'cluster/calico/tgw: filters[0] is "cloud-peer-egress"; a router at the end of a tunnel routes a prefix through the tunnel it learned it on, '
      + 'so another node\'s gateway block announced here would come back through this node\'s tunnel; use a filter without announceLearnedRoutes '
      + '(each node announces the blocks it holds)');
  });

  test('takes filters (after which the peers are applied) and the BGPPeer options', () => {
    const { stack, manifests } = clusterStack();
    const filter = new EgressExportFilter(manifests, 'export', { tenants: [new EgressTenant({ name: 'tenant0', egressCidr: '198.51.100.0/28' })] });
    const bgp = new CalicoBgp(manifests, 'bgp', { asNumber: 65001, nodeToNodeMesh: true });
    new TunnelBgpPeers(manifests, 'tgw', {
      bgp, name: 'edge', tunnels: [node1], filters: [filter], keepOriginalNextHop: false, sourceAddress: 'UseNodeIP', insidePrefix: 29,
    });
    const json = synth(stack);
    const peer = manifestResource(json, 'BGPPeer', 'edge-node-1-a');
    expect(peer.manifest.spec).toEqual({
      node: 'node-1', peerIP: '169.254.8.10', asNumber: 64512, nextHopMode: 'Auto', sourceAddress: 'UseNodeIP', filters: ['export-egress-ips'],
    });
    expect(peer.depends_on).toEqual([manifestAddress(json, 'BGPFilter', 'export-egress-ips')]);
  });

  test('every node of `nodes` with a tunnel passes, in any order', () => {
    const { stack } = build({ nodes: ['node-2', 'node-1'] });
    expect(manifestResource(synth(stack), 'BGPPeer', 'tgw-connect-node-2-b').manifest.spec.node).toBe('node-2');
  });

  const at = 'cluster/calico/tgw';
  test.each([
    ['a router address outside the tunnel\'s /29', { tunnels: [{ ...node1, routerAddresses: ['169.254.8.10', '169.254.8.18'] }, node2] },
      `${at}: tunnels[node-1].routerAddresses[1] is "169.254.8.18"; the router is peered with inside the tunnel: a usable literal address of its inside range 169.254.8.8/29, other than the node's 169.254.8.9`],
    ['the node\'s own address as a router address', { tunnels: [{ ...node1, routerAddresses: ['169.254.8.9'] }] },
      `${at}: tunnels[node-1].routerAddresses[0] is "169.254.8.9"; the router is peered with inside the tunnel`],
    ['the /29\'s network address as a router address', { tunnels: [{ ...node1, routerAddresses: ['169.254.8.8'] }] },
      `${at}: tunnels[node-1].routerAddresses[0] is "169.254.8.8";`],
    ['a router address that is not an IP', { tunnels: [{ ...node1, routerAddresses: ['tgw'] }] }, `${at}: tunnels[node-1].routerAddresses[0] is "tgw";`],
    ['a node address outside the tunnel\'s /29', { tunnels: [{ ...node1, nodeAddress: '169.254.9.9' }] },
      `${at}: tunnels[node-1].nodeAddress is "169.254.9.9"; the node's inside address is a usable literal address of 169.254.8.8/29`],
    ['a tunnel without router addresses', { tunnels: [{ ...node1, routerAddresses: [] }] }, `${at}: tunnels[node-1].routerAddresses is []; a tunnel needs the router's BGP address`],
    ['an inside range that is not the /29 the router takes', { tunnels: [{ ...node1, insideCidr: '169.254.8.0/28' }], insidePrefix: 29 },
      `${at}: tunnels[node-1].insideCidr is "169.254.8.0/28"; the router takes an IPv4 /29 inside range`],
    ['an inside range without two usable addresses', { tunnels: [{ ...node1, insideCidr: '169.254.8.8/31' }] },
      `${at}: tunnels[node-1].insideCidr is "169.254.8.8/31"; an inside range is an IPv4 range of /30 or larger`],
    ['the router in the cluster\'s own AS (iBGP)', { tunnels: [{ ...node1, routerAsn: 65001 }] },
      `${at}: tunnels[node-1].routerAsn is 65001; it is the cluster's own AS number; the sessions must be eBGP: over iBGP Calico announces routes without an AS path, which the router rejects`],
    ['a tunnel node name that is not DNS-1123', { tunnels: [{ ...node1, node: 'Node_1' }] },
      `${at}: tunnels[0].node is "Node_1"; a Kubernetes name is up to 253 lower-case letters, digits, '-' or '.'`],
    ['a node name that is not DNS-1123', { nodes: ['node-1', 'node 2'] }, `${at}: nodes[1] is "node 2"; a Kubernetes name is up to 253`],
    ['two tunnels on one node', { tunnels: [node1, { ...node2, node: 'node-1' }] },
      `${at}: tunnels[1].node is "node-1"; each node peers through one tunnel; it already has one`],
    ['more nodes than tunnels', { nodes: ['node-1', 'node-2', 'node-3'] },
      `${at}: nodes is 3; there are only 2 tunnels (node-1, node-2); every node that peers needs a tunnel of its own: add tunnels (Connect peers) or peer fewer nodes`],
    ['a node without a tunnel', { nodes: ['node-1', 'node-3'] }, `${at}: nodes[node-3] is "node-3"; it has no tunnel; tunnels are on node-1, node-2`],
    ['a tunnel on none of the nodes', { nodes: ['node-1'] }, `${at}: tunnels[node-2].node is "node-2"; it is none of the nodes that peer (node-1)`],
    ['the node\'s own address as a router address, where the router fixes the layout',
      { tunnels: [{ ...node1, routerAddresses: ['169.254.8.9'] }], insideLayout: TGW_LAYOUT },
      `${at}: tunnels[node-1].routerAddresses[0] is "169.254.8.9"; AWS Transit Gateway Connect has 169.254.8.10 and 169.254.8.11 of 169.254.8.8/29; peer with those, not the node's own address or a free one`],
    ['a free address of the range as a router address, where the router fixes the layout',
      { tunnels: [{ ...node1, routerAddresses: ['169.254.8.10', '169.254.8.12'] }], insideLayout: TGW_LAYOUT },
      `${at}: tunnels[node-1].routerAddresses[1] is "169.254.8.12"; AWS Transit Gateway Connect has 169.254.8.10 and 169.254.8.11 of 169.254.8.8/29`],
    ['a node address other than the one the router gives it',
      { tunnels: [{ ...node1, nodeAddress: '169.254.8.12' }], insideLayout: TGW_LAYOUT },
      `${at}: tunnels[node-1].nodeAddress is "169.254.8.12"; AWS Transit Gateway Connect gives the node (appliance) 169.254.8.9 of 169.254.8.8/29`],
    ['a source address mode in the wrong case (JavaScript)', { sourceAddress: 'none' },
      `${at}: sourceAddress is "none"; allowed: "UseNodeIP", "None"; did you mean "None"?`],
    ['no tunnels', { tunnels: [] }, `${at}: tunnels is []; name at least one node's tunnel`],
    ['an inside prefix without two usable addresses', { insidePrefix: 31 }, `${at}: insidePrefix is 31; an inside prefix length is 1 to 30`],
    ['a reserved router AS number', { tunnels: [{ ...node1, routerAsn: 23456 }] },
      'cluster/calico/bgp: tgw-connect[node-1].routerAddresses[0].asNumber is 23456; 23456 is AS_TRANS'],
  ])('rejects %s', (_, props, message) => {
    expect(() => build(props as Partial<TunnelBgpPeersProps>)).toThrow(message);
  });

  test('a filter named by the peers must be declared for the cluster', () => {
    const { stack } = build({ filters: ['export-egress-ips'] });
    expect(() => synth(stack)).toThrow(
      'cluster/calico/bgp: tgw-connect[node-1].routerAddresses[0].filters[0] is "export-egress-ips"; no BGPFilter of that name is declared for this cluster (declared: none)');
  });
});
