import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { ValidationError, checkLabels, checkNumber, checkString, requireProps } from '../core';
import { AksCluster } from './aks-cluster';
import { RoleAssignment, RoleScope, grantRole } from './role-assignment';
import { AZURE_ROUTE_SERVER_MAX_PEERS } from './route-server';
import { Subnet } from './virtual-network';
import { untraced } from '../core/refs';

/** The fewest route reflectors the pool accepts: one can be repaired or upgraded while two still reflect. */
export const ROUTE_REFLECTOR_MIN_NODES = 3;

/** The node label of the route reflectors unless another is given. */
export const DEFAULT_ROUTE_REFLECTOR_LABELS: { readonly [key: string]: string } = { 'route-reflector': 'true' };

const POOLS = Symbol.for('cdktf-kubernetes-egress.AksRouteReflectorPool.subnets');

/** Props of {@link AksRouteReflectorPool}. */
export interface AksRouteReflectorPoolProps {
  /** The cluster the pool joins. */
  readonly cluster: AksCluster;
  /**
   * The pool's own subnet, nothing else in it (no other pool, VM, endpoint or load balancer): every
   * address a node can take in it must be one the Route Server peers with. A /28 holds 11 nodes, a /29 3.
   */
  readonly subnet: Subnet;
  /** Node pool name: 1 to 12 lower-case letters and digits, starting with a letter. @default 'rr' */
  readonly name?: string;
  /** Route reflectors: at least 3. @default 3 */
  readonly nodeCount?: number;
  /**
   * Extra nodes AKS adds during an upgrade (a count, not a percentage, as it sets how many addresses
   * the Route Server must peer with). @default 1
   */
  readonly maxSurge?: number;
  /** @default 'Standard_D2s_v5' */
  readonly vmSize?: string;
  /** The label that selects the route reflectors (Calico's BGPPeers and cluster ID use it). @default { 'route-reflector': 'true' } */
  readonly nodeLabels?: { readonly [key: string]: string };
  /**
   * Keep other workloads off the route reflectors with the taint `<first label key>=<value>:NoSchedule`
   * (calico-node and the cluster ID DaemonSet tolerate every taint). @default false
   */
  readonly taint?: boolean;
  /** @default - no zones */
  readonly zones?: string[];
  /** The most BGP peers the router they peer with takes. @default 8 (Azure Route Server) */
  readonly maxPeers?: number;
}

/**
 * A dedicated AKS node pool of Calico route reflectors in its own small subnet, the nodes that peer
 * with Azure Route Server (Tigera's Azure Route Server guide). AKS replaces nodes on scale, repair and
 * upgrade, so no node address is fixed; Azure gives a new NIC the lowest free address of its subnet, so
 * with at most `nodeCount + maxSurge` nodes at any time every node has one of the subnet's first
 * `nodeCount + maxSurge` addresses. `peerIps` lists them all (literals, for the Route Server's
 * connections and Calico's YAML). Calico still needs a route reflector cluster ID on these nodes, which
 * AKS cannot set (node pools take labels and taints, not annotations): see `RouteReflectorClusterId`
 * in `lib/calico`.
 */
export class AksRouteReflectorPool extends Construct {
  /** The node pool. */
  public readonly resource: KubernetesClusterNodePool;
  /** The node labels that select the route reflectors. */
  public readonly nodeLabels: { readonly [key: string]: string };
  /** Every address a route reflector can have: the subnet's first `nodeCount + maxSurge` VM addresses. */
  public readonly peerIps: readonly string[];
  /** Route reflectors in normal operation. */
  public readonly nodeCount: number;
  /** The pool's subnet. */
  public readonly subnet: Subnet;
  /** Network Contributor on the subnet for the cluster's system-assigned identity, when the cluster grants one on its own subnet. */
  public readonly subnetAccess?: RoleAssignment;

  constructor(scope: Construct, id: string, props: AksRouteReflectorPoolProps) {
    super(scope, id);
    requireProps(this, 'AksRouteReflectorPool', props, ['cluster', 'subnet']);
    if (!AksCluster.isAksCluster(props.cluster)) throw new ValidationError(this, 'cluster', props.cluster, 'an AksCluster');
    if (!Subnet.isSubnet(props.subnet)) throw new ValidationError(this, 'subnet', props.subnet, 'a Subnet of a VirtualNetwork');
    const { cluster, subnet } = props;
    const name = props.name ?? 'rr';
    checkString(this, 'name', name, 'a node pool name');
    if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) {
      throw new ValidationError(this, 'name', name, 'a Linux node pool name is 1 to 12 lower-case letters and digits, starting with a letter');
    }
    const nodeCount = props.nodeCount ?? ROUTE_REFLECTOR_MIN_NODES;
    checkNumber(this, 'nodeCount', nodeCount, {
      min: ROUTE_REFLECTOR_MIN_NODES, deployTime: 'refuse',
      why: `at least ${ROUTE_REFLECTOR_MIN_NODES} route reflectors, so that one being repaired or upgraded leaves two`,
    });
    const maxSurge = props.maxSurge ?? 1;
    checkNumber(this, 'maxSurge', maxSurge, { min: 1, deployTime: 'refuse', why: 'a count of 1 or more extra nodes during upgrades' });
    const maxPeers = props.maxPeers ?? AZURE_ROUTE_SERVER_MAX_PEERS;
    checkNumber(this, 'maxPeers', maxPeers, { min: 1, deployTime: 'refuse' });
    const addresses = nodeCount + maxSurge;
    if (addresses > maxPeers) {
      throw new ValidationError(this, 'nodeCount', nodeCount,
        `nodeCount + maxSurge (${nodeCount} + ${maxSurge} = ${addresses}) addresses must all be BGP peers and the router takes at most ${maxPeers}`);
    }
    if (subnet.cidr.version !== 4) throw new ValidationError(this, 'subnet', subnet.cidr.toString(), 'an IPv4 subnet');
    if (addresses > subnet.usableAddressCount) {
      throw new ValidationError(this, 'subnet', subnet.cidr.toString(),
        `${subnet.name} has ${subnet.usableAddressCount} VM addresses (Azure reserves 5) and the pool needs ${addresses} (nodeCount ${nodeCount} + maxSurge ${maxSurge})`);
    }
    if (cluster.managedVnet || cluster.nodeSubnet === subnet) {
      throw new ValidationError(this, 'subnet', subnet.name,
        `the route reflectors need a subnet of their own; ${cluster.managedVnet ? `cluster ${cluster.name} has no subnet of yours (set defaultNodePool.subnet)` : `cluster ${cluster.name}'s default pool uses it`}`);
    }
    if (cluster.networkPlugin === 'azure' && cluster.networkPluginMode !== 'overlay') {
      throw new ValidationError(this, 'cluster', cluster.name,
        'Azure CNI without overlay gives pods addresses of the node subnet, which would take the addresses the Route Server peers with; use plugin none (Calico) or overlay');
    }
    const used = ((subnet as unknown as { [POOLS]?: string })[POOLS]);
    if (used !== undefined) {
      throw new ValidationError(this, 'subnet', subnet.name, `route reflector pool ${used} already uses it; each pool needs a subnet of its own`);
    }
    (subnet as unknown as { [POOLS]?: string })[POOLS] = this.node.path;
    const labels = props.nodeLabels ?? DEFAULT_ROUTE_REFLECTOR_LABELS;
    checkLabels(this, 'nodeLabels', labels);
    const first = Object.entries(labels)[0];
    if (!first) throw new ValidationError(this, 'nodeLabels', labels, 'at least one label that selects the route reflectors');

    this.subnet = subnet;
    this.nodeCount = nodeCount;
    this.nodeLabels = { ...labels };
    this.peerIps = Array.from({ length: addresses }, (_, i) => subnet.vmIp(i));
    if (cluster.subnetAccess) {
      // The cluster's identity joins the pool's nodes to this subnet as it does for its own.
      this.subnetAccess = grantRole(this, 'subnet-network-contributor', { principalId: cluster.subnetAccess.resource.principalId }, 'Network Contributor',
        RoleScope.resource(subnet, `subnet ${subnet.name}`),
        { description: `AKS ${cluster.name} joins route reflector nodes to subnet ${subnet.name}` });
    }
    const dependsOn = [subnet.routeTableAssociation, this.subnetAccess?.resource].filter((d): d is ITerraformDependable => d !== undefined);
    // The binding is loaded here, by apps with a route reflector pool only.
    const binding: typeof import('@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool') = require('@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool');
    this.resource = untraced(() => new binding.KubernetesClusterNodePool(this, 'pool', {
      name,
      kubernetesClusterId: cluster.resource.id,
      vmSize: props.vmSize ?? 'Standard_D2s_v5',
      nodeCount,
      mode: 'User',
      vnetSubnetId: subnet.id,
      nodeLabels: { ...labels },
      nodeTaints: props.taint ? [`${first[0]}=${first[1]}:NoSchedule`] : undefined,
      zones: props.zones,
      upgradeSettings: { maxSurge: String(maxSurge) },
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    }));
  }
}
