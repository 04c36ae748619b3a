import { byText } from './builder';
import { EgressReportModel, NetworkView, NodeShape, TopologyEdge, TopologyNode } from './model';

/**
 * Mermaid flowcharts of the topology, one per group of stacks that refer to one another: a
 * subgraph per VNet or VPC holding what sits in it, edges for peerings and transit gateway
 * attachments, default routes to firewalls, SNAT to the Internet, BGP sessions and the tenants of
 * each cluster. Node IDs are derived from the resources' logical IDs, sanitized; labels are quoted.
 */

const PREFIX: { readonly [shape in NodeShape]: string } = {
  firewall: 'fw', cluster: 'k8s', tenant: 'tenant', router: 'rs', hub: 'tgw', gateway: 'gw', internet: 'internet',
};

/** A label Mermaid reads as text: quotes and markup characters as entities, `<br/>` kept as a line break. */
export function mermaidLabel(text: string): string {
  return text.split('<br/>').map((part) => part
    .replace(/&/g, '#amp;')
    .replace(/#(?!amp;)/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')).join('<br/>');
}

/** A Mermaid ID from `text`: letters, digits and `_` only. */
export function mermaidId(text: string): string {
  const id = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return id || 'x';
}

function shape(node: TopologyNode, id: string): string {
  const l = `"${mermaidLabel(node.label)}"`;
  switch (node.shape) {
    case 'firewall': return `${id}{{${l}}}`;
    case 'cluster': return `${id}[[${l}]]`;
    case 'tenant': return `${id}>${l}]`;
    case 'router': return `${id}[/${l}/]`;
    case 'hub': return `${id}[/${l}\\]`;
    case 'gateway': return `${id}[${l}]`;
    case 'internet': return `${id}((${l}))`;
  }
}

const ARROWS: { readonly [style in TopologyEdge['style']]: string } = {
  route: '-->', peering: '<-->', bgp: '<-.->', member: '-.-',
};

function networkLabel(n: NetworkView): string {
  return `${n.kind} ${n.name}${n.cidrs.length > 0 ? `<br/>${n.cidrs.join(', ')}` : ''}`;
}

/** The diagram of the stacks in `group`: what they hold and the edges that touch it. */
export function renderMermaid(model: EgressReportModel, group: readonly string[]): string {
  const inGroup = (stack: string): boolean => group.includes(stack) && model.selected.includes(stack);
  const nodeByKey = new Map(model.nodes.map((n) => [n.key, n]));
  const netByKey = new Map(model.networks.map((n) => [n.key, n]));
  const stackOf = (key: string): string | undefined => nodeByKey.get(key)?.stack ?? netByKey.get(key)?.stack;
  const edges = model.edges.filter((e) => [e.from, e.to].some((k) => { const s = stackOf(k); return s !== undefined && inGroup(s); }));
  const keys = new Set<string>([
    ...model.nodes.filter((n) => inGroup(n.stack)).map((n) => n.key),
    ...edges.flatMap((e) => [e.from, e.to]),
  ]);
  const nodes = [...keys].map((k) => nodeByKey.get(k)).filter((n): n is TopologyNode => n !== undefined).sort(byText((n) => n.key));
  const networks = [...new Set([
    ...model.networks.filter((n) => inGroup(n.stack)).map((n) => n.key),
    ...nodes.map((n) => n.networkKey).filter((k): k is string => k !== undefined && netByKey.has(k)),
    ...[...keys].filter((k) => netByKey.has(k)),
  ])].map((k) => netByKey.get(k)!).sort(byText((n) => n.key));

  const ids = new Map<string, string>();
  const used = new Set<string>();
  const assign = (key: string, prefix: string): void => {
    const base = key === 'internet' ? 'internet' : `${prefix}_${mermaidId(key.slice(key.indexOf(':') + 1).replace(/^[a-z0-9]+_[a-z0-9_]*\./, ''))}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(key, id);
  };
  networks.forEach((n) => assign(n.key, 'net'));
  nodes.forEach((n) => assign(n.key, PREFIX[n.shape]));

  const lines = ['flowchart LR'];
  for (const net of networks) {
    const members = nodes.filter((n) => n.networkKey === net.key);
    if (members.length === 0) {
      lines.push(`  ${ids.get(net.key)}("${mermaidLabel(networkLabel(net))}")`);
      continue;
    }
    lines.push(`  subgraph ${ids.get(net.key)}["${mermaidLabel(networkLabel(net))}"]`);
    for (const n of members) lines.push(`    ${shape(n, ids.get(n.key)!)}`);
    lines.push('  end');
  }
  for (const n of nodes.filter((x) => x.networkKey === undefined || !networks.some((net) => net.key === x.networkKey))) {
    lines.push(`  ${shape(n, ids.get(n.key)!)}`);
  }
  for (const e of edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (!from || !to) continue;
    const label = e.label ? `|"${mermaidLabel(e.label)}"|` : '';
    lines.push(`  ${from} ${ARROWS[e.style]}${label} ${to}`);
  }
  return `${lines.join('\n')}\n`;
}
