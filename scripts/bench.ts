/**
 * Benchmark: prints wall time and peak memory of importing the library and of synthesizing the
 * example stacks, each measured in a fresh process (median of several runs). For the generated hubs
 * it also synthesizes the very same Terraform JSON with plain cdktf (raw TerraformResources, no
 * library) and prints the ratio (goal: at most 1.5x) and the cost per spoke of both; it first checks
 * that the plain run writes the same Terraform JSON (cdktf's "//" metadata aside) and the same YAML
 * files, and it alternates the runs of the two, so both see the same load on the machine; it also
 * prints how much of each side's time is the import of its modules. Then the
 * size of the packed library installed as each kind of user installs it. Asserts nothing.
 *   npm run bench            (RUNS=5 for more runs; SPOKES=1,10 for other generated hub sizes;
 *                             INSTALLS=0 to skip the installs, which need the npm registry or cache;
 *                             EXAMPLES=0 to measure the generated hubs only)
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EXAMPLES } from '../stacks/examples';
import { INSTALL_KINDS, install, installedBytes, pack } from './installs';

const runs = Number(process.env.RUNS ?? 3);
const spokeCounts = (process.env.SPOKES ?? '1,10,100').split(',').map(Number);
const child = join(__dirname, 'bench-child.js');

/** Wall time, peak memory and, for the generated hubs, the part of the time spent importing modules. */
interface Sample { ms: number; peakMiB: number; importMs?: number; bindingsMs?: number }

/** The most the library may take, as a multiple of plain cdktf's time for the same output. */
const GOAL = 1.5;

// cdktf's "//" blocks (construct paths, stack metadata) aside, the plain run must write what the
// library wrote: every stack's Terraform JSON and every YAML file. Returns a line for the report.
function sameOutput(libraryDir: string, plainDir: string): string {
  const strip = (x: unknown): unknown => Array.isArray(x) ? x.map(strip)
    : x !== null && typeof x === 'object'
      ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== '//').map(([k, v]) => [k, strip(v)])) : x;
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)).map((f) => join(e.name, f)) : [e.name]).sort();
  const stacks = readdirSync(join(libraryDir, 'stacks')).sort();
  const json = (dir: string, stack: string) => JSON.stringify(strip(JSON.parse(readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8'))));
  const differing = stacks.filter((st) => !existsSync(join(plainDir, 'stacks', st, 'cdk.tf.json')) || json(libraryDir, st) !== json(plainDir, st));
  const yamlDir = (dir: string) => join(dir, 'manifests');
  const yaml = existsSync(yamlDir(libraryDir)) ? files(yamlDir(libraryDir)) : [];
  const yamlDiffering = yaml.filter((f) => !existsSync(join(yamlDir(plainDir), f))
    || readFileSync(join(yamlDir(libraryDir), f), 'utf8') !== readFileSync(join(yamlDir(plainDir), f), 'utf8'));
  const plainYaml = existsSync(yamlDir(plainDir)) ? files(yamlDir(plainDir)).length : 0;
  if (differing.length === 0 && yamlDiffering.length === 0 && plainYaml === yaml.length) {
    return `same JSON in ${stacks.length} stacks, same ${yaml.length} YAML files`;
  }
  return `DIFFERS (${differing.length} stacks, ${yamlDiffering.length + Math.abs(plainYaml - yaml.length)} YAML files)`;
}

function run(args: string[]): Sample {
  const out = execFileSync(process.execPath, [child, ...args], { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(samples: Sample[]): Sample {
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const imports = samples.map((s) => s.importMs).filter((x): x is number => x !== undefined);
  const bindings = samples.map((s) => s.bindingsMs).filter((x): x is number => x !== undefined);
  return {
    ms: mid(samples.map((s) => s.ms)), peakMiB: mid(samples.map((s) => s.peakMiB)),
    ...(imports.length === samples.length ? { importMs: mid(imports) } : {}),
    ...(bindings.length === samples.length ? { bindingsMs: mid(bindings) } : {}),
  };
}

function measure(args: string[]): Sample {
  return median(Array.from({ length: runs }, () => run(args)));
}

/**
 * Runs `a` and `b` in turns (a, b, a, b, ...), so a change of load on the machine hits both alike.
 * Returns the medians, the ratio of each pair of runs (a over b) and the ratio of the fastest runs.
 */
function measurePair(a: string[], b: string[]): [Sample, Sample, number[], number] {
  const as: Sample[] = [];
  const bs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(run(a));
    bs.push(run(b));
  }
  const fastest = (xs: Sample[]) => Math.min(...xs.map((x) => x.ms));
  return [median(as), median(bs), as.map((x, i) => x.ms / bs[i].ms), fastest(as) / fastest(bs)];
}

const rows: [string, Sample][] = [];
if (process.env.EXAMPLES !== '0') {
  rows.push(['import the library (deep provider imports)', measure(['import'])]);
  rows.push(['import @cdktf/provider-azurerm by its root (for comparison)', measure(['import-root', '@cdktf/provider-azurerm'])]);
  for (const e of EXAMPLES) rows.push([`synth ${e.name}`, measure(['synth', e.name])]);
  rows.push([`synth all ${EXAMPLES.length} example stacks`, measure(['synth', 'all'])]);
}
const compared: { spokes: number; library: Sample; plain: Sample; same: string; pairs: number[]; fastest: number }[] = [];
for (const spokes of spokeCounts) {
  const dir = mkdtempSync(join(tmpdir(), 'egress-bench-export-'));
  try {
    run(['export', String(spokes), dir]);
    run(['plain', dir, join(dir, 'plain')]);
    const same = sameOutput(dir, join(dir, 'plain'));
    const [library, plain, pairs, fastest] = measurePair(['hub', String(spokes)], ['plain', dir]);
    rows.push([`synth generated hub, ${spokes} spoke${spokes > 1 ? 's' : ''} (cluster + 2 tenants each)`, library]);
    rows.push([`  the same JSON and YAML with plain cdktf (raw TerraformResources)`, plain]);
    compared.push({ spokes, library, plain, same, pairs, fastest });
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

console.log(`\ngenerated hub: library against plain cdktf for the same resources (goal: at most ${GOAL}x)`);
for (const c of compared) {
  const ratio = c.library.ms / c.plain.ms;
  console.log(`  ${String(c.spokes).padStart(3)} spokes: ${ratio.toFixed(2)}x (${c.library.ms.toFixed(0)} ms against ${c.plain.ms.toFixed(0)} ms), `
    + `${ratio <= GOAL ? 'meets' : 'misses'} ${GOAL}x; output compared: ${c.same}`);
  // The machine's load moves single runs a lot: the spread of the pairs, and the fastest run of each
  // side (the least disturbed), say how far the median can be trusted.
  console.log(`       pairs of runs ${Math.min(...c.pairs).toFixed(2)}x to ${Math.max(...c.pairs).toFixed(2)}x; `
    + `fastest run against fastest run ${c.fastest.toFixed(2)}x`);
  if (c.library.importMs !== undefined && c.plain.importMs !== undefined) {
    const [li, pi] = [c.library.importMs, c.plain.importMs];
    const bindings = c.library.bindingsMs === undefined ? '' : ` (${c.library.bindingsMs.toFixed(0)} ms of it the provider bindings)`;
    console.log(`       import ${li.toFixed(0)} ms${bindings} against ${pi.toFixed(0)} ms; the rest (build and synth) `
      + `${(c.library.ms - li).toFixed(0)} ms against ${(c.plain.ms - pi).toFixed(0)} ms, ${((c.library.ms - li) / (c.plain.ms - pi)).toFixed(2)}x`);
    // Not the goal's baseline (which loads no binding), shown for what it tells apart: plain cdktf's
    // time plus the import of the bindings any cdktf app declaring these resources with types loads.
    if (c.library.bindingsMs !== undefined) {
      console.log(`       with the bindings' import counted on the plain side too (as in any cdktf app with typed bindings): `
        + `${(c.library.ms / (c.plain.ms + c.library.bindingsMs)).toFixed(2)}x`);
    }
  }
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
