import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  AksCluster, AksOutbound, AzureFirewall, FirewallRouteTable, HubSpokePeering, RouteServer, VirtualNetwork,
} from '../../lib/azure';
import { CalicoBgp, ClusterManifests, EgressExportFilter, EgressTenant, TenantGateways } from '../../lib/calico';
import { RuleCollections } from '../../lib/core';
import { SecurityChecks } from '../../lib/checks';
import { azureStack, resourceGroup } from '../helpers';
import { modelOf, removeOutdirs, reportOf, section } from './fixtures';
import { annotations } from '../checks/helpers';

afterAll(removeOutdirs);

const POLICY_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/firewallPolicies/hub-fw-policy';
const RS_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/virtualHubs/hub-rs';

/**
 * A hub the network team owns (VNet, firewall with its Firewall Policy, Route Server), brought in by
 * attributes; a new spoke with AKS behind the hub's firewall; a cluster stack with two tenants, of
 * which only tenant0 has a rule on the existing policy.
 */
function existingHubApp(app: App): void {
  const cloud = azureStack(app, 'cloud');
  const netRg = resourceGroup(cloud, 'net');
  const hub = VirtualNetwork.fromExisting(cloud, 'hub', {
    resourceGroup: netRg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'],
    subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }, { name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/24' }],
  });
  const routeServer = RouteServer.fromExisting(cloud, 'rs', { routeServerId: RS_ID, subnet: hub.subnet('RouteServerSubnet') });
  const t0 = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
  const t1 = new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' });
  const firewall = AzureFirewall.fromAttributes(cloud, 'fw', {
    name: 'hub-fw', privateIp: '10.0.0.4', publicIps: ['20.1.2.3'], dnsProxyEnabled: true,
    firewallPolicyId: POLICY_ID, groupNamePrefix: 'spoke1', groupPriorities: { application: 2300 },
    ruleCollections: [RuleCollections.application({
      name: 'tenant0-web', priority: 200, action: 'Allow',
      rules: [{ name: 'tigera', sources: [t0.egressCidr], targetFqdns: ['www.tigera.io'], protocols: [{ type: 'Https', port: 443 }] }],
    })],
  });
  const rg = resourceGroup(cloud, 'spoke');
  const spoke = new VirtualNetwork(cloud, 'spoke', {
    resourceGroup: rg, name: 'spoke-vnet', addressSpace: ['10.1.0.0/22'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/24' }],
  });
  const nodes = spoke.subnet('nodes');
  new HubSpokePeering(cloud, 'peering', { hub, spoke, gateway: routeServer });
  for (const i of [0, 1]) routeServer.addPeer({ name: `node-${i}`, peerIp: nodes.hostIp(i), peerAsn: 63400 });
  new FirewallRouteTable(cloud, 'rt', { resourceGroup: rg, name: 'spoke-rt', firewall, subnets: [nodes] });
  const cluster = new AksCluster(cloud, 'aks', {
    resourceGroup: rg, name: 'spoke-aks', defaultNodePool: { subnet: nodes, nodeCount: 2 },
    network: { plugin: 'none', serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/24' },
    outbound: AksOutbound.userDefinedRouting(),
  });

  const clusterStack = new TerraformStack(app, 'cluster');
  const manifests = new ClusterManifests(clusterStack, 'calico', { provider: new KubernetesProvider(clusterStack, 'kubernetes', cluster.kubeConnection) });
  const filter = new EgressExportFilter(manifests, 'export', { name: 'export-egress-ips', tenants: [t0, t1] });
  new CalicoBgp(manifests, 'bgp', {
    asNumber: 63400, nodeToNodeMesh: false,
    externalRouters: [{ name: 'route-server', peerIps: routeServer.routerIps, asNumber: routeServer.asn, reachableBy: nodes.gatewayIp, filters: [filter] }],
  });
  for (const t of [t0, t1]) new TenantGateways(manifests, t.name, { tenant: t });
  for (const s of [cloud, clusterStack]) Aspects.of(s).add(new SecurityChecks({ defaultLevel: 'off', levels: { EGRESS007: 'warning' } }));
}

describe('an existing hub in the report and the checks', () => {
  let md: string;
  beforeAll(() => {
    md = reportOf(existingHubApp);
  });

  test('the existing policy is a firewall holding only this app\'s groups', () => {
    const fws = section(md, '## Firewalls');
    expect(fws).toContain('hub-fw');
    expect(fws).toContain('existing Firewall Policy hub-fw-policy: only this app\'s rule collection groups are in the output');
    expect(fws).toContain('tenant0-web');
  });

  test('the cluster leaves through the existing firewall, and its rules name tenant0', () => {
    expect(md).toContain('| tenant0 | `cluster` | `10.99.0.0/29` (pool tenant0-pool) | `tenant0-egw/tenant0-egw` | spoke-aks (`cloud`) | 1 | firewall hub-fw, then the Internet with SNAT to public IP 20.1.2.3 |');
    expect(md).toContain('| Egress tenants | 2; ⚠️ 1 whose range no firewall rule names: tenant1 |');
  });

  test('the model links the cluster to the existing firewall', () => {
    const model = modelOf(existingHubApp);
    const cluster = model.clusters.find((c) => c.name === 'spoke-aks')!;
    expect(cluster.firewallKeys).toEqual([`existing-firewall-policy:${POLICY_ID}`]);
  });
});

test('the security checks see the existing hub: EGRESS007 flags only the tenant no rule of the existing policy names', () => {
  const app = Testing.app();
  existingHubApp(app);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) Testing.synth(stack, true);
  expect(annotations(app, 'warning').filter((w) => w.includes('EGRESS007'))).toEqual([
    'cluster/calico/tenant1: tenant.egressCidr is "10.99.0.8/29"; no rule of cloud/fw names it as a source, so the tenant\'s egress identity buys it nothing at the firewall; '
    + 'add a rule with sources: [tenant.egressCidr] (security check EGRESS007 tenant-without-firewall-rule)',
  ]);
});
