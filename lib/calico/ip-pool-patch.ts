import { Construct } from 'constructs';
import { ValidationError } from '../core';
import { requireProps } from '../core/guards';
import { CALICO_API_VERSION, IPPoolPatchObject, IPPoolSpec } from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';

/** Props of {@link IpPoolPatch}. */
export interface IpPoolPatchProps {
  /** The existing pool, e.g. `default-ipv4-ippool` (the pod pool the operator creates). */
  readonly name: string;
  /** The fields to set, e.g. `{ disableBGPExport: true }`. */
  readonly spec: Partial<IPPoolSpec>;
}

/**
 * Fields of an IPPool that already exists, such as the operator's pod pool: applied server-side, so
 * the library owns only these fields. With the Tigera operator, also set them on the Installation's
 * pool (`CalicoInstallPool`), which the operator reconciles the pool from.
 */
export class IpPoolPatch extends Construct {
  /** The patch. */
  public readonly patch: ManifestEntry;

  constructor(scope: Construct, id: string, props: IpPoolPatchProps) {
    super(scope, id);
    requireProps(this, 'IpPoolPatch', props, ['name', 'spec']);
    const spec = Object.fromEntries(Object.entries(props.spec).filter(([, v]) => v !== undefined)) as Partial<IPPoolSpec>;
    if (Object.keys(spec).length === 0) {
      throw new ValidationError(this, 'spec', {}, 'name at least one IPPool field to set');
    }
    if (spec.cidr !== undefined) {
      throw new ValidationError(this, 'spec.cidr', spec.cidr, 'the CIDR of an existing pool cannot change; create a new pool instead');
    }
    const object: IPPoolPatchObject = { apiVersion: CALICO_API_VERSION, kind: 'IPPool', metadata: { name: props.name }, spec };
    this.patch = ClusterManifests.of(this).patch(this, 'ippool', object);
  }
}
