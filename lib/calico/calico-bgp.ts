import { Construct } from 'constructs';
import { Token } from 'cdktf';
import {
  ReservedAsnRange, ValidationError, brand, checkAsn, checkAtSynth, checkDns1123Subdomain, checkEnum, checkList, isIpAddress, knownOrWarn, typeName,
} from '../core';
import {
  BGPConfiguration, BGPPeer, BGPPeerSpec, BGP_FAILURE_DETECTION_MODES, BGP_LOG_SEVERITIES, BGP_RESTART_MODES, BGP_SOURCE_ADDRESSES,
  BIRD_GATEWAY_MODES, BgpLogSeverity, BgpPassword, CALICO_API_VERSION, NEXT_HOP_MODES, NextHopMode,
} from './api';
import { requireLiteral, requireProps } from '../core/guards';
import { BgpFilter } from './bgp-filter';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { announcesLearnedRoutes } from './gateway-announcement';
import { checkSelector } from './selector';
import { peerSuffix } from './tunnel-inside';

/** A BGPFilter, by construct or by name. */
export type BgpFilterRef = BgpFilter | string;

/** Peering of the nodes with in-cluster route reflectors. */
export interface RouteReflectorPeering {
  /** The nodes acting as route reflectors, e.g. `route-reflector == 'true'` (a label of their node pool). */
  readonly selector: string;
  /** The nodes that peer with them. @default 'all()' */
  readonly clients?: string;
  /** Name of the BGPPeer. @default 'peer-with-route-reflectors' */
  readonly name?: string;
}

/**
 * A BGP router outside the cluster (a cloud route server, a Transit Gateway Connect peer, a ToR
 * switch) reached at one or more addresses: one BGPPeer per address, named `<name>-a`, `<name>-b`, ...
 */
export interface ExternalBgpRouter {
  /** Stem of the BGPPeer names, e.g. `azure-route-server`. */
  readonly name: string;
  /** The router's addresses (literals, as the YAML rendering needs them). */
  readonly peerIps: readonly string[];
  /** The router's AS number. */
  readonly asNumber: number;
  /** The nodes that peer with it. @default 'all()' */
  readonly nodeSelector?: string;
  /** The gateway the router is reached through (e.g. the node subnet's gateway). @default - directly */
  readonly reachableBy?: string;
  /**
   * Next hop of the routes sent to the router: `Keep` announces them with the next hop of the node that
   * owns them (what route reflectors peering with a cloud router need), `Self` with the announcing
   * node, `Auto` BGP's default. @default - BGP's default (Auto)
   */
  readonly nextHopMode?: NextHopMode;
  /**
   * @deprecated Deprecated in Calico's BGPPeer (3.30 and later) in favour of `nextHopMode`; `true` is rendered
   * as `nextHopMode: 'Keep'`. Not with `nextHopMode`.
   * @default false
   */
  readonly keepOriginalNextHop?: boolean;
  /** @default - Calico's default (UseNodeIP) */
  readonly sourceAddress?: 'UseNodeIP' | 'None';
  /** Filters applied to the sessions, in order (e.g. an {@link EgressExportFilter}). @default - none */
  readonly filters?: readonly BgpFilterRef[];
  /** @default - none */
  readonly password?: BgpPassword;
  /** The most BGP speakers the router accepts (a cloud limit). @default - no limit */
  readonly maxPeers?: number;
  /** How many nodes `nodeSelector` selects, to check against `maxPeers`. @default - not checked */
  readonly peeringNodes?: number;
}

/** Props of {@link CalicoBgp}. */
export interface CalicoBgpProps {
  /** The cluster's AS number. */
  readonly asNumber: number;
  /** AS numbers the cluster's network reserves besides IANA's (e.g. a cloud's own). @default - none */
  readonly reservedAsns?: readonly ReservedAsnRange[];
  /** Calico's full node-to-node mesh; off when route reflectors carry the routes. @default false */
  readonly nodeToNodeMesh?: boolean;
  /** @default 'Info' */
  readonly logSeverity?: BgpLogSeverity;
  /** @default - no route reflector peering */
  readonly routeReflectors?: RouteReflectorPeering;
  /** @default - none */
  readonly externalRouters?: readonly ExternalBgpRouter[];
}

const bgpBrand = brand('CalicoBgp');

/**
 * Calico's BGP: the `default` BGPConfiguration (AS number, mesh, log level; patched, as calico-node
 * creates it at startup), the peering of the nodes
 * with route reflectors and BGPPeers for routers outside the cluster. `addPeer` adds any other
 * BGPPeer (for example one per node, as Transit Gateway Connect needs).
 */
export class CalicoBgp extends Construct {
  /** True when `x` is a CalicoBgp (works across copies of the library). */
  public static isCalicoBgp(x: unknown): x is CalicoBgp {
    return bgpBrand.is(x);
  }

  /** The cluster's AS number. */
  public readonly asNumber: number;
  /** The BGPConfiguration object. */
  public readonly configuration: ManifestEntry;
  /** BGPPeer objects, by name. */
  public readonly peers: { [name: string]: ManifestEntry } = {};
  private readonly manifests: ClusterManifests;
  private readonly filterNames: { field: string; name: string }[] = [];

  constructor(scope: Construct, id: string, props: CalicoBgpProps) {
    super(scope, id);
    requireProps(this, 'CalicoBgp', props, ['asNumber']);
    bgpBrand.mark(this);
    this.manifests = ClusterManifests.of(this);
    requireLiteral(this, 'asNumber', props.asNumber, 'the cluster\'s AS number is written into Calico\'s BGPConfiguration and compared with its peers\'');
    checkAsn(this, 'asNumber', props.asNumber, props.reservedAsns ?? []);
    this.asNumber = props.asNumber;
    const config: BGPConfiguration = {
      apiVersion: CALICO_API_VERSION,
      kind: 'BGPConfiguration',
      metadata: { name: 'default' },
      spec: {
        logSeverityScreen: checkEnum(this, 'logSeverity', props.logSeverity ?? 'Info', BGP_LOG_SEVERITIES, { what: 'a BGP log level' }),
        nodeToNodeMeshEnabled: props.nodeToNodeMesh ?? false,
        asNumber: props.asNumber,
      },
    };
    // calico-node creates `default` at startup: patched (import + server-side apply), never created.
    this.configuration = this.manifests.patch(this, 'configuration', config);

    if (props.routeReflectors) {
      const rr = props.routeReflectors;
      this.addPeer(rr.name ?? 'peer-with-route-reflectors', {
        nodeSelector: rr.clients ?? 'all()',
        peerSelector: rr.selector,
      });
    }
    (props.externalRouters ?? []).forEach((r, i) => this.addExternalRouter(r, `externalRouters[${i}]`));
    checkAtSynth(this, () => this.checkFilterNames());
    checkAtSynth(this, () => {
      if (!(props.nodeToNodeMesh ?? false) && Object.keys(this.peers).length === 0) {
        throw new ValidationError(this, 'routeReflectors', undefined,
          'with the node-to-node mesh off, nodes need BGP peers (route reflectors, external routers or addPeer) to exchange routes');
      }
    });
  }

  /** Adds a BGPPeer; checks the exclusive fields and AS number per the BGPPeer reference. */
  public addPeer(name: string, spec: BGPPeerSpec, field = `peers[${name}]`): ManifestEntry {
    checkSelector(this, `${field}.nodeSelector`, spec.nodeSelector);
    checkSelector(this, `${field}.peerSelector`, spec.peerSelector);
    if (spec.keepOriginalNextHop && spec.nextHopMode !== undefined) {
      throw new ValidationError(this, `${field}.keepOriginalNextHop`, spec.keepOriginalNextHop,
        'keepOriginalNextHop is deprecated and cannot be set with nextHopMode (BGPPeer CRD); use nextHopMode \'Keep\' alone');
    }
    if (spec.nextHopMode !== undefined) checkEnum(this, `${field}.nextHopMode`, spec.nextHopMode, NEXT_HOP_MODES);
    if (spec.sourceAddress !== undefined) checkEnum(this, `${field}.sourceAddress`, spec.sourceAddress, BGP_SOURCE_ADDRESSES);
    if (spec.failureDetectionMode !== undefined) checkEnum(this, `${field}.failureDetectionMode`, spec.failureDetectionMode, BGP_FAILURE_DETECTION_MODES);
    if (spec.restartMode !== undefined) checkEnum(this, `${field}.restartMode`, spec.restartMode, BGP_RESTART_MODES);
    if (spec.birdGatewayMode !== undefined) checkEnum(this, `${field}.birdGatewayMode`, spec.birdGatewayMode, BIRD_GATEWAY_MODES);
    (spec.filters ?? []).forEach((f, i) => checkDns1123Subdomain(this, `${field}.filters[${i}]`, f));
    if (spec.node !== undefined && spec.nodeSelector !== undefined) {
      throw new ValidationError(this, `${field}.node`, spec.node, 'a BGPPeer takes node or nodeSelector, not both');
    }
    if (spec.peerSelector !== undefined && (spec.peerIP !== undefined || spec.asNumber !== undefined)) {
      throw new ValidationError(this, `${field}.peerSelector`, spec.peerSelector,
        'with peerSelector the peers are Calico nodes: leave peerIP and asNumber empty');
    }
    if (spec.peerSelector === undefined && spec.peerIP === undefined) {
      throw new ValidationError(this, `${field}.peerIP`, undefined, 'a BGPPeer needs peerIP (with asNumber) or peerSelector');
    }
    if (spec.peerIP !== undefined && spec.asNumber === undefined) {
      throw new ValidationError(this, `${field}.asNumber`, undefined, 'a peer at peerIP needs its AS number');
    }
    if (spec.asNumber !== undefined) checkAsn(this, `${field}.asNumber`, spec.asNumber);
    if (spec.localASNumber !== undefined) checkAsn(this, `${field}.localASNumber`, spec.localASNumber);
    checkAddress(this, `${field}.peerIP`, spec.peerIP, true);
    checkAddress(this, `${field}.reachableBy`, spec.reachableBy, false);
    if (this.peers[name]) throw new ValidationError(this, `${field}.name`, name, 'BGPPeer names must be unique');
    (spec.filters ?? []).forEach((f, i) => this.filterNames.push({ field: `${field}.filters[${i}]`, name: f }));
    const peer: BGPPeer = { apiVersion: CALICO_API_VERSION, kind: 'BGPPeer', metadata: { name }, spec };
    const entry = this.manifests.add(this, `peer-${name}`, peer, { dependsOn: this.filterEntries(spec.filters ?? []) });
    this.peers[name] = entry;
    return entry;
  }

  /** Adds one BGPPeer per address of `router`. */
  public addExternalRouter(router: ExternalBgpRouter, field = `externalRouters[${router?.name}]`): ManifestEntry[] {
    requireProps(this, 'addExternalRouter', router, ['name', 'peerIps', 'asNumber']);
    requireLiteral(this, `${field}.peerIps`, router.peerIps,
      'pass the literal addresses (for an Azure Route Server: routeServer.peerIps, not routeServer.virtualRouterIps, which is known only at deploy time)');
    if (Array.isArray(router.peerIps) && router.peerIps.length === 0) {
      throw new ValidationError(this, `${field}.peerIps`, [], 'an external router needs at least one address');
    }
    // A router's address listed twice would be two BGPPeers for one session.
    checkList<string>(this, `${field}.peerIps`, router.peerIps, 'a list of the router\'s addresses').forEach((ip, i) => {
      const j = router.peerIps.indexOf(ip);
      if (j < i) throw new ValidationError(this, `${field}.peerIps[${i}]`, ip, `peerIps[${j}] is the same address; list each once`);
    });
    if (router.maxPeers !== undefined && router.peeringNodes !== undefined && router.peeringNodes > router.maxPeers) {
      throw new ValidationError(this, `${field}.peeringNodes`, router.peeringNodes,
        `${router.name} takes at most ${router.maxPeers} BGP peers; select fewer nodes (route reflectors) to peer with it`);
    }
    if (router.keepOriginalNextHop && router.nextHopMode !== undefined) {
      throw new ValidationError(this, `${field}.keepOriginalNextHop`, router.keepOriginalNextHop,
        'keepOriginalNextHop is deprecated and cannot be set with nextHopMode (BGPPeer CRD); use nextHopMode \'Keep\' alone');
    }
    const nextHopMode = router.nextHopMode ?? (router.keepOriginalNextHop ? 'Keep' : undefined);
    const reflecting = (router.filters ?? []).find(announcesLearnedRoutes) as BgpFilter | undefined;
    if (reflecting && nextHopMode !== 'Keep') {
      throw new ValidationError(this, `${field}.nextHopMode`, nextHopMode ?? 'Auto',
        `filter ${reflecting.name} announces gateway blocks learned from other nodes (announceLearnedRoutes); with any mode but 'Keep' `
        + 'the router learns them with the peering node as next hop, which reaches another node\'s gateway only through the cloud\'s routes back to itself; use \'Keep\'');
    }
    const filters = (router.filters ?? []).map((f) => (typeof f === 'string' ? f : f.name));
    return router.peerIps.map((ip, i) => this.addPeer(`${router.name}-${peerSuffix(i)}`, {
      peerIP: ip,
      reachableBy: router.reachableBy,
      asNumber: router.asNumber,
      nextHopMode,
      sourceAddress: router.sourceAddress,
      password: router.password,
      nodeSelector: router.nodeSelector ?? 'all()',
      filters: filters.length > 0 ? filters : undefined,
    }, `${field}.peerIps[${i}]`));
  }

  private filterEntries(names: readonly string[]): ManifestEntry[] {
    return this.manifests.entries.filter((e) => e.object.kind === 'BGPFilter' && names.includes(e.object.metadata.name));
  }

  /** A BGPPeer naming a filter that does not exist would drop the session's routes silently. */
  private checkFilterNames(): void {
    const known = this.manifests.entries.filter((e) => e.object.kind === 'BGPFilter').map((e) => e.object.metadata.name);
    for (const ref of this.filterNames) {
      if (!known.includes(ref.name)) {
        throw new ValidationError(this, ref.field, ref.name,
          `no BGPFilter of that name is declared for this cluster (declared: ${known.length > 0 ? known.join(', ') : 'none'})`);
      }
    }
  }
}

function checkAddress(site: Construct, field: string, given: string | undefined, portAllowed: boolean): void {
  if (given === undefined) return;
  // A reference is checked through the literal the app set for it (the YAML rendering refuses it later anyway).
  const value = Token.isUnresolved(given) ? knownOrWarn(site, field, given, `that it is an IP address${portAllowed ? ' (optionally with :port)' : ''}`) : given;
  if (value === undefined) return;
  if (typeof value !== 'string') {
    throw new ValidationError(site, `${field} (${typeName(value)})`, value, 'expected an IP address, e.g. 10.0.1.4');
  }
  const address = portAllowed ? value.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1') : value;
  if (!isIpAddress(address)) {
    throw new ValidationError(site, field, value, `expected an IP address${portAllowed ? ' (optionally with :port)' : ''}, e.g. 10.0.1.4`);
  }
}
