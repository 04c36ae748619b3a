import { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { preparePass, untraced, wholeOutputs } from './refs';

/**
 * Runs `check` when the stack is validated at synth, after every construct has been added, so it can
 * look at the whole app (other VNets, other tenants). `check` throws a ValidationError on bad input;
 * cdktf stops the synth with it.
 */
export function checkAtSynth(scope: IConstruct, check: () => void): void {
  scope.node.addValidation({
    validate: () => {
      check();
      return [];
    },
  });
}

/**
 * Every construct in the app (all stacks) that `is` accepts, in construct-tree order. When `is` is the
 * test of a {@link brand} (or was tied to one with {@link brandTest}), the answer comes from the
 * instances the brand has marked, kept per app, instead of a walk over the whole tree: a check that
 * runs once per tenant or cluster stays linear in the size of the app.
 */
export function findInApp<T extends IConstruct>(scope: IConstruct, is: (x: unknown) => x is T): T[] {
  const name = brandTests.get(is);
  const root = scope.node.root;
  if (name === undefined) return root.node.findAll().filter(is);
  return marked(root, name).filter(is);
}

// What checks derive from a brand's instances (e.g. an index by name), by the list they derived it
// from: the list is kept until another instance is marked, and so is what was derived from it.
const derivedFrom = new WeakMap<readonly IConstruct[], Map<string, unknown>>();

/**
 * `build(findInApp(scope, is))`, made once for as long as no other instance of the brand is created:
 * a check that every instance runs against all the others (twins, duplicates) reads an index built
 * once, so an app with hundreds of them stays linear. `key` names what is built. With a test that is
 * no brand's, builds each time.
 */
export function derivedInApp<T extends IConstruct, R>(scope: IConstruct, is: (x: unknown) => x is T, key: string, build: (all: readonly T[]) => R): R {
  const name = brandTests.get(is);
  if (name === undefined) return build(findInApp(scope, is));
  const list = marked(scope.node.root, name);
  let byKey = derivedFrom.get(list);
  if (!byKey) derivedFrom.set(list, byKey = new Map());
  if (!byKey.has(key)) byKey.set(key, build(list.filter(is)));
  return byKey.get(key) as R;
}

/**
 * Makes an `isX` test that survives duplicate copies of the library in node_modules (where
 * `instanceof` fails): classes mark their instances with a global symbol. Marked constructs are also
 * recorded per app, so {@link findInApp} with the brand's test reads them without walking the tree.
 */
export function brand(name: string): { mark(x: object): void; is(x: unknown): boolean } {
  const sym = Symbol.for(`cdktf-kubernetes-egress.${name}`);
  const is = (x: unknown): boolean => x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[sym] === true;
  brandTests.set(is, name);
  return {
    mark: (x: object) => {
      Object.defineProperty(x, sym, { value: true });
      if (isConstruct(x)) record(x, name);
    },
    is,
  };
}

/**
 * Ties `test` (a function that tests the mark of the brand `name`, e.g. a class's static `isX`) to the
 * brand, so {@link findInApp} with it reads the brand's instances instead of walking the tree. Returns
 * `test`.
 */
export function brandTest<F extends (x: unknown) => boolean>(name: string, test: F): F {
  brandTests.set(test, name);
  return test;
}

// Brand tests by function, and the marked instances of each brand per app root, in construction
// order; shared by copies of the library in one process through global symbols.
const BRAND_TESTS = Symbol.for('cdktf-kubernetes-egress.brandTests');
const MARKED = Symbol.for('cdktf-kubernetes-egress.markedConstructs');
const shared = globalThis as Record<symbol, unknown>;
const brandTests: WeakMap<object, string> = (shared[BRAND_TESTS] as WeakMap<object, string> | undefined)
  ?? (shared[BRAND_TESTS] = new WeakMap<object, string>()) as WeakMap<object, string>;
interface Marked { readonly all: IConstruct[]; sorted?: IConstruct[] }
const markedByRoot: WeakMap<IConstruct, Map<string, Marked>> = (shared[MARKED] as WeakMap<IConstruct, Map<string, Marked>> | undefined)
  ?? (shared[MARKED] = new WeakMap<IConstruct, Map<string, Marked>>()) as WeakMap<IConstruct, Map<string, Marked>>;

function isConstruct(x: object): x is IConstruct {
  const node = (x as { node?: { root?: unknown } }).node;
  return node !== undefined && node !== null && typeof node === 'object' && node.root !== undefined;
}

function record(x: IConstruct, name: string): void {
  const root = x.node.root;
  let byName = markedByRoot.get(root);
  if (!byName) markedByRoot.set(root, byName = new Map());
  const entry = byName.get(name);
  if (entry) {
    entry.all.push(x);
    entry.sorted = undefined;
  } else {
    byName.set(name, { all: [x] });
  }
}

// The marked instances of `name` under `root`, in construct-tree order (pre-order, children in the
// order they were added), as `root.node.findAll()` lists them; sorted again only after a new mark.
function marked(root: IConstruct, name: string): IConstruct[] {
  const entry = markedByRoot.get(root)?.get(name);
  if (!entry) return [];
  if (!entry.sorted) {
    const keyed = entry.all.map((c) => ({ c, key: treePosition(c) }))
      .filter((k): k is { c: IConstruct; key: number[] } => k.key !== undefined);
    keyed.sort((a, b) => comparePositions(a.key, b.key));
    entry.sorted = keyed.map((k) => k.c);
  }
  return entry.sorted;
}

// A construct's index among its parent's children; children are only appended, so an index, once
// known, stays true. Undefined for a construct no longer in the tree.
const childIndex = new WeakMap<IConstruct, number>();

function treePosition(c: IConstruct): number[] | undefined {
  const position: number[] = [];
  for (let node: IConstruct = c; node.node.scope; node = node.node.scope) {
    let i = childIndex.get(node);
    if (i === undefined) {
      node.node.scope.node.children.forEach((child, j) => childIndex.set(child, j));
      i = childIndex.get(node);
      if (i === undefined) return undefined;
    }
    position.push(i);
  }
  return position.reverse();
}

function comparePositions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/** A check an upper layer runs when each stack is validated (e.g. SecurityChecks added to the App). */
export type StackHook = (stack: TerraformStack) => void;

// Hooks by name, shared by copies of the library in one process; installed once per stack.
const HOOKS = Symbol.for('cdktf-kubernetes-egress.stackHooks');
const hooks: Map<string, StackHook> = ((globalThis as Record<symbol, unknown>)[HOOKS] as Map<string, StackHook> | undefined)
  ?? ((globalThis as Record<symbol, unknown>)[HOOKS] = new Map<string, StackHook>()) as Map<string, StackHook>;
const INSTALLED = Symbol.for('cdktf-kubernetes-egress.stackHooksInstalled');

/** Registers `hook` under `name` (registering a name again replaces it). */
export function addStackHook(name: string, hook: StackHook): void {
  hooks.set(name, hook);
}

/**
 * Makes the stack `scope` belongs to run every registered hook when it is validated at synth.
 * Every construct of the library calls it on entry (through requireProps), so a stack holding any of
 * them runs the hooks; outside a stack it does nothing.
 */
export function installStackHooks(scope: IConstruct): void {
  let stack: TerraformStack | undefined;
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    if (TerraformStack.isStack(c)) {
      stack = c;
      break;
    }
  }
  if (!stack || (stack as unknown as Record<symbol, boolean>)[INSTALLED]) return;
  Object.defineProperty(stack, INSTALLED, { value: true });
  const target = stack;
  synthesizeUntraced(target);
  target.node.addValidation({
    validate: () => {
      for (const hook of hooks.values()) hook(target);
      return [];
    },
  });
}

// The two passes of a stack's synth that resolve its tokens: cdktf's prepareStack (which makes the
// cross-stack outputs and remote states) and toTerraform. Both make tokens of cdktf's own as they go
// (a reference per depends_on entry on each pass, two per cross-stack reference), each with a trace
// of where it was made, inside cdktf (see `untraced` in refs.ts); a stack holding the library's
// constructs makes them without. A method a cdktf version lacks is left alone.
const SYNTH_PASSES = ['prepareStack', 'toTerraform'] as const;

function synthesizeUntraced(stack: TerraformStack): void {
  rememberBackendOnceSynthesized(stack);
  for (const name of SYNTH_PASSES) {
    const pass = (stack as unknown as Record<string, unknown>)[name];
    if (typeof pass !== 'function') continue;
    Object.defineProperty(stack, name, {
      value: function untracedPass(this: TerraformStack, ...args: unknown[]): unknown {
        return name === 'prepareStack'
          ? untraced(() => preparePass(this, () => pass.apply(this, args)))
          : untraced(() => wholeOutputs(() => pass.apply(this, args)));
      },
      configurable: true,
      writable: true,
    });
  }
}

// cdktf looks a stack's backend up by walking all of the stack's constructs: once when the stack is
// prepared, and again for every other stack that reads one of its values (registering the remote
// state). For a hub read by 100 spokes that is 100 walks of the hub. Once the stack has been prepared
// its backend exists (cdktf made a local one if there was none) and no construct is added to it
// during synth, so later lookups return the backend found then.
function rememberBackendOnceSynthesized(stack: TerraformStack): void {
  const host = stack as unknown as Record<string, unknown>;
  const lookup = host.ensureBackendExists;
  const prepare = host.prepareStack;
  if (typeof lookup !== 'function' || typeof prepare !== 'function') return;
  let prepared = false;
  let backend: unknown;
  Object.defineProperty(stack, 'ensureBackendExists', {
    value: function rememberedBackend(this: TerraformStack, ...args: unknown[]): unknown {
      if (prepared && backend !== undefined) return backend;
      const found = lookup.apply(this, args);
      if (prepared) backend = found;
      return found;
    },
    configurable: true,
    writable: true,
  });
  Object.defineProperty(stack, 'prepareStack', {
    value: function preparedOnce(this: TerraformStack, ...args: unknown[]): unknown {
      const result = prepare.apply(this, args);
      prepared = true;
      return result;
    },
    configurable: true,
    writable: true,
  });
}
