import { Annotations } from 'cdktf';
import { IConstruct } from 'constructs';
import { Cidr, ValidationError, formatValue } from '../core';
import { BGPFilterRule, BGPPeerSpec, StringMap } from './api';
import { ManifestEntry } from './cluster-manifests';

/** Whether `filter` is a filter construct that announces routes learned from other nodes (CloudPeerFilter `announceLearnedRoutes`). */
export function announcesLearnedRoutes(filter: unknown): filter is { readonly name: string; readonly announcesLearnedRoutes: true } {
  return typeof filter === 'object' && filter !== null && (filter as { announcesLearnedRoutes?: unknown }).announcesLearnedRoutes === true;
}

/** What a gateway's placement is checked against: its range and where its pods may run. */
export interface GatewayPlacement {
  /** The tenant's egress range, whose blocks the gateways' nodes originate. */
  readonly egressCidr: Cidr;
  /** The gateway pods' nodeSelector. */
  readonly nodeSelector: StringMap;
  /** Whether the pods also carry an affinity, which may narrow their nodes further. */
  readonly hasAffinity: boolean;
}

/**
 * Whether a gateway block can reach a router outside the cluster from wherever its gateway runs. A
 * node announces the blocks it holds to the BGPPeers that select it; a block held by another node
 * reaches such a peer only as a route learned over BGP (node-to-node mesh, route reflector), which a
 * filter rule `source: RemotePeers` rejects. When every external peer that lets the range out rejects
 * learned routes, the gateways must run on nodes those peers select: otherwise a gateway elsewhere is
 * announced to no router and the replies to its address have no route (a black hole). Throws when the
 * gateways' nodeSelector can select a node outside every such peer's nodeSelector; warns when a
 * selector or an affinity is beyond what the check reads (it reads `all()` and `&&` of `key == 'value'`
 * and `has(key)`). Peers scoped to one named node (`node`, one per node as Transit Gateway Connect
 * needs) give every node its own session and are not checked.
 */
export function checkGatewayAnnouncement(site: IConstruct, entries: readonly ManifestEntry[], gateway: GatewayPlacement): void {
  const range = gateway.egressCidr;
  const filters = new Map<string, readonly BGPFilterRule[]>();
  for (const e of entries) {
    if (e.object.kind !== 'BGPFilter') continue;
    const spec = (e.object as { spec?: { exportV4?: BGPFilterRule[]; exportV6?: BGPFilterRule[] } }).spec ?? {};
    filters.set(e.object.metadata.name, (range.version === 4 ? spec.exportV4 : spec.exportV6) ?? []);
  }
  const peers = entries
    .filter((e) => e.object.kind === 'BGPPeer')
    .map((e) => ({ name: e.object.metadata.name, spec: (e.object as { spec?: BGPPeerSpec }).spec ?? {} }))
    .filter((p) => p.spec.peerIP !== undefined);
  const announcing = peers
    .map((p) => ({ ...p, learned: exportFate(p.spec.filters ?? [], filters, range, true) }))
    .filter((p) => exportFate(p.spec.filters ?? [], filters, range, false).accepted);
  if (announcing.length === 0 || announcing.some((p) => p.learned.accepted || p.spec.node !== undefined)) return;

  const fates = announcing.map((p) => ({ ...p, selector: p.spec.nodeSelector ?? 'all()', covered: covers(p.spec.nodeSelector ?? 'all()', gateway.nodeSelector) }));
  if (fates.some((p) => p.covered === true)) return;
  const selectors = [...new Set(fates.map((p) => p.selector))];
  const names = fates.map((p) => p.name).join(', ');
  const filterNames = [...new Set(fates.map((p) => p.learned.by).filter((n): n is string => n !== undefined))].join(', ');
  const blackHole = `filter ${filterNames} rejects routes learned from other nodes (source RemotePeers), so a gateway block of ${range} on any other node reaches no router outside the cluster`;
  if (gateway.hasAffinity || fates.some((p) => p.covered === undefined)) {
    Annotations.of(site).addWarning(
      `nodeSelector is ${formatValue(gateway.nodeSelector)}${gateway.hasAffinity ? ' with an affinity' : ''}; whether the gateways run only on nodes of BGPPeers ${names} (nodeSelector ${selectors.join(' or ')}) could not be checked at synth, and ${blackHole}`);
    return;
  }
  const pin = selectors.map(simpleLabels).find((l): l is StringMap => l !== undefined);
  throw new ValidationError(site, 'nodeSelector', gateway.nodeSelector,
    `the gateways can run on nodes outside BGPPeers ${names} (nodeSelector ${selectors.join(' or ')}), and ${blackHole}; `
    + `pin the gateways to those nodes${pin ? ` (nodeSelector ${formatValue({ ...gateway.nodeSelector, ...pin })})` : ''}, or, where the router installs a next hop other than its peer (Azure Route Server), `
    + 'announce learned routes (CloudPeerFilter announceLearnedRoutes) with nextHopMode \'Keep\'');
}

/**
 * The fate of a route of `range` in a peer's export filters, as BIRD runs them: filter by filter, the
 * first matching rule decides, none matching accepts (Calico's pool export then lets the range out).
 * A learned route arrives through the node's uplink, so rules on an interface (Calico's tunnels) are
 * taken not to match it; a locally originated block matches no `source: RemotePeers` rule.
 */
function exportFate(names: readonly string[], filters: Map<string, readonly BGPFilterRule[]>, range: Cidr, learned: boolean): { accepted: boolean; by?: string } {
  for (const name of names) {
    for (const rule of filters.get(name) ?? []) {
      if (rule.interface !== undefined || (rule.source === 'RemotePeers' && !learned)) continue;
      if (rule.cidr !== undefined && !Cidr.isValid(rule.cidr)) continue;
      const cidr = rule.cidr === undefined ? undefined : Cidr.parse(rule.cidr);
      const matches = cidr === undefined ? true
        : rule.matchOperator === 'Equal' ? cidr.equals(range)
          : rule.matchOperator === 'NotEqual' ? !cidr.equals(range)
            : rule.matchOperator === 'NotIn' ? !cidr.contains(range) : cidr.contains(range);
      if (matches) return { accepted: rule.action === 'Accept', by: name };
    }
  }
  return { accepted: true };
}

/** Whether every node with `labels` matches `selector`: true, false, or undefined when the selector is beyond this reading. */
function covers(selector: string, labels: StringMap): boolean | undefined {
  const text = selector.trim();
  if (text === '' || text === 'all()') return true;
  if (/\|\||\(\s*[^)]|!(?!=)/.test(text.replace(/all\(\)|has\([^)]*\)/g, ''))) return undefined;
  let covered = true;
  for (const term of text.split('&&').map((t) => t.trim())) {
    const eq = /^([A-Za-z0-9_./-]+)\s*==\s*(['"])(.*)\2$/.exec(term);
    const has = /^has\(([A-Za-z0-9_./-]+)\)$/.exec(term);
    if (term === 'all()') continue;
    if (eq) covered = covered && labels[eq[1]] === eq[3];
    else if (has) covered = covered && labels[has[1]] !== undefined;
    else return undefined;
  }
  return covered;
}

/** The labels a selector of `key == 'value'` terms requires, or undefined for any other selector. */
function simpleLabels(selector: string): StringMap | undefined {
  const out: { [key: string]: string } = {};
  for (const term of selector.split('&&').map((t) => t.trim())) {
    const eq = /^([A-Za-z0-9_./-]+)\s*==\s*(['"])(.*)\2$/.exec(term);
    if (!eq) return undefined;
    out[eq[1]] = eq[3];
  }
  return out;
}
