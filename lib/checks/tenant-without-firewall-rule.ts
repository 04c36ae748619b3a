import { IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { Cidr, RuleAddress, RuleCollection, findInApp, isIpAddress } from '../core';
import { SecurityCheck } from './check';
import { isAzureFirewall, isEgressGatewayTenant, isExistingAzureFirewall, isNetworkFirewall } from './brands';

/** True when `source` is a literal range or address inside `range`; a reference cannot be judged and does not name it. */
function names(range: Cidr, source: RuleAddress): boolean {
  if (source instanceof Cidr) return range.contains(source);
  if (typeof source !== 'string' || Token.isUnresolved(source)) return false;
  const text = source.trim();
  if (!isIpAddress(text) && !Cidr.isValid(text)) return false;
  return range.contains(text);
}

/** True when a network or application rule of `collections` has a source inside `range`. */
export function namesRange(collections: readonly RuleCollection[], range: Cidr): boolean {
  return collections.some((c) => c.kind !== 'dnat' && c.rules.some((r) => (r.sources ?? []).some((s) => names(range, s))));
}

/**
 * EGRESS007: an egress gateway tenant whose range no rule of any firewall in the app names as a source.
 * The tenant lives in a cluster stack and the firewalls in cloud stacks, so every stack is searched.
 */
export const TENANT_WITHOUT_FIREWALL_RULE: SecurityCheck = {
  id: 'EGRESS007',
  name: 'tenant-without-firewall-rule',
  defaultLevel: 'warning',
  description:
    'An egress gateway tenant exists so that a firewall can tell its traffic apart. When no network or ' +
    'application rule of any AzureFirewall (new, or an existing one\'s Firewall Policy) or NetworkFirewall in the app (all stacks) has a source equal ' +
    'to the tenant\'s egress range or inside it, the identity buys nothing: the tenant gets what rules ' +
    'from `*` allow, like any other workload, and a typo between the cluster and the firewall goes ' +
    'unnoticed. A broader source (a supernet, `*`) does not name the tenant; a source given as a reference ' +
    'cannot be judged and does not either. Fix: add a rule with `sources: [tenant.egressCidr]`, or exempt ' +
    'a tenant that should only get what everyone gets.',
  inspect(node: IConstruct) {
    if (!isEgressGatewayTenant(node)) return [];
    const firewalls = [
      ...findInApp(node, isAzureFirewall),
      // Rules this app adds to an existing Firewall Policy name tenants as well as a new firewall's.
      ...findInApp(node, isExistingAzureFirewall),
      ...findInApp(node, isNetworkFirewall),
    ];
    if (firewalls.some((f) => namesRange(f.ruleCollections, node.egressCidr))) return [];
    const which = firewalls.length > 0 ? `no rule of ${firewalls.map((f) => f.node.path).join(', ')}` : 'no firewall (the app has none)';
    return [{
      site: node,
      field: 'tenant.egressCidr',
      value: node.egressCidr.toString(),
      allowed: `${which} names it as a source, so the tenant's egress identity buys it nothing at the firewall; ` +
        'add a rule with sources: [tenant.egressCidr]',
    }];
  },
};
