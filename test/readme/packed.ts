/**
 * One `npm pack` and one scratch install of the packed library, shared by the README tests: the
 * install is cached under the OS temp directory, keyed by a hash of the tarball, so a second run
 * with an unchanged package reuses it.
 */
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..', '..');
const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The areas the README imports by subpath, `cdktf-kubernetes-egress/<area>`. */
export const AREAS = ['core', 'azure', 'aws', 'calico', 'checks', 'report'] as const;

/** A scratch project with the packed library installed; `shimmed` when the package has no `exports` map yet. */
export interface PackedInstall {
  readonly dir: string;
  readonly shimmed: boolean;
}

let memo: PackedInstall | undefined;

/** Packs the library, installs the tarball with cdktf and constructs in a scratch project (cached) and returns it. */
export function packedInstall(): PackedInstall {
  memo = memo ?? packAndInstall();
  return memo;
}

function packAndInstall(): PackedInstall {
  const packDir = mkdtempSync(join(tmpdir(), 'egress-readme-pack-'));
  try {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], root));
    const tarball = join(packDir, packed[0].filename);
    // The provider bindings are optional peers: a user installs the ones their app uses, and the README's
    // programs use all four, at the versions this repository tests. Where this checkout aliases cdktf to
    // CDK Terrain (CI's second run), the scratch app does what the README tells CDK Terrain users: the
    // same alias as an npm override.
    const dev = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies as Record<string, string>;
    const bindings = Object.fromEntries(Object.keys(dev).filter((n) => n.startsWith('@cdktf/provider-')).map((n) => [n, dev[n]]));
    const runtime = { cdktf: dev.cdktf, constructs: dev.constructs };
    const overrides = dev.cdktf.startsWith('npm:') ? runtime : undefined;
    const hash = createHash('sha256').update(readFileSync(tarball)).update(JSON.stringify({ bindings, runtime })).digest('hex').slice(0, 16);
    const dir = join(tmpdir(), `egress-readme-${hash}`);
    const pkgDir = join(dir, 'node_modules', 'cdktf-kubernetes-egress');
    if (!existsSync(join(dir, '.installed'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const kept = join(dir, 'cdktf-kubernetes-egress.tgz');
      writeFileSync(kept, readFileSync(tarball));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({
        name: 'readme-scratch', version: '1.0.0', private: true,
        dependencies: { 'cdktf-kubernetes-egress': `file:${kept}`, ...runtime, ...bindings },
        ...(overrides ? { overrides } : {}),
      }));
      npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
      writeFileSync(join(dir, '.installed'), hash);
    }
    // The compiler comes from this checkout: the scratch project only needs what users install at run
    // time. Linked anew on every run, since a cached install may outlive the checkout it was linked to.
    for (const dev of ['typescript', '@types/node']) {
      const target = join(dir, 'node_modules', dev);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(join(target, '..'), { recursive: true });
      symlinkSync(join(root, 'node_modules', dev), target, 'dir');
    }
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const shimmed = manifest.exports === undefined;
    if (shimmed) {
      // Until the package's exports map lands, `cdktf-kubernetes-egress/<area>` resolves through a folder
      // per area that re-exports dist/lib/<area>, for both tsc and node.
      for (const area of AREAS) {
        mkdirSync(join(pkgDir, area), { recursive: true });
        writeFileSync(join(pkgDir, area, 'index.js'), `module.exports = require('../dist/lib/${area}');\n`);
        writeFileSync(join(pkgDir, area, 'index.d.ts'), `export * from '../dist/lib/${area}';\n`);
      }
    }
    return { dir, shimmed };
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
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
