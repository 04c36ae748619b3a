import { App, TerraformVariable } from 'cdktf';
import { Cidr, NetworkRule, RuleCollection, RuleCollections } from '../../lib/core';
import { NetworkFirewall } from '../../lib/aws';
import { isAnyAnyAny } from '../../lib/checks';
import { awsStack, azureStack } from '../helpers';
import { firewall, vnet } from '../azure/outbound-fixtures';
import { inspectionVpc } from '../aws/fixtures';
import { annotations, describeLevels, only, runChecks } from './helpers';

const anyAnyAny: NetworkRule = { name: 'everything', protocols: ['Any'], destinationAddresses: ['*'], destinationPorts: ['*'] };
const allowAll = RuleCollections.network({ name: 'allow-all', priority: 100, action: 'Allow', rules: [anyAnyAny] });

const onAzure = (collections: RuleCollection[]) => (app: App) => {
  const stack = azureStack(app);
  return firewall(stack, vnet(stack), { diagnostics: undefined, ruleCollections: collections });
};
const onAws = (collections: RuleCollection[]) => (app: App) => {
  const stack = awsStack(app);
  return new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), ruleCollections: collections });
};

const MESSAGE = 'test/fw: ruleCollections[allow-all].rules[0] is "everything: Any from * to * on ports *"; an allow rule from any source to any ' +
  'destination on any port makes the firewall a router that names nothing; narrow its sources (e.g. tenant.egressCidr), destinations or ports ' +
  '(security check EGRESS002 allow-any-any-any)';

describe('EGRESS002 allow-any-any-any', () => {
  describe('on an Azure Firewall', () => {
    describeLevels('EGRESS002', onAzure([allowAll]), MESSAGE);
  });

  describe('on an AWS Network Firewall', () => {
    describeLevels('EGRESS002', onAws([allowAll]), MESSAGE);
  });

  describe('on an AWS Network Firewall whose default actions drop nothing', () => {
    describeLevels('EGRESS002', (app) => {
      const stack = awsStack(app);
      return new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), statefulDefaultActions: ['aws:alert_established'] });
    }, 'test/fw: statefulDefaultActions is ["aws:alert_established"]; traffic no rule matches passes; include aws:drop_established or aws:drop_strict ' +
      '(security check EGRESS002 allow-any-any-any)');
  });

  test('names the collection and the index of each such rule', () => {
    const collection = RuleCollections.network({
      name: 'mixed', priority: 200, action: 'Allow',
      rules: [
        { name: 'dns', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: [53] },
        { name: 'wide', protocols: ['TCP'], sources: ['0.0.0.0/0'], destinationAddresses: ['0.0.0.0/0'], destinationPorts: ['1-65535'] },
      ],
    });
    expect(annotations(runChecks(onAzure([collection]), only('EGRESS002', 'warning')), 'warning')).toEqual([
      'test/fw: ruleCollections[mixed].rules[1] is "wide: TCP from 0.0.0.0/0 to 0.0.0.0/0 on ports 1-65535"; an allow rule from any source to any ' +
      'destination on any port makes the firewall a router that names nothing; narrow its sources (e.g. tenant.egressCidr), destinations or ports ' +
      '(security check EGRESS002 allow-any-any-any)',
    ]);
  });

  test('passes deny rules, application rules and DNAT rules from anywhere', () => {
    const collections: RuleCollection[] = [
      RuleCollections.network({ name: 'deny-all', priority: 300, action: 'Deny', rules: [anyAnyAny] }),
      RuleCollections.application({
        name: 'web', priority: 300, action: 'Allow',
        rules: [{ name: 'any site', targetFqdns: ['*'], protocols: [{ type: 'Https', port: 443 }] }],
      }),
      RuleCollections.dnat({
        name: 'inbound', priority: 100,
        rules: [{ name: 'web', protocols: ['TCP'], destinationAddress: '20.1.2.3', destinationPorts: [80], translatedAddress: '10.42.1.100', translatedPort: 80 }],
      }),
    ];
    expect(annotations(runChecks(onAzure(collections), only('EGRESS002', 'warning')), 'warning')).toEqual([]);
  });

  const rule = (over: Partial<NetworkRule>): NetworkRule => ({ ...anyAnyAny, ...over });
  test.each([
    ['no sources (every source)', rule({}), true],
    ['source *', rule({ sources: ['*'] }), true],
    ['source 0.0.0.0/0 as a Cidr', rule({ sources: [Cidr.parse('0.0.0.0/0')] }), true],
    ['one of the sources is *', rule({ sources: [Cidr.parse('10.99.0.0/29'), '*'] }), true],
    ['destination FQDN *', rule({ destinationAddresses: undefined, destinationFqdns: ['*'] }), true],
    ['ports 1-65535', rule({ destinationPorts: ['1-65535'] }), true],
    ['destination ::/0', rule({ destinationAddresses: ['::/0'] }), true],
    ['a named source', rule({ sources: [Cidr.parse('10.99.0.0/29')] }), false],
    ['a named destination', rule({ destinationAddresses: ['10.0.0.55'] }), false],
    ['a service tag destination', rule({ destinationAddresses: ['AzureCloud.eastus'] }), false],
    ['a named FQDN', rule({ destinationAddresses: undefined, destinationFqdns: ['ghcr.io'] }), false],
    ['one port', rule({ destinationPorts: [443] }), false],
    ['a port range short of all', rule({ destinationPorts: ['1024-65535'] }), false],
    ['port ranges that join up from 1 to 65535', rule({ destinationPorts: ['1-32767', '32768-65535'] }), true],
    ['port ranges with a gap', rule({ destinationPorts: ['1-32767', '32769-65535'] }), false],
    ['sources adding up to every address', rule({ sources: ['0.0.0.0/1', Cidr.parse('128.0.0.0/1')] }), true],
    ['destinations adding up to every address', rule({ destinationAddresses: ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1'] }), true],
    ['destinations short of every address', rule({ destinationAddresses: ['0.0.0.0/2', '128.0.0.0/1'] }), false],
  ])('a rule with %s is any/any/any: %s', (_, r, expected) => {
    expect(isAnyAnyAny(r)).toBe(expected);
  });

  test('a source, destination or port given as a reference cannot be judged and is not "any"', () => {
    const stack = azureStack();
    const ref = new TerraformVariable(stack, 'range', { type: 'string' }).stringValue;
    expect(isAnyAnyAny(rule({ sources: [ref] }))).toBe(false);
    expect(isAnyAnyAny(rule({ destinationAddresses: [ref] }))).toBe(false);
    expect(isAnyAnyAny(rule({ destinationPorts: [ref] }))).toBe(false);
  });
});
