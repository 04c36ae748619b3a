#!/usr/bin/env node
/**
 * The command line: `cdktf-kubernetes-egress report` (also `npm run report`). See USAGE.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ReportInputError } from './report/errors';
import { described } from './core/errors';
import { egressReport } from './report';

export const USAGE = `Usage: cdktf-kubernetes-egress report [--out <dir>] [--output <file>] [--stack <name>]...

Writes a Markdown review of a cdktf output directory for a pull request: each firewall's rules in
the order it evaluates them, each egress tenant with the rules that match its range, each
cluster's path out, and a Mermaid diagram of the topology. Reads the directory, never changes it.

Options:
  --out <dir>       the cdktf output directory to read (default: cdktf.out)
  --output <file>   write the report to <file> instead of standard output (not inside --out)
  --stack <name>    report on this stack only; repeat it, or separate names with commas, for several
  -h, --help        show this help

Exit status: 0 when the report is written, 1 for a usage or input error, 2 for an unexpected failure.
`;

/** What a run printed and its exit status. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Options {
  out: string;
  output?: string;
  stacks: string[];
}

const PROGRAM = 'cdktf-kubernetes-egress';

function parse(args: readonly string[]): Options | 'help' {
  const [command, ...rest] = args;
  if (command === '-h' || command === '--help') return 'help';
  if (command === undefined) throw new ReportInputError(PROGRAM, 'command', undefined, 'the command is report');
  if (command !== 'report') throw new ReportInputError(PROGRAM, 'command', command, 'the only command is report');
  const options: Options = { out: 'cdktf.out', stacks: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const [name, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!['--out', '--output', '--stack'].includes(name)) {
      throw new ReportInputError(arg, 'argument', described('not an option of report'), 'options are --out <dir>, --output <file>, --stack <name> and --help');
    }
    const value = inline ?? rest[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      throw new ReportInputError(name, 'value', undefined, `give one: ${name} ${name === '--stack' ? '<name>' : name === '--out' ? '<dir>' : '<file>'}`);
    }
    if (name === '--out') options.out = value;
    else if (name === '--output') options.output = value;
    else options.stacks.push(...value.split(',').map((s) => s.trim()).filter(Boolean));
  }
  return options;
}

/** True when `rel` (a relative path) climbs out of its base: `..` or `../…`, not a name like `..x.md`. */
function climbsOut(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/** The real path of `file`, resolving links in it or, for a file not written yet, in its directory. */
function realPath(file: string): string {
  const full = path.resolve(file);
  if (fs.existsSync(full)) return fs.realpathSync(full);
  const dir = path.dirname(full);
  return path.join(fs.existsSync(dir) ? fs.realpathSync(dir) : dir, path.basename(full));
}

/** True when writing `file` would write into `dir`, following symbolic links on both sides. */
function within(dir: string, file: string): boolean {
  const base = fs.existsSync(dir) ? fs.realpathSync(dir) : path.resolve(dir);
  const rel = path.relative(base, realPath(file));
  return rel === '' || !climbsOut(rel);
}

/** Runs the command with `args` (what follows the program name); writes only the --output file. */
export function runCli(args: readonly string[]): CliResult {
  let options: Options | 'help';
  try {
    options = parse(args);
  } catch (e) {
    return { code: 1, stdout: '', stderr: `${(e as Error).message}\nSee ${PROGRAM} --help.\n` };
  }
  try {
    if (options === 'help') return { code: 0, stdout: USAGE, stderr: '' };
    if (options.output !== undefined && within(options.out, options.output)) {
      throw new ReportInputError('--output', 'value', options.output, `a file outside ${options.out}: the report never changes its input`);
    }
    const report = egressReport(options.out, { stacks: options.stacks });
    if (options.output === undefined) return { code: 0, stdout: report, stderr: '' };
    try {
      fs.writeFileSync(options.output, report);
    } catch (e) {
      throw new ReportInputError(options.output, 'file', described('not writable'), (e as Error).message);
    }
    return { code: 0, stdout: `Wrote ${options.output}\n`, stderr: '' };
  } catch (e) {
    if (e instanceof ReportInputError) return { code: 1, stdout: '', stderr: `${e.message}\n` };
    return { code: 2, stdout: '', stderr: `${PROGRAM}: unexpected failure, please report it: ${(e as Error).stack ?? String(e)}\n` };
  }
}

if (require.main === module) {
  const result = runCli(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
