import { IConstruct } from 'constructs';
import { SecurityCheck } from './check';
import { isAzureFirewall } from './brands';

/**
 * EGRESS001: an Azure Firewall whose threat intelligence is off. AWS Network Firewall has no such
 * switch (threat signatures are managed rule groups a policy names) and is not inspected.
 */
export const THREAT_INTEL_OFF: SecurityCheck = {
  id: 'EGRESS001',
  name: 'threat-intel-off',
  defaultLevel: 'error',
  description:
    'An Azure Firewall with threatIntelMode Off lets traffic to and from addresses and domains Microsoft ' +
    'knows to be malicious (command and control servers, botnets) pass without a trace, even where a rule ' +
    'allows the port or FQDN. Leave threatIntelMode at Alert (the default: logged) or set it to Deny (dropped).',
  inspect(node: IConstruct) {
    if (!isAzureFirewall(node) || node.threatIntelMode !== 'Off') return [];
    return [{
      site: node,
      field: 'threatIntelMode',
      value: node.threatIntelMode,
      allowed: 'threat intelligence must alert on (Alert) or block (Deny) traffic to and from known malicious addresses and domains',
    }];
  },
};
