import { Construct } from 'constructs';
import { ValidationError, checkEnum, checkNumber } from '../core';
import { CALICO_API_VERSION, EgressIPSupport, FelixConfiguration, FelixConfigurationSpec } from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';

/** Props of {@link FelixSettings}: the fields of FelixConfiguration `default` to set. */
export type FelixSettingsProps = FelixConfigurationSpec;

/** The values of FelixConfiguration's `egressIPSupport` (Calico Enterprise's FelixConfiguration reference). */
export const EGRESS_IP_SUPPORT_MODES: readonly EgressIPSupport[] = ['Disabled', 'EnabledPerNamespace', 'EnabledPerNamespaceOrPerPod'];

const DURATION = /^(\d+(\.\d+)?(h|m|s|ms))+$/;

/**
 * Fields of Felix's `default` FelixConfiguration, which Calico creates at install: patched, not
 * replaced, so the library owns exactly the fields given here (e.g. `egressIPSupport`, which egress
 * gateways need) and Calico keeps the rest.
 */
export class FelixSettings extends Construct {
  /** The patch of FelixConfiguration `default`. */
  public readonly patch: ManifestEntry;

  constructor(scope: Construct, id: string, props: FelixSettingsProps) {
    super(scope, id);
    const spec = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as FelixConfigurationSpec;
    if (Object.keys(spec).length === 0) {
      throw new ValidationError(this, 'props', {}, 'name at least one FelixConfiguration field to set');
    }
    if (spec.egressIPSupport !== undefined) {
      checkEnum(this, 'egressIPSupport', spec.egressIPSupport, EGRESS_IP_SUPPORT_MODES);
    }
    for (const field of ['flowLogsFlushInterval', 'dnsLogsFlushInterval', 'egressGatewayPollInterval'] as const) {
      const v = spec[field];
      if (v !== undefined && !DURATION.test(v)) {
        throw new ValidationError(this, field, v, 'expected a duration such as 15s, 5m or 1h30m');
      }
    }
    if (spec.egressGatewayPollFailureCount !== undefined) {
      checkNumber(this, 'egressGatewayPollFailureCount', spec.egressGatewayPollFailureCount, { min: 1 });
    }
    const object: FelixConfiguration = { apiVersion: CALICO_API_VERSION, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec };
    this.patch = ClusterManifests.of(this).patch(this, 'felix-configuration', object);
  }
}
