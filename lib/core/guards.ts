import * as path from 'path';
import { Annotations, TerraformResource, TerraformStack, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { Cidr, isIpAddress } from './cidr';
import { describeToken, ErrorSite, formatValue, isDeployTime, referenceIdentifiers, typeName, ValidationError } from './errors';
import { installStackHooks } from './synth-checks';
import { captureStack } from './refs';

/*
 * The shared guards every construct uses on entry. They exist so that a JavaScript caller without
 * types, an `as any`, a JSON-driven config or a deploy-time reference gets the same clear
 * ValidationError a typed caller gets: never a TypeError deep inside a construct, never a silently
 * wrong plan.
 */

/**
 * Checks that `props` is an object and that each of `required` is present (not undefined or null).
 * Call it first thing in a constructor: `requireProps(this, 'VirtualNetwork', props, ['resourceGroup', 'addressSpace'])`.
 */
export function requireProps<T extends object>(
  site: ErrorSite, construct: string, props: T | undefined, required: readonly (keyof T & string)[],
): asserts props is T {
  if (typeof site !== 'string') installStackHooks(site);
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new ValidationError(site, 'props', props, `${construct} takes an object of props with ${listNames(required)}`);
  }
  for (const name of required) {
    const v = (props as Record<string, unknown>)[name];
    if (v === undefined || v === null) {
      throw new ValidationError(site, name, v, `${construct} requires it`);
    }
  }
}

function listNames(names: readonly string[]): string {
  if (names.length === 0) return 'its options';
  return names.map((n) => `'${n}'`).join(', ');
}

/** Throws unless `value` is present; returns it typed. For required fields of nested objects. */
export function requireValue<T>(site: ErrorSite, field: string, value: T | undefined | null, why: string): T {
  if (value === undefined || value === null) throw new ValidationError(site, field, value, why);
  return value;
}

/** Options of {@link checkEnum}. */
export interface EnumOptions {
  /** Accept a deploy-time reference without checking it. @default false (a reference is refused) */
  readonly allowDeployTime?: boolean;
  /** What the values are, for the message, e.g. `a rule protocol`. @default 'one of' */
  readonly what?: string;
}

/**
 * Checks `value` against its allowed set, case-sensitively (the providers pass these through and the
 * cloud refuses a wrong case at apply), and suggests the nearest allowed value. Returns the value typed.
 */
export function checkEnum<T extends string>(
  site: ErrorSite, field: string, value: unknown, allowed: readonly T[], options: EnumOptions = {},
): T {
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    if (options.allowDeployTime) return value as T;
    throw new ValidationError(site, field, value, `a literal is needed here: ${allowedText(allowed)}`);
  }
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const kind = typeof value === 'string' ? '' : ` (${typeName(value)})`;
  const near = typeof value === 'string' ? nearest(value, allowed) : undefined;
  const hint = near !== undefined ? `; did you mean ${formatValue(near)}?` : '';
  throw new ValidationError(site, field + kind, value, `${options.what ? options.what + ' is ' : ''}${allowedText(allowed)}${hint}`);
}

function allowedText(allowed: readonly string[]): string {
  return `allowed: ${allowed.map((a) => formatValue(a)).join(', ')}`;
}

/** The allowed value closest to `value`: the same text in another case or trimmed first, then by edit distance. */
export function nearest<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  const folded = value.trim().toLowerCase().normalize('NFKC');
  const exact = allowed.find((a) => a.toLowerCase() === folded);
  if (exact !== undefined) return exact;
  let best: T | undefined;
  let bestDistance = Infinity;
  for (const a of allowed) {
    const d = editDistance(folded, a.toLowerCase());
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/**
 * Throws when `value` is a deploy-time reference where a literal is needed (to compute addresses,
 * compare ranges, count). `instead` names what to pass, e.g. `pass routeServer.peerIps (literal addresses)`.
 */
export function requireLiteral(site: ErrorSite, field: string, value: unknown, instead: string): void {
  if (isDeployTime(value)) {
    throw new ValidationError(site, field, value, `a literal is needed here because it is checked at synth; ${instead}`);
  }
}

/** Options of {@link checkNumber}. */
export interface NumberOptions {
  readonly min?: number;
  readonly max?: number;
  /** @default true */
  readonly integer?: boolean;
  /** What a deploy-time value means: 'skip' (no check possible, accepted), 'refuse'. @default 'skip' */
  readonly deployTime?: 'skip' | 'refuse';
  /** Extra text for the message, e.g. `Azure Firewall takes 1 to 250 public IPs`. */
  readonly why?: string;
}

/**
 * Checks a number: its type (a number given as a string is named as such), whole or not, and its
 * range. A deploy-time number is skipped (or refused with `deployTime: 'refuse'`). Returns true when
 * the value was checked, false when skipped.
 */
export function checkNumber(site: ErrorSite, field: string, value: unknown, options: NumberOptions = {}): boolean {
  const integer = options.integer ?? true;
  const span = rangeText(options, integer);
  const why = options.why ? `${options.why}` : span;
  if (typeof value === 'number' && Token.isUnresolved(value)) {
    if (options.deployTime === 'refuse') {
      throw new ValidationError(site, field, value, `a literal number is needed here because it is checked at synth (${span})`);
    }
    return false;
  }
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ValidationError(site, `${field} (${typeName(value)})`, value, `expected a number: ${span}`);
  }
  if ((integer && !Number.isInteger(value))
    || (options.min !== undefined && value < options.min)
    || (options.max !== undefined && value > options.max)) {
    throw new ValidationError(site, field, value, why);
  }
  return true;
}

function rangeText(o: NumberOptions, integer: boolean): string {
  const kind = integer ? 'a whole number' : 'a number';
  if (o.min !== undefined && o.max !== undefined) return `${kind} from ${o.min} to ${o.max}`;
  if (o.min !== undefined) return `${kind} of at least ${o.min}`;
  if (o.max !== undefined) return `${kind} of at most ${o.max}`;
  return kind;
}

/** Throws unless `value` is a string (a deploy-time string passes). */
export function checkString(site: ErrorSite, field: string, value: unknown, what = 'a string'): asserts value is string {
  if (typeof value !== 'string') throw new ValidationError(site, `${field} (${typeName(value)})`, value, `expected ${what}`);
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(site: ErrorSite, field: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new ValidationError(site, `${field} (${typeName(value)})`, value, 'expected true or false');
}

/** Throws unless `value` is a list (a deploy-time list passes); returns it. */
export function checkList<T = unknown>(site: ErrorSite, field: string, value: unknown, what = 'a list'): T[] {
  if (!Array.isArray(value)) throw new ValidationError(site, `${field} (${typeName(value)})`, value, `expected ${what}`);
  return value as T[];
}

/** Options of {@link checkIpList} and {@link checkCidrList}. */
export interface AddressListOptions {
  /** Only this IP version. */
  readonly version?: 4 | 6;
  /** At least this many entries. @default 0 */
  readonly minItems?: number;
  /** At most this many entries. */
  readonly maxItems?: number;
  /** Refuse duplicates. @default true */
  readonly unique?: boolean;
}

/**
 * Checks a list of IP addresses (DNS servers, peer IPs, private IPs): each a dotted quad (or IPv6),
 * no duplicates. Deploy-time entries are skipped; a deploy-time list is accepted as a whole.
 */
export function checkIpList(site: ErrorSite, field: string, value: unknown, options: AddressListOptions = {}): void {
  checkAddressList(site, field, value, options, 'an IP address such as 10.0.0.4', (s) => isIpAddress(s), (s) => (s.includes(':') ? 6 : 4));
}

/** Checks a list of CIDR ranges: each strict (no host bits), no duplicates. Deploy-time entries are skipped. */
export function checkCidrList(site: ErrorSite, field: string, value: unknown, options: AddressListOptions = {}): Cidr[] {
  const out: Cidr[] = [];
  checkAddressList(site, field, value, options, 'a CIDR such as 10.0.0.0/16', (s, i) => {
    out.push(Cidr.parse(s, { site, field: `${field}[${i}]` }));
    return true;
  }, (s) => (s.includes(':') ? 6 : 4));
  return out;
}

function checkAddressList(
  site: ErrorSite, field: string, value: unknown, o: AddressListOptions, what: string,
  valid: (s: string, i: number) => boolean, versionOf: (s: string) => 4 | 6,
): void {
  if (Array.isArray(value) && Token.isUnresolved(value)) return;
  const list = checkList<unknown>(site, field, value, `a list of addresses, each ${what}`);
  if (o.minItems !== undefined && list.length < o.minItems) {
    throw new ValidationError(site, field, list, `at least ${o.minItems} ${o.minItems === 1 ? 'entry is' : 'entries are'} needed`);
  }
  if (o.maxItems !== undefined && list.length > o.maxItems) {
    throw new ValidationError(site, field, list, `at most ${o.maxItems} entries are allowed`);
  }
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const f = `${field}[${i}]`;
    if (typeof item === 'string' && Token.isUnresolved(item)) return;
    if (typeof item !== 'string') throw new ValidationError(site, `${f} (${typeName(item)})`, item, `expected ${what}`);
    if (!valid(item, i)) throw new ValidationError(site, f, item, `expected ${what}`);
    if (o.version !== undefined && versionOf(item) !== o.version) {
      throw new ValidationError(site, f, item, `only IPv${o.version} is allowed here`);
    }
    if ((o.unique ?? true) && seen.has(item)) throw new ValidationError(site, f, item, 'it is listed twice');
    seen.add(item);
  });
}

/** Checks availability zones: a list of distinct literal zones from `allowed` (Azure: "1", "2", "3"). */
export function checkZones(site: ErrorSite, field: string, value: unknown, allowed: readonly string[] = ['1', '2', '3']): void {
  if (Array.isArray(value) && Token.isUnresolved(value)) return;
  const list = checkList<unknown>(site, field, value, `a list of zones from ${allowed.join(', ')}`);
  const seen = new Set<unknown>();
  list.forEach((z, i) => {
    checkEnum(site, `${field}[${i}]`, z, allowed, { what: 'a zone' });
    if (seen.has(z)) throw new ValidationError(site, `${field}[${i}]`, z, 'it is listed twice');
    seen.add(z);
  });
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True for a Kubernetes label (or annotation) key: an optional DNS-subdomain prefix and '/', then a name of 1 to 63 characters. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length >= 1 && name.length <= 63 && LABEL_NAME.test(name);
}

/** True for a Kubernetes label value: empty, or 1 to 63 letters, digits, '-', '_' or '.', alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && LABEL_NAME.test(value));
}

/** Throws unless `key` is a Kubernetes label key. */
export function checkLabelKey(site: ErrorSite, field: string, key: unknown): void {
  if (typeof key === 'string' && Token.isUnresolved(key)) return;
  checkString(site, field, key, 'a label key');
  if (!isLabelKey(key)) {
    throw new ValidationError(site, field, key,
      "a label key is an optional DNS subdomain prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  }
}

/** Throws unless `value` is a Kubernetes label value. */
export function checkLabelValue(site: ErrorSite, field: string, value: unknown): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) return;
  checkString(site, field, value, 'a label value');
  if (!isLabelValue(value)) {
    throw new ValidationError(site, field, value,
      "a label value is empty or 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  }
}

/** Checks every key and value of a label map. */
export function checkLabels(site: ErrorSite, field: string, labels: unknown): void {
  if (labels === undefined) return;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new ValidationError(site, `${field} (${typeName(labels)})`, labels, 'expected a map of label keys to values');
  }
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    checkLabelKey(site, `${field} key ${formatValue(k)}`, k);
    checkLabelValue(site, `${field}[${formatValue(k)}]`, v);
  }
}

// --- what the app knows about deploy-time values ----------------------------------------------

/**
 * The literal behind a deploy-time value when the app itself set it: `rg.location` of an azurerm
 * `ResourceGroup` created with `location: 'westeurope'` is `'westeurope'`. A literal is returned as
 * it is; `undefined` when nothing in the app says (a data source, a computed attribute).
 */
export function knownValue(scope: IConstruct, value: unknown): unknown {
  if (!isDeployTime(value)) return value;
  // A string that joins references and text ("${x}/24") is known only when each reference is: the
  // text is kept, never dropped (the literal behind x alone is not the value).
  if (typeof value === 'string') {
    const fragments = Tokenization.reverseString(value);
    if (fragments.length > 1) {
      let known = true;
      const part = (p: unknown): string => {
        if (typeof p === 'string' && !Token.isUnresolved(p)) return p;
        const v = knownValue(scope, p);
        if (typeof v === 'string' || typeof v === 'number') return String(v);
        known = false;
        return '';
      };
      const joined: string = fragments.join({ join: (left: unknown, right: unknown) => part(left) + part(right) });
      return known ? joined : undefined;
    }
  }
  const ids = referenceIdentifiers(value);
  if (ids.length !== 1) return undefined;
  return literalOfAddress(scope, ids[0], 0);
}

function literalOfAddress(scope: IConstruct, id: string, depth: number): unknown {
  if (depth > 5 || id.startsWith('data.') || id.startsWith('var.') || id.startsWith('local.')) return undefined;
  const parts = id.split('.');
  if (parts.length !== 3) return undefined;
  const [type, name, attribute] = parts;
  const resource = resourceAt(scope, `${type}.${name}`);
  if (!resource) return undefined;
  let attrs: Record<string, unknown>;
  try {
    attrs = (resource as unknown as { synthesizeAttributes(): Record<string, unknown> }).synthesizeAttributes();
  } catch {
    return undefined;
  }
  const v = attrs[attribute];
  if (v === undefined || v === null) return undefined;
  if (!isDeployTime(v)) return v;
  const inner = referenceIdentifiers(v);
  return inner.length === 1 ? literalOfAddress(scope, inner[0], depth + 1) : undefined;
}

const INDEX = Symbol.for('cdktf-kubernetes-egress.resourceIndex');
interface IndexCache { readonly map: Map<string, TerraformResource> }

// The resource at `type.name`, from an index kept on the app root. The index is rebuilt (one tree
// walk) only when a lookup misses, as the tree only grows: a synth stays linear in its resources.
function resourceAt(scope: IConstruct, key: string): TerraformResource | undefined {
  const root = scope.node.root as unknown as Record<symbol, IndexCache | undefined> & IConstruct;
  const found = root[INDEX]?.map.get(key);
  if (found) return found;
  const map = new Map<string, TerraformResource>();
  for (const c of root.node.findAll()) {
    if (TerraformResource.isTerraformResource(c)) map.set(`${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
  }
  Object.defineProperty(root, INDEX, { value: { map }, configurable: true, writable: true });
  return map.get(key);
}

/**
 * True when two values are known to be equal: the same literal, the same token, or tokens whose
 * literals the app set. False when known to differ. Undefined when the app cannot know.
 */
export function knownEqual(scope: IConstruct, a: unknown, b: unknown): boolean | undefined {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string' && isDeployTime(a) && isDeployTime(b)
    && Tokenization.reverseString(a).length === 1 && Tokenization.reverseString(b).length === 1) {
    const ia = referenceIdentifiers(a);
    const ib = referenceIdentifiers(b);
    if (ia.length === 1 && ib.length === 1 && ia[0] === ib[0]) return true;
  }
  const ka = knownValue(scope, a);
  const kb = knownValue(scope, b);
  if (ka === undefined || kb === undefined) return undefined;
  return normalizeForCompare(ka) === normalizeForCompare(kb);
}

function normalizeForCompare(v: unknown): unknown {
  // Azure locations compare without case and spaces ("West Europe" is "westeurope").
  return typeof v === 'string' ? v.replace(/\s+/g, '').toLowerCase() : v;
}

/**
 * Says once, as a synth warning on `scope`, that a check could not run because a value is only
 * known at deploy time, so nothing is skipped silently.
 */
export function warnUnchecked(scope: IConstruct, field: string, value: unknown, check: string): void {
  const key = `${field}:${check}`;
  const seen = warned.get(scope) ?? new Set<string>();
  if (seen.has(key)) return;
  seen.add(key);
  warned.set(scope, seen);
  Annotations.of(scope).addWarning(`${field} is ${describeToken(value)}; ${check} could not be checked at synth and is checked by the cloud at apply`);
}
const warned = new WeakMap<IConstruct, Set<string>>();

/** The stack a construct belongs to, or undefined outside a stack. */
export function stackOf(scope: IConstruct): TerraformStack | undefined {
  try {
    return TerraformStack.of(scope);
  } catch {
    return undefined;
  }
}

// --- where a value object was declared ---------------------------------------------------------

// The library's own folder (`lib/` in the repository, `dist/lib/` in the package): frames inside
// it are the library's, not the app's.
const LIBRARY_ROOT = path.resolve(__dirname, '..');

/**
 * Where the app called into the library: `file:line` of the first stack frame outside the library
 * (and outside node_modules and Node's internals), relative to the working directory when inside it.
 * Value objects (an EgressTenant) have no construct path; they keep this, taken once when they are
 * created, so an error found later can say where the value was declared. `an unknown place` when no
 * frame qualifies.
 */
export function callerLocation(): string {
  // A few frames are enough when the app calls the library directly (the usual case: the library's
  // constructor or factory, then the app); a deeper stack is taken only when none of those is the
  // app's. V8 formats every frame it took, and formatting is most of the cost.
  return placeIn(traceOf(4)) ?? placeIn(traceOf(30)) ?? 'an unknown place';
}

function traceOf(frames: number): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  try {
    captureStack(holder, callerLocation);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return holder.stack ?? '';
}

function placeIn(stack: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (!path.isAbsolute(file)) continue;
    if (file.startsWith(LIBRARY_ROOT + path.sep) || file.split(path.sep).includes('node_modules')) continue;
    const relative = path.relative(process.cwd(), file);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
    return `${shown.split(path.sep).join('/')}:${m[2]}`;
  }
  return undefined;
}

/**
 * The literal behind `value` that the app knows (the value itself when it is a literal; see
 * {@link knownValue}), so a check can run on it; otherwise undefined, after saying once, as a synth
 * warning on `scope`, that `check` could not be made (see {@link warnUnchecked}). Nothing is skipped silently.
 */
export function knownOrWarn(scope: IConstruct, field: string, value: unknown, check: string): unknown {
  // Only a string that is one reference and nothing else stands for that reference's literal
  // (`${x}/24` is not x's value).
  const whole = typeof value !== 'string' || !Token.isUnresolved(value) || Tokenization.reverseString(value).length === 1;
  const known = whole ? knownValue(scope, value) : undefined;
  if (known === undefined || known === null || isDeployTime(known)) {
    warnUnchecked(scope, field, value, check);
    return undefined;
  }
  return known;
}

/**
 * Throws when `object` has a field outside `known` (a misspelt field from a caller without types
 * would otherwise be passed through or ignored), naming the nearest known field.
 */
export function checkKnownFields(site: ErrorSite, field: string, object: unknown, known: readonly string[], what: string): void {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
  for (const key of Object.keys(object)) {
    if (known.includes(key) || (object as Record<string, unknown>)[key] === undefined) continue;
    const near = nearest(key, known);
    throw new ValidationError(site, `${field ? `${field} ` : ''}field`, key,
      `${what} has no such field${near !== undefined ? `; did you mean ${formatValue(near)}?` : ''} (the library sets: ${known.join(', ')})`);
  }
}
