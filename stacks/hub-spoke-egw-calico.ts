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
 * - BGPFilter `export-egress-ips` (a `CloudPeerFilter`) rejects routes learned from other BGP peers
 *   (`source: RemotePeers`) and routes through Calico's tunnels (`vxlan.calico`, `tunl0`,
 *   `wireguard.cali`) first, so a route reflector announces only the gateway blocks it holds, not other
 *   nodes' blocks with their addresses as next hop (`keepOriginalNextHop`); then `Accept In
 *   10.99.0.0/29`, `Accept In 10.99.0.8/29`, then `Reject` (everything else); and it imports nothing
 *   from the Route Server (`importV4: Reject`): the nodes reach the VNets by Azure's own routes, and
 *   the Route Server's routes must not reprogram the cluster. The blueprint's `Reject NotIn 10.99.0.0/29`, `Reject NotIn 10.99.0.8/29` is
 *   evaluated in order and the first matching rule decides, so its first rule rejects tenant1's range
 *   and tenant1 would never be announced.
 * - The filter is listed in `filters` of the two Route Server peers. A BGPFilter only acts on the
 *   peerings that name it; the blueprint creates it without naming it anywhere. The route reflector
 *   peering stays unfiltered: the nodes need each other's routes.
 * - The EgressGateways live in `tenant0-egw` / `tenant1-egw` (the blueprint's module uses `tenant0`
 *   while its manifests use `tenant0-egw`).
 * - Peer IPs come from the Route Server construct (`routeServer.peerIps`), `reachableBy` from the AKS
 *   subnet's gateway, the AS numbers from the cloud stack and the Route Server; the tenants' ranges
 *   from the same `EgressTenant` values the cloud stack's firewall rule uses.
 * - Existing objects are patched declaratively rather than with `kubectl patch`/`annotate`:
 *   FelixConfiguration `default` and IPPool `default-ipv4-ippool` are imported into Terraform's state
 *   (kubernetes_manifest refuses to create an object that exists) and applied server-side with the
 *   library's field manager and forced conflicts; the `default` namespace gets its annotation through
 *   `kubernetes_annotations`. The cloud stack also sets `disableBGPExport` on the operator's
 *   Installation, which the operator reconciles the default pool from.
 * - No node gets a `routeReflectorClusterID`: every node of the AKS pool carries the
 *   `route-reflector=true` label, so `peer-with-route-reflectors` peers all nodes with all nodes and no
 *   node has to reflect routes (see README, "Route reflectors").
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
  NamespaceEgress, labelSelector,
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
  public readonly exportFilter: CloudPeerFilter;
  public readonly tenants: readonly EgressGatewayTenant[];

  constructor(scope: Construct, id: string, props: HubSpokeEgwCalicoStackProps) {
    super(scope, id);
    const { cloud } = props;
    const tenants = props.tenants ?? cloud.tenants;
    const tenant0 = tenants[0];
    if (!tenant0) throw new ValidationError(this, 'tenants', [], 'the stack needs at least one egress gateway tenant');

    const kubernetes = new KubernetesProvider(this, 'kubernetes', cloud.cluster.kubeConnection);
    this.manifests = new ClusterManifests(this, 'calico', { provider: kubernetes });

    this.exportFilter = new CloudPeerFilter(this.manifests, 'export-egress-ips', { name: 'export-egress-ips', tenants });
    const routeReflectors = labelSelector(cloud.routeReflectorLabels);
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
        reachableBy: cloud.cluster.nodeSubnet.gatewayIp,
        keepOriginalNextHop: true,
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
        { destination: '8.8.8.8/32', gateway: tenant0 },
      ],
    });
    new FelixSettings(this.manifests, 'felix', {
      egressIPSupport: 'EnabledPerNamespaceOrPerPod',
      flowLogsFlushInterval: '15s',
      flowLogsFileAggregationKindForAllowed: 1,
    });
    new NamespaceEgress(this.manifests, 'default-namespace', { namespace: 'default', tenant: tenant0 });
    new IpPoolPatch(this.manifests, 'default-pool', { name: 'default-ipv4-ippool', spec: { disableBGPExport: true } });
  }
}
