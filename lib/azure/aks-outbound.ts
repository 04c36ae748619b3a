import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import {
  KubernetesClusterNetworkProfileLoadBalancerProfile,
  KubernetesClusterNetworkProfileNatGatewayProfile,
} from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { ValidationError, checkAtSynth, checkAzureName, checkNumber, knownValue, warnUnchecked } from '../core';
import { IFirewall } from './firewall';
import { AZURE_IDENTITY_NAME, ManagedIdentity } from './managed-identity';
import { FirewallRouteTable } from './firewall-route-table';
import { NatGateway } from './nat-gateway';
import { IResourceGroup } from './resource-group';
import { RoleScope, grantRole } from './role-assignment';
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
  /** The subnet of the default node pool; none when AKS creates and manages the node VNet. */
  readonly nodeSubnet?: Subnet;
  /** Nodes of the default node pool. @default - unknown */
  readonly nodeCount?: number;
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
  /** Name of the `0.0.0.0/0` route of the table built for `firewall`. @default 'default-to-firewall' */
  readonly defaultRouteName?: string;
  /**
   * In the table built for `firewall`, also send the firewall's public IPs to `Internet` (for DNAT
   * return traffic); a string names the route. See {@link FirewallRouteTableProps.firewallPublicIpRoute}.
   * @default false
   */
  readonly firewallPublicIpRoute?: boolean | string;
}

/** Options of {@link AksOutbound.loadBalancer}. Give at most one of the three sources of outbound IPs. */
export interface LoadBalancerOutboundOptions {
  /**
   * Public IPs AKS creates and manages for egress, 1 to 100; each gives 64,000 SNAT ports.
   * Mutually exclusive with `outboundIpAddressIds` and `outboundIpPrefixIds`.
   * @default - AKS's default (1)
   */
  readonly managedOutboundIpCount?: number;
  /** IDs of your own Standard public IPs to leave from. Mutually exclusive with the other two. @default - none */
  readonly outboundIpAddressIds?: string[];
  /** IDs of your own public IP prefixes to leave from. Mutually exclusive with the other two. @default - none */
  readonly outboundIpPrefixIds?: string[];
  /**
   * Minutes an idle outbound flow is kept, 4 to 100. AKS accepts up to 120, but the azurerm provider
   * (4.x) rejects more than 100 for `load_balancer_profile`.
   * @default - AKS's default (30)
   */
  readonly idleTimeoutMinutes?: number;
  /**
   * SNAT ports allocated to each node, 0 to 64000; 0 lets Azure allocate them by pool size.
   * Ports per node times nodes must fit in 64,000 per outbound IP.
   * @default - AKS's default (0, dynamic)
   */
  readonly outboundPortsAllocated?: number;
}

/** Options of {@link AksOutbound.managedNatGateway}. */
export interface ManagedNatGatewayOptions {
  /** Public IPs of the NAT gateway AKS creates, 1 to 16; each gives 64,512 SNAT ports. @default - AKS's default (1) */
  readonly managedOutboundIpCount?: number;
  /** Minutes an idle flow is kept, 4 to 120. @default - AKS's default (4) */
  readonly idleTimeoutMinutes?: number;
}

/** An existing user-assigned identity, for {@link UserAssignedNatGatewayOptions.identity}. */
export interface AksIdentityReference {
  /** Its resource ID. */
  readonly id: string;
  /** Its principal (object) ID, which the role assignment names. */
  readonly principalId: string;
}

/** Options of {@link AksOutbound.userAssignedNatGateway}. */
export interface UserAssignedNatGatewayOptions {
  /**
   * The NAT gateway to associate with the node subnet when it has none yet.
   * @default - the NAT gateway already associated with the node subnet
   */
  readonly natGateway?: NatGateway;
  /**
   * The identity the cluster runs as. It is given the Network Contributor role on the node subnet,
   * which AKS needs to join the subnet and read its NAT gateway.
   * @default - a new user-assigned identity named `identityName`
   */
  readonly identity?: AksIdentityReference;
  /** Name of the identity created when `identity` is not given. @default `${clusterName}-identity` */
  readonly identityName?: string;
}

/**
 * How an AKS cluster's traffic leaves for the Internet. Each variant carries only its own options and
 * checks its own prerequisites when the cluster binds it.
 */
export abstract class AksOutbound {
  /**
   * `loadBalancer` (AKS's default): nodes leave through the outbound rules of the cluster's Standard
   * Load Balancer, from public IPs AKS manages or ones you give.
   */
  public static loadBalancer(options: LoadBalancerOutboundOptions = {}): AksOutbound {
    return new LoadBalancerOutbound(options);
  }

  /**
   * `managedNATGateway`: AKS creates a NAT gateway with its public IPs in the VNet it manages. Only
   * for clusters without a node subnet of yours (AKS does not support it with a custom VNet).
   */
  public static managedNatGateway(options: ManagedNatGatewayOptions = {}): AksOutbound {
    return new ManagedNatGatewayOutbound(options);
  }

  /**
   * `userAssignedNATGateway`: the node subnet's own NAT gateway carries the egress. The cluster runs as
   * a user-assigned identity with the Network Contributor role on the node subnet, and is created after
   * the gateway, its IP associations, the subnet association and the role assignment.
   */
  public static userAssignedNatGateway(options: UserAssignedNatGatewayOptions = {}): AksOutbound {
    return new UserAssignedNatGatewayOutbound(options);
  }

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
    const subnet = requireNodeSubnet(ctx, 'userDefinedRouting', 'its route table sends 0.0.0.0/0 to the firewall');
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
        defaultRouteName: this.options.defaultRouteName,
        firewallPublicIpRoute: this.options.firewallPublicIpRoute,
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

/** The node subnet, or a ValidationError saying why `outboundType` needs one. */
function requireNodeSubnet(ctx: AksOutboundContext, outboundType: string, why: string): Subnet {
  if (!ctx.nodeSubnet) {
    throw new ValidationError(ctx.cluster, 'defaultNodePool.subnet', undefined,
      `${outboundType} needs the nodes in a subnet of yours (${why}); set defaultNodePool.subnet`);
  }
  return ctx.nodeSubnet;
}

/**
 * Throws unless `value` is undefined or a whole number from `min` to `max`; a number known only at
 * deploy time is accepted with a warning that its range went unchecked.
 */
function checkRange(site: Construct, field: string, value: number | undefined, min: number, max: number, allowed: string): void {
  if (value === undefined) return;
  const known = knownValue(site, value);
  if (typeof known === 'number') {
    if (known === value) {
      checkNumber(site, field, value, { min, max, why: allowed });
    } else if (!Number.isInteger(known) || known < min || known > max) {
      throw new ValidationError(site, field, value, `${allowed}; the reference holds ${known}`);
    }
    return;
  }
  if (!checkNumber(site, field, value, { min, max, why: allowed })) warnUnchecked(site, field, value, `its range (${allowed})`);
}

/** Ports of one public IP that a load balancer's outbound rules can hand out. */
export const LOAD_BALANCER_SNAT_PORTS_PER_IP = 64000;

class LoadBalancerOutbound extends AksOutbound {
  public readonly outboundType = 'loadBalancer' as const;

  constructor(private readonly options: LoadBalancerOutboundOptions) {
    super();
  }

  public bind(ctx: AksOutboundContext): AksOutboundConfig {
    const o = this.options;
    const site = ctx.cluster;
    const sources = (['managedOutboundIpCount', 'outboundIpAddressIds', 'outboundIpPrefixIds'] as const)
      .filter((k) => o[k] !== undefined);
    if (sources.length > 1) {
      throw new ValidationError(site, `outbound.${sources[1]}`, o[sources[1]],
        `${sources.join(' and ')} are mutually exclusive; the load balancer leaves from managed IPs, your IPs or your prefixes`);
    }
    checkRange(site, 'outbound.managedOutboundIpCount', o.managedOutboundIpCount, 1, 100,
      'a cluster load balancer has 1 to 100 managed outbound IPs');
    for (const key of ['outboundIpAddressIds', 'outboundIpPrefixIds'] as const) {
      const ids = o[key];
      if (ids !== undefined && !Token.isUnresolved(ids) && ids.length === 0) {
        throw new ValidationError(site, `outbound.${key}`, [], 'name at least one, or leave it out for AKS-managed IPs');
      }
    }
    checkRange(site, 'outbound.idleTimeoutMinutes', o.idleTimeoutMinutes, 4, 100,
      'the outbound idle timeout is 4 to 100 minutes (AKS allows 120; the azurerm provider stops at 100)');
    checkRange(site, 'outbound.outboundPortsAllocated', o.outboundPortsAllocated, 0, 64000,
      'a node is allocated 0 (dynamic) to 64000 SNAT ports');
    this.checkPortCapacity(ctx);

    const subnet = ctx.nodeSubnet;
    if (subnet) {
      checkAtSynth(site, () => {
        if (subnet.natGateway) {
          throw new ValidationError(site, 'outbound', 'loadBalancer',
            `node subnet ${subnet.name} has NAT gateway ${subnet.natGateway.name}, which takes over its egress and leaves ` +
            'the load balancer\'s outbound IPs unused; use AksOutbound.userAssignedNatGateway()');
        }
      });
    }

    const profile: KubernetesClusterNetworkProfileLoadBalancerProfile = {
      managedOutboundIpCount: o.managedOutboundIpCount,
      outboundIpAddressIds: o.outboundIpAddressIds,
      outboundIpPrefixIds: o.outboundIpPrefixIds,
      idleTimeoutInMinutes: o.idleTimeoutMinutes,
      outboundPortsAllocated: o.outboundPortsAllocated,
    };
    const any = Object.values(profile).some((v) => v !== undefined);
    return { outboundType: 'loadBalancer', loadBalancerProfile: any ? profile : undefined };
  }

  /** Fixed ports per node times nodes must fit in the ports the outbound IPs have. */
  private checkPortCapacity(ctx: AksOutboundContext): void {
    const ports = this.options.outboundPortsAllocated;
    const nodes = ctx.nodeCount;
    if (!ports || nodes === undefined) return;
    const ids = this.options.outboundIpAddressIds;
    if (this.options.outboundIpPrefixIds !== undefined) return;
    if (ids !== undefined && Token.isUnresolved(ids)) {
      warnUnchecked(ctx.cluster, 'outbound.outboundIpAddressIds', ids, `that ${nodes} nodes x ${ports} ports fit in the SNAT ports of the outbound IPs`);
      return;
    }
    const ips = this.options.managedOutboundIpCount ?? ids?.length ?? 1;
    const capacity = ips * LOAD_BALANCER_SNAT_PORTS_PER_IP;
    if (ports * nodes > capacity) {
      throw new ValidationError(ctx.cluster, 'outbound.outboundPortsAllocated', ports,
        `${nodes} nodes x ${ports} ports needs ${ports * nodes}, but ${ips} outbound IP(s) give ${capacity}; ` +
        `allocate at most ${Math.floor(capacity / nodes)} ports per node or add outbound IPs`);
    }
  }
}

class ManagedNatGatewayOutbound extends AksOutbound {
  public readonly outboundType = 'managedNATGateway' as const;

  constructor(private readonly options: ManagedNatGatewayOptions) {
    super();
  }

  public bind(ctx: AksOutboundContext): AksOutboundConfig {
    const o = this.options;
    if (ctx.nodeSubnet) {
      throw new ValidationError(ctx.cluster, 'defaultNodePool.subnet', ctx.nodeSubnet.name,
        'managedNATGateway works only in the VNet AKS creates for the cluster; leave defaultNodePool.subnet out, ' +
        'or keep your subnet and use AksOutbound.userAssignedNatGateway()');
    }
    checkRange(ctx.cluster, 'outbound.managedOutboundIpCount', o.managedOutboundIpCount, 1, 16,
      'a managed NAT gateway has 1 to 16 outbound IPs');
    checkRange(ctx.cluster, 'outbound.idleTimeoutMinutes', o.idleTimeoutMinutes, 4, 120,
      'a NAT gateway keeps idle flows 4 to 120 minutes');
    const profile: KubernetesClusterNetworkProfileNatGatewayProfile = {
      managedOutboundIpCount: o.managedOutboundIpCount,
      idleTimeoutInMinutes: o.idleTimeoutMinutes,
    };
    const any = Object.values(profile).some((v) => v !== undefined);
    return { outboundType: 'managedNATGateway', natGatewayProfile: any ? profile : undefined };
  }
}

class UserAssignedNatGatewayOutbound extends AksOutbound {
  public readonly outboundType = 'userAssignedNATGateway' as const;

  constructor(private readonly options: UserAssignedNatGatewayOptions) {
    super();
  }

  public bind(ctx: AksOutboundContext): AksOutboundConfig {
    const subnet = requireNodeSubnet(ctx, 'userAssignedNATGateway', 'its NAT gateway carries the egress');
    const given = this.options.natGateway;
    if (subnet.natGateway && given && subnet.natGateway !== given) {
      throw new ValidationError(ctx.cluster, 'outbound.natGateway', given.name,
        `node subnet ${subnet.name} already has NAT gateway ${subnet.natGateway.name}; a subnet takes one`);
    }
    if (!subnet.natGateway && given) given.associate(subnet);
    const gateway = subnet.natGateway;
    if (!gateway) {
      throw new ValidationError(ctx.cluster, 'outbound', 'userAssignedNATGateway',
        `node subnet ${subnet.name} has no NAT gateway; associate one (natGateway.associate(subnet)) or pass { natGateway }`);
    }

    checkAtSynth(ctx.cluster, () => {
      const hop = subnet.routeTable?.defaultRouteNextHopType();
      if (hop === 'VirtualAppliance' || hop === 'VirtualNetworkGateway') {
        throw new ValidationError(ctx.cluster, `outbound (route table ${subnet.routeTable!.name}, 0.0.0.0/0)`, hop,
          `a 0.0.0.0/0 route to a ${hop} takes Internet traffic away from NAT gateway ${gateway.name}; ` +
          'route 0.0.0.0/0 to Internet (or not at all), or use AksOutbound.userDefinedRouting()');
      }
    });

    let identity = this.options.identity;
    if (!identity) {
      const name = this.options.identityName ?? `${ctx.clusterName}-identity`;
      checkAzureName(ctx.cluster, 'outbound.identityName', name, AZURE_IDENTITY_NAME);
      identity = new ManagedIdentity(ctx.cluster, 'outbound-identity', { resourceGroup: ctx.resourceGroup, name });
    }
    // Network Contributor is the built-in role AKS documents for a cluster identity on a custom
    // subnet: it holds subnets/join/action and subnets/read, and nothing outside the network.
    const role = grantRole(ctx.cluster, 'outbound-identity-network-contributor', identity, 'Network Contributor',
      RoleScope.resource(subnet, `subnet ${subnet.name}`));
    return {
      outboundType: 'userAssignedNATGateway',
      identityIds: [identity.id],
      // The cluster is created with this identity, and AKS checks the grant at once: wait for it to propagate.
      dependsOn: [...gateway.dependables, role.resource, role.propagated],
    };
  }
}
