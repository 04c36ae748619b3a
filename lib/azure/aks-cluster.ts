import { Construct, IConstruct } from 'constructs';
import { Annotations, Aspects, DefaultTokenResolver, Fn, ITerraformDependable, StringConcat, Token, Tokenization } from 'cdktf';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import {
  Cidr, ValidationError, brand, checkAtSynth, checkAzureName, checkClearOf, checkEnum, checkLabels, checkNumber, checkZones, declareRanges, isIpAddress,
  checkList, checkString, knownValue, requireLiteral, requireProps, warnUnchecked,
} from '../core';
import { AksIdentityReference, AksOutbound, AksOutboundType } from './aks-outbound';
import { ContainerInsights } from './container-insights';
import { ILogAnalyticsWorkspace } from './diagnostics';
import { AppGatewayIngress } from './aks-ingress-addon';
import { IFirewall } from './firewall';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { RoleAssignment, RoleScope, grantRole } from './role-assignment';
import { isPublicIpHostRange, plainReference } from './references';
import { Subnet } from './virtual-network';
import { brandTest } from '../core/synth-checks';
import { attribute, cached, dependableOf } from '../core/refs';
import { untraced } from '../core/refs';

/** The most pods AKS runs per node, with every network plugin. */
export const AKS_MAX_PODS_PER_NODE = 250;

/** The fewest pods per node AKS accepts. */
export const AKS_MIN_PODS_PER_NODE = 10;

/** AKS's default max pods per node with Azure CNI (non-overlay), which pre-allocates them in the node subnet. */
export const AKS_AZURE_CNI_DEFAULT_MAX_PODS = 30;

/** AKS's default max surge of a node pool during upgrades: 10% of the pool, rounded up. */
export const AKS_DEFAULT_MAX_SURGE = '10%';

/** Ranges AKS does not accept for its service or pod CIDR. */
export const AKS_RESERVED_RANGES: readonly string[] = ['169.254.0.0/16', '172.30.0.0/16', '172.31.0.0/16', '192.0.2.0/24'];

/** The Kubernetes version of a cluster: a fixed one, or the latest patch of a minor looked up at plan time. */
export abstract class KubernetesVersion {
  /** A fixed version such as `1.35` or `1.35.2`. */
  public static of(version: string): KubernetesVersion {
    return new FixedVersion(version);
  }

  /**
   * The latest patch AKS offers of `minor` (e.g. `1.35`) in the cluster's region, read with the
   * `azurerm_kubernetes_service_versions` data source; new patches are picked up on the next plan.
   */
  public static latestPatchOf(minor: string): KubernetesVersion {
    return new LatestPatch(minor);
  }

  /** Returns the value of the cluster's `kubernetes_version`. */
  public abstract bind(scope: Construct, location: string): string;
}

class FixedVersion extends KubernetesVersion {
  constructor(private readonly version: string) {
    super();
  }

  public bind(scope: Construct): string {
    if (!/^\d+\.\d+(\.\d+)?$/.test(this.version)) {
      throw new ValidationError(scope, 'kubernetesVersion', this.version, 'expected a version such as 1.35 or 1.35.2');
    }
    return this.version;
  }
}

class LatestPatch extends KubernetesVersion {
  constructor(private readonly minor: string) {
    super();
  }

  public bind(scope: Construct, location: string): string {
    if (!/^\d+\.\d+$/.test(this.minor)) {
      throw new ValidationError(scope, 'kubernetesVersion', this.minor, 'latestPatchOf takes a minor version such as 1.35');
    }
    // The data source's binding is loaded here, by clusters that ask for the latest patch only.
    const versions = untraced(() => new (require('@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-service-versions') as typeof import('@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-service-versions')).DataAzurermKubernetesServiceVersions(scope, 'kubernetes-versions', {
      location,
      versionPrefix: this.minor,
      includePreview: false,
    }));
    return versions.latestVersion;
  }
}

/** The default node pool. */
export interface AksNodePoolProps {
  /** 1 to 12 lower-case letters and digits, starting with a letter. @default 'default' */
  readonly name?: string;
  /** @default 'Standard_D2s_v5' */
  readonly vmSize?: string;
  /** The number of nodes; with `autoScaling`, the initial number, between its counts. @default 3 (with autoScaling: AKS starts at minCount) */
  readonly nodeCount?: number;
  /**
   * The cluster autoscaler, between `minCount` and `maxCount` nodes (1 to 1000). The node subnet is
   * sized for `maxCount`.
   * @default - off: a fixed `nodeCount`
   */
  readonly autoScaling?: { readonly minCount: number; readonly maxCount: number };
  /**
   * The subnet the nodes get their addresses from. Without one, AKS creates and manages the node VNet
   * itself (what `az aks create` does without `--vnet-subnet-id`).
   * @default - a VNet AKS creates and manages
   */
  readonly subnet?: Subnet;
  /** Kubernetes labels on every node, e.g. `{ 'route-reflector': 'true' }`. @default - none */
  readonly nodeLabels?: { [key: string]: string };
  /** @default - no zones */
  readonly zones?: string[];
  /**
   * 10 to 250. With Azure CNI (non-overlay) each node takes `maxPods + 1` addresses of its subnet,
   * which the subnet size is checked against.
   * @default - AKS's default for the network plugin (30 for Azure CNI)
   */
  readonly maxPods?: number;
  /**
   * Extra nodes AKS adds during an upgrade: a count (`2`) or a percentage of `nodeCount` (`'33%'`,
   * rounded up). They need addresses in the node subnet too, which the subnet size is checked against.
   * @default - AKS's default, 10% (at least one node); not sent
   */
  readonly maxSurge?: number | string;
}

/** The cluster's network. */
export interface AksNetworkProps {
  /**
   * `none` brings your own CNI (Calico); `azure` is Azure CNI (with `pluginMode: 'overlay'` for overlay);
   * `kubenet` is the basic plugin.
   */
  readonly plugin: 'none' | 'azure' | 'kubenet';
  /** @default - none (Azure CNI with VNet addresses for pods) */
  readonly pluginMode?: 'overlay';
  /** Network policy engine; not with plugin `none` (the CNI brings its own). @default - none */
  readonly policy?: 'azure' | 'calico' | 'cilium';
  /** Range for Kubernetes services; clear of every VNet and of the pod range. */
  readonly serviceCidr: string;
  /** The cluster DNS service's IP, inside `serviceCidr` (not its first address). */
  readonly dnsServiceIp: string;
  /**
   * The pod range. Sent to AKS for kubenet and Azure CNI overlay; with plugin `none` it is the range
   * the CNI (e.g. Calico's default pool) uses, only checked against the other ranges.
   * @default - none
   */
  readonly podCidr?: string;
}

/** Props of {@link AksCluster}. */
export interface AksClusterProps {
  readonly resourceGroup: IResourceGroup;
  /** The cluster's name, e.g. `spoke1-aks`. */
  readonly name: string;
  /** @default - the cluster's name */
  readonly dnsPrefix?: string;
  /** @default - AKS's default version */
  readonly kubernetesVersion?: KubernetesVersion;
  readonly defaultNodePool: AksNodePoolProps;
  readonly network: AksNetworkProps;
  /** How traffic leaves the cluster. @default AksOutbound.loadBalancer() (AKS's own default) */
  readonly outbound?: AksOutbound;
  /** Admin user and SSH public key for the nodes. @default - none */
  readonly linuxProfile?: { readonly adminUsername: string; readonly sshPublicKey: string };
  /**
   * User-assigned identities to run the control plane as, by ID only: grant them what AKS needs on
   * the node subnet (and with kubenet, its route table) yourself. Prefer `userAssignedIdentity`.
   * @default - a system-assigned identity
   */
  readonly userAssignedIdentityIds?: string[];
  /**
   * The user-assigned identity to run the control plane as, e.g. a `ManagedIdentity`. In a node
   * subnet of yours it is granted Network Contributor on the subnet and, with kubenet, on the subnet's
   * route table (AKS checks both before it creates the cluster), and the cluster is created after the
   * grants. Kubenet with a route table on the node subnet needs a user-assigned identity: AKS refuses a
   * system-assigned one (CustomRouteTableWithUnsupportedMSIType).
   * @default - a system-assigned identity
   */
  readonly userAssignedIdentity?: AksIdentityReference;
  /**
   * CIDRs allowed to reach the public API server. Without them it is open to the Internet (the
   * security checks flag that). When the cluster's traffic leaves through a firewall, its nodes
   * reach the API server from the firewall's public IPs, so these must include them: add
   * `...firewallPublicIpRanges(firewall)` (checked at synth). @default - none
   */
  readonly apiServerAuthorizedIpRanges?: string[];
  /**
   * The Application Gateway ingress controller add-on (AGIC), with the gateway it manages.
   * @default - no add-on
   */
  readonly ingressApplicationGateway?: AppGatewayIngress;
  /**
   * Grant the cluster's identity Network Contributor on its node subnet, as `az aks create` does: AKS
   * joins nodes and internal load balancers to the subnet. Covers the system-assigned identity and
   * `userAssignedIdentity` (with kubenet also on the route table); identities given only by ID in
   * `userAssignedIdentityIds` need the grant from you (see `grantRole`).
   * @default true when the cluster runs in a subnet of yours with a system-assigned identity or `userAssignedIdentity`
   */
  readonly grantSubnetAccess?: boolean;
  /** The API server has a private endpoint only. Not with `apiServerAuthorizedIpRanges` (AKS does not support both). @default false */
  readonly privateClusterEnabled?: boolean;
  /** Other resources to create the cluster after. @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /** @default - none */
  readonly tags?: Tags;

  // Monitoring and workload identity (additive options, grouped).
  /**
   * Container insights to this workspace: the monitoring agent with managed-identity auth, and the
   * data collection rule that routes its data. @default - off
   */
  readonly containerInsights?: { readonly workspace: ILogAnalyticsWorkspace; readonly dataCollectionRuleName?: string };
  /** The OIDC issuer and Microsoft Entra Workload ID, so service accounts can use federated credentials. @default false */
  readonly workloadIdentity?: boolean;
  /** Name of the group AKS creates for the nodes. @default - AKS's default, MC_<group>_<cluster>_<location> */
  readonly nodeResourceGroupName?: string;
}

const clusterBrand = brand('AksCluster');

const USER_ASSIGNED_IDENTITY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

/**
 * An AKS cluster whose egress is chosen by an {@link AksOutbound} strategy. Validates its service
 * CIDR and DNS IP, and (at synth) that the service and pod ranges are clear of every VNet in the app.
 * With a firewall in a peered hub, it is created after the peering, the route table and the firewall.
 */
export class AksCluster extends Construct {
  /** True when `x` is an AksCluster (works across copies of the library). */
  public static isAksCluster(x: unknown): x is AksCluster {
    return clusterBrand.is(x);
  }

  /** The cluster's name in Azure. */
  public readonly name: string;
  /** The azurerm_kubernetes_cluster resource (escape hatch). */
  public readonly resource: KubernetesCluster;
  /** True when AKS creates and manages the node VNet (no `defaultNodePool.subnet`). */
  public readonly managedVnet: boolean;
  /** The service range. */
  public readonly serviceCidr: Cidr;
  /** The pod range, when given. */
  public readonly podCidr?: Cidr;
  /** The outbound type. */
  public readonly outboundType: AksOutboundType;
  /** The firewall the cluster's traffic leaves through, if any. */
  public readonly firewall?: IFirewall;
  /** The network plugin. */
  public readonly networkPlugin: 'none' | 'azure' | 'kubenet';
  /** `overlay` for Azure CNI Overlay. */
  public readonly networkPluginMode?: 'overlay';
  /** Whether the OIDC issuer and workload identity are on. */
  public readonly workloadIdentityEnabled: boolean;
  /** Container insights' data collection rule, when on. */
  public readonly containerInsights?: ContainerInsights;
  /** Whether the API server is private (reachable from the cluster's VNet only). */
  public readonly privateClusterEnabled: boolean;
  /** The CIDRs allowed to reach a public API server; empty when none were given (open to the Internet). */
  public readonly apiServerAuthorizedIpRanges: readonly string[];
  /** Network Contributor of the cluster's identity (system-assigned, or `userAssignedIdentity`) on the node subnet, when granted. */
  public readonly subnetAccess?: RoleAssignment;
  /** Network Contributor of `userAssignedIdentity` on the node subnet's route table (kubenet), when granted. */
  public readonly routeTableAccess?: RoleAssignment;
  /** Network Contributor of the ingress add-on's identity, when the add-on has a network to manage. */
  public readonly ingressAddonAccess?: RoleAssignment;
  private readonly dependencies = new Set<ITerraformDependable>();
  private readonly _nodeSubnet?: Subnet;

  constructor(scope: Construct, id: string, props: AksClusterProps) {
    super(scope, id);
    requireProps(this, 'AksCluster', props, ['resourceGroup', 'name', 'defaultNodePool', 'network']);
    clusterBrand.mark(this);
    this.name = props.name;
    this._nodeSubnet = props.defaultNodePool.subnet;
    this.managedVnet = this._nodeSubnet === undefined;
    this.networkPlugin = checkEnum(this, 'network.plugin', props.network.plugin, ['none', 'azure', 'kubenet'] as const);
    if (props.network.pluginMode !== undefined) checkEnum(this, 'network.pluginMode', props.network.pluginMode, ['overlay'] as const);
    if (props.network.policy !== undefined) checkEnum(this, 'network.policy', props.network.policy, ['azure', 'calico', 'cilium'] as const);
    this.networkPluginMode = props.network.pluginMode;
    this.privateClusterEnabled = props.privateClusterEnabled ?? false;
    this.apiServerAuthorizedIpRanges = [...(props.apiServerAuthorizedIpRanges ?? [])];
    this.checkNames(props);
    this.serviceCidr = Cidr.parse(props.network.serviceCidr, { site: this, field: 'network.serviceCidr' });
    this.podCidr = props.network.podCidr === undefined
      ? undefined : Cidr.parse(props.network.podCidr, { site: this, field: 'network.podCidr' });
    this.checkNetwork(props.network);
    declareRanges(this, [
      { cidr: this.serviceCidr, kind: 'service', label: `service CIDR of cluster ${props.name}` },
      ...(this.podCidr ? [{ cidr: this.podCidr, kind: 'pod', label: `pod CIDR of cluster ${props.name}` }] : []),
    ]);

    const strategies: [string, unknown, abstract new (...args: never[]) => unknown, string][] = [
      ['outbound', props.outbound, AksOutbound, 'an AksOutbound, e.g. AksOutbound.userDefinedRouting({ firewall })'],
      ['kubernetesVersion', props.kubernetesVersion, KubernetesVersion, "KubernetesVersion.of('1.35') or KubernetesVersion.latestPatchOf('1.35')"],
      ['ingressApplicationGateway', props.ingressApplicationGateway, AppGatewayIngress, 'an AppGatewayIngress, e.g. AppGatewayIngress.existingGateway(gateway.id)'],
    ];
    for (const [field, value, type, expected] of strategies) {
      if (value !== undefined && !(value instanceof type)) throw new ValidationError(this, field, value, `expected ${expected}`);
    }
    const outbound = (props.outbound ?? AksOutbound.loadBalancer()).bind({
      cluster: this,
      clusterName: props.name,
      nodeSubnet: this._nodeSubnet,
      nodeCount: props.defaultNodePool.autoScaling?.maxCount ?? props.defaultNodePool.nodeCount ?? 3,
      resourceGroup: props.resourceGroup,
    });
    this.outboundType = outbound.outboundType;
    this.firewall = outbound.firewall;
    const identity = props.userAssignedIdentity;
    const identityIds = [...(props.userAssignedIdentityIds ?? []), ...(identity ? [identity.id] : []), ...(outbound.identityIds ?? [])];
    if (identityIds.length > 1) {
      throw new ValidationError(this, 'userAssignedIdentityIds', identityIds,
        'AKS runs its control plane as one user-assigned identity; with userAssignedNatGateway pass it as { identity } to the outbound strategy');
    }
    const ingressContext = {
      cluster: this,
      nodeSubnet: this._nodeSubnet,
      serviceCidr: this.serviceCidr,
      podCidr: this.podCidr,
      plugin: props.network.plugin,
      pluginMode: props.network.pluginMode,
    };
    const ingressApplicationGateway = props.ingressApplicationGateway?.bind(ingressContext);
    const pool = props.defaultNodePool;
    const sendPodCidr = props.network.plugin === 'kubenet' || props.network.pluginMode === 'overlay';
    this.workloadIdentityEnabled = props.workloadIdentity ?? false;
    if (props.nodeResourceGroupName !== undefined) {
      checkAzureName(this, 'nodeResourceGroupName', props.nodeResourceGroupName, {
        pattern: /^[-\w._()]{1,79}[-\w_()]$|^[-\w_()]$/,
        allowed: "a resource group name is 1 to 80 letters, digits, '_', '-', '.', '(' or ')', not ending with '.'",
      });
    }

    this.resource = untraced(() => new KubernetesCluster(this, 'cluster', {
      name: props.name,
      resourceGroupName: attribute(props.resourceGroup, 'name'),
      location: attribute(props.resourceGroup, 'location'),
      dnsPrefix: props.dnsPrefix ?? props.name,
      kubernetesVersion: props.kubernetesVersion?.bind(this, attribute(props.resourceGroup, 'location')),
      privateClusterEnabled: props.privateClusterEnabled ?? false,
      defaultNodePool: {
        name: pool.name ?? 'default',
        vmSize: pool.vmSize ?? 'Standard_D2s_v5',
        nodeCount: pool.autoScaling ? pool.nodeCount : pool.nodeCount ?? 3,
        autoScalingEnabled: pool.autoScaling ? true : undefined,
        minCount: pool.autoScaling?.minCount,
        maxCount: pool.autoScaling?.maxCount,
        vnetSubnetId: this._nodeSubnet?.id,
        type: 'VirtualMachineScaleSets',
        nodeLabels: pool.nodeLabels,
        zones: pool.zones,
        maxPods: pool.maxPods,
        upgradeSettings: pool.maxSurge !== undefined ? { maxSurge: String(pool.maxSurge) } : undefined,
      },
      identity: identityIds.length > 0 ? { type: 'UserAssigned', identityIds } : { type: 'SystemAssigned' },
      linuxProfile: props.linuxProfile
        ? { adminUsername: props.linuxProfile.adminUsername, sshKey: { keyData: props.linuxProfile.sshPublicKey } }
        : undefined,
      networkProfile: {
        networkPlugin: props.network.plugin,
        networkPluginMode: props.network.pluginMode,
        networkPolicy: props.network.policy,
        serviceCidr: this.serviceCidr.toString(),
        dnsServiceIp: props.network.dnsServiceIp,
        podCidr: sendPodCidr ? this.podCidr?.toString() : undefined,
        outboundType: outbound.outboundType,
        loadBalancerProfile: outbound.loadBalancerProfile,
        natGatewayProfile: outbound.natGatewayProfile,
      },
      apiServerAccessProfile: props.apiServerAuthorizedIpRanges
        ? { authorizedIpRanges: props.apiServerAuthorizedIpRanges }
        : undefined,
      nodeResourceGroup: props.nodeResourceGroupName,
      oidcIssuerEnabled: this.workloadIdentityEnabled ? true : undefined,
      workloadIdentityEnabled: this.workloadIdentityEnabled ? true : undefined,
      omsAgent: props.containerInsights
        ? { logAnalyticsWorkspaceId: props.containerInsights.workspace.id, msiAuthForMonitoringEnabled: true }
        : undefined,
      ingressApplicationGateway,
      tags: azureTags(this, props.tags),
    }));
    if (props.containerInsights) {
      this.containerInsights = new ContainerInsights(this, 'container-insights', {
        resourceGroup: props.resourceGroup,
        clusterId: this.resource.id,
        clusterName: props.name,
        workspace: props.containerInsights.workspace,
        dataCollectionRuleName: props.containerInsights.dataCollectionRuleName,
        tags: azureTags(this, props.tags),
      });
    }
    this.addDependencies([...(outbound.dependsOn ?? []), ...(props.dependsOn ?? [])]);

    if (this._nodeSubnet && identityIds.length === 0 && (props.grantSubnetAccess ?? true)) {
      this.subnetAccess = grantRole(this, 'subnet-network-contributor', { principalId: this.principalId }, 'Network Contributor',
        RoleScope.resource(this._nodeSubnet, `subnet ${this._nodeSubnet.name}`),
        { description: `AKS ${props.name} joins nodes and load balancers to its node subnet` });
    }
    if (this._nodeSubnet && identity && (props.grantSubnetAccess ?? true)) {
      // AKS checks the identity's rights on the subnet (and a kubenet route table) before it creates
      // the cluster, so the cluster waits for the grants.
      this.subnetAccess = grantRole(this, 'subnet-network-contributor', identity, 'Network Contributor',
        RoleScope.resource(this._nodeSubnet, `subnet ${this._nodeSubnet.name}`),
        { description: `AKS ${props.name} joins nodes and load balancers to its node subnet` });
      this.addDependencies([this.subnetAccess.propagated]);
      const table = this._nodeSubnet.routeTable;
      if (props.network.plugin === 'kubenet' && table?.id !== undefined) {
        this.routeTableAccess = grantRole(this, 'route-table-network-contributor', identity, 'Network Contributor',
          RoleScope.resource({ id: table.id }, `route table ${table.name}`),
          { description: `AKS ${props.name} (kubenet) writes its pod routes into route table ${table.name}` });
        this.addDependencies([this.routeTableAccess.propagated]);
      }
    }
    if (props.network.plugin === 'kubenet' && this._nodeSubnet) {
      const subnet = this._nodeSubnet;
      const granted = identity !== undefined && (props.grantSubnetAccess ?? true);
      this.checkKubenetRouteTable(subnet, identityIds.length > 0, granted, false);
      checkAtSynth(this, () => this.checkKubenetRouteTable(subnet, identityIds.length > 0, granted, true));
    }
    const addonScope = props.ingressApplicationGateway?.networkScope(ingressContext);
    if (addonScope) {
      // The add-on's own identity creates or joins the gateway's subnet.
      this.ingressAddonAccess = grantRole(this, 'ingress-addon-network-contributor',
        { principalId: untraced(() => this.resource.ingressApplicationGateway.ingressApplicationGatewayIdentity.get(0).objectId) },
        'Network Contributor', addonScope, { description: `the Application Gateway ingress add-on of ${props.name} manages its gateway's subnet` });
    }

    // Peerings of the node VNet may be declared after the cluster; pick them up before synth so the
    // cluster waits for the path to the hub's firewall.
    Aspects.of(this).add({
      visit: (node: IConstruct) => {
        if (node === this && this._nodeSubnet) {
          this.addDependencies([...this._nodeSubnet.vnet.peeringDependables, ...this._nodeSubnet.vnet.dnsDependables]);
        }
      },
    });
    checkAtSynth(this, () => this.checkRangesAgainstApp());
    if (props.apiServerAuthorizedIpRanges?.length && this.firewall && !props.privateClusterEnabled) {
      const ranges = props.apiServerAuthorizedIpRanges;
      const firewall = this.firewall;
      checkAtSynth(this, () => this.checkFirewallAuthorized(ranges, firewall));
    }
  }

  /**
   * The default node pool's subnet. Throws a ValidationError for a cluster whose node VNet AKS
   * manages (see {@link managedVnet}).
   */
  public get nodeSubnet(): Subnet {
    if (!this._nodeSubnet) {
      throw new ValidationError(this, 'nodeSubnet', undefined,
        `cluster ${this.name} has no subnet of yours: AKS creates and manages its node VNet (set defaultNodePool.subnet to bring one)`);
    }
    return this._nodeSubnet;
  }

  /** The API server's FQDN (a reference). Firewall rules can name it without a DNS lookup at plan time. */
  public get fqdn(): string {
    return this.resource.fqdn;
  }

  /** Connection settings for the helm and kubernetes providers, decoded from the cluster's kube config. */
  public get kubeConnection(): { host: string; clientCertificate: string; clientKey: string; clusterCaCertificate: string } {
    return untraced(() => {
      const kc = this.resource.kubeConfig.get(0);
      return {
        host: kc.host,
        clientCertificate: Fn.base64decode(kc.clientCertificate),
        clientKey: Fn.base64decode(kc.clientKey),
        clusterCaCertificate: Fn.base64decode(kc.clusterCaCertificate),
      };
    });
  }

  /** The principal ID of the cluster's system-assigned identity (a reference). */
  public get principalId(): string {
    return cached(this.resource, 'identity.principalId', () => this.resource.identity.principalId);
  }

  /** The object ID of the kubelet identity (a reference). */
  public get kubeletObjectId(): string {
    return this.resource.kubeletIdentity.objectId;
  }

  /** The cluster's OIDC issuer URL (a reference): the issuer of federated credentials. Needs `workloadIdentity`. */
  public get oidcIssuerUrl(): string {
    if (!this.workloadIdentityEnabled) {
      throw new ValidationError(this, 'workloadIdentity', false,
        'the OIDC issuer URL exists only with workloadIdentity: true (OIDC issuer and Workload ID on)');
    }
    return this.resource.oidcIssuerUrl;
  }

  /** The ID of the group AKS creates for the nodes (a reference). */
  public get nodeResourceGroupId(): string {
    return this.resource.nodeResourceGroupId;
  }

  /** Adds resources the cluster is created after; duplicates are ignored. */
  public addDependencies(dependables: readonly ITerraformDependable[]): void {
    const added = [...new Set(dependables)].filter((d) => !this.dependencies.has(d));
    if (added.length === 0) return;
    added.forEach((d) => this.dependencies.add(d));
    this.resource.dependsOn = [...(this.resource.dependsOn ?? []), ...added.map((d) => dependableOf(d))];
  }

  private checkNames(props: AksClusterProps): void {
    checkAzureName(this, 'name', props.name, {
      pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,61}[A-Za-z0-9]$|^[A-Za-z0-9]$/,
      allowed: "a cluster name is 1 to 63 letters, digits, '-' or '_', starting and ending with a letter or digit",
    });
    checkAzureName(this, 'dnsPrefix', props.dnsPrefix ?? props.name, {
      pattern: /^[A-Za-z0-9]([A-Za-z0-9-]{0,52}[A-Za-z0-9])?$/,
      allowed: "a DNS prefix is 1 to 54 letters, digits or '-', starting and ending with a letter or digit",
    });
    const poolName = props.defaultNodePool.name ?? 'default';
    if (!/^[a-z][a-z0-9]{0,11}$/.test(poolName)) {
      throw new ValidationError(this, 'defaultNodePool.name', poolName, 'a Linux node pool name is 1 to 12 lower-case letters and digits, starting with a letter');
    }
    const count = props.defaultNodePool.nodeCount ?? 3;
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      throw new ValidationError(this, 'defaultNodePool.nodeCount', count, 'a node pool has 1 to 1000 nodes');
    }
    const pool = props.defaultNodePool;
    const scaling = pool.autoScaling;
    if (scaling !== undefined) {
      checkNumber(this, 'defaultNodePool.autoScaling.minCount', scaling.minCount, { min: 1, max: 1000, why: 'a node pool has 1 to 1000 nodes' });
      checkNumber(this, 'defaultNodePool.autoScaling.maxCount', scaling.maxCount, {
        min: scaling.minCount, max: 1000, why: `the autoscaler's maxCount is minCount (${scaling.minCount}) to 1000`,
      });
      if (pool.nodeCount !== undefined && (count < scaling.minCount || count > scaling.maxCount)) {
        throw new ValidationError(this, 'defaultNodePool.nodeCount', count,
          `with autoScaling the initial count is between minCount ${scaling.minCount} and maxCount ${scaling.maxCount}`);
      }
    }
    const identity = props.userAssignedIdentity;
    if (identity !== undefined) {
      if (identity === null || typeof identity !== 'object' || typeof identity.id !== 'string' || typeof identity.principalId !== 'string') {
        throw new ValidationError(this, 'userAssignedIdentity', identity,
          'expected { id, principalId } of a user-assigned identity, e.g. a ManagedIdentity');
      }
    }
    if (pool.maxPods !== undefined) {
      checkNumber(this, 'defaultNodePool.maxPods', pool.maxPods, {
        min: AKS_MIN_PODS_PER_NODE, max: AKS_MAX_PODS_PER_NODE,
        why: `AKS runs ${AKS_MIN_PODS_PER_NODE} to ${AKS_MAX_PODS_PER_NODE} pods per node`,
      });
    }
    checkLabels(this, 'defaultNodePool.nodeLabels', pool.nodeLabels);
    if (pool.zones !== undefined) checkZones(this, 'defaultNodePool.zones', pool.zones);
    this.checkSubnetRoom(props, scaling?.maxCount ?? count, scaling ? 'defaultNodePool.autoScaling.maxCount' : 'defaultNodePool.nodeCount');
    if (props.privateClusterEnabled && props.apiServerAuthorizedIpRanges?.length) {
      throw new ValidationError(this, 'apiServerAuthorizedIpRanges', props.apiServerAuthorizedIpRanges,
        'AKS does not support authorized IP ranges on a private cluster (its API server has no public endpoint to restrict); ' +
        'leave them out, or set privateClusterEnabled to false');
    }
    const ranges = checkList<unknown>(this, 'apiServerAuthorizedIpRanges', props.apiServerAuthorizedIpRanges ?? [], 'a list of IPs or CIDRs');
    for (const [i, range] of ranges.entries()) {
      const field = `apiServerAuthorizedIpRanges[${i}]`;
      checkString(this, field, range, 'an IP or a CIDR such as 203.0.113.0/24');
      // A deploy-time entry: the firewall's public IPs (firewallPublicIpRanges) are checked at synth; others are the cloud's to check.
      if (Token.isUnresolved(range)) {
        if (!isPublicIpHostRange(range) && plainReference(range)?.type !== 'azurerm_public_ip') warnUnchecked(this, field, range, 'that it is an IP or a CIDR');
        continue;
      }
      if (!isIpAddress(range) && !Cidr.isValid(range)) Cidr.parse(range, { site: this, field });
      if (ranges.indexOf(range) !== i) throw new ValidationError(this, field, range, 'it is listed twice');
    }
    checkList<unknown>(this, 'userAssignedIdentityIds', props.userAssignedIdentityIds ?? [], 'a list of identity IDs').forEach((id, i) => {
      const field = `userAssignedIdentityIds[${i}]`;
      checkString(this, field, id, 'a user-assigned identity ID');
      if (plainReference(id)?.type === 'azurerm_user_assigned_identity') return;
      const known = knownValue(this, id);
      if (known === undefined) warnUnchecked(this, field, id, 'that it names a user-assigned identity');
      else if (typeof known !== 'string' || !USER_ASSIGNED_IDENTITY_ID.test(known)) {
        throw new ValidationError(this, field, id,
          'a user-assigned identity ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>');
      }
    });
  }

  /**
   * The node subnet must hold every node, the surge nodes of an upgrade, and with Azure CNI
   * (non-overlay) each node's pre-allocated pod addresses; Azure keeps five addresses of it.
   */
  private checkSubnetRoom(props: AksClusterProps, nodes: number, field: string): void {
    const subnet = this._nodeSubnet;
    if (!subnet || subnet.cidr.version !== 4) return;
    const pool = props.defaultNodePool;
    const surge = this.surgeNodes(pool.maxSurge, nodes);
    const podsFromSubnet = props.network.plugin === 'azure' && props.network.pluginMode !== 'overlay';
    const room = subnet.usableAddressCount;
    const have = `subnet ${subnet.name} (${subnet.cidr}) has ${room} addresses for nodes (${subnet.cidr.size} minus the 5 Azure reserves)`;
    const surgeText = `${surge} surge node${surge === 1 ? '' : 's'}${pool.maxSurge === undefined ? ` (AKS's default max surge, ${AKS_DEFAULT_MAX_SURGE})` : ''}`;
    if (podsFromSubnet) {
      const maxPods = pool.maxPods ?? AKS_AZURE_CNI_DEFAULT_MAX_PODS;
      const needed = (nodes + surge) * (maxPods + 1);
      if (needed > room) {
        throw new ValidationError(this, field, nodes,
          `${have}; Azure CNI takes each node's address and its maxPods pod addresses from the subnet: ` +
          `(${nodes} nodes + ${surgeText}) x (${maxPods} max pods + 1) = ${needed}; use a larger subnet, fewer nodes or pods, or Azure CNI Overlay`);
      }
    } else if (nodes + surge > room) {
      throw new ValidationError(this, field, nodes,
        `${have}; the pool needs ${nodes} nodes + ${surgeText} = ${nodes + surge}`);
    }
  }

  /** Nodes an upgrade adds: `maxSurge` as a count, or as a percentage of the pool rounded up. */
  private surgeNodes(maxSurge: number | string | undefined, nodes: number): number {
    const value = maxSurge ?? AKS_DEFAULT_MAX_SURGE;
    const allowed = "a whole number of nodes of at least 1 (e.g. 2) or a percentage from 1% to 100% (e.g. '33%')";
    if (typeof value === 'number') {
      checkNumber(this, 'defaultNodePool.maxSurge', value, { min: 1, why: allowed });
      return value;
    }
    const m = typeof value === 'string' ? /^(\d{1,3})%$|^(\d+)$/.exec(value) : null;
    const pct = m?.[1] !== undefined ? Number(m[1]) : undefined;
    const count = m?.[2] !== undefined ? Number(m[2]) : undefined;
    if (!m || (pct !== undefined && (pct < 1 || pct > 100)) || (count !== undefined && count < 1)) {
      throw new ValidationError(this, 'defaultNodePool.maxSurge', value, allowed);
    }
    return count ?? Math.max(1, Math.ceil((nodes * pct!) / 100));
  }

  /**
   * Kubenet writes pod routes into the node subnet's route table. AKS refuses a route table of yours
   * with a system-assigned identity (CustomRouteTableWithUnsupportedMSIType), and with a user-assigned
   * one it checks the identity's rights on the table (CustomRouteTableMissingPermission).
   */
  private checkKubenetRouteTable(subnet: Subnet, userAssigned: boolean, granted: boolean, atSynth: boolean): void {
    const table = subnet.routeTable;
    if (!table) return;
    if (!userAssigned) {
      throw new ValidationError(this, 'identity', 'SystemAssigned',
        `kubenet with route table ${table.name} on node subnet ${subnet.name} needs a user-assigned identity; ` +
        'AKS refuses a system-assigned one (CustomRouteTableWithUnsupportedMSIType): pass userAssignedIdentity');
    }
    if (granted && !this.routeTableAccess) {
      throw new ValidationError(this, 'userAssignedIdentity', table.name, table.id === undefined
        ? `route table ${table.name} of node subnet ${subnet.name} has no known ID, so its identity cannot be granted ` +
          'Network Contributor on it (CustomRouteTableMissingPermission); use a RouteTable, or grant it yourself and pass userAssignedIdentityIds'
        : `route table ${table.name} was associated with node subnet ${subnet.name} after the cluster was declared, so its ` +
          'identity was not granted Network Contributor on it (CustomRouteTableMissingPermission); associate the route table first');
    }
    if (!granted && atSynth) {
      Annotations.of(this).addWarning(`kubenet with route table ${table.name}: grant the cluster's user-assigned identity ` +
        `Network Contributor on route table ${table.name} and subnet ${subnet.name} before the cluster is created, ` +
        'or pass it as userAssignedIdentity to have the grants made (CustomRouteTableMissingPermission)');
    }
  }

  private checkNetwork(network: AksNetworkProps): void {
    const svc = this.serviceCidr;
    if (network.plugin === 'none' && network.policy) {
      throw new ValidationError(this, 'network.policy', network.policy, 'with plugin none the CNI you bring (e.g. Calico) enforces policy; leave policy unset');
    }
    if (network.pluginMode && network.plugin !== 'azure') {
      throw new ValidationError(this, 'network.pluginMode', network.pluginMode, 'overlay mode is an option of the azure plugin only');
    }
    for (const reserved of AKS_RESERVED_RANGES) {
      if (svc.overlaps(reserved)) {
        throw new ValidationError(this, 'network.serviceCidr', svc.toString(), `it overlaps ${reserved}, which AKS reserves (${AKS_RESERVED_RANGES.join(', ')})`);
      }
      if (this.podCidr?.overlaps(reserved)) {
        throw new ValidationError(this, 'network.podCidr', this.podCidr.toString(), `it overlaps ${reserved}, which AKS reserves (${AKS_RESERVED_RANGES.join(', ')})`);
      }
    }
    // The literal behind a reference the app set counts; an unknown one cannot be placed in the range.
    const known = knownValue(this, network.dnsServiceIp);
    requireLiteral(this, 'network.dnsServiceIp', known === undefined ? network.dnsServiceIp : known,
      `pass an address inside the service CIDR ${svc}` + (svc.size > 12 ? `, e.g. ${svc.host(10)}` : ''));
    const dns = known as string;
    if (typeof dns !== 'string' || !isIpAddress(dns) || !svc.contains(dns)) {
      throw new ValidationError(this, 'network.dnsServiceIp', dns, `the DNS service IP must be an address inside the service CIDR ${svc}`);
    }
    if (dns === svc.host(0) || dns === svc.host(1) || dns === svc.host(-1)) {
      throw new ValidationError(this, 'network.dnsServiceIp', dns,
        `${svc.host(0)}, ${svc.host(1)} (the kubernetes service) and ${svc.host(-1)} are taken; use another address of ${svc}` +
        (svc.size > 12 ? `, e.g. ${svc.host(10)}` : ''));
    }
    if (this.podCidr?.overlaps(svc)) {
      throw new ValidationError(this, 'network.podCidr', this.podCidr.toString(), `it overlaps the service CIDR ${svc}`);
    }
    const subnet = this._nodeSubnet;
    if (subnet && svc.overlaps(subnet.cidr)) {
      throw new ValidationError(this, 'network.serviceCidr', svc.toString(), `it overlaps node subnet ${subnet.name} (${subnet.cidr})`);
    }
  }

  /** Service and pod ranges must be clear of every VNet and VPC the app declares (peered or not, they may be one day). */
  private checkRangesAgainstApp(): void {
    checkClearOf(this, 'network.serviceCidr', this.serviceCidr, ['vnet', 'vpc'], 'the service CIDR must be clear of every VNet');
    if (this.podCidr) {
      checkClearOf(this, 'network.podCidr', this.podCidr, ['vnet', 'vpc'], 'the pod CIDR must be clear of every VNet');
    }
  }

  /** The nodes reach the API server from the egress firewall's public IPs: each must be authorized. */
  private checkFirewallAuthorized(ranges: readonly string[], firewall: IFirewall): void {
    const resolver = new DefaultTokenResolver(new StringConcat());
    const resolve = (x: string): unknown => Tokenization.resolve(x, { scope: this, resolver });
    const resolved = ranges.map(resolve);
    const authorized = new Set(resolved.map((r) => JSON.stringify(r)));
    firewall.publicIps.forEach((ip, i) => {
      const bare = JSON.stringify(resolve(ip));
      const host = JSON.stringify(resolve(`${ip}/32`));
      if (!authorized.has(bare) && !authorized.has(host)) {
        throw new ValidationError(this, 'apiServerAuthorizedIpRanges', resolved,
          `the nodes reach the API server from the public IPs of firewall ${firewall.name}, and its public IP ${i + 1} ` +
          'is missing; add ...firewallPublicIpRanges(firewall)');
      }
    });
  }
}

/** The firewall's public IPs as `/32` ranges (references), for {@link AksClusterProps.apiServerAuthorizedIpRanges}. */
export function firewallPublicIpRanges(firewall: IFirewall): string[] {
  return firewall.publicIps.map((ip) => `${ip}/32`);
}

// findInApp(scope, AksCluster.isAksCluster) reads the marked instances instead of walking the tree.
brandTest('AksCluster', AksCluster.isAksCluster);
