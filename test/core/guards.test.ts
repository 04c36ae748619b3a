import { App, TerraformStack, Token, Testing } from 'cdktf';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import {
  ValidationError, checkCidrList, checkEnum, checkIpList, checkLabelKey, checkLabelValue, checkLabels, checkNumber,
  checkZones, formatValue, knownEqual, knownValue, nearest, requireLiteral, requireProps, warnUnchecked,
} from '../../lib/core';

function rgStack(location = 'westeurope') {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const rg = new ResourceGroup(stack, 'hub-rg', { name: 'hub', location });
  return { app, stack, rg };
}

describe('formatValue shows what was passed', () => {
  test.each([
    ['a plain string, quoted', 'westeurope', '"westeurope"'],
    ['a trailing space', 'eastus ', '"eastus "'],
    ['a U+2010 hyphen', 'hub\u2010vnet', '"hub\\u2010vnet"'],
    ['a full-width digit', '\uFF11', '"\\uFF11"'],
    ['a non-breaking space', 'a\u00A0b', '"a\\u00A0b"'],
    ['a tab and a quote', 'a\t"b"', '"a\\t\\"b\\""'],
    ['an emoji outside the BMP', '\u{1F600}', '"\\u{1F600}"'],
    ['a number', 27, '27'],
    ['a list', ['a', 1], '["a",1]'],
    ['missing', undefined, 'missing'],
  ])('%s', (_, value, shown) => {
    expect(formatValue(value)).toBe(shown);
  });

  test('deploy-time references are named by their Terraform address, never as token text', () => {
    const { rg } = rgStack();
    expect(formatValue(rg.location)).toBe('a deploy-time reference to azurerm_resource_group.hub-rg.location');
    expect(formatValue(Token.asNumber(rg.location))).not.toMatch(/e\+298|TfToken/);
    expect(formatValue([rg.location])).not.toMatch(/TfToken/);
    expect(formatValue(Token.asList(rg.location))).not.toMatch(/TfToken/);
  });
});

describe('requireProps', () => {
  test('names the missing prop, for callers without types', () => {
    expect(() => requireProps('app/vnet', 'VirtualNetwork', { name: 'x' } as any, ['name', 'addressSpace' as any]))
      .toThrow('app/vnet: addressSpace is missing; VirtualNetwork requires it');
  });
  test('refuses props that are not an object', () => {
    expect(() => requireProps('app/vnet', 'VirtualNetwork', undefined as any, ['name' as never]))
      .toThrow("app/vnet: props is missing; VirtualNetwork takes an object of props with 'name'");
    expect(() => requireProps('app/vnet', 'VirtualNetwork', 'x' as any, []))
      .toThrow('app/vnet: props is "x"; VirtualNetwork takes an object of props with its options');
  });
  test('accepts props with everything required', () => {
    expect(() => requireProps('app/vnet', 'VirtualNetwork', { name: 'x' }, ['name'])).not.toThrow();
  });
});

describe('checkEnum', () => {
  const protocols = ['TCP', 'UDP', 'ICMP', 'Any'] as const;
  test('is case-sensitive and suggests the allowed spelling', () => {
    expect(() => checkEnum('app/fw', 'protocols[0]', 'tcp', protocols))
      .toThrow('app/fw: protocols[0] is "tcp"; allowed: "TCP", "UDP", "ICMP", "Any"; did you mean "TCP"?');
  });
  test('suggests the nearest by edit distance', () => {
    expect(nearest('Alrt', ['Alert', 'Deny', 'Off'])).toBe('Alert');
    expect(nearest('zzzzzz', ['Alert', 'Deny', 'Off'])).toBeUndefined();
  });
  test('names a wrong type', () => {
    expect(() => checkEnum('app/fw', 'mode', 1, ['Alert', 'Deny']))
      .toThrow('app/fw: mode (a number) is 1; allowed: "Alert", "Deny"');
  });
  test('refuses a deploy-time value unless allowed', () => {
    const { rg } = rgStack();
    expect(() => checkEnum('app/fw', 'mode', rg.location, ['Alert']))
      .toThrow('app/fw: mode is a deploy-time reference to azurerm_resource_group.hub-rg.location; a literal is needed here: allowed: "Alert"');
    const location = rg.location;
    expect(checkEnum('app/fw', 'mode', location, ['Alert'], { allowDeployTime: true })).toBe(location);
  });
  test('returns the value when allowed', () => {
    expect(checkEnum('app/fw', 'p', 'UDP', protocols)).toBe('UDP');
  });
});

describe('requireLiteral and checkNumber', () => {
  test('requireLiteral says what was passed and what to pass instead', () => {
    const { rg } = rgStack();
    expect(() => requireLiteral('app/calico', 'peerIps', [rg.location], 'pass routeServer.peerIps'))
      .toThrow('app/calico: peerIps is [a deploy-time reference to azurerm_resource_group.hub-rg.location]; a literal is needed here because it is checked at synth; pass routeServer.peerIps');
  });
  test('checkNumber skips a deploy-time number, or refuses it when asked', () => {
    const { rg } = rgStack();
    const n = Token.asNumber(rg.location);
    expect(checkNumber('app/x', 'count', n, { min: 1, max: 3 })).toBe(false);
    expect(() => checkNumber('app/x', 'count', n, { min: 1, max: 3, deployTime: 'refuse' }))
      .toThrow(/^app\/x: count is a deploy-time reference to azurerm_resource_group\.hub-rg\.location; a literal number is needed here/);
  });
  test('checkNumber names a number given as a string', () => {
    expect(() => checkNumber('app/x', 'maxPods', '30', { min: 10, max: 250 }))
      .toThrow('app/x: maxPods (a string) is "30"; expected a number: a whole number from 10 to 250');
  });
  test('checkNumber checks range and wholeness', () => {
    expect(() => checkNumber('app/x', 'maxPods', 251, { min: 10, max: 250 })).toThrow('app/x: maxPods is 251; a whole number from 10 to 250');
    expect(() => checkNumber('app/x', 'maxPods', 1.5, { min: 1 })).toThrow('app/x: maxPods is 1.5; a whole number of at least 1');
    expect(checkNumber('app/x', 'maxPods', 30, { min: 10, max: 250 })).toBe(true);
  });
});

describe('address lists, zones and labels', () => {
  test('checkIpList refuses names, CIDRs, duplicates and the wrong family', () => {
    expect(() => checkIpList('app/vnet', 'dnsServers', ['10.0.0.4', 'dns.local'])).toThrow('app/vnet: dnsServers[1] is "dns.local"; expected an IP address such as 10.0.0.4');
    expect(() => checkIpList('app/vnet', 'dnsServers', ['10.0.0.0/24'])).toThrow('app/vnet: dnsServers[0] is "10.0.0.0/24"');
    expect(() => checkIpList('app/vnet', 'dnsServers', ['10.0.0.4', '10.0.0.4'])).toThrow('app/vnet: dnsServers[1] is "10.0.0.4"; it is listed twice');
    expect(() => checkIpList('app/vnet', 'dnsServers', ['fd00::1'], { version: 4 })).toThrow('only IPv4 is allowed here');
    expect(() => checkIpList('app/vnet', 'dnsServers', '10.0.0.4')).toThrow('app/vnet: dnsServers (a string) is "10.0.0.4"; expected a list of addresses');
    expect(() => checkIpList('app/vnet', 'dnsServers', ['10.0.0.4', '168.63.129.16'])).not.toThrow();
  });
  test('checkIpList skips deploy-time entries', () => {
    const { rg } = rgStack();
    expect(() => checkIpList('app/vnet', 'dnsServers', [rg.location, '10.0.0.4'])).not.toThrow();
  });
  test('checkCidrList parses each range strictly', () => {
    expect(() => checkCidrList('app/x', 'ranges', ['10.0.0.1/24'])).toThrow('app/x: ranges[0] is "10.0.0.1/24"; host bits are set');
    expect(checkCidrList('app/x', 'ranges', ['10.0.0.0/24']).map(String)).toEqual(['10.0.0.0/24']);
  });
  test('checkZones takes distinct zones from the allowed set', () => {
    expect(() => checkZones('app/fw', 'zones', ['1', '4'])).toThrow('app/fw: zones[1] is "4"; a zone is allowed: "1", "2", "3"');
    expect(() => checkZones('app/fw', 'zones', [1])).toThrow('app/fw: zones[0] (a number) is 1');
    expect(() => checkZones('app/fw', 'zones', ['1', '1'])).toThrow('app/fw: zones[1] is "1"; it is listed twice');
    expect(() => checkZones('app/fw', 'zones', ['1', '2', '3'])).not.toThrow();
  });
  test('label keys and values follow Kubernetes rules', () => {
    expect(() => checkLabelKey('app/np', 'nodeLabels', 'route-reflector')).not.toThrow();
    expect(() => checkLabelKey('app/np', 'nodeLabels', 'example.com/role')).not.toThrow();
    expect(() => checkLabelKey('app/np', 'nodeLabels', 'Example.com/role')).toThrow('app/np: nodeLabels is "Example.com/role"; a label key is');
    expect(() => checkLabelKey('app/np', 'nodeLabels', 'bad key')).toThrow('app/np: nodeLabels is "bad key"');
    expect(() => checkLabelValue('app/np', 'v', "x' || all()")).toThrow(`app/np: v is "x' || all()"; a label value is`);
    expect(() => checkLabelValue('app/np', 'v', '')).not.toThrow();
    expect(() => checkLabels('app/np', 'labels', { app: 'a'.repeat(64) })).toThrow('app/np: labels["app"] is "' + 'a'.repeat(64) + '"');
  });
});

describe('what the app knows about deploy-time values', () => {
  test('knownValue reads the literal the app set on a resource', () => {
    const { stack, rg } = rgStack('West Europe');
    expect(knownValue(stack, rg.location)).toBe('West Europe');
    expect(knownValue(stack, 'eastus')).toBe('eastus');
    expect(knownValue(stack, rg.id)).toBeUndefined();
    // A string joining a reference and text is known only as a whole, never as the reference alone.
    expect(knownValue(stack, `${rg.location}-x`)).toBe('West Europe-x');
    expect(knownValue(stack, `${rg.id}/subnets/a`)).toBeUndefined();
  });
  test('knownEqual compares locations the way Azure does, and knows when it cannot know', () => {
    const { stack, rg } = rgStack('West Europe');
    const other = new ResourceGroup(stack, 'spoke-rg', { name: 'spoke', location: 'westeurope' });
    const far = new ResourceGroup(stack, 'far-rg', { name: 'far', location: 'eastus' });
    expect(knownEqual(stack, rg.location, other.location)).toBe(true);
    expect(knownEqual(stack, rg.location, far.location)).toBe(false);
    expect(knownEqual(stack, rg.location, rg.location)).toBe(true);
    expect(knownEqual(stack, rg.id, far.location)).toBeUndefined();
  });
  test('warnUnchecked warns once per field and check', () => {
    const app = new App();
    const stack = new TerraformStack(app, 's');
    const rg = new ResourceGroup(stack, 'rg', { name: 'x', location: 'westeurope' });
    warnUnchecked(stack, 'location', rg.id, 'the region');
    warnUnchecked(stack, 'location', rg.id, 'the region');
    const warnings = stack.node.metadata.map((m) => [m.type, m.data]);
    expect(warnings).toEqual([['@cdktf/warn', 'location is a deploy-time reference to azurerm_resource_group.rg.id; the region could not be checked at synth and is checked by the cloud at apply']]);
  });
});

test('ValidationError keeps the raw value alongside the message', () => {
  const e = new ValidationError('app/x', 'name', 'a\u2010b', 'ASCII only');
  expect(e.message).toBe('app/x: name is "a\\u2010b"; ASCII only');
  expect(e.value).toBe('a\u2010b');
});
