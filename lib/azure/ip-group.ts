import { Construct } from 'constructs';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { IpGroup as TfIpGroup } from '@cdktf/provider-azurerm/lib/ip-group';
import { AZURE_NETWORK_NAME, Cidr, ValidationError, checkAzureName, checkCidrList } from '../core';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { Subnet } from './virtual-network';
import { untraced } from '../core/refs';

/** Props of {@link IpGroup}. */
export interface IpGroupProps {
  readonly resourceGroup: IResourceGroup;
  /** e.g. `aks-nodes-ipg`. */
  readonly name: string;
  /** Subnets whose ranges the group holds, e.g. the node subnets. @default - none */
  readonly subnets?: readonly Subnet[];
  /** Further ranges, e.g. a tenant's `egressCidr`. @default - none */
  readonly cidrs?: readonly (string | Cidr)[];
  /** @default - none */
  readonly tags?: Tags;
}

/**
 * An Azure IP Group (`azurerm_ip_group`): named address ranges that Azure Firewall rules use as
 * sources (`sourceIpGroups` of any rule, classic or Firewall Policy), instead of `*`.
 */
export class IpGroup extends Construct {
  /** The group's name in Azure. */
  public readonly name: string;
  /** The ranges it holds: the subnets' first, then the CIDRs. */
  public readonly cidrs: readonly Cidr[];
  /** The azurerm_ip_group resource (escape hatch). */
  public readonly resource: TfIpGroup;

  constructor(scope: Construct, id: string, props: IpGroupProps) {
    super(scope, id);
    checkAzureName(this, 'name', props.name, AZURE_NETWORK_NAME);
    const given = (props.cidrs ?? []).map((c) => (c instanceof Cidr ? c.toString() : c));
    const cidrs = [...(props.subnets ?? []).map((s) => s.cidr), ...checkCidrList(this, 'cidrs', given)];
    if (cidrs.length === 0) {
      throw new ValidationError(this, 'cidrs', [], 'an IP Group needs at least one range: name subnets or cidrs');
    }
    const seen = new Set<string>();
    for (const c of cidrs) {
      if (seen.has(c.toString())) throw new ValidationError(this, 'cidrs', c.toString(), 'it is listed twice (a subnet and a CIDR, or two subnets)');
      seen.add(c.toString());
    }
    this.name = props.name;
    this.cidrs = cidrs;
    this.resource = untraced(() => new (require('@cdktf/provider-azurerm/lib/ip-group') as typeof import('@cdktf/provider-azurerm/lib/ip-group')).IpGroup(this, 'ip-group', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      cidrs: cidrs.map((c) => c.toString()),
      tags: azureTags(this, props.tags),
    }));
  }

  /** The group's resource ID (a reference): what `sourceIpGroups` takes. */
  public get id(): string {
    return this.resource.id;
  }
}
