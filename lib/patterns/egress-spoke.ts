import { Construct } from 'constructs';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
// Types only: the Helm binding loads when a spoke is created (apps that build only the hub skip it).
import type { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { checkAsn } from '../core/asn';
import { checkList, checkNumber, checkString } from '../core/guards';
import { ValidationError } from '../core/errors';
import { RuleCollections } from '../core/rules';
import { AksCluster, firewallPublicIpRanges } from '../azure/aks-cluster';
import { AksEgressRules } from '../azure/aks-egress-rules';
import { AksOutbound } from '../azure/aks-outbound';
import { FirewallRouteTable } from '../azure/firewall-route-table';
import { HubSpokePeering } from '../azure/hub-spoke-peering';
import { RoleAssignment, RoleScope, grantRole } from '../azure/role-assignment';
import { AZURE_RESERVED_ASNS, AZURE_ROUTE_SERVER_MAX_PEER_ASN, AZURE_ROUTE_SERVER_MAX_PEERS } from '../azure/route-server';
import { Subnet, VirtualNetwork } from '../azure/virtual-network';
import { CalicoEdition } from '../calico/edition';
import { EgressTenant } from '../calico/egress-tenant';
import { CalicoOperator } from '../calico/operator';
import { EgressHub } from './egress-hub';
import { untraced } from '../core/refs';

/** A tenant of an {@link EgressSpoke} and what its egress gateways may reach through the firewall. */
export interface EgressSpokeTenant {
  readonly tenant: EgressTenant;
  /** FQDNs the tenant may reach over HTTP 80 and HTTPS 443, from its egress range only. */
  readonly allowFqdns: string[];
}

/** The label of the egress gateway nodes of an {@link EgressSpoke} (their pool's node label; the gateways run there). */
export const EGRESS_GATEWAY_NODE_LABELS: { readonly [key: string]: string } = { 'egress-gateway': 'true' };

/**
 * Calico on an {@link EgressSpoke}'s cluster, the cloud half of {@link EgressSpokeCluster}: the operator's
 * helm release (a helm provider aliased after the spoke), and with tenants a node pool `egw` of egress
 * gateway nodes in a subnet of its own, whose every possible address is a BGP peer of the hub's Route Server.
 */
export interface EgressSpokeCalicoOptions {
  /** The Calico edition. Egress gateways need Calico Enterprise or Calico Cloud. @default CalicoEdition.cloud() */
  readonly edition?: CalicoEdition;
  /** The AS number Calico speaks BGP with; the Route Server peers with it (a 2-byte private ASN). @default 64512 */
  readonly asn?: number;
  /**
   * Prefix of the gateway nodes' subnet `<name>-egw` (a /29 or larger, inside the address space, nothing else in it).
   * Required with tenants.
   */
  readonly gatewaySubnetPrefix?: string;
  /**
   * Gateway nodes. The pool upgrades without surge nodes (max surge 0, one node unavailable at a time), so
   * its nodes only ever have the subnet's first `gatewayNodeCount` addresses and the Route Server peers with
   * exactly those: an Azure Route Server takes 8 peers, 2 per spoke fit four spokes.
   * @default 2
   */
  readonly gatewayNodeCount?: number;
  /** VM size of the gateway nodes. @default 'Standard_D2s_v5' */
  readonly gatewayVmSize?: string;
}

/** Props of {@link EgressSpoke}. */
export interface EgressSpokeProps {
  /** The hub the spoke peers with and sends its traffic through. */
  readonly hub: EgressHub;
  /** Prefix of every name in the spoke (resource group `<name>-rg`, VNet `<name>-vnet`, cluster `<name>-aks`). */
  readonly name: string;
  /** Address space of the spoke VNet, e.g. '10.1.0.0/22'. */
  readonly addressSpace: string;
  /** Prefix of the node subnet. @default - the whole address space */
  readonly nodeSubnetPrefix?: string;
  /** Nodes of the default pool. @default 2 */
  readonly nodeCount?: number;
  /** VM size of the nodes. @default 'Standard_D2_v2' */
  readonly vmSize?: string;
  /** Pod range of the cluster (Calico assigns pod addresses; the network plugin is `none`). @default '10.244.0.0/16' */
  readonly podCidr?: string;
  /**
   * Ranges allowed to reach the cluster's public API server (where Terraform and kubectl run). The hub
   * firewall's public IPs are added (the nodes reach the API server through them). Without ranges the
   * API server is open to the Internet, which the security check EGRESS004 reports.
   * @default - open (no authorized ranges)
   */
  readonly apiServerAuthorizedIpRanges?: string[];
  /** Tenants, each with its firewall rule. @default - none */
  readonly tenants?: readonly EgressSpokeTenant[];
  /**
   * Calico on the cluster (operator, gateway nodes, Route Server peers); the cluster stack's objects come
   * from {@link EgressSpokeCluster}. @default - no Calico install: the cluster has no CNI until one is installed
   */
  readonly calico?: EgressSpokeCalicoOptions;
}

/**
 * An egress spoke: spoke VNet and node subnet peered with the hub, a route table sending 0.0.0.0/0 to the
 * hub firewall, an AKS cluster with user-defined routing (network plugin `none`, for Calico), the AKS
 * required egress rules and the API-server rule on the hub firewall, and one application rule collection
 * per tenant whose source is the tenant's egress range. Priorities come from {@link EgressHub.nextPriority}.
 */
export class EgressSpoke extends Construct {
  public readonly hub: EgressHub;
  public readonly resourceGroup: ResourceGroup;
  public readonly vnet: VirtualNetwork;
  public readonly nodeSubnet: Subnet;
  public readonly peering: HubSpokePeering;
  public readonly routeTable: FirewallRouteTable;
  public readonly cluster: AksCluster;
  public readonly tenants: readonly EgressTenant[];
  /** The spoke's name prefix (also the alias of its helm and kubernetes providers). */
  public readonly name: string;
  /** The helm provider of the cluster (alias: the spoke's name), with `calico`. */
  public readonly helmProvider?: HelmProvider;
  /** Calico's operator, with `calico`. */
  public readonly calico?: CalicoOperator;
  /** The AS number Calico uses, with `calico`. */
  public readonly calicoAsn?: number;
  /** The egress gateway nodes' pool, with `calico` and tenants. */
  public readonly gatewayPool?: KubernetesClusterNodePool;
  /** The egress gateway nodes' subnet, with `calico` and tenants. */
  public readonly gatewaySubnet?: Subnet;
  /** Every address a gateway node can have: the Route Server's peers (literals). */
  public readonly gatewayNodeIps: readonly string[] = [];
  /** Network Contributor on the gateway subnet for the cluster's identity, when the cluster grants one on its own subnet. */
  public readonly gatewaySubnetAccess?: RoleAssignment;

  constructor(scope: Construct, id: string, props: EgressSpokeProps) {
    super(scope, id);
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      throw new ValidationError(this, 'props', props, 'an object of EgressSpokeProps');
    }
    if (!(props.hub instanceof EgressHub)) throw new ValidationError(this, 'hub', props.hub, 'an EgressHub');
    checkString(this, 'name', props.name);
    checkString(this, 'addressSpace', props.addressSpace);
    const tenants = props.tenants ?? [];
    checkList(this, 'tenants', tenants);
    tenants.forEach((t, i) => {
      if (!t || !(t.tenant instanceof EgressTenant)) throw new ValidationError(this, `tenants[${i}].tenant`, t?.tenant, 'an EgressTenant');
      checkList(this, `tenants[${i}].allowFqdns`, t.allowFqdns);
    });
    const hub = props.hub;
    const name = props.name;
    this.hub = hub;
    this.name = name;
    this.tenants = tenants.map((t) => t.tenant);
    const calico = props.calico;
    if (calico !== undefined && (calico === null || typeof calico !== 'object' || Array.isArray(calico))) {
      throw new ValidationError(this, 'calico', calico, 'an object of EgressSpokeCalicoOptions');
    }
    const edition = calico ? calico.edition ?? CalicoEdition.cloud() : undefined;
    const gateways = calico !== undefined && tenants.length > 0;
    const gatewayNodeCount = calico?.gatewayNodeCount ?? 2;
    if (calico) {
      if (!CalicoEdition.isCalicoEdition(edition)) throw new ValidationError(this, 'calico.edition', edition, 'a CalicoEdition');
      this.calicoAsn = calico.asn ?? 64512;
      checkNumber(this, 'calico.asn', this.calicoAsn, { min: 1, deployTime: 'refuse' });
      checkAsn(this, 'calico.asn', this.calicoAsn, AZURE_RESERVED_ASNS);
      if (this.calicoAsn > AZURE_ROUTE_SERVER_MAX_PEER_ASN) {
        throw new ValidationError(this, 'calico.asn', this.calicoAsn,
          `Azure Route Server peers with 2-byte AS numbers only (1 to ${AZURE_ROUTE_SERVER_MAX_PEER_ASN}); use a private ASN from 64512 to 65534`);
      }
    }
    if (gateways) {
      if (!edition!.enterpriseFeatures) {
        throw new ValidationError(this, 'calico.edition', edition!.title,
          `the tenants' egress gateways exist in Calico Enterprise and Calico Cloud only; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud(), or give no tenants`);
      }
      if (!hub.routeServer) {
        throw new ValidationError(this, 'hub', hub.node.path,
          'egress gateways announce their ranges to the hub\'s Route Server over BGP; give the hub routeServer: {}');
      }
      checkString(this, 'calico.gatewaySubnetPrefix', calico!.gatewaySubnetPrefix, 'a subnet prefix for the gateway nodes, e.g. 10.1.1.0/28');
      checkNumber(this, 'calico.gatewayNodeCount', gatewayNodeCount, {
        min: 2, integer: true, deployTime: 'refuse', why: 'at least 2 gateway nodes, so that one being upgraded or repaired leaves one announcing the tenants',
      });
      const taken = hub.routeServer.peers.length;
      if (taken + gatewayNodeCount > AZURE_ROUTE_SERVER_MAX_PEERS) {
        throw new ValidationError(this, 'calico.gatewayNodeCount', gatewayNodeCount,
          `the hub's Route Server ${hub.routeServer.name} has ${taken} BGP peers already and takes at most ${AZURE_ROUTE_SERVER_MAX_PEERS}; `
          + `${AZURE_ROUTE_SERVER_MAX_PEERS - taken} left for this spoke's gateway nodes`);
      }
    }

    this.resourceGroup = untraced(() => new ResourceGroup(this, 'rg', { name: `${name}-rg`, location: hub.location }));
    this.vnet = new VirtualNetwork(this, 'vnet', {
      resourceGroup: this.resourceGroup,
      name: `${name}-vnet`,
      addressSpace: [props.addressSpace],
      subnets: [
        { name: `${name}-nodes`, addressPrefix: props.nodeSubnetPrefix ?? props.addressSpace },
        ...(gateways ? [{ name: `${name}-egw`, addressPrefix: calico!.gatewaySubnetPrefix! }] : []),
      ],
    });
    this.nodeSubnet = this.vnet.subnet(`${name}-nodes`);
    this.gatewaySubnet = gateways ? this.vnet.subnet(`${name}-egw`) : undefined;
    this.peering = new HubSpokePeering(this, 'peering', {
      hub: hub.vnet, spoke: this.vnet, hubToSpokeName: `hub-to-${name}`, spokeToHubName: `${name}-to-hub`, gateway: hub.routeServer,
    });
    this.routeTable = new FirewallRouteTable(this, 'rt', {
      resourceGroup: this.resourceGroup, name: `${name}-fw-rt`, firewall: hub.firewall,
      subnets: [this.nodeSubnet, ...(this.gatewaySubnet ? [this.gatewaySubnet] : [])],
    });
    this.vnet.useFirewallDns(hub.firewall);

    this.cluster = new AksCluster(this, 'aks', {
      resourceGroup: this.resourceGroup,
      name: `${name}-aks`,
      defaultNodePool: { name: 'default', nodeCount: props.nodeCount ?? 2, vmSize: props.vmSize ?? 'Standard_D2_v2', subnet: this.nodeSubnet },
      network: { plugin: 'none', serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: props.podCidr ?? '10.244.0.0/16' },
      outbound: AksOutbound.userDefinedRouting(),
      apiServerAuthorizedIpRanges: props.apiServerAuthorizedIpRanges
        ? [...firewallPublicIpRanges(hub.firewall), ...props.apiServerAuthorizedIpRanges] : undefined,
      dependsOn: [...this.peering.dependables],
    });

    // The gateway nodes are nodes too: they pull images and reach the API server like the others.
    const nodes = [this.nodeSubnet.cidr, ...(this.gatewaySubnet ? [this.gatewaySubnet.cidr] : [])];
    const fw = hub.firewall;
    fw.addRuleCollection(AksEgressRules.networkCollection({
      name: `${name}-aks-net`, priority: hub.nextPriority('network'), region: hub.location, sources: nodes,
    }));
    fw.addRuleCollection(AksEgressRules.applicationCollection({
      name: `${name}-aks-app`, priority: hub.nextPriority('application'), sources: nodes,
    }));
    // The API-server rule names the cluster's FQDN while the cluster waits for the policy's default groups:
    // with a policy it goes to a group of its own, so no cycle can close.
    const apiServer = AksEgressRules.apiServerCollection({
      cluster: this.cluster, collectionName: `${name}-apiserver`, priority: hub.nextPriority('network'), sources: nodes,
    });
    fw.addRuleCollection(apiServer, fw.ruleFormat === 'policy' ? { group: { name: `${name}-apiserver`, priority: hub.nextPriority('group') } } : {});
    for (const t of tenants) {
      fw.addRuleCollection(RuleCollections.application({
        name: `${name}-${t.tenant.name}`,
        priority: hub.nextPriority('application'),
        action: 'Allow',
        rules: [{
          name: `allow ${t.tenant.name}`,
          sources: [t.tenant.egressCidr],
          targetFqdns: [...t.allowFqdns],
          protocols: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }],
        }],
      }));
    }

    if (!calico) return;
    if (this.gatewaySubnet) {
      const subnet = this.gatewaySubnet;
      if (gatewayNodeCount > subnet.usableAddressCount) {
        throw new ValidationError(this, 'calico.gatewaySubnetPrefix', subnet.cidr.toString(),
          `${subnet.name} has ${subnet.usableAddressCount} VM addresses (Azure reserves 5) and the gateway pool needs ${gatewayNodeCount}`);
      }
      if (this.cluster.subnetAccess) {
        // The cluster's identity joins the gateway nodes to this subnet as it does for its own.
        this.gatewaySubnetAccess = grantRole(this, 'egw-subnet-network-contributor', { principalId: this.cluster.subnetAccess.resource.principalId },
          'Network Contributor', RoleScope.resource(subnet, `subnet ${subnet.name}`),
          { description: `AKS ${this.cluster.name} joins egress gateway nodes to subnet ${subnet.name}` });
      }
      this.gatewayPool = untraced(() => new KubernetesClusterNodePool(this, 'egw-pool', {
        name: 'egw',
        kubernetesClusterId: this.cluster.resource.id,
        vmSize: calico.gatewayVmSize ?? 'Standard_D2s_v5',
        nodeCount: gatewayNodeCount,
        mode: 'User',
        vnetSubnetId: subnet.id,
        nodeLabels: { ...EGRESS_GATEWAY_NODE_LABELS },
        // No surge node: a new node takes the lowest free address, so the nodes keep the first nodeCount addresses.
        upgradeSettings: { maxSurge: '0', maxUnavailable: '1' },
        dependsOn: [subnet.routeTableAssociation, this.gatewaySubnetAccess?.resource].filter((d): d is NonNullable<typeof d> => d !== undefined),
      }));
      this.gatewayNodeIps = Array.from({ length: gatewayNodeCount }, (_, i) => subnet.hostIp(i));
      this.gatewayNodeIps.forEach((peerIp, i) => hub.routeServer!.addPeer({ name: `${name}-egw-${i + 1}`, peerIp, peerAsn: this.calicoAsn! }));
    }
    this.helmProvider = untraced(() => new (require('@cdktf/provider-helm/lib/provider') as typeof import('@cdktf/provider-helm/lib/provider')).HelmProvider(this, 'helm', { alias: name, kubernetes: this.cluster.kubeConnection }));
    this.calico = new CalicoOperator(this, 'calico', {
      provider: this.helmProvider,
      edition,
      kubernetesProvider: 'AKS',
      bgp: 'Enabled',
      ipPools: [{ cidr: this.cluster.podCidr!, encapsulation: 'VXLAN', disableBGPExport: true }],
      // The operator reaches the API server through the firewall from its first start.
      dependsOn: [this.cluster.resource, fw.ruleFormat === 'policy'
        ? fw.policyRuleCollectionGroups[`${name}-apiserver`] : fw.classicCollections[`${name}-apiserver`]],
      readinessGate: { kubeconfig: this.cluster.resource.kubeConfigRaw },
    });
  }
}
