import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import {
  KubernetesClusterNetworkProfileLoadBalancerProfile,
  KubernetesClusterNetworkProfileNatGatewayProfile,
} from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { ValidationError, checkAtSynth } from '../core';
import { IFirewall } from './firewall';
import { FirewallRouteTable } from './firewall-route-table';
import { IResourceGroup } from './resource-group';
import { IRouteTable } from './route-table';
import { Subnet } from './virtual-network';

/** AKS outbound types, as the AKS API spells them. */
export type AksOutboundType = 'loadBalancer' | 'managedNATGateway' | 'userAssignedNATGateway' | 'userDefinedRouting';

/** What an outbound strategy is given when a cluster binds it. */
export interface AksOutboundContext {
  /** The cluster construct: scope for anything the strategy creates, and the site of its errors. */
  readonly cluster: Construct;
  /** The cluster's name in Azure. */
  readonly clusterName: string;
  /** The subnet of the default node pool. */
  readonly nodeSubnet: Subnet;
  /** The cluster's resource group. */
  readonly resourceGroup: IResourceGroup;
}

/** What an outbound strategy contributes to the cluster. */
export interface AksOutboundConfig {
  readonly outboundType: AksOutboundType;
  /** @default - none */
  readonly loadBalancerProfile?: KubernetesClusterNetworkProfileLoadBalancerProfile;
  /** @default - none */
  readonly natGatewayProfile?: KubernetesClusterNetworkProfileNatGatewayProfile;
  /** Resources the cluster must be created after. @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /** User-assigned identities the cluster must run as (e.g. one with rights on the NAT gateway's subnet). @default - none */
  readonly identityIds?: string[];
  /** The firewall the cluster's traffic leaves through, if any. @default - none */
  readonly firewall?: IFirewall;
}

/** Options of {@link AksOutbound.userDefinedRouting}. */
export interface UserDefinedRoutingOptions {
  /**
   * The route table for the node subnet, associated with it if it is not already. Its `0.0.0.0/0`
   * must go to a virtual appliance.
   * @default - the table already associated with the node subnet, or one built for `firewall`
   */
  readonly routeTable?: IRouteTable;
  /**
   * The firewall the traffic leaves through. Without a route table on the node subnet, a
   * FirewallRouteTable named `routeTableName` is built for it; the cluster also waits for the
   * firewall's rules.
   * @default - the firewall of the node subnet's route table, if it was built for one
   */
  readonly firewall?: IFirewall;
  /** Name of the route table built for `firewall`. @default `${clusterName}-fw-rt` */
  readonly routeTableName?: string;
}

/**
 * How an AKS cluster's traffic leaves for the Internet. Each variant carries only its own options and
 * checks its own prerequisites when the cluster binds it.
 */
export abstract class AksOutbound {
  /**
   * `userDefinedRouting`: the node subnet's route table sends `0.0.0.0/0` to a virtual appliance
   * (a firewall); AKS creates no public IP for egress. The cluster is created after the route table's
   * association, the firewall and its rules.
   */
  public static userDefinedRouting(options: UserDefinedRoutingOptions = {}): AksOutbound {
    return new UserDefinedRouting(options);
  }

  /** The outbound type this strategy sets. */
  public abstract readonly outboundType: AksOutboundType;

  /** Checks prerequisites, creates what the strategy needs, and returns the cluster's settings. */
  public abstract bind(context: AksOutboundContext): AksOutboundConfig;
}

class UserDefinedRouting extends AksOutbound {
  public readonly outboundType = 'userDefinedRouting' as const;

  constructor(private readonly options: UserDefinedRoutingOptions) {
    super();
  }

  public bind(ctx: AksOutboundContext): AksOutboundConfig {
    const subnet = ctx.nodeSubnet;
    let table = subnet.routeTable;
    if (table && this.options.routeTable && table !== this.options.routeTable) {
      throw new ValidationError(ctx.cluster, 'outbound.routeTable', this.options.routeTable.name,
        `node subnet ${subnet.name} already has route table ${table.name}; a subnet takes one`);
    }
    if (!table && this.options.routeTable) {
      this.options.routeTable.associate(subnet);
      table = this.options.routeTable;
    }
    if (!table && this.options.firewall) {
      table = new FirewallRouteTable(ctx.cluster, 'egress-route-table', {
        resourceGroup: ctx.resourceGroup,
        name: this.options.routeTableName ?? `${ctx.clusterName}-fw-rt`,
        firewall: this.options.firewall,
        subnets: [subnet],
      });
    }
    if (!table) {
      throw new ValidationError(ctx.cluster, 'outbound', 'userDefinedRouting',
        `node subnet ${subnet.name} has no route table; userDefinedRouting needs one whose 0.0.0.0/0 goes to a ` +
        'virtual appliance: associate one, or pass { routeTable } or { firewall }');
    }
    const routeTable = table;
    checkAtSynth(ctx.cluster, () => {
      const hop = routeTable.defaultRouteNextHopType();
      if (hop !== 'VirtualAppliance') {
        throw new ValidationError(ctx.cluster, `outbound (route table ${routeTable.name}, 0.0.0.0/0)`, hop ?? 'no route',
          'userDefinedRouting needs the node subnet\'s 0.0.0.0/0 to go to a VirtualAppliance (the firewall)');
      }
    });
    const firewall = this.options.firewall ?? routeTable.firewall;
    return {
      outboundType: 'userDefinedRouting',
      dependsOn: [...routeTable.dependables, ...(firewall?.egressDependables(ctx.cluster) ?? [])],
      firewall,
    };
  }
}
