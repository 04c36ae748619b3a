import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { Ec2TransitGatewayConnect } from '@cdktf/provider-aws/lib/ec2-transit-gateway-connect';
import { Ec2TransitGatewayConnectPeer } from '@cdktf/provider-aws/lib/ec2-transit-gateway-connect-peer';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Cidr, ReservedAsnRange, ValidationError, brand, checkAsn, checkAtSynth, checkString, isIpAddress, knownEqual, knownOrWarn } from '../core';
import { requireProps } from '../core/guards';
import {
  IConnectRegistration, ITransitGatewayAttachment, TransitGateway, TransitGatewayRouteTable, TransitGatewayVpcAttachment,
} from './transit-gateway';
import { AwsTags, VpcSubnet, checkAwsName, checkAwsTags } from './vpc';
import { untraced } from '../core/refs';

/** Most Connect peers (GRE tunnels) one Connect attachment takes (not adjustable). */
export const TGW_CONNECT_MAX_PEERS = 4;

/** The range a Connect peer's IPv4 inside CIDR comes from. */
export const TGW_CONNECT_INSIDE_RANGE = Cidr.parse('169.254.0.0/16');

/** The prefix length of a Connect peer's IPv4 inside CIDR. */
export const TGW_CONNECT_INSIDE_PREFIX = 29;

/** Inside CIDRs AWS reserves, which no Connect peer can use. */
export const TGW_CONNECT_RESERVED_INSIDE_CIDRS: readonly Cidr[] = [
  '169.254.0.0/29', '169.254.1.0/29', '169.254.2.0/29', '169.254.3.0/29', '169.254.4.0/29', '169.254.5.0/29',
  '169.254.169.248/29',
].map((c) => Cidr.parse(c));

/**
 * Who holds which address of a Connect peer's inside /29, as offsets from its network address: the
 * appliance (the node) the first (`169.254.8.9` of `169.254.8.8/29`), the transit gateway the second
 * and third, one per BGP session. The shape of Calico's `TunnelInsideLayout`.
 */
export const TGW_CONNECT_INSIDE_LAYOUT = { nodeHost: 1, routerHosts: [2, 3], router: 'AWS Transit Gateway Connect' } as const;

/** IP protocol number of GRE, what carries a Connect peer's traffic. */
export const GRE_PROTOCOL = 47;

/**
 * The largest packet a transit gateway carries between VPCs and over Connect attachments, in bytes:
 * a Connect peer's GRE packets, headers included, must fit in it.
 */
export const TGW_MTU = 8500;

/** One Connect peer: a GRE tunnel to one appliance (here, one Kubernetes node running Calico). */
export interface ConnectPeerSpec {
  /** The peer's `Name` tag; the Kubernetes node's name is a good one, e.g. `node-1`. */
  readonly name: string;
  /** The node's own address (the GRE tunnel's outer source): an IP in the transport VPC. */
  readonly peerAddress: string;
  /**
   * The tunnel's inside /29 from 169.254.0.0/16, outside the blocks AWS reserves, unique across every
   * Connect peer of the transit gateway, e.g. `169.254.8.8/29`: the node takes its first address
   * (`169.254.8.9`), the transit gateway the next two.
   */
  readonly insideCidr: string;
  /**
   * The node's BGP AS number (Calico's). It must differ from the transit gateway's: the transit gateway
   * does not install routes an iBGP peer originates, so egress gateway routes would never arrive.
   */
  readonly peerAsn: number;
}

/** Props of {@link TransitGatewayConnect}. */
export interface TransitGatewayConnectProps {
  /** The Connect attachment's `Name` tag, e.g. `calico-connect`. */
  readonly name: string;
  /** The VPC attachment the GRE tunnels ride on: the attachment of the VPC the nodes are in. */
  readonly transport: TransitGatewayVpcAttachment;
  /**
   * The transit gateway's GRE address (the tunnels' outer destination), from one of its CIDR blocks,
   * unique across its Connect attachments.
   * @default - the next address of its first CIDR block: `192.0.2.1` for the first Connect attachment on `192.0.2.0/24`
   */
  readonly transitGatewayAddress?: string;
  /** @default - none; add them with `addPeer` */
  readonly peers?: ConnectPeerSpec[];
  /**
   * Subnets whose route tables get a route to the transit gateway's CIDR blocks, so GRE packets to it
   * leave the VPC through the transit gateway.
   * @default - the transport VPC's subnets that hold a peer's address
   */
  readonly routeSubnets?: VpcSubnet[];
  /** @default - none */
  readonly tags?: AwsTags;
}

const peerBrand = brand('ConnectPeer');
const connectBrand = brand('TransitGatewayConnect');

/**
 * A Connect peer: the GRE tunnel between the transit gateway and one node, and its two BGP sessions.
 * Everything the node's side needs (tunnel addresses, BGP addresses, AS numbers) is here as a literal,
 * so a Calico BGPPeer or a netplan tunnel can be written from it without retyping a value.
 */
export class ConnectPeer extends Construct {
  /** True when `x` is a ConnectPeer (works across copies of the library). */
  public static isConnectPeer(x: unknown): x is ConnectPeer {
    return peerBrand.is(x);
  }

  /** The peer's name, e.g. the node's. */
  public readonly name: string;
  /** The node's address: the GRE tunnel's local end on the node. */
  public readonly peerAddress: string;
  /** The transit gateway's GRE address: the tunnel's remote end as the node sees it. */
  public readonly transitGatewayAddress: string;
  /** The inside /29. */
  public readonly insideCidr: Cidr;
  /** The node's (Calico's) AS number. */
  public readonly peerAsn: number;
  /** The transit gateway's AS number. */
  public readonly transitGatewayAsn: number;
  /** The aws_ec2_transit_gateway_connect_peer resource (escape hatch). */
  public readonly resource: Ec2TransitGatewayConnectPeer;

  /** The node's address as a literal, when the app knows it (it may be given as a reference). */
  public readonly knownPeerAddress?: string;

  /** @internal - created through TransitGatewayConnect.addPeer */
  constructor(connect: TransitGatewayConnect, spec: ConnectPeerSpec, insideCidr: Cidr, tags: AwsTags | undefined, knownPeerAddress?: string) {
    super(connect, spec.name);
    this.knownPeerAddress = knownPeerAddress;
    peerBrand.mark(this);
    this.name = spec.name;
    this.peerAddress = spec.peerAddress;
    this.transitGatewayAddress = connect.transitGatewayAddress;
    this.insideCidr = insideCidr;
    this.peerAsn = spec.peerAsn;
    this.transitGatewayAsn = connect.transitGateway.asn;
    this.resource = untraced(() => new Ec2TransitGatewayConnectPeer(this, 'peer', {
      transitGatewayAttachmentId: connect.attachmentId,
      peerAddress: spec.peerAddress,
      transitGatewayAddress: connect.transitGatewayAddress,
      insideCidrBlocks: [insideCidr.toString()],
      bgpAsn: String(spec.peerAsn),
      tags: { ...tags, Name: spec.name },
    }));
  }

  /**
   * The node's inside address, the first of the /29 (`169.254.8.9` in `169.254.8.8/29`): configured
   * on the node's GRE interface and used as the source of its BGP sessions.
   */
  public get peerInsideAddress(): string {
    return this.insideCidr.host(TGW_CONNECT_INSIDE_LAYOUT.nodeHost);
  }

  /**
   * The transit gateway's two inside addresses, the second and third of the /29 (`169.254.8.10` and
   * `169.254.8.11`): one BGP session to each, for redundancy; what Calico's BGPPeers point at.
   */
  public get transitGatewayInsideAddresses(): [string, string] {
    const [a, b] = TGW_CONNECT_INSIDE_LAYOUT.routerHosts;
    return [this.insideCidr.host(a), this.insideCidr.host(b)];
  }
}

/**
 * A transit gateway Connect attachment over GRE, on a VPC transport attachment, with one Connect
 * peer per node. Checks each peer's inside CIDR (a /29 from 169.254.0.0/16, none AWS reserves, unique
 * across the transit gateway), its AS number (valid, and not the transit gateway's), its address (in
 * the transport VPC), and the limit of four peers per attachment.
 *
 * Routes the transport VPC's node subnets to the transit gateway's CIDR blocks; {@link allowGreFrom}
 * lets the tunnels into the nodes' security group. Associate it with a route table and propagate it
 * into one through {@link TransitGatewayRouteTable}.
 */
export class TransitGatewayConnect extends Construct implements ITransitGatewayAttachment, IConnectRegistration {
  /** True when `x` is a TransitGatewayConnect (works across copies of the library). */
  public static isTransitGatewayConnect(x: unknown): x is TransitGatewayConnect {
    return connectBrand.is(x);
  }

  /** The attachment's `Name` tag. */
  public readonly name: string;
  public readonly transitGateway: TransitGateway;
  /** The VPC attachment the tunnels ride on. */
  public readonly transport: TransitGatewayVpcAttachment;
  /** The transit gateway's GRE address for this attachment. */
  public readonly transitGatewayAddress: string;
  /** The aws_ec2_transit_gateway_connect resource (escape hatch). */
  public readonly resource: Ec2TransitGatewayConnect;
  /** Security group rules letting GRE in, by security group. */
  public readonly greRules: VpcSecurityGroupIngressRule[] = [];
  private readonly _peers: ConnectPeer[] = [];
  private readonly tags?: AwsTags;
  private readonly routeSubnetsGiven: boolean;
  private _routeTable?: TransitGatewayRouteTable;

  constructor(scope: Construct, id: string, props: TransitGatewayConnectProps) {
    super(scope, id);
    requireProps(this, 'TransitGatewayConnect', props, ['name', 'transport']);
    connectBrand.mark(this);
    checkAwsName(this, 'name', props.name);
    checkAwsTags(this, 'tags', props.tags);
    this.name = props.name;
    this.transport = props.transport;
    this.transitGateway = props.transport.transitGateway;
    this.tags = props.tags;
    const tgw = this.transitGateway;
    if (tgw.cidrBlocks.length === 0) {
      throw new ValidationError(this, 'transitGateway.cidrBlocks', [], 'a Connect attachment needs a transit gateway CIDR block for its GRE addresses');
    }
    const index = tgw._registerConnect(this);
    this.transitGatewayAddress = props.transitGatewayAddress ?? tgw.connectAddress(index);
    checkString(this, 'transitGatewayAddress', this.transitGatewayAddress, 'an IP address from the transit gateway\'s CIDR blocks');
    const tgwAddress = Token.isUnresolved(this.transitGatewayAddress)
      ? knownOrWarn(this, 'transitGatewayAddress', this.transitGatewayAddress, 'that the address is in the transit gateway\'s CIDR blocks')
      : this.transitGatewayAddress;
    if (tgwAddress !== undefined) {
      if (typeof tgwAddress !== 'string' || !isIpAddress(tgwAddress) || !tgw.cidrBlocks.some((c) => c.contains(tgwAddress))) {
        throw new ValidationError(this, 'transitGatewayAddress', tgwAddress,
          `the transit gateway's GRE address comes from its CIDR blocks ${tgw.cidrBlocks.join(', ')}`);
      }
    }
    this.resource = untraced(() => new Ec2TransitGatewayConnect(this, 'connect', {
      transitGatewayId: tgw.id,
      transportAttachmentId: props.transport.attachmentId,
      protocol: 'gre',
      transitGatewayDefaultRouteTableAssociation: false,
      transitGatewayDefaultRouteTablePropagation: false,
      tags: { ...props.tags, Name: props.name },
    }));
    this.routeSubnetsGiven = props.routeSubnets !== undefined;
    if (props.routeSubnets) this.routeGre(props.routeSubnets);
    for (const p of props.peers ?? []) this.addPeer(p);

    checkAtSynth(this, () => this.checkAgainstOtherConnects());
  }

  /** The Connect attachment's ID (a reference). */
  public get attachmentId(): string {
    return this.resource.id;
  }

  public get fqn(): string {
    return this.resource.fqn;
  }

  /** The peers, in the order they were added. */
  public get peers(): readonly ConnectPeer[] {
    return this._peers;
  }

  /** The peers' inside CIDRs. */
  public get insideCidrs(): readonly Cidr[] {
    return this._peers.map((p) => p.insideCidr);
  }

  public get associatedRouteTable(): TransitGatewayRouteTable | undefined {
    return this._routeTable;
  }

  /** @internal */
  public _associate(table: TransitGatewayRouteTable): void {
    this._routeTable = table;
  }

  /** Adds a Connect peer after checking its name, address, inside CIDR and AS number. */
  public addPeer(spec: ConnectPeerSpec): ConnectPeer {
    const field = `peers[${spec?.name}]`;
    requireProps(this, 'addPeer', spec, ['name', 'peerAddress', 'insideCidr', 'peerAsn']);
    checkAwsName(this, `${field}.name`, spec.name);
    if (this._peers.some((p) => p.name === spec.name)) {
      throw new ValidationError(this, `${field}.name`, spec.name, 'peer names must be unique in a Connect attachment');
    }
    if (this._peers.length >= TGW_CONNECT_MAX_PEERS) {
      throw new ValidationError(this, 'peers', this._peers.length + 1,
        `a Connect attachment takes at most ${TGW_CONNECT_MAX_PEERS} peers (not adjustable); add another Connect attachment for more nodes`);
    }
    checkString(this, `${field}.peerAddress`, spec.peerAddress, 'the node\'s IP address');
    // A reference (an instance's private_ip) is checked through the literal the app set for it.
    const peerAddress = Token.isUnresolved(spec.peerAddress)
      ? knownOrWarn(this, `${field}.peerAddress`, spec.peerAddress, 'that the node\'s address is a usable address of the transport VPC')
      : spec.peerAddress;
    if (peerAddress !== undefined) {
      if (typeof peerAddress !== 'string' || !isIpAddress(peerAddress)) {
        throw new ValidationError(this, `${field}.peerAddress`, peerAddress, 'expected the node\'s IP address, e.g. 10.10.0.10');
      }
      if (peerAddress.includes(':') !== this.transitGatewayAddress.includes(':')) {
        throw new ValidationError(this, `${field}.peerAddress`, peerAddress,
          `the peer and transit gateway GRE addresses are of one IP family; the transit gateway's is ${this.transitGatewayAddress}`);
      }
      if (!this.transport.vpc.contains(peerAddress)) {
        throw new ValidationError(this, `${field}.peerAddress`, peerAddress,
          `the node must be in the transport VPC ${this.transport.vpc.name} (${this.transport.vpc.cidr}), whose attachment carries the tunnel`);
      }
      const home = this.transport.vpc.subnets.find((s) => s.cidr.contains(peerAddress));
      if (home && !home.isUsableAddress(peerAddress)) {
        throw new ValidationError(this, `${field}.peerAddress`, peerAddress,
          `AWS reserves it in subnet ${home.name} (${home.cidr}): the network address, the VPC router (+1), DNS (+2), future use (+3) and the broadcast address; no instance can hold it. Use ${home.hostIp(0)} or later`);
      }
      const same = this._peers.find((p) => p.peerAddress === peerAddress || p.knownPeerAddress === peerAddress);
      if (same) {
        throw new ValidationError(this, `${field}.peerAddress`, peerAddress,
          `peer ${same.name} already has it; with the same transit gateway address that is the same tunnel`);
      }
    }
    const insideCidr = this.checkInsideCidr(`${field}.insideCidr`, spec.insideCidr);
    const clash = this._peers.find((p) => p.insideCidr.overlaps(insideCidr));
    if (clash) {
      throw new ValidationError(this, `${field}.insideCidr`, spec.insideCidr,
        `peer ${clash.name} already uses ${clash.insideCidr}; BGP addresses are unique across the transit gateway's tunnels`);
    }
    const tgwAsn: ReservedAsnRange = { from: this.transitGateway.asn, to: this.transitGateway.asn,
      reason: `the transit gateway's own ASN; a peer in the same AS speaks iBGP, and the transit gateway does not install routes an iBGP peer originates` };
    checkAsn(this, `${field}.peerAsn`, spec.peerAsn, [tgwAsn]);
    const peer = new ConnectPeer(this, spec, insideCidr, this.tags, typeof peerAddress === 'string' ? peerAddress : undefined);
    this._peers.push(peer);
    if (!this.routeSubnetsGiven && typeof peerAddress === 'string') {
      this.routeGre(this.transport.vpc.subnets.filter((s) => s.cidr.contains(peerAddress)));
    }
    return peer;
  }

  /** (4) GRE packets to the transit gateway's address leave the nodes' subnets through the transit gateway. */
  private routeGre(subnets: readonly VpcSubnet[]): void {
    this.transport.routeToTransitGateway([...subnets], this.transitGateway.cidrBlocks.map((c) => c.toString()),
      '(4) GRE to the transit gateway\'s Connect address');
  }

  /**
   * Lets GRE (IP protocol 47) from the transit gateway's CIDR blocks into a security group, the nodes'.
   * BGP runs inside the tunnel, so GRE is all the group sees.
   */
  public allowGreFrom(securityGroupId: string, description = `GRE from transit gateway ${this.transitGateway.name} (Connect ${this.name})`): VpcSecurityGroupIngressRule[] {
    const rules = this.transitGateway.cidrBlocks.map((cidr) => untraced(() => new VpcSecurityGroupIngressRule(this, `gre-${this.greRules.length}-${cidr.toString().replace(/[^0-9a-zA-Z]+/g, '-')}`, {
      securityGroupId,
      ipProtocol: String(GRE_PROTOCOL),
      cidrIpv4: cidr.version === 4 ? cidr.toString() : undefined,
      cidrIpv6: cidr.version === 6 ? cidr.toString() : undefined,
      description,
      tags: this.tags,
    })));
    this.greRules.push(...rules);
    return rules;
  }

  private checkInsideCidr(field: string, text: string): Cidr {
    const cidr = Cidr.parse(text, { site: this, field });
    if (cidr.version !== 4 || cidr.prefix !== TGW_CONNECT_INSIDE_PREFIX || !TGW_CONNECT_INSIDE_RANGE.contains(cidr)) {
      throw new ValidationError(this, field, text, `a Connect peer's inside CIDR is a /${TGW_CONNECT_INSIDE_PREFIX} from ${TGW_CONNECT_INSIDE_RANGE}`);
    }
    const reserved = TGW_CONNECT_RESERVED_INSIDE_CIDRS.find((r) => r.equals(cidr));
    if (reserved) {
      throw new ValidationError(this, field, text,
        `AWS reserves ${TGW_CONNECT_RESERVED_INSIDE_CIDRS.join(', ')}; choose another /${TGW_CONNECT_INSIDE_PREFIX} from ${TGW_CONNECT_INSIDE_RANGE}`);
    }
    return cidr;
  }

  /** Inside CIDRs are unique across every tunnel of the transit gateway; GRE addresses across its Connect attachments. */
  private checkAgainstOtherConnects(): void {
    for (const other of this.transitGateway.connectAttachments) {
      if (other === this) continue;
      // The same reference, or references whose literals the app set to one address, are one address.
      if (knownEqual(this, other.transitGatewayAddress, this.transitGatewayAddress) === true) {
        throw new ValidationError(this, 'transitGatewayAddress', this.transitGatewayAddress,
          `Connect attachment ${other.name} already uses it; each Connect attachment needs its own transit gateway address`);
      }
      for (const peer of this._peers) {
        const clash = other.insideCidrs.find((c) => c.overlaps(peer.insideCidr));
        if (clash) {
          throw new ValidationError(this, `peers[${peer.name}].insideCidr`, peer.insideCidr.toString(),
            `Connect attachment ${other.name} already uses ${clash}; BGP addresses are unique across the transit gateway's tunnels`);
        }
      }
    }
  }
}
