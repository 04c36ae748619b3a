import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { CalicoEdition } from '../../lib/calico';
import { AwsNativeEgwStack } from '../../stacks/aws-native-egw';
import { AwsNativeEgwCalicoStack, AwsNativeEgwCalicoStackProps } from '../../stacks/aws-native-egw-calico';
import { EXAMPLES, buildExamples } from '../../stacks/examples';
import { TfJson, manifestAddress, manifestResource, resources, taggedAddress } from '../helpers';

/** Synthesizes every example into a fresh folder, as `npm run synth` does. */
function synthExamples() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-native-egw-'));
  const app = new App({ outdir });
  buildExamples(app);
  app.synth();
  return outdir;
}

/** Both stacks in a test app. */
function pair(props: Partial<AwsNativeEgwCalicoStackProps> = {}) {
  const app = Testing.app();
  const cloud = new AwsNativeEgwStack(app, 'cloud');
  return new AwsNativeEgwCalicoStack(app, 'cluster', { cloud, ...props });
}

const read = (outdir: string, ...parts: string[]) => fs.readFileSync(path.join(outdir, ...parts), 'utf8');

describe('aws-native-egw-calico', () => {
  let outdir: string;
  let json: TfJson;
  let cloudJson: TfJson;
  beforeAll(() => {
    outdir = synthExamples();
    json = JSON.parse(read(outdir, 'stacks', 'aws-native-egw-calico', 'cdk.tf.json'));
    cloudJson = JSON.parse(read(outdir, 'stacks', 'aws-native-egw', 'cdk.tf.json'));
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const manifest = (kind: string, name: string, namespace?: string) => manifestResource(json, kind, name, namespace).manifest;

  test('is listed right after the cloud stack it builds on', () => {
    const names = EXAMPLES.map((e) => e.name);
    expect(names.indexOf('aws-native-egw-calico')).toBe(names.indexOf('aws-native-egw') + 1);
    expect(EXAMPLES.find((e) => e.name === 'aws-native-egw-calico')?.document).toBe('aws-native');
  });

  test('FelixConfiguration default: ENI-per-workload secondary IPs, egress gateways chosen per namespace', () => {
    expect(manifest('FelixConfiguration', 'default')).toEqual({
      apiVersion: 'projectcalico.org/v3', kind: 'FelixConfiguration', metadata: { name: 'default' },
      spec: { awsSecondaryIPSupport: 'EnabledENIPerWorkload', egressIPSupport: 'EnabledPerNamespace' },
    });
  });

  test('each tenant\'s pool is backed by the egress gateway subnet of its zone, taken from the cloud stack', () => {
    const cases: [string, string, string][] = [['billing', '10.40.100.4/30', 'egress-gw-a'], ['reports', '10.40.100.20/30', 'egress-gw-b']];
    for (const [tenant, cidr, subnet] of cases) {
      const spec = manifest('IPPool', `${tenant}-pool`).spec;
      expect({ ...spec, awsSubnetID: undefined }).toEqual({
        cidr, blockSize: 32, nodeSelector: '!all()', vxlanMode: 'Never', disableBGPExport: true, allowedUses: ['Workload'], awsSubnetID: undefined,
      });
      // A cross-stack reference: an output of aws-native-egw holding that subnet's ID, read through its remote state.
      const ref = /^\$\{data\.terraform_remote_state\.([^.]+)\.outputs\.([^}]+)\}$/.exec(spec.awsSubnetID);
      expect(ref).not.toBeNull();
      expect(json.data?.terraform_remote_state?.[ref![1]]?.config?.path).toContain('aws-native-egw.tfstate');
      expect(cloudJson.output?.[ref![2]]?.value).toBe(`\${${taggedAddress(cloudJson, 'aws_subnet', subnet)}.id}`);
    }
  });

  test('each tenant\'s EgressGateway: native AWS addresses, 2 replicas, pinned to its subnet\'s zone', () => {
    for (const [tenant, zone] of [['billing', 'us-east-1a'], ['reports', 'us-east-1b']]) {
      const gw = manifest('EgressGateway', `${tenant}-egw`, `${tenant}-egw`);
      expect(gw.spec).toMatchObject({
        aws: { nativeIP: 'Enabled' }, ipPools: [{ name: `${tenant}-pool` }], replicas: 2, logSeverity: 'Info',
      });
      expect(gw.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': zone });
      expect(manifestResource(json, 'EgressGateway', `${tenant}-egw`, `${tenant}-egw`).depends_on)
        .toEqual([manifestAddress(json, 'Namespace', `${tenant}-egw`), manifestAddress(json, 'IPPool', `${tenant}-pool`)]);
    }
  });

  test('each tenant\'s application namespace sends its pods\' traffic through the tenant\'s gateways', () => {
    expect(manifest('Namespace', 'billing-app')).toEqual({
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: 'billing-app', annotations: { 'egress.projectcalico.org/namespaceSelector': "projectcalico.org/name == 'billing-egw'" } },
    });
    expect(manifest('Namespace', 'reports-app').metadata.annotations)
      .toEqual({ 'egress.projectcalico.org/namespaceSelector': "projectcalico.org/name == 'reports-egw'" });
  });

  test('no BGP, no BIRD templates, no YAML copy (the subnet IDs are known only at deploy time)', () => {
    const kinds = resources(json, 'kubernetes_manifest').map((r) => r.manifest.kind).sort();
    expect(kinds).toEqual(['EgressGateway', 'EgressGateway', 'FelixConfiguration', 'IPPool', 'IPPool', 'Namespace', 'Namespace', 'Namespace', 'Namespace']);
    expect(fs.existsSync(path.join(outdir, 'manifests', 'aws-native-egw-calico'))).toBe(false);
    expect(json.provider?.kubernetes).toEqual([{ config_path: '~/.kube/config' }]);
  });

  test('depends on the cloud stack, so the network is applied first', () => {
    const app = Testing.app();
    const cloud = new AwsNativeEgwStack(app, 'cloud');
    const cluster = new AwsNativeEgwCalicoStack(app, 'cluster', { cloud });
    expect(cluster.dependencies).toContain(cloud);
  });

  test('open-source Calico refuses the AWS secondary IP support (an Enterprise feature)', () => {
    expect(() => pair({ calicoEdition: CalicoEdition.openSource() })).toThrow(
      'cluster/calico/felix: FelixConfiguration default: spec.awsSecondaryIPSupport is "EnabledENIPerWorkload"; FelixConfiguration awsSecondaryIPSupport '
      + 'exists in Calico Enterprise and Calico Cloud, not in Calico Open Source; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud()');
  });

  test('refuses more gateways than a tenant\'s range has addresses', () => {
    expect(() => pair({ replicas: 5 })).toThrow('cluster/calico/billing: replicas is 5; each gateway takes an address of 10.40.100.4/30, which has 4');
  });
});
