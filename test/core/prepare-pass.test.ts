/*
 * cdktf's first synth pass (prepareStack) resolves every element's output only for what resolving
 * tokens does on the side (cross-stack outputs and remote states, Lazy values), and throws the result
 * away. The elements the library builds hand that pass only the parts of their output that hold
 * tokens. No timings: what is resolved, and in which order, is recorded.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, DefaultTokenResolver, IResolveContext, Lazy, StringConcat, TerraformOutput, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import { NO_TOKEN, preparePass, tokensOnly, wholeOutputs } from '../../lib/core/refs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ClusterManifests } from '../../lib/calico';
import { VirtualNetwork } from '../../lib/azure';
import { EXAMPLES } from '../../stacks/examples';
import { azureStack, resource, resourceGroup, synth } from '../helpers';

// A small seeded generator (mulberry32), so every run draws the same cases.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves `value` as cdktf's prepare pass does (preparing: true). */
function prepareResolve(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: stack, preparing: true, resolver: new DefaultTokenResolver(new StringConcat()) });
}

describe('tokensOnly', () => {
  test('keeps exactly the parts that hold a token, each kept whole where cdktf resolves it whole', () => {
    const text = Lazy.stringValue({ produce: () => 'a' });
    const number = Lazy.numberValue({ produce: () => 1 });
    const list = Lazy.listValue({ produce: () => ['l'] });
    const any = Lazy.anyValue({ produce: () => 'x' });
    const numbers = Token.asNumberList(Lazy.anyValue({ produce: () => [1] }));
    class Block { public readonly literal = 'kept as it is'; }
    const block = new Block();
    const input = {
      name: 'literal', count: 3, enabled: true, none: null, unset: undefined,
      ref: text, inText: `prefix-${text}-suffix`, numberToken: number, numberAsText: `port ${number}`,
      list, any, numbers, block,
      nested: { a: 'x', b: { c: text, d: 1 }, e: { f: 'only literals' } },
      mixed: ['x', text, 1], literals: ['x', 'y'],
      [text]: 'a token key', tokenKeys: { [text]: 'v', other: 'kept too' },
      mapValue: Token.STRING_MAP_TOKEN_VALUE,
    };
    const kept = tokensOnly(input) as Record<string, unknown>;
    expect(kept).toEqual(input);
    // The whole object has a token key, so it is kept as it is; one level down, only token parts.
    expect(kept).toBe(input);
    const withoutTokenKey = { ...input } as Record<string, unknown>;
    delete withoutTokenKey[text];
    expect(tokensOnly(withoutTokenKey)).toEqual({
      ref: text, inText: `prefix-${text}-suffix`, numberToken: number, numberAsText: `port ${number}`,
      list, any, numbers, block,
      nested: { b: { c: text } },
      mixed: ['x', text, 1],
      tokenKeys: { [text]: 'v', other: 'kept too' },
      mapValue: Token.STRING_MAP_TOKEN_VALUE,
    });
    const out = tokensOnly(withoutTokenKey) as Record<string, unknown>;
    expect(out.block).toBe(block);
    expect(out.mixed).toBe(input.mixed);
    expect(out.tokenKeys).toBe(input.tokenKeys);
    expect(out.any).toBe(any);
    expect(tokensOnly({ a: 'x', b: [1, 'y'], c: { d: false, e: null } })).toBe(NO_TOKEN);
    expect(tokensOnly('plain text')).toBe(NO_TOKEN);
    expect(tokensOnly(undefined)).toBe(NO_TOKEN);
  });

  test('resolving what it keeps runs the same tokens, in the same order, as resolving the whole (500 random outputs)', () => {
    const next = random(11);
    const stack = new TerraformStack(Testing.app(), 'stack');
    let log: string[] = [];
    let serial = 0;
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
    const tokenOf = (): unknown => {
      const id = `t${serial++}`;
      const seen = (context: IResolveContext) => log.push(`${id}:${context.preparing}`);
      switch (Math.floor(next() * 9)) {
        case 0: return Lazy.stringValue({ produce: (c) => { seen(c); return id; } });
        case 1: return `${pick(['pre-', '', 'x/'])}${Lazy.stringValue({ produce: (c) => { seen(c); return id; } })}${pick(['', '-post'])}`;
        case 2: return Lazy.numberValue({ produce: (c) => { seen(c); return 7; } });
        case 3: return Lazy.anyValue({ produce: (c) => { seen(c); return { id }; } });
        case 4: return `n=${Lazy.numberValue({ produce: (c) => { seen(c); return 8; } })}`;
        case 5: return Lazy.listValue({ produce: (c) => { seen(c); return [id]; } });
        case 6: return Token.asStringMap(Lazy.anyValue({ produce: (c) => { seen(c); return { id }; } }));
        case 7: return Token.asAnyMap(Lazy.anyValue({ produce: (c) => { seen(c); return { id: 1 }; } }));
        default: return Token.asNumberList(Lazy.anyValue({ produce: (c) => { seen(c); return [1, 2]; } }));
      }
    };
    const literal = (): unknown => pick(['text', '10.1.0.0/16', 'e-mail', 'v1e5 not a token', 0, 1.5e300, -1, true, false, null, undefined]);
    const tree = (depth: number): unknown => {
      const roll = next();
      if (depth > 3 || roll < 0.35) return next() < 0.3 ? tokenOf() : literal();
      if (roll < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.2 ? tokenOf() : literal()));
      const out: Record<string, unknown> = {};
      const keys = Math.floor(next() * 5);
      for (let i = 0; i < keys; i++) {
        const key = next() < 0.05 ? Lazy.stringValue({ produce: (c) => { log.push(`key${i}:${c.preparing}`); return `k${i}`; } }) : `k${i}`;
        out[key] = tree(depth + 1);
      }
      return out;
    };
    let withTokens = 0;
    for (let i = 0; i < 500; i++) {
      const value = tree(0);
      log = [];
      prepareResolve(stack, value);
      const whole = log;
      log = [];
      const kept = tokensOnly(value);
      if (kept !== NO_TOKEN) prepareResolve(stack, kept);
      expect(log).toEqual(whole);
      if (whole.length > 0) withTokens++;
    }
    expect(withTokens).toBeGreaterThan(150);
  });
});

describe('the prepare pass of a stack holding library constructs', () => {
  function subnetIn(stack: TerraformStack) {
    const vnet = new VirtualNetwork(stack, 'vnet', { resourceGroup: resourceGroup(stack), name: 'spoke', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/24' }] });
    return { vnet, subnet: vnet.subnet('nodes').resource };
  }
  type Output = { resource: Record<string, Record<string, Record<string, unknown>>> };

  test('a resource the library built hands over, while its stack is prepared, its attributes that hold tokens, in the same shape', () => {
    const stack = azureStack();
    const { vnet, subnet } = subnetIn(stack);
    const id = stack.getLogicalId(subnet);
    const prepared = preparePass(stack, () => subnet.toTerraform()) as Output;
    expect(Object.keys(prepared.resource)).toEqual(['azurerm_subnet']);
    expect(Object.keys(prepared.resource.azurerm_subnet)).toEqual([id]);
    const attributes = prepared.resource.azurerm_subnet[id];
    expect(Object.keys(attributes).sort()).toEqual(['resource_group_name', 'virtual_network_name']);
    expect(Tokenization.resolve(attributes, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) })).toEqual({
      resource_group_name: '${azurerm_resource_group.rg-rg.name}',
      virtual_network_name: `\${azurerm_virtual_network.${stack.getLogicalId(vnet.resource)}.name}`,
    });
    // Outside the prepare pass: all of it.
    const full = subnet.toTerraform() as Output;
    expect(Object.keys(full.resource.azurerm_subnet[id]).sort()).toEqual(['//', 'address_prefixes', 'name', 'resource_group_name', 'virtual_network_name']);
    expect(resource(synth(stack), 'azurerm_subnet', 'nodes').address_prefixes).toEqual(['10.1.0.0/24']);
  });

  test('a resource without tokens keeps its place with no attributes', () => {
    const { stack, manifests } = clusterStackWithProvider();
    const entry = manifests.add(manifests, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    const id = stack.getLogicalId(entry.resource!);
    expect(preparePass(stack, () => entry.resource!.toTerraform())).toEqual({ resource: { kubernetes_manifest: { [id]: {} } } });
  });

  test('only the stack being prepared: another stack synthesized meanwhile, a stack\'s own toTerraform, and any call after a failed pass get whole outputs', () => {
    const app = Testing.app();
    const one = azureStack(app, 'one');
    const other = azureStack(app, 'other');
    const { subnet } = subnetIn(one);
    const { subnet: elsewhere } = subnetIn(other);
    const keys = (element: { toTerraform(): unknown }, stack: TerraformStack) =>
      Object.keys((element.toTerraform() as Output).resource.azurerm_subnet[stack.getLogicalId(element as unknown as import('cdktf').TerraformElement)]).sort();
    const whole = ['//', 'address_prefixes', 'name', 'resource_group_name', 'virtual_network_name'];
    preparePass(one, () => {
      expect(keys(subnet, one)).toEqual(['resource_group_name', 'virtual_network_name']);
      expect(keys(elsewhere, other)).toEqual(whole);
      wholeOutputs(() => expect(keys(subnet, one)).toEqual(whole));
      expect(keys(subnet, one)).toEqual(['resource_group_name', 'virtual_network_name']);
    });
    expect(() => preparePass(one, () => { throw new Error('the pass failed'); })).toThrow('the pass failed');
    expect(keys(subnet, one)).toEqual(whole);
  });

  test('a Lazy value on a library resource is still produced while the stack is prepared, then written', () => {
    const stack = azureStack();
    const { vnet } = subnetIn(stack);
    const passes: boolean[] = [];
    vnet.resource.addOverride('tags', { owner: Lazy.stringValue({ produce: (c) => { passes.push(c.preparing); return 'platform'; } }) });
    const app = stack.node.root as App;
    app.synth();
    expect(passes).toEqual([true, false]);
    const json = JSON.parse(Testing.synth(stack));
    expect(resource(json, 'azurerm_virtual_network', 'spoke').tags).toEqual({ owner: 'platform' });
  });

  test('a reference to another stack still makes its output and remote state in the prepare pass', () => {
    const app = Testing.app();
    const hub = azureStack(app, 'hub');
    const vnet = new VirtualNetwork(hub, 'vnet', { resourceGroup: resourceGroup(hub), name: 'hub', addressSpace: ['10.0.0.0/16'] });
    const spoke = azureStack(app, 'spoke');
    const peer = new VirtualNetwork(spoke, 'vnet', { resourceGroup: resourceGroup(spoke), name: 'spoke', addressSpace: ['10.1.0.0/16'] });
    peer.resource.addOverride('tags', { hub: vnet.resource.id });
    new TerraformOutput(spoke, 'out', { value: 'x' });
    app.synth();
    const hubJson = JSON.parse(Testing.synth(hub));
    const spokeJson = JSON.parse(Testing.synth(spoke));
    const outputs = Object.keys(hubJson.output ?? {});
    expect(outputs).toEqual([expect.stringMatching(/^cross-stack-output-azurerm_virtual_networkvnet_[0-9A-F]{8}id$/)]);
    expect(Object.keys(spokeJson.data.terraform_remote_state)).toEqual(['cross-stack-reference-input-hub']);
    expect(resource(spokeJson, 'azurerm_virtual_network', 'spoke').tags.hub).toBe(`\${data.terraform_remote_state.cross-stack-reference-input-hub.outputs.${outputs[0]}}`);
  });

  // Every example (cross-stack outputs and remote states in six stacks) written with and without the
  // lean prepare pass: every file the same, byte for byte, in JSON and in HCL.
  test.each([['JSON', false], ['HCL', true]])('every example stack writes the same %s, byte for byte, as with whole outputs in the prepare pass', (_format, hclOutput) => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)).map((f) => join(e.name, f)) : [e.name]).sort();
    const outdirs = [mkdtempSync(join(tmpdir(), 'egress-prepare-')), mkdtempSync(join(tmpdir(), 'egress-prepare-'))];
    try {
      const apps = outdirs.map((outdir) => new App({ outdir, hclOutput }));
      apps.forEach((app) => EXAMPLES.forEach((e) => e.build(app)));
      const lean = apps[1].node.findAll().filter((c) => Object.prototype.hasOwnProperty.call(c, 'toTerraform')
        && typeof (c as { terraformResourceType?: unknown }).terraformResourceType === 'string');
      expect(lean.length).toBeGreaterThan(300);
      for (const element of lean) delete (element as { toTerraform?: unknown }).toTerraform;
      apps.forEach((app) => app.synth());
      const [a, b] = outdirs.map(files);
      expect(b).toEqual(a);
      expect(a.filter((f) => f.endsWith(hclOutput ? 'cdk.tf' : 'cdk.tf.json'))).toHaveLength(14);
      for (const f of a) expect(readFileSync(join(outdirs[1], f), 'utf8')).toBe(readFileSync(join(outdirs[0], f), 'utf8'));
    } finally {
      outdirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    }
  });
});

function clusterStackWithProvider(): { stack: TerraformStack; manifests: ClusterManifests } {
  const stack = new TerraformStack(Testing.app(), 'cluster');
  const provider = new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  return { stack, manifests: new ClusterManifests(stack, 'calico', { provider }) };
}
