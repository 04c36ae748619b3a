import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { EXAMPLES, buildExamples } from '../../stacks/examples';

function synthAll(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
  const app = new App({ outdir });
  buildExamples(app);
  app.synth();
  return outdir;
}

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), fs.readFileSync(full, 'utf8'));
  }
  return out;
}

describe('example app', () => {
  test('lists the document 001 and 002 stacks', () => {
    expect(EXAMPLES.map((e) => [e.name, e.document])).toEqual(expect.arrayContaining([
      ['aks-outbound-lb', '001'], ['aks-outbound-managed-nat', '001'], ['aks-outbound-user-nat', '001'], ['aks-outbound-udr', '001'],
      ['aks-firewall-udr', '002'],
    ]));
  });

  test('every example synthesizes in one app (app-wide checks included), and two synths are byte-identical', () => {
    const a = synthAll();
    const b = synthAll();
    try {
      const first = files(a);
      const second = files(b);
      for (const e of EXAMPLES) expect(first.has(path.join('stacks', e.name, 'cdk.tf.json'))).toBe(true);
      expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
      for (const [name, text] of first) expect(second.get(name)).toBe(text);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  });
});
