/**
 * The README's "Your first app" is run as a user would: its files written to a directory of a
 * scratch project where the packed library is installed, `cdktf synth`'s app command run there, and
 * the synthesized stacks read back. Its TypeScript blocks compile against the packed package.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
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
});

describe('README: programs of the getting-started sections', () => {
  let install: PackedInstall;
  beforeAll(() => {
    install = packedInstall();
  }, 600_000);

  test('every `ts program` block compiles against the packed package', () => {
    const programs = fencedBlocks(readme, /^ts program$/);
    expect(programs.length).toBeGreaterThan(0);
    const dir = join(install.dir, 'programs');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const files = programs.map((p) => `readme-line-${p.line}.ts`);
    programs.forEach((p, i) => writeFileSync(join(dir, files[i]), p.body));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, noEmit: true }, include: files }));
    expect(() => tsc(dir)).not.toThrow();
  }, 300_000);

  test('the getting-started sections name nothing users do not have', () => {
    const text = ['Your first app', 'Existing hubs', 'Walkthrough: from synth to a checked cluster'].map(section).join('\n');
    const code = fencedBlocks(text, /^ts/).map((b) => b.body).join('\n');
    expect(code).not.toMatch(/HubSpokeEgw\w*Stack|AwsInspectionEgw\w*Stack|buildExamples|from '\.\.?\/|EgressGatewayTenant|\.vmIp\(|\.peerIps\b/);
  });
});
