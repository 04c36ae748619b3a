import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { App } from 'cdktf';
import { EXAMPLES, buildExamples } from '../stacks/examples';

const root = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) ? [p] : [];
  });
}

function synthAll(): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'egress-synth-'));
  try {
    const app = new App({ outdir, skipValidation: false });
    buildExamples(app);
    app.synth();
    const files = new Map<string, string>();
    const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(outdir, p), readFileSync(p, 'utf8'));
    });
    walk(outdir);
    return files;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the package', () => {
  test('no provider package is imported by its root (a root import costs seconds per process)', () => {
    const offenders = ['lib', 'stacks', 'scripts', 'test'].flatMap((d) => sourceFiles(join(root, d)))
      .filter((f) => /from ['"]@cdktf\/provider-[a-z]+['"]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  test('lib/core imports no provider package', () => {
    const offenders = sourceFiles(join(root, 'lib', 'core')).filter((f) => /@cdktf\/provider-/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('every example stack synthesizes, and two synths are byte-identical', () => {
    const first = synthAll();
    const second = synthAll();
    for (const example of EXAMPLES) expect(first.has(`stacks/${example.name}/cdk.tf.json`)).toBe(true);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [file, text] of first) expect(second.get(file)).toBe(text);
    // Nothing machine-specific: no absolute path of this checkout in any synthesized file.
    expect([...first].filter(([, text]) => text.includes(root)).map(([f]) => f)).toEqual([]);
    expect(JSON.parse(first.get('stacks/hub-spoke-egw/cdk.tf.json')!).terraform.backend).toEqual({ local: { path: '../../../terraform.hub-spoke-egw.tfstate' } });
  });
});
