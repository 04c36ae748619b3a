import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { RouteServer as TfRouteServer } from '@cdktf/provider-azurerm/lib/route-server';
import { RouteServerBgpConnection } from '@cdktf/provider-azurerm/lib/route-server-bgp-connection';
import {
  AZURE_NETWORK_NAME, ReservedAsnRange, ValidationError, brand, checkAsn, checkAtSynth, checkAzureName, isIpAddress,
} from '../core';
import { requireProps } from '../core/guards';
import { standardPublicIp } from './public-ip';
import { IResourceGroup, Tags } from './resource-group';
import { Subnet, VirtualNetwork } from './virtual-network';

/** The AS number of every Azure Route Server. */
export const AZURE_ROUTE_SERVER_ASN = 65515;

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
  /** The peer's AS number; not one Azure or IANA reserves. */
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

  /** The Route Server's name in Azure. */
  public readonly name: string;
  /** Its AS number, always 65515. */
  public readonly asn = AZURE_ROUTE_SERVER_ASN;
  /** The VNet it lives in. */
  public readonly vnet: VirtualNetwork;
  /** The azurerm_route_server resource (escape hatch). */
  public readonly resource: TfRouteServer;
  /** Its public IP resource. */
  public readonly publicIp: PublicIp;
  /** BGP connection resources, by connection name. */
  public readonly connections: { [name: string]: RouteServerBgpConnection } = {};
  private readonly subnet: Subnet;
  private readonly _peers: RouteServerPeer[] = [];

  constructor(scope: Construct, id: string, props: RouteServerProps) {
    super(scope, id);
    requireProps(this, 'RouteServer', props, ['resourceGroup', 'name', 'subnet']);
    routeServerBrand.mark(this);
    checkAzureName(this, 'name', props.name, AZURE_NETWORK_NAME);
    if (props.subnet.name !== 'RouteServerSubnet') {
      throw new ValidationError(this, 'subnet', props.subnet.name, 'Azure Route Server is deployed into a subnet named RouteServerSubnet');
    }
    // Its size (/26 or larger) is checked by VirtualNetwork when the subnet is added.
    this.name = props.name;
    this.subnet = props.subnet;
    this.vnet = props.subnet.vnet;
    const pipName = props.publicIpName ?? `${props.name}-pip`;
    this.publicIp = standardPublicIp(this, 'public-ip', { name: pipName, resourceGroup: props.resourceGroup, tags: props.tags });
    this.resource = new TfRouteServer(this, 'route-server', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      sku: props.sku ?? 'Standard',
      publicIpAddressId: this.publicIp.id,
      subnetId: props.subnet.id,
      branchToBranchTrafficEnabled: props.branchToBranchTrafficEnabled ?? false,
      hubRoutingPreference: props.hubRoutingPreference,
      tags: props.tags,
    });
    for (const p of props.peers ?? []) this.addPeer(p);
    checkAtSynth(this, () => this.checkPeersReachable());
  }

  /**
   * The two addresses the Route Server peers from: Azure gives it the first two VM addresses of
   * RouteServerSubnet (`.4` and `.5`). Literal strings, usable in Calico YAML; `virtualRouterIps`
   * is the same pair as a deploy-time reference.
   */
  public get peerIps(): [string, string] {
    return [this.subnet.vmIp(0), this.subnet.vmIp(1)];
  }

  /** The Route Server's addresses as Azure reports them (a reference to a list). */
  public get virtualRouterIps(): string[] {
    return this.resource.virtualRouterIps;
  }

  /** The peers so far. */
  public get peers(): readonly RouteServerPeer[] {
    return this._peers;
  }

  /** The Route Server and its connections: what a peering with gateway transit must wait for. */
  public get dependables(): ITerraformDependable[] {
    return [this.resource, ...Object.values(this.connections)];
  }

  /** Adds a BGP connection; checks the peer's AS number, address and the peer limit. */
  public addPeer(peer: RouteServerPeer): RouteServerBgpConnection {
    const field = `peers[${peer.name}]`;
    checkAzureName(this, `${field}.name`, peer.name, AZURE_NETWORK_NAME);
    if (this._peers.length >= AZURE_ROUTE_SERVER_MAX_PEERS) {
      throw new ValidationError(this, 'peers', this._peers.length + 1,
        `Azure Route Server takes at most ${AZURE_ROUTE_SERVER_MAX_PEERS} BGP peers; peer with route reflectors instead of every node`);
    }
    if (this._peers.some((p) => p.name === peer.name)) {
      throw new ValidationError(this, `${field}.name`, peer.name, 'connection names must be unique');
    }
    checkAsn(this, `${field}.peerAsn`, peer.peerAsn, AZURE_RESERVED_ASNS);
    if (!Token.isUnresolved(peer.peerIp)) {
      if (!isIpAddress(peer.peerIp)) {
        throw new ValidationError(this, `${field}.peerIp`, peer.peerIp, 'expected the peer\'s IP address, e.g. 10.1.0.4');
      }
      const same = this._peers.find((p) => p.peerIp === peer.peerIp);
      if (same) {
        throw new ValidationError(this, `${field}.peerIp`, peer.peerIp, `connection ${same.name} already peers with it`);
      }
    }
    this._peers.push(peer);
    const connection = new RouteServerBgpConnection(this, `peer-${peer.name}`, {
      name: peer.name,
      routeServerId: this.resource.id,
      peerAsn: peer.peerAsn,
      peerIp: peer.peerIp,
    });
    this.connections[peer.name] = connection;
    return connection;
  }

  /** A peer must sit in the Route Server's VNet or one peered with it, or the session never comes up. */
  private checkPeersReachable(): void {
    const reachable = [this.vnet, ...this.vnet.peers];
    for (const p of this._peers) {
      if (Token.isUnresolved(p.peerIp)) continue;
      if (!reachable.some((v) => v.contains(p.peerIp))) {
        throw new ValidationError(this, `peers[${p.name}].peerIp`, p.peerIp,
          `a Route Server peer must be in ${this.vnet.name} or a VNet peered with it (${reachable.map((v) => `${v.name} ${v.addressSpace.join(',')}`).join('; ')})`);
      }
    }
  }
}
