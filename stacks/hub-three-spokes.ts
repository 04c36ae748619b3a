/**
 * A hub with three spokes, two egress gateway tenants each, built from the patterns `EgressHub` and
 * `EgressSpoke` (no source document: it shows the patterns of issue 15). The hub has a Firewall Policy
 * with DNS proxy and a Route Server; each spoke has its VNet, peering, route table to the firewall, an AKS
 * cluster with user-defined routing, the AKS and API-server rules and one rule collection per tenant.
 * Rule priorities are allotted by the hub. The cluster-side Calico objects are not part of this example.
 * Its ranges (10.60-10.63, tenants 10.98) are clear of the other examples, which share one app. The API servers accept only 203.0.113.0/24 (a documentation range standing for the deployers' network).
 */
import { App, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { EgressTenant } from '../lib/calico/egress-tenant';
import { EgressHub } from '../lib/patterns/egress-hub';
import { EgressSpoke } from '../lib/patterns/egress-spoke';

/** Builds the example in `app` and returns its stack. */
export function hubThreeSpokes(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'hub-three-spokes');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const hub = new EgressHub(stack, 'hub', {
    name: 'p-hub',
    addressSpace: ['10.60.0.0/22'],
    firewallSubnetPrefix: '10.60.0.0/24',
    routeServer: { subnetPrefix: '10.60.1.0/24' },
  });
  for (const i of [1, 2, 3]) {
    new EgressSpoke(stack, `spoke${i}`, {
      hub,
      name: `p-spoke${i}`,
      addressSpace: `10.6${i}.0.0/22`,
      apiServerAuthorizedIpRanges: ['203.0.113.0/24'],
      tenants: ['a', 'b'].map((t, j) => ({
        tenant: new EgressTenant({ name: `${t}${i}`, egressCidr: `10.98.${i}.${j * 8}/29` }),
        allowFqdns: [`${t}${i}.example.com`],
      })),
    });
  }
  return stack;
}
