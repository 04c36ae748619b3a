/**
 * aks-firewall-udr: document 002, Microsoft's "Control egress traffic using Azure Firewall in AKS",
 * with PREFIX `aks-egress` in `eastus`: DNS proxy, the network rules apiudp, apitcp, time, ghcr and
 * docker, the application rule fqdn, the two routes, API server authorized IP ranges and the DNAT rule
 * collection exampleset, in the firewall's classic rules.
 *
 * Where it differs from the document, and why:
 * - The DNAT target is an internal load balancer, not the public EXTERNAL-IP of the document's
 *   store-front service: the document's own warning applies, a public load balancer on a cluster whose
 *   default route goes to the firewall breaks on asymmetric routing. The internal load balancer gets a
 *   small subnet of its own, `ilb-subnet` 10.42.3.0/28, and a fixed address the stack pins (its first
 *   usable one, 10.42.3.4, output as `internal_load_balancer_ip`), so the DNAT rule is complete on the
 *   first apply (the document reads the IP from `kubectl get services` afterwards, a second phase).
 *   Annotate the service `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`,
 *   `service.beta.kubernetes.io/azure-load-balancer-internal-subnet: "ilb-subnet"` and
 *   `service.beta.kubernetes.io/azure-load-balancer-ipv4: "10.42.3.4"` (the annotation AKS documents in
 *   place of the deprecated `spec.loadBalancerIP`). The cluster's identity gets Network Contributor on
 *   `ilb-subnet`, which AKS needs to place a load balancer frontend there.
 * - Container registries (ghcr, docker) are application rules in `aksfwar` (matched by TLS SNI), not
 *   FQDN network rules, which match only for clients that resolve through the firewall; Docker Hub is
 *   `ContainerRegistries.dockerHub()`, Docker's current allowlist (token service, registry, both layer CDNs).
 * - The VNet's DNS server is the firewall (`useFirewallDns`, a separate
 *   `azurerm_virtual_network_dns_servers` resource, so no cycle with the firewall in the VNet): the
 *   `time` rule names ntp.ubuntu.com, an FQDN in a network rule, which matches the address the nodes
 *   resolved only when they resolved it through the firewall's DNS proxy.
 * - Network collection `aksapiserver` (priority 110, `AksEgressRules.apiServerCollection`): TCP 443 to
 *   the cluster's API server by FQDN, which Microsoft's outbound rules ask for pods outside kube-system
 *   that use the Kubernetes API; the document leaves it out.
 * - Service range: `az aks create` defaults to 10.0.0.0/16 (DNS 10.0.0.10); the library checks a
 *   cluster's service range against every VNet the app declares, and hub-spoke-egw's hub VNet
 *   10.0.0.0/22 is in the same example app, so the cluster gets 10.104.0.0/16 (DNS 10.104.0.10).
 * - CLI defaults made explicit: 3 nodes (the document's --node-count 3), the library's VM size
 *   Standard_D2s_v5, AKS's default Kubernetes version.
 * - One public IP, as the document creates, named aks-egress-fwpublicip; `firewallPublicIpCount` adds
 *   more (aks-egress-fwpublicip-2, -3…), as its note advises 20 for production. Every public IP gets its
 *   Internet route (aks-egress-fwinternet, -2…) and a place in the authorized ranges.
 * - Authorized ranges: the firewall's public IPs as /32s by reference, plus `developerIpRanges`. The
 *   document's later `az aks update --api-server-authorized-ip-ranges $CURRENT_IP/32` replaces the list
 *   and drops the firewall's IP, cutting the nodes off the API server; here the developer ranges are
 *   added to it instead.
 * - Rule sources are the IP Group `aks-egress-nodes-ipg` (aks-subnet), not `*`: only the nodes may
 *   use the egress rules. The DNAT rule keeps `*` as its source: the published service is for anyone.
 * - The firewall and its public IPs are zone-redundant (zones 1, 2, 3), the library's default in a
 *   region with availability zones; the document creates them without zones.
 * - The firewall's diagnostics go to a new Log Analytics workspace (aks-egress-fw-log-analytics), the
 *   library's secure default the document does not set up.
 */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import {
  AksCluster, AksEgressRules, AksOutbound, AzureFirewall, ContainerRegistries, FirewallRouteTable, FirewallRuleFormat,
  IpGroup, RoleScope, VirtualNetwork, firewallPublicIpRanges, grantRole, internalLoadBalancerDnat,
} from '../lib/azure';
import { RuleCollections } from '../lib/core';

/** Inputs of the stack, defaulting to document 002's. */
export interface AksFirewallUdrStackProps {
  /** The document's PREFIX. @default 'aks-egress' */
  readonly prefix?: string;
  /** @default 'eastus' */
  readonly location?: string;
  /**
   * The frontend IP of the internal load balancer the DNAT rule sends port 80 to; must lie in
   * `ilb-subnet` (10.42.3.0/28). @default '10.42.3.4', the subnet's first usable address
   */
  readonly internalServiceIp?: string;
  /** Public IPs of the firewall; Microsoft advises at least 20 for production. @default 1 */
  readonly firewallPublicIpCount?: number;
  /** Developer ranges allowed to the API server besides the firewall. @default - none */
  readonly developerIpRanges?: string[];
  /** @default '10.104.0.0/16' */
  readonly serviceCidr?: string;
  /** @default '10.104.0.10' */
  readonly dnsServiceIp?: string;
}

/** Document 002: AKS egress locked down by Azure Firewall, inbound through a DNAT rule. */
export class AksFirewallUdrStack extends TerraformStack {
  public readonly vnet: VirtualNetwork;
  public readonly firewall: AzureFirewall;
  public readonly routeTable: FirewallRouteTable;
  public readonly cluster: AksCluster;

  constructor(scope: Construct, id: string, props: AksFirewallUdrStackProps = {}) {
    super(scope, id);
    const prefix = props.prefix ?? 'aks-egress';
    const location = props.location ?? 'eastus';
    new AzurermProvider(this, 'azurerm', { features: [{}] });

    const rg = new ResourceGroup(this, 'rg', { name: `${prefix}-rg`, location });
    this.vnet = new VirtualNetwork(this, 'vnet', {
      resourceGroup: rg,
      name: `${prefix}-vnet`,
      addressSpace: ['10.42.0.0/16'],
      subnets: [
        { name: 'aks-subnet', addressPrefix: '10.42.1.0/24' },
        { name: 'AzureFirewallSubnet', addressPrefix: '10.42.2.0/24' },
        { name: 'ilb-subnet', addressPrefix: '10.42.3.0/28' },
      ],
    });
    const aksSubnet = this.vnet.subnet('aks-subnet');
    const ilbSubnet = this.vnet.subnet('ilb-subnet');

    // The egress rules allow the node subnet, not `*`.
    const nodes = new IpGroup(this, 'nodes-ipg', { resourceGroup: rg, name: `${prefix}-nodes-ipg`, subnets: [aksSubnet] });
    const fromNodes = [nodes.id];

    const ipCount = props.firewallPublicIpCount ?? 1;
    const ipName = `${prefix}-fwpublicip`;
    this.firewall = new AzureFirewall(this, 'firewall', {
      resourceGroup: rg,
      name: `${prefix}-fw`,
      subnet: this.vnet.subnet('AzureFirewallSubnet'),
      publicIpNames: Array.from({ length: ipCount }, (_, i) => (i === 0 ? ipName : `${ipName}-${i + 1}`)),
      ipConfigurationName: `${prefix}-fwconfig`,
      dnsProxyEnabled: true,
      ruleFormat: FirewallRuleFormat.classic(),
      ruleCollections: [
        RuleCollections.fromIpGroups(AksEgressRules.networkCollection({ region: location }), fromNodes),
        RuleCollections.fromIpGroups(AksEgressRules.applicationCollection({
          registries: [ContainerRegistries.githubContainerRegistry(), ContainerRegistries.dockerHub()],
        }), fromNodes),
      ],
    });
    // Nodes resolve through the firewall's DNS proxy, so FQDNs in network rules match what they resolved.
    this.vnet.useFirewallDns(this.firewall);

    this.routeTable = new FirewallRouteTable(this, 'route-table', {
      resourceGroup: rg,
      name: `${prefix}-fwrt`,
      firewall: this.firewall,
      defaultRouteName: `${prefix}-fwrn`,
      firewallPublicIpRoute: `${prefix}-fwinternet`,
      subnets: [aksSubnet],
    });

    this.cluster = new AksCluster(this, 'aks', {
      resourceGroup: rg,
      name: prefix,
      defaultNodePool: { nodeCount: 3, subnet: aksSubnet },
      network: {
        plugin: 'azure',
        serviceCidr: props.serviceCidr ?? '10.104.0.0/16',
        dnsServiceIp: props.dnsServiceIp ?? '10.104.0.10',
      },
      outbound: AksOutbound.userDefinedRouting(),
      apiServerAuthorizedIpRanges: [...firewallPublicIpRanges(this.firewall), ...(props.developerIpRanges ?? [])],
    });

    // Added after the cluster, whose FQDN it names (classic collections are resources of their own).
    this.firewall.addRuleCollection(RuleCollections.fromIpGroups(
      AksEgressRules.apiServerCollection({ cluster: this.cluster, priority: 110 }), fromNodes));

    // The internal load balancer's frontend: a fixed address in its own subnet, which AKS may use.
    const serviceIp = props.internalServiceIp ?? ilbSubnet.vmIp(0);
    grantRole(this, 'ilb-subnet-network-contributor', { principalId: this.cluster.principalId }, 'Network Contributor',
      RoleScope.resource(ilbSubnet, `subnet ${ilbSubnet.name}`),
      { description: `AKS ${prefix} places internal load balancer frontends in ${ilbSubnet.name}` });
    this.firewall.addRuleCollection(internalLoadBalancerDnat({
      firewall: this.firewall,
      name: 'exampleset',
      priority: 100,
      ruleName: 'inboundrule',
      protocols: ['Any'],
      port: 80,
      internalIp: serviceIp,
      subnet: ilbSubnet,
    }));

    new TerraformOutput(this, 'internal_load_balancer_ip', {
      value: serviceIp,
      description: 'service.beta.kubernetes.io/azure-load-balancer-ipv4 of the published service',
    });
    new TerraformOutput(this, 'internal_load_balancer_subnet', {
      value: ilbSubnet.name,
      description: 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet of the published service',
    });

    new TerraformOutput(this, 'firewall_private_ip', { value: this.firewall.privateIp });
    new TerraformOutput(this, 'firewall_public_ips', { value: this.firewall.publicIps });
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
  }
}
