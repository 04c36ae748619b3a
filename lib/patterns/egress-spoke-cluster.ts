import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { checkNumber, requireProps } from '../core/guards';
import { ValidationError } from '../core/errors';
import { AZURE_RESERVED_ASNS, AZURE_ROUTE_SERVER_MAX_PEERS } from '../azure/route-server';
import { labelSelector } from '../calico/api';
import { CalicoBgp } from '../calico/calico-bgp';
import { CloudPeerFilter } from '../calico/cloud-peer-filter';
import { ClusterManifests } from '../calico/cluster-manifests';
import { EgressGatewayTenant } from '../calico/egress-gateway-tenant';
import { FelixSettings } from '../calico/felix-settings';
import { EGRESS_GATEWAY_NODE_LABELS, EgressSpoke } from './egress-spoke';
import { untraced } from '../core/refs';

/** Props of {@link EgressSpokeCluster}. */
export interface EgressSpokeClusterProps {
  /** The spoke (in the cloud stack), built with `calico`; its cluster, tenants, gateway nodes and hub come from it. */
  readonly spoke: EgressSpoke;
  /** Gateway pods per tenant, at most one per gateway node. @default 2 */
  readonly replicas?: number;
}

/**
 * The cluster half of an {@link EgressSpoke}, for the cluster stack (Calico's objects need the cluster's API
 * at plan time, so they live in a stack planned after the cloud stack): a kubernetes provider aliased after
 * the spoke and configured from the cloud stack's cluster (a cross-stack reference), and in a
 * {@link ClusterManifests} checked against the spoke's Calico edition:
 * - BGPFilter `cloud-peer-egress` ({@link CloudPeerFilter}): each gateway node announces only the gateway
 *   blocks it holds, within the tenants' ranges, and imports nothing from the Route Server;
 * - Calico's BGP (AS `spoke.calicoAsn`, node-to-node mesh on) and BGPPeers `azure-route-server-a`/`-b` to the
 *   hub Route Server's two addresses (its ASN 65515), from the gateway nodes only, with that filter;
 * - per tenant its namespace, IPPool and EgressGateway ({@link EgressGatewayTenant}) on the gateway nodes;
 * - FelixConfiguration `default` with `egressIPSupport: EnabledPerNamespace`.
 * The Route Server's side of the sessions (one BGP connection per gateway node address) is in the cloud stack.
 */
export class EgressSpokeCluster extends Construct {
  public readonly spoke: EgressSpoke;
  /** The cluster's kubernetes provider (alias: the spoke's name). */
  public readonly provider: KubernetesProvider;
  public readonly manifests: ClusterManifests;
  public readonly exportFilter: CloudPeerFilter;
  public readonly bgp: CalicoBgp;
  public readonly felix: FelixSettings;
  /** The tenants' gateways, in the spoke's order. */
  public readonly tenants: readonly EgressGatewayTenant[];

  constructor(scope: Construct, id: string, props: EgressSpokeClusterProps) {
    super(scope, id);
    requireProps(this, 'EgressSpokeCluster', props, ['spoke']);
    const spoke = props.spoke;
    if (!(spoke instanceof EgressSpoke)) throw new ValidationError(this, 'spoke', spoke, 'an EgressSpoke');
    if (!spoke.calico || spoke.calicoAsn === undefined) {
      throw new ValidationError(this, 'spoke', spoke.node.path, 'an EgressSpoke built with calico: {...} (the operator and the gateway nodes are its cloud half)');
    }
    if (spoke.tenants.length === 0 || !spoke.gatewaySubnet) {
      throw new ValidationError(this, 'spoke.tenants', [], 'the cluster half renders the spoke\'s egress gateway tenants; give the spoke at least one tenant');
    }
    const routeServer = spoke.hub.routeServer!;
    const gatewaySubnet = spoke.gatewaySubnet;
    const replicas = props.replicas ?? 2;
    checkNumber(this, 'replicas', replicas, {
      min: 1, max: spoke.gatewayNodeIps.length, integer: true, deployTime: 'refuse',
      why: `1 to ${spoke.gatewayNodeIps.length} gateway pods per tenant: one per gateway node (calico.gatewayNodeCount of ${spoke.node.path})`,
    });
    this.spoke = spoke;

    this.provider = untraced(() => new KubernetesProvider(this, 'kubernetes', { alias: spoke.name, ...spoke.cluster.kubeConnection }));
    this.manifests = new ClusterManifests(this, 'calico', { provider: this.provider, edition: spoke.calico.edition });
    this.exportFilter = new CloudPeerFilter(this.manifests, 'export-filter', { tenants: spoke.tenants });
    const gatewayNodes = labelSelector(EGRESS_GATEWAY_NODE_LABELS);
    this.bgp = new CalicoBgp(this.manifests, 'bgp', {
      asNumber: spoke.calicoAsn,
      reservedAsns: AZURE_RESERVED_ASNS,
      nodeToNodeMesh: true,
      externalRouters: [{
        name: 'azure-route-server',
        peerIps: routeServer.routerIps,
        asNumber: routeServer.asn,
        // The Route Server is in the hub VNet: reached through the gateway subnet's router.
        reachableBy: gatewaySubnet.gatewayIp,
        nodeSelector: gatewayNodes,
        filters: [this.exportFilter],
        maxPeers: AZURE_ROUTE_SERVER_MAX_PEERS,
        peeringNodes: spoke.gatewayNodeIps.length,
      }],
    });
    this.felix = new FelixSettings(this.manifests, 'felix', { egressIPSupport: 'EnabledPerNamespace' });
    this.tenants = spoke.tenants.map((tenant) => new EgressGatewayTenant(this.manifests, tenant.name, {
      tenant,
      replicas,
      nodeSelector: { ...EGRESS_GATEWAY_NODE_LABELS },
      // The Route Server programs each gateway block into the spoke VNet, so client nodes reach it natively.
      nodeSubnets: [spoke.nodeSubnet.cidr, gatewaySubnet.cidr],
      fabricRoutesEgress: true,
    }));
  }
}
