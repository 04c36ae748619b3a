import { Construct } from 'constructs';
import { IFirewall } from './firewall';
import { NextHop, RouteTable, RouteTableProps } from './route-table';
import { requireProps } from '../core/guards';

/** Props of {@link FirewallRouteTable}. */
export interface FirewallRouteTableProps extends Omit<RouteTableProps, 'routes'> {
  /** The firewall every path out leads to. */
  readonly firewall: IFirewall;
  /** Name of the `0.0.0.0/0` route. @default 'default-to-firewall' */
  readonly defaultRouteName?: string;
  /**
   * Also send each of the firewall's public IPs (`/32`) to `Internet`, so traffic that arrives at the
   * firewall's public address (DNAT) returns the way it came instead of looping back through the
   * firewall. Document 002's second route. A string is the route name (suffixed `-2`, `-3`… for more IPs).
   * @default false
   */
  readonly firewallPublicIpRoute?: boolean | string;
}

/**
 * A route table that forces everything out of the subnets it protects through a firewall:
 * `0.0.0.0/0` to the firewall's private IP (by reference, never a literal), optionally the
 * firewall's own public IPs to `Internet`.
 */
export class FirewallRouteTable extends RouteTable {
  /** The firewall the default route leads to. */
  public readonly firewall: IFirewall;

  constructor(scope: Construct, id: string, props: FirewallRouteTableProps) {
    requireProps(`${scope.node.path}/${id}`, 'FirewallRouteTable', props, ['firewall', 'resourceGroup', 'name']);
    super(scope, id, { ...props, routes: [] });
    this.firewall = props.firewall;
    this.addRoute({
      name: props.defaultRouteName ?? 'default-to-firewall',
      addressPrefix: '0.0.0.0/0',
      nextHop: NextHop.virtualAppliance(props.firewall.privateIp),
    });
    if (props.firewallPublicIpRoute) {
      const base = typeof props.firewallPublicIpRoute === 'string' ? props.firewallPublicIpRoute : 'firewall-public-ip-to-internet';
      props.firewall.publicIps.forEach((ip, i) => {
        this.addRoute({ name: i === 0 ? base : `${base}-${i + 1}`, addressPrefix: `${ip}/32`, nextHop: NextHop.internet() });
      });
    }
  }
}
