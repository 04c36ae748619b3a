import { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { RangeIndex } from './address-plan';
import { Cidr } from './cidr';
import { ValidationError, formatValue, isDeployTime, referenceIdentifiers } from './errors';
import { knownValue } from './guards';

/*
 * What the app knows beyond address ranges (those are in address-plan.ts): the names resources take
 * in their cloud scope and the links between networks (peerings, attachments). Constructs declare
 * them as they are created; a clash the cloud would refuse at apply fails at synth, naming both
 * constructs. Kept per app root, as the address plan is, so no check walks the construct tree.
 */

interface NameEntry {
  readonly owner: IConstruct;
  readonly shown: string;
}

/** A link between two networks, e.g. a peering between a hub and a spoke. */
export interface DeclaredLink {
  /** What links them, e.g. `peering`, `tgw-attachment`. */
  readonly kind: string;
  /** The two ends, in the direction declared (hub, spoke). */
  readonly from: IConstruct;
  readonly to: IConstruct;
  /** The construct that creates the link. */
  readonly owner: IConstruct;
  /** True when `to` uses `from`'s gateways (a spoke's use of remote gateways). */
  readonly usesRemoteGateway?: boolean;
}

/** The links of one network, and its peered neighbours' address ranges, indexed. */
interface NetworkLinks {
  readonly links: DeclaredLink[];
  readonly neighbourRanges: RangeIndex<NeighbourRange>;
}

/** A range of a neighbour `link` peers a network with: `b` is its position in the neighbour's address space. */
interface NeighbourRange {
  readonly link: DeclaredLink;
  readonly order: number;
  readonly b: number;
}

interface AppRelations {
  readonly names: Map<string, NameEntry>;
  readonly links: DeclaredLink[];
  // By network: a check of a new link reads the links of its two ends, not every link of the app.
  readonly byNetwork: Map<IConstruct, NetworkLinks>;
}

const RELATIONS = Symbol.for('cdktf-kubernetes-egress.appRelations.v2');
type Registry = WeakMap<IConstruct, AppRelations>;
const registry: Registry = ((globalThis as Record<symbol, unknown>)[RELATIONS] as Registry | undefined)
  ?? ((globalThis as Record<symbol, unknown>)[RELATIONS] = new WeakMap<IConstruct, AppRelations>()) as Registry;

function relationsOf(scope: IConstruct): AppRelations {
  const root = scope.node.root;
  let r = registry.get(root);
  if (!r) {
    r = { names: new Map(), links: [], byNetwork: new Map() };
    registry.set(root, r);
  }
  return r;
}

/**
 * A key for a value the cloud compares: a literal as it is (Azure compares names and resource group
 * names without case), a reference by what it refers to (the same token is the same value), else
 * undefined when nothing can be said. References are not resolved to the literal behind them here:
 * that takes a look-up in the whole app, per construct, and keys stay cheap on apps of hundreds of
 * spokes; two references to one resource group resource are one resource group all the same.
 */
function keyOf(value: unknown, caseInsensitive: boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!isDeployTime(value)) return `=${caseInsensitive ? value.toLowerCase() : value}`;
  const ids = referenceIdentifiers(value);
  return ids.length === 1 ? `@${ids[0]}` : undefined;
}

/** Options of {@link declareName}. */
export interface NameDeclaration {
  /** The resource type whose names must be unique, e.g. `azurerm_virtual_network`. */
  readonly type: string;
  /** How messages name the type, e.g. `VNet`. */
  readonly what: string;
  /** The scope names are unique in (a resource group name; a token the app knows is resolved). */
  readonly scope: unknown;
  /** How messages name the scope, e.g. `resource group`. */
  readonly scopeWhat: string;
  /** The name. */
  readonly name: unknown;
  /** The prop that holds the name, for the message. @default 'name' */
  readonly field?: string;
  /** Names compare without case (Azure resource names). @default true */
  readonly caseInsensitive?: boolean;
}

/**
 * Records that `owner` creates a resource of `type` named `name` in `scope`, and throws a
 * ValidationError when another construct of the same stack already did: the cloud refuses the second
 * (Azure keeps one VNet, route table or firewall of a name per resource group). Stacks are not
 * compared with each other (each may deploy to another subscription). A name or scope the app cannot
 * know is not compared.
 */
export function declareName(owner: IConstruct, d: NameDeclaration): void {
  const ci = d.caseInsensitive ?? true;
  const scopeKey = keyOf(d.scope, ci);
  const nameKey = keyOf(d.name, ci);
  if (scopeKey === undefined || nameKey === undefined || !nameKey.startsWith('=')) return;
  // Per stack: stacks of one app may deploy to other subscriptions, where the same names are free.
  const key = `${stackPath(owner)}|${d.type}|${scopeKey}|${nameKey}`;
  const names = relationsOf(owner).names;
  const other = names.get(key);
  if (other && other.owner !== owner) {
    throw new ValidationError(owner, d.field ?? 'name', d.name,
      `${other.owner.node.path} already names a ${d.what} ${other.shown} in ${d.scopeWhat} ${formatValue(knownValue(owner, d.scope) ?? d.scope)}; `
      + `Azure keeps one ${d.what} of a name per ${d.scopeWhat}`);
  }
  names.set(key, { owner, shown: formatValue(d.name) });
}

/** Every link declared in the app `scope` belongs to, in the order declared. */
export function linksInApp(scope: IConstruct): DeclaredLink[] {
  return [...relationsOf(scope).links];
}

/** Every link declared in the app of `scope` with `network` at one end, in the order declared. */
export function linksOf(scope: IConstruct, network: IConstruct): readonly DeclaredLink[] {
  return relationsOf(scope).byNetwork.get(network)?.links ?? [];
}

function networkLinks(r: AppRelations, network: IConstruct): NetworkLinks {
  let n = r.byNetwork.get(network);
  if (!n) r.byNetwork.set(network, n = { links: [], neighbourRanges: new RangeIndex() });
  return n;
}

/** Records a link between two networks. Checks are the caller's (see {@link checkPeering}). */
export function declareLink(link: DeclaredLink): void {
  const r = relationsOf(link.owner);
  const order = r.links.length;
  r.links.push(link);
  for (const [end, neighbour] of [[link.from, link.to], [link.to, link.from]] as const) {
    const n = networkLinks(r, end);
    n.links.push(link);
    const space = (neighbour as Partial<PeerableNetwork>).addressSpace;
    if (link.kind === 'peering' && Array.isArray(space)) space.forEach((cidr, b) => n.neighbourRanges.add(cidr, { link, order, b }));
  }
}

/** A network with address space, as the peering checks see it. */
export interface PeerableNetwork extends IConstruct {
  readonly name: string;
  readonly addressSpace: readonly Cidr[];
}

/**
 * The app-wide checks of a new peering between `hub` and `spoke` (made by `owner`), before it is
 * declared: the pair is peered once, a spoke uses remote gateways on one peering only, and a VNet is
 * not peered with two VNets whose address spaces overlap each other (Azure refuses the second
 * peering: the VNet could not tell the two apart).
 */
export function checkPeering(owner: IConstruct, hub: PeerableNetwork, spoke: PeerableNetwork, usesRemoteGateway: boolean): void {
  const r = relationsOf(owner);
  // The links of the end with fewer of them (a spoke's, usually) hold any earlier peering of the pair.
  const hubLinks = linksOf(owner, hub);
  const spokeLinks = linksOf(owner, spoke);
  const pair = (spokeLinks.length <= hubLinks.length ? spokeLinks : hubLinks).find((l) => l.kind === 'peering'
    && ((l.from === hub && l.to === spoke) || (l.from === spoke && l.to === hub)));
  const remote = usesRemoteGateway ? spokeLinks.find((l) => l.kind === 'peering' && l.usesRemoteGateway && l.to === spoke) : undefined;
  // The first of the two in the order declared is reported, as a walk of all peerings would.
  const first = [pair, remote].filter((l): l is DeclaredLink => l !== undefined)
    .sort((a, b) => r.links.indexOf(a) - r.links.indexOf(b))[0];
  if (first && first === pair) {
    throw new ValidationError(owner, 'spoke', spoke.name,
      `${first.owner.node.path} already peers VNet ${formatValue(hub.name)} with it; two VNets are peered once (one peering each way)`);
  }
  if (first) {
    throw new ValidationError(owner, 'useRemoteGateways', true,
      `VNet ${formatValue(spoke.name)} already uses remote gateways on ${first.owner.node.path}; Azure lets one peering of a VNet use remote gateways`);
  }
  // Each end must not be peered with a VNet that overlaps the other end. The first clash of the
  // earliest peering is reported, then by the other end's range, then by the neighbour's.
  for (const [end, other, field] of [[hub, spoke, 'spoke.addressSpace'], [spoke, hub, 'hub.addressSpace']] as const) {
    const ranges = r.byNetwork.get(end)?.neighbourRanges;
    if (!ranges) continue;
    let clash: { hit: NeighbourRange; a: number } | undefined;
    other.addressSpace.forEach((a, ai) => {
      for (const hit of ranges.overlapping(a)) {
        const neighbour = hit.link.from === end ? hit.link.to : hit.link.from;
        if (neighbour === other) continue;
        if (!clash || hit.order < clash.hit.order || (hit.order === clash.hit.order && (ai < clash.a || (ai === clash.a && hit.b < clash.hit.b)))) {
          clash = { hit, a: ai };
        }
      }
    });
    if (clash) {
      const l = clash.hit.link;
      const n = (l.from === end ? l.to : l.from) as PeerableNetwork;
      throw new ValidationError(owner, field, other.addressSpace[clash.a].toString(),
        `VNet ${formatValue(end.name)} is already peered with VNet ${formatValue(n.name)} (${n.addressSpace[clash.hit.b]}, ${l.owner.node.path}); `
        + 'Azure refuses to peer a VNet with two VNets whose address spaces overlap');
    }
  }
}

function stackPath(c: IConstruct): string {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (TerraformStack.isStack(s)) return s.node.path;
  }
  return '';
}
