/**
 * One measured run, in its own process so that module caches and heap start cold:
 *   node dist/scripts/bench-child.js import            import the library
 *   node dist/scripts/bench-child.js import-root <pkg> import a provider package by its root (for comparison)
 *   node dist/scripts/bench-child.js synth <stack|all>  import, build and synthesize example stacks
 *   node dist/scripts/bench-child.js hub <spokes>       import, build and synthesize a generated hub
 * Prints one JSON line: wall milliseconds and peak resident memory in MiB.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const start = process.hrtime.bigint();
const [mode, arg] = process.argv.slice(2);

function finish(extra: Record<string, unknown> = {}): void {
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildGeneratedHub } = require('./generated-hub') as typeof import('./generated-hub');
  const outdir = mkdtempSync(join(tmpdir(), 'egress-bench-'));
  try {
    const app = new App({ outdir });
    buildGeneratedHub(app, Number(arg));
    app.synth();
    finish({ stacks: app.node.children.length });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
