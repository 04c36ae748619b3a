/**
 * aws-native-egw: the cloud half of the second AWS strategy, egress gateways with native VPC
 * addresses (Calico Enterprise `awsSecondaryIPSupport`), behind a centralised AWS Network Firewall
 * with a way out to the Internet, in us-east-1 across us-east-1a and us-east-1b. No source document:
 * it shows the design of Tigera's "Configure egress gateways, AWS" guide (a dedicated VPC subnet per
 * zone, IP pools backed by it, the nodes' IAM permissions) combined with the inspection VPC of
 * aws-inspection-egw, so a user can compare the two strategies on the same firewall. No GRE, no
 * Transit Gateway Connect, no BGP, no BIRD templates.
 *
 * What it shows: a tenant's egress gateways take addresses of a VPC subnet; Calico puts them on
 * secondary ENIs of the gateways' nodes, so the VPC itself delivers packets to and from them. A
 * packet from a tenant's pod leaves its gateway with the gateway's VPC address as source, follows the
 * egress gateway subnet's route table to the transit gateway, crosses the firewall (whose rules name
 * the tenant's range) and leaves through the NAT gateway of its zone: the firewall sees the tenant's
 * range, the Internet sees the NAT gateway's Elastic IP of that zone.
 *
 * Addresses chosen, and why:
 * - Cluster VPC 10.40.0.0/16 (clear of the other examples' VPCs 10.0.0.0/16 and 10.10.0.0/16 in the
 *   same app): nodes in 10.40.0.0/24 (us-east-1a) and 10.40.1.0/24 (us-east-1b); transit gateway
 *   attachment subnets 10.40.255.0/28 and 10.40.255.16/28.
 * - Egress gateway subnets, one per zone, dedicated to Calico (AWS must never hand their addresses
 *   to an instance): `egress-gw-a` 10.40.100.0/28 and `egress-gw-b` 10.40.100.16/28. Small on purpose:
 *   the cluster stack runs ENI-per-workload mode (one secondary ENI per gateway, no addresses kept for
 *   the ENIs themselves), so a /28 holds 11 gateways per zone after the 5 addresses AWS reserves.
 * - Tenants (each an `EgressTenant`, declared once and handed to the cluster stack): `billing`
 *   10.40.100.4/30 in `egress-gw-a` (its gateways run in us-east-1a), `reports` 10.40.100.20/30 in
 *   `egress-gw-b` (us-east-1b). Each starts after the subnet's four reserved addresses. A tenant's
 *   pool is backed by one subnet, so all its gateways run in one zone: this is the strategy's main
 *   trade-off (see the README's AWS section); the two tenants sit in different zones to show both.
 * - Inspection VPC 10.201.0.0/24 (a firewall, a transit gateway and a public subnet per zone) with
 *   `internetEgress`: a NAT gateway per zone behind the firewall, replies to 10.40.0.0/16 back through
 *   the firewall endpoint of the same zone.
 * - Transit gateway `native-egw-tgw` with AWS's default ASN and no CIDR block (no Connect):
 *   `inspection-rt` (associated with the cluster VPC) sends 0.0.0.0/0 to the inspection VPC;
 *   `firewall-rt` (associated with the inspection VPC) holds the cluster VPC's range, propagated.
 *   The node subnets and the egress gateway subnets send 0.0.0.0/0 to the transit gateway.
 * - Firewall `native-egw-fw` rules (application rules, over HTTPS): `nodes-to-ec2-api` (priority 100)
 *   lets the node subnets reach ec2.us-east-1.amazonaws.com, the EC2 API Felix calls to create and
 *   attach the ENIs (without it no gateway ever gets an address); `billing-egress` (200) lets
 *   10.40.100.4/30 reach api.stripe.com; `reports-egress` (210) lets 10.40.100.20/30 reach
 *   api.github.com. Domain lists are checked after the TCP handshake, so the default actions are
 *   `aws:drop_established` and `aws:alert_established` (the library's default with application rules):
 *   what no rule passes is dropped and logged to CloudWatch Logs. Images and packages for the nodes
 *   need rules or VPC endpoints of their own, as in aws-inspection-egw.
 * - The nodes' IAM policy `calico-egress-gateway-nodes` (Tigera's list of EC2 actions:
 *   `CALICO_AWS_EGRESS_NODE_ACTIONS`), attached to the role `native-egw-nodes` and its instance profile
 *   of the same name, which the node instances (not built here) must use; or grant the same policy to
 *   the `calico-node` service account.
 * - No Elastic IPs on the gateways (`elasticIps` 0): an Elastic IP only works with a route from the
 *   egress gateway subnet to an Internet gateway in this VPC, which would send the tenants' traffic
 *   around the firewall. Here every path out crosses it; the Internet sees the NAT gateways' addresses
 *   (output `internet_source_addresses`), one per zone, shared by every tenant of that zone.
 * - The nodes' security group `native-egw-nodes`: everything between nodes, everything out. A client
 *   pod's traffic reaches its gateway in Calico's egress VXLAN (UDP 4790) addressed to the gateway's
 *   own address on its ENI: the security groups Calico's ENIs carry must admit it from the nodes.
 *
 * Routing, by intent:
 *   (1) node and egress gateway subnets send everything to the transit gateway, whose `inspection-rt`
 *       sends it to the inspection VPC;
 *   (2) there it enters the firewall endpoint of the zone it arrived in;
 *   (3) inspected, it leaves through the NAT gateway of that zone, or goes back to the transit gateway
 *       (`firewall-rt`) for the cluster VPC's range;
 *   (4) replies come back the same way; inside the cluster VPC the VPC router delivers a reply to a
 *       gateway's address to the ENI that holds it.
 */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { RuleCollection, RuleCollections, ValidationError } from '../lib/core';
import {
  AwsEgressGatewaySubnets, InspectionVpc, NetworkFirewall, TransitGateway, Vpc, VpcSubnet,
} from '../lib/aws';
import { EgressTenant } from '../lib/calico';

/** A tenant of the example: its declaration, the zone of its gateways and what it may reach. */
export interface AwsNativeEgwTenant {
  /** The tenant, declared once and handed to the cluster stack. */
  readonly tenant: EgressTenant;
  /** The zone of its egress gateways: its range lies in that zone's egress gateway subnet. */
  readonly availabilityZone: string;
  /** The names its gateways may reach over HTTPS, through the firewall. */
  readonly allowedFqdns: readonly string[];
}

/** Inputs of the stack. */
export interface AwsNativeEgwStackProps {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Two zones: the first and second of each subnet pair. @default ['us-east-1a', 'us-east-1b'] */
  readonly availabilityZones?: [string, string];
  /** The tenants. @default nativeTenants(): billing (10.40.100.4/30, zone a) and reports (10.40.100.20/30, zone b) */
  readonly tenants?: readonly AwsNativeEgwTenant[];
}

/** The example's tenants in `zones`: billing (10.40.100.4/30, first zone) and reports (10.40.100.20/30, second zone). */
export function nativeTenants(zones: readonly [string, string] = ['us-east-1a', 'us-east-1b']): AwsNativeEgwTenant[] {
  return [
    { tenant: new EgressTenant({ name: 'billing', egressCidr: '10.40.100.4/30' }), availabilityZone: zones[0], allowedFqdns: ['api.stripe.com'] },
    { tenant: new EgressTenant({ name: 'reports', egressCidr: '10.40.100.20/30' }), availabilityZone: zones[1], allowedFqdns: ['api.github.com'] },
  ];
}

/** The cloud stack of the AWS-native egress gateway example. */
export class AwsNativeEgwStack extends TerraformStack {
  public readonly clusterVpc: Vpc;
  public readonly inspectionVpc: InspectionVpc;
  public readonly transitGateway: TransitGateway;
  public readonly firewall: NetworkFirewall;
  /** The egress gateway subnets (one per zone), the nodes' IAM policy. */
  public readonly egressSubnets: AwsEgressGatewaySubnets;
  /** The role the node instances run as, with the policy attached. */
  public readonly nodeRole: IamRole;
  /** The instance profile of `nodeRole`, for the node instances. */
  public readonly nodeInstanceProfile: IamInstanceProfile;
  /** The nodes' security group. */
  public readonly nodeSecurityGroup: SecurityGroup;
  /** The tenants, each with the zone of its gateways. */
  public readonly tenants: readonly AwsNativeEgwTenant[];

  constructor(scope: Construct, id: string, props: AwsNativeEgwStackProps = {}) {
    super(scope, id);
    const region = props.region ?? 'us-east-1';
    const zones = props.availabilityZones ?? ['us-east-1a', 'us-east-1b'];
    const [az1, az2] = zones;
    this.tenants = props.tenants ?? nativeTenants(zones);

    new AwsProvider(this, 'aws', { region });

    this.clusterVpc = new Vpc(this, 'cluster-vpc', {
      name: 'native-cluster-vpc',
      cidrBlock: '10.40.0.0/16',
      subnets: [
        { name: 'native-nodes-a', cidr: '10.40.0.0/24', availabilityZone: az1, group: 'nodes' },
        { name: 'native-nodes-b', cidr: '10.40.1.0/24', availabilityZone: az2, group: 'nodes' },
        { name: 'native-tgw-a', cidr: '10.40.255.0/28', availabilityZone: az1, group: 'tgw' },
        { name: 'native-tgw-b', cidr: '10.40.255.16/28', availabilityZone: az2, group: 'tgw' },
      ],
    });
    this.egressSubnets = new AwsEgressGatewaySubnets(this, 'egress-gateways', {
      vpc: this.clusterVpc,
      subnets: [
        { name: 'egress-gw-a', cidr: '10.40.100.0/28', availabilityZone: az1 },
        { name: 'egress-gw-b', cidr: '10.40.100.16/28', availabilityZone: az2 },
      ],
      policyName: 'calico-egress-gateway-nodes',
    });
    this.tenants.forEach((t, i) => this.checkTenant(t, i));

    this.inspectionVpc = new InspectionVpc(this, 'inspection-vpc', {
      name: 'native-inspection-vpc',
      cidrBlock: '10.201.0.0/24',
      availabilityZones: [az1, az2],
      internetEgress: { returnRanges: [this.clusterVpc.cidr.toString()] },
    });

    const nodeRanges = this.clusterVpc.subnetsInGroup('nodes').map((s) => s.cidr);
    const ruleCollections: RuleCollection[] = [
      RuleCollections.application({
        name: 'nodes-to-ec2-api',
        priority: 100,
        action: 'Allow',
        rules: [{
          name: 'Felix creates and attaches the gateways\' ENIs', sources: nodeRanges,
          protocols: [{ type: 'Https', port: 443 }], targetFqdns: [`ec2.${region}.amazonaws.com`],
        }],
      }),
      ...this.tenants.map((t, i) => RuleCollections.application({
        name: `${t.tenant.name}-egress`,
        priority: 200 + 10 * i,
        action: 'Allow',
        rules: [{
          name: `${t.tenant.name} to its services`, sources: [t.tenant.egressCidr],
          protocols: [{ type: 'Https', port: 443 }], targetFqdns: [...t.allowedFqdns],
        }],
      })),
    ];
    this.firewall = new NetworkFirewall(this, 'firewall', {
      name: 'native-egw-fw',
      vpc: this.inspectionVpc,
      // An example should come down with `cdktf destroy`; keep the default (on) in production.
      deleteProtection: false,
      ruleCollections,
    });

    this.transitGateway = new TransitGateway(this, 'tgw', {
      name: 'native-egw-tgw',
      description: 'AWS-native egress gateways: the cluster VPC through the inspection VPC to the Internet',
    });
    const tgw = this.transitGateway;
    const cluster = tgw.attachVpc({ vpc: this.clusterVpc, subnets: this.clusterVpc.subnetsInGroup('tgw') });
    const inspection = tgw.attachInspectionVpc(this.inspectionVpc);
    cluster.routeToTransitGateway(this.clusterVpc.subnetsInGroup('nodes'), ['0.0.0.0/0'], '(1) everything out of the nodes to the transit gateway');
    cluster.routeToTransitGateway(this.egressSubnets.subnets, ['0.0.0.0/0'], '(1) everything out of the egress gateways to the transit gateway');

    // (1) The cluster's traffic, whatever its destination, goes to the inspection VPC.
    const inspectionRt = tgw.addRouteTable('inspection-rt');
    inspectionRt.associate(cluster);
    inspectionRt.addRoute({ destination: '0.0.0.0/0', target: inspection });
    // (3) After inspection, traffic for the cluster VPC (replies included) goes back to it.
    const firewallRt = tgw.addRouteTable('firewall-rt');
    firewallRt.associate(inspection);
    firewallRt.propagate(cluster);

    const assumeRole = new DataAwsIamPolicyDocument(this, 'node-assume-role', {
      statement: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }],
    });
    this.nodeRole = new IamRole(this, 'node-role', {
      name: 'native-egw-nodes',
      description: 'Kubernetes nodes running Calico Enterprise egress gateways with native VPC addresses',
      assumeRolePolicy: assumeRole.json,
    });
    new IamRolePolicyAttachment(this, 'node-role-egress-gateways', { role: this.nodeRole.name, policyArn: this.egressSubnets.policy.arn });
    this.nodeInstanceProfile = new IamInstanceProfile(this, 'node-instance-profile', { name: 'native-egw-nodes', role: this.nodeRole.name });

    this.nodeSecurityGroup = new SecurityGroup(this, 'nodes-sg', {
      name: 'native-egw-nodes',
      description: 'Kubernetes nodes: node to node, everything out',
      vpcId: this.clusterVpc.id,
      tags: { Name: 'native-egw-nodes' },
    });
    new VpcSecurityGroupIngressRule(this, 'nodes-from-nodes', {
      securityGroupId: this.nodeSecurityGroup.id,
      referencedSecurityGroupId: this.nodeSecurityGroup.id,
      ipProtocol: '-1',
      description: 'Node to node: pod traffic, client to egress gateway',
    });
    new VpcSecurityGroupEgressRule(this, 'nodes-out', {
      securityGroupId: this.nodeSecurityGroup.id,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: '-1',
      description: 'Everything out: the transit gateway sends it through the firewall',
    });

    new TerraformOutput(this, 'egress_gateway_subnets', {
      description: 'The egress gateway subnet of each zone: the awsSubnetID of the IP pools of the tenants in that zone',
      value: Object.fromEntries(this.egressSubnets.subnets.map((s) => [s.availabilityZone, s.id])),
    });
    new TerraformOutput(this, 'node_instance_profile', { value: this.nodeInstanceProfile.name });
    new TerraformOutput(this, 'internet_source_addresses', {
      description: 'What the Internet sees as the source of every tenant, by zone: the NAT gateways\' Elastic IPs',
      value: Object.fromEntries(Object.entries(this.inspectionVpc.natGateways).map(([az, nat]) => [az, nat.publicIp])),
    });
    new TerraformOutput(this, 'firewall_arn', { value: this.firewall.arn });
  }

  /** The egress gateway subnet of `availabilityZone`. */
  public egressSubnetIn(availabilityZone: string): VpcSubnet {
    const subnet = this.egressSubnets.subnets.find((s) => s.availabilityZone === availabilityZone);
    if (!subnet) {
      throw new ValidationError(this, 'availabilityZone', availabilityZone,
        `a zone with an egress gateway subnet: ${this.egressSubnets.subnets.map((s) => s.availabilityZone).join(', ')}`);
    }
    return subnet;
  }

  /** A tenant's range lies in its zone's egress gateway subnet, clear of the five addresses AWS reserves there. */
  private checkTenant(t: AwsNativeEgwTenant, i: number): void {
    const subnet = this.egressSubnets.subnets.find((s) => s.availabilityZone === t.availabilityZone);
    if (!subnet) {
      throw new ValidationError(this, `tenants[${i}].availabilityZone`, t.availabilityZone,
        `a zone with an egress gateway subnet: ${this.egressSubnets.subnets.map((s) => s.availabilityZone).join(', ')}`);
    }
    const range = t.tenant.egressCidr;
    if (!subnet.cidr.contains(range)) {
      throw new ValidationError(this, `tenants[${i}].tenant.egressCidr`, range.toString(),
        `tenant ${t.tenant.name}'s gateways run in ${t.availabilityZone}, so its range lies in that zone's egress gateway subnet ${subnet.name} (${subnet.cidr})`);
    }
    const reserved = [0, 1, 2, 3, -1].map((n) => subnet.cidr.host(n)).filter((a) => range.contains(a));
    if (reserved.length > 0) {
      throw new ValidationError(this, `tenants[${i}].tenant.egressCidr`, range.toString(),
        `AWS reserves ${reserved.join(', ')} in ${subnet.name} (${subnet.cidr}); choose a range clear of them`);
    }
    if (t.allowedFqdns.length === 0) {
      throw new ValidationError(this, `tenants[${i}].allowedFqdns`, [], 'at least one name the tenant may reach; without a rule the firewall drops all its traffic');
    }
  }
}
