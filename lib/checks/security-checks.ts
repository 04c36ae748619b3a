import { IConstruct } from 'constructs';
import { IAspect } from 'cdktf';
import { ValidationError, checkEnum, requireProps } from '../core';
import { Subnet } from '../azure';
import { VpcSubnet } from '../aws';
import { ALLOW_ANY_ANY_ANY } from './allow-any-any-any';
import { API_SERVER_OPEN } from './api-server-open';
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
 * The security checks as a cdktf Aspect: add it to each stack (cdktf 0.21 does not run aspects added to the App) and every construct in it is
 * inspected at synth. A finding at level `error` fails the synth with a ValidationError
 * (`<construct path>: <field> is <value>; <what is allowed> (security check <id> <name>)`); at level
 * `warning` it becomes a warning annotation on the construct, which `cdktf synth` prints.
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
   * Marks a subnet as protected: check EGRESS003 then requires its default route to lead to a
   * firewall, as for the node subnets of AKS clusters and the spokes of a transit gateway.
   */
  public static markProtected(subnet: Subnet | VpcSubnet): void {
    markProtected(subnet);
  }

  private readonly levels: ReadonlyMap<SecurityCheckId, CheckLevel>;

  constructor(props: SecurityChecksProps = {}) {
    requireProps('SecurityChecks', 'SecurityChecks', props, []);
    if (props.defaultLevel !== undefined) checkEnum('SecurityChecks', 'defaultLevel', props.defaultLevel, LEVELS, { what: 'a level' });
    for (const [id, level] of Object.entries(props.levels ?? {})) {
      if (!IDS.includes(id)) throw new ValidationError('SecurityChecks', 'levels', id, `the security checks are ${IDS.join(', ')}`);
      checkEnum('SecurityChecks', `levels.${id}`, level, LEVELS, { what: 'a level' });
    }
    this.levels = new Map(SECURITY_CHECKS.map((c) => [c.id, props.levels?.[c.id] ?? props.defaultLevel ?? c.defaultLevel]));
  }

  /** The level check `checkId` runs at. */
  public levelOf(checkId: SecurityCheckId): CheckLevel {
    const level = this.levels.get(checkId);
    if (level === undefined) throw new ValidationError('SecurityChecks', 'checkId', checkId, `the security checks are ${IDS.join(', ')}`);
    return level;
  }

  public visit(node: IConstruct): void {
    for (const check of SECURITY_CHECKS) {
      const level = this.levelOf(check.id);
      if (level === 'off') continue;
      for (const finding of check.inspect(node)) {
        if (exemptionFor(finding.site, check.id)) continue;
        const error = new ValidationError(finding.site, finding.field, finding.value, `${finding.allowed} (security check ${check.id} ${check.name})`);
        if (level === 'error') throw error;
        annotate(finding.site, 'warning', error.message);
      }
    }
  }
}
