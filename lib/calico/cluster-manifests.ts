import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { ISynthesisSession, ITerraformDependable, Lazy, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { CalicoEdition, checkEdition } from './edition';
import {
  ValidationError, brand, checkAtSynth, checkDns1123Label, checkDns1123Subdomain, requireDistinctProviderAliases,
} from '../core';
import { KubernetesObject, StringMap } from './api';
import { renderYaml } from './yaml-render';
import { untraced } from '../core/refs';

/** The field manager the library applies with, unless told otherwise. */
export const DEFAULT_FIELD_MANAGER = 'cdktf-kubernetes-egress';

/**
 * How an object reaches the cluster:
 * - `create`: a new object the library owns whole (server-side apply with the library's field manager);
 * - `patch`: some fields of an object that already exists (FelixConfiguration `default`): imported into
 *   Terraform's state, then server-side applied with the field manager and forced conflicts;
 * - `annotate`: annotations on an object that already exists (the `default` namespace), through the
 *   kubernetes provider's annotations resource, which leaves the rest of the object alone.
 */
export type ManifestMode = 'create' | 'patch' | 'annotate';

/** One object of a {@link ClusterManifests}. */
export interface ManifestEntry {
  /** The object, as written to YAML and to `kubernetes_manifest`. */
  readonly object: KubernetesObject;
  readonly mode: ManifestMode;
  /** The construct that declared it; its YAML file is named after it. */
  readonly owner: IConstruct;
  /** The Terraform resource (kubernetes_manifest or kubernetes_annotations), without a provider none. */
  readonly resource?: Manifest | Annotations;
}

/** Options of {@link ClusterManifests.add}. */
export interface AddManifestOptions {
  /** Objects to apply first (a namespace before what lives in it). @default - none */
  readonly dependsOn?: readonly ManifestEntry[];
}

/** Props of {@link ClusterManifests}. */
export interface ClusterManifestsProps {
  /**
   * The kubernetes provider of the cluster; every object becomes a Terraform resource of it.
   * @default - none: the objects are only written as YAML
   */
  readonly provider?: KubernetesProvider;
  /** Field manager of server-side apply (Terraform and the documented kubectl command). @default DEFAULT_FIELD_MANAGER */
  readonly fieldManager?: string;
  /** Write the objects as YAML under `<outdir>/manifests/<stack>/` during synth. @default true */
  readonly writeYaml?: boolean;
  /**
   * The Calico edition the cluster runs (e.g. `operator.edition` of the cloud stack): with open source,
   * objects only Calico Enterprise and Calico Cloud have are refused at synth.
   * @default - not checked: the objects are rendered whatever edition runs
   */
  readonly edition?: CalicoEdition;
}

const manifestsBrand = brand('ClusterManifests');

/**
 * The Kubernetes objects one cluster gets, rendered twice from the same typed values: as Terraform
 * (`kubernetes_manifest` and `kubernetes_annotations` resources of the given provider) and as YAML
 * files written during synth to `<outdir>/manifests/<stack>/NN-<construct>.yaml`, one file per
 * construct in declaration order, for `kubectl apply --server-side` or GitOps.
 *
 * Calico constructs (CalicoBgp, EgressGatewayTenant, ...) are created inside it and add their objects
 * to it.
 */
export class ClusterManifests extends Construct {
  /** True when `x` is a ClusterManifests (works across copies of the library). */
  public static isClusterManifests(x: unknown): x is ClusterManifests {
    return manifestsBrand.is(x);
  }

  /** The ClusterManifests `scope` lives in; throws a ValidationError when there is none. */
  public static of(scope: IConstruct): ClusterManifests {
    const found = [...scope.node.scopes].reverse().find(ClusterManifests.isClusterManifests);
    if (!found) {
      throw new ValidationError(scope, 'scope', scope.node.path,
        'Calico constructs are created inside a ClusterManifests, which renders their objects');
    }
    return found;
  }

  /** The field manager of server-side apply. */
  public readonly fieldManager: string;
  /** The kubernetes provider, when the objects are rendered as Terraform. */
  public readonly provider?: KubernetesProvider;
  /** The edition the objects are checked against, when given. */
  public readonly edition?: CalicoEdition;
  private readonly _entries: ManifestEntry[] = [];
  private rendered?: { name: string; content: string }[];

  constructor(scope: Construct, id: string, props: ClusterManifestsProps = {}) {
    super(scope, id);
    manifestsBrand.mark(this);
    requireDistinctProviderAliases(this);
    this.fieldManager = props.fieldManager ?? DEFAULT_FIELD_MANAGER;
    this.provider = props.provider;
    this.edition = props.edition;
    if (props.writeYaml ?? true) {
      // Rendered once per synth: the stack's validation renders (and so checks) the files, and the
      // synthesis right after it writes what was rendered.
      checkAtSynth(this, () => { this.rendered = this.files(); });
      addCustomSynthesis(this, { onSynthesize: (session) => this.writeFiles(session) });
    }
  }

  /** Every object so far, in declaration order. */
  public get entries(): readonly ManifestEntry[] {
    return this._entries;
  }

  /** Adds a new object the library owns; `owner` is the construct declaring it. */
  public add<T extends KubernetesObject>(owner: Construct, id: string, object: T, options: AddManifestOptions = {}): ManifestEntry {
    const creator = CALICO_CREATED[`${object.apiVersion}/${object.kind}/${object.metadata.name}`];
    if (creator) {
      throw new ValidationError(owner, `${object.kind} ${object.metadata.name}: metadata.name`, object.metadata.name,
        `${creator} creates ${object.kind} ${object.metadata.name} itself and kubernetes_manifest cannot create an object that exists; patch it (ClusterManifests.patch)`);
    }
    return this.register(owner, object, 'create', this.provider && untraced(() => new Manifest(owner, id, {
      provider: this.provider,
      manifest: plain(object),
      fieldManager: { name: this.fieldManager },
      dependsOn: resourcesOf(options.dependsOn),
    })));
  }

  /**
   * Sets some fields of an object that already exists in the cluster. kubernetes_manifest refuses to
   * create an object that exists, whatever its field manager settings, so the object is imported into
   * Terraform's state first (an `import` block), then applied server-side with forced conflicts: the
   * library's field manager then owns exactly the fields given here.
   */
  public patch<T extends KubernetesObject>(owner: Construct, id: string, object: T, options: AddManifestOptions = {}): ManifestEntry {
    let resource: Manifest | undefined;
    if (this.provider) {
      resource = untraced(() => new Manifest(owner, id, {
        provider: this.provider,
        manifest: plain(object),
        fieldManager: { name: this.fieldManager, forceConflicts: true },
        dependsOn: resourcesOf(options.dependsOn),
        // Calico owns the object: a destroy must forget it (terraform state rm), never delete it.
        lifecycle: { preventDestroy: true },
      }));
      importWithoutLocalProbe(resource, importId(object));
      this.teardownOutput();
    }
    return this.register(owner, object, 'patch', resource);
  }

  /**
   * Addresses of the patched objects (`kubernetes_manifest.<id>`), which are protected from deletion
   * (`prevent_destroy`): `terraform state rm` them before `cdktf destroy` of the stack.
   */
  public protectedAddresses(): string[] {
    const stack = TerraformStack.of(this);
    return this._entries.filter((e) => e.mode === 'patch' && e.resource !== undefined)
      .map((e) => `${e.resource!.terraformResourceType}.${stack.getLogicalId(e.resource!)}`);
  }

  private teardownOutput(): void {
    // Named by the path inside the stack: several clusters in one stack get one output each.
    const id = `${this.pathInStack().join('_').replace(/[^A-Za-z0-9_]/g, '_')}_teardown`;
    if (this.node.tryFindChild(id)) return;
    const stack = TerraformStack.of(this);
    const output = untraced(() => new TerraformOutput(this, id, {
      value: Lazy.stringValue({
        produce: () => `cd cdktf.out/stacks/${stack.node.id} && terraform state rm ${this.protectedAddresses().map((a) => `'${a}'`).join(' ')}`,
      }),
      description: 'Run before cdktf destroy: forgets the objects Calico created (kept in the cluster, protected from deletion)',
    }));
    output.overrideLogicalId(id);
  }

  /** Sets annotations on an object that already exists, leaving the rest of it alone. */
  public annotate(owner: Construct, id: string, target: { apiVersion: string; kind: string; name: string; namespace?: string },
    annotations: StringMap, options: AddManifestOptions = {}): ManifestEntry {
    const object: KubernetesObject = {
      apiVersion: target.apiVersion,
      kind: target.kind,
      metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}), annotations },
    };
    return this.register(owner, object, 'annotate', this.provider && untraced(() => new (require('@cdktf/provider-kubernetes/lib/annotations') as typeof import('@cdktf/provider-kubernetes/lib/annotations')).Annotations(owner, id, {
      provider: this.provider,
      apiVersion: target.apiVersion,
      kind: target.kind,
      metadata: { name: target.name, namespace: target.namespace },
      annotations: { ...annotations },
      fieldManager: this.fieldManager,
      force: true,
      dependsOn: resourcesOf(options.dependsOn),
    })));
  }

  /** The objects declared by `owner` (or all), as multi-document YAML. */
  public toYaml(owner?: IConstruct): string {
    const entries = this._entries.filter((e) => owner === undefined || e.owner === owner);
    for (const e of entries) checkLiteral(this, e.object);
    return entries.map((e) => renderYaml(plain(e.object))).join('---\n');
  }

  /** File name and content of each YAML file, in declaration order. */
  public files(): { name: string; content: string }[] {
    const owners: IConstruct[] = [];
    for (const e of this._entries) if (!owners.includes(e.owner)) owners.push(e.owner);
    return owners.map((owner, i) => {
      const stem = owner.node.scopes.slice(this.node.scopes.length).map((s) => s.node.id).join('-') || this.node.id;
      const header = [
        `# ${owner.node.path}: generated by cdktf-kubernetes-egress; do not edit.`,
        `# Apply with: kubectl apply --server-side --force-conflicts --field-manager=${this.fieldManager} -f <this file or its folder>`,
        '',
      ].join('\n');
      return { name: `${String(i + 1).padStart(2, '0')}-${stem}.yaml`, content: header + this.toYaml(owner) };
    });
  }

  /**
   * The folder the YAML goes to: `<outdir>/manifests/<stack>`, or `<outdir>/manifests/<stack>/<path>` (the
   * construct path inside the stack, joined by `-`) when the ClusterManifests is not a direct child of its
   * stack, so that several clusters in one stack keep their files apart.
   */
  public yamlDirectory(outdir: string): string {
    const inStack = this.pathInStack();
    return path.join(outdir, 'manifests', TerraformStack.of(this).node.id, ...(inStack.length > 1 ? [inStack.join('-')] : []));
  }

  /** The construct IDs from the stack (excluded) down to this one. */
  private pathInStack(): string[] {
    const scopes = this.node.scopes;
    const stackIndex = scopes.indexOf(TerraformStack.of(this));
    return scopes.slice(stackIndex + 1).map((s) => s.node.id);
  }

  private writeFiles(session: ISynthesisSession): void {
    const dir = this.yamlDirectory(session.outdir);
    fs.mkdirSync(dir, { recursive: true });
    const files = this.rendered ?? this.files();
    this.rendered = undefined;
    for (const file of files) fs.writeFileSync(path.join(dir, file.name), file.content);
  }

  private register(owner: Construct, object: KubernetesObject, mode: ManifestMode, resource?: Manifest | Annotations): ManifestEntry {
    const what = `${object.kind} ${object.metadata.name}`;
    checkEdition(owner, this.edition, object);
    checkDns1123Subdomain(owner, `${what}: metadata.name`, object.metadata.name);
    if (object.kind === 'Namespace') checkDns1123Label(owner, `${what}: metadata.name`, object.metadata.name);
    if (object.metadata.namespace !== undefined) checkDns1123Label(owner, `${what}: metadata.namespace`, object.metadata.namespace);
    const same = this._entries.find((e) => e.object.kind === object.kind && e.object.metadata.name === object.metadata.name
      && e.object.metadata.namespace === object.metadata.namespace && e.object.apiVersion === object.apiVersion);
    if (same) {
      throw new ValidationError(owner, 'metadata.name', object.metadata.name,
        `${same.owner.node.path} already declares ${what}${object.metadata.namespace ? ` in ${object.metadata.namespace}` : ''}; names are unique per kind`);
    }
    const entry: ManifestEntry = { object, mode, owner, resource };
    this._entries.push(entry);
    return entry;
  }
}

/**
 * Objects Calico creates itself (calico-node at startup, kube-controllers, the operator from its
 * Installation), by `apiVersion/kind/name`: they can be patched, never created.
 */
export const CALICO_CREATED: { readonly [key: string]: string } = {
  'projectcalico.org/v3/BGPConfiguration/default': 'calico-node',
  'projectcalico.org/v3/FelixConfiguration/default': 'calico-node',
  'projectcalico.org/v3/ClusterInformation/default': 'calico-node',
  'projectcalico.org/v3/IPAMConfiguration/default': 'calico-node',
  'projectcalico.org/v3/KubeControllersConfiguration/default': 'calico-kube-controllers',
  'projectcalico.org/v3/IPPool/default-ipv4-ippool': 'the Tigera operator (from its Installation)',
  'projectcalico.org/v3/IPPool/default-ipv6-ippool': 'the Tigera operator (from its Installation)',
};

/** Deep copy without undefined fields: the same JSON for Terraform and YAML. */
function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as unknown as T;
  if (value !== null && typeof value === 'object' && !Token.isUnresolved(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = plain(v);
    return out as T;
  }
  return value;
}

function resourcesOf(entries?: readonly ManifestEntry[]): ITerraformDependable[] | undefined {
  const resources = (entries ?? []).map((e) => e.resource).filter((r): r is Manifest | Annotations => r !== undefined);
  return resources.length > 0 ? resources : undefined;
}

/** The import ID kubernetes_manifest takes: `apiVersion=...,kind=...,name=...[,namespace=...]`. */
export function importId(object: KubernetesObject): string {
  const ns = object.metadata.namespace ? `,namespace=${object.metadata.namespace}` : '';
  return `apiVersion=${object.apiVersion},kind=${object.kind},name=${object.metadata.name}${ns}`;
}

/** YAML is applied as is: a value Terraform would only resolve at deploy time cannot go into it. */
function checkLiteral(site: IConstruct, object: KubernetesObject): void {
  const walk = (value: unknown, at: string): void => {
    if (Token.isUnresolved(value)) {
      throw new ValidationError(site, `${object.kind} ${object.metadata.name}: ${at}`, value,
        'the YAML rendering needs literal values, not references resolved at deploy time; pass the literal (e.g. routeServer.peerIps, not virtualRouterIps)');
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, at ? `${at}.${k}` : k);
    }
  };
  walk(object, '');
}

/**
 * Adds an `import` block for `resource`, as cdktf's `importFrom` does, but states the Terraform
 * version that import blocks need (1.5) as the stack's `required_version`, checked by the machine
 * that plans, instead of the validation `importFrom` adds, which runs `terraform version` on the
 * machine that synthesizes (and fails synth where no Terraform binary is installed).
 */
function importWithoutLocalProbe(resource: Manifest, id: string): void {
  (resource as unknown as { _imported?: { id: string } })._imported = { id };
  TerraformStack.of(resource).addOverride('terraform.required_version', IMPORT_BLOCK_TERRAFORM_VERSION);
}

/** Import blocks arrived in Terraform 1.5. */
export const IMPORT_BLOCK_TERRAFORM_VERSION = '>= 1.5.0';
