/**
 * aws-inspection-egw-calico: the Calico half of document 004, the cluster stack on top of
 * aws-inspection-egw: Calico peers with the transit gateway over the Connect peers (GRE tunnels) and
 * announces the egress gateway's range, so the firewall can route replies back to the gateway pods.
 *
 * What it renders, as Terraform `kubernetes_manifest` resources and as YAML in
 * cdktf.out/manifests/aws-inspection-egw-calico/:
 * - BGPConfiguration `default`: AS 65001 (the cloud stack's `calicoAsn`, also every Connect peer's
 *   BGP ASN), node-to-node mesh on: the document keeps Calico's default iBGP mesh between nodes.
 * - Two BGPPeers per Connect peer, `tgw-connect-<node>-a` and `-b`, scoped to that node (`node`),
 *   `peerIP` the transit gateway's two inside addresses (the second and third of the peer's /29,
 *   169.254.8.10 and 169.254.8.11 for node-1), `asNumber` the transit gateway's 64512,
 *   `keepOriginalNextHop: true` (every node has its own tunnel, so a route keeps the next hop of the
 *   node that owns it, whichever node announces it) and `sourceAddress: None` (the kernel picks the
 *   node's inside address, 169.254.8.9, on the tunnel's connected route), as the document has them.
 *   Two, not one: every Connect peer has two BGP sessions terminating on AWS-managed infrastructure,
 *   AWS strongly recommends configuring both, and routes learned on either are accumulated for the
 *   Connect peer, so a session lost to AWS maintenance costs no route. Every value comes from the
 *   cloud stack's ConnectPeer constructs (literals, never retyped); the node names from its one node list.
 * - BGPFilter `export-egress-ips` (a `CloudPeerFilter`), on those peers only (the mesh stays
 *   unfiltered): reject routes learned from other BGP peers and routes through Calico's tunnels, then
 *   `Accept In 198.51.100.0/28`, then `Reject`; import nothing. The document accepts the range
 *   whatever its origin: with the mesh on and `keepOriginalNextHop`, each node would also announce
 *   the other nodes' gateway blocks with their node address (outside its /29) as next hop; and what
 *   the transit gateway announces would make Calico route through the tunnel, around inspection.
 * - tenant0's egress gateways: namespace `tenant0-egw`, IPPool `tenant0-pool` (198.51.100.0/28 in the
 *   egress block 198.51.100.0/24, /31 blocks, no pod but the gateways takes from it, `vxlanMode:
 *   CrossSubnet` where the document has `Never`: the nodes are in two subnets (one per zone) and only the
 *   transit gateway routes the egress range, so without encapsulation a client's packet to a gateway in
 *   the other zone would leave through the VPC router to the transit gateway, through the firewall, and
 *   back over any node's tunnel), EgressGateway
 *   `tenant0-egw` (2 replicas, spread over zones). The tenant is the very EgressTenant whose range is
 *   the firewall rule's source in the cloud stack.
 * - FelixConfiguration `default` patched with `egressIPSupport: EnabledPerNamespace` (the library's
 *   default), without which egress gateways carry nothing (imported, then applied server-side; see
 *   README). Not per pod: the document annotates no pod, and per-pod selection would let any pod author
 *   choose the tenant's gateways unless an admission policy says where (FelixSettings `podEgressGrants`).
 * - With `birdTemplate`, the ConfigMap `bird-templates` in `tigera-operator` (below).
 *
 * The BGP sessions need two things outside Kubernetes objects:
 * - each node's GRE interface, which the cloud stack outputs as cloud-init user data per node;
 * - eBGP multihop. The transit gateway accepts only routes with an AS path, so the sessions are eBGP
 *   (Calico 65001, transit gateway 64512: checked on both sides), and AWS requires eBGP multihop with a
 *   TTL of 2 for them. Calico does not make a peer on the node's own subnet (the /29) multihop. The
 *   document changes, in Calico Enterprise's confd template, the line for directly connected peers
 *   to multihop; Calico Enterprise reads such templates from the ConfigMap `bird-templates` in
 *   `tigera-operator` (one key per file, replacing the node's file of that name). The template text
 *   differs between Calico Enterprise versions and is not in its public documentation, so the
 *   library writes none: give `birdTemplate` your version's `bird.cfg.template` (copied from a
 *   calico-node container) and it renders the ConfigMap with only BIRD's `direct;` statements turned
 *   into `multihop 2;`. Without `birdTemplate` (as in stacks/examples.ts) no ConfigMap is rendered,
 *   and the sessions stay down until the nodes' template makes them multihop.
 *
 * What you must verify before applying the ConfigMap (Tigera advises customising templates only with
 * its support): that `birdTemplate` is the file your nodes run now (same Calico Enterprise version);
 * that the changed lines (`birdTemplates.changedLines`) are the direct-connection statements of the
 * BGPPeer sessions, and that no `direct;` your version writes elsewhere matters; that calico-node
 * accepts the result and `birdcl show protocols` shows the four sessions Established. The ConfigMap
 * replaces the template of every later version too: take the new version's template at each upgrade.
 *
 * The cluster is vanilla Kubernetes on EC2 (not EKS), so the cloud stack holds no cluster
 * credentials: the kubernetes provider reads a kubeconfig file and context given as props
 * (`kubeconfigPath`, default `~/.kube/config`; `kubeconfigContext`, default its current context). The
 * stack depends on the cloud stack explicitly (`addDependency`), so `cdktf deploy '*'` applies the
 * network first (`~` in the path is the deploying user's home). Egress gateways, `egressIPSupport`
 * and custom BIRD templates are Calico Enterprise features: the objects are checked against
 * `calicoEdition` (default Calico Cloud), and open source refuses them at synth.
 * BGPConfiguration `default` and FelixConfiguration `default`, which Calico creates itself, are
 * imported and patched server-side, and protected from deletion (`prevent_destroy`; the
 * `calico_teardown` output lists the `terraform state rm` to run before a destroy).
 */
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ValidationError } from '../lib/core';
import { TGW_CONNECT_INSIDE_LAYOUT, TGW_CONNECT_INSIDE_PREFIX } from '../lib/aws';
import {
  BirdTemplates, CalicoBgp, CalicoEdition, ClusterManifests, CloudPeerFilter, EgressGatewayTenant, EgressTenant, FelixSettings, TunnelBgpPeers,
} from '../lib/calico';
import { AwsInspectionEgwStack } from './aws-inspection-egw';

/** The TTL of the multihop sessions with the transit gateway's BGP addresses. */
export const TGW_BGP_MULTIHOP_TTL = 2;

/** Inputs of the cluster stack. */
export interface AwsInspectionEgwCalicoStackProps {
  /** The cloud stack: Connect peers, nodes, AS numbers and the tenant come from it. */
  readonly cloud: AwsInspectionEgwStack;
  /** The egress gateway tenant; the one the cloud stack's firewall rule names. @default - the cloud stack's */
  readonly tenant?: EgressTenant;
  /** The cluster's kubeconfig file. @default '~/.kube/config' */
  readonly kubeconfigPath?: string;
  /** The kubeconfig context of the cluster. @default - the file's current context */
  readonly kubeconfigContext?: string;
  /**
   * The `bird.cfg.template` your Calico Enterprise version ships, as text (from a node:
   * `kubectl exec -n calico-system ds/calico-node -c calico-node -- cat /etc/calico/confd/templates/bird.cfg.template`);
   * rendered in the `bird-templates` ConfigMap with its direct sessions made multihop.
   * @default - none: no ConfigMap; the sessions need the multihop edit some other way
   */
  readonly birdTemplate?: string;
  /**
   * The Calico edition the cluster runs (installed outside this app); egress gateways and custom BIRD
   * templates need Calico Enterprise or Calico Cloud. @default CalicoEdition.cloud()
   */
  readonly calicoEdition?: CalicoEdition;
}

/** The cluster stack of document 004: Calico's BGP with the transit gateway and the egress gateways. */
export class AwsInspectionEgwCalicoStack extends TerraformStack {
  public readonly manifests: ClusterManifests;
  public readonly bgp: CalicoBgp;
  public readonly transitGatewayPeers: TunnelBgpPeers;
  public readonly exportFilter: CloudPeerFilter;
  public readonly tenant: EgressGatewayTenant;
  /** The `bird-templates` ConfigMap, when `birdTemplate` is given. */
  public readonly birdTemplates?: BirdTemplates;

  constructor(scope: Construct, id: string, props: AwsInspectionEgwCalicoStackProps) {
    super(scope, id);
    const { cloud } = props;
    const tenant = props.tenant ?? cloud.tenant;
    if (!tenant.egressCidr.equals(cloud.tenant.egressCidr)) {
      throw new ValidationError(this, 'tenant.egressCidr', tenant.egressCidr.toString(),
        `the cloud stack's firewall lets only ${cloud.tenant.egressCidr} (tenant ${cloud.tenant.name}) reach the service; hand the same EgressTenant to both stacks`);
    }
    // No cluster credentials in the cloud stack (vanilla Kubernetes on EC2): the order comes from here.
    this.addDependency(cloud);

    const kubernetes = new KubernetesProvider(this, 'kubernetes', {
      configPath: props.kubeconfigPath ?? '~/.kube/config',
      configContext: props.kubeconfigContext,
    });
    this.manifests = new ClusterManifests(this, 'calico', { provider: kubernetes, edition: props.calicoEdition ?? CalicoEdition.cloud() });

    this.exportFilter = new CloudPeerFilter(this.manifests, 'export-egress-ips', { name: 'export-egress-ips', tenants: [tenant] });
    this.bgp = new CalicoBgp(this.manifests, 'bgp', { asNumber: cloud.calicoAsn, nodeToNodeMesh: true, logSeverity: 'Info' });
    this.transitGatewayPeers = new TunnelBgpPeers(this.manifests, 'tgw-connect', {
      bgp: this.bgp,
      name: 'tgw-connect',
      nodes: cloud.nodes.map((n) => n.name),
      tunnels: cloud.connect.peers.map((p) => ({
        node: p.name,
        insideCidr: p.insideCidr,
        nodeAddress: p.peerInsideAddress,
        routerAddresses: p.transitGatewayInsideAddresses,
        routerAsn: p.transitGatewayAsn,
      })),
      insidePrefix: TGW_CONNECT_INSIDE_PREFIX,
      insideLayout: TGW_CONNECT_INSIDE_LAYOUT,
      keepOriginalNextHop: true,
      sourceAddress: 'None',
      filters: [this.exportFilter],
    });

    // The nodes sit in one subnet per zone and only the transit gateway routes the egress range:
    // client-to-gateway packets across zones are VXLAN-encapsulated (CrossSubnet, the default then).
    this.tenant = new EgressGatewayTenant(this.manifests, tenant.name, {
      tenant, replicas: 2, blockSize: 31, nodeSubnets: cloud.sourceVpc.subnetsInGroup('nodes').map((s) => s.cidr),
    });
    new FelixSettings(this.manifests, 'felix', {});

    if (props.birdTemplate !== undefined) {
      this.birdTemplates = new BirdTemplates(this.manifests, 'bird-templates', {
        templates: [{ name: 'bird.cfg.template', content: props.birdTemplate, directToMultihopTtl: TGW_BGP_MULTIHOP_TTL }],
      });
    }
  }
}
