import { Construct } from 'constructs';
import { DataResource, ITerraformDependable } from 'cdktf';
// Types only: the Helm bindings load when an operator is created (apps without one skip them).
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { stringifyYaml } from '../core/yaml';
import {
  Cidr, ValidationError, brand, checkAtSynth, checkBoolean, checkClearOf, checkDns1123Label, checkDns1123Subdomain, checkEnum, checkList, checkString, declareRanges,
  requireDistinctProviderAliases, requireProps,
} from '../core';
import { CalicoEdition } from './edition';
import { untraced } from '../core/refs';

/** Encapsulation of a Calico IP pool. */
export type CalicoEncapsulation = 'VXLAN' | 'VXLANCrossSubnet' | 'IPIP' | 'IPIPCrossSubnet' | 'None';

/** The values of {@link CalicoEncapsulation} (the Installation's `calicoNetwork.ipPools[].encapsulation`). */
export const CALICO_ENCAPSULATIONS: readonly CalicoEncapsulation[] = ['VXLAN', 'VXLANCrossSubnet', 'IPIP', 'IPIPCrossSubnet', 'None'];

/** The platforms of the Installation's `kubernetesProvider` (tigera/operator api/v1 installation_types.go). */
export type CalicoKubernetesProvider = 'AKS' | 'EKS' | 'GKE' | 'OpenShift' | 'DockerEnterprise' | 'RKE2' | 'TKG' | 'Kind';
/** The values of {@link CalicoKubernetesProvider}. */
export const CALICO_KUBERNETES_PROVIDERS: readonly CalicoKubernetesProvider[] = ['AKS', 'EKS', 'GKE', 'OpenShift', 'DockerEnterprise', 'RKE2', 'TKG', 'Kind'];

/** The longest Helm release name. */
export const HELM_RELEASE_NAME_MAX = 53;

/** Most pools an Installation takes (`calicoNetwork.ipPools`, MaxItems in the operator's CRD). */
export const CALICO_MAX_INSTALL_POOLS = 25;

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
  /**
   * The edition: what Terraform installs and who owns the operator afterwards (see
   * {@link CalicoEdition}). @default CalicoEdition.openSource({ version, repository })
   */
  readonly edition?: CalicoEdition;
  /** Chart version of the open-source install; with `edition`, give the version there. @default CALICO_VERSION */
  readonly version?: string;
  /** The platform, e.g. `AKS`, `EKS`, or omitted for self-managed Kubernetes. @default - none */
  readonly kubernetesProvider?: CalicoKubernetesProvider;
  /** Calico's BGP: enabled to peer with route reflectors, Route Servers or Transit Gateways. @default 'Enabled' */
  readonly bgp?: 'Enabled' | 'Disabled';
  /** Pools created at install; the first is the default pod pool. */
  readonly ipPools: CalicoInstallPool[];
  /** @default 'tigera-operator' */
  readonly namespace?: string;
  /** @default 'calico' */
  readonly releaseName?: string;
  /** Chart repository of the open-source install; with `edition`, give it there. @default CALICO_HELM_REPOSITORY */
  readonly repository?: string;
  /** Resources to install after (the cluster). @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The readiness gate: a `terraform_data` whose local-exec waits with kubectl until TigeraStatus
   * `apiserver` and `calico` are Available (so `projectcalico.org/v3` is served before any stack that
   * plans Calico objects), then makes sure BGPConfiguration `default` exists for the cluster stack to
   * import. `false` for none. @default - on, with the deploying machine's current kubeconfig context
   */
  readonly readinessGate?: CalicoReadinessGate | false;
}

/** Options of the {@link CalicoOperator} readiness gate. Needs kubectl on the machine that deploys. */
export interface CalicoReadinessGate {
  /**
   * The kubeconfig content to use (a sensitive reference, e.g. the AKS cluster's `kubeConfigRaw`),
   * written to a temporary file for the duration of the command. @default - the deploying machine's kubeconfig
   */
  readonly kubeconfig?: string;
  /** The kubeconfig context. @default - the current context */
  readonly context?: string;
  /** How long to wait for Available, as kubectl takes it. @default '20m' */
  readonly timeout?: string;
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

  /** The edition installed. */
  public readonly edition: CalicoEdition;
  /** The helm_release resource (escape hatch); none for Calico Cloud without the open-source first install. */
  public readonly release?: Release;
  /** The CRD chart's helm_release (`<releaseName>-crds`), installed before `release` (Calico 3.32+, Enterprise 3.23+). */
  public readonly crdRelease?: Release;
  /** The readiness gate (`terraform_data`), when there is a release and the gate is on. */
  public readonly ready?: DataResource;
  /** The pools as the Installation sets them (the operator reconciles the default pool from these). */
  public readonly installPools: readonly CalicoInstallPool[];
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
    requireDistinctProviderAliases(this);
    const namespace = props.namespace ?? 'tigera-operator';
    checkDns1123Label(this, 'namespace', namespace);
    checkList(this, 'ipPools', props.ipPools, 'a list of pools, the first the default pod pool');
    if (props.ipPools.length === 0) {
      throw new ValidationError(this, 'ipPools', [], 'Calico needs at least one IP pool for pods');
    }
    if (props.ipPools.length > CALICO_MAX_INSTALL_POOLS) {
      throw new ValidationError(this, 'ipPools', props.ipPools.map((p) => p?.cidr), `an Installation takes at most ${CALICO_MAX_INSTALL_POOLS} pools`);
    }
    props.ipPools.forEach((p, i) => {
      requireProps(this, `ipPools[${i}]`, p, ['cidr']);
      if (p.encapsulation !== undefined) checkEnum(this, `ipPools[${i}].encapsulation`, p.encapsulation, CALICO_ENCAPSULATIONS, { what: 'an encapsulation' });
      if (p.natOutgoing !== undefined) checkBoolean(this, `ipPools[${i}].natOutgoing`, p.natOutgoing);
      if (p.disableBGPExport !== undefined) checkBoolean(this, `ipPools[${i}].disableBGPExport`, p.disableBGPExport);
    });
    if (props.kubernetesProvider !== undefined) checkEnum(this, 'kubernetesProvider', props.kubernetesProvider, CALICO_KUBERNETES_PROVIDERS, { what: 'a platform' });
    const bgp = checkEnum(this, 'bgp', props.bgp ?? 'Enabled', ['Enabled', 'Disabled']);
    this.pools = props.ipPools.map((p, i) => Cidr.of(p.cidr, { site: this, field: `ipPools[${i}].cidr` }));
    props.ipPools.forEach((p, i) => {
      // Calico's IPPool reference: an IPv4 block is /20 to /32 (IPv6 /116 to /128), and no larger than the pool.
      const [lo, hi] = this.pools[i].version === 4 ? [20, 32] : [116, 128];
      const min = Math.max(lo, this.pools[i].prefix);
      if (p.blockSize !== undefined && (!Number.isInteger(p.blockSize) || p.blockSize < min || p.blockSize > hi)) {
        throw new ValidationError(this, `ipPools[${i}].blockSize`, p.blockSize,
          `the block size of ${this.pools[i]} is /${min} to /${hi} (Calico takes /${lo} to /${hi} for IPv${this.pools[i].version}, no larger than the pool)`);
      }
    });
    // The pools join the app's address plan: a VNet, a service range or a tenant's egress range
    // overlapping them would be routed to pods.
    declareRanges(this, this.pools.map((cidr) => ({ cidr, kind: 'pod', label: `Calico pool ${cidr}` })));
    checkAtSynth(this, () => this.pools.forEach((cidr, i) => checkClearOf(this, `ipPools[${i}].cidr`, cidr, ['vnet', 'vpc', 'transit', 'service', 'egress'],
      'Calico assigns pod addresses from the pool, so it must be clear of every network, service range and egress range')));
    this.bgpExportDisabledPools = this.pools.filter((_, i) => props.ipPools[i].disableBGPExport === true);
    this.values = {
      installation: {
        ...(props.kubernetesProvider ? { kubernetesProvider: props.kubernetesProvider } : {}),
        cni: { type: 'Calico', ipam: { type: 'Calico' } },
        calicoNetwork: {
          bgp,
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
    this.installPools = props.ipPools;
    if (props.edition !== undefined && (props.version !== undefined || props.repository !== undefined)) {
      throw new ValidationError(this, props.version !== undefined ? 'version' : 'repository', props.version ?? props.repository,
        'with edition, give the chart version and repository in the edition (e.g. CalicoEdition.openSource({ version }))');
    }
    if (props.edition !== undefined && !CalicoEdition.isCalicoEdition(props.edition)) {
      throw new ValidationError(this, 'edition', props.edition, 'one of CalicoEdition.openSource(), CalicoEdition.enterprise({...}), CalicoEdition.cloud()');
    }
    this.edition = props.edition ?? CalicoEdition.openSource({ version: props.version, repository: props.repository });
    this.edition.check(this);
    const chart = this.edition.chart;
    if (!chart) return;
    const sensitive = this.edition.sensitiveValues();
    // Calico Cloud: the join owns the operator; Terraform installs it once and never changes it again.
    const lifecycle = this.edition.managesRelease ? {} : { lifecycle: { ignoreChanges: 'all' as const } };
    const releaseName = props.releaseName ?? 'calico';
    checkDns1123Subdomain(this, 'releaseName', releaseName);
    // Helm refuses release names longer than 53 characters; the CRD chart's is `<releaseName>-crds`.
    const longest = chart.crdChart ? `${releaseName}-crds` : releaseName;
    if (longest.length > HELM_RELEASE_NAME_MAX) {
      throw new ValidationError(this, 'releaseName', releaseName,
        `Helm release names are at most ${HELM_RELEASE_NAME_MAX} characters${chart.crdChart ? ` and the CRD chart's release is ${releaseName}-crds: at most ${HELM_RELEASE_NAME_MAX - 5}` : ''}`);
    }
    const crdChart = chart.crdChart;
    if (crdChart) {
      this.crdRelease = untraced(() => new (require('@cdktf/provider-helm/lib/release') as typeof import('@cdktf/provider-helm/lib/release')).Release(this, 'crds', {
        provider: props.provider,
        name: `${releaseName}-crds`,
        chart: crdChart,
        repository: chart.repository,
        version: chart.version,
        namespace,
        createNamespace: true,
        dependsOn: props.dependsOn,
        ...lifecycle,
      }));
    }
    this.release = untraced(() => new (require('@cdktf/provider-helm/lib/release') as typeof import('@cdktf/provider-helm/lib/release')).Release(this, 'release', {
      provider: props.provider,
      name: releaseName,
      chart: chart.chart,
      repository: chart.repository,
      version: chart.version,
      namespace,
      createNamespace: true,
      values: [stringifyYaml(this.values)],
      ...(sensitive.length > 0 ? { setSensitive: sensitive } : {}),
      dependsOn: this.crdRelease ? [...(props.dependsOn ?? []), this.crdRelease] : props.dependsOn,
      ...lifecycle,
    }));
    if (props.readinessGate !== false) this.ready = this.readinessGate(props.readinessGate ?? {}, chart.version);
  }

  private readinessGate(gate: CalicoReadinessGate, version: string): DataResource {
    if (gate.context !== undefined) checkString(this, 'readinessGate.context', gate.context);
    const timeout = gate.timeout ?? '20m';
    if (!/^\d+(s|m|h)$/.test(timeout)) {
      throw new ValidationError(this, 'readinessGate.timeout', timeout, 'a duration kubectl takes, e.g. 600s, 20m or 1h');
    }
    const kubectl = `kubectl${gate.context !== undefined ? ` --context '${gate.context.replace(/'/g, '')}'` : ''}`;
    const command = [
      ...(gate.kubeconfig !== undefined
        ? ['KUBECONFIG="$(mktemp)"; export KUBECONFIG; trap \'rm -f "$KUBECONFIG"\' EXIT; printf \'%s\' "$CALICO_KUBECONFIG" > "$KUBECONFIG"']
        : []),
      // The operator creates the TigeraStatus objects shortly after it starts: wait for them to exist first.
      `for i in $(seq 60); do ${kubectl} get tigerastatus/apiserver tigerastatus/calico >/dev/null 2>&1 && break; sleep 10; done`,
      `${kubectl} wait --for=condition=Available --timeout=${timeout} tigerastatus/apiserver tigerastatus/calico`,
      // The cluster stack imports BGPConfiguration default; make sure there is one to import.
      `(${kubectl} get bgpconfigurations.projectcalico.org default >/dev/null 2>&1 || printf '%s\\n' 'apiVersion: projectcalico.org/v3' 'kind: BGPConfiguration' 'metadata:' '  name: default' | ${kubectl} create -f -)`,
    ].join(' && ');
    return untraced(() => new DataResource(this, 'ready', {
      triggersReplace: { release: this.release!.id, version },
      dependsOn: [this.release!],
      // Calico Cloud: like the release, the gate runs once; a later version bump plans no change.
      ...(this.edition.managesRelease ? {} : { lifecycle: { ignoreChanges: 'all' as const } }),
      provisioners: [{
        type: 'local-exec',
        interpreter: ['/bin/sh', '-c'],
        command,
        ...(gate.kubeconfig !== undefined ? { environment: { CALICO_KUBECONFIG: gate.kubeconfig } } : {}),
      }],
    }));
  }
}
