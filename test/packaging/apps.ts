/**
 * Small apps, as a user of each kind would write them against the installed package (plain
 * JavaScript, entry points by area). Each synthesizes with the security checks at level warning and
 * prints one JSON line: the synthesized stacks, the checks' warnings and the errors it provoked.
 */

/** Shared prelude: `egress(area)` loads an entry point; `finish(app)` synthesizes and prints. */
const PRELUDE = `
const { App, Aspects, TerraformStack, AnnotationMetadataEntryType } = require('cdktf');
const egress = (area) => require('cdktf-kubernetes-egress' + (area ? '/' + area : ''));
const { RuleCollections, ValidationError } = egress('core');
const { SecurityChecks } = egress('checks');
const errors = [];
const refuse = (fn) => { try { fn(); errors.push('nothing thrown'); } catch (e) { errors.push(e instanceof ValidationError ? e.message : 'not a ValidationError: ' + e.message); } };
function finish(app) {
  for (const s of app.node.findAll().filter(TerraformStack.isStack)) Aspects.of(s).add(new SecurityChecks({ defaultLevel: 'warning' }));
  app.synth();
  const fs = require('fs');
  const stacks = {};
  for (const s of fs.readdirSync('out/stacks')) stacks[s] = JSON.parse(fs.readFileSync('out/stacks/' + s + '/cdk.tf.json', 'utf8'));
  const warnings = app.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
  console.log(JSON.stringify({ stacks, warnings, errors }));
}
const app = new App({ outdir: 'out' });
`;

/** Without Calico, the tenant's range is a plain address. */
const PLAIN_TENANT = `
const tenant = { name: 'tenant0', egressCidr: '10.99.0.0/29' };
`;

/** With Calico, the tenant is declared once, and its range read by the firewall rule and the gateways. */
const CALICO_TENANT = `
const tenant = new (egress('calico').EgressTenant)({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
`;

const AZURE = `
const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
const azure = egress('azure');
const cloud = new TerraformStack(app, 'azure');
new AzurermProvider(cloud, 'azurerm', { features: [{}] });
const rg = { name: 'rg', location: 'eastus' };
const hub = new azure.VirtualNetwork(cloud, 'hub', {
  resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/22'],
  subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }, { name: 'workloads', addressPrefix: '10.0.1.0/24' }],
});
const firewall = new azure.AzureFirewall(cloud, 'fw', {
  resourceGroup: rg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet'), diagnostics: false,
  ruleCollections: [RuleCollections.application({ name: 'tenant0', priority: 100, action: 'Allow',
    rules: [{ name: 'web', sources: [tenant.egressCidr], targetFqdns: ['www.example.com'], protocols: [{ type: 'Https', port: 443 }] }] })],
});
new azure.FirewallRouteTable(cloud, 'rt', { resourceGroup: rg, name: 'rt', firewall, subnets: [hub.subnet('workloads')] });
refuse(() => hub.addSubnet({ name: 'AzureBastionSubnet', addressPrefix: '10.0.2.0/27' }));
`;

const AWS = `
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const aws = egress('aws');
const inspection = new TerraformStack(app, 'aws');
new AwsProvider(inspection, 'aws', { region: 'us-east-1' });
const vpc = new aws.InspectionVpc(inspection, 'inspection', { name: 'inspection-vpc', cidrBlock: '10.100.0.0/24', availabilityZones: ['us-east-1a', 'us-east-1b'] });
new aws.NetworkFirewall(inspection, 'fw', {
  name: 'inspection-fw', vpc, logging: aws.FirewallLogging.none(),
  ruleCollections: [RuleCollections.network({ name: 'to-service', priority: 100, action: 'Allow',
    rules: [{ name: 'svc', protocols: ['TCP'], sources: ['10.99.0.8/29'], destinationAddresses: ['10.0.0.55'], destinationPorts: [8080] }] })],
});
refuse(() => new aws.InspectionVpc(inspection, 'bad', { name: 'bad', cidrBlock: '10.100.0.0/33', availabilityZones: ['us-east-1a'] }));
`;

const CALICO = `
const { KubernetesProvider } = require('@cdktf/provider-kubernetes/lib/provider');
const calico = egress('calico');
const cluster = new TerraformStack(app, 'cluster');
const manifests = new calico.ClusterManifests(cluster, 'calico', { provider: new KubernetesProvider(cluster, 'kubernetes', { configPath: '~/.kube/config' }) });
new calico.EgressGatewayTenant(manifests, 'tenant0', { tenant });
`;

/** The app of each install kind. */
export const APPS: Record<string, string> = {
  'azure': PRELUDE + PLAIN_TENANT + AZURE + 'finish(app);\n',
  'azure-calico': PRELUDE + CALICO_TENANT + AZURE + CALICO + 'finish(app);\n',
  'aws': PRELUDE + AWS + 'finish(app);\n',
  'all': PRELUDE + CALICO_TENANT + AZURE + CALICO + AWS + 'finish(app);\n',
  'cdktn': PRELUDE + CALICO_TENANT + AZURE + CALICO + AWS + 'finish(app);\n',
};
