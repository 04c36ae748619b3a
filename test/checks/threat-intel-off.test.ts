import { App } from 'cdktf';
import { AzureFirewallProps, FirewallRuleFormat } from '../../lib/azure';
import { azureStack } from '../helpers';
import { firewall, vnet } from '../azure/outbound-fixtures';
import { annotations, describeLevels, only, runChecks } from './helpers';

const withFirewall = (over: Partial<AzureFirewallProps>) => (app: App) => {
  const stack = azureStack(app);
  return firewall(stack, vnet(stack), { diagnostics: undefined, ...over });
};

describe('EGRESS001 threat-intel-off', () => {
  describeLevels('EGRESS001', withFirewall({ threatIntelMode: 'Off' }),
    'test/fw: threatIntelMode is "Off"; threat intelligence must alert on (Alert) or block (Deny) traffic to and from known malicious ' +
    'addresses and domains (security check EGRESS001 threat-intel-off)');

  test('flags a Firewall Policy with threat intelligence off too', () => {
    const app = runChecks(withFirewall({ threatIntelMode: 'Off', ruleFormat: FirewallRuleFormat.policy() }), only('EGRESS001', 'warning'));
    expect(annotations(app, 'warning')).toHaveLength(1);
  });

  test.each([
    ['the default (Alert)', {}],
    ['Alert', { threatIntelMode: 'Alert' as const }],
    ['Deny', { threatIntelMode: 'Deny' as const }],
  ])('passes a firewall with %s', (_, over) => {
    expect(annotations(runChecks(withFirewall(over), only('EGRESS001', 'warning')), 'warning')).toEqual([]);
  });
});
