import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import { Firewall as TfFirewall } from '@cdktf/provider-azurerm/lib/firewall';
import { FirewallPolicy } from '@cdktf/provider-azurerm/lib/firewall-policy';
import { FirewallPolicyRuleCollectionGroup } from '@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group';
import type { FirewallApplicationRuleCollection } from '@cdktf/provider-azurerm/lib/firewall-application-rule-collection';
import type { FirewallNetworkRuleCollection } from '@cdktf/provider-azurerm/lib/firewall-network-rule-collection';
import type { FirewallNatRuleCollection } from '@cdktf/provider-azurerm/lib/firewall-nat-rule-collection';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import {
  AZURE_FIREWALL_RULE_LIMITS, AZURE_NAME_RULES, Cidr, RuleCollection, ValidationError, azureNetworkNameRule, brand, checkAtSynth,
  checkAzureName, checkCidrList, checkEnum, checkIpList, checkList, checkString, checkZones, isIpAddress, requireValue, usesNetworkFqdns,
  validateRuleCollection, validateRuleCollections,
} from '../core';
import { requireProps } from '../core/guards';
import { declareName } from '../core/app-registry';
import {
  DIAGNOSTIC_LOG_CATEGORIES, DiagnosticSettings, ILogAnalyticsWorkspace, ResourceDiagnosticsOptions, addDiagnostics,
} from './diagnostics';
import { renderClassicCollection, renderPolicyCollections } from './firewall-rules';
import { publicIpId, publicIpNames, standardPublicIp } from './public-ip';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { Subnet } from './virtual-network';
import { defaultZones } from './zones';
import { ExistingAzureFirewall, ExistingFirewallPolicyAttributes, FirewallAttributes } from './existing-firewall';
import { attribute, cached } from '../core/refs';
import { untraced } from '../core/refs';

/** Azure Firewall's limit on public IP addresses per firewall. */
export const AZURE_FIREWALL_MAX_PUBLIC_IPS = 250;

/** Azure Firewall SNAT ports per public IP (per backend VM instance, the firewall scales out to more). */
export const AZURE_FIREWALL_SNAT_PORTS_PER_IP = 2496;

/** What other constructs need of a firewall: its addresses and what to wait for. */
export interface IFirewall {
  /** The firewall's name in Azure. */
  readonly name: string;
  /** Its private IP in AzureFirewallSubnet (a reference): the next hop of UDRs. */
  readonly privateIp: string;
  /** Its public IPs (references): the source address of everything it sends to the Internet. */
  readonly publicIps: readonly string[];
  /** Whether the firewall proxies DNS (needed for FQDNs in network rules). */
  readonly dnsProxyEnabled: boolean;
  /**
   * What a workload behind the firewall must wait for before it starts: the firewall and the rule
   * collections added so far (a cluster whose nodes cannot reach their registries never comes up).
   * @param consumer the construct that will wait, named in errors about dependency cycles
   */
  egressDependables(consumer?: Construct): ITerraformDependable[];
}

/** Options of the Firewall Policy rendering. */
export interface FirewallPolicyFormatOptions {
  /** The policy's name. @default `${firewallName}-policy` */
  readonly name?: string;
  /**
   * Priorities of the default rule collection groups, one group per kind of rule. Groups are
   * evaluated by priority, and DNAT before network before application regardless.
   * @default { dnat: 100, network: 200, application: 300 }
   */
  readonly groupPriorities?: { readonly dnat?: number; readonly network?: number; readonly application?: number };
}

/**
 * How a firewall's rules are rendered: as classic rule collections on the firewall, or as a
 * Firewall Policy with rule collection groups (Microsoft's recommended way; needed for Premium and
 * Basic tiers).
 */
export abstract class FirewallRuleFormat {
  /** Classic rule collections (`azurerm_firewall_*_rule_collection`); Standard tier only. */
  public static classic(): FirewallRuleFormat {
    return new ClassicFormat();
  }

  /** A Firewall Policy with one rule collection group per kind of rule, plus any named groups. */
  public static policy(options: FirewallPolicyFormatOptions = {}): FirewallRuleFormat {
    return new PolicyFormat(options);
  }

  /** `classic` or `policy`. */
  public abstract readonly kind: 'classic' | 'policy';
}

class ClassicFormat extends FirewallRuleFormat {
  public readonly kind = 'classic' as const;
}

class PolicyFormat extends FirewallRuleFormat {
  public readonly kind = 'policy' as const;
  constructor(public readonly options: FirewallPolicyFormatOptions) {
    super();
  }
}

/** Where Log Analytics diagnostics of the firewall go (log categories default to DIAGNOSTIC_LOG_CATEGORIES.azureFirewall). */
export type FirewallDiagnosticsOptions = ResourceDiagnosticsOptions;

/** A named rule collection group of a Firewall Policy, for collections that need their own. */
export interface RuleCollectionGroupOptions {
  readonly name: string;
  /** 100 to 65000; groups are evaluated by priority. */
  readonly priority: number;
}

/** Options of {@link AzureFirewall.addRuleCollection}. */
export interface AddRuleCollectionOptions {
  /**
   * Firewall Policy only: put the collection in this group instead of the default group of its
   * kind. Needed for rules that reference a workload which itself waits for the firewall's rules
   * (e.g. a rule to a cluster's API server).
   * @default - the default group of the collection's kind
   */
  readonly group?: RuleCollectionGroupOptions;
}

/** What IDPS does with traffic matching a signature. */
export type IdpsMode = 'Off' | 'Alert' | 'Deny';

/** One signature whose mode differs from the policy's. */
export interface IdpsSignatureOverride {
  /** The signature's ID, e.g. `'2024897'`. */
  readonly id: string;
  readonly state: IdpsMode;
}

/** Traffic IDPS does not inspect. */
export interface IdpsTrafficBypass {
  readonly name: string;
  /** `ANY`, `TCP`, `UDP` or `ICMP`, as azurerm documents them (`Any` is accepted too: the provider ignores case here). */
  readonly protocol: 'ANY' | 'Any' | 'TCP' | 'UDP' | 'ICMP';
  /** @default - none */
  readonly description?: string;
  /** @default - any source */
  readonly sourceAddresses?: string[];
  /** @default - any destination */
  readonly destinationAddresses?: string[];
  /** @default - any port */
  readonly destinationPorts?: string[];
}

/** Intrusion detection and prevention (IDPS) of a Premium Firewall Policy. */
export interface IntrusionDetectionOptions {
  /** `Alert` logs matches, `Deny` also drops them, `Off` turns IDPS off. */
  readonly mode: IdpsMode;
  /** Per-signature modes. @default - none */
  readonly signatureOverrides?: IdpsSignatureOverride[];
  /** Flows IDPS leaves alone. @default - none */
  readonly trafficBypass?: IdpsTrafficBypass[];
  /** Ranges IDPS treats as internal (its HOME_NET). @default - Azure's default (IANA private ranges) */
  readonly privateRanges?: string[];
}

/** Props of {@link AzureFirewall}. */
export interface AzureFirewallProps {
  readonly resourceGroup: IResourceGroup;
  /** The firewall's name, e.g. `hub-fw`. */
  readonly name: string;
  /** The VNet's `AzureFirewallSubnet` (/26 or larger). */
  readonly subnet: Subnet;
  /** @default 'Standard' */
  readonly skuTier?: 'Basic' | 'Standard' | 'Premium';
  /**
   * Names of the public IPs to create; the first is the one in the subnet's IP configuration.
   * Mutually exclusive with `publicIpCount`.
   * @default [`${name}-ip`]
   */
  readonly publicIpNames?: string[];
  /**
   * Number of public IPs to create, named `${name}-ip-1` to `${name}-ip-N`. Each adds 2,496 SNAT
   * ports per firewall instance; Microsoft advises at least 20 for production AKS egress.
   * Mutually exclusive with `publicIpNames`.
   * @default 1
   */
  readonly publicIpCount?: number;
  /** Name of the first IP configuration; others get `-2`, `-3`… appended. @default 'fw-ipconfig' */
  readonly ipConfigurationName?: string;
  /** `AzureFirewallManagementSubnet`, required by the Basic tier. @default - none */
  readonly managementSubnet?: Subnet;
  /** Proxy DNS on port 53, needed for FQDNs in network rules. @default true */
  readonly dnsProxyEnabled?: boolean;
  /** DNS servers the proxy forwards to. @default - Azure DNS */
  readonly dnsServers?: string[];
  /**
   * `Deny` drops traffic to and from known malicious addresses and domains, `Alert` only logs it.
   * @default 'Alert'
   */
  readonly threatIntelMode?: 'Off' | 'Alert' | 'Deny';
  /**
   * IDPS, Premium tier with a Firewall Policy only. `{ mode: 'Deny' }` drops what the signatures match.
   * @default - { mode: 'Alert' } on the Premium tier; none on the others (they have no IDPS)
   */
  readonly intrusionDetection?: IntrusionDetectionOptions;
  /**
   * Availability zones of the firewall and its public IPs, e.g. ['1', '2', '3']; `[]` for none.
   * @default - ['1', '2', '3'] where the region has zones (AZURE_REGIONS_WITH_ZONES), none elsewhere
   */
  readonly zones?: string[];
  /** Destinations not SNATed. @default - Azure's default (IANA private ranges) */
  readonly privateIpRanges?: string[];
  /** How rules are rendered. @default FirewallRuleFormat.policy() */
  readonly ruleFormat?: FirewallRuleFormat;
  /** Initial rule collections. @default - none; add them with `addRuleCollection` */
  readonly ruleCollections?: RuleCollection[];
  /** Diagnostics to Log Analytics; `false` turns them off (the security checks flag that). @default - on, with a new workspace */
  readonly diagnostics?: FirewallDiagnosticsOptions | false;
  /** @default - none */
  readonly tags?: Tags;
}

interface PolicyGroup {
  readonly resource: FirewallPolicyRuleCollectionGroup;
  readonly collections: RuleCollection[];
  /** The blocks of `collections`, by kind; each collection is rendered once, when it is added. */
  readonly rendered: ReturnType<typeof renderPolicyCollections>;
  consumer?: string;
}

const firewallBrand = brand('AzureFirewall');

/**
 * An Azure Firewall with its public IPs, diagnostics and rules, rendered from the provider-neutral
 * rule model as classic rule collections or as a Firewall Policy.
 */
export class AzureFirewall extends Construct implements IFirewall {
  /** True when `x` is an AzureFirewall (works across copies of the library). */
  public static isAzureFirewall(x: unknown): x is AzureFirewall {
    return firewallBrand.is(x);
  }

  /** An existing firewall, known by its addresses. */
  public static fromAttributes(attrs: FirewallAttributes): IFirewall;
  /**
   * An existing firewall whose Firewall Policy takes this app's rules, as rule collection groups of
   * the app's own on that policy (see {@link ExistingAzureFirewall}).
   */
  public static fromAttributes(scope: Construct, id: string, attrs: ExistingFirewallPolicyAttributes): ExistingAzureFirewall;
  public static fromAttributes(
    scopeOrAttrs: Construct | FirewallAttributes, id?: string, policyAttrs?: ExistingFirewallPolicyAttributes,
  ): IFirewall | ExistingAzureFirewall {
    if (scopeOrAttrs instanceof Construct) return new ExistingAzureFirewall(scopeOrAttrs, id!, policyAttrs!);
    const attrs = scopeOrAttrs;
    return {
      name: attrs.name,
      privateIp: attrs.privateIp,
      publicIps: attrs.publicIps,
      dnsProxyEnabled: attrs.dnsProxyEnabled ?? false,
      egressDependables: () => [],
    };
  }

  /** The firewall's name in Azure. */
  public readonly name: string;
  /** The azurerm_firewall resource (escape hatch). */
  public readonly resource: TfFirewall;
  /** Its AzureFirewallSubnet: where its private IP lies. */
  public readonly subnet: Subnet;
  /** The public IP resources, first one in the subnet's IP configuration. */
  public readonly publicIpResources: PublicIp[];
  /** The Firewall Policy, with the policy format. */
  public readonly policy?: FirewallPolicy;
  /** The workspace diagnostics go to, unless turned off. */
  public readonly workspace?: ILogAnalyticsWorkspace;
  /** The diagnostic setting, unless turned off. */
  public readonly diagnostics?: DiagnosticSettings;
  /** Whether DNS proxy is on. */
  public readonly dnsProxyEnabled: boolean;
  /** The threat intelligence mode. */
  public readonly threatIntelMode: 'Off' | 'Alert' | 'Deny';
  /** `classic` or `policy`. */
  public readonly ruleFormat: 'classic' | 'policy';
  /** Classic rule collection resources, by collection name. */
  public readonly classicCollections: { [name: string]: FirewallNetworkRuleCollection | FirewallApplicationRuleCollection | FirewallNatRuleCollection } = {};
  private readonly _collections: { readonly collection: RuleCollection; readonly group: string }[] = [];
  private readonly groups = new Map<string, PolicyGroup>();
  private readonly resourceGroupName: string;
  private readonly policyOptions?: FirewallPolicyFormatOptions;
  /** The policy's name as given (the resource's `name` is a reference, unfit for construct IDs). */
  private readonly policyName?: string;

  constructor(scope: Construct, id: string, props: AzureFirewallProps) {
    super(scope, id);
    requireProps(this, 'AzureFirewall', props, ['resourceGroup', 'name', 'subnet']);
    declareName(this, { type: 'azurerm_firewall', what: 'firewall', scope: attribute(props.resourceGroup, 'name'), scopeWhat: 'resource group', name: props.name });
    firewallBrand.mark(this);
    checkAzureName(this, 'name', props.name, AZURE_NAME_RULES.firewall);
    this.name = props.name;
    this.subnet = props.subnet;
    this.resourceGroupName = attribute(props.resourceGroup, 'name');
    const tier = checkEnum(this, 'skuTier', props.skuTier ?? 'Standard', ['Basic', 'Standard', 'Premium'] as const);
    const format = props.ruleFormat ?? FirewallRuleFormat.policy();
    if (!(format instanceof FirewallRuleFormat)) {
      throw new ValidationError(this, 'ruleFormat', format, 'expected FirewallRuleFormat.policy() or FirewallRuleFormat.classic()');
    }
    this.ruleFormat = format.kind;
    // The Basic tier has no DNS proxy and only alerts on threat intelligence.
    this.dnsProxyEnabled = props.dnsProxyEnabled ?? tier !== 'Basic';
    this.threatIntelMode = checkEnum(this, 'threatIntelMode', props.threatIntelMode ?? 'Alert', ['Off', 'Alert', 'Deny'] as const);
    if (tier === 'Basic' && this.dnsProxyEnabled) {
      throw new ValidationError(this, 'dnsProxyEnabled', true, 'the Basic tier has no DNS proxy; use the Standard tier for FQDNs in network rules');
    }
    if (tier === 'Basic' && this.threatIntelMode === 'Deny') {
      throw new ValidationError(this, 'threatIntelMode', 'Deny', "the Basic tier only alerts on threat intelligence: 'Alert' or 'Off'");
    }

    const idps = this.intrusionDetectionOf(props, tier, format.kind);

    if (props.subnet.name !== 'AzureFirewallSubnet') {
      throw new ValidationError(this, 'subnet', props.subnet.name, 'Azure Firewall is deployed into a subnet named AzureFirewallSubnet');
    }
    // Its size (/26 or larger) is checked by VirtualNetwork when the subnet is added.
    if (format.kind === 'classic' && tier !== 'Standard') {
      throw new ValidationError(this, 'ruleFormat', 'classic',
        `classic rule collections work with the Standard tier only; the ${tier} tier needs FirewallRuleFormat.policy()`);
    }
    if (tier === 'Basic' && !props.managementSubnet) {
      throw new ValidationError(this, 'managementSubnet', undefined, 'the Basic tier needs an AzureFirewallManagementSubnet');
    }
    if (props.managementSubnet && props.managementSubnet.name !== 'AzureFirewallManagementSubnet') {
      throw new ValidationError(this, 'managementSubnet', props.managementSubnet.name, 'the management IP configuration goes in AzureFirewallManagementSubnet');
    }
    if (props.dnsServers !== undefined) checkIpList(this, 'dnsServers', props.dnsServers);
    if (props.zones !== undefined) checkZones(this, 'zones', props.zones);
    if (props.privateIpRanges !== undefined) checkPrivateIpRanges(this, 'privateIpRanges', props.privateIpRanges);
    if (props.dnsServers && !this.dnsProxyEnabled) {
      throw new ValidationError(this, 'dnsServers', props.dnsServers, 'custom DNS servers are used by the DNS proxy; turn dnsProxyEnabled on');
    }

    // Zone-redundant by default where the region has zones: a zonal outage leaves the egress path up.
    const zones = props.zones !== undefined
      ? (props.zones.length > 0 ? props.zones : undefined)
      : defaultZones(this, 'resourceGroup.location', attribute(props.resourceGroup, 'location'));
    const base = { resourceGroup: props.resourceGroup, zones, tags: azureTags(this, props.tags) };
    this.publicIpResources = publicIpNames(this, props.name, props, AZURE_FIREWALL_MAX_PUBLIC_IPS, 'a firewall')
      .map((name, i) => standardPublicIp(this, publicIpId(i), { ...base, name }));
    const mgmtIp = props.managementSubnet
      ? standardPublicIp(this, 'management-public-ip', { ...base, name: `${props.name}-mgmt-ip` })
      : undefined;

    if (format instanceof PolicyFormat) {
      this.policyOptions = format.options;
      const policyName = this.policyName = format.options.name ?? `${props.name}-policy`;
      checkAzureName(this, 'ruleFormat.name', policyName, AZURE_NAME_RULES.firewallPolicy);
      this.policy = untraced(() => new FirewallPolicy(this, 'policy', {
        name: policyName,
        resourceGroupName: attribute(props.resourceGroup, 'name'),
        location: attribute(props.resourceGroup, 'location'),
        sku: tier,
        threatIntelligenceMode: this.threatIntelMode,
        intrusionDetection: idps,
        // ARM refuses DNS settings on a Basic policy, even disabled ones (FirewallPolicyHigherTierOnlyProperties).
        dns: tier === 'Basic' ? undefined : { proxyEnabled: this.dnsProxyEnabled, servers: props.dnsServers },
        privateIpRanges: props.privateIpRanges,
        tags: azureTags(this, props.tags),
      }));
    }

    const ipConfigName = props.ipConfigurationName ?? 'fw-ipconfig';
    checkAzureName(this, 'ipConfigurationName', ipConfigName, azureNetworkNameRule('an IP configuration name', 1, 80));
    this.resource = untraced(() => new TfFirewall(this, 'firewall', {
      name: props.name,
      resourceGroupName: attribute(props.resourceGroup, 'name'),
      location: attribute(props.resourceGroup, 'location'),
      skuName: 'AZFW_VNet',
      skuTier: tier,
      zones,
      // With a policy, DNS and threat intelligence settings live on the policy.
      dnsProxyEnabled: this.policy ? undefined : this.dnsProxyEnabled,
      dnsServers: this.policy ? undefined : props.dnsServers,
      threatIntelMode: this.policy ? undefined : this.threatIntelMode,
      privateIpRanges: this.policy ? undefined : props.privateIpRanges,
      firewallPolicyId: this.policy?.id,
      ipConfiguration: this.publicIpResources.map((ip, i) => ({
        name: i === 0 ? ipConfigName : `${ipConfigName}-${i + 1}`,
        subnetId: i === 0 ? props.subnet.id : undefined,
        publicIpAddressId: ip.id,
      })),
      managementIpConfiguration: props.managementSubnet && mgmtIp
        ? { name: `${ipConfigName}-mgmt`, subnetId: props.managementSubnet.id, publicIpAddressId: mgmtIp.id }
        : undefined,
      tags: azureTags(this, props.tags),
    }));

    if (props.diagnostics !== false) {
      const sent = addDiagnostics(this, {
        name: props.name,
        id: attribute(this.resource, 'id'),
        resourceGroup: props.resourceGroup,
        defaultLogCategories: DIAGNOSTIC_LOG_CATEGORIES.azureFirewall,
        tags: azureTags(this, props.tags),
      }, props.diagnostics);
      this.workspace = sent.workspace;
      this.diagnostics = sent.setting;
    }

    for (const c of props.ruleCollections ?? []) this.addRuleCollection(c);
    checkAtSynth(this, () => this.validateAll(this._collections));
  }

  /** The firewall's private IP (a reference): the next hop of the routes that force traffic through it. */
  public get privateIp(): string {
    return cached(this.resource, 'ipConfiguration.0.privateIpAddress', () => this.resource.ipConfiguration.get(0).privateIpAddress);
  }

  /** The firewall's public IPs (references), first one first. */
  public get publicIps(): string[] {
    return this.publicIpResources.map((ip) => ip.ipAddress);
  }

  /** The rule collections so far, in the order they were added. */
  public get ruleCollections(): readonly RuleCollection[] {
    return this._collections.map((c) => c.collection);
  }

  /**
   * Adds a rule collection. Checks it at once (priority range, names, addresses, ports, FQDNs, DNS
   * proxy for FQDNs in network rules, priority clashes with collections of the same kind).
   */
  public addRuleCollection(collection: RuleCollection, options: AddRuleCollectionOptions = {}): void {
    validateRuleCollection(this, collection, AZURE_FIREWALL_RULE_LIMITS);
    if (usesNetworkFqdns(collection) && !this.dnsProxyEnabled) {
      throw new ValidationError(this, `ruleCollections[${collection.name}].rules[].destinationFqdns`,
        collection.rules.flatMap((r) => ('destinationFqdns' in r ? r.destinationFqdns ?? [] : [])),
        'FQDNs in network rules need the firewall\'s DNS proxy; set dnsProxyEnabled to true');
    }
    if (options.group && this.ruleFormat === 'classic') {
      throw new ValidationError(this, `ruleCollections[${collection.name}].group`, options.group.name,
        'rule collection groups belong to Firewall Policy; classic collections take no group');
    }
    const groupName = this.ruleFormat === 'classic' ? 'classic' : options.group?.name ?? `${this.policyName}-${collection.kind}`;
    this.validateAdded(collection, groupName);
    if (this.ruleFormat === 'classic') {
      this.classicCollections[collection.name] = renderClassicCollection(this, collection, {
        firewallName: this.resource.name,
        resourceGroupName: this.resourceGroupName,
      });
    } else {
      this.addToPolicyGroup(collection, groupName, options.group?.priority);
    }
    this._collections.push({ collection, group: groupName });
  }

  /** The rule collection group resources of the policy, by group name. */
  public get policyRuleCollectionGroups(): { [name: string]: FirewallPolicyRuleCollectionGroup } {
    return Object.fromEntries([...this.groups.entries()].map(([name, g]) => [name, g.resource]));
  }

  public egressDependables(consumer?: Construct): ITerraformDependable[] {
    const groups = [...this.groups.values()];
    for (const g of groups) g.consumer = g.consumer ?? consumer?.node.path ?? 'a workload';
    return [
      this.resource,
      ...(this.policy ? [this.policy] : []),
      ...Object.values(this.classicCollections),
      ...groups.map((g) => g.resource),
    ];
  }

  /** The policy's IDPS block: checked options, Alert by default on Premium, refused below Premium. */
  private intrusionDetectionOf(props: AzureFirewallProps, tier: string, format: 'classic' | 'policy') {
    const given = props.intrusionDetection;
    if (given === undefined) return tier === 'Premium' && format === 'policy' ? { mode: 'Alert' } : undefined;
    if (tier !== 'Premium') {
      throw new ValidationError(this, 'intrusionDetection.mode', given?.mode, `IDPS is a Premium feature; the ${tier} tier has none (set skuTier: 'Premium')`);
    }
    const modes: readonly IdpsMode[] = ['Off', 'Alert', 'Deny'];
    checkEnum(this, 'intrusionDetection.mode', given.mode, modes);
    checkList<IdpsSignatureOverride>(this, 'intrusionDetection.signatureOverrides', given.signatureOverrides ?? [], 'a list of { id, state }').forEach((o, i) => {
      if (typeof o?.id !== 'string' || !/^\d{1,10}$/.test(o.id)) {
        throw new ValidationError(this, `intrusionDetection.signatureOverrides[${i}].id`, o?.id, 'a signature ID is its number, e.g. "2024897"');
      }
      checkEnum(this, `intrusionDetection.signatureOverrides[${i}].state`, o.state, modes);
    });
    checkList<IdpsTrafficBypass>(this, 'intrusionDetection.trafficBypass', given.trafficBypass ?? [], 'a list of { name, protocol, ... }').forEach((b, i) => {
      const at = `intrusionDetection.trafficBypass[${i}]`;
      requireValue(this, at, b, 'a bypass is { name, protocol, ... }');
      checkEnum(this, `${at}.protocol`, b?.protocol, ['ANY', 'TCP', 'UDP', 'ICMP', 'Any'] as const);
      checkAzureName(this, `${at}.name`, b.name, azureNetworkNameRule('a bypass name', 1, 80));
      for (const side of ['sourceAddresses', 'destinationAddresses'] as const) {
        checkList<unknown>(this, `${at}.${side}`, b[side] ?? [], 'a list of addresses').forEach((a, j) => checkBypassAddress(this, `${at}.${side}[${j}]`, a));
      }
      checkList<unknown>(this, `${at}.destinationPorts`, b.destinationPorts ?? [], 'a list of ports').forEach((p, j) => checkPortText(this, `${at}.destinationPorts[${j}]`, p));
    });
    if (given.privateRanges) checkCidrList(this, 'intrusionDetection.privateRanges', given.privateRanges);
    return {
      mode: given.mode,
      signatureOverrides: given.signatureOverrides?.map((o) => ({ id: o.id, state: o.state })),
      trafficBypass: given.trafficBypass?.map((b) => ({ ...b })),
      privateRanges: given.privateRanges,
    };
  }

  /** Names are unique across the firewall; priorities within a kind are unique per rule collection group. */
  private validateAll(entries: readonly { collection: RuleCollection; group: string }[]): void {
    const names = entries.map((e) => e.collection.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      throw new ValidationError(this, 'ruleCollections[].name', dup, 'collection names must be unique across the firewall');
    }
    for (const group of new Set(entries.map((e) => e.group))) {
      validateRuleCollections(this, entries.filter((e) => e.group === group).map((e) => e.collection), AZURE_FIREWALL_RULE_LIMITS);
    }
  }

  /**
   * What {@link validateAll} finds when `collection` joins the collections added so far (which passed
   * it, as `collection` passed validateRuleCollection): only the newcomer's name and priority can
   * clash, so they alone are checked. The whole set is validated again at synth.
   */
  private validateAdded(collection: RuleCollection, group: string): void {
    if (this._collections.some((e) => e.collection.name === collection.name)) {
      throw new ValidationError(this, 'ruleCollections[].name', collection.name, 'collection names must be unique across the firewall');
    }
    // A collection of the same group and kind with the same priority: validated together with the
    // newcomer, they fail as the whole group would.
    const clash = this._collections.filter((e) => e.group === group && e.collection.kind === collection.kind
      && e.collection.priority === collection.priority).map((e) => e.collection);
    if (clash.length > 0) validateRuleCollections(this, [...clash, collection], AZURE_FIREWALL_RULE_LIMITS);
  }

  private addToPolicyGroup(collection: RuleCollection, groupName: string, customPriority?: number): void {
    const policy = this.policy!;
    const defaults = { dnat: 100, network: 200, application: 300, ...this.policyOptions?.groupPriorities };
    const priority = customPriority ?? defaults[collection.kind];
    let group = this.groups.get(groupName);
    if (group && customPriority !== undefined && group.resource.priorityInput !== customPriority) {
      throw new ValidationError(this, `ruleCollections[${collection.name}].group.priority`, customPriority,
        `rule collection group ${groupName} already exists with priority ${group.resource.priorityInput}`);
    }
    // A workload already waits for this group: a rule that refers to anything known only at deploy
    // time (e.g. that workload's FQDN) could close a dependency cycle. Literal rules cannot.
    if (group?.consumer && containsReference(collection)) {
      throw new ValidationError(this, `ruleCollections[${collection.name}]`, collection.name,
        `rule collection group ${groupName} is already a dependency of ${group.consumer}, and this collection refers to values ` +
        'known only at deploy time, which could close a cycle. Add it with { group: { name, priority } } to a group of its own');
    }
    if (!group) {
      checkAzureName(this, `ruleCollections[${collection.name}].group.name`, groupName, AZURE_NAME_RULES.ruleCollectionGroup);
      const { minPriority, maxPriority } = AZURE_FIREWALL_RULE_LIMITS;
      if (!Number.isInteger(priority) || priority < minPriority || priority > maxPriority) {
        throw new ValidationError(this, `ruleCollections[${collection.name}].group.priority`, priority,
          `a rule collection group priority is ${minPriority} to ${maxPriority}`);
      }
      const clash = [...this.groups.entries()].find(([, g]) => g.resource.priorityInput === priority);
      if (clash) {
        throw new ValidationError(this, `ruleCollections[${collection.name}].group.priority`, priority,
          `rule collection group ${clash[0]} already has priority ${priority}`);
      }
      const resource = untraced(() => new FirewallPolicyRuleCollectionGroup(this, `group-${groupName}`, {
        name: groupName,
        firewallPolicyId: policy.id,
        priority,
      }));
      group = { resource, collections: [], rendered: { nat: [], network: [], application: [] } };
      this.groups.set(groupName, group);
    }
    group.collections.push(collection);
    const added = renderPolicyCollections([collection]);
    const rendered = group.rendered;
    rendered.nat.push(...added.nat);
    rendered.network.push(...added.network);
    rendered.application.push(...added.application);
    if (added.nat.length > 0) group.resource.putNatRuleCollection([...rendered.nat]);
    if (added.network.length > 0) group.resource.putNetworkRuleCollection([...rendered.network]);
    if (added.application.length > 0) group.resource.putApplicationRuleCollection([...rendered.application]);
  }
}

/**
 * Destinations the firewall does not SNAT: CIDRs, or `IANAPrivateRanges` for the IANA private ranges
 * (azurerm `private_ip_ranges`).
 */
function checkPrivateIpRanges(site: Construct, field: string, ranges: unknown): void {
  checkList<unknown>(site, field, ranges, 'a list of CIDRs or "IANAPrivateRanges"').forEach((r, i) => {
    if (r === 'IANAPrivateRanges' || (typeof r === 'string' && Token.isUnresolved(r))) return;
    checkString(site, `${field}[${i}]`, r, 'a CIDR such as 10.0.0.0/8, or "IANAPrivateRanges"');
    Cidr.parse(r, { site, field: `${field}[${i}]` });
  });
}

/** An IDPS bypass address: `*`, an IP or a CIDR. */
function checkBypassAddress(site: Construct, field: string, address: unknown): void {
  if (address === '*' || (typeof address === 'string' && Token.isUnresolved(address))) return;
  checkString(site, field, address, 'an address: "*", an IP or a CIDR');
  if (!isIpAddress(address)) Cidr.parse(address, { site, field });
}

/** An IDPS bypass port: a port, a range `low-high`, or `*`, as a string. */
function checkPortText(site: Construct, field: string, port: unknown): void {
  if (typeof port === 'string' && Token.isUnresolved(port)) return;
  checkString(site, field, port, 'a port as a string, e.g. "443", "8000-8080" or "*"');
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m && m[2] !== undefined ? Number(m[2]) : lo;
  if (port !== '*' && (!m || lo < 1 || hi > 65535 || hi < lo)) {
    throw new ValidationError(site, field, port, 'a port is "1" to "65535", a range "low-high" or "*"');
  }
}

/** True when any string in `value` (a rule collection) is an unresolved reference. */
function containsReference(value: unknown): boolean {
  if (typeof value === 'string') return Token.isUnresolved(value);
  if (Array.isArray(value)) return value.some(containsReference);
  if (value !== null && typeof value === 'object' && !(value instanceof Cidr)) return Object.values(value).some(containsReference);
  return false;
}
