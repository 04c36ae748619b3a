import { CALICO_TUNNEL_INTERFACES, CloudPeerFilter, CloudPeerFilterProps, EgressTenant } from '../../lib/calico';
import { clusterStack, manifestResource, synth } from '../helpers';

const tenants = [
  new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' }),
  new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' }),
];

const build = (props: Partial<CloudPeerFilterProps> = {}) => {
  const { stack, manifests } = clusterStack();
  const filter = new CloudPeerFilter(manifests, 'cloud', { tenants, ...props });
  return { stack, filter };
};

describe('CloudPeerFilter', () => {
  test('rejects re-advertised routes and routes through Calico\'s tunnels first, accepts the egress ranges, rejects the rest, imports nothing', () => {
    const { stack, filter } = build();
    expect(manifestResource(synth(stack), 'BGPFilter', 'cloud-peer-egress').manifest).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'BGPFilter',
      metadata: { name: 'cloud-peer-egress' },
      spec: {
        exportV4: [
          { action: 'Reject', source: 'RemotePeers' },
          { action: 'Reject', interface: 'vxlan.calico' },
          { action: 'Reject', interface: 'tunl0' },
          { action: 'Reject', interface: 'wireguard.cali' },
          { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.0/29' },
          { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.8/29' },
          { action: 'Reject' },
        ],
        importV4: [{ action: 'Reject' }],
      },
    });
    expect(filter.exportedCidrs.map(String)).toEqual(['10.99.0.0/29', '10.99.0.8/29']);
    expect(filter.rejectsImports).toBe(true);
    expect(CALICO_TUNNEL_INTERFACES).toEqual(['vxlan.calico', 'tunl0', 'wireguard.cali']);
  });

  test('takes a name, more ranges, its own interfaces, and imports where the cluster must learn routes', () => {
    const { stack, filter } = build({ name: 'rs', additionalCidrs: ['10.98.0.0/28'], tunnelInterfaces: ['vxlan.calico'], rejectImports: false });
    const spec = manifestResource(synth(stack), 'BGPFilter', 'rs').manifest.spec;
    expect(spec).toEqual({
      exportV4: [
        { action: 'Reject', source: 'RemotePeers' },
        { action: 'Reject', interface: 'vxlan.calico' },
        { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.0/29' },
        { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.8/29' },
        { action: 'Accept', matchOperator: 'In', cidr: '10.98.0.0/28' },
        { action: 'Reject' },
      ],
    });
    expect(filter.rejectsImports).toBe(false);
  });

  test('announces the routes learned from other nodes too with announceLearnedRoutes (a route reflector peering with Azure Route Server)', () => {
    const { stack, filter } = build({ announceLearnedRoutes: true });
    expect(manifestResource(synth(stack), 'BGPFilter', 'cloud-peer-egress').manifest.spec.exportV4).toEqual([
      { action: 'Reject', interface: 'vxlan.calico' },
      { action: 'Reject', interface: 'tunl0' },
      { action: 'Reject', interface: 'wireguard.cali' },
      { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.0/29' },
      { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.8/29' },
      { action: 'Reject' },
    ]);
    expect(filter.announcesLearnedRoutes).toBe(true);
    expect(build().filter.announcesLearnedRoutes).toBe(false);
  });

  test.each([
    ['no tenants and no ranges', { tenants: [] }, 'cluster/calico/cloud: tenants is []; a cloud peer filter needs at least one tenant or range to let out'],
    ['tenants that are not a list (JavaScript)', { tenants: 'tenant0' }, 'cluster/calico/cloud: tenants (a string) is "tenant0"; expected a list of EgressTenants'],
    ['an IPv6 additional range', { additionalCidrs: ['fd00::/64'] }, 'cluster/calico/cloud: additionalCidrs[0] is "fd00::/64"; the filter\'s export rules take IPv4 ranges'],
    ['an interface name longer than 15', { tunnelInterfaces: ['vxlan.calico.long'] },
      'cluster/calico/cloud: tunnelInterfaces[0] is "vxlan.calico.long"; an interface match is 1 to 15 letters, digits, \'_\', \'.\', \'-\' or \'*\''],
    ['announceLearnedRoutes that is not a boolean (JavaScript)', { announceLearnedRoutes: 'yes' }, 'cluster/calico/cloud: announceLearnedRoutes is "yes"; true or false'],
  ])('rejects %s', (_, props, message) => {
    expect(() => build(props as unknown as Partial<CloudPeerFilterProps>)).toThrow(message);
  });
});
