import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Fn, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import {
  BGPPeer, CALICO_API_VERSION, ClusterManifests, EgressGateway, FelixConfiguration, IMPORT_BLOCK_TERRAFORM_VERSION, IPPool,
  IpPoolPatch, OPERATOR_API_VERSION, importId, namespaceNameSelector,
} from '../../lib/calico';
import { TfJson, address, clusterStack, manifestAddress, manifestResource, resource, resources, synth } from '../helpers';

const pool: IPPool = {
  apiVersion: CALICO_API_VERSION,
  kind: 'IPPool',
  metadata: { name: 'tenant0-pool' },
  spec: { cidr: '10.99.0.0/29', blockSize: 31, nodeSelector: '!all()', vxlanMode: 'Never' },
};

describe('typed Calico objects', () => {
  test('misspelt fields and values outside a set do not compile', () => {
    const peer: BGPPeer = {
      apiVersion: CALICO_API_VERSION,
      kind: 'BGPPeer',
      metadata: { name: 'p' },
      // @ts-expect-error peerIp is spelt peerIP in Calico's reference
      spec: { peerIp: '10.0.1.4', asNumber: 65515 },
    };
    // @ts-expect-error sourceAddress is UseNodeIP or None
    const badSource: BGPPeer['spec'] = { peerIP: '10.0.1.4', asNumber: 65515, sourceAddress: 'NodeIP' };
    // @ts-expect-error the field is egressIPSupport
    const felix: FelixConfiguration['spec'] = { egressIpSupport: 'EnabledPerNamespace' };
    // @ts-expect-error replicas, not replica
    const gw: EgressGateway['spec'] = { replica: 2, ipPools: [{ name: 'p' }] };
    // @ts-expect-error a pool's VXLAN mode is Never, Always or CrossSubnet
    const badPool: IPPool['spec'] = { cidr: '10.99.0.0/29', vxlanMode: 'Disabled' };
    // The objects still exist at run time; the assertions are the compile errors above.
    expect([peer.kind, badSource.asNumber, felix, gw.ipPools, badPool.cidr]).toEqual(['BGPPeer', 65515, { egressIpSupport: 'EnabledPerNamespace' }, [{ name: 'p' }], '10.99.0.0/29']);
  });

  test('api versions and selectors', () => {
    expect(CALICO_API_VERSION).toBe('projectcalico.org/v3');
    expect(OPERATOR_API_VERSION).toBe('operator.tigera.io/v1');
    expect(namespaceNameSelector('tenant0-egw')).toBe("projectcalico.org/name == 'tenant0-egw'");
  });
});

describe('ClusterManifests', () => {
  test('renders a new object as a kubernetes_manifest owned by the field manager', () => {
    const { stack, manifests } = clusterStack();
    manifests.add(manifests, 'pool', pool);
    const json = synth(stack);
    const r = manifestResource(json, 'IPPool', 'tenant0-pool');
    expect(r.manifest).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'IPPool',
      metadata: { name: 'tenant0-pool' },
      spec: { blockSize: 31, cidr: '10.99.0.0/29', nodeSelector: '!all()', vxlanMode: 'Never' },
    });
    expect(r.field_manager).toEqual({ name: 'cdktf-kubernetes-egress' });
    expect(r.provider).toBe('kubernetes');
    expect(json.import).toBeUndefined();
  });

  test('patches an existing object: an import block, then server-side apply with forced conflicts', () => {
    const { stack, manifests } = clusterStack();
    const felix: FelixConfiguration = { apiVersion: CALICO_API_VERSION, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { egressIPSupport: 'EnabledPerNamespaceOrPerPod' } };
    manifests.patch(manifests, 'felix', felix);
    const json = synth(stack);
    const r = manifestResource(json, 'FelixConfiguration', 'default');
    expect(r.field_manager).toEqual({ name: 'cdktf-kubernetes-egress', force_conflicts: true });
    expect(json.import).toEqual([{
      id: 'apiVersion=projectcalico.org/v3,kind=FelixConfiguration,name=default',
      to: manifestAddress(json, 'FelixConfiguration', 'default'),
    }]);
  });

  test('annotates an existing object with kubernetes_annotations', () => {
    const { stack, manifests } = clusterStack();
    manifests.annotate(manifests, 'ns', { apiVersion: 'v1', kind: 'Namespace', name: 'default' }, { a: 'b' });
    const r = resource(synth(stack), 'kubernetes_annotations');
    expect(r).toMatchObject({
      api_version: 'v1', kind: 'Namespace', metadata: { name: 'default' }, annotations: { a: 'b' },
      field_manager: 'cdktf-kubernetes-egress', force: true, provider: 'kubernetes',
    });
  });

  test('orders objects with depends_on', () => {
    const { stack, manifests } = clusterStack();
    const ns = manifests.add(manifests, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant0-egw' } });
    const gw: EgressGateway = { apiVersion: OPERATOR_API_VERSION, kind: 'EgressGateway', metadata: { name: 'gw', namespace: 'tenant0-egw' }, spec: { ipPools: [{ name: 'p' }] } };
    manifests.add(manifests, 'gw', gw, { dependsOn: [ns] });
    const json = synth(stack);
    expect(manifestResource(json, 'EgressGateway', 'gw', 'tenant0-egw').depends_on).toEqual([manifestAddress(json, 'Namespace', 'tenant0-egw')]);
  });

  test('importId names the namespace of namespaced objects', () => {
    expect(importId({ apiVersion: 'operator.tigera.io/v1', kind: 'EgressGateway', metadata: { name: 'g', namespace: 'n' } }))
      .toBe('apiVersion=operator.tigera.io/v1,kind=EgressGateway,name=g,namespace=n');
  });

  test('without a provider, renders YAML only', () => {
    const stack = new TerraformStack(Testing.app(), 'yaml-only');
    const manifests = new ClusterManifests(stack, 'calico');
    manifests.add(manifests, 'pool', pool);
    expect(resources(synth(stack), 'kubernetes_manifest')).toEqual([]);
    expect(manifests.toYaml()).toBe([
      'apiVersion: projectcalico.org/v3',
      'kind: IPPool',
      'metadata:',
      '  name: tenant0-pool',
      'spec:',
      '  cidr: 10.99.0.0/29',
      '  blockSize: 31',
      '  nodeSelector: "!all()"',
      '  vxlanMode: Never',
      '',
    ].join('\n'));
  });

  test('rejects two objects of one kind and name', () => {
    const { manifests } = clusterStack();
    manifests.add(manifests, 'a', pool);
    expect(() => manifests.add(manifests, 'b', pool)).toThrow(
      'cluster/calico: metadata.name is "tenant0-pool"; cluster/calico already declares IPPool tenant0-pool; names are unique per kind');
  });

  test('rejects names that are not DNS-1123', () => {
    const { manifests } = clusterStack();
    expect(() => manifests.add(manifests, 'a', { ...pool, metadata: { name: 'Tenant0_Pool' } })).toThrow(
      "cluster/calico: IPPool Tenant0_Pool: metadata.name is \"Tenant0_Pool\"; a Kubernetes name is up to 253 lower-case letters, digits, '-' or '.'");
    expect(() => manifests.add(manifests, 'b', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } })).toThrow(
      'cluster/calico: Namespace a.b: metadata.name is "a.b"; a Kubernetes name is 1 to 63 lower-case letters');
  });

  test('a reference resolved at deploy time cannot go into the YAML', () => {
    const { stack, manifests } = clusterStack();
    manifests.add(manifests, 'pool', { ...pool, spec: { ...pool.spec, cidr: Fn.cidrsubnet('10.99.0.0/24', 5, 0) } });
    expect(() => synth(stack)).toThrow(/cluster\/calico: IPPool tenant0-pool: spec.cidr is a value resolved at deploy time; the YAML rendering needs literal values/);
  });

  test('Calico constructs must live inside a ClusterManifests', () => {
    const stack = new TerraformStack(Testing.app(), 'cluster');
    expect(() => ClusterManifests.of(new Construct(stack, 'bgp'))).toThrow(
      'cluster/bgp: scope is "cluster/bgp"; Calico constructs are created inside a ClusterManifests, which renders their objects');
  });

  test('writes one YAML file per construct during synth, the same on every synth', () => {
    const build = (outdir: string) => {
      const app = new App({ outdir });
      const { stack, manifests } = clusterStack(app, 'cluster');
      const tenant = new Construct(manifests, 'tenant0');
      manifests.add(tenant, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant0-egw' } });
      manifests.add(tenant, 'pool', pool);
      manifests.patch(new Construct(manifests, 'felix'), 'felix', { apiVersion: CALICO_API_VERSION, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { egressIPSupport: 'EnabledPerNamespace' } } as FelixConfiguration);
      app.synth();
      return { dir: manifests.yamlDirectory(outdir), stack };
    };
    const a = build(fs.mkdtempSync(path.join(os.tmpdir(), 'calico-a-')));
    const b = build(fs.mkdtempSync(path.join(os.tmpdir(), 'calico-b-')));
    expect(fs.readdirSync(a.dir)).toEqual(['01-tenant0.yaml', '02-felix.yaml']);
    expect(a.dir.endsWith(path.join('manifests', 'cluster'))).toBe(true);
    for (const f of fs.readdirSync(a.dir)) {
      expect(fs.readFileSync(path.join(a.dir, f), 'utf8')).toBe(fs.readFileSync(path.join(b.dir, f), 'utf8'));
    }
    const docs = parseAllDocuments(fs.readFileSync(path.join(a.dir, '01-tenant0.yaml'), 'utf8')).map((d) => d.toJSON());
    expect(docs).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant0-egw' } },
      { apiVersion: 'projectcalico.org/v3', kind: 'IPPool', metadata: { name: 'tenant0-pool' }, spec: pool.spec },
    ]);
    expect(fs.readFileSync(path.join(a.dir, '02-felix.yaml'), 'utf8')).toContain(
      '# Apply with: kubectl apply --server-side --force-conflicts --field-manager=cdktf-kubernetes-egress');
  });

  test('address helper and manifest helper agree', () => {
    const { stack, manifests } = clusterStack();
    manifests.add(manifests, 'pool', pool);
    const json = synth(stack);
    expect(manifestAddress(json, 'IPPool', 'tenant0-pool')).toMatch(/^kubernetes_manifest\.calico_pool_[0-9A-F]{8}$/);
    expect(() => address(json, 'kubernetes_manifest', 'tenant0-pool')).toThrow('no kubernetes_manifest named tenant0-pool');
  });
});

describe('import blocks of patches', () => {
  test('synthesize without a Terraform binary, and require Terraform 1.5 where the plan runs', () => {
    const { stack, manifests } = clusterStack();
    new IpPoolPatch(manifests, 'default-pool', { name: 'default-ipv4-ippool', spec: { disableBGPExport: true } });
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    let json: TfJson;
    try {
      json = synth(stack);
    } finally {
      process.env.PATH = path;
    }
    expect(json.import).toEqual([{
      id: 'apiVersion=projectcalico.org/v3,kind=IPPool,name=default-ipv4-ippool',
      to: manifestAddress(json, 'IPPool', 'default-ipv4-ippool'),
    }]);
    expect((json as any).terraform.required_version).toBe(IMPORT_BLOCK_TERRAFORM_VERSION);
  });
});

describe('ClusterManifests: destroy safety of patched objects', () => {
  test('protects patched objects from deletion and lists the teardown command as an output', () => {
    const { stack, manifests } = clusterStack();
    const felix: FelixConfiguration = { apiVersion: CALICO_API_VERSION, kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { egressIPSupport: 'EnabledPerNamespace' } };
    manifests.patch(manifests, 'felix', felix);
    manifests.add(manifests, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant0-egw' } });
    const json = synth(stack);
    expect(manifestResource(json, 'FelixConfiguration', 'default').lifecycle).toEqual({ prevent_destroy: true });
    expect(manifestResource(json, 'Namespace', 'tenant0-egw').lifecycle).toBeUndefined();
    const address = manifestAddress(json, 'FelixConfiguration', 'default');
    expect(manifests.protectedAddresses()).toEqual([address]);
    expect(json.output?.calico_teardown).toEqual({
      value: `cd cdktf.out/stacks/cluster && terraform state rm '${address}'`,
      description: 'Run before cdktf destroy: forgets the objects Calico created (kept in the cluster, protected from deletion)',
    });
  });

  test('adds no teardown output when nothing is patched', () => {
    const { stack, manifests } = clusterStack();
    manifests.add(manifests, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant0-egw' } });
    const json = synth(stack);
    expect(json.output).toBeUndefined();
    expect(manifests.protectedAddresses()).toEqual([]);
  });
});

describe('ClusterManifests: objects Calico creates itself', () => {
  test.each([
    ['BGPConfiguration', 'default', 'calico-node'],
    ['FelixConfiguration', 'default', 'calico-node'],
    ['ClusterInformation', 'default', 'calico-node'],
    ['KubeControllersConfiguration', 'default', 'calico-kube-controllers'],
    ['IPPool', 'default-ipv4-ippool', 'the Tigera operator (from its Installation)'],
  ])('refuses to create %s %s (only a patch works)', (kind, name, creator) => {
    const { manifests } = clusterStack();
    expect(() => manifests.add(manifests, 'x', { apiVersion: CALICO_API_VERSION, kind, metadata: { name } })).toThrow(
      `cluster/calico: ${kind} ${name}: metadata.name is "${name}"; ${creator} creates ${kind} ${name} itself and kubernetes_manifest cannot create an object that exists; patch it (ClusterManifests.patch)`);
  });

  test('creates a per-node BGPConfiguration (Calico does not)', () => {
    const { stack, manifests } = clusterStack();
    manifests.add(manifests, 'x', { apiVersion: CALICO_API_VERSION, kind: 'BGPConfiguration', metadata: { name: 'node.aks-rr-0' } });
    expect(manifestResource(synth(stack), 'BGPConfiguration', 'node.aks-rr-0').lifecycle).toBeUndefined();
  });
});
