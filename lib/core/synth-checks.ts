import { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';

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

/** Every construct in the app (all stacks) that `is` accepts, in construct-tree order. */
export function findInApp<T extends IConstruct>(scope: IConstruct, is: (x: unknown) => x is T): T[] {
  return scope.node.root.node.findAll().filter(is);
}

/**
 * Makes an `isX` test that survives duplicate copies of the library in node_modules (where
 * `instanceof` fails): classes mark their instances with a global symbol.
 */
export function brand(name: string): { mark(x: object): void; is(x: unknown): boolean } {
  const sym = Symbol.for(`cdktf-kubernetes-egress.${name}`);
  return {
    mark: (x: object) => Object.defineProperty(x, sym, { value: true }),
    is: (x: unknown) => x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[sym] === true,
  };
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
  target.node.addValidation({
    validate: () => {
      for (const hook of hooks.values()) hook(target);
      return [];
    },
  });
}
