/**
 * aws-native-egw-calico: the cluster half of the AWS-native egress gateway example (Calico
 * Enterprise objects), on top of aws-native-egw. No source document: it renders what Tigera's
 * "Configure egress gateways, AWS" guide asks for, from the cloud stack's values.
 *
 * What it renders:
 * - FelixConfiguration `default` patched with `awsSecondaryIPSupport: EnabledENIPerWorkload` (one
 *   secondary ENI per gateway, whose primary address is the gateway's: no pool of addresses for the
 *   ENIs themselves, the best use of a small subnet; `Enabled`, one ENI shared by several gateways,
 *   would also need a `HostSecondaryInterface` pool per subnet for the ENIs' own addresses, which this
 *   example does not render) and `egressIPSupport: EnabledPerNamespace` (the library's default: only
 *   namespace annotations choose gateways). The operator sets `policySyncPathPrefix` itself once an
 *   EgressGateway exists.
 * - Per tenant (the very `EgressTenant`s the cloud stack's firewall rules name): namespace
 *   `<tenant>-egw`, IPPool `<tenant>-pool` (its range, `awsSubnetID` the egress gateway subnet of its
 *   zone, taken from the cloud stack by reference, `allowedUses: [Workload]`, `/32` blocks,
 *   `vxlanMode: Never`, `disableBGPExport: true`, `nodeSelector: !all()`), and EgressGateway
 *   `<tenant>-egw` (2 replicas, `aws.nativeIP: Enabled`, pinned to the zone of its subnet by
 *   `topology.kubernetes.io/zone`). The operator adds the `projectcalico.org/aws-secondary-ipv4`
 *   resource request, so Kubernetes places a gateway only on a node with a free ENI slot.
 * - Per tenant an application namespace `<tenant>-app`, created with the annotations that send all its
 *   pods' traffic out through the tenant's gateways.
 * - No BGP objects, no BGP filter, no BIRD templates: the VPC routes the gateways' addresses itself.
 *
 * What the cluster needs outside these objects (see README, AWS section):
 * - Calico Enterprise (or Calico Cloud) with Calico CNI and IPAM (the AWS VPC CNI cannot do this),
 *   installed with a node address autodetection that picks the primary ENI (`canReach` or `cidrs` with
 *   the node subnets; `firstFound` may pick a secondary ENI Calico adds, and break the node);
 * - nodes in the node subnets of the cloud stack, running as the instance profile `native-egw-nodes`
 *   (the EC2 permissions Felix needs) with the security group `native-egw-nodes`, labelled with
 *   `topology.kubernetes.io/zone` (the cloud provider does it on EKS and with the AWS cloud controller).
 *
 * The kubernetes provider reads a kubeconfig file and context given as props (`kubeconfigPath`,
 * default `~/.kube/config`; `kubeconfigContext`, default its current context); the stack depends on
 * the cloud stack explicitly (`addDependency`), so `cdktf deploy '*'` applies the network first. The
 * objects are checked against `calicoEdition` (default Calico Cloud): open source refuses them at synth.
 * Unlike the other cluster stacks it writes no YAML copy of the objects: the pools' `awsSubnetID` is a
 * cross-stack reference, known only once aws-native-egw is applied.
 */
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ValidationError } from '../lib/core';
import { CalicoEdition, ClusterManifests, FelixSettings, NamespaceEgress, TenantGateways } from '../lib/calico';
import { AwsNativeEgwStack } from './aws-native-egw';

/** Inputs of the cluster stack. */
export interface AwsNativeEgwCalicoStackProps {
  /** The cloud stack: tenants, their zones and the egress gateway subnets come from it. */
  readonly cloud: AwsNativeEgwStack;
  /** The cluster's kubeconfig file. @default '~/.kube/config' */
  readonly kubeconfigPath?: string;
  /** The kubeconfig context of the cluster. @default - the file's current context */
  readonly kubeconfigContext?: string;
  /** Gateways per tenant, at most the addresses of its range. @default 2 */
  readonly replicas?: number;
  /**
   * The Calico edition the cluster runs (installed outside this app); egress gateways need Calico
   * Enterprise or Calico Cloud. @default CalicoEdition.cloud()
   */
  readonly calicoEdition?: CalicoEdition;
}

/** The cluster stack of the AWS-native egress gateway example. */
export class AwsNativeEgwCalicoStack extends TerraformStack {
  public readonly manifests: ClusterManifests;
  public readonly felix: FelixSettings;
  /** Each tenant's gateways, in the cloud stack's order. */
  public readonly tenants: readonly TenantGateways[];
  /** Each tenant's application namespace. */
  public readonly namespaces: readonly NamespaceEgress[];

  constructor(scope: Construct, id: string, props: AwsNativeEgwCalicoStackProps) {
    super(scope, id);
    const { cloud } = props;
    if (cloud.tenants.length === 0) throw new ValidationError(this, 'cloud.tenants', [], 'the example needs at least one tenant');
    // No cluster credentials in the cloud stack (the nodes are not built there): the order comes from here.
    this.addDependency(cloud);

    const kubernetes = new KubernetesProvider(this, 'kubernetes', {
      configPath: props.kubeconfigPath ?? '~/.kube/config',
      configContext: props.kubeconfigContext,
    });
    // The pools name their subnets by ID, known only once the cloud stack is applied: no YAML copy.
    this.manifests = new ClusterManifests(this, 'calico', {
      provider: kubernetes, edition: props.calicoEdition ?? CalicoEdition.cloud(), writeYaml: false,
    });

    this.felix = new FelixSettings(this.manifests, 'felix', { awsSecondaryIPSupport: 'EnabledENIPerWorkload' });
    this.tenants = cloud.tenants.map(({ tenant, availabilityZone }) => {
      const subnet = cloud.egressSubnetIn(availabilityZone);
      return new TenantGateways(this.manifests, tenant.name, {
        tenant,
        replicas: props.replicas ?? 2,
        aws: { subnetId: subnet.id, subnetCidr: subnet.cidr, availabilityZone },
      });
    });
    this.namespaces = cloud.tenants.map(({ tenant }) => new NamespaceEgress(this.manifests, `${tenant.name}-app`, {
      namespace: `${tenant.name}-app`, existing: false, tenant,
    }));
  }
}
