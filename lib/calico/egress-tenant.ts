import { Cidr, ValidationError, checkDns1123Label, checkDns1123Subdomain, checkLabels } from '../core';
import { requireProps } from '../core/guards';
import { StringMap, labelSelector, namespaceNameSelector } from './api';

/** Props of {@link EgressTenant}. */
export interface EgressTenantProps {
  /** The tenant's name, a DNS-1123 label, e.g. `tenant0`. */
  readonly name: string;
  /** The range the tenant's egress gateways take their addresses from: what firewalls see as its source. */
  readonly egressCidr: Cidr | string;
  /** Namespace of the gateways. @default `${name}-egw` */
  readonly namespace?: string;
  /** Name of the IPPool. @default `${name}-pool` */
  readonly poolName?: string;
  /** Name of the EgressGateway. @default `${name}-egw` */
  readonly gatewayName?: string;
  /** Labels of the gateway pods, which policies select them by. @default { tenant: gatewayName } */
  readonly podLabels?: StringMap;
}

/**
 * A tenant's egress identity, declared once and read everywhere: the cloud stack's firewall rules
 * take `egressCidr` as their source, the cluster stack renders the tenant's namespace, IPPool,
 * EgressGateway and BGP advertisement from it ({@link EgressGatewayTenant}). A plain value, not a
 * construct, so one declaration can be handed to stacks that are built before one another.
 *
 * ```ts
 * const tenant0 = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
 * ```
 */
export class EgressTenant {
  /** The tenant's name. */
  public readonly name: string;
  /** The tenant's egress range. */
  public readonly egressCidr: Cidr;
  /** Namespace of its gateways. */
  public readonly namespace: string;
  /** Name of its IPPool. */
  public readonly poolName: string;
  /** Name of its EgressGateway. */
  public readonly gatewayName: string;
  /** Labels of its gateway pods. */
  public readonly podLabels: StringMap;

  constructor(props: EgressTenantProps) {
    requireProps('new EgressTenant()', 'EgressTenant', props, ['name', 'egressCidr']);
    const site = `tenant ${props.name}`;
    checkDns1123Label(site, 'name', props.name);
    this.name = props.name;
    this.egressCidr = Cidr.of(props.egressCidr, { site, field: 'egressCidr' });
    if (this.egressCidr.version !== 4) {
      throw new ValidationError(site, 'egressCidr', this.egressCidr.toString(), 'egress gateway ranges are IPv4 ranges');
    }
    this.namespace = props.namespace ?? `${props.name}-egw`;
    this.poolName = props.poolName ?? `${props.name}-pool`;
    this.gatewayName = props.gatewayName ?? `${props.name}-egw`;
    checkDns1123Label(site, 'namespace', this.namespace);
    checkDns1123Subdomain(site, 'poolName', this.poolName);
    checkDns1123Subdomain(site, 'gatewayName', this.gatewayName);
    // The labels become selectors (`tenant == 'tenant0-egw'`): a value with a quote or `||` would change what they match.
    checkLabels(site, 'podLabels', props.podLabels);
    this.podLabels = { ...(props.podLabels ?? { tenant: this.gatewayName }) };
    if (Object.keys(this.podLabels).length === 0) {
      throw new ValidationError(site, 'podLabels', {}, 'gateway pods need at least one label for policies to select them by');
    }
  }

  /** Selects the gateways' namespace: `projectcalico.org/name == '<namespace>'`. */
  public get namespaceSelector(): string {
    return namespaceNameSelector(this.namespace);
  }

  /** Selects the gateway pods by their labels, e.g. `tenant == 'tenant0-egw'`. */
  public get gatewaySelector(): string {
    return labelSelector(this.podLabels);
  }

  /** The tenant's name. */
  public toString(): string {
    return this.name;
  }
}
