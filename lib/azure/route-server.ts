import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { RouteServer as TfRouteServer } from '@cdktf/provider-azurerm/lib/route-server';
import type { RouteServerBgpConnection } from '@cdktf/provider-azurerm/lib/route-server-bgp-connection';
import {
  AZURE_NAME_RULES, ReservedAsnRange, ValidationError, brand, checkAsn, checkAtSynth, checkAzureName, isIpAddress,
  checkEnum, checkString, knownEqual, knownValue, requireProps, warnUnchecked,
} from '../core';
import { standardPublicIp } from './public-ip';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { Subnet, VirtualNetwork } from './virtual-network';
import { untraced } from '../core/refs';

/** The AS number of every Azure Route Server. */
export const AZURE_ROUTE_SERVER_ASN = 65515;

/** The largest AS number a Route Server peer can use: Route Server speaks 2-byte (16-bit) ASNs only. */
export const AZURE_ROUTE_SERVER_MAX_PEER_ASN = 65534;

/** Most BGP peers one Route Server takes. */
export const AZURE_ROUTE_SERVER_MAX_PEERS = 8;

/** AS numbers Azure keeps for itself; a Route Server peer cannot use them. */
export const AZURE_RESERVED_ASNS: readonly ReservedAsnRange[] = [
  { from: 8074, to: 8074, reason: 'reserved by Azure' },
  { from: 8075, to: 8075, reason: 'reserved by Azure' },
  { from: 12076, to: 12076, reason: 'reserved by Azure' },
  { from: 65515, to: 65515, reason: "Azure Route Server's own AS number" },
  { from: 65517, to: 65520, reason: 'reserved by Azure' },
];

/** A BGP peer of the Route Server (an NVA, or a Calico route reflector node). */
export interface RouteServerPeer {
  /** The connection's name, e.g. `spoke-rs-bgpconnection-peer-1`. */
  readonly name: string;
  /** The peer's IP, in the Route Server's VNet or a VNet peered with it. */
  readonly peerIp: string;
  /** The peer's AS number: a 2-byte ASN (1 to 65534), not one Azure or IANA reserves. */
  readonly peerAsn: number;
}

/** Props of {@link RouteServer}. */
export interface RouteServerProps {
  readonly resourceGroup: IResourceGroup;
  /** e.g. `hub-rs`. */
  readonly name: string;
  /** The VNet's `RouteServerSubnet` (/26 or larger, no route table). */
  readonly subnet: Subnet;
  /** @default `${name}-pip` */
  readonly publicIpName?: string;
  /** @default 'Standard' */
  readonly sku?: 'Standard';
  /** Exchange routes between the Route Server's peers and VPN/ExpressRoute gateways. @default false */
  readonly branchToBranchTrafficEnabled?: boolean;
  /** @default - Azure's default (ExpressRoute) */
  readonly hubRoutingPreference?: 'ExpressRoute' | 'VpnGateway' | 'ASPath';
  /** @default - none; add them with `addPeer` */
  readonly peers?: RouteServerPeer[];
  /** @default - none */
  readonly tags?: Tags;
}

/** Props of {@link RouteServer.fromExisting}. */
export interface ExistingRouteServerProps {
  /**
   * The Route Server's resource ID,
   * `/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/virtualHubs/<name>`.
   */
  readonly routeServerId: string;
  /**
   * The RouteServerSubnet it lives in, e.g. `VirtualNetwork.fromExisting(...).subnet('RouteServerSubnet')`:
   * its `.4` and `.5` are the Route Server's addresses, and its VNet (with the VNets peered with it) is
   * where peers must be.
   */
  readonly subnet: Subnet;
}

// Azure Route Servers are Microsoft.Network/virtualHubs resources (Get-AzRouteServer -ResourceId).
const ROUTE_SERVER_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualHubs\/([^/]+)$/i;
const EXISTING = Symbol.for('cdktf-kubernetes-egress.existingRouteServer');

const routeServerBrand = brand('RouteServer');

/**
 * An Azure Route Server with its public IP and BGP connections. It learns the routes its peers
 * announce (for example a Calico egress gateway's range) and programs them into the VNet and the
 * VNets peered with it.
 */
export class RouteServer extends Construct {
  /** True when `x` is a RouteServer (works across copies of the library). */
  public static isRouteServer(x: unknown): x is RouteServer {
    return routeServerBrand.is(x);
  }

  /**
   * A Route Server that exists already (the network team's), by its resource ID: no Route Server or
   * public IP is created; `addPeer` creates BGP connections against it with the same checks as for a
   * new one, and it can be a {@link HubSpokePeering}'s gateway.
   */
  public static fromExisting(scope: Construct, id: string, props: ExistingRouteServerProps): RouteServer {
    return new RouteServer(scope, id, { [EXISTING]: props } as unknown as RouteServerProps);
  }

  /** The Route Server's name in Azure. */
  public readonly name: string;
  /** True for a Route Server that exists already (see {@link RouteServer.fromExisting}). */
  public readonly existing: boolean;
  /** Its resource ID (a reference for a new one). */
  public readonly routeServerId: string;
  /** Its AS number, always 65515. */
  public readonly asn = AZURE_ROUTE_SERVER_ASN;
  /** The VNet it lives in. */
  public readonly vnet: VirtualNetwork;
  /** The azurerm_route_server resource (escape hatch); undefined for an existing Route Server. */
  public readonly resource: TfRouteServer | undefined;
  /** Its public IP resource; undefined for an existing Route Server. */
  public readonly publicIp: PublicIp | undefined;
  /** BGP connection resources, by connection name. */
  public readonly connections: { [name: string]: RouteServerBgpConnection } = {};
  private readonly subnet: Subnet;
  private readonly _peers: RouteServerPeer[] = [];

  constructor(scope: Construct, id: string, props: RouteServerProps) {
    super(scope, id);
    routeServerBrand.mark(this);
    const existing = (props as unknown as { [EXISTING]?: ExistingRouteServerProps } | undefined)?.[EXISTING];
    this.existing = existing !== undefined;
    if (existing !== undefined) {
      requireProps(this, 'RouteServer.fromExisting', existing, ['routeServerId', 'subnet']);
      this.subnet = this.checkSubnet(existing.subnet);
      this.vnet = existing.subnet.vnet;
      this.routeServerId = existing.routeServerId;
      const known = knownValue(this, existing.routeServerId);
      const match = typeof known === 'string' ? ROUTE_SERVER_ID.exec(known) : null;
      if (typeof known === 'string' && !match) {
        throw new ValidationError(this, 'routeServerId', existing.routeServerId,
          'expected a Route Server ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/virtualHubs/<name>');
      }
      if (known === undefined) warnUnchecked(this, 'routeServerId', existing.routeServerId, 'that it names a Route Server');
      this.name = match ? match[1] : id;
      this.resource = undefined;
      this.publicIp = undefined;
      checkAtSynth(this, () => this.checkPeersReachable());
      return;
    }
    requireProps(this, 'RouteServer', props, ['resourceGroup', 'name', 'subnet']);
    checkAzureName(this, 'name', props.name, AZURE_NAME_RULES.routeServer);
    this.name = props.name;
    this.subnet = this.checkSubnet(props.subnet);
    this.vnet = props.subnet.vnet;
    const pipName = props.publicIpName ?? `${props.name}-pip`;
    const publicIp = this.publicIp = standardPublicIp(this, 'public-ip', { name: pipName, resourceGroup: props.resourceGroup, tags: azureTags(this, props.tags) });
    this.resource = untraced(() => new (require('@cdktf/provider-azurerm/lib/route-server') as typeof import('@cdktf/provider-azurerm/lib/route-server')).RouteServer(this, 'route-server', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      sku: checkEnum(this, 'sku', props.sku ?? 'Standard', ['Standard'] as const, { what: 'a Route Server SKU' }),
      publicIpAddressId: publicIp.id,
      subnetId: props.subnet.id,
      branchToBranchTrafficEnabled: props.branchToBranchTrafficEnabled ?? false,
      hubRoutingPreference: props.hubRoutingPreference === undefined ? undefined
        : checkEnum(this, 'hubRoutingPreference', props.hubRoutingPreference, ['ExpressRoute', 'VpnGateway', 'ASPath'] as const, { what: 'a hub routing preference' }),
      tags: azureTags(this, props.tags),
    }));
    this.routeServerId = this.resource.id;
    for (const p of props.peers ?? []) this.addPeer(p);
    checkAtSynth(this, () => this.checkPeersReachable());
  }

  /**
   * The Route Server's own two addresses, the ones it peers from (what Calico's BGPPeers point at):
   * Azure gives it the first two host addresses of RouteServerSubnet (`.4` and `.5`). Literal
   * strings, usable in Calico YAML; `virtualRouterIps` is the same pair as a deploy-time reference.
   */
  public get routerIps(): [string, string] {
    return [this.subnet.hostIp(0), this.subnet.hostIp(1)];
  }

  /**
   * @deprecated Use {@link routerIps}: these are the Route Server's own addresses, not its peers'
   * (`RouteServerPeer.peerIp`); kept for one minor version.
   */
  public get peerIps(): [string, string] {
    return this.routerIps;
  }

  /** The Route Server's addresses as Azure reports them (a reference to a list). */
  public get virtualRouterIps(): string[] {
    // An existing Route Server is not read (azurerm has no data source for it): its addresses are the subnet's.
    return this.resource ? this.resource.virtualRouterIps : [...this.routerIps];
  }

  /** The peers so far. */
  public get peers(): readonly RouteServerPeer[] {
    return this._peers;
  }

  /** The Route Server and its connections: what a peering with gateway transit must wait for. */
  public get dependables(): ITerraformDependable[] {
    return [...(this.resource ? [this.resource] : []), ...Object.values(this.connections)];
  }

  /** Adds a BGP connection; checks the peer's AS number, address and the peer limit. */
  public addPeer(peer: RouteServerPeer): RouteServerBgpConnection {
    const field = `peers[${peer.name}]`;
    checkAzureName(this, `${field}.name`, peer.name, AZURE_NAME_RULES.bgpConnection);
    if (this._peers.length >= AZURE_ROUTE_SERVER_MAX_PEERS) {
      throw new ValidationError(this, 'peers', this._peers.length + 1,
        `Azure Route Server takes at most ${AZURE_ROUTE_SERVER_MAX_PEERS} BGP peers; peer with route reflectors instead of every node`);
    }
    if (this._peers.some((p) => p.name === peer.name)) {
      throw new ValidationError(this, `${field}.name`, peer.name, 'connection names must be unique');
    }
    checkAsn(this, `${field}.peerAsn`, peer.peerAsn, AZURE_RESERVED_ASNS);
    if (peer.peerAsn > AZURE_ROUTE_SERVER_MAX_PEER_ASN) {
      throw new ValidationError(this, `${field}.peerAsn`, peer.peerAsn,
        `Azure Route Server supports 2-byte AS numbers only (1 to ${AZURE_ROUTE_SERVER_MAX_PEER_ASN}); use a private ASN from 64512 to 65534`);
    }
    checkString(this, `${field}.peerIp`, peer.peerIp, 'the peer\'s IP address, e.g. 10.1.0.4');
    const ip = knownValue(this, peer.peerIp);
    if (typeof ip === 'string' && !isIpAddress(ip)) {
      throw new ValidationError(this, `${field}.peerIp`, peer.peerIp, 'expected the peer\'s IP address, e.g. 10.1.0.4');
    }
    const same = this._peers.find((p) => knownEqual(this, p.peerIp, peer.peerIp) === true);
    if (same) {
      throw new ValidationError(this, `${field}.peerIp`, peer.peerIp, `connection ${same.name} already peers with it`);
    }
    this._peers.push(peer);
    const connection = untraced(() => new (require('@cdktf/provider-azurerm/lib/route-server-bgp-connection') as typeof import('@cdktf/provider-azurerm/lib/route-server-bgp-connection')).RouteServerBgpConnection(this, `peer-${peer.name}`, {
      name: peer.name,
      routeServerId: this.routeServerId,
      peerAsn: peer.peerAsn,
      peerIp: peer.peerIp,
    }));
    this.connections[peer.name] = connection;
    return connection;
  }

  private checkSubnet(subnet: Subnet): Subnet {
    if (subnet.name !== 'RouteServerSubnet') {
      throw new ValidationError(this, 'subnet', subnet.name, 'Azure Route Server is deployed into a subnet named RouteServerSubnet');
    }
    // Its size (/26 or larger) is checked by VirtualNetwork when the subnet is added.
    return subnet;
  }

  /**
   * A peer must sit in the Route Server's VNet or one peered with it, or the session never comes up;
   * and not on an address Azure keeps in its subnet (network, .1 to .3, broadcast), which no VM gets.
   */
  private checkPeersReachable(): void {
    const reachable = [this.vnet, ...this.vnet.peers];
    for (const p of this._peers) {
      const ip = knownValue(this, p.peerIp);
      if (typeof ip !== 'string') {
        warnUnchecked(this, `peers[${p.name}].peerIp`, p.peerIp, `that the peer is in ${this.vnet.name} or a VNet peered with it`);
        continue;
      }
      if (!reachable.some((v) => v.contains(ip))) {
        throw new ValidationError(this, `peers[${p.name}].peerIp`, ip,
          `a Route Server peer must be in ${this.vnet.name} or a VNet peered with it (${reachable.map((v) => `${v.name} ${v.addressSpace.join(',')}`).join('; ')})`);
      }
      const subnet = reachable.flatMap((v) => v.subnets).find((s) => s.cidr.contains(ip));
      if (subnet && subnet.cidr.version === 4) {
        const reserved = [0, 1, 2, 3].map((n) => subnet.cidr.host(n)).concat(subnet.cidr.broadcast);
        if (reserved.includes(ip)) {
          throw new ValidationError(this, `peers[${p.name}].peerIp`, ip,
            `Azure reserves ${reserved.join(', ')} in subnet ${subnet.vnet.name}/${subnet.name} (${subnet.cidr}); ` +
            `a peer's address is one a VM can have, from ${subnet.hostIp(0)}`);
        }
      }
    }
  }
}
