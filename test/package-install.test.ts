/**
 * Packs the library as npm would publish it, installs the tarball into a scratch project next to
 * cdktf and constructs, and synthesizes a stack from the installed package.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the packed package', () => {
  const work = mkdtempSync(join(tmpdir(), 'egress-pack-'));
  let files: string[] = [];
  let tarball = '';

  beforeAll(() => {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root));
    files = packed[0].files.map((f: { path: string }) => f.path).sort();
    tarball = join(work, packed[0].filename);
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('holds only compiled JavaScript, type declarations, README, LICENSE and CHANGELOG', () => {
    const others = files.filter((f) => !/^dist\/lib\/.+\.(js|d\.ts)$/.test(f));
    expect(others).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(files).toContain('dist/lib/index.js');
    expect(files).toContain('dist/lib/index.d.ts');
    expect(files.some((f) => f.startsWith('dist/stacks/') || f.startsWith('dist/test/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
  });

  test('installs into a scratch project and synthesizes a stack from it', () => {
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    npm(['install', tarball, 'cdktf@0.21.0', 'constructs@10.4.2', '--prefer-offline', '--no-audit', '--no-fund'], app);
    writeFileSync(join(app, 'main.js'), `
const { App, TerraformStack } = require('cdktf');
const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
const egress = require('cdktf-kubernetes-egress');

const app = new App({ outdir: 'out' });
const stack = new TerraformStack(app, 'scratch');
new AzurermProvider(stack, 'azurerm', { features: [{}] });
const rg = { name: 'rg', location: 'eastus' };
const hub = new egress.VirtualNetwork(stack, 'hub', {
  resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/22'],
  subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }, { name: 'workloads', addressPrefix: '10.0.1.0/24' }],
});
const tenant = new egress.EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
const firewall = new egress.AzureFirewall(stack, 'fw', {
  resourceGroup: rg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet'),
  ruleCollections: [egress.RuleCollections.application({ name: 'tenant0', priority: 100, action: 'Allow',
    rules: [{ name: 'web', sources: [tenant.egressCidr], targetFqdns: ['www.example.com'], protocols: [{ type: 'Https', port: 443 }] }] })],
});
new egress.FirewallRouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', firewall, subnets: [hub.subnet('workloads')] });
let refused = '';
try { hub.addSubnet({ name: 'AzureBastionSubnet', addressPrefix: '10.0.2.0/27' }); } catch (e) { refused = e instanceof egress.ValidationError ? e.message : 'wrong error'; }
app.synth();
console.log(JSON.stringify({ refused }));
`);
    const out = JSON.parse(execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' }).trim());
    expect(out.refused).toBe('scratch/hub: subnets[AzureBastionSubnet].addressPrefix is "10.0.2.0/27"; Azure Bastion needs AzureBastionSubnet to be /26 or larger');
    const json = JSON.parse(readFileSync(join(app, 'out', 'stacks', 'scratch', 'cdk.tf.json'), 'utf8'));
    const rule = Object.values(json.resource.azurerm_firewall_policy_rule_collection_group as Record<string, any>)[0];
    expect(rule.application_rule_collection[0].rule[0].source_addresses).toEqual(['10.99.0.0/29']);
    const route = Object.values(json.resource.azurerm_route as Record<string, any>)[0];
    expect(route).toMatchObject({ address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance' });
  }, 300_000);
});
