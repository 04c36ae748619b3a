/**
 * One measured run, in its own process so that module caches and heap start cold:
 *   node dist/scripts/bench-child.js import            import the library
 *   node dist/scripts/bench-child.js import-root <pkg> import a provider package by its root (for comparison)
 *   node dist/scripts/bench-child.js synth <stack|all>  import, build and synthesize example stacks
 *   node dist/scripts/bench-child.js hub <spokes>       import, build and synthesize a generated hub
 *   node dist/scripts/bench-child.js export <spokes> <dir>  synthesize a generated hub into <dir> (not a measurement)
 *   node dist/scripts/bench-child.js plain <dir> [out]  plain cdktf: re-create the JSON (and YAML files) in <dir>
 *                                                       as raw TerraformResources (no library) and synthesize
 *                                                       it (into [out], kept, when given)
 * Prints one JSON line: wall milliseconds and peak resident memory in MiB; hub and plain runs also give
 * importMs, the milliseconds until their modules were loaded, then buildMs and synthMs; hub runs also
 * give bindingsMs, the part of importMs that loads the provider bindings of the hub's resources.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const start = process.hrtime.bigint();

/** The bindings of every resource type a generated hub writes (the bench checks that none is missing). */
export const HUB_BINDINGS = [
  ...['provider', 'resource-group', 'public-ip', 'virtual-network', 'subnet', 'virtual-network-peering',
    'log-analytics-workspace', 'monitor-diagnostic-setting', 'firewall', 'firewall-policy',
    'firewall-policy-rule-collection-group', 'route-table', 'route', 'subnet-route-table-association',
    'role-assignment', 'kubernetes-cluster'].map((m) => `@cdktf/provider-azurerm/lib/${m}`),
  '@cdktf/provider-kubernetes/lib/provider', '@cdktf/provider-kubernetes/lib/manifest',
];
const [mode, arg, arg2] = process.argv.slice(2);

// When the modules a run needs are loaded (hub and plain runs), to report the import apart.
let importedAt: bigint | undefined;
function imported(): void {
  importedAt = process.hrtime.bigint();
}

// When the app is built and its synth starts (hub and plain runs), to report build and synth apart.
let builtAt: bigint | undefined;
function built(): void {
  builtAt = process.hrtime.bigint();
}

function finish(extra: Record<string, unknown> = {}): void {
  if (importedAt !== undefined && builtAt !== undefined) {
    extra = { buildMs: Number(builtAt - importedAt) / 1e6, synthMs: Number(process.hrtime.bigint() - builtAt) / 1e6, ...extra };
  }
  if (importedAt !== undefined) extra = { importMs: Number(importedAt - start) / 1e6, ...extra };
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, arg, ms, peakMiB, ...extra })}\n`);
}

if (mode === 'import') {
  require('../lib');
  finish();
} else if (mode === 'import-root') {
  require(arg);
  finish();
} else if (mode === 'synth') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App } = require('cdktf') as typeof import('cdktf');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EXAMPLES } = require('../stacks/examples') as typeof import('../stacks/examples');
  const outdir = mkdtempSync(join(tmpdir(), 'egress-bench-'));
  try {
    const app = new App({ outdir });
    const chosen = arg === 'all' ? EXAMPLES : EXAMPLES.filter((e) => e.name === arg);
    if (chosen.length === 0) throw new Error(`no example stack named ${arg}`);
    chosen.forEach((e) => e.build(app));
    app.synth();
    finish({ stacks: chosen.length });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
} else if (mode === 'hub') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App } = require('cdktf') as typeof import('cdktf');
  // The provider bindings of the hub's resources first, timed apart: what any cdktf app that declares
  // these resources with typed bindings loads, library or not. The library's own modules come next.
  const beforeBindings = process.hrtime.bigint();
  for (const binding of HUB_BINDINGS) require(binding);
  const bindingsMs = Number(process.hrtime.bigint() - beforeBindings) / 1e6;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildGeneratedHub } = require('./generated-hub') as typeof import('./generated-hub');
  imported();
  const outdir = mkdtempSync(join(tmpdir(), 'egress-bench-'));
  try {
    const app = new App({ outdir });
    buildGeneratedHub(app, Number(arg));
    built();
    app.synth();
    const listed = new Set(HUB_BINDINGS.map((b) => require.resolve(b)));
    const unlisted = Object.keys(require.cache).filter((f) => /@cdktf[\\/]provider-[^\\/]+[\\/]lib[\\/]/.test(f) && !listed.has(f));
    if (unlisted.length > 0) throw new Error(`HUB_BINDINGS misses bindings the hub loaded: ${unlisted.join(', ')}`);
    finish({ stacks: app.node.children.length, bindingsMs });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
} else if (mode === 'export') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App } = require('cdktf') as typeof import('cdktf');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildGeneratedHub } = require('./generated-hub') as typeof import('./generated-hub');
  const app = new App({ outdir: arg2 });
  buildGeneratedHub(app, Number(arg));
  app.synth();
  finish();
} else if (mode === 'plain') {
  // The same resources without the library: each block of the synthesized JSON becomes a plain
  // cdktf element whose attributes are the raw JSON (references stay Terraform expressions).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdktf = require('cdktf') as typeof import('cdktf');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { addCustomSynthesis } = require('cdktf/lib/synthesize/synthesizer') as typeof import('cdktf/lib/synthesize/synthesizer');
  imported();
  type Raw = Record<string, unknown>;
  // cdktf writes an element's meta-arguments (depends_on, provider, lifecycle, ...) from its own
  // properties and drops the same keys of the attributes; raw ones go in as overrides instead.
  const META = ['depends_on', 'provider', 'lifecycle', 'count', 'for_each', 'provisioner', 'connection'];
  function withMetaArguments(element: import('cdktf').TerraformElement, raw: Raw): Raw {
    const attributes: Raw = {};
    for (const [key, value] of Object.entries(raw)) {
      if (META.includes(key)) element.addOverride(key, value);
      else attributes[key] = value;
    }
    return attributes;
  }
  class RawResource extends cdktf.TerraformResource {
    private readonly raw: Raw;
    constructor(scope: import('constructs').Construct, id: string, type: string, raw: Raw) {
      super(scope, id, { terraformResourceType: type });
      this.overrideLogicalId(id);
      this.raw = withMetaArguments(this, raw);
    }
    protected synthesizeAttributes(): Raw { return this.raw; }
  }
  class RawDataSource extends cdktf.TerraformDataSource {
    private readonly raw: Raw;
    constructor(scope: import('constructs').Construct, id: string, type: string, raw: Raw) {
      super(scope, id, { terraformResourceType: type });
      this.overrideLogicalId(id);
      this.raw = withMetaArguments(this, raw);
    }
    protected synthesizeAttributes(): Raw { return this.raw; }
  }
  class RawProvider extends cdktf.TerraformProvider {
    constructor(scope: import('constructs').Construct, id: string, type: string, private readonly raw: Raw) {
      super(scope, id, { terraformResourceType: type });
    }
    protected synthesizeAttributes(): Raw { return this.raw; }
  }
  // The library also writes each cluster's Calico objects as YAML files during synth; plain cdktf
  // writes the very same files (read beforehand from the export) from a custom synthesis of each
  // stack, so both runs produce the same output folder: the same stacks and the same files.
  const yamlFiles = new Map<string, { name: string; content: string }[]>();
  const manifestsDir = join(arg, 'manifests');
  for (const stack of existsSync(manifestsDir) ? readdirSync(manifestsDir).sort() : []) {
    yamlFiles.set(stack, readdirSync(join(manifestsDir, stack)).sort()
      .map((name) => ({ name, content: readFileSync(join(manifestsDir, stack, name), 'utf8') })));
  }
  const outdir = arg2 ?? mkdtempSync(join(tmpdir(), 'egress-bench-'));
  try {
    const app = new cdktf.App({ outdir });
    const stacksDir = join(arg, 'stacks');
    let count = 0;
    for (const name of readdirSync(stacksDir).sort()) {
      const json = JSON.parse(readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8'));
      const stack = new cdktf.TerraformStack(app, name);
      const files = yamlFiles.get(name);
      if (files) {
        addCustomSynthesis(stack, {
          onSynthesize: (session) => {
            const dir = join(session.outdir, 'manifests', name);
            mkdirSync(dir, { recursive: true });
            for (const f of files) writeFileSync(join(dir, f.name), f.content);
          },
        });
      }
      for (const [type, configs] of Object.entries<Raw[]>(json.provider ?? {})) {
        configs.forEach((c, i) => new RawProvider(stack, `${type}-${i}`, type, c));
      }
      for (const [type, byId] of Object.entries<Record<string, Raw>>(json.resource ?? {})) {
        for (const [id, c] of Object.entries(byId)) { new RawResource(stack, id, type, c); count++; }
      }
      for (const [type, byId] of Object.entries<Record<string, Raw>>(json.data ?? {})) {
        for (const [id, c] of Object.entries(byId)) { new RawDataSource(stack, id, type, c); count++; }
      }
      // The rest (the terraform block with its backend and required providers, import blocks) as
      // raw overrides of the stack.
      for (const [key, value] of Object.entries(json)) {
        if (!['//', 'provider', 'resource', 'data', 'output'].includes(key)) stack.addOverride(key, value);
      }
      for (const [id, o] of Object.entries<Raw>(json.output ?? {})) {
        new cdktf.TerraformOutput(stack, id, {
          value: o.value, sensitive: o.sensitive as boolean | undefined, description: o.description as string | undefined,
        }).overrideLogicalId(id);
      }
    }
    built();
    app.synth();
    finish({ resources: count });
  } finally {
    if (arg2 === undefined) rmSync(outdir, { recursive: true, force: true });
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
