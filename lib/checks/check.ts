import { IConstruct } from 'constructs';

/**
 * What a check does when it finds something: `error` fails the synth with a ValidationError,
 * `warning` adds a warning annotation to the construct (shown by `cdktf synth`), `off` skips it.
 */
export type CheckLevel = 'error' | 'warning' | 'off';

/** The stable IDs of the security checks. */
export type SecurityCheckId = 'EGRESS001' | 'EGRESS002' | 'EGRESS003' | 'EGRESS004' | 'EGRESS005' | 'EGRESS006' | 'EGRESS007';

/**
 * One thing a check found, phrased as a ValidationError: the construct, the field, its value and
 * what would be accepted.
 */
export interface Finding {
  /** The construct the finding is about; exemptions are looked up on it and its scopes. */
  readonly site: IConstruct;
  /** The prop or attribute that holds the value, e.g. `threatIntelMode`. */
  readonly field: string;
  /** The offending value (`undefined` reads as "missing"). */
  readonly value: unknown;
  /** Why it matters and what would pass. */
  readonly allowed: string;
  /**
   * Other constructs whose exemptions also cover the finding, e.g. the cluster whose nodes live in a
   * subnet a finding is about. @default - only the site and its scopes
   */
  readonly coveredBy?: readonly IConstruct[];
}

/** A named, documented security check, run by {@link SecurityChecks} on every construct it visits. */
export interface SecurityCheck {
  /** Stable ID, e.g. `EGRESS001`: what exemptions and level overrides name. */
  readonly id: SecurityCheckId;
  /** Short kebab-case name, e.g. `threat-intel-off`. */
  readonly name: string;
  /** The level when the Aspect's props do not set one. */
  readonly defaultLevel: 'error' | 'warning';
  /** One paragraph: what it flags, why it matters, how to fix it. */
  readonly description: string;
  /**
   * What the check finds on `node`: nothing for constructs it does not inspect. Runs at synth, when
   * the whole app is built, so it may look at other stacks (`findInApp`).
   */
  inspect(node: IConstruct): Finding[];
}
