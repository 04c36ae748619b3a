/**
 * The packed library installed as each kind of user would install it, into scratch projects: shared
 * by the packaging tests (test/package-install.test.ts) and `npm run bench` (which prints the sizes).
 * Installs use the npm cache first (`--prefer-offline`) and run side by side.
 */
import { execFile, execFileSync } from 'child_process';
import { mkdirSync, readdirSync, lstatSync, readFileSync, writeFileSync, existsSync, statSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..', existsSync(join(__dirname, '..', 'package.json')) ? '' : '..');
const dev = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies as Record<string, string>;
/** The exact version the library's own tests run against (`~1.2.3` -> `1.2.3`). */
const tested = (name: string) => dev[name].replace(/^[~^]/, '');

/** The CDK Terrain release the cdktn install aliases `cdktf` to, and the constructs it needs. */
export const CDKTN_VERSION = '0.24.0';
export const CDKTN_CONSTRUCTS_VERSION = '10.7.2';

/** A kind of user: what they add to their app next to the library. */
export interface InstallKind {
  readonly name: string;
  readonly description: string;
  readonly dependencies: Record<string, string>;
  readonly overrides?: Record<string, string>;
  /** Size goal in MB (10^6 bytes), when there is one. */
  readonly goalMB?: number;
}

const runtime = () => ({ cdktf: tested('cdktf'), constructs: tested('constructs') });
const provider = (p: string) => ({ [`@cdktf/provider-${p}`]: tested(`@cdktf/provider-${p}`) });

export const INSTALL_KINDS: readonly InstallKind[] = [
  { name: 'azure', description: 'Azure only: cdktf, constructs, azurerm', dependencies: { ...runtime(), ...provider('azurerm') }, goalMB: 300 },
  {
    name: 'azure-calico', description: 'Azure with Calico: + kubernetes, helm',
    dependencies: { ...runtime(), ...provider('azurerm'), ...provider('kubernetes'), ...provider('helm') }, goalMB: 450,
  },
  { name: 'aws', description: 'AWS only: cdktf, constructs, aws', dependencies: { ...runtime(), ...provider('aws') } },
  {
    name: 'all', description: 'everything: azurerm, aws, kubernetes, helm',
    dependencies: { ...runtime(), ...provider('azurerm'), ...provider('aws'), ...provider('kubernetes'), ...provider('helm') },
  },
  {
    name: 'cdktn', description: `everything on CDK Terrain: cdktf aliased to cdktn@${CDKTN_VERSION} by overrides`,
    dependencies: {
      cdktf: `npm:cdktn@${CDKTN_VERSION}`, constructs: CDKTN_CONSTRUCTS_VERSION,
      ...provider('azurerm'), ...provider('aws'), ...provider('kubernetes'), ...provider('helm'),
    },
    overrides: { cdktf: `npm:cdktn@${CDKTN_VERSION}`, constructs: CDKTN_CONSTRUCTS_VERSION },
  },
];

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Builds the library when dist/ is missing or older than a source file, then packs it into `dir`. */
export function pack(dir: string): string {
  const newest = (d: string): number => readdirSync(d, { withFileTypes: true })
    .reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs), 0);
  const built = join(root, 'dist', 'lib', 'index.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(root, 'lib'))) {
    execFileSync(NPM, ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
  const out = execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return join(dir, JSON.parse(out)[0].filename);
}

/** Installs `tarball` as `kind` would into `<dir>/<kind.name>`; resolves to that directory. */
export function install(kind: InstallKind, tarball: string, dir: string): Promise<string> {
  const app = join(dir, kind.name);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: `scratch-${kind.name}`, version: '1.0.0', private: true,
    dependencies: { 'cdktf-kubernetes-egress': `file:${tarball}`, ...kind.dependencies },
    ...(kind.overrides ? { overrides: kind.overrides } : {}),
  }, undefined, 2));
  return new Promise((resolve, reject) => {
    execFile(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, encoding: 'utf8' },
      (error, _stdout, stderr) => (error ? reject(new Error(`npm install (${kind.name}) failed:\n${stderr}`)) : resolve(app)));
  });
}

/** Bytes on disk of `dir`'s node_modules (file sizes, symlinks not followed). */
export function installedBytes(app: string): number {
  const walk = (d: string): number => readdirSync(d).reduce((sum, name) => {
    const p = join(d, name);
    const s = lstatSync(p);
    return sum + (s.isDirectory() ? walk(p) : s.size);
  }, 0);
  return walk(join(app, 'node_modules'));
}
