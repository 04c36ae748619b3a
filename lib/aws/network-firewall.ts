import { Construct } from 'constructs';
import { Annotations, Fn, ITerraformDependable, TerraformIterator, TerraformLocal, Token } from 'cdktf';
import { NetworkfirewallFirewall } from '@cdktf/provider-aws/lib/networkfirewall-firewall';
import { NetworkfirewallFirewallPolicy } from '@cdktf/provider-aws/lib/networkfirewall-firewall-policy';
import { NetworkfirewallRuleGroup } from '@cdktf/provider-aws/lib/networkfirewall-rule-group';
import {
  NetworkfirewallLoggingConfiguration,
  NetworkfirewallLoggingConfigurationLoggingConfigurationLogDestinationConfig,
} from '@cdktf/provider-aws/lib/networkfirewall-logging-configuration';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import {
  Cidr, RuleCollection, ValidationError, brand, checkEnum, checkList, checkString, described, isIpAddress, knownOrWarn, rangesInApp, typeName,
  validateRuleCollection, validateRuleCollections,
} from '../core';
import { callerLocation, requireProps } from '../core/guards';
import { InspectionVpc } from './inspection-vpc';
import {
  NETWORK_FIREWALL_MAX_STATEFUL_CAPACITY, NETWORK_FIREWALL_RULE_LIMITS, renderNetworkFirewallRuleGroup,
} from './network-firewall-rules';
import { AwsTags, VpcRouteTarget, checkAwsTags } from './vpc';
import { untraced } from '../core/refs';

/** What a stateful engine in strict order does with packets no rule matched. */
export type StatefulDefaultAction = 'aws:drop_strict' | 'aws:drop_established' | 'aws:alert_strict' | 'aws:alert_established';

/** The values of {@link StatefulDefaultAction} (Network Firewall API, FirewallPolicy StatefulDefaultActions). */
export const STATEFUL_DEFAULT_ACTIONS: readonly StatefulDefaultAction[] = ['aws:drop_strict', 'aws:drop_established', 'aws:alert_strict', 'aws:alert_established'];

/** CloudWatch Logs group names: 1 to 512 letters, digits, '.', '-', '_', '/' or '#'. */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** Ranges that are never on the Internet: RFC 1918, shared (RFC 6598), link-local and loopback. */
const PRIVATE_RANGES: readonly Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8']
  .map((c) => Cidr.parse(c));

/** The log types Network Firewall writes. */
export type FirewallLogType = 'ALERT' | 'FLOW' | 'TLS';
/** The values of {@link FirewallLogType} (Network Firewall API, LogDestinationConfig LogType). */
export const FIREWALL_LOG_TYPES: readonly FirewallLogType[] = ['ALERT', 'FLOW', 'TLS'];

/** Retention periods CloudWatch Logs accepts, in days. */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Options of {@link FirewallLogging.cloudWatch}. */
export interface CloudWatchFirewallLoggingOptions {
  /** @default ['ALERT', 'FLOW'] */
  readonly logTypes?: FirewallLogType[];
  /** Log groups are named `<prefix>/<type>` in lower case. @default `/aws/network-firewall/<firewall name>` */
  readonly logGroupPrefix?: string;
  /** @default 90 */
  readonly retentionInDays?: number;
}

/** Options of {@link FirewallLogging.s3}. */
export interface S3FirewallLoggingOptions {
  /** An existing bucket's name (or a reference to one). */
  readonly bucketName: string;
  /** @default - no prefix */
  readonly prefix?: string;
  /** @default ['ALERT', 'FLOW'] */
  readonly logTypes?: FirewallLogType[];
}

/** Where a firewall's logs go: a new CloudWatch log group per log type, an S3 bucket, or nowhere. */
export abstract class FirewallLogging {
  /** A new CloudWatch Logs group per log type. */
  public static cloudWatch(options: CloudWatchFirewallLoggingOptions = {}): FirewallLogging {
    return new CloudWatchLogging(options);
  }

  /** An existing S3 bucket. */
  public static s3(options: S3FirewallLoggingOptions): FirewallLogging {
    // A value, not a construct: an error names where the app called it.
    if (options === null || typeof options !== 'object' || options.bucketName === undefined || options.bucketName === null) {
      requireProps(`FirewallLogging.s3() at ${callerLocation()}`, 'FirewallLogging.s3', options, ['bucketName']);
    }
    return new S3Logging(options);
  }

  /** No logs: nothing records what the firewall allowed or dropped. */
  public static none(): FirewallLogging {
    return new NoLogging();
  }

  /** `cloudWatch`, `s3` or `none`. */
  public abstract readonly kind: 'cloudWatch' | 's3' | 'none';
}

class CloudWatchLogging extends FirewallLogging {
  public readonly kind = 'cloudWatch' as const;
  constructor(public readonly options: CloudWatchFirewallLoggingOptions) {
    super();
  }
}

class S3Logging extends FirewallLogging {
  public readonly kind = 's3' as const;
  constructor(public readonly options: S3FirewallLoggingOptions) {
    super();
  }
}

class NoLogging extends FirewallLogging {
  public readonly kind = 'none' as const;
}

/** Props of {@link NetworkFirewall}. */
export interface NetworkFirewallProps {
  /** The firewall's name, e.g. `inspection-fw`: 1 to 128 letters, digits and '-'. Its policy and rule groups are named after it. */
  readonly name: string;
  /** The inspection VPC: one firewall endpoint goes in each of its firewall subnets. */
  readonly vpc: InspectionVpc;
  /** Initial rule collections. @default - none; add them with `addRuleCollection` */
  readonly ruleCollections?: RuleCollection[];
  /**
   * What happens to packets no rule matched. `aws:drop_strict` drops every packet no rule passed,
   * connection set-up included; `aws:alert_strict` logs it. `aws:drop_established` lets packets of
   * connections not yet established through (TCP handshakes), which domain list (TLS SNI, HTTP Host)
   * rules need to see the names, and drops the rest of what no rule passed; with only 5-tuple rules
   * it is weaker, as handshakes to any destination pass. `aws:drop_strict` with an application rule
   * collection is refused: its domain list would never see a name.
   * @default - ['aws:drop_strict', 'aws:alert_strict'] while no collection is an application
   * collection; ['aws:drop_established', 'aws:alert_established'] once one is
   */
  readonly statefulDefaultActions?: StatefulDefaultAction[];
  /** @default FirewallLogging.cloudWatch() */
  readonly logging?: FirewallLogging;
  /**
   * Capacity of each rule group, unless its rules need more. A group's capacity is fixed when it is
   * created, so room to grow spares replacing the group when rules are added.
   * @default 100
   */
  readonly minimumRuleGroupCapacity?: number;
  /** Protect the firewall from deletion. @default true */
  readonly deleteProtection?: boolean;
  /** @default - none */
  readonly description?: string;
  /** @default - none */
  readonly tags?: AwsTags;
}

const NAME = /^[A-Za-z0-9-]{1,128}$/;
const firewallBrand = brand('NetworkFirewall');

/**
 * An AWS Network Firewall in an {@link InspectionVpc}: the firewall with one endpoint per zone, a
 * strict-order firewall policy, one stateful rule group per rule collection (rendered from the
 * provider-neutral rule model), logging, and the routes that send each zone's transit gateway
 * subnet through the endpoint in the same zone.
 *
 * Collection priorities become the rule groups' priorities in the policy: every stateful group is
 * evaluated in one order, lowest first, whatever its kind, so priorities are unique across kinds.
 */
export class NetworkFirewall extends Construct {
  /** True when `x` is a NetworkFirewall (works across copies of the library). */
  public static isNetworkFirewall(x: unknown): x is NetworkFirewall {
    return firewallBrand.is(x);
  }

  /** The firewall's name. */
  public readonly name: string;
  /** The inspection VPC. */
  public readonly vpc: InspectionVpc;
  /** The aws_networkfirewall_firewall resource (escape hatch). */
  public readonly resource: NetworkfirewallFirewall;
  /** The aws_networkfirewall_firewall_policy resource. */
  public readonly policy: NetworkfirewallFirewallPolicy;
  /** The aws_networkfirewall_rule_group resources, by collection name. */
  public readonly ruleGroups: { [collection: string]: NetworkfirewallRuleGroup } = {};
  /** The log groups, by log type, with CloudWatch logging. */
  public readonly logGroups: { [type: string]: CloudwatchLogGroup } = {};
  /** The logging configuration, unless logging is off. */
  public readonly loggingConfiguration?: NetworkfirewallLoggingConfiguration;
  private readonly givenDefaultActions?: readonly StatefulDefaultAction[];
  private readonly endpoints: TerraformLocal;
  private readonly _collections: RuleCollection[] = [];
  private readonly minimumCapacity: number;
  private readonly tags?: AwsTags;
  /** The firewall's name as a literal, when the app knows it. */
  private readonly knownName?: string;

  constructor(scope: Construct, id: string, props: NetworkFirewallProps) {
    super(scope, id);
    requireProps(this, 'NetworkFirewall', props, ['name', 'vpc']);
    firewallBrand.mark(this);
    checkString(this, 'name', props.name, 'a Network Firewall name');
    const name = Token.isUnresolved(props.name) ? knownOrWarn(this, 'name', props.name, 'the Network Firewall name rule (1 to 121 letters, digits and "-")') : props.name;
    if (name !== undefined && (typeof name !== 'string' || !NAME.test(name))) {
      throw new ValidationError(this, 'name', name, 'a Network Firewall name is 1 to 128 letters, digits and "-"');
    }
    if (typeof name === 'string' && !NAME.test(`${name}-policy`)) {
      throw new ValidationError(this, 'name', name,
        `its policy is named ${props.name}-policy, which must fit in 128 characters: the firewall's name is at most 121`);
    }
    checkAwsTags(this, 'tags', props.tags);
    this.name = props.name;
    this.knownName = typeof name === 'string' ? name : undefined;
    this.vpc = props.vpc;
    this.tags = props.tags;
    this.minimumCapacity = props.minimumRuleGroupCapacity ?? 100;
    if (!Number.isInteger(this.minimumCapacity) || this.minimumCapacity < 1 || this.minimumCapacity > NETWORK_FIREWALL_MAX_STATEFUL_CAPACITY) {
      throw new ValidationError(this, 'minimumRuleGroupCapacity', this.minimumCapacity,
        `a stateful rule group's capacity is 1 to ${NETWORK_FIREWALL_MAX_STATEFUL_CAPACITY}`);
    }
    if (props.statefulDefaultActions !== undefined) this.givenDefaultActions = this.checkDefaultActions(props.statefulDefaultActions);

    this.policy = untraced(() => new NetworkfirewallFirewallPolicy(this, 'policy', {
      name: `${props.name}-policy`,
      firewallPolicy: this.policyBlock(),
      tags: props.tags,
    }));
    this.resource = untraced(() => new NetworkfirewallFirewall(this, 'firewall', {
      name: props.name,
      description: props.description,
      vpcId: props.vpc.id,
      firewallPolicyArn: this.policy.arn,
      subnetMapping: props.vpc.firewallSubnets.map((s) => ({ subnetId: s.id })),
      deleteProtection: props.deleteProtection ?? true,
      tags: props.tags,
    }));

    // Endpoint IDs by availability zone, from the firewall's sync states (a set: looked up by zone,
    // never by position). The key is named explicitly: a fromComplexList iterator's `key` is the
    // zone under cdktf but the list index under cdktn.
    const states = untraced(() => TerraformIterator.fromList(this.resource.firewallStatus.get(0).syncStates));
    this.endpoints = untraced(() => new TerraformLocal(this, 'endpoint-ids', states.forExpressionForMap('val.availability_zone', 'val.attachment[0].endpoint_id')));

    // (2) Traffic the transit gateway hands to the inspection VPC goes through the firewall endpoint
    // in the zone it arrived in (appliance mode keeps both directions of a flow in one zone).
    for (const subnet of props.vpc.transitGatewaySubnets) {
      subnet.addRoute({
        destination: '0.0.0.0/0',
        target: VpcRouteTarget.vpcEndpoint(this.endpointId(subnet.availabilityZone)),
        intent: '(2) into the firewall endpoint of the same zone',
      });
    }

    // (5) With Internet egress, replies from the NAT gateway to the ranges behind the transit gateway
    // go through the endpoint of the NAT gateway's zone, the one the request crossed.
    for (const subnet of props.vpc.publicSubnets) {
      for (const range of props.vpc.returnRanges) {
        subnet.addRoute({
          destination: range.toString(),
          target: VpcRouteTarget.vpcEndpoint(this.endpointId(subnet.availabilityZone)),
          intent: '(5) replies from the Internet into the firewall endpoint of the same zone',
        });
      }
    }

    this.loggingConfiguration = this.configureLogging(props.logging ?? FirewallLogging.cloudWatch(), props.tags);

    for (const c of props.ruleCollections ?? []) this.addRuleCollection(c);
  }

  /** The firewall's ARN (a reference). */
  public get arn(): string {
    return this.resource.arn;
  }

  /**
   * The stateful default actions: the given ones, or strict (`aws:drop_strict`, `aws:alert_strict`)
   * unless an application collection needs connections established to see names.
   */
  public get statefulDefaultActions(): readonly StatefulDefaultAction[] {
    if (this.givenDefaultActions) return this.givenDefaultActions;
    return this.needsEstablished() ? ['aws:drop_established', 'aws:alert_established'] : ['aws:drop_strict', 'aws:alert_strict'];
  }

  /** Domain list (application) groups match names carried after the handshake. */
  private needsEstablished(): boolean {
    return this._collections.some((c) => c.kind === 'application');
  }

  /** The rule collections so far, in the order they were added. */
  public get ruleCollections(): readonly RuleCollection[] {
    return this._collections;
  }

  /** The firewall endpoint's ID in availability zone `az` (a reference): the next hop of routes into the firewall. */
  public endpointId(az: string): string {
    if (!this.vpc.availabilityZones.includes(az)) {
      throw new ValidationError(this, 'availabilityZone', az, `the firewall has endpoints in ${this.vpc.availabilityZones.join(', ')}`);
    }
    return Fn.lookup(this.endpoints.asAnyMap, az);
  }

  /** The firewall, its policy and its rule groups: what traffic through it must wait for. */
  public get dependables(): ITerraformDependable[] {
    return [this.resource, this.policy, ...Object.values(this.ruleGroups)];
  }

  /**
   * Adds a rule collection as a stateful rule group, checked at once: the model's own rules, what
   * Network Firewall can express, the group's name and capacity, and a priority no other collection has.
   */
  public addRuleCollection(collection: RuleCollection): NetworkfirewallRuleGroup {
    validateRuleCollection(this, collection, NETWORK_FIREWALL_RULE_LIMITS);
    const groupName = `${this.name}-${collection.name}`;
    if (this.knownName !== undefined && !NAME.test(`${this.knownName}-${collection.name}`)) {
      throw new ValidationError(this, `ruleCollections[${collection.name}].name`, collection.name,
        `the rule group is named ${this.knownName}-${collection.name}; Network Firewall names are 1 to 128 letters, digits and "-"`);
    }
    this.checkPriorities([...this._collections, collection]);
    if (collection.kind === 'application' && this.givenDefaultActions?.includes('aws:drop_strict')) {
      throw new ValidationError(this, 'statefulDefaultActions', [...this.givenDefaultActions],
        `application collection ${collection.name} is a domain list, which sees names only once a connection is established; aws:drop_strict drops the handshake first: use aws:drop_established`);
    }
    const rendered = renderNetworkFirewallRuleGroup(this, collection);
    if (rendered.requiredCapacity > NETWORK_FIREWALL_MAX_STATEFUL_CAPACITY) {
      throw new ValidationError(this, `ruleCollections[${collection.name}].rules`, described(`${rendered.requiredCapacity} stateful rules`),
        `a stateful rule group holds at most ${NETWORK_FIREWALL_MAX_STATEFUL_CAPACITY}; split the collection`);
    }
    this._collections.push(collection);
    this.warnUnreachableInternet(collection);
    const group = untraced(() => new NetworkfirewallRuleGroup(this, `rule-group-${collection.name}`, {
      name: groupName,
      type: 'STATEFUL',
      capacity: Math.max(rendered.requiredCapacity, this.minimumCapacity),
      ruleGroup: rendered.ruleGroup,
      tags: this.tags,
    }));
    this.ruleGroups[collection.name] = group;
    this.policy.putFirewallPolicy(this.policyBlock());
    return group;
  }

  private policyBlock() {
    const ordered = [...this._collections].sort((a, b) => a.priority - b.priority);
    return {
      // Everything goes to the stateful engine, whose rules are the ones rendered from the model.
      statelessDefaultActions: ['aws:forward_to_sfe'],
      statelessFragmentDefaultActions: ['aws:forward_to_sfe'],
      statefulDefaultActions: [...this.statefulDefaultActions],
      statefulEngineOptions: { ruleOrder: 'STRICT_ORDER' },
      statefulRuleGroupReference: ordered.map((c) => ({ resourceArn: this.ruleGroups[c.name].arn, priority: c.priority })),
    };
  }

  /**
   * Warns when an Allow rule names an Internet destination (a domain, or an address outside the private
   * ranges and every range the app declares) while the inspection VPC has no way to the Internet.
   */
  private warnUnreachableInternet(collection: RuleCollection): void {
    if (this.vpc.hasInternetEgress || collection.kind === 'dnat' || collection.action !== 'Allow') return;
    const declared = rangesInApp(this).map((r) => r.cidr);
    const internal = (a: unknown): boolean => {
      if (a instanceof Cidr) return PRIVATE_RANGES.some((p) => p.contains(a)) || declared.some((d) => d.contains(a));
      if (typeof a !== 'string' || Token.isUnresolved(a) || a === '*') return true;
      if (!Cidr.isValid(a) && !isIpAddress(a)) return true;
      const c = Cidr.parse(isIpAddress(a) ? `${a}/${a.includes(':') ? 128 : 32}` : a);
      return c.version !== 4 || PRIVATE_RANGES.some((p) => p.contains(c)) || declared.some((d) => d.contains(c));
    };
    collection.rules.forEach((rule, i) => {
      const names = collection.kind === 'application' ? (rule as { targetFqdns?: readonly string[] }).targetFqdns ?? [] : [];
      const addresses = collection.kind === 'network' ? (rule as { destinationAddresses?: readonly unknown[] }).destinationAddresses ?? [] : [];
      const external = [...names, ...addresses.filter((a) => !internal(a)).map(String)];
      if (external.length > 0) {
        Annotations.of(this).addWarning(
          `ruleCollections[${collection.name}].rules[${i}] allows ${external.join(', ')} on the Internet, but inspection VPC ${this.vpc.name} has no route to the Internet; give it internetEgress, or the rule never matches traffic that arrives`);
      }
    });
  }

  private checkPriorities(collections: readonly RuleCollection[]): void {
    validateRuleCollections(this, collections, NETWORK_FIREWALL_RULE_LIMITS);
    const byPriority = new Map<number, string>();
    for (const c of collections) {
      const other = byPriority.get(c.priority);
      if (other !== undefined) {
        throw new ValidationError(this, `ruleCollections[${c.name}].priority`, c.priority,
          `collection ${other} already has priority ${c.priority}; Network Firewall evaluates every stateful rule group in one strict order, so each collection needs its own priority`);
      }
      byPriority.set(c.priority, c.name);
    }
  }

  private checkDefaultActions(actions: StatefulDefaultAction[]): StatefulDefaultAction[] {
    checkList(this, 'statefulDefaultActions', actions, 'a list of default actions');
    actions.forEach((a, i) => checkEnum(this, `statefulDefaultActions[${i}]`, a, STATEFUL_DEFAULT_ACTIONS, { what: 'a strict-order default action' }));
    if (new Set(actions).size !== actions.length) {
      throw new ValidationError(this, 'statefulDefaultActions', actions, 'each default action is named once');
    }
    const drops = actions.filter((a) => a.startsWith('aws:drop_'));
    if (drops.length > 1) {
      throw new ValidationError(this, 'statefulDefaultActions', actions, 'choose one drop action: aws:drop_strict or aws:drop_established');
    }
    return actions;
  }

  private configureLogging(logging: FirewallLogging, tags: AwsTags | undefined): NetworkfirewallLoggingConfiguration | undefined {
    if (!(logging instanceof NoLogging || logging instanceof CloudWatchLogging || logging instanceof S3Logging)) {
      throw new ValidationError(this, `logging (${typeName(logging)})`, logging, 'one of FirewallLogging.cloudWatch(...), FirewallLogging.s3(...), FirewallLogging.none()');
    }
    if (logging instanceof NoLogging) return undefined;
    const logTypes = logging.options.logTypes ?? ['ALERT', 'FLOW'];
    checkList(this, 'logging.logTypes', logTypes, 'a list of log types');
    if (logTypes.length === 0) {
      throw new ValidationError(this, 'logging.logTypes', [], 'name at least one of ALERT, FLOW, TLS, or use FirewallLogging.none()');
    }
    logTypes.forEach((t, i) => checkEnum(this, `logging.logTypes[${i}]`, t, FIREWALL_LOG_TYPES, { what: 'a log type' }));
    if (new Set(logTypes).size !== logTypes.length) {
      throw new ValidationError(this, 'logging.logTypes', logTypes, 'each log type goes to one destination; name it once');
    }
    let destinations: NetworkfirewallLoggingConfigurationLoggingConfigurationLogDestinationConfig[];
    if (logging instanceof CloudWatchLogging) {
      const retention = logging.options.retentionInDays ?? 90;
      if (!CLOUDWATCH_RETENTION_DAYS.includes(retention)) {
        throw new ValidationError(this, 'logging.retentionInDays', retention, `CloudWatch Logs keeps logs ${CLOUDWATCH_RETENTION_DAYS.join(', ')} days`);
      }
      const prefix = logging.options.logGroupPrefix ?? `/aws/network-firewall/${this.name}`;
      const given = logging.options.logGroupPrefix;
      const knownPrefix = given !== undefined && Token.isUnresolved(given) ? knownOrWarn(this, 'logging.logGroupPrefix', given, 'the CloudWatch log group name rule') : prefix;
      if (typeof knownPrefix === 'string' && !Token.isUnresolved(knownPrefix) && !LOG_GROUP_NAME.test(`${knownPrefix}/alert`)) {
        throw new ValidationError(this, 'logging.logGroupPrefix', prefix,
          'the log groups are named <prefix>/alert, /flow and /tls: CloudWatch log group names are 1 to 512 letters, digits, ".", "-", "_", "/" or "#"');
      }
      destinations = logTypes.map((type) => {
        const group = untraced(() => new CloudwatchLogGroup(this, `log-group-${type.toLowerCase()}`, {
          name: `${prefix}/${type.toLowerCase()}`,
          retentionInDays: retention,
          tags,
        }));
        this.logGroups[type] = group;
        return { logType: type, logDestinationType: 'CloudWatchLogs', logDestination: { logGroup: group.name } };
      });
    } else {
      const s3 = (logging as S3Logging).options;
      checkString(this, 'logging.bucketName', s3.bucketName, 'an S3 bucket name');
      const bucket = Token.isUnresolved(s3.bucketName) ? knownOrWarn(this, 'logging.bucketName', s3.bucketName, 'the S3 bucket name rule') : s3.bucketName;
      if (typeof bucket === 'string' && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
        throw new ValidationError(this, 'logging.bucketName', bucket,
          'an S3 bucket name is 3 to 63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit');
      }
      destinations = logTypes.map((type) => ({
        logType: type,
        logDestinationType: 'S3',
        logDestination: s3.prefix ? { bucketName: s3.bucketName, prefix: s3.prefix } : { bucketName: s3.bucketName } as { [key: string]: string },
      }));
    }
    return untraced(() => new NetworkfirewallLoggingConfiguration(this, 'logging', {
      firewallArn: this.resource.arn,
      loggingConfiguration: { logDestinationConfig: destinations },
    }));
  }
}
