import { Construct } from 'constructs';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { checkEnum, checkNumber, checkString } from '../core/guards';
import { ValidationError } from '../core/errors';
import { AzureFirewall, FirewallRuleFormat } from '../azure/firewall';
import { azureCloudServiceTag } from '../azure/aks-egress-rules';
import { RouteServer } from '../azure/route-server';
import { VirtualNetwork } from '../azure/virtual-network';
import { untraced } from '../core/refs';

/** The kinds of firewall rule collections whose priorities {@link EgressHub.nextPriority} allots. */
/** `group` allots priorities of Firewall Policy rule collection groups of their own (from 400, past the default groups 100, 200 and 300). */
export type RuleCollectionKind = 'network' | 'application' | 'dnat' | 'group';

/** The optional Route Server of an {@link EgressHub}. */
export interface EgressHubRouteServerOptions {
  /** Prefix of `RouteServerSubnet` (a /26 or larger). @default '10.0.1.0/24' */
  readonly subnetPrefix?: string;
  /** Lets the Route Server exchange routes between its peers and gateways. @default false */
  readonly branchToBranchTrafficEnabled?: boolean;
}

/** Props of {@link EgressHub}. */
export interface EgressHubProps {
  /** Prefix of every name in the hub (resource group `<name>-rg`, VNet `<name>-vnet`, firewall `<name>-fw`, Route Server `<name>-rs`). @default 'hub' */
  readonly name?: string;
  /** Azure region. @default 'eastus' */
  readonly location?: string;
  /** Address space of the hub VNet. @default ['10.0.0.0/22'] */
  readonly addressSpace?: string[];
  /** Prefix of `AzureFirewallSubnet` (a /26 or larger). @default '10.0.0.0/24' */
  readonly firewallSubnetPrefix?: string;
  /** Firewall tier. @default 'Standard' (DNS proxy on, so FQDN network rules and the spokes' DNS go through the firewall) */
  readonly skuTier?: 'Standard' | 'Premium';
  /** Where the rules live: a Firewall Policy or classic collections on the firewall. @default FirewallRuleFormat.policy() */
  readonly ruleFormat?: FirewallRuleFormat;
  /** A Route Server in `RouteServerSubnet`, for BGP with Calico; `false` for none. @default false */
  readonly routeServer?: EgressHubRouteServerOptions | false;
  /** First priority allotted for each kind of rule collection. @default 100 */
  readonly firstPriority?: number;
  /** Step between two allotted priorities. @default 10 */
  readonly priorityStep?: number;
}

/**
 * An egress hub: resource group, hub VNet with `AzureFirewallSubnet` (and `RouteServerSubnet` when asked),
 * an Azure Firewall with DNS proxy on, and optionally a Route Server. It allots rule collection priorities
 * ({@link EgressHub.nextPriority}) so that spokes need none of their own.
 */
export class EgressHub extends Construct {
  public readonly resourceGroup: ResourceGroup;
  public readonly vnet: VirtualNetwork;
  public readonly firewall: AzureFirewall;
  /** The Route Server, when `routeServer` was given. */
  public readonly routeServer?: RouteServer;
  /** The name prefix of the hub's resources. */
  public readonly namePrefix: string;
  public readonly location: string;
  private readonly next: Record<RuleCollectionKind, number>;
  private readonly step: number;

  constructor(scope: Construct, id: string, props: EgressHubProps = {}) {
    super(scope, id);
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      throw new ValidationError(this, 'props', props, 'an object of EgressHubProps');
    }
    const name = props.name ?? 'hub';
    checkString(this, 'name', name);
    this.namePrefix = name;
    this.location = props.location ?? 'eastus';
    checkString(this, 'location', this.location);
    // The spokes' AKS rules name the AzureCloud.<region> service tag: a location that is none fails here, with this path.
    azureCloudServiceTag(this.location, this, 'location');
    const first = props.firstPriority ?? 100;
    checkNumber(this, 'firstPriority', first, { min: 100, max: 65000, integer: true });
    this.step = props.priorityStep ?? 10;
    checkNumber(this, 'priorityStep', this.step, { min: 1, max: 1000, integer: true });
    this.next = { network: first, application: first, dnat: first, group: 400 };
    const tier = checkEnum(this, 'skuTier', props.skuTier ?? 'Standard', ['Standard', 'Premium'] as const);

    this.resourceGroup = untraced(() => new ResourceGroup(this, 'rg', { name: `${name}-rg`, location: this.location }));
    const rs = props.routeServer === undefined || props.routeServer === false ? undefined : props.routeServer;
    this.vnet = new VirtualNetwork(this, 'vnet', {
      resourceGroup: this.resourceGroup,
      name: `${name}-vnet`,
      addressSpace: props.addressSpace ?? ['10.0.0.0/22'],
      subnets: [
        { name: 'AzureFirewallSubnet', addressPrefix: props.firewallSubnetPrefix ?? '10.0.0.0/24' },
        ...(rs ? [{ name: 'RouteServerSubnet', addressPrefix: rs.subnetPrefix ?? '10.0.1.0/24' }] : []),
      ],
    });
    if (rs) {
      this.routeServer = new RouteServer(this, 'rs', {
        resourceGroup: this.resourceGroup,
        name: `${name}-rs`,
        publicIpName: `${name}-rs-pip`,
        subnet: this.vnet.subnet('RouteServerSubnet'),
        branchToBranchTrafficEnabled: rs.branchToBranchTrafficEnabled ?? false,
      });
    }
    this.firewall = new AzureFirewall(this, 'fw', {
      resourceGroup: this.resourceGroup,
      name: `${name}-fw`,
      subnet: this.vnet.subnet('AzureFirewallSubnet'),
      skuTier: tier,
      publicIpNames: [`${name}-fw-pip`],
      dnsProxyEnabled: true,
      ruleFormat: props.ruleFormat ?? FirewallRuleFormat.policy(),
      diagnostics: { workspaceName: `${name}-fw-logs`, settingName: `${name}-fw-diag` },
    });
  }

  /**
   * The next free priority for a rule collection of `kind`: `firstPriority`, then one `priorityStep` higher
   * at each call. Priorities are per kind, as the firewall evaluates DNAT, network and application
   * collections in that order, each by its priorities.
   */
  public nextPriority(kind: RuleCollectionKind): number {
    const k = checkEnum(this, 'nextPriority.kind', kind, ['network', 'application', 'dnat', 'group'] as const);
    const p = this.next[k];
    if (p > 65000) {
      throw new ValidationError(this, `nextPriority(${k})`, p, 'rule collection priorities end at 65000; lower priorityStep');
    }
    this.next[k] = p + this.step;
    return p;
  }
}
