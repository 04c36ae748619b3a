import { EgressGatewayTenant, EgressGatewayTenantProps } from './egress-gateway-tenant';

/**
 * A tenant's egress gateways in one cluster: the namespace, the IPPool of the tenant's egress range
 * and the EgressGateway deployment, rendered from an {@link EgressTenant} declaration. The name that
 * replaces `EgressGatewayTenant`, which read like a second kind of tenant.
 *
 * ```ts
 * const tenant0 = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
 * new TenantGateways(manifests, 'tenant0', { tenant: tenant0 });
 * ```
 */
export const TenantGateways = EgressGatewayTenant;
/** A tenant's egress gateways in one cluster (see the value of the same name). */
export type TenantGateways = EgressGatewayTenant;
/** Props of {@link TenantGateways}. */
export type TenantGatewaysProps = EgressGatewayTenantProps;
