import { Token } from 'cdktf';
import {
  NetworkfirewallRuleGroupRuleGroup,
  NetworkfirewallRuleGroupRuleGroupRulesSourceStatefulRule,
} from '@cdktf/provider-aws/lib/networkfirewall-rule-group';
import {
  ApplicationRuleCollection, Cidr, ErrorSite, NetworkRuleCollection, RuleAddress, RuleCollection, RuleLimits, RulePort,
  NetworkProtocol, ValidationError, checkEnum, isIpAddress, knownOrWarn,
} from '../core';

/** The model's network rule protocols, as the renderer maps them. */
const NETWORK_PROTOCOLS: readonly NetworkProtocol[] = ['TCP', 'UDP', 'ICMP', 'Any'];

/**
 * Renders the provider-neutral rule model as AWS Network Firewall stateful rule groups, one group
 * per collection, all in strict order:
 *
 * - a network collection becomes a group of 5-tuple rules (`rules_source.stateful_rule`): one rule
 *   per protocol, source, destination and port of each model rule, `PASS` for Allow and `DROP` for
 *   Deny, direction `FORWARD` (replies belong to the flow the rule let through);
 * - an application collection becomes a domain list group (`rules_source.rules_source_list`):
 *   `ALLOWLIST` or `DENYLIST`, `TLS_SNI` for Https and `HTTP_HOST` for Http, with the rules' sources
 *   as the group's `HOME_NET`;
 * - DNAT collections, Azure service tags, FQDN tags and FQDNs in network rules have no Network
 *   Firewall equivalent and are rejected with a ValidationError.
 */

/** Network Firewall's limits on stateful rule group priorities in a strict-order policy. */
export const NETWORK_FIREWALL_RULE_LIMITS: RuleLimits = {
  minPriority: 1,
  maxPriority: 65535,
  firewall: 'AWS Network Firewall',
  // A collection becomes a rule group named after it; NetworkFirewall checks that derived name.
  collectionName: { pattern: /^\S{1,128}$/, allowed: 'a collection name is 1 to 128 characters without spaces' },
};

/** The largest capacity a stateful rule group can have. */
export const NETWORK_FIREWALL_MAX_STATEFUL_CAPACITY = 50000;

/** A collection rendered as the `rule_group` block of an aws_networkfirewall_rule_group. */
export interface RenderedRuleGroup {
  /** The rule_group block. */
  readonly ruleGroup: NetworkfirewallRuleGroupRuleGroup;
  /**
   * The capacity the rules need. AWS counts a stateful group's capacity in rules: one per 5-tuple
   * rule; for a domain list, one per domain and inspected protocol, plus, for an allow list, one per
   * protocol for the rule that drops every other domain.
   */
  readonly requiredCapacity: number;
}

/** The `HOME_NET` of a domain list group whose rules name no source: every IPv4 address. */
const ANY_IPV4 = '0.0.0.0/0';

function hostRange(address: string): string {
  return `${address}/${address.includes(':') ? 128 : 32}`;
}

/** A rule address as a Network Firewall header address: `ANY`, or a CIDR (a bare IP becomes a /32). */
function headerAddress(site: ErrorSite, field: string, address: RuleAddress): string {
  if (address instanceof Cidr) return address.toString();
  if (Token.isUnresolved(address)) {
    // A reference (a VPC's cidr_block) is checked through the literal the app set for it; rendered as the reference.
    const known = typeof site === 'string' ? undefined : knownOrWarn(site, field, address, 'that it is an IP or CIDR Network Firewall can match');
    if (typeof known === 'string') headerAddress(site, field, known);
    return address;
  }
  if (address === '*') return 'ANY';
  if (isIpAddress(address)) return hostRange(address);
  if (Cidr.isValid(address)) return address;
  throw new ValidationError(site, field, address,
    'AWS Network Firewall rules match IPs and CIDRs; Azure service tags have no AWS equivalent, name the ranges instead');
}

/** A rule port as a Network Firewall header port: `ANY`, `443` or `8000:8080`. */
function headerPort(port: RulePort): string {
  const text = String(port);
  if (Token.isUnresolved(text)) return text;
  if (text === '*') return 'ANY';
  return text.replace('-', ':');
}

/** Escapes a Suricata `msg` value. */
function suricataMessage(text: string): string {
  return `"${text.replace(/[\\";]/g, (c) => `\\${c}`)}"`;
}

function renderNetwork(site: ErrorSite, collection: NetworkRuleCollection): RenderedRuleGroup {
  const at = `ruleCollections[${collection.name}]`;
  const action = collection.action === 'Allow' ? 'PASS' : 'DROP';
  const rules: NetworkfirewallRuleGroupRuleGroupRulesSourceStatefulRule[] = [];
  const seen = new Set<string>();
  collection.rules.forEach((rule, i) => {
    const rat = `${at}.rules[${i}]`;
    if ((rule.destinationFqdns ?? []).length > 0) {
      throw new ValidationError(site, `${rat}.destinationFqdns`, rule.destinationFqdns,
        'AWS Network Firewall 5-tuple rules match addresses, not names; put FQDNs in an application rule (a domain list)');
    }
    const sources = (rule.sources && rule.sources.length > 0 ? rule.sources : ['*'])
      .map((s, j) => headerAddress(site, `${rat}.sources[${j}]`, s));
    const destinations = (rule.destinationAddresses ?? []).map((d, j) => headerAddress(site, `${rat}.destinationAddresses[${j}]`, d));
    const ports = rule.destinationPorts.map(headerPort);
    // Azure's "Any" with ports means TCP and UDP on those ports; with "*" it is every IP protocol.
    // ICMP has no ports.
    const headers: { protocol: string; port: string }[] = [];
    // Case matters: the provider passes the protocol through and Network Firewall refuses "tcp" at apply.
    rule.protocols.forEach((p, k) => checkEnum(site, `${rat}.protocols[${k}]`, p, NETWORK_PROTOCOLS));
    for (const protocol of rule.protocols) {
      if (protocol === 'ICMP') headers.push({ protocol: 'ICMP', port: 'ANY' });
      else if (protocol === 'Any' && ports.every((p) => p === 'ANY')) headers.push({ protocol: 'IP', port: 'ANY' });
      else for (const port of ports) for (const p of protocol === 'Any' ? ['TCP', 'UDP'] : [protocol]) headers.push({ protocol: p, port });
    }
    for (const h of headers) {
      for (const source of sources) {
        for (const destination of destinations) {
          const key = [h.protocol, source, destination, h.port].join(' ');
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push({
            action,
            header: {
              protocol: h.protocol,
              source,
              sourcePort: 'ANY',
              direction: 'FORWARD',
              destination,
              destinationPort: h.port,
            },
            ruleOption: [
              { keyword: 'msg', settings: [suricataMessage(`${collection.name}: ${rule.name}`)] },
              { keyword: 'sid', settings: [String(rules.length + 1)] },
            ],
          });
        }
      }
    }
  });
  return {
    ruleGroup: { rulesSource: { statefulRule: rules }, statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' } },
    requiredCapacity: rules.length,
  };
}

const TARGET_TYPES: { readonly [type: string]: { readonly targetType: string; readonly port: number } } = {
  Http: { targetType: 'HTTP_HOST', port: 80 },
  Https: { targetType: 'TLS_SNI', port: 443 },
};

function renderApplication(site: ErrorSite, collection: ApplicationRuleCollection): RenderedRuleGroup {
  const at = `ruleCollections[${collection.name}]`;
  let homeNet: string[] | undefined;
  let targetTypes: string[] | undefined;
  const targets: string[] = [];
  collection.rules.forEach((rule, i) => {
    const rat = `${at}.rules[${i}]`;
    if ((rule.fqdnTags ?? []).length > 0) {
      throw new ValidationError(site, `${rat}.fqdnTags`, rule.fqdnTags,
        'FQDN tags are Azure Firewall\'s; on AWS list the domains in targetFqdns');
    }
    const types = (rule.protocols ?? []).map((p, j) => {
      checkEnum(site, `${rat}.protocols[${j}].type`, p.type, ['Http', 'Https', 'Mssql']);
      const t = TARGET_TYPES[p.type];
      if (!t) {
        throw new ValidationError(site, `${rat}.protocols[${j}].type`, p.type,
          'AWS Network Firewall domain lists inspect Http (HTTP Host header) and Https (TLS SNI) only');
      }
      if (p.port !== t.port) {
        throw new ValidationError(site, `${rat}.protocols[${j}].port`, p.port,
          `a domain list matches ${p.type} by protocol on any port, not by port; use ${t.port}, the port it stands for`);
      }
      return t.targetType;
    });
    const sortedTypes = [...new Set(types)].sort();
    const net = (rule.sources && rule.sources.length > 0 ? rule.sources : ['*']).map((s, j) => {
      const a = headerAddress(site, `${rat}.sources[${j}]`, s);
      return a === 'ANY' ? ANY_IPV4 : a;
    });
    if (targetTypes === undefined) targetTypes = sortedTypes;
    else if (targetTypes.join() !== sortedTypes.join()) {
      throw new ValidationError(site, `${rat}.protocols`, rule.protocols,
        `a domain list inspects one set of protocols (${collection.rules[0].name} has ${targetTypes.join(', ')}); put this rule in a collection of its own`);
    }
    if (homeNet === undefined) homeNet = net;
    else if ([...homeNet].sort().join() !== [...net].sort().join()) {
      throw new ValidationError(site, `${rat}.sources`, net,
        `a domain list has one set of sources (${collection.rules[0].name} has ${homeNet.join(', ')}); put this rule in a collection of its own`);
    }
    (rule.targetFqdns ?? []).forEach((fqdn, j) => {
      if (fqdn === '*') {
        throw new ValidationError(site, `${rat}.targetFqdns[${j}]`, fqdn, 'a domain list needs domains; "*" matches every name, use a network rule instead');
      }
      // Network Firewall writes a wildcard as a leading dot, which also matches the domain itself.
      const target = fqdn.startsWith('*.') ? fqdn.slice(1) : fqdn;
      if (!targets.includes(target)) targets.push(target);
    });
  });
  const types = targetTypes ?? [];
  const allow = collection.action === 'Allow';
  return {
    ruleGroup: {
      ruleVariables: {
        // Explicit HOME_NET and EXTERNAL_NET: otherwise the group inherits the policy's HOME_NET, the
        // inspection VPC's own range, and would never see the spokes' traffic.
        ipSets: [
          { key: 'HOME_NET', ipSet: { definition: homeNet ?? [ANY_IPV4] } },
          { key: 'EXTERNAL_NET', ipSet: { definition: [ANY_IPV4] } },
        ],
      },
      rulesSource: {
        rulesSourceList: { generatedRulesType: allow ? 'ALLOWLIST' : 'DENYLIST', targetTypes: types, targets },
      },
      statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
    },
    requiredCapacity: targets.length * types.length + (allow ? types.length : 0),
  };
}

/**
 * Renders one collection as a stateful rule group. Throws a ValidationError for what Network
 * Firewall cannot express (DNAT, service tags, FQDN tags, network-rule FQDNs, Mssql).
 */
export function renderNetworkFirewallRuleGroup(site: ErrorSite, collection: RuleCollection): RenderedRuleGroup {
  switch (collection.kind) {
    case 'network':
      return renderNetwork(site, collection);
    case 'application':
      return renderApplication(site, collection);
    case 'dnat':
      throw new ValidationError(site, `ruleCollections[${collection.name}].kind`, 'dnat',
        'AWS Network Firewall does not translate addresses; publish the service through a load balancer instead');
  }
}
