/**
 * A hub with three spokes, two egress gateway tenants each, cloud and cluster, built from the patterns
 * `EgressHub`, `EgressSpoke` and `EgressSpokeCluster` (no source document: it shows the patterns of issue 15).
 *
 * Cloud stack `hub-three-spokes`: the hub has a Firewall Policy with DNS proxy and a Route Server; each spoke
 * has its VNet with a node subnet and a gateway node subnet, peering, route table to the firewall, an AKS
 * cluster with user-defined routing, the AKS and API-server rules, one rule collection per tenant (priorities
 * allotted by the hub), Calico Cloud's operator through a helm provider aliased after the spoke, and a node
 * pool `egw` of 2 egress gateway nodes whose 2 addresses are BGP peers of the Route Server (AS 64512).
 *
 * Cluster stack `hub-three-spokes-calico`: per spoke a kubernetes provider aliased after the spoke, configured
 * from the cloud stack's cluster (cross-stack reference), the BGPFilter `cloud-peer-egress`, Calico's BGP with
 * BGPPeers from the gateway nodes to the Route Server's two addresses, the tenants' namespaces, IPPools and
 * EgressGateways on the gateway nodes, and Felix's `egressIPSupport`.
 *
 * Where it differs from the hub-spoke-egw example (document 000), and why: the Route Server peers with
 * dedicated gateway nodes, not route reflectors. An Azure Route Server takes 8 BGP peers; a route reflector
 * pool needs 4 (3 reflectors and a surge node), so three spokes would need 12. Each spoke's `egw` pool
 * upgrades without surge nodes (max surge 0, max unavailable 1), so its 2 nodes only ever hold the gateway
 * subnet's first 2 addresses: 6 peers for three spokes. The gateways run on those nodes, which announce the
 * blocks they hold.
 *
 * Its ranges (10.60-10.63, tenants 10.98) are clear of the other examples, which share one app. The API
 * servers accept only 203.0.113.0/24 (a documentation range standing for the deployers' network) beside the
 * firewall's public IP.
 */
import { App, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { EgressTenant } from '../lib/calico/egress-tenant';
import { EgressHub } from '../lib/patterns/egress-hub';
import { EgressSpoke } from '../lib/patterns/egress-spoke';
import { EgressSpokeCluster } from '../lib/patterns/egress-spoke-cluster';

/** The example's two stacks. */
export interface HubThreeSpokes {
  readonly cloud: TerraformStack;
  readonly cluster: TerraformStack;
}

/** Builds the example in `app`: the cloud stack and the cluster stack. */
export function hubThreeSpokes(app: App): HubThreeSpokes {
  const cloud = new TerraformStack(app, 'hub-three-spokes');
  const cluster = new TerraformStack(app, 'hub-three-spokes-calico');
  new AzurermProvider(cloud, 'azurerm', { features: [{}] });
  const hub = new EgressHub(cloud, 'hub', {
    name: 'p-hub',
    addressSpace: ['10.60.0.0/22'],
    firewallSubnetPrefix: '10.60.0.0/24',
    routeServer: { subnetPrefix: '10.60.1.0/24' },
  });
  for (const i of [1, 2, 3]) {
    const spoke = new EgressSpoke(cloud, `spoke${i}`, {
      hub,
      name: `p-spoke${i}`,
      addressSpace: `10.6${i}.0.0/22`,
      nodeSubnetPrefix: `10.6${i}.0.0/24`,
      apiServerAuthorizedIpRanges: ['203.0.113.0/24'],
      calico: { gatewaySubnetPrefix: `10.6${i}.1.0/28` },
      tenants: ['a', 'b'].map((t, j) => ({
        tenant: new EgressTenant({ name: `${t}${i}`, egressCidr: `10.98.${i}.${j * 8}/29` }),
        allowFqdns: [`${t}${i}.example.com`],
      })),
    });
    new EgressSpokeCluster(cluster, `spoke${i}`, { spoke });
  }
  return { cloud, cluster };
}
