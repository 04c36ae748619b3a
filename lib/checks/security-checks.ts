import { IConstruct } from 'constructs';
import { IAspect, Aspects, TerraformStack } from 'cdktf';
import { ValidationError, addStackHook, callerLocation, checkEnum, requireProps } from '../core';
import type { AksCluster, Subnet } from '../azure';
import type { VpcSubnet } from '../aws';
import { ALLOW_ANY_ANY_ANY } from './allow-any-any-any';
import { API_SERVER_OPEN } from './api-server-open';
import { isAksCluster } from './brands';
import { CheckLevel, SecurityCheck, SecurityCheckId } from './check';
import { DEFAULT_ROUTE_BYPASSES_FIREWALL, markProtected } from './default-route-bypasses-firewall';
import { RecordedExemption, annotate, exemptionFor, exemptionsInApp, recordExemption } from './exemptions';
import { FIREWALL_WITHOUT_LOGS } from './firewall-without-logs';
import { POD_POOL_BGP_EXPORT } from './pod-pool-bgp-export';
import { TENANT_WITHOUT_FIREWALL_RULE } from './tenant-without-firewall-rule';
import { THREAT_INTEL_OFF } from './threat-intel-off';

/** Every security check, by ID. */
export const SECURITY_CHECKS: readonly SecurityCheck[] = [
  THREAT_INTEL_OFF,
  ALLOW_ANY_ANY_ANY,
  DEFAULT_ROUTE_BYPASSES_FIREWALL,
  API_SERVER_OPEN,
  POD_POOL_BGP_EXPORT,
  FIREWALL_WITHOUT_LOGS,
  TENANT_WITHOUT_FIREWALL_RULE,
];

const LEVELS: readonly CheckLevel[] = ['error', 'warning', 'off'];
const IDS: readonly string[] = SECURITY_CHECKS.map((c) => c.id);

/** Props of {@link SecurityChecks}. */
export interface SecurityChecksProps {
  /** The level of each check named here, e.g. `{ EGRESS006: 'error', EGRESS007: 'off' }`. @default - each check's default level */
  readonly levels?: { readonly [id in SecurityCheckId]?: CheckLevel };
  /** The level of every check not named in `levels`. @default - each check's default level */
  readonly defaultLevel?: CheckLevel;
}

/**
 * The security checks as a cdktf Aspect: add it to a stack, or to the App (then every stack of the
 * app that holds a construct of this library is checked), and every construct is inspected at synth.
 * A finding at level `error` fails the synth with a ValidationError
 * (`<construct path>: <field> is <value>; <what is allowed> (security check <id> <name>)`); several
 * are reported at once, grouped by stack, as a {@link SecurityCheckFailure}. At level `warning` a
 * finding becomes a warning annotation on the construct, which `cdktf synth` prints.
 *
 * ```ts
 * Aspects.of(stack).add(new SecurityChecks());                                  // defaults
 * Aspects.of(stack).add(new SecurityChecks({ levels: { EGRESS007: 'error' } }));
 * SecurityChecks.exempt(cluster, 'EGRESS004', 'the document deploys from outside; authorized ranges are set per environment');
 * ```
 */
export class SecurityChecks implements IAspect {
  /** Every check: ID, name, default level and documentation. */
  public static readonly CHECKS: readonly SecurityCheck[] = SECURITY_CHECKS;

  /**
   * Exempts `construct` and everything inside it from check `checkId`, for `reason`, which is recorded
   * on the construct and shown as an info annotation (`EGRESS004 exempted: <reason>`), so the
   * exemption is visible in the code, in review and in `cdktf synth`'s output.
   */
  public static exempt(construct: IConstruct, checkId: SecurityCheckId, reason: string): void {
    recordExemption(construct, checkId, reason, IDS);
  }

  /** Every exemption recorded in the app `scope` belongs to, with the construct path it is on. */
  public static exemptionsIn(scope: IConstruct): RecordedExemption[] {
    return exemptionsInApp(scope);
  }

  /**
   * Declares that `cluster` leaves to the Internet without a firewall by design, for `reason`: an
   * exemption from EGRESS003 on the cluster, which covers its node subnet too. The outbound types
   * `loadBalancer`, `managedNATGateway` and `userAssignedNATGateway` leave that way; only
   * `userDefinedRouting` through a firewall meets EGRESS003 without it.
   */
  public static internetEgressByDesign(cluster: AksCluster, reason: string): void {
    if (!isAksCluster(cluster)) {
      throw new ValidationError(`SecurityChecks.internetEgressByDesign() at ${callerLocation()}`, 'cluster', cluster, 'internetEgressByDesign takes an AksCluster');
    }
    recordExemption(cluster, 'EGRESS003', reason, IDS);
  }

  /**
   * Marks a subnet as protected: check EGRESS003 then requires its default route to lead to a
   * firewall, as for the node subnets of AKS clusters and the spokes of a transit gateway.
   */
  public static markProtected(subnet: Subnet | VpcSubnet): void {
    markProtected(subnet);
  }

  private readonly levels: ReadonlyMap<SecurityCheckId, CheckLevel>;

  constructor(props: SecurityChecksProps = {}) {
    // Not a construct: errors name where the app created it.
    const site = `new SecurityChecks() at ${callerLocation()}`;
    requireProps(site, 'SecurityChecks', props, []);
    if (props.defaultLevel !== undefined) checkEnum(site, 'defaultLevel', props.defaultLevel, LEVELS, { what: 'a level' });
    for (const [id, level] of Object.entries(props.levels ?? {})) {
      if (!IDS.includes(id)) throw new ValidationError(site, 'levels', id, `the security checks are ${IDS.join(', ')}`);
      checkEnum(site, `levels.${id}`, level, LEVELS, { what: 'a level' });
    }
    this.levels = new Map(SECURITY_CHECKS.map((c) => [c.id, props.levels?.[c.id] ?? props.defaultLevel ?? c.defaultLevel]));
  }

  /** The level check `checkId` runs at. */
  public levelOf(checkId: SecurityCheckId): CheckLevel {
    const level = this.levels.get(checkId);
    if (level === undefined) throw new ValidationError(`SecurityChecks.levelOf() at ${callerLocation()}`, 'checkId', checkId, `the security checks are ${IDS.join(', ')}`);
    return level;
  }

  /**
   * Runs when cdktf's walk reaches the construct the aspect was added to (a stack, or a construct in
   * one): every construct below it is checked in one pass, warnings are annotated, and every finding
   * at level error is reported at once (see {@link SecurityCheckFailure}).
   */
  public visit(node: IConstruct): void {
    if (!Aspects.of(node).all.includes(this)) return;
    this.checkTree(node);
  }

  /** Checks `scope` and everything in it; throws once with every finding at level error. */
  public checkTree(scope: IConstruct): void {
    const errors: ValidationError[] = [];
    for (const node of scope.node.findAll()) {
      for (const check of SECURITY_CHECKS) {
        const level = this.levelOf(check.id);
        if (level === 'off') continue;
        for (const finding of check.inspect(node)) {
          if (exemptionFor(finding.site, check.id) || finding.coveredBy?.some((c) => exemptionFor(c, check.id))) continue;
          const error = new ValidationError(finding.site, finding.field, finding.value, `${finding.allowed} (security check ${check.id} ${check.name})`);
          if (level === 'error') errors.push(error);
          else annotate(finding.site, 'warning', error.message);
        }
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new SecurityCheckFailure(errors);
  }
}

/**
 * Several findings at level error, from one synth: the message lists each (as its own
 * ValidationError reads), grouped by stack; `findings` holds them. Its own path, field, value and
 * allowed are the first finding's.
 */
export class SecurityCheckFailure extends ValidationError {
  /** Every finding at level error, in construct-tree order. */
  public readonly findings: readonly ValidationError[];

  constructor(findings: readonly ValidationError[]) {
    const first = findings[0];
    super(first.path, first.field, first.value, first.allowed);
    this.name = 'SecurityCheckFailure';
    this.findings = findings;
    const byStack = new Map<string, string[]>();
    for (const f of findings) {
      const stack = f.path.split('/')[0];
      byStack.set(stack, [...(byStack.get(stack) ?? []), f.message]);
    }
    this.message = `${findings.length} security check findings at level error; fix each, or exempt it with `
      + 'SecurityChecks.exempt(construct, checkId, reason)\n'
      + [...byStack].map(([stack, messages]) => `stack ${stack}:\n${messages.map((m) => `  ${m}`).join('\n')}`).join('\n');
  }
}

// SecurityChecks added to the App: cdktf 0.21 runs only the aspects of a stack and below, so the
// checks of an App run when a stack is validated. The first stack validated in a synth checks
// every stack of the app, so one synth reports every finding, grouped by stack.
const CHECKED = new WeakMap<IConstruct, Set<IConstruct>>();
addStackHook('security-checks', (stack) => {
  const root = stack.node.root;
  const onApp = Aspects.of(root).all.filter((a): a is SecurityChecks => a instanceof SecurityChecks);
  if (onApp.length === 0) return;
  const seen = CHECKED.get(root);
  if (seen && !seen.has(stack) && seen.size > 0) {
    // Another stack of this synth already checked the whole app.
    seen.add(stack);
    return;
  }
  CHECKED.set(root, new Set([stack]));
  const stacks = root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const errors: ValidationError[] = [];
  for (const checks of onApp) {
    for (const s of stacks) {
      try {
        checks.checkTree(s);
      } catch (e) {
        if (e instanceof SecurityCheckFailure) errors.push(...e.findings);
        else if (e instanceof ValidationError) errors.push(e);
        else throw e;
      }
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new SecurityCheckFailure(errors);
});
