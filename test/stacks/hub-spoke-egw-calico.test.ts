import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { parse, parseAllDocuments } from 'yaml';
import { EgressTenant } from '../../lib/calico';
import { Cidr } from '../../lib/core';
import { EXAMPLES, buildExamples } from '../../stacks/examples';
import { HubSpokeEgwStack } from '../../stacks/hub-spoke-egw';
import { HubSpokeEgwCalicoStack } from '../../stacks/hub-spoke-egw-calico';
import { TfJson, manifestAddress, manifestResource, resource, resources, synth } from '../helpers';

function build(app: App = Testing.app()) {
  buildExamples(app);
  const cloud = app.node.findChild('hub-spoke-egw') as HubSpokeEgwStack;
  const cluster = app.node.findChild('hub-spoke-egw-calico') as HubSpokeEgwCalicoStack;
  return { app, cloud, cluster };
}

describe('hub-spoke-egw-calico', () => {
  let cloudJson: TfJson;
  let json: TfJson;
  let cluster: HubSpokeEgwCalicoStack;
  let manifestJson: { stacks: Record<string, { dependencies: string[] }> };
  // The output directory of the full app synth of beforeAll, and every directory synthesized into.
  let outdir: string;
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  beforeAll(() => {
    // A full app synth: cross-stack references (outputs, remote state) are made while the app synthesizes.
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-spoke-egw-'));
    outdirs.push(outdir);
    const built = build(new App({ outdir }));
    built.app.synth();
    cluster = built.cluster;
    const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    json = read('hub-spoke-egw-calico');
    cloudJson = read('hub-spoke-egw');
    manifestJson = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  });
  const spec = (kind: string, name: string, namespace?: string) => manifestResource(json, kind, name, namespace).manifest.spec;

  test('is listed after the cloud stack it builds on', () => {
    const names = EXAMPLES.map((e) => e.name);
    expect(names.indexOf('hub-spoke-egw')).toBe(0);
    expect(names.indexOf('hub-spoke-egw-calico')).toBe(1);
    expect(EXAMPLES[1].document).toBe('000');
  });

  test('BGPConfiguration default: Info, no node-to-node mesh, AS 63400', () => {
    expect(spec('BGPConfiguration', 'default')).toEqual({ logSeverityScreen: 'Info', nodeToNodeMeshEnabled: false, asNumber: 63400 });
  });

  test('BGPPeer peer-with-route-reflectors', () => {
    expect(spec('BGPPeer', 'peer-with-route-reflectors')).toEqual({ nodeSelector: 'all()', peerSelector: "route-reflector == 'true'" });
  });

  test('calico-route-reflector-id annotates the route reflector pool\'s nodes with cluster ID 244.0.0.1', () => {
    const ds = resources(json, 'kubernetes_manifest').find((r) => r.manifest.kind === 'DaemonSet')!.manifest;
    expect(ds.metadata).toEqual({ name: 'calico-route-reflector-id', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'calico-route-reflector-id' } });
    expect(ds.spec.template.spec.nodeSelector).toEqual({ 'route-reflector': 'true' });
    expect(ds.spec.template.spec.initContainers[0].args).toEqual(
      ['annotate', 'node', '$(NODE_NAME)', '--overwrite', 'projectcalico.org/RouteReflectorClusterID=244.0.0.1']);
    expect(resources(json, 'kubernetes_manifest').find((r) => r.manifest.kind === 'ClusterRole')!.manifest.rules)
      .toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }]);
  });

  test('BGPPeers azure-route-server-a/-b: the Route Server\'s addresses, reachable by the route reflector subnet\'s gateway, filtered', () => {
    for (const [name, ip] of [['azure-route-server-a', '10.0.1.4'], ['azure-route-server-b', '10.0.1.5']]) {
      expect(spec('BGPPeer', name)).toEqual({
        peerIP: ip, reachableBy: '10.1.1.1', asNumber: 65515, nextHopMode: 'Keep',
        nodeSelector: "route-reflector == 'true'", filters: ['export-egress-ips'],
      });
    }
  });

  test.each([
    ['tenant0', '10.99.0.0/29'],
    ['tenant1', '10.99.0.8/29'],
  ])('%s: namespace, pool and gateway', (t, cidr) => {
    expect(manifestResource(json, 'Namespace', `${t}-egw`).manifest).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${t}-egw` } });
    expect(spec('IPPool', `${t}-pool`)).toEqual({ cidr, blockSize: 31, nodeSelector: '!all()', vxlanMode: 'Never' });
    const gw = manifestResource(json, 'EgressGateway', `${t}-egw`, `${t}-egw`);
    expect(gw.manifest.spec).toEqual({
      logSeverity: 'Info',
      replicas: 2,
      ipPools: [{ name: `${t}-pool` }],
      template: {
        metadata: { labels: { tenant: `${t}-egw` } },
        spec: {
          terminationGracePeriodSeconds: 60,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          topologySpreadConstraints: [{
            maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { tenant: `${t}-egw` } },
          }],
        },
      },
    });
    expect(gw.depends_on).toEqual([manifestAddress(json, 'Namespace', `${t}-egw`), manifestAddress(json, 'IPPool', `${t}-pool`)]);
  });

  test('BGPFilter export-egress-ips lets out both tenants, wherever their gateways run, and takes nothing from the Route Server', () => {
    expect(spec('BGPFilter', 'export-egress-ips')).toEqual({
      importV4: [{ action: 'Reject' }],
      exportV4: [
        { action: 'Reject', interface: 'vxlan.calico' },
        { action: 'Reject', interface: 'tunl0' },
        { action: 'Reject', interface: 'wireguard.cali' },
        { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.0/29' },
        { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.8/29' },
        { action: 'Reject' },
      ],
    });
  });

  test('every gateway\'s block reaches the Route Server: the route reflectors announce their clients\' gateway blocks with the gateway\'s node as next hop', () => {
    // A gateway on a client node (any node: its nodeSelector names no route reflector label) reaches the
    // route reflectors over iBGP, so on them its block is a route learned from a BGP peer (BIRD
    // `source ~ [ RTS_BGP ]`, BGPFilter `source: RemotePeers`) through the node's uplink. BIRD runs the
    // peer's filters in order; the first rule that matches decides, none matching accepts.
    const learnedBlockFate = (filters: string[], block: string): string => {
      for (const name of filters) {
        for (const rule of spec('BGPFilter', name).exportV4 as { action: string; cidr?: string; matchOperator?: string; interface?: string }[]) {
          if (rule.interface !== undefined) continue;   // Calico's tunnels, not the uplink
          if (rule.cidr !== undefined && !(rule.matchOperator === 'In' && Cidr.parse(rule.cidr).contains(Cidr.parse(block)))) continue;
          return rule.action;
        }
      }
      return 'Accept';
    };
    expect(spec('BGPPeer', 'peer-with-route-reflectors').nodeSelector).toBe('all()');
    for (const [t, block] of [['tenant0', '10.99.0.2/31'], ['tenant1', '10.99.0.10/31']]) {
      expect(spec('EgressGateway', `${t}-egw`, `${t}-egw`).template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      for (const peer of ['azure-route-server-a', 'azure-route-server-b']) {
        expect(spec('BGPPeer', peer).nextHopMode).toBe('Keep');
        expect(learnedBlockFate(spec('BGPPeer', peer).filters, block)).toBe('Accept');
      }
    }
  });

  test('EgressGatewayPolicy egw-policy, with the blueprint\'s description and a gateway selector on the label the gateway pods carry', () => {
    expect(spec('EgressGatewayPolicy', 'egw-policy')).toEqual({
      rules: [
        { destination: { cidr: '10.0.0.0/8' }, description: 'Local: no gateway' },
        {
          destination: { cidr: '8.8.8.8/32' }, description: 'Gateway to GoogleDNS',
          gateway: { namespaceSelector: "projectcalico.org/name == 'tenant0-egw'", selector: "tenant == 'tenant0-egw'" },
        },
      ],
    });
  });

  test('FelixConfiguration default and BGPConfiguration default are patched: imported, applied with forced conflicts, never destroyed', () => {
    expect(spec('FelixConfiguration', 'default')).toEqual({
      egressIPSupport: 'EnabledPerNamespaceOrPerPod', flowLogsFlushInterval: '15s', flowLogsFileAggregationKindForAllowed: 1,
    });
    expect(spec('BGPConfiguration', 'default')).toEqual({ logSeverityScreen: 'Info', nodeToNodeMeshEnabled: false, asNumber: 63400 });
    for (const kind of ['BGPConfiguration', 'FelixConfiguration']) {
      expect(manifestResource(json, kind, 'default').field_manager).toEqual({ name: 'cdktf-kubernetes-egress', force_conflicts: true });
      expect(manifestResource(json, kind, 'default').lifecycle).toEqual({ prevent_destroy: true });
    }
    expect(json.import).toEqual([
      { id: 'apiVersion=projectcalico.org/v3,kind=BGPConfiguration,name=default', to: manifestAddress(json, 'BGPConfiguration', 'default') },
      { id: 'apiVersion=projectcalico.org/v3,kind=FelixConfiguration,name=default', to: manifestAddress(json, 'FelixConfiguration', 'default') },
    ]);
    expect(json.output!.calico_teardown.value).toBe(
      `cd cdktf.out/stacks/hub-spoke-egw-calico && terraform state rm '${manifestAddress(json, 'BGPConfiguration', 'default')}' '${manifestAddress(json, 'FelixConfiguration', 'default')}'`);
    for (const r of resources(json, 'kubernetes_manifest').filter((m) => m.manifest.metadata.name !== 'default')) expect(r.lifecycle).toBeUndefined();
  });

  test('the default pool is left to the operator, whose Installation sets disableBGPExport', () => {
    expect(resources(json, 'kubernetes_manifest').filter((r) => r.manifest.metadata.name === 'default-ipv4-ippool')).toEqual([]);
    expect(parse(resource(cloudJson, 'helm_release', 'calico').values[0]).installation.calicoNetwork.ipPools[0].disableBGPExport).toBe(true);
  });

  test('per-pod egress selection is kept, with an admission policy granting tenant0 to pods in default only', () => {
    const policy = manifestResource(json, 'ValidatingAdmissionPolicy', 'egress-gateway-pod-annotations');
    expect(policy.manifest.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(policy.manifest.spec.matchConstraints).toEqual({
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
    });
    expect(policy.manifest.spec.validations[1].expression).toBe(
      '!has(object.metadata.annotations) || !object.metadata.annotations.exists(k, k.startsWith("egress.projectcalico.org/")) || '
      + '(request.namespace in ["default"] && "egress.projectcalico.org/namespaceSelector" in object.metadata.annotations && '
      + 'object.metadata.annotations["egress.projectcalico.org/namespaceSelector"] == "projectcalico.org/name == \'tenant0-egw\'")');
    const binding = manifestResource(json, 'ValidatingAdmissionPolicyBinding', 'egress-gateway-pod-annotations');
    expect(binding.manifest.spec).toEqual({ policyName: 'egress-gateway-pod-annotations', validationActions: ['Deny'] });
    expect(binding.depends_on).toEqual([manifestAddress(json, 'ValidatingAdmissionPolicy', 'egress-gateway-pod-annotations')]);
  });

  test('namespace default is annotated onto tenant0', () => {
    expect(resource(json, 'kubernetes_annotations')).toMatchObject({
      api_version: 'v1', kind: 'Namespace', metadata: { name: 'default' },
      annotations: { 'egress.projectcalico.org/namespaceSelector': "projectcalico.org/name == 'tenant0-egw'" },
      field_manager: 'cdktf-kubernetes-egress', force: true,
    });
  });

  test('holds exactly these objects', () => {
    const names = resources(json, 'kubernetes_manifest').map((r) => `${r.manifest.kind}/${r.manifest.metadata.name}`).sort();
    expect(names).toEqual([
      'BGPConfiguration/default', 'BGPFilter/export-egress-ips', 'BGPPeer/azure-route-server-a', 'BGPPeer/azure-route-server-b',
      'BGPPeer/peer-with-route-reflectors', 'ClusterRole/calico-route-reflector-id', 'ClusterRoleBinding/calico-route-reflector-id',
      'DaemonSet/calico-route-reflector-id', 'EgressGateway/tenant0-egw', 'EgressGateway/tenant1-egw', 'EgressGatewayPolicy/egw-policy',
      'FelixConfiguration/default', 'IPPool/tenant0-pool', 'IPPool/tenant1-pool',
      'Namespace/tenant0-egw', 'Namespace/tenant1-egw', 'ServiceAccount/calico-route-reflector-id',
      'ValidatingAdmissionPolicy/egress-gateway-pod-annotations', 'ValidatingAdmissionPolicyBinding/egress-gateway-pod-annotations',
    ]);
  });

  test('the kubernetes provider reads the cloud stack\'s credentials through terraform_remote_state', () => {
    const remote = Object.keys(json.data!.terraform_remote_state);
    expect(remote).toEqual(['cross-stack-reference-input-hub-spoke-egw']);
    const provider = json.provider!.kubernetes[0];
    const out = (attr: string) => `data.terraform_remote_state.cross-stack-reference-input-hub-spoke-egw.outputs.cross-stack-output-azurerm_kubernetes_clusterspoke1-aks_cluster_5F449C3Akube_config0${attr}`;
    expect(provider).toEqual({
      host: `\${${out('host')}}`,
      client_certificate: `\${base64decode(${out('client_certificate')})}`,
      client_key: `\${base64decode(${out('client_key')})}`,
      cluster_ca_certificate: `\${base64decode(${out('cluster_ca_certificate')})}`,
    });
    expect(cluster.dependencies.map((d) => d.node.id)).toEqual(['hub-spoke-egw']);
    // What `cdktf deploy '*'` orders the stacks by.
    expect(manifestJson.stacks['hub-spoke-egw-calico'].dependencies).toEqual(['hub-spoke-egw']);
    expect(manifestJson.stacks['hub-spoke-egw'].dependencies).toEqual([]);
  });

  test('the cloud stack hands the credentials over in sensitive outputs only', () => {
    const crossStack = Object.entries(cloudJson.output!).filter(([k]) => k.startsWith('cross-stack-output-'));
    expect(crossStack.map(([k]) => k.replace(/.*kube_config0/, '')).sort()).toEqual(['client_certificate', 'client_key', 'cluster_ca_certificate', 'host']);
    for (const [, o] of crossStack) expect(o.sensitive).toBe(true);
    for (const [k, o] of Object.entries(cloudJson.output!)) {
      if (!k.startsWith('cross-stack-output-')) expect(JSON.stringify(o.value)).not.toMatch(/kube_config|client_key/);
    }
  });

  test('the cloud stack keeps the default pod pool out of BGP in the operator\'s Installation', () => {
    const values = parse(resource(cloudJson, 'helm_release', 'calico').values[0]);
    expect(values.installation.calicoNetwork.ipPools).toEqual([{ cidr: '10.244.0.0/24', encapsulation: 'VXLAN', disableBGPExport: true }]);
  });

  test('tenant0-allowed-access takes its source from the tenant declaration', () => {
    const app = Testing.app();
    const tenants = [new EgressTenant({ name: 'blue', egressCidr: '10.98.0.0/29' })];
    const cloud = new HubSpokeEgwStack(app, 'cloud', { tenants });
    new HubSpokeEgwCalicoStack(app, 'cluster', { cloud, tenants });
    const collection = resource(synth(cloud), 'azurerm_firewall_application_rule_collection', 'blue-allowed-access');
    expect(collection.rule[0].source_addresses).toEqual(['10.98.0.0/29']);
    expect(collection.priority).toBe(110);
    const filter = manifestResource(synth(app.node.findChild('cluster') as HubSpokeEgwCalicoStack), 'BGPFilter', 'export-egress-ips');
    expect(filter.manifest.spec.exportV4[3].cidr).toBe('10.98.0.0/29');
  });

  test('the default tenants give the blueprint\'s tenant0-allowed-access rule', () => {
    const collection = resource(cloudJson, 'azurerm_firewall_application_rule_collection', 'tenant0-allowed-access');
    expect(collection.rule[0]).toMatchObject({ name: 'allow tenant0 to www.tigera.io', source_addresses: ['10.99.0.0/29'], target_fqdns: ['www.tigera.io'] });
  });

  test('a tenant overlapping the spoke VNet fails the synth', () => {
    const app = Testing.app();
    const tenants = [new EgressTenant({ name: 'tenant0', egressCidr: '10.1.0.0/29' })]; // declared here
    const cloud = new HubSpokeEgwStack(app, 'cloud', { tenants });
    const stack = new HubSpokeEgwCalicoStack(app, 'cluster', { cloud, tenants });
    const line = fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.endsWith('// declared here')) + 1;
    expect(() => synth(stack)).toThrow(
      `cluster/calico/tenant0: tenant.egressCidr (tenant "tenant0", declared at test/stacks/hub-spoke-egw-calico.test.ts:${line}) is "10.1.0.0/29"; it overlaps VNet spoke1-vnet (10.1.0.0/22, cloud/spoke1-vnet)`);
  });

  test('the YAML rendering holds the same objects, and two synths are byte-identical', () => {
    const synthTo = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-spoke-egw-'));
      outdirs.push(dir);
      const app = new App({ outdir: dir });
      buildExamples(app);
      app.synth();
      return dir;
    };
    // The first synth is that of beforeAll (a fresh app of its own), the second a new one.
    const [a, b] = [outdir, synthTo()];
    const files = (root: string): string[] => fs.readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile()).map((d) => path.relative(root, path.join(d.parentPath, d.name))).sort();
    expect(files(a)).toEqual(files(b));
    for (const f of files(a)) expect(fs.readFileSync(path.join(a, f), 'utf8')).toBe(fs.readFileSync(path.join(b, f), 'utf8'));

    const dir = path.join(a, 'manifests', 'hub-spoke-egw-calico');
    expect(fs.readdirSync(dir)).toEqual([
      '01-export-egress-ips.yaml', '02-route-reflector-id.yaml', '03-bgp.yaml', '04-tenant0.yaml', '05-tenant1.yaml', '06-egw-policy.yaml',
      '07-felix.yaml', '08-felix-pod-egress-admission.yaml', '09-default-namespace.yaml',
    ]);
    const docs = fs.readdirSync(dir).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()));
    const tf = JSON.parse(fs.readFileSync(path.join(a, 'stacks', 'hub-spoke-egw-calico', 'cdk.tf.json'), 'utf8'));
    const fromTf = [
      ...Object.values(tf.resource.kubernetes_manifest as Record<string, any>).map((r) => r.manifest),
      ...Object.values(tf.resource.kubernetes_annotations as Record<string, any>).map((r) => ({
        apiVersion: r.api_version, kind: r.kind, metadata: { ...r.metadata, annotations: r.annotations },
      })),
    ];
    const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const byKey = (list: any[]) => Object.fromEntries(list.map((o) => [key(o), o]));
    expect(byKey(docs)).toEqual(byKey(fromTf));
    expect(docs).toHaveLength(20);
  });
});
