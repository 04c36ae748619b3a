import { Cidr, RuleCollections } from '../../lib/core';
import { renderNetworkFirewallRuleGroup } from '../../lib/aws';

const render = (c: Parameters<typeof renderNetworkFirewallRuleGroup>[1]) => renderNetworkFirewallRuleGroup('app/fw', c);
const header = (protocol: string, source: string, destination: string, destinationPort: string) =>
  ({ protocol, source, sourcePort: 'ANY', direction: 'FORWARD', destination, destinationPort });

describe('rendering the rule model for Network Firewall', () => {
  test('a network collection becomes strict-order 5-tuple rules, one per protocol, source, destination and port', () => {
    const egress = Cidr.parse('198.51.100.0/28');
    const out = render(RuleCollections.network({
      name: 'to-service', priority: 100, action: 'Allow',
      rules: [
        { name: 'web', protocols: ['TCP', 'UDP'], sources: [egress, '10.10.0.5'], destinationAddresses: ['10.0.0.55'], destinationPorts: [443, '8000-8080'] },
        { name: 'ping', protocols: ['ICMP'], destinationAddresses: ['10.0.0.0/24'], destinationPorts: [1, 2] },
      ],
    }));
    const rules = out.ruleGroup.rulesSource.statefulRule as any[];
    expect(rules.map((r) => r.header)).toEqual([
      header('TCP', '198.51.100.0/28', '10.0.0.55/32', '443'),
      header('TCP', '10.10.0.5/32', '10.0.0.55/32', '443'),
      header('TCP', '198.51.100.0/28', '10.0.0.55/32', '8000:8080'),
      header('TCP', '10.10.0.5/32', '10.0.0.55/32', '8000:8080'),
      header('UDP', '198.51.100.0/28', '10.0.0.55/32', '443'),
      header('UDP', '10.10.0.5/32', '10.0.0.55/32', '443'),
      header('UDP', '198.51.100.0/28', '10.0.0.55/32', '8000:8080'),
      header('UDP', '10.10.0.5/32', '10.0.0.55/32', '8000:8080'),
      header('ICMP', 'ANY', '10.0.0.0/24', 'ANY'),
    ]);
    expect(rules.every((r) => r.action === 'PASS')).toBe(true);
    expect(rules.map((r) => r.ruleOption[1])).toEqual(rules.map((_, i) => ({ keyword: 'sid', settings: [String(i + 1)] })));
    expect(rules[0].ruleOption[0]).toEqual({ keyword: 'msg', settings: ['"to-service: web"'] });
    expect(out.ruleGroup.statefulRuleOptions).toEqual({ ruleOrder: 'STRICT_ORDER' });
    expect(out.requiredCapacity).toBe(9);
  });

  test('Deny drops; Any is every IP protocol with "*" ports, TCP and UDP with ports', () => {
    const out = render(RuleCollections.network({
      name: 'deny', priority: 200, action: 'Deny',
      rules: [
        { name: 'all', protocols: ['Any'], destinationAddresses: ['10.0.0.55'], destinationPorts: ['*'] },
        { name: 'dns', protocols: ['Any'], destinationAddresses: ['*'], destinationPorts: [53] },
      ],
    }));
    const rules = out.ruleGroup.rulesSource.statefulRule as any[];
    expect(rules.map((r) => [r.action, r.header])).toEqual([
      ['DROP', header('IP', 'ANY', '10.0.0.55/32', 'ANY')],
      ['DROP', header('TCP', 'ANY', 'ANY', '53')],
      ['DROP', header('UDP', 'ANY', 'ANY', '53')],
    ]);
  });

  test('quotes and semicolons in rule names are escaped in the Suricata message', () => {
    const out = render(RuleCollections.network({
      name: 'n', priority: 1, action: 'Allow',
      rules: [{ name: 'say "hi"; then \\', protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [1] }],
    }));
    expect((out.ruleGroup.rulesSource.statefulRule as any[])[0].ruleOption[0].settings).toEqual(['"n: say \\"hi\\"\\; then \\\\"']);
  });

  test('an application collection becomes a domain list with its sources as HOME_NET', () => {
    const out = render(RuleCollections.application({
      name: 'allowed-fqdns', priority: 300, action: 'Allow',
      rules: [
        { name: 'a', sources: [Cidr.parse('198.51.100.0/28')], targetFqdns: ['www.tigera.io', '*.ubuntu.com'], protocols: [{ type: 'Https', port: 443 }, { type: 'Http', port: 80 }] },
        { name: 'b', sources: ['198.51.100.0/28'], targetFqdns: ['quay.io', 'www.tigera.io'], protocols: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }] },
      ],
    }));
    expect(out.ruleGroup).toEqual({
      ruleVariables: { ipSets: [
        { key: 'HOME_NET', ipSet: { definition: ['198.51.100.0/28'] } },
        { key: 'EXTERNAL_NET', ipSet: { definition: ['0.0.0.0/0'] } },
      ] },
      rulesSource: { rulesSourceList: { generatedRulesType: 'ALLOWLIST', targetTypes: ['HTTP_HOST', 'TLS_SNI'], targets: ['www.tigera.io', '.ubuntu.com', 'quay.io'] } },
      statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
    });
    // 3 domains x 2 protocols, plus one rule per protocol dropping other domains.
    expect(out.requiredCapacity).toBe(8);
  });

  test('a Deny application collection is a deny list; no source means every address', () => {
    const out = render(RuleCollections.application({
      name: 'blocked', priority: 10, action: 'Deny',
      rules: [{ name: 'x', targetFqdns: ['evil.example.com'], protocols: [{ type: 'Https', port: 443 }] }],
    }));
    expect(out.ruleGroup.rulesSource.rulesSourceList).toEqual({ generatedRulesType: 'DENYLIST', targetTypes: ['TLS_SNI'], targets: ['evil.example.com'] });
    expect((out.ruleGroup.ruleVariables as any).ipSets[0]).toEqual({ key: 'HOME_NET', ipSet: { definition: ['0.0.0.0/0'] } });
    expect(out.requiredCapacity).toBe(1);
  });

  test.each([
    ['DNAT', RuleCollections.dnat({ name: 'in', priority: 100, rules: [] }),
      'app/fw: ruleCollections[in].kind is "dnat"; AWS Network Firewall does not translate addresses; publish the service through a load balancer instead'],
    ['a service tag', RuleCollections.network({ name: 'n', priority: 1, action: 'Allow', rules: [{ name: 'r', protocols: ['TCP'], destinationAddresses: ['AzureCloud.eastus'], destinationPorts: [443] }] }),
      'app/fw: ruleCollections[n].rules[0].destinationAddresses[0] is "AzureCloud.eastus"; AWS Network Firewall rules match IPs and CIDRs; Azure service tags have no AWS equivalent, name the ranges instead'],
    ['an FQDN in a network rule', RuleCollections.network({ name: 'n', priority: 1, action: 'Allow', rules: [{ name: 'r', protocols: ['UDP'], destinationFqdns: ['ntp.ubuntu.com'], destinationPorts: [123] }] }),
      'app/fw: ruleCollections[n].rules[0].destinationFqdns is ["ntp.ubuntu.com"]; AWS Network Firewall 5-tuple rules match addresses, not names; put FQDNs in an application rule (a domain list)'],
    ['an FQDN tag', RuleCollections.application({ name: 'a', priority: 1, action: 'Allow', rules: [{ name: 'r', fqdnTags: ['AzureKubernetesService'] }] }),
      'app/fw: ruleCollections[a].rules[0].fqdnTags is ["AzureKubernetesService"]; FQDN tags are Azure Firewall\'s; on AWS list the domains in targetFqdns'],
    ['Mssql', RuleCollections.application({ name: 'a', priority: 1, action: 'Allow', rules: [{ name: 'r', targetFqdns: ['db.example.com'], protocols: [{ type: 'Mssql', port: 1433 }] }] }),
      'app/fw: ruleCollections[a].rules[0].protocols[0].type is "Mssql"; AWS Network Firewall domain lists inspect Http (HTTP Host header) and Https (TLS SNI) only'],
    ['Https on another port', RuleCollections.application({ name: 'a', priority: 1, action: 'Allow', rules: [{ name: 'r', targetFqdns: ['a.example.com'], protocols: [{ type: 'Https', port: 8443 }] }] }),
      'app/fw: ruleCollections[a].rules[0].protocols[0].port is 8443; a domain list matches Https by protocol on any port, not by port; use 443, the port it stands for'],
    ['rules with different protocols', RuleCollections.application({ name: 'a', priority: 1, action: 'Allow', rules: [
      { name: 'r1', targetFqdns: ['a.example.com'], protocols: [{ type: 'Https', port: 443 }] },
      { name: 'r2', targetFqdns: ['b.example.com'], protocols: [{ type: 'Http', port: 80 }] }] }),
      /rules\[1\].protocols is .*; a domain list inspects one set of protocols \(r1 has TLS_SNI\); put this rule in a collection of its own/],
    ['rules with different sources', RuleCollections.application({ name: 'a', priority: 1, action: 'Allow', rules: [
      { name: 'r1', sources: ['10.0.0.0/24'], targetFqdns: ['a.example.com'], protocols: [{ type: 'Https', port: 443 }] },
      { name: 'r2', sources: ['10.0.1.0/24'], targetFqdns: ['b.example.com'], protocols: [{ type: 'Https', port: 443 }] }] }),
      'app/fw: ruleCollections[a].rules[1].sources is ["10.0.1.0/24"]; a domain list has one set of sources (r1 has 10.0.0.0/24); put this rule in a collection of its own'],
    ['"*" as a domain', RuleCollections.application({ name: 'a', priority: 1, action: 'Allow', rules: [{ name: 'r', targetFqdns: ['*'], protocols: [{ type: 'Https', port: 443 }] }] }),
      'app/fw: ruleCollections[a].rules[0].targetFqdns[0] is "*"; a domain list needs domains; "*" matches every name, use a network rule instead'],
    ['a protocol name in lower case (JavaScript callers)', RuleCollections.network({ name: 'n', priority: 1, action: 'Allow',
      rules: [{ name: 'r', protocols: ['tcp' as 'TCP'], destinationAddresses: ['10.0.0.55'], destinationPorts: [443] }] }),
      'app/fw: ruleCollections[n].rules[0].protocols[0] is "tcp"; allowed: "TCP", "UDP", "ICMP", "Any"; did you mean "TCP"?'],
    ['an application protocol in upper case (JavaScript callers)', RuleCollections.application({ name: 'a', priority: 1, action: 'Allow',
      rules: [{ name: 'r', targetFqdns: ['a.example.com'], protocols: [{ type: 'HTTPS' as 'Https', port: 443 }] }] }),
      'app/fw: ruleCollections[a].rules[0].protocols[0].type is "HTTPS"; allowed: "Http", "Https", "Mssql"; did you mean "Https"?'],
  ])('rejects %s', (_, collection, message) => {
    expect(() => render(collection)).toThrow(message);
  });
});
