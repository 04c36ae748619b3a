import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { VirtualNetworkPeering } from '@cdktf/provider-azurerm/lib/virtual-network-peering';
import { AZURE_NAME_RULES, ValidationError, checkAzureName } from '../core';
import { requireProps } from '../core/guards';
import { checkPeering, declareLink } from '../core/app-registry';
import { VirtualNetwork } from './virtual-network';
import { attribute } from '../core/refs';
import { untraced } from '../core/refs';

/** A hub's gateway that spokes reach through gateway transit (a Route Server or a VPN/ExpressRoute gateway). */
export interface IHubGateway {
  /** Resources the spoke's peering must wait for. */
  readonly dependables: readonly ITerraformDependable[];
}

/** Props of {@link HubSpokePeering}. */
export interface HubSpokePeeringProps {
  readonly hub: VirtualNetwork;
  readonly spoke: VirtualNetwork;
  /** @default `${hub.name}-to-${spoke.name}` */
  readonly hubToSpokeName?: string;
  /** @default `${spoke.name}-to-${hub.name}` */
  readonly spokeToHubName?: string;
  /**
   * Accept traffic that did not originate in the peer VNet, e.g. traffic the hub firewall forwards
   * into the spoke (DNAT, spoke to spoke).
   * @default true
   */
  readonly allowForwardedTraffic?: boolean;
  /**
   * The hub's gateway: a `RouteServer`, new or `RouteServer.fromExisting`, or a VPN/ExpressRoute
   * gateway. With one, the hub side allows gateway transit and both peerings wait for it.
   * @default - no gateway transit
   */
  readonly gateway?: IHubGateway;
  /**
   * Whether the spoke side uses the hub's gateway, so the spoke learns the Route Server's routes. It
   * needs `gateway` (true without one is an error); false keeps gateway transit on the hub side only.
   * @default - true when `gateway` is given, false otherwise
   */
  readonly useRemoteGateways?: boolean;
}

/**
 * Peers a spoke VNet with a hub in both directions: virtual network access on both sides, forwarded
 * traffic, gateway transit on the hub side and remote gateways on the spoke side, ordered after the
 * hub's gateway (Route Server).
 */
export class HubSpokePeering extends Construct {
  /** The hub-to-spoke azurerm_virtual_network_peering. */
  public readonly hubToSpoke: VirtualNetworkPeering;
  /** The spoke-to-hub azurerm_virtual_network_peering. */
  public readonly spokeToHub: VirtualNetworkPeering;

  constructor(scope: Construct, id: string, props: HubSpokePeeringProps) {
    super(scope, id);
    requireProps(this, 'HubSpokePeering', props, ['hub', 'spoke']);
    const { hub, spoke } = props;
    if (hub === spoke) {
      throw new ValidationError(this, 'spoke', spoke.name, 'a VNet cannot be peered with itself');
    }
    for (const a of hub.addressSpace) {
      for (const b of spoke.addressSpace) {
        if (a.overlaps(b)) {
          throw new ValidationError(this, 'spoke.addressSpace', b.toString(),
            `it overlaps ${a} of hub ${hub.name}; peered VNets need address spaces that do not overlap`);
        }
      }
    }
    const useRemote = props.useRemoteGateways ?? props.gateway !== undefined;
    if (useRemote && !props.gateway) {
      throw new ValidationError(this, 'gateway', undefined,
        'useRemoteGateways needs the hub\'s gateway (e.g. its RouteServer) so the peering can wait for it');
    }
    checkPeering(this, hub, spoke, useRemote);
    const hubToSpokeName = props.hubToSpokeName ?? `${hub.name}-to-${spoke.name}`;
    const spokeToHubName = props.spokeToHubName ?? `${spoke.name}-to-${hub.name}`;
    checkAzureName(this, 'hubToSpokeName', hubToSpokeName, AZURE_NAME_RULES.virtualNetworkPeering);
    checkAzureName(this, 'spokeToHubName', spokeToHubName, AZURE_NAME_RULES.virtualNetworkPeering);
    const forwarded = props.allowForwardedTraffic ?? true;
    const dependsOn = props.gateway ? [...props.gateway.dependables] : undefined;

    this.hubToSpoke = untraced(() => new VirtualNetworkPeering(this, 'hub-to-spoke', {
      name: hubToSpokeName,
      resourceGroupName: hub.resourceGroupName,
      virtualNetworkName: attribute(hub.resource, 'name'),
      remoteVirtualNetworkId: spoke.id,
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: forwarded,
      allowGatewayTransit: props.gateway !== undefined,
      useRemoteGateways: false,
      dependsOn,
    }));
    this.spokeToHub = untraced(() => new VirtualNetworkPeering(this, 'spoke-to-hub', {
      name: spokeToHubName,
      resourceGroupName: spoke.resourceGroupName,
      virtualNetworkName: attribute(spoke.resource, 'name'),
      remoteVirtualNetworkId: hub.id,
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: forwarded,
      allowGatewayTransit: false,
      useRemoteGateways: useRemote,
      // Azure refuses remote gateways until the hub's side allows gateway transit: create it after that side.
      dependsOn: useRemote ? [...(dependsOn ?? []), this.hubToSpoke] : dependsOn,
    }));
    declareLink({ kind: 'peering', from: hub, to: spoke, owner: this, usesRemoteGateway: useRemote });
    hub._addPeer(spoke, this.dependables);
    spoke._addPeer(hub, this.dependables);
  }

  /** Both peerings: what a workload that needs the hub must wait for. */
  public get dependables(): ITerraformDependable[] {
    return [this.hubToSpoke, this.spokeToHub];
  }
}
