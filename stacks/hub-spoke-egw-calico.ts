/**
 * hub-spoke-egw-calico: the in-cluster half of document 000 (Tigera's hub-spoke AKS egress gateway
 * blueprint), every row of ../shared/BLUEPRINT.md's "In-cluster resources" table except the helm
 * release (which the cloud stack, hub-spoke-egw, installs): Calico's BGP with the Azure Route Server,
 * tenant0 and tenant1's egress gateways, the export filter, `egw-policy`, the Felix patch, the
 * `default` namespace on tenant0 and the default pool kept out of BGP.
 *
 * The objects are Terraform `kubernetes_manifest` resources of a kubernetes provider configured from
 * the cloud stack's cluster credentials (cdktf cross-stack references: sensitive outputs there,
 * `terraform_remote_state` here), so `cdktf deploy '*'` applies the cloud stack first. The same
 * objects are written as YAML to cdktf.out/manifests/hub-spoke-egw-calico/ during synth.
 *
 * Where it differs from the blueprint, and why:
 * - BGPFilter `export-egress-ips` (a `CloudPeerFilter` with `announceLearnedRoutes`) rejects routes
 *   through Calico's tunnels (`vxlan.calico`, `tunl0`, `wireguard.cali`) first, then `Accept In
 *   10.99.0.0/29`, `Accept In 10.99.0.8/29`, then `Reject` (everything else), and imports nothing from
 *   the Route Server (`importV4: Reject`): the nodes reach the VNets by Azure's own routes, and the
 *   Route Server's routes must not reprogram the cluster. The blueprint's `Reject NotIn 10.99.0.0/29`,
 *   `Reject NotIn 10.99.0.8/29` is evaluated in order and the first matching rule decides, so its first
 *   rule rejects tenant1's range and tenant1 would never be announced. As the blueprint intends (its
 *   route reflectors' Route Server peers keep the original next hop, its filter has no source rule), the
 *   route reflectors announce the gateway blocks they learn from their clients (`source: RemotePeers` is
 *   not rejected) with the client as next hop (`nextHopMode: Keep`), which the Route Server installs in both
 *   VNets (Azure Route Server's "next hop IP"): the gateways run on any node, and only the route
 *   reflectors peer with the Route Server. Rejecting learned routes (the library's default, which AWS
 *   Transit Gateway Connect needs) would leave every gateway on a default-pool node unannounced, and the
 *   firewall's replies to it without a route; the gateways' nodeSelector is checked against that at synth.
 * - The filter is listed in `filters` of the two Route Server peers. A BGPFilter only acts on the
 *   peerings that name it; the blueprint creates it without naming it anywhere. The route reflector
 *   peering stays unfiltered: the nodes need each other's routes.
 * - The EgressGateways live in `tenant0-egw` / `tenant1-egw` (the blueprint's module uses `tenant0`
 *   while its manifests use `tenant0-egw`).
 * - Peer IPs come from the Route Server construct (`routeServer.peerIps`), `reachableBy` from the route reflector
 *   subnet's gateway, the AS numbers from the cloud stack and the Route Server; the tenants' ranges
 *   from the same `EgressTenant` values the cloud stack's firewall rule uses.
 * - `egw-policy`'s 8.8.8.8 rule keeps the description of the blueprint's manifest ("Gateway to GoogleDNS")
 *   and selects the gateway pods beside their namespace, but with `tenant == 'tenant0-egw'`, not the
 *   blueprint's `k8s-app == 'tenant0-egw'`: the operator labels gateway pods with the EgressGateway's
 *   `template.metadata.labels` (here `tenant: tenant0-egw`), or `projectcalico.org/egw: <name>` when none
 *   are given, never `k8s-app`, so the blueprint's selector would match no gateway.
 * - The document enables per-pod egress selection (`EnabledPerNamespaceOrPerPod`), which this stack
 *   keeps, with a ValidatingAdmissionPolicy `egress-gateway-pod-annotations` and its binding: pods may
 *   carry `egress.projectcalico.org/*` annotations only in `default`, naming tenant0. Without it any pod
 *   author could choose a tenant's gateways and take the source range the firewall trusts. Needs
 *   Kubernetes 1.30 or later (admissionregistration.k8s.io/v1).
 * - The gateway pods get a termination grace period of 60 s (the library's default), not the
 *   blueprint's 0: Calico annotates the pods using a terminating gateway with its maintenance window,
 *   which is empty with 0, so long-lived connections break without warning.
 * - The Route Server peers use `nextHopMode: Keep`, which replaces the blueprint's deprecated
 *   `keepOriginalNextHop: true` in the BGPPeer CRD of Calico 3.30 and later (the CRD refuses both together).
 * - Existing objects are patched declaratively rather than with `kubectl patch`/`annotate`:
 *   FelixConfiguration `default` and BGPConfiguration `default` (which Calico creates itself) are
 *   imported into Terraform's state (kubernetes_manifest refuses to create an object that exists),
 *   applied server-side with the library's field manager and forced conflicts, and protected from
 *   deletion (`prevent_destroy`; the `calico_teardown` output lists the `terraform state rm` to run
 *   before a destroy); the `default` namespace gets its annotation through `kubernetes_annotations`.
 * - The default pool is not patched: the cloud stack sets `disableBGPExport` on the operator's
 *   Installation, which owns that pool and reconciles it (the blueprint's `kubectl patch` would be
 *   a second owner of the same field).
 * - The objects are checked against the cloud stack's Calico edition: with open source, the egress
 *   gateways, `egw-policy` and Felix's `egressIPSupport` are refused at synth.
 * - Route reflectors that reflect: the blueprint labels every node `route-reflector=true` and gives
 *   none a route reflector cluster ID, so none reflects. Here the route reflectors are the cloud stack's
 *   dedicated pool `rr` (in RouteReflectorSubnet); `calico-route-reflector-id` (ServiceAccount,
 *   ClusterRole to get and patch nodes, binding, DaemonSet on `route-reflector == 'true'` nodes)
 *   annotates each of them with `projectcalico.org/RouteReflectorClusterID=244.0.0.1`, also nodes AKS
 *   replaces later (AKS node pools cannot set annotations, and node names are unknown at synth).
 *   `peer-with-route-reflectors` (every node with the route reflectors) is Calico's documented
 *   peering; the Route Server peers are the pool's 4 possible addresses (nodes plus surge), reached
 *   through RouteReflectorSubnet's gateway (see README, "Route reflectors").
 *
 * Egress gateways, EgressGatewayPolicy, `egressIPSupport` and flow logs are Calico Enterprise / Calico
 * Cloud features: the document joins the cluster to Calico Cloud before this step.
 */
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ValidationError } from '../lib/core';
import { AZURE_RESERVED_ASNS, AZURE_ROUTE_SERVER_MAX_PEERS } from '../lib/azure';
import {
  CalicoBgp, CloudPeerFilter, ClusterManifests, EgressGatewayTenant, EgressPolicy, EgressTenant, FelixSettings, IpPoolPatch,
  NamespaceEgress, RouteReflectorClusterId, labelSelector,
} from '../lib/calico';
import { SecurityChecks } from '../lib/checks';
import { HubSpokeEgwStack } from './hub-spoke-egw';

/** Inputs of the cluster stack. */
export interface HubSpokeEgwCalicoStackProps {
  /** The cloud stack: cluster credentials, Route Server, node subnet and AS numbers come from it. */
  readonly cloud: HubSpokeEgwStack;
  /** The tenants; the first one gets the `default` namespace and egw-policy's 8.8.8.8 rule. @default - the cloud stack's */
  readonly tenants?: readonly EgressTenant[];
}

/** The cluster stack of document 000: Calico's BGP, egress gateways and egress selection. */
export class HubSpokeEgwCalicoStack extends TerraformStack {
  public readonly manifests: ClusterManifests;
  public readonly bgp: CalicoBgp;
  public readonly routeReflectorClusterId: RouteReflectorClusterId;
  public readonly exportFilter: CloudPeerFilter;
  public readonly tenants: readonly EgressGatewayTenant[];

  constructor(scope: Construct, id: string, props: HubSpokeEgwCalicoStackProps) {
    super(scope, id);
    const { cloud } = props;
    const tenants = props.tenants ?? cloud.tenants;
    const tenant0 = tenants[0];
    if (!tenant0) throw new ValidationError(this, 'tenants', [], 'the stack needs at least one egress gateway tenant');

    const kubernetes = new KubernetesProvider(this, 'kubernetes', cloud.cluster.kubeConnection);
    this.manifests = new ClusterManifests(this, 'calico', { provider: kubernetes, edition: cloud.calico.edition });

    // The route reflectors announce their clients' gateway blocks with the client as next hop (`Keep`),
    // which the Route Server installs ("next hop IP"): the gateways may run on any node.
    this.exportFilter = new CloudPeerFilter(this.manifests, 'export-egress-ips', { name: 'export-egress-ips', tenants, announceLearnedRoutes: true });
    const routeReflectors = labelSelector(cloud.routeReflectorLabels);
    this.routeReflectorClusterId = new RouteReflectorClusterId(this.manifests, 'route-reflector-id', {
      nodeLabels: cloud.routeReflectorLabels,
      clusterId: '244.0.0.1',
    });
    this.bgp = new CalicoBgp(this.manifests, 'bgp', {
      asNumber: cloud.calicoAsn,
      reservedAsns: AZURE_RESERVED_ASNS,
      nodeToNodeMesh: false,
      logSeverity: 'Info',
      routeReflectors: { name: 'peer-with-route-reflectors', selector: routeReflectors, clients: 'all()' },
      externalRouters: [{
        name: 'azure-route-server',
        peerIps: cloud.routeServer.peerIps,
        asNumber: cloud.routeServer.asn,
        reachableBy: cloud.routeReflectorPool.subnet.gatewayIp,
        nextHopMode: 'Keep',
        nodeSelector: routeReflectors,
        filters: [this.exportFilter],
        maxPeers: AZURE_ROUTE_SERVER_MAX_PEERS,
        peeringNodes: cloud.routeReflectorCount,
      }],
    });

    this.tenants = tenants.map((tenant) => new EgressGatewayTenant(this.manifests, tenant.name, { tenant, replicas: 2, blockSize: 31 }));
    for (const gatewayTenant of this.tenants.slice(1)) {
      SecurityChecks.exempt(gatewayTenant, 'EGRESS007',
        `document 000 names only the first tenant (${tenant0.name}) in a firewall rule; ${gatewayTenant.tenant.name} shows a tenant ` +
        'the firewall gives nothing of its own: it reaches only what the rules from * allow');
    }

    new EgressPolicy(this.manifests, 'egw-policy', {
      name: 'egw-policy',
      rules: [
        { destination: '10.0.0.0/8', description: 'Local: no gateway' },
        { destination: '8.8.8.8/32', description: 'Gateway to GoogleDNS', gateway: tenant0 },
      ],
    });
    new FelixSettings(this.manifests, 'felix', {
      egressIPSupport: 'EnabledPerNamespaceOrPerPod',
      podEgressGrants: [{ tenant: tenant0, namespaces: ['default'] }],
      flowLogsFlushInterval: '15s',
      flowLogsFileAggregationKindForAllowed: 1,
    });
    new NamespaceEgress(this.manifests, 'default-namespace', { namespace: 'default', tenant: tenant0 });
    // The operator's Installation already sets disableBGPExport (cloud stack): the patch then renders nothing.
    new IpPoolPatch(this.manifests, 'default-pool', { name: 'default-ipv4-ippool', spec: { disableBGPExport: true }, installedBy: cloud.calico });
  }
}
