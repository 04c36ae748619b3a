import { Cidr, RuleCollections } from '../../lib/core';
import { FirewallLogging, NetworkFirewall, NetworkFirewallProps } from '../../lib/aws';
import { awsStack, resource, resources, synth, synthAwsWith, taggedAddress, taggedResource, address, logicalId } from '../helpers';
import { inspectionVpc } from './fixtures';
import { TerraformStack } from 'cdktf';

const allowEgress = RuleCollections.network({
  name: 'egress-to-service', priority: 100, action: 'Allow',
  rules: [{ name: 'r', protocols: ['TCP'], sources: [Cidr.parse('198.51.100.0/28')], destinationAddresses: ['10.0.0.55'], destinationPorts: [8080] }],
});
const denyService = RuleCollections.network({
  name: 'deny-service', priority: 200, action: 'Deny',
  rules: [{ name: 'r', protocols: ['Any'], destinationAddresses: ['10.0.0.55'], destinationPorts: ['*'] }],
});
const firewall = (stack: TerraformStack, over: Partial<NetworkFirewallProps> = {}) =>
  new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: inspectionVpc(stack), ...over });

describe('NetworkFirewall', () => {
  test('a firewall with one endpoint per zone and a strict-order policy that sends everything to the stateful engine', () => {
    const json = synthAwsWith((stack) => { firewall(stack, { ruleCollections: [denyService, allowEgress] }); });
    const policyAddress = address(json, 'aws_networkfirewall_firewall_policy', 'inspection-fw-policy');
    expect(resource(json, 'aws_networkfirewall_firewall', 'inspection-fw')).toMatchObject({
      vpc_id: `\${${taggedAddress(json, 'aws_vpc', 'inspection-vpc')}.id}`,
      firewall_policy_arn: `\${${policyAddress}.arn}`,
      delete_protection: true,
      subnet_mapping: [
        { subnet_id: `\${${taggedAddress(json, 'aws_subnet', 'inspection-vpc-firewall-us-east-1a')}.id}` },
        { subnet_id: `\${${taggedAddress(json, 'aws_subnet', 'inspection-vpc-firewall-us-east-1b')}.id}` },
      ],
    });
    expect(resource(json, 'aws_networkfirewall_firewall_policy', 'inspection-fw-policy').firewall_policy).toEqual({
      stateless_default_actions: ['aws:forward_to_sfe'],
      stateless_fragment_default_actions: ['aws:forward_to_sfe'],
      stateful_default_actions: ['aws:drop_strict', 'aws:alert_strict'],
      stateful_engine_options: { rule_order: 'STRICT_ORDER' },
      // Ordered by priority, whatever the order they were added in.
      stateful_rule_group_reference: [
        { priority: 100, resource_arn: `\${${address(json, 'aws_networkfirewall_rule_group', 'inspection-fw-egress-to-service')}.arn}` },
        { priority: 200, resource_arn: `\${${address(json, 'aws_networkfirewall_rule_group', 'inspection-fw-deny-service')}.arn}` },
      ],
    });
    expect(resource(json, 'aws_networkfirewall_rule_group', 'inspection-fw-egress-to-service')).toMatchObject({
      type: 'STATEFUL', capacity: 100,
    });
  });

  test('strict default actions while every collection is 5-tuple; established ones once a domain list needs the handshake', () => {
    const appRules = RuleCollections.application({
      name: 'web', priority: 300, action: 'Allow',
      rules: [{ name: 'r', sources: [Cidr.parse('198.51.100.0/28')], protocols: [{ type: 'Https', port: 443 }], targetFqdns: ['example.com'] }],
    });
    const strict = synthAwsWith((stack) => { firewall(stack, { ruleCollections: [allowEgress] }); });
    expect(resource(strict, 'aws_networkfirewall_firewall_policy', 'inspection-fw-policy').firewall_policy.stateful_default_actions)
      .toEqual(['aws:drop_strict', 'aws:alert_strict']);
    const withNames = synthAwsWith((stack) => { firewall(stack, { ruleCollections: [allowEgress] }).addRuleCollection(appRules); });
    expect(resource(withNames, 'aws_networkfirewall_firewall_policy', 'inspection-fw-policy').firewall_policy.stateful_default_actions)
      .toEqual(['aws:drop_established', 'aws:alert_established']);
    expect(() => synthAwsWith((stack) => {
      firewall(stack, { statefulDefaultActions: ['aws:drop_strict', 'aws:alert_strict'], ruleCollections: [appRules] });
    })).toThrow('test/fw: statefulDefaultActions is ["aws:drop_strict","aws:alert_strict"]; application collection web is a domain list, which sees names only once a connection is established; aws:drop_strict drops the handshake first: use aws:drop_established');
  });

  test('each transit gateway subnet routes 0.0.0.0/0 to the endpoint of its own zone, looked up by zone', () => {
    const json = synthAwsWith((stack) => { firewall(stack); });
    const fw = address(json, 'aws_networkfirewall_firewall', 'inspection-fw');
    const [localName, expr] = Object.entries(json.locals as Record<string, string>)[0];
    // Keyed by val.availability_zone, written out: the same under cdktf and cdktn (test/packaging).
    expect(expr).toBe(`\${{ for key, val in toset(tolist(${fw}.firewall_status[0].sync_states)): val.availability_zone => val.attachment[0].endpoint_id }}`);
    for (const az of ['us-east-1a', 'us-east-1b']) {
      expect(resources(json, 'aws_route')).toContainEqual(expect.objectContaining({
        route_table_id: `\${${taggedAddress(json, 'aws_route_table', `inspection-vpc-tgw-${az}-rt`)}.id}`,
        destination_cidr_block: '0.0.0.0/0',
        vpc_endpoint_id: `\${local.${localName}["${az}"]}`,
      }));
    }
    expect(resources(json, 'aws_route')).toHaveLength(2);
  });

  test('capacity is what the rules need when that exceeds the minimum', () => {
    const many = RuleCollections.network({
      name: 'many', priority: 300, action: 'Allow',
      rules: [{ name: 'r', protocols: ['TCP', 'UDP'], destinationAddresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'], destinationPorts: [1, 2] }],
    });
    const json = synthAwsWith((stack) => { firewall(stack, { ruleCollections: [many, allowEgress], minimumRuleGroupCapacity: 10 }); });
    expect(resource(json, 'aws_networkfirewall_rule_group', 'inspection-fw-many').capacity).toBe(12);
    expect(resource(json, 'aws_networkfirewall_rule_group', 'inspection-fw-egress-to-service').capacity).toBe(10);
  });

  test('collections added later join the policy', () => {
    const stack = awsStack();
    const fw = firewall(stack, { ruleCollections: [denyService] });
    fw.addRuleCollection(allowEgress);
    const json = synth(stack);
    expect(resource(json, 'aws_networkfirewall_firewall_policy', 'inspection-fw-policy').firewall_policy.stateful_rule_group_reference.map((r: any) => r.priority))
      .toEqual([100, 200]);
    expect(fw.ruleCollections.map((c) => c.name)).toEqual(['deny-service', 'egress-to-service']);
  });

  test('logs alerts and flows to CloudWatch Logs by default, kept 90 days', () => {
    const json = synthAwsWith((stack) => { firewall(stack); });
    expect(resource(json, 'aws_cloudwatch_log_group', '/aws/network-firewall/inspection-fw/alert').retention_in_days).toBe(90);
    expect(resource(json, 'aws_cloudwatch_log_group', '/aws/network-firewall/inspection-fw/flow').retention_in_days).toBe(90);
    const logging = resources(json, 'aws_networkfirewall_logging_configuration')[0];
    expect(logging.firewall_arn).toBe(`\${${address(json, 'aws_networkfirewall_firewall', 'inspection-fw')}.arn}`);
    expect(logging.logging_configuration.log_destination_config).toEqual([
      { log_type: 'ALERT', log_destination_type: 'CloudWatchLogs', log_destination: { logGroup: `\${aws_cloudwatch_log_group.${logicalId(json, 'aws_cloudwatch_log_group', '/aws/network-firewall/inspection-fw/alert')}.name}` } },
      { log_type: 'FLOW', log_destination_type: 'CloudWatchLogs', log_destination: { logGroup: `\${aws_cloudwatch_log_group.${logicalId(json, 'aws_cloudwatch_log_group', '/aws/network-firewall/inspection-fw/flow')}.name}` } },
    ]);
  });

  test('logs to S3, or nowhere', () => {
    const s3 = synthAwsWith((stack) => { firewall(stack, { logging: FirewallLogging.s3({ bucketName: 'fw-logs', prefix: 'inspection', logTypes: ['ALERT'] }) }); });
    expect(resources(s3, 'aws_networkfirewall_logging_configuration')[0].logging_configuration.log_destination_config).toEqual([
      { log_type: 'ALERT', log_destination_type: 'S3', log_destination: { bucketName: 'fw-logs', prefix: 'inspection' } },
    ]);
    expect(resources(s3, 'aws_cloudwatch_log_group')).toHaveLength(0);
    const none = synthAwsWith((stack) => { firewall(stack, { logging: FirewallLogging.none(), deleteProtection: false }); });
    expect(resources(none, 'aws_networkfirewall_logging_configuration')).toHaveLength(0);
    expect(resource(none, 'aws_networkfirewall_firewall', 'inspection-fw').delete_protection).toBe(false);
  });

  test('endpointId only knows the VPC\'s zones', () => {
    const fw = firewall(awsStack());
    expect(() => fw.endpointId('us-east-1c')).toThrow('test/fw: availabilityZone is "us-east-1c"; the firewall has endpoints in us-east-1a, us-east-1b');
  });

  test.each([
    ['a bad name', { name: 'inspection_fw' }, 'test/fw: name is "inspection_fw"; a Network Firewall name is 1 to 128 letters, digits and "-"'],
    ['a name too long for its policy', { name: 'f'.repeat(125) }, `test/fw: name is "${'f'.repeat(125)}"; its policy is named ${'f'.repeat(125)}-policy, which must fit in 128 characters: the firewall's name is at most 121`],
    ['two drop actions', { statefulDefaultActions: ['aws:drop_strict', 'aws:drop_established'] },
      'test/fw: statefulDefaultActions is ["aws:drop_strict","aws:drop_established"]; choose one drop action: aws:drop_strict or aws:drop_established'],
    ['an unknown action', { statefulDefaultActions: ['aws:pass'] },
      'test/fw: statefulDefaultActions[0] is "aws:pass"; a strict-order default action is allowed: \"aws:drop_strict\", \"aws:drop_established\", \"aws:alert_strict\", \"aws:alert_established\"'],
    ['an action twice', { statefulDefaultActions: ['aws:alert_strict', 'aws:alert_strict'] },
      'test/fw: statefulDefaultActions is ["aws:alert_strict","aws:alert_strict"]; each default action is named once'],
    ['a capacity over 50,000', { minimumRuleGroupCapacity: 50001 }, 'test/fw: minimumRuleGroupCapacity is 50001; a stateful rule group\'s capacity is 1 to 50000'],
    ['a retention CloudWatch does not offer', { logging: FirewallLogging.cloudWatch({ retentionInDays: 10 }) },
      /test\/fw: logging.retentionInDays is 10; CloudWatch Logs keeps logs 1, 3, 5, 7, 14, 30,/],
    ['no log types', { logging: FirewallLogging.cloudWatch({ logTypes: [] }) },
      'test/fw: logging.logTypes is []; name at least one of ALERT, FLOW, TLS, or use FirewallLogging.none()'],
    ['a log type twice', { logging: FirewallLogging.s3({ bucketName: 'logs', logTypes: ['FLOW', 'FLOW'] }) },
      'test/fw: logging.logTypes is ["FLOW","FLOW"]; each log type goes to one destination; name it once'],
    ['an unknown log type', { logging: FirewallLogging.cloudWatch({ logTypes: ['DEBUG' as 'ALERT'] }) },
      'test/fw: logging.logTypes[0] is "DEBUG"; a log type is allowed: \"ALERT\", \"FLOW\", \"TLS\"'],
    ['a bad bucket name', { logging: FirewallLogging.s3({ bucketName: 'Logs_Bucket' }) },
      'test/fw: logging.bucketName is "Logs_Bucket"; an S3 bucket name is 3 to 63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit'],
  ])('rejects %s', (_, over, message) => {
    expect(() => firewall(awsStack(), over as Partial<NetworkFirewallProps>)).toThrow(message);
  });

  test.each([
    ['a priority clash across kinds', [allowEgress, RuleCollections.application({ name: 'fqdns', priority: 100, action: 'Allow',
      rules: [{ name: 'r', targetFqdns: ['a.example.com'], protocols: [{ type: 'Https', port: 443 }] }] })],
      'test/fw: ruleCollections[fqdns].priority is 100; collection egress-to-service already has priority 100; Network Firewall evaluates every stateful rule group in one strict order, so each collection needs its own priority'],
    ['a priority above 65535', [{ ...allowEgress, priority: 65536 }],
      'test/fw: ruleCollections[egress-to-service].priority is 65536; AWS Network Firewall accepts priorities from 1 to 65535'],
    ['a collection name Network Firewall cannot take', [{ ...allowEgress, name: 'egress.to_service' }],
      'test/fw: ruleCollections[egress.to_service].name is "egress.to_service"; the rule group is named inspection-fw-egress.to_service; Network Firewall names are 1 to 128 letters, digits and "-"'],
    ['a collection that needs more than 50,000 rules', [RuleCollections.network({ name: 'huge', priority: 1, action: 'Allow', rules: [{
      name: 'r', protocols: ['TCP'], sources: Array.from({ length: 300 }, (_, i) => `10.1.${Math.floor(i / 250)}.${i % 250}`),
      destinationAddresses: Array.from({ length: 200 }, (_, i) => `10.2.0.${i}`), destinationPorts: [443] }] })],
      'test/fw: ruleCollections[huge].rules is 60000 stateful rules; a stateful rule group holds at most 50000; split the collection'],
  ])('rejects %s', (_, collections, message) => {
    expect(() => firewall(awsStack(), { ruleCollections: collections })).toThrow(message);
  });
});

describe('NetworkFirewall in the JSON', () => {
  test('rule groups carry the rendered rules', () => {
    const json = synthAwsWith((stack) => { firewall(stack, { ruleCollections: [allowEgress] }); });
    expect(resource(json, 'aws_networkfirewall_rule_group', 'inspection-fw-egress-to-service').rule_group).toEqual({
      rules_source: { stateful_rule: [{
        action: 'PASS',
        header: { protocol: 'TCP', source: '198.51.100.0/28', source_port: 'ANY', direction: 'FORWARD', destination: '10.0.0.55/32', destination_port: '8080' },
        rule_option: [{ keyword: 'msg', settings: ['"egress-to-service: r"'] }, { keyword: 'sid', settings: ['1'] }],
      }] },
      stateful_rule_options: { rule_order: 'STRICT_ORDER' },
    });
    expect(taggedResource(json, 'aws_subnet', 'inspection-vpc-firewall-us-east-1a').cidr_block).toBe('10.100.0.0/28');
  });
});
