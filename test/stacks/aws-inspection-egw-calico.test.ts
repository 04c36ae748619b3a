import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { parseAllDocuments } from 'yaml';
import { EgressTenant, directToMultihop } from '../../lib/calico';
import { AwsInspectionEgwStack, AwsInspectionEgwStackProps } from '../../stacks/aws-inspection-egw';
import { AwsInspectionEgwCalicoStack, AwsInspectionEgwCalicoStackProps, TGW_BGP_MULTIHOP_TTL } from '../../stacks/aws-inspection-egw-calico';
import { EXAMPLES, buildExamples } from '../../stacks/examples';
import { FIXTURE_TEMPLATE } from '../calico/fixtures';
import { TfJson, manifestAddress, manifestResource, resource, resources, synth } from '../helpers';

/** Synthesizes every example into a fresh folder, as `npm run synth` does, and returns it with the two stacks. */
function synthExamples() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-inspection-egw-'));
  const app = new App({ outdir });
  buildExamples(app);
  app.synth();
  const cloud = app.node.findChild('aws-inspection-egw') as AwsInspectionEgwStack;
  const cluster = app.node.findChild('aws-inspection-egw-calico') as AwsInspectionEgwCalicoStack;
  return { outdir, cloud, cluster };
}

/** Both stacks in a test app, with the cluster stack's props. */
function pair(props: Partial<AwsInspectionEgwCalicoStackProps> = {}, cloudProps: AwsInspectionEgwStackProps = {}) {
  const app = Testing.app();
  const cloud = new AwsInspectionEgwStack(app, 'cloud', cloudProps);
  const cluster = new AwsInspectionEgwCalicoStack(app, 'cluster', { cloud, ...props });
  return { cloud, cluster };
}

const read = (outdir: string, ...parts: string[]) => fs.readFileSync(path.join(outdir, ...parts), 'utf8');

describe('aws-inspection-egw-calico', () => {
  let outdir: string;
  let json: TfJson;
  let cloudJson: TfJson;
  let cloud: AwsInspectionEgwStack;
  let cluster: AwsInspectionEgwCalicoStack;
  beforeAll(() => {
    ({ outdir, cloud, cluster } = synthExamples());
    json = JSON.parse(read(outdir, 'stacks', 'aws-inspection-egw-calico', 'cdk.tf.json'));
    cloudJson = JSON.parse(read(outdir, 'stacks', 'aws-inspection-egw', 'cdk.tf.json'));
  });
  const spec = (kind: string, name: string, namespace?: string) => manifestResource(json, kind, name, namespace).manifest.spec;

  test('is listed right after the cloud stack it builds on, as document 004', () => {
    const names = EXAMPLES.map((e) => e.name);
    expect(names.indexOf('aws-inspection-egw-calico')).toBe(names.indexOf('aws-inspection-egw') + 1);
    expect(EXAMPLES.find((e) => e.name === 'aws-inspection-egw-calico')?.document).toBe('004');
  });

  test('BGPConfiguration default: Calico\'s AS 65001 from the cloud stack, the node-to-node mesh on', () => {
    expect(manifestResource(json, 'BGPConfiguration', 'default').manifest).toEqual({
      apiVersion: 'projectcalico.org/v3', kind: 'BGPConfiguration', metadata: { name: 'default' },
      spec: { logSeverityScreen: 'Info', nodeToNodeMeshEnabled: true, asNumber: 65001 },
    });
    expect(cloud.calicoAsn).toBe(65001);
  });

  test('two BGPPeers per Connect peer: its node, the transit gateway\'s two inside addresses and ASN, original next hop, no source address', () => {
    const expected = [
      ['tgw-connect-node-1-a', 'node-1', '169.254.8.10'],
      ['tgw-connect-node-1-b', 'node-1', '169.254.8.11'],
      ['tgw-connect-node-2-a', 'node-2', '169.254.8.18'],
      ['tgw-connect-node-2-b', 'node-2', '169.254.8.19'],
    ];
    for (const [name, node, ip] of expected) {
      expect(spec('BGPPeer', name)).toEqual({
        node, peerIP: ip, asNumber: 64512, nextHopMode: 'Keep', sourceAddress: 'None', filters: ['export-egress-ips'],
      });
      expect(manifestResource(json, 'BGPPeer', name).depends_on).toEqual([manifestAddress(json, 'BGPFilter', 'export-egress-ips')]);
    }
    // The same values as the cloud stack's Connect peers, which the peers are built from.
    const fromConnect = cloud.connect.peers.flatMap((p) => p.transitGatewayInsideAddresses.map((ip) => [p.name, ip, p.transitGatewayAsn]));
    expect(fromConnect).toEqual(expected.map(([, node, ip]) => [node, ip, 64512]));
    expect(cloud.connect.peers.map((p) => p.insideCidr.contains(p.transitGatewayInsideAddresses[1]))).toEqual([true, true]);
  });

  test('BGPFilter export-egress-ips lets only the tenant\'s range out, of the node that holds it, and takes nothing from the transit gateway', () => {
    expect(spec('BGPFilter', 'export-egress-ips')).toEqual({
      exportV4: [
        { action: 'Reject', source: 'RemotePeers' },
        { action: 'Reject', interface: 'vxlan.calico' },
        { action: 'Reject', interface: 'tunl0' },
        { action: 'Reject', interface: 'wireguard.cali' },
        { action: 'Accept', matchOperator: 'In', cidr: '198.51.100.0/28' },
        { action: 'Reject' },
      ],
      importV4: [{ action: 'Reject' }],
    });
  });

  test('tenant0: namespace, pool in 198.51.100.0/24 and gateway', () => {
    expect(manifestResource(json, 'Namespace', 'tenant0-egw').manifest).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant0-egw' } });
    expect(spec('IPPool', 'tenant0-pool')).toEqual({ cidr: '198.51.100.0/28', blockSize: 31, nodeSelector: '!all()', vxlanMode: 'CrossSubnet' });
    expect(cloud.egressBlock.contains(spec('IPPool', 'tenant0-pool').cidr)).toBe(true);
    const gw = manifestResource(json, 'EgressGateway', 'tenant0-egw', 'tenant0-egw');
    expect(gw.manifest.spec).toEqual({
      logSeverity: 'Info',
      replicas: 2,
      ipPools: [{ name: 'tenant0-pool' }],
      template: {
        metadata: { labels: { tenant: 'tenant0-egw' } },
        spec: {
          terminationGracePeriodSeconds: 60,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          topologySpreadConstraints: [{
            maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { tenant: 'tenant0-egw' } },
          }],
        },
      },
    });
    expect(gw.depends_on).toEqual([manifestAddress(json, 'Namespace', 'tenant0-egw'), manifestAddress(json, 'IPPool', 'tenant0-pool')]);
  });

  test('FelixConfiguration and BGPConfiguration default are patched: imported, applied with forced conflicts, never destroyed', () => {
    expect(spec('FelixConfiguration', 'default')).toEqual({ egressIPSupport: 'EnabledPerNamespace' });
    for (const kind of ['BGPConfiguration', 'FelixConfiguration']) {
      expect(manifestResource(json, kind, 'default').field_manager).toEqual({ name: 'cdktf-kubernetes-egress', force_conflicts: true });
      expect(manifestResource(json, kind, 'default').lifecycle).toEqual({ prevent_destroy: true });
    }
    expect(json.import).toEqual([
      { id: 'apiVersion=projectcalico.org/v3,kind=BGPConfiguration,name=default', to: manifestAddress(json, 'BGPConfiguration', 'default') },
      { id: 'apiVersion=projectcalico.org/v3,kind=FelixConfiguration,name=default', to: manifestAddress(json, 'FelixConfiguration', 'default') },
    ]);
    expect(json.output!.calico_teardown.value).toBe(
      `cd cdktf.out/stacks/aws-inspection-egw-calico && terraform state rm '${manifestAddress(json, 'BGPConfiguration', 'default')}' '${manifestAddress(json, 'FelixConfiguration', 'default')}'`);
  });

  test('holds exactly these objects; without birdTemplate, no ConfigMap', () => {
    const names = resources(json, 'kubernetes_manifest').map((r) => `${r.manifest.kind}/${r.manifest.metadata.name}`).sort();
    expect(names).toEqual([
      'BGPConfiguration/default', 'BGPFilter/export-egress-ips',
      'BGPPeer/tgw-connect-node-1-a', 'BGPPeer/tgw-connect-node-1-b', 'BGPPeer/tgw-connect-node-2-a', 'BGPPeer/tgw-connect-node-2-b',
      'EgressGateway/tenant0-egw', 'FelixConfiguration/default', 'IPPool/tenant0-pool', 'Namespace/tenant0-egw',
    ]);
    expect(cluster.birdTemplates).toBeUndefined();
  });

  test('the firewall rule\'s source is the tenant\'s range: the same EgressTenant in both stacks', () => {
    expect(cluster.tenant.tenant).toBe(cloud.tenant);
    const rule = resource(cloudJson, 'aws_networkfirewall_rule_group', 'inspection-fw-egress-gateway-to-service');
    expect(rule.rule_group.rules_source.stateful_rule[0].header.source).toBe(cloud.tenant.egressCidr.toString());
    expect(rule.rule_group.rules_source.stateful_rule[0].header.source).toBe(spec('IPPool', 'tenant0-pool').cidr);
  });

  test('the kubernetes provider reads a kubeconfig file; the stack depends on the cloud stack explicitly', () => {
    expect(json.provider!.kubernetes).toEqual([{ config_path: '~/.kube/config' }]);
    expect(json.data).toBeUndefined();
    expect(cluster.dependencies.map((d) => d.node.id)).toEqual(['aws-inspection-egw']);
    // What `cdktf deploy '*'` orders the stacks by.
    const manifest = JSON.parse(read(outdir, 'manifest.json'));
    expect(manifest.stacks['aws-inspection-egw-calico'].dependencies).toEqual(['aws-inspection-egw']);
    expect(manifest.stacks['aws-inspection-egw'].dependencies).toEqual([]);
  });

  test('takes the kubeconfig file and context as props', () => {
    const { cluster: c } = pair({ kubeconfigPath: '~/.kube/aws', kubeconfigContext: 'egw-cluster' });
    expect(synth(c).provider!.kubernetes).toEqual([{ config_path: '~/.kube/aws', config_context: 'egw-cluster' }]);
  });

  test('the YAML holds the same objects as Terraform', () => {
    const dir = path.join(outdir, 'manifests', 'aws-inspection-egw-calico');
    expect(fs.readdirSync(dir)).toEqual(['01-export-egress-ips.yaml', '02-bgp.yaml', '03-tenant0.yaml', '04-felix.yaml']);
    const docs = fs.readdirSync(dir).flatMap((f) => parseAllDocuments(read(dir, f)).map((d) => d.toJSON()));
    const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const byKey = (list: any[]) => Object.fromEntries(list.map((o) => [key(o), o]));
    expect(byKey(docs)).toEqual(byKey(resources(json, 'kubernetes_manifest').map((r) => r.manifest)));
    expect(docs).toHaveLength(10);
  });

  test('each node\'s user data is written next to the manifests and equals the cloud stack\'s output', () => {
    const dir = path.join(outdir, 'user-data', 'aws-inspection-egw');
    expect(fs.readdirSync(dir)).toEqual(['node-1.yaml', 'node-2.yaml']);
    const output = cloudJson.output!.node_user_data.value as Record<string, string>;
    expect(Object.keys(output)).toEqual(['node-1', 'node-2']);
    for (const node of ['node-1', 'node-2']) {
      expect(read(dir, `${node}.yaml`)).toBe(output[node]);
      expect(output[node]).toBe(cloud.nodeUserData.userData(node));
    }
    // The tunnel ends and inside address are the Connect peer's.
    const p = cloud.connect.peers[1];
    expect(output['node-2']).toContain(`local: ${p.peerAddress}\n`);
    expect(output['node-2']).toContain(`remote: ${p.transitGatewayAddress}\n`);
    expect(output['node-2']).toContain(`- ${p.peerInsideAddress}/29\n`);
  });

  test('two synths are byte-identical, manifests and user data included', () => {
    const other = synthExamples().outdir;
    const files = (root: string): string[] => fs.readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile()).map((d) => path.relative(root, path.join(d.parentPath, d.name))).sort();
    const ours = files(outdir).filter((f) => f.includes('aws-inspection-egw'));
    expect(ours).toEqual(files(other).filter((f) => f.includes('aws-inspection-egw')));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const f of ours) expect(read(other, f)).toBe(read(outdir, f));
  });

  describe('with birdTemplate', () => {
    test('renders the bird-templates ConfigMap with only the direct sessions made multihop (TTL 2), in Terraform and YAML', () => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'aws-inspection-egw-bird-')) });
      const c = new AwsInspectionEgwStack(app, 'cloud');
      const stack = new AwsInspectionEgwCalicoStack(app, 'cluster', { cloud: c, birdTemplate: FIXTURE_TEMPLATE });
      app.synth();
      const tf = JSON.parse(read(app.outdir, 'stacks', 'cluster', 'cdk.tf.json'));
      const expected = {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bird-templates', namespace: 'tigera-operator' },
        data: { 'bird.cfg.template': directToMultihop('x', 'x', FIXTURE_TEMPLATE, 2).text },
      };
      expect(manifestResource(tf, 'ConfigMap', 'bird-templates', 'tigera-operator').manifest).toEqual(expected);
      expect(expected.data['bird.cfg.template'].split('\n')[3]).toBe('  multihop 2;');
      expect(TGW_BGP_MULTIHOP_TTL).toBe(2);
      expect(stack.birdTemplates!.changedLines).toEqual({ 'bird.cfg.template': [4, 8] });
      const yaml = read(app.outdir, 'manifests', 'cluster', '05-bird-templates.yaml');
      expect(parseAllDocuments(yaml).map((d) => d.toJSON())).toEqual([expected]);
    });

    test('rejects a template without the direct-connection line', () => {
      expect(() => pair({ birdTemplate: 'protocol device {}\n' })).toThrow(
        "cluster/calico/bird-templates: templates[bird.cfg.template].content is 2 lines; no line writes BIRD's `direct;` for directly connected peers");
    });
  });

  test.each([
    ['a tenant other than the one the firewall names', { tenant: new EgressTenant({ name: 'tenant1', egressCidr: '198.51.100.16/28' }) },
      "cluster: tenant.egressCidr is \"198.51.100.16/28\"; the cloud stack's firewall lets only 198.51.100.0/28 (tenant tenant0) reach the service; hand the same EgressTenant to both stacks"],
  ])('rejects %s', (_, props, message) => {
    expect(() => pair(props)).toThrow(message);
  });

  test('a re-declared tenant with the firewall\'s range is accepted', () => {
    const { cluster: c } = pair({ tenant: new EgressTenant({ name: 'tenant0', egressCidr: '198.51.100.0/28' }) });
    expect(manifestResource(synth(c), 'IPPool', 'tenant0-pool').manifest.spec.cidr).toBe('198.51.100.0/28');
  });

  test.each([
    ['Calico speaking the transit gateway\'s ASN', { calicoAsn: 64512 },
      "cloud/calico-connect: peers[node-1].peerAsn is 64512; 64512 is the transit gateway's own ASN"],
    ['a node name that is not DNS-1123', { nodes: [{ name: 'ip-10-10-0-10.EC2.internal', address: '10.10.0.10', insideCidr: '169.254.8.8/29' }] },
      'cloud: nodes[0].name is "ip-10-10-0-10.EC2.internal"; a Kubernetes name is up to 253 lower-case letters'],
  ])('the pair rejects %s', (_, cloudProps, message) => {
    expect(() => pair({}, cloudProps as AwsInspectionEgwStackProps)).toThrow(message);
  });

  test('a node name with dots (an EC2 host name) is a valid Kubernetes node name', () => {
    const nodes = [{ name: 'ip-10-10-0-10.ec2.internal', address: '10.10.0.10', insideCidr: '169.254.8.8/29' }];
    const { cluster: c } = pair({}, { nodes });
    expect(manifestResource(synth(c), 'BGPPeer', 'tgw-connect-ip-10-10-0-10.ec2.internal-a').manifest.spec.node).toBe('ip-10-10-0-10.ec2.internal');
  });
});
