import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { NatGateway as TfNatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import type { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import type { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import {
  AZURE_NAME_RULES, ValidationError, brand, checkAzureName, checkEnum, knownEqual, knownValue, warnUnchecked,
} from '../core';
import { requireProps } from '../core/guards';
import { declareName } from '../core/app-registry';
import { publicIpId, publicIpNames, standardPublicIp } from './public-ip';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { ISubnetNatGateway, Subnet, VirtualNetwork } from './virtual-network';
import { untraced } from '../core/refs';

/** A NAT gateway takes at most 16 public IP addresses. */
export const NAT_GATEWAY_MAX_PUBLIC_IPS = 16;

/** SNAT ports each public IP of a NAT gateway gives, shared on demand by every VM of its subnets. */
export const NAT_GATEWAY_SNAT_PORTS_PER_IP = 64512;

/** Props of {@link NatGateway}. */
export interface NatGatewayProps {
  readonly resourceGroup: IResourceGroup;
  /** The gateway's name in Azure, e.g. `myNatGateway`. */
  readonly name: string;
  /**
   * Names of the Standard public IPs to create and associate. Mutually exclusive with `publicIpCount`.
   * @default [`${name}-ip`]
   */
  readonly publicIpNames?: string[];
  /**
   * Number of public IPs to create, named `${name}-ip-1` to `${name}-ip-N`; 1 to 16, each
   * 64,512 SNAT ports. Mutually exclusive with `publicIpNames`.
   * @default 1
   */
  readonly publicIpCount?: number;
  /** Minutes an idle TCP flow is kept; 4 to 120. @default 4 */
  readonly idleTimeoutMinutes?: number;
  /** The one availability zone of the gateway and its IPs, e.g. `'1'`. @default - no zone */
  readonly zone?: string;
  /** Subnets whose outbound traffic leaves through the gateway. @default - none; add them with `associate` */
  readonly subnets?: Subnet[];
  /** @default - none */
  readonly tags?: Tags;
}

const natGatewayBrand = brand('NatGateway');

/**
 * An Azure NAT gateway with its Standard public IPs and their associations. Every subnet associated
 * with it sends its Internet-bound traffic out from these IPs (unless a route sends that traffic to
 * a virtual appliance first).
 */
export class NatGateway extends Construct implements ISubnetNatGateway {
  /** True when `x` is a NatGateway (works across copies of the library). */
  public static isNatGateway(x: unknown): x is NatGateway {
    return natGatewayBrand.is(x);
  }

  /** The gateway's name in Azure. */
  public readonly name: string;
  /** The azurerm_nat_gateway resource (escape hatch). */
  public readonly resource: TfNatGateway;
  /** The public IP resources, in the order of their names. */
  public readonly publicIpResources: PublicIp[];
  /** The azurerm_nat_gateway_public_ip_association resources, one per public IP. */
  public readonly publicIpAssociations: NatGatewayPublicIpAssociation[];
  /** The azurerm_subnet_nat_gateway_association resources, by `<vnet>/<subnet>`. */
  public readonly subnetAssociations: { [vnetAndSubnet: string]: SubnetNatGatewayAssociation } = {};
  /** Minutes an idle flow is kept. */
  public readonly idleTimeoutMinutes: number;
  private readonly _subnets: Subnet[] = [];
  private readonly location: string;

  constructor(scope: Construct, id: string, props: NatGatewayProps) {
    super(scope, id);
    requireProps(this, 'NatGateway', props, ['resourceGroup', 'name']);
    declareName(this, { type: 'azurerm_nat_gateway', what: 'NAT gateway', scope: props.resourceGroup.name, scopeWhat: 'resource group', name: props.name });
    natGatewayBrand.mark(this);
    checkAzureName(this, 'name', props.name, AZURE_NAME_RULES.natGateway);
    this.name = props.name;
    this.location = props.resourceGroup.location;
    this.idleTimeoutMinutes = props.idleTimeoutMinutes ?? 4;
    const timeout = this.idleTimeoutMinutes;
    if (!Number.isInteger(timeout) || timeout < 4 || timeout > 120) {
      throw new ValidationError(this, 'idleTimeoutMinutes', timeout, 'a NAT gateway keeps idle flows 4 to 120 minutes');
    }
    const zones = props.zone === undefined ? undefined
      : [checkEnum(this, 'zone', props.zone, ['1', '2', '3'] as const, { what: 'a NAT gateway zone (one only)' })];

    this.resource = untraced(() => new (require('@cdktf/provider-azurerm/lib/nat-gateway') as typeof import('@cdktf/provider-azurerm/lib/nat-gateway')).NatGateway(this, 'nat-gateway', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      skuName: 'Standard',
      idleTimeoutInMinutes: timeout,
      zones,
      tags: azureTags(this, props.tags),
    }));

    this.publicIpResources = publicIpNames(this, props.name, props, NAT_GATEWAY_MAX_PUBLIC_IPS, 'a NAT gateway')
      .map((name, i) => standardPublicIp(this, publicIpId(i), { name, resourceGroup: props.resourceGroup, zones, tags: azureTags(this, props.tags) }));
    this.publicIpAssociations = this.publicIpResources.map((ip, i) =>
      untraced(() => new (require('@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association') as typeof import('@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association')).NatGatewayPublicIpAssociation(this, i === 0 ? 'public-ip-association' : `public-ip-association-${i + 1}`, {
        natGatewayId: this.resource.id,
        publicIpAddressId: ip.id,
      })));
    for (const subnet of props.subnets ?? []) this.associate(subnet);
  }

  /** The gateway's resource ID (a reference). */
  public get id(): string {
    return this.resource.id;
  }

  /** The public IP addresses (references): the source address of everything the gateway sends out. */
  public get publicIps(): string[] {
    return this.publicIpResources.map((ip) => ip.ipAddress);
  }

  /** SNAT ports the gateway offers its subnets: 64,512 per public IP. */
  public get snatPorts(): number {
    return this.publicIpResources.length * NAT_GATEWAY_SNAT_PORTS_PER_IP;
  }

  /** The subnets associated so far. */
  public get subnets(): readonly Subnet[] {
    return this._subnets;
  }

  /** The gateway, its public IP associations and its subnet associations: what a workload behind it waits for. */
  public get dependables(): ITerraformDependable[] {
    return [this.resource, ...this.publicIpAssociations, ...Object.values(this.subnetAssociations)];
  }

  /**
   * Associates the gateway with `subnet`. A subnet takes one NAT gateway; a gateway serves subnets of
   * one VNet, in its own region; `GatewaySubnet` takes none.
   */
  public associate(subnet: Subnet): void {
    if (subnet.name === 'GatewaySubnet') {
      throw new ValidationError(this, 'subnets', subnet.name, 'a NAT gateway cannot be associated with GatewaySubnet');
    }
    const served = this._subnets[0]?.vnet;
    if (served && served !== subnet.vnet) {
      throw new ValidationError(this, 'subnets', `${subnet.vnet.name}/${subnet.name}`,
        `a NAT gateway serves subnets of one VNet, and this one already serves ${served.name}`);
    }
    this.checkRegion(subnet.vnet);
    let association!: SubnetNatGatewayAssociation;
    subnet._setNatGateway(this, () => (association = untraced(() => new (require('@cdktf/provider-azurerm/lib/subnet-nat-gateway-association') as typeof import('@cdktf/provider-azurerm/lib/subnet-nat-gateway-association')).SubnetNatGatewayAssociation(this, `association-${subnet.vnet.name}-${subnet.name}`, {
      subnetId: subnet.id,
      natGatewayId: this.resource.id,
    }))));
    this._subnets.push(subnet);
    this.subnetAssociations[`${subnet.vnet.name}/${subnet.name}`] = association;
  }

  /**
   * The gateway and the VNet must share a region. Both locations are usually references
   * (`rg.location`): compare the literals the app gave their resource groups, and say so when neither
   * is known.
   */
  private checkRegion(vnet: VirtualNetwork): void {
    const same = knownEqual(this, this.location, vnet.location);
    if (same === undefined) {
      const hereKnown = knownValue(this, this.location) !== undefined;
      warnUnchecked(this, hereKnown ? `location of VNet ${vnet.name}` : 'location', hereKnown ? vnet.location : this.location,
        `that VNet ${vnet.name} is in the NAT gateway's region`);
      return;
    }
    if (!same) {
      const here = knownValue(this, this.location);
      const there = knownValue(this, vnet.location);
      throw new ValidationError(this, 'subnets', `${vnet.name} (${String(there)})`, `a NAT gateway serves subnets in its own region, ${String(here)}`);
    }
  }
}
