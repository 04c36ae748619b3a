/**
 * The README's "Your first app" is run as a user would: its files written to a directory of a
 * scratch project where the packed library is installed, `cdktf synth`'s app command run there, and
 * the synthesized stacks read back. Every TypeScript block of the README, in every section, compiles
 * against the packed package as its own module (what a block assumes from earlier text is in
 * `declare const x: Type;` lines at its top), uses no deprecated name and names nothing users lack.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';
import { PackedInstall, fencedBlocks, packedInstall, tsc } from './packed';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text of the README's level-2 section `heading`, up to the next level-2 heading. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

const firstApp = section('Your first app');
const jsonBlocks = fencedBlocks(firstApp, /^json$/).map((b) => JSON.parse(b.body));
const [packageJson, tsconfig, cdktfJson] = jsonBlocks;
const mainTs = fencedBlocks(firstApp, /^ts first-app$/)[0].body;
const backendTs = fencedBlocks(firstApp, /^ts first-app-backend$/)[0].body;
const s3BackendTs = fencedBlocks(firstApp, /^ts first-app-backend-s3$/)[0].body;

/** Writes the first app (with `main`) to `name` in the scratch project and runs cdktf.json's app command; returns the stacks. */
function runApp(install: PackedInstall, name: string, main: string): { [stack: string]: any } {
  const dir = join(install.dir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify(cdktfJson));
  writeFileSync(join(dir, 'main.ts'), main);
  // What `cdktf synth` does: run the app command with the output directory in CDKTF_OUTDIR.
  execFileSync('sh', ['-c', cdktfJson.app], {
    cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDKTF_OUTDIR: join(dir, 'cdktf.out') },
  });
  const stacks: { [stack: string]: any } = {};
  for (const s of ['cloud', 'cluster']) stacks[s] = JSON.parse(readFileSync(join(dir, 'cdktf.out', 'stacks', s, 'cdk.tf.json'), 'utf8'));
  return stacks;
}

describe('README: Your first app', () => {
  let install: PackedInstall;
  beforeAll(() => {
    install = packedInstall();
    // `npx tsc` in the app's directory finds the compiler in the scratch project's bin folder.
    const bin = join(install.dir, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    rmSync(join(bin, 'tsc'), { force: true });
    symlinkSync(join(install.dir, 'node_modules', 'typescript', 'bin', 'tsc'), join(bin, 'tsc'));
  }, 600_000);

  test('package.json, tsconfig and cdktf.json are complete', () => {
    expect(Object.keys(packageJson.dependencies).sort()).toEqual([
      '@cdktf/provider-azurerm', '@cdktf/provider-helm', '@cdktf/provider-kubernetes', 'cdktf', 'cdktf-kubernetes-egress', 'constructs',
    ]);
    expect(packageJson.scripts.synth).toBe('cdktf synth');
    expect(tsconfig.include).toEqual(['main.ts']);
    expect(cdktfJson).toMatchObject({ language: 'typescript', app: 'npx tsc && node dist/main.js' });
    // Imports only what users have: the package's subpaths, cdktf, constructs and provider bindings by deep path.
    const imports = [...mainTs.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => !/^(cdktf|constructs|cdktf-kubernetes-egress\/(core|azure|aws|calico|checks|report)|@cdktf\/provider-[a-z]+\/lib\/[a-z-]+)$/.test(i))).toEqual([]);
  });

  test('runs from a scratch directory against the packed package, with local state and a cross-stack reference', () => {
    const stacks = runApp(install, 'first-app', mainTs);
    const { cloud, cluster } = stacks;
    expect(cloud.terraform.backend).toEqual({ local: { path: expect.stringMatching(/terraform\.cloud\.tfstate$/) } });
    expect(cluster.terraform.backend).toEqual({ local: { path: expect.stringMatching(/terraform\.cluster\.tfstate$/) } });
    // The cluster stack reads the cloud stack's outputs from its state.
    const remote = Object.values(cluster.data.terraform_remote_state as Record<string, any>);
    expect(remote).toEqual([{ backend: 'local', config: { path: expect.stringMatching(/terraform\.cloud\.tfstate$/) }, workspace: '${terraform.workspace}' }]);
    const groups = Object.values(cloud.resource.azurerm_firewall_policy_rule_collection_group as Record<string, any>);
    const sources = groups.flatMap((g) => (g.application_rule_collection ?? []).flatMap((c: any) => c.rule.flatMap((r: any) => r.source_addresses ?? [])));
    expect(sources).toContain('10.99.0.0/29');
    expect(Object.values(cloud.resource.azurerm_kubernetes_cluster as Record<string, any>)[0].network_profile.outbound_type).toBe('userDefinedRouting');
    const pools = Object.values(cluster.resource.kubernetes_manifest as Record<string, any>)
      .filter((m) => m.manifest.kind === 'IPPool').map((m) => m.manifest.spec.cidr).sort();
    expect(pools).toEqual(['10.99.0.0/29', '10.99.0.8/29']);
    // The namespace default uses tenant0's gateways, as the walkthrough's check assumes.
    expect(Object.values(cluster.resource.kubernetes_annotations as Record<string, any>).map((a) => [a.kind, a.metadata.name, a.annotations])).toEqual([
      ['Namespace', 'default', { 'egress.projectcalico.org/namespaceSelector': "projectcalico.org/name == 'tenant0-egw'" }],
    ]);
  }, 300_000);

  test('the remote backend change compiles and puts both stacks, and the cross-stack reference, on azurerm', () => {
    const main = mainTs
      .replace("import { App, Aspects, TerraformOutput, TerraformStack } from 'cdktf';", "import { App, Aspects, AzurermBackend, TerraformOutput, TerraformStack } from 'cdktf';")
      .replace('app.synth();', `${backendTs}\napp.synth();`);
    expect(main).toContain('AzurermBackend, TerraformOutput');
    const { cloud, cluster } = runApp(install, 'first-app-remote', main);
    const backend = { resource_group_name: 'tfstate', storage_account_name: 'tfstatemyegress', container_name: 'tfstate' };
    expect(cloud.terraform.backend).toEqual({ azurerm: { ...backend, key: 'cloud.tfstate' } });
    expect(cluster.terraform.backend).toEqual({ azurerm: { ...backend, key: 'cluster.tfstate' } });
    expect(Object.values(cluster.data.terraform_remote_state as Record<string, any>)).toEqual([
      { backend: 'azurerm', config: { ...backend, key: 'cloud.tfstate' }, workspace: '${terraform.workspace}' },
    ]);
  }, 300_000);

  test('the S3 variant puts both stacks on S3 with its lock file, and the cluster stack reads the cloud stack from there', () => {
    const main = mainTs
      .replace("import { App, Aspects, TerraformOutput, TerraformStack } from 'cdktf';", "import { App, Aspects, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';")
      .replace('app.synth();', `${s3BackendTs}\napp.synth();`);
    expect(main).toContain('S3Backend, TerraformOutput');
    const { cloud, cluster } = runApp(install, 'first-app-s3', main);
    const backend = { bucket: 'my-tfstate', region: 'us-east-1' };
    expect(cloud.terraform.backend).toEqual({ s3: { ...backend, key: 'cloud.tfstate', use_lockfile: true } });
    expect(cluster.terraform.backend).toEqual({ s3: { ...backend, key: 'cluster.tfstate', use_lockfile: true } });
    expect(Object.values(cluster.data.terraform_remote_state as Record<string, any>)).toEqual([
      { backend: 's3', config: { ...backend, key: 'cloud.tfstate' }, workspace: '${terraform.workspace}' },
    ]);
  }, 300_000);
});

/** Where a README block starts: its fence's line (1-based), so a block's line n is README line `line + n`. */
interface Block { readonly info: string; readonly body: string; readonly line: number }

/**
 * Every ```ts block of the README, each as its own module file (`readme-line-<fence line>.ts`), with the
 * first app's compiler options but no emit, no unused-locals check and every file a module, so one
 * block's `declare const stack` never meets another's. The `ts first-app-backend*` blocks are fragments
 * of the first app and are compiled inside it by the tests above.
 */
function writeBlocks(dir: string, blocks: readonly Block[]): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const files = blocks.map((b) => `readme-line-${b.line}.ts`);
  blocks.forEach((b, i) => writeFileSync(join(dir, files[i]), `${b.body}\n`));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      ...tsconfig.compilerOptions, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, moduleDetection: 'force', types: ['node'],
    },
    include: files,
  }));
  return files;
}

/** tsc's diagnostics, each as `README.md:<line>:<column> <message>` (line and column in the README). */
function readmeErrors(tscOutput: string): string[] {
  return tscOutput.split('\n').flatMap((l) => {
    const m = /^readme-line-(\d+)\.ts\((\d+),(\d+)\): error (.*)$/.exec(l);
    return m ? [`README.md:${Number(m[1]) + Number(m[2])}:${m[3]} ${m[4]}`] : [];
  });
}

/** Uses of names marked `@deprecated` (TypeScript's suggestion 6385/6387), as `README.md:<line>:<column> <message>`. */
function deprecatedUses(dir: string, files: readonly string[], blocks: readonly Block[]): string[] {
  const options = { ...ts.parseJsonConfigFileContent(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')), ts.sys, dir).options };
  const paths = files.map((f) => join(dir, f));
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => paths,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f) ?? '') : undefined),
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists, readFile: ts.sys.readFile, readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists, getDirectories: ts.sys.getDirectories, realpath: ts.sys.realpath,
  };
  const service = ts.createLanguageService(host);
  return paths.flatMap((path, i) => service.getSuggestionDiagnostics(path)
    .filter((d) => d.reportsDeprecated)
    .map((d) => {
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start!);
      return `README.md:${blocks[i].line + line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    }));
}

/** Names users do not have: what the repository's example stacks export (they are not in the package). */
function exampleStackNames(): string[] {
  const dir = join(__dirname, '..', '..', 'stacks');
  return readdirSync(dir).filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]));
}

describe('README: every TypeScript block', () => {
  let install: PackedInstall;
  const blocks = fencedBlocks(readme, /^ts(\s|$)/).filter((b) => !b.info.startsWith('ts first-app-backend'));
  let dir: string;
  let files: string[];
  beforeAll(() => {
    install = packedInstall();
    dir = join(install.dir, 'blocks');
    files = writeBlocks(dir, blocks);
  }, 600_000);

  test('every ```ts block compiles as its own module against the packed package, in one tsc run', () => {
    expect(blocks.length).toBeGreaterThan(40);
    let output = '';
    try {
      tsc(dir);
    } catch (e) {
      output = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
      expect(readmeErrors(output)).toEqual([]);
      throw e;   // tsc failed without a diagnostic in a block (its tsconfig, say)
    }
  }, 300_000);

  test('no block uses a name the package marks deprecated', () => {
    expect(deprecatedUses(dir, files, blocks)).toEqual([]);
  }, 300_000);

  test('nothing in the README names what the example stacks export (they are in the repository, not the package)', () => {
    // `NAME=` is an environment variable of a script (`EXAMPLES=0 npm run bench`), not the export.
    const names = exampleStackNames();
    expect(names).toEqual(expect.arrayContaining(['HubSpokeEgwStack', 'HubSpokeEgwCalicoStack', 'AwsInspectionEgwCalicoStack', 'buildExamples']));
    const found = readme.split('\n').flatMap((text, i) => names.filter((n) => new RegExp(`\\b${n}\\b(?!=)`).test(text)).map((n) => `README.md:${i + 1} ${n}`));
    expect(found).toEqual([]);
  });

  test('blocks import only what users have: the package by area, cdktf, constructs, bindings by deep path, Node built-ins', () => {
    const allowed = /^(cdktf|constructs|cdktf-kubernetes-egress\/(core|azure|aws|calico|checks|report|patterns)|@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+|node:[a-z]+|fs|path|os)$/;
    const found = blocks.flatMap((b) => b.body.split('\n').flatMap((text, i) => [
      ...[...text.matchAll(/(?:from|import|require\()\s*'([^']+)'/g)].map((m) => m[1]).filter((m) => !allowed.test(m)).map((m) => `imports '${m}'`),
      ...(/declare const \w+: any\b/.test(text) ? ['declares its context as any'] : []),
    ].map((what) => `README.md:${b.line + i + 1} ${what}`)));
    expect(found).toEqual([]);
  });

  test('the text names no deprecated alias either (EgressGatewayTenant, vmIp)', () => {
    const found = readme.split('\n').flatMap((text, i) => (/\bEgressGatewayTenant\b|\bvmIp\b/.test(text) ? [`README.md:${i + 1}`] : []));
    expect(found).toEqual([]);
  });
});
