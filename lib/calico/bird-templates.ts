import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { ErrorSite, ValidationError, checkDns1123Label, described } from '../core';
import { requireProps } from '../core/guards';
import { ConfigMap } from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';

/**
 * The ConfigMap the Tigera operator reads custom BIRD templates from (Calico Enterprise, "Custom BGP
 * configuration"): it mounts each key over the calico-node file of that name in
 * `/etc/calico/confd/templates/`, replacing the template shipped with the node.
 */
export const BIRD_TEMPLATES_CONFIG_MAP = 'bird-templates';

/** The Tigera operator's namespace, where it looks for {@link BIRD_TEMPLATES_CONFIG_MAP}. */
export const TIGERA_OPERATOR_NAMESPACE = 'tigera-operator';

/** One template file of a {@link BirdTemplates}. */
export interface BirdTemplateFile {
  /** The file it replaces in calico-node's `/etc/calico/confd/templates/`, e.g. `bird.cfg.template`. */
  readonly name: string;
  /**
   * The whole template, as your Calico Enterprise version ships it (copy it from a calico-node
   * container), which the library edits as asked below. It replaces the node's file entirely.
   */
  readonly content: string;
  /**
   * Make the peers Calico treats as directly connected multihop peers with this TTL: every BIRD
   * `direct;` statement of the template becomes `multihop <ttl>;` (an eBGP peer on the node's own
   * subnet, such as a GRE tunnel's far end, then accepts a session that crosses a hop).
   * @default - no edit
   */
  readonly directToMultihopTtl?: number;
}

/** Props of {@link BirdTemplates}. */
export interface BirdTemplatesProps {
  /** The template files. */
  readonly templates: readonly BirdTemplateFile[];
  /** The Tigera operator's namespace. @default TIGERA_OPERATOR_NAMESPACE */
  readonly namespace?: string;
}

/** A template with its direct sessions made multihop, and the (1-based) lines that changed. */
export interface EditedTemplate {
  readonly text: string;
  readonly changedLines: readonly number[];
}

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
// BIRD's `direct;` session statement; `gateway direct;` is a next-hop mode, not a session mode.
const DIRECT_STATEMENT = /(?<![A-Za-z0-9_])(?<!gateway\s+)direct\s*;/g;

/**
 * Replaces each BIRD `direct;` statement of `template` with `multihop <ttl>;`, leaving every other
 * line as it is; comment lines are left alone. Throws a ValidationError when the template has no such
 * statement: it is then not the template the edit was written for.
 */
export function directToMultihop(site: ErrorSite, field: string, template: string, ttl: number): EditedTemplate {
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) {
    throw new ValidationError(site, `${field}.directToMultihopTtl`, ttl, 'a TTL is 1 to 255');
  }
  const changedLines: number[] = [];
  const lines = template.split('\n').map((line, i) => {
    if (line.trimStart().startsWith('#')) return line;
    const edited = line.replace(DIRECT_STATEMENT, `multihop ${ttl};`);
    if (edited !== line) changedLines.push(i + 1);
    return edited;
  });
  if (changedLines.length === 0) {
    throw new ValidationError(site, `${field}.content`, described(`${lines.length} lines`),
      'no line writes BIRD\'s `direct;` for directly connected peers; this is not the template the multihop edit was written for: compare it with your Calico Enterprise version\'s and edit it yourself (README, "BIRD templates")');
  }
  return { text: lines.join('\n'), changedLines };
}

/**
 * Custom BIRD templates for Calico Enterprise: the `bird-templates` ConfigMap in the Tigera operator's
 * namespace, one key per template file, each replacing the node's file of that name (the operator
 * then rolls calico-node). Tigera advises customising templates only with its support.
 *
 * The library does not write templates: it takes your version's file and, when asked, changes only
 * the statement the document changes (direct sessions to multihop), so a template from another
 * version is never applied by accident.
 */
export class BirdTemplates extends Construct {
  /** The ConfigMap object. */
  public readonly configMap: ManifestEntry;
  /** The lines each edit changed, by file (1-based), for review. */
  public readonly changedLines: { readonly [file: string]: readonly number[] } = {};

  constructor(scope: Construct, id: string, props: BirdTemplatesProps) {
    super(scope, id);
    requireProps(this, 'BirdTemplates', props, ['templates']);
    const manifests = ClusterManifests.of(this);
    const namespace = props.namespace ?? TIGERA_OPERATOR_NAMESPACE;
    checkDns1123Label(this, 'namespace', namespace);
    if (props.templates.length === 0) {
      throw new ValidationError(this, 'templates', [], 'name at least one template file');
    }
    const data: { [file: string]: string } = {};
    const changed: { [file: string]: number[] } = {};
    for (const t of props.templates) {
      const field = `templates[${t.name}]`;
      if (!CONFIG_MAP_KEY.test(t.name)) {
        throw new ValidationError(this, `${field}.name`, t.name, "a template's file name is 1 to 253 letters, digits, '-', '_' or '.'");
      }
      if (data[t.name] !== undefined) {
        throw new ValidationError(this, `${field}.name`, t.name, 'each file is named once');
      }
      if (typeof t.content !== 'string' || Token.isUnresolved(t.content) || t.content.trim() === '') {
        throw new ValidationError(this, `${field}.content`, t.content,
          'the template is a literal, non-empty text: the file as your Calico Enterprise version ships it');
      }
      // Terraform reads `${` and `%{` in a kubernetes_manifest as its own template syntax.
      const interpolation = /[$%]\{/.exec(t.content);
      if (interpolation) {
        throw new ValidationError(this, `${field}.content`, interpolation[0],
          'Terraform would read it as an interpolation in the kubernetes_manifest; BIRD and confd templates do not use it');
      }
      let text = t.content;
      if (t.directToMultihopTtl !== undefined) {
        const edited = directToMultihop(this, field, t.content, t.directToMultihopTtl);
        text = edited.text;
        changed[t.name] = [...edited.changedLines];
      }
      data[t.name] = text;
    }
    this.changedLines = changed;
    const object: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: BIRD_TEMPLATES_CONFIG_MAP, namespace },
      data,
    };
    this.configMap = manifests.add(this, 'config-map', object);
  }
}
