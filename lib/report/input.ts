import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ReportInputError } from './errors';
import { described } from '../core/errors';

/**
 * Reading a cdktf output directory: `manifest.json`, each stack's `cdk.tf.json` and the Kubernetes
 * objects the library writes as YAML under `manifests/<stack>/`. Only reads: nothing here opens a
 * file for writing.
 */

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** The parts of a synthesized stack the report reads. */
export interface TerraformJson {
  readonly resource?: { [type: string]: { [name: string]: JsonObject } };
  readonly data?: { [type: string]: { [name: string]: JsonObject } };
  readonly output?: { [name: string]: JsonObject };
  readonly provider?: { [name: string]: JsonObject[] };
  readonly variable?: { [name: string]: JsonObject };
  readonly locals?: { [name: string]: unknown };
  readonly terraform?: JsonObject;
}

/** A Kubernetes object read from a YAML file. */
export interface YamlObject {
  /** The file, as a path under the output directory (`manifests/<stack>/03-tenant0.yaml`). */
  readonly file: string;
  /** The construct that declared it, from the header the library writes. @default - none */
  readonly owner?: string;
  readonly object: JsonObject;
}

/** One stack of the output. */
export interface StackInput {
  readonly name: string;
  /** Its cdk.tf.json, as a path for messages (the output directory as given, joined with the manifest's path). */
  readonly file: string;
  /** Stacks it depends on, as manifest.json lists them. */
  readonly dependencies: readonly string[];
  readonly json: TerraformJson;
  /** Kubernetes objects under `manifests/<stack>/`, in file order. */
  readonly yaml: readonly YamlObject[];
}

/** A cdktf output directory, read. */
export interface SynthOutput {
  /** The directory as given. */
  readonly dir: string;
  /** Every stack, sorted by name. */
  readonly stacks: readonly StackInput[];
}

const SYNTH_HINT = 'run `cdktf synth` (or `npm run synth`) first, or pass --out with the directory it writes';

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeJson(value: unknown): { toString(): string } {
  return described(describeJsonText(value));
}

function describeJsonText(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReportInputError(file, 'file', described('missing'), what);
    if (code === 'EISDIR') throw new ReportInputError(file, 'path', described('a directory'), 'expected a file');
    throw new ReportInputError(file, 'file', described('unreadable'), `${(e as Error).message}`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReportInputError(file, 'content', described(`not valid JSON (${(e as Error).message})`),
      'cdktf synth writes JSON here; synthesize again');
  }
}

/** Resolves `relative` under `dir`, refusing a path that leaves it. */
function inside(dir: string, relative: string, file: string, field: string): string {
  const full = path.join(dir, relative);
  const rel = path.relative(path.resolve(dir), path.resolve(full));
  if (path.isAbsolute(relative) || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new ReportInputError(file, field, relative, `a path inside ${dir}`);
  }
  return full;
}

const TOP_LEVEL_OBJECTS = ['resource', 'data', 'output', 'provider', 'variable', 'locals', 'terraform'] as const;

function checkStackJson(file: string, json: unknown): TerraformJson {
  if (!isObject(json)) {
    throw new ReportInputError(file, 'content', describeJson(json), 'a synthesized stack is a JSON object');
  }
  for (const key of TOP_LEVEL_OBJECTS) {
    if (json[key] !== undefined && !isObject(json[key])) {
      throw new ReportInputError(file, key, describeJson(json[key]), 'cdktf writes an object here');
    }
  }
  for (const block of ['resource', 'data'] as const) {
    for (const [type, byName] of Object.entries((json[block] ?? {}) as JsonObject)) {
      if (!isObject(byName)) {
        throw new ReportInputError(file, `${block}.${type}`, describeJson(byName), 'cdktf writes an object of blocks keyed by name');
      }
      for (const [name, config] of Object.entries(byName)) {
        if (!isObject(config)) {
          throw new ReportInputError(file, `${block}.${type}.${name}`, describeJson(config), 'a resource\'s configuration is an object');
        }
      }
    }
  }
  for (const [name, configs] of Object.entries((json.provider ?? {}) as JsonObject)) {
    if (!Array.isArray(configs) || !configs.every(isObject)) {
      throw new ReportInputError(file, `provider.${name}`, describeJson(configs), 'cdktf writes a list of provider configurations');
    }
  }
  return json as TerraformJson;
}

const HEADER = /^# (\S+): generated by cdktf-kubernetes-egress/;

function readYaml(dir: string, stack: string): YamlObject[] {
  const folder = path.join(dir, 'manifests', stack);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) return [];
  const files = fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort();
  const objects: YamlObject[] = [];
  for (const name of files) {
    const file = path.join(folder, name);
    const text = readText(file, 'it was listed a moment ago');
    const owner = HEADER.exec(text)?.[1];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new ReportInputError(file, 'content', described(`not valid YAML (${doc.errors[0].message.split('\n')[0]})`),
          'the library writes Kubernetes objects as YAML documents here; synthesize again');
      }
      const object: unknown = doc.toJS();
      if (isObject(object) && typeof object.kind === 'string') {
        objects.push({ file: path.posix.join('manifests', stack, name), ...(owner ? { owner } : {}), object });
      }
    }
  }
  return objects;
}

/**
 * Reads the cdktf output directory `dir`. Throws a {@link ReportInputError} naming the path and the
 * problem when the directory, its manifest.json or a stack's JSON is missing or malformed.
 */
export function readSynthOutput(dir: string): SynthOutput {
  if (!fs.existsSync(dir)) throw new ReportInputError(dir, 'directory', described('missing'), SYNTH_HINT);
  if (!fs.statSync(dir).isDirectory()) throw new ReportInputError(dir, 'path', described('not a directory'), SYNTH_HINT);
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = parseJson(manifestFile, readText(manifestFile, `every cdktf output directory has one; ${SYNTH_HINT}`));
  if (!isObject(manifest)) {
    throw new ReportInputError(manifestFile, 'content', describeJson(manifest), 'cdktf writes a JSON object here; synthesize again');
  }
  if (!isObject(manifest.stacks)) {
    throw new ReportInputError(manifestFile, 'stacks', describeJson(manifest.stacks), 'cdktf writes an object of stacks keyed by name; synthesize again');
  }
  const stacks: StackInput[] = [];
  for (const name of Object.keys(manifest.stacks).sort()) {
    const entry = manifest.stacks[name];
    const field = `stacks.${name}.synthesizedStackPath`;
    if (!isObject(entry) || typeof entry.synthesizedStackPath !== 'string') {
      throw new ReportInputError(manifestFile, field, isObject(entry) ? entry.synthesizedStackPath : describeJson(entry),
        'the path of the stack\'s cdk.tf.json, relative to the output directory');
    }
    const file = inside(dir, entry.synthesizedStackPath, manifestFile, field);
    const json = checkStackJson(file, parseJson(file, readText(file, `${manifestFile} lists stack ${name} there; synthesize again`)));
    const deps = Array.isArray(entry.dependencies) ? entry.dependencies.filter((d): d is string => typeof d === 'string') : [];
    stacks.push({ name, file, dependencies: [...deps].sort(), json, yaml: readYaml(dir, name) });
  }
  return { dir, stacks };
}

/**
 * Keeps the stacks named in `names` (all when empty); throws a {@link ReportInputError} for a name
 * the output does not hold.
 */
export function selectStacks(output: SynthOutput, names: readonly string[]): string[] {
  const known = output.stacks.map((s) => s.name);
  for (const name of names) {
    if (!known.includes(name)) {
      throw new ReportInputError('--stack', 'value', name,
        `${path.join(output.dir, 'manifest.json')} holds ${known.length > 0 ? known.join(', ') : 'no stacks'}`);
    }
  }
  return names.length > 0 ? known.filter((n) => names.includes(n)) : known;
}
