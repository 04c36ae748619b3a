import { IConstruct } from 'constructs';
import { Cidr, findInApp, rangesInApp } from '../core';
import type { BGPFilterRule, BGPPeer, CalicoBgp, IPPool } from '../calico';
import { Finding, SecurityCheck } from './check';
import { clusterManifestsOf, isAksCluster, isBgpFilter, isCalicoBgp, isCalicoOperator } from './brands';

/** A pod range of the app, with how messages name it. */
interface PodRange {
  readonly cidr: Cidr;
  readonly label: string;
}

/**
 * The Calico pod ranges of the app: the pod CIDR of every AKS cluster that brings its own CNI, every
 * pool a CalicoOperator creates at install, and every other `pod` range declared in the address plan.
 * Pod ranges of Azure CNI clusters are not Calico's and are left out.
 */
function podRanges(scope: IConstruct): PodRange[] {
  const out: PodRange[] = [];
  const add = (cidr: Cidr, label: string) => {
    if (!out.some((r) => r.cidr.equals(cidr))) out.push({ cidr, label });
  };
  for (const c of findInApp(scope, isAksCluster)) {
    if (c.networkPlugin === 'none' && c.podCidr) add(c.podCidr, `pod CIDR of cluster ${c.name}`);
  }
  for (const o of findInApp(scope, isCalicoOperator)) {
    o.pools.forEach((p, i) => add(p, `pool ${i} of ${o.node.path}`));
  }
  for (const r of rangesInApp(scope)) {
    if (r.kind === 'pod' && !isAksCluster(r.owner)) add(r.cidr, r.label);
  }
  return out;
}

/**
 * True when the pod range's routes stay out of BGP: a CalicoOperator pool, or an IPPool this cluster
 * creates, covering it with `disableBGPExport: true`. An IpPoolPatch does not count: it names no range,
 * and the operator reconciles its pools from the Installation.
 */
function exportDisabled(bgp: CalicoBgp, range: Cidr): boolean {
  const byOperator = findInApp(bgp, isCalicoOperator).some((o) => o.bgpExportDisabledPools.some((p) => p.contains(range)));
  const manifests = clusterManifestsOf(bgp);
  const byPool = manifests.entries.some((e) => e.mode === 'create' && e.object.kind === 'IPPool'
    && (e.object as IPPool).spec.disableBGPExport === true && Cidr.isValid((e.object as IPPool).spec.cidr)
    && Cidr.parse((e.object as IPPool).spec.cidr).contains(range));
  return byOperator || byPool;
}

/**
 * Calico's decision on `route` through `rules` (the export rules of a peer's filters, in order): the
 * first rule that matches decides, a route no rule matches is accepted. A rule limited to a source, an
 * interface or prefix lengths may or may not match: its Accept counts, its Reject does not.
 */
function accepts(rules: readonly BGPFilterRule[], route: Cidr): boolean {
  for (const r of rules) {
    const conditional = r.source !== undefined || r.interface !== undefined || r.prefixLength !== undefined;
    if (conditional && r.action === 'Reject') continue;
    if (r.cidr !== undefined && Cidr.isValid(r.cidr)) {
      const c = Cidr.parse(r.cidr);
      const hit = r.matchOperator === 'Equal' ? c.equals(route)
        : r.matchOperator === 'NotEqual' ? !c.equals(route)
          : r.matchOperator === 'In' ? c.contains(route) : !c.contains(route);
      if (!hit) continue;
    }
    return r.action === 'Accept';
  }
  return true;
}

/** The routes of `range` to walk the filters with: the range, its two halves and every rule range inside it. */
function routesOf(range: Cidr, rules: readonly BGPFilterRule[]): Cidr[] {
  const max = range.version === 4 ? 32 : 128;
  const halves = range.prefix < max ? [range.subnet(range.prefix + 1, 0), range.subnet(range.prefix + 1, 1)] : [];
  const inside = rules.filter((r) => r.cidr !== undefined && Cidr.isValid(r.cidr)).map((r) => Cidr.parse(r.cidr!)).filter((c) => range.contains(c));
  return [range, ...halves, ...inside];
}

function findings(bgp: CalicoBgp): Finding[] {
  const manifests = clusterManifestsOf(bgp);
  const filters = findInApp(bgp, isBgpFilter).filter((f) => clusterManifestsOf(f) === manifests);
  const pods = podRanges(bgp);
  const out: Finding[] = [];
  for (const [name, entry] of Object.entries(bgp.peers)) {
    const spec = (entry.object as BGPPeer).spec;
    if (spec.peerIP === undefined) continue;
    const names = spec.filters ?? [];
    for (const pod of pods) {
      const field = pod.cidr.version === 4 ? 'exportV4' : 'exportV6';
      const rules = names.flatMap((n) => filters.find((f) => f.name === n)?.spec[field] ?? []);
      if (exportDisabled(bgp, pod.cidr) || !routesOf(pod.cidr, rules).some((route) => accepts(rules, route))) continue;
      out.push({
        site: bgp,
        field: `peers[${name}].filters`,
        value: names.length > 0 ? [...names] : undefined,
        allowed: `the peer (${spec.peerIP}) is a router outside the cluster, the routes of ${pod.label} (${pod.cidr}) ` +
          `${names.length > 0 ? 'pass these filters' : 'go out unfiltered'} ` +
          'and no pool sets disableBGPExport for it, so pod addresses are announced outside the cluster and become reachable without ' +
          'going through the egress gateways; list an EgressExportFilter in the peer\'s filters, or set disableBGPExport on the pod pool (CalicoInstallPool)',
      });
      break;
    }
  }
  return out;
}

/**
 * EGRESS005: a Calico pod pool whose routes are announced to a router outside the cluster: a BGPPeer
 * with a peer IP (an ExternalBgpRouter such as Azure Route Server, or a TGW Connect peer added with
 * `addPeer`) whose export filters let a pod range out, while no pool sets `disableBGPExport` for it.
 */
export const POD_POOL_BGP_EXPORT: SecurityCheck = {
  id: 'EGRESS005',
  name: 'pod-pool-bgp-export',
  defaultLevel: 'error',
  description:
    'When Calico peers with a router outside the cluster (a BGPPeer with a peer IP: Azure Route Server, a ' +
    'Transit Gateway Connect peer, a ToR switch), every route its export filters let through is announced ' +
    'to the network. Pod routes among them make pod addresses reachable, and routable back, without the ' +
    'egress gateways: the firewall sees pod addresses it cannot name. The check walks each such peer\'s ' +
    'export filters (in order; a route no rule matches is accepted) for every Calico pod range of the app ' +
    '(the pod CIDR of AKS clusters with network plugin none, CalicoOperator pools, declared pod ranges), and ' +
    'flags a range that passes unless a CalicoOperator pool (or an IPPool of the cluster) covering it sets ' +
    'disableBGPExport. Fix: list an EgressExportFilter in the peer\'s filters (only egress ranges leave), ' +
    'and set disableBGPExport on the pod pool in CalicoInstallPool.',
  inspect(node: IConstruct) {
    return isCalicoBgp(node) ? findings(node) : [];
  },
};
