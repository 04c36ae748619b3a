import { Construct, IConstruct } from 'constructs';
import { Cidr, ValidationError, brand, checkAtSynth, checkClearOf, declareRanges, findInApp } from '../core';
import { requireProps } from '../core/guards';
import {
  CALICO_API_VERSION, EgressGateway, EgressGatewayLogSeverity, EgressGatewaySpec, EncapsulationMode, IPPool, Namespace,
  OPERATOR_API_VERSION, StringMap, TopologySpreadConstraint,
} from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { EgressTenant } from './egress-tenant';

/** Smallest and largest block size of an IPv4 pool (Calico's IPPool reference). */
export const IPV4_BLOCK_SIZES = { min: 20, max: 32 } as const;

/** Props of {@link EgressGatewayTenant}. */
export interface EgressGatewayTenantProps {
  /** The tenant's declaration, shared with the cloud stack's firewall rules. */
  readonly tenant: EgressTenant;
  /** Gateway pods. @default 2 */
  readonly replicas?: number;
  /** Prefix length of the pool's per-node blocks: a /31 block holds two gateways. @default 31 */
  readonly blockSize?: number;
  /** VXLAN mode of the pool: the gateways' addresses are routed natively, announced over BGP. @default 'Never' */
  readonly vxlanMode?: EncapsulationMode;
  /** Nodes whose ordinary pods may use the pool: none, only gateways name it. @default '!all()' */
  readonly poolNodeSelector?: string;
  /** @default 'Info' */
  readonly logSeverity?: EgressGatewayLogSeverity;
  /** Node selector of the gateway pods. @default { 'kubernetes.io/os': 'linux' } */
  readonly nodeSelector?: StringMap;
  /** Termination grace period of the gateway pods, in seconds. @default 0 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * How the gateway pods spread; `[]` for no constraint.
   * @default - at most one more gateway in any zone than in another (maxSkew 1 over topology.kubernetes.io/zone, DoNotSchedule)
   */
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  /** Readiness probes of the gateways' upstream. @default - none */
  readonly failureDetection?: EgressGatewaySpec['egressGatewayFailureDetection'];
}

const tenantBrand = brand('EgressGatewayTenant');

/**
 * A tenant's egress gateways in the cluster: its namespace, an IPPool of its egress range (no pod
 * gets addresses from it unless it names the pool) and the operator's EgressGateway deployment.
 * Declares the range in the app's address plan; at synth it must be clear of every VNet, VPC, transit
 * gateway CIDR block, pod range, service range and other tenant.
 */
export class EgressGatewayTenant extends Construct {
  /** True when `x` is an EgressGatewayTenant (works across copies of the library). */
  public static isEgressGatewayTenant(x: unknown): x is EgressGatewayTenant {
    return tenantBrand.is(x);
  }

  /**
   * The gateways rendered for `tenant` (a declaration or a tenant name) in the cluster `site` belongs
   * to (its ClusterManifests); throws a ValidationError naming `site` and `field` when there are none.
   */
  public static find(site: IConstruct, field: string, tenant: EgressTenant | string): EgressGatewayTenant {
    const cluster = ClusterManifests.of(site);
    const all = findInApp(site, EgressGatewayTenant.isEgressGatewayTenant).filter((t) => ClusterManifests.of(t) === cluster);
    const found = all.find((t) => (typeof tenant === 'string' ? t.tenant.name === tenant : t.tenant === tenant));
    if (!found) {
      const names = all.map((t) => t.tenant.name);
      throw new ValidationError(site, field, typeof tenant === 'string' ? tenant : tenant.name,
        `no EgressGatewayTenant renders that tenant in this cluster; tenants with gateways here: ${names.length > 0 ? names.join(', ') : 'none'}`);
    }
    return found;
  }

  /** The tenant's declaration. */
  public readonly tenant: EgressTenant;
  /** Its egress range: the source firewalls see, the range BGP announces. */
  public readonly egressCidr: Cidr;
  /** The Namespace object. */
  public readonly namespace: ManifestEntry;
  /** The IPPool object. */
  public readonly pool: ManifestEntry;
  /** The EgressGateway object. */
  public readonly gateway: ManifestEntry;

  constructor(scope: Construct, id: string, props: EgressGatewayTenantProps) {
    super(scope, id);
    requireProps(this, 'EgressGatewayTenant', props, ['tenant']);
    tenantBrand.mark(this);
    const manifests = ClusterManifests.of(this);
    const t = props.tenant;
    this.tenant = t;
    this.egressCidr = t.egressCidr;

    const blockSize = props.blockSize ?? 31;
    if (!Number.isInteger(blockSize) || blockSize < IPV4_BLOCK_SIZES.min || blockSize > IPV4_BLOCK_SIZES.max) {
      throw new ValidationError(this, 'blockSize', blockSize, `an IPv4 pool's block size is /${IPV4_BLOCK_SIZES.min} to /${IPV4_BLOCK_SIZES.max}`);
    }
    if (blockSize < t.egressCidr.prefix) {
      throw new ValidationError(this, 'blockSize', blockSize,
        `pool ${t.poolName} (${t.egressCidr}) cannot hold a /${blockSize} block; use /${t.egressCidr.prefix} to /${IPV4_BLOCK_SIZES.max}`);
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new ValidationError(this, 'replicas', replicas, 'replicas is a whole number, 0 or more');
    }
    if (replicas > t.egressCidr.size) {
      throw new ValidationError(this, 'replicas', replicas,
        `each gateway takes an address of ${t.egressCidr}, which has ${t.egressCidr.size}`);
    }
    const grace = props.terminationGracePeriodSeconds ?? 0;
    if (!Number.isInteger(grace) || grace < 0) {
      throw new ValidationError(this, 'terminationGracePeriodSeconds', grace, 'a grace period is a whole number of seconds, 0 or more');
    }

    declareRanges(this, [{ cidr: t.egressCidr, kind: 'egress', label: `egress range of tenant ${t.name}` }]);
    checkAtSynth(this, () => checkClearOf(this, 'tenant.egressCidr', t.egressCidr, ['vnet', 'vpc', 'transit', 'pod', 'service', 'egress'],
      'an egress range is announced over BGP and named by firewall rules, so it must not be any other network\'s range'));

    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: t.namespace } };
    this.namespace = manifests.add(this, 'namespace', ns);

    const pool: IPPool = {
      apiVersion: CALICO_API_VERSION,
      kind: 'IPPool',
      metadata: { name: t.poolName },
      spec: {
        cidr: t.egressCidr.toString(),
        blockSize,
        nodeSelector: props.poolNodeSelector ?? '!all()',
        vxlanMode: props.vxlanMode ?? 'Never',
      },
    };
    this.pool = manifests.add(this, 'ippool', pool);

    const spread = props.topologySpreadConstraints ?? [{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: t.podLabels },
    }];
    const gateway: EgressGateway = {
      apiVersion: OPERATOR_API_VERSION,
      kind: 'EgressGateway',
      metadata: { name: t.gatewayName, namespace: t.namespace },
      spec: {
        logSeverity: props.logSeverity ?? 'Info',
        replicas,
        ipPools: [{ name: t.poolName }],
        template: {
          metadata: { labels: t.podLabels },
          spec: {
            terminationGracePeriodSeconds: grace,
            nodeSelector: props.nodeSelector ?? { 'kubernetes.io/os': 'linux' },
            ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
          },
        },
        ...(props.failureDetection ? { egressGatewayFailureDetection: props.failureDetection } : {}),
      },
    };
    this.gateway = manifests.add(this, 'egress-gateway', gateway, { dependsOn: [this.namespace, this.pool] });
  }
}
