import { renderMermaid } from './mermaid';
import {
  ClusterView, EgressReportModel, FirewallRule, FirewallView, RuleCollectionView, RuleMatch, RuleSource, TenantView,
} from './model';
import { Shown } from './terraform';

/**
 * The Markdown review: a summary, the topology as Mermaid diagrams, egress tenants with the rules
 * that match their ranges, clusters with their paths out, and every firewall's rules in the order
 * it evaluates them. Deterministic: the same output directory always gives the same bytes.
 */

/** Escapes Markdown in prose and table cells. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

/** A code span, safe in a table cell. */
function code(text: string): string {
  const t = text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

/** A value: literals as code, deploy-time references in italics. */
function shown(value: Shown): string {
  if (value.text === '') return '';
  const text = value.deferred ? `_${md(value.text)}_` : code(value.text);
  return value.prefix ? `${md(value.prefix)} ${text}` : text;
}

/** Descriptive values (protocols and ports): as prose. */
function prose(values: readonly Shown[]): string {
  return values.map((v) => (v.deferred ? `_${md(v.text)}_` : md(v.text))).join(', ');
}

function shownList(values: readonly Shown[]): string {
  return values.length > 0 ? values.map(shown).join(', ') : '';
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function sources(list: readonly RuleSource[]): string {
  return list.map((s) => shown(s.shown)).join(', ');
}

function destinations(rule: FirewallRule): string {
  const d = shownList(rule.destinations);
  const to = rule.translated ?? [];
  if (to.length === 0) return d;
  return `${d} → ${to.some((t) => t.deferred) ? to.map(shown).join(':') : code(to.map((t) => t.text).join(':'))}`;
}

function collectionName(c: RuleCollectionView): string {
  return `${md(c.name)}${c.group ? `, group ${md(c.group)}` : ''}`;
}

function firewallRows(fw: FirewallView, grouped: boolean): string[][] {
  const rows: string[][] = [];
  for (const c of fw.collections) {
    const head = [md(c.kind), ...(grouped ? [md(c.group ?? '')] : []), md(c.name), c.priority !== undefined ? String(c.priority) : ''];
    if (c.rules.length === 0) {
      rows.push([String(c.position), ...head, md(c.action ?? ''), `_${md(c.note ?? 'no rules')}_`, '', '', '']);
      continue;
    }
    c.rules.forEach((r, i) => rows.push([
      `${c.position}.${i + 1}`, ...head, md(r.action), md(r.name), sources(r.sources), destinations(r), prose(r.services),
    ]));
  }
  return rows;
}

function firewallSection(fw: FirewallView): string[] {
  const out = [
    `### ${md(fw.name)} (${code(fw.stack)})`,
    '',
    `${fw.product}, ${md(fw.ruleFormat)}, in ${md(fw.location)}.`
      + `${fw.publicIps.length > 0 ? ` Sends to the Internet from ${fw.publicIps.length === 1 ? 'public IP' : 'public IPs'} ${fw.publicIps.map(md).join(', ')}.` : ''}`
      + ` ${fw.settings.map(md).join('; ')}.`,
    '',
    `**Evaluation order.** ${md(fw.order)} **Unmatched traffic:** ${md(fw.unmatched)}.`,
    '',
  ];
  if (fw.collections.length === 0) return [...out, `No rule collections: everything is handled as unmatched traffic.`, ''];
  const grouped = fw.collections.some((c) => c.group !== undefined);
  const header = ['#', 'kind', ...(grouped ? ['rule collection group (priority)'] : []), 'collection', 'priority', 'action', 'rule', 'sources', 'destinations', 'protocols / ports'];
  return [...out, ...table(header, firewallRows(fw, grouped)), ''];
}

function matchRows(matches: readonly RuleMatch[], withSource: boolean): string[][] {
  return matches.map((m) => {
    const i = m.collection.rules.indexOf(m.rule) + 1;
    return [
      `${md(m.firewall.name)} (${code(m.firewall.stack)})`, `${m.collection.position}.${i}`, collectionName(m.collection), md(m.rule.name),
      ...(withSource ? [`${shown(m.source)} (${m.relation})`] : []),
      md(m.rule.action), destinations(m.rule), prose(m.rule.services),
    ];
  });
}

function clusterName(t: TenantView): string {
  return t.cluster ? `${md(t.cluster.name)} (${code(t.cluster.stack)})` : 'not linked';
}

function ranges(t: TenantView): string {
  if (t.pools.length === 0) return '_no pool_';
  return t.pools.map((p) => {
    if (!p.cidr) return `pool ${md(p.name ?? '')}, _not in the output_`;
    return p.name ? `${shown(p.cidr)} (pool ${md(p.name)})` : shown(p.cidr);
  }).join(', ');
}

function tenantSection(t: TenantView): string[] {
  const rangeText = t.ranges.map(String).join(', ') || 'its range';
  const out = [
    `### ${md(t.name)} (${code(t.stack)})`,
    '',
    `EgressGateway ${code(`${t.namespace}/${t.gateway}`)}${t.replicas !== undefined ? ` (${plural(t.replicas, 'replica')})` : ''}`
      + ` taking addresses from ${ranges(t)}; from ${t.source}${t.declaredBy ? `, declared by ${code(t.declaredBy)}` : ''}.`
      + ` Cluster: ${clusterName(t)}: ${md(t.clusterNote)}. BGP: ${md(t.bgp)}.`,
    '',
  ];
  if (t.named.length === 0) {
    out.push('> [!WARNING]', `> No firewall rule names ${md(rangeText)}: the tenant's traffic meets only rules for any source, so the firewall cannot tell it from other workloads.`, '');
  } else {
    out.push(`Rules whose sources name ${md(rangeText)}, in evaluation order:`, '');
    out.push(...table(['firewall', '#', 'collection', 'rule', 'source', 'action', 'destinations', 'protocols / ports'], matchRows(t.named, true)), '');
  }
  if (t.broader.length > 0) {
    out.push(`Rules whose sources include ${md(rangeText)} in a wider range; they apply, but do not identify the tenant:`, '');
    out.push(...table(['firewall', '#', 'collection', 'rule', 'source', 'action', 'destinations', 'protocols / ports'], matchRows(t.broader, true)), '');
  }
  if (t.anySource.length > 0) {
    out.push(`Rules for any source that also apply (${md(t.anySourceScope)}):`, '');
    out.push(...table(['firewall', '#', 'collection', 'rule', 'action', 'destinations', 'protocols / ports'], matchRows(t.anySource, false)), '');
  } else {
    out.push(`Rules for any source that also apply: none (${md(t.anySourceScope)}).`, '');
  }
  if (t.undecided.length > 0) {
    out.push(`Rules whose sources are only known at deploy, which the report cannot match: ${t.undecided.map((m) => `${md(m.firewall.name)} ${m.collection.position}.${m.collection.rules.indexOf(m.rule) + 1} (${shown(m.source)})`).join(', ')}.`, '');
  }
  return out;
}

function clusterSection(c: ClusterView): string[] {
  const out = [`### ${md(c.name)} (${code(c.stack)})`, ''];
  out.push(`${c.kind}, outbound type ${md(c.outboundType)}. Nodes: ${c.nodes.map(md).join('; ')}.`, '');
  for (const p of c.paths) {
    if (c.paths.length > 1) out.push(`From ${md(p.from)}:`, '');
    p.steps.forEach((s, i) => out.push(`${i + 1}. ${s.warning ? '⚠️ ' : ''}${md(s.text)}`));
    out.push('');
  }
  return out;
}

/** The whole report as Markdown. */
export function renderMarkdown(model: EgressReportModel): string {
  const { firewalls, clusters, tenants } = model;
  const limited = model.selected.length < model.stacks.length;
  const azure = firewalls.filter((f) => f.cloud === 'azure').length;
  const aws = firewalls.filter((f) => f.cloud === 'aws').length;
  const unnamed = tenants.filter((t) => t.named.length === 0);
  const warnings = clusters.flatMap((c) => c.paths.filter((p) => p.steps.some((s) => s.warning)).map(() => c.name));
  const lines: string[] = [
    `# Egress review of ${code(model.dir)}`,
    '',
    `${limited ? `Stacks ${model.selected.map(code).join(', ')} of ${model.stacks.length} in the output (the others are read for cross-stack references and tenants' rules)`
      : `Stacks: ${model.selected.map(code).join(', ')}`}. Generated by \`cdktf-kubernetes-egress report\` from the synthesized JSON; `
      + 'values in _italics_ are references Terraform resolves at deploy time, named by what they point at.',
    '',
    '## Summary',
    '',
    ...table(['', ''], [
      ['Firewalls', firewalls.length === 0 ? 'none' : `${firewalls.length} (${[azure > 0 ? `${azure} Azure Firewall` : '', aws > 0 ? `${aws} AWS Network Firewall` : ''].filter(Boolean).join(', ')}), `
        + `${plural(firewalls.reduce((n, f) => n + f.collections.length, 0), 'rule collection')}`],
      ['Egress tenants', tenants.length === 0 ? 'none' : `${tenants.length}${unnamed.length > 0 ? `; ⚠️ ${unnamed.length} whose range no firewall rule names: ${unnamed.map((t) => md(t.name)).join(', ')}` : '; every range is named by a firewall rule'}`],
      ['Clusters', clusters.length === 0 ? 'none' : `${clusters.length}${warnings.length > 0 ? `; ⚠️ paths with a problem: ${[...new Set(warnings)].map(md).join(', ')}` : ''}`],
    ]),
    '',
    '## Topology',
    '',
  ];
  if (model.groups.length === 0) lines.push('Nothing to draw.', '');
  for (const group of model.groups) {
    const shownStacks = group.filter((s) => model.selected.includes(s));
    lines.push(`### ${shownStacks.map(code).join(', ')}`, '', '```mermaid', renderMermaid(model, group).trimEnd(), '```', '');
  }
  lines.push('## Egress tenants', '');
  if (tenants.length === 0) lines.push('No Calico EgressGateway in these stacks.', '');
  else {
    lines.push(...table(['tenant', 'stack', 'egress range', 'gateway', 'cluster', 'rules naming the range', 'leaves through'], tenants.map((t) => [
      md(t.name), code(t.stack), ranges(t), code(`${t.namespace}/${t.gateway}`), clusterName(t),
      t.named.length > 0 ? String(t.named.length) : '⚠️ none', t.cluster ? md(t.cluster.leavesThrough) : 'its cluster is not linked',
    ])), '');
    for (const t of tenants) lines.push(...tenantSection(t));
  }
  lines.push('## Clusters', '');
  if (clusters.length === 0) lines.push('No Kubernetes cluster in these stacks.', '');
  else {
    lines.push(...table(['cluster', 'stack', 'kind', 'outbound type', 'nodes', 'leaves through'],
      clusters.map((c) => [md(c.name), code(c.stack), c.kind, md(c.outboundType), c.nodes.map(md).join('<br>'), md(c.leavesThrough)])), '');
    for (const c of clusters) lines.push(...clusterSection(c));
  }
  lines.push('## Firewalls', '');
  if (firewalls.length === 0) lines.push('No firewall in these stacks.', '');
  for (const fw of firewalls) lines.push(...firewallSection(fw));
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
