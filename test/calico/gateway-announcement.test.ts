import { CalicoBgp, CloudPeerFilter, EgressGatewayTenant, EgressGatewayTenantProps, EgressTenant, ExternalBgpRouter, labelSelector } from '../../lib/calico';
import { clusterStack, manifestResource, synth } from '../helpers';

const tenant0 = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
const routeReflectors = labelSelector({ 'route-reflector': 'true' });

/** Document 000's topology: route reflectors peer with the Route Server, every node with them. */
function build(opts: {
  router?: Partial<ExternalBgpRouter>;
  gateway?: Partial<EgressGatewayTenantProps>;
  announceLearnedRoutes?: boolean;
  filterTenants?: EgressTenant[];
} = {}) {
  const { stack, manifests } = clusterStack();
  const filter = new CloudPeerFilter(manifests, 'export', {
    name: 'export-egress-ips', tenants: opts.filterTenants ?? [tenant0], announceLearnedRoutes: opts.announceLearnedRoutes,
  });
  new CalicoBgp(manifests, 'bgp', {
    asNumber: 63400,
    routeReflectors: { selector: routeReflectors },
    externalRouters: [{
      name: 'azure-route-server', peerIps: ['10.0.1.4', '10.0.1.5'], asNumber: 65515, nextHopMode: 'Keep',
      nodeSelector: routeReflectors, filters: [filter], ...opts.router,
    }],
  });
  const gateways = new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0, ...opts.gateway });
  return { stack, gateways };
}

const warningsOf = (gateways: EgressGatewayTenant) => gateways.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);

describe('the gateways of a tenant run where their blocks reach the cloud router', () => {
  test('refuses gateways that can run off the route reflectors when the filter rejects the routes the route reflectors learn', () => {
    const { stack } = build();
    expect(() => synth(stack)).toThrow(
      'cluster/calico/tenant0: nodeSelector is {kubernetes.io/os: "linux"}; the gateways can run on nodes outside BGPPeers '
      + 'azure-route-server-a, azure-route-server-b (nodeSelector route-reflector == \'true\'), and filter export-egress-ips rejects routes '
      + 'learned from other nodes (source RemotePeers), so a gateway block of 10.99.0.0/29 on any other node reaches no router outside the '
      + 'cluster; pin the gateways to those nodes (nodeSelector {kubernetes.io/os: "linux", route-reflector: "true"}), or, where the router '
      + 'installs a next hop other than its peer (Azure Route Server), announce learned routes (CloudPeerFilter announceLearnedRoutes) with '
      + 'nextHopMode \'Keep\'');
  });

  test('accepts gateways pinned to the peering nodes', () => {
    const { stack } = build({ gateway: { nodeSelector: { 'kubernetes.io/os': 'linux', 'route-reflector': 'true' } } });
    expect(manifestResource(synth(stack), 'EgressGateway', 'tenant0-egw', 'tenant0-egw').manifest.spec.template.spec.nodeSelector)
      .toEqual({ 'kubernetes.io/os': 'linux', 'route-reflector': 'true' });
  });

  test('accepts gateways anywhere when the route reflectors announce what they learn (announceLearnedRoutes)', () => {
    const { stack, gateways } = build({ announceLearnedRoutes: true });
    const json = synth(stack);
    expect(manifestResource(json, 'BGPFilter', 'export-egress-ips').manifest.spec.exportV4[0]).toEqual({ action: 'Reject', interface: 'vxlan.calico' });
    expect(warningsOf(gateways)).toEqual([]);
  });

  test('accepts gateways anywhere when every node peers with the router', () => {
    const { stack, gateways } = build({ router: { nodeSelector: 'all()' } });
    synth(stack);
    expect(warningsOf(gateways)).toEqual([]);
  });

  test('does not look at peers whose filters do not let the tenant\'s range out', () => {
    const other = new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' });
    const { stack, gateways } = build({ filterTenants: [other] });
    synth(stack);
    expect(warningsOf(gateways)).toEqual([]);
  });

  test('warns where the peering\'s selector is beyond what it reads', () => {
    const { stack, gateways } = build({ router: { nodeSelector: "route-reflector in {'true'}" } });
    synth(stack);
    expect(warningsOf(gateways)).toEqual([
      'nodeSelector is {kubernetes.io/os: "linux"}; whether the gateways run only on nodes of BGPPeers azure-route-server-a, azure-route-server-b '
      + '(nodeSelector route-reflector in {\'true\'}) could not be checked at synth, and filter export-egress-ips rejects routes learned from other '
      + 'nodes (source RemotePeers), so a gateway block of 10.99.0.0/29 on any other node reaches no router outside the cluster',
    ]);
  });

  test('warns where an affinity may pin the gateways', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'route-reflector', operator: 'In', values: ['true'] }] }] } } };
    const { stack, gateways } = build({ gateway: { affinity } as Partial<EgressGatewayTenantProps> });
    synth(stack);
    expect(warningsOf(gateways)).toEqual([
      'nodeSelector is {kubernetes.io/os: "linux"} with an affinity; whether the gateways run only on nodes of BGPPeers azure-route-server-a, '
      + 'azure-route-server-b (nodeSelector route-reflector == \'true\') could not be checked at synth, and filter export-egress-ips rejects routes '
      + 'learned from other nodes (source RemotePeers), so a gateway block of 10.99.0.0/29 on any other node reaches no router outside the cluster',
    ]);
  });

  test('leaves per-node peers (one session per node, as Transit Gateway Connect needs) alone', () => {
    const { stack, manifests } = clusterStack();
    const filter = new CloudPeerFilter(manifests, 'export', { tenants: [tenant0] });
    const bgp = new CalicoBgp(manifests, 'bgp', { asNumber: 65001, nodeToNodeMesh: true });
    bgp.addPeer('tgw-node-1-a', { node: 'node-1', peerIP: '169.254.6.2', asNumber: 64512, filters: [filter.name] });
    const gateways = new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0 });
    synth(stack);
    expect(warningsOf(gateways)).toEqual([]);
  });
});
