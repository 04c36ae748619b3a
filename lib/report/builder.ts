import * as ipaddr from 'ipaddr.js';
import { Cidr } from '../core/cidr';
import { JsonObject } from './input';
import {
  ClusterView, EgressPath, FirewallView, NetworkView, RuleSource, SubnetView, TenantView, TopologyEdge, TopologyNode,
} from './model';
import { Shown, TerraformIndex, TfNode, isLiteral, nodeKey } from './terraform';

/** Blocks of a nested configuration: cdktf writes a single block as an object, several as an array. */
export function blocks(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.filter((v): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v));
  return value !== null && typeof value === 'object' ? [value as JsonObject] : [];
}

/** The first block, or an empty one. */
export function block(value: unknown): JsonObject {
  return blocks(value)[0] ?? {};
}

/** A list of scalars as strings (a single value is a list of one). */
export function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean').map(String);
}

/**
 * A literal IP or CIDR as a range; a bare address is a single-host range, host bits are cleared
 * (`10.0.0.5/24` is read as `10.0.0.0/24`, as firewalls do). Anything else gives undefined.
 */
export function parseRange(text: string): Cidr | undefined {
  if (!isLiteral(text)) return undefined;
  const trimmed = text.trim();
  if (Cidr.isValid(trimmed)) return Cidr.parse(trimmed);
  try {
    const [addr, prefix] = ipaddr.parseCIDR(trimmed);
    const network = addr.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(trimmed).toString()
      : ipaddr.IPv6.networkAddressFromCIDR(trimmed).toString();
    return Cidr.parse(`${network}/${prefix}`);
  } catch {
    return undefined;
  }
}

const ANY_SOURCES = ['*', 'any', '0.0.0.0/0', '::/0', 'internet'];

/** Sorts strings by code unit, the same on every machine (no locale). */
export function byText<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** Where a cluster's paths end, in a phrase. */
export function leaves(paths: readonly EgressPath[]): string {
  return [...new Set(paths.map((p) => p.summary))].join('; ');
}

/** Accumulates the model while the extractors read the output. */
export class ModelBuilder {
  public readonly networks: NetworkView[] = [];
  public readonly subnets = new Map<string, SubnetView>();
  public readonly firewalls: FirewallView[] = [];
  public readonly clusters: ClusterView[] = [];
  public readonly tenants: TenantView[] = [];
  public readonly nodes = new Map<string, TopologyNode>();
  public readonly edges: TopologyEdge[] = [];
  /** Pairs of stacks that refer to one another. */
  public readonly links: [string, string][] = [];

  constructor(public readonly ix: TerraformIndex) {}

  /** A rule address, classified for matching. */
  public source(stack: string, value: unknown): RuleSource {
    const shown = this.ix.show(stack, value);
    if (shown.deferred) return { kind: 'other', shown };
    if (ANY_SOURCES.includes(shown.text.trim().toLowerCase())) return { kind: 'any', shown };
    const cidr = parseRange(shown.text);
    return cidr ? { kind: 'range', shown, cidr } : { kind: 'other', shown };
  }

  /** Values as shown. */
  public shownList(stack: string, value: unknown, prefix?: string): Shown[] {
    const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    return items.map((v) => {
      const s = this.ix.show(stack, v);
      return prefix && !s.deferred ? { ...s, prefix } : s;
    });
  }

  /** The subnet view of a subnet resource. */
  public subnet(node: TfNode | undefined): SubnetView | undefined {
    return node ? this.subnets.get(nodeKey(node)) : undefined;
  }

  public network(key: string | undefined): NetworkView | undefined {
    return key === undefined ? undefined : this.networks.find((n) => n.key === key);
  }

  /** `hub-vnet / AzureFirewallSubnet (10.0.0.0/24)`. */
  public subnetLabel(subnet: SubnetView | undefined): string {
    if (!subnet) return 'a subnet not in the output';
    const net = this.network(subnet.networkKey);
    const ranges = subnet.cidrs.length > 0 ? ` (${subnet.cidrs.join(', ')}${subnet.zone ? `, ${subnet.zone}` : ''})` : '';
    return `${net ? `${net.name} / ` : ''}${subnet.name}${ranges}`;
  }

  /** Subnets whose literal ranges hold `address`. */
  public subnetsContaining(address: string): SubnetView[] {
    const range = parseRange(address);
    if (!range) return [];
    return [...this.subnets.values()].filter((s) => s.cidrs.some((c) => c.contains(range))).sort(byText((s) => s.key));
  }

  public addNode(node: TopologyNode): void {
    if (!this.nodes.has(node.key)) this.nodes.set(node.key, node);
  }

  /** Adds an edge once; a peering or BGP session drawn from both ends is one edge. */
  public addEdge(edge: TopologyEdge): void {
    const symmetric = edge.style === 'peering' || edge.style === 'bgp';
    const same = this.edges.find((e) => e.style === edge.style && ((e.from === edge.from && e.to === edge.to)
      || (symmetric && e.from === edge.to && e.to === edge.from)));
    if (!same) this.edges.push(edge);
  }

  /** Records that two stacks refer to one another (they are drawn together). */
  public link(a: string, b: string): void {
    if (a !== b) this.links.push([a, b]);
  }
}
