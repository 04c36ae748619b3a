import { checkSelector, isCalicoSelector, selectorError } from '../../lib/calico';

describe('Calico selectors', () => {
  test.each([
    '',
    'all()',
    '!all()',
    'global()',
    "route-reflector == 'true'",
    "projectcalico.org/name == \"tenant0-egw\"",
    "tenant != 'a' && has(kubernetes.io/os)",
    "!has(a) || (b in {'x', 'y'} && c not in {})",
    "c notin {'x'}",
    "name contains 'egw' || name starts with 'tenant' || name ends with '-egw'",
    "!!(a == 'b')",
  ])('%j parses', (selector) => {
    expect(selectorError(selector)).toBeUndefined();
    expect(isCalicoSelector(selector)).toBe(true);
  });

  test.each([
    ["a == 'b", 'the quote at character 6 is not closed'],
    ["(a == 'b'", 'the parenthesis at character 1 is not closed'],
    ["a == 'b')", 'unexpected ) at character 9'],
    ["a = 'b'", 'character 3 ("=") is not part of a selector'],
    ["a == b", '== at character 3 needs a quoted value'],
    ["a in 'b'", "in at character 3 needs a set such as {'a', 'b'}"],
    ["a in {'b'", 'the set at character 6 is not closed with }'],
    ["a like 'b'", 'a label at character 1 is followed by a label; expected ==, !=, in, not in, contains, starts with or ends with'],
    ["a == 'b' &&", 'unexpected end of selector at character 12'],
    ["a == 'b' | c == 'd'", 'character 10 ("|") is not part of a selector'],
    ["a == 'x' || b == 'y' c", 'unexpected a label at character 22'],
  ])('%j does not parse: %s', (selector, why) => {
    expect(selectorError(selector)).toBe(why);
    expect(isCalicoSelector(selector)).toBe(false);
  });

  test('checkSelector names the site, the field and the value', () => {
    expect(() => checkSelector('tenant t', 'selector', "a == 'b")).toThrow(
      "tenant t: selector is \"a == 'b\"; not a Calico selector: the quote at character 6 is not closed (operators: ==, !=, in, not in, contains, starts with, ends with, has(), all(), !, &&, ||, parentheses)");
    expect(() => checkSelector('tenant t', 'selector', 3)).toThrow(
      "tenant t: selector is 3; a Calico selector is a string, e.g. \"tenant == 'tenant0-egw'\"");
    expect(() => checkSelector('tenant t', 'selector', undefined)).not.toThrow();
  });
});
