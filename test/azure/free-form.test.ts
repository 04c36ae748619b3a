import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import {
  ApplicationGateway, AzureFirewall, IntrusionDetectionOptions, ManagedIdentity, NatGateway, RouteTable, VirtualNetwork,
} from '../../lib/azure';
import { ValidationError } from '../../lib/core';
import { azureStack, resource, resourceGroup, synth } from '../helpers';
import { cluster, spoke } from './fixtures';

/*
 * Free-form fields of the Azure constructs (issue 13 item 6): lists of IPs and CIDRs, zones, tags,
 * names, ports, resource IDs. Each is checked with the shared helpers, for JavaScript callers too.
 */

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

function warnings(stack: TerraformStack): string[] {
  Testing.synth(stack, true);
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => `${c.node.path}: ${m.data}`));
}

function hub(stack: TerraformStack) {
  const rg = resourceGroup(stack, 'hub');
  const vnet = new VirtualNetwork(stack, 'hub-vnet', {
    resourceGroup: rg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' }],
  });
  return { rg, subnet: vnet.subnet('AzureFirewallSubnet') };
}

describe('tags follow Azure\'s limits on every construct', () => {
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'x']));
  test.each([
    ['a name with a slash', { 'team/egress': 'platform' }, 'test/rt: tags name is "team/egress"; a tag name is 1 to 512 characters without < > % & \\ ? / (it has "/")'],
    ['an empty name', { '': 'x' }, 'test/rt: tags name is ""; a tag name is 1 to 512 characters without < > % & \\ ? /'],
    ['a value of 257 characters', { owner: 'x'.repeat(257) }, 'test/rt: tags["owner"] is "257 characters"; a tag value is at most 256 characters'],
    ['a number as value', { cost: 42 }, 'test/rt: tags["cost"] (a number) is 42; a tag value is a string'],
    ['51 tags', many, 'test/rt: tags is "51 tags"; Azure takes at most 50 tags per resource'],
    ['a list', ['env'], 'test/rt: tags (a list) is ["env"]; expected a map of tag names to string values'],
  ])('%s', (_, tags, message) => {
    const stack = azureStack(Testing.app(), 'test');
    expect(messageOf(() => new RouteTable(stack, 'rt', { resourceGroup: resourceGroup(stack), name: 'rt', tags: tags as never }))).toBe(message);
  });

  test('on the public IPs and workspaces constructs create for themselves too', () => {
    const stack = azureStack(Testing.app(), 'test');
    const h = hub(stack);
    expect(messageOf(() => new NatGateway(stack, 'nat', { resourceGroup: h.rg, name: 'nat', tags: { 'a&b': 'x' } })))
      .toBe('test/nat: tags name is "a&b"; a tag name is 1 to 512 characters without < > % & \\ ? / (it has "&")');
    expect(messageOf(() => new ManagedIdentity(stack, 'id', { resourceGroup: h.rg, name: 'ident', tags: { env: 'x'.repeat(300) } })))
      .toBe('test/id: tags["env"] is "300 characters"; a tag value is at most 256 characters');
  });

  test('valid tags reach the plan unchanged; a deploy-time value is left to the provider', () => {
    const stack = azureStack(Testing.app(), 'test');
    const env = new TerraformVariable(stack, 'env', { type: 'string' });
    new RouteTable(stack, 'rt', { resourceGroup: resourceGroup(stack), name: 'rt', tags: { env: env.stringValue, 'cost-center': 'CC 1234' } });
    expect(resource(synth(stack), 'azurerm_route_table').tags).toEqual({ env: '${var.env}', 'cost-center': 'CC 1234' });
  });
});

describe('address lists, zones, ports and IDs', () => {
  test('Application Gateway zones are distinct zones 1 to 3', () => {
    const stack = azureStack(Testing.app(), 'test');
    const s = spoke(stack);
    expect(messageOf(() => new ApplicationGateway(stack, 'gw', { resourceGroup: s.rg, name: 'gw', subnet: s.vnet.subnet('gw-1-subnet'), zones: ['1', '4'] })))
      .toBe('test/gw: zones[1] is "4"; a zone is allowed: "1", "2", "3"; did you mean "1"?');
    expect(messageOf(() => new ApplicationGateway(stack, 'gw2', { resourceGroup: s.rg, name: 'gw2', subnet: s.vnet.subnet('gw-1-subnet'), zones: [1] as never })))
      .toBe('test/gw2: zones[0] (a number) is 1; a zone is allowed: "1", "2", "3"');
  });

  test('the firewall\'s SNAT private ranges are CIDRs or IANAPrivateRanges', () => {
    const build = (privateIpRanges: unknown) => {
      const stack = azureStack(Testing.app(), 'test');
      const h = hub(stack);
      new AzureFirewall(stack, 'fw', { resourceGroup: h.rg, name: 'fw', subnet: h.subnet, diagnostics: false, privateIpRanges: privateIpRanges as never });
      return stack;
    };
    expect(messageOf(() => build(['10.0.0.0/33']))).toMatch(/^test\/fw: privateIpRanges\[0\] is "10\.0\.0\.0\/33"; /);
    expect(messageOf(() => build(['IANAPrivateRange']))).toMatch(/^test\/fw: privateIpRanges\[0\] is "IANAPrivateRange"; /);
    expect(messageOf(() => build('10.0.0.0/8'))).toBe('test/fw: privateIpRanges (a string) is "10.0.0.0/8"; expected a list of CIDRs or "IANAPrivateRanges"');
    expect(resource(synth(build(['IANAPrivateRanges', '100.64.0.0/10'])), 'azurerm_firewall_policy').private_ip_ranges)
      .toEqual(['IANAPrivateRanges', '100.64.0.0/10']);
  });

  test('the firewall\'s IP configuration name follows the naming rule', () => {
    const stack = azureStack(Testing.app(), 'test');
    const h = hub(stack);
    expect(messageOf(() => new AzureFirewall(stack, 'fw', { resourceGroup: h.rg, name: 'fw', subnet: h.subnet, ipConfigurationName: 'ip config' })))
      .toBe('test/fw: ipConfigurationName is "ip config"; an IP configuration name is 1 to 80 letters, digits, \'_\', \'.\' or \'-\', ' +
        'starting with a letter or digit and ending with a letter, digit or \'_\'');
  });

  describe('IDPS bypass entries', () => {
    const build = (bypass: unknown) => {
      const stack = azureStack(Testing.app(), 'test');
      const h = hub(stack);
      const intrusionDetection = { mode: 'Alert', trafficBypass: [bypass] } as unknown as IntrusionDetectionOptions;
      return messageOf(() => new AzureFirewall(stack, 'fw', { resourceGroup: h.rg, name: 'fw', subnet: h.subnet, skuTier: 'Premium', intrusionDetection }));
    };
    test.each([
      ['a source that is no address', { name: 'b', protocol: 'TCP', sourceAddresses: ['10.0.0.300'] },
        /^test\/fw: intrusionDetection\.trafficBypass\[0\]\.sourceAddresses\[0\] is "10\.0\.0\.300"; /],
      ['a destination port out of range', { name: 'b', protocol: 'TCP', destinationPorts: ['70000'] },
        /^test\/fw: intrusionDetection\.trafficBypass\[0\]\.destinationPorts\[0\] is "70000"; a port is "1" to "65535", a range "low-high" or "\*"$/],
      ['a port given as a number', { name: 'b', protocol: 'TCP', destinationPorts: [443] },
        /^test\/fw: intrusionDetection\.trafficBypass\[0\]\.destinationPorts\[0\] \(a number\) is 443; expected a port as a string/],
      ['a name with a space', { name: 'backup job', protocol: 'TCP' },
        /^test\/fw: intrusionDetection\.trafficBypass\[0\]\.name is "backup job"; a bypass name is 1 to 80 letters/],
      ['no entry at all', null, /^test\/fw: intrusionDetection\.trafficBypass\[0\] is null; a bypass is \{ name, protocol, \.\.\. \}$/],
    ])('%s', (_, bypass, message) => {
      expect(build(bypass)).toMatch(message);
    });
  });

  test('a VNet\'s address space is a list; its DNS servers set later are IP addresses', () => {
    const stack = azureStack(Testing.app(), 'test');
    const rg = resourceGroup(stack);
    expect(messageOf(() => new VirtualNetwork(stack, 'v1', { resourceGroup: rg, name: 'v1', addressSpace: '10.0.0.0/16' as never })))
      .toBe('test/v1: addressSpace (a string) is "10.0.0.0/16"; expected a list of CIDRs, e.g. ["10.0.0.0/16"]');
    const vnet = new VirtualNetwork(stack, 'v2', { resourceGroup: rg, name: 'v2', addressSpace: ['10.0.0.0/16'] });
    expect(messageOf(() => vnet.setDnsServers(['10.0.0.4', '10.0.0.4 ']))).toBe('test/v2: dnsServers[1] is "10.0.0.4 "; expected an IP address such as 10.0.0.4');
  });

  test('AKS authorized ranges: IPs or CIDRs, once each; a deploy-time entry other than a public IP warns', () => {
    const build = (ranges: (stack: TerraformStack) => unknown[]) => {
      const stack = azureStack(Testing.app(), 'test');
      const s = spoke(stack);
      cluster(stack, s, { apiServerAuthorizedIpRanges: ranges(stack) as string[] });
      return stack;
    };
    expect(messageOf(() => build(() => ['203.0.113.0/24', '203.0.113.0/24'])))
      .toBe('test/aks: apiServerAuthorizedIpRanges[1] is "203.0.113.0/24"; it is listed twice');
    expect(messageOf(() => build(() => [203]))).toBe('test/aks: apiServerAuthorizedIpRanges[0] (a number) is 203; expected an IP or a CIDR such as 203.0.113.0/24');
    expect(messageOf(() => build(() => ['203.0.113.0/33']))).toMatch(/^test\/aks: apiServerAuthorizedIpRanges\[0\] is "203\.0\.113\.0\/33"; /);
    expect(warnings(build((stack) => ['203.0.113.0/24', new TerraformVariable(stack, 'office', { type: 'string' }).stringValue]))).toEqual([
      'test/aks: apiServerAuthorizedIpRanges[1] is a deploy-time reference to var.office; that it is an IP or a CIDR could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('AKS user-assigned identity IDs: a literal must be one; an identity of the app passes; an unknown one warns', () => {
    const build = (ids: (stack: TerraformStack) => string[]) => {
      const stack = azureStack(Testing.app(), 'test');
      const s = spoke(stack);
      cluster(stack, s, { userAssignedIdentityIds: ids(stack) });
      return stack;
    };
    expect(messageOf(() => build(() => ['aks-id']))).toBe('test/aks: userAssignedIdentityIds[0] is "aks-id"; a user-assigned identity ID: ' +
      '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>');
    expect(warnings(build((stack) => [new ManagedIdentity(stack, 'id', { resourceGroup: resourceGroup(stack, 'ids'), name: 'aks-id' }).id]))).toEqual([]);
    expect(warnings(build((stack) => [new TerraformVariable(stack, 'identity', { type: 'string' }).stringValue]))).toEqual([
      'test/aks: userAssignedIdentityIds[0] is a deploy-time reference to var.identity; that it names a user-assigned identity could not be checked at synth and is checked by the cloud at apply',
    ]);
  });
});
