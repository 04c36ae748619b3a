import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { VirtualNetwork as TfVirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Subnet as TfSubnet } from '@cdktf/provider-azurerm/lib/subnet';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { DataAzurermSubnet } from '@cdktf/provider-azurerm/lib/data-azurerm-subnet';
import type { DataAzurermVirtualNetwork } from '@cdktf/provider-azurerm/lib/data-azurerm-virtual-network';
import type { VirtualNetworkDnsServers } from '@cdktf/provider-azurerm/lib/virtual-network-dns-servers';
import {
  Cidr, ValidationError, AZURE_NAME_RULES, brand, checkAzureName, checkEnum, checkIpList, checkList, declareRanges, findOverlap,
} from '../core';
import { requireProps } from '../core/guards';
import { declareName } from '../core/app-registry';
import type { IFirewall } from './firewall';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { attribute } from '../core/refs';
import { untraced } from '../core/refs';

/** Subnet names Azure gives a meaning, with the smallest prefix each accepts. */
export const AZURE_SPECIAL_SUBNETS: { readonly [name: string]: { readonly maxPrefix: number; readonly service: string } } = {
  AzureFirewallSubnet: { maxPrefix: 26, service: 'Azure Firewall' },
  AzureFirewallManagementSubnet: { maxPrefix: 26, service: 'Azure Firewall (forced tunnelling / Basic tier)' },
  // Azure's documentation asks for /26 today; older pages said /27.
  RouteServerSubnet: { maxPrefix: 26, service: 'Azure Route Server' },
  GatewaySubnet: { maxPrefix: 27, service: 'a virtual network gateway' },
  AzureBastionSubnet: { maxPrefix: 26, service: 'Azure Bastion' },
};

/** The service endpoints a subnet can have (the azurerm provider's list of Azure's values). */
export const AZURE_SERVICE_ENDPOINTS = [
  'Microsoft.AzureActiveDirectory', 'Microsoft.AzureCosmosDB', 'Microsoft.CognitiveServices', 'Microsoft.ContainerRegistry',
  'Microsoft.EventHub', 'Microsoft.KeyVault', 'Microsoft.ServiceBus', 'Microsoft.Sql', 'Microsoft.Storage',
  'Microsoft.Storage.Global', 'Microsoft.Web',
] as const;

/** Azure's smallest IPv4 subnet: five addresses are reserved in each. */
export const AZURE_MIN_SUBNET_PREFIX = 29;

/** A subnet of a {@link VirtualNetwork}. */
export interface SubnetSpec {
  /** e.g. `AKSSubnet`, or one of Azure's special names such as `AzureFirewallSubnet`. */
  readonly name: string;
  /** e.g. `10.1.0.0/24`; must lie in the VNet's address space. */
  readonly addressPrefix: string;
  /** Service endpoints, from {@link AZURE_SERVICE_ENDPOINTS}, e.g. `Microsoft.Storage`. @default - none */
  readonly serviceEndpoints?: string[];
  /**
   * Azure's implicit outbound access for VMs without an explicit path out. Off is the secure choice
   * for subnets whose traffic must leave through a firewall.
   * @default - the provider's default (on)
   */
  readonly defaultOutboundAccessEnabled?: boolean;
}

/** Props of {@link VirtualNetwork}. */
export interface VirtualNetworkProps {
  readonly resourceGroup: IResourceGroup;
  /** The VNet's name in Azure, e.g. `hub-vnet`. */
  readonly name: string;
  /** One or more non-overlapping CIDRs, e.g. `['10.0.0.0/22']`. */
  readonly addressSpace: string[];
  /** @default - no subnets; add them with `addSubnet` */
  readonly subnets?: SubnetSpec[];
  /**
   * Custom DNS servers (IP addresses), set on the VNet itself. For servers known only at deploy time (a firewall in
   * this VNet) use `useFirewallDns` or `setDnsServers`, which avoid a dependency cycle.
   * @default - Azure-provided DNS
   */
  readonly dnsServers?: string[];
  /** @default - none */
  readonly tags?: Tags;
}

/** Props of {@link VirtualNetwork.fromExisting}. */
export interface ExistingVirtualNetworkProps {
  /** The group the VNet is in (its name is what the data sources look it up by). */
  readonly resourceGroup: IResourceGroup;
  /** The VNet's name in Azure. */
  readonly name: string;
  /**
   * Its address space as it is: the library checks ranges and derives addresses (gateways, first VMs)
   * from it at synth, before anything is read from Azure.
   */
  readonly addressSpace: string[];
  /** The existing subnets the app uses, with their ranges as they are. */
  readonly subnets: { readonly name: string; readonly addressPrefix: string }[];
}

const EXISTING = Symbol.for('cdktf-kubernetes-egress.existingVirtualNetwork');

/** What a route table exposes to the subnets it is associated with. */
export interface ISubnetRouteTable {
  /** The route table's name in Azure. */
  readonly name: string;
  /** Its resource ID (a reference), when known: what a grant on the table is scoped to. @default - unknown */
  readonly id?: string;
  /** Resources to order after: the table, its routes and its associations. */
  readonly dependables: readonly ITerraformDependable[];
  /** The firewall its default route leads to, when the table was built for one. */
  readonly firewall?: IFirewall;
  /** Next-hop type of the `0.0.0.0/0` route, if the table has one (e.g. `VirtualAppliance`). */
  defaultRouteNextHopType(): string | undefined;
}

/** What a NAT gateway exposes to the subnets it is associated with. */
export interface ISubnetNatGateway {
  /** The NAT gateway's name in Azure. */
  readonly name: string;
  /** Resources to order after: the gateway, its public IP associations and its subnet associations. */
  readonly dependables: readonly ITerraformDependable[];
}

const subnetBrand = brand('Subnet');
const vnetBrand = brand('VirtualNetwork');

/** A subnet, created by {@link VirtualNetwork}; carries its CIDR and the addresses Azure assigns in it. */
export class Subnet extends Construct {
  /** True when `x` is a Subnet (works across copies of the library). */
  public static isSubnet(x: unknown): x is Subnet {
    return subnetBrand.is(x);
  }

  /** The subnet's name in Azure. */
  public readonly name: string;
  /** Its address range. */
  public readonly cidr: Cidr;
  /** The VNet it belongs to. */
  public readonly vnet: VirtualNetwork;
  /** The azurerm_subnet resource (escape hatch), or the data source that reads an existing subnet. */
  public readonly resource: TfSubnet | DataAzurermSubnet;
  /** True for a subnet that exists already (read with a data source, not created). */
  public readonly existing: boolean;
  private _routeTable?: ISubnetRouteTable;
  private _routeTableAssociation?: ITerraformDependable;
  private _natGateway?: ISubnetNatGateway;
  private _natGatewayAssociation?: ITerraformDependable;

  /** @internal - created through VirtualNetwork.addSubnet */
  constructor(vnet: VirtualNetwork, spec: SubnetSpec, cidr: Cidr, existing = false) {
    super(vnet, spec.name);
    subnetBrand.mark(this);
    this.vnet = vnet;
    this.name = spec.name;
    this.cidr = cidr;
    this.existing = existing;
    this.resource = existing
      ? untraced(() => new (require('@cdktf/provider-azurerm/lib/data-azurerm-subnet') as typeof import('@cdktf/provider-azurerm/lib/data-azurerm-subnet')).DataAzurermSubnet(this, 'subnet', {
        name: spec.name,
        resourceGroupName: vnet.resourceGroupName,
        virtualNetworkName: vnet.name,
      }))
      : untraced(() => new TfSubnet(this, 'subnet', {
        name: spec.name,
        resourceGroupName: vnet.resourceGroupName,
        virtualNetworkName: attribute(vnet.resource, 'name'),
        addressPrefixes: [cidr.toString()],
        serviceEndpoints: spec.serviceEndpoints,
        defaultOutboundAccessEnabled: spec.defaultOutboundAccessEnabled,
      }));
  }

  /** The subnet's resource ID (a reference). */
  public get id(): string {
    return attribute(this.resource, 'id');
  }

  /** The subnet's default gateway: its first host address, e.g. `10.1.0.1` in `10.1.0.0/24`. */
  public get gatewayIp(): string {
    return this.cidr.host(1);
  }

  /** Number of addresses VMs can get: Azure reserves five in every subnet. */
  public get usableAddressCount(): number {
    return this.cidr.size - 5;
  }

  /**
   * The address Azure gives the `index`-th VM (or node) in this subnet: Azure reserves the first four
   * addresses, so `hostIp(0)` is `.4` and `hostIp(1)` is `.5`. Same name as the AWS subnet's.
   */
  public hostIp(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.usableAddressCount) {
      throw new ValidationError(this, 'hostIp index', index,
        `${this.name} (${this.cidr}) has ${this.usableAddressCount} VM addresses, index 0 to ${this.usableAddressCount - 1}`);
    }
    return this.cidr.host(4 + index);
  }

  /** @deprecated Use {@link hostIp} (the name the AWS subnet shares); kept for one minor version. */
  public vmIp(index: number): string {
    return this.hostIp(index);
  }

  /** The route table associated with this subnet, if any. */
  public get routeTable(): ISubnetRouteTable | undefined {
    return this._routeTable;
  }

  /** The association resource with that route table, to order resources after it. */
  public get routeTableAssociation(): ITerraformDependable | undefined {
    return this._routeTableAssociation;
  }

  /** @internal - called by RouteTable.associate: checks first, then creates the association. */
  public _setRouteTable(table: ISubnetRouteTable, associate: () => ITerraformDependable): void {
    if (this._routeTable) {
      throw new ValidationError(this, 'routeTable', table.name,
        `subnet ${this.name} already has route table ${this._routeTable.name}; a subnet takes at most one`);
    }
    this._routeTableAssociation = associate();
    this._routeTable = table;
  }

  /** The NAT gateway associated with this subnet, if any. */
  public get natGateway(): ISubnetNatGateway | undefined {
    return this._natGateway;
  }

  /** The association resource with that NAT gateway, to order resources after it. */
  public get natGatewayAssociation(): ITerraformDependable | undefined {
    return this._natGatewayAssociation;
  }

  /** @internal - called by NatGateway.associate: checks first, then creates the association. */
  public _setNatGateway(gateway: ISubnetNatGateway, associate: () => ITerraformDependable): void {
    if (this._natGateway) {
      throw new ValidationError(this, 'natGateway', gateway.name,
        `subnet ${this.name} already has NAT gateway ${this._natGateway.name}; a subnet takes at most one`);
    }
    this._natGatewayAssociation = associate();
    this._natGateway = gateway;
  }
}

/**
 * A virtual network with its subnets. Checks at construction that the address space blocks do not
 * overlap, that each subnet lies inside the address space and clear of the others, and that Azure's
 * special subnets are large enough.
 */
export class VirtualNetwork extends Construct {
  /** True when `x` is a VirtualNetwork (works across copies of the library). */
  public static isVirtualNetwork(x: unknown): x is VirtualNetwork {
    return vnetBrand.is(x);
  }

  /** The VNet's name in Azure. */
  public readonly name: string;
  /** Its address space. */
  public readonly addressSpace: readonly Cidr[];
  /**
   * An existing VNet and some of its subnets, read with data sources: it works wherever a new one
   * does (peerings, firewalls, route tables, NAT gateways, clusters), and `addSubnet` adds new subnets
   * to it. Its ranges are given here, so everything checked at synth is checked for it too.
   */
  public static fromExisting(scope: Construct, id: string, props: ExistingVirtualNetworkProps): VirtualNetwork {
    return new VirtualNetwork(scope, id, { ...props, subnets: [], [EXISTING]: props.subnets } as VirtualNetworkProps);
  }

  /** The azurerm_virtual_network resource (escape hatch), or the data source that reads an existing VNet. */
  public readonly resource: TfVirtualNetwork | DataAzurermVirtualNetwork;
  /** True for a VNet that exists already (see {@link VirtualNetwork.fromExisting}). */
  public readonly existing: boolean;
  /** Name of the resource group it lives in. */
  public readonly resourceGroupName: string;
  /** Location. */
  public readonly location: string;
  private readonly _subnets = new Map<string, Subnet>();
  private readonly _peers: VirtualNetwork[] = [];
  private readonly _peeringDependables: ITerraformDependable[] = [];
  private readonly hasInlineDnsServers: boolean;
  /** The VNet's DNS servers as a resource of their own, once `setDnsServers` or `useFirewallDns` was called. */
  public dnsServersResource?: VirtualNetworkDnsServers;

  constructor(scope: Construct, id: string, props: VirtualNetworkProps) {
    super(scope, id);
    requireProps(this, 'VirtualNetwork', props, ['resourceGroup', 'name', 'addressSpace']);
    if (!(props as unknown as Record<symbol, unknown>)[EXISTING]) declareName(this, { type: 'azurerm_virtual_network', what: 'VNet', scope: attribute(props.resourceGroup, 'name'), scopeWhat: 'resource group', name: props.name });
    vnetBrand.mark(this);
    checkAzureName(this, 'name', props.name, AZURE_NAME_RULES.virtualNetwork);
    checkList(this, 'addressSpace', props.addressSpace, 'a list of CIDRs, e.g. ["10.0.0.0/16"]');
    if (props.addressSpace.length === 0) {
      throw new ValidationError(this, 'addressSpace', [], 'a VNet needs at least one CIDR block');
    }
    if (props.dnsServers !== undefined) checkIpList(this, 'dnsServers', props.dnsServers);
    const blocks = props.addressSpace.map((a, i) => ({ cidr: Cidr.parse(a, { site: this, field: `addressSpace[${i}]` }) }));
    const clash = findOverlap(blocks);
    if (clash) {
      throw new ValidationError(this, 'addressSpace', clash[1].cidr.toString(), `it overlaps ${clash[0].cidr}; address space blocks must not overlap`);
    }
    this.name = props.name;
    this.addressSpace = blocks.map((b) => b.cidr);
    this.resourceGroupName = attribute(props.resourceGroup, 'name');
    this.location = attribute(props.resourceGroup, 'location');
    this.hasInlineDnsServers = (props.dnsServers?.length ?? 0) > 0;
    declareRanges(this, this.addressSpace.map((cidr) => ({ cidr, kind: 'vnet', label: `VNet ${props.name}` })));
    const existingSubnets = (props as unknown as { [EXISTING]?: ExistingVirtualNetworkProps['subnets'] })[EXISTING];
    this.existing = existingSubnets !== undefined;
    this.resource = this.existing
      ? untraced(() => new (require('@cdktf/provider-azurerm/lib/data-azurerm-virtual-network') as typeof import('@cdktf/provider-azurerm/lib/data-azurerm-virtual-network')).DataAzurermVirtualNetwork(this, 'vnet', { name: props.name, resourceGroupName: attribute(props.resourceGroup, 'name') }))
      : untraced(() => new TfVirtualNetwork(this, 'vnet', {
        name: props.name,
        resourceGroupName: attribute(props.resourceGroup, 'name'),
        location: attribute(props.resourceGroup, 'location'),
        addressSpace: this.addressSpace.map((c) => c.toString()),
        dnsServers: props.dnsServers,
        tags: azureTags(this, props.tags),
      }));
    for (const spec of existingSubnets ?? []) this.addSubnetOf(spec, true);
    for (const spec of props.subnets ?? []) this.addSubnet(spec);
  }

  /** The VNet's resource ID (a reference). */
  public get id(): string {
    return attribute(this.resource, 'id');
  }

  /** The subnets, in the order they were added. */
  public get subnets(): Subnet[] {
    return [...this._subnets.values()];
  }

  /** VNets peered with this one (filled in by {@link HubSpokePeering}). */
  public get peers(): readonly VirtualNetwork[] {
    return this._peers;
  }

  /** True when `address` (an IP or CIDR) lies inside this VNet's address space. */
  public contains(address: Cidr | string): boolean {
    return this.addressSpace.some((block) => block.contains(address));
  }

  /** Adds a subnet after checking its range and, for Azure's special subnets, its size. */
  public addSubnet(spec: SubnetSpec): Subnet {
    return this.addSubnetOf(spec, false);
  }

  private addSubnetOf(spec: SubnetSpec, existing: boolean): Subnet {
    const field = `subnets[${spec.name}]`;
    checkAzureName(this, `${field}.name`, spec.name, AZURE_NAME_RULES.subnet);
    if (this._subnets.has(spec.name)) {
      throw new ValidationError(this, `${field}.name`, spec.name, 'subnet names must be unique in a VNet');
    }
    const cidr = Cidr.parse(spec.addressPrefix, { site: this, field: `${field}.addressPrefix` });
    if (spec.serviceEndpoints !== undefined) {
      const endpoints = checkList<unknown>(this, `${field}.serviceEndpoints`, spec.serviceEndpoints, 'a list of service endpoint names');
      endpoints.forEach((e, i) => {
        checkEnum(this, `${field}.serviceEndpoints[${i}]`, e, AZURE_SERVICE_ENDPOINTS, { what: 'a service endpoint' });
        if (endpoints.indexOf(e) !== i) throw new ValidationError(this, `${field}.serviceEndpoints[${i}]`, e, 'it is listed twice');
      });
    }
    if (!this.contains(cidr)) {
      throw new ValidationError(this, `${field}.addressPrefix`, cidr.toString(),
        `a subnet must lie inside the VNet's address space ${this.addressSpace.join(', ')}`);
    }
    if (cidr.version === 4 && cidr.prefix > AZURE_MIN_SUBNET_PREFIX) {
      throw new ValidationError(this, `${field}.addressPrefix`, cidr.toString(),
        `Azure subnets are /${AZURE_MIN_SUBNET_PREFIX} or larger (Azure reserves five addresses in each)`);
    }
    const special = AZURE_SPECIAL_SUBNETS[spec.name];
    if (special && cidr.prefix > special.maxPrefix) {
      throw new ValidationError(this, `${field}.addressPrefix`, cidr.toString(),
        `${special.service} needs ${spec.name} to be /${special.maxPrefix} or larger`);
    }
    for (const other of this._subnets.values()) {
      if (other.cidr.overlaps(cidr)) {
        throw new ValidationError(this, `${field}.addressPrefix`, cidr.toString(),
          `it overlaps subnet ${other.name} (${other.cidr}); subnets must not overlap`);
      }
    }
    const subnet = new Subnet(this, spec, cidr, existing);
    this._subnets.set(spec.name, subnet);
    return subnet;
  }

  /** The subnet called `name`; throws a ValidationError naming the subnets there are if none is. */
  public subnet(name: string): Subnet {
    const s = this._subnets.get(name);
    if (!s) {
      throw new ValidationError(this, 'subnet', name, `${this.name} has subnets ${[...this._subnets.keys()].join(', ') || '(none)'}`);
    }
    return s;
  }

  /**
   * Sets the VNet's DNS servers with a resource of its own (`azurerm_virtual_network_dns_servers`), so
   * they may name something created after the VNet, such as a firewall in it, without a dependency
   * cycle. Workloads in the VNet (AKS clusters) wait for it: nodes take their DNS servers at boot.
   */
  public setDnsServers(servers: readonly string[]): VirtualNetworkDnsServers {
    if (this.hasInlineDnsServers) {
      throw new ValidationError(this, 'dnsServers', 'setDnsServers', 'the VNet has dnsServers in its props; set them in one place only');
    }
    if (this.dnsServersResource) {
      throw new ValidationError(this, 'dnsServers', 'setDnsServers', 'the DNS servers are set already; a VNet has one list of DNS servers');
    }
    checkList(this, 'dnsServers', servers, 'a list of IP addresses');
    if (servers.length === 0) throw new ValidationError(this, 'dnsServers', [], 'name at least one DNS server');
    checkIpList(this, 'dnsServers', servers);
    this.dnsServersResource = untraced(() => new (require('@cdktf/provider-azurerm/lib/virtual-network-dns-servers') as typeof import('@cdktf/provider-azurerm/lib/virtual-network-dns-servers')).VirtualNetworkDnsServers(this, 'dns-servers', {
      virtualNetworkId: this.id,
      dnsServers: [...servers],
    }));
    return this.dnsServersResource;
  }

  /**
   * Points the VNet's DNS at the firewall's DNS proxy (its private IP), so clients resolve FQDNs to
   * the same addresses the firewall matches FQDNs in network rules against.
   */
  public useFirewallDns(firewall: IFirewall): VirtualNetworkDnsServers {
    if (!firewall.dnsProxyEnabled) {
      throw new ValidationError(this, 'dnsServers', firewall.name, 'the firewall\'s DNS proxy is off; turn dnsProxyEnabled on to use it as DNS server');
    }
    return this.setDnsServers([firewall.privateIp]);
  }

  /** What a workload in this VNet waits for besides its subnet: the VNet's DNS servers resource, when set. */
  public get dnsDependables(): readonly ITerraformDependable[] {
    return this.dnsServersResource ? [this.dnsServersResource] : [];
  }

  /** The peering resources of this VNet, both directions: what a workload reaching a peer waits for. */
  public get peeringDependables(): readonly ITerraformDependable[] {
    return this._peeringDependables;
  }

  /** @internal - called by HubSpokePeering */
  public _addPeer(other: VirtualNetwork, dependables: readonly ITerraformDependable[]): void {
    if (!this._peers.includes(other)) this._peers.push(other);
    this._peeringDependables.push(...dependables);
  }
}
