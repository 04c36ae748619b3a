/**
 * hub-spoke-appgw: document 003 (Application Gateway WAF_v2 ingress, Azure Firewall egress, 2020),
 * brought up to date. Inbound traffic reaches the pods through the gateway in the spoke; everything
 * the nodes and pods send out goes through the hub's firewall, whose Firewall Policy names it.
 *
 * Address ranges (the document lost them; chosen here, non-overlapping, clear of AKS's reserved ranges):
 * - hubnet 10.0.0.0/22: AzureFirewallSubnet 10.0.0.0/26 (the size Azure Firewall asks for),
 *   bastionsubnet 10.0.1.0/24 (the document's plain jump-host subnet, not Azure Bastion's).
 * - k8snet 10.1.0.0/16: gw-1-subnet 10.1.0.0/24 (the size Azure recommends for Application Gateway v2),
 *   aks-1-subnet 10.1.4.0/22 and aks-2-subnet 10.1.8.0/22: with Azure CNI every pod takes an address
 *   of its node's subnet, so the node subnets are /22 (room for about 30 nodes of 30 pods each).
 * - Kubernetes services 10.2.0.0/16, cluster DNS 10.2.0.10: clear of both VNets.
 * - The firewall route's prefix (lost too) is 0.0.0.0/0: everything leaves through the firewall.
 * - `secureaks1-rt` is associated with both AKS subnets (the document attaches it to aks-1-subnet,
 *   where its cluster runs): aks-2-subnet is meant for a second cluster, and an unattached subnet
 *   would give that cluster a path around the firewall.
 *
 * Retired practices and their current equivalents:
 * - aad-pod-identity (retired) -> Microsoft Entra Workload ID: the controller's identity
 *   `dzk8sappgw1-id` trusts the chart's service account through a federated credential on the
 *   cluster's OIDC issuer. The grants aad-pod-identity needed (Managed Identity Operator and Virtual
 *   Machine Contributor for kubelet and control plane on the node group) are gone.
 * - The AGIC chart comes from Microsoft's OCI registry (oci://mcr.microsoft.com/azure-application-gateway/charts,
 *   ingress-azure 1.8.1), not the retired blob-storage helm repository.
 * - The identity lives in `securek8s`, not in the node group AKS owns (and deletes with the cluster).
 * - The controller's roles: Contributor on the gateway; Reader on `secureappgw` (the gateway's group,
 *   which the document missed: its helm values even named `securek8s` as the gateway's group) and on
 *   `securek8s`; and Network Contributor on `gw-1-subnet` only, because Azure now checks
 *   `subnets/join/action` on the gateway's subnet for every update of the gateway. Nothing wider.
 * - "Virtual Machine Contributor on the VNet" for the cluster -> Network Contributor on its node subnet
 *   `aks-1-subnet`, the minimum AKS documents for a cluster in your own VNet.
 * - The Docker bridge CIDR (`--docker-bridge-address`) is retired with dockershim and is not set.
 * - `az aks enable-addons --addons monitoring` -> the monitoring agent with managed-identity auth and
 *   its data collection rule, to the cluster's own workspace `secureaks1`.
 * - Classic firewall rules made one by one with the CLI -> a Firewall Policy (`dzk8sfw1-policy`),
 *   one rule collection group per kind (network 200, application 300), so the document's priorities
 *   (network `time` 101 and application `aksfwar` 101, `dns` 102 and `osupdates` 102) never clash.
 * - The lost `osupdates` FQDNs are the Ubuntu update hosts AKS documents today (security.ubuntu.com,
 *   azure.archive.ubuntu.com, changelogs.ubuntu.com, snapshot.ubuntu.com); the lost `dockerhub` FQDNs
 *   are `ContainerRegistries.dockerHub()`, the hosts Docker documents for pulls (auth.docker.io,
 *   registry-1.docker.io, production.cloudflare.docker.com and the R2 bucket Docker Hub serves layers from).
 * - Rule sources are the IP Group `secureaks-ipg` (aks-1-subnet and aks-2-subnet) instead of the
 *   document's `*`: only the clusters' nodes may use the egress rules.
 * - Rule collection group `dzk8sfw1-apiserver` (150) with network collection `aksapiserver`
 *   (`AksEgressRules.apiServerCollection`): TCP 443 to the API server by FQDN, which Microsoft's outbound
 *   rules ask for pods outside kube-system (the AGIC controller reads Ingresses there); the AGIC release
 *   waits for it. k8snet's DNS server is the firewall (`useFirewallDns`), so the nodes resolve that FQDN to
 *   the address the firewall matches.
 * - The gateway is WAF_v2 with a WAF policy (`dzk8sappgw1-waf`, OWASP 3.2, Prevention) instead of the
 *   inline WAF configuration, TLS policy AppGwSslPolicy20220101, and its access/WAF logs go to the
 *   firewall's workspace `dzk8sfw1-lagw`; Terraform ignores the listeners, backends and rules AGIC owns.
 * - Ingresses are `networking.k8s.io/v1` with `ingressClassName: azure-application-gateway` (the
 *   document's `extensions/v1beta1` Ingress is gone since Kubernetes 1.22); this stack deploys none.
 * - Kubernetes is AKS's default version at creation, as the document asked for it.
 * - Kubenet (the document's alternative, with a service principal) is not this stack's cluster; it is
 *   `AppGatewayPodRouting.kubenet({ routeTable })` of the gateway construct. The document copied every
 *   route of the node table to the gateway's table, the firewall's 0.0.0.0/0 included, which
 *   Application Gateway v2 does not support; the construct refuses that.
 * - The firewall and its public IPs are zone-redundant (zones 1, 2, 3), the library's default in a
 *   region with availability zones; the document creates them without zones.
 * - Both peerings allow forwarded traffic (the document allowed VNet access only), for traffic the
 *   hub firewall forwards into the spoke.
 */
import { Construct } from 'constructs';
import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { RuleCollection, RuleCollections } from '../lib/core';
import {
  AksCluster, AksEgressRules, AksOutbound, AppGatewayIngressController, ContainerRegistries, ApplicationGateway, AzureFirewall, FirewallRouteTable,
  FirewallRuleFormat, HubSpokePeering, IpGroup, LogAnalyticsWorkspace, RoleScope, VirtualNetwork,
} from '../lib/azure';
import { SecurityChecks } from '../lib/checks';

/** Service endpoints of the document's AKS subnets. */
export const AKS_SUBNET_SERVICE_ENDPOINTS = ['Microsoft.Sql', 'Microsoft.AzureCosmosDB', 'Microsoft.KeyVault', 'Microsoft.Storage'];

/** Hosts Ubuntu nodes fetch OS updates from (AKS's documented optional rules). */
export const UBUNTU_UPDATE_FQDNS = ['security.ubuntu.com', 'azure.archive.ubuntu.com', 'changelogs.ubuntu.com', 'snapshot.ubuntu.com'];

/** Hosts a Docker Hub pull talks to (Docker's documented allowlist). */
export const DOCKER_HUB_FQDNS: readonly string[] = ContainerRegistries.dockerHub().fqdns;

const WEB = [{ type: 'Http' as const, port: 80 }, { type: 'Https' as const, port: 443 }];

/** Document 003's firewall rules, by collection, with its names, priorities, ports and tags. */
export function document003RuleCollections(location: string): RuleCollection[] {
  return [
    RuleCollections.network({
      name: 'time', priority: 101, action: 'Allow',
      rules: [{ name: 'allow network', description: 'aks node time sync rule', protocols: ['UDP'], sources: ['*'], destinationAddresses: ['*'], destinationPorts: [123] }],
    }),
    RuleCollections.network({
      name: 'dns', priority: 102, action: 'Allow',
      rules: [{ name: 'allow network', description: 'aks node dns rule', protocols: ['Any'], sources: ['*'], destinationAddresses: ['*'], destinationPorts: [53] }],
    }),
    RuleCollections.network({
      name: 'servicetags', priority: 110, action: 'Allow',
      rules: [{
        name: 'allow service tags', description: 'allow service tags', protocols: ['Any'], sources: ['*'],
        destinationAddresses: ['AzureContainerRegistry', 'MicrosoftContainerRegistry', 'AzureActiveDirectory', 'AzureMonitor'],
        destinationPorts: ['*'],
      }],
    }),
    RuleCollections.network({
      name: 'hcp', priority: 120, action: 'Allow',
      rules: [{
        name: 'allow master tags', description: 'allow aks link access to masters', protocols: ['UDP'], sources: ['*'],
        destinationAddresses: [`AzureCloud.${location}`], destinationPorts: [1194],
      }],
    }),
    RuleCollections.application({
      name: 'aksfwar', priority: 101, action: 'Allow',
      rules: [{ name: 'fqdn', sources: ['*'], protocols: WEB, fqdnTags: ['AzureKubernetesService'] }],
    }),
    RuleCollections.application({
      name: 'osupdates', priority: 102, action: 'Allow',
      rules: [{ name: 'allow network', sources: ['*'], protocols: WEB, targetFqdns: UBUNTU_UPDATE_FQDNS }],
    }),
    // The document allows Docker Hub for its demo images, and advises against it in production.
    RuleCollections.application({
      name: 'dockerhub', priority: 200, action: 'Allow',
      rules: [{ name: 'allow network', sources: ['*'], protocols: WEB, targetFqdns: DOCKER_HUB_FQDNS }],
    }),
  ];
}

/** Inputs of the stack, defaulting to the document's. */
export interface HubSpokeAppgwStackProps {
  /** @default 'westeurope' */
  readonly location?: string;
}

/** Document 003: hub firewall, spoke with Application Gateway WAF_v2 and AKS, AGIC with Workload ID. */
export class HubSpokeAppgwStack extends TerraformStack {
  public readonly hubVnet: VirtualNetwork;
  public readonly spokeVnet: VirtualNetwork;
  public readonly firewall: AzureFirewall;
  public readonly routeTable: FirewallRouteTable;
  public readonly cluster: AksCluster;
  public readonly gateway: ApplicationGateway;
  public readonly ingressController: AppGatewayIngressController;

  constructor(scope: Construct, id: string, props: HubSpokeAppgwStackProps = {}) {
    super(scope, id);
    const location = props.location ?? 'westeurope';
    new AzurermProvider(this, 'azurerm', { features: [{}] });

    const vnetRg = new ResourceGroup(this, 'vnet-rg', { name: 'securevnets', location });
    const appgwRg = new ResourceGroup(this, 'appgw-rg', { name: 'secureappgw', location });
    const kubeRg = new ResourceGroup(this, 'kube-rg', { name: 'securek8s', location });

    this.hubVnet = new VirtualNetwork(this, 'hubnet', {
      resourceGroup: vnetRg,
      name: 'hubnet',
      addressSpace: ['10.0.0.0/22'],
      subnets: [
        { name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' },
        { name: 'bastionsubnet', addressPrefix: '10.0.1.0/24' },
      ],
    });
    this.spokeVnet = new VirtualNetwork(this, 'k8snet', {
      resourceGroup: vnetRg,
      name: 'k8snet',
      addressSpace: ['10.1.0.0/16'],
      subnets: [
        { name: 'gw-1-subnet', addressPrefix: '10.1.0.0/24' },
        { name: 'aks-1-subnet', addressPrefix: '10.1.4.0/22', serviceEndpoints: AKS_SUBNET_SERVICE_ENDPOINTS },
        { name: 'aks-2-subnet', addressPrefix: '10.1.8.0/22', serviceEndpoints: AKS_SUBNET_SERVICE_ENDPOINTS },
      ],
    });
    const aks1 = this.spokeVnet.subnet('aks-1-subnet');
    const aks2 = this.spokeVnet.subnet('aks-2-subnet');
    // The document's rules allow the AKS subnets, not `*`.
    const fromNodes = [new IpGroup(this, 'aks-ipg', { resourceGroup: vnetRg, name: 'secureaks-ipg', subnets: [aks1, aks2] }).id];

    const peering = new HubSpokePeering(this, 'hub-spoke1-peering', {
      hub: this.hubVnet,
      spoke: this.spokeVnet,
      hubToSpokeName: 'HubToSpoke1',
      spokeToHubName: 'Spoke1ToHub',
    });

    // One workspace for the network's security logs: the firewall's and the gateway's WAF.
    const networkLogs = new LogAnalyticsWorkspace(this, 'fw-log-analytics', { resourceGroup: vnetRg, name: 'dzk8sfw1-lagw' });
    this.firewall = new AzureFirewall(this, 'dzk8sfw1', {
      resourceGroup: vnetRg,
      name: 'dzk8sfw1',
      subnet: this.hubVnet.subnet('AzureFirewallSubnet'),
      publicIpNames: ['dzk8sfw1-ip'],
      ipConfigurationName: 'dzk8sfw1',
      ruleFormat: FirewallRuleFormat.policy(),
      diagnostics: { workspace: networkLogs },
      ruleCollections: document003RuleCollections(location).map((c) => RuleCollections.fromIpGroups(c, fromNodes)),
    });

    this.routeTable = new FirewallRouteTable(this, 'secureaks1-rt', {
      resourceGroup: vnetRg,
      name: 'secureaks1-rt',
      firewall: this.firewall,
      defaultRouteName: 'dzk8sfw1',
      subnets: [aks1, aks2],
    });

    const clusterLogs = new LogAnalyticsWorkspace(this, 'aks-log-analytics', { resourceGroup: kubeRg, name: 'secureaks1' });
    this.cluster = new AksCluster(this, 'secureaks1', {
      resourceGroup: kubeRg,
      name: 'secureaks1',
      nodeResourceGroupName: `securek8s_secureaks1_nodes_${location}`,
      defaultNodePool: { subnet: aks1, nodeCount: 2 },
      network: { plugin: 'azure', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10' },
      outbound: AksOutbound.userDefinedRouting(),
      containerInsights: { workspace: clusterLogs, dataCollectionRuleName: `MSCI-${location}-secureaks1` },
      workloadIdentity: true,
      dependsOn: peering.dependables,
    });
    SecurityChecks.exempt(this.cluster, 'EGRESS004',
      'document 003 keeps the API server public without authorized ranges: the AGIC helm release reaches it from wherever ' +
      'Terraform runs, which the example cannot know; in production authorize [...firewallPublicIpRanges(firewall), ' +
      '<the deployers\' ranges>] or make the cluster private and deploy from inside the VNet');
    // AksCluster grants its system-assigned identity Network Contributor on aks-1-subnet itself.

    this.gateway = new ApplicationGateway(this, 'dzk8sappgw1', {
      resourceGroup: appgwRg,
      name: 'dzk8sappgw1',
      subnet: this.spokeVnet.subnet('gw-1-subnet'),
      publicIpName: 'dzk8sappgw1-pip',
      autoscale: { minCapacity: 0, maxCapacity: 10 },
      http2: true,
      diagnostics: { workspace: networkLogs },
    });

    // Pods outside kube-system (the controller among them) reach the API server through the firewall.
    // The rule names the cluster, which waits for the default groups: it gets a group of its own.
    const apiServerGroup = { name: 'dzk8sfw1-apiserver', priority: 150 };
    this.firewall.addRuleCollection(RuleCollections.fromIpGroups(
      AksEgressRules.apiServerCollection({ cluster: this.cluster, priority: 100 }), fromNodes), { group: apiServerGroup });
    this.spokeVnet.useFirewallDns(this.firewall);

    const helm = new HelmProvider(this, 'helm', { kubernetes: this.cluster.kubeConnection });
    this.ingressController = new AppGatewayIngressController(this, 'agic', {
      provider: helm,
      gateway: this.gateway,
      cluster: this.cluster,
      identityName: 'dzk8sappgw1-id',
      identityResourceGroup: kubeRg,
      readerScopes: [RoleScope.resourceGroup(appgwRg), RoleScope.resourceGroup(kubeRg)],
      namespace: 'kube-system',
      watchNamespaces: ['default'],
      dependsOn: [this.firewall.policyRuleCollectionGroups[apiServerGroup.name]],
    });

    new TerraformOutput(this, 'firewall_private_ip', { value: this.firewall.privateIp });
    new TerraformOutput(this, 'firewall_public_ips', { value: this.firewall.publicIps });
    new TerraformOutput(this, 'appgw_public_ip', { value: this.gateway.publicIp });
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
    new TerraformOutput(this, 'get_credentials', {
      value: Fn.join(' ', ['az aks get-credentials --name', this.cluster.name, '--resource-group', kubeRg.name]),
    });
  }
}
