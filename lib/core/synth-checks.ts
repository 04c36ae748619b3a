import { IConstruct } from 'constructs';

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
