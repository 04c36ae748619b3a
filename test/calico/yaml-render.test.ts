import { App, Testing } from 'cdktf';
import { stringify } from 'yaml';
import { ClusterManifests } from '../../lib/calico';
import { renderYaml, simpleYaml } from '../../lib/calico/yaml-render';
import { buildExamples } from '../../stacks/examples';
import { buildGeneratedHub } from '../../scripts/generated-hub';

const reference = (value: unknown) => stringify(value, { lineWidth: 0 });

describe('renderYaml', () => {
  test('writes every object of the example stacks and of a generated hub as the yaml package does', () => {
    const app = Testing.app() as App;
    buildExamples(app);
    buildGeneratedHub(app, 2);
    const objects = app.node.findAll().filter(ClusterManifests.isClusterManifests)
      .flatMap((m) => m.entries.map((e) => JSON.parse(JSON.stringify(e.object)) as unknown));
    expect(objects.length).toBeGreaterThan(40);
    const direct = objects.filter((o) => simpleYaml(o) !== undefined);
    // Most objects take the direct path; each one reads exactly as the yaml package writes it.
    expect(direct.length).toBeGreaterThan(objects.length / 2);
    for (const o of direct) expect(simpleYaml(o)).toBe(reference(o));
    for (const o of objects) expect(renderYaml(o)).toBe(reference(o));
  });

  test('writes every object of a generated hub itself, IP pools no node uses included', () => {
    const app = Testing.app() as App;
    buildGeneratedHub(app, 1);
    const objects = app.node.findAll().filter(ClusterManifests.isClusterManifests)
      .flatMap((m) => m.entries.map((e) => JSON.parse(JSON.stringify(e.object)) as unknown));
    expect(objects.map((o) => (o as { kind: string }).kind)).toContain('IPPool');
    for (const o of objects) expect(simpleYaml(o)).toBe(reference(o));
  });

  test('writes a string that starts with an indicator in double quotes, as the yaml package does', () => {
    const value = {
      spec: { nodeSelector: '!all()', selector: '!has(a) && b == c' },
      list: ['*', '&x', '[a]', '{b}', '|x', '>x', '%x', '@x', '`x', '#x', ', x', '! spaced : and # hash', '!'],
    };
    const text = simpleYaml(value);
    expect(text).toBe(reference(value));
    expect(text?.split('\n').slice(0, 4)).toEqual(['spec:', '  nodeSelector: "!all()"', '  selector: "!has(a) && b == c"', 'list:']);
    // Quotes, backslashes and other characters still go to the yaml package.
    for (const s of ["!x == 'y'", '!x "y"', '!a\\b', '!é', '!a\tb']) {
      expect(simpleYaml({ a: s })).toBeUndefined();
      expect(renderYaml({ a: s })).toBe(reference({ a: s }));
    }
  });

  test('writes nested maps and lists, empty ones and plain scalars itself', () => {
    const value = {
      apiVersion: 'projectcalico.org/v3',
      kind: 'IPPool',
      metadata: { name: 'pool-a', labels: {} },
      spec: {
        cidr: '10.250.3.112/29',
        blockSize: 31,
        disabled: false,
        allowedUses: [],
        pools: [{ name: 'a', nested: { deep: ['x', 'z'] } }, { list: [{ k: 'v' }], other: 'w' }, {}, 'scalar', 7],
        path_like: 'kubernetes.io/os',
      },
    };
    const text = simpleYaml(value);
    expect(text).toBe(reference(value));
    expect(text).toBe([
      'apiVersion: projectcalico.org/v3', 'kind: IPPool', 'metadata:', '  name: pool-a', '  labels: {}', 'spec:',
      '  cidr: 10.250.3.112/29', '  blockSize: 31', '  disabled: false', '  allowedUses: []', '  pools:',
      '    - name: a', '      nested:', '        deep:', '          - x', '          - z',
      '    - list:', '        - k: v', '      other: w', '    - {}', '    - scalar', '    - 7',
      '  path_like: kubernetes.io/os', '',
    ].join('\n'));
    expect(simpleYaml([{ a: { b: 1 } }, { c: [1, 2] }])).toBe(reference([{ a: { b: 1 } }, { c: [1, 2] }]));
  });

  test.each([
    ['a string YAML would read as something else', { a: 'true' }],
    ['a number as a string', { a: '10' }],
    ['an IP address', { a: '10.0.0.1' }],
    ['a float-looking string', { a: '1e3' }],
    ['yes and no', { a: 'yes', b: 'No' }],
    ['null as a word', { a: 'null', b: '~' }],
    ['a selector with quotes and spaces', { selector: "tenant == 'a' && !has(x)" }],
    ['a leading dash or dot', { a: '-x', b: '.x' }],
    ['an empty string', { a: '' }],
    ['a multi-line string', { a: 'one\ntwo' }],
    ['a float', { a: 1.5 }],
    ['null', { a: null }],
    ['a list in a list', { a: [[1, 2]] }],
    ['a key that needs quotes', { 'a b': 1, '1': 2 }],
    ['a very long plain string', { a: 'x'.repeat(200) }],
  ])('leaves %s to the yaml package, with the same text', (_what, value) => {
    expect(renderYaml(value)).toBe(reference(value));
  });

  test('hands over whenever it meets what it does not write', () => {
    expect(simpleYaml({ a: 'true' })).toBeUndefined();
    expect(simpleYaml({ a: [[1]] })).toBeUndefined();
    expect(simpleYaml({ a: 1.5 })).toBeUndefined();
    expect(simpleYaml({})).toBeUndefined();
    expect(simpleYaml('text')).toBeUndefined();
    expect(simpleYaml({ a: 'x'.repeat(200) })).toBe(reference({ a: 'x'.repeat(200) }));
  });
});
