import { Construct } from 'constructs';
import { ValidationError, checkBoolean, checkEnum, checkKnownFields, checkList } from '../core';
import { requireProps } from '../core/guards';
import { CALICO_API_VERSION, ENCAPSULATION_MODES, IPPoolPatchObject, IPPoolSpec, IP_POOL_ALLOWED_USES } from './api';
import { checkSelector } from './selector';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { CalicoInstallPool, CalicoOperator } from './operator';

/** The name the operator gives the IPv4 pool of its Installation. */
export const DEFAULT_IPV4_POOL = 'default-ipv4-ippool';

/** Props of {@link IpPoolPatch}. */
export interface IpPoolPatchProps {
  /** The existing pool, e.g. `default-ipv4-ippool` (the pod pool the operator creates). */
  readonly name: string;
  /** The fields to set, e.g. `{ disableBGPExport: true }`. */
  readonly spec: Partial<IPPoolSpec>;
  /**
   * The operator whose Installation creates the pool (`default-ipv4-ippool` is its first pool). The
   * operator owns that pool and reconciles it from the Installation: fields the Installation already
   * sets to the same value are left out of the patch (no patch at all when none remains), a different
   * value is refused. @default - none: every field is patched
   */
  readonly installedBy?: CalicoOperator;
}

/** The IPPool fields the Installation's pool sets, as the operator renders them. */
function installationFields(pool: CalicoInstallPool): Partial<IPPoolSpec> {
  const encapsulation = pool.encapsulation ?? 'VXLAN';
  return {
    ...(pool.natOutgoing === undefined ? {} : { natOutgoing: pool.natOutgoing }),
    ...(pool.blockSize === undefined ? {} : { blockSize: pool.blockSize }),
    ...(pool.disableBGPExport === undefined ? {} : { disableBGPExport: pool.disableBGPExport }),
    vxlanMode: encapsulation === 'VXLAN' ? 'Always' : encapsulation === 'VXLANCrossSubnet' ? 'CrossSubnet' : 'Never',
    ipipMode: encapsulation === 'IPIP' ? 'Always' : encapsulation === 'IPIPCrossSubnet' ? 'CrossSubnet' : 'Never',
  };
}

/**
 * Fields of an IPPool that already exists, such as the operator's pod pool: applied server-side, so
 * the library owns only these fields. With the Tigera operator, also set them on the Installation's
 * pool (`CalicoInstallPool`), which the operator reconciles the pool from.
 */
export class IpPoolPatch extends Construct {
  /** The patch; none when the operator's Installation already sets every field. */
  public readonly patch?: ManifestEntry;
  /** The fields left to the operator's Installation (set there to the same value). */
  public readonly ownedByOperator: readonly string[];

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
    checkPoolFields(this, spec);
    const manifests = ClusterManifests.of(this);
    const owned: string[] = [];
    const pool = props.installedBy && props.name === DEFAULT_IPV4_POOL ? props.installedBy.installPools[0] : undefined;
    if (pool) {
      const installed = installationFields(pool) as Record<string, unknown>;
      for (const [field, value] of Object.entries(spec)) {
        if (installed[field] === undefined) continue;
        if (installed[field] !== value) {
          throw new ValidationError(this, `spec.${field}`, value,
            `the operator reconciles ${DEFAULT_IPV4_POOL} from its Installation, which sets ${field} to ${JSON.stringify(installed[field])} ` +
            `and would revert the patch; set it on ${props.installedBy!.node.path} ipPools[0] instead`);
        }
        owned.push(field);
      }
    }
    this.ownedByOperator = owned;
    const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => !owned.includes(k))) as Partial<IPPoolSpec>;
    if (Object.keys(rest).length === 0) return;
    const object: IPPoolPatchObject = { apiVersion: CALICO_API_VERSION, kind: 'IPPool', metadata: { name: props.name }, spec: rest };
    this.patch = manifests.patch(this, 'ippool', object);
  }
}

/** The IPPool spec fields the library models (Calico's IPPool reference). */
const IP_POOL_FIELDS: readonly string[] = [
  'cidr', 'vxlanMode', 'ipipMode', 'natOutgoing', 'disabled', 'disableBGPExport', 'blockSize', 'nodeSelector', 'allowedUses', 'awsSubnetID',
];

/** The enumerated and free-form IPPool fields a patch sets, as Calico's IPPool reference defines them. */
function checkPoolFields(site: Construct, spec: Partial<IPPoolSpec>): void {
  checkKnownFields(site, 'spec', spec, IP_POOL_FIELDS, 'an IPPool spec');
  for (const field of ['vxlanMode', 'ipipMode'] as const) {
    if (spec[field] !== undefined) checkEnum(site, `spec.${field}`, spec[field], ENCAPSULATION_MODES, { what: 'an encapsulation mode' });
  }
  // IPPool reference: ipipMode "cannot be set at the same time as vxlanMode".
  if (spec.vxlanMode !== undefined && spec.vxlanMode !== 'Never' && spec.ipipMode !== undefined && spec.ipipMode !== 'Never') {
    throw new ValidationError(site, 'spec.ipipMode', spec.ipipMode, `a pool uses one encapsulation: with vxlanMode '${spec.vxlanMode}', ipipMode is 'Never'`);
  }
  for (const field of ['natOutgoing', 'disabled', 'disableBGPExport'] as const) {
    if (spec[field] !== undefined) checkBoolean(site, `spec.${field}`, spec[field]);
  }
  if (spec.allowedUses !== undefined) {
    checkList(site, 'spec.allowedUses', spec.allowedUses, 'a list of uses').forEach((u, i) => checkEnum(site, `spec.allowedUses[${i}]`, u, IP_POOL_ALLOWED_USES));
  }
  checkSelector(site, 'spec.nodeSelector', spec.nodeSelector);
}
