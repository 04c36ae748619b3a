import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ClusterManifests } from '../lib/calico';

/** Synthesized Terraform JSON, parsed. */
export interface TfJson {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  provider?: Record<string, any[]>;
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
  variable?: Record<string, any>;
  locals?: Record<string, any>;
  import?: { id: string; to: string }[];
}

/** A stack with an azurerm provider, for constructs under test. */
export function azureStack(app: App = Testing.app(), id = 'test'): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return stack;
}

/** A resource group in `scope` named `name` in `eastus`. */
export function resourceGroup(scope: Construct, name = 'rg', location = 'eastus'): ResourceGroup {
  return new ResourceGroup(scope, `rg-${name}`, { name, location });
}

/** Synthesizes `stack` (running aspects and validations, as `cdktf synth` does) and parses it. */
export function synth(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack, true));
}

/** Builds a fresh azure stack with `build`, synthesizes and parses it. */
export function synthWith(build: (stack: TerraformStack) => void): TfJson {
  const stack = azureStack();
  build(stack);
  return synth(stack);
}

/** All resources of `type`, as an array of their configurations. */
export function resources(json: TfJson, type: string): Record<string, any>[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The single resource of `type` whose `name` attribute is `name` (or the only one, without a name); throws otherwise. */
export function resource(json: TfJson, type: string, name?: string): Record<string, any> {
  const all = resources(json, type).filter((r) => name === undefined || r.name === name);
  if (all.length !== 1) {
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ''}, found ${all.length}: ${resources(json, type).map((r) => r.name).join(', ')}`);
  }
  return all[0];
}

/** The logical ID (JSON key) of the resource of `type` named `name`. */
export function logicalId(json: TfJson, type: string, name: string): string {
  const entry = Object.entries(json.resource?.[type] ?? {}).find(([, r]) => r.name === name);
  if (!entry) throw new Error(`no ${type} named ${name}`);
  return entry[0];
}

/** `${type}.${logicalId}`: how a reference or depends_on names a resource. */
export function address(json: TfJson, type: string, name: string): string {
  return `${type}.${logicalId(json, type, name)}`;
}

// cdktf's scope-aware resolver is not exported from the package root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolve: cdktfResolve } = require('cdktf/lib/_tokens') as { resolve: <T>(scope: Construct, obj: T) => T };

/** Resolves tokens in `value` as they would appear in `stack`'s JSON, e.g. `${azurerm_firewall.x.name}`. */
export function resolveIn<T>(stack: TerraformStack, value: T): T {
  return cdktfResolve(stack, value);
}

/** A stack with an aws provider in `region`, for constructs under test. */
export function awsStack(app: App = Testing.app(), id = 'test', region = 'us-east-1'): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, 'aws', { region });
  return stack;
}

/** Builds a fresh aws stack with `build`, synthesizes and parses it. */
export function synthAwsWith(build: (stack: TerraformStack) => void): TfJson {
  const stack = awsStack();
  build(stack);
  return synth(stack);
}

/** The single resource of `type` whose `Name` tag is `name` (AWS resources are named by tag); throws otherwise. */
export function taggedResource(json: TfJson, type: string, name: string): Record<string, any> {
  return json.resource?.[type]?.[taggedLogicalId(json, type, name)] as Record<string, any>;
}

/** The logical ID (JSON key) of the resource of `type` whose `Name` tag is `name`. */
export function taggedLogicalId(json: TfJson, type: string, name: string): string {
  const all = Object.entries(json.resource?.[type] ?? {}).filter(([, r]) => r.tags?.Name === name);
  if (all.length !== 1) {
    throw new Error(`expected one ${type} tagged Name=${name}, found ${all.length}: ${resources(json, type).map((r) => r.tags?.Name).join(', ')}`);
  }
  return all[0][0];
}

/** `${type}.${logicalId}` of the resource of `type` whose `Name` tag is `name`. */
export function taggedAddress(json: TfJson, type: string, name: string): string {
  return `${type}.${taggedLogicalId(json, type, name)}`;
}

/**
 * The kubernetes_manifest whose manifest is the `kind` object named `name` (in `namespace`, when
 * given); throws unless there is exactly one.
 */
export function manifestResource(json: TfJson, kind: string, name: string, namespace?: string): Record<string, any> {
  const all = resources(json, 'kubernetes_manifest').filter((r) => r.manifest?.kind === kind && r.manifest?.metadata?.name === name
    && (namespace === undefined || r.manifest?.metadata?.namespace === namespace));
  if (all.length !== 1) throw new Error(`expected one kubernetes_manifest of ${kind} ${name}, found ${all.length}`);
  return all[0];
}

/** `kubernetes_manifest.<logical id>` of the manifest found as {@link manifestResource} finds it. */
export function manifestAddress(json: TfJson, kind: string, name: string, namespace?: string): string {
  const target = manifestResource(json, kind, name, namespace);
  const entry = Object.entries(json.resource?.kubernetes_manifest ?? {}).find(([, r]) => r === target);
  return `kubernetes_manifest.${entry![0]}`;
}

/** A stack with a kubernetes provider and a ClusterManifests (`calico`) rendering into it. */
export function clusterStack(app: App = Testing.app(), id = 'cluster'): { stack: TerraformStack; manifests: ClusterManifests } {
  const stack = new TerraformStack(app, id);
  const provider = new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  return { stack, manifests: new ClusterManifests(stack, 'calico', { provider }) };
}

/**
 * `<file>:<line>` of the line of a test file (its `__filename`) that ends with `// <marker>`: where the
 * test declared a value or called a factory, as errors of values without a construct path name it.
 */
export function lineOf(file: string, marker: string): string {
  const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.trimEnd().endsWith(`// ${marker}`)) + 1;
  if (line === 0) throw new Error(`no line of ${file} ends with // ${marker}`);
  return `${path.relative(process.cwd(), file).split(path.sep).join('/')}:${line}`;
}
