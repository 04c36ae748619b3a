import { Token } from 'cdktf';
import { Cidr, isIpAddress } from './cidr';
import { ErrorSite, ValidationError } from './errors';
import { checkEnum, checkList, requireValue } from './guards';

/**
 * The provider-neutral firewall rule model.
 *
 * A firewall holds prioritised rule collections; each collection holds rules of one kind:
 * network (layer 4: protocols, addresses, ports), application (layer 7: FQDNs over http/https) or
 * DNAT (inbound translation). Azure renders the model as classic rule collections or as a Firewall
 * Policy; AWS renders it as Network Firewall stateful rule groups.
 */

/**
 * An address in a rule: `*`, an IP, a CIDR (a {@link Cidr} object, e.g. a tenant's `egressCidr`),
 * an Azure service tag such as `AzureCloud.eastus`, or a reference resolved at deploy time.
 */
export type RuleAddress = string | Cidr;

/** Layer 4 protocols a network rule can name. */
export type NetworkProtocol = 'TCP' | 'UDP' | 'ICMP' | 'Any';

/** Layer 7 protocols an application rule can name. */
export type ApplicationProtocolType = 'Http' | 'Https' | 'Mssql';

/** Allow or deny, for network and application collections. */
export type RuleAction = 'Allow' | 'Deny';

/** A port, a range `"8000-8080"`, or `"*"`. */
export type RulePort = number | string;

/** A protocol and port an application rule allows, e.g. `{ type: 'Https', port: 443 }`. */
export interface ApplicationProtocol {
  readonly type: ApplicationProtocolType;
  readonly port: number;
}

/** A layer 4 rule. Exactly one kind of destination is usually given, but they may be combined. */
export interface NetworkRule {
  /** Unique within its collection. */
  readonly name: string;
  /** @default - none */
  readonly description?: string;
  readonly protocols: readonly NetworkProtocol[];
  /** @default ['*'], or none with `sourceIpGroups` */
  readonly sources?: readonly RuleAddress[];
  /**
   * Azure only: IDs of IP Groups (`IpGroup.id`) whose addresses are sources too. With them and no
   * `sources`, the rule has no `*` source. Other firewalls refuse them.
   * @default - none
   */
  readonly sourceIpGroups?: readonly string[];
  /** IPs, CIDRs or service tags. @default - none */
  readonly destinationAddresses?: readonly RuleAddress[];
  /** FQDNs; on Azure these need the firewall's DNS proxy. @default - none */
  readonly destinationFqdns?: readonly string[];
  readonly destinationPorts: readonly RulePort[];
}

/** A layer 7 rule: target FQDNs or FQDN tags, over http/https. */
export interface ApplicationRule {
  /** Unique within its collection. */
  readonly name: string;
  /** @default - none */
  readonly description?: string;
  /** @default ['*'], or none with `sourceIpGroups` */
  readonly sources?: readonly RuleAddress[];
  /**
   * Azure only: IDs of IP Groups (`IpGroup.id`) whose addresses are sources too. With them and no
   * `sources`, the rule has no `*` source. Other firewalls refuse them.
   * @default - none
   */
  readonly sourceIpGroups?: readonly string[];
  /** Required with `targetFqdns`; FQDN tags on Azure carry their own. @default - none */
  readonly protocols?: readonly ApplicationProtocol[];
  /** e.g. `*.ubuntu.com`. @default - none */
  readonly targetFqdns?: readonly string[];
  /** Azure FQDN tags, e.g. `AzureKubernetesService`. @default - none */
  readonly fqdnTags?: readonly string[];
}

/** A destination NAT rule: traffic to a firewall public address and port is sent to a private one. */
export interface DnatRule {
  /** Unique within its collection. */
  readonly name: string;
  /** @default - none */
  readonly description?: string;
  readonly protocols: readonly ('TCP' | 'UDP' | 'Any')[];
  /** @default ['*'], or none with `sourceIpGroups` */
  readonly sources?: readonly RuleAddress[];
  /**
   * Azure only: IDs of IP Groups (`IpGroup.id`) whose addresses are sources too. With them and no
   * `sources`, the rule has no `*` source. Other firewalls refuse them.
   * @default - none
   */
  readonly sourceIpGroups?: readonly string[];
  /** The firewall's public IP the traffic arrives at (usually a reference). */
  readonly destinationAddress: string;
  readonly destinationPorts: readonly RulePort[];
  /** The private address the traffic is sent to, e.g. an internal load balancer's IP. */
  readonly translatedAddress: string;
  readonly translatedPort: RulePort;
}

interface CollectionBase {
  /** Unique across the firewall. */
  readonly name: string;
  /** Lower numbers are evaluated first; 100 to 65000 on Azure. */
  readonly priority: number;
}

/** Network rules sharing a priority and action. */
export interface NetworkRuleCollection extends CollectionBase {
  readonly kind: 'network';
  readonly action: RuleAction;
  readonly rules: readonly NetworkRule[];
}

/** Application rules sharing a priority and action. */
export interface ApplicationRuleCollection extends CollectionBase {
  readonly kind: 'application';
  readonly action: RuleAction;
  readonly rules: readonly ApplicationRule[];
}

/** DNAT rules sharing a priority. */
export interface DnatRuleCollection extends CollectionBase {
  readonly kind: 'dnat';
  readonly rules: readonly DnatRule[];
}

/** Any rule collection. */
export type RuleCollection = NetworkRuleCollection | ApplicationRuleCollection | DnatRuleCollection;

/** The kinds of rule collection, in the order a firewall evaluates them. */
export const RULE_KIND_ORDER: readonly RuleCollection['kind'][] = ['dnat', 'network', 'application'];

/** Props of a network rule collection, without its kind tag. */
export type NetworkRuleCollectionProps = Omit<NetworkRuleCollection, 'kind'>;
/** Props of an application rule collection, without its kind tag. */
export type ApplicationRuleCollectionProps = Omit<ApplicationRuleCollection, 'kind'>;
/** Props of a DNAT rule collection, without its kind tag. */
export type DnatRuleCollectionProps = Omit<DnatRuleCollection, 'kind'>;

/** Builders that tag a collection with its kind. */
export const RuleCollections = {
  /** A collection of layer 4 rules. */
  network(props: NetworkRuleCollectionProps): NetworkRuleCollection {
    return { kind: 'network', ...props };
  },
  /** A collection of layer 7 rules. */
  application(props: ApplicationRuleCollectionProps): ApplicationRuleCollection {
    return { kind: 'application', ...props };
  },
  /** A collection of inbound DNAT rules. */
  dnat(props: DnatRuleCollectionProps): DnatRuleCollection {
    return { kind: 'dnat', ...props };
  },
  /**
   * The same collection with every rule's sources replaced by IP Groups (Azure), e.g. a preset's
   * rules from the node subnet's group instead of `*`.
   */
  fromIpGroups<C extends RuleCollection>(collection: C, ipGroupIds: readonly string[]): C {
    return { ...collection, rules: collection.rules.map((r) => ({ ...r, sources: undefined, sourceIpGroups: [...ipGroupIds] })) } as C;
  },
};

/** Renders a rule address as the string a provider takes. */
export function renderAddress(address: RuleAddress): string {
  return typeof address === 'string' ? address : address.toString();
}

/** Renders a list of rule addresses, defaulting to `*`. */
export function renderSources(sources: readonly RuleAddress[] | undefined): string[] {
  return (sources && sources.length > 0 ? sources : ['*']).map(renderAddress);
}

/** A rule's source addresses as Azure takes them: none when only IP Groups are given, else `renderSources`. */
export function renderSourceAddresses(rule: { readonly sources?: readonly RuleAddress[]; readonly sourceIpGroups?: readonly string[] }): string[] | undefined {
  if ((rule.sources ?? []).length === 0 && (rule.sourceIpGroups ?? []).length > 0) return undefined;
  return renderSources(rule.sources);
}

/** Limits a firewall puts on its rule collections. */
export interface RuleLimits {
  /** Lowest priority number accepted. */
  readonly minPriority: number;
  /** Highest priority number accepted. */
  readonly maxPriority: number;
  /** Human name of the firewall type, for messages. */
  readonly firewall: string;
  /** The firewall's rule for collection names, with a description for messages. */
  readonly collectionName: { readonly pattern: RegExp; readonly allowed: string };
  /** Whether rules may name IP Groups as sources. @default false */
  readonly ipGroups?: boolean;
}

/** Azure Firewall's limits: priorities 100 to 65000, unique per kind; Azure's resource naming rule. */
export const AZURE_FIREWALL_RULE_LIMITS: RuleLimits = {
  minPriority: 100,
  maxPriority: 65000,
  firewall: 'Azure Firewall',
  ipGroups: true,
  collectionName: {
    pattern: /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/,
    allowed: 'a collection name is 1 to 80 letters, digits, "_", "." or "-", starting with a letter or digit',
  },
};

const IP_GROUP_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/ipGroups\/[^/]+$/i;

const FQDN = /^(\*\.|\*)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** True for a DNS name, optionally starting with a `*.` wildcard label (or `*` alone). */
export function isFqdn(value: string): boolean {
  return value === '*' || (value.length <= 253 && FQDN.test(value));
}

function checkPort(site: ErrorSite, field: string, port: RulePort): void {
  if (typeof port === 'string' && Token.isUnresolved(port)) return;
  const text = String(port);
  if (text === '*') return;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m && m[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo) {
    throw new ValidationError(site, field, port, 'a port is 1 to 65535, a range "low-high" or "*"');
  }
}

function checkSinglePort(site: ErrorSite, field: string, port: RulePort): void {
  if (typeof port === 'string' && Token.isUnresolved(port)) return;
  if (typeof port === 'number' && Token.isUnresolved(port)) return;
  const n = typeof port === 'number' ? port : /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ValidationError(site, field, port, 'a translated port is one port from 1 to 65535');
  }
}

function checkAddress(site: ErrorSite, field: string, address: RuleAddress): void {
  if (address instanceof Cidr) return;
  if (typeof address !== 'string' || address === '') {
    throw new ValidationError(site, field, address, 'an address is "*", an IP, a CIDR or a service tag');
  }
  if (Token.isUnresolved(address) || address === '*') return;
  if (/^[\d.]+(\/\d+)?$/.test(address) || address.includes(':')) {
    // Looks like an IP or CIDR: it has to parse as one.
    // Not a single address: it has to parse as a CIDR, or Cidr.parse says what is wrong with it.
    if (!isIpAddress(address)) Cidr.parse(address, { site, field });
    return;
  }
  // Otherwise a service tag such as AzureCloud.eastus or Storage.
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$/.test(address)) {
    throw new ValidationError(site, field, address, 'an address is "*", an IP, a CIDR or a service tag such as AzureCloud.eastus');
  }
}

function checkFqdn(site: ErrorSite, field: string, fqdn: string): void {
  if (Token.isUnresolved(fqdn)) return;
  if (!isFqdn(fqdn)) {
    throw new ValidationError(site, field, fqdn, 'expected a DNS name such as www.example.com or *.example.com');
  }
}

function checkUniqueNames(site: ErrorSite, field: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ValidationError(site, field, name, 'names must be unique');
    seen.add(name);
  }
}

const COLLECTION_KINDS: readonly RuleCollection['kind'][] = ['network', 'application', 'dnat'];
const RULE_ACTIONS: readonly RuleAction[] = ['Allow', 'Deny'];
const NETWORK_PROTOCOLS: readonly NetworkProtocol[] = ['TCP', 'UDP', 'ICMP', 'Any'];
const DNAT_PROTOCOLS: readonly DnatRule['protocols'][number][] = ['TCP', 'UDP', 'Any'];
const APPLICATION_PROTOCOLS: readonly ApplicationProtocolType[] = ['Http', 'Https', 'Mssql'];

// The shape and the enumerated fields of a collection, for callers without types (JavaScript, JSON
// config, `as any`): each missing or misspelt field is named rather than failing later as a TypeError.
function checkShape(site: ErrorSite, collection: RuleCollection): void {
  if (collection === null || typeof collection !== 'object' || Array.isArray(collection)) {
    throw new ValidationError(site, 'ruleCollections[]', collection, 'a rule collection is an object made with RuleCollections.network, .application or .dnat');
  }
  const at = `ruleCollections[${typeof collection.name === 'string' ? collection.name : '?'}]`;
  checkEnum(site, `${at}.kind`, collection.kind, COLLECTION_KINDS, { what: 'a collection kind' });
  requireValue(site, `${at}.name`, collection.name, 'every collection needs a name');
  requireValue(site, `${at}.priority`, collection.priority, 'every collection needs a priority');
  if (collection.kind !== 'dnat') checkEnum(site, `${at}.action`, collection.action, RULE_ACTIONS, { what: 'an action' });
  requireValue(site, `${at}.rules`, collection.rules, 'every collection needs a list of rules');
  const rules = checkList<Record<string, unknown>>(site, `${at}.rules`, collection.rules, 'a list of rules');
  rules.forEach((rule, i) => {
    const rat = `${at}.rules[${i}]`;
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
      throw new ValidationError(site, rat, rule, 'a rule is an object with a name');
    }
    if (collection.kind === 'application') {
      const protocols = rule.protocols === undefined ? [] : checkList<ApplicationProtocol>(site, `${rat}.protocols`, rule.protocols, 'a list of { type, port }');
      protocols.forEach((p, j) => {
        requireValue(site, `${rat}.protocols[${j}]`, p, 'a protocol is { type, port }');
        checkEnum(site, `${rat}.protocols[${j}].type`, p.type, APPLICATION_PROTOCOLS, { what: 'an application protocol' });
      });
      return;
    }
    requireValue(site, `${rat}.protocols`, rule.protocols, 'every rule needs a list of protocols');
    const protocols = checkList<unknown>(site, `${rat}.protocols`, rule.protocols, 'a list of protocols');
    const allowed = collection.kind === 'dnat' ? DNAT_PROTOCOLS : NETWORK_PROTOCOLS;
    protocols.forEach((p, j) => checkEnum(site, `${rat}.protocols[${j}]`, p, allowed, { what: 'a protocol' }));
    requireValue(site, `${rat}.destinationPorts`, rule.destinationPorts, 'every rule needs a list of destination ports');
    checkList(site, `${rat}.destinationPorts`, rule.destinationPorts, 'a list of ports');
  });
}

/** Checks one collection's own content: its name, priority, rules, addresses, ports and FQDNs. */
export function validateRuleCollection(site: ErrorSite, collection: RuleCollection, limits: RuleLimits): void {
  checkShape(site, collection);
  const at = `ruleCollections[${collection.name}]`;
  if (!collection.name || !limits.collectionName.pattern.test(collection.name)) {
    throw new ValidationError(site, `${at}.name`, collection.name, limits.collectionName.allowed);
  }
  const p = collection.priority;
  if (!Number.isInteger(p) || p < limits.minPriority || p > limits.maxPriority) {
    throw new ValidationError(site, `${at}.priority`, p,
      `${limits.firewall} accepts priorities from ${limits.minPriority} to ${limits.maxPriority}`);
  }
  if (collection.rules.length === 0) {
    throw new ValidationError(site, `${at}.rules`, [], 'a collection needs at least one rule');
  }
  checkUniqueNames(site, `${at}.rules[].name`, collection.rules.map((r) => r.name));
  collection.rules.forEach((rule, i) => {
    const rat = `${at}.rules[${i}]`;
    if (!rule.name) throw new ValidationError(site, `${rat}.name`, rule.name, 'every rule needs a name');
    (rule.sources ?? []).forEach((s, j) => checkAddress(site, `${rat}.sources[${j}]`, s));
    const groups = (rule as { sourceIpGroups?: readonly string[] }).sourceIpGroups;
    if (groups !== undefined && groups.length > 0 && !limits.ipGroups) {
      throw new ValidationError(site, `${rat}.sourceIpGroups`, groups, `${limits.firewall} has no IP Groups; name the source addresses`);
    }
    (groups ?? []).forEach((g, j) => {
      if (typeof g !== 'string' || (!Token.isUnresolved(g) && !IP_GROUP_ID.test(g))) {
        throw new ValidationError(site, `${rat}.sourceIpGroups[${j}]`, g,
          'an IP Group ID (IpGroup.id): /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/ipGroups/<name>');
      }
    });
    switch (collection.kind) {
      case 'network': {
        const r = rule as NetworkRule;
        if (r.protocols.length === 0) throw new ValidationError(site, `${rat}.protocols`, [], 'name at least one of TCP, UDP, ICMP, Any');
        const dests = (r.destinationAddresses?.length ?? 0) + (r.destinationFqdns?.length ?? 0);
        if (dests === 0) {
          throw new ValidationError(site, `${rat}.destinationAddresses`, undefined,
            'a network rule needs destination addresses or destination FQDNs');
        }
        (r.destinationAddresses ?? []).forEach((a, j) => checkAddress(site, `${rat}.destinationAddresses[${j}]`, a));
        (r.destinationFqdns ?? []).forEach((f, j) => checkFqdn(site, `${rat}.destinationFqdns[${j}]`, f));
        if (r.destinationPorts.length === 0) throw new ValidationError(site, `${rat}.destinationPorts`, [], 'name at least one port, or "*"');
        r.destinationPorts.forEach((port, j) => checkPort(site, `${rat}.destinationPorts[${j}]`, port));
        break;
      }
      case 'application': {
        const r = rule as ApplicationRule;
        const fqdns = r.targetFqdns ?? [];
        const tags = r.fqdnTags ?? [];
        if (fqdns.length === 0 && tags.length === 0) {
          throw new ValidationError(site, `${rat}.targetFqdns`, undefined, 'an application rule needs target FQDNs or FQDN tags');
        }
        if (fqdns.length > 0 && tags.length > 0) {
          throw new ValidationError(site, `${rat}.fqdnTags`, tags, 'a rule has either target FQDNs or FQDN tags; split it into two rules');
        }
        fqdns.forEach((f, j) => checkFqdn(site, `${rat}.targetFqdns[${j}]`, f));
        if (fqdns.length > 0 && (r.protocols ?? []).length === 0) {
          throw new ValidationError(site, `${rat}.protocols`, [], 'a rule with target FQDNs needs protocols, e.g. { type: "Https", port: 443 }');
        }
        (r.protocols ?? []).forEach((proto, j) => checkPort(site, `${rat}.protocols[${j}].port`, proto.port));
        break;
      }
      case 'dnat': {
        const r = rule as DnatRule;
        if (r.protocols.length === 0) throw new ValidationError(site, `${rat}.protocols`, [], 'name at least one of TCP, UDP, Any');
        checkAddress(site, `${rat}.destinationAddress`, r.destinationAddress);
        checkAddress(site, `${rat}.translatedAddress`, r.translatedAddress);
        r.destinationPorts.forEach((port, j) => checkPort(site, `${rat}.destinationPorts[${j}]`, port));
        checkSinglePort(site, `${rat}.translatedPort`, r.translatedPort);
        break;
      }
    }
  });
}

/**
 * Checks a whole rule set: each collection, names unique across the set, and no two collections of
 * the same kind sharing a priority (the firewall would not know which to evaluate first).
 */
export function validateRuleCollections(site: ErrorSite, collections: readonly RuleCollection[], limits: RuleLimits): void {
  collections.forEach((c) => validateRuleCollection(site, c, limits));
  checkUniqueNames(site, 'ruleCollections[].name', collections.map((c) => c.name));
  for (const kind of RULE_KIND_ORDER) {
    const byPriority = new Map<number, string>();
    for (const c of collections.filter((x) => x.kind === kind)) {
      const other = byPriority.get(c.priority);
      if (other !== undefined) {
        throw new ValidationError(site, `ruleCollections[${c.name}].priority`, c.priority,
          `${kind} collection ${other} already has priority ${c.priority}; each ${kind} collection needs its own priority`);
      }
      byPriority.set(c.priority, c.name);
    }
  }
}

/** Collections in the order a firewall evaluates them: DNAT, network, application; by priority within each. */
export function evaluationOrder(collections: readonly RuleCollection[]): RuleCollection[] {
  return [...collections].sort((a, b) =>
    RULE_KIND_ORDER.indexOf(a.kind) - RULE_KIND_ORDER.indexOf(b.kind) || a.priority - b.priority);
}

/** True when the collection has a network rule whose destination is an FQDN (Azure needs DNS proxy for that). */
export function usesNetworkFqdns(collection: RuleCollection): boolean {
  return collection.kind === 'network' && collection.rules.some((r) => (r.destinationFqdns ?? []).length > 0);
}
