import { IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { Cidr, NetworkRule, RuleAddress, RuleCollection, RulePort, renderAddress, renderSources } from '../core';
import { Finding, SecurityCheck } from './check';
import { isAzureFirewall, isNetworkFirewall } from './brands';

/**
 * True when `address` stands for every address: `*`, `0.0.0.0/0` or `::/0` (a string or a Cidr).
 * A reference cannot be judged and is not "any".
 */
export function isAnyAddress(address: RuleAddress): boolean {
  if (address instanceof Cidr) return address.prefix === 0;
  if (typeof address !== 'string' || Token.isUnresolved(address)) return false;
  const text = address.trim();
  return text === '*' || (Cidr.isValid(text) && Cidr.parse(text).prefix === 0);
}

/** True when `port` stands for every port: `*`, or a range from 0 or 1 to 65535. A reference is not "any". */
export function isAnyPort(port: RulePort): boolean {
  if (typeof port === 'number') return false;
  if (Token.isUnresolved(port)) return false;
  const text = port.trim();
  if (text === '*') return true;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  return m !== null && Number(m[1]) <= 1 && Number(m[2]) >= 65535;
}

/**
 * True when `addresses` together stand for every address: one of them does, or their literal ranges
 * cover all of IPv4 (e.g. `0.0.0.0/1` and `128.0.0.0/1`). References cannot be judged and cover nothing.
 */
export function coversAnyAddress(addresses: readonly RuleAddress[]): boolean {
  if (addresses.some(isAnyAddress)) return true;
  const ranges = addresses.flatMap((a) => {
    if (a instanceof Cidr) return [a];
    if (typeof a !== 'string' || Token.isUnresolved(a) || !Cidr.isValid(a.trim())) return [];
    return [Cidr.parse(a.trim())];
  });
  return Cidr.coverAll(ranges);
}

/** True when `ports` together stand for every port: one is `*` or 1-65535, or their ranges join up from 1 to 65535. */
export function coversAnyPort(ports: readonly RulePort[]): boolean {
  if (ports.some(isAnyPort)) return true;
  const ranges = ports.flatMap((p) => {
    if (typeof p === 'string' && Token.isUnresolved(p)) return [];
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(String(p).trim());
    return m ? [[Number(m[1]), Number(m[2] ?? m[1])] as const] : [];
  }).sort((a, b) => a[0] - b[0]);
  let next = 1;
  for (const [lo, hi] of ranges) {
    if (lo > next) return false;
    next = Math.max(next, hi + 1);
  }
  return next > 65535;
}

/** True for a network rule that lets any source reach any destination on any port. */
export function isAnyAnyAny(rule: NetworkRule): boolean {
  const sources = rule.sources ?? [];
  // IP Groups alone name their addresses, not any source.
  const anySource = (sources.length === 0 && (rule.sourceIpGroups ?? []).length === 0) || coversAnyAddress(sources);
  const anyDestination = coversAnyAddress(rule.destinationAddresses ?? []) || (rule.destinationFqdns ?? []).includes('*');
  return anySource && anyDestination && coversAnyPort(rule.destinationPorts);
}

function describe(rule: NetworkRule): string {
  const destinations = [...(rule.destinationAddresses ?? []).map(renderAddress), ...(rule.destinationFqdns ?? [])];
  return `${rule.name}: ${rule.protocols.join(',')} from ${renderSources(rule.sources).join(',')} to ${destinations.join(',')} on ports ${rule.destinationPorts.join(',')}`;
}

function findings(site: IConstruct, collections: readonly RuleCollection[]): Finding[] {
  const out: Finding[] = [];
  for (const c of collections) {
    if (c.kind !== 'network' || c.action !== 'Allow') continue;
    c.rules.forEach((rule, i) => {
      if (!isAnyAnyAny(rule)) return;
      out.push({
        site,
        field: `ruleCollections[${c.name}].rules[${i}]`,
        value: describe(rule),
        allowed: 'an allow rule from any source to any destination on any port makes the firewall a router that names nothing; ' +
          'narrow its sources (e.g. tenant.egressCidr), destinations or ports',
      });
    });
  }
  return out;
}

/**
 * EGRESS002: an Allow network rule from any source to any destination on any port, on an Azure
 * Firewall or an AWS Network Firewall.
 */
export const ALLOW_ANY_ANY_ANY: SecurityCheck = {
  id: 'EGRESS002',
  name: 'allow-any-any-any',
  defaultLevel: 'error',
  description:
    'A network rule that allows any source (`*`, 0.0.0.0/0 or none given) to any destination (`*`, ' +
    '0.0.0.0/0, FQDN `*`) on any port (`*` or 1-65535), whatever its protocols, turns the firewall into a ' +
    'router: every workload leaves, and the tenants\' egress identities no longer matter. Deny rules, ' +
    'DNAT rules and application rules (which name their protocols and ports) are not flagged; a source, ' +
    'destination or port given as a reference cannot be judged and counts as not "any". Narrow the ' +
    'sources to the egress ranges that need the access (tenant.egressCidr), the destinations or the ports. ' +
    'An AWS Network Firewall whose default actions drop nothing passes all unmatched traffic, which is the ' +
    'same hole: it is flagged too.',
  inspect(node: IConstruct) {
    if (isAzureFirewall(node)) return findings(node, node.ruleCollections);
    if (isNetworkFirewall(node)) {
      const out = findings(node, node.ruleCollections);
      if (!node.statefulDefaultActions.some((a) => a.startsWith('aws:drop_'))) {
        out.push({
          site: node,
          field: 'statefulDefaultActions',
          value: [...node.statefulDefaultActions],
          allowed: 'traffic no rule matches passes; include aws:drop_established or aws:drop_strict',
        });
      }
      return out;
    }
    return [];
  },
};
