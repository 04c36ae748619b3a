import { Construct } from 'constructs';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { AZURE_NAME_RULES, ValidationError, checkAzureName } from '../core';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { untraced } from '../core/refs';

/** How a construct's public IPs are named: explicitly, or by count from the construct's name. */
export interface PublicIpNaming {
  /** Names of the public IPs to create. Mutually exclusive with `publicIpCount`. */
  readonly publicIpNames?: string[];
  /** Number of public IPs, named `<name>-ip-1` to `<name>-ip-N`. Mutually exclusive with `publicIpNames`. */
  readonly publicIpCount?: number;
}

/**
 * The names of the public IPs a construct creates: `publicIpNames` as given, `publicIpCount` names
 * derived from `baseName`, or `[<baseName>-ip]`. Checks the count against `max` (what `owner` — e.g.
 * "a firewall" — takes), uniqueness and Azure's naming rule.
 */
export function publicIpNames(site: Construct, baseName: string, naming: PublicIpNaming, max: number, owner: string): string[] {
  if (naming.publicIpNames && naming.publicIpCount !== undefined) {
    throw new ValidationError(site, 'publicIpCount', naming.publicIpCount, 'give publicIpNames or publicIpCount, not both');
  }
  let names: string[];
  if (naming.publicIpNames) {
    names = naming.publicIpNames;
    if (names.length === 0 || names.length > max) {
      throw new ValidationError(site, 'publicIpNames', names, `${owner} has 1 to ${max} public IPs`);
    }
    if (new Set(names).size !== names.length) {
      throw new ValidationError(site, 'publicIpNames', names, 'public IP names must be unique');
    }
  } else if (naming.publicIpCount === undefined) {
    names = [`${baseName}-ip`];
  } else {
    const count = naming.publicIpCount;
    if (!Number.isInteger(count) || count < 1 || count > max) {
      throw new ValidationError(site, 'publicIpCount', count, `${owner} has 1 to ${max} public IPs`);
    }
    names = Array.from({ length: count }, (_, i) => `${baseName}-ip-${i + 1}`);
  }
  names.forEach((n, i) => checkAzureName(site, `publicIpNames[${i}]`, n, AZURE_NAME_RULES.publicIp));
  return names;
}

/** Props of {@link standardPublicIp}. */
export interface StandardPublicIpProps {
  readonly name: string;
  readonly resourceGroup: IResourceGroup;
  /** @default - no zones */
  readonly zones?: string[];
  /** @default - none */
  readonly tags?: Tags;
}

/**
 * A Standard SKU, statically allocated public IP: the only kind Azure Firewall, NAT gateways,
 * Route Servers and Application Gateway v2 accept.
 */
export function standardPublicIp(scope: Construct, id: string, props: StandardPublicIpProps): PublicIp {
  checkAzureName(scope, id === 'public-ip' ? 'publicIpName' : `publicIp[${id}].name`, props.name, AZURE_NAME_RULES.publicIp);
  return untraced(() => new PublicIp(scope, id, {
    name: props.name,
    resourceGroupName: props.resourceGroup.name,
    location: props.resourceGroup.location,
    allocationMethod: 'Static',
    sku: 'Standard',
    zones: props.zones,
    tags: azureTags(scope, props.tags),
  }));
}

/** Construct IDs of a series of public IPs: `public-ip`, `public-ip-2`, … */
export function publicIpId(index: number): string {
  return index === 0 ? 'public-ip' : `public-ip-${index + 1}`;
}
