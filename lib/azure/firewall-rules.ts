import { Construct } from 'constructs';
import { Token } from 'cdktf';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { FirewallApplicationRuleCollection } from '@cdktf/provider-azurerm/lib/firewall-application-rule-collection';
import type { FirewallNetworkRuleCollection } from '@cdktf/provider-azurerm/lib/firewall-network-rule-collection';
import type { FirewallNatRuleCollection } from '@cdktf/provider-azurerm/lib/firewall-nat-rule-collection';
import {
  FirewallPolicyRuleCollectionGroupApplicationRuleCollection,
  FirewallPolicyRuleCollectionGroupNatRuleCollection,
  FirewallPolicyRuleCollectionGroupNetworkRuleCollection,
} from '@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group';
import { NetworkRule, RuleCollection, renderAddress, renderSourceAddresses } from '../core';
import { untraced } from '../core/refs';

/** Renders the provider-neutral rule model for Azure Firewall. */

const ports = (list: readonly (number | string)[]): string[] => list.map(String);
/** A policy DNAT rule's translated port is a number; a reference stays a reference. */
const translatedPort = (port: number | string): number =>
  (typeof port === 'string' && Token.isUnresolved(port) ? Token.asNumber(port) : Number(port));
const orUndefined = <T>(list: readonly T[] | undefined): T[] | undefined => (list && list.length > 0 ? [...list] : undefined);

/** A network rule as both classic collections and policy rule collection groups spell it. */
function networkRule(r: NetworkRule) {
  return {
    name: r.name,
    description: r.description,
    sourceAddresses: renderSourceAddresses(r),
    sourceIpGroups: orUndefined(r.sourceIpGroups),
    destinationAddresses: orUndefined(r.destinationAddresses?.map(renderAddress)),
    destinationFqdns: orUndefined(r.destinationFqdns),
    destinationPorts: ports(r.destinationPorts),
    protocols: [...r.protocols],
  };
}

/** Where classic collections attach. */
export interface ClassicTarget {
  readonly firewallName: string;
  readonly resourceGroupName: string;
}

/** One classic rule collection resource for `collection`, created in `scope`. */
export function renderClassicCollection(scope: Construct, collection: RuleCollection, target: ClassicTarget):
  FirewallNetworkRuleCollection | FirewallApplicationRuleCollection | FirewallNatRuleCollection {
  const base = {
    name: collection.name,
    azureFirewallName: target.firewallName,
    resourceGroupName: target.resourceGroupName,
    priority: collection.priority,
  };
  const id = `${collection.kind}-${collection.name}`;
  switch (collection.kind) {
    case 'network':
      return untraced(() => new (require('@cdktf/provider-azurerm/lib/firewall-network-rule-collection') as typeof import('@cdktf/provider-azurerm/lib/firewall-network-rule-collection')).FirewallNetworkRuleCollection(scope, id, {
        ...base,
        action: collection.action,
        rule: collection.rules.map(networkRule),
      }));
    case 'application':
      return untraced(() => new (require('@cdktf/provider-azurerm/lib/firewall-application-rule-collection') as typeof import('@cdktf/provider-azurerm/lib/firewall-application-rule-collection')).FirewallApplicationRuleCollection(scope, id, {
        ...base,
        action: collection.action,
        rule: collection.rules.map((r) => ({
          name: r.name,
          description: r.description,
          sourceAddresses: renderSourceAddresses(r),
          sourceIpGroups: orUndefined(r.sourceIpGroups),
          targetFqdns: orUndefined(r.targetFqdns),
          fqdnTags: orUndefined(r.fqdnTags),
          protocol: orUndefined(r.protocols?.map((p) => ({ type: p.type, port: p.port }))),
        })),
      }));
    case 'dnat':
      return untraced(() => new (require('@cdktf/provider-azurerm/lib/firewall-nat-rule-collection') as typeof import('@cdktf/provider-azurerm/lib/firewall-nat-rule-collection')).FirewallNatRuleCollection(scope, id, {
        ...base,
        action: 'Dnat',
        rule: collection.rules.map((r) => ({
          name: r.name,
          description: r.description,
          sourceAddresses: renderSourceAddresses(r),
          sourceIpGroups: orUndefined(r.sourceIpGroups),
          destinationAddresses: [r.destinationAddress],
          destinationPorts: ports(r.destinationPorts),
          translatedAddress: r.translatedAddress,
          translatedPort: String(r.translatedPort),
          protocols: [...r.protocols],
        })),
      }));
  }
}

/** The blocks of a policy rule collection group holding `collections`, by kind. */
export function renderPolicyCollections(collections: readonly RuleCollection[]): {
  nat: FirewallPolicyRuleCollectionGroupNatRuleCollection[];
  network: FirewallPolicyRuleCollectionGroupNetworkRuleCollection[];
  application: FirewallPolicyRuleCollectionGroupApplicationRuleCollection[];
} {
  const nat: FirewallPolicyRuleCollectionGroupNatRuleCollection[] = [];
  const network: FirewallPolicyRuleCollectionGroupNetworkRuleCollection[] = [];
  const application: FirewallPolicyRuleCollectionGroupApplicationRuleCollection[] = [];
  for (const c of collections) {
    switch (c.kind) {
      case 'network':
        network.push({
          name: c.name,
          priority: c.priority,
          action: c.action,
          rule: c.rules.map(networkRule),
        });
        break;
      case 'application':
        application.push({
          name: c.name,
          priority: c.priority,
          action: c.action,
          rule: c.rules.map((r) => ({
            name: r.name,
            description: r.description,
            sourceAddresses: renderSourceAddresses(r),
            sourceIpGroups: orUndefined(r.sourceIpGroups),
            destinationFqdns: orUndefined(r.targetFqdns),
            destinationFqdnTags: orUndefined(r.fqdnTags),
            protocols: orUndefined(r.protocols?.map((p) => ({ type: p.type, port: p.port }))),
          })),
        });
        break;
      case 'dnat':
        nat.push({
          name: c.name,
          priority: c.priority,
          action: 'Dnat',
          rule: c.rules.map((r) => ({
            name: r.name,
            description: r.description,
            sourceAddresses: renderSourceAddresses(r),
            sourceIpGroups: orUndefined(r.sourceIpGroups),
            destinationAddress: r.destinationAddress,
            destinationPorts: ports(r.destinationPorts),
            translatedAddress: r.translatedAddress,
            translatedPort: translatedPort(r.translatedPort),
            // A policy DNAT rule names TCP and/or UDP; the classic "Any" means both.
            protocols: r.protocols.includes('Any') ? ['TCP', 'UDP'] : [...r.protocols],
          })),
        });
        break;
    }
  }
  return { nat, network, application };
}
