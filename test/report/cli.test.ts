import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import { runCli, USAGE } from '../../lib/cli';
import * as report from '../../lib/report';
import { egressReport } from '../../lib/report';
import { hashes, hubSpoke, removeOutdirs, synthApp } from './fixtures';

const root = join(__dirname, '..', '..');
let dir: string;
let scratch: string;
beforeAll(() => {
  dir = synthApp((app) => { hubSpoke(app, 'cloud'); hubSpoke(app, 'second'); });
  scratch = mkdtempSync(join(tmpdir(), 'egress-cli-'));
});
afterAll(() => {
  removeOutdirs();
  rmSync(scratch, { recursive: true, force: true });
});

describe('cdktf-kubernetes-egress report', () => {
  test('prints the report of --out to standard output', () => {
    expect(runCli(['report', '--out', dir])).toEqual({ code: 0, stdout: egressReport(dir), stderr: '' });
    expect(runCli(['report', `--out=${dir}`]).stdout).toBe(egressReport(dir));
  });

  test('--output writes the report to a file, and only there', () => {
    const file = join(scratch, 'egress-report.md');
    const before = hashes(dir);
    expect(runCli(['report', '--out', dir, '--output', file])).toEqual({ code: 0, stdout: `Wrote ${file}\n`, stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(egressReport(dir));
    expect(hashes(dir)).toEqual(before);
  });

  test('--stack takes one stack, repeated or separated by commas', () => {
    expect(runCli(['report', '--out', dir, '--stack', 'second']).stdout).toBe(egressReport(dir, { stacks: ['second'] }));
    expect(runCli(['report', '--out', dir, '--stack', 'second', '--stack', 'cloud']).stdout).toBe(egressReport(dir, { stacks: ['cloud', 'second'] }));
    expect(runCli(['report', '--out', dir, '--stack', 'cloud,second']).stdout).toBe(egressReport(dir));
  });

  test('--help prints the usage', () => {
    expect(runCli(['--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(runCli(['report', '-h']).stdout).toBe(USAGE);
    expect(USAGE).toContain('--out <dir>       the cdktf output directory to read (default: cdktf.out)');
  });

  test.each([
    [[], 'cdktf-kubernetes-egress: command is missing; the command is report\nSee cdktf-kubernetes-egress --help.\n'],
    [['synth'], 'cdktf-kubernetes-egress: command is "synth"; the only command is report\nSee cdktf-kubernetes-egress --help.\n'],
    [['report', '--verbose'], '--verbose: argument is not an option of report; options are --out <dir>, --output <file>, --stack <name> and --help\n'
      + 'See cdktf-kubernetes-egress --help.\n'],
    [['report', '--out'], '--out: value is missing; give one: --out <dir>\nSee cdktf-kubernetes-egress --help.\n'],
    [['report', '--stack', '--out', 'x'], '--stack: value is missing; give one: --stack <name>\nSee cdktf-kubernetes-egress --help.\n'],
  ])('usage error %j exits 1 with a message', (args, stderr) => {
    expect(runCli(args)).toEqual({ code: 1, stdout: '', stderr });
  });

  test('input errors exit 1 naming the path or option', () => {
    const missing = join(scratch, 'nope');
    expect(runCli(['report', '--out', missing])).toEqual({
      code: 1, stdout: '', stderr: `${missing}: directory is missing; run \`cdktf synth\` (or \`npm run synth\`) first, or pass --out with the directory it writes\n`,
    });
    expect(runCli(['report', '--out', dir, '--stack', 'third'])).toEqual({ code: 1, stdout: '', stderr: `--stack: value is "third"; ${dir}/manifest.json holds cloud, second\n` });
  });

  test('refuses to write inside the directory it reads', () => {
    const inside = join(dir, 'report.md');
    expect(runCli(['report', '--out', dir, '--output', inside])).toEqual({
      code: 1, stdout: '', stderr: `--output: value is "${inside}"; a file outside ${dir}: the report never changes its input\n`,
    });
    expect(existsSync(inside)).toBe(false);
  });

  test('refuses a way into the directory through a name like ..x or a symbolic link, and accepts ..x outside it', () => {
    const sneaky = join(dir, '..x.md');
    expect(runCli(['report', '--out', dir, '--output', sneaky]).code).toBe(1);
    expect(existsSync(sneaky)).toBe(false);
    const link = join(scratch, 'link-to-out');
    symlinkSync(dir, link);
    expect(runCli(['report', '--out', dir, '--output', join(link, 'y.md')]).code).toBe(1);
    const stack = join(dir, 'stacks', 'cloud', 'cdk.tf.json');
    const before = readFileSync(stack, 'utf8');
    const fileLink = join(scratch, 'evil.md');
    symlinkSync(stack, fileLink);
    expect(runCli(['report', '--out', dir, '--output', fileLink]).code).toBe(1);
    expect(readFileSync(stack, 'utf8')).toBe(before);
    const outside = join(scratch, '..x.md');
    expect(runCli(['report', '--out', dir, '--output', outside]).code).toBe(0);
    expect(existsSync(outside)).toBe(true);
  });

  test('an output file that cannot be written is an input error', () => {
    const file = join(scratch, 'no-such-dir', 'r.md');
    const result = runCli(['report', '--out', dir, '--output', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: file is not writable; ENOENT`);
  });

  test('an unexpected failure exits 2 and asks for a bug report', () => {
    const spy = jest.spyOn(report, 'egressReport').mockImplementation(() => { throw new TypeError('boom'); });
    try {
      const result = runCli(['report', '--out', dir]);
      expect([result.code, result.stdout]).toEqual([2, '']);
      expect(result.stderr).toMatch(/^cdktf-kubernetes-egress: unexpected failure, please report it: TypeError: boom\n/);
    } finally {
      spy.mockRestore();
    }
  });

  test('runs as a program: the report on standard output, exit 0; an input error on standard error, exit 1', () => {
    // Load the TypeScript sources as the compiled bin would run, without a build: types stripped on
    // require by sucrase (a fraction of the TypeScript compiler's time per process).
    const hook = require.resolve('sucrase/register/ts');
    const run = (args: string[]) => spawnSync(process.execPath, ['-r', hook, join(root, 'lib', 'cli.ts'), ...args], { cwd: root, encoding: 'utf8' });
    const ok = run(['report', '--out', dir]);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toBe(egressReport(dir));
    const bad = run(['report', '--out', join(scratch, 'nope')]);
    expect([bad.status, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toContain('nope: directory is missing');
  });

  test('is the package\'s bin, compiled with its shebang, and `npm run report`', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'cdktf-kubernetes-egress': 'dist/lib/cli.js' });
    expect(pkg.scripts.report).toBe('npm run build && node dist/lib/cli.js report');
    const source = readFileSync(join(root, 'lib', 'cli.ts'), 'utf8');
    const compiled = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    expect(compiled.split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});
