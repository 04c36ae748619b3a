/**
 * The packed package, installed as each kind of user installs it (scripts/installs.ts): Azure only,
 * Azure with Calico, AWS only, everything, and everything on CDK Terrain (cdktf aliased to cdktn by npm
 * overrides). The pack and the installs are the ones the global setup of `npm run test:packaging`
 * made once for every test file (test/packaging/global-setup.ts). Each app loads entry points by
 * area, synthesizes and runs the security checks. Needs the npm registry or a warm npm cache.
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CDKTN_VERSION, INSTALL_KINDS, installedBytes, sharedInstall } from '../../scripts/installs';
import { APPS } from './apps';

const root = join(__dirname, '..', '..');
let tarball = '';
const dirs: Record<string, string> = {};

interface AppOutput { stacks: Record<string, any>; warnings: string[]; errors: string[] }
const outputs: Record<string, AppOutput> = {};

beforeAll(() => {
  for (const kind of INSTALL_KINDS) {
    const shared = sharedInstall(kind.name);
    tarball = shared.tarball;
    dirs[kind.name] = shared.dir;
    writeFileSync(join(dirs[kind.name], 'main.js'), APPS[kind.name]);
    outputs[kind.name] = JSON.parse(execFileSync(process.execPath, ['main.js'], { cwd: dirs[kind.name], encoding: 'utf8' }).trim());
  }
}, 900_000);

const providersIn = (kind: string) => readdirSync(join(dirs[kind], 'node_modules', '@cdktf')).sort();
const resource = (out: AppOutput, stack: string, type: string) => Object.values(out.stacks[stack].resource[type] as Record<string, any>);

const AZURE_ERROR = 'azure/hub: subnets[AzureBastionSubnet].addressPrefix is "10.0.2.0/27"; Azure Bastion needs AzureBastionSubnet to be /26 or larger';
const AWS_ERROR = 'aws/bad: cidrBlock is "10.100.0.0/33"; the prefix length of an IPv4 range is 0 to 32';
const AZURE_WARNING = 'azure/fw: diagnostics is false; a firewall keeps a record of what it allowed and denied: leave diagnostics on '
  + '(a Log Analytics workspace) (security check EGRESS006 firewall-without-logs)';

describe('the packed package', () => {
  test('holds only compiled JavaScript, type declarations, the API reference, README, LICENSE and CHANGELOG', () => {
    const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
    expect(listed.filter((f) => !/^dist\/lib\/.+\.(js|d\.ts)$/.test(f) && !/^docs\/api\/.+\.md$/.test(f)))
      .toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(listed).toContain('docs/api/README.md');
    for (const area of ['', 'core/', 'azure/', 'aws/', 'calico/', 'checks/', 'report/', 'patterns/']) {
      expect(listed).toContain(`dist/lib/${area}index.js`);
      expect(listed).toContain(`dist/lib/${area}index.d.ts`);
    }
  });

  test('its npm metadata: keywords for what it is for, the API reference shipped, no invented addresses', () => {
    const manifest = JSON.parse(readFileSync(join(dirs.all, 'node_modules', 'cdktf-kubernetes-egress', 'package.json'), 'utf8'));
    expect(manifest.keywords).toEqual(expect.arrayContaining(['cdktf', 'cdktn', 'constructs', 'azure', 'aks', 'aws', 'calico', 'egress', 'firewall']));
    expect(existsSync(join(dirs.all, 'node_modules', 'cdktf-kubernetes-egress', 'docs', 'api', 'README.md'))).toBe(true);
    // No public repository address exists yet (README, "What the package holds"): none is made up.
    expect([manifest.repository, manifest.homepage, manifest.bugs]).toEqual([undefined, undefined, undefined]);
  });

  test('its README links only where npmjs.com can follow: absolute addresses and in-page anchors', () => {
    // The package has no repository address, so npmjs.com leaves a relative link (`docs/api/README.md`,
    // `CONTRIBUTING.md`) relative to the package's page, where nothing is; files are named as text.
    const readme = readFileSync(join(dirs.all, 'node_modules', 'cdktf-kubernetes-egress', 'README.md'), 'utf8')
      .replace(/^```[\s\S]*?^```/gm, '');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)[^)]*\)|^\[[^\]]+\]:\s*(\S+)|href="([^"]+)"/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((t) => !/^(https:\/\/|#)/.test(t))).toEqual([]);
  });

  test('each kind of install holds only the bindings it asked for, within its size goal', () => {
    expect(providersIn('azure')).toEqual(['provider-azurerm']);
    expect(providersIn('azure-calico')).toEqual(['provider-azurerm', 'provider-helm', 'provider-kubernetes']);
    expect(providersIn('aws')).toEqual(['provider-aws']);
    expect(providersIn('all')).toEqual(['provider-aws', 'provider-azurerm', 'provider-helm', 'provider-kubernetes']);
    // No second copy of the bindings nested under the library.
    expect(existsSync(join(dirs.all, 'node_modules', 'cdktf-kubernetes-egress', 'node_modules', '@cdktf'))).toBe(false);
    for (const kind of INSTALL_KINDS.filter((k) => k.goalMB !== undefined)) {
      expect({ kind: kind.name, withinGoal: installedBytes(dirs[kind.name]) / 1e6 <= kind.goalMB! }).toEqual({ kind: kind.name, withinGoal: true });
    }
  });

  test('Azure only: synthesizes, refuses bad input with a ValidationError, and the checks run', () => {
    const out = outputs.azure;
    expect(Object.keys(out.stacks)).toEqual(['azure']);
    expect(out.errors).toEqual([AZURE_ERROR]);
    expect(out.warnings).toEqual([AZURE_WARNING]);
    const group = resource(out, 'azure', 'azurerm_firewall_policy_rule_collection_group')[0];
    expect(group.application_rule_collection[0].rule[0].source_addresses).toEqual(['10.99.0.0/29']);
    expect(resource(out, 'azure', 'azurerm_route')[0]).toMatchObject({ address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance' });
  });

  test('Azure only: the package root says which binding is missing', () => {
    expect(() => execFileSync(process.execPath, ['-e', "require('cdktf-kubernetes-egress')"], { cwd: dirs.azure, stdio: 'pipe' }))
      .toThrow(/Cannot find module '@cdktf\/provider-aws\/lib\//);
  });

  test('Azure with Calico: the tenant declared once feeds the firewall rule and the egress gateway pool', () => {
    const out = outputs['azure-calico'];
    expect(Object.keys(out.stacks).sort()).toEqual(['azure', 'cluster']);
    expect(out.errors).toEqual([AZURE_ERROR]);
    expect(out.warnings).toEqual([AZURE_WARNING]);
    expect(resource(out, 'azure', 'azurerm_firewall_policy_rule_collection_group')[0].application_rule_collection[0].rule[0].source_addresses)
      .toEqual(['10.99.0.0/29']);
    const pools = resource(out, 'cluster', 'kubernetes_manifest').map((m) => m.manifest).filter((m) => m.kind === 'IPPool');
    expect(pools.map((p) => p.spec.cidr)).toEqual(['10.99.0.0/29']);
  });

  test('AWS only: synthesizes, refuses bad input, and the checks run', () => {
    const out = outputs.aws;
    expect(Object.keys(out.stacks)).toEqual(['aws']);
    expect(out.errors).toEqual([AWS_ERROR]);
    expect(out.warnings).toEqual([
      'aws/fw: logging is "none"; a firewall keeps a record of what it allowed and dropped: use FirewallLogging.cloudWatch() (the default) '
      + 'or FirewallLogging.s3() (security check EGRESS006 firewall-without-logs)',
    ]);
    const fw = Object.keys(out.stacks.aws.resource.aws_networkfirewall_firewall)[0];
    expect(Object.values(out.stacks.aws.locals)).toEqual([
      `\${{ for key, val in toset(tolist(aws_networkfirewall_firewall.${fw}.firewall_status[0].sync_states)): val.availability_zone => val.attachment[0].endpoint_id }}`,
    ]);
  });

  test('everything: the package root and every area load together', () => {
    expect(Object.keys(outputs.all.stacks).sort()).toEqual(['aws', 'azure', 'cluster']);
    expect(outputs.all.errors).toEqual([AZURE_ERROR, AWS_ERROR]);
    const root = execFileSync(process.execPath, ['-e', "console.log(Object.keys(require('cdktf-kubernetes-egress')).length)"], { cwd: dirs.all, encoding: 'utf8' });
    expect(Number(root)).toBeGreaterThan(100);
  });

  test(`CDK Terrain: cdktn ${CDKTN_VERSION} synthesizes the same Terraform as cdktf, apart from its own metadata`, () => {
    const cdktf = require(join(dirs.cdktn, 'node_modules', 'cdktf', 'package.json'));
    expect([cdktf.name, cdktf.version]).toEqual(['cdktn', CDKTN_VERSION]);
    // Without the '//' metadata (which names the runtime), and with the app's own directory (in the
    // default local backend's path) written as <app>.
    const strip = (stacks: Record<string, any>, dir: string) => JSON.parse(JSON.stringify(Object.fromEntries(
      Object.entries(stacks).map(([name, json]) => [name, { ...json, '//': undefined }]))).split(dir).join('<app>'));
    expect(strip(outputs.cdktn.stacks, dirs.cdktn)).toEqual(strip(outputs.all.stacks, dirs.all));
    expect(outputs.cdktn.warnings).toEqual(outputs.all.warnings);
    expect(outputs.cdktn.errors).toEqual(outputs.all.errors);
  });

  test('TypeScript finds each entry point\'s types, with node16 and with node10 resolution (typesVersions)', () => {
    writeFileSync(join(dirs.all, 'types.ts'), [
      "import { AzureFirewall } from 'cdktf-kubernetes-egress/azure';",
      "import { NetworkFirewall } from 'cdktf-kubernetes-egress/aws';",
      "import { SecurityChecks } from 'cdktf-kubernetes-egress/checks';",
      "import { Cidr } from 'cdktf-kubernetes-egress/core';",
      "import { ClusterManifests } from 'cdktf-kubernetes-egress/calico';",
      "import { egressReport } from 'cdktf-kubernetes-egress/report';",
      "import * as everything from 'cdktf-kubernetes-egress';",
      'export const all: unknown[] = [AzureFirewall, NetworkFirewall, SecurityChecks, Cidr.parse, ClusterManifests, egressReport, everything.VirtualNetwork];',
      '',
    ].join('\n'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [module, resolution] of [['node16', 'node16'], ['commonjs', 'node10']]) {
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', module, '--moduleResolution', resolution, 'types.ts'],
        { cwd: dirs.all, encoding: 'utf8' });
    }
  });
});
