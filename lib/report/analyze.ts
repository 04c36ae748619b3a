import { awsClusters, awsFirewalls, awsNetworks, awsTransitGateways } from './aws';
import { azureBgpEdges, azureClusters, azureFirewalls, azureNetworks, azurePeerings, azureRouteServers } from './azure';
import { ModelBuilder, byText } from './builder';
import { calicoTenants } from './calico';
import { SynthOutput, selectStacks } from './input';
import { EgressReportModel, FirewallRule, RangeRelation, RuleMatch, TenantView, TopologyEdge } from './model';
import { TerraformIndex } from './terraform';

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /**
   * Stacks the report covers. The others are still read: cross-stack references and tenants'
   * rules are resolved across the whole output.
   * @default - every stack
   */
  readonly stacks?: readonly string[];
}

const STRENGTH: RangeRelation[] = ['any source', 'broader than the range', 'inside the range', 'equals the range'];

/**
 * How `rule`'s sources relate to any of `tenant`'s ranges, strongest first; undefined when none does.
 * A source equal to a range, or inside it, identifies the tenant; a wider one only includes it.
 */
function relation(rule: FirewallRule, tenant: TenantView): { relation: RangeRelation; source: RuleMatch['source'] } | undefined {
  let best: { relation: RangeRelation; source: RuleMatch['source'] } | undefined;
  for (const s of rule.sources) {
    let r: RangeRelation | undefined;
    if (s.kind === 'any') r = 'any source';
    else if (s.kind === 'range' && s.cidr) {
      const cidr = s.cidr;
      if (tenant.ranges.some((t) => t.equals(cidr))) r = 'equals the range';
      else if (tenant.ranges.some((t) => t.contains(cidr))) r = 'inside the range';
      else if (tenant.ranges.some((t) => cidr.contains(t))) r = 'broader than the range';
    }
    if (r && (!best || STRENGTH.indexOf(r) > STRENGTH.indexOf(best.relation))) best = { relation: r, source: s.shown };
  }
  return best;
}

function undecidable(rule: FirewallRule): RuleMatch['source'] | undefined {
  return rule.sources.find((s) => s.kind === 'other' && (s.shown.deferred || s.shown.prefix === 'IP group' || /^[$!]/.test(s.shown.text)))?.shown;
}

/** Matches every tenant's ranges against every firewall rule (DNAT aside: it is inbound). */
function matchTenants(b: ModelBuilder): void {
  b.tenants.forEach((tenant, i) => {
    const cluster = b.clusters.find((c) => c.key === tenant.cluster?.key);
    const scoped = cluster && cluster.firewallKeys.length > 0;
    const named: RuleMatch[] = [];
    const broader: RuleMatch[] = [];
    const anySource: RuleMatch[] = [];
    const undecided: RuleMatch[] = [];
    for (const firewall of b.firewalls) {
      const inScope = cluster ? cluster.firewallKeys.includes(firewall.key) : true;
      for (const collection of firewall.collections) {
        if (collection.kind === 'DNAT') continue;
        for (const rule of collection.rules) {
          // Only firewalls on the cluster's path out (every firewall, when the cluster is not linked).
          if (!inScope) continue;
          const m = relation(rule, tenant);
          if (m?.relation === 'equals the range' || m?.relation === 'inside the range') named.push({ firewall, collection, rule, ...m });
          else if (m?.relation === 'broader than the range') broader.push({ firewall, collection, rule, ...m });
          else if (m) anySource.push({ firewall, collection, rule, ...m });
          else {
            const source = undecidable(rule);
            if (source) undecided.push({ firewall, collection, rule, relation: 'any source', source });
          }
        }
      }
    }
    const names = (keys: readonly string[]): string => keys.map((k) => b.firewalls.find((f) => f.key === k)?.name ?? k).join(', ');
    const anySourceScope = !cluster
      ? 'every firewall in the output (the tenant\'s cluster is not linked)'
      : scoped ? `firewall ${names(cluster.firewallKeys)}, on cluster ${cluster.name}'s path out`
        : `cluster ${cluster.name}'s traffic crosses no firewall`;
    b.tenants[i] = { ...tenant, named, broader, anySource, anySourceScope, undecided };
  });
}

/** Edges of the clusters' egress paths, from the cluster through each node a step reaches. */
function pathEdges(b: ModelBuilder): void {
  for (const cluster of b.clusters) {
    for (const path of cluster.paths) {
      let prev = cluster.key;
      for (const step of path.steps) {
        if (!step.node || step.node === prev) continue;
        b.addEdge({ from: prev, to: step.node, label: step.edge ?? '', style: 'route' });
        prev = step.node;
      }
    }
  }
  if (b.edges.some((e) => e.to === 'internet' || e.from === 'internet')) {
    b.addNode({ key: 'internet', stack: '', shape: 'internet', label: 'Internet' });
  }
}

/** Stacks that refer to one another, as sorted groups. */
function groups(b: ModelBuilder, output: SynthOutput): string[][] {
  const parent = new Map(output.stacks.map((s) => [s.name, s.name]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const union = (x: string, y: string): void => {
    if (!parent.has(x) || !parent.has(y)) return;
    const [a, c] = [find(x), find(y)].sort();
    parent.set(c, a);
  };
  for (const s of output.stacks) {
    for (const d of s.dependencies) union(s.name, d);
    for (const name of Object.keys(s.json.data?.terraform_remote_state ?? {})) {
      const other = b.ix.remoteStateStack(s.name, name);
      if (other) union(s.name, other);
    }
  }
  for (const [x, y] of b.links) union(x, y);
  const stackOf = (key: string): string | undefined => b.nodes.get(key)?.stack || b.networks.find((n) => n.key === key)?.stack || undefined;
  for (const e of b.edges) {
    const [x, y] = [stackOf(e.from), stackOf(e.to)];
    if (x && y) union(x, y);
  }
  const byRoot = new Map<string, string[]>();
  for (const s of output.stacks) byRoot.set(find(s.name), [...(byRoot.get(find(s.name)) ?? []), s.name]);
  return [...byRoot.values()].map((g) => g.sort()).sort(byText((g) => g[0]));
}

/** Reads the output into the report's model; see {@link EgressReportModel}. */
export function analyze(output: SynthOutput, options: AnalyzeOptions = {}): EgressReportModel {
  const selected = selectStacks(output, options.stacks ?? []);
  const b = new ModelBuilder(new TerraformIndex(output.stacks));
  azureNetworks(b);
  awsNetworks(b);
  azurePeerings(b);
  azureFirewalls(b);
  awsFirewalls(b);
  azureRouteServers(b);
  awsTransitGateways(b);
  azureClusters(b);
  awsClusters(b);
  azureBgpEdges(b);
  pathEdges(b);
  calicoTenants(b);
  matchTenants(b);
  const allGroups = groups(b, output);

  const inSelection = (stack: string): boolean => selected.includes(stack);
  const endpointStack = (key: string): string | undefined => b.nodes.get(key)?.stack ?? b.networks.find((n) => n.key === key)?.stack;
  const touches = (e: TopologyEdge): boolean => [e.from, e.to].some((k) => { const s = endpointStack(k); return s !== undefined && inSelection(s); });
  const edges = b.edges.filter(touches)
    .sort((x, y) => byText<TopologyEdge>((e) => `${e.from}\u0000${e.to}\u0000${e.style}\u0000${e.label}`)(x, y));
  const endpoints = new Set(edges.flatMap((e) => [e.from, e.to]));
  const nodes = [...b.nodes.values()].filter((n) => inSelection(n.stack) || endpoints.has(n.key)).sort(byText((n) => n.key));
  const usedNetworks = new Set([...nodes.map((n) => n.networkKey), ...endpoints]);
  return {
    dir: output.dir,
    stacks: output.stacks.map((s) => s.name),
    selected,
    networks: b.networks.filter((n) => inSelection(n.stack) || usedNetworks.has(n.key)).sort(byText((n) => n.key)),
    firewalls: b.firewalls.filter((f) => inSelection(f.stack)).sort(byText((f) => `${f.stack}\u0000${f.name}\u0000${f.key}`)),
    clusters: b.clusters.filter((c) => inSelection(c.stack)).sort(byText((c) => `${c.stack}\u0000${c.name}\u0000${c.key}`)),
    tenants: b.tenants.filter((t) => inSelection(t.stack)).sort(byText((t) => `${t.stack}\u0000${t.name}\u0000${t.key}`)),
    nodes,
    edges,
    groups: allGroups.filter((g) => g.some(inSelection)),
  };
}
