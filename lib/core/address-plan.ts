import { IConstruct } from 'constructs';
import { Cidr } from './cidr';
import { ValidationError } from './errors';

/**
 * The app's address plan: every construct that owns address ranges (VNets, VPCs, a cluster's service
 * and pod ranges, egress gateway tenants, a Transit Gateway's CIDR blocks) declares them here, so any
 * other construct can check at synth that its own ranges are clear of them, across stacks and clouds.
 */

/** What a declared range is, e.g. `vnet`, `vpc`, `service`, `pod`, `egress`. */
export type RangeKind = 'vnet' | 'vpc' | 'service' | 'pod' | 'egress' | 'transit' | (string & {});

/** A range some construct owns. */
export interface DeclaredRange {
  readonly cidr: Cidr;
  readonly kind: RangeKind;
  /** How messages name it, e.g. `VNet hub-vnet` or `tenant tenant0 egress range`. */
  readonly label: string;
}

/** A declared range with its owner. */
export interface OwnedRange extends DeclaredRange {
  readonly owner: IConstruct;
}

// Ranges are kept per app (the construct tree's root) as they are declared, so a check reads them
// without walking the tree: apps with hundreds of clusters and tenants stay linear. A global symbol
// lets copies of the library in one app share the registry.
const REGISTRY = Symbol.for('cdktf-kubernetes-egress.declaredRanges');
type Registry = WeakMap<IConstruct, OwnedRange[]>;
const registry: Registry = ((globalThis as Record<symbol, unknown>)[REGISTRY] as Registry | undefined)
  ?? ((globalThis as Record<symbol, unknown>)[REGISTRY] = new WeakMap<IConstruct, OwnedRange[]>()) as Registry;

/** Records that `owner` owns `ranges`. */
export function declareRanges(owner: IConstruct, ranges: readonly DeclaredRange[]): void {
  const root = owner.node.root;
  const list = registry.get(root) ?? [];
  list.push(...ranges.map((r) => ({ ...r, owner })));
  registry.set(root, list);
}

/** Every range declared anywhere in the app that `scope` belongs to, in the order they were declared. */
export function rangesInApp(scope: IConstruct): OwnedRange[] {
  return [...(registry.get(scope.node.root) ?? [])];
}

/**
 * Throws a ValidationError naming the first range of a kind in `kinds`, declared by another construct
 * than `owner`, that overlaps `cidr`.
 */
export function checkClearOf(owner: IConstruct, field: string, cidr: Cidr, kinds: readonly RangeKind[], why: string): void {
  for (const other of registry.get(owner.node.root) ?? []) {
    if (other.owner === owner || !kinds.includes(other.kind)) continue;
    if (other.cidr.overlaps(cidr)) {
      throw new ValidationError(owner, field, cidr.toString(), `it overlaps ${other.label} (${other.cidr}, ${other.owner.node.path}); ${why}`);
    }
  }
}
