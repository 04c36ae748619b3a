import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { FirewallPolicyRuleCollectionGroup } from '@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group';
import {
  AZURE_FIREWALL_RULE_LIMITS, AZURE_NETWORK_NAME, RuleCollection, ValidationError, brand, checkAzureName, isIpAddress,
  knownValue, requireProps, usesNetworkFqdns, validateRuleCollection, validateRuleCollections, warnUnchecked,
} from '../core';
import { renderPolicyCollections } from './firewall-rules';
import type { IFirewall } from './firewall';
import { untraced } from '../core/refs';

/** An existing firewall, known by its addresses (see `AzureFirewall.fromAttributes`). */
export interface FirewallAttributes {
  /** The firewall's name in Azure. */
  readonly name: string;
  /** Its private IP: the next hop of UDRs. */
  readonly privateIp: string;
  /** Its public IPs: the source address of what it sends to the Internet. */
  readonly publicIps: string[];
  /** Whether it proxies DNS (needed for FQDNs in network rules). @default false */
  readonly dnsProxyEnabled?: boolean;
}

/** Priorities of the rule collection groups this app adds to a policy it does not own, one per kind. */
export interface ExistingPolicyGroupPriorities {
  /** @default - no DNAT group; adding a DNAT collection is an error */
  readonly dnat?: number;
  /** @default - no network group; adding a network collection is an error */
  readonly network?: number;
  /** @default - no application group; adding an application collection is an error */
  readonly application?: number;
}

/** An existing firewall whose Firewall Policy (owned by, e.g., the network team) takes this app's rules. */
export interface ExistingFirewallPolicyAttributes extends FirewallAttributes {
  /**
   * The Firewall Policy the firewall uses,
   * `/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/firewallPolicies/<name>`.
   */
  readonly firewallPolicyId: string;
  /**
   * Priorities of this app's groups, one per kind of rule it adds. Priorities must differ from the
   * groups the policy's owners have, which the app cannot see: agree on them, hence no default.
   */
  readonly groupPriorities: ExistingPolicyGroupPriorities;
  /** Names of this app's groups are `${groupNamePrefix}-network` and so on. @default name */
  readonly groupNamePrefix?: string;
  /** Initial rule collections. @default - none; add them with `addRuleCollection` */
  readonly ruleCollections?: RuleCollection[];
}

// Azure Firewall Policies are Microsoft.Network/firewallPolicies resources.
const POLICY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/firewallPolicies\/([^/]+)$/i;
const KINDS = ['dnat', 'network', 'application'] as const;
const existingBrand = brand('ExistingAzureFirewall');

/**
 * An existing Azure Firewall whose Firewall Policy someone else owns: this app's rules go in rule
 * collection groups of its own on that policy (`azurerm_firewall_policy_rule_collection_group` with
 * the policy's ID), one group per kind of rule. Create it with `AzureFirewall.fromAttributes(scope,
 * id, { ..., firewallPolicyId, groupPriorities })`. The security checks and the review report read
 * its rules like a new firewall's.
 */
export class ExistingAzureFirewall extends Construct implements IFirewall {
  /** True when `x` is an ExistingAzureFirewall (works across copies of the library). */
  public static isExistingAzureFirewall(x: unknown): x is ExistingAzureFirewall {
    return existingBrand.is(x);
  }

  public readonly name: string;
  public readonly privateIp: string;
  public readonly publicIps: readonly string[];
  public readonly dnsProxyEnabled: boolean;
  /** The policy's resource ID. */
  public readonly firewallPolicyId: string;
  /** The rule collection group resources this app adds, by group name. */
  public readonly policyRuleCollectionGroups: { [name: string]: FirewallPolicyRuleCollectionGroup } = {};
  private readonly _collections: RuleCollection[] = [];
  private readonly prefix: string;
  private readonly priorities: ExistingPolicyGroupPriorities;

  constructor(scope: Construct, id: string, attrs: ExistingFirewallPolicyAttributes) {
    super(scope, id);
    existingBrand.mark(this);
    requireProps(this, 'AzureFirewall.fromAttributes with a firewallPolicyId', attrs,
      ['name', 'privateIp', 'publicIps', 'firewallPolicyId', 'groupPriorities']);
    checkAzureName(this, 'name', attrs.name, AZURE_NETWORK_NAME);
    const ip = knownValue(this, attrs.privateIp);
    if (typeof ip === 'string' && !isIpAddress(ip)) {
      throw new ValidationError(this, 'privateIp', attrs.privateIp, 'expected the firewall\'s private IP address, e.g. 10.0.0.4');
    }
    const policyId = knownValue(this, attrs.firewallPolicyId);
    if (typeof policyId === 'string' && !POLICY_ID.test(policyId)) {
      throw new ValidationError(this, 'firewallPolicyId', attrs.firewallPolicyId,
        'expected a Firewall Policy ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/firewallPolicies/<name>');
    }
    if (policyId === undefined) warnUnchecked(this, 'firewallPolicyId', attrs.firewallPolicyId, 'that it names a Firewall Policy');
    this.prefix = attrs.groupNamePrefix ?? attrs.name;
    checkAzureName(this, 'groupNamePrefix', this.prefix, AZURE_NETWORK_NAME);
    const seen = new Map<number, string>();
    for (const kind of KINDS) {
      const p = attrs.groupPriorities[kind];
      if (p === undefined) continue;
      const { minPriority, maxPriority } = AZURE_FIREWALL_RULE_LIMITS;
      if (!Number.isInteger(p) || p < minPriority || p > maxPriority) {
        throw new ValidationError(this, `groupPriorities.${kind}`, p, `a rule collection group priority is ${minPriority} to ${maxPriority}`);
      }
      const other = seen.get(p);
      if (other) {
        throw new ValidationError(this, `groupPriorities.${kind}`, p, `groupPriorities.${other} has it already; each rule collection group needs its own priority`);
      }
      seen.set(p, kind);
    }
    this.name = attrs.name;
    this.privateIp = attrs.privateIp;
    this.publicIps = [...attrs.publicIps];
    this.dnsProxyEnabled = attrs.dnsProxyEnabled ?? false;
    this.firewallPolicyId = attrs.firewallPolicyId;
    this.priorities = attrs.groupPriorities;
    for (const c of attrs.ruleCollections ?? []) this.addRuleCollection(c);
  }

  /** The rule collections so far, in the order they were added. */
  public get ruleCollections(): readonly RuleCollection[] {
    return this._collections;
  }

  /** Adds a rule collection to this app's group of its kind, with the checks a new firewall makes. */
  public addRuleCollection(collection: RuleCollection): void {
    validateRuleCollection(this, collection, AZURE_FIREWALL_RULE_LIMITS);
    if (usesNetworkFqdns(collection) && !this.dnsProxyEnabled) {
      throw new ValidationError(this, `ruleCollections[${collection.name}].rules[].destinationFqdns`,
        collection.rules.flatMap((r) => ('destinationFqdns' in r ? r.destinationFqdns ?? [] : [])),
        'FQDNs in network rules need the firewall\'s DNS proxy; set dnsProxyEnabled to true if the policy has it on');
    }
    const priority = this.priorities[collection.kind];
    if (priority === undefined) {
      throw new ValidationError(this, `groupPriorities.${collection.kind}`, undefined,
        `give the priority of the ${collection.kind} rule collection group, one the policy's owners have left free`);
    }
    if (this._collections.some((c) => c.name === collection.name)) {
      throw new ValidationError(this, 'ruleCollections[].name', collection.name, 'collection names must be unique across the firewall');
    }
    const mine = [...this._collections.filter((c) => c.kind === collection.kind), collection];
    validateRuleCollections(this, mine, AZURE_FIREWALL_RULE_LIMITS);
    this._collections.push(collection);
    const groupName = `${this.prefix}-${collection.kind}`;
    let group = this.policyRuleCollectionGroups[groupName];
    if (!group) {
      group = untraced(() => new FirewallPolicyRuleCollectionGroup(this, `group-${groupName}`, {
        name: groupName, firewallPolicyId: this.firewallPolicyId, priority,
      }));
      // Terraform ignores "//" keys; the review report reads which firewall the policy belongs to here.
      group.addOverride('//.cdktf-kubernetes-egress', {
        existingFirewall: { name: this.name, privateIp: this.privateIp, publicIps: [...this.publicIps] },
      });
      this.policyRuleCollectionGroups[groupName] = group;
    }
    const rendered = renderPolicyCollections(mine);
    if (rendered.nat.length > 0) group.putNatRuleCollection(rendered.nat);
    if (rendered.network.length > 0) group.putNetworkRuleCollection(rendered.network);
    if (rendered.application.length > 0) group.putApplicationRuleCollection(rendered.application);
  }

  /** This app's rule collection groups: what a workload behind the firewall waits for. */
  public egressDependables(): ITerraformDependable[] {
    return Object.values(this.policyRuleCollectionGroups);
  }
}
