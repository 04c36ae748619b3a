import { Construct, IConstruct } from 'constructs';
import { ITerraformDependable, TerraformStack } from 'cdktf';
import { RouteTable as TfRouteTable } from '@cdktf/provider-azurerm/lib/route-table';
import { Route as TfRoute } from '@cdktf/provider-azurerm/lib/route';
import { SubnetRouteTableAssociation } from '@cdktf/provider-azurerm/lib/subnet-route-table-association';
import {
  AZURE_NAME_RULES, Cidr, ValidationError, brand, checkAtSynth, checkAzureName, findInApp, isIpAddress,
} from '../core';
import { checkEnum, checkString, knownEqual, knownValue, requireProps, requireValue, warnUnchecked } from '../core/guards';
import { declareName } from '../core/app-registry';
import { brandTest } from '../core/synth-checks';
import { rangesInApp } from '../core/address-plan';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { isPublicIpHostRange, plainReference } from './references';
import { ISubnetRouteTable, Subnet } from './virtual-network';
import { attribute } from '../core/refs';
import { untraced } from '../core/refs';

/** Azure's next hop types (azurerm `azurerm_route.next_hop_type`). */
export const NEXT_HOP_TYPES: readonly NextHop['type'][] = ['VirtualAppliance', 'Internet', 'VnetLocal', 'VirtualNetworkGateway', 'None'];

/** Where a route sends traffic. */
export interface NextHop {
  /** Azure's next hop type: `VirtualAppliance`, `Internet`, `VnetLocal`, `VirtualNetworkGateway` or `None`. */
  readonly type: 'VirtualAppliance' | 'Internet' | 'VnetLocal' | 'VirtualNetworkGateway' | 'None';
  /** The appliance's private IP, for `VirtualAppliance` only. */
  readonly ip?: string;
}

/** Builders for {@link NextHop}. */
export const NextHop = {
  /** A network virtual appliance (e.g. a firewall) at `ip`; may be a reference such as `firewall.privateIp`. */
  virtualAppliance(ip: string): NextHop {
    return { type: 'VirtualAppliance', ip };
  },
  /** Azure's Internet edge. */
  internet(): NextHop {
    return { type: 'Internet' };
  },
  /** Stay inside the VNet. */
  vnetLocal(): NextHop {
    return { type: 'VnetLocal' };
  },
  /** The VNet's VPN or ExpressRoute gateway. */
  virtualNetworkGateway(): NextHop {
    return { type: 'VirtualNetworkGateway' };
  },
  /** Drop the traffic. */
  none(): NextHop {
    return { type: 'None' };
  },
};

/** One route of a {@link RouteTable}. */
export interface RouteSpec {
  /** Unique in its table. */
  readonly name: string;
  /** Destination CIDR, e.g. `0.0.0.0/0`; may be a reference such as `${publicIp}/32`. */
  readonly addressPrefix: string;
  readonly nextHop: NextHop;
}

/** Props of {@link RouteTable}. */
export interface RouteTableProps {
  readonly resourceGroup: IResourceGroup;
  /** The table's name in Azure, e.g. `spoke_1-fw-rt`. */
  readonly name: string;
  /** @default - none; add them with `addRoute` */
  readonly routes?: RouteSpec[];
  /** Subnets to associate the table with. @default - none; add them with `associate` */
  readonly subnets?: Subnet[];
  /**
   * Whether the subnets learn routes from gateways and Route Servers over BGP. Left on, a spoke
   * learns the routes the hub's Route Server hears (egress gateway ranges included).
   * @default true
   */
  readonly bgpRoutePropagationEnabled?: boolean;
  /** @default - none */
  readonly tags?: Tags;
}

/** What other constructs need of a route table. */
export interface IRouteTable extends ISubnetRouteTable {
  /** The table's routes so far. */
  readonly routes: readonly RouteSpec[];
  /** Resources to order after: the table, its routes and its associations. */
  readonly dependables: readonly ITerraformDependable[];
  /** Associates the table with a subnet. */
  associate(subnet: Subnet): void;
}

const routeTableBrand = brand('RouteTable');

/**
 * A route table (UDR) with routes as separate resources, so routes can be added after the table, and
 * associations with the subnets it governs.
 */
export class RouteTable extends Construct implements IRouteTable {
  /** True when `x` is a RouteTable (works across copies of the library). */
  public static isRouteTable(x: unknown): x is RouteTable {
    return routeTableBrand.is(x);
  }

  /** The table's name in Azure. */
  public readonly name: string;
  /** The azurerm_route_table resource (escape hatch). */
  public readonly resource: TfRouteTable;
  /** The azurerm_route resources, by route name. */
  public readonly routeResources: { [name: string]: TfRoute } = {};
  /** The azurerm_subnet_route_table_association resources, by `<vnet>/<subnet>`. */
  public readonly associations: { [subnet: string]: SubnetRouteTableAssociation } = {};
  private readonly _routes: RouteSpec[] = [];
  private readonly _subnets: Subnet[] = [];
  private readonly resourceGroupName: string;

  constructor(scope: Construct, id: string, props: RouteTableProps) {
    super(scope, id);
    requireProps(this, 'RouteTable', props, ['resourceGroup', 'name']);
    declareName(this, { type: 'azurerm_route_table', what: 'route table', scope: attribute(props.resourceGroup, 'name'), scopeWhat: 'resource group', name: props.name });
    routeTableBrand.mark(this);
    checkAzureName(this, 'name', props.name, AZURE_NAME_RULES.routeTable);
    this.name = props.name;
    this.resourceGroupName = attribute(props.resourceGroup, 'name');
    this.resource = untraced(() => new TfRouteTable(this, 'table', {
      name: props.name,
      resourceGroupName: attribute(props.resourceGroup, 'name'),
      location: attribute(props.resourceGroup, 'location'),
      bgpRoutePropagationEnabled: props.bgpRoutePropagationEnabled ?? true,
      tags: azureTags(this, props.tags),
    }));
    for (const r of props.routes ?? []) this.addRoute(r);
    for (const s of props.subnets ?? []) this.associate(s);
    checkAtSynth(this, () => this.checkFirewallSubnets());
    checkAtSynth(this, () => this.checkNextHopsConnected());
  }

  /** The table's resource ID (a reference). */
  public get id(): string {
    return attribute(this.resource, 'id');
  }

  /** The routes so far. */
  public get routes(): readonly RouteSpec[] {
    return this._routes;
  }

  /** The subnets the table is associated with. */
  public get subnets(): readonly Subnet[] {
    return this._subnets;
  }

  /** The table, its routes and its associations: what a cluster on these subnets must wait for. */
  public get dependables(): ITerraformDependable[] {
    return [this.resource, ...Object.values(this.routeResources), ...Object.values(this.associations)];
  }

  /** Next-hop type of the `0.0.0.0/0` route, if any. */
  public defaultRouteNextHopType(): string | undefined {
    return this._routes.find((r) => r.addressPrefix === '0.0.0.0/0')?.nextHop.type;
  }

  /** Adds a route; checks its name, prefix and next hop. */
  public addRoute(spec: RouteSpec): TfRoute {
    const field = `routes[${spec.name}]`;
    checkAzureName(this, `${field}.name`, spec.name, AZURE_NAME_RULES.route);
    if (this._routes.some((r) => r.name === spec.name)) {
      throw new ValidationError(this, `${field}.name`, spec.name, 'route names must be unique in a table');
    }
    checkString(this, `${field}.addressPrefix`, spec.addressPrefix, 'a CIDR such as 0.0.0.0/0');
    const sameToken = this._routes.find((r) => r.addressPrefix === spec.addressPrefix || knownEqual(this, r.addressPrefix, spec.addressPrefix) === true);
    const known = knownValue(this, spec.addressPrefix);
    if (typeof known === 'string') {
      // A literal, or the literal the app set behind a reference.
      const prefix = Cidr.parse(known, { site: this, field: `${field}.addressPrefix` });
      const same = sameToken ?? this._routes.find((r) => {
        const other = knownValue(this, r.addressPrefix);
        return typeof other === 'string' && Cidr.isValid(other) && Cidr.parse(other).equals(prefix);
      });
      if (same) {
        throw new ValidationError(this, `${field}.addressPrefix`, spec.addressPrefix,
          `route ${same.name} already covers ${prefix}; each prefix takes one route`);
      }
    } else if (sameToken) {
      throw new ValidationError(this, `${field}.addressPrefix`, spec.addressPrefix,
        `route ${sameToken.name} already has this prefix; each prefix takes one route`);
    } else if (!isPublicIpHostRange(spec.addressPrefix)) {
      // A public IP's /32 is a valid host range by construction; anything else is unknown until apply.
      warnUnchecked(this, `${field}.addressPrefix`, spec.addressPrefix, 'that it is a CIDR no other route of the table has');
    }
    const hop = requireValue(this, `${field}.nextHop`, spec.nextHop, 'a route needs a next hop, e.g. NextHop.virtualAppliance(firewall.privateIp)');
    checkEnum(this, `${field}.nextHop.type`, hop.type, NEXT_HOP_TYPES, { what: 'a next hop type' });
    if (hop.type === 'VirtualAppliance') {
      const ip = knownValue(this, hop.ip);
      if (hop.ip === undefined || (ip !== undefined && (typeof ip !== 'string' || !isIpAddress(ip)))) {
        throw new ValidationError(this, `${field}.nextHop.ip`, hop.ip, 'a VirtualAppliance next hop needs the appliance\'s private IP');
      }
    } else if (hop.ip !== undefined) {
      throw new ValidationError(this, `${field}.nextHop.ip`, hop.ip, `only a VirtualAppliance next hop takes an IP, not ${hop.type}`);
    }
    this._routes.push(spec);
    const route = untraced(() => new TfRoute(this, `route-${spec.name}`, {
      name: spec.name,
      resourceGroupName: this.resourceGroupName,
      routeTableName: attribute(this.resource, 'name'),
      addressPrefix: spec.addressPrefix,
      nextHopType: hop.type,
      nextHopInIpAddress: hop.ip,
    }));
    this.routeResources[spec.name] = route;
    return route;
  }

  /**
   * Associates the table with `subnet`. A subnet takes one route table; `RouteServerSubnet` takes
   * none (Azure Route Server does not support UDRs).
   */
  public associate(subnet: Subnet): void {
    if (subnet.name === 'RouteServerSubnet') {
      throw new ValidationError(this, 'subnets', subnet.name, 'Azure Route Server does not support a route table on RouteServerSubnet');
    }
    let association!: SubnetRouteTableAssociation;
    subnet._setRouteTable(this, () => (association = untraced(() => new SubnetRouteTableAssociation(this, `association-${subnet.vnet.name}-${subnet.name}`, {
      subnetId: subnet.id,
      routeTableId: attribute(this.resource, 'id'),
    }))));
    this._subnets.push(subnet);
    this.associations[`${subnet.vnet.name}/${subnet.name}`] = association;
  }

  /** The VNet of the AzureFirewall whose private IP `ip` refers to, if this stack built it (logical IDs are per stack). */
  private firewallVnetOf(ip: string): VnetView | undefined {
    const ref = plainReference(ip);
    if (ref?.type !== 'azurerm_firewall' || !ref.attribute.endsWith('private_ip_address')) return undefined;
    const key = `${TerraformStack.of(this).node.path}/${ref.name}`;
    const root = this.node.root;
    let index = firewallIndex.get(root);
    if (!index?.has(key)) {
      // One tree walk per miss, not per route: the tree only grows.
      index = new Map(findInApp(this, isFirewallView)
        .map((f) => [`${TerraformStack.of(f).node.path}/${f.resource.friendlyUniqueId}`, f]));
      firewallIndex.set(root, index);
    }
    return index.get(key)?.subnet.vnet;
  }

  private checkFirewallSubnets(): void {
    const fw = this._subnets.find((s) => s.name === 'AzureFirewallSubnet');
    const hop = this.defaultRouteNextHopType();
    if (fw && hop !== undefined && hop !== 'Internet') {
      throw new ValidationError(this, 'routes[0.0.0.0/0].nextHop', hop,
        'a route table on AzureFirewallSubnet must send 0.0.0.0/0 to Internet, or the firewall loses its own way out');
    }
  }

  /*
   * A virtual appliance whose IP lies in a VNet of this app that is neither the VNet of an associated
   * subnet nor peered with it cannot be reached: Azure accepts the route and drops the traffic. An IP
   * outside the app's VNets (on premises, behind a gateway) and VNets that already exist (their
   * peerings are not known to the app) are not judged.
   */
  private checkNextHopsConnected(): void {
    for (const r of this._routes) {
      const given = r.nextHop.ip;
      if (r.nextHop.type !== 'VirtualAppliance' || given === undefined) continue;
      const known = knownValue(this, given);
      const ip = typeof known === 'string' ? known : given;
      let home: VnetView | undefined;
      if (typeof known === 'string') {
        home = rangesInApp(this).find((d) => d.kind === 'vnet' && d.cidr.contains(known))?.owner as unknown as VnetView | undefined;
      } else {
        // firewall.privateIp: the firewall's own subnet says where it lives.
        home = this.firewallVnetOf(given);
        if (!home) {
          warnUnchecked(this, `routes[${r.name}].nextHop.ip`, given, 'that the appliance lies in a network the associated subnets reach');
          continue;
        }
      }
      if (!home || home.existing || !Array.isArray(home.peers)) continue;
      for (const s of this._subnets) {
        const v = s.vnet as unknown as VnetView;
        if (v === home || v.existing || v.peers.includes(home)) continue;
        throw new ValidationError(this, `routes[${r.name}].nextHop.ip`, ip,
          `it lies in VNet ${home.name} (${home.node.path}), which subnet ${s.name} of VNet ${v.name} cannot reach: `
          + 'the two VNets are not peered; peer them (HubSpokePeering) or use an appliance in a connected network');
      }
    }
  }
}

/** What the next-hop check reads of a firewall built by this app. */
interface FirewallView {
  readonly resource: { readonly friendlyUniqueId: string };
  readonly subnet: { readonly vnet: VnetView };
}
const firewallBrand = brand('AzureFirewall');
// The brand's test: findInApp reads the marked firewalls instead of walking the tree.
const isFirewallView = brandTest('AzureFirewall', (x: unknown): x is FirewallView & IConstruct => firewallBrand.is(x));
const firewallIndex = new WeakMap<IConstruct, Map<string, FirewallView>>();

/** What the next-hop check reads of a VNet. */
interface VnetView {
  readonly name: string;
  readonly existing: boolean;
  readonly peers: readonly unknown[];
  readonly node: { readonly path: string };
}
