import { IConstruct } from 'constructs';

/** Where a validation error points: a construct, or a path already spelt out. */
export type ErrorSite = IConstruct | string;

/**
 * The one error the library raises for bad input.
 *
 * Its message always reads `<construct path>: <field> is <value>; <what is allowed>`, e.g.
 * `hub-spoke-egw/hub/firewall: subnet AzureFirewallSubnet is 10.0.0.0/27; Azure Firewall needs /26 or larger`.
 * The parts are kept as fields so tests and tools can match on them without parsing the text.
 */
export class ValidationError extends Error {
  /** Construct path of the construct whose input is wrong. */
  public readonly path: string;
  /** The prop (or prop path, e.g. `peers[2].peerAsn`) that holds the value. */
  public readonly field: string;
  /** The offending value. */
  public readonly value: unknown;
  /** What would have been accepted. */
  public readonly allowed: string;

  constructor(site: ErrorSite, field: string, value: unknown, allowed: string) {
    const path = typeof site === 'string' ? site : site.node.path;
    super(`${path}: ${field} is ${formatValue(value)}; ${allowed}`);
    this.name = 'ValidationError';
    this.path = path;
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Renders a value the way an error message shows it: strings bare, the rest as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value !== null && typeof value === 'object' && typeof (value as object).toString === 'function'
    && (value as object).toString !== Object.prototype.toString && !Array.isArray(value)) {
    return String(value);
  }
  return JSON.stringify(value);
}
