import { IConstruct } from 'constructs';
import { SecurityCheck } from './check';
import { isAzureFirewall, isNetworkFirewall } from './brands';

/** EGRESS006: a firewall that records nothing: Azure Firewall diagnostics off, Network Firewall logging none. */
export const FIREWALL_WITHOUT_LOGS: SecurityCheck = {
  id: 'EGRESS006',
  name: 'firewall-without-logs',
  defaultLevel: 'warning',
  description:
    'A firewall without diagnostics (AzureFirewall diagnostics: false) or logging (NetworkFirewall ' +
    'logging: FirewallLogging.none()) keeps no record of what it allowed or dropped: no audit trail of ' +
    'which tenant reached what, nothing to investigate an incident with, no way to see a rule that is ' +
    'missing. Leave the defaults on (a Log Analytics workspace; CloudWatch Logs) or send the logs to a ' +
    'destination of yours. Diagnostics that send metrics only (no log category or category group) are ' +
    'flagged as well: metrics count hits, they do not record them.',
  inspect(node: IConstruct) {
    if (isAzureFirewall(node) && node.diagnostics === undefined) {
      return [{
        site: node,
        field: 'diagnostics',
        value: false,
        allowed: 'a firewall keeps a record of what it allowed and denied: leave diagnostics on (a Log Analytics workspace)',
      }];
    }
    if (isAzureFirewall(node) && node.diagnostics
      && node.diagnostics.logCategories.length === 0 && node.diagnostics.logCategoryGroups.length === 0) {
      return [{
        site: node,
        field: 'diagnostics.logCategories',
        value: [],
        allowed: 'metrics alone record no rule hits: send the rule logs (the default categories, or the allLogs group)',
      }];
    }
    if (isNetworkFirewall(node) && node.loggingConfiguration === undefined) {
      return [{
        site: node,
        field: 'logging',
        value: 'none',
        allowed: 'a firewall keeps a record of what it allowed and dropped: use FirewallLogging.cloudWatch() (the default) or FirewallLogging.s3()',
      }];
    }
    return [];
  },
};
