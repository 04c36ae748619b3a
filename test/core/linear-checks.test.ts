/*
 * The app-wide checks (address plan, peerings, export filters, rendered tenants) and the attributes
 * the library's bindings synthesize: what keeps synth linear in the size of an app, and gives the
 * same answers and the same JSON as the straightforward way. No timings: calls are counted.
 */
import { App, TerraformProvider, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import {
  Cidr, OwnedRange, RangeIndex, brand, brandTest, checkClearOf, declareRanges, derivedInApp, findInApp, rangesOverlapping,
} from '../../lib/core';
import { withoutUnset } from '../../lib/core/refs';
import { BGPFilterRule, BgpFilter } from '../../lib/calico';
import { AksCluster, AksOutbound, VirtualNetwork } from '../../lib/azure';
import { buildGeneratedHub } from '../../scripts/generated-hub';
import { EXAMPLES } from '../../stacks/examples';
import { azureStack, clusterStack, resource, resourceGroup, synth } from '../helpers';

// A small seeded generator (mulberry32), so every run draws the same cases.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Ranges from a few nested blocks, so that many of them hold or fall inside others.
function drawRange(next: () => number): Cidr {
  if (next() < 0.15) return Cidr.parse(['fd00::/8', 'fd00::/64', 'fd00:0:0:1::/64', 'fd00::/48'][Math.floor(next() * 4)]);
  const prefix = 8 + Math.floor(next() * 25);
  const base = Cidr.parse(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24'][Math.floor(next() * 3)]);
  return prefix < base.prefix ? base.supernet(prefix) : base.subnet(prefix, Math.floor(next() * Math.min(8, 2 ** (prefix - base.prefix))));
}

describe('RangeIndex', () => {
  test('finds exactly the ranges that overlap a range, in the order added, as comparing with each would', () => {
    const next = random(7);
    const index = new RangeIndex<number>();
    const added: Cidr[] = [];
    for (let i = 0; i < 300; i++) {
      const cidr = drawRange(next);
      added.push(cidr);
      index.add(cidr, i);
    }
    let found = 0;
    for (let q = 0; q < 300; q++) {
      const cidr = drawRange(next);
      const expected = added.map((c, i) => (c.overlaps(cidr) ? i : -1)).filter((i) => i >= 0);
      expect(index.overlapping(cidr)).toEqual(expected);
      found += expected.length;
    }
    // The draws do overlap, often: the comparison above is not of empty lists.
    expect(found).toBeGreaterThan(3000);
  });

  test('a range added twice is found twice; an IPv6 range is not an IPv4 one', () => {
    const index = new RangeIndex<string>();
    index.add(Cidr.parse('10.1.0.0/16'), 'a');
    index.add(Cidr.parse('::/0'), 'v6');
    index.add(Cidr.parse('10.1.0.0/16'), 'b');
    index.add(Cidr.parse('10.1.2.0/24'), 'c');
    expect(index.overlapping(Cidr.parse('10.1.2.128/25'))).toEqual(['a', 'b', 'c']);
    expect(index.overlapping(Cidr.parse('10.0.0.0/8'))).toEqual(['a', 'b', 'c']);
    expect(index.overlapping(Cidr.parse('10.2.0.0/16'))).toEqual([]);
    expect(index.overlapping(Cidr.parse('fd00::/8'))).toEqual(['v6']);
  });

  test('Cidr.supernet and Cidr.key', () => {
    expect(Cidr.parse('10.1.2.0/24').supernet(16).toString()).toBe('10.1.0.0/16');
    expect(Cidr.parse('10.1.2.0/24').supernet(0).toString()).toBe('0.0.0.0/0');
    expect(Cidr.parse('fd00:0:0:1::/64').supernet(48).toString()).toBe('fd00::/48');
    expect(() => Cidr.parse('10.1.0.0/16').supernet(17)).toThrow('a range holding 10.1.0.0/16 has a prefix from /0 to /16, got /17');
    expect(Cidr.parse('10.1.0.0/16').key).toBe(Cidr.parse('10.1.0.0/16').key);
    expect(Cidr.parse('10.1.0.0/16').key).not.toBe(Cidr.parse('10.1.0.0/17').key);
    expect(Cidr.parse('0.0.0.0/0').key).not.toBe(Cidr.parse('::/0').key);
    const c = Cidr.parse('10.1.2.0/24');
    expect(c.holderKeys).toHaveLength(25);
    expect(c.holderKeys.map((k, p) => k === c.supernet(p).key)).toEqual(Array(25).fill(true));
  });
});

describe('the address plan', () => {
  test('rangesOverlapping lists the declared ranges a range overlaps, in the order declared', () => {
    const app = Testing.app();
    const a = new Construct(app, 'a');
    const b = new Construct(app, 'b');
    declareRanges(a, [{ cidr: Cidr.parse('10.1.2.0/24'), kind: 'pod', label: 'pods' }]);
    declareRanges(b, [{ cidr: Cidr.parse('10.1.0.0/16'), kind: 'vnet', label: 'VNet b' }, { cidr: Cidr.parse('10.9.0.0/16'), kind: 'vnet', label: 'VNet far' }]);
    expect(rangesOverlapping(a, Cidr.parse('10.1.2.8/29')).map((r: OwnedRange) => r.label)).toEqual(['pods', 'VNet b']);
    expect(rangesOverlapping(a, Cidr.parse('10.0.0.0/8')).map((r: OwnedRange) => r.label)).toEqual(['pods', 'VNet b', 'VNet far']);
    // checkClearOf names the first range declared, whichever holds the other.
    const c = new Construct(app, 'c');
    expect(() => checkClearOf(c, 'cidr', Cidr.parse('10.1.2.8/29'), ['vnet', 'pod'], 'why')).toThrow(
      'c: cidr is "10.1.2.8/29"; it overlaps pods (10.1.2.0/24, a); why');
    expect(() => checkClearOf(c, 'cidr', Cidr.parse('10.1.2.8/29'), ['vnet'], 'why')).toThrow(
      'c: cidr is "10.1.2.8/29"; it overlaps VNet b (10.1.0.0/16, b); why');
    // A construct's own ranges are not a clash.
    expect(() => checkClearOf(b, 'cidr', Cidr.parse('10.1.2.8/29'), ['vnet'], 'why')).not.toThrow();
  });

  test('the generated hub compares ranges a number of times linear in its spokes', () => {
    // Counted: every comparison of two ranges. Before the index, each range was compared with every
    // range of the app (1,375, 5,250 and 20,500 overlap tests for 10, 20 and 40 spokes).
    const counted = ['overlaps', 'contains', 'equals'] as const;
    const calls = (spokes: number): number => {
      const spies = counted.map((m) => jest.spyOn(Cidr.prototype, m));
      try {
        const app = new App({ outdir: Testing.app().outdir });
        buildGeneratedHub(app, spokes);
        app.synth();
        return spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
      } finally {
        spies.forEach((s) => s.mockRestore());
      }
    };
    const [ten, twenty, forty] = [calls(10), calls(20), calls(40)];
    expect(twenty).toBe(2 * ten);
    expect(forty).toBe(4 * ten);
  });
});

describe('peerings', () => {
  function vnet(stack: TerraformStack, name: string, space: string): VirtualNetwork {
    return new VirtualNetwork(stack, name, { resourceGroup: resourceGroup(stack, `rg-${name}`), name, addressSpace: [space], subnets: [] });
  }

  test('a hub with many spokes: each peering compares its ranges with the ranges they overlap only', () => {
    const { HubSpokePeering } = require('../../lib/azure') as typeof import('../../lib/azure');
    const calls = (spokes: number): number => {
      const stack = azureStack();
      const hub = vnet(stack, 'hub', '10.0.0.0/16');
      const spies = (['overlaps', 'contains', 'equals'] as const).map((m) => jest.spyOn(Cidr.prototype, m));
      try {
        for (let i = 1; i <= spokes; i++) new HubSpokePeering(stack, `p${i}`, { hub, spoke: vnet(stack, `spoke${i}`, `10.${i}.0.0/16`) });
        return spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
      } finally {
        spies.forEach((s) => s.mockRestore());
      }
    };
    expect(calls(40)).toBe(2 * calls(20));
  });

  test('the clash reported is the earliest peering\'s, then the first range of the new end', () => {
    const { HubSpokePeering } = require('../../lib/azure') as typeof import('../../lib/azure');
    const stack = azureStack();
    const hub = vnet(stack, 'hub', '10.0.0.0/16');
    new HubSpokePeering(stack, 'p1', { hub, spoke: vnet(stack, 'spoke1', '10.2.0.0/16') });
    new HubSpokePeering(stack, 'p2', { hub, spoke: vnet(stack, 'spoke2', '10.1.0.0/16') });
    const both = new VirtualNetwork(stack, 'both', {
      resourceGroup: resourceGroup(stack, 'rg-both'), name: 'both', addressSpace: ['10.1.0.0/24', '10.2.0.0/24'], subnets: [],
    });
    expect(() => new HubSpokePeering(stack, 'p3', { hub, spoke: both })).toThrow(
      'test/p3: spoke.addressSpace is "10.2.0.0/24"; VNet "hub" is already peered with VNet "spoke1" (10.2.0.0/16, test/p1); '
      + 'Azure refuses to peer a VNet with two VNets whose address spaces overlap');
  });
});

describe('export filters and pod ranges', () => {
  // The walk as it was, over every pod range: the reference the indexed walk must agree with.
  function expectedFinding(pods: { cidr: Cidr; label: string }[], rules: BGPFilterRule[]): string | undefined {
    const seen = new Set<string>();
    const distinct = pods.filter((p) => !seen.has(p.cidr.toString()) && !!seen.add(p.cidr.toString()) && p.cidr.version === 4);
    for (const pod of distinct) {
      const routes = [pod.cidr, ...rules.filter((r) => r.cidr !== undefined).map((r) => Cidr.parse(r.cidr!)).filter((c) => pod.cidr.contains(c))];
      for (const route of routes) {
        const i = rules.findIndex((r) => {
          if ((r.source !== undefined || r.interface !== undefined) && r.action === 'Reject') return false;
          if (r.cidr === undefined) return true;
          const c = Cidr.parse(r.cidr);
          return r.matchOperator === 'Equal' ? c.equals(route) : r.matchOperator === 'NotEqual' ? !c.equals(route)
            : r.matchOperator === 'In' ? c.contains(route) : !c.contains(route);
        });
        if (i >= 0 && rules[i].action === 'Accept') return `exportV4[${i}]|${route}|${pod.label}`;
      }
    }
    return undefined;
  }

  test('find the pod route a filter lets out exactly as walking every pod range does', () => {
    const next = random(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const blocks = ['10.244.0.0/16', '10.244.0.0/24', '10.244.1.0/24', '10.99.0.0/29', '10.99.0.0/16', '10.10.0.0/16', '10.10.4.0/22', '192.168.0.0/24'];
    let accepted = 0;
    for (let trial = 0; trial < 150; trial++) {
      const { manifests } = clusterStack();
      const pods = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, i) => ({ cidr: Cidr.parse(pick(blocks)), label: `pods ${i}` }));
      pods.forEach((p, i) => declareRanges(new Construct(manifests, `owner${i}`), [{ ...p, kind: 'pod' }]));
      const rules: BGPFilterRule[] = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
        const action = next() < 0.5 ? 'Accept' : 'Reject';
        const shape = next();
        if (shape < 0.15) return { action };
        if (shape < 0.25) return { action, interface: 'eth0' };
        return { action, matchOperator: pick(['In', 'NotIn', 'Equal', 'NotEqual'] as const), cidr: pick(blocks) };
      });
      const filter = new BgpFilter(manifests, 'f', { name: 'f', exportV4: rules });
      const expected = expectedFinding(pods, rules);
      let got: string | undefined;
      try {
        filter.node.validate();
      } catch (e) {
        const m = /: (exportV4\[\d+\]) is .*; it accepts (\S+), part of (pods \d+) /.exec((e as Error).message);
        if (!m) throw e;
        got = `${m[1]}|${m[2]}|${m[3]}`;
      }
      expect(got).toBe(expected);
      if (expected) accepted++;
    }
    // Both outcomes were drawn many times.
    expect(accepted).toBeGreaterThan(30);
    expect(accepted).toBeLessThan(120);
  });

  test('filters of many clusters with pod ranges of their own: each filter costs its rules, not the clusters', () => {
    const calls = (clusters: number): number => {
      const app = Testing.app();
      const filters: BgpFilter[] = [];
      for (let i = 0; i < clusters; i++) {
        const { manifests } = clusterStack(app, `cluster${i}`);
        declareRanges(new Construct(manifests, 'aks'), [{ cidr: Cidr.parse(`10.${100 + i}.0.0/16`), kind: 'pod', label: `pods ${i}` }]);
        filters.push(new BgpFilter(manifests, 'f', { name: 'f', exportV4: [
          { action: 'Accept', matchOperator: 'In', cidr: `10.99.${i}.0/29` }, { action: 'Reject' },
        ] }));
      }
      const spy = jest.spyOn(Cidr.prototype, 'contains');
      try {
        filters.forEach((f) => f.node.validate());
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    expect(calls(40)).toBe(2 * calls(20));
  });
});

describe('derivedInApp', () => {
  const itemBrand = brand('LinearChecksTestItem');
  class Item extends Construct {
    public static isItem(x: unknown): x is Item {
      return itemBrand.is(x);
    }

    constructor(scope: Construct, id: string) {
      super(scope, id);
      itemBrand.mark(this);
    }
  }
  brandTest('LinearChecksTestItem', Item.isItem);

  test('builds once for many reads, again when an instance is added; walks for a test that is no brand\'s', () => {
    const app = Testing.app();
    new Item(app, 'a');
    new Item(app, 'b');
    const build = jest.fn((all: readonly Item[]) => all.map((i) => i.node.id));
    for (let i = 0; i < 5; i++) expect(derivedInApp(app, Item.isItem, 'ids', build)).toEqual(['a', 'b']);
    expect(build).toHaveBeenCalledTimes(1);
    new Item(app, 'c');
    expect(derivedInApp(app, Item.isItem, 'ids', build)).toEqual(['a', 'b', 'c']);
    expect(build).toHaveBeenCalledTimes(2);
    // Another key is built apart; another app has its own.
    expect(derivedInApp(app, Item.isItem, 'count', (all) => all.length)).toBe(3);
    expect(derivedInApp(Testing.app(), Item.isItem, 'ids', build)).toEqual([]);
    const notABrand = (x: unknown): x is Item => x instanceof Item;
    const walked = jest.fn((all: readonly Item[]) => all.length);
    derivedInApp(app, notABrand, 'n', walked);
    derivedInApp(app, notABrand, 'n', walked);
    expect(walked).toHaveBeenCalledTimes(2);
    expect(findInApp(app, notABrand)).toHaveLength(3);
  });
});

describe('attributes the library\'s bindings synthesize', () => {
  function holdsUnset(value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) return value.some(holdsUnset);
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    return Object.values(value).some((v) => v === undefined || holdsUnset(v));
  }

  test('hold no unset keys, in every example stack; the app\'s own resources are left as they are', () => {
    const app = Testing.app();
    EXAMPLES.forEach((e) => e.build(app));
    const bindings = app.node.findAll().filter((c) => typeof (c as { synthesizeAttributes?: unknown }).synthesizeAttributes === 'function'
      && typeof (c as { terraformResourceType?: unknown }).terraformResourceType === 'string') as unknown as { node: { path: string }; synthesizeAttributes(): unknown }[];
    const library = bindings.filter((b) => Object.prototype.hasOwnProperty.call(b, 'synthesizeAttributes'));
    expect(library.length).toBeGreaterThan(300);
    expect(library.filter((b) => holdsUnset(b.synthesizeAttributes())).map((b) => b.node.path)).toEqual([]);
    // What an example app creates itself (its resource groups) is not touched, and does hold unset keys.
    const own = bindings.filter((b) => !Object.prototype.hasOwnProperty.call(b, 'synthesizeAttributes'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.some((b) => holdsUnset(b.synthesizeAttributes()))).toBe(true);
  });

  test('an override of an attribute the library left unset is written; the JSON is what cdktf writes anyway', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack);
    const vnet = new VirtualNetwork(stack, 'vnet', { resourceGroup: rg, name: 'spoke', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/24' }] });
    const cluster = new AksCluster(stack, 'aks', {
      resourceGroup: rg, name: 'aks', dnsPrefix: 'aks', outbound: AksOutbound.loadBalancer(),
      defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5', nodeCount: 2, subnet: vnet.subnet('nodes') },
      network: { plugin: 'none', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10' },
    });
    cluster.resource.addOverride('sku_tier', 'Premium');
    cluster.resource.addOverride('default_node_pool.max_pods', 110);
    const json = synth(stack);
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'aks');
    expect(aks.sku_tier).toBe('Premium');
    expect(aks.default_node_pool.max_pods).toBe(110);
    expect(aks.default_node_pool.name).toBe('system');
  });

  test('withoutUnset copies plain objects without their unset keys and keeps everything else as it is', () => {
    // A token, be it a plain object with a resolve function or an object of a class.
    const token = { resolve: () => 'x', creationStack: [], toString: () => 'x', leftOut: undefined };
    class Value { public readonly leftOut = undefined; }
    const value = new Value();
    const list = ['a', undefined, 'b'];
    const input = { a: 1, b: undefined, c: { d: undefined, e: [{ f: undefined, g: 'h' }], token, value }, list, empty: {} };
    const out = withoutUnset(input) as Record<string, unknown>;
    expect(out).toEqual({ a: 1, c: { e: [{ g: 'h' }], token, value }, list, empty: {} });
    expect(Object.keys(out)).toEqual(['a', 'c', 'list', 'empty']);
    expect((out.c as { token: unknown }).token).toBe(token);
    expect((out.c as { value: unknown }).value).toBe(value);
    expect(out.list).toBe(list);
    expect(input.b).toBeUndefined();
    expect('b' in input).toBe(true);
  });

  test('withoutUnset keeps objects cdktf treats apart as they are, and reads each value once', () => {
    // A key that is a token (cdktf resolves it even where the value is unset), an own constructor key
    // (how cdktf tells dynamic blocks), an object without a prototype.
    const tokenKey = { '${TfToken[TOKEN.1]}': undefined, a: 1 };
    const withConstructor = { constructor: undefined, a: 1 };
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: undefined });
    expect(withoutUnset({ x: tokenKey })).toEqual({ x: tokenKey });
    expect((withoutUnset({ x: tokenKey }) as { x: unknown }).x).toBe(tokenKey);
    expect((withoutUnset({ x: withConstructor }) as { x: unknown }).x).toBe(withConstructor);
    expect((withoutUnset({ x: bare }) as { x: unknown }).x).toBe(bare);
    let reads = 0;
    const getter = Object.defineProperty({} as Record<string, unknown>, 'g', { enumerable: true, get: () => { reads++; return 'v'; } });
    getter.u = undefined;
    expect(withoutUnset(getter)).toEqual({ g: 'v' });
    expect(reads).toBe(1);
  });

  test('providers the library builds keep their own attributes (cdktf snake-cases their keys)', () => {
    const app = Testing.app();
    const hub = EXAMPLES.find((e) => e.name === 'hub-three-spokes')!;
    hub.build(app);
    const providers = app.node.findAll().filter((c) => TerraformProvider.isTerraformProvider(c));
    expect(providers.length).toBeGreaterThan(3);
    expect(providers.filter((p) => Object.prototype.hasOwnProperty.call(p, 'synthesizeAttributes'))).toEqual([]);
  });
});
