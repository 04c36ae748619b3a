/**
 * aks-outbound-lb, aks-outbound-managed-nat, aks-outbound-user-nat, aks-outbound-udr: document 001's
 * four AKS outbound types side by side, one stack each, with its resource groups, names, ranges,
 * counts and rules.
 *
 * Where they differ from the document, and why:
 * - Service ranges. `az aks create` defaults the service CIDR to 10.0.0.0/16 and the DNS service IP to
 *   10.0.0.10. The library checks a cluster's service range against every VNet the app declares, and
 *   the example app also holds hub-spoke-egw, whose hub VNet is 10.0.0.0/22; so each cluster here gets a
 *   /16 of its own (10.100/16 for lb, 10.101/16 managed NAT, 10.102/16 user NAT, 10.103/16 UDR) with
 *   its DNS service at .10. Pass `serviceCidr` and `dnsServiceIp` to deploy the CLI defaults.
 * - CLI defaults made explicit: 3 nodes; the network plugin of the lb and managed NAT clusters, which
 *   the document leaves to AKS, is Azure CNI overlay with AKS's default pod range 10.244.0.0/16 (what AKS
 *   picks for new clusters today); the VM size is the library's Standard_D2s_v5 (the CLI picks one per
 *   region); the Kubernetes version is AKS's default.
 * - The lb and managed NAT clusters have no VNet of ours: AKS creates and manages their node VNet, as
 *   the document's commands do (and a managed NAT gateway requires).
 * - User NAT: the document creates the identity natClusterId and passes it with `--assign-identity`;
 *   `az aks create` then grants it Network Contributor on the subnet with your credentials. Terraform
 *   does neither implicitly, so the stack assigns that role on the subnet natCluster itself.
 * - UDR: the firewall's diagnostics go to a new Log Analytics workspace (hub-firewall-log-analytics),
 *   the library's secure default the document does not set up. The route table keeps BGP route
 *   propagation on, as `az network route-table create` does.
 * - UDR: the Application Gateway ingress add-on (section 4.8, `az aks enable-addons`) is part of the
 *   cluster resource instead of a later command, and its subnet (the document's --appgw-subnet-cidr
 *   10.42.3.0/24) is declared here as `appgw-subnet` (`newGatewayInSubnet`): the add-on's identity gets
 *   Network Contributor on that subnet only. With a CIDR, AKS would create the subnet itself and the
 *   identity would need the whole VNet, firewall and node subnets included.
 * - UDR: network collection `aksapiserver` (priority 110, `AksEgressRules.apiServerCollection`): TCP 443
 *   to the API server by FQDN, which Microsoft's outbound rules ask for pods outside kube-system such as
 *   the ingress controller; the VNet's DNS server is the firewall (`useFirewallDns`), so the nodes
 *   resolve that FQDN and ntp.ubuntu.com to the addresses the firewall matches.
 * - UDR: rule sources are the IP Group `aks-nodes-ipg` (aks-subnet), not `*`: only the nodes may use
 *   the egress rules.
 * - Docker Hub (4.7) is `ContainerRegistries.dockerHub({ signIn: true })`, Docker's current allowlist.
 * - User NAT: the cluster waits 60 s (`time_sleep`, hashicorp/time) after natClusterId's grant on the
 *   subnet, as the CLI waits for a new assignment to propagate; AKS checks it when creating the cluster.
 * - UDR: the firewall and its public IPs are zone-redundant (zones 1, 2, 3), the library's default in a
 *   region with availability zones; the document creates them without zones.
 * - UDR: `--api-server-authorized-ip-ranges $FWPUBLIC_IP` becomes the firewall's public IP as a /32, by
 *   reference.
 */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RuleCollections } from '../lib/core';
import {
  AksCluster, AksEgressRules, AksOutbound, AppGatewayIngress, AzureFirewall, ContainerRegistries, FirewallRouteTable,
  FirewallRuleFormat, IpGroup, NatGateway, VirtualNetwork, firewallPublicIpRanges,
} from '../lib/azure';
import { SecurityChecks } from '../lib/checks';

/** Inputs shared by the four stacks. */
export interface AksOutboundStackProps {
  /** @default 'westeurope' */
  readonly location?: string;
  /** The cluster's service range. @default - one /16 per stack (see the file's header) */
  readonly serviceCidr?: string;
  /** The cluster DNS service's IP, inside `serviceCidr`. @default - the .10 address of `serviceCidr` */
  readonly dnsServiceIp?: string;
}

function serviceRange(props: AksOutboundStackProps, fallback: string): { serviceCidr: string; dnsServiceIp: string } {
  const serviceCidr = props.serviceCidr ?? fallback;
  return { serviceCidr, dnsServiceIp: props.dnsServiceIp ?? serviceCidr.replace(/\.0\/\d+$/, '.10') };
}

/** Why the clusters of sections 1 to 3 keep a public API server without authorized ranges. */
const PUBLIC_API_SERVER_REASON =
  'document 001 creates this cluster with the az aks create defaults, a public API server without authorized ranges, ' +
  'to compare outbound types only; section 4 (aks-outbound-udr) restricts the API server to the firewall\'s address';

function provider(scope: Construct): void {
  new AzurermProvider(scope, 'azurerm', { features: [{}] });
}

/** Section 1: outbound type loadBalancer, AKS's default, in a VNet AKS manages. */
export class AksOutboundLbStack extends TerraformStack {
  public readonly cluster: AksCluster;

  constructor(scope: Construct, id: string, props: AksOutboundStackProps = {}) {
    super(scope, id);
    provider(this);
    const rg = new ResourceGroup(this, 'rg', { name: 'rg-aks-lb', location: props.location ?? 'westeurope' });
    this.cluster = new AksCluster(this, 'aks-lb', {
      resourceGroup: rg,
      name: 'aks-lb',
      defaultNodePool: { nodeCount: 3 },
      network: { plugin: 'azure', pluginMode: 'overlay', podCidr: '10.244.0.0/16', ...serviceRange(props, '10.100.0.0/16') },
      outbound: AksOutbound.loadBalancer(),
    });
    SecurityChecks.exempt(this.cluster, 'EGRESS003',
      'document 001 section 1 shows outbound type loadBalancer: the nodes leave through the cluster load balancer\'s public IPs, ' +
      'without a firewall by design (aks-outbound-udr is the firewall variant)');
    SecurityChecks.exempt(this.cluster, 'EGRESS004', PUBLIC_API_SERVER_REASON);
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
  }
}

/** Section 2: outbound type managedNATGateway with 2 outbound IPs and a 4-minute idle timeout. */
export class AksOutboundManagedNatStack extends TerraformStack {
  public readonly cluster: AksCluster;

  constructor(scope: Construct, id: string, props: AksOutboundStackProps = {}) {
    super(scope, id);
    provider(this);
    const rg = new ResourceGroup(this, 'rg', { name: 'rg-aks-natgateway', location: props.location ?? 'westeurope' });
    this.cluster = new AksCluster(this, 'aks-natgateway', {
      resourceGroup: rg,
      name: 'aks-natgateway',
      defaultNodePool: { nodeCount: 3 },
      network: { plugin: 'azure', pluginMode: 'overlay', podCidr: '10.244.0.0/16', ...serviceRange(props, '10.101.0.0/16') },
      outbound: AksOutbound.managedNatGateway({ managedOutboundIpCount: 2, idleTimeoutMinutes: 4 }),
    });
    SecurityChecks.exempt(this.cluster, 'EGRESS003',
      'document 001 section 2 shows outbound type managedNATGateway: the nodes leave through a NAT gateway AKS manages, ' +
      'without a firewall by design (aks-outbound-udr is the firewall variant)');
    SecurityChecks.exempt(this.cluster, 'EGRESS004', PUBLIC_API_SERVER_REASON);
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
  }
}

/** Section 3: outbound type userAssignedNATGateway: our NAT gateway on our subnet, our identity. */
export class AksOutboundUserNatStack extends TerraformStack {
  public readonly vnet: VirtualNetwork;
  public readonly natGateway: NatGateway;
  public readonly cluster: AksCluster;

  constructor(scope: Construct, id: string, props: AksOutboundStackProps = {}) {
    super(scope, id);
    provider(this);
    const rg = new ResourceGroup(this, 'rg', { name: 'rg-aks-usernatgateway', location: props.location ?? 'westeurope' });
    this.natGateway = new NatGateway(this, 'nat-gateway', {
      resourceGroup: rg,
      name: 'myNatGateway',
      publicIpNames: ['myNatGatewayPip'],
    });
    this.vnet = new VirtualNetwork(this, 'vnet', {
      resourceGroup: rg,
      name: 'myVnet',
      addressSpace: ['172.16.0.0/20'],
      subnets: [{ name: 'natCluster', addressPrefix: '172.16.0.0/22' }],
    });
    const subnet = this.vnet.subnet('natCluster');
    this.natGateway.associate(subnet);
    this.cluster = new AksCluster(this, 'nat-cluster', {
      resourceGroup: rg,
      name: 'natCluster',
      defaultNodePool: { nodeCount: 3, subnet },
      network: { plugin: 'azure', ...serviceRange(props, '10.102.0.0/16') },
      outbound: AksOutbound.userAssignedNatGateway({ identityName: 'natClusterId' }),
    });
    SecurityChecks.exempt(subnet, 'EGRESS003',
      'document 001 section 3 shows outbound type userAssignedNATGateway: the node subnet leaves through its NAT gateway myNatGateway, ' +
      'without a firewall by design (aks-outbound-udr is the firewall variant)');
    SecurityChecks.exempt(this.cluster, 'EGRESS004', PUBLIC_API_SERVER_REASON);
    new TerraformOutput(this, 'nat_gateway_public_ips', { value: this.natGateway.publicIps });
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
  }
}

/** Section 4: outbound type userDefinedRouting through Azure Firewall, with the AGIC add-on (4.8). */
export class AksOutboundUdrStack extends TerraformStack {
  public readonly vnet: VirtualNetwork;
  public readonly firewall: AzureFirewall;
  public readonly routeTable: FirewallRouteTable;
  public readonly cluster: AksCluster;

  constructor(scope: Construct, id: string, props: AksOutboundStackProps = {}) {
    super(scope, id);
    provider(this);
    const location = props.location ?? 'westeurope';
    const rg = new ResourceGroup(this, 'rg', { name: 'rg-aks-udr', location });

    this.vnet = new VirtualNetwork(this, 'vnet', {
      resourceGroup: rg,
      name: 'aks-vnet',
      addressSpace: ['10.42.0.0/16'],
      subnets: [
        { name: 'aks-subnet', addressPrefix: '10.42.1.0/24' },
        { name: 'AzureFirewallSubnet', addressPrefix: '10.42.2.0/24' },
        // 4.8's --appgw-subnet-cidr, declared here so the add-on's grant covers this subnet only.
        { name: 'appgw-subnet', addressPrefix: '10.42.3.0/24' },
      ],
    });
    const aksSubnet = this.vnet.subnet('aks-subnet');
    // The egress rules allow the node subnet, not `*`.
    const fromNodes = [new IpGroup(this, 'nodes-ipg', { resourceGroup: rg, name: 'aks-nodes-ipg', subnets: [aksSubnet] }).id];

    this.firewall = new AzureFirewall(this, 'firewall', {
      resourceGroup: rg,
      name: 'hub-firewall',
      subnet: this.vnet.subnet('AzureFirewallSubnet'),
      publicIpNames: ['firewall-publicip'],
      ipConfigurationName: 'firewall-config',
      dnsProxyEnabled: true,
      ruleFormat: FirewallRuleFormat.classic(),
      ruleCollections: [
        RuleCollections.fromIpGroups(AksEgressRules.networkCollection({ region: location }), fromNodes),
        RuleCollections.fromIpGroups(AksEgressRules.applicationCollection(), fromNodes),
        // 4.7: the image pull of `kubectl run nginx --image=nginx`.
        RuleCollections.application({
          name: 'dockerhub-registry',
          priority: 200,
          action: 'Allow',
          rules: [{ ...AksEgressRules.registryApplicationRule(ContainerRegistries.dockerHub({ signIn: true }), { name: 'dockerhub-registry' }), sourceIpGroups: fromNodes }],
        }),
        // 4.7: `curl http://ifconfig.me`, to see the firewall's public IP as the pod's source.
        RuleCollections.application({
          name: 'ifconfig',
          priority: 300,
          action: 'Allow',
          rules: [{ name: 'ifconfig', sourceIpGroups: fromNodes, targetFqdns: ['ifconfig.me'], protocols: [{ type: 'Http', port: 80 }] }],
        }),
      ],
    });

    this.routeTable = new FirewallRouteTable(this, 'route-table', {
      resourceGroup: rg,
      name: 'firewall-routetable',
      firewall: this.firewall,
      defaultRouteName: 'firewall-route',
      firewallPublicIpRoute: 'firewall-route-internet',
      subnets: [aksSubnet],
    });

    this.cluster = new AksCluster(this, 'aks-udr', {
      resourceGroup: rg,
      name: 'aks-udr',
      defaultNodePool: { nodeCount: 3, subnet: aksSubnet },
      network: { plugin: 'azure', ...serviceRange(props, '10.103.0.0/16') },
      outbound: AksOutbound.userDefinedRouting(),
      apiServerAuthorizedIpRanges: firewallPublicIpRanges(this.firewall),
      ingressApplicationGateway: AppGatewayIngress.newGatewayInSubnet({ name: 'azure-appgateway', subnet: this.vnet.subnet('appgw-subnet') }),
    });
    // Pods outside kube-system (the AGIC pod among them) reach the API server through the firewall.
    this.firewall.addRuleCollection(RuleCollections.fromIpGroups(
      AksEgressRules.apiServerCollection({ cluster: this.cluster, priority: 110 }), fromNodes));
    this.vnet.useFirewallDns(this.firewall);

    new TerraformOutput(this, 'firewall_private_ip', { value: this.firewall.privateIp });
    new TerraformOutput(this, 'firewall_public_ip', { value: this.firewall.publicIps[0] });
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
  }
}
