import { IConstruct } from 'constructs';
import { AnnotationMetadataEntryType } from 'cdktf';
import { ValidationError } from '../core';
import { SecurityCheckId } from './check';

/** A check a construct is exempt from, and why. */
export interface Exemption {
  readonly checkId: SecurityCheckId;
  readonly reason: string;
}

/** An exemption with the construct it was recorded on. */
export interface RecordedExemption extends Exemption {
  /** The construct path it was recorded on; it covers that construct and everything inside it. */
  readonly path: string;
}

const EXEMPTIONS = Symbol.for('cdktf-kubernetes-egress.securityExemptions');

type Holder = { [EXEMPTIONS]?: Exemption[] };

/**
 * Adds an annotation without a stack trace: a trace holds absolute paths of the machine that ran the
 * synth, and synthesized output must be the same everywhere.
 */
export function annotate(construct: IConstruct, level: 'info' | 'warning', message: string): void {
  const type = level === 'info' ? AnnotationMetadataEntryType.INFO : AnnotationMetadataEntryType.WARN;
  construct.node.addMetadata(type, message, { stackTrace: false });
}

/** Records an exemption on `construct` and announces it as an info annotation. */
export function recordExemption(construct: IConstruct, checkId: SecurityCheckId, reason: string, known: readonly string[]): void {
  if (!known.includes(checkId)) {
    throw new ValidationError(construct, 'exemption', checkId, `the security checks are ${known.join(', ')}`);
  }
  if (typeof reason !== 'string' || reason.trim().length < 10) {
    throw new ValidationError(construct, `exemption ${checkId}: reason`, reason,
      'an exemption needs a reason of at least 10 characters (not counting spaces at either end): a sentence saying why the construct may break the check, which reviewers can judge');
  }
  const holder = construct as unknown as Holder;
  if (!holder[EXEMPTIONS]) Object.defineProperty(construct, EXEMPTIONS, { value: [], enumerable: false });
  if (holder[EXEMPTIONS]!.some((e) => e.checkId === checkId)) {
    throw new ValidationError(construct, 'exemption', checkId, 'the construct is already exempt from it; give one reason');
  }
  holder[EXEMPTIONS]!.push({ checkId, reason: reason.trim() });
  annotate(construct, 'info', `${checkId} exempted: ${reason.trim()}`);
}

/** The exemption from `checkId` that covers `construct`: its own, or the nearest of its scopes'. */
export function exemptionFor(construct: IConstruct, checkId: SecurityCheckId): Exemption | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = (scope as unknown as Holder)[EXEMPTIONS]?.find((e) => e.checkId === checkId);
    if (found) return found;
  }
  return undefined;
}

/** Every exemption recorded in the app `scope` belongs to, in construct-tree order. */
export function exemptionsInApp(scope: IConstruct): RecordedExemption[] {
  return scope.node.root.node.findAll().flatMap((node) =>
    ((node as unknown as Holder)[EXEMPTIONS] ?? []).map((e) => ({ ...e, path: node.node.path })));
}
