/**
 * Benchmark: prints wall time and peak memory of importing the library and of synthesizing the
 * example stacks, each measured in a fresh process (median of several runs). Asserts nothing.
 *   npm run bench            (RUNS=5 for more runs; SPOKES=1,10 for other generated hub sizes)
 */
import { execFileSync } from 'child_process';
import { join } from 'path';
import { EXAMPLES } from '../stacks/examples';

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
for (const spokes of spokeCounts) {
  rows.push([`synth generated hub, ${spokes} spoke${spokes > 1 ? 's' : ''} (cluster + 2 tenants each)`, measure(['hub', String(spokes)])]);
}

const width = Math.max(...rows.map(([n]) => n.length));
console.log(`node ${process.version}, ${runs} runs each, median; each run in a fresh process\n`);
console.log(`${'what'.padEnd(width)}  ${'wall ms'.padStart(9)}  ${'peak MiB'.padStart(9)}`);
for (const [name, s] of rows) {
  console.log(`${name.padEnd(width)}  ${s.ms.toFixed(0).padStart(9)}  ${s.peakMiB.toFixed(0).padStart(9)}`);
}
