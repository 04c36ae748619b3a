import { Construct } from 'constructs';
import { ValidationError } from '../core';
import { requireProps } from '../core/guards';
import { CALICO_API_VERSION, FelixConfiguration, FelixConfigurationSpec } from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';

/** Props of {@link FelixSettings}: the fields of FelixConfiguration `default` to set. */
export type FelixSettingsProps = FelixConfigurationSpec;

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
    requireProps(this, 'FelixSettings', props, []);
    const spec = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as FelixConfigurationSpec;
    if (Object.keys(spec).length === 0) {
      throw new ValidationError(this, 'props', {}, 'name at least one FelixConfiguration field to set');
    }
    for (const field of ['flowLogsFlushInterval', 'dnsLogsFlushInterval'] as const) {
      const v = spec[field];
      if (v !== undefined && !DURATION.test(v)) {
        throw new ValidationError(this, field, v, 'expected a duration such as 15s, 5m or 1h30m');
      }
    }
    const object: FelixConfiguration = { apiVersion: CALICO_API_VERSION, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec };
    this.patch = ClusterManifests.of(this).patch(this, 'felix-configuration', object);
  }
}
