import { StackInput, TerraformJson } from '../../lib/report';
import { TerraformIndex, interpolations } from '../../lib/report/terraform';
import { parseRange } from '../../lib/report/builder';

const stack = (name: string, json: TerraformJson): StackInput => ({ name, file: `${name}.json`, dependencies: [], json, yaml: [] });

const cloud = stack('cloud', {
  terraform: { backend: { local: { path: '../../../terraform.cloud.tfstate' } } },
  resource: {
    azurerm_firewall: { fw_1: { name: 'hub-fw', ip_configuration: [{ subnet_id: '${azurerm_subnet.s_1.id}' }] } },
    azurerm_public_ip: { ip_1: { name: 'hub-fw-ip' } },
    azurerm_kubernetes_cluster: { aks_1: { name: 'spoke-aks' } },
    aws_subnet: { sub_1: { tags: { Name: 'nodes-a' } } },
    aws_networkfirewall_firewall: { nfw_1: { name: 'inspection-fw' } },
  },
  variable: { internal_ip: { type: 'string', default: '10.42.1.100' }, ssh_key: { type: 'string' } },
  locals: { endpoints: '${{ for s in aws_networkfirewall_firewall.nfw_1.firewall_status[0].sync_states: s.availability_zone => s.attachment[0].endpoint_id }}' },
  output: { host: { value: '${azurerm_kubernetes_cluster.aks_1.kube_config[0].host}' } },
});
const cluster = stack('cluster', {
  data: {
    terraform_remote_state: {
      'cross-stack-reference-input-cloud': { backend: 'local', config: { path: '../../../terraform.cloud.tfstate' }, workspace: '${terraform.workspace}' },
      'other-state': { backend: 'local', config: { path: 'somewhere-else.tfstate' } },
    },
  },
});
const ix = new TerraformIndex([cloud, cluster]);

describe('Terraform references', () => {
  test('interpolations are found whole, nested braces and strings included', () => {
    expect(interpolations('${a.b}/32 and ${join(" }", [x.y])} and ${{ for k, v in {a = 1}: k => v }}')).toEqual([
      'a.b', 'join(" }", [x.y])', '{ for k, v in {a = 1}: k => v }',
    ]);
    expect(interpolations('10.0.0.0/8')).toEqual([]);
  });

  test.each([
    ['10.0.0.0/8', '10.0.0.0/8', false],
    ['${azurerm_firewall.fw_1.ip_configuration[0].private_ip_address}', 'private IP of firewall hub-fw', true],
    ['${azurerm_public_ip.ip_1.ip_address}/32', 'address of public IP hub-fw-ip/32', true],
    ['${azurerm_public_ip.ip_1.id}', 'public IP hub-fw-ip', true],
    ['${azurerm_kubernetes_cluster.aks_1.fqdn}', 'API server FQDN of cluster spoke-aks', true],
    ['${aws_subnet.sub_1.id}', 'subnet nodes-a', true],
    ['${azurerm_firewall.fw_1.threat_intel_mode}', 'threat intel mode of firewall hub-fw', true],
    ['${var.internal_ip}', 'variable internal_ip (default 10.42.1.100)', true],
    ['${var.ssh_key}', 'variable ssh_key', true],
    ['${azurerm_firewall.gone_1.name}', 'azurerm_firewall.gone_1.name (not in the synthesized output)', true],
    ['${tolist(azurerm_public_ip.ip_1.ip_address)}', 'a value computed from address of public IP hub-fw-ip', true],
  ])('%s is shown as %s', (value, text, deferred) => {
    expect(ix.show('cloud', value)).toEqual({ text, deferred });
  });

  test('a reference through a local keeps the keys it is indexed with', () => {
    const refs = ix.references('cloud', '${local.endpoints["us-east-1a"]}');
    expect(refs.map((r) => [r.kind, r.type, r.name, r.keys])).toEqual([['resource', 'aws_networkfirewall_firewall', 'nfw_1', ['us-east-1a']]]);
  });

  test('a cross-stack reference leads to the other stack\'s resource, found by its backend', () => {
    expect(ix.remoteStateStack('cluster', 'cross-stack-reference-input-cloud')).toBe('cloud');
    expect(ix.remoteStateStack('cluster', 'other-state')).toBeUndefined();
    const value = '${data.terraform_remote_state.cross-stack-reference-input-cloud.outputs.host}';
    const [ref] = ix.references('cluster', value);
    expect([ref.stack, ref.target?.type, ref.target?.name, ref.attribute]).toEqual(['cloud', 'azurerm_kubernetes_cluster', 'aks_1', 'kube_config[0].host']);
    expect(ix.show('cluster', value)).toEqual({ text: 'API server of cluster spoke-aks (stack cloud)', deferred: true });
  });

  test('a remote state whose backend matches no stack stays a data source', () => {
    const [ref] = ix.references('cluster', '${data.terraform_remote_state.other-state.outputs.x}');
    expect([ref.kind, ref.type, ref.name, ref.target?.stack]).toEqual(['data', 'terraform_remote_state', 'other-state', 'cluster']);
  });

  test('references inside lists and objects are all found, strings in expressions skipped', () => {
    const refs = ix.targets('cloud', { a: ['${azurerm_public_ip.ip_1.id}'], b: '${lookup({"azurerm_firewall.fw_1.name" = 1}, azurerm_firewall.fw_1.name)}' });
    expect(refs.map((r) => r.name)).toEqual(['ip_1', 'fw_1']);
  });

  test('rule addresses are read as ranges: a bare IP is a host, host bits are cleared as firewalls do, names and references are not ranges', () => {
    expect(parseRange('10.99.0.1')?.toString()).toBe('10.99.0.1/32');
    expect(parseRange('10.0.0.5/24')?.toString()).toBe('10.0.0.0/24');
    expect(parseRange('fd00::1/64')?.toString()).toBe('fd00::/64');
    expect([parseRange('AzureCloud.eastus'), parseRange('${var.range}'), parseRange('10.0.0.0/33')]).toEqual([undefined, undefined, undefined]);
  });
});
