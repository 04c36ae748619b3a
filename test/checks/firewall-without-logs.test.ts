import { App } from 'cdktf';
import { FirewallLogging, NetworkFirewall } from '../../lib/aws';
import { awsStack, azureStack } from '../helpers';
import { firewall, vnet } from '../azure/outbound-fixtures';
import { inspectionVpc } from '../aws/fixtures';
import { annotations, describeLevels, only, runChecks } from './helpers';

const azureFirewall = (diagnostics?: false) => (app: App) => {
  const stack = azureStack(app);
  return firewall(stack, vnet(stack), { diagnostics });
};
const networkFirewall = (logging?: FirewallLogging) => (app: App) => {
  const stack = awsStack(app);
  return new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), logging });
};

describe('EGRESS006 firewall-without-logs', () => {
  describe('an Azure Firewall without diagnostics', () => {
    describeLevels('EGRESS006', azureFirewall(false),
      'test/fw: diagnostics is false; a firewall keeps a record of what it allowed and denied: leave diagnostics on (a Log Analytics workspace) ' +
      '(security check EGRESS006 firewall-without-logs)');
  });

  describe('an Azure Firewall whose diagnostics send metrics only', () => {
    describeLevels('EGRESS006', (app: App) => {
      const stack = azureStack(app);
      return firewall(stack, vnet(stack), { diagnostics: { logCategories: [] } });
    }, 'test/fw: diagnostics.logCategories is []; metrics alone record no rule hits: send the rule logs (the default categories, ' +
      'or the allLogs group) (security check EGRESS006 firewall-without-logs)');
  });

  describe('a Network Firewall without logging', () => {
    describeLevels('EGRESS006', networkFirewall(FirewallLogging.none()),
      'test/fw: logging is "none"; a firewall keeps a record of what it allowed and dropped: use FirewallLogging.cloudWatch() (the default) ' +
      'or FirewallLogging.s3() (security check EGRESS006 firewall-without-logs)');
  });

  test.each([
    ['an Azure Firewall with its default diagnostics', azureFirewall()],
    ['a Network Firewall with its default logging (CloudWatch)', networkFirewall()],
    ['a Network Firewall logging to S3', networkFirewall(FirewallLogging.s3({ bucketName: 'fw-logs' }))],
  ])('passes %s', (_, scenario) => {
    expect(annotations(runChecks(scenario, only('EGRESS006', 'warning')), 'warning')).toEqual([]);
  });
});
