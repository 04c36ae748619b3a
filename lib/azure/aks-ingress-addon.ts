import { Construct } from 'constructs';
import { KubernetesClusterIngressApplicationGateway } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { AZURE_NETWORK_NAME, Cidr, ValidationError, checkAtSynth, checkAzureName } from '../core';
import { callerLocation, knownValue, requireProps, warnUnchecked } from '../core/guards';
import { plainReference } from './references';
import { RoleScope } from './role-assignment';
import { AZURE_SPECIAL_SUBNETS, Subnet } from './virtual-network';

/** What an ingress add-on strategy is given when a cluster binds it. */
export interface AppGatewayIngressContext {
  /** The cluster construct, the site of errors. */
  readonly cluster: Construct;
  /** The default node pool's subnet; none when AKS manages the node VNet. */
  readonly nodeSubnet?: Subnet;
  /** The cluster's service range. */
  readonly serviceCidr: Cidr;
  /** The cluster's pod range, when it has one. */
  readonly podCidr?: Cidr;
  /** The cluster's network plugin. */
  readonly plugin: 'none' | 'azure' | 'kubenet';
  /** The plugin mode (`overlay` for Azure CNI Overlay), if any. */
  readonly pluginMode?: 'overlay';
}

/** Options of {@link AppGatewayIngress.newGateway}. */
export interface NewAppGatewayOptions {
  /** Name of the Application Gateway AKS creates (in the node resource group), e.g. `azure-appgateway`. */
  readonly name: string;
  /** Range of the subnet AKS creates for it in the cluster's VNet, e.g. `10.42.3.0/24`. */
  readonly subnetCidr: string;
  /**
   * In a VNet of yours, the add-on's identity creates the gateway's subnet, so it needs Network
   * Contributor on the whole VNet: with it, whoever can use that identity can also detach the node
   * subnet's route table and bypass the firewall. Refused unless this is set; the secure choice is
   * `newGatewayInSubnet` with a subnet you declare, whose grant covers that subnet only.
   * @default false
   */
  readonly allowVnetWideGrant?: boolean;
}

/** Options of {@link AppGatewayIngress.newGatewayInSubnet}. */
export interface AppGatewayInSubnetOptions {
  /** Name of the Application Gateway AKS creates. */
  readonly name: string;
  /** An existing subnet dedicated to the gateway (not the node subnet). */
  readonly subnet: Subnet;
}

const APP_GATEWAY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/applicationGateways\/[^/]+$/i;

/**
 * The Application Gateway ingress controller add-on (`ingress_application_gateway`): which gateway it
 * manages. AKS creates the gateway (and with `newGateway`, its subnet) in the node resource group,
 * or the add-on takes over an existing one.
 */
export abstract class AppGatewayIngress {
  /**
   * AKS creates a gateway named `name` and a subnet `subnetCidr` for it in the cluster's VNet
   * (`az aks enable-addons -a ingress-appgw --appgw-name --appgw-subnet-cidr`). The range must lie in
   * the node subnet's VNet, clear of its subnets and of the service and pod ranges.
   */
  public static newGateway(options: NewAppGatewayOptions): AppGatewayIngress {
    requireProps(`AppGatewayIngress.newGateway() at ${callerLocation()}`, 'AppGatewayIngress.newGateway', options, ['name', 'subnetCidr']);
    return new NewGateway(options);
  }

  /** AKS creates a gateway named `name` in an existing, dedicated subnet. */
  public static newGatewayInSubnet(options: AppGatewayInSubnetOptions): AppGatewayIngress {
    requireProps(`AppGatewayIngress.newGatewayInSubnet() at ${callerLocation()}`, 'AppGatewayIngress.newGatewayInSubnet', options, ['name', 'subnet']);
    return new GatewayInSubnet(options);
  }

  /** The add-on manages an existing Application Gateway, by resource ID. */
  public static existingGateway(gatewayId: string): AppGatewayIngress {
    return new ExistingGateway(gatewayId);
  }

  /** Checks the options against the cluster and returns the add-on block. */
  public abstract bind(context: AppGatewayIngressContext): KubernetesClusterIngressApplicationGateway;

  /**
   * Where the add-on's identity needs Network Contributor: the cluster's VNet when AKS creates the
   * gateway's subnet, the subnet when it uses yours; none for an existing gateway (grant on its
   * subnet yourself).
   */
  public abstract networkScope(context: AppGatewayIngressContext): RoleScope | undefined;

  /** The add-on sends traffic straight to pod IPs: pods need addresses the gateway can route to. */
  protected checkPlugin(ctx: AppGatewayIngressContext): void {
    if (ctx.plugin === 'none' || ctx.pluginMode === 'overlay') {
      throw new ValidationError(ctx.cluster, 'ingressApplicationGateway', ctx.pluginMode === 'overlay' ? 'azure (overlay)' : ctx.plugin,
        'the ingress add-on routes to pod IPs, which it cannot reach with Azure CNI Overlay or a CNI you bring; use Azure CNI or kubenet');
    }
  }
}

function checkGatewayName(ctx: AppGatewayIngressContext, name: string): void {
  checkAzureName(ctx.cluster, 'ingressApplicationGateway.name', name, AZURE_NETWORK_NAME);
}

class NewGateway extends AppGatewayIngress {
  constructor(private readonly options: NewAppGatewayOptions) {
    super();
  }

  public bind(ctx: AppGatewayIngressContext): KubernetesClusterIngressApplicationGateway {
    const field = 'ingressApplicationGateway.subnetCidr';
    this.checkPlugin(ctx);
    checkGatewayName(ctx, this.options.name);
    const cidr = Cidr.parse(this.options.subnetCidr, { site: ctx.cluster, field });
    for (const [label, other] of [['service CIDR', ctx.serviceCidr], ['pod CIDR', ctx.podCidr]] as const) {
      if (other && cidr.overlaps(other)) {
        throw new ValidationError(ctx.cluster, field, cidr.toString(), `it overlaps the cluster's ${label} ${other}`);
      }
    }
    const subnet = ctx.nodeSubnet;
    if (subnet) {
      const vnet = subnet.vnet;
      if (!this.options.allowVnetWideGrant) {
        throw new ValidationError(ctx.cluster, 'ingressApplicationGateway', 'newGateway',
          `AKS would create the gateway's subnet in VNet ${vnet.name}, which needs Network Contributor for the add-on on the whole ` +
          'VNet (enough to detach the node subnet\'s route table and bypass the firewall); declare the gateway\'s subnet and use ' +
          'AppGatewayIngress.newGatewayInSubnet({ name, subnet }), or set allowVnetWideGrant');
      }
      if (!vnet.contains(cidr)) {
        throw new ValidationError(ctx.cluster, field, cidr.toString(),
          `AKS creates the gateway's subnet in the cluster's VNet ${vnet.name}; pick a range inside ${vnet.addressSpace.join(', ')}`);
      }
      // Subnets may be added to the VNet after the cluster: check them all at synth.
      checkAtSynth(ctx.cluster, () => {
        const clash = vnet.subnets.find((s) => s.cidr.overlaps(cidr));
        if (clash) {
          throw new ValidationError(ctx.cluster, field, cidr.toString(),
            `it overlaps subnet ${clash.name} (${clash.cidr}) of VNet ${vnet.name}; the gateway needs a subnet of its own`);
        }
      });
    }
    return { gatewayName: this.options.name, subnetCidr: cidr.toString() };
  }

  public networkScope(ctx: AppGatewayIngressContext): RoleScope | undefined {
    const vnet = ctx.nodeSubnet?.vnet;
    return vnet ? RoleScope.resource(vnet, `VNet ${vnet.name}`) : undefined;
  }
}

class GatewayInSubnet extends AppGatewayIngress {
  constructor(private readonly options: AppGatewayInSubnetOptions) {
    super();
  }

  public bind(ctx: AppGatewayIngressContext): KubernetesClusterIngressApplicationGateway {
    this.checkPlugin(ctx);
    checkGatewayName(ctx, this.options.name);
    const subnet = this.options.subnet;
    if (subnet === ctx.nodeSubnet || AZURE_SPECIAL_SUBNETS[subnet.name]) {
      throw new ValidationError(ctx.cluster, 'ingressApplicationGateway.subnet', subnet.name,
        'an Application Gateway needs a subnet of its own, not the node subnet nor one Azure reserves for another service');
    }
    return { gatewayName: this.options.name, subnetId: subnet.id };
  }

  public networkScope(): RoleScope {
    return RoleScope.resource(this.options.subnet, `subnet ${this.options.subnet.name}`);
  }
}

class ExistingGateway extends AppGatewayIngress {
  constructor(private readonly gatewayId: string) {
    super();
  }

  public bind(ctx: AppGatewayIngressContext): KubernetesClusterIngressApplicationGateway {
    this.checkPlugin(ctx);
    const ref = plainReference(this.gatewayId);
    if (!(ref?.type === 'azurerm_application_gateway' && ref.attribute === 'id')) {
      // Not the ID of a gateway the app builds: check the literal (or the one the app set behind the reference).
      const id = knownValue(ctx.cluster, this.gatewayId);
      if (id === undefined) {
        warnUnchecked(ctx.cluster, 'ingressApplicationGateway.gatewayId', this.gatewayId, 'that it names an Application Gateway');
      } else if (typeof id !== 'string' || !APP_GATEWAY_ID.test(id)) {
        throw new ValidationError(ctx.cluster, 'ingressApplicationGateway.gatewayId', this.gatewayId,
          'expected an Application Gateway resource ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/applicationGateways/<name>');
      }
    }
    return { gatewayId: this.gatewayId };
  }

  public networkScope(): undefined {
    return undefined;
  }
}
