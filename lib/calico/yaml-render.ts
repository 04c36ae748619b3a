import { stringifyYaml } from '../core/yaml';

/**
 * YAML of one Kubernetes object, exactly as `stringify(value, { lineWidth: 0 })` of the `yaml`
 * package writes it. Most objects the library renders are maps, lists, whole numbers, booleans and
 * strings that YAML writes without quotes (names, labels, CIDRs); those are written here directly,
 * at a fraction of the cost. Anything else (a string that needs quotes, a float, null, a list in a
 * list) goes to `yaml` whole, so the text is the same either way.
 */
export function renderYaml(value: unknown): string {
  return simpleYaml(value) ?? stringifyYaml(value, { lineWidth: 0 });
}

/** The YAML of `value` when it only holds what {@link renderYaml} writes itself, else undefined. */
export function simpleYaml(value: unknown): string | undefined {
  const lines: string[] = [];
  if (isMap(value)) {
    if (Object.keys(value).length === 0 || !writeMap(value, '', lines)) return undefined;
  } else if (Array.isArray(value)) {
    if (value.length === 0 || !writeList(value, '', lines)) return undefined;
  } else {
    return undefined;
  }
  return `${lines.join('\n')}\n`;
}

function isMap(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

// Each writer appends lines and returns false as soon as it meets something it does not write.

function writeMap(map: Record<string, unknown>, indent: string, lines: string[], firstPrefix?: string): boolean {
  let first = true;
  for (const [key, v] of Object.entries(map)) {
    if (!isPlainString(key)) return false;
    const head = `${first && firstPrefix !== undefined ? firstPrefix : indent}${key}:`;
    first = false;
    if (isMap(v)) {
      if (Object.keys(v).length === 0) {
        lines.push(`${head} {}`);
      } else {
        lines.push(head);
        if (!writeMap(v, `${indent}  `, lines)) return false;
      }
    } else if (Array.isArray(v)) {
      if (v.length === 0) {
        lines.push(`${head} []`);
      } else {
        lines.push(head);
        if (!writeList(v, `${indent}  `, lines)) return false;
      }
    } else {
      const s = scalar(v);
      if (s === undefined) return false;
      lines.push(`${head} ${s}`);
    }
  }
  return true;
}

function writeList(list: readonly unknown[], indent: string, lines: string[]): boolean {
  for (const item of list) {
    if (isMap(item)) {
      // `- ` then the map's first pair on the same line, its other pairs under it.
      if (Object.keys(item).length === 0) {
        lines.push(`${indent}- {}`);
      } else if (!writeMap(item, `${indent}  `, lines, `${indent}- `)) {
        return false;
      }
    } else if (Array.isArray(item)) {
      return false;
    } else {
      const s = scalar(item);
      if (s === undefined) return false;
      lines.push(`${indent}- ${s}`);
    }
  }
  return true;
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return isPlainString(v) ? v : isIndicatorString(v) ? `"${v}"` : undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

// Strings YAML writes as they are: letters, digits and `_ . / -`, not starting with `-` or `.`, and
// not read back as anything but a string (a number, a boolean or null, in any YAML version).
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const NUMBER_LIKE = /^[0-9+._-]*[0-9][0-9a-fA-FxXoObB+._eE-]*$/;
const WORDS = /^(true|false|yes|no|on|off|y|n|null|nan|inf)$/i;

function isPlainString(s: string): boolean {
  return PLAIN.test(s) && !NUMBER_LIKE.test(s) && !WORDS.test(s);
}

// Strings that start with a YAML indicator (`!all()`, the selector of an IP pool no node uses, `*`,
// `&x`, `[a]`) can never be plain; the yaml package writes them in double quotes, as JSON would, when
// they hold only printable ASCII without quotes or backslashes (nothing to escape, no line to fold
// with lineWidth 0).
const INDICATOR_START = /^[!&*%@`|>#,[\]{}]/;
const QUOTABLE = /^[\x20-\x21\x23-\x26\x28-\x5b\x5d-\x7e]+$/;

function isIndicatorString(s: string): boolean {
  return INDICATOR_START.test(s) && QUOTABLE.test(s);
}
