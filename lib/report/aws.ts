import { JsonObject } from './input';
import { ModelBuilder, block, blocks, byText, leaves, list, parseRange } from './builder';
import {
  ClusterView, EgressPath, FirewallRule, FirewallView, PathStep, RuleCollectionView, RuleSource, SubnetView,
} from './model';
import { TfNode, displayName, isLiteral, nodeKey, sameNode } from './terraform';

/**
 * AWS: VPCs and subnets, Network Firewall (policies, stateless and stateful rule groups, domain
 * lists, Suricata rules), Transit Gateways with their attachments, route tables and Connect peers,
 * and Kubernetes nodes (EKS, or the nodes a Connect attachment peers with) with the path their
 * traffic takes out, route table by route table.
 */

/** VPCs and subnets. */
export function awsNetworks(b: ModelBuilder): void {
  const { ix } = b;
  const extra = ix.resources('aws_vpc_ipv4_cidr_block_association');
  for (const s of ix.resources('aws_subnet')) {
    const vpc = ix.target(s.stack, s.config.vpc_id, 'aws_vpc');
    const cidr = parseRange(String(s.config.cidr_block ?? ''));
    const zone = isLiteral(s.config.availability_zone) ? s.config.availability_zone : undefined;
    b.subnets.set(nodeKey(s), {
      key: nodeKey(s), stack: s.stack, name: displayName(s), cidrs: cidr ? [cidr] : [],
      ...(zone ? { zone } : {}), ...(vpc ? { networkKey: nodeKey(vpc) } : {}),
    });
  }
  for (const v of ix.resources('aws_vpc')) {
    const key = nodeKey(v);
    const cidrs = [v.config.cidr_block, ...extra.filter((e) => sameNode(ix.target(e.stack, e.config.vpc_id, 'aws_vpc'), v)).map((e) => e.config.cidr_block)]
      .filter((c) => c !== undefined).map((c) => ix.show(v.stack, c).text);
    b.networks.push({
      key, stack: v.stack, cloud: 'aws', kind: 'VPC', name: displayName(v), cidrs,
      subnets: [...b.subnets.values()].filter((s) => s.networkKey === key).sort(byText((s) => s.name)),
    });
  }
}

interface IpSets {
  readonly [key: string]: readonly string[];
}

function ipSets(value: unknown): IpSets {
  const out: { [key: string]: string[] } = {};
  for (const v of blocks(value)) {
    if (typeof v.key === 'string') out[v.key] = list(block(v.ip_set).definition);
  }
  return out;
}

/** A Network Firewall address (a CIDR, ANY, a $VARIABLE or a [list]) as rule sources. */
function awsSources(b: ModelBuilder, stack: string, value: unknown, vars: IpSets): RuleSource[] {
  const text = String(value ?? 'ANY').trim();
  const items = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1).split(',').map((x) => x.trim()) : [text];
  return items.flatMap((item): RuleSource[] => {
    if (item.startsWith('$') && vars[item.slice(1)]) {
      return vars[item.slice(1)].map((d) => {
        const s = b.source(stack, d);
        return { ...s, shown: { text: `${s.shown.text} (${item})`, deferred: s.shown.deferred } };
      });
    }
    if (item.startsWith('!') || item.startsWith('$')) return [{ kind: 'other', shown: { text: item, deferred: false } }];
    return [b.source(stack, item)];
  });
}

const PROTOCOL_NUMBERS: { readonly [n: string]: string } = { 1: 'ICMP', 6: 'TCP', 17: 'UDP' };

function portRanges(value: unknown): string {
  const ranges = blocks(value).map((p) => (p.from_port === p.to_port ? String(p.from_port) : `${p.from_port}-${p.to_port}`));
  return ranges.length > 0 ? ranges.join(', ') : 'ANY';
}

function message(options: unknown): string | undefined {
  const msg = blocks(options).find((o) => o.keyword === 'msg');
  const text = msg ? list(msg.settings)[0] : undefined;
  return text?.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1');
}

interface AwsGroup {
  readonly kind: string;
  readonly action?: string;
  readonly rules: FirewallRule[];
  readonly note?: string;
}

const SURICATA = /^(\w+)\s+(\S+)\s+(\[[^\]]*\]|\S+)\s+(\[[^\]]*\]|\S+)\s+(->|<>)\s+(\[[^\]]*\]|\S+)\s+(\[[^\]]*\]|\S+)\s*\((.*)\)\s*$/;

function suricataRules(b: ModelBuilder, stack: string, text: string, vars: IpSets): FirewallRule[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((line, i) => {
    const m = SURICATA.exec(line);
    if (!m) return { name: `line ${i + 1}`, action: 'see rule', sources: [], destinations: [{ text: line, deferred: false }], services: [] };
    const [, action, protocol, src, , , dst, dport, options] = m;
    const msg = /msg\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(options)?.[1];
    const names = [...options.matchAll(/content\s*:\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]);
    const byName = /\b(tls\.sni|http\.host)\b/.test(options);
    return {
      name: msg ?? `line ${i + 1}`,
      action: action.toUpperCase(),
      sources: awsSources(b, stack, src, vars),
      destinations: [
        ...awsSources(b, stack, dst, vars).map((s) => s.shown),
        ...(byName ? names.map((n) => ({ text: n, deferred: false })) : []),
      ],
      services: [{ text: `${protocol.toUpperCase()} ${dport}`, deferred: false }],
    };
  });
}

function ruleGroup(b: ModelBuilder, group: TfNode, homeNet: IpSets): AwsGroup {
  const { stack } = group;
  const rg = block(group.config.rule_group);
  const vars: IpSets = { ...homeNet, ...ipSets(block(rg.rule_variables).ip_sets) };
  const source = block(rg.rules_source);
  const stateful = blocks(source.stateful_rule);
  if (stateful.length > 0) {
    return {
      kind: 'stateful',
      rules: stateful.map((r, i) => {
        const h = block(r.header);
        const dport = String(h.destination_port ?? 'ANY');
        return {
          name: message(r.rule_option) ?? `rule ${i + 1}`,
          action: String(r.action ?? ''),
          sources: awsSources(b, stack, h.source, vars),
          destinations: awsSources(b, stack, h.destination, vars).map((s) => s.shown),
          services: [{ text: `${String(h.protocol ?? 'IP')} ${dport}${h.direction === 'ANY' ? ' (both directions)' : ''}`, deferred: false }],
        };
      }),
    };
  }
  const domains = block(source.rules_source_list);
  if (Object.keys(domains).length > 0) {
    const allow = domains.generated_rules_type === 'ALLOWLIST';
    const types = list(domains.target_types).map((t) => (t === 'TLS_SNI' ? 'HTTPS (TLS SNI)' : t === 'HTTP_HOST' ? 'HTTP (Host header)' : t));
    return {
      kind: 'domain list',
      action: allow ? 'ALLOWLIST' : 'DENYLIST',
      rules: [{
        name: allow ? 'listed domains pass, other domains over these protocols are dropped' : 'listed domains are dropped',
        action: allow ? 'PASS' : 'DROP',
        sources: (vars.HOME_NET ?? ['0.0.0.0/0']).map((d) => b.source(stack, d)),
        destinations: b.shownList(stack, domains.targets),
        services: types.map((t) => ({ text: t, deferred: false })),
      }],
    };
  }
  const rulesString = source.rules_string ?? group.config.rules;
  if (typeof rulesString === 'string') {
    const shown = b.ix.show(stack, rulesString);
    if (shown.deferred) return { kind: 'Suricata', rules: [], note: `rules from ${shown.text}` };
    return { kind: 'Suricata', rules: suricataRules(b, stack, rulesString, vars) };
  }
  const stateless = blocks(block(source.stateless_rules_and_custom_actions).stateless_rule);
  if (stateless.length > 0) {
    return {
      kind: 'stateless',
      rules: [...stateless].sort((x, y) => Number(x.priority) - Number(y.priority)).map((r) => {
        const def = block(r.rule_definition);
        const match = block(def.match_attributes);
        const protocols = list(match.protocols).map((p) => PROTOCOL_NUMBERS[p] ?? `protocol ${p}`);
        return {
          name: `priority ${String(r.priority)}`,
          action: list(def.actions).join(', '),
          sources: blocks(match.source).flatMap((s) => awsSources(b, stack, s.address_definition, vars)),
          destinations: blocks(match.destination).map((d) => b.ix.show(stack, d.address_definition)),
          services: [{ text: `${protocols.join('/') || 'any protocol'} ${portRanges(match.destination_port)}`, deferred: false }],
        };
      }),
    };
  }
  return { kind: String(group.config.type ?? 'rule group').toLowerCase(), rules: [], note: 'no rules in the output' };
}

/** AWS Network Firewalls with their rule groups in evaluation order. */
export function awsFirewalls(b: ModelBuilder): void {
  const { ix } = b;
  for (const fw of ix.resources('aws_networkfirewall_firewall')) {
    const vpc = ix.target(fw.stack, fw.config.vpc_id, 'aws_vpc');
    const subnets = blocks(fw.config.subnet_mapping).map((m) => b.subnet(ix.target(fw.stack, m.subnet_id, 'aws_subnet')))
      .filter((s): s is SubnetView => s !== undefined);
    const policy = ix.target(fw.stack, fw.config.firewall_policy_arn, 'aws_networkfirewall_firewall_policy');
    const fp = block(policy?.config.firewall_policy);
    const strict = block(fp.stateful_engine_options).rule_order === 'STRICT_ORDER';
    const policyVars = ipSets(block(fp.policy_variables).rule_variables);
    const vpcCidr = vpc && isLiteral(vpc.config.cidr_block) ? [vpc.config.cidr_block] : [];
    const homeNet: IpSets = { HOME_NET: policyVars.HOME_NET ?? vpcCidr, ...policyVars };
    const collections: RuleCollectionView[] = [];
    const add = (kind: 'stateless' | 'stateful', refs: JsonObject[]): void => {
      for (const ref of refs) {
        const group = ix.target(policy!.stack, ref.resource_arn, 'aws_networkfirewall_rule_group');
        const priority = typeof ref.priority === 'number' ? ref.priority : undefined;
        const base = { position: collections.length + 1, ...(priority !== undefined ? { priority } : {}) };
        if (!group) {
          const arn = ix.show(policy!.stack, ref.resource_arn);
          const managed = !arn.deferred && /aws-managed/.test(arn.text);
          collections.push({
            ...base, kind: managed ? `${kind}, AWS managed` : kind, name: arn.text.split('/').pop() ?? arn.text, rules: [],
            note: managed ? 'an AWS managed rule group: its rules are not in the output' : 'a rule group not in the output',
          });
          continue;
        }
        b.link(group.stack, fw.stack);
        const g = ruleGroup(b, group, homeNet);
        collections.push({
          ...base, kind: g.kind === 'stateful' || g.kind === 'stateless' ? g.kind : `${kind}, ${g.kind}`, name: displayName(group),
          ...(g.action ? { action: g.action } : {}), rules: g.rules, ...(g.note ? { note: g.note } : {}),
        });
      }
    };
    if (policy) {
      b.link(policy.stack, fw.stack);
      const byPriority = (x: JsonObject, y: JsonObject): number => Number(x.priority ?? 0) - Number(y.priority ?? 0);
      add('stateless', [...blocks(fp.stateless_rule_group_reference)].sort(byPriority));
      const statefulRefs = blocks(fp.stateful_rule_group_reference);
      add('stateful', strict ? [...statefulRefs].sort(byPriority) : [...statefulRefs].sort(byText((r) => String(r.resource_arn))));
    }
    const defaults = list(fp.stateful_default_actions);
    const settings = [
      `stateless default actions: ${list(fp.stateless_default_actions).join(', ') || 'none'}`,
      `stateful rule order: ${strict ? 'STRICT_ORDER' : 'DEFAULT_ACTION_ORDER'}`,
      `HOME_NET: ${homeNet.HOME_NET.join(', ') || 'the VPC\'s range'}${policyVars.HOME_NET ? '' : ' (the firewall VPC\'s range, Network Firewall\'s default)'}`,
    ];
    if (fw.config.delete_protection === false) settings.push('delete protection off');
    const order = strict
      ? 'Stateless rule groups first, by priority; what they forward goes to the stateful engine, which evaluates its rule groups in strict order, '
        + 'by priority, lowest first, and each group\'s rules in the order listed. The first PASS, DROP or REJECT that matches decides; ALERT logs and carries on.'
      : 'Stateless rule groups first, by priority; then every stateful PASS rule, then DROP, REJECT and ALERT, whatever their group (default action order).';
    const key = nodeKey(fw);
    const view: FirewallView = {
      key, stack: fw.stack, cloud: 'aws', name: displayName(fw), product: 'AWS Network Firewall',
      ruleFormat: policy ? `firewall policy ${displayName(policy)}` : 'no firewall policy in the output',
      ...(vpc ? { networkKey: nodeKey(vpc) } : {}),
      location: `${vpc ? displayName(vpc) : 'a VPC not in the output'}, endpoints in ${subnets.map((s) => `${s.name}${s.zone ? ` (${s.zone})` : ''}`).join(', ') || 'no subnet'}`,
      publicIps: [], settings, order,
      unmatched: strict
        ? (defaults.length > 0 ? `stateful default actions ${defaults.join(', ')}` : 'passed: no stateful default action')
        : 'passed: default action order passes what no rule drops',
      collections,
    };
    b.firewalls.push(view);
    b.addNode({
      key, stack: fw.stack, shape: 'firewall', ...(view.networkKey ? { networkKey: view.networkKey } : {}),
      label: `AWS Network Firewall ${view.name}<br/>${collections.length} rule group${collections.length === 1 ? '' : 's'}`,
    });
  }
}

function attachmentName(node: TfNode): string {
  const tags = node.config.tags as JsonObject | undefined;
  return tags && isLiteral(tags.Name) ? tags.Name : node.name;
}

/** The transit gateway route table an attachment is associated with. */
function associatedTable(b: ModelBuilder, attachment: TfNode): TfNode | undefined {
  for (const a of b.ix.resources('aws_ec2_transit_gateway_route_table_association')) {
    if (sameNode(b.ix.targets(a.stack, a.config.transit_gateway_attachment_id)[0], attachment)) {
      return b.ix.target(a.stack, a.config.transit_gateway_route_table_id, 'aws_ec2_transit_gateway_route_table');
    }
  }
  return undefined;
}

/** Transit gateways, VPC attachments (as edges) and the route tables they are associated with. */
export function awsTransitGateways(b: ModelBuilder): void {
  const { ix } = b;
  for (const tgw of ix.resources('aws_ec2_transit_gateway')) {
    const asn = tgw.config.amazon_side_asn ?? 64512;
    b.addNode({ key: nodeKey(tgw), stack: tgw.stack, shape: 'hub', label: `Transit Gateway ${displayName(tgw)}<br/>AS ${String(asn)}` });
  }
  for (const a of ix.resources('aws_ec2_transit_gateway_vpc_attachment')) {
    const tgw = ix.target(a.stack, a.config.transit_gateway_id, 'aws_ec2_transit_gateway');
    const vpc = ix.target(a.stack, a.config.vpc_id, 'aws_vpc');
    if (!tgw || !vpc) continue;
    const table = associatedTable(b, a);
    const appliance = a.config.appliance_mode_support === 'enable' ? ', appliance mode' : '';
    b.addEdge({
      from: nodeKey(vpc), to: nodeKey(tgw), style: 'peering',
      label: `${attachmentName(a)}${appliance}<br/>${table ? `route table ${displayName(table)}` : 'no route table'}`,
    });
  }
}

/** `destination-vpc (10.0.0.0/16)` or what a Connect attachment learns. */
function propagated(b: ModelBuilder, attachment: TfNode): string {
  if (attachment.type === 'aws_ec2_transit_gateway_connect') return `ranges learned over BGP from Connect ${attachmentName(attachment)}`;
  const vpc = b.ix.target(attachment.stack, attachment.config.vpc_id, 'aws_vpc');
  const net = vpc ? b.network(nodeKey(vpc)) : undefined;
  return net ? `${net.name} (${net.cidrs.join(', ')})` : attachmentName(attachment);
}

interface Here {
  readonly subnet: TfNode;
  readonly zone?: string;
}

function routeTableOfSubnet(b: ModelBuilder, subnet: TfNode): TfNode | undefined {
  const { ix } = b;
  for (const a of ix.resources('aws_route_table_association')) {
    if (sameNode(ix.target(a.stack, a.config.subnet_id, 'aws_subnet'), subnet)) return ix.target(a.stack, a.config.route_table_id, 'aws_route_table');
  }
  const vpc = ix.target(subnet.stack, subnet.config.vpc_id, 'aws_vpc');
  for (const a of ix.resources('aws_main_route_table_association')) {
    if (sameNode(ix.target(a.stack, a.config.vpc_id, 'aws_vpc'), vpc)) return ix.target(a.stack, a.config.route_table_id, 'aws_route_table');
  }
  return undefined;
}

interface AwsRoute {
  readonly destination: string;
  readonly stack: string;
  readonly config: JsonObject;
}

function routesOfTable(b: ModelBuilder, table: TfNode): AwsRoute[] {
  const { ix } = b;
  const routes: AwsRoute[] = blocks(table.config.route).map((r) => ({ destination: String(r.cidr_block ?? ''), stack: table.stack, config: r }));
  for (const r of ix.resources('aws_route')) {
    if (sameNode(ix.target(r.stack, r.config.route_table_id, 'aws_route_table'), table)) {
      routes.push({ destination: ix.show(r.stack, r.config.destination_cidr_block ?? r.config.destination_ipv6_cidr_block).text, stack: r.stack, config: r.config });
    }
  }
  return routes.sort(byText((r) => r.destination));
}

function routeTarget(b: ModelBuilder, r: AwsRoute): string {
  const c = r.config;
  const value = c.transit_gateway_id ?? c.vpc_endpoint_id ?? c.gateway_id ?? c.nat_gateway_id ?? c.network_interface_id ?? c.vpc_peering_connection_id;
  return b.ix.show(r.stack, value).text;
}

/** The path out of one node subnet, route table by route table. */
function awsPath(b: ModelBuilder, start: TfNode, members = 'nodes'): EgressPath {
  const { ix } = b;
  const from = b.subnetLabel(b.subnet(start));
  const steps: PathStep[] = [{ text: `${members} in ${from}` }];
  const crossed: FirewallView[] = [];
  const stop = (text: string, summary: string, warning = false): EgressPath =>
    ({ from, steps: [...steps, { text, ...(warning ? { warning } : {}) }], summary });
  const prefix = (): string => (crossed.length > 0 ? `firewall ${crossed.map((f) => f.name).join(' then ')}, then ` : '');
  let here: Here = { subnet: start, ...(b.subnet(start)?.zone ? { zone: b.subnet(start)!.zone } : {}) };
  let edge: string | undefined;
  for (let hop = 0; hop < 12; hop++) {
    const table = routeTableOfSubnet(b, here.subnet);
    if (!table) return stop(`subnet ${displayName(here.subnet)} uses its VPC's main route table, which the output does not hold: local routes only`, `${prefix()}local routes only`);
    const tableName = displayName(table);
    const routes = routesOfTable(b, table);
    const dflt = routes.find((r) => r.destination === '0.0.0.0/0');
    if (!dflt) {
      const others = routes.map((r) => `${r.destination} → ${routeTarget(b, r)}`);
      return stop(`route table ${tableName} has no 0.0.0.0/0 route${others.length > 0 ? ` (it holds ${others.join(', ')})` : ''}: only the VPC's own range is reachable`,
        `${prefix()}no route out of the VPC`);
    }
    const c = dflt.config;
    const tgw = ix.target(dflt.stack, c.transit_gateway_id, 'aws_ec2_transit_gateway');
    const endpoint = ix.references(dflt.stack, c.vpc_endpoint_id).find((r) => r.target?.type === 'aws_networkfirewall_firewall');
    const igw = ix.target(dflt.stack, c.gateway_id, 'aws_internet_gateway');
    const nat = ix.target(dflt.stack, c.nat_gateway_id, 'aws_nat_gateway');
    if (tgw) {
      steps.push({ text: `route table ${tableName}: 0.0.0.0/0 → transit gateway ${displayName(tgw)}`, node: nodeKey(tgw), edge: edge ?? '0.0.0.0/0' });
      edge = undefined;
      const vpc = ix.target(here.subnet.stack, here.subnet.config.vpc_id, 'aws_vpc');
      const attachment = ix.resources('aws_ec2_transit_gateway_vpc_attachment').find((a) =>
        sameNode(ix.target(a.stack, a.config.vpc_id, 'aws_vpc'), vpc) && sameNode(ix.target(a.stack, a.config.transit_gateway_id, 'aws_ec2_transit_gateway'), tgw));
      if (!attachment) return stop(`the VPC is not attached to transit gateway ${displayName(tgw)} in the output: the traffic is dropped`, `${prefix()}dropped`, true);
      const tgwTable = associatedTable(b, attachment);
      if (!tgwTable) {
        return stop(`attachment ${attachmentName(attachment)} is associated with no transit gateway route table in the output: the traffic is dropped`, `${prefix()}dropped`, true);
      }
      const tgwRoutes = ix.resources('aws_ec2_transit_gateway_route').filter((r) => sameNode(ix.target(r.stack, r.config.transit_gateway_route_table_id, 'aws_ec2_transit_gateway_route_table'), tgwTable));
      const tdflt = tgwRoutes.find((r) => r.config.destination_cidr_block === '0.0.0.0/0');
      const tableLabel = `transit gateway route table ${displayName(tgwTable)} (associated with attachment ${attachmentName(attachment)})`;
      if (!tdflt) {
        const reach = [
          ...tgwRoutes.map((r) => `${String(r.config.destination_cidr_block)} → ${r.config.blackhole === true ? 'blackhole' : attachmentName(ix.targets(r.stack, r.config.transit_gateway_attachment_id)[0] ?? r)}`),
          ...ix.resources('aws_ec2_transit_gateway_route_table_propagation')
            .filter((p) => sameNode(ix.target(p.stack, p.config.transit_gateway_route_table_id, 'aws_ec2_transit_gateway_route_table'), tgwTable))
            .map((p) => ix.targets(p.stack, p.config.transit_gateway_attachment_id)[0]).filter((a): a is TfNode => a !== undefined)
            .map((a) => propagated(b, a)).sort((x, y) => Number(x.startsWith('ranges learned')) - Number(y.startsWith('ranges learned')) || (x < y ? -1 : x > y ? 1 : 0)),
        ];
        const reaches = reach.length > 0 ? reach.join(', ') : 'nothing';
        return stop(`${tableLabel} has no 0.0.0.0/0 route: it reaches ${reaches}; traffic to anything else is dropped`,
          `${prefix()}${reaches}; no route to the Internet`);
      }
      if (tdflt.config.blackhole === true) return stop(`${tableLabel}: 0.0.0.0/0 → blackhole: dropped`, `${prefix()}dropped (blackhole)`);
      const next = ix.targets(tdflt.stack, tdflt.config.transit_gateway_attachment_id)[0];
      if (!next || next.type !== 'aws_ec2_transit_gateway_vpc_attachment') {
        return stop(`${tableLabel}: 0.0.0.0/0 → ${next ? `${next.type.replace(/^aws_ec2_transit_gateway_/, '').replace(/_/g, ' ')} ${attachmentName(next)}` : ix.show(tdflt.stack, tdflt.config.transit_gateway_attachment_id).text}`,
          `${prefix()}${next ? attachmentName(next) : 'an attachment not in the output'}`);
      }
      const nextVpc = ix.target(next.stack, next.config.vpc_id, 'aws_vpc');
      const subnets = list(next.config.subnet_ids).map((id) => ix.target(next.stack, id, 'aws_subnet')).filter((s): s is TfNode => s !== undefined);
      const same = subnets.find((s) => b.subnet(s)?.zone === here.zone) ?? subnets[0];
      const appliance = next.config.appliance_mode_support === 'enable' ? ', appliance mode: one zone per flow' : '';
      steps.push({ text: `${tableLabel}: 0.0.0.0/0 → attachment ${attachmentName(next)} (VPC ${nextVpc ? displayName(nextVpc) : 'not in the output'}${appliance})` });
      if (!same) return stop(`attachment ${attachmentName(next)} has no subnet in the output`, `${prefix()}${attachmentName(next)}`, true);
      edge = `${displayName(tgwTable)}: 0.0.0.0/0`;
      here = { subnet: same, ...(b.subnet(same)?.zone ? { zone: b.subnet(same)!.zone } : {}) };
      continue;
    }
    if (endpoint?.target) {
      const fw = b.firewalls.find((f) => f.key === nodeKey(endpoint.target!));
      const zone = endpoint.keys[0] ?? here.zone;
      if (!fw) return stop(`route table ${tableName}: 0.0.0.0/0 → a firewall endpoint`, `${prefix()}a firewall endpoint`);
      if (crossed.includes(fw)) return stop(`firewall ${fw.name} again: a routing loop`, `${prefix()}a routing loop`, true);
      crossed.push(fw);
      steps.push({ text: `route table ${tableName}: 0.0.0.0/0 → endpoint of firewall ${fw.name}${zone ? ` in ${zone}` : ''}`, node: fw.key, edge: edge ?? '0.0.0.0/0' });
      edge = undefined;
      const fwSubnets = blocks(endpoint.target.config.subnet_mapping).map((m) => ix.target(endpoint.target!.stack, m.subnet_id, 'aws_subnet')).filter((s): s is TfNode => s !== undefined);
      const fwSubnet = fwSubnets.find((s) => b.subnet(s)?.zone === zone) ?? fwSubnets[0];
      if (!fwSubnet) return stop(`firewall ${fw.name} has no subnet in the output`, `${prefix()}nowhere`, true);
      steps.push({ text: `firewall ${fw.name} inspects (${fw.collections.length} rule group${fw.collections.length === 1 ? '' : 's'}); what it passes leaves by subnet ${displayName(fwSubnet)}` });
      here = { subnet: fwSubnet, ...(zone ? { zone } : {}) };
      continue;
    }
    if (igw) {
      steps.push({ text: `route table ${tableName}: 0.0.0.0/0 → Internet gateway ${displayName(igw)}` });
      steps.push({ text: 'Internet (instances need a public IP; private addresses do not leave through an Internet gateway)', node: 'internet', edge: edge ?? `Internet gateway ${displayName(igw)}` });
      return { from, steps, summary: `${prefix()}the Internet through Internet gateway ${displayName(igw)}` };
    }
    if (nat) {
      const natSubnet = ix.target(nat.stack, nat.config.subnet_id, 'aws_subnet');
      const natNet = b.subnet(natSubnet)?.networkKey;
      b.addNode({ key: nodeKey(nat), stack: nat.stack, shape: 'gateway', label: `NAT gateway ${displayName(nat)}`, ...(natNet ? { networkKey: natNet } : {}) });
      steps.push({ text: `route table ${tableName}: 0.0.0.0/0 → NAT gateway ${displayName(nat)}`, node: nodeKey(nat), edge: edge ?? '0.0.0.0/0' });
      edge = 'SNAT';
      if (!natSubnet) return stop(`NAT gateway ${displayName(nat)} is in a subnet not in the output`, `${prefix()}NAT gateway ${displayName(nat)}`);
      here = { subnet: natSubnet, ...(here.zone ? { zone: here.zone } : {}) };
      continue;
    }
    return stop(`route table ${tableName}: 0.0.0.0/0 → ${routeTarget(b, dflt)}`, `${prefix()}${routeTarget(b, dflt)}`);
  }
  return stop('more than 12 hops: stopped', 'a path longer than 12 hops', true);
}

/** Adds a cluster (or a group of its nodes) whose traffic leaves from `subnetNodes`, with a path out of each subnet. */
export function pushAwsCluster(
  b: ModelBuilder, key: string, stack: string, name: string, kind: string, label: string, outboundType: string,
  subnetNodes: TfNode[], nodes: string[], nodeAddresses: string[], members = 'nodes',
): ClusterView {
  const sorted = [...subnetNodes].sort(byText((s) => displayName(s)));
  const paths = sorted.map((s) => awsPath(b, s, members));
  const subnets = sorted.map((s) => b.subnet(s)).filter((s): s is SubnetView => s !== undefined);
  const networkKey = subnets.find((s) => s.networkKey)?.networkKey;
  const firewallKeys = [...new Set(paths.flatMap((p) => p.steps.map((s) => s.node).filter((n): n is string => b.firewalls.some((f) => f.key === n))))].sort();
  const view: ClusterView = {
    key, stack, cloud: 'aws', name, kind, outboundType, nodes, ...(networkKey ? { networkKey } : {}),
    subnetKeys: subnets.map((s) => s.key), nodeAddresses, paths, firewallKeys, leavesThrough: leaves(paths),
  };
  b.clusters.push(view);
  b.addNode({ key, stack, shape: 'cluster', label, ...(networkKey ? { networkKey } : {}) });
  return view;
}

/** EKS clusters, or the Kubernetes nodes Connect attachments peer with, and their paths. */
export function awsClusters(b: ModelBuilder): void {
  const { ix } = b;
  const push = (key: string, stack: string, name: string, kind: string, label: string, outboundType: string, subnetNodes: TfNode[], nodes: string[], nodeAddresses: string[]): ClusterView =>
    pushAwsCluster(b, key, stack, name, kind, label, outboundType, subnetNodes, nodes, nodeAddresses);
  const eksSubnets: string[] = [];
  for (const eks of ix.resources('aws_eks_cluster')) {
    const subnetNodes: TfNode[] = [];
    const add = (stack: string, ids: unknown): void => {
      for (const id of list(ids)) {
        const s = ix.target(stack, id, 'aws_subnet');
        if (s && !subnetNodes.some((x) => sameNode(x, s))) subnetNodes.push(s);
      }
    };
    add(eks.stack, block(eks.config.vpc_config).subnet_ids);
    for (const ng of ix.resources('aws_eks_node_group')) {
      if (sameNode(ix.target(ng.stack, ng.config.cluster_name, 'aws_eks_cluster'), eks)) add(ng.stack, ng.config.subnet_ids);
    }
    subnetNodes.forEach((s) => eksSubnets.push(nodeKey(s)));
    push(nodeKey(eks), eks.stack, displayName(eks), 'EKS', `EKS ${displayName(eks)}`, 'VPC route tables (EKS has no outbound type)', subnetNodes,
      subnetNodes.map((s) => b.subnetLabel(b.subnet(s))), []);
  }
  const peers = ix.resources('aws_ec2_transit_gateway_connect_peer');
  for (const connect of ix.resources('aws_ec2_transit_gateway_connect')) {
    const tgw = ix.target(connect.stack, connect.config.transit_gateway_id, 'aws_ec2_transit_gateway');
    const mine = peers.filter((p) => sameNode(ix.targets(p.stack, p.config.transit_gateway_attachment_id)[0], connect));
    const addresses = mine.map((p) => p.config.peer_address).filter(isLiteral);
    const subnetNodes: TfNode[] = [];
    const nodes: string[] = [];
    for (const p of mine) {
      const address = isLiteral(p.config.peer_address) ? p.config.peer_address : undefined;
      const found = address ? b.subnetsContaining(address) : [];
      for (const s of found) {
        const node = ix.resources('aws_subnet').find((n) => nodeKey(n) === s.key);
        if (node && !subnetNodes.some((x) => sameNode(x, node))) subnetNodes.push(node);
      }
      nodes.push(`${displayName(p)} ${address ?? ix.show(p.stack, p.config.peer_address).text} in ${found.length > 0 ? b.subnetLabel(found[0]) : 'no subnet in the output'}`);
    }
    const eks = b.clusters.find((k) => k.cloud === 'aws' && k.kind === 'EKS' && subnetNodes.some((s) => k.subnetKeys.includes(nodeKey(s))));
    const cluster = eks ?? push(`${nodeKey(connect)}#nodes`, connect.stack, `nodes of Connect ${attachmentName(connect)}`, 'Kubernetes nodes',
      `Kubernetes nodes<br/>peering over Connect ${attachmentName(connect)}`,
      'none: no managed cluster in the output; the subnets\' route tables decide', subnetNodes, nodes, addresses);
    if (tgw) {
      const asns = [...new Set(mine.map((p) => String(p.config.bgp_asn)))].sort();
      b.addEdge({
        from: nodeKey(tgw), to: cluster.key, style: 'bgp',
        label: `BGP over GRE, Connect ${attachmentName(connect)}: AS ${String(tgw.config.amazon_side_asn ?? 64512)} ↔ AS ${asns.join(', ')}`,
      });
    }
  }
}

/** The literal inside CIDRs of Connect peers, with the cluster whose nodes they belong to. */
export function connectInsideRanges(b: ModelBuilder): { readonly cidr: string; readonly clusterKey: string; readonly tgw: string }[] {
  const { ix } = b;
  const out: { cidr: string; clusterKey: string; tgw: string }[] = [];
  for (const p of ix.resources('aws_ec2_transit_gateway_connect_peer')) {
    const connect = ix.targets(p.stack, p.config.transit_gateway_attachment_id)[0];
    if (!connect) continue;
    const tgw = ix.target(connect.stack, connect.config.transit_gateway_id, 'aws_ec2_transit_gateway');
    const address = isLiteral(p.config.peer_address) ? p.config.peer_address : '';
    const cluster = b.clusters.find((k) => k.key === `${nodeKey(connect)}#nodes` || (address && k.nodeAddresses.includes(address)))
      ?? b.clusters.find((k) => b.subnetsContaining(address).some((s) => k.subnetKeys.includes(s.key)));
    if (!cluster) continue;
    for (const cidr of list(p.config.inside_cidr_blocks)) out.push({ cidr, clusterKey: cluster.key, tgw: tgw ? displayName(tgw) : attachmentName(connect) });
  }
  return out;
}

