import { Token } from 'cdktf';
import { ErrorSite, ValidationError, knownOrWarn } from '../core';

/**
 * Calico's selector grammar, checked at synth so a selector Calico would refuse (or, worse, read
 * differently) never reaches a plan. The grammar follows Calico's selector reference
 * (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors):
 *
 *   expr      := and ('||' and)*
 *   and       := operation ('&&' operation)*
 *   operation := '!'* ( 'all()' | 'global()' | 'has(' label ')' | '(' expr ')'
 *                     | label ('==' | '!=' | 'contains' | 'starts with' | 'ends with') string
 *                     | label ('in' | 'not in') '{' [string (',' string)*] '}' )
 *
 * Strings are quoted with `'` or `"` (no escapes); labels are letters, digits, `_`, `.`, `/`, `-`.
 * An empty selector selects everything, as in Calico.
 */

type Kind = 'label' | 'string' | '(' | ')' | '{' | '}' | ',' | '==' | '!=' | '!' | '&&' | '||'
  | 'in' | 'not in' | 'contains' | 'starts with' | 'ends with' | 'all()' | 'global()' | 'has' | 'eof';

interface Tok { readonly kind: Kind; readonly at: number }

const IDENT = /^[A-Za-z0-9_./-]+/;

function tokenize(input: string): Tok[] | string {
  const out: Tok[] = [];
  let i = 0;
  const rest = () => input.slice(i);
  const word = (text: string): boolean => {
    // A keyword ends at a character that cannot continue a label.
    const m = new RegExp(`^${text.replace(' ', '[ \\t]*')}(?![A-Za-z0-9_./-])`).exec(rest());
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    const at = i;
    const last = out.length > 0 ? out[out.length - 1].kind : undefined;
    if (c === '(' || c === ')' || c === '{' || c === '}' || c === ',') { out.push({ kind: c, at }); i++; continue; }
    if (c === '"' || c === '\'') {
      const end = input.indexOf(c, i + 1);
      if (end < 0) return `the quote at character ${at + 1} is not closed`;
      out.push({ kind: 'string', at });
      i = end + 1;
      continue;
    }
    if (rest().startsWith('==')) { out.push({ kind: '==', at }); i += 2; continue; }
    if (rest().startsWith('!=')) { out.push({ kind: '!=', at }); i += 2; continue; }
    if (c === '!') { out.push({ kind: '!', at }); i++; continue; }
    if (rest().startsWith('&&')) { out.push({ kind: '&&', at }); i += 2; continue; }
    if (rest().startsWith('||')) { out.push({ kind: '||', at }); i += 2; continue; }
    if (last === 'label') {
      const op = (['contains', 'starts with', 'ends with', 'not in', 'in'] as const).find((k) => word(k));
      if (op) { out.push({ kind: op, at }); continue; }
    } else {
      const has = /^has\(([A-Za-z0-9_./-]+)\)/.exec(rest());
      if (has) { out.push({ kind: 'has', at }); i += has[0].length; continue; }
      if (rest().startsWith('all()')) { out.push({ kind: 'all()', at }); i += 5; continue; }
      if (rest().startsWith('global()')) { out.push({ kind: 'global()', at }); i += 8; continue; }
    }
    const id = IDENT.exec(rest());
    if (!id) return `character ${at + 1} (${JSON.stringify(c)}) is not part of a selector`;
    out.push({ kind: 'label', at });
    i += id[0].length;
  }
  out.push({ kind: 'eof', at: input.length });
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  public parse(): string | undefined {
    if (this.peek().kind === 'eof') return undefined;
    const err = this.or();
    if (err) return err;
    const t = this.peek();
    return t.kind === 'eof' ? undefined : `unexpected ${describe(t)} at character ${t.at + 1}`;
  }

  private peek(): Tok { return this.toks[this.pos]; }
  private next(): Tok { return this.toks[this.pos++]; }

  private or(): string | undefined {
    let err = this.and();
    while (!err && this.peek().kind === '||') { this.pos++; err = this.and(); }
    return err;
  }

  private and(): string | undefined {
    let err = this.operation();
    while (!err && this.peek().kind === '&&') { this.pos++; err = this.operation(); }
    return err;
  }

  private operation(): string | undefined {
    while (this.peek().kind === '!') this.pos++;
    const t = this.next();
    switch (t.kind) {
      case 'all()': case 'global()': case 'has': return undefined;
      case '(': {
        const err = this.or();
        if (err) return err;
        const close = this.next();
        return close.kind === ')' ? undefined : `the parenthesis at character ${t.at + 1} is not closed`;
      }
      case 'label': {
        const op = this.next();
        if (['==', '!=', 'contains', 'starts with', 'ends with'].includes(op.kind)) {
          const v = this.next();
          return v.kind === 'string' ? undefined : `${op.kind} at character ${op.at + 1} needs a quoted value`;
        }
        if (op.kind === 'in' || op.kind === 'not in') {
          const open = this.next();
          if (open.kind !== '{') return `${op.kind} at character ${op.at + 1} needs a set such as {'a', 'b'}`;
          while (this.peek().kind === 'string') {
            this.pos++;
            if (this.peek().kind !== ',') break;
            this.pos++;
          }
          const close = this.next();
          return close.kind === '}' ? undefined : `the set at character ${open.at + 1} is not closed with }`;
        }
        return `a label at character ${t.at + 1} is followed by ${describe(op)}; expected ==, !=, in, not in, contains, starts with or ends with`;
      }
      default:
        return `unexpected ${describe(t)} at character ${t.at + 1}`;
    }
  }
}

function describe(t: Tok): string {
  if (t.kind === 'eof') return 'end of selector';
  if (t.kind === 'label') return 'a label';
  if (t.kind === 'string') return 'a quoted value';
  return t.kind;
}

/** Why `selector` is not a Calico selector, or undefined when it is one. */
export function selectorError(selector: string): string | undefined {
  const toks = tokenize(selector);
  if (typeof toks === 'string') return toks;
  return new Parser(toks).parse();
}

/** True when `selector` parses as a Calico selector. */
export function isCalicoSelector(selector: string): boolean {
  return selectorError(selector) === undefined;
}

/**
 * Throws a ValidationError unless `selector` is a Calico selector (a deploy-time reference is left
 * to Calico). `undefined` passes: the field is optional.
 */
export function checkSelector(site: ErrorSite, field: string, selector: unknown): void {
  if (selector === undefined) return;
  if (typeof selector === 'string' && Token.isUnresolved(selector)) {
    // A reference is checked through the literal the app set for it; a construct says when it cannot be.
    if (typeof site === 'string') return;
    const known = knownOrWarn(site, field, selector, 'the Calico selector grammar');
    if (known === undefined) return;
    checkSelector(site, field, known);
    return;
  }
  if (typeof selector !== 'string') {
    throw new ValidationError(site, field, selector, "a Calico selector is a string, e.g. \"tenant == 'tenant0-egw'\"");
  }
  const err = selectorError(selector);
  if (err !== undefined) {
    throw new ValidationError(site, field, selector,
      `not a Calico selector: ${err} (operators: ==, !=, in, not in, contains, starts with, ends with, has(), all(), !, &&, ||, parentheses)`);
  }
}
