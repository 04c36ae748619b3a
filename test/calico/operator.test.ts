import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parse } from 'yaml';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { CalicoEdition, CalicoOperator, CALICO_VERSION } from '../../lib/calico';
import { Cidr, declareRanges, rangesInApp } from '../../lib/core';
import { azureStack, logicalId, resource, resources, synth } from '../helpers';

describe('CalicoOperator', () => {
  test('installs the tigera-operator chart with Calico CNI and IPAM and the given pools', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
    const op = new CalicoOperator(stack, 'calico', {
      provider: helm, kubernetesProvider: 'AKS',
      ipPools: [{ cidr: Cidr.parse('10.244.0.0/24') }, { cidr: '10.245.0.0/16', encapsulation: 'IPIP', natOutgoing: false, blockSize: 28 }],
    });
    const json = synth(stack);
    const release = resource(json, 'helm_release', 'calico');
    expect(release).toMatchObject({
      chart: 'tigera-operator', repository: 'https://docs.tigera.io/calico/charts', version: CALICO_VERSION,
      namespace: 'tigera-operator', create_namespace: true, provider: 'helm',
    });
    expect(CALICO_VERSION).toBe('v3.33.1');
    expect(parse(release.values[0])).toEqual({
      installation: {
        kubernetesProvider: 'AKS',
        cni: { type: 'Calico', ipam: { type: 'Calico' } },
        calicoNetwork: {
          bgp: 'Enabled',
          ipPools: [
            { cidr: '10.244.0.0/24', encapsulation: 'VXLAN' },
            { cidr: '10.245.0.0/16', encapsulation: 'IPIP', natOutgoing: 'Disabled', blockSize: 28 },
          ],
        },
      },
    });
    expect(op.pools.map(String)).toEqual(['10.244.0.0/24', '10.245.0.0/16']);
  });

  test('rejects no pools, a bad namespace and a block size the pool cannot hold', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    expect(() => new CalicoOperator(stack, 'a', { provider: helm, ipPools: [] })).toThrow('test/a: ipPools is []; Calico needs at least one IP pool for pods');
    expect(() => new CalicoOperator(stack, 'b', { provider: helm, namespace: 'Tigera', ipPools: [{ cidr: '10.244.0.0/24' }] })).toThrow(/test\/b: namespace is "Tigera"/);
    expect(() => new CalicoOperator(stack, 'c', { provider: helm, ipPools: [{ cidr: '10.244.0.0/24', blockSize: 20 }] })).toThrow(
      'test/c: ipPools[0].blockSize is 20; the block size of 10.244.0.0/24 is /24 to /32 (Calico takes /20 to /32 for IPv4, no larger than the pool)');
  });

  test.each([
    [19, 'the block size of 10.0.0.0/8 is /20 to /32 (Calico takes /20 to /32 for IPv4, no larger than the pool)'],
    [33, 'the block size of 10.0.0.0/8 is /20 to /32'],
    [26.5, 'the block size of 10.0.0.0/8 is /20 to /32'],
  ])('refuses an IPv4 block size of %s', (blockSize, message) => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    expect(() => new CalicoOperator(stack, 'calico', { provider: helm, ipPools: [{ cidr: '10.0.0.0/8', blockSize }] })).toThrow(
      `test/calico: ipPools[0].blockSize is ${blockSize}; ${message}`);
  });

  test('declares its pools in the app address plan and refuses one that overlaps another range', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    declareRanges(new Construct(stack, 'spoke'), [{ cidr: Cidr.parse('10.244.0.0/16'), kind: 'vnet', label: 'VNet spoke' }]);
    const op = new CalicoOperator(stack, 'calico', { provider: helm, ipPools: [{ cidr: '10.244.1.0/24' }] });
    expect(rangesInApp(stack).filter((r) => r.owner === op).map((r) => [r.cidr.toString(), r.kind, r.label])).toEqual([['10.244.1.0/24', 'pod', 'Calico pool 10.244.1.0/24']]);
    expect(() => synth(stack)).toThrow(
      'test/calico: ipPools[0].cidr is "10.244.1.0/24"; it overlaps VNet spoke (10.244.0.0/16, test/spoke); Calico assigns pod addresses from the pool, so it must be clear of every network, service range and egress range');
  });
});

describe('CalicoOperator editions', () => {
  const pools = [{ cidr: '10.244.0.0/24', disableBGPExport: true }];
  const secrets = (stack: TerraformStack) => ({
    license: new TerraformVariable(stack, 'calico_license', { type: 'string', sensitive: true }).stringValue,
    pullSecret: new TerraformVariable(stack, 'tigera_pull_secret', { type: 'string', sensitive: true }).stringValue,
  });

  test('open source (the default): the open-source chart, managed by Terraform, and the readiness gate', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    const op = new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools });
    const json = synth(stack);
    expect(op.edition.name).toBe('open-source');
    const release = resource(json, 'helm_release', 'calico');
    expect(release).toMatchObject({ chart: 'tigera-operator', repository: 'https://docs.tigera.io/calico/charts', version: 'v3.33.1' });
    expect(release.lifecycle).toBeUndefined();
    expect(release.set_sensitive).toBeUndefined();
    const gate = Object.values(json.resource!.terraform_data) as any[];
    expect(gate).toHaveLength(1);
    expect(gate[0].lifecycle).toBeUndefined();
    expect(gate[0].depends_on).toEqual([`helm_release.${logicalId(json, 'helm_release', 'calico')}`]);
    expect(gate[0].triggers_replace).toEqual({ release: `\${helm_release.${logicalId(json, 'helm_release', 'calico')}.id}`, version: 'v3.33.1' });
    expect(gate[0].provisioner).toEqual([{ 'local-exec': {
      interpreter: ['/bin/sh', '-c'],
      command: [
        'for i in $(seq 60); do kubectl get tigerastatus/apiserver tigerastatus/calico >/dev/null 2>&1 && break; sleep 10; done',
        'kubectl wait --for=condition=Available --timeout=20m tigerastatus/apiserver tigerastatus/calico',
        "(kubectl get bgpconfigurations.projectcalico.org default >/dev/null 2>&1 || printf '%s\\n' 'apiVersion: projectcalico.org/v3' 'kind: BGPConfiguration' 'metadata:' '  name: default' | kubectl create -f -)",
      ].join(' && '),
    } }]);
  });

  test('the gate uses a given kubeconfig through the environment, never the command line, and a given context and timeout', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    const kubeconfig = new TerraformVariable(stack, 'kubeconfig', { type: 'string', sensitive: true }).stringValue;
    new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools, readinessGate: { kubeconfig, context: 'aks', timeout: '900s' } });
    const exec = (Object.values(synth(stack).resource!.terraform_data)[0] as any).provisioner[0]['local-exec'];
    expect(exec.environment).toEqual({ CALICO_KUBECONFIG: '${var.kubeconfig}' });
    expect(exec.command.startsWith('KUBECONFIG="$(mktemp)"; export KUBECONFIG; trap \'rm -f "$KUBECONFIG"\' EXIT; printf \'%s\' "$CALICO_KUBECONFIG" > "$KUBECONFIG" && ')).toBe(true);
    expect(exec.command).toContain("kubectl --context 'aks' wait --for=condition=Available --timeout=900s tigerastatus/apiserver tigerastatus/calico");
    expect(exec.command).not.toContain('var.kubeconfig');
  });

  test('no gate with readinessGate: false; a bad timeout is refused', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    const op = new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools, readinessGate: false });
    expect(op.ready).toBeUndefined();
    expect(synth(stack).resource!.terraform_data).toBeUndefined();
    expect(() => new CalicoOperator(stack, 'b', { provider: helm, ipPools: pools, readinessGate: { timeout: '20 minutes' } })).toThrow(
      'test/b: readinessGate.timeout is "20 minutes"; a duration kubectl takes, e.g. 600s, 20m or 1h');
  });

  test('enterprise: Tigera\'s chart, license and pull secret as sensitive helm values only', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools, edition: CalicoEdition.enterprise({ version: 'v3.22.1-0', ...secrets(stack) }) });
    const json = synth(stack);
    const release = resource(json, 'helm_release', 'calico');
    expect(release).toMatchObject({ chart: 'tigera-operator', repository: 'https://downloads.tigera.io/ee/charts', version: 'v3.22.1-0' });
    expect(release.lifecycle).toBeUndefined();
    expect(release.set_sensitive).toEqual([
      { name: 'licenseKeyContent', value: '${var.calico_license}' },
      { name: 'imagePullSecrets.tigera-pull-secret', value: '${var.tigera_pull_secret}' },
      { name: 'tigera-prometheus-operator.imagePullSecrets.tigera-pull-secret', value: '${var.tigera_pull_secret}' },
    ]);
    expect(json.variable!.calico_license).toEqual({ type: 'string', sensitive: true });
    expect(release.values[0]).not.toContain('var.');
    expect(json.output).toBeUndefined();
  });

  test('enterprise: a literal or missing license or pull secret is refused', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    const { pullSecret } = secrets(stack);
    expect(() => new CalicoOperator(stack, 'a', { provider: helm, ipPools: pools, edition: CalicoEdition.enterprise({ version: 'v3.22.1-0', license: 'LICENSE-TEXT', pullSecret }) })).toThrow(
      'test/a: edition.license is "LICENSE-TEXT"; a secret must not be a literal (it would be written to cdktf.out): pass a TerraformVariable with sensitive: true, ' +
      "e.g. new TerraformVariable(stack, 'calico_license', { type: 'string', sensitive: true }).stringValue");
    expect(() => new CalicoOperator(stack, 'b', { provider: helm, ipPools: pools, edition: CalicoEdition.enterprise({ version: 'v3.22.1-0', pullSecret } as any) })).toThrow(
      'test/b: edition.license is missing; Calico Enterprise needs its license key: pass a sensitive TerraformVariable');
    expect(() => new CalicoOperator(stack, 'c', { provider: helm, ipPools: pools, edition: CalicoEdition.enterprise({ license: pullSecret, pullSecret } as any) })).toThrow(
      'test/c: edition.version (missing) is missing; expected the Calico Enterprise chart version, e.g. v3.22.7-0');
  });

  test('cloud: the open-source operator installed once, every later change ignored (the join owns it)', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools, edition: CalicoEdition.cloud({ version: 'v3.34.0' }) });
    const json = synth(stack);
    const release = resource(json, 'helm_release', 'calico');
    expect(release).toMatchObject({ chart: 'tigera-operator', repository: 'https://docs.tigera.io/calico/charts', version: 'v3.34.0' });
    expect(release.lifecycle).toEqual({ ignore_changes: 'all' });
    const gate = Object.values(json.resource!.terraform_data)[0] as any;
    expect(gate.lifecycle).toEqual({ ignore_changes: 'all' });
    expect(gate.triggers_replace.version).toBe('v3.34.0');
  });

  test('cloud without the open-source install: no release, no gate', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    const op = new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools, edition: CalicoEdition.cloud({ installOpenSource: false }) });
    const json = synth(stack);
    expect(json.resource?.helm_release).toBeUndefined();
    expect(json.resource?.terraform_data).toBeUndefined();
    expect(op.release).toBeUndefined();
    expect(op.edition.title).toBe('Calico Cloud');
  });

  test('version or repository beside an edition, and a non-edition, are refused', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    expect(() => new CalicoOperator(stack, 'a', { provider: helm, ipPools: pools, version: 'v3.30.0', edition: CalicoEdition.cloud() })).toThrow(
      'test/a: version is "v3.30.0"; with edition, give the chart version and repository in the edition (e.g. CalicoEdition.openSource({ version }))');
    expect(() => new CalicoOperator(stack, 'b', { provider: helm, ipPools: pools, edition: 'enterprise' as any })).toThrow(
      'test/b: edition is "enterprise"; one of CalicoEdition.openSource(), CalicoEdition.enterprise({...}), CalicoEdition.cloud()');
  });
});

describe('CalicoOperator CRD chart (Calico 3.32+, Calico Enterprise 3.23+)', () => {
  const pools = [{ cidr: '10.244.0.0/24' }];
  const secrets = (stack: TerraformStack) => ({
    license: new TerraformVariable(stack, 'calico_license', { type: 'string', sensitive: true }).stringValue,
    pullSecret: new TerraformVariable(stack, 'tigera_pull_secret', { type: 'string', sensitive: true }).stringValue,
  });

  test('open source 3.32 and later: the CRD chart is its own release, installed before the operator', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    const op = new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools });
    const json = synth(stack);
    const crds = resource(json, 'helm_release', 'calico-crds');
    expect(crds).toEqual({
      chart: 'crd.projectcalico.org.v1', repository: 'https://docs.tigera.io/calico/charts', version: CALICO_VERSION,
      name: 'calico-crds', namespace: 'tigera-operator', create_namespace: true, provider: 'helm',
    });
    expect(op.crdRelease).toBeDefined();
    expect(resource(json, 'helm_release', 'calico').depends_on).toEqual([`helm_release.${logicalId(json, 'helm_release', 'calico-crds')}`]);
  });

  test('open source before 3.32 and Enterprise before 3.23: the operator chart carries the CRDs, no CRD release', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    new CalicoOperator(stack, 'a', { provider: helm, ipPools: pools, releaseName: 'a', edition: CalicoEdition.openSource({ version: 'v3.31.7' }) });
    new CalicoOperator(stack, 'b', { provider: helm, ipPools: pools, releaseName: 'b', namespace: 'b', edition: CalicoEdition.enterprise({ version: 'v3.22.7-0', ...secrets(stack) }) });
    const json = synth(stack);
    expect(resources(json, 'helm_release').map((r) => r.chart)).toEqual(['tigera-operator', 'tigera-operator']);
  });

  test('enterprise 3.23 and later: Tigera\'s CRD chart of the same version', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools, edition: CalicoEdition.enterprise({ version: 'v3.23.1-0', ...secrets(stack) }) });
    const json = synth(stack);
    expect(resource(json, 'helm_release', 'calico-crds')).toMatchObject({
      chart: 'crd.projectcalico.org.v1', repository: 'https://downloads.tigera.io/ee/charts', version: 'v3.23.1-0',
    });
    expect(resource(json, 'helm_release', 'calico-crds').set_sensitive).toBeUndefined();
  });

  test('cloud: the CRD release, like the operator, is installed once and then ignored', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools, edition: CalicoEdition.cloud() });
    const json = synth(stack);
    expect(resource(json, 'helm_release', 'calico-crds')).toMatchObject({ chart: 'crd.projectcalico.org.v1', lifecycle: { ignore_changes: 'all' } });
  });

  test('enterprise: a version without the chart build suffix is refused (Tigera publishes vX.Y.Z-N)', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    expect(() => new CalicoOperator(stack, 'a', { provider: helm, ipPools: pools, edition: CalicoEdition.enterprise({ version: 'v3.22.7', ...secrets(stack) }) })).toThrow(
      'test/a: edition.version is "v3.22.7"; the Calico Enterprise chart version as Tigera publishes it, vX.Y.Z-N (e.g. v3.22.7-0 for release v3.22.7)');
  });
});
