import { AnnotationMetadataEntryType, App, Aspects, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { ValidationError } from '../../lib/core';
import { SecurityCheckId, SecurityChecks, SecurityChecksProps } from '../../lib/checks';

/** Builds constructs in `app` (in one or more stacks) and returns the construct a finding is about. */
export type Scenario = (app: App) => IConstruct;

/** Builds `scenario` in a fresh app, adds SecurityChecks(`props`) to every stack and synthesizes each. */
export function runChecks(scenario: Scenario, props: SecurityChecksProps): App {
  const app = Testing.app();
  scenario(app);
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  for (const stack of stacks) Aspects.of(stack).add(new SecurityChecks(props));
  for (const stack of stacks) Testing.synth(stack, true);
  return app;
}

/** Only check `id`, at `level`. */
export function only(id: SecurityCheckId, level: 'error' | 'warning' | 'off'): SecurityChecksProps {
  return { defaultLevel: 'off', levels: { [id]: level } };
}

/** The messages of every annotation of `type` in the app, in construct-tree order. */
export function annotations(app: IConstruct, type: 'warning' | 'info'): string[] {
  const wanted = type === 'warning' ? AnnotationMetadataEntryType.WARN : AnnotationMetadataEntryType.INFO;
  return app.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === wanted).map((m) => String(m.data)));
}

/** The ValidationError `fn` throws; fails the test when it throws nothing or something else. */
export function validationErrorOf(fn: () => unknown): ValidationError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error('expected a ValidationError, nothing was thrown');
  if (!(thrown instanceof ValidationError)) throw thrown;
  return thrown;
}

/**
 * The four behaviours every check has, on a scenario that triggers it once with message `expected`:
 * an error fails the synth with exactly that message, a warning is a warning annotation with it, off
 * is silent, and an exemption on the construct the finding is about silences it and shows its reason.
 */
export function describeLevels(id: SecurityCheckId, scenario: Scenario, expected: string): void {
  test('at level error, the synth fails with a ValidationError naming the construct, field, value and what is allowed', () => {
    const error = validationErrorOf(() => runChecks(scenario, only(id, 'error')));
    expect(error.message).toBe(expected);
  });

  test('at level warning, the construct gets a warning annotation and the synth goes on', () => {
    expect(annotations(runChecks(scenario, only(id, 'warning')), 'warning')).toEqual([expected]);
  });

  test('off, the check is silent', () => {
    expect(annotations(runChecks(scenario, only(id, 'off')), 'warning')).toEqual([]);
  });

  test('an exemption of the construct, with its reason, silences the check and is shown as info', () => {
    const reason = 'the test scenario breaks the check on purpose';
    const app = runChecks((a) => {
      const site = scenario(a);
      SecurityChecks.exempt(site, id, reason);
      return site;
    }, only(id, 'error'));
    expect(annotations(app, 'info')).toEqual([`${id} exempted: ${reason}`]);
    expect(annotations(app, 'warning')).toEqual([]);
  });
}
