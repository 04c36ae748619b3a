import { IConstruct } from 'constructs';
import { ValidationError, checkString, isDeployTime, knownOrWarn } from '../core';
import { KubernetesObject, OPERATOR_API_VERSION } from './api';

/** The Calico release the library is tested with (tigera-operator chart version). */
export const CALICO_VERSION = 'v3.33.1';

/** Where the open-source tigera-operator chart is published. */
export const CALICO_HELM_REPOSITORY = 'https://docs.tigera.io/calico/charts';

/** Where Tigera publishes the Calico Enterprise tigera-operator chart. */
export const CALICO_ENTERPRISE_HELM_REPOSITORY = 'https://downloads.tigera.io/ee/charts';

/** Which Calico runs the cluster. */
export type CalicoEditionName = 'open-source' | 'enterprise' | 'cloud';

/** Options of {@link CalicoEdition.openSource}. */
export interface OpenSourceEditionOptions {
  /** tigera-operator chart version. @default CALICO_VERSION */
  readonly version?: string;
  /** @default CALICO_HELM_REPOSITORY */
  readonly repository?: string;
}

/** Options of {@link CalicoEdition.enterprise}. */
export interface EnterpriseEditionOptions {
  /**
   * Calico Enterprise chart version as Tigera publishes it: release `v3.22.7` is chart `v3.22.7-0`
   * (the chart file is `tigera-operator-v3.22.7-0.tgz`).
   */
  readonly version: string;
  /**
   * The license key (the content of Tigera's license YAML), as a sensitive reference: a
   * `TerraformVariable` with `sensitive: true` (or another sensitive value). A literal is refused: it
   * would be written to cdktf.out.
   */
  readonly license: string;
  /**
   * The image pull secret for Tigera's registry (the content of the `config.json` Tigera gives), as a
   * sensitive reference, like `license`.
   */
  readonly pullSecret: string;
  /** @default CALICO_ENTERPRISE_HELM_REPOSITORY */
  readonly repository?: string;
}

/** Options of {@link CalicoEdition.cloud}. */
export interface CloudEditionOptions {
  /**
   * Install the open-source operator as the cluster's CNI before the join (a cluster with no other
   * CNI needs one for its nodes to be Ready); Terraform installs it once and never changes it again,
   * as the join takes the operator over. `false` when the cluster already has a CNI Calico Cloud
   * accepts. @default true
   */
  readonly installOpenSource?: boolean;
  /** tigera-operator chart version of that first install. @default CALICO_VERSION */
  readonly version?: string;
  /** @default CALICO_HELM_REPOSITORY */
  readonly repository?: string;
}

/** The chart a Terraform-managed install uses. */
export interface CalicoChart {
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
  /**
   * The CRD chart installed (same repository and version) before the operator chart: Calico 3.32 and
   * Calico Enterprise 3.23 moved the CRDs out of the tigera-operator chart into `crd.projectcalico.org.v1`
   * (the CRDs that keep the Calico API server, which the readiness gate waits for). @default - none
   */
  readonly crdChart?: string;
}

/** The chart with the CRDs (API server mode) of Calico 3.32+ and Calico Enterprise 3.23+. */
export const CALICO_CRD_CHART = 'crd.projectcalico.org.v1';

/** `crd.projectcalico.org.v1` when `version` (vX.Y...) is `minMinor` (3.minMinor) or later, else none. */
function crdChart(version: string | undefined, minMinor: number): string | undefined {
  const m = typeof version === 'string' ? /^v?(\d+)\.(\d+)\./.exec(version) : null;
  if (!m) return undefined;
  const major = Number(m[1]);
  return major > 3 || (major === 3 && Number(m[2]) >= minMinor) ? CALICO_CRD_CHART : undefined;
}

/**
 * The Calico edition a cluster runs, which decides what {@link CalicoOperator} installs and which
 * objects {@link ClusterManifests} accepts:
 * - `openSource()`: the tigera-operator chart from Calico's repository; Enterprise-only objects
 *   (egress gateways, EgressGatewayPolicy, Felix's egress and flow-log fields) are refused at synth;
 * - `enterprise({ version, license, pullSecret })`: Tigera's Enterprise chart, license and pull
 *   secret passed as sensitive helm values;
 * - `cloud()`: the cluster is joined to Calico Cloud outside Terraform; Terraform installs at most the
 *   open-source operator the join starts from, once, and never manages it afterwards.
 */
export abstract class CalicoEdition {
  /** Calico Open Source installed by Terraform. */
  public static openSource(options: OpenSourceEditionOptions = {}): CalicoEdition {
    return new OpenSourceEdition(options);
  }

  /** Calico Enterprise installed by Terraform with Tigera's chart; needs a license and a pull secret. */
  public static enterprise(options: EnterpriseEditionOptions): CalicoEdition {
    return new EnterpriseEdition(options);
  }

  /** Calico Cloud: joined outside Terraform (see the README's deploy section). */
  public static cloud(options: CloudEditionOptions = {}): CalicoEdition {
    return new CloudEdition(options);
  }

  /** True when `x` is a CalicoEdition (works across copies of the library). */
  public static isCalicoEdition(x: unknown): x is CalicoEdition {
    return typeof x === 'object' && x !== null && typeof (x as CalicoEdition).name === 'string'
      && ['open-source', 'enterprise', 'cloud'].includes((x as CalicoEdition).name) && typeof (x as CalicoEdition).enterpriseFeatures === 'boolean';
  }

  /** `open-source`, `enterprise` or `cloud`. */
  public abstract readonly name: CalicoEditionName;
  /** How the README and messages name it. */
  public abstract readonly title: string;
  /** Whether Enterprise-only objects (egress gateways, ...) exist in this edition. */
  public abstract readonly enterpriseFeatures: boolean;
  /** The chart Terraform installs, or none (Calico Cloud without the open-source first install). */
  public abstract readonly chart?: CalicoChart;
  /**
   * Whether Terraform manages the release after the first install. False for Calico Cloud: the join
   * owns the operator, so the release ignores every change (a chart bump here changes nothing).
   */
  public abstract readonly managesRelease: boolean;

  /** Checks the options against `site` (the operator construct); throws a ValidationError. */
  public abstract check(site: IConstruct): void;

  /** The sensitive helm values (`set_sensitive`) of the install. @default - none */
  public sensitiveValues(): { name: string; value: string }[] {
    return [];
  }
}

class OpenSourceEdition extends CalicoEdition {
  public readonly name = 'open-source' as const;
  public readonly title = 'Calico Open Source';
  public readonly enterpriseFeatures = false;
  public readonly managesRelease = true;
  public readonly chart: CalicoChart;
  constructor(options: OpenSourceEditionOptions) {
    super();
    const version = options.version ?? CALICO_VERSION;
    this.chart = { chart: 'tigera-operator', repository: options.repository ?? CALICO_HELM_REPOSITORY, version, crdChart: crdChart(version, 32) };
  }
  public check(site: IConstruct): void {
    checkString(site, 'edition.version', this.chart.version);
  }
}

class EnterpriseEdition extends CalicoEdition {
  public readonly name = 'enterprise' as const;
  public readonly title = 'Calico Enterprise';
  public readonly enterpriseFeatures = true;
  public readonly managesRelease = true;
  public readonly chart: CalicoChart;
  constructor(private readonly options: EnterpriseEditionOptions) {
    super();
    this.chart = {
      chart: 'tigera-operator', repository: options?.repository ?? CALICO_ENTERPRISE_HELM_REPOSITORY,
      version: options?.version, crdChart: crdChart(options?.version, 23),
    };
  }
  public check(site: IConstruct): void {
    if (this.options === null || typeof this.options !== 'object') {
      throw new ValidationError(site, 'edition', this.options, 'CalicoEdition.enterprise takes { version, license, pullSecret }');
    }
    checkString(site, 'edition.version', this.options.version, 'the Calico Enterprise chart version, e.g. v3.22.7-0');
    // Tigera publishes the chart of release vX.Y.Z as vX.Y.Z-N (tigera-operator-v3.22.7-0.tgz); helm does not
    // match a plain vX.Y.Z to that pre-release version, so the install would find no chart.
    const version = isDeployTime(this.options.version)
      ? knownOrWarn(site, 'edition.version', this.options.version, 'that it is a chart version as Tigera publishes it (vX.Y.Z-N)')
      : this.options.version;
    if (typeof version === 'string' && /^v?\d+\.\d+\.\d+$/.test(version)) {
      throw new ValidationError(site, 'edition.version', version,
        `the Calico Enterprise chart version as Tigera publishes it, vX.Y.Z-N (e.g. ${version}-0 for release ${version})`);
    }
    for (const field of ['license', 'pullSecret'] as const) {
      const value = this.options[field];
      if (value === undefined || value === null || value === '') {
        throw new ValidationError(site, `edition.${field}`, value,
          `Calico Enterprise needs its ${field === 'license' ? 'license key' : 'image pull secret'}: pass a sensitive TerraformVariable`);
      }
      if (!isDeployTime(value)) {
        throw new ValidationError(site, `edition.${field}`, value,
          'a secret must not be a literal (it would be written to cdktf.out): pass a TerraformVariable with sensitive: true, e.g. new TerraformVariable(stack, \'calico_license\', { type: \'string\', sensitive: true }).stringValue');
      }
    }
  }
  public sensitiveValues(): { name: string; value: string }[] {
    return [
      { name: 'licenseKeyContent', value: this.options.license },
      { name: 'imagePullSecrets.tigera-pull-secret', value: this.options.pullSecret },
      { name: 'tigera-prometheus-operator.imagePullSecrets.tigera-pull-secret', value: this.options.pullSecret },
    ];
  }
}

class CloudEdition extends CalicoEdition {
  public readonly name = 'cloud' as const;
  public readonly title = 'Calico Cloud';
  public readonly enterpriseFeatures = true;
  public readonly managesRelease = false;
  public readonly chart?: CalicoChart;
  constructor(options: CloudEditionOptions) {
    super();
    this.chart = (options.installOpenSource ?? true)
      ? {
        chart: 'tigera-operator', repository: options.repository ?? CALICO_HELM_REPOSITORY,
        version: options.version ?? CALICO_VERSION, crdChart: crdChart(options.version ?? CALICO_VERSION, 32),
      }
      : undefined;
  }
  public check(site: IConstruct): void {
    if (this.chart) checkString(site, 'edition.version', this.chart.version);
  }
}

/** FelixConfiguration fields that exist only in Calico Enterprise and Calico Cloud. */
export const ENTERPRISE_FELIX_FIELDS: readonly string[] = [
  'egressIPSupport',
  'flowLogsFileAggregationKindForAllowed',
  'flowLogsFileAggregationKindForDenied',
  'flowLogsFileEnabled',
  'awsSecondaryIPSupport',
  'dnsLogsFlushInterval',
];

/** Kinds (`apiVersion/kind`) that exist only in Calico Enterprise and Calico Cloud. */
export const ENTERPRISE_KINDS: readonly string[] = [
  `${OPERATOR_API_VERSION}/EgressGateway`,
  'projectcalico.org/v3/EgressGatewayPolicy',
];

/**
 * Throws when `object` needs Calico Enterprise or Calico Cloud and `edition` is open source; the
 * message names the editions that have it.
 */
export function checkEdition(site: IConstruct, edition: CalicoEdition | undefined, object: KubernetesObject): void {
  if (edition === undefined || edition.enterpriseFeatures) return;
  const what = `${object.kind} ${object.metadata.name}`;
  if (ENTERPRISE_KINDS.includes(`${object.apiVersion}/${object.kind}`)) {
    throw new ValidationError(site, `${what}: kind`, `${object.apiVersion} ${object.kind}`,
      `${object.kind} exists in Calico Enterprise and Calico Cloud, not in ${edition.title}; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud()`);
  }
  if (object.kind === 'FelixConfiguration') {
    const spec = (object as unknown as { spec?: Record<string, unknown> }).spec ?? {};
    for (const field of ENTERPRISE_FELIX_FIELDS) {
      if (spec[field] !== undefined) {
        throw new ValidationError(site, `${what}: spec.${field}`, spec[field],
          `FelixConfiguration ${field} exists in Calico Enterprise and Calico Cloud, not in ${edition.title}; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud()`);
      }
    }
  }
}
