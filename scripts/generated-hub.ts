/**
 * A generated hub-spoke app for the scaling benchmark: one hub (Azure Firewall with a Firewall
 * Policy), N spokes, each with its VNet, peering, firewall route table, an AKS cluster (Calico,
 * userDefinedRouting) and two egress gateway tenants whose ranges the firewall lets out; plus one
 * cluster stack per spoke with the tenants' Calico objects. Addresses are carved from fixed blocks, so
 * every spoke count synthesizes deterministically.
 *
 * Unlike document 000 it has no Route Server: one Route Server peers with at most 8 BGP speakers.
 */
import { App, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Cidr, RuleCollections } from '../lib/core';
import {
  AksCluster, AksOutbound, AzureFirewall, FirewallRouteTable, HubSpokePeering, VirtualNetwork,
} from '../lib/azure';
import { ClusterManifests, EgressExportFilter, EgressGatewayTenant, EgressTenant, FelixSettings } from '../lib/calico';

/** The most spokes the address plan below holds (second octets 1 to 199 for spokes). */
export const GENERATED_HUB_MAX_SPOKES = 199;

/** Adds a generated hub with `spokes` spokes to `app`: one cloud stack and one cluster stack per spoke. */
export function buildGeneratedHub(app: App, spokes: number): void {
  if (!Number.isInteger(spokes) || spokes < 1 || spokes > GENERATED_HUB_MAX_SPOKES) {
    throw new RangeError(`a generated hub has 1 to ${GENERATED_HUB_MAX_SPOKES} spokes, got ${spokes}`);
  }
  const cloud = new TerraformStack(app, `generated-hub-${spokes}`);
  new AzurermProvider(cloud, 'azurerm', { features: [{}] });
  const location = 'eastus';
  const hubRg = new ResourceGroup(cloud, 'hub-rg', { name: 'gen-hub', location });
  const hub = new VirtualNetwork(cloud, 'hub-vnet', {
    resourceGroup: hubRg, name: 'gen-hub-vnet', addressSpace: ['10.0.0.0/22'],
    subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }],
  });
  const firewall = new AzureFirewall(cloud, 'hub-fw', {
    resourceGroup: hubRg, name: 'gen-hub-fw', subnet: hub.subnet('AzureFirewallSubnet'), publicIpCount: 2,
    ruleCollections: [RuleCollections.application({
      name: 'aks', priority: 100, action: 'Allow',
      rules: [{ name: 'aks-fqdn-tag', fqdnTags: ['AzureKubernetesService'], protocols: [{ type: 'Https', port: 443 }] }],
    })],
  });
  const egressBlock = Cidr.parse('10.250.0.0/16');

  for (let i = 1; i <= spokes; i++) {
    const name = `spoke${i}`;
    const rg = new ResourceGroup(cloud, `${name}-rg`, { name: `gen-${name}`, location });
    const vnet = new VirtualNetwork(cloud, `${name}-vnet`, {
      resourceGroup: rg, name: `gen-${name}-vnet`, addressSpace: [`10.${i}.0.0/22`],
      subnets: [{ name: 'nodes', addressPrefix: `10.${i}.0.0/24` }],
    });
    const peering = new HubSpokePeering(cloud, `${name}-peering`, { hub, spoke: vnet });
    new FirewallRouteTable(cloud, `${name}-rt`, { resourceGroup: rg, name: `gen-${name}-rt`, firewall, subnets: [vnet.subnet('nodes')] });
    const tenants = [0, 1].map((t) => new EgressTenant({ name: `${name}-tenant${t}`, egressCidr: egressBlock.subnet(29, (i - 1) * 2 + t) }));
    firewall.addRuleCollection(RuleCollections.application({
      name: `${name}-tenants`, priority: 1000 + i, action: 'Allow',
      rules: tenants.map((t) => ({ name: t.name, sources: [t.egressCidr], targetFqdns: [`${t.name}.example.com`], protocols: [{ type: 'Https' as const, port: 443 }] })),
    }));
    const cluster = new AksCluster(cloud, `${name}-aks`, {
      resourceGroup: rg, name: `gen-${name}-aks`, defaultNodePool: { subnet: vnet.subnet('nodes'), nodeCount: 2 },
      network: { plugin: 'none', serviceCidr: '10.240.0.0/24', dnsServiceIp: '10.240.0.10', podCidr: '10.244.0.0/16' },
      outbound: AksOutbound.userDefinedRouting(),
      dependsOn: peering.dependables,
    });

    const clusterStack = new TerraformStack(app, `generated-hub-${spokes}-${name}`);
    const manifests = new ClusterManifests(clusterStack, 'calico', {
      provider: new KubernetesProvider(clusterStack, 'kubernetes', cluster.kubeConnection),
    });
    new EgressExportFilter(manifests, 'export-egress-ips', { name: 'export-egress-ips', tenants });
    tenants.forEach((tenant) => new EgressGatewayTenant(manifests, tenant.name, { tenant, replicas: 2, blockSize: 31 }));
    new FelixSettings(manifests, 'felix', {});  // egressIPSupport: EnabledPerNamespace, the library's default
  }
}
