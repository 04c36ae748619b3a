import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { CalicoOperator, IpPoolPatch } from '../../lib/calico';
import { clusterStack, manifestResource, resources, synth } from '../helpers';

function setup(pool: { disableBGPExport?: boolean; natOutgoing?: boolean } = { disableBGPExport: true }) {
  const { stack, manifests } = clusterStack();
  const operator = new CalicoOperator(stack, 'operator', { provider: new HelmProvider(stack, 'helm', {}), ipPools: [{ cidr: '10.244.0.0/24', ...pool }], readinessGate: false });
  return { stack, manifests, operator };
}

describe('IpPoolPatch installedBy', () => {
  test('no patch of the default pool when the Installation already sets the field: the operator owns that pool', () => {
    const { stack, manifests, operator } = setup();
    const patch = new IpPoolPatch(manifests, 'default-pool', { name: 'default-ipv4-ippool', spec: { disableBGPExport: true }, installedBy: operator });
    const json = synth(stack);
    expect(patch.patch).toBeUndefined();
    expect(patch.ownedByOperator).toEqual(['disableBGPExport']);
    expect(resources(json, 'kubernetes_manifest')).toEqual([]);
    expect(json.import).toBeUndefined();
    expect(json.output).toBeUndefined();
    expect(manifests.files()).toEqual([]);
  });

  test('patches only what the Installation does not set, protected from deletion', () => {
    const { stack, manifests, operator } = setup({});
    new IpPoolPatch(manifests, 'default-pool', { name: 'default-ipv4-ippool', spec: { disableBGPExport: true, vxlanMode: 'Always' }, installedBy: operator });
    const r = manifestResource(synth(stack), 'IPPool', 'default-ipv4-ippool');
    expect(r.manifest.spec).toEqual({ disableBGPExport: true });
    expect(r.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('refuses a value the Installation sets otherwise (the operator would revert it)', () => {
    const { manifests, operator } = setup({ natOutgoing: true });
    expect(() => new IpPoolPatch(manifests, 'default-pool', { name: 'default-ipv4-ippool', spec: { natOutgoing: false }, installedBy: operator })).toThrow(
      'cluster/calico/default-pool: spec.natOutgoing is false; the operator reconciles default-ipv4-ippool from its Installation, which sets natOutgoing to true ' +
      'and would revert the patch; set it on cluster/operator ipPools[0] instead');
  });

  test('another pool is patched whatever the Installation says', () => {
    const { stack, manifests, operator } = setup();
    new IpPoolPatch(manifests, 'other', { name: 'other-pool', spec: { disableBGPExport: true }, installedBy: operator });
    expect(manifestResource(synth(stack), 'IPPool', 'other-pool').manifest.spec).toEqual({ disableBGPExport: true });
  });
});
