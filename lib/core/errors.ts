import { IConstruct } from 'constructs';
import { Token, Tokenization } from 'cdktf';

/** Where a validation error points: a construct, or a path already spelt out. */
export type ErrorSite = IConstruct | string;

/**
 * The one error the library raises for bad input.
 *
 * Its message always reads `<construct path>: <field> is <value>; <what is allowed>`, e.g.
 * `hub-spoke-egw/hub/firewall: subnet "AzureFirewallSubnet" is "10.0.0.0/27"; Azure Firewall needs /26 or larger`.
 * Strings are quoted and escaped (see {@link formatValue}) so that a trailing space or a lookalike
 * character shows. The parts are kept as fields so tests and tools can match on them without
 * parsing the text.
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
    const path = sitePath(site);
    super(`${path}: ${field} is ${formatValue(value)}; ${allowed}`);
    this.name = 'ValidationError';
    this.path = path;
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** The construct path of a site (a construct, or a path already spelt out). */
export function sitePath(site: ErrorSite): string {
  if (typeof site === 'string') return site;
  if (site !== null && typeof site === 'object' && site.node) return site.node.path;
  return String(site);
}

// Printable ASCII apart from the quote and the backslash: written as it is.
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

// Everything outside printable ASCII is escaped, so a U+2010 hyphen, a non-breaking space, a
// full-width digit or a zero-width joiner is visible in a message.
function escapeString(text: string): string {
  if (PLAIN_TEXT.test(text)) return `"${text}"`;
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (code <= 0xffff) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\u{${code.toString(16).toUpperCase()}}`;
  }
  return `"${out}"`;
}

/**
 * Names a deploy-time value for a message: the Terraform address it refers to when it is a plain
 * reference (`a deploy-time reference to azurerm_route_server.rs.virtual_router_ips`), else a
 * generic description. Never the raw `${TfToken[...]}` or `-8.1e+298` encoding.
 */
export function describeToken(value: unknown): string {
  const identifiers = referenceIdentifiers(value);
  if (identifiers.length === 1) return `a deploy-time reference to ${identifiers[0]}`;
  if (identifiers.length > 1) return `a deploy-time value built from ${identifiers.join(', ')}`;
  return 'a value resolved at deploy time';
}

/** The Terraform addresses (e.g. `azurerm_resource_group.hub-rg.location`) that a token refers to. */
export function referenceIdentifiers(value: unknown): string[] {
  const found: string[] = [];
  const visit = (r: unknown): void => {
    if (r === null || typeof r !== 'object') return;
    const id = (r as { identifier?: unknown }).identifier;
    if (typeof id === 'string') {
      if (!found.includes(id)) found.push(id);
      return;
    }
    // A function call (a provider's list attribute is `tolist(<reference>)`): follow its arguments.
    const args = (r as { args?: unknown }).args;
    if (Array.isArray(args)) {
      for (const a of args) {
        for (const id of referenceIdentifiers(a)) if (!found.includes(id)) found.push(id);
      }
      return;
    }
    // Token.asNumber / asList wrap the original token; follow the wrapped value once.
    const inner = (r as { value?: unknown }).value;
    if (inner !== undefined && inner !== r) {
      if (typeof inner === 'string' && Token.isUnresolved(inner)) for (const t of Tokenization.reverseString(inner).tokens) visit(t);
      else visit(inner);
    }
  };
  try {
    if (typeof value === 'string') {
      for (const t of Tokenization.reverseString(value).tokens) visit(t);
    } else if (typeof value === 'number') {
      visit(Tokenization.reverseNumber(value));
    } else if (Array.isArray(value)) {
      const list = Tokenization.reverseList(value as string[]);
      if (list) visit(list);
      else for (const item of value) for (const id of referenceIdentifiers(item)) if (!found.includes(id)) found.push(id);
    } else {
      visit(value);
    }
  } catch {
    // A value cdktf cannot reverse is described generically.
  }
  return found;
}

/** True when `value` is (or, for a list, holds) a deploy-time token. */
export function isDeployTime(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some((v) => isDeployTime(v));
  if (value !== null && typeof value === 'object') return Tokenization.isResolvable(value);
  return false;
}

/**
 * Renders a value the way an error message shows it: strings quoted and escaped (so invisible and
 * lookalike characters show), numbers and booleans bare, deploy-time tokens by what they refer to,
 * lists item by item, other objects as JSON (or their own `toString`, e.g. a Cidr).
 */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return Token.isUnresolved(value) ? describeToken(value) : escapeString(value);
  if (typeof value === 'number') return Token.isUnresolved(value) ? describeToken(value) : String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    if (Token.isUnresolved(value)) return describeToken(value);
    return `[${value.map((v) => formatValue(v)).join(',')}]`;
  }
  if (typeof value === 'object') {
    if (Tokenization.isResolvable(value)) return describeToken(value);
    if (typeof (value as object).toString === 'function' && (value as object).toString !== Object.prototype.toString) {
      return String(value);
    }
    try {
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${formatValue(v)}`);
      return `{${entries.join(', ')}}`;
    } catch {
      return 'an object';
    }
  }
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** How a message names the type of a value given where another was expected: `a string`, `a list`. */
export function typeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  const t = typeof value;
  return t === 'object' || t === 'undefined' ? t : `a ${t}`;
}

/**
 * A value shown in a message as words, not as a quoted string: `described('2 lines')` reads
 * `content is 2 lines`, where the string `'2 lines'` would read `content is "2 lines"`.
 */
export function described(text: string): { toString(): string } {
  return { toString: () => text };
}
