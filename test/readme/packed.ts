/**
 * The packed library installed in a scratch project, for the README tests: the install of kind `all`
 * (cdktf, constructs and all four provider bindings, at the versions this repository tests) from the
 * one pack-and-install mechanism of scripts/installs.ts, the same install the install tests use. In
 * `npm run test:packaging` it is made once by the global setup; a README test file run on its own
 * packs and installs for itself. Where this checkout aliases cdktf to CDK Terrain (CI's second run),
 * the install of kind `cdktn`: what the README tells CDK Terrain users, the alias as an npm override.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { sharedInstall } from '../../scripts/installs';

const root = join(__dirname, '..', '..');

/** The areas the README imports by subpath, `cdktf-kubernetes-egress/<area>`. */
export const AREAS = ['core', 'azure', 'aws', 'calico', 'checks', 'report'] as const;

/** A scratch project with the packed library installed; `shimmed` when the package has no `exports` map yet. */
export interface PackedInstall {
  readonly dir: string;
  readonly shimmed: boolean;
}

let memo: PackedInstall | undefined;

/** The scratch project with the packed library, cdktf, constructs and the provider bindings installed. */
export function packedInstall(): PackedInstall {
  memo = memo ?? prepare();
  return memo;
}

function prepare(): PackedInstall {
  const dev = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies as Record<string, string>;
  const { dir } = sharedInstall(dev.cdktf.startsWith('npm:cdktn@') ? 'cdktn' : 'all');
  const pkgDir = join(dir, 'node_modules', 'cdktf-kubernetes-egress');
  // The compiler comes from this checkout: the scratch project only needs what users install at run time.
  for (const tool of ['typescript', '@types/node']) {
    const target = join(dir, 'node_modules', tool);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', tool), target, 'dir');
  }
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const shimmed = manifest.exports === undefined;
  if (shimmed) {
    // Without an exports map, `cdktf-kubernetes-egress/<area>` resolves through a folder per area that
    // re-exports dist/lib/<area>, for both tsc and node.
    for (const area of AREAS) {
      mkdirSync(join(pkgDir, area), { recursive: true });
      writeFileSync(join(pkgDir, area, 'index.js'), `module.exports = require('../dist/lib/${area}');\n`);
      writeFileSync(join(pkgDir, area, 'index.d.ts'), `export * from '../dist/lib/${area}';\n`);
    }
  }
  return { dir, shimmed };
}

/** Runs the TypeScript compiler of this repository in `cwd` (with its tsconfig.json); returns its output, throws on errors. */
export function tsc(cwd: string): string {
  return execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', cwd], { cwd, encoding: 'utf8' });
}

/** The fenced blocks of `markdown` whose info string is `info` (e.g. `ts first-app`), in order. */
export function fencedBlocks(markdown: string, info: RegExp): { info: string; body: string; line: number }[] {
  const out: { info: string; body: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l === '```');
    if (end < 0) break;
    const infoString = (open[1] ?? '').trim();
    if (info.test(infoString)) out.push({ info: infoString, body: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return out;
}
