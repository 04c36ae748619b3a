import {
  AZURE_FIREWALL_RULE_LIMITS, Cidr, RuleCollection, RuleCollections, evaluationOrder, isFqdn, renderSourceAddresses, renderSources,
  usesNetworkFqdns, validateRuleCollection, validateRuleCollections,
} from '../../lib/core';

const net = (over: Partial<Parameters<typeof RuleCollections.network>[0]> = {}) => RuleCollections.network({
  name: 'net',
  priority: 100,
  action: 'Allow',
  rules: [{ name: 'r', protocols: ['TCP'], destinationAddresses: ['10.0.0.0/8'], destinationPorts: [443] }],
  ...over,
});
const app = (over: Partial<Parameters<typeof RuleCollections.application>[0]> = {}) => RuleCollections.application({
  name: 'app',
  priority: 100,
  action: 'Allow',
  rules: [{ name: 'r', targetFqdns: ['www.tigera.io'], protocols: [{ type: 'Https', port: 443 }] }],
  ...over,
});
const check = (c: RuleCollection) => () => validateRuleCollection('app/fw', c, AZURE_FIREWALL_RULE_LIMITS);

describe('rule model', () => {
  test('builders tag the kind', () => {
    expect(net().kind).toBe('network');
    expect(app().kind).toBe('application');
    expect(RuleCollections.dnat({ name: 'd', priority: 100, rules: [] }).kind).toBe('dnat');
  });

  test('sources default to * and render CIDR objects as strings', () => {
    expect(renderSources(undefined)).toEqual(['*']);
    expect(renderSources([Cidr.parse('10.99.0.0/29'), '10.1.0.0/24'])).toEqual(['10.99.0.0/29', '10.1.0.0/24']);
  });

  test('valid collections pass', () => {
    expect(check(net())).not.toThrow();
    expect(check(app())).not.toThrow();
    expect(check(app({ rules: [{ name: 'tag', fqdnTags: ['AzureKubernetesService'] }] }))).not.toThrow();
  });

  test.each([
    ['priority below 100', net({ priority: 99 }), 'app/fw: ruleCollections[net].priority is 99; Azure Firewall accepts priorities from 100 to 65000'],
    ['priority above 65000', net({ priority: 65001 }), /priority is 65001; Azure Firewall accepts priorities from 100 to 65000/],
    ['fractional priority', net({ priority: 100.5 }), /priority is 100.5/],
    ['no rules', net({ rules: [] }), /ruleCollections\[net\].rules is \[\]; a collection needs at least one rule/],
    ['bad collection name', net({ name: 'bad name!' }), /ruleCollections\[bad name!\].name is "bad name!"/],
    ['duplicate rule names', net({ rules: [
      { name: 'r', protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [1] },
      { name: 'r', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: [1] }] }), /rules\[\].name is "r"; names must be unique/],
    ['no destination', net({ rules: [{ name: 'r', protocols: ['TCP'], destinationPorts: [443] }] }),
      /rules\[0\].destinationAddresses is missing; a network rule needs destination addresses or destination FQDNs/],
    ['no protocol', net({ rules: [{ name: 'r', protocols: [], destinationAddresses: ['*'], destinationPorts: [443] }] }),
      'app/fw: ruleCollections[net].rules[0].protocols is []; name at least one of TCP, UDP, ICMP, Any'],
    ['port 0', net({ rules: [{ name: 'r', protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [0] }] }),
      /destinationPorts\[0\] is 0; a port is 1 to 65535, a range "low-high" or "\*"/],
    ['reversed range', net({ rules: [{ name: 'r', protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: ['9000-8000'] }] }),
      'app/fw: ruleCollections[net].rules[0].destinationPorts[0] is "9000-8000"; a port is 1 to 65535, a range "low-high" or "*"'],
    ['bad CIDR', net({ rules: [{ name: 'r', protocols: ['TCP'], destinationAddresses: ['10.0.0.1/8'], destinationPorts: [1] }] }),
      /destinationAddresses\[0\] is "10.0.0.1\/8"; host bits are set/],
    ['bad source', net({ rules: [{ name: 'r', sources: ['10.0.0'], protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [1] }] }),
      /sources\[0\] is "10.0.0"/],
    ['bad service tag', net({ rules: [{ name: 'r', protocols: ['TCP'], destinationAddresses: ['Azure Cloud'], destinationPorts: [1] }] }),
      /destinationAddresses\[0\] is "Azure Cloud"; an address is "\*", an IP, a CIDR or a service tag/],
    ['bad network FQDN', net({ rules: [{ name: 'r', protocols: ['UDP'], destinationFqdns: ['ntp..ubuntu.com'], destinationPorts: [123] }] }),
      /destinationFqdns\[0\] is "ntp..ubuntu.com"; expected a DNS name/],
    ['app rule without targets', app({ rules: [{ name: 'r', protocols: [{ type: 'Https', port: 443 }] }] }),
      /targetFqdns is missing; an application rule needs target FQDNs or FQDN tags/],
    ['app rule with both', app({ rules: [{ name: 'r', targetFqdns: ['a.com'], fqdnTags: ['WindowsUpdate'], protocols: [{ type: 'Https', port: 443 }] }] }),
      /a rule has either target FQDNs or FQDN tags/],
    ['app rule without protocols', app({ rules: [{ name: 'r', targetFqdns: ['a.com'] }] }), /protocols is \[\]; a rule with target FQDNs needs protocols/],
    ['app rule bad port', app({ rules: [{ name: 'r', targetFqdns: ['a.com'], protocols: [{ type: 'Https', port: 70000 }] }] }), /protocols\[0\].port is 70000/],
    ['dnat bad translated address', RuleCollections.dnat({ name: 'd', priority: 100, rules: [{
      name: 'in', protocols: ['TCP'], destinationAddress: '20.1.1.1', destinationPorts: [80], translatedAddress: '10.0.0.300', translatedPort: 80 }] }),
      /translatedAddress is "10.0.0.300"/],
    ['dnat translated port range', RuleCollections.dnat({ name: 'd', priority: 100, rules: [{
      name: 'in', protocols: ['TCP'], destinationAddress: '20.1.1.1', destinationPorts: [80], translatedAddress: '10.0.0.4', translatedPort: '8000-8080' }] }),
      'app/fw: ruleCollections[d].rules[0].translatedPort is "8000-8080"; a translated port is one port from 1 to 65535'],
    ['dnat translated port *', RuleCollections.dnat({ name: 'd', priority: 100, rules: [{
      name: 'in', protocols: ['TCP'], destinationAddress: '20.1.1.1', destinationPorts: [80], translatedAddress: '10.0.0.4', translatedPort: '*' }] }),
      /translatedPort is "\*"; a translated port is one port from 1 to 65535/],
    ['a rule without a name', net({ rules: [{ name: '', protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [1] }] }),
      'app/fw: ruleCollections[net].rules[0].name is ""; every rule needs a name'],
    ['an empty address', net({ rules: [{ name: 'r', sources: [''], protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [1] }] }),
      'app/fw: ruleCollections[net].rules[0].sources[0] is ""; an address is "*", an IP, a CIDR or a service tag'],
  ])('rejects %s', (_, collection, message) => {
    expect(check(collection)).toThrow(message);
  });

  test('priorities clash only within a kind', () => {
    expect(() => validateRuleCollections('app/fw', [net(), app()], AZURE_FIREWALL_RULE_LIMITS)).not.toThrow();
    expect(() => validateRuleCollections('app/fw', [net(), net({ name: 'net2' })], AZURE_FIREWALL_RULE_LIMITS)).toThrow(
      'app/fw: ruleCollections[net2].priority is 100; network collection net already has priority 100; each network collection needs its own priority');
  });

  test('collection names are unique across kinds', () => {
    expect(() => validateRuleCollections('app/fw', [net({ name: 'x' }), app({ name: 'x', priority: 200 })], AZURE_FIREWALL_RULE_LIMITS))
      .toThrow(/ruleCollections\[\].name is "x"; names must be unique/);
  });

  test('evaluation order is DNAT, network, application, by priority', () => {
    const d = RuleCollections.dnat({ name: 'd', priority: 500, rules: [] });
    const order = evaluationOrder([app({ name: 'a2', priority: 200 }), net({ name: 'n', priority: 300 }), app({ name: 'a1', priority: 100 }), d]);
    expect(order.map((c) => c.name)).toEqual(['d', 'n', 'a1', 'a2']);
  });

  test('usesNetworkFqdns and isFqdn', () => {
    expect(usesNetworkFqdns(net({ rules: [{ name: 'time', protocols: ['UDP'], destinationFqdns: ['ntp.ubuntu.com'], destinationPorts: [123] }] }))).toBe(true);
    expect(usesNetworkFqdns(net())).toBe(false);
    expect(isFqdn('*.hcp.eastus.azmk8s.io')).toBe(true);
    expect(isFqdn('*')).toBe(true);
    expect(isFqdn('a..b')).toBe(false);
  });
});

describe('IP Groups as sources', () => {
  const rule = { name: 'ntp', protocols: ['UDP' as const], destinationAddresses: ['*'], destinationPorts: [123] };
  const collection = RuleCollections.fromIpGroups(
    RuleCollections.network({ name: 'time', priority: 100, action: 'Allow', rules: [{ ...rule, sources: ['10.0.0.0/8'] }] }),
    ['/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/ipGroups/nodes'],
  );

  test('fromIpGroups replaces every rule\'s sources', () => {
    expect(collection.rules).toEqual([{ ...rule, sources: undefined, sourceIpGroups: ['/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/ipGroups/nodes'] }]);
    expect(renderSourceAddresses(collection.rules[0])).toBeUndefined();
    expect(renderSourceAddresses({ sources: undefined })).toEqual(['*']);
  });

  test('a firewall without IP Groups refuses them', () => {
    const limits = { ...AZURE_FIREWALL_RULE_LIMITS, firewall: 'AWS Network Firewall', ipGroups: undefined };
    expect(() => validateRuleCollection('fw', collection, limits)).toThrow(
      'fw: ruleCollections[time].rules[0].sourceIpGroups is ["/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/ipGroups/nodes"]; '
      + 'AWS Network Firewall has no IP Groups; name the source addresses');
    expect(() => validateRuleCollection('fw', collection, AZURE_FIREWALL_RULE_LIMITS)).not.toThrow();
  });
});
