/*
 * cdktf's first synth pass (prepareStack) resolves every element's output only for what resolving
 * tokens does on the side (cross-stack outputs and remote states, Lazy values), and throws the result
 * away. The elements the library builds hand that pass only the parts of their output that hold
 * tokens. No timings: what is resolved, and in which order, is recorded.
 */
import { App, DefaultTokenResolver, IResolveContext, Lazy, StringConcat, TerraformOutput, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import { NO_TOKEN, preparePass, tokensOnly } from '../../lib/core/refs';
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
      switch (Math.floor(next() * 7)) {
        case 0: return Lazy.stringValue({ produce: (c) => { seen(c); return id; } });
        case 1: return `${pick(['pre-', '', 'x/'])}${Lazy.stringValue({ produce: (c) => { seen(c); return id; } })}${pick(['', '-post'])}`;
        case 2: return Lazy.numberValue({ produce: (c) => { seen(c); return 7; } });
        case 3: return Lazy.anyValue({ produce: (c) => { seen(c); return { id }; } });
        case 4: return `n=${Lazy.numberValue({ produce: (c) => { seen(c); return 8; } })}`;
        case 5: return Lazy.listValue({ produce: (c) => { seen(c); return [id]; } });
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
  test('a resource the library built hands over only its tokens while the stack is prepared, and all of it otherwise', () => {
    const stack = azureStack();
    const vnet = new VirtualNetwork(stack, 'vnet', { resourceGroup: resourceGroup(stack), name: 'spoke', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/24' }] });
    const subnet = vnet.subnet('nodes').resource;
    const id = stack.getLogicalId(subnet);
    const prepared = preparePass(() => subnet.toTerraform()) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.keys(prepared)).toEqual(['resource']);
    const attributes = prepared.resource.azurerm_subnet[id];
    expect(Object.keys(attributes).sort()).toEqual(['resource_group_name', 'virtual_network_name']);
    expect(Tokenization.resolve(attributes, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) })).toEqual({
      resource_group_name: '${azurerm_resource_group.rg-rg.name}',
      virtual_network_name: `\${azurerm_virtual_network.${stack.getLogicalId(vnet.resource)}.name}`,
    });
    const full = subnet.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.keys(full.resource.azurerm_subnet[id]).sort()).toEqual(['//', 'address_prefixes', 'name', 'resource_group_name', 'virtual_network_name']);
    expect(resource(synth(stack), 'azurerm_subnet', 'nodes').address_prefixes).toEqual(['10.1.0.0/24']);
  });

  test('a Lazy value on a library resource is still produced while the stack is prepared, then written', () => {
    const stack = azureStack();
    const vnet = new VirtualNetwork(stack, 'vnet', { resourceGroup: resourceGroup(stack), name: 'spoke', addressSpace: ['10.1.0.0/16'] });
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

  test('every example stack is prepared with tokens only: each library resource\'s prepared output resolves the tokens its whole output holds', () => {
    const app = Testing.app();
    EXAMPLES.forEach((e) => e.build(app));
    const lean = app.node.findAll().filter((c) => Object.prototype.hasOwnProperty.call(c, 'toTerraform')
      && typeof (c as { terraformResourceType?: unknown }).terraformResourceType === 'string') as unknown as { toTerraform(): unknown }[];
    expect(lean.length).toBeGreaterThan(300);
    let smaller = 0;
    for (const element of lean) {
      const whole = JSON.stringify(element.toTerraform());
      const prepared = JSON.stringify(preparePass(() => element.toTerraform()));
      const tokens = (text: string) => (text.match(/[$#&]\{TfToken\[TOKEN\.\d+\]\}/g) ?? []).sort();
      expect(tokens(prepared)).toEqual(tokens(whole));
      if (prepared.length < whole.length / 2) smaller++;
    }
    expect(smaller).toBeGreaterThan(lean.length / 2);
  });
});
