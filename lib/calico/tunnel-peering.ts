import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { Cidr, ValidationError, checkDns1123Subdomain, checkEnum, isIpAddress } from '../core';
import { NextHopMode } from './api';
import { requireProps } from '../core/guards';
import { BgpFilterRef, CalicoBgp } from './calico-bgp';
import { announcesLearnedRoutes } from './gateway-announcement';
import { ManifestEntry } from './cluster-manifests';
import { checkInsideRange, isUsableInside, peerSuffix } from './tunnel-inside';

/** The BGP side of one node's tunnel to a router (e.g. an AWS Transit Gateway Connect peer). */
export interface NodeTunnelPeer {
  /** The Kubernetes node at the tunnel's near end, e.g. `node-1`. */
  readonly node: string;
  /** The tunnel's inside range, e.g. `169.254.8.8/29`. */
  readonly insideCidr: Cidr | string;
  /** The node's address in it, what its BGP sessions leave from, e.g. `169.254.8.9`. */
  readonly nodeAddress: string;
  /** The router's BGP addresses in it, one BGPPeer each, e.g. `['169.254.8.10', '169.254.8.11']`. */
  readonly routerAddresses: readonly string[];
  /** The router's AS number on this tunnel. */
  readonly routerAsn: number;
}

/**
 * Which addresses of a tunnel's inside range belong to whom, when the router fixes it, as offsets from
 * the range's network address. AWS Transit Gateway Connect: the appliance (node) takes the first
 * (offset 1), the transit gateway the second and third (2 and 3).
 */
export interface TunnelInsideLayout {
  /** The node's address. */
  readonly nodeHost: number;
  /** The router's BGP addresses. */
  readonly routerHosts: readonly number[];
  /** Who fixes it, for messages, e.g. `AWS Transit Gateway Connect`. */
  readonly router: string;
}

/** Props of {@link TunnelBgpPeers}. */
export interface TunnelBgpPeersProps {
  /** The cluster's BGP, which gets the BGPPeers and whose AS number the router's must differ from. */
  readonly bgp: CalicoBgp;
  /** Stem of the BGPPeer names: `<name>-<node>-a`, `<name>-<node>-b`, ... */
  readonly name: string;
  /** One tunnel per node. */
  readonly tunnels: readonly NodeTunnelPeer[];
  /**
   * The Kubernetes nodes that must each peer through a tunnel of their own: every one needs a tunnel,
   * and every tunnel must be on one of them.
   * @default - the tunnels' nodes
   */
  readonly nodes?: readonly string[];
  /** The prefix length every inside range must have (29 for AWS Transit Gateway Connect). @default - any */
  readonly insidePrefix?: number;
  /**
   * The router's fixed use of the inside range: the node's address and every router address must be
   * where it says (with AWS Transit Gateway Connect, `TGW_CONNECT_INSIDE_LAYOUT` of the AWS area).
   * @default - any usable addresses
   */
  readonly insideLayout?: TunnelInsideLayout;
  /** Next hop of the routes sent: `Keep`, the node that owns them, as every node peers with the router itself. @default 'Keep' */
  readonly nextHopMode?: NextHopMode;
  /** @deprecated Use `nextHopMode` (Calico's BGPPeer deprecates `keepOriginalNextHop`): true is `Keep`, false `Auto`. @default true */
  readonly keepOriginalNextHop?: boolean;
  /** `None` lets the kernel pick the session's source: the node's inside address, on the tunnel's connected route. @default 'None' */
  readonly sourceAddress?: 'UseNodeIP' | 'None';
  /** Filters of the sessions, in order (e.g. an {@link EgressExportFilter}). @default - none */
  readonly filters?: readonly BgpFilterRef[];
}

/**
 * BGP over per-node tunnels: each node peers, from its own inside address, with the router's
 * addresses inside its own tunnel, one BGPPeer per router address scoped to that node (`node`).
 * With AWS Transit Gateway Connect every tunnel has two router addresses, two BGP sessions for
 * redundancy, and routes learned on either are kept for the tunnel.
 *
 * Checks: node names are DNS-1123 subdomains; each node has one tunnel; every node of `nodes` has a
 * tunnel, and there are no more nodes than tunnels; every router address (and the node's own) is a
 * usable address of its tunnel's inside range; the sessions are eBGP (the router's AS number is not
 * the cluster's: over iBGP Calico announces routes without an AS path, which routers such as a
 * Transit Gateway Connect peer reject).
 */
export class TunnelBgpPeers extends Construct {
  /** The BGPPeer objects, by node, in the order of the router's addresses. */
  public readonly peers: { readonly [node: string]: readonly ManifestEntry[] };

  constructor(scope: Construct, id: string, props: TunnelBgpPeersProps) {
    super(scope, id);
    requireProps(this, 'TunnelBgpPeers', props, ['bgp', 'name', 'tunnels']);
    const { bgp } = props;
    if (props.tunnels.length === 0) {
      throw new ValidationError(this, 'tunnels', [], 'name at least one node\'s tunnel');
    }
    if (props.insidePrefix !== undefined && (!Number.isInteger(props.insidePrefix) || props.insidePrefix < 1 || props.insidePrefix > 30)) {
      throw new ValidationError(this, 'insidePrefix', props.insidePrefix, 'an inside prefix length is 1 to 30 (a tunnel needs two usable addresses)');
    }

    const tunnelNodes: string[] = [];
    props.tunnels.forEach((t, i) => {
      const field = `tunnels[${i}]`;
      checkDns1123Subdomain(this, `${field}.node`, t.node);
      if (tunnelNodes.includes(t.node)) {
        throw new ValidationError(this, `${field}.node`, t.node, 'each node peers through one tunnel; it already has one');
      }
      tunnelNodes.push(t.node);
    });

    const nodes = props.nodes ?? tunnelNodes;
    nodes.forEach((n, i) => checkDns1123Subdomain(this, `nodes[${i}]`, n));
    if (nodes.length > props.tunnels.length) {
      throw new ValidationError(this, 'nodes', nodes.length,
        `there are only ${props.tunnels.length} tunnels (${tunnelNodes.join(', ')}); every node that peers needs a tunnel of its own: add tunnels (Connect peers) or peer fewer nodes`);
    }
    for (const n of nodes) {
      if (!tunnelNodes.includes(n)) {
        throw new ValidationError(this, `nodes[${n}]`, n, `it has no tunnel; tunnels are on ${tunnelNodes.join(', ')}`);
      }
    }
    for (const n of tunnelNodes) {
      if (!nodes.includes(n)) {
        throw new ValidationError(this, `tunnels[${n}].node`, n, `it is none of the nodes that peer (${nodes.join(', ')})`);
      }
    }

    const sourceAddress = checkEnum(this, 'sourceAddress', props.sourceAddress ?? 'None', ['UseNodeIP', 'None']);
    (props.filters ?? []).forEach((f, i) => {
      if (announcesLearnedRoutes(f)) {
        throw new ValidationError(this, `filters[${i}]`, f.name,
          'a router at the end of a tunnel routes a prefix through the tunnel it learned it on, so another node\'s gateway block announced here would come back through this node\'s tunnel; use a filter without announceLearnedRoutes (each node announces the blocks it holds)');
      }
    });
    const filters = (props.filters ?? []).map((f) => (typeof f === 'string' ? f : f.name));
    const peers: { [node: string]: ManifestEntry[] } = {};
    props.tunnels.forEach((t) => {
      const field = `tunnels[${t.node}]`;
      const inside = checkInsideRange(this, `${field}.insideCidr`, t.insideCidr, props.insidePrefix);
      const usable = (a: string) => !Token.isUnresolved(a) && isIpAddress(a) && isUsableInside(inside, a);
      if (!usable(t.nodeAddress)) {
        throw new ValidationError(this, `${field}.nodeAddress`, t.nodeAddress, `the node's inside address is a usable literal address of ${inside}`);
      }
      if (t.routerAddresses.length === 0) {
        throw new ValidationError(this, `${field}.routerAddresses`, [], 'a tunnel needs the router\'s BGP address');
      }
      const layout = props.insideLayout;
      if (layout) {
        const nodeAt = inside.host(layout.nodeHost);
        if (t.nodeAddress !== nodeAt) {
          throw new ValidationError(this, `${field}.nodeAddress`, t.nodeAddress,
            `${layout.router} gives the node (appliance) ${nodeAt} of ${inside}`);
        }
        const routerAt = layout.routerHosts.map((h) => inside.host(h));
        t.routerAddresses.forEach((a, j) => {
          if (!routerAt.includes(a)) {
            throw new ValidationError(this, `${field}.routerAddresses[${j}]`, a,
              `${layout.router} has ${routerAt.join(' and ')} of ${inside}; peer with those, not the node's own address or a free one`);
          }
        });
      }
      t.routerAddresses.forEach((a, j) => {
        if (!usable(a) || a === t.nodeAddress) {
          throw new ValidationError(this, `${field}.routerAddresses[${j}]`, a,
            `the router is peered with inside the tunnel: a usable literal address of its inside range ${inside}, other than the node's ${t.nodeAddress}`);
        }
      });
      if (t.routerAsn === bgp.asNumber) {
        throw new ValidationError(this, `${field}.routerAsn`, t.routerAsn,
          'it is the cluster\'s own AS number; the sessions must be eBGP: over iBGP Calico announces routes without an AS path, which the router rejects');
      }
      peers[t.node] = t.routerAddresses.map((a, j) => bgp.addPeer(`${props.name}-${t.node}-${peerSuffix(j)}`, {
        node: t.node,
        peerIP: a,
        asNumber: t.routerAsn,
        nextHopMode: props.nextHopMode ?? (props.keepOriginalNextHop === false ? 'Auto' : 'Keep'),
        sourceAddress,
        filters: filters.length > 0 ? filters : undefined,
      }, `${props.name}[${t.node}].routerAddresses[${j}]`));
    });
    this.peers = peers;
  }
}
