import { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
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

interface AppRelations {
  readonly names: Map<string, NameEntry>;
  readonly links: DeclaredLink[];
}

const RELATIONS = Symbol.for('cdktf-kubernetes-egress.appRelations');
type Registry = WeakMap<IConstruct, AppRelations>;
const registry: Registry = ((globalThis as Record<symbol, unknown>)[RELATIONS] as Registry | undefined)
  ?? ((globalThis as Record<symbol, unknown>)[RELATIONS] = new WeakMap<IConstruct, AppRelations>()) as Registry;

function relationsOf(scope: IConstruct): AppRelations {
  const root = scope.node.root;
  let r = registry.get(root);
  if (!r) {
    r = { names: new Map(), links: [] };
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

/** Records a link between two networks. Checks are the caller's (see {@link checkPeering}). */
export function declareLink(link: DeclaredLink): void {
  relationsOf(link.owner).links.push(link);
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
  const peerings = linksInApp(owner).filter((l) => l.kind === 'peering');
  for (const l of peerings) {
    if ((l.from === hub && l.to === spoke) || (l.from === spoke && l.to === hub)) {
      throw new ValidationError(owner, 'spoke', spoke.name,
        `${l.owner.node.path} already peers VNet ${formatValue(hub.name)} with it; two VNets are peered once (one peering each way)`);
    }
    if (usesRemoteGateway && l.usesRemoteGateway && l.to === spoke) {
      throw new ValidationError(owner, 'useRemoteGateways', true,
        `VNet ${formatValue(spoke.name)} already uses remote gateways on ${l.owner.node.path}; Azure lets one peering of a VNet use remote gateways`);
    }
  }
  // Each end must not be peered with a VNet that overlaps the other end.
  for (const [end, other, field] of [[hub, spoke, 'spoke.addressSpace'], [spoke, hub, 'hub.addressSpace']] as const) {
    for (const l of peerings) {
      const neighbour = l.from === end ? l.to : l.to === end ? l.from : undefined;
      if (!neighbour || neighbour === other) continue;
      const n = neighbour as PeerableNetwork;
      for (const a of other.addressSpace) {
        const clash = n.addressSpace.find((b) => b.overlaps(a));
        if (clash) {
          throw new ValidationError(owner, field, a.toString(),
            `VNet ${formatValue(end.name)} is already peered with VNet ${formatValue(n.name)} (${clash}, ${l.owner.node.path}); `
            + 'Azure refuses to peer a VNet with two VNets whose address spaces overlap');
        }
      }
    }
  }
}

function stackPath(c: IConstruct): string {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (TerraformStack.isStack(s)) return s.node.path;
  }
  return '';
}
