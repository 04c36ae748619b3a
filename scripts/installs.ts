/**
 * The packed library installed as each kind of user would install it, into scratch projects: the one
 * pack-and-install mechanism of the install tests (test/packaging/), the README tests (test/readme/)
 * and `npm run bench` (which prints the sizes). In `npm run test:packaging` the global setup
 * (test/packaging/global-setup.ts) packs once and installs every kind once, side by side, and every
 * test file uses those installs (sharedInstall). Installs use the npm cache first (`--prefer-offline`).
 */
import { execFile, execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, lstatSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'fs';
import { tmpdir } from 'os';
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

const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

/** Writes the scratch app of `kind` (its package.json: the tarball and the kind's dependencies) to `<dir>/<kind.name>`. */
function scratchApp(kind: InstallKind, tarball: string, dir: string): string {
  const app = join(dir, kind.name);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: `scratch-${kind.name}`, version: '1.0.0', private: true,
    dependencies: { 'cdktf-kubernetes-egress': `file:${tarball}`, ...kind.dependencies },
    ...(kind.overrides ? { overrides: kind.overrides } : {}),
  }, undefined, 2));
  return app;
}

/** Installs `tarball` as `kind` would into `<dir>/<kind.name>`; resolves to that directory. */
export function install(kind: InstallKind, tarball: string, dir: string): Promise<string> {
  const app = scratchApp(kind, tarball, dir);
  return new Promise((resolve, reject) => {
    execFile(NPM, NPM_INSTALL, { cwd: app, encoding: 'utf8' },
      (error, _stdout, stderr) => (error ? reject(new Error(`npm install (${kind.name}) failed:\n${stderr}`)) : resolve(app)));
  });
}

/** The kinds named in `names` (comma-separated, e.g. the EGRESS_INSTALL_KINDS variable), or all when empty. */
export function kindsNamed(names: string | undefined): readonly InstallKind[] {
  if (!names) return INSTALL_KINDS;
  return names.split(',').map((n) => {
    const kind = INSTALL_KINDS.find((k) => k.name === n.trim());
    if (!kind) throw new Error(`no install kind ${n}; kinds: ${INSTALL_KINDS.map((k) => k.name).join(', ')}`);
    return kind;
  });
}

/** One pack and its installs: the work directory holding both, the tarball, and the app directory of each kind by name. */
export interface SharedInstalls {
  readonly work: string;
  readonly tarball: string;
  readonly dirs: Readonly<Record<string, string>>;
}

/** The variable through which the packaging run's global setup hands its installs (JSON SharedInstalls) to the test files. */
export const SHARED_INSTALLS_ENV = 'EGRESS_SHARED_INSTALLS';

/** Packs the library once and installs `kinds` side by side into a new directory under the OS temp directory. */
export async function prepareInstalls(kinds: readonly InstallKind[] = INSTALL_KINDS): Promise<SharedInstalls> {
  const work = mkdtempSync(join(tmpdir(), 'egress-installs-'));
  const tarball = pack(work);
  const dirs = Object.fromEntries(await Promise.all(kinds.map(async (kind) => [kind.name, await install(kind, tarball, work)])));
  return { work, tarball, dirs };
}

let ownInstalls: { work: string; tarball: string; dirs: Record<string, string> } | undefined;

/**
 * The install of the kind named `name`, and the tarball it came from: the one the global setup of
 * `npm run test:packaging` made when there is one, otherwise one made here and now (one pack per
 * process, one install per kind; removed when the process exits), e.g. for a single test file run
 * on its own.
 */
export function sharedInstall(name: string): { readonly tarball: string; readonly dir: string } {
  const shared = process.env[SHARED_INSTALLS_ENV];
  if (shared) {
    const installs = JSON.parse(shared) as SharedInstalls;
    if (installs.dirs[name]) return { tarball: installs.tarball, dir: installs.dirs[name] };
  }
  if (!ownInstalls) {
    const work = mkdtempSync(join(tmpdir(), 'egress-installs-'));
    process.on('exit', () => rmSync(work, { recursive: true, force: true }));
    ownInstalls = { work, tarball: pack(work), dirs: {} };
  }
  if (!ownInstalls.dirs[name]) {
    const [kind] = kindsNamed(name);
    const app = scratchApp(kind, ownInstalls.tarball, ownInstalls.work);
    execFileSync(NPM, NPM_INSTALL, { cwd: app, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    ownInstalls.dirs[name] = app;
  }
  return { tarball: ownInstalls.tarball, dir: ownInstalls.dirs[name] };
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
