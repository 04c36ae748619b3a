import { IConstruct } from 'constructs';
import { ITerraformDependable, TerraformDataSource, TerraformResource, TerraformStack, Token, dependable } from 'cdktf';

/**
 * References the library reads more than once, created once.
 *
 * Every read of a provider binding's attribute (`resource.id`, `resourceGroup.name`) makes a new
 * cdktf token, and cdktf records a full stack trace for each token it makes. A construct that reads
 * the same attribute for several resources pays for that trace each time; these helpers make the
 * token on the first read and hand out the same one afterwards. A token resolves to the same
 * Terraform expression wherever it is used (in any stack), so the synthesized JSON is unchanged.
 */

// --- token creation traces ---------------------------------------------------------------------
//
// cdktf records where each token was made: every reference, every Lazy value and every nested
// block object a provider binding builds in its constructor (about 50 for one kubernetes_cluster,
// 5 for one kubernetes_manifest, whether the block is set or not) calls its private
// `captureStackTrace`, which asks V8 for the whole stack (no depth limit) and formats it. cdktf shows
// that trace only in two resolution errors ("Object creation stack"), and for a token the library
// makes it would point into the library's own code. At 100 spokes these traces were about 15,000 and
// a third of the synth time (npm run bench).
//
// `untraced` builds the library's resources and references without them: for the duration of
// `build` only, `Error.captureStackTrace` skips the calls made for token traces, known by the function
// they pass as `below` to hide: cdktf's `captureStackTrace` (hiding itself), or CDK Terrain's
// `captureCreationStack` (CDK Terrain also drops every creation stack, the app's included, when
// CDKTN_DISABLE_CREATION_STACK=1).
// Everything else keeps its stack: errors (V8 records their stacks natively), annotations (constructs
// passes `addMetadata`), `callerLocation` (passes itself), and every token the app makes itself.
// The swap is synchronous and undone in `finally`; nested calls share one swap.

const TRACE_HELPERS: ReadonlySet<string> = new Set(['captureStackTrace', 'captureCreationStack']);
let untracedDepth = 0;
let nativeCapture: typeof Error.captureStackTrace | undefined;

function captureUnlessTokenTrace(target: object, below?: Function): void {
  if (typeof below === 'function' && TRACE_HELPERS.has(below.name)) return;
  (nativeCapture ?? Error.captureStackTrace).call(Error, target, below);
}

/**
 * `build()`, with cdktf's token creation traces skipped while it runs (see above). Use it around the
 * provider bindings and references the library creates; never around code of the app.
 */
export function untraced<T>(build: () => T): T {
  if (untracedDepth === 0) {
    nativeCapture = Error.captureStackTrace;
    Error.captureStackTrace = captureUnlessTokenTrace;
  }
  untracedDepth++;
  try {
    const built = build();
    leanOnSynth(built);
    return built;
  } finally {
    untracedDepth--;
    if (untracedDepth === 0) {
      Error.captureStackTrace = nativeCapture!;
      nativeCapture = undefined;
    }
  }
}

// --- attributes without unset keys ---------------------------------------------------------------
//
// A provider binding synthesizes every argument and block field its schema has, set or not: about
// half the keys of the library's resources are `undefined` (21,600 of 43,300 in a 100-spoke hub).
// cdktf resolves each key twice (once to prepare the stack, once to write it) before dropping the
// unset ones, at a cost per key. A resource the library builds (returned by `untraced`) synthesizes
// its attributes without them: its plain objects with the `undefined` keys left out (copied where
// one is, never changed in place; the rest are the very objects the binding returned). Arrays, tokens and every other object are kept as they are, so the written JSON is the same byte
// for byte (cdktf drops those keys anyway and writes keys sorted). Overrides still apply: cdktf merges
// them into the attributes after they are synthesized.

/**
 * `value` with no key set to `undefined` in its plain objects, at any depth: an object (or array)
 * that holds one is copied without it, and everything else is returned as it is.
 */
export function withoutUnset(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = withoutUnset(value[i]);
      if (item !== value[i]) (copy ??= value.slice())[i] = item;
    }
    return copy ?? value;
  }
  // Only objects as a binding builds them: of Object's prototype, with no resolve function (a plain
  // object with one is a token all the same), no own `constructor` key (cdktf tells dynamic blocks by
  // it) and no token for a key (cdktf resolves a map's keys even where the value is unset).
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const source = value as Record<string, unknown>;
  if (typeof source.resolve === 'function' || Object.prototype.hasOwnProperty.call(source, 'constructor')) return value;
  const keys = Object.keys(source);
  if (keys.some((k) => k.includes('TfToken['))) return value;
  // Copied only when something in it changes: an object without unset keys at any depth is kept.
  // Each value is read once (a getter is not called again for the copy).
  const items = keys.map((k) => source[k]);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const item = items[i];
    const lean = item === undefined ? undefined : withoutUnset(item);
    if (out === undefined && (item === undefined || lean !== item)) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = items[j];
    }
    if (out !== undefined && lean !== undefined) out[keys[i]] = lean;
  }
  return out ?? value;
}

interface Synthesizing { terraformResourceType?: unknown; synthesizeAttributes?: () => unknown; toTerraform?: unknown }

// One function for every lean element: it calls the binding's own method (its class's) and leaves
// out the unset keys of what that returns.
function leanSynthesizeAttributes(this: Synthesizing): unknown {
  const own = Object.getPrototypeOf(this) as Synthesizing;
  return withoutUnset(own.synthesizeAttributes!.call(this));
}

function leanOnSynth(built: unknown): void {
  // Resources and data sources only: a provider's attributes go through keysToSnakeCase, where an
  // unset key may still matter.
  if (!TerraformResource.isTerraformResource(built) && !TerraformDataSource.isTerraformDataSource(built)) return;
  const element = built as unknown as Synthesizing;
  if (typeof element.terraformResourceType !== 'string' || typeof element.synthesizeAttributes !== 'function') return;
  if (element.synthesizeAttributes === leanSynthesizeAttributes) return;
  Object.defineProperty(element, 'synthesizeAttributes', { configurable: true, writable: true, value: leanSynthesizeAttributes });
  if (typeof element.toTerraform === 'function') {
    Object.defineProperty(element, 'toTerraform', { configurable: true, writable: true, value: leanToTerraform });
  }
}

// --- the prepare pass reads tokens only ----------------------------------------------------------
//
// cdktf synthesizes a stack in two passes over every element's `toTerraform()`: `prepareStack`
// resolves it only for what resolving tokens does on the side (a reference to another stack's value
// adds an output there and a remote state here; a Lazy may add elements), and throws the result away;
// the second pass resolves it again and writes it. Resolving a literal does nothing on the side, so
// while its own stack is prepared, an element the library built hands cdktf its output with each
// resource's (or data source's) attributes reduced to the parts that hold a token (or may: any text
// with a token marker or a number written as text, token numbers, token keys, objects with a
// `resolve` function, class instances, functions, and whole the arrays and objects holding any of
// these), and cdktf resolves those as it would have. The shape stays (`resource.<type>.<id>`, with `{}`
// for attributes without a token); the rest of the output (import and moved blocks) is handed over
// whole. A value cdktf refuses (a function, a construct) is kept, so it is refused in this pass as
// before. The second pass, and any other call (another stack synthesized meanwhile, a stack's own
// `toTerraform`), gets the whole output, so the written JSON is the same.

// The stack whose prepare pass is running, if any (cdktf prepares one stack at a time).
let preparing: object | undefined;

/** Runs `pass`, the prepare pass of `stack`: the library's elements in `stack` hand over only their tokens. */
export function preparePass<T>(stack: object, pass: () => T): T {
  const outer = preparing;
  preparing = stack;
  try {
    return pass();
  } finally {
    preparing = outer;
  }
}

/** Runs `pass` (a stack's `toTerraform`) with every element handing over its whole output. */
export function wholeOutputs<T>(pass: () => T): T {
  const outer = preparing;
  preparing = undefined;
  try {
    return pass();
  } finally {
    preparing = outer;
  }
}

/** What `tokensOnly` returns for a value that holds no token. */
export const NO_TOKEN: unique symbol = Symbol('no token');

// Text that resolve() would look into: a token marker (string, list or map token), a number token
// written as text (cdktf looks for digits followed by an exponent), or the values it refuses.
function mayHoldToken(text: string): boolean {
  return text.includes('TfToken[') || /[-|\d.+]e[-|\d.eE+]/.test(text)
    || text === Token.STRING_MAP_TOKEN_VALUE || text === Token.ANY_MAP_TOKEN_VALUE;
}

/**
 * The parts of `value` that hold a token (see above), or NO_TOKEN: plain objects keep only their keys
 * whose values hold one; everything else that may hold one is kept whole.
 */
export function tokensOnly(value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return NO_TOKEN;
  if (typeof value === 'string') return mayHoldToken(value) ? value : NO_TOKEN;
  // A token number, a number list token (cdktf tells them apart by the encoding) or the value it refuses.
  if (typeof value === 'number') {
    return Token.isUnresolved(value) || Token.isUnresolved([value]) || value === Token.NUMBER_MAP_TOKEN_VALUE ? value : NO_TOKEN;
  }
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.some((item) => tokensOnly(item) !== NO_TOKEN) ? value : NO_TOKEN;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const source = value as Record<string, unknown>;
  if (typeof source.resolve === 'function') return value;
  const keys = Object.keys(source);
  if (keys.some(mayHoldToken)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of keys) {
    const kept = tokensOnly(source[key]);
    if (kept !== NO_TOKEN) (out ??= {})[key] = kept;
  }
  return out ?? NO_TOKEN;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype;
}

/**
 * An element's output as the prepare pass gets it: each `resource.<type>.<id>` (or `data.<type>.<id>`)
 * reduced to the attributes that hold tokens (`{}` for none); everything else as it is.
 */
export function preparedOutput(output: unknown): unknown {
  if (!isPlainObject(output)) return output;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(output)) {
    const block = output[key];
    if ((key === 'resource' || key === 'data') && isPlainObject(block)) {
      const types: Record<string, unknown> = {};
      for (const type of Object.keys(block)) {
        const byId = block[type];
        if (!isPlainObject(byId)) {
          types[type] = byId;
          continue;
        }
        const ids: Record<string, unknown> = {};
        for (const id of Object.keys(byId)) {
          const kept = tokensOnly(byId[id]);
          ids[id] = kept === NO_TOKEN ? {} : kept;
        }
        types[type] = ids;
      }
      out[key] = types;
    } else {
      out[key] = block;
    }
  }
  return out;
}

interface Preparing { toTerraform?: () => unknown }

function leanToTerraform(this: Preparing): unknown {
  const own = Object.getPrototypeOf(this) as Preparing;
  const full = own.toTerraform!.call(this);
  if (preparing === undefined || TerraformStack.of(this as unknown as IConstruct) !== preparing) return full;
  return preparedOutput(full);
}

/** `Error.captureStackTrace` as it was before any `untraced` swap (for `callerLocation`). */
export function captureStack(target: object, below?: Function): void {
  (nativeCapture ?? Error.captureStackTrace).call(Error, target, below);
}

interface Cached { readonly id: unknown; readonly value: unknown }
const cache = new WeakMap<object, Map<string, Cached>>();

// A resource's reference names its logical ID (which cdktf fixes on the first read) and, with
// for_each, all its instances: a reference is kept for as long as both stay as they were.
function logicalId(target: object): unknown {
  const element = target as { friendlyUniqueId?: unknown; forEach?: unknown };
  return element.friendlyUniqueId === undefined ? undefined : `${element.friendlyUniqueId}${element.forEach ? '.*' : ''}`;
}

/**
 * `target[key]`, read once per target (and logical ID) when it is a deploy-time reference; a
 * literal value is read again each time.
 */
export function attribute<T extends object, K extends keyof T & string>(target: T, key: K): T[K] {
  return cached(target, key, () => target[key]);
}

/**
 * `read()`, made once per `target` and `key` when it returns a deploy-time reference (e.g.
 * `cluster.identity.principalId`, a reference inside a block of the resource `target`).
 */
export function cached<V>(target: object, key: string, read: () => V): V {
  let byKey = cache.get(target);
  const id = logicalId(target);
  const hit = byKey?.get(key);
  if (hit && hit.id === id) return hit.value as V;
  const value = untraced(read);
  if (!Token.isUnresolved(value)) return value;
  if (!byKey) cache.set(target, byKey = new Map());
  byKey.set(key, { id, value });
  return value;
}

const dependables = new WeakMap<ITerraformDependable, string>();

/** `dependable(d)` of cdktf (a `dependsOn` entry for a construct), made once per construct. */
export function dependableOf(d: ITerraformDependable): string {
  let token = dependables.get(d);
  if (token === undefined) dependables.set(d, token = untraced(() => dependable(d)));
  return token;
}
