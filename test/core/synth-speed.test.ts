import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, Lazy, TerraformIterator, TerraformStack, Testing, Tokenization } from 'cdktf';
import { Construct, IConstruct, Node } from 'constructs';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RuleCollections, brand, brandTest, callerLocation, findInApp } from '../../lib/core';
import { attribute, cached, untraced } from '../../lib/core/refs';
import { AksCluster, AksOutbound, AzureFirewall, RouteTable, VirtualNetwork } from '../../lib/azure';
import { EgressGatewayTenant, EgressTenant } from '../../lib/calico';
import { buildGeneratedHub } from '../../scripts/generated-hub';
import { EXAMPLES } from '../../stacks/examples';
import { azureStack, clusterStack, lineOf, resolveIn, resource, resourceGroup, synth } from '../helpers';

// Constructs of a brand of their own, for the registry behind findInApp.
const thingBrand = brand('SynthSpeedTestThing');
class Thing extends Construct {
  public static isThing(x: unknown): x is Thing {
    return thingBrand.is(x);
  }

  constructor(scope: Construct, id: string) {
    super(scope, id);
    thingBrand.mark(this);
  }
}
brandTest('SynthSpeedTestThing', Thing.isThing);

/** Counts calls of `findAll` on the app's root node while `run` runs. */
function rootWalks(app: App, run: () => void): number {
  const spy = jest.spyOn(Node.prototype, 'findAll');
  try {
    run();
    return spy.mock.contexts.filter((node) => node === app.node).length;
  } finally {
    spy.mockRestore();
  }
}

describe('findInApp with a brand test', () => {
  test('lists the marked constructs in construct-tree order, as a walk would, without walking the tree', () => {
    const app = Testing.app();
    const a = new TerraformStack(app, 'a');
    const b = new TerraformStack(app, 'b');
    const inB = new Thing(b, 'one');
    const inA = new Thing(a, 'two');
    const nested = new Thing(inA, 'nested');
    const early = new Thing(new Construct(a, 'group'), 'three');
    const expected = app.node.findAll().filter(Thing.isThing);
    expect(expected).toEqual([inA, nested, early, inB]);
    let found: IConstruct[] = [];
    expect(rootWalks(app, () => { found = findInApp(inB, Thing.isThing); })).toBe(0);
    expect(found).toEqual(expected);
    // A construct added later is found, in its place in the tree.
    const later = new Thing(a, 'four');
    expect(findInApp(inA, Thing.isThing)).toEqual([inA, nested, early, later, inB]);
  });

  test('keeps apps apart and still walks for a test that is no brand\'s', () => {
    const one = Testing.app();
    const other = Testing.app();
    const thing = new Thing(new TerraformStack(one, 's'), 't');
    new Thing(new TerraformStack(other, 's'), 't');
    expect(findInApp(thing, Thing.isThing)).toEqual([thing]);
    const isStack = (x: unknown): x is TerraformStack => TerraformStack.isStack(x);
    expect(rootWalks(one, () => expect(findInApp(thing, isStack).map((s) => s.node.id)).toEqual(['s']))).toBe(1);
  });

  test('the synth of a generated hub walks the whole app only for cdktf, whatever the number of tenants', () => {
    for (const spokes of [1, 3]) {
      const app = Testing.app() as App;
      buildGeneratedHub(app, spokes);
      // App.synth lists the stacks with one walk; no check walks the app per cluster or tenant.
      expect(rootWalks(app, () => app.synth())).toBe(1);
    }
  });

  test('a tenant rendered twice is still found by the walk-free check', () => {
    const app = Testing.app();
    const tenant = new EgressTenant({ name: 'tenant-a', egressCidr: '10.10.10.0/29' }); // declared here
    const line = fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.endsWith('// declared here')) + 1;
    const first = clusterStack(app, 'one');
    const second = clusterStack(app, 'two');
    new EgressGatewayTenant(first.manifests, 'tenant-a', { tenant });
    new EgressGatewayTenant(second.manifests, 'tenant-a', { tenant });
    expect(() => Testing.synth(second.stack, true)).toThrow(
      `two/calico/tenant-a: tenant (tenant "tenant-a", declared at test/core/synth-speed.test.ts:${line}) is "tenant-a"; its gateways`
      + ' are also rendered at one/calico/tenant-a; '
      + 'one tenant\'s egress range is announced by one cluster only: declare an EgressTenant with its own egressCidr per cluster');
  });
});

describe('the YAML of ClusterManifests', () => {
  test('is rendered once per synth: the validation renders it and the synthesis writes what was rendered', () => {
    const app = Testing.app();
    const { manifests } = clusterStack(app);
    const tenants = ['tenant-a', 'tenant-b'].map((name, i) => new EgressTenant({ name, egressCidr: `10.10.1${i}.0/29` }));
    tenants.forEach((tenant) => new EgressGatewayTenant(manifests, tenant.name, { tenant }));
    const objects = manifests.entries.length;
    expect(objects).toBe(6);
    // The module object itself (an `import * as` copy would not see the library's calls).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spy = jest.spyOn(require('../../lib/calico/yaml-render') as typeof import('../../lib/calico/yaml-render'), 'renderYaml');
    try {
      app.synth();
      expect(spy).toHaveBeenCalledTimes(objects);
    } finally {
      spy.mockRestore();
    }
    const file = fs.readFileSync(path.join(app.outdir, 'manifests', 'cluster', '01-tenant-a.yaml'), 'utf8');
    expect(file).toBe(manifests.files()[0].content);
    expect(file.split('\n').slice(2, 6)).toEqual(['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: tenant-a-egw']);
  });
});

describe('references the library reads again', () => {
  test('a VNet, its subnets, a route table, a firewall and a cluster hand out one reference per attribute', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack, 'rg');
    const hub = new VirtualNetwork(stack, 'hub', {
      resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/22'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }],
    });
    const vnet = new VirtualNetwork(stack, 'vnet', { resourceGroup: rg, name: 'vnet', addressSpace: ['10.1.0.0/22'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/24' }] });
    const firewall = new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet') });
    const table = new RouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', routes: [], subnets: [vnet.subnet('nodes')] });
    const cluster = new AksCluster(stack, 'aks', {
      resourceGroup: rg, name: 'aks', defaultNodePool: { subnet: vnet.subnet('nodes'), nodeCount: 1 },
      network: { plugin: 'azure', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10' }, outbound: AksOutbound.loadBalancer(),
    });
    expect(vnet.id).toBe(vnet.id);
    expect(vnet.subnet('nodes').id).toBe(vnet.subnet('nodes').id);
    expect(table.id).toBe(table.id);
    expect(firewall.privateIp).toBe(firewall.privateIp);
    expect(cluster.principalId).toBe(cluster.principalId);
    // The resource group's name is read by every construct in it: one reference for all of them.
    expect(vnet.resourceGroupName).toBe(attribute(rg, 'name'));
    const json = synth(stack);
    expect(resource(json, 'azurerm_virtual_network', 'vnet').resource_group_name).toBe('${azurerm_resource_group.rg-rg.name}');
    expect(resource(json, 'azurerm_route_table', 'rt').resource_group_name).toBe('${azurerm_resource_group.rg-rg.name}');
    expect(resource(json, 'azurerm_kubernetes_cluster', 'aks').resource_group_name).toBe('${azurerm_resource_group.rg-rg.name}');
  });

  test('a kept reference resolves as a fresh read does; for_each makes a new one; a literal is not kept', () => {
    const stack = azureStack();
    const rg = new ResourceGroup(stack, 'rg', { name: 'rg', location: 'eastus' });
    rg.overrideLogicalId('renamed');
    const before = attribute(rg, 'name');
    expect(attribute(rg, 'name')).toBe(before);
    expect(resolveIn(stack, before)).toBe('${azurerm_resource_group.renamed.name}');
    expect(resolveIn(stack, before)).toBe(resolveIn(stack, rg.name));
    rg.forEach = TerraformIterator.fromList(['a', 'b']);
    const after = attribute(rg, 'name');
    expect(after).not.toBe(before);
    expect(resolveIn(stack, after)).toBe(resolveIn(stack, rg.name));
    expect(resolveIn(stack, after)).toBe('${azurerm_resource_group.renamed.*.name}');
    const plain = { name: 'literal' };
    expect(attribute(plain, 'name')).toBe('literal');
    plain.name = 'changed';
    expect(attribute(plain, 'name')).toBe('changed');
    let reads = 0;
    const read = () => { reads++; return rg.id; };
    expect(cached(rg, 'id', read)).toBe(cached(rg, 'id', read));
    expect(reads).toBe(1);
  });

  test('two synths of the generated hub are byte-identical', () => {
    const out = () => {
      const app = Testing.app() as App;
      buildGeneratedHub(app, 2);
      app.synth();
      const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => e.isDirectory() ? files(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name]).sort();
      return files(app.outdir).filter((f) => f !== 'manifest.json').map((f) => [f, fs.readFileSync(path.join(app.outdir, f), 'utf8')]);
    };
    const first = out();
    expect(first.map(([f]) => f)).toContain(path.join('manifests', 'generated-hub-2-spoke1', '02-spoke1-tenant0.yaml'));
    expect(out()).toEqual(first);
  });
});

describe('what importing the library loads', () => {
  test('the Azure and Calico constructs load the bindings and yaml of optional features only when they are used', () => {
    const optional = [
      '@cdktf/provider-azurerm/lib/application-gateway',
      '@cdktf/provider-azurerm/lib/web-application-firewall-policy',
      '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool',
      '@cdktf/provider-azurerm/lib/monitor-data-collection-rule',
      '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association',
      '@cdktf/provider-azurerm/lib/firewall-application-rule-collection',
      '@cdktf/provider-azurerm/lib/firewall-network-rule-collection',
      '@cdktf/provider-azurerm/lib/firewall-nat-rule-collection',
      '@cdktf/provider-azurerm/lib/nat-gateway',
      '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association',
      '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association',
      '@cdktf/provider-azurerm/lib/route-server',
      '@cdktf/provider-azurerm/lib/route-server-bgp-connection',
      '@cdktf/provider-azurerm/lib/data-azurerm-subnet',
      '@cdktf/provider-azurerm/lib/data-azurerm-virtual-network',
      '@cdktf/provider-azurerm/lib/virtual-network-dns-servers',
      '@cdktf/provider-azurerm/lib/user-assigned-identity',
      '@cdktf/provider-azurerm/lib/federated-identity-credential',
      '@cdktf/provider-azurerm/lib/data-azurerm-client-config',
      '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-service-versions',
      '@cdktf/provider-azurerm/lib/ip-group',
      '@cdktf/provider-kubernetes/lib/annotations',
      '@cdktf/provider-helm/lib/release',
      'yaml',
    ];
    // A fresh Node process (the suite's workers keep modules loaded): which of them are loaded after
    // importing the constructs, and after building and synthesizing a generated hub (firewall,
    // clusters, tenants), which needs none of them.
    const script = `
      const { App } = require('cdktf');
      const files = ${JSON.stringify(optional)}.map((m) => require.resolve(m));
      const loaded = () => files.filter((f) => require.cache[f] !== undefined).map((f) => f.split('node_modules/').pop());
      require('./lib/azure'); require('./lib/calico');
      const afterImport = loaded();
      const app = new App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'egress-lazy-')) });
      require('./scripts/generated-hub').buildGeneratedHub(app, 1);
      app.synth();
      require('fs').rmSync(app.outdir, { recursive: true, force: true });
      console.log(JSON.stringify({ afterImport, afterSynth: loaded() }));`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const out = execFileSync(process.execPath, ['-r', 'sucrase/register', '-e', script], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ afterImport: [], afterSynth: [] });
  });
});

describe('rule collections added one by one', () => {
  test('each collection is validated once when added (all of them again once, at synth)', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack, 'rg');
    const hub = new VirtualNetwork(stack, 'hub', {
      resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/22'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }],
    });
    const firewall = new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet') });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const rules = require('../../lib/core/rules') as typeof import('../../lib/core/rules');
    const spy = jest.spyOn(rules, 'validateRuleCollection');
    const whole = jest.spyOn(rules, 'validateRuleCollections');
    try {
      for (let i = 0; i < 20; i++) {
        firewall.addRuleCollection(RuleCollections.application({
          name: `app${i}`, priority: 1000 + i, action: 'Allow',
          rules: [{ name: 'web', sources: [`10.9.${i}.0/29`], targetFqdns: [`t${i}.example.com`], protocols: [{ type: 'Https', port: 443 }] }],
        }));
      }
      // Each added collection on its own; none of the earlier ones again.
      expect(spy).toHaveBeenCalledTimes(20);
      expect(whole).not.toHaveBeenCalled();
      const json = synth(stack);
      expect(whole).toHaveBeenCalledTimes(1);
      const group = resource(json, 'azurerm_firewall_policy_rule_collection_group', 'fw-policy-application');
      expect(group.application_rule_collection.map((c: { name: string; priority: number }) => [c.name, c.priority]))
        .toEqual(Array.from({ length: 20 }, (_, i) => [`app${i}`, 1000 + i]));
    } finally {
      spy.mockRestore();
      whole.mockRestore();
    }
    expect(() => firewall.addRuleCollection(RuleCollections.application({
      name: 'late', priority: 1007, action: 'Allow',
      rules: [{ name: 'web', sources: ['10.9.99.0/29'], targetFqdns: ['late.example.com'], protocols: [{ type: 'Https', port: 443 }] }],
    }))).toThrow('test/fw: ruleCollections[late].priority is 1007; application collection app7 already has priority 1007; each application collection needs its own priority');
  });
});

describe('token creation traces', () => {
  const LIB = path.resolve(__dirname, '../../lib') + path.sep;

  /** The token traces cdktf takes while `run` runs, with their stacks. */
  function tokenTraces(run: () => void): string[] {
    const native = Error.captureStackTrace;
    const traces: string[] = [];
    const spy = jest.spyOn(Error, 'captureStackTrace').mockImplementation((target: object, below?: Function) => {
      native.call(Error, target, below);
      // cdktf's helper passes itself; CDK Terrain's passes captureCreationStack.
      if (below && ['captureStackTrace', 'captureCreationStack'].includes(below.name)) traces.push(String((target as { stack?: string }).stack));
    });
    try {
      run();
    } finally {
      spy.mockRestore();
    }
    return traces;
  }

  const inLibrary = (trace: string): boolean => trace.split('\n').some((line) => line.includes(LIB));

  test('the generated hub is built and synthesized without a trace taken in the library\'s code; the app\'s own tokens keep theirs', () => {
    const traces = tokenTraces(() => {
      const app = Testing.app() as App;
      buildGeneratedHub(app, 2);
      app.synth();
      // A token the app makes itself is still traced (so the spy does see traces).
      const rg = new ResourceGroup(new TerraformStack(app, 'own'), 'rg', { name: 'own', location: 'eastus' });
      expect(rg.name).toMatch(/^\$\{TfToken/);
    });
    expect(traces.filter(inLibrary)).toEqual([]);
    expect(traces.filter((t) => t.includes(path.basename(__filename))).length).toBeGreaterThan(0);
  });

  test('no provider binding the library builds in any example stack takes traces', () => {
    const bindingConstructor = /^\s*at new \w+ \(.*[\\/]@cdktf[\\/]provider-[^\\/]+[\\/]/;
    const traces = tokenTraces(() => {
      const app = Testing.app() as App;
      EXAMPLES.forEach((e) => e.build(app));
      app.synth();
    });
    const fromBindings = traces.filter((t) => inLibrary(t) && t.split('\n').some((line) => bindingConstructor.test(line)));
    expect(fromBindings.map((t) => t.split('\n').find((line) => line.includes(LIB))?.trim())).toEqual([]);
  });

  test('untraced skips token traces only: errors, annotations, callerLocation and the app\'s tokens keep their stacks', () => {
    const app = Testing.app({ stackTraces: true });
    const stack = new TerraformStack(app, 's');
    const native = Error.captureStackTrace;
    let lazy: { creationStack: string[] } | undefined;
    let error: Error | undefined;
    let location = '';
    untraced(() => {
      lazy = Lazy.stringValue({ produce: () => 'x' }) as unknown as { creationStack: string[] };
      lazy = Tokenization.reverseString(lazy as unknown as string).firstToken as unknown as { creationStack: string[] };
      error = new Error('inside');
      Annotations.of(stack).addWarning('a warning made inside');
      location = untraced(() => callerLocation()); // called here
    });
    expect(Error.captureStackTrace).toBe(native);
    expect(lazy!.creationStack).toEqual([]);
    expect(error!.stack).toContain(path.basename(__filename));
    expect(location).toBe(lineOf(__filename, 'called here'));
    const warning = stack.node.metadata.find((m) => m.data === 'a warning made inside');
    expect(warning?.trace?.length).toBeGreaterThan(0);
    const outside = Tokenization.reverseString(Lazy.stringValue({ produce: () => 'y' })).firstToken as unknown as { creationStack: string[] };
    expect(outside.creationStack.length).toBeGreaterThan(0);
  });

  test('an error thrown inside untraced restores Error.captureStackTrace', () => {
    const native = Error.captureStackTrace;
    expect(() => untraced(() => untraced(() => { throw new Error('bad input'); }))).toThrow('bad input');
    expect(Error.captureStackTrace).toBe(native);
  });
});
