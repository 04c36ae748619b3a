import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { CalicoEdition, EgressTenant } from '../../lib/calico';
import { checkProviderAliases } from '../../lib/core';
import { EgressHub, EgressSpoke, EgressSpokeCluster, EgressSpokeProps } from '../../lib/patterns';
import { azureStack, resource, resources, synth } from '../helpers';

/** A hub with a Route Server and `count` spokes with Calico and two tenants each; the clusters' objects in one stack. */
function build(count = 3, spokeProps: Partial<EgressSpokeProps> = {}, app: App = Testing.app()) {
  const cloud = azureStack(app, 'cloud');
  const clusterStack = new TerraformStack(app, 'clusters');
  const hub = new EgressHub(cloud, 'hub', { routeServer: {} });
  const spokes: EgressSpoke[] = [];
  const clusters: EgressSpokeCluster[] = [];
  for (let i = 1; i <= count; i++) {
    const spoke = new EgressSpoke(cloud, `spoke${i}`, {
      hub, name: `spoke${i}`, addressSpace: `10.${i}.0.0/22`, nodeSubnetPrefix: `10.${i}.0.0/24`,
      calico: { gatewaySubnetPrefix: `10.${i}.1.0/28` },
      tenants: [0, 1].map((t) => ({
        tenant: new EgressTenant({ name: `t${i}${t}`, egressCidr: `10.99.${i}.${t * 8}/29` }), allowFqdns: ['www.tigera.io'],
      })),
      ...spokeProps,
    });
    spokes.push(spoke);
    clusters.push(new EgressSpokeCluster(clusterStack, `spoke${i}`, { spoke }));
  }
  return { app, cloud, clusterStack, hub, spokes, clusters };
}

function manifest(json: any, alias: string, kind: string, name: string): Record<string, any> {
  const all = resources(json, 'kubernetes_manifest')
    .filter((r) => r.provider === `kubernetes.${alias}` && r.manifest.kind === kind && r.manifest.metadata.name === name);
  if (all.length !== 1) throw new Error(`expected one ${kind} ${name} of ${alias}, found ${all.length}`);
  return all[0];
}

describe('EgressSpoke with calico (cloud half)', () => {
  test('adds a gateway pool of 2 nodes without surge, whose 2 addresses peer with the Route Server, and the operator through an aliased helm provider', () => {
    const { cloud } = build();
    const json = synth(cloud);
    expect(resource(json, 'azurerm_subnet', 'spoke2-egw')).toMatchObject({ address_prefixes: ['10.2.1.0/28'] });
    const pool = resources(json, 'azurerm_kubernetes_cluster_node_pool').find((p) => p.vnet_subnet_id.includes('spoke2_vnet_spoke2-egw'))!;
    expect(pool).toMatchObject({
      name: 'egw', node_count: 2, mode: 'User', vm_size: 'Standard_D2s_v5', node_labels: { 'egress-gateway': 'true' },
      upgrade_settings: { max_surge: '0', max_unavailable: '1' },
    });
    expect(resources(json, 'azurerm_route_server_bgp_connection').map((c) => [c.name, c.peer_ip, c.peer_asn])).toEqual([
      ['spoke1-egw-1', '10.1.1.4', 64512], ['spoke1-egw-2', '10.1.1.5', 64512],
      ['spoke2-egw-1', '10.2.1.4', 64512], ['spoke2-egw-2', '10.2.1.5', 64512],
      ['spoke3-egw-1', '10.3.1.4', 64512], ['spoke3-egw-2', '10.3.1.5', 64512]]);
    expect(json.provider!.helm.map((p: any) => p.alias)).toEqual(['spoke1', 'spoke2', 'spoke3']);
    const releases = resources(json, 'helm_release').filter((r) => r.name === 'calico');
    expect(releases.map((r) => r.provider)).toEqual(['helm.spoke1', 'helm.spoke2', 'helm.spoke3']);
    // The gateway subnet is behind the firewall too, and its nodes get the AKS rules.
    const groups = resources(json, 'azurerm_firewall_policy_rule_collection_group');
    const aksApp = groups.flatMap((g) => g.application_rule_collection ?? []).find((c: any) => c.name === 'spoke1-aks-app');
    expect(aksApp.rule[0].source_addresses).toEqual(['10.1.0.0/24', '10.1.1.0/28']);
    expect(resources(json, 'azurerm_subnet_route_table_association').length).toBe(6);
  });

  test('refuses open-source Calico with tenants, naming the editions that have egress gateways', () => {
    expect(() => build(1, { calico: { gatewaySubnetPrefix: '10.1.1.0/28', edition: CalicoEdition.openSource() } })).toThrow(
      'cloud/spoke1: calico.edition is "Calico Open Source"; the tenants\' egress gateways exist in Calico Enterprise and Calico Cloud only; '
      + 'choose CalicoEdition.enterprise(...) or CalicoEdition.cloud(), or give no tenants');
  });

  test('refuses tenants without a Route Server on the hub, and without a gateway subnet', () => {
    const stack = azureStack();
    const hub = new EgressHub(stack, 'hub');
    const tenants = [{ tenant: new EgressTenant({ name: 't', egressCidr: '10.99.0.0/29' }), allowFqdns: ['a.example.com'] }];
    expect(() => new EgressSpoke(stack, 's', { hub, name: 's', addressSpace: '10.1.0.0/22', calico: { gatewaySubnetPrefix: '10.1.1.0/28' }, tenants }))
      .toThrow('test/s: hub is "test/hub"; egress gateways announce their ranges to the hub\'s Route Server over BGP; give the hub routeServer: {}');
    const hub2 = new EgressHub(stack, 'hub2', { name: 'hub2', routeServer: {} });
    expect(() => new EgressSpoke(stack, 's2', { hub: hub2, name: 's2', addressSpace: '10.1.0.0/22', calico: {}, tenants }))
      .toThrow('test/s2: calico.gatewaySubnetPrefix (missing) is missing; expected a subnet prefix for the gateway nodes, e.g. 10.1.1.0/28');
  });

  test('checks gateway nodes against the Route Server\'s 8 peers and the subnet size', () => {
    // Three spokes of 2 take 6 peers; a fourth of 3 would need 9.
    const { hub } = build(3);
    const stack = hub.node.scope as TerraformStack;
    const tenants = [{ tenant: new EgressTenant({ name: 'x', egressCidr: '10.99.9.0/29' }), allowFqdns: ['a.example.com'] }];
    expect(() => new EgressSpoke(stack, 'spoke4', {
      hub, name: 'spoke4', addressSpace: '10.4.0.0/22', nodeSubnetPrefix: '10.4.0.0/24', calico: { gatewaySubnetPrefix: '10.4.1.0/28', gatewayNodeCount: 3 }, tenants,
    })).toThrow('cloud/spoke4: calico.gatewayNodeCount is 3; the hub\'s Route Server hub-rs has 6 BGP peers already and takes at most 8; 2 left for this spoke\'s gateway nodes');
    const other = azureStack();
    const hub2 = new EgressHub(other, 'hub', { routeServer: {} });
    expect(() => new EgressSpoke(other, 's', {
      hub: hub2, name: 's', addressSpace: '10.4.0.0/22', nodeSubnetPrefix: '10.4.0.0/24', calico: { gatewaySubnetPrefix: '10.4.1.0/29', gatewayNodeCount: 4 }, tenants,
    })).toThrow('test/s: calico.gatewaySubnetPrefix is "10.4.1.0/29"; s-egw has 3 VM addresses (Azure reserves 5) and the gateway pool needs 4');
    expect(() => new EgressSpoke(azureStack(), 's', {
      hub: new EgressHub(azureStack(Testing.app(), 'h'), 'hub', { routeServer: {} }), name: 's', addressSpace: '10.4.0.0/22',
      calico: { gatewaySubnetPrefix: '10.4.1.0/28', gatewayNodeCount: 1 }, tenants,
    })).toThrow('test/s: calico.gatewayNodeCount is 1; at least 2 gateway nodes, so that one being upgraded or repaired leaves one announcing the tenants');
  });

  test('refuses deploy-time counts and AS numbers, which decide the Route Server\'s connections at synth', () => {
    const stack = azureStack();
    const count = new TerraformVariable(stack, 'count', { type: 'number' }).numberValue;
    const hub = new EgressHub(stack, 'hub', { routeServer: {} });
    const tenants = [{ tenant: new EgressTenant({ name: 't', egressCidr: '10.99.0.0/29' }), allowFqdns: ['a.example.com'] }];
    expect(() => new EgressSpoke(stack, 's', { hub, name: 's', addressSpace: '10.1.0.0/22', calico: { gatewaySubnetPrefix: '10.1.1.0/28', gatewayNodeCount: count }, tenants }))
      .toThrow('test/s: calico.gatewayNodeCount is a deploy-time reference to var.count; a literal number is needed here because it is checked at synth (a whole number of at least 2)');
    expect(() => new EgressSpoke(stack, 's2', { hub, name: 's2', addressSpace: '10.2.0.0/22', calico: { gatewaySubnetPrefix: '10.2.1.0/28', asn: count }, tenants }))
      .toThrow('test/s2: calico.asn is a deploy-time reference to var.count; a literal number is needed here because it is checked at synth (a whole number of at least 1)');
  });

  test('refuses an AS number the Route Server cannot peer with', () => {
    expect(() => build(1, { calico: { gatewaySubnetPrefix: '10.1.1.0/28', asn: 65515 } })).toThrow(/^cloud\/spoke1: calico\.asn is 65515; /);
    expect(() => build(1, { calico: { gatewaySubnetPrefix: '10.1.1.0/28', asn: 4200000000 } })).toThrow(
      'cloud/spoke1: calico.asn is 4200000000; Azure Route Server peers with 2-byte AS numbers only (1 to 65534); use a private ASN from 64512 to 65534');
  });
});

describe('EgressSpokeCluster (cluster half)', () => {
  test('one aliased kubernetes provider per cluster, configured from the cloud stack; three clusters in one stack synthesize', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'spoke-providers-'));
    const { app } = build(3, {}, new App({ outdir }));
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks/clusters/cdk.tf.json'), 'utf8'));
    expect(json.provider.kubernetes.map((p: any) => p.alias)).toEqual(['spoke1', 'spoke2', 'spoke3']);
    expect(json.provider.kubernetes[1].host).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-cloud\.outputs\.[^}]*spoke2_aks[^}]*host\}$/);
    expect(new Set(resources(json, 'kubernetes_manifest').map((r) => r.provider))).toEqual(new Set(['kubernetes.spoke1', 'kubernetes.spoke2', 'kubernetes.spoke3']));
  });

  test('three clusters in one stack never trip the provider alias check; a second unaliased helm provider would', () => {
    const { cloud, clusterStack } = build(3);
    expect(() => checkProviderAliases(cloud)).not.toThrow();
    expect(() => checkProviderAliases(clusterStack)).not.toThrow();
    new HelmProvider(cloud, 'extra-helm', {});
    new HelmProvider(cloud, 'another-helm', {});
    expect(() => checkProviderAliases(cloud)).toThrow('cloud/another-helm: alias is missing; cloud has 2 helm providers without distinct aliases '
      + '(cloud/extra-helm, cloud/another-helm): give each an alias of its own, or terraform init fails with "Duplicate provider configuration"');
  });

  test('peers the gateway nodes with the Route Server\'s two addresses through the export filter', () => {
    const json = synth(build().clusterStack);
    expect(manifest(json, 'spoke2', 'BGPConfiguration', 'default').manifest.spec).toEqual({
      asNumber: 64512, logSeverityScreen: 'Info', nodeToNodeMeshEnabled: true,
    });
    for (const [suffix, ip] of [['a', '10.0.1.4'], ['b', '10.0.1.5']]) {
      expect(manifest(json, 'spoke2', 'BGPPeer', `azure-route-server-${suffix}`).manifest.spec).toEqual({
        peerIP: ip, asNumber: 65515, reachableBy: '10.2.1.1', nodeSelector: "egress-gateway == 'true'", filters: ['cloud-peer-egress'],
      });
    }
    expect(manifest(json, 'spoke2', 'BGPFilter', 'cloud-peer-egress').manifest.spec).toEqual({
      exportV4: [
        { action: 'Reject', source: 'RemotePeers' },
        { action: 'Reject', interface: 'vxlan.calico' }, { action: 'Reject', interface: 'tunl0' }, { action: 'Reject', interface: 'wireguard.cali' },
        { action: 'Accept', matchOperator: 'In', cidr: '10.99.2.0/29' }, { action: 'Accept', matchOperator: 'In', cidr: '10.99.2.8/29' },
        { action: 'Reject' },
      ],
      importV4: [{ action: 'Reject' }],
    });
    expect(manifest(json, 'spoke2', 'FelixConfiguration', 'default').manifest.spec).toEqual({ egressIPSupport: 'EnabledPerNamespace' });
  });

  test('renders each tenant\'s pool and gateways on the gateway nodes', () => {
    const json = synth(build().clusterStack);
    expect(manifest(json, 'spoke2', 'IPPool', 't21-pool').manifest.spec).toEqual({
      cidr: '10.99.2.8/29', blockSize: 31, nodeSelector: '!all()', vxlanMode: 'Never',
    });
    const egw = manifest(json, 'spoke2', 'EgressGateway', 't21-egw').manifest;
    expect(egw.metadata).toEqual({ name: 't21-egw', namespace: 't21-egw' });
    expect(egw.spec).toMatchObject({ replicas: 2, ipPools: [{ name: 't21-pool' }], template: { spec: { nodeSelector: { 'egress-gateway': 'true' } } } });
    expect(manifest(json, 'spoke2', 'Namespace', 't21-egw').manifest).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 't21-egw' } });
  });

  test('three clusters in one stack get their own teardown output and YAML folder', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'spoke-clusters-'));
    const { app, clusterStack } = build(3, {}, new App({ outdir }));
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks/clusters/cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.output).filter((o) => o.endsWith('_teardown'))).toEqual(['spoke1_calico_teardown', 'spoke2_calico_teardown', 'spoke3_calico_teardown']);
    expect(json.output.spoke2_calico_teardown.value).toContain("'kubernetes_manifest.spoke2_calico_bgp_configuration_");
    expect(json.output.spoke2_calico_teardown.value).not.toContain('spoke1_');
    const dir = join(outdir, 'manifests', clusterStack.node.id);
    expect(readdirSync(dir).sort()).toEqual(['spoke1-calico', 'spoke2-calico', 'spoke3-calico']);
    expect(readdirSync(join(dir, 'spoke2-calico'))).toEqual(['01-export-filter.yaml', '02-bgp.yaml', '03-felix.yaml', '04-t20.yaml', '05-t21.yaml']);
    expect(readFileSync(join(dir, 'spoke2-calico', '05-t21.yaml'), 'utf8')).toContain('cidr: 10.99.2.8/29');
    expect(existsSync(join(dir, '01-export-filter.yaml'))).toBe(false);
  });

  test('refuses a spoke without calico or without tenants, and more gateway pods than gateway nodes', () => {
    const stack = azureStack();
    const hub = new EgressHub(stack, 'hub', { routeServer: {} });
    const plain = new EgressSpoke(stack, 'plain', { hub, name: 'plain', addressSpace: '10.1.0.0/22' });
    const clusters = new TerraformStack(stack.node.scope as App, 'c');
    expect(() => new EgressSpokeCluster(clusters, 'plain', { spoke: plain }))
      .toThrow('c/plain: spoke is "test/plain"; an EgressSpoke built with calico: {...} (the operator and the gateway nodes are its cloud half)');
    const bare = new EgressSpoke(stack, 'bare', { hub, name: 'bare', addressSpace: '10.2.0.0/22', calico: {} });
    expect(() => new EgressSpokeCluster(clusters, 'bare', { spoke: bare }))
      .toThrow('c/bare: spoke.tenants is []; the cluster half renders the spoke\'s egress gateway tenants; give the spoke at least one tenant');
    expect(() => new EgressSpokeCluster(clusters, 'x', {} as any)).toThrow(/^c\/x: spoke is missing/);
    const { spokes, clusterStack } = build(1, {}, Testing.app());
    expect(() => new EgressSpokeCluster(clusterStack, 'again', { spoke: spokes[0], replicas: 3 }))
      .toThrow('clusters/again: replicas is 3; 1 to 2 gateway pods per tenant: one per gateway node (calico.gatewayNodeCount of cloud/spoke1)');
  });

  test('takes the edition the cloud half chose (Calico Enterprise renders the gateways)', () => {
    const app = Testing.app();
    const cloud = azureStack(app, 'cloud');
    const hub = new EgressHub(cloud, 'hub', { routeServer: {} });
    const secret = (id: string) => new TerraformVariable(cloud, id, { type: 'string', sensitive: true }).stringValue;
    const spoke = new EgressSpoke(cloud, 's', {
      hub, name: 's', addressSpace: '10.1.0.0/22', nodeSubnetPrefix: '10.1.0.0/24',
      calico: { gatewaySubnetPrefix: '10.1.1.0/28', edition: CalicoEdition.enterprise({ version: 'v3.22.1-0', license: secret('license'), pullSecret: secret('pull') }) },
      tenants: [{ tenant: new EgressTenant({ name: 't', egressCidr: '10.99.0.0/29' }), allowFqdns: ['a.example.com'] }],
    });
    const cluster = new EgressSpokeCluster(new TerraformStack(app, 'c'), 's', { spoke });
    expect(cluster.manifests.edition?.name).toBe('enterprise');
    expect(manifest(synth(TerraformStack.of(cluster)), 's', 'EgressGateway', 't-egw').manifest.spec.replicas).toBe(2);
  });
});
