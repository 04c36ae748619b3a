import { JsonObject } from './input';
import { ModelBuilder, block, blocks, byText, leaves, list, parseRange } from './builder';
import {
  ClusterView, EgressPath, FirewallRule, FirewallView, PathStep, RuleCollectionView, SubnetView,
} from './model';
import { TfNode, displayName, isLiteral, nodeKey, sameNode } from './terraform';

/**
 * Azure: VNets and subnets, peerings, Azure Firewall (classic rule collections and Firewall
 * Policy rule collection groups), route tables, Route Server, NAT gateways and AKS clusters with
 * the path their traffic takes out.
 */

const KIND_ORDER = ['DNAT', 'network', 'application'];

/** Reads VNets and their subnets (separate resources and inline blocks). */
export function azureNetworks(b: ModelBuilder): void {
  const { ix } = b;
  const vnets = ix.resources('azurerm_virtual_network');
  const subnets = ix.resources('azurerm_subnet');
  const vnetOf = (s: TfNode): TfNode | undefined => ix.target(s.stack, s.config.virtual_network_name, 'azurerm_virtual_network')
    ?? vnets.find((v) => v.stack === s.stack && isLiteral(s.config.virtual_network_name) && displayName(v) === s.config.virtual_network_name);
  for (const s of subnets) {
    const vnet = vnetOf(s);
    const cidrs = [...list(s.config.address_prefixes), ...list(s.config.address_prefix)].map(parseRange).filter((c) => c !== undefined);
    b.subnets.set(nodeKey(s), {
      key: nodeKey(s), stack: s.stack, name: displayName(s), cidrs, ...(vnet ? { networkKey: nodeKey(vnet) } : {}),
    });
  }
  for (const v of vnets) {
    const key = nodeKey(v);
    for (const inline of blocks(v.config.subnet)) {
      if (!isLiteral(inline.name)) continue;
      const cidrs = [...list(inline.address_prefixes), ...list(inline.address_prefix)].map(parseRange).filter((c) => c !== undefined);
      b.subnets.set(`${key}/subnet:${inline.name}`, { key: `${key}/subnet:${inline.name}`, stack: v.stack, name: inline.name, cidrs, networkKey: key });
    }
    b.networks.push({
      key, stack: v.stack, cloud: 'azure', kind: 'VNet', name: displayName(v),
      cidrs: list(v.config.address_space).map((c) => ix.show(v.stack, c).text),
      subnets: [...b.subnets.values()].filter((s) => s.networkKey === key).sort(byText((s) => s.name)),
    });
  }
}

/** VNet peerings: one edge per pair of VNets, naming both directions. */
export function azurePeerings(b: ModelBuilder): void {
  const { ix } = b;
  const pairs = new Map<string, { from: string; to: string; names: string[] }>();
  for (const p of ix.resources('azurerm_virtual_network_peering')) {
    const local = ix.target(p.stack, p.config.virtual_network_name, 'azurerm_virtual_network');
    const remote = ix.target(p.stack, p.config.remote_virtual_network_id, 'azurerm_virtual_network');
    if (!local || !remote) continue;
    const [a, c] = [nodeKey(local), nodeKey(remote)].sort();
    const entry = pairs.get(`${a}|${c}`) ?? { from: nodeKey(local), to: nodeKey(remote), names: [] };
    entry.names.push(displayName(p));
    pairs.set(`${a}|${c}`, entry);
    b.link(local.stack, p.stack);
    b.link(remote.stack, p.stack);
  }
  for (const key of [...pairs.keys()].sort()) {
    const e = pairs.get(key)!;
    const label = e.names.length >= 2 ? `peering ${e.names.join(' / ')}` : `peering ${e.names[0]} (one direction only)`;
    b.addEdge({ from: e.from, to: e.to, label, style: 'peering' });
  }
}

/** The label of the peering between two VNets when it goes both ways. */
function peered(b: ModelBuilder, x: string, y: string): string | undefined {
  const edge = b.edges.find((e) => e.style === 'peering' && ((e.from === x && e.to === y) || (e.from === y && e.to === x)));
  return edge && !edge.label.endsWith('(one direction only)') ? edge.label : undefined;
}

function protocolsOf(value: unknown): string {
  const ps = blocks(value).map((p) => `${p.type}:${p.port}`);
  return ps.join(', ');
}

function services(protocols: unknown, ports: unknown): string {
  const ps = list(protocols);
  const pts = list(ports);
  return `${ps.join('/') || 'Any'} ${pts.length > 0 ? pts.join(', ') : '*'}`;
}

function azureRule(b: ModelBuilder, stack: string, kind: string, action: string, rule: JsonObject): FirewallRule {
  const sources = [
    ...list(rule.source_addresses).map((s) => b.source(stack, s)),
    ...b.shownList(stack, rule.source_ip_groups, 'IP group').map((shown) => ({ kind: 'other' as const, shown })),
  ];
  const name = b.ix.show(stack, rule.name).text;
  if (kind === 'network') {
    return {
      name, action, sources,
      destinations: [
        ...b.shownList(stack, rule.destination_addresses),
        ...b.shownList(stack, rule.destination_ip_groups, 'IP group'),
        ...b.shownList(stack, rule.destination_fqdns),
      ],
      services: [{ text: services(rule.protocols, rule.destination_ports), deferred: false }],
    };
  }
  if (kind === 'application') {
    const tags = [...list(rule.fqdn_tags), ...list(rule.destination_fqdn_tags)];
    const protocols = protocolsOf(rule.protocol ?? rule.protocols);
    return {
      name, action, sources,
      destinations: [
        ...b.shownList(stack, rule.target_fqdns),
        ...b.shownList(stack, rule.destination_fqdns),
        ...tags.map((t) => ({ text: t, deferred: false, prefix: 'FQDN tag' })),
        ...b.shownList(stack, rule.destination_urls, 'URL'),
        ...b.shownList(stack, rule.destination_addresses),
        ...b.shownList(stack, rule.web_categories, 'web category'),
      ],
      services: [{ text: protocols || (tags.length > 0 ? 'the FQDN tag\'s protocols' : 'none'), deferred: false }],
    };
  }
  return {
    name, action, sources,
    destinations: [...b.shownList(stack, rule.destination_addresses), ...b.shownList(stack, rule.destination_address)],
    services: [{ text: services(rule.protocols, rule.destination_ports), deferred: false }],
    translated: [b.ix.show(stack, rule.translated_address ?? rule.translated_fqdn), b.ix.show(stack, rule.translated_port)].filter((x) => x.text !== ''),
  };
}

interface PendingCollection {
  readonly kind: string;
  readonly name: string;
  readonly priority?: number;
  readonly action: string;
  readonly rules: FirewallRule[];
  readonly group?: string;
  /** Sort keys after the kind: inheritance depth, group priority, collection priority. */
  readonly sort: number[];
}

const CLASSIC_TYPES: { readonly [type: string]: string } = {
  azurerm_firewall_nat_rule_collection: 'DNAT',
  azurerm_firewall_network_rule_collection: 'network',
  azurerm_firewall_application_rule_collection: 'application',
};

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

function classicCollections(b: ModelBuilder, fw: TfNode): PendingCollection[] {
  const out: PendingCollection[] = [];
  for (const [type, kind] of Object.entries(CLASSIC_TYPES)) {
    for (const c of b.ix.resources(type)) {
      const target = b.ix.target(c.stack, c.config.azure_firewall_name, 'azurerm_firewall');
      const byName = !target && c.stack === fw.stack && isLiteral(c.config.azure_firewall_name) && c.config.azure_firewall_name === displayName(fw);
      if (!sameNode(target, fw) && !byName) continue;
      b.link(c.stack, fw.stack);
      const action = kind === 'DNAT' ? 'DNAT' : String(c.config.action ?? '');
      const priority = num(c.config.priority);
      out.push({
        kind, name: b.ix.show(c.stack, c.config.name).text, ...(priority !== undefined ? { priority } : {}), action,
        rules: blocks(c.config.rule).map((r) => azureRule(b, c.stack, kind, action, r)),
        sort: [0, 0, priority ?? 0],
      });
    }
  }
  return out;
}

/** The policy and its parents, root first. */
function policyChain(b: ModelBuilder, policy: TfNode): TfNode[] {
  const chain = [policy];
  for (let p = policy; chain.length < 10;) {
    const parent = b.ix.target(p.stack, p.config.base_policy_id, 'azurerm_firewall_policy');
    if (!parent || chain.some((x) => sameNode(x, parent))) break;
    chain.unshift(parent);
    p = parent;
  }
  return chain;
}

function policyCollections(b: ModelBuilder, policy: TfNode): PendingCollection[] {
  const out: PendingCollection[] = [];
  policyChain(b, policy).forEach((p, depth) => {
    for (const g of b.ix.resources('azurerm_firewall_policy_rule_collection_group')) {
      if (!sameNode(b.ix.target(g.stack, g.config.firewall_policy_id, 'azurerm_firewall_policy'), p)) continue;
      b.link(g.stack, p.stack);
      out.push(...groupCollections(b, g, depth, sameNode(p, policy) ? '' : `, parent policy ${displayName(p)}`));
    }
  });
  return out;
}

/** The collections of one rule collection group. */
function groupCollections(b: ModelBuilder, g: TfNode, depth: number, suffix: string): PendingCollection[] {
  const out: PendingCollection[] = [];
  const groupPriority = num(g.config.priority) ?? 0;
  const groupName = `${b.ix.show(g.stack, g.config.name).text} (${groupPriority})${suffix}`;
  const kinds: [string, string][] = [['nat_rule_collection', 'DNAT'], ['network_rule_collection', 'network'], ['application_rule_collection', 'application']];
  for (const [field, kind] of kinds) {
    for (const c of blocks(g.config[field])) {
      const action = kind === 'DNAT' ? 'DNAT' : String(c.action ?? '');
      const priority = num(c.priority);
      out.push({
        kind, name: b.ix.show(g.stack, c.name).text, ...(priority !== undefined ? { priority } : {}), action, group: groupName,
        rules: blocks(c.rule).map((r) => azureRule(b, g.stack, kind, action, r)),
        sort: [depth, groupPriority, priority ?? 0],
      });
    }
  }
  return out;
}

/** The firewall an ExistingAzureFirewall names in its groups' Terraform comment (`//`). */
interface ExistingFirewallNote {
  readonly name?: unknown;
  readonly privateIp?: unknown;
  readonly publicIps?: unknown;
}

const POLICY_ID = /\/providers\/Microsoft\.Network\/firewallPolicies\/([^/]+)$/i;

/**
 * Rule collection groups added to a Firewall Policy that is not in the output (one the network team
 * owns): one firewall view per policy, holding only this app's groups. The firewall is the one the
 * groups' `//` comment names (AzureFirewall.fromAttributes writes it), so paths through its private
 * IP reach it.
 */
function existingPolicyFirewalls(b: ModelBuilder): void {
  const byPolicy = new Map<string, TfNode[]>();
  for (const g of b.ix.resources('azurerm_firewall_policy_rule_collection_group')) {
    if (b.ix.target(g.stack, g.config.firewall_policy_id, 'azurerm_firewall_policy')) continue;
    const id = b.ix.show(g.stack, g.config.firewall_policy_id).text;
    byPolicy.set(id, [...(byPolicy.get(id) ?? []), g]);
  }
  for (const [id, groups] of [...byPolicy.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const note = groups.map((g) => block(block(g.config['//'])['cdktf-kubernetes-egress']).existingFirewall as ExistingFirewallNote | undefined)
      .find((n) => n !== undefined) ?? {};
    const policyName = POLICY_ID.exec(id)?.[1] ?? id;
    const name = typeof note.name === 'string' ? note.name : `the firewall using ${policyName}`;
    const stack = groups[0].stack;
    const privateIp = typeof note.privateIp === 'string' ? b.ix.show(stack, note.privateIp) : undefined;
    const publicIps = Array.isArray(note.publicIps) ? note.publicIps.map((ip) => b.ix.show(stack, ip).text) : [];
    const key = `existing-firewall-policy:${id}`;
    const view: FirewallView = {
      key, stack, cloud: 'azure', name, product: 'Azure Firewall',
      ruleFormat: `existing Firewall Policy ${policyName}: only this app's rule collection groups are in the output`,
      location: 'not in the output (an existing firewall)',
      ...(privateIp ? { privateIp } : {}),
      publicIps, settings: [],
      order: 'DNAT collections first, then network, then application, whatever their rule collection group; within a kind by group priority, '
        + 'then collection priority, lowest first. The policy\'s other groups, not in the output, take their places by their own priorities. '
        + 'The first rule that matches decides.',
      unmatched: 'decided by the policy\'s other rule collection groups, not in the output; Azure Firewall denies what no rule allows',
      collections: ordered(groups.flatMap((g) => groupCollections(b, g, 0, ''))),
    };
    b.firewalls.push(view);
    b.addNode({ key, stack, shape: 'firewall', label: `Azure Firewall ${name}<br/>existing policy ${policyName}` });
  }
}

/** The view of an existing firewall (see {@link existingPolicyFirewalls}) whose private IP is `address`. */
function existingFirewallAt(b: ModelBuilder, stack: string, address: unknown): FirewallView | undefined {
  if (!isLiteral(address)) return undefined;
  return b.firewalls.find((f) => f.key.startsWith('existing-firewall-policy:') && f.privateIp?.text === b.ix.show(stack, address).text);
}

function ordered(pending: PendingCollection[]): RuleCollectionView[] {
  const sorted = [...pending].sort((x, y) => {
    const k = KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind);
    if (k !== 0) return k;
    for (let i = 0; i < 3; i++) if (x.sort[i] !== y.sort[i]) return x.sort[i] - y.sort[i];
    return x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
  });
  return sorted.map((c, i) => ({
    position: i + 1, kind: c.kind, name: c.name, ...(c.priority !== undefined ? { priority: c.priority } : {}),
    ...(c.group ? { group: c.group } : {}), action: c.action, rules: c.rules,
  }));
}

function onOff(value: unknown, on: string, off: string, unset: string): string {
  return value === true ? on : value === false ? off : unset;
}

/** Azure Firewalls with their rule collections in evaluation order. */
export function azureFirewalls(b: ModelBuilder): void {
  const { ix } = b;
  for (const fw of ix.resources('azurerm_firewall')) {
    const ipConfigs = blocks(fw.config.ip_configuration);
    const subnetNode = ipConfigs.map((c) => ix.target(fw.stack, c.subnet_id, 'azurerm_subnet')).find((s) => s !== undefined);
    const subnet = b.subnet(subnetNode);
    const publicIps = ipConfigs.flatMap((c) => {
      const ip = ix.target(fw.stack, c.public_ip_address_id, 'azurerm_public_ip');
      return ip ? [displayName(ip)] : c.public_ip_address_id !== undefined ? [ix.show(fw.stack, c.public_ip_address_id).text] : [];
    });
    const policy = ix.target(fw.stack, fw.config.firewall_policy_id, 'azurerm_firewall_policy');
    const settings: string[] = [`SKU ${String(fw.config.sku_name ?? 'AZFW_VNet')} ${String(fw.config.sku_tier ?? '')}`.trim()];
    let pending: PendingCollection[];
    let ruleFormat: string;
    let order: string;
    if (policy) {
      b.link(policy.stack, fw.stack);
      const chain = policyChain(b, policy);
      const dns = block(policy.config.dns);
      settings.push(onOff(dns.proxy_enabled, 'DNS proxy on', 'DNS proxy off', 'DNS proxy off (not set)'));
      settings.push(`threat intelligence ${String(policy.config.threat_intelligence_mode ?? 'Alert')}`);
      pending = policyCollections(b, policy);
      ruleFormat = `Firewall Policy ${displayName(policy)}${chain.length > 1 ? ` (parent ${chain.slice(0, -1).map(displayName).join(', ')})` : ''}`;
      order = 'DNAT collections first, then network, then application, whatever their rule collection group; within a kind by group priority, '
        + `then collection priority, lowest first${chain.length > 1 ? '; a parent policy\'s collections before the policy\'s own' : ''}. `
        + 'The first rule that matches decides.';
    } else {
      settings.push(onOff(fw.config.dns_proxy_enabled, 'DNS proxy on', 'DNS proxy off', 'DNS proxy off (not set)'));
      settings.push(`threat intelligence ${String(fw.config.threat_intel_mode ?? 'Alert')}`);
      pending = classicCollections(b, fw);
      ruleFormat = 'classic rule collections';
      order = 'DNAT collections first, then network, then application; within a kind by priority, lowest first. '
        + 'The first rule that matches decides: a network rule that allows a flow ends its evaluation before any application rule.';
    }
    const key = nodeKey(fw);
    const view: FirewallView = {
      key, stack: fw.stack, cloud: 'azure', name: displayName(fw), product: 'Azure Firewall', ruleFormat,
      ...(subnet?.networkKey ? { networkKey: subnet.networkKey } : {}),
      location: b.subnetLabel(subnet),
      privateIp: { text: 'assigned in the subnet at deploy', deferred: true },
      publicIps, settings, order,
      unmatched: 'denied: Azure Firewall denies what no rule allows',
      collections: ordered(pending),
    };
    b.firewalls.push(view);
    b.addNode({
      key, stack: fw.stack, shape: 'firewall', ...(view.networkKey ? { networkKey: view.networkKey } : {}),
      label: `Azure Firewall ${view.name}<br/>${view.collections.length} rule collection${view.collections.length === 1 ? '' : 's'}`,
    });
  }
  existingPolicyFirewalls(b);
}

/** Route Servers and their BGP connections (drawn once clusters are known). */
export function azureRouteServers(b: ModelBuilder): void {
  const { ix } = b;
  for (const rs of ix.resources('azurerm_route_server')) {
    const subnet = b.subnet(ix.target(rs.stack, rs.config.subnet_id, 'azurerm_subnet'));
    b.addNode({
      key: nodeKey(rs), stack: rs.stack, shape: 'router', ...(subnet?.networkKey ? { networkKey: subnet.networkKey } : {}),
      label: `Route Server ${displayName(rs)}<br/>AS 65515`,
    });
  }
}

/** Edges for Route Server BGP connections whose peer IP is a node of a known cluster. */
export function azureBgpEdges(b: ModelBuilder): void {
  const { ix } = b;
  const sessions = new Map<string, { rs: TfNode; cluster: ClusterView; asns: Set<string>; ips: string[] }>();
  for (const c of ix.resources('azurerm_route_server_bgp_connection')) {
    const rs = ix.target(c.stack, c.config.route_server_id, 'azurerm_route_server');
    if (!rs || !isLiteral(c.config.peer_ip)) continue;
    const subnets = b.subnetsContaining(c.config.peer_ip).map((s) => s.key);
    const cluster = b.clusters.find((k) => k.subnetKeys.some((s) => subnets.includes(s)));
    if (!cluster) continue;
    const key = `${nodeKey(rs)}|${cluster.key}`;
    const entry = sessions.get(key) ?? { rs, cluster, asns: new Set<string>(), ips: [] };
    entry.asns.add(String(c.config.peer_asn));
    entry.ips.push(c.config.peer_ip);
    sessions.set(key, entry);
  }
  for (const key of [...sessions.keys()].sort()) {
    const s = sessions.get(key)!;
    b.addEdge({
      from: nodeKey(s.rs), to: s.cluster.key, style: 'bgp',
      label: `BGP: AS 65515 ↔ AS ${[...s.asns].sort().join(', ')} (${s.ips.sort().join(', ')})`,
    });
  }
}

interface AzureRoute {
  readonly name: string;
  readonly prefix: string;
  readonly nextHopType: string;
  readonly nextHopIp?: unknown;
  readonly stack: string;
}

function routeTableOf(b: ModelBuilder, subnet: TfNode): TfNode | undefined {
  const { ix } = b;
  for (const a of ix.resources('azurerm_subnet_route_table_association')) {
    if (sameNode(ix.target(a.stack, a.config.subnet_id, 'azurerm_subnet'), subnet)) {
      return ix.target(a.stack, a.config.route_table_id, 'azurerm_route_table');
    }
  }
  return ix.target(subnet.stack, subnet.config.route_table_id, 'azurerm_route_table');
}

function routesOf(b: ModelBuilder, table: TfNode): AzureRoute[] {
  const { ix } = b;
  const routes: AzureRoute[] = blocks(table.config.route).map((r) => ({
    name: String(r.name), prefix: ix.show(table.stack, r.address_prefix).text, nextHopType: String(r.next_hop_type),
    nextHopIp: r.next_hop_in_ip_address, stack: table.stack,
  }));
  for (const r of ix.resources('azurerm_route')) {
    const t = ix.target(r.stack, r.config.route_table_name, 'azurerm_route_table');
    const byName = !t && r.stack === table.stack && isLiteral(r.config.route_table_name) && r.config.route_table_name === displayName(table);
    if (!sameNode(t, table) && !byName) continue;
    routes.push({
      name: displayName(r), prefix: ix.show(r.stack, r.config.address_prefix).text, nextHopType: String(r.config.next_hop_type),
      nextHopIp: r.config.next_hop_in_ip_address, stack: r.stack,
    });
  }
  return routes.sort(byText((r) => r.name));
}

function natGatewayOf(b: ModelBuilder, subnet: TfNode): TfNode | undefined {
  const { ix } = b;
  for (const a of ix.resources('azurerm_subnet_nat_gateway_association')) {
    if (sameNode(ix.target(a.stack, a.config.subnet_id, 'azurerm_subnet'), subnet)) return ix.target(a.stack, a.config.nat_gateway_id, 'azurerm_nat_gateway');
  }
  return undefined;
}

function natGatewayIps(b: ModelBuilder, nat: TfNode): string[] {
  const { ix } = b;
  const names: string[] = [];
  for (const a of ix.resources('azurerm_nat_gateway_public_ip_association')) {
    if (!sameNode(ix.target(a.stack, a.config.nat_gateway_id, 'azurerm_nat_gateway'), nat)) continue;
    const ip = ix.target(a.stack, a.config.public_ip_address_id, 'azurerm_public_ip');
    names.push(ip ? `public IP ${displayName(ip)}` : ix.show(a.stack, a.config.public_ip_address_id).text);
  }
  for (const a of ix.resources('azurerm_nat_gateway_public_ip_prefix_association')) {
    if (!sameNode(ix.target(a.stack, a.config.nat_gateway_id, 'azurerm_nat_gateway'), nat)) continue;
    const prefix = ix.target(a.stack, a.config.public_ip_prefix_id, 'azurerm_public_ip_prefix');
    names.push(prefix ? `public IP prefix ${displayName(prefix)}` : ix.show(a.stack, a.config.public_ip_prefix_id).text);
  }
  return names.sort();
}

/** Public IPs a firewall sends from, as a phrase. */
function snatPhrase(fw: FirewallView): string {
  return fw.publicIps.length === 0 ? 'no public IP' : `${fw.publicIps.length === 1 ? 'public IP' : 'public IPs'} ${fw.publicIps.join(', ')}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Steps and summary of a path's end. */
interface PathEnd {
  readonly steps: PathStep[];
  readonly summary: string;
}

/** How an AKS cluster with no appliance on its path reaches the Internet. */
function aksInternet(b: ModelBuilder, cluster: TfNode, outboundType: string, subnet: TfNode | undefined): PathEnd {
  const { ix } = b;
  const profile = block(block(cluster.config.network_profile).load_balancer_profile);
  const natProfile = block(block(cluster.config.network_profile).nat_gateway_profile);
  const nat = subnet ? natGatewayOf(b, subnet) : undefined;
  if (nat) {
    const ips = natGatewayIps(b, nat).join(', ') || 'no public IP';
    const networkKey = b.subnet(subnet)?.networkKey;
    b.addNode({
      key: nodeKey(nat), stack: nat.stack, shape: 'gateway', label: `NAT gateway ${displayName(nat)}<br/>${ips}`,
      ...(networkKey ? { networkKey } : {}),
    });
    return {
      steps: [
        { text: `NAT gateway ${displayName(nat)}, associated with the subnet, translates to ${ips}`, node: nodeKey(nat), edge: 'outbound' },
        { text: 'Internet', node: 'internet', edge: `SNAT ${ips}` },
      ],
      summary: `NAT gateway ${displayName(nat)}, then the Internet with SNAT to ${ips}`,
    };
  }
  switch (outboundType) {
    case 'loadBalancer': {
      const ids = list(profile.outbound_ip_address_ids);
      const prefixes = list(profile.outbound_ip_prefix_ids);
      let from: string;
      if (ids.length > 0) {
        from = ids.map((id) => { const ip = ix.target(cluster.stack, id, 'azurerm_public_ip'); return ip ? `public IP ${displayName(ip)}` : ix.show(cluster.stack, id).text; }).join(', ');
      } else if (prefixes.length > 0) {
        from = prefixes.map((id) => { const p = ix.target(cluster.stack, id, 'azurerm_public_ip_prefix'); return p ? `public IP prefix ${displayName(p)}` : ix.show(cluster.stack, id).text; }).join(', ');
      } else {
        const count = num(profile.managed_outbound_ip_count);
        from = count === undefined ? '1 public IP AKS manages (AKS\'s default)' : `${plural(count, 'public IP')} AKS manages`;
      }
      return {
        steps: [{ text: `the cluster load balancer's outbound rules translate to ${from}; then the Internet`, node: 'internet', edge: `load balancer SNAT: ${from}` }],
        summary: `the Internet through the cluster load balancer, SNAT to ${from}`,
      };
    }
    case 'managedNATGateway': {
      const count = num(natProfile.managed_outbound_ip_count);
      const idle = num(natProfile.idle_timeout_in_minutes);
      const ips = count === undefined ? '1 public IP (AKS\'s default)' : plural(count, 'public IP');
      return {
        steps: [{
          text: `the NAT gateway AKS manages in its VNet translates to ${ips}${idle !== undefined ? ` (idle timeout ${idle} minutes)` : ''}; then the Internet`,
          node: 'internet', edge: `managed NAT gateway: ${ips}`,
        }],
        summary: `the Internet through the NAT gateway AKS manages, SNAT to ${ips}`,
      };
    }
    case 'userAssignedNATGateway':
      return end('no NAT gateway is associated with the node subnet in the output: AKS refuses userAssignedNATGateway without one');
    case 'userDefinedRouting':
      return end('no 0.0.0.0/0 route to a virtual appliance on the node subnet: AKS refuses userDefinedRouting without one');
    default:
      return end(`outbound type ${outboundType}: the report does not model its path`);
  }
}

function end(problem: string): PathEnd {
  return { steps: [{ text: problem, warning: true }], summary: `nowhere: ${problem}` };
}

/** The path out of `subnet` for an AKS cluster, following route tables through firewalls. */
function aksPath(b: ModelBuilder, cluster: TfNode, outboundType: string, subnetNode: TfNode | undefined): EgressPath {
  const { ix } = b;
  const subnet = b.subnet(subnetNode);
  const from = subnetNode ? b.subnetLabel(subnet) : 'a VNet AKS creates and manages';
  const steps: PathStep[] = [{ text: `nodes in ${from}` }];
  const finish = (e: PathEnd): EgressPath => ({ from, steps: [...steps, ...e.steps], summary: e.summary });
  if (!subnetNode) return finish(aksInternet(b, cluster, outboundType, undefined));
  let here: TfNode = subnetNode;
  let hereNetwork = subnet?.networkKey;
  const crossed: FirewallView[] = [];
  for (let hop = 0; hop < 8; hop++) {
    const table = routeTableOf(b, here);
    const routes = table ? routesOf(b, table) : [];
    const dflt = routes.find((r) => r.prefix === '0.0.0.0/0');
    const tableName = table ? displayName(table) : undefined;
    if (!dflt || dflt.nextHopType === 'Internet') {
      const text = !table ? 'no route table: Azure\'s system route sends 0.0.0.0/0 to the Internet'
        : !dflt ? `route table ${tableName} has no 0.0.0.0/0 route: Azure's system route sends it to the Internet`
          : `route table ${tableName}: 0.0.0.0/0 → Internet`;
      steps.push({ text });
      return finish(aksInternet(b, cluster, outboundType, subnetNode));
    }
    if (dflt.nextHopType === 'None') return finish(end(`route table ${tableName}: 0.0.0.0/0 → None: dropped`));
    if (dflt.nextHopType === 'VirtualNetworkGateway') {
      steps.push({ text: `route table ${tableName}: 0.0.0.0/0 → the VNet's VPN or ExpressRoute gateway (forced tunnelling)` });
      return { from, steps, summary: 'the VNet\'s VPN or ExpressRoute gateway (forced tunnelling)' };
    }
    if (dflt.nextHopType !== 'VirtualAppliance') {
      steps.push({ text: `route table ${tableName}: 0.0.0.0/0 → ${dflt.nextHopType}` });
      return { from, steps, summary: `next hop ${dflt.nextHopType}` };
    }
    const hopIp = ix.show(dflt.stack, dflt.nextHopIp);
    const hopText = hopIp.deferred ? `the ${hopIp.text}` : hopIp.text;
    const fwNode = ix.target(dflt.stack, dflt.nextHopIp, 'azurerm_firewall') ?? firewallHolding(b, dflt.nextHopIp);
    const fw = fwNode ? b.firewalls.find((f) => f.key === nodeKey(fwNode)) : existingFirewallAt(b, dflt.stack, dflt.nextHopIp);
    if (!fw) {
      steps.push({ text: `route table ${tableName}: 0.0.0.0/0 → virtual appliance at ${hopText}, not a firewall in the output` });
      return { from, steps, summary: `virtual appliance at ${hopText}` };
    }
    if (crossed.includes(fw)) return finish(end(`firewall ${fw.name} again: a routing loop`));
    crossed.push(fw);
    let across = '';
    let warning = false;
    if (fw.networkKey && hereNetwork && fw.networkKey !== hereNetwork) {
      const peering = peered(b, fw.networkKey, hereNetwork);
      if (peering) across = `, across ${peering}`;
      else {
        across = `; ${b.network(hereNetwork)?.name ?? 'this VNet'} and ${b.network(fw.networkKey)?.name ?? 'the firewall\'s VNet'} are not peered both ways in the output, so the next hop is unreachable`;
        warning = true;
      }
    }
    steps.push({
      text: `route table ${tableName}: 0.0.0.0/0 → virtual appliance at ${hopText}${across}`,
      node: fw.key, edge: `0.0.0.0/0 via ${tableName}`, ...(warning ? { warning } : {}),
    });
    const fwSubnet = fwNode
      ? blocks(fwNode.config.ip_configuration).map((c) => ix.target(fwNode.stack, c.subnet_id, 'azurerm_subnet')).find((s) => s !== undefined)
      : undefined;
    const fwTable = fwSubnet ? routeTableOf(b, fwSubnet) : undefined;
    const fwDefault = fwTable ? routesOf(b, fwTable).find((r) => r.prefix === '0.0.0.0/0') : undefined;
    if (fwSubnet && fwDefault && fwDefault.nextHopType !== 'Internet') {
      steps.push({ text: `firewall ${fw.name} filters (${plural(fw.collections.length, 'rule collection')}) and forwards by its own subnet's route table` });
      here = fwSubnet;
      hereNetwork = b.subnet(fwSubnet)?.networkKey;
      continue;
    }
    const snat = snatPhrase(fw);
    steps.push({ text: `firewall ${fw.name} filters (${plural(fw.collections.length, 'rule collection')}); what it allows leaves with SNAT to ${snat}` });
    const ips = fw.publicIps.length > 3 ? `${fw.publicIps.length} public IPs` : fw.publicIps.join(', ') || 'no public IP';
    steps.push({ text: 'Internet', node: 'internet', edge: `SNAT ${ips}` });
    const names = crossed.map((f) => f.name).join(' then ');
    return { from, steps, summary: `firewall ${names}, then the Internet with SNAT to ${snat}${warning ? ' (see the warning)' : ''}` };
  }
  return finish(end('more than 8 hops: stopped'));
}

/** The firewall whose subnet holds a literal next-hop address. */
function firewallHolding(b: ModelBuilder, address: unknown): TfNode | undefined {
  if (!isLiteral(address)) return undefined;
  const inSubnet = b.subnetsContaining(address).map((s) => s.key);
  return b.ix.resources('azurerm_firewall').find((n) => blocks(n.config.ip_configuration).some((c) => {
    const s = b.ix.target(n.stack, c.subnet_id, 'azurerm_subnet');
    return s !== undefined && inSubnet.includes(nodeKey(s));
  }));
}

/** AKS clusters: outbound type, node subnets and egress paths. */
export function azureClusters(b: ModelBuilder): void {
  const { ix } = b;
  const pools = ix.resources('azurerm_kubernetes_cluster_node_pool');
  for (const c of ix.resources('azurerm_kubernetes_cluster')) {
    const profile = block(c.config.network_profile);
    const outboundType = isLiteral(profile.outbound_type) ? profile.outbound_type : 'loadBalancer';
    const subnetNodes: TfNode[] = [];
    const add = (value: unknown, stack: string): void => {
      const s = ix.target(stack, value, 'azurerm_subnet');
      if (s && !subnetNodes.some((x) => sameNode(x, s))) subnetNodes.push(s);
    };
    add(block(c.config.default_node_pool).vnet_subnet_id, c.stack);
    for (const p of pools) if (sameNode(ix.target(p.stack, p.config.kubernetes_cluster_id, 'azurerm_kubernetes_cluster'), c)) add(p.config.vnet_subnet_id, p.stack);
    const subnets = subnetNodes.map((s) => b.subnet(s)).filter((s): s is SubnetView => s !== undefined);
    const paths = subnetNodes.length > 0 ? subnetNodes.map((s) => aksPath(b, c, outboundType, s)) : [aksPath(b, c, outboundType, undefined)];
    const firewallKeys = [...new Set(paths.flatMap((p) => p.steps.map((s) => s.node).filter((n): n is string => n !== undefined && b.firewalls.some((f) => f.key === n))))].sort();
    const key = nodeKey(c);
    const networkKey = subnets.find((s) => s.networkKey)?.networkKey;
    const leavesThrough = leaves(paths);
    b.clusters.push({
      key, stack: c.stack, cloud: 'azure', name: displayName(c), kind: 'AKS',
      outboundType: `${outboundType}${profile.outbound_type === undefined ? ' (AKS\'s default)' : ''}`,
      nodes: subnets.length > 0 ? subnets.map((s) => b.subnetLabel(s)) : ['a VNet AKS creates and manages'],
      ...(networkKey ? { networkKey } : {}),
      subnetKeys: subnets.map((s) => s.key), nodeAddresses: [], paths, firewallKeys, leavesThrough,
    });
    b.addNode({ key, stack: c.stack, shape: 'cluster', label: `AKS ${displayName(c)}<br/>${outboundType}`, ...(networkKey ? { networkKey } : {}) });
  }
}
