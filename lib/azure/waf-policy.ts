import { Construct } from 'constructs';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { WebApplicationFirewallPolicy } from '@cdktf/provider-azurerm/lib/web-application-firewall-policy';
import { AZURE_NETWORK_NAME, ValidationError, checkAzureName } from '../core';
import { checkEnum, checkList, requireProps, requireValue } from '../core/guards';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { untraced } from '../core/refs';

/** What an Application Gateway needs of a WAF policy. */
export interface IWafPolicy {
  /** The policy's resource ID (a reference). */
  readonly id: string;
  /** Its name in Azure. */
  readonly name: string;
}

/** A managed rule set of an Application Gateway WAF policy. */
export interface WafManagedRuleSet {
  /** `OWASP` (Core Rule Set) or Microsoft's `Microsoft_DefaultRuleSet` / `Microsoft_BotManagerRuleSet`. */
  readonly type: 'OWASP' | 'Microsoft_DefaultRuleSet' | 'Microsoft_BotManagerRuleSet';
  /** e.g. `3.2` for OWASP, `2.1` for the default rule set. */
  readonly version: string;
}

/** The managed rule set types of the azurerm provider's `managed_rule_set.type`. */
export const WAF_RULE_SET_TYPES: readonly WafManagedRuleSet['type'][] = ['OWASP', 'Microsoft_DefaultRuleSet', 'Microsoft_BotManagerRuleSet'];

/** The modes of a WAF policy (azurerm `policy_settings.mode`). */
export const WAF_MODES: readonly ('Prevention' | 'Detection')[] = ['Prevention', 'Detection'];

/** Rule set versions Application Gateway WAF accepts, by type. */
export const WAF_RULE_SET_VERSIONS: { readonly [type in WafManagedRuleSet['type']]: readonly string[] } = {
  OWASP: ['3.0', '3.1', '3.2'],
  Microsoft_DefaultRuleSet: ['2.1'],
  Microsoft_BotManagerRuleSet: ['0.1', '1.0', '1.1'],
};

/** Props of {@link WafPolicy}. */
export interface WafPolicyProps {
  readonly resourceGroup: IResourceGroup;
  /** The policy's name, e.g. `dzk8sappgw1-waf`. */
  readonly name: string;
  /** `Prevention` blocks what the rules match; `Detection` only logs it. @default 'Prevention' */
  readonly mode?: 'Prevention' | 'Detection';
  /** Managed rule sets, each type at most once. @default [{ type: 'OWASP', version: '3.2' }] */
  readonly managedRuleSets?: WafManagedRuleSet[];
  /** Inspect request bodies. @default true */
  readonly requestBodyCheck?: boolean;
  /** @default - none */
  readonly tags?: Tags;
}

/**
 * An Application Gateway WAF policy: managed rule sets (OWASP Core Rule Set 3.2 by default) enforced
 * in Prevention mode, with request body inspection on.
 */
export class WafPolicy extends Construct implements IWafPolicy {
  /** The policy's name in Azure. */
  public readonly name: string;
  /** `Prevention` or `Detection`. */
  public readonly mode: 'Prevention' | 'Detection';
  /** The azurerm_web_application_firewall_policy resource (escape hatch). */
  public readonly resource: WebApplicationFirewallPolicy;

  constructor(scope: Construct, id: string, props: WafPolicyProps) {
    super(scope, id);
    requireProps(this, 'WafPolicy', props, ['resourceGroup', 'name']);
    checkAzureName(this, 'name', props.name, AZURE_NETWORK_NAME);
    const sets = checkList<WafManagedRuleSet>(this, 'managedRuleSets', props.managedRuleSets ?? [{ type: 'OWASP', version: '3.2' }],
      'a list of { type, version }');
    if (sets.length === 0) {
      throw new ValidationError(this, 'managedRuleSets', [], 'a WAF policy needs at least one managed rule set, e.g. { type: "OWASP", version: "3.2" }');
    }
    const seen = new Set<string>();
    sets.forEach((set, i) => {
      requireValue(this, `managedRuleSets[${i}]`, set, 'a managed rule set is { type, version }');
      const type = checkEnum(this, `managedRuleSets[${i}].type`, set.type, WAF_RULE_SET_TYPES, { what: 'a managed rule set type' });
      checkEnum(this, `managedRuleSets[${i}].version`, set.version, WAF_RULE_SET_VERSIONS[type], { what: `a version of ${type}` });
      if (seen.has(set.type)) {
        throw new ValidationError(this, `managedRuleSets[${i}].type`, set.type, 'each rule set type may appear once');
      }
      seen.add(set.type);
    });
    // One core rule set per policy (OWASP CRS or Microsoft's default rule set); bot protection may join either.
    if (seen.has('OWASP') && seen.has('Microsoft_DefaultRuleSet')) {
      throw new ValidationError(this, 'managedRuleSets', sets.map((x) => x.type),
        'a WAF policy takes one core rule set, OWASP or Microsoft_DefaultRuleSet, plus Microsoft_BotManagerRuleSet if wanted');
    }
    this.name = props.name;
    this.mode = checkEnum(this, 'mode', props.mode ?? 'Prevention', WAF_MODES, { what: 'a WAF mode' });
    // The binding is loaded here, by apps with a WAF policy only.
    const binding: typeof import('@cdktf/provider-azurerm/lib/web-application-firewall-policy') = require('@cdktf/provider-azurerm/lib/web-application-firewall-policy');
    this.resource = untraced(() => new binding.WebApplicationFirewallPolicy(this, 'policy', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      policySettings: {
        enabled: true,
        mode: this.mode,
        requestBodyCheck: props.requestBodyCheck ?? true,
      },
      managedRules: { managedRuleSet: sets.map((s) => ({ type: s.type, version: s.version })) },
      tags: azureTags(this, props.tags),
    }));
  }

  /** The policy's resource ID (a reference). */
  public get id(): string {
    return this.resource.id;
  }
}
