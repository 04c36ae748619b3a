import { Cidr, ErrorSite, ValidationError, brand, checkDns1123Label, checkDns1123Subdomain, checkLabels, checkString, formatValue, typeName } from '../core';
import { callerLocation, requireProps } from '../core/guards';
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
  /** True when `x` is an EgressTenant (works across copies of the library). */
  public static isEgressTenant(x: unknown): x is EgressTenant {
    return egressTenantBrand.is(x);
  }

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
  /**
   * Where the app declared it (`file:line` of the `new EgressTenant(...)`): a tenant is a value, not a
   * construct, so errors about it name this beside the construct that uses it.
   */
  public readonly declaredAt: string;

  constructor(props: EgressTenantProps) {
    this.declaredAt = callerLocation();
    egressTenantBrand.mark(this);
    requireProps(`new EgressTenant() at ${this.declaredAt}`, 'EgressTenant', props, ['name', 'egressCidr']);
    checkString(`new EgressTenant() at ${this.declaredAt}`, 'name', props.name, 'a DNS-1123 label, e.g. tenant0');
    const site = `tenant ${formatValue(props.name)} (declared at ${this.declaredAt})`;
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

  /** How messages name it: `tenant "tenant0", declared at app.ts:12`. */
  public get description(): string {
    return `tenant ${formatValue(this.name)}, declared at ${this.declaredAt}`;
  }

  /** The tenant's name. */
  public toString(): string {
    return this.name;
  }
}

const egressTenantBrand = brand('EgressTenant');

/**
 * A field of a construct that holds a tenant, as messages name it: `tenants[1] (tenant "a", declared
 * at app.ts:12)`, so an error found in the construct that uses a tenant also says where it was declared.
 */
export function tenantField(field: string, tenant: EgressTenant): string {
  return `${field} (${tenant.description})`;
}

/**
 * Checks that `value`, given to the construct at `site` in `field`, is an {@link EgressTenant} (a
 * JavaScript caller may pass a plain object or a name); returns it typed.
 */
export function checkTenant(site: ErrorSite, field: string, value: unknown): EgressTenant {
  if (!EgressTenant.isEgressTenant(value)) {
    throw new ValidationError(site, `${field} (${typeName(value)})`, value,
      "expected an EgressTenant: declare it once with new EgressTenant({ name, egressCidr }) and pass that object");
  }
  return value;
}

/** Checks a list of tenants (see {@link checkTenant}); a tenant listed twice is refused. */
export function checkTenantList(site: ErrorSite, field: string, value: unknown): EgressTenant[] {
  if (!Array.isArray(value)) {
    throw new ValidationError(site, `${field} (${typeName(value)})`, value, 'expected a list of EgressTenants');
  }
  const out: EgressTenant[] = [];
  value.forEach((v, i) => {
    const t = checkTenant(site, `${field}[${i}]`, v);
    const j = out.indexOf(t);
    if (j >= 0) throw new ValidationError(site, tenantField(`${field}[${i}]`, t), t.name, `${field}[${j}] is the same tenant; list each once`);
    out.push(t);
  });
  return out;
}
