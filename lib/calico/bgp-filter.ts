import { Construct } from 'constructs';
import { Cidr, OwnedRange, RangeIndex, ValidationError, brand, checkAtSynth, checkEnum, checkKnownFields, checkList, rangesOfKind, typeName } from '../core';
import { requireProps } from '../core/guards';
import {
  BGPFilter, BGPFilterRule, BGPFilterSpec, BGP_FILTER_ACTIONS, BGP_FILTER_MATCH_OPERATORS, BGP_FILTER_SOURCES, CALICO_API_VERSION,
} from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { EgressTenant, checkTenantList } from './egress-tenant';

/** Props of {@link BgpFilter}. */
export interface BgpFilterProps extends BGPFilterSpec {
  /** The BGPFilter's name, which BGPPeers list in `filters`. */
  readonly name: string;
}

const filterBrand = brand('BgpFilter');

/** A BGPFilter rule's `interface`: an interface name pattern, 1 to 15 letters, digits, '_', '.', '-' or '*' (Calico's validation). */
export const BGP_FILTER_INTERFACE = /^[A-Za-z0-9_.*-]{1,15}$/;

/**
 * A BGPFilter: ordered rules per direction and family, the first matching rule decides, a route no
 * rule matches is accepted (https://docs.tigera.io/calico/latest/reference/resources/bgpfilter).
 * Checks each rule's shape, and at synth that no export rule accepts routes of a pod range the app
 * declares (pods are reached through the nodes; their routes stay in the cluster).
 */
export class BgpFilter extends Construct {
  /** True when `x` is a BgpFilter, an EgressExportFilter included (works across copies of the library). */
  public static isBgpFilter(x: unknown): x is BgpFilter {
    return filterBrand.is(x);
  }

  /** The BGPFilter's name. */
  public readonly name: string;
  /** The BGPFilter object. */
  public readonly filter: ManifestEntry;
  /** The rules. */
  public readonly spec: BGPFilterSpec;

  constructor(scope: Construct, id: string, props: BgpFilterProps) {
    super(scope, id);
    requireProps(this, 'BgpFilter', props, ['name']);
    filterBrand.mark(this);
    const manifests = ClusterManifests.of(this);
    this.name = props.name;
    checkKnownFields(this, '', props, ['name', 'exportV4', 'importV4', 'exportV6', 'importV6'], 'BgpFilter');
    const { name, ...spec } = props;
    this.spec = spec;
    for (const [field, version] of [['exportV4', 4], ['importV4', 4], ['exportV6', 6], ['importV6', 6]] as const) {
      if (spec[field] === undefined) continue;
      checkList<BGPFilterRule>(this, field, spec[field], 'a list of rules').forEach((rule, i) => this.checkRule(`${field}[${i}]`, rule, version));
    }
    const object: BGPFilter = { apiVersion: CALICO_API_VERSION, kind: 'BGPFilter', metadata: { name }, spec };
    this.filter = manifests.add(this, 'filter', object);
    checkAtSynth(this, () => this.checkPodRoutesStayIn());
  }

  private checkRule(field: string, rule: BGPFilterRule, version: 4 | 6): void {
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
      throw new ValidationError(this, `${field} (${typeName(rule)})`, rule, 'a rule is an object: { action, cidr?, matchOperator?, prefixLength?, source?, interface? }');
    }
    checkKnownFields(this, field, rule, ['action', 'cidr', 'matchOperator', 'prefixLength', 'source', 'interface'], 'a BGPFilter rule');
    checkEnum(this, `${field}.action`, rule.action, BGP_FILTER_ACTIONS, { what: 'a BGPFilter action' });
    if (rule.matchOperator !== undefined) checkEnum(this, `${field}.matchOperator`, rule.matchOperator, BGP_FILTER_MATCH_OPERATORS, { what: 'a match operator' });
    if (rule.source !== undefined) checkEnum(this, `${field}.source`, rule.source, BGP_FILTER_SOURCES, { what: 'a route source' });
    if (rule.interface !== undefined && (typeof rule.interface !== 'string' || !BGP_FILTER_INTERFACE.test(rule.interface))) {
      throw new ValidationError(this, `${field}.interface`, rule.interface,
        "an interface match is 1 to 15 letters, digits, '_', '.', '-' or '*' (a Linux interface name, '*' as wildcard)");
    }
    if ((rule.cidr === undefined) !== (rule.matchOperator === undefined)) {
      throw new ValidationError(this, `${field}.${rule.cidr === undefined ? 'cidr' : 'matchOperator'}`, undefined,
        'a rule matching on a CIDR needs both cidr and matchOperator');
    }
    if (rule.cidr !== undefined) {
      const cidr = Cidr.parse(rule.cidr, { site: this, field: `${field}.cidr` });
      if (cidr.version !== version) {
        throw new ValidationError(this, `${field}.cidr`, rule.cidr, `rules of ${field.split('[')[0]} take IPv${version} ranges`);
      }
    }
    const max = version === 4 ? 32 : 128;
    const { min: lo, max: hi } = rule.prefixLength ?? {};
    for (const [k, v] of [['min', lo], ['max', hi]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > max)) {
        throw new ValidationError(this, `${field}.prefixLength.${k}`, v, `a prefix length is 0 to ${max}`);
      }
    }
    if (lo !== undefined && hi !== undefined && lo > hi) {
      throw new ValidationError(this, `${field}.prefixLength.min`, lo, `min must not exceed max (${hi})`);
    }
  }

  /**
   * Walks the export rules for each pod range (and each rule range inside it) the way Calico does;
   * reaching an Accept rule means the filter would announce pod routes. A rule limited to a source or
   * an interface may match, so its Accept counts and its Reject does not.
   */
  private checkPodRoutesStayIn(): void {
    const rules = { exportV4: this.spec.exportV4 ?? [], exportV6: this.spec.exportV6 ?? [] };
    const finding = walkPodRoutes(podPlan(rangesOfKind(this, 'pod')), rules);
    if (finding) {
      const { field, index, route, pod } = finding;
      throw new ValidationError(this, `${field}[${index}]`, describeRule(rules[field][index]),
        `it accepts ${route}, part of ${pod.label} (${pod.cidr}); an export filter must not let pod routes out of the cluster`);
    }
  }
}

interface PodRouteFinding {
  readonly field: 'exportV4' | 'exportV6';
  readonly index: number;
  readonly route: Cidr;
  readonly pod: OwnedRange;
}

/** The app's distinct pod ranges (clusters often share one: each is walked once, named after its first owner), indexed. */
interface PodPlan {
  readonly declared: number;
  readonly distinct: readonly OwnedRange[];
  readonly index: RangeIndex<number>;
}

// Every export filter of an app is checked against every pod range of the app: the plan is made once
// per app (and again when ranges were declared since).
const podPlans = new WeakMap<readonly OwnedRange[], PodPlan>();

function podPlan(pods: readonly OwnedRange[]): PodPlan {
  const known = podPlans.get(pods);
  if (known && known.declared === pods.length) return known;
  const seen = new Set<string>();
  const distinct = pods.filter((r) => !seen.has(r.cidr.key) && !!seen.add(r.cidr.key));
  const index = new RangeIndex<number>();
  distinct.forEach((p, i) => index.add(p.cidr, i));
  const plan = { declared: pods.length, distinct, index };
  podPlans.set(pods, plan);
  return plan;
}

/**
 * The first Accept a pod route reaches, walking the rules the way Calico does for each pod range
 * and each rule range inside it, pod ranges in the order declared. Only pod ranges that some rule
 * range overlaps are walked one by one: every other pod range is matched by exactly the rules that
 * match any range apart from theirs (no CIDR, NotEqual, NotIn), so the first of them stands for all.
 * Each filter costs its rules, not the app's clusters.
 */
function walkPodRoutes(plan: PodPlan, rules: Record<'exportV4' | 'exportV6', readonly BGPFilterRule[]>): PodRouteFinding | undefined {
  for (const [field, version] of [['exportV4', 4], ['exportV6', 6]] as const) {
    const list = rules[field];
    const ruleRanges = list.filter((r) => r.cidr !== undefined).map((r) => Cidr.parse(r.cidr!));
    const touched = new Set<number>();
    for (const c of ruleRanges) for (const at of plan.index.overlapping(c)) touched.add(at);
    const positions = [...touched].filter((at) => plan.distinct[at].cidr.version === version);
    const firstOther = plan.distinct.findIndex((p, at) => p.cidr.version === version && !touched.has(at));
    if (firstOther >= 0) positions.push(firstOther);
    for (const at of positions.sort((a, b) => a - b)) {
      const pod = plan.distinct[at];
      for (const route of [pod.cidr, ...ruleRanges.filter((c) => pod.cidr.contains(c))]) {
        const index = firstMatch(list, route);
        if (index !== undefined && list[index].action === 'Accept') return { field, index, route, pod };
      }
    }
  }
  return undefined;
}

function firstMatch(rules: readonly BGPFilterRule[], route: Cidr): number | undefined {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const conditional = r.source !== undefined || r.interface !== undefined;
    if (conditional && r.action === 'Reject') continue;
    if (r.cidr === undefined) return i;
    const c = Cidr.parse(r.cidr);
    const hit = r.matchOperator === 'Equal' ? c.equals(route)
      : r.matchOperator === 'NotEqual' ? !c.equals(route)
        : r.matchOperator === 'In' ? c.contains(route) : !c.contains(route);
    if (hit) return i;
  }
  return undefined;
}

function describeRule(rule: BGPFilterRule): string {
  return [rule.action, rule.matchOperator, rule.cidr, rule.source && `source ${rule.source}`, rule.interface && `interface ${rule.interface}`]
    .filter((x) => x !== undefined).join(' ');
}

/** Props of {@link EgressExportFilter}. */
export interface EgressExportFilterProps {
  /** @default 'export-egress-ips' */
  readonly name?: string;
  /** Tenants whose egress ranges are announced. */
  readonly tenants: readonly EgressTenant[];
  /** Other ranges to announce (e.g. service load balancer ranges). @default - none */
  readonly additionalCidrs?: readonly (Cidr | string)[];
}

/**
 * An export filter that announces the tenants' egress ranges and nothing else: `Accept In <range>`
 * per range, then `Reject` for every other route. Attach it to the peerings with routers outside the
 * cluster (`filters` of {@link ExternalBgpRouter}).
 */
export class EgressExportFilter extends BgpFilter {
  /** The ranges the filter lets out. */
  public readonly exportedCidrs: readonly Cidr[];

  constructor(scope: Construct, id: string, props: EgressExportFilterProps) {
    requireProps(`${scope.node.path}/${id}`, 'EgressExportFilter', props, ['tenants']);
    const tenants = checkTenantList(`${scope.node.path}/${id}`, 'tenants', props.tenants);
    if (tenants.length === 0 && (props.additionalCidrs ?? []).length === 0) {
      throw new ValidationError(`${scope.node.path}/${id}`, 'tenants', [], 'an egress export filter needs at least one tenant or range to let out');
    }
    const cidrs = [
      ...tenants.map((t) => t.egressCidr),
      ...(props.additionalCidrs ?? []).map((c, i) => Cidr.of(c, { site: `${scope.node.path}/${id}`, field: `additionalCidrs[${i}]` })),
    ];
    super(scope, id, {
      name: props.name ?? 'export-egress-ips',
      exportV4: [
        ...cidrs.map((c): BGPFilterRule => ({ action: 'Accept', matchOperator: 'In', cidr: c.toString() })),
        { action: 'Reject' },
      ],
    });
    this.exportedCidrs = cidrs;
  }
}
