/**
 * Benchmark: prints wall time and peak memory of importing the library and of synthesizing the
 * example stacks, each measured in a fresh process (median of several runs). For the generated hubs
 * it also synthesizes the very same Terraform JSON with plain cdktf (raw TerraformResources, no
 * library) and prints the ratio, and the cost per spoke of both. Then the size of the packed library
 * installed as each kind of user installs it. Asserts nothing.
 *   npm run bench            (RUNS=5 for more runs; SPOKES=1,10 for other generated hub sizes;
 *                             INSTALLS=0 to skip the installs, which need the npm registry or cache)
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EXAMPLES } from '../stacks/examples';
import { INSTALL_KINDS, install, installedBytes, pack } from './installs';

const runs = Number(process.env.RUNS ?? 3);
const spokeCounts = (process.env.SPOKES ?? '1,10,100').split(',').map(Number);
const child = join(__dirname, 'bench-child.js');

interface Sample { ms: number; peakMiB: number }

function measure(args: string[]): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [child, ...args], { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
    samples.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: median(samples.map((s) => s.ms)), peakMiB: median(samples.map((s) => s.peakMiB)) };
}

const rows: [string, Sample][] = [];
rows.push(['import the library (deep provider imports)', measure(['import'])]);
rows.push(['import @cdktf/provider-azurerm by its root (for comparison)', measure(['import-root', '@cdktf/provider-azurerm'])]);
for (const e of EXAMPLES) rows.push([`synth ${e.name}`, measure(['synth', e.name])]);
rows.push([`synth all ${EXAMPLES.length} example stacks`, measure(['synth', 'all'])]);
const compared: { spokes: number; library: Sample; plain: Sample }[] = [];
for (const spokes of spokeCounts) {
  const library = measure(['hub', String(spokes)]);
  rows.push([`synth generated hub, ${spokes} spoke${spokes > 1 ? 's' : ''} (cluster + 2 tenants each)`, library]);
  const dir = mkdtempSync(join(tmpdir(), 'egress-bench-export-'));
  try {
    execFileSync(process.execPath, [child, 'export', String(spokes), dir], { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
    const plain = measure(['plain', dir]);
    rows.push([`  the same JSON with plain cdktf (raw TerraformResources)`, plain]);
    compared.push({ spokes, library, plain });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const width = Math.max(...rows.map(([n]) => n.length));
console.log(`node ${process.version}, ${runs} runs each, median; each run in a fresh process\n`);
console.log(`${'what'.padEnd(width)}  ${'wall ms'.padStart(9)}  ${'peak MiB'.padStart(9)}`);
for (const [name, s] of rows) {
  console.log(`${name.padEnd(width)}  ${s.ms.toFixed(0).padStart(9)}  ${s.peakMiB.toFixed(0).padStart(9)}`);
}

console.log('\ngenerated hub: library against plain cdktf for the same resources');
for (const c of compared) {
  console.log(`  ${String(c.spokes).padStart(3)} spokes: ${(c.library.ms / c.plain.ms).toFixed(2)}x (${c.library.ms.toFixed(0)} ms against ${c.plain.ms.toFixed(0)} ms)`);
}
for (let i = 1; i < compared.length; i++) {
  const [a, b] = [compared[i - 1], compared[i]];
  const n = b.spokes - a.spokes;
  console.log(`  per spoke from ${a.spokes} to ${b.spokes}: library ${((b.library.ms - a.library.ms) / n).toFixed(1)} ms, `
    + `plain cdktf ${((b.plain.ms - a.plain.ms) / n).toFixed(1)} ms`);
}

async function installSizes(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'egress-bench-install-'));
  try {
    const tarball = pack(work);
    const dirs = await Promise.all(INSTALL_KINDS.map((kind) => install(kind, tarball, work)));
    const w = Math.max(...INSTALL_KINDS.map((k) => k.description.length));
    console.log(`\n${'install (node_modules of a new app)'.padEnd(w)}  ${'MB'.padStart(6)}  ${'goal MB'.padStart(7)}`);
    INSTALL_KINDS.forEach((kind, i) => {
      const mb = installedBytes(dirs[i]) / 1e6;
      console.log(`${kind.description.padEnd(w)}  ${mb.toFixed(0).padStart(6)}  ${(kind.goalMB === undefined ? '-' : String(kind.goalMB)).padStart(7)}`);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.env.INSTALLS !== '0') {
  installSizes().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
