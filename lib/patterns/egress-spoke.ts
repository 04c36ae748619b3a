import { Construct } from 'constructs';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { checkList, checkString } from '../core/guards';
import { ValidationError } from '../core/errors';
import { RuleCollections } from '../core/rules';
import { AksCluster, firewallPublicIpRanges } from '../azure/aks-cluster';
import { AksEgressRules } from '../azure/aks-egress-rules';
import { AksOutbound } from '../azure/aks-outbound';
import { FirewallRouteTable } from '../azure/firewall-route-table';
import { HubSpokePeering } from '../azure/hub-spoke-peering';
import { Subnet, VirtualNetwork } from '../azure/virtual-network';
import { EgressTenant } from '../calico/egress-tenant';
import { EgressHub } from './egress-hub';

/** A tenant of an {@link EgressSpoke} and what its egress gateways may reach through the firewall. */
export interface EgressSpokeTenant {
  readonly tenant: EgressTenant;
  /** FQDNs the tenant may reach over HTTP 80 and HTTPS 443, from its egress range only. */
  readonly allowFqdns: string[];
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
    this.tenants = tenants.map((t) => t.tenant);

    this.resourceGroup = new ResourceGroup(this, 'rg', { name: `${name}-rg`, location: hub.location });
    this.vnet = new VirtualNetwork(this, 'vnet', {
      resourceGroup: this.resourceGroup,
      name: `${name}-vnet`,
      addressSpace: [props.addressSpace],
      subnets: [{ name: `${name}-nodes`, addressPrefix: props.nodeSubnetPrefix ?? props.addressSpace }],
    });
    this.nodeSubnet = this.vnet.subnet(`${name}-nodes`);
    this.peering = new HubSpokePeering(this, 'peering', {
      hub: hub.vnet, spoke: this.vnet, hubToSpokeName: `hub-to-${name}`, spokeToHubName: `${name}-to-hub`, gateway: hub.routeServer,
    });
    this.routeTable = new FirewallRouteTable(this, 'rt', {
      resourceGroup: this.resourceGroup, name: `${name}-fw-rt`, firewall: hub.firewall, subnets: [this.nodeSubnet],
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

    const nodes = [this.nodeSubnet.cidr];
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
  }
}
