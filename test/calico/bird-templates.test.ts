import { parseAllDocuments } from 'yaml';
import { BIRD_TEMPLATES_CONFIG_MAP, BirdTemplateFile, BirdTemplates, BirdTemplatesProps, TIGERA_OPERATOR_NAMESPACE, directToMultihop } from '../../lib/calico';
import { clusterStack, manifestResource, synth } from '../helpers';
import { FIXTURE_TEMPLATE } from './fixtures';

const build = (templates: BirdTemplateFile[] = [{ name: 'bird.cfg.template', content: FIXTURE_TEMPLATE, directToMultihopTtl: 2 }],
  over: Partial<BirdTemplatesProps> = {}) => {
  const { stack, manifests } = clusterStack();
  const construct = new BirdTemplates(manifests, 'bird-templates', { templates, ...over });
  return { stack, manifests, construct };
};

describe('directToMultihop', () => {
  test('turns each BIRD `direct;` statement into `multihop <ttl>;` and changes no other line', () => {
    const edited = directToMultihop('site', 'template', FIXTURE_TEMPLATE, 2);
    expect(edited.changedLines).toEqual([4, 8]);
    const before = FIXTURE_TEMPLATE.split('\n');
    const after = edited.text.split('\n');
    expect(after).toHaveLength(before.length);
    expect(after[3]).toBe('  multihop 2;');
    expect(after[7]).toBe('  {{if .Connected}}multihop 2;{{end}}');
    // The comment and the next-hop mode `gateway direct;` stay as they are.
    expect(after.filter((_, i) => i !== 3 && i !== 7)).toEqual(before.filter((_, i) => i !== 3 && i !== 7));
  });

  test.each([
    ['a template without a direct statement', 'protocol bgp P {\n  gateway direct;\n  multihop;\n}\n', 2,
      'site: template.content is 5 lines; no line writes BIRD\'s `direct;` for directly connected peers; this is not the template the multihop edit was written for'],
    ['a TTL of 0', FIXTURE_TEMPLATE, 0, 'site: template.directToMultihopTtl is 0; a TTL is 1 to 255'],
    ['a TTL above 255', FIXTURE_TEMPLATE, 256, 'site: template.directToMultihopTtl is 256; a TTL is 1 to 255'],
  ])('rejects %s', (_, template, ttl, message) => {
    expect(() => directToMultihop('site', 'template', template, ttl)).toThrow(message);
  });
});

describe('BirdTemplates', () => {
  test('renders the bird-templates ConfigMap in tigera-operator, in Terraform and YAML alike', () => {
    const { stack, manifests, construct } = build();
    const json = synth(stack);
    const expected = {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bird-templates', namespace: 'tigera-operator' },
      data: { 'bird.cfg.template': directToMultihop('x', 'x', FIXTURE_TEMPLATE, 2).text },
    };
    expect(manifestResource(json, 'ConfigMap', 'bird-templates', 'tigera-operator').manifest).toEqual(expected);
    expect(manifestResource(json, 'ConfigMap', 'bird-templates').field_manager).toEqual({ name: 'cdktf-kubernetes-egress' });
    expect(parseAllDocuments(manifests.toYaml(construct)).map((d) => d.toJSON())).toEqual([expected]);
    expect(construct.changedLines).toEqual({ 'bird.cfg.template': [4, 8] });
    expect([BIRD_TEMPLATES_CONFIG_MAP, TIGERA_OPERATOR_NAMESPACE]).toEqual(['bird-templates', 'tigera-operator']);
  });

  test('takes a file as it is without an edit, several files, and another operator namespace', () => {
    const { stack, construct } = build([
      { name: 'bird.cfg.template', content: FIXTURE_TEMPLATE },
      { name: 'bird_ipam.cfg.template', content: 'filter f { accept; }\n' },
    ], { namespace: 'operator' });
    const cm = manifestResource(synth(stack), 'ConfigMap', 'bird-templates', 'operator').manifest;
    expect(cm.data).toEqual({ 'bird.cfg.template': FIXTURE_TEMPLATE, 'bird_ipam.cfg.template': 'filter f { accept; }\n' });
    expect(construct.changedLines).toEqual({});
  });

  const at = 'cluster/calico/bird-templates';
  test.each([
    ['a template the edit does not fit', [{ name: 'bird.cfg.template', content: 'protocol device {}\n', directToMultihopTtl: 2 }],
      `${at}: templates[bird.cfg.template].content is 2 lines; no line writes BIRD's \`direct;\``],
    ['a file name that is no ConfigMap key', [{ name: 'templates/bird.cfg.template', content: FIXTURE_TEMPLATE }],
      `${at}: templates[templates/bird.cfg.template].name is "templates/bird.cfg.template"; a template's file name is 1 to 253 letters, digits, '-', '_' or '.'`],
    ['a file named twice', [{ name: 'bird.cfg.template', content: FIXTURE_TEMPLATE }, { name: 'bird.cfg.template', content: FIXTURE_TEMPLATE }],
      `${at}: templates[bird.cfg.template].name is "bird.cfg.template"; each file is named once`],
    ['an empty template', [{ name: 'bird.cfg.template', content: '' }],
      `${at}: templates[bird.cfg.template].content is ""; the template is a literal, non-empty text: the file as your Calico Enterprise version ships it`],
    ['text Terraform would interpolate', [{ name: 'bird.cfg.template', content: 'router id ${node_ip};\n' }],
      `${at}: templates[bird.cfg.template].content is "\${"; Terraform would read it as an interpolation in the kubernetes_manifest`],
    ['no files', [], `${at}: templates is []; name at least one template file`],
  ])('rejects %s', (_, templates, message) => {
    expect(() => build(templates as BirdTemplateFile[])).toThrow(message);
  });

  test('rejects an operator namespace that is not DNS-1123', () => {
    expect(() => build(undefined, { namespace: 'Tigera' })).toThrow(`${at}: namespace is "Tigera"; a Kubernetes name is 1 to 63`);
  });
});
