import { Construct } from 'constructs';
import { ValidationError, checkBoolean, checkEnum, checkKnownFields, checkNumber, requireProps } from '../core';
import { AwsSecondaryIPSupport, CALICO_API_VERSION, EgressIPSupport, FELIX_LOG_SEVERITIES, FelixConfiguration, FelixConfigurationSpec } from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { PodEgressAdmission, PodEgressGrant } from './pod-egress-admission';

/** Props of {@link FelixSettings}: the fields of FelixConfiguration `default` to set. */
export interface FelixSettingsProps extends FelixConfigurationSpec {
  /**
   * Egress gateway selection: `EnabledPerNamespace` lets only namespace annotations (set by whoever may
   * edit namespaces) choose a tenant's gateways. `EnabledPerNamespaceOrPerPod` lets pod annotations
   * choose them too, and then needs `podEgressGrants`, which an admission policy enforces.
   * @default 'EnabledPerNamespace'
   */
  readonly egressIPSupport?: EgressIPSupport;
  /**
   * With `EnabledPerNamespaceOrPerPod`: which namespaces' pods may choose which tenant by annotation,
   * enforced by a ValidatingAdmissionPolicy ({@link PodEgressAdmission}); `[]` refuses every pod annotation.
   * Only with `EnabledPerNamespaceOrPerPod`.
   * @default - required with EnabledPerNamespaceOrPerPod
   */
  readonly podEgressGrants?: readonly PodEgressGrant[];
}

/** The values of FelixConfiguration's `egressIPSupport` (Calico Enterprise's FelixConfiguration reference). */
export const EGRESS_IP_SUPPORT_MODES: readonly EgressIPSupport[] = ['Disabled', 'EnabledPerNamespace', 'EnabledPerNamespaceOrPerPod'];

/** The values of FelixConfiguration's `awsSecondaryIPSupport` (Calico Enterprise, egress gateways on AWS). */
export const AWS_SECONDARY_IP_SUPPORT_MODES: readonly AwsSecondaryIPSupport[] = ['Disabled', 'Enabled', 'EnabledENIPerWorkload'];

/** The fields {@link FelixSettings} takes: the modelled FelixConfiguration fields and `podEgressGrants`. */
export const FELIX_SETTINGS_FIELDS: readonly string[] = [
  'awsSecondaryIPSupport', 'egressIPSupport', 'flowLogsFlushInterval', 'flowLogsFileAggregationKindForAllowed', 'flowLogsFileAggregationKindForDenied',
  'flowLogsFileEnabled', 'dnsLogsFlushInterval', 'egressGatewayPollInterval', 'egressGatewayPollFailureCount', 'logSeverityScreen', 'podEgressGrants',
];

const DURATION = /^(\d+(\.\d+)?(h|m|s|ms))+$/;

/**
 * Fields of Felix's `default` FelixConfiguration, which Calico creates at install: patched, not
 * replaced, so the library owns exactly the fields given here and `egressIPSupport` (which egress
 * gateways need, `EnabledPerNamespace` unless told otherwise) and Calico keeps the rest.
 */
export class FelixSettings extends Construct {
  /** The patch of FelixConfiguration `default`. */
  public readonly patch: ManifestEntry;
  /** The admission policy of per-pod egress selection, with `EnabledPerNamespaceOrPerPod`. */
  public readonly admission?: PodEgressAdmission;

  constructor(scope: Construct, id: string, props: FelixSettingsProps) {
    super(scope, id);
    requireProps(this, 'FelixSettings', props, []);
    checkKnownFields(this, '', props, FELIX_SETTINGS_FIELDS, 'FelixSettings');
    const { podEgressGrants, ...fields } = props;
    // Open-source Calico has no egress gateways, so nothing is defaulted there (its FelixConfiguration
    // has no egressIPSupport field); a value given anyway is refused by the edition check.
    const openSource = ClusterManifests.of(this).edition?.enterpriseFeatures === false;
    const egressIPSupport = props.egressIPSupport ?? (openSource ? undefined : 'EnabledPerNamespace');
    const spec = {
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(egressIPSupport === undefined ? {} : { egressIPSupport: checkEnum(this, 'egressIPSupport', egressIPSupport, EGRESS_IP_SUPPORT_MODES) }),
    } as FelixConfigurationSpec;
    const perPod = spec.egressIPSupport === 'EnabledPerNamespaceOrPerPod';
    if (perPod && podEgressGrants === undefined) {
      throw new ValidationError(this, 'podEgressGrants', undefined,
        "with egressIPSupport 'EnabledPerNamespaceOrPerPod' any pod author could choose a tenant's gateways; grant tenants to namespaces "
        + '(podEgressGrants, [] for none), which an admission policy enforces, or keep \'EnabledPerNamespace\'');
    }
    if (!perPod && podEgressGrants !== undefined) {
      throw new ValidationError(this, 'podEgressGrants', podEgressGrants.map((g) => g.tenant.name),
        "only with egressIPSupport 'EnabledPerNamespaceOrPerPod'; pods cannot choose gateways otherwise");
    }
    for (const field of ['flowLogsFlushInterval', 'dnsLogsFlushInterval', 'egressGatewayPollInterval'] as const) {
      const v = spec[field];
      if (v !== undefined && !DURATION.test(v)) {
        throw new ValidationError(this, field, v, 'expected a duration such as 15s, 5m or 1h30m');
      }
    }
    if (spec.awsSecondaryIPSupport !== undefined) {
      checkEnum(this, 'awsSecondaryIPSupport', spec.awsSecondaryIPSupport, AWS_SECONDARY_IP_SUPPORT_MODES);
    }
    if (spec.logSeverityScreen !== undefined) checkEnum(this, 'logSeverityScreen', spec.logSeverityScreen, FELIX_LOG_SEVERITIES, { what: 'a Felix log level' });
    for (const field of ['flowLogsFileAggregationKindForAllowed', 'flowLogsFileAggregationKindForDenied'] as const) {
      // 0: no aggregation, 1: by source port, 2: by pod prefix (FelixConfiguration reference).
      if (spec[field] !== undefined) checkNumber(this, field, spec[field], { min: 0, max: 2, why: 'an aggregation kind is 0 (none), 1 (source port) or 2 (pod prefix)' });
    }
    if (spec.flowLogsFileEnabled !== undefined) checkBoolean(this, 'flowLogsFileEnabled', spec.flowLogsFileEnabled);
    if (spec.egressGatewayPollFailureCount !== undefined) {
      checkNumber(this, 'egressGatewayPollFailureCount', spec.egressGatewayPollFailureCount, { min: 1 });
    }
    const object: FelixConfiguration = { apiVersion: CALICO_API_VERSION, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec };
    this.patch = ClusterManifests.of(this).patch(this, 'felix-configuration', object);
    if (perPod) this.admission = new PodEgressAdmission(this, 'pod-egress-admission', { grants: podEgressGrants! });
  }
}
