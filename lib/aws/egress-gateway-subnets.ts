import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { ValidationError, checkList, checkNumber, checkString, knownOrWarn, requireProps } from '../core';
import { Token } from 'cdktf';
import { AwsTags, Vpc, VpcSubnet, checkAwsTags } from './vpc';
import { untraced } from '../core/refs';

/**
 * The EC2 actions the nodes' IAM role needs so that Calico Enterprise can run egress gateways with
 * native VPC addresses (`awsSecondaryIPSupport`): it creates, attaches, detaches and deletes secondary
 * ENIs, assigns and unassigns their secondary private addresses, and (with Elastic IPs) associates and
 * disassociates Elastic IPs. Sorted; read-only `Describe*` actions included.
 */
export const CALICO_AWS_EGRESS_NODE_ACTIONS: readonly string[] = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:AssociateAddress',
  'ec2:AttachNetworkInterface',
  'ec2:CreateNetworkInterface',
  'ec2:CreateTags',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeAddresses',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DescribeTags',
  'ec2:DetachNetworkInterface',
  'ec2:DisassociateAddress',
  'ec2:ModifyNetworkInterfaceAttribute',
  'ec2:UnassignPrivateIpAddresses',
];

/** One egress gateway subnet of {@link AwsEgressGatewaySubnets}. */
export interface AwsEgressGatewaySubnetSpec {
  /** The subnet's `Name` tag, e.g. `egress-gw-a`. */
  readonly name: string;
  /** e.g. `10.10.100.0/28`; /16 to /28 inside the VPC's CIDR, not overlapping the node subnets. */
  readonly cidr: string;
  /** e.g. `us-east-1a`: a zone where egress gateway nodes run (one subnet per zone). */
  readonly availabilityZone: string;
}

/** Props of {@link AwsEgressGatewaySubnets}. */
export interface AwsEgressGatewaySubnetsProps {
  /** The VPC of the cluster's nodes. */
  readonly vpc: Vpc;
  /** One subnet per zone, dedicated to egress gateway addresses (Calico manages the ENIs in it). */
  readonly subnets: readonly AwsEgressGatewaySubnetSpec[];
  /** Name of the IAM policy for the nodes' role, e.g. `calico-egress-gateway-nodes`. */
  readonly policyName: string;
  /**
   * How many Elastic IPs to allocate for the egress gateways (for a fixed public source address on
   * the Internet). Calico associates them with gateway addresses (EgressGateway `aws.elasticIPs`, given
   * `elasticIpAddresses`); the gateway subnets then need a route to an Internet gateway, which this
   * construct does not add.
   * @default 0 - traffic keeps its private gateway address and leaves through the VPC's NAT/firewall path
   */
  readonly elasticIps?: number;
  /** @default - none */
  readonly tags?: AwsTags;
}

/** IAM policy names: 1 to 128 letters, digits and `+=,.@_-` (IAM API, CreatePolicy PolicyName). */
const IAM_POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

/** The subnet group of egress gateway subnets in their {@link Vpc}. */
export const EGRESS_GATEWAY_SUBNET_GROUP = 'egress-gateways';

/**
 * AWS side of native-address egress gateways (Calico Enterprise `awsSecondaryIPSupport`): a dedicated
 * subnet per zone in the nodes' VPC, the IAM policy the nodes' role needs for secondary ENIs and
 * addresses, and optional Elastic IPs. Attach `policy.arn` to the node group's role.
 */
export class AwsEgressGatewaySubnets extends Construct {
  /** The subnets, in the order given. */
  public readonly subnets: VpcSubnet[];
  /** The policy document (the JSON in `json`). */
  public readonly policyDocument: DataAwsIamPolicyDocument;
  /** The IAM policy to attach to the nodes' role. */
  public readonly policy: IamPolicy;
  /** The Elastic IPs, `egress-gw-eip-1`..; empty when `elasticIps` is 0. */
  public readonly elasticIps: Eip[];

  constructor(scope: Construct, id: string, props: AwsEgressGatewaySubnetsProps) {
    super(scope, id);
    requireProps(this, 'AwsEgressGatewaySubnets', props, ['vpc', 'subnets', 'policyName']);
    const specs = checkList<AwsEgressGatewaySubnetSpec>(this, 'subnets', props.subnets, 'a list of subnets, one per zone');
    if (specs.length === 0) {
      throw new ValidationError(this, 'subnets', specs, 'at least one subnet, one per zone where egress gateways run');
    }
    const zones = new Set<string>();
    specs.forEach((s, i) => {
      requireProps(this, `subnets[${i}]`, s, ['name', 'cidr', 'availabilityZone']);
      if (zones.has(s.availabilityZone)) {
        throw new ValidationError(this, `subnets[${i}].availabilityZone`, s.availabilityZone,
          'one egress gateway subnet per zone (an IP pool is bound to one subnet and so to one zone)');
      }
      zones.add(s.availabilityZone);
    });
    checkString(this, 'policyName', props.policyName, 'an IAM policy name');
    const policyName = Token.isUnresolved(props.policyName) ? knownOrWarn(this, 'policyName', props.policyName, 'the IAM policy name rule') : props.policyName;
    if (typeof policyName === 'string' && !IAM_POLICY_NAME.test(policyName)) {
      throw new ValidationError(this, 'policyName', policyName, "an IAM policy name is 1 to 128 letters, digits or '+', '=', ',', '.', '@', '_', '-'");
    }
    checkAwsTags(this, 'tags', props.tags);
    const eipCount = props.elasticIps ?? 0;
    checkNumber(this, 'elasticIps', eipCount, { min: 0 });

    this.subnets = specs.map((s) => props.vpc.addSubnet({ ...s, group: EGRESS_GATEWAY_SUBNET_GROUP }));

    this.policyDocument = untraced(() => new DataAwsIamPolicyDocument(this, 'node-policy-document', {
      statement: [{
        sid: 'CalicoEgressGatewayEni',
        effect: 'Allow',
        actions: [...CALICO_AWS_EGRESS_NODE_ACTIONS],
        resources: ['*'],
      }],
    }));
    this.policy = untraced(() => new IamPolicy(this, 'node-policy', {
      name: props.policyName,
      description: 'Calico Enterprise egress gateways with native VPC addresses: secondary ENIs, their addresses and Elastic IPs',
      policy: this.policyDocument.json,
      tags: props.tags,
    }));
    this.elasticIps = [];
    for (let i = 1; i <= eipCount; i++) {
      this.elasticIps.push(untraced(() => new Eip(this, `eip-${i}`, {
        domain: 'vpc',
        tags: { ...(props.tags ?? {}), Name: `egress-gw-eip-${i}` },
      })));
    }
  }

  /** The subnet IDs, for the Calico side (`awsSubnetID` of the IP pools), in the order given. */
  public get subnetIds(): string[] {
    return this.subnets.map((s) => s.id);
  }

  /** The allocation IDs of the Elastic IPs (`eipalloc-...`), e.g. for IAM conditions; not what Calico takes. */
  public get elasticIpAllocationIds(): string[] {
    return this.elasticIps.map((e) => e.allocationId);
  }

  /**
   * The Elastic IPs' public addresses, for EgressGateway `aws.elasticIPs` (the tenant's `aws.elasticIps`):
   * Calico takes addresses and looks the allocations up itself.
   */
  public get elasticIpAddresses(): string[] {
    return this.elasticIps.map((e) => e.publicIp);
  }
}
