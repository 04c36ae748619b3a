import { Construct } from 'constructs';
import { Cidr, ValidationError, requireProps } from '../core';
import { BGPFilterRule } from './api';
import { BGP_FILTER_INTERFACE, BgpFilter } from './bgp-filter';
import { EgressTenant, checkTenantList } from './egress-tenant';

/**
 * Calico's own tunnel interfaces (IPv4): VXLAN, IP-in-IP and WireGuard. Felix programs routes to other
 * nodes' blocks through them and BIRD learns those routes from the kernel; announced to a cloud peer
 * they would carry a next hop that is not the announcing node's.
 */
export const CALICO_TUNNEL_INTERFACES: readonly string[] = ['vxlan.calico', 'tunl0', 'wireguard.cali'];


/** Props of {@link CloudPeerFilter}. */
export interface CloudPeerFilterProps {
  /** The BGPFilter's name. @default 'cloud-peer-egress' */
  readonly name?: string;
  /** Tenants whose egress ranges are announced. */
  readonly tenants: readonly EgressTenant[];
  /** Other ranges to announce (e.g. service load balancer ranges). @default - none */
  readonly additionalCidrs?: readonly (Cidr | string)[];
  /**
   * Reject every route the cloud peer announces, so Calico never programs a route through the cloud
   * router (over a Transit Gateway Connect tunnel it would bypass inspection). Set false only where
   * the cluster must learn routes from it.
   * @default true
   */
  readonly rejectImports?: boolean;
  /** Interfaces whose routes are never announced. @default CALICO_TUNNEL_INTERFACES */
  readonly tunnelInterfaces?: readonly string[];
  /**
   * Also announce the gateway blocks learned from other nodes over BGP (a route reflector's clients'),
   * which with the peering's `nextHopMode: 'Keep'` keep the node that holds them as next hop. Only for
   * a cloud router that installs a next hop other than the peer's own address (Azure Route Server:
   * "next hop IP"); then the gateways may run on any node that peers with the route reflectors. Not
   * for AWS Transit Gateway Connect, which routes a prefix through the tunnel it was learned on: there
   * every node peers itself and announces only its own blocks. When false, the gateways must run on
   * the nodes of the peerings that use the filter (checked at synth by the tenants' gateways).
   * @default false
   */
  readonly announceLearnedRoutes?: boolean;
}

/**
 * The filter of the sessions with a cloud router (Azure Route Server, AWS Transit Gateway Connect
 * peers). Export, in order: reject routes learned from other BGP peers (`source: RemotePeers`: another
 * node's gateway block learned over the mesh or from a route reflector, which `nextHopMode: 'Keep'`
 * would announce with that node's address as next hop; left out with `announceLearnedRoutes`), reject
 * routes through Calico's tunnel interfaces, accept each egress range, reject the rest. By default each
 * node thus announces only the gateway blocks it holds, with itself as next hop, and the gateways must
 * run on the peering nodes. Import: reject everything (unless `rejectImports` is false).
 */
export class CloudPeerFilter extends BgpFilter {
  /** The ranges the filter lets out. */
  public readonly exportedCidrs: readonly Cidr[];
  /** Whether the filter rejects every imported route. */
  public readonly rejectsImports: boolean;
  /** Whether the filter announces gateway blocks learned from other nodes (`announceLearnedRoutes`). */
  public readonly announcesLearnedRoutes: boolean;

  constructor(scope: Construct, id: string, props: CloudPeerFilterProps) {
    const site = `${scope.node.path}/${id}`;
    requireProps(site, 'CloudPeerFilter', props, ['tenants']);
    const tenants = checkTenantList(site, 'tenants', props.tenants);
    if (tenants.length === 0 && (props.additionalCidrs ?? []).length === 0) {
      throw new ValidationError(site, 'tenants', [], 'a cloud peer filter needs at least one tenant or range to let out');
    }
    const cidrs = [
      ...tenants.map((t) => t.egressCidr),
      ...(props.additionalCidrs ?? []).map((c, i) => {
        const cidr = Cidr.of(c, { site, field: `additionalCidrs[${i}]` });
        if (cidr.version !== 4) throw new ValidationError(site, `additionalCidrs[${i}]`, cidr.toString(), 'the filter\'s export rules take IPv4 ranges');
        return cidr;
      }),
    ];
    const interfaces = props.tunnelInterfaces ?? CALICO_TUNNEL_INTERFACES;
    interfaces.forEach((name, i) => {
      if (typeof name !== 'string' || !BGP_FILTER_INTERFACE.test(name)) {
        throw new ValidationError(site, `tunnelInterfaces[${i}]`, name, "an interface match is 1 to 15 letters, digits, '_', '.', '-' or '*'");
      }
    });
    const rejectImports = props.rejectImports ?? true;
    const announceLearned = props.announceLearnedRoutes ?? false;
    if (typeof announceLearned !== 'boolean') throw new ValidationError(site, 'announceLearnedRoutes', announceLearned, 'true or false');
    super(scope, id, {
      name: props.name ?? 'cloud-peer-egress',
      exportV4: [
        ...(announceLearned ? [] : [{ action: 'Reject', source: 'RemotePeers' } as BGPFilterRule]),
        ...interfaces.map((name): BGPFilterRule => ({ action: 'Reject', interface: name })),
        ...cidrs.map((c): BGPFilterRule => ({ action: 'Accept', matchOperator: 'In', cidr: c.toString() })),
        { action: 'Reject' },
      ],
      ...(rejectImports ? { importV4: [{ action: 'Reject' }] } : {}),
    });
    this.exportedCidrs = cidrs;
    this.rejectsImports = rejectImports;
    this.announcesLearnedRoutes = announceLearned;
  }
}
