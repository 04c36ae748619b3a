import { Construct } from 'constructs';
import { ValidationError } from '../core';
import { requireProps } from '../core/guards';
import { AWS_MAX_VPC_PREFIX, AwsTags, Vpc, VpcSubnet, VpcSubnetSpec } from './vpc';

/** Group label of an inspection VPC's firewall subnets. */
export const FIREWALL_SUBNET_GROUP = 'firewall';
/** Group label of an inspection VPC's transit gateway attachment subnets. */
export const TGW_SUBNET_GROUP = 'tgw';

/** Props of {@link InspectionVpc}. */
export interface InspectionVpcProps {
  /** The VPC's `Name` tag, e.g. `inspection-vpc`; subnets are named `<name>-firewall-<az>` and `<name>-tgw-<az>`. */
  readonly name: string;
  /** IPv4 CIDR, e.g. `100.64.0.0/24`; it must hold two subnets per zone. */
  readonly cidrBlock: string;
  /** The zones to spread over, e.g. `['us-east-1a', 'us-east-1b']`; one firewall endpoint in each. */
  readonly availabilityZones: string[];
  /**
   * Prefix length of each subnet. Firewall and attachment subnets hold one interface each, so AWS's
   * smallest subnet is enough.
   * @default 28
   */
  readonly subnetPrefix?: number;
  /** @default - none */
  readonly tags?: AwsTags;
}

/**
 * The VPC of a centralised inspection architecture: per availability zone, one subnet for the
 * Network Firewall endpoint and one for the transit gateway attachment. Firewall subnets are carved
 * first (`cidr.subnet(prefix, i)`), attachment subnets after them, in the order of
 * `availabilityZones`.
 *
 * The routes come with the constructs they lead to: {@link NetworkFirewall} sends each attachment
 * subnet's `0.0.0.0/0` to the firewall endpoint in its zone, and
 * {@link TransitGateway.attachInspectionVpc} sends each firewall subnet's `0.0.0.0/0` back to the
 * transit gateway.
 */
export class InspectionVpc extends Vpc {
  /** The zones, in the order given. */
  public readonly availabilityZones: readonly string[];

  constructor(scope: Construct, id: string, props: InspectionVpcProps) {
    requireProps(`${scope.node.path}/${id}`, 'InspectionVpc', props, ['name', 'cidrBlock', 'availabilityZones']);
    super(scope, id, { name: props.name, cidrBlock: props.cidrBlock, tags: props.tags });
    const zones = props.availabilityZones;
    if (zones.length === 0) {
      throw new ValidationError(this, 'availabilityZones', [], 'name at least one availability zone');
    }
    const dup = zones.find((z, i) => zones.indexOf(z) !== i);
    if (dup !== undefined) {
      throw new ValidationError(this, 'availabilityZones', dup, 'each zone is named once; a firewall has one endpoint per zone');
    }
    const prefix = props.subnetPrefix ?? AWS_MAX_VPC_PREFIX;
    if (!Number.isInteger(prefix) || prefix < this.cidr.prefix || prefix > AWS_MAX_VPC_PREFIX) {
      throw new ValidationError(this, 'subnetPrefix', prefix, `a subnet of ${this.cidr} is /${this.cidr.prefix} to /${AWS_MAX_VPC_PREFIX}`);
    }
    const room = 2 ** (prefix - this.cidr.prefix);
    if (room < 2 * zones.length) {
      throw new ValidationError(this, 'cidrBlock', props.cidrBlock,
        `${zones.length} zones need ${2 * zones.length} subnets of /${prefix}; ${this.cidr} holds ${room}`);
    }
    this.availabilityZones = [...zones];
    const specs: VpcSubnetSpec[] = [
      ...zones.map((az, i) => ({ name: `${props.name}-firewall-${az}`, cidr: this.cidr.subnet(prefix, i).toString(), availabilityZone: az, group: FIREWALL_SUBNET_GROUP })),
      ...zones.map((az, i) => ({ name: `${props.name}-tgw-${az}`, cidr: this.cidr.subnet(prefix, zones.length + i).toString(), availabilityZone: az, group: TGW_SUBNET_GROUP })),
    ];
    for (const spec of specs) this.addSubnet(spec);
  }

  /** The firewall subnets, one per zone, in zone order. */
  public get firewallSubnets(): VpcSubnet[] {
    return this.subnetsInGroup(FIREWALL_SUBNET_GROUP);
  }

  /** The transit gateway attachment subnets, one per zone, in zone order. */
  public get transitGatewaySubnets(): VpcSubnet[] {
    return this.subnetsInGroup(TGW_SUBNET_GROUP);
  }
}
