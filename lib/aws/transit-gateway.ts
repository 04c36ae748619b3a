import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import { Ec2TransitGateway } from '@cdktf/provider-aws/lib/ec2-transit-gateway';
import { Ec2TransitGatewayVpcAttachment } from '@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment';
import { Ec2TransitGatewayRouteTable } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table';
import { Ec2TransitGatewayRouteTableAssociation } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-association';
import { Ec2TransitGatewayRouteTablePropagation } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route-table-propagation';
import { Ec2TransitGatewayRoute } from '@cdktf/provider-aws/lib/ec2-transit-gateway-route';
import { Cidr, ValidationError, brand, checkAtSynth, checkBoolean, checkClearOf, declareRanges, isPrivateAsn, knownOrWarn, knownValue, requireLiteral, requireProps } from '../core';
import { declareLink, linksOf } from '../core/app-registry';
import { formatValue } from '../core/errors';
import { InspectionVpc } from './inspection-vpc';
import { AwsTags, Vpc, VpcRouteTarget, VpcSubnet, checkAwsName, checkAwsTags } from './vpc';
import { untraced } from '../core/refs';

/** The Amazon-side ASN AWS gives a transit gateway when none is named. */
export const AWS_TGW_DEFAULT_ASN = 64512;

/** Most CIDR blocks one transit gateway takes (not adjustable). */
export const TGW_MAX_CIDR_BLOCKS = 5;

/** Transit gateway CIDR blocks cannot come from the link-local range. */
export const TGW_CIDR_FORBIDDEN = Cidr.parse('169.254.0.0/16');

/** Something attached to a transit gateway: a VPC, or a Connect attachment. */
export interface ITransitGatewayAttachment extends ITerraformDependable {
  /** The attachment's name, for messages. */
  readonly name: string;
  /** The attachment's ID (a reference). */
  readonly attachmentId: string;
  /** The route table the attachment is associated with, if any. */
  readonly associatedRouteTable?: TransitGatewayRouteTable;
  /** @internal - called by TransitGatewayRouteTable.associate */
  _associate(table: TransitGatewayRouteTable): void;
}

/** Props of {@link TransitGateway}. */
export interface TransitGatewayProps {
  /** The `Name` tag, e.g. `inspection-tgw`. */
  readonly name: string;
  /**
   * The ASN of the Amazon side of its BGP sessions: private, 64512 to 65534 or 4200000000 to
   * 4294967294.
   * @default 64512
   */
  readonly amazonSideAsn?: number;
  /**
   * CIDR blocks the transit gateway takes its GRE (Connect) addresses from: IPv4 /24 or larger, IPv6
   * /64 or larger, at most five, outside 169.254.0.0/16 and clear of every VPC.
   * @default - none (a Connect attachment needs one)
   */
  readonly cidrBlocks?: string[];
  /** @default - none */
  readonly description?: string;
  /** @default - none */
  readonly tags?: AwsTags;
}

/** Options of {@link TransitGateway.attachVpc}. */
export interface VpcAttachmentOptions {
  /** The attachment's `Name` tag. @default `<vpc name>-attachment` */
  readonly name?: string;
  readonly vpc: Vpc;
  /** The subnets the attachment's interfaces go in: at most one per availability zone, ideally small ones of their own. */
  readonly subnets: VpcSubnet[];
  /**
   * Keep both directions of a flow in one availability zone, as a stateful appliance in the VPC needs.
   * @default false
   */
  readonly applianceMode?: boolean;
}

const tgwBrand = brand('TransitGateway');

/** What an existing transit gateway is known by, for {@link TransitGateway.fromAttributes}. */
export interface TransitGatewayAttributes {
  /** Its ID, e.g. `tgw-0123456789abcdef0`, or a reference (a data source's `id`). */
  readonly transitGatewayId: string;
  /** A name for messages and for the `Name` tags of what this app attaches to it, e.g. `network-tgw`. */
  readonly name: string;
  /** Its Amazon-side ASN. @default 64512 */
  readonly amazonSideAsn?: number;
  /** Its CIDR blocks, which Connect attachments take their GRE addresses from. @default - none */
  readonly cidrBlocks?: string[];
}

/**
 * A transit gateway, new or existing: what attachments, route tables and Connect attachments need
 * of it. The default route table association and propagation of an existing one must be off (as a
 * new one's are), or attachments would also land in its default route table.
 */
export interface ITransitGateway {
  /** Its ID (a reference, or the existing one's). */
  readonly id: string;
  /** The name in messages and `Name` tags. */
  readonly name: string;
  /** The Amazon-side ASN. */
  readonly asn: number;
  /** The CIDR blocks. */
  readonly cidrBlocks: readonly Cidr[];
  /** Adds a route table. */
  addRouteTable(name: string): TransitGatewayRouteTable;
  /** Attaches a VPC. */
  attachVpc(options: VpcAttachmentOptions): TransitGatewayVpcAttachment;
  /** Attaches an inspection VPC. */
  attachInspectionVpc(vpc: InspectionVpc, name?: string): TransitGatewayVpcAttachment;
}

/** Marks the props of an existing transit gateway: its ID. */
const EXISTING_ID = Symbol('existingTransitGatewayId');

/**
 * A transit gateway with the safe routing defaults of a hub: no default route table association or
 * propagation (every attachment is placed in a route table on purpose), shared attachments not
 * accepted automatically, DNS and VPN ECMP support on.
 */
export class TransitGateway extends Construct implements ITransitGateway {
  /** True when `x` is a TransitGateway (works across copies of the library). */
  public static isTransitGateway(x: unknown): x is TransitGateway {
    return tgwBrand.is(x);
  }

  /**
   * An existing transit gateway (e.g. a network team's), usable wherever a new one is: attach VPCs,
   * add route tables, Connect attachments. Nothing of the gateway itself is created or changed.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: TransitGatewayAttributes): TransitGateway {
    requireProps(`${scope.node.path}/${id}`, 'TransitGateway.fromAttributes', attrs, ['transitGatewayId', 'name']);
    const props = { name: attrs.name, amazonSideAsn: attrs.amazonSideAsn, cidrBlocks: attrs.cidrBlocks, [EXISTING_ID]: attrs.transitGatewayId };
    return new TransitGateway(scope, id, props);
  }

  /** The `Name` tag. */
  public readonly name: string;
  /** The Amazon-side ASN: what a Connect peer's BGP sessions see as the transit gateway's AS. */
  public readonly asn: number;
  /** The CIDR blocks, in the order given. */
  public readonly cidrBlocks: readonly Cidr[];
  private readonly _resource?: Ec2TransitGateway;
  private readonly existingId?: string;
  private readonly _routeTables: TransitGatewayRouteTable[] = [];
  private readonly _vpcAttachments: TransitGatewayVpcAttachment[] = [];
  private readonly _connectAttachments: IConnectRegistration[] = [];
  private readonly tags?: AwsTags;

  constructor(scope: Construct, id: string, props: TransitGatewayProps) {
    super(scope, id);
    requireProps(this, 'TransitGateway', props, ['name']);
    tgwBrand.mark(this);
    checkAwsName(this, 'name', props.name);
    checkAwsTags(this, 'tags', props.tags);
    this.name = props.name;
    this.tags = props.tags;
    this.asn = props.amazonSideAsn ?? AWS_TGW_DEFAULT_ASN;
    requireLiteral(this, 'amazonSideAsn', this.asn, 'Connect peers and Calico\'s BGPPeers need the transit gateway\'s AS number as a number');
    if (!Number.isInteger(this.asn) || !isPrivateAsn(this.asn)) {
      throw new ValidationError(this, 'amazonSideAsn', this.asn,
        "a transit gateway's Amazon-side ASN is private: 64512 to 65534 or 4200000000 to 4294967294");
    }
    this.cidrBlocks = this.checkCidrBlocks(props.cidrBlocks ?? []);
    declareRanges(this, this.cidrBlocks.map((cidr) => ({ cidr, kind: 'transit', label: `transit gateway ${props.name} CIDR block` })));
    this.existingId = (props as { [EXISTING_ID]?: string })[EXISTING_ID];
    if (this.existingId === undefined) this._resource = untraced(() => new Ec2TransitGateway(this, 'tgw', {
      description: props.description,
      amazonSideAsn: this.asn,
      defaultRouteTableAssociation: 'disable',
      defaultRouteTablePropagation: 'disable',
      autoAcceptSharedAttachments: 'disable',
      dnsSupport: 'enable',
      vpnEcmpSupport: 'enable',
      transitGatewayCidrBlocks: this.cidrBlocks.length > 0 ? this.cidrBlocks.map((c) => c.toString()) : undefined,
      tags: { ...props.tags, Name: props.name },
    }));
    checkAtSynth(this, () => {
      this.cidrBlocks.forEach((cidr, i) => checkClearOf(this, `cidrBlocks[${i}]`, cidr, ['vpc'],
        'a transit gateway CIDR block must not overlap the VPCs it routes for'));
    });
    checkAtSynth(this, () => {
      for (const a of this._vpcAttachments) {
        if (!a.associatedRouteTable) {
          throw new ValidationError(this, `attachments[${a.name}].routeTable`, undefined,
            'with default route table association off, an attachment in no route table drops everything it sends; associate it with one');
        }
      }
    });
  }

  /** The transit gateway's ID (a reference). */
  public get id(): string {
    return this.existingId ?? this.resource.id;
  }

  /** True when this is an existing transit gateway ({@link TransitGateway.fromAttributes}). */
  public get isExisting(): boolean {
    return this.existingId !== undefined;
  }

  /** The aws_ec2_transit_gateway resource (escape hatch); an existing transit gateway has none. */
  public get resource(): Ec2TransitGateway {
    if (!this._resource) {
      throw new ValidationError(this, 'resource', this.existingId, 'an existing transit gateway (fromAttributes) has no resource in this app');
    }
    return this._resource;
  }

  /** The route tables, in the order they were added. */
  public get routeTables(): readonly TransitGatewayRouteTable[] {
    return this._routeTables;
  }

  /** The VPC attachments, in the order they were added. */
  public get vpcAttachments(): readonly TransitGatewayVpcAttachment[] {
    return this._vpcAttachments;
  }

  /** Adds a route table, e.g. `inspection-rt`. */
  public addRouteTable(name: string): TransitGatewayRouteTable {
    checkAwsName(this, `routeTables[${name}]`, name);
    if (this._routeTables.some((t) => t.name === name)) {
      throw new ValidationError(this, `routeTables[${name}]`, name, 'route table names must be unique on a transit gateway');
    }
    const table = new TransitGatewayRouteTable(this, name, { transitGateway: this, name, tags: this.tags });
    this._routeTables.push(table);
    return table;
  }

  /**
   * Attaches a VPC. A VPC is attached once; its range must be clear of every other attached VPC (the
   * route tables could not tell them apart); one subnet per availability zone.
   */
  public attachVpc(options: VpcAttachmentOptions): TransitGatewayVpcAttachment {
    requireProps(this, 'attachVpc', options, ['vpc', 'subnets']);
    if (options.applianceMode !== undefined) checkBoolean(this, `attachments[${options.name ?? options.vpc.name}].applianceMode`, options.applianceMode);
    const name = options.name ?? `${options.vpc.name}-attachment`;
    const field = `attachments[${name}]`;
    for (const other of this._vpcAttachments) {
      if (other.vpc === options.vpc) {
        throw new ValidationError(this, `${field}.vpc`, options.vpc.name, `it is already attached as ${other.name}; a transit gateway attaches a VPC once`);
      }
      if (other.vpc.cidr.overlaps(options.vpc.cidr)) {
        throw new ValidationError(this, `${field}.vpc`, options.vpc.cidr.toString(),
          `it overlaps VPC ${other.vpc.name} (${other.vpc.cidr}), also attached; attached VPCs need distinct ranges`);
      }
    }
    if (options.subnets.length === 0) {
      throw new ValidationError(this, `${field}.subnets`, [], 'an attachment needs a subnet in at least one availability zone');
    }
    const zones = new Map<string, string>();
    for (const s of options.subnets) {
      if (s.vpc !== options.vpc) {
        throw new ValidationError(this, `${field}.subnets`, s.name, `the subnet belongs to ${s.vpc.name}, not ${options.vpc.name}`);
      }
      const other = zones.get(s.availabilityZone);
      if (other !== undefined) {
        throw new ValidationError(this, `${field}.subnets`, s.name,
          `${other} is already in ${s.availabilityZone}; an attachment takes one subnet per availability zone`);
      }
      zones.set(s.availabilityZone, s.name);
    }
    checkAwsName(this, `${field}.name`, name);
    const attachment = new TransitGatewayVpcAttachment(this, name, {
      transitGateway: this,
      name,
      vpc: options.vpc,
      subnets: options.subnets,
      applianceMode: options.applianceMode ?? false,
      tags: this.tags,
    });
    this._vpcAttachments.push(attachment);
    return attachment;
  }

  /**
   * Attaches an inspection VPC through its transit gateway subnets, with appliance mode on (both
   * directions of a flow cross the same firewall endpoint), and sends each firewall subnet's
   * `0.0.0.0/0` back to the transit gateway.
   */
  public attachInspectionVpc(vpc: InspectionVpc, name?: string): TransitGatewayVpcAttachment {
    const attachment = this.attachVpc({ vpc, name, subnets: vpc.transitGatewaySubnets, applianceMode: true });
    // (3) Inspected traffic goes back to the transit gateway, which looks its destination up in the
    // inspection attachment's route table; with Internet egress only the ranges behind it do, and the
    // rest leaves through the NAT gateway of the zone (5).
    if (vpc.hasInternetEgress) {
      attachment.routeToTransitGateway(vpc.firewallSubnets, vpc.returnRanges.map(String), '(3) back to the transit gateway after inspection');
      for (const subnet of vpc.firewallSubnets) {
        subnet.addRoute({
          destination: '0.0.0.0/0',
          target: VpcRouteTarget.natGateway(vpc.natGateways[subnet.availabilityZone].id),
          intent: '(5) to the Internet through the NAT gateway of the same zone',
        });
      }
    } else {
      attachment.routeToTransitGateway(vpc.firewallSubnets, ['0.0.0.0/0'], '(3) back to the transit gateway after inspection');
    }
    return attachment;
  }

  /**
   * The transit gateway's GRE address for the `index`-th Connect attachment: the `index + 1`-th
   * address of its first CIDR block (`192.0.2.1` for the first in `192.0.2.0/24`), which is what AWS
   * assigns first when none is named.
   */
  public connectAddress(index: number): string {
    if (this.cidrBlocks.length === 0) {
      throw new ValidationError(this, 'cidrBlocks', [], 'a Connect attachment needs a transit gateway CIDR block for its GRE addresses');
    }
    const block = this.cidrBlocks[0];
    if (index + 1 >= block.size - 1) {
      throw new ValidationError(this, 'cidrBlocks[0]', block.toString(), `it has no address left for Connect attachment ${index + 1}; name its transitGatewayAddress`);
    }
    return block.host(index + 1);
  }

  /** The Connect attachments registered so far. */
  public get connectAttachments(): readonly IConnectRegistration[] {
    return this._connectAttachments;
  }

  /** @internal - called by TransitGatewayConnect */
  public _registerConnect(connect: IConnectRegistration): number {
    this._connectAttachments.push(connect);
    return this._connectAttachments.length - 1;
  }

  private checkCidrBlocks(blocks: readonly string[]): Cidr[] {
    if (blocks.length > TGW_MAX_CIDR_BLOCKS) {
      throw new ValidationError(this, 'cidrBlocks', blocks, `a transit gateway takes at most ${TGW_MAX_CIDR_BLOCKS} CIDR blocks`);
    }
    const parsed = blocks.map((b, i) => {
      const cidr = Cidr.parse(b, { site: this, field: `cidrBlocks[${i}]` });
      const max = cidr.version === 4 ? 24 : 64;
      if (cidr.prefix > max) {
        throw new ValidationError(this, `cidrBlocks[${i}]`, b, `a transit gateway CIDR block is /${max} or larger for IPv${cidr.version}`);
      }
      if (cidr.overlaps(TGW_CIDR_FORBIDDEN)) {
        throw new ValidationError(this, `cidrBlocks[${i}]`, b, `a transit gateway CIDR block cannot come from ${TGW_CIDR_FORBIDDEN}`);
      }
      return cidr;
    });
    parsed.forEach((a, i) => parsed.slice(0, i).forEach((b) => {
      if (a.overlaps(b)) throw new ValidationError(this, `cidrBlocks[${i}]`, a.toString(), `it overlaps ${b}; CIDR blocks must not overlap`);
    }));
    return parsed;
  }
}

/** What the transit gateway knows of each of its Connect attachments, to check them against each other. */
export interface IConnectRegistration {
  readonly name: string;
  /** The transit gateway's GRE address of the attachment. */
  readonly transitGatewayAddress: string;
  /** The inside CIDRs of its peers. */
  readonly insideCidrs: readonly Cidr[];
}

/** Props of {@link TransitGatewayVpcAttachment}; created through {@link TransitGateway.attachVpc}. */
export interface TransitGatewayVpcAttachmentProps {
  readonly transitGateway: TransitGateway;
  readonly name: string;
  readonly vpc: Vpc;
  readonly subnets: VpcSubnet[];
  readonly applianceMode: boolean;
  readonly tags?: AwsTags;
}

/** A VPC attachment of a {@link TransitGateway}. */
export class TransitGatewayVpcAttachment extends Construct implements ITransitGatewayAttachment {
  /** The attachment's `Name` tag. */
  public readonly name: string;
  public readonly transitGateway: TransitGateway;
  public readonly vpc: Vpc;
  /** The subnets its interfaces are in. */
  public readonly subnets: readonly VpcSubnet[];
  /** Whether appliance mode is on. */
  public readonly applianceMode: boolean;
  /** The aws_ec2_transit_gateway_vpc_attachment resource (escape hatch). */
  public readonly resource: Ec2TransitGatewayVpcAttachment;
  private _routeTable?: TransitGatewayRouteTable;

  constructor(scope: Construct, id: string, props: TransitGatewayVpcAttachmentProps) {
    super(scope, id);
    requireProps(this, 'TransitGatewayVpcAttachment', props, ['transitGateway', 'name', 'vpc', 'subnets', 'applianceMode']);
    checkSingleAttachment(this, props.transitGateway, props.vpc);
    this.name = props.name;
    this.transitGateway = props.transitGateway;
    this.vpc = props.vpc;
    this.subnets = [...props.subnets];
    this.applianceMode = props.applianceMode;
    this.resource = untraced(() => new Ec2TransitGatewayVpcAttachment(this, 'attachment', {
      transitGatewayId: props.transitGateway.id,
      vpcId: props.vpc.id,
      subnetIds: props.subnets.map((s) => s.id),
      applianceModeSupport: props.applianceMode ? 'enable' : 'disable',
      dnsSupport: 'enable',
      transitGatewayDefaultRouteTableAssociation: false,
      transitGatewayDefaultRouteTablePropagation: false,
      tags: { ...props.tags, Name: props.name },
    }));
  }

  public get fqn(): string {
    return this.resource.fqn;
  }

  /** The attachment's ID (a reference). */
  public get attachmentId(): string {
    return this.resource.id;
  }

  public get associatedRouteTable(): TransitGatewayRouteTable | undefined {
    return this._routeTable;
  }

  /** @internal */
  public _associate(table: TransitGatewayRouteTable): void {
    this._routeTable = table;
  }

  /**
   * Adds routes to `destinations` via the transit gateway to each subnet's route table, after the
   * attachment exists (AWS refuses a route to a transit gateway not attached to the VPC). A route the
   * subnet already has to this transit gateway is not added twice.
   */
  public routeToTransitGateway(subnets: readonly VpcSubnet[], destinations: readonly string[], intent?: string): void {
    for (const subnet of subnets) {
      if (subnet.vpc !== this.vpc) {
        throw new ValidationError(this, 'subnets', subnet.name, `the subnet belongs to ${subnet.vpc.name}, not ${this.vpc.name}`);
      }
      for (const destination of destinations) {
        const same = subnet.routes.find((r) => r.destination === destination);
        if (same && same.target.kind === 'transitGateway' && same.target.dependsOn?.includes(this.resource)) continue;
        subnet.addRoute({ destination, target: VpcRouteTarget.transitGateway(this.transitGateway.id, this.resource), intent });
      }
    }
  }
}

/** Props of {@link TransitGatewayRouteTable}; created through {@link TransitGateway.addRouteTable}. */
export interface TransitGatewayRouteTableProps {
  readonly transitGateway: TransitGateway;
  readonly name: string;
  readonly tags?: AwsTags;
}

/** A route of a {@link TransitGatewayRouteTable}. */
export interface TransitGatewayStaticRoute {
  readonly destination: string;
  /** The attachment traffic goes to, or `blackhole` to drop it. */
  readonly target: ITransitGatewayAttachment | 'blackhole';
}

/** A transit gateway route table with its associations, propagations and static routes. */
export class TransitGatewayRouteTable extends Construct {
  /** The `Name` tag, e.g. `inspection-rt`. */
  public readonly name: string;
  public readonly transitGateway: TransitGateway;
  /** The aws_ec2_transit_gateway_route_table resource (escape hatch). */
  public readonly resource: Ec2TransitGatewayRouteTable;
  /** Association resources, by attachment name. */
  public readonly associationResources: { [attachment: string]: Ec2TransitGatewayRouteTableAssociation } = {};
  /** Propagation resources, by attachment name. */
  public readonly propagationResources: { [attachment: string]: Ec2TransitGatewayRouteTablePropagation } = {};
  /** Static route resources, by destination. */
  public readonly routeResources: { [destination: string]: Ec2TransitGatewayRoute } = {};
  private readonly _associated: ITransitGatewayAttachment[] = [];
  private readonly _propagated: ITransitGatewayAttachment[] = [];
  private readonly _routes: TransitGatewayStaticRoute[] = [];

  constructor(scope: Construct, id: string, props: TransitGatewayRouteTableProps) {
    super(scope, id);
    requireProps(this, 'TransitGatewayRouteTable', props, ['transitGateway', 'name']);
    this.name = props.name;
    this.transitGateway = props.transitGateway;
    this.resource = untraced(() => new Ec2TransitGatewayRouteTable(this, 'table', {
      transitGatewayId: props.transitGateway.id,
      tags: { ...props.tags, Name: props.name },
    }));
  }

  /** The route table's ID (a reference). */
  public get id(): string {
    return this.resource.id;
  }

  /** Attachments associated with this table: their traffic is routed by it. */
  public get associations(): readonly ITransitGatewayAttachment[] {
    return this._associated;
  }

  /** Attachments whose routes propagate into this table. */
  public get propagations(): readonly ITransitGatewayAttachment[] {
    return this._propagated;
  }

  /** The static routes. */
  public get routes(): readonly TransitGatewayStaticRoute[] {
    return this._routes;
  }

  /** Routes the attachment's traffic with this table; an attachment is associated with one table. */
  public associate(attachment: ITransitGatewayAttachment): void {
    if (attachment.associatedRouteTable) {
      throw new ValidationError(this, `associations[${attachment.name}]`, attachment.name,
        `it is already associated with ${attachment.associatedRouteTable.name}; an attachment is associated with one route table`);
    }
    attachment._associate(this);
    this._associated.push(attachment);
    this.associationResources[attachment.name] = untraced(() => new Ec2TransitGatewayRouteTableAssociation(this, `association-${attachment.name}`, {
      transitGatewayAttachmentId: attachment.attachmentId,
      transitGatewayRouteTableId: this.id,
    }));
  }

  /** Learns the attachment's routes: a VPC's CIDR, or what a Connect peer announces over BGP. */
  public propagate(attachment: ITransitGatewayAttachment): void {
    if (this._propagated.includes(attachment)) {
      throw new ValidationError(this, `propagations[${attachment.name}]`, attachment.name, 'it already propagates into this table');
    }
    this._propagated.push(attachment);
    this.propagationResources[attachment.name] = untraced(() => new Ec2TransitGatewayRouteTablePropagation(this, `propagation-${attachment.name}`, {
      transitGatewayAttachmentId: attachment.attachmentId,
      transitGatewayRouteTableId: this.id,
    }));
  }

  /** Adds a static route; one per destination. */
  public addRoute(route: TransitGatewayStaticRoute): Ec2TransitGatewayRoute {
    requireProps(this, 'addRoute', route, ['destination', 'target']);
    // A destination given by reference is named by its position.
    const field = `routes[${Token.isUnresolved(route.destination) ? this._routes.length : route.destination}]`;
    if (route.target !== 'blackhole' && (typeof route.target !== 'object' || typeof route.target.attachmentId !== 'string')) {
      throw new ValidationError(this, `${field}.target`, route.target, "an attachment of this transit gateway, or 'blackhole' to drop the traffic");
    }
    const destination = Token.isUnresolved(route.destination)
      ? knownOrWarn(this, `${field}.destination`, route.destination, 'the destination range (a CIDR, one static route each)')
      : route.destination;
    if (typeof destination === 'string') {
      const dest = Cidr.parse(destination, { site: this, field: `${field}.destination` });
      if (this._routes.some((r) => { const d = knownValue(this, r.destination); return typeof d === 'string' && Cidr.isValid(d) && Cidr.parse(d).equals(dest); })) {
        throw new ValidationError(this, `${field}.destination`, destination, 'a transit gateway route table takes one static route per destination');
      }
    }
    this._routes.push(route);
    const resource = untraced(() => new Ec2TransitGatewayRoute(this, `route-${route.destination.replace(/[^0-9a-zA-Z]+/g, '-')}`, {
      transitGatewayRouteTableId: this.id,
      destinationCidrBlock: route.destination,
      transitGatewayAttachmentId: route.target === 'blackhole' ? undefined : route.target.attachmentId,
      blackhole: route.target === 'blackhole' ? true : undefined,
    }));
    this.routeResources[route.destination] = resource;
    return resource;
  }
}

// AWS keeps one VPC attachment per VPC and transit gateway (DuplicateTransitGatewayAttachment at apply).
function checkSingleAttachment(owner: TransitGatewayVpcAttachment, tgw: TransitGateway, vpc: Vpc): void {
  const other = linksOf(owner, vpc).find((l) => l.kind === 'tgw-vpc-attachment' && l.from === tgw && l.to === vpc);
  if (other) {
    throw new ValidationError(owner, 'vpc', vpc.name,
      `${other.owner.node.path} already attaches it to transit gateway ${formatValue(tgw.name)}; AWS allows one attachment per VPC and transit gateway (put more subnets in that attachment)`);
  }
  declareLink({ kind: 'tgw-vpc-attachment', from: tgw, to: vpc, owner });
}
