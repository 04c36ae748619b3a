/**
 * Each area loads only the provider bindings it needs: every entry point of the exports map is
 * required, with the library loaded anew and no provider binding loaded, in a Node process in which
 * the other providers' bindings cannot be resolved (as in an app that did not install them), and the
 * process reports which provider packages it loaded.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..');
const PROVIDERS = ['@cdktf/provider-aws', '@cdktf/provider-azurerm', '@cdktf/provider-helm', '@cdktf/provider-kubernetes'];

/**
 * Runs in one child process for all entries (a process each costs seconds): for each [entry, hidden],
 * empties the module cache, hides the `hidden` packages, requires the entry and records the provider
 * packages it loaded, or the error.
 */
const CHILD = `
const Module = require('module');
const fs = require('fs');
const { transform } = require('sucrase');
// Types stripped once per file for all entries (the library is loaded anew for each entry).
const stripped = new Map();
Module._extensions['.ts'] = (module, file) => {
  if (!stripped.has(file)) stripped.set(file, transform(fs.readFileSync(file, 'utf8'), { transforms: ['imports', 'typescript'], filePath: file }).code);
  module._compile(stripped.get(file), file);
};
let hidden = [];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (hidden.some((h) => request === h || request.startsWith(h + '/'))) {
    const e = new Error("Cannot find module '" + request + "'"); e.code = 'MODULE_NOT_FOUND'; throw e;
  }
  return resolve.call(this, request, ...rest);
};
const results = JSON.parse(process.argv[1]).map(([entry, h]) => {
  // The library and every provider binding load anew for each entry; cdktf, constructs and the
  // library's other dependencies (which load no binding) stay loaded.
  for (const key of Object.keys(require.cache)) {
    if (!/[\\\\/]node_modules[\\\\/]/.test(key) || /[\\\\/]node_modules[\\\\/]@cdktf[\\\\/]/.test(key)) delete require.cache[key];
  }
  hidden = h;
  try {
    const loaded = require(entry);
    const providers = new Set(Object.keys(require.cache)
      .map((f) => /node_modules[\\\\/]@cdktf[\\\\/](provider-[a-z]+)[\\\\/]/.exec(f)).filter(Boolean).map((m) => '@cdktf/' + m[1]));
    return { providers: [...providers].sort(), exports: Object.keys(loaded).length };
  } catch (e) {
    return { error: e.message.split('\\n')[0] };
  }
});
console.log(JSON.stringify(results));
`;

type Loaded = { providers?: string[]; exports?: number; error?: string };
const CASES: [string, string[]][] = [
  ['core', []],
  ['azure', ['@cdktf/provider-azurerm']],
  ['aws', ['@cdktf/provider-aws']],
  // The Helm binding loads when a CalicoOperator is created (the operator install needs it installed).
  ['calico', ['@cdktf/provider-kubernetes']],
  ['checks', []],
  ['report', []],
  // The Helm binding loads when an EgressSpoke is created: an app that builds only the hub skips it.
  ['patterns', ['@cdktf/provider-azurerm', '@cdktf/provider-kubernetes']],
  ['.', PROVIDERS],
  ['.', ['@cdktf/provider-azurerm']],
];
let results: Loaded[] = [];

beforeAll(() => {
  const args = CASES.map(([area, allowed]) => [join(root, 'lib', area, 'index.ts'), PROVIDERS.filter((p) => !allowed.includes(p))]);
  const out = execFileSync(process.execPath, ['-e', CHILD, JSON.stringify(args)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  results = JSON.parse(out.trim().split('\n').pop()!);
}, 120_000);

const result = (area: string, allowed: string[]) => results[CASES.findIndex(([a, p]) => a === area && p === allowed)];

describe('entry points', () => {
  test('the exports map names one entry per area, each with its types first', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(['.', './core', './azure', './aws', './calico', './checks', './report', './patterns', './package.json']);
    expect(pkg.exports['./azure']).toEqual({ types: './dist/lib/azure/index.d.ts', default: './dist/lib/azure/index.js' });
    for (const [key, value] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (key === './package.json') continue;
      expect(Object.keys(value as object)).toEqual(['types', 'default']);
    }
  });

  test.each(CASES.slice(0, 7))('%s loads with only %j installed, and loads exactly those', (area, allowed) => {
    expect(result(area, allowed)).toEqual({ providers: allowed, exports: expect.any(Number) });
    expect(result(area, allowed).exports).toBeGreaterThan(0);
  });

  test('the package root loads every area: every binding but Helm\'s, which loads when a CalicoOperator or EgressSpoke is created', () => {
    expect(result('.', PROVIDERS)).toEqual({ providers: PROVIDERS.filter((p) => p !== '@cdktf/provider-helm'), exports: expect.any(Number) });
    expect(result('.', CASES[8][1]).error).toMatch(/^Cannot find module '@cdktf\/provider-(aws|helm|kubernetes)\//);
  });
});
