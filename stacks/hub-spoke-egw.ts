/**
 * hub-spoke-egw: the Azure half of document 000 (Tigera's hub-spoke AKS egress gateway blueprint),
 * resource by resource as ../shared/BLUEPRINT.md lists it, plus the Calico operator's helm release.
 *
 * Where it differs from the blueprint, and why:
 * - The API-server rule (`spoke-1-apiserver-access`, `AksEgressRules.apiServerCollection`) names the
 *   cluster's FQDN as a network-rule FQDN instead of an address looked up with a DNS data source at plan
 *   time; the firewall resolves it itself, which needs its DNS proxy, so the proxy is on (the blueprint
 *   leaves it off), and the spoke VNet's DNS server is the firewall (`useFirewallDns`, its own
 *   `azurerm_virtual_network_dns_servers` resource), so nodes and pods resolve the addresses the rule
 *   matches. The Calico helm release waits for this rule as well as the cluster: the operator talks to
 *   the API server through the firewall from its first start.
 * - The shared rules (`allowed-fqdns`, `allowed-network-rules`, `spoke-1-apiserver-access`) allow the IP
 *   Group `spoke1-aks-ipg` (AKSSubnet) instead of the blueprint's `*`: pods leave SNATed to their node's
 *   address, and an egress gateway tenant reaches only what its own rules allow (tenant0: www.tigera.io).
 * - The Docker Hub FQDNs of `allowed-fqdns` are `ContainerRegistries.dockerHub()`, Docker's current
 *   allowlist: the blueprint's three plus the R2 bucket anonymous and personal-plan pulls fetch layers from.
 * - Route reflectors: document 000 labels every node of the default pool `route-reflector=true` and
 *   pins the Route Server's two BGP peers to `10.1.0.4` and `10.1.0.5`, the first two node addresses of
 *   AKSSubnet. AKS does not keep those addresses across scale, repair, upgrade and surge, and without a
 *   route reflector cluster ID none of those nodes reflects. Here, as in Tigera's Azure Route Server
 *   guide, a dedicated pool `rr` of 3 route reflectors (max surge 1) lives in its own subnet
 *   `RouteReflectorSubnet` (10.1.1.0/28, behind the same firewall route table); Azure gives a new node
 *   the lowest free address, so every route reflector has one of its first 4 VM addresses
 *   (10.1.1.4 to 10.1.1.7), and the Route Server peers with all 4 (`spoke-rs-bgpconnection-peer-1` to
 *   `-4`; it takes 8). The default pool carries no route reflector label: its nodes are clients. The
 *   cluster ID is set in the cluster stack (hub-spoke-egw-calico). The peers' ASN is the one Calico
 *   uses, declared once.
 * - Both peerings allow forwarded traffic (the blueprint leaves it off), so traffic the hub firewall
 *   forwards into the spoke (DNAT, replies routed by the Route Server) is accepted.
 * - Kubernetes is the latest AKS patch of 1.35 (the blueprint pins 1.26, long out of support), and
 *   Calico is v3.33.1 from docs.tigera.io (the blueprint installs 3.25.1 from the retired
 *   docs.projectcalico.org chart repository); since v3.32 the CRDs come in their own chart
 *   (`crd.projectcalico.org.v1`), installed as the release `calico-crds` before the operator's.
 * - azurerm 4.x names: `enabled_metric` replaces the deprecated `metric` block of the diagnostic
 *   setting; the route table's `bgp_route_propagation_enabled` is set explicitly.
 * - tenant0's range in `tenant0-allowed-access` comes from the tenant's declaration (`EgressTenant`),
 *   the same value the cluster stack (hub-spoke-egw-calico) renders the tenant's pool and BGP
 *   announcement from, not a literal inside the rule.
 * - The default pod pool is created with `disableBGPExport` in the operator's Installation, so only
 *   egress ranges reach the Route Server (the blueprint patches the pool by hand afterwards; the
 *   operator reconciles its pools from the Installation).
 * - The firewall and its public IPs are zone-redundant (zones 1, 2, 3), the library's default in a
 *   region with availability zones; the blueprint creates them without zones.
 * - The cluster is created after the firewall's rule collections too (not only the firewall), so
 *   its nodes can reach their registries the moment they boot.
 * - The Calico edition is a choice (`calicoEdition`, default Calico Cloud as in the document): with
 *   Calico Cloud the open-source operator is installed once as the CNI the join starts from, and its
 *   release then ignores every change (the join owns the operator); Calico Enterprise installs
 *   Tigera's chart with the license and pull secret as sensitive values.
 * - A readiness gate (`terraform_data` running kubectl with the cluster's kubeconfig) ends the stack
 *   only when TigeraStatus `apiserver` and `calico` are Available, so the cluster stack, planned
 *   after this one, finds `projectcalico.org/v3` served; the machine that deploys needs kubectl.
 */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack, TerraformVariable, Fn } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { RuleCollections, ValidationError } from '../lib/core';
import {
  AksCluster, AksEgressRules, AksOutbound, AksRouteReflectorPool, AzureFirewall, ContainerRegistries, IpGroup, FirewallRouteTable, FirewallRuleFormat, HubSpokePeering, KubernetesVersion,
  RouteServer, VirtualNetwork,
} from '../lib/azure';
import { CalicoEdition, CalicoOperator, EgressTenant } from '../lib/calico';
import { SecurityChecks } from '../lib/checks';

/** Inputs of the stack, defaulting to the blueprint's. */
export interface HubSpokeEgwStackProps {
  /** @default 'eastus' */
  readonly location?: string;
  /** @default 'demo-hub-network' */
  readonly hubResourceGroupName?: string;
  /** @default 'demo-spoke-networks' */
  readonly spokeResourceGroupName?: string;
  /** The AS number Calico speaks BGP with; the Route Server peers with it. @default 63400 */
  readonly calicoAsn?: number;
  /**
   * The egress gateway tenants, declared once and shared with the cluster stack; the first one's
   * egress range may reach www.tigera.io through the firewall. @default blueprintTenants()
   */
  readonly tenants?: readonly EgressTenant[];
  /** Minor Kubernetes version; the latest AKS patch of it is used. @default '1.35' */
  readonly kubernetesMinor?: string;
  /**
   * The Calico edition. The document joins the cluster to Calico Cloud; egress gateways need Calico
   * Cloud or Calico Enterprise (the cluster stack refuses them with open source). A function of the
   * stack when the edition needs this stack's sensitive variables (Enterprise's license and pull
   * secret). @default CalicoEdition.cloud()
   */
  readonly calicoEdition?: CalicoEdition | ((stack: TerraformStack) => CalicoEdition);
}

/** The blueprint's tenants: tenant0 (10.99.0.0/29) and tenant1 (10.99.0.8/29). */
export function blueprintTenants(): EgressTenant[] {
  return [
    new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' }),
    new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' }),
  ];
}

/** The blueprint's application-rule FQDNs for AKS, its registries and Calico (rule 2 of `allowed-fqdns`). */
export function blueprintPublicFqdns(location: string): string[] {
  return [
    ...ContainerRegistries.dockerHub().fqdns,
    'quay.io',
    '*.quay.io',
    'us-docker.pkg.dev',
    '*.projectcalico.org',
    'installer.calicocloud.io',
    'www.calicocloud.io',
    '*.ubuntu.com',
    `*.hcp.${location}.azmk8s.io`,
    'mcr.microsoft.com',
    '*.data.mcr.microsoft.com',
    'management.azure.com',
    'login.microsoftonline.com',
    'packages.microsoft.com',
    'acs-mirror.azureedge.net',
    'dc.services.visualstudio.com',
    '*.ods.opinsights.azure.com',
    '*.oms.opinsights.azure.com',
    '*.monitoring.azure.com',
  ];
}

/** The cloud stack of document 000: hub (firewall, Route Server), spoke (AKS with Calico). */
export class HubSpokeEgwStack extends TerraformStack {
  public readonly hubVnet: VirtualNetwork;
  public readonly spokeVnet: VirtualNetwork;
  public readonly firewall: AzureFirewall;
  public readonly routeServer: RouteServer;
  public readonly cluster: AksCluster;
  public readonly calico: CalicoOperator;
  /** The AS number Calico uses, which the Route Server peers with. */
  public readonly calicoAsn: number;
  /** The egress gateway tenants. */
  public readonly tenants: readonly EgressTenant[];
  /** The dedicated pool of Calico route reflectors, the Route Server's BGP peers. */
  public readonly routeReflectorPool: AksRouteReflectorPool;
  /** The node label of the Calico route reflectors (the nodes of `routeReflectorPool`). */
  public readonly routeReflectorLabels: { readonly [key: string]: string };
  /** The most route reflectors at once (nodes plus surge): every one of them peers with the Route Server. */
  public readonly routeReflectorCount: number;

  constructor(scope: Construct, id: string, props: HubSpokeEgwStackProps = {}) {
    super(scope, id);
    const location = props.location ?? 'eastus';
    this.calicoAsn = props.calicoAsn ?? 63400;
    this.tenants = props.tenants ?? blueprintTenants();
    const tenant0 = this.tenants[0];
    if (!tenant0) throw new ValidationError(this, 'tenants', [], 'the stack needs at least one egress gateway tenant');

    new AzurermProvider(this, 'azurerm', { features: [{}] });
    const sshKey = new TerraformVariable(this, 'admin_ssh_key', {
      type: 'string',
      description: 'SSH public key of the AKS nodes\' admin user (azureuser)',
    });

    const hubRg = new ResourceGroup(this, 'hub-rg', { name: props.hubResourceGroupName ?? 'demo-hub-network', location });
    const spokeRg = new ResourceGroup(this, 'spoke-rg', { name: props.spokeResourceGroupName ?? 'demo-spoke-networks', location });

    this.hubVnet = new VirtualNetwork(this, 'hub-vnet', {
      resourceGroup: hubRg,
      name: 'hub-vnet',
      addressSpace: ['10.0.0.0/22'],
      subnets: [
        { name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' },
        { name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/24' },
      ],
    });
    this.spokeVnet = new VirtualNetwork(this, 'spoke1-vnet', {
      resourceGroup: spokeRg,
      name: 'spoke1-vnet',
      addressSpace: ['10.1.0.0/22'],
      subnets: [{ name: 'AKSSubnet', addressPrefix: '10.1.0.0/24' }, { name: 'RouteReflectorSubnet', addressPrefix: '10.1.1.0/28' }],
    });
    const aksSubnet = this.spokeVnet.subnet('AKSSubnet');
    // The shared rules allow the nodes (pods leave SNATed to their node's address), not `*`; tenants'
    // egress ranges get only their own rules.
    const fromNodes = [new IpGroup(this, 'spoke1-aks-ipg', { resourceGroup: spokeRg, name: 'spoke1-aks-ipg', subnets: [aksSubnet] }).id];
    const rrSubnet = this.spokeVnet.subnet('RouteReflectorSubnet');

    // Its peers are the route reflector pool's addresses, added once the pool exists (after the cluster).
    this.routeServer = new RouteServer(this, 'hub-rs', {
      resourceGroup: hubRg,
      name: 'hub-rs',
      publicIpName: 'hub-rs-pip',
      subnet: this.hubVnet.subnet('RouteServerSubnet'),
      branchToBranchTrafficEnabled: false,
    });

    const peering = new HubSpokePeering(this, 'hub-spoke1-peering', {
      hub: this.hubVnet,
      spoke: this.spokeVnet,
      hubToSpokeName: 'HubToSpoke1',
      spokeToHubName: 'Spoke1ToHub',
      gateway: this.routeServer,
    });

    this.firewall = new AzureFirewall(this, 'hub-fw', {
      resourceGroup: hubRg,
      name: 'hub-fw',
      subnet: this.hubVnet.subnet('AzureFirewallSubnet'),
      skuTier: 'Standard',
      publicIpNames: ['hub-fw-ip'],
      ipConfigurationName: 'fw_ip_config',
      ruleFormat: FirewallRuleFormat.classic(),
      diagnostics: { workspaceName: 'hub-fw-log-analytics', settingName: 'hub-fw-settings' },
      ruleCollections: [
        RuleCollections.application({
          name: 'allowed-fqdns',
          priority: 100,
          action: 'Allow',
          rules: [
            { name: 'allow access to fqdn tags', sourceIpGroups: fromNodes, fqdnTags: ['AzureKubernetesService'] },
            {
              name: 'allow access to public fqdns',
              description: 'allow access to public fqdns',
              sourceIpGroups: fromNodes,
              targetFqdns: blueprintPublicFqdns(location),
              protocols: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }],
            },
          ],
        }),
        RuleCollections.fromIpGroups(RuleCollections.network({
          name: 'allowed-network-rules',
          priority: 100,
          action: 'Allow',
          rules: [
            { name: 'allow access to apiudp', description: 'allow access to apiudp', protocols: ['UDP'], destinationAddresses: [`AzureCloud.${location}`], destinationPorts: [1194] },
            { name: 'allow access to apitcp', description: 'allow access to apitcp', protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [9000] },
            { name: 'allow access to time server', description: 'allow access to time server', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: [123] },
            { name: 'allow access to azure monitor', description: 'allow access to azure monitor', protocols: ['TCP'], destinationAddresses: ['AzureMonitor', 'Storage'], destinationPorts: [443] },
          ],
        }), fromNodes),
        RuleCollections.application({
          name: `${tenant0.name}-allowed-access`,
          priority: 110,
          action: 'Allow',
          rules: [{
            name: `allow ${tenant0.name} to www.tigera.io`,
            sources: [tenant0.egressCidr],
            targetFqdns: ['www.tigera.io'],
            protocols: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }],
          }],
        }),
      ],
    });

    new FirewallRouteTable(this, 'spoke1-fw-rt', {
      resourceGroup: spokeRg,
      name: 'spoke_1-fw-rt',
      firewall: this.firewall,
      defaultRouteName: 'hub-fw-r',
      subnets: [aksSubnet, rrSubnet],
    });

    this.cluster = new AksCluster(this, 'spoke1-aks', {
      resourceGroup: spokeRg,
      name: 'spoke1-aks',
      dnsPrefix: 'aks',
      kubernetesVersion: KubernetesVersion.latestPatchOf(props.kubernetesMinor ?? '1.35'),
      defaultNodePool: {
        name: 'default',
        nodeCount: 2,
        vmSize: 'Standard_D2_v2',
        subnet: aksSubnet,
      },
      linuxProfile: { adminUsername: 'azureuser', sshPublicKey: sshKey.stringValue },
      network: { plugin: 'none', serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/24' },
      outbound: AksOutbound.userDefinedRouting(),
      dependsOn: peering.dependables,
    });
    SecurityChecks.exempt(this.cluster, 'EGRESS004',
      'document 000 keeps the API server public without authorized ranges: the helm release and the cluster stack ' +
      '(hub-spoke-egw-calico) reach it from wherever Terraform runs, which the example cannot know; in production authorize ' +
      '[...firewallPublicIpRanges(firewall), <the deployers\' ranges>] or make the cluster private and deploy from inside the VNet');

    this.routeReflectorPool = new AksRouteReflectorPool(this, 'spoke1-rr', {
      cluster: this.cluster,
      subnet: rrSubnet,
      name: 'rr',
      nodeCount: 3,
      maxSurge: 1,
      vmSize: 'Standard_D2_v2',
    });
    this.routeReflectorLabels = this.routeReflectorPool.nodeLabels;
    this.routeReflectorCount = this.routeReflectorPool.peerIps.length;
    this.routeReflectorPool.peerIps.forEach((peerIp, i) => this.routeServer.addPeer({
      name: `spoke-rs-bgpconnection-peer-${i + 1}`,
      peerIp,
      peerAsn: this.calicoAsn,
    }));

    // Added after the cluster, whose FQDN it names: the firewall resolves it through its DNS proxy, and so
    // do the nodes, whose VNet's DNS server is the firewall.
    const apiServerAccess = 'spoke-1-apiserver-access';
    this.firewall.addRuleCollection(RuleCollections.fromIpGroups(AksEgressRules.apiServerCollection({
      cluster: this.cluster,
      collectionName: apiServerAccess,
      priority: 105,
      name: 'allow access to spoke aks apiserver',
      description: 'allow access to spoke aks apiserver',
    }), fromNodes));

    this.spokeVnet.useFirewallDns(this.firewall);

    const helm = new HelmProvider(this, 'helm', { kubernetes: this.cluster.kubeConnection });
    this.calico = new CalicoOperator(this, 'calico', {
      provider: helm,
      kubernetesProvider: 'AKS',
      bgp: 'Enabled',
      ipPools: [{ cidr: this.cluster.podCidr!, encapsulation: 'VXLAN', disableBGPExport: true }],
      // The operator talks to the API server through the firewall from its first start.
      dependsOn: [this.cluster.resource, this.firewall.classicCollections[apiServerAccess]],
      edition: typeof props.calicoEdition === 'function' ? props.calicoEdition(this) : props.calicoEdition ?? CalicoEdition.cloud(),
      readinessGate: { kubeconfig: this.cluster.resource.kubeConfigRaw, timeout: '20m' },
    });
    if (this.calico.ready) {
      new TerraformOutput(this, 'calico_ready', { value: this.calico.ready.id, description: 'Calico API server and Calico Available (the readiness gate)' });
    }

    new TerraformOutput(this, 'firewall_private_ip', { value: this.firewall.privateIp });
    new TerraformOutput(this, 'firewall_public_ips', { value: this.firewall.publicIps });
    new TerraformOutput(this, 'route_server_ips', { value: this.routeServer.virtualRouterIps });
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
    new TerraformOutput(this, 'get_credentials', {
      value: Fn.join(' ', ['az aks get-credentials --name', this.cluster.name, '--resource-group', spokeRg.name, '--context', this.cluster.name]),
    });
  }
}
