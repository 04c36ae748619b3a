import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { Release } from '@cdktf/provider-helm/lib/release';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { stringify } from 'yaml';
import { Cidr, ValidationError, brand, checkDns1123Label } from '../core';
import { requireProps } from '../core/guards';

/** The Calico release the library is tested with (tigera-operator chart version). */
export const CALICO_VERSION = 'v3.33.1';

/** Where the tigera-operator chart is published. */
export const CALICO_HELM_REPOSITORY = 'https://docs.tigera.io/calico/charts';

/** Encapsulation of a Calico IP pool. */
export type CalicoEncapsulation = 'VXLAN' | 'VXLANCrossSubnet' | 'IPIP' | 'IPIPCrossSubnet' | 'None';

/** A pool the operator creates at install (the default pod pool). */
export interface CalicoInstallPool {
  readonly cidr: Cidr | string;
  /** @default 'VXLAN' */
  readonly encapsulation?: CalicoEncapsulation;
  /** @default - Calico's default (true) */
  readonly natOutgoing?: boolean;
  /** @default - Calico's default (26) */
  readonly blockSize?: number;
  /** Keep the pool's routes out of BGP (the operator reconciles the pool from this). @default - Calico's default (false) */
  readonly disableBGPExport?: boolean;
}

/** Props of {@link CalicoOperator}. */
export interface CalicoOperatorProps {
  /** The helm provider configured for the cluster. */
  readonly provider: HelmProvider;
  /** Chart version. @default CALICO_VERSION */
  readonly version?: string;
  /** The platform, e.g. `AKS`, `EKS`, or omitted for self-managed Kubernetes. @default - none */
  readonly kubernetesProvider?: 'AKS' | 'EKS' | 'GKE' | 'OpenShift' | 'DockerEnterprise' | 'RKE2' | 'TKG';
  /** Calico's BGP: enabled to peer with route reflectors, Route Servers or Transit Gateways. @default 'Enabled' */
  readonly bgp?: 'Enabled' | 'Disabled';
  /** Pools created at install; the first is the default pod pool. */
  readonly ipPools: CalicoInstallPool[];
  /** @default 'tigera-operator' */
  readonly namespace?: string;
  /** @default 'calico' */
  readonly releaseName?: string;
  /** @default CALICO_HELM_REPOSITORY */
  readonly repository?: string;
  /** Resources to install after (the cluster). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

const operatorBrand = brand('CalicoOperator');

/**
 * Calico's operator installed with the tigera-operator helm chart, with Calico as CNI and IPAM.
 * A helm release plans without the cluster's API, so it can live in the same stack as the cluster.
 */
export class CalicoOperator extends Construct {
  /** True when `x` is a CalicoOperator (works across copies of the library). */
  public static isCalicoOperator(x: unknown): x is CalicoOperator {
    return operatorBrand.is(x);
  }

  /** The helm_release resource (escape hatch). */
  public readonly release: Release;
  /** The values passed to the chart. */
  public readonly values: Record<string, unknown>;
  /** The pools created at install. */
  public readonly pools: readonly Cidr[];
  /** The pools created with `disableBGPExport: true`: their routes stay out of BGP. */
  public readonly bgpExportDisabledPools: readonly Cidr[];

  constructor(scope: Construct, id: string, props: CalicoOperatorProps) {
    super(scope, id);
    requireProps(this, 'CalicoOperator', props, ['provider', 'ipPools']);
    operatorBrand.mark(this);
    const namespace = props.namespace ?? 'tigera-operator';
    checkDns1123Label(this, 'namespace', namespace);
    if (props.ipPools.length === 0) {
      throw new ValidationError(this, 'ipPools', [], 'Calico needs at least one IP pool for pods');
    }
    this.pools = props.ipPools.map((p, i) => Cidr.of(p.cidr, { site: this, field: `ipPools[${i}].cidr` }));
    props.ipPools.forEach((p, i) => {
      if (p.blockSize !== undefined && (p.blockSize < this.pools[i].prefix || p.blockSize > 32)) {
        throw new ValidationError(this, `ipPools[${i}].blockSize`, p.blockSize,
          `the block size of ${this.pools[i]} is /${this.pools[i].prefix} to /32`);
      }
    });
    this.bgpExportDisabledPools = this.pools.filter((_, i) => props.ipPools[i].disableBGPExport === true);
    this.values = {
      installation: {
        ...(props.kubernetesProvider ? { kubernetesProvider: props.kubernetesProvider } : {}),
        cni: { type: 'Calico', ipam: { type: 'Calico' } },
        calicoNetwork: {
          bgp: props.bgp ?? 'Enabled',
          ipPools: props.ipPools.map((p, i) => ({
            cidr: this.pools[i].toString(),
            encapsulation: p.encapsulation ?? 'VXLAN',
            ...(p.natOutgoing === undefined ? {} : { natOutgoing: p.natOutgoing ? 'Enabled' : 'Disabled' }),
            ...(p.blockSize === undefined ? {} : { blockSize: p.blockSize }),
            ...(p.disableBGPExport === undefined ? {} : { disableBGPExport: p.disableBGPExport }),
          })),
        },
      },
    };
    this.release = new Release(this, 'release', {
      provider: props.provider,
      name: props.releaseName ?? 'calico',
      chart: 'tigera-operator',
      repository: props.repository ?? CALICO_HELM_REPOSITORY,
      version: props.version ?? CALICO_VERSION,
      namespace,
      createNamespace: true,
      values: [stringify(this.values)],
      dependsOn: props.dependsOn,
    });
  }
}
