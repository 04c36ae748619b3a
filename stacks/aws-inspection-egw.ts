/**
 * aws-inspection-egw: the cloud half of document 004 (Calico egress gateways behind a centralised
 * AWS Network Firewall, peered with a Transit Gateway over TGW Connect), in us-east-1 across
 * us-east-1a and us-east-1b.
 *
 * Values from the document: the transit gateway CIDR block 192.0.2.0/24; the first node's Connect
 * inside range 169.254.8.8/29 with Calico at 169.254.8.9; the egress gateway range in
 * 198.51.100.0/24 (here tenant0's 198.51.100.0/28, which holds the document's gateway address
 * 198.51.100.1); the service at 10.0.0.55; the route tables `inspection-rt` and `firewall-rt`.
 *
 * The egress gateway's range is an `EgressTenant`, declared once (stacks/examples.ts) and handed to
 * this stack and to the cluster stack (aws-inspection-egw-calico), which renders its IPPool and BGP
 * announcement from the same value: the firewall rule's source is `tenant.egressCidr`. It must lie
 * in the egress block (`egressBlock`, 198.51.100.0/24), which must be clear of the VPCs and the
 * transit gateway CIDR block.
 *
 * Values chosen here, and why:
 * - VPCs: source (the cluster) 10.10.0.0/16, destination (the service) 10.0.0.0/16, inspection
 *   10.200.0.0/24 (clear of the AKS examples' service ranges 10.100-10.104/16 in the same app); each spoke has small /28 subnets of its own for its transit gateway attachment.
 * - Nodes: two, node-1 at 10.10.0.10 (inside 169.254.8.8/29, the document's) and node-2 at
 *   10.10.1.10 (inside 169.254.8.16/29), one per zone; the transit gateway's GRE address is
 *   192.0.2.1, the first of its CIDR block. The node addresses must be pinned on the instances.
 *   The nodes are declared once, here: each name is the Kubernetes node's name (its Connect peer's
 *   `Name` tag, its user data file, and the `node` of its BGPPeers in the cluster stack), so a DNS-1123
 *   subdomain; the instances must register with these names (e.g. `hostname: node-1` in their
 *   cloud-config, for kubeadm).
 * - Each node's GRE interface is cloud-init user data (netplan `tunnels: gre1`, mode gre, local the
 *   node, remote 192.0.2.1, the node's inside address /29, MTU 8476: the transit gateway's 8500 bytes
 *   less 24 of GRE and outer IPv4 header, outer TTL 255 where the document's tunnel inherits the inner
 *   TTL, and loose reverse-path filtering on gre1, where replies to the egress gateways arrive), output as `node_user_data` and written to
 *   cdktf.out/user-data/aws-inspection-egw/<node>.yaml, for the instances' `user_data`.
 * - AS numbers: the transit gateway keeps AWS's default 64512; Calico speaks 65001. They differ on
 *   purpose: Calico's own default is also 64512, and over iBGP the transit gateway would ignore the
 *   egress gateway routes.
 * - The service port is 8080/TCP (the document does not name one).
 * - Rules: `egress-gateway-to-service` (priority 100) passes TCP 8080 from the egress gateway range
 *   to 10.0.0.55; `deny-to-service` (priority 200) drops everything else to 10.0.0.55. Anything no
 *   rule passes is dropped too, connection set-up included (`aws:drop_strict`, the default while every
 *   rule is 5-tuple), and logged (`aws:alert_strict`) to CloudWatch Logs.
 * - Both spokes send 0.0.0.0/0 to the transit gateway (the document's source VPC only routes the
 *   destination VPC there): every path out of a spoke crosses the firewall, even if an Internet
 *   gateway is added later. The source VPC's node subnets also route 192.0.2.0/24 there, for GRE.
 *   The inspection VPC has no Internet gateway or NAT (the document's traffic stays between VPCs), so
 *   the nodes have no path to the Internet at all: images and packages must come from registry
 *   mirrors or VPC endpoints, or the inspection VPC needs `internetEgress` (a NAT gateway per zone
 *   behind the firewall) and firewall rules for them.
 * - No EC2 instances: the document's nodes are vanilla Kubernetes on EC2 and its service a plain
 *   instance; the stack builds the network they land in, the nodes' security group (GRE from the
 *   transit gateway, everything between nodes, everything out), and checks at synth that 10.0.0.55
 *   is an address an instance can hold in the service subnet.
 * - The nodes' instances (not built here) need EC2's source/destination check off: the egress
 *   gateway's packets leave a node with a source from the egress range, not the node's own address.
 * - The inside ranges are unique per node: AWS requires BGP addresses to be unique across every
 *   tunnel of a transit gateway (the document suggests reusing them; AWS's Connect guide does not
 *   allow it).
 * - The Connect attachment propagates into `firewall-rt` (the egress gateway routes Calico
 *   announces) but is associated with no route table, as in the document: it only carries return
 *   traffic from the transit gateway to the nodes, and the transit gateway announces nothing back.
 *
 * Routing, by intent:
 *   (1) a spoke's traffic goes to the transit gateway, whose `inspection-rt` sends it to the inspection VPC;
 *   (2) there it enters the firewall endpoint of the zone it arrived in;
 *   (3) inspected, it goes back to the transit gateway, which looks it up in `firewall-rt`: the spokes'
 *       ranges and the egress gateway range learned over BGP;
 *   (4) the nodes reach the transit gateway's GRE address through the transit gateway.
 */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Cidr, RuleCollections, ValidationError, checkAtSynth, checkClearOf, checkDns1123Subdomain } from '../lib/core';
import {
  InspectionVpc, NetworkFirewall, TGW_CONNECT_INSIDE_PREFIX, TGW_MTU, TransitGateway, TransitGatewayConnect, TransitGatewayVpcAttachment,
  Vpc,
} from '../lib/aws';
import { EgressTenant, GreTunnelUserData } from '../lib/calico';

/** A Kubernetes node that peers with the transit gateway. */
export interface AwsInspectionEgwNode {
  /** The Kubernetes node's name (a DNS-1123 subdomain), e.g. `node-1`; also its Connect peer's `Name` tag. */
  readonly name: string;
  /** The node's private IP in the source VPC's node subnets. */
  readonly address: string;
  /** Its Connect peer's inside /29, e.g. `169.254.8.8/29`. */
  readonly insideCidr: string;
}

/** Inputs of the stack, defaulting to the document's values. */
export interface AwsInspectionEgwStackProps {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Two zones: the first and second of each VPC's subnets. @default ['us-east-1a', 'us-east-1b'] */
  readonly availabilityZones?: [string, string];
  /**
   * The egress gateway tenant, declared once and shared with the cluster stack: its range is the only
   * source the firewall lets reach the service.
   * @default documentTenant(): tenant0, 198.51.100.0/28
   */
  readonly tenant?: EgressTenant;
  /** The block egress gateway ranges come from; clear of the VPCs and the transit gateway CIDR block. @default 198.51.100.0/24 */
  readonly egressBlock?: Cidr | string;
  /** The nodes that peer with the transit gateway, at most four. @default node-1 (10.10.0.10, 169.254.8.8/29) and node-2 (10.10.1.10, 169.254.8.16/29) */
  readonly nodes?: AwsInspectionEgwNode[];
  /** Calico's AS number. @default 65001 */
  readonly calicoAsn?: number;
  /** The service's address in the destination VPC. @default '10.0.0.55' */
  readonly serviceAddress?: string;
  /** The service's TCP port. @default 8080 */
  readonly servicePort?: number;
}

/** The document's egress gateway range as a tenant: tenant0, 198.51.100.0/28 (holds its gateway address 198.51.100.1). */
export function documentTenant(): EgressTenant {
  return new EgressTenant({ name: 'tenant0', egressCidr: '198.51.100.0/28' });
}

/** The cloud stack of document 004. */
export class AwsInspectionEgwStack extends TerraformStack {
  public readonly sourceVpc: Vpc;
  public readonly destinationVpc: Vpc;
  public readonly inspectionVpc: InspectionVpc;
  public readonly transitGateway: TransitGateway;
  public readonly firewall: NetworkFirewall;
  public readonly connect: TransitGatewayConnect;
  /** The nodes' security group. */
  public readonly nodeSecurityGroup: SecurityGroup;
  /** The egress gateway tenant whose range the firewall rules name. */
  public readonly tenant: EgressTenant;
  /** The block egress gateway ranges come from. */
  public readonly egressBlock: Cidr;
  /** The nodes that peer with the transit gateway: the one declaration of them. */
  public readonly nodes: readonly AwsInspectionEgwNode[];
  /** Calico's AS number, which every Connect peer uses. */
  public readonly calicoAsn: number;
  /** Each node's cloud-init user data: its GRE tunnel to the transit gateway. */
  public readonly nodeUserData: GreTunnelUserData;

  constructor(scope: Construct, id: string, props: AwsInspectionEgwStackProps = {}) {
    super(scope, id);
    // The egress gateway's range, declared once as a tenant; every consumer reads it from there.
    this.tenant = props.tenant ?? documentTenant();
    const egressCidr = this.tenant.egressCidr;
    this.egressBlock = Cidr.of(props.egressBlock ?? '198.51.100.0/24', { site: this, field: 'egressBlock' });
    if (!this.egressBlock.contains(egressCidr)) {
      throw new ValidationError(this, 'tenant.egressCidr', egressCidr.toString(),
        `egress gateway ranges come from the egress block ${this.egressBlock} (egressBlock); choose a range inside it`);
    }
    this.calicoAsn = props.calicoAsn ?? 65001;
    const [az1, az2] = props.availabilityZones ?? ['us-east-1a', 'us-east-1b'];
    const serviceAddress = props.serviceAddress ?? '10.0.0.55';
    const servicePort = props.servicePort ?? 8080;
    this.nodes = props.nodes ?? [
      { name: 'node-1', address: '10.10.0.10', insideCidr: '169.254.8.8/29' },
      { name: 'node-2', address: '10.10.1.10', insideCidr: '169.254.8.16/29' },
    ];
    this.nodes.forEach((n, i) => checkDns1123Subdomain(this, `nodes[${i}].name`, n.name));

    new AwsProvider(this, 'aws', { region: props.region ?? 'us-east-1' });

    this.sourceVpc = new Vpc(this, 'source-vpc', {
      name: 'source-vpc',
      cidrBlock: '10.10.0.0/16',
      subnets: [
        { name: 'source-nodes-a', cidr: '10.10.0.0/24', availabilityZone: az1, group: 'nodes' },
        { name: 'source-nodes-b', cidr: '10.10.1.0/24', availabilityZone: az2, group: 'nodes' },
        { name: 'source-tgw-a', cidr: '10.10.255.0/28', availabilityZone: az1, group: 'tgw' },
        { name: 'source-tgw-b', cidr: '10.10.255.16/28', availabilityZone: az2, group: 'tgw' },
      ],
    });
    this.destinationVpc = new Vpc(this, 'destination-vpc', {
      name: 'destination-vpc',
      cidrBlock: '10.0.0.0/16',
      subnets: [
        { name: 'destination-service-a', cidr: '10.0.0.0/24', availabilityZone: az1, group: 'service' },
        { name: 'destination-tgw-a', cidr: '10.0.255.0/28', availabilityZone: az1, group: 'tgw' },
        { name: 'destination-tgw-b', cidr: '10.0.255.16/28', availabilityZone: az2, group: 'tgw' },
      ],
    });
    this.inspectionVpc = new InspectionVpc(this, 'inspection-vpc', {
      name: 'inspection-vpc',
      cidrBlock: '10.200.0.0/24',
      availabilityZones: [az1, az2],
    });

    const serviceSubnet = this.destinationVpc.subnet('destination-service-a');
    checkAtSynth(this, () => {
      if (!serviceSubnet.isUsableAddress(serviceAddress)) {
        throw new ValidationError(this, 'serviceAddress', serviceAddress,
          `the service runs on an instance in ${serviceSubnet.name} (${serviceSubnet.cidr}), at none of the five addresses AWS reserves there`);
      }
      checkClearOf(this, 'tenant.egressCidr', egressCidr, ['vpc', 'transit'],
        'the egress gateway range is announced to the transit gateway and must not shadow a VPC or its CIDR block');
      checkClearOf(this, 'egressBlock', this.egressBlock, ['vpc', 'transit'],
        'egress gateway ranges come from it, so it must not overlap a VPC or the transit gateway CIDR block');
    });

    this.firewall = new NetworkFirewall(this, 'firewall', {
      name: 'inspection-fw',
      vpc: this.inspectionVpc,
      // An example should come down with `cdktf destroy`; keep the default (on) in production.
      deleteProtection: false,
      ruleCollections: [
        RuleCollections.network({
          name: 'egress-gateway-to-service',
          priority: 100,
          action: 'Allow',
          rules: [{
            name: 'egress gateway to the service',
            protocols: ['TCP'],
            sources: [egressCidr],
            destinationAddresses: [serviceAddress],
            destinationPorts: [servicePort],
          }],
        }),
        RuleCollections.network({
          name: 'deny-to-service',
          priority: 200,
          action: 'Deny',
          rules: [{ name: 'anything else to the service', protocols: ['Any'], destinationAddresses: [serviceAddress], destinationPorts: ['*'] }],
        }),
      ],
    });

    this.transitGateway = new TransitGateway(this, 'tgw', {
      name: 'inspection-tgw',
      description: 'Hub of document 004: spokes through the inspection VPC, Calico over TGW Connect',
      cidrBlocks: ['192.0.2.0/24'],
    });
    const tgw = this.transitGateway;
    const source = tgw.attachVpc({ vpc: this.sourceVpc, subnets: this.sourceVpc.subnetsInGroup('tgw') });
    const destination = tgw.attachVpc({ vpc: this.destinationVpc, subnets: this.destinationVpc.subnetsInGroup('tgw') });
    const inspection = tgw.attachInspectionVpc(this.inspectionVpc);
    const spokes: [TransitGatewayVpcAttachment, string][] = [[source, 'nodes'], [destination, 'service']];
    for (const [attachment, group] of spokes) {
      attachment.routeToTransitGateway(attachment.vpc.subnetsInGroup(group), ['0.0.0.0/0'], '(1) everything out of the spoke to the transit gateway');
    }

    this.connect = new TransitGatewayConnect(this, 'calico-connect', {
      name: 'calico-connect',
      transport: source,
      peers: this.nodes.map((n) => ({ name: n.name, peerAddress: n.address, insideCidr: n.insideCidr, peerAsn: this.calicoAsn })),
    });

    // Each node's GRE tunnel, from its Connect peer's addresses; the outer packets fit the transit gateway's MTU.
    this.nodeUserData = new GreTunnelUserData(this, 'node-user-data', {
      tunnels: this.connect.peers.map((p) => ({
        node: p.name,
        localAddress: p.peerAddress,
        remoteAddress: p.transitGatewayAddress,
        insideCidr: p.insideCidr,
        insideAddress: p.peerInsideAddress,
      })),
      interfaceName: 'gre1',
      underlayMtu: TGW_MTU,
      insidePrefix: TGW_CONNECT_INSIDE_PREFIX,
    });

    // (1) The spokes' traffic, whatever its destination, goes to the inspection VPC.
    const inspectionRt = tgw.addRouteTable('inspection-rt');
    inspectionRt.associate(source);
    inspectionRt.associate(destination);
    inspectionRt.addRoute({ destination: '0.0.0.0/0', target: inspection });
    // (3) After inspection: the spokes' ranges, and what Calico announces over the Connect peers.
    const firewallRt = tgw.addRouteTable('firewall-rt');
    firewallRt.associate(inspection);
    firewallRt.propagate(source);
    firewallRt.propagate(destination);
    firewallRt.propagate(this.connect);

    this.nodeSecurityGroup = new SecurityGroup(this, 'nodes-sg', {
      name: 'source-nodes',
      description: 'Kubernetes nodes: GRE from the transit gateway, node to node, everything out',
      vpcId: this.sourceVpc.id,
      tags: { Name: 'source-nodes' },
    });
    this.connect.allowGreFrom(this.nodeSecurityGroup.id);
    new VpcSecurityGroupIngressRule(this, 'nodes-from-nodes', {
      securityGroupId: this.nodeSecurityGroup.id,
      referencedSecurityGroupId: this.nodeSecurityGroup.id,
      ipProtocol: '-1',
      description: 'Node to node: Calico BGP mesh, pod traffic',
    });
    new VpcSecurityGroupEgressRule(this, 'nodes-out', {
      securityGroupId: this.nodeSecurityGroup.id,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: '-1',
      description: 'Everything out: the transit gateway sends it through the firewall',
    });

    new TerraformOutput(this, 'transit_gateway_asn', { value: tgw.asn });
    new TerraformOutput(this, 'connect_peers', {
      description: 'What each node needs: its GRE tunnel ends, inside address, the transit gateway\'s BGP addresses and AS numbers',
      value: this.connect.peers.map((p) => ({
        node: p.name,
        gre_local: p.peerAddress,
        gre_remote: p.transitGatewayAddress,
        inside_cidr: p.insideCidr.toString(),
        node_inside_address: p.peerInsideAddress,
        tgw_inside_addresses: p.transitGatewayInsideAddresses,
        node_asn: p.peerAsn,
        tgw_asn: p.transitGatewayAsn,
      })),
    });
    new TerraformOutput(this, 'node_user_data', {
      description: 'Each node\'s cloud-init user data (its GRE tunnel to the transit gateway), by node: the user_data of its instance',
      value: Object.fromEntries(this.nodeUserData.nodes.map((n) => [n, this.nodeUserData.userData(n)])),
    });
    new TerraformOutput(this, 'firewall_arn', { value: this.firewall.arn });
  }
}
