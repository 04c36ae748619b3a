import { Cidr } from '../core/cidr';
import { JsonObject } from './input';
import { ModelBuilder, block, blocks, byText, list, parseRange } from './builder';
import { connectInsideRanges, pushAwsCluster } from './aws';
import { TfNode, displayName, isLiteral, nodeKey, sameNode } from './terraform';

/**
 * Calico: egress gateway tenants (the operator's EgressGateway objects and the IPPools they take
 * their addresses from), the cluster each runs in, and what their BGP peers outside the cluster
 * learn of their ranges. Objects come from `kubernetes_manifest` resources and from the YAML the
 * library writes; an object found in both is read once.
 */

/** A Kubernetes object of a stack. */
interface KubeObject {
  readonly object: JsonObject;
  readonly source: 'Terraform' | 'YAML';
  /** The construct that declared it. @default - none */
  readonly owner?: string;
  /** The provider reference of its kubernetes_manifest. @default - none */
  readonly provider?: string;
}

function meta(o: JsonObject): JsonObject {
  return block(o.metadata);
}

function objectKey(o: JsonObject): string {
  const m = meta(o);
  return [o.apiVersion, o.kind, m.namespace ?? '', m.name].map(String).join('|');
}

function objectsOf(b: ModelBuilder, stack: string): KubeObject[] {
  const out: KubeObject[] = [];
  const seen = new Set<string>();
  for (const r of b.ix.resources('kubernetes_manifest', [stack])) {
    const object = block(r.config.manifest);
    if (typeof object.kind !== 'string') continue;
    const path = block(block(r.config['//']).metadata).path;
    const owner = typeof path === 'string' && path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : undefined;
    seen.add(objectKey(object));
    out.push({ object, source: 'Terraform', ...(owner ? { owner } : {}), ...(typeof r.config.provider === 'string' ? { provider: r.config.provider } : {}) });
  }
  for (const y of b.ix.stacks.get(stack)?.yaml ?? []) {
    if (seen.has(objectKey(y.object))) continue;
    seen.add(objectKey(y.object));
    out.push({ object: y.object, source: 'YAML', ...(y.owner ? { owner: y.owner } : {}) });
  }
  return out;
}

const CALICO_APIS = ['projectcalico.org/v3', 'crd.projectcalico.org/v1'];

function ofKind(objects: KubeObject[], kind: string, apis?: string[]): KubeObject[] {
  return objects.filter((o) => o.object.kind === kind && (!apis || apis.includes(String(o.object.apiVersion))));
}

/** The cluster a kubernetes provider of `stack` talks to, from its host (or kubeconfig). */
function clusterOfProvider(b: ModelBuilder, stack: string, provider: string | undefined): { key?: string; note: string } {
  const alias = provider?.includes('.') ? provider.split('.')[1] : undefined;
  const configs = b.ix.json(stack).provider?.kubernetes ?? [];
  const config = configs.find((c) => (alias ? c.alias === alias : c.alias === undefined)) ?? configs[0];
  if (!config) return { note: 'the stack has no kubernetes provider: objects applied from YAML' };
  for (const type of ['azurerm_kubernetes_cluster', 'aws_eks_cluster']) {
    const cluster = b.ix.target(stack, config.host ?? config.kube_config ?? config, type);
    if (cluster) {
      const found = b.clusters.find((c) => c.key === nodeKey(cluster));
      if (found) {
        b.link(stack, cluster.stack);
        return { key: found.key, note: `the kubernetes provider's host is cluster ${found.name}${cluster.stack !== stack ? ` (stack ${cluster.stack})` : ''}` };
      }
    }
  }
  if (config.config_path !== undefined) return { note: `the kubernetes provider reads kubeconfig ${b.ix.show(stack, config.config_path).text}` };
  if (config.host !== undefined) return { note: `the kubernetes provider's host is ${b.ix.show(stack, config.host).text}` };
  return { note: 'the kubernetes provider names no cluster in the output' };
}

/** A peer address's counterpart in the cloud: a Route Server or a Connect peer, and the cluster on the other side. */
function cloudPeer(b: ModelBuilder, address: string): { label: string; clusterKey?: string } | undefined {
  const range = parseRange(address);
  if (!range) return undefined;
  for (const inside of connectInsideRanges(b)) {
    const cidr = parseRange(inside.cidr);
    if (cidr?.contains(range)) return { label: `transit gateway ${inside.tgw} (Connect)`, clusterKey: inside.clusterKey };
  }
  const { ix } = b;
  for (const rs of ix.resources('azurerm_route_server')) {
    const subnet = b.subnet(ix.target(rs.stack, rs.config.subnet_id, 'azurerm_subnet'));
    if (!subnet?.cidrs.some((c) => c.contains(range))) continue;
    const peerSubnets = ix.resources('azurerm_route_server_bgp_connection')
      .filter((c) => sameNode(ix.target(c.stack, c.config.route_server_id, 'azurerm_route_server'), rs) && isLiteral(c.config.peer_ip))
      .flatMap((c) => b.subnetsContaining(String(c.config.peer_ip)).map((s) => s.key));
    const cluster = b.clusters.find((k) => k.subnetKeys.some((s) => peerSubnets.includes(s)));
    return { label: `Route Server ${displayName(rs)}`, ...(cluster ? { clusterKey: cluster.key } : {}) };
  }
  return undefined;
}

interface FilterRule {
  readonly action: string;
  readonly matchOperator?: string;
  readonly cidr?: string;
  readonly source?: string;
  readonly interface?: string;
}

/** What the filters named by a peer do with a route of `range`: the first matching rule decides; none matching accepts. */
function exportDecision(range: Cidr, filterNames: string[], filters: Map<string, FilterRule[]>): { accepted: boolean; by?: string } {
  for (const name of filterNames) {
    for (const rule of filters.get(name) ?? []) {
      // Rules limited to re-advertised routes or to routes through an interface (Calico's tunnels)
      // do not decide for the range the gateways' own node originates.
      if (rule.source === 'RemotePeers' || rule.interface !== undefined) continue;
      const cidr = rule.cidr ? parseRange(rule.cidr) : undefined;
      let matches = true;
      if (cidr) {
        switch (rule.matchOperator) {
          case 'Equal': matches = cidr.equals(range); break;
          case 'NotEqual': matches = !cidr.equals(range); break;
          case 'NotIn': matches = !cidr.contains(range); break;
          default: matches = cidr.contains(range);
        }
      }
      if (matches) return { accepted: rule.action === 'Accept', by: name };
    }
  }
  return { accepted: true, ...(filterNames.length > 0 ? { by: filterNames.join(', ') } : {}) };
}

/**
 * Gateways whose pools are backed by VPC subnets (`awsSubnetID`, Calico Enterprise on AWS) leave the
 * cluster from those subnets, on the ENIs Calico adds: their path out starts there, whatever the
 * kubernetes provider names.
 */
function awsBackedGateways(b: ModelBuilder, stack: string, subnetIds: unknown[], fallback: { key?: string; note: string }): { key?: string; note: string } {
  const subnets: TfNode[] = [];
  for (const id of subnetIds) {
    const s = id === undefined ? undefined : b.ix.target(stack, id, 'aws_subnet');
    if (s && !subnets.some((x) => sameNode(x, s))) subnets.push(s);
  }
  if (subnets.length === 0) return fallback;
  subnets.sort(byText((s) => displayName(s)));
  const key = `${stack}#aws-backed:${subnets.map(nodeKey).join(',')}`;
  const names = subnets.map((s) => displayName(s)).join(', ');
  const cluster = b.clusters.find((c) => c.key === key) ?? pushAwsCluster(
    b, key, subnets[0].stack, `egress gateways in ${names}`, 'AWS-backed egress gateways', `Egress gateway ENIs<br/>subnet ${names}`,
    'none: the egress gateway subnets\' route tables decide', subnets, [`the ENIs Calico adds in ${names} for the gateways' addresses`], [], 'egress gateway ENIs');
  b.link(stack, cluster.stack);
  return { key: cluster.key, note: `found by the pools' awsSubnetID: the gateways' addresses are on ENIs in ${names}` };
}

/** Egress gateway tenants of every stack, linked to their clusters. */
export function calicoTenants(b: ModelBuilder): void {
  for (const stack of [...b.ix.stacks.keys()].sort()) {
    const objects = objectsOf(b, stack);
    const gateways = ofKind(objects, 'EgressGateway', ['operator.tigera.io/v1']);
    if (gateways.length === 0) continue;
    const pools = new Map(ofKind(objects, 'IPPool', CALICO_APIS).map((p) => [String(meta(p.object).name), block(p.object.spec)]));
    const filters = new Map(ofKind(objects, 'BGPFilter', CALICO_APIS).map((f) => [String(meta(f.object).name),
      blocks(block(f.object.spec).exportV4).map((r) => r as unknown as FilterRule)]));
    const peers = ofKind(objects, 'BGPPeer', CALICO_APIS)
      .map((p) => ({ name: String(meta(p.object).name), spec: block(p.object.spec) }))
      .filter((p) => isLiteral(p.spec.peerIP))
      .sort(byText((p) => p.name));
    for (const gw of gateways.sort(byText((g) => objectKey(g.object)))) {
      const m = meta(gw.object);
      const spec = block(gw.object.spec);
      const name = String(m.name);
      const namespace = String(m.namespace ?? 'default');
      const tenantPools = blocks(spec.ipPools).map((p) => {
        const poolName = typeof p.name === 'string' ? p.name : undefined;
        const cidr = typeof p.cidr === 'string' ? p.cidr : poolName ? pools.get(poolName)?.cidr : undefined;
        const shown = typeof cidr === 'string' ? b.ix.show(stack, cidr) : undefined;
        return { ...(poolName ? { name: poolName } : {}), ...(shown ? { cidr: shown } : {}) };
      });
      const ranges = tenantPools.map((p) => (p.cidr && !p.cidr.deferred ? parseRange(p.cidr.text) : undefined)).filter((c): c is Cidr => c !== undefined);

      let link = clusterOfProvider(b, stack, gw.provider);
      if (!link.key) {
        const viaBgp = peers.map((p) => cloudPeer(b, String(p.spec.peerIP))).find((x) => x?.clusterKey);
        const cluster = viaBgp?.clusterKey ? b.clusters.find((c) => c.key === viaBgp.clusterKey) : undefined;
        if (cluster) {
          b.link(stack, cluster.stack);
          link = { key: cluster.key, note: `found by BGP: the stack's BGP peers reach ${viaBgp!.label}, which peers with ${cluster.name}` };
        }
      }
      if (!link.key) link = awsBackedGateways(b, stack, tenantPools.map((p) => (p.name ? pools.get(p.name)?.awsSubnetID : undefined)), link);
      const owner = gw.owner && gw.owner.split('/').length >= 2 ? gw.owner : undefined;
      const tenantName = owner ? owner.split('/').pop()! : name;

      let bgp: string;
      const noExport = tenantPools.map((p) => p.name).filter((n): n is string => n !== undefined && pools.get(n)?.disableBGPExport === true);
      if (noExport.length > 0) bgp = `not announced: pool ${noExport.join(', ')} has disableBGPExport`;
      else if (peers.length === 0) bgp = 'no BGP peer outside the cluster in this stack';
      else {
        const accepted: string[] = [];
        const rejected: string[] = [];
        const filtersUsed = new Set<string>();
        for (const p of peers) {
          const names = list(p.spec.filters);
          const verdicts = ranges.map((r) => exportDecision(r, names, filters));
          verdicts.forEach((v) => v.by && filtersUsed.add(v.by));
          const where = cloudPeer(b, String(p.spec.peerIP));
          const label = `${p.name} (${String(p.spec.peerIP)}${where ? `, ${where.label}` : ''})`;
          (ranges.length > 0 && verdicts.every((v) => v.accepted) ? accepted : rejected).push(label);
        }
        const via = filtersUsed.size > 0 ? ` by filter ${[...filtersUsed].sort().join(', ')}` : '';
        bgp = [
          accepted.length > 0 ? `announced to ${accepted.join(', ')}${via}` : '',
          rejected.length > 0 ? `not announced to ${rejected.join(', ')}${accepted.length === 0 ? via : ''}` : '',
        ].filter(Boolean).join('; ');
      }

      const key = `${stack}:EgressGateway/${namespace}/${name}`;
      const cluster = b.clusters.find((c) => c.key === link.key);
      b.tenants.push({
        key, stack, name: tenantName, namespace, gateway: name,
        ...(typeof spec.replicas === 'number' ? { replicas: spec.replicas } : {}),
        pools: tenantPools, ranges, ...(owner ? { declaredBy: owner } : {}), source: gw.source,
        ...(cluster ? { cluster: { key: cluster.key, name: cluster.name, stack: cluster.stack, leavesThrough: cluster.leavesThrough } } : {}),
        clusterNote: link.note,
        named: [], broader: [], anySource: [], anySourceScope: '', undecided: [], bgp,
      });
      b.addNode({
        key, stack, shape: 'tenant', ...(cluster?.networkKey ? { networkKey: cluster.networkKey } : {}),
        label: `tenant ${tenantName}<br/>${ranges.map(String).join(', ') || 'no range'}`,
      });
      if (cluster) b.addEdge({ from: key, to: cluster.key, style: 'member', label: `egress gateway ${namespace}/${name}` });
    }
  }
}
