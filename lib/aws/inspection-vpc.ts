import { Construct } from 'constructs';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Cidr, ValidationError, checkCidrList } from '../core';
import { AWS_MAX_VPC_PREFIX, AwsTags, Vpc, VpcRouteTarget, VpcSubnet, VpcSubnetSpec } from './vpc';
import { requireProps } from '../core/guards';
import { untraced } from '../core/refs';

/** Group label of an inspection VPC's firewall subnets. */
export const FIREWALL_SUBNET_GROUP = 'firewall';
/** Group label of an inspection VPC's transit gateway attachment subnets. */
export const TGW_SUBNET_GROUP = 'tgw';

/** Group label of an inspection VPC's public (NAT gateway) subnets, with Internet egress. */
export const PUBLIC_SUBNET_GROUP = 'public';

/** Options of {@link InspectionVpcProps.internetEgress}. */
export interface InspectionInternetEgressOptions {
  /**
   * Every range behind the transit gateway whose traffic may leave for the Internet: the spokes' VPC
   * ranges and the egress gateway ranges. Replies to them come back from the NAT gateway through the
   * firewall endpoint of the same zone (symmetric), and the firewall subnets send them to the
   * transit gateway; a range missing here gets no replies.
   */
  readonly returnRanges: readonly (Cidr | string)[];
}

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
  /**
   * A way out to the Internet after inspection: per zone a public subnet with a NAT gateway (and its
   * Elastic IP) behind an Internet gateway. The firewall subnets send `0.0.0.0/0` to their zone's NAT
   * gateway and `returnRanges` back to the transit gateway; the public subnets send `returnRanges` to
   * the firewall endpoint of their zone, so both directions of a flow cross one endpoint.
   * @default - none: traffic stays between the attached VPCs
   */
  readonly internetEgress?: InspectionInternetEgressOptions;
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
    const perZone = props.internetEgress ? 3 : 2;
    if (room < perZone * zones.length) {
      throw new ValidationError(this, 'cidrBlock', props.cidrBlock,
        `${zones.length} zones need ${perZone * zones.length} subnets of /${prefix}; ${this.cidr} holds ${room}`);
    }
    this.availabilityZones = [...zones];
    const specs: VpcSubnetSpec[] = [
      ...zones.map((az, i) => ({ name: `${props.name}-firewall-${az}`, cidr: this.cidr.subnet(prefix, i).toString(), availabilityZone: az, group: FIREWALL_SUBNET_GROUP })),
      ...zones.map((az, i) => ({ name: `${props.name}-tgw-${az}`, cidr: this.cidr.subnet(prefix, zones.length + i).toString(), availabilityZone: az, group: TGW_SUBNET_GROUP })),
    ];
    if (props.internetEgress) {
      specs.push(...zones.map((az, i) => ({
        name: `${props.name}-public-${az}`, cidr: this.cidr.subnet(prefix, 2 * zones.length + i).toString(), availabilityZone: az, group: PUBLIC_SUBNET_GROUP,
      })));
    }
    for (const spec of specs) this.addSubnet(spec);

    if (props.internetEgress) {
      const given: unknown = props.internetEgress.returnRanges;
      const ranges = checkCidrList(this, 'internetEgress.returnRanges', Array.isArray(given) ? given.map(String) : given, { version: 4, minItems: 1 });
      this.returnRanges = ranges;
      const internetGateway = this.internetGateway = untraced(() => new InternetGateway(this, 'internet-gateway', { vpcId: this.id, tags: { ...props.tags, Name: `${props.name}-igw` } }));
      for (const subnet of this.publicSubnets) {
        const eip = untraced(() => new Eip(this, `nat-eip-${subnet.availabilityZone}`, {
          domain: 'vpc', tags: { ...props.tags, Name: `${props.name}-nat-${subnet.availabilityZone}` }, dependsOn: [internetGateway],
        }));
        this.natGateways[subnet.availabilityZone] = untraced(() => new NatGateway(this, `nat-${subnet.availabilityZone}`, {
          allocationId: eip.id, subnetId: subnet.id, connectivityType: 'public',
          tags: { ...props.tags, Name: `${props.name}-nat-${subnet.availabilityZone}` },
        }));
        subnet.addRoute({ destination: '0.0.0.0/0', target: VpcRouteTarget.internetGateway(this.internetGateway.id), intent: '(5) out to the Internet' });
      }
    }
  }

  /** The Internet gateway, with Internet egress. */
  public readonly internetGateway?: InternetGateway;
  /** The NAT gateways by zone, with Internet egress. */
  public readonly natGateways: { [availabilityZone: string]: NatGateway } = {};
  /** The ranges whose replies come back from the Internet, with Internet egress; empty without. */
  public readonly returnRanges: readonly Cidr[] = [];

  /** True when the VPC has a way out to the Internet (`internetEgress`). */
  public get hasInternetEgress(): boolean {
    return this.internetGateway !== undefined;
  }

  /** The public subnets (NAT gateways), one per zone, with Internet egress. */
  public get publicSubnets(): VpcSubnet[] {
    return this.subnetsInGroup(PUBLIC_SUBNET_GROUP);
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
