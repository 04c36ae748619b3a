import { TerraformStack } from 'cdktf';
import {
  AksCluster, AksClusterProps, AksOutbound, AzureFirewall, FirewallRuleFormat, Subnet, VirtualNetwork,
} from '../../lib/azure';

/** A plain resource group: literal name and location in the JSON. */
export const rg = { name: 'rg', location: 'westeurope' };

/** The cluster network most tests use: Azure CNI, a service range clear of the test VNet. */
export const azureCni = { plugin: 'azure', serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10' } as const;

/** A VNet 10.42.0.0/16 with `nodes` (10.42.1.0/24) and `AzureFirewallSubnet` (10.42.2.0/24). */
export function vnet(stack: TerraformStack): VirtualNetwork {
  return new VirtualNetwork(stack, 'vnet', {
    resourceGroup: rg,
    name: 'vnet',
    addressSpace: ['10.42.0.0/16'],
    subnets: [
      { name: 'nodes', addressPrefix: '10.42.1.0/24' },
      { name: 'AzureFirewallSubnet', addressPrefix: '10.42.2.0/24' },
    ],
  });
}

/** A classic-rules firewall in the VNet's AzureFirewallSubnet, without diagnostics. */
export function firewall(stack: TerraformStack, net: VirtualNetwork, over: Partial<ConstructorParameters<typeof AzureFirewall>[2]> = {}): AzureFirewall {
  return new AzureFirewall(stack, 'fw', {
    resourceGroup: rg,
    name: 'fw',
    subnet: net.subnet('AzureFirewallSubnet'),
    ruleFormat: FirewallRuleFormat.classic(),
    diagnostics: false,
    ...over,
  });
}

/** A cluster `aks` with 3 nodes and Azure CNI; without `nodeSubnet`, in a VNet AKS manages. */
export function cluster(stack: TerraformStack, outbound: AksOutbound | undefined,
  over: Partial<AksClusterProps> & { nodeSubnet?: Subnet } = {}): AksCluster {
  const { nodeSubnet, ...rest } = over;
  return new AksCluster(stack, 'aks', {
    resourceGroup: rg,
    name: 'aks',
    defaultNodePool: { nodeCount: 3, subnet: nodeSubnet },
    network: azureCni,
    outbound,
    ...rest,
  });
}
