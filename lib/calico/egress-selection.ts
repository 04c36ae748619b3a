import { Construct } from 'constructs';
import { Cidr, ValidationError, checkAtSynth, checkDns1123Label, checkEnum, checkNumber } from '../core';
import { callerLocation, requireProps } from '../core/guards';
import {
  CALICO_API_VERSION, EGRESS_ANNOTATIONS, EgressGatewayPolicy, EgressGatewayRule, EgressGatewaySelector, Namespace, StringMap,
} from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { EgressGatewayTenant } from './egress-gateway-tenant';
import { EgressTenant, checkTenant } from './egress-tenant';
import { checkSelector } from './selector';

/**
 * The annotations that send a namespace's or a pod's traffic through `tenant`'s gateways (put them on
 * pods yourself; {@link NamespaceEgress} puts them on namespaces).
 */
export function egressAnnotations(tenant: EgressTenant, options: { selectPods?: boolean; maxNextHops?: number } = {}): StringMap {
  // A function call has no construct path: errors name where the app called it.
  if (!EgressTenant.isEgressTenant(tenant)) checkTenant(`egressAnnotations() at ${callerLocation()}`, 'tenant', tenant);
  if (options.maxNextHops !== undefined) checkNumber(`egressAnnotations() at ${callerLocation()}`, 'options.maxNextHops', options.maxNextHops, { min: 1 });
  return {
    [EGRESS_ANNOTATIONS.namespaceSelector]: tenant.namespaceSelector,
    ...(options.selectPods ? { [EGRESS_ANNOTATIONS.selector]: tenant.gatewaySelector } : {}),
    ...(options.maxNextHops !== undefined ? { [EGRESS_ANNOTATIONS.maxNextHops]: String(options.maxNextHops) } : {}),
  };
}

/** Props of {@link NamespaceEgress}. */
export interface NamespaceEgressProps {
  /** The namespace whose pods' traffic is steered, e.g. `default`. */
  readonly namespace: string;
  /** True when the namespace exists already (only its annotations are set); false to create it. @default true */
  readonly existing?: boolean;
  /** Send all its traffic through this tenant's gateways. Not with `policy`. @default - none (then `policy`) */
  readonly tenant?: EgressTenant;
  /** Also select the tenant's gateway pods by label, not only their namespace. @default false */
  readonly selectPods?: boolean;
  /** With `tenant`: the most gateways each pod's traffic is spread over. @default - all of them (Calico's) */
  readonly maxNextHops?: number;
  /** Choose gateways per destination with this EgressGatewayPolicy (construct or name). Not with `tenant`. @default - none (then `tenant`) */
  readonly policy?: EgressPolicy | string;
}

/**
 * Steers a namespace's egress: annotations naming a tenant's gateways (every destination) or an
 * EgressGatewayPolicy (per destination). Needs Felix's `egressIPSupport` (see {@link FelixSettings}).
 * At synth, the tenant or policy must exist in the app.
 */
export class NamespaceEgress extends Construct {
  /** The annotations set. */
  public readonly annotations: StringMap;
  /** The annotations resource (existing namespace) or the Namespace object. */
  public readonly entry: ManifestEntry;

  constructor(scope: Construct, id: string, props: NamespaceEgressProps) {
    super(scope, id);
    requireProps(this, 'NamespaceEgress', props, ['namespace']);
    const manifests = ClusterManifests.of(this);
    checkDns1123Label(this, 'namespace', props.namespace);
    if ((props.tenant === undefined) === (props.policy === undefined)) {
      throw new ValidationError(this, 'tenant', props.tenant?.name,
        'name either a tenant or a policy for the namespace\'s egress');
    }
    if (props.tenant !== undefined) {
      const tenant = checkTenant(this, 'tenant', props.tenant);
      if (props.maxNextHops !== undefined) checkNumber(this, 'maxNextHops', props.maxNextHops, { min: 1 });
      this.annotations = egressAnnotations(tenant, { selectPods: props.selectPods, maxNextHops: props.maxNextHops });
      checkAtSynth(this, () => EgressGatewayTenant.find(this, 'tenant', tenant));
    } else {
      const policy = props.policy!;
      const name = typeof policy === 'string' ? policy : policy.name;
      this.annotations = { [EGRESS_ANNOTATIONS.egressGatewayPolicy]: name };
      checkAtSynth(this, () => {
        const known = manifests.entries.filter((e) => e.object.kind === 'EgressGatewayPolicy').map((e) => e.object.metadata.name);
        if (!known.includes(name)) {
          throw new ValidationError(this, 'policy', name,
            `no EgressGatewayPolicy of that name is declared for this cluster (declared: ${known.length > 0 ? known.join(', ') : 'none'})`);
        }
      });
    }
    if (props.existing ?? true) {
      this.entry = manifests.annotate(this, 'annotations', { apiVersion: 'v1', kind: 'Namespace', name: props.namespace }, this.annotations);
    } else {
      const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: props.namespace, annotations: this.annotations } };
      this.entry = manifests.add(this, 'namespace', ns);
    }
  }
}

/** A rule of {@link EgressPolicy}. */
export interface EgressPolicyRule {
  /** Destination range. @default - 0.0.0.0/0 */
  readonly destination?: Cidr | string;
  /** @default - none */
  readonly description?: string;
  /**
   * The gateways for the destination: a tenant (its namespace is selected) or a selector.
   * @default - none: the destination is reached without a gateway
   */
  readonly gateway?: EgressTenant | EgressGatewaySelector;
  /**
   * With a tenant as `gateway`: also select its gateway pods by their labels (`selector` beside
   * `namespaceSelector`), so only the tenant's gateways are used even if other pods run in its namespace.
   * @default true
   */
  readonly selectPods?: boolean;
  /** With a tenant as `gateway`: the most gateways a pod's traffic is spread over. @default - all of them (Calico's) */
  readonly maxNextHops?: number;
  /** `PreferNodeLocal` uses a gateway on the pod's own node when there is one. @default - Calico's default (None) */
  readonly gatewayPreference?: 'None' | 'PreferNodeLocal';
}

/** Values of an EgressGatewayPolicy rule's `gatewayPreference` (Calico's EgressGatewayPolicy reference). */
export const GATEWAY_PREFERENCES: readonly ('None' | 'PreferNodeLocal')[] = ['None', 'PreferNodeLocal'];

/** Props of {@link EgressPolicy}. */
export interface EgressPolicyProps {
  /** The EgressGatewayPolicy's name, which namespaces and pods name in their annotation. */
  readonly name: string;
  /** Rules, matched by longest destination prefix. */
  readonly rules: readonly EgressPolicyRule[];
}

/**
 * An EgressGatewayPolicy: per destination, a tenant's gateways or none. Destinations must differ
 * (Calico matches by longest prefix, so two rules for one destination are invalid); gateways named
 * by tenant must exist in the app at synth.
 */
export class EgressPolicy extends Construct {
  /** The policy's name. */
  public readonly name: string;
  /** The EgressGatewayPolicy object. */
  public readonly policy: ManifestEntry;

  constructor(scope: Construct, id: string, props: EgressPolicyProps) {
    super(scope, id);
    requireProps(this, 'EgressPolicy', props, ['name', 'rules']);
    this.name = props.name;
    if (props.rules.length === 0) {
      throw new ValidationError(this, 'rules', [], 'an EgressGatewayPolicy needs at least one rule');
    }
    const seen = new Map<string, number>();
    const rules = props.rules.map((r, i): EgressGatewayRule => {
      const dest = r.destination === undefined ? undefined : Cidr.of(r.destination, { site: this, field: `rules[${i}].destination` });
      const key = (dest ?? Cidr.parse('0.0.0.0/0')).toString();
      if (seen.has(key)) {
        throw new ValidationError(this, `rules[${i}].destination`, key,
          `rules[${seen.get(key)}] has the same destination; rules are matched by longest prefix, so each destination appears once`);
      }
      seen.set(key, i);
      return {
        ...(dest ? { destination: { cidr: dest.toString() } } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
        ...(r.gateway !== undefined ? { gateway: this.gatewayOf(r, `rules[${i}]`) } : {}),
        ...(r.gatewayPreference !== undefined
          ? { gatewayPreference: checkEnum(this, `rules[${i}].gatewayPreference`, r.gatewayPreference, GATEWAY_PREFERENCES) } : {}),
      };
    });
    const object: EgressGatewayPolicy = { apiVersion: CALICO_API_VERSION, kind: 'EgressGatewayPolicy', metadata: { name: props.name }, spec: { rules } };
    this.policy = ClusterManifests.of(this).add(this, 'policy', object);
  }

  private gatewayOf(rule: EgressPolicyRule, at: string): EgressGatewaySelector {
    const gateway = rule.gateway!;
    if (typeof gateway === 'object' && gateway !== null && 'egressCidr' in gateway) checkTenant(this, `${at}.gateway`, gateway);
    if (!EgressTenant.isEgressTenant(gateway)) {
      checkSelector(this, `${at}.gateway.namespaceSelector`, gateway.namespaceSelector);
      checkSelector(this, `${at}.gateway.selector`, gateway.selector);
      if (gateway.maxNextHops !== undefined) checkNumber(this, `${at}.gateway.maxNextHops`, gateway.maxNextHops, { min: 1 });
      if (rule.maxNextHops !== undefined || rule.selectPods !== undefined) {
        throw new ValidationError(this, `${at}.${rule.maxNextHops !== undefined ? 'maxNextHops' : 'selectPods'}`,
          rule.maxNextHops ?? rule.selectPods, 'only with a tenant as gateway; with a selector, set gateway.maxNextHops and gateway.selector');
      }
      return gateway;
    }
    if (rule.maxNextHops !== undefined) checkNumber(this, `${at}.maxNextHops`, rule.maxNextHops, { min: 1 });
    checkAtSynth(this, () => EgressGatewayTenant.find(this, `${at}.gateway`, gateway));
    return {
      namespaceSelector: gateway.namespaceSelector,
      ...((rule.selectPods ?? true) ? { selector: gateway.gatewaySelector } : {}),
      ...(rule.maxNextHops !== undefined ? { maxNextHops: rule.maxNextHops } : {}),
    };
  }
}
