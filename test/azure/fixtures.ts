import { TerraformStack } from 'cdktf';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { AksCluster, AksClusterProps, AksOutbound, NextHop, RouteTable, VirtualNetwork } from '../../lib/azure';
import { resourceGroup } from '../helpers';

/** A spoke with a gateway subnet and a node subnet, and a resource group, for the ingress tests. */
export interface Spoke {
  readonly rg: ResourceGroup;
  readonly vnet: VirtualNetwork;
}

export function spoke(stack: TerraformStack, gwPrefix = '10.1.0.0/24'): Spoke {
  const rg = resourceGroup(stack, 'spoke');
  const vnet = new VirtualNetwork(stack, 'k8snet', {
    resourceGroup: rg,
    name: 'k8snet',
    addressSpace: ['10.1.0.0/16'],
    subnets: [
      { name: 'gw-1-subnet', addressPrefix: gwPrefix },
      { name: 'aks-1-subnet', addressPrefix: '10.1.4.0/22' },
    ],
  });
  return { rg, vnet };
}

/** A node route table whose 0.0.0.0/0 goes to an appliance at 10.0.0.4 (a firewall), on aks-1-subnet. */
export function nodeRouteTable(stack: TerraformStack, s: Spoke): RouteTable {
  return new RouteTable(stack, 'node-rt', {
    resourceGroup: s.rg,
    name: 'secureaks1-rt',
    routes: [{ name: 'fw', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.0.0.4') }],
    subnets: [s.vnet.subnet('aks-1-subnet')],
  });
}

/** A cluster on aks-1-subnet with UDR egress through the node route table. */
export function cluster(stack: TerraformStack, s: Spoke, over: Partial<AksClusterProps> = {}): AksCluster {
  if (!s.vnet.subnet('aks-1-subnet').routeTable) nodeRouteTable(stack, s);
  return new AksCluster(stack, 'aks', {
    resourceGroup: s.rg,
    name: 'secureaks1',
    defaultNodePool: { subnet: s.vnet.subnet('aks-1-subnet'), nodeCount: 2 },
    network: { plugin: 'azure', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10' },
    outbound: AksOutbound.userDefinedRouting(),
    workloadIdentity: true,
    ...over,
  });
}
