import * as ipaddr from 'ipaddr.js';
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import {
  DnatRuleCollection, RuleAddress, RulePort, RuleCollections, ValidationError, isIpAddress, knownValue, warnUnchecked,
} from '../core';
import { IFirewall } from './firewall';
import { Subnet } from './virtual-network';

/** Options of {@link internalLoadBalancerDnat}. */
export interface InternalLoadBalancerDnatOptions {
  /** The firewall whose public IP takes the inbound traffic. */
  readonly firewall: IFirewall;
  /** The DNAT collection's name, e.g. `exampleset`. */
  readonly name: string;
  /** 100 to 65000. */
  readonly priority: number;
  /** @default - the collection's name */
  readonly ruleName?: string;
  /**
   * The frontend IP of the Kubernetes service's internal load balancer (annotated
   * `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`): a private address, literal or
   * a reference such as a Terraform variable.
   */
  readonly internalIp: string;
  /** The port the firewall's public IP listens on. */
  readonly port: RulePort;
  /** The service's port. @default - `port` */
  readonly translatedPort?: RulePort;
  /** @default ['TCP'] */
  readonly protocols?: ('TCP' | 'UDP' | 'Any')[];
  /** Who may connect. @default ['*'] */
  readonly sources?: RuleAddress[];
  /** Which of the firewall's public IPs takes the traffic (0 is the first). @default 0 */
  readonly publicIpIndex?: number;
  /** The subnet the internal load balancer takes its IP from (usually the node subnet); checked when given. @default - not checked */
  readonly subnet?: Subnet;
}

/**
 * A DNAT collection that publishes a Kubernetes service through the firewall: traffic to the
 * firewall's public IP and `port` goes to the service's internal load balancer.
 *
 * This is the inbound path for a cluster whose egress goes through the firewall (userDefinedRouting):
 * a public load balancer there breaks on asymmetric routing, because replies leave by the default route
 * to the firewall, which never saw the inbound half of the flow and drops them. So the target must be
 * a private address; a public one is an error.
 */
export function internalLoadBalancerDnat(options: InternalLoadBalancerDnatOptions): DnatRuleCollection {
  const fw = options.firewall;
  const site = Construct.isConstruct(fw) ? fw : `firewall ${fw.name}`;
  const at = `dnat[${options.name}]`;
  const index = options.publicIpIndex ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= fw.publicIps.length) {
    throw new ValidationError(site, `${at}.publicIpIndex`, index,
      `firewall ${fw.name} has ${fw.publicIps.length} public IP(s), index 0 to ${fw.publicIps.length - 1}`);
  }
  const ip = options.internalIp;
  const literal = Construct.isConstruct(fw) ? knownValue(fw, ip) : (Token.isUnresolved(ip) ? undefined : ip);
  if (literal === undefined && Construct.isConstruct(fw)) {
    warnUnchecked(fw, `${at}.internalIp`, ip, 'that it is the private IPv4 address of an internal load balancer');
  }
  if (literal !== undefined) {
    if (typeof literal !== 'string' || !isIpAddress(literal) || !literal.includes('.')) {
      throw new ValidationError(site, `${at}.internalIp`, ip, 'expected the IPv4 address of an internal load balancer');
    }
    const range = ipaddr.IPv4.parse(literal).range();
    if (range !== 'private' && range !== 'carrierGradeNat') {
      throw new ValidationError(site, `${at}.internalIp`, ip,
        'DNAT to a public load balancer breaks on asymmetric routing when egress goes through the firewall (replies ' +
        'take the default route to the firewall, which drops them); expose the service on an internal load balancer ' +
        'and DNAT to its private IP');
    }
    const subnet = options.subnet;
    if (subnet && !subnet.cidr.contains(literal)) {
      throw new ValidationError(site, `${at}.internalIp`, ip,
        `the internal load balancer takes its IP from subnet ${subnet.name} (${subnet.cidr})`);
    }
  }
  return RuleCollections.dnat({
    name: options.name,
    priority: options.priority,
    rules: [{
      name: options.ruleName ?? options.name,
      protocols: options.protocols ?? ['TCP'],
      sources: options.sources,
      destinationAddress: fw.publicIps[index],
      destinationPorts: [options.port],
      translatedAddress: ip,
      translatedPort: options.translatedPort ?? options.port,
    }],
  });
}
