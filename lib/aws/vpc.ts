import { Construct } from 'constructs';
import { ITerraformDependable, TerraformStack, Token } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc as TfVpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet as TfSubnet } from '@cdktf/provider-aws/lib/subnet';
import { RouteTable as TfRouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Route as TfRoute } from '@cdktf/provider-aws/lib/route';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import {
  Cidr, ValidationError, brand, checkAtSynth, checkEnum, checkList, checkString, declareRanges, isIpAddress, knownOrWarn, knownValue, requireProps,
  typeName, warnUnchecked,
} from '../core';
import { untraced } from '../core/refs';

/** Tags of AWS resources. */
export type AwsTags = { readonly [key: string]: string };

/** The largest VPC and subnet AWS accepts (IPv4): a /16. */
export const AWS_MIN_VPC_PREFIX = 16;
/** The smallest VPC and subnet AWS accepts (IPv4): a /28. */
export const AWS_MAX_VPC_PREFIX = 28;

const AZ_NAME = /^[a-z]{2}(-[a-z0-9]+)+[a-z]$/;

/** The longest tag value AWS takes (a `Name` tag's value too), in characters. */
export const AWS_TAG_VALUE_MAX = 256;
/** The longest tag key AWS takes, in characters. */
export const AWS_TAG_KEY_MAX = 128;
/** The most tags (user tags, `Name` included) one AWS resource takes. */
export const AWS_MAX_TAGS = 50;

/**
 * Checks an AWS `Name` tag value: 1 to 256 characters (AWS tag values take 256). A deploy-time name is
 * checked through the literal the app set for it, else a warning says it is not checked.
 */
export function checkAwsName(site: Construct, field: string, name: string): void {
  const value = Token.isUnresolved(name) ? knownOrWarn(site, field, name, `its length (1 to ${AWS_TAG_VALUE_MAX} characters)`) : name;
  if (value === undefined) return;
  checkString(site, field, value, 'a name');
  if (value.length < 1 || [...value].length > AWS_TAG_VALUE_MAX) {
    throw new ValidationError(site, field, value, `a name is 1 to ${AWS_TAG_VALUE_MAX} characters`);
  }
}

/**
 * Checks AWS tags as EC2 and the other services take them: at most 50 per resource (with the `Name`
 * tag the library adds), keys of 1 to 128 characters not starting with the reserved `aws:`, values of
 * 0 to 256 characters, strings only. `Name` is set from the construct's name, so a `Name` key is refused.
 */
export function checkAwsTags(site: Construct, field: string, tags: unknown): void {
  if (tags === undefined) return;
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags) || Token.isUnresolved(tags)) {
    throw new ValidationError(site, `${field} (${typeName(tags)})`, tags, 'expected a literal map of tag keys to values, e.g. { team: \'network\' }');
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length + 1 > AWS_MAX_TAGS) {
    throw new ValidationError(site, field, `${entries.length} tags`, `AWS takes at most ${AWS_MAX_TAGS} tags on a resource, ${AWS_MAX_TAGS - 1} besides the Name tag`);
  }
  for (const [key, value] of entries) {
    const at = `${field}[${JSON.stringify(key)}]`;
    if (key === 'Name') {
      throw new ValidationError(site, `${field} key`, key, 'the library sets the Name tag from the construct\'s name; give the name there');
    }
    if (key.length < 1 || [...key].length > AWS_TAG_KEY_MAX || key.toLowerCase().startsWith('aws:')) {
      throw new ValidationError(site, `${field} key`, key, `a tag key is 1 to ${AWS_TAG_KEY_MAX} characters and does not start with aws: (reserved for AWS)`);
    }
    if (typeof value === 'string' && Token.isUnresolved(value)) continue;
    checkString(site, at, value, 'a tag value (a string)');
    if ([...value].length > AWS_TAG_VALUE_MAX) {
      throw new ValidationError(site, at, value, `a tag value is 0 to ${AWS_TAG_VALUE_MAX} characters`);
    }
  }
}

/** The kinds of {@link VpcRouteTarget}. */
export const VPC_ROUTE_TARGET_KINDS: readonly VpcRouteTarget['kind'][] = ['transitGateway', 'vpcEndpoint', 'natGateway', 'internetGateway'];

/** A subnet of a {@link Vpc}. */
export interface VpcSubnetSpec {
  /** The subnet's `Name` tag, unique in its VPC, e.g. `source-nodes-a`. */
  readonly name: string;
  /** e.g. `10.10.0.0/24`; /16 to /28, inside the VPC's CIDR. */
  readonly cidr: string;
  /** e.g. `us-east-1a`. */
  readonly availabilityZone: string;
  /** A label to find subnets by role, e.g. `nodes` or `tgw`. @default 'private' */
  readonly group?: string;
}

/** Marks the props of existing VPCs and subnets. */
const EXISTING = Symbol('existingVpc');

/** An existing subnet, for {@link Vpc.fromAttributes}. */
export interface ExistingSubnetAttributes {
  /** e.g. `subnet-0123456789abcdef0`, or a reference. */
  readonly subnetId: string;
  /** The route table associated with it, where this app adds routes, e.g. `rtb-0123456789abcdef0`. */
  readonly routeTableId: string;
  /** A name for messages, unique in the VPC. */
  readonly name: string;
  /** Its IPv4 CIDR, a literal: the library checks addresses against it. */
  readonly cidr: string;
  /** Its availability zone, e.g. `us-east-1a`. */
  readonly availabilityZone: string;
  /** @default 'private' */
  readonly group?: string;
}

/** An existing VPC, for {@link Vpc.fromAttributes}. */
export interface VpcAttributes {
  /** e.g. `vpc-0123456789abcdef0`, or a reference. */
  readonly vpcId: string;
  /** A name for messages and the `Name` tags of what this app attaches to it. */
  readonly name: string;
  /** Its IPv4 CIDR, a literal (declared in the app's address plan). */
  readonly cidrBlock: string;
  /** The subnets this app uses. @default - none */
  readonly subnets?: readonly ExistingSubnetAttributes[];
}

/** Props of {@link Vpc}. */
export interface VpcProps {
  /** The VPC's `Name` tag, e.g. `source-vpc`. */
  readonly name: string;
  /** IPv4 CIDR, /16 to /28, e.g. `10.10.0.0/16`. */
  readonly cidrBlock: string;
  /** @default - no subnets; add them with `addSubnet` */
  readonly subnets?: VpcSubnetSpec[];
  /** @default true */
  readonly enableDnsHostnames?: boolean;
  /**
   * Take every rule off the VPC's default security group, so nothing that lands in it by accident
   * can talk to anything.
   * @default true
   */
  readonly restrictDefaultSecurityGroup?: boolean;
  /** @default - none */
  readonly tags?: AwsTags;
}

/** Where a VPC route sends traffic. */
export interface VpcRouteTarget {
  /** What the target is, for messages and checks. */
  readonly kind: 'transitGateway' | 'vpcEndpoint' | 'natGateway' | 'internetGateway';
  /** The target's ID (usually a reference). */
  readonly id: string;
  /** Resources the route must wait for (e.g. the transit gateway's attachment to this VPC). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Builders for {@link VpcRouteTarget}. */
export const VpcRouteTarget = {
  /**
   * A transit gateway. A route to it only works once the gateway has an attachment in the VPC, so
   * pass that attachment to wait for.
   */
  transitGateway(id: string, attachment?: ITerraformDependable): VpcRouteTarget {
    return { kind: 'transitGateway', id, dependsOn: attachment ? [attachment] : [] };
  },
  /** A VPC endpoint, e.g. a Network Firewall endpoint. */
  vpcEndpoint(id: string): VpcRouteTarget {
    return { kind: 'vpcEndpoint', id };
  },
  /** A NAT gateway. */
  natGateway(id: string): VpcRouteTarget {
    return { kind: 'natGateway', id };
  },
  /** An Internet gateway. */
  internetGateway(id: string): VpcRouteTarget {
    return { kind: 'internetGateway', id };
  },
};

/** A route of a subnet's route table. */
export interface VpcRoute {
  /** Destination CIDR, e.g. `0.0.0.0/0`. */
  readonly destination: string;
  readonly target: VpcRouteTarget;
  /** Why the route is there, e.g. `(2) back to the TGW after inspection`; for readers of the code. */
  readonly intent?: string;
}

const subnetBrand = brand('VpcSubnet');
const vpcBrand = brand('Vpc');

/**
 * A subnet of a {@link Vpc}, with its own route table: every subnet gets one, so routes can differ
 * per availability zone (an inspection VPC sends each zone to its own firewall endpoint).
 */
export class VpcSubnet extends Construct {
  /** True when `x` is a VpcSubnet (works across copies of the library). */
  public static isVpcSubnet(x: unknown): x is VpcSubnet {
    return subnetBrand.is(x);
  }

  /** The subnet's `Name` tag. */
  public readonly name: string;
  /** Its address range. */
  public readonly cidr: Cidr;
  /** Its availability zone, e.g. `us-east-1a`. */
  public readonly availabilityZone: string;
  /** Its group label, e.g. `nodes`. */
  public readonly group: string;
  /** The VPC it belongs to. */
  public readonly vpc: Vpc;
  private readonly _resource?: TfSubnet;
  private readonly _routeTable?: TfRouteTable;
  private readonly existing?: ExistingSubnetAttributes;
  /** The aws_route resources, by destination. */
  public readonly routeResources: { [destination: string]: TfRoute } = {};
  private readonly _routes: VpcRoute[] = [];

  /** @internal - created through Vpc.addSubnet */
  constructor(vpc: Vpc, spec: VpcSubnetSpec, cidr: Cidr, tags: AwsTags | undefined) {
    super(vpc, spec.name);
    subnetBrand.mark(this);
    this.vpc = vpc;
    this.name = spec.name;
    this.cidr = cidr;
    this.availabilityZone = spec.availabilityZone;
    this.group = spec.group ?? 'private';
    this.existing = (spec as { [EXISTING]?: ExistingSubnetAttributes })[EXISTING];
    if (this.existing === undefined) {
      const resource = this._resource = untraced(() => new TfSubnet(this, 'subnet', {
        vpcId: vpc.id,
        cidrBlock: cidr.toString(),
        availabilityZone: spec.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: { ...tags, Name: spec.name },
      }));
      const routeTable = this._routeTable = untraced(() => new TfRouteTable(this, 'route-table', {
        vpcId: vpc.id,
        tags: { ...tags, Name: `${spec.name}-rt` },
      }));
      untraced(() => new RouteTableAssociation(this, 'route-table-association', {
        subnetId: resource.id,
        routeTableId: routeTable.id,
      }));
    }
    checkAtSynth(this, () => this.checkRegion());
  }

  /** The aws_subnet resource (escape hatch); an existing subnet ({@link Vpc.fromAttributes}) has none. */
  public get resource(): TfSubnet {
    if (!this._resource) throw new ValidationError(this, 'resource', this.existing?.subnetId, 'an existing subnet (Vpc.fromAttributes) has no resource in this app');
    return this._resource;
  }

  /** The subnet's own aws_route_table; an existing subnet has none (its routes go to `routeTableId`). */
  public get routeTable(): TfRouteTable {
    if (!this._routeTable) throw new ValidationError(this, 'routeTable', this.existing?.routeTableId, 'an existing subnet (Vpc.fromAttributes) has no route table resource in this app; use routeTableId');
    return this._routeTable;
  }

  /** The ID of the route table routes are added to (a reference, or the existing one's). */
  public get routeTableId(): string {
    return this.existing ? this.existing.routeTableId : this.routeTable.id;
  }

  /** The zone is one of the region the subnet's provider deploys to: `us-east-1a` in `us-east-1`. */
  private checkRegion(): void {
    const given = this.availabilityZone;
    const az = Token.isUnresolved(given) ? knownOrWarn(this, 'availabilityZone', given, 'that the zone is in the provider\'s region') : given;
    if (typeof az !== 'string') return;
    const provider = (this._resource?.provider as AwsProvider | undefined)
      ?? TerraformStack.of(this).node.findAll().find((c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined);
    if (!provider || provider.region === undefined) return;
    const region = knownValue(this, provider.region);
    if (typeof region !== 'string') {
      warnUnchecked(this, 'availabilityZone', provider.region, 'that the zone is in the provider\'s region');
      return;
    }
    // A zone is the region and a letter (us-east-1a), or a Local or Wavelength Zone under it (us-east-1-bos-1a).
    if (!(az.startsWith(region) && /^(-[a-z0-9-]+)?[a-z]$/.test(az.slice(region.length)))) {
      throw new ValidationError(this, 'availabilityZone', az,
        `the AWS provider of this subnet deploys to region ${region}: a zone of it, e.g. ${region}a`);
    }
  }

  /** The subnet's ID (a reference). */
  public get id(): string {
    return this.existing ? this.existing.subnetId : this.resource.id;
  }

  /** The routes added so far. */
  public get routes(): readonly VpcRoute[] {
    return this._routes;
  }

  /**
   * The address AWS gives the `index`-th interface placed in this subnet in order: AWS reserves the
   * first four addresses (network, router, DNS, future use) and the last, so `hostIp(0)` is `.4`.
   */
  public hostIp(index: number): string {
    const usable = this.cidr.size - 5;
    if (!Number.isInteger(index) || index < 0 || index >= usable) {
      throw new ValidationError(this, 'hostIp index', index, `${this.name} (${this.cidr}) has ${usable} usable addresses, index 0 to ${usable - 1}`);
    }
    return this.cidr.host(4 + index);
  }

  /** True when `address` is in this subnet and not one of the five addresses AWS reserves in it. */
  public isUsableAddress(address: string): boolean {
    if (!isIpAddress(address) || !this.cidr.contains(address)) return false;
    const reserved = [0, 1, 2, 3, -1].map((i) => this.cidr.host(i));
    return !reserved.includes(Cidr.parse(address).network);
  }

  /** Adds a route to the subnet's route table; one route per destination. */
  public addRoute(route: VpcRoute): TfRoute {
    requireProps(this, 'addRoute', route, ['destination', 'target']);
    // A destination given by reference is named by its position.
    const field = `routes[${Token.isUnresolved(route.destination) ? this._routes.length : route.destination}]`;
    if (route.target === null || typeof route.target !== 'object') {
      throw new ValidationError(this, `${field}.target (${typeName(route.target)})`, route.target, 'a route target: VpcRouteTarget.transitGateway(...), .vpcEndpoint(...), .natGateway(...) or .internetGateway(...)');
    }
    checkEnum(this, `${field}.target.kind`, route.target.kind, VPC_ROUTE_TARGET_KINDS, { what: 'a route target' });
    const destination = Token.isUnresolved(route.destination)
      ? knownOrWarn(this, `${field}.destination`, route.destination, 'the destination range (an IPv4 CIDR, not the VPC\'s own, one route each)')
      : route.destination;
    if (typeof destination === 'string') {
      const dest = Cidr.parse(destination, { site: this, field: `${field}.destination` });
      if (dest.version !== 4) {
        throw new ValidationError(this, `${field}.destination`, destination, 'routes here are IPv4, like the VPC');
      }
      const same = this._routes.find((r) => { const d = knownValue(this, r.destination); return typeof d === 'string' && Cidr.isValid(d) && Cidr.parse(d).equals(dest); });
      if (same) {
        throw new ValidationError(this, `${field}.destination`, destination,
          `the route table of ${this.name} already has a route to ${dest} (to a ${same.target.kind}); each destination takes one route`);
      }
      if (dest.equals(this.vpc.cidr)) {
        throw new ValidationError(this, `${field}.destination`, destination,
          `it is the VPC's own range, which the local route already covers`);
      }
    }
    this._routes.push(route);
    const resource = untraced(() => new TfRoute(this, `route-${route.destination.replace(/[^0-9a-zA-Z]+/g, '-')}`, {
      routeTableId: this.routeTableId,
      destinationCidrBlock: route.destination,
      transitGatewayId: route.target.kind === 'transitGateway' ? route.target.id : undefined,
      vpcEndpointId: route.target.kind === 'vpcEndpoint' ? route.target.id : undefined,
      natGatewayId: route.target.kind === 'natGateway' ? route.target.id : undefined,
      gatewayId: route.target.kind === 'internetGateway' ? route.target.id : undefined,
      dependsOn: route.target.dependsOn && route.target.dependsOn.length > 0 ? [...route.target.dependsOn] : undefined,
    }));
    this.routeResources[route.destination] = resource;
    return resource;
  }
}

/**
 * A VPC with its subnets, each with its own route table. Checks at construction that the CIDR and
 * subnet sizes are ones AWS accepts, that subnets lie inside the VPC and clear of each other, and
 * declares the VPC's range in the app's address plan (kind `vpc`).
 */
export class Vpc extends Construct {
  /** True when `x` is a Vpc (works across copies of the library). */
  public static isVpc(x: unknown): x is Vpc {
    return vpcBrand.is(x);
  }

  /** The VPC's `Name` tag. */
  public readonly name: string;
  /** Its IPv4 range. */
  public readonly cidr: Cidr;
  private readonly _resource?: TfVpc;
  private readonly existingId?: string;
  /** The aws_default_security_group that takes every rule off the default group, unless turned off. */
  public readonly defaultSecurityGroup?: DefaultSecurityGroup;
  private readonly _subnets = new Map<string, VpcSubnet>();
  private readonly tags?: AwsTags;

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    requireProps(this, 'Vpc', props, ['name', 'cidrBlock']);
    vpcBrand.mark(this);
    checkAwsName(this, 'name', props.name);
    checkAwsTags(this, 'tags', props.tags);
    const cidr = Cidr.parse(props.cidrBlock, { site: this, field: 'cidrBlock' });
    if (cidr.version !== 4 || cidr.prefix < AWS_MIN_VPC_PREFIX || cidr.prefix > AWS_MAX_VPC_PREFIX) {
      throw new ValidationError(this, 'cidrBlock', props.cidrBlock,
        `a VPC's IPv4 CIDR is /${AWS_MIN_VPC_PREFIX} to /${AWS_MAX_VPC_PREFIX}`);
    }
    this.name = props.name;
    this.cidr = cidr;
    this.tags = props.tags;
    declareRanges(this, [{ cidr, kind: 'vpc', label: `VPC ${props.name}` }]);
    this.existingId = (props as { [EXISTING]?: string })[EXISTING];
    if (this.existingId === undefined) {
      const resource = this._resource = untraced(() => new TfVpc(this, 'vpc', {
        cidrBlock: cidr.toString(),
        enableDnsSupport: true,
        enableDnsHostnames: props.enableDnsHostnames ?? true,
        tags: { ...props.tags, Name: props.name },
      }));
      if (props.restrictDefaultSecurityGroup ?? true) {
        this.defaultSecurityGroup = untraced(() => new DefaultSecurityGroup(this, 'default-security-group', {
          vpcId: resource.id,
          tags: { ...props.tags, Name: `${props.name}-default` },
        }));
      }
    }
    for (const spec of props.subnets ?? []) this.addSubnet(spec);
  }

  /**
   * An existing VPC and subnets (e.g. a network team's), usable wherever new ones are: attach it to
   * a transit gateway, route its subnets, put Connect peers in it. Nothing of the VPC or its subnets
   * is created or changed, except the routes this app adds to the subnets' route tables (each
   * subnet names its route table; a table shared by several subnets gets each route once per subnet
   * that names it, so give shared tables' subnets through one of them).
   */
  public static fromAttributes(scope: Construct, id: string, attrs: VpcAttributes): Vpc {
    const site = `${scope.node.path}/${id}`;
    requireProps(site, 'Vpc.fromAttributes', attrs, ['vpcId', 'name', 'cidrBlock']);
    const subnets = checkList<ExistingSubnetAttributes>(site, 'subnets', attrs.subnets ?? [], 'a list of existing subnets');
    subnets.forEach((sub, i) => requireProps(`${site}.subnets[${i}]`, 'an existing subnet', sub, ['subnetId', 'routeTableId', 'name', 'cidr', 'availabilityZone']));
    return new Vpc(scope, id, {
      name: attrs.name,
      cidrBlock: attrs.cidrBlock,
      subnets: subnets.map((sub) => ({ name: sub.name, cidr: sub.cidr, availabilityZone: sub.availabilityZone, group: sub.group, [EXISTING]: sub })),
      [EXISTING]: attrs.vpcId,
    } as VpcProps);
  }

  /** The VPC's ID (a reference, or the existing one's). */
  public get id(): string {
    return this.existingId ?? this.resource.id;
  }

  /** True when this is an existing VPC ({@link Vpc.fromAttributes}). */
  public get isExisting(): boolean {
    return this.existingId !== undefined;
  }

  /** The aws_vpc resource (escape hatch); an existing VPC has none. */
  public get resource(): TfVpc {
    if (!this._resource) throw new ValidationError(this, 'resource', this.existingId, 'an existing VPC (Vpc.fromAttributes) has no resource in this app');
    return this._resource;
  }

  /** The subnets, in the order they were added. */
  public get subnets(): VpcSubnet[] {
    return [...this._subnets.values()];
  }

  /** The subnets whose group is `group`, in the order they were added. */
  public subnetsInGroup(group: string): VpcSubnet[] {
    return this.subnets.filter((s) => s.group === group);
  }

  /** True when `address` (an IP or CIDR) lies inside the VPC. */
  public contains(address: Cidr | string): boolean {
    return this.cidr.contains(address);
  }

  /** Adds a subnet after checking its name, range and availability zone. */
  public addSubnet(spec: VpcSubnetSpec): VpcSubnet {
    const field = `subnets[${spec.name}]`;
    checkAwsName(this, `${field}.name`, spec.name);
    if (this._subnets.has(spec.name)) {
      throw new ValidationError(this, `${field}.name`, spec.name, 'subnet names must be unique in a VPC');
    }
    const cidr = Cidr.parse(spec.cidr, { site: this, field: `${field}.cidr` });
    if (!this.cidr.contains(cidr)) {
      throw new ValidationError(this, `${field}.cidr`, cidr.toString(), `a subnet must lie inside the VPC's CIDR ${this.cidr}`);
    }
    if (cidr.prefix < AWS_MIN_VPC_PREFIX || cidr.prefix > AWS_MAX_VPC_PREFIX) {
      throw new ValidationError(this, `${field}.cidr`, cidr.toString(),
        `AWS subnets are /${AWS_MIN_VPC_PREFIX} to /${AWS_MAX_VPC_PREFIX} (AWS reserves five addresses in each)`);
    }
    for (const other of this._subnets.values()) {
      if (other.cidr.overlaps(cidr)) {
        throw new ValidationError(this, `${field}.cidr`, cidr.toString(), `it overlaps subnet ${other.name} (${other.cidr}); subnets must not overlap`);
      }
    }
    const zone = Token.isUnresolved(spec.availabilityZone) ? knownValue(this, spec.availabilityZone) : spec.availabilityZone;
    if (zone !== undefined && (typeof zone !== 'string' || !AZ_NAME.test(zone))) {
      throw new ValidationError(this, `${field}.availabilityZone`, zone,
        'expected an availability zone name such as us-east-1a');
    }
    const subnet = new VpcSubnet(this, spec, cidr, this.tags);
    this._subnets.set(spec.name, subnet);
    return subnet;
  }

  /** The subnet called `name`; throws a ValidationError naming the subnets there are if none is. */
  public subnet(name: string): VpcSubnet {
    const s = this._subnets.get(name);
    if (!s) {
      throw new ValidationError(this, 'subnet', name, `${this.name} has subnets ${[...this._subnets.keys()].join(', ') || '(none)'}`);
    }
    return s;
  }
}
