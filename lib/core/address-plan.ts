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

/**
 * Ranges with values, indexed so that the ones overlapping a range are found without comparing it
 * with every range held: CIDR ranges are either nested or disjoint, so the ranges overlapping `q` are
 * those holding it (one per prefix length from 0 to q's, found by key) and those inside it (a run of
 * the ranges sorted by first address, right after q). A query costs the prefix length plus the
 * ranges found, and checks of an app with hundreds of spokes stay linear in its size.
 */
export class RangeIndex<T> {
  private readonly byKey = new Map<string, { cidr: Cidr; value: T; order: number }[]>();
  private readonly sorted: { cidr: Cidr; value: T; order: number }[] = [];
  private count = 0;

  /** Adds `value` under `cidr`. */
  public add(cidr: Cidr, value: T): void {
    const entry = { cidr, value, order: this.count++ };
    const same = this.byKey.get(cidr.key);
    if (same) same.push(entry);
    else this.byKey.set(cidr.key, [entry]);
    this.sorted.splice(this.after(cidr), 0, entry);
  }

  /** The values of every range that overlaps `cidr`, in the order they were added. */
  public overlapping(cidr: Cidr): T[] {
    const found: { value: T; order: number }[] = [];
    for (const key of cidr.holderKeys) {
      const holding = this.byKey.get(key);
      if (holding) found.push(...holding);
    }
    for (let i = this.after(cidr); i < this.sorted.length && cidr.contains(this.sorted[i].cidr); i++) {
      found.push(this.sorted[i]);
    }
    if (found.length > 1) found.sort((a, b) => a.order - b.order);
    return found.map((e) => e.value);
  }

  // The position of the first range ordered after `cidr` (by first address, larger first).
  private after(cidr: Cidr): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid].cidr.compare(cidr) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// Ranges are kept per app (the construct tree's root) as they are declared, so a check reads them
// without walking the tree: apps with hundreds of clusters and tenants stay linear. A global symbol
// lets copies of the library in one app share the registry.
const REGISTRY = Symbol.for('cdktf-kubernetes-egress.declaredRanges.v2');
// The registry's entry of an app is versioned by name, so a copy of the library with another shape
// of entry keeps its own.
interface AppRanges {
  readonly list: OwnedRange[];
  readonly index: RangeIndex<OwnedRange>;
  // Per kind too: a check names the kinds it is about, and ranges many clusters share (one pod range
  // for all of them) would otherwise come up in every check of a range near them.
  readonly byKind: Map<string, { readonly list: OwnedRange[]; readonly index: RangeIndex<Sequenced> }>;
}
interface Sequenced { readonly range: OwnedRange; readonly seq: number }
type Registry = WeakMap<IConstruct, AppRanges>;
const registry: Registry = ((globalThis as Record<symbol, unknown>)[REGISTRY] as Registry | undefined)
  ?? ((globalThis as Record<symbol, unknown>)[REGISTRY] = new WeakMap<IConstruct, AppRanges>()) as Registry;

/** Records that `owner` owns `ranges`. */
export function declareRanges(owner: IConstruct, ranges: readonly DeclaredRange[]): void {
  const root = owner.node.root;
  let app = registry.get(root);
  if (!app) registry.set(root, app = { list: [], index: new RangeIndex(), byKind: new Map() });
  for (const r of ranges) {
    const owned = { ...r, owner };
    const seq = app.list.push(owned);
    app.index.add(owned.cidr, owned);
    let sameKind = app.byKind.get(owned.kind);
    if (!sameKind) app.byKind.set(owned.kind, sameKind = { list: [], index: new RangeIndex() });
    sameKind.list.push(owned);
    sameKind.index.add(owned.cidr, { range: owned, seq });
  }
}

/** Every range declared anywhere in the app that `scope` belongs to, in the order they were declared. */
export function rangesInApp(scope: IConstruct): OwnedRange[] {
  return [...(registry.get(scope.node.root)?.list ?? [])];
}

/**
 * The ranges of one kind declared in the app of `scope`, in the order declared. The list is the
 * registry's own, read without a copy (checks of every cluster read it): it grows as ranges are
 * declared and must not be changed.
 */
export function rangesOfKind(scope: IConstruct, kind: RangeKind): readonly OwnedRange[] {
  return registry.get(scope.node.root)?.byKind.get(kind)?.list ?? NO_RANGES;
}
const NO_RANGES: readonly OwnedRange[] = Object.freeze([]);

/** Every range declared anywhere in the app of `scope` that overlaps `cidr`, in the order declared. */
export function rangesOverlapping(scope: IConstruct, cidr: Cidr): OwnedRange[] {
  return registry.get(scope.node.root)?.index.overlapping(cidr) ?? [];
}

/**
 * Throws a ValidationError naming the first range of a kind in `kinds`, declared by another construct
 * than `owner`, that overlaps `cidr`.
 */
export function checkClearOf(owner: IConstruct, field: string, cidr: Cidr, kinds: readonly RangeKind[], why: string): void {
  const byKind = registry.get(owner.node.root)?.byKind;
  const found = [...new Set(kinds)].flatMap((kind) => byKind?.get(kind)?.index.overlapping(cidr) ?? []);
  for (const { range: other } of found.sort((a, b) => a.seq - b.seq)) {
    if (other.owner === owner) continue;
    if (other.cidr.overlaps(cidr)) {
      throw new ValidationError(owner, field, cidr.toString(), `it overlaps ${other.label} (${other.cidr}, ${other.owner.node.path}); ${why}`);
    }
  }
}
