/**
 * Calico's API as TypeScript types: the `projectcalico.org/v3` resources the library renders and the
 * `operator.tigera.io/v1` EgressGateway, with the field names and value sets of the Calico reference
 * (https://docs.tigera.io/calico-enterprise/latest/reference/resources/). Object literals typed with
 * them do not compile with a misspelt field or a value outside a set.
 *
 * Only the fields the library or its users need are modelled; every field is optional unless Calico
 * requires it, and absent fields are left to Calico's defaults.
 */

/** `apiVersion` of Calico's resources. */
export const CALICO_API_VERSION = 'projectcalico.org/v3';
/** `apiVersion` of the Tigera operator's resources (EgressGateway). */
export const OPERATOR_API_VERSION = 'operator.tigera.io/v1';

/** Labels or annotations. */
export type StringMap = { readonly [key: string]: string };

/** The metadata the library sets. */
export interface ObjectMeta {
  readonly name: string;
  /** Only for namespaced kinds (Namespace-scoped: EgressGateway). */
  readonly namespace?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
}

/** Any Kubernetes object: what {@link ClusterManifests} renders. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
}

/** Log levels of BGPConfiguration's `logSeverityScreen`. */
export type BgpLogSeverity = 'Debug' | 'Info' | 'Warning' | 'Error' | 'Fatal';

/** A CIDR block of a BGPConfiguration's service advertisements. */
export interface ServiceIPBlock {
  readonly cidr: string;
}

/** A named BGP community value (`aa:nn` or `aa:nn:mm`). */
export interface BgpCommunity {
  readonly name: string;
  readonly value: string;
}

/** Communities to attach to a prefix. */
export interface PrefixAdvertisement {
  readonly cidr: string;
  readonly communities: readonly string[];
}

/** Spec of a BGPConfiguration. */
export interface BGPConfigurationSpec {
  /** @default 'Info' (Calico's) */
  readonly logSeverityScreen?: BgpLogSeverity;
  /** Full node-to-node mesh; only on the `default` object. @default true (Calico's) */
  readonly nodeToNodeMeshEnabled?: boolean;
  /** The cluster's own AS number. @default 64512 (Calico's) */
  readonly asNumber?: number;
  readonly serviceClusterIPs?: readonly ServiceIPBlock[];
  readonly serviceExternalIPs?: readonly ServiceIPBlock[];
  readonly serviceLoadBalancerIPs?: readonly ServiceIPBlock[];
  /** @default 179 (Calico's) */
  readonly listenPort?: number;
  readonly bindMode?: 'None' | 'NodeIP';
  readonly communities?: readonly BgpCommunity[];
  readonly prefixAdvertisements?: readonly PrefixAdvertisement[];
  /** Graceful restart time of the mesh, e.g. `120s`. */
  readonly nodeMeshMaxRestartTime?: string;
  readonly extensions?: StringMap;
}

/** Cluster-wide (or per-node) BGP settings. */
export interface BGPConfiguration extends KubernetesObject {
  readonly apiVersion: typeof CALICO_API_VERSION;
  readonly kind: 'BGPConfiguration';
  readonly spec: BGPConfigurationSpec;
}

/** A key of a Secret in calico-node's namespace holding a BGP password. */
export interface BgpPassword {
  readonly secretKeyRef: { readonly name: string; readonly key: string };
}

/** Next hop calculation of a BGPPeer (`nextHopMode`, Calico 3.30 and later). */
export type NextHopMode = 'Auto' | 'Self' | 'Keep';
/** The values of {@link NextHopMode}. */
export const NEXT_HOP_MODES: readonly NextHopMode[] = ['Auto', 'Self', 'Keep'];

/** Spec of a BGPPeer. */
export interface BGPPeerSpec {
  /** The node this peering applies to; not with `nodeSelector`. @default - all nodes */
  readonly node?: string;
  /** The nodes this peering applies to, e.g. `route-reflector == 'true'`. @default - all nodes */
  readonly nodeSelector?: string;
  /** The peer's address (optionally `ip:port`); not with `peerSelector`. */
  readonly peerIP?: string;
  /** The peer's AS number; not with `peerSelector`. */
  readonly asNumber?: number;
  /** Overrides the cluster's AS number on this peering. */
  readonly localASNumber?: number;
  /** Calico nodes to peer with, e.g. `route-reflector == 'true'`. */
  readonly peerSelector?: string;
  /** @deprecated Use `nextHopMode: 'Keep'` (Calico 3.30 and later); the CRD refuses both together. @default false */
  readonly keepOriginalNextHop?: boolean;
  /** Next hop of routes sent to the peer: `Keep` (their original next hop), `Self` (this node), `Auto` (BGP's rule). @default - Auto */
  readonly nextHopMode?: NextHopMode;
  readonly password?: BgpPassword;
  /** `UseNodeIP` (Calico's default) binds the session to the node's IP; `None` lets the kernel choose. */
  readonly sourceAddress?: 'UseNodeIP' | 'None';
  readonly failureDetectionMode?: 'None' | 'BFDIfDirectlyConnected';
  readonly restartMode?: 'GracefulRestart' | 'LongLivedGracefulRestart';
  /** e.g. `120s`. */
  readonly maxRestartTime?: string;
  readonly birdGatewayMode?: 'Recursive' | 'DirectIfDirectlyConnected';
  readonly numAllowedLocalASNumbers?: number;
  /** Hops between the peers for GTSM. */
  readonly ttlSecurity?: number;
  /** Names of BGPFilters applied in order. */
  readonly filters?: readonly string[];
  /** The gateway the peer is reached through; Calico adds a /32 route to the peer via it. */
  readonly reachableBy?: string;
  readonly externalNetwork?: string;
  readonly extensions?: StringMap;
}

/** A BGP peering of some or all nodes. */
export interface BGPPeer extends KubernetesObject {
  readonly apiVersion: typeof CALICO_API_VERSION;
  readonly kind: 'BGPPeer';
  readonly spec: BGPPeerSpec;
}

/** How a BGPFilter rule compares a route with its `cidr`. */
export type BgpFilterMatchOperator = 'Equal' | 'NotEqual' | 'In' | 'NotIn';
/** What a matching BGPFilter rule does. */
export type BgpFilterAction = 'Accept' | 'Reject';

/** One BGPFilter rule; without `cidr`, `source` or `interface` it matches every route. */
export interface BGPFilterRule {
  readonly action: BgpFilterAction;
  readonly cidr?: string;
  /** Needed with `cidr`. */
  readonly matchOperator?: BgpFilterMatchOperator;
  readonly prefixLength?: { readonly min?: number; readonly max?: number };
  /** Only routes learned from other BGP peers. */
  readonly source?: 'RemotePeers';
  /** Only routes of interfaces matching this pattern, e.g. `*.calico`. */
  readonly interface?: string;
}

/** Spec of a BGPFilter: rules applied in order; a route no rule matches is accepted. */
export interface BGPFilterSpec {
  readonly exportV4?: readonly BGPFilterRule[];
  readonly importV4?: readonly BGPFilterRule[];
  readonly exportV6?: readonly BGPFilterRule[];
  readonly importV6?: readonly BGPFilterRule[];
}

/** Route filters a BGPPeer names in `filters`. */
export interface BGPFilter extends KubernetesObject {
  readonly apiVersion: typeof CALICO_API_VERSION;
  readonly kind: 'BGPFilter';
  readonly spec: BGPFilterSpec;
}

/** Tunnel modes of an IP pool. */
export type EncapsulationMode = 'Never' | 'Always' | 'CrossSubnet';

/** Spec of an IPPool. */
export interface IPPoolSpec {
  readonly cidr: string;
  /** @default 'Never' (Calico's) */
  readonly vxlanMode?: EncapsulationMode;
  /** @default 'Never' (Calico's) */
  readonly ipipMode?: EncapsulationMode;
  readonly natOutgoing?: boolean;
  readonly disabled?: boolean;
  /** Keep this pool's routes out of BGP. @default false */
  readonly disableBGPExport?: boolean;
  /** Prefix length of the per-node blocks: 20 to 32 for IPv4. @default 26 (Calico's) */
  readonly blockSize?: number;
  /** Nodes whose pods may get addresses from the pool; `!all()` for none (egress gateways pick pools explicitly). */
  readonly nodeSelector?: string;
  readonly allowedUses?: readonly ('Workload' | 'Tunnel' | 'HostSecondaryInterface')[];
  /** The VPC subnet backing the pool (Calico Enterprise on AWS, with `awsSecondaryIPSupport`). */
  readonly awsSubnetID?: string;
}

/** A range Calico IPAM assigns addresses from. */
export interface IPPool extends KubernetesObject {
  readonly apiVersion: typeof CALICO_API_VERSION;
  readonly kind: 'IPPool';
  readonly spec: IPPoolSpec;
}

/** Some fields of an existing IPPool, applied server-side over the rest. */
export interface IPPoolPatchObject extends KubernetesObject {
  readonly apiVersion: typeof CALICO_API_VERSION;
  readonly kind: 'IPPool';
  readonly spec: Partial<IPPoolSpec>;
}

/** Egress gateway support modes of Felix. */
export type EgressIPSupport = 'Disabled' | 'EnabledPerNamespace' | 'EnabledPerNamespaceOrPerPod';

/** AWS secondary IP support modes of Felix (Calico Enterprise). */
export type AwsSecondaryIPSupport = 'Disabled' | 'Enabled' | 'EnabledENIPerWorkload';

/** The FelixConfiguration fields the library models (Calico has many more). */
export interface FelixConfigurationSpec {
  /** Lets Felix give pods of AWS-backed IP pools secondary ENIs and addresses. @default 'Disabled' (Calico's) */
  readonly awsSecondaryIPSupport?: AwsSecondaryIPSupport;
  /** @default 'Disabled' (Calico's) */
  readonly egressIPSupport?: EgressIPSupport;
  /** How often flow logs are flushed, e.g. `15s`. @default '300s' (Calico's) */
  readonly flowLogsFlushInterval?: string;
  /** Aggregation of flow logs of allowed traffic: 0 none, 1 by source port, 2 by pod prefix. @default 2 (Calico's) */
  readonly flowLogsFileAggregationKindForAllowed?: 0 | 1 | 2;
  /** Aggregation of flow logs of denied traffic, as above. @default 1 (Calico's) */
  readonly flowLogsFileAggregationKindForDenied?: 0 | 1 | 2;
  readonly flowLogsFileEnabled?: boolean;
  readonly dnsLogsFlushInterval?: string;
  /** How often Felix polls each egress gateway's health port, e.g. `10s`. @default '10s' (Calico's) */
  readonly egressGatewayPollInterval?: string;
  /** Failed polls after which Felix stops sending traffic to a gateway. @default 3 (Calico's) */
  readonly egressGatewayPollFailureCount?: number;
  readonly logSeverityScreen?: FelixLogSeverity;
}

/** Log levels of FelixConfiguration's `logSeverityScreen`. */
export type FelixLogSeverity = 'Trace' | 'Debug' | 'Info' | 'Warning' | 'Error' | 'Fatal';

/** Felix's settings; the library patches the existing `default` object. */
export interface FelixConfiguration extends KubernetesObject {
  readonly apiVersion: typeof CALICO_API_VERSION;
  readonly kind: 'FelixConfiguration';
  readonly spec: FelixConfigurationSpec;
}

/** The egress gateways a rule sends traffic through. */
export interface EgressGatewaySelector {
  /** e.g. `projectcalico.org/name == 'tenant0-egw'`. */
  readonly namespaceSelector?: string;
  /** Pod selector of the gateways, e.g. `tenant == 'tenant0-egw'`. */
  readonly selector?: string;
  readonly maxNextHops?: number;
}

/** One EgressGatewayPolicy rule; rules are matched by longest prefix. */
export interface EgressGatewayRule {
  /** @default - 0.0.0.0/0 */
  readonly destination?: { readonly cidr: string };
  readonly description?: string;
  /** Without a gateway, traffic to the destination is routed normally. */
  readonly gateway?: EgressGatewaySelector;
  readonly gatewayPreference?: 'None' | 'PreferNodeLocal';
}

/** Per-destination choice of egress gateway; used by pods or namespaces annotated with its name. */
export interface EgressGatewayPolicy extends KubernetesObject {
  readonly apiVersion: typeof CALICO_API_VERSION;
  readonly kind: 'EgressGatewayPolicy';
  readonly spec: { readonly rules: readonly EgressGatewayRule[] };
}

/** Log levels of an EgressGateway. */
export type EgressGatewayLogSeverity = 'Trace' | 'Debug' | 'Info' | 'Warn' | 'Error' | 'Fatal';

/** A Kubernetes topology spread constraint (the fields egress gateways use). */
export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly labelSelector?: { readonly matchLabels: StringMap };
}

/** A Kubernetes toleration. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

/** Compute resources of a container (Kubernetes quantities, e.g. `100m`, `128Mi`). */
export interface ResourceRequirements {
  readonly requests?: StringMap;
  readonly limits?: StringMap;
}

/** A container of the gateway deployment whose resources are set (the operator names it `egress-gateway`). */
export interface EgressGatewayContainer {
  readonly name: 'egress-gateway';
  readonly resources?: ResourceRequirements;
}

/** Kubernetes affinity of a pod (node, pod and pod anti-affinity), passed through as written. */
export type Affinity = { readonly [key: string]: unknown };

/** An ICMP probe of an EgressGateway's upstream. */
export interface EgressGatewayIcmpProbe {
  readonly ips: readonly string[];
  /** @default 5 (the operator's) */
  readonly intervalSeconds?: number;
  /** @default 15 (the operator's) */
  readonly timeoutSeconds?: number;
}

/** An HTTP probe of an EgressGateway's upstream. */
export interface EgressGatewayHttpProbe {
  readonly urls: readonly string[];
  /** @default 10 (the operator's) */
  readonly intervalSeconds?: number;
  /** @default 30 (the operator's) */
  readonly timeoutSeconds?: number;
}

/** How an EgressGateway decides it is ready: its datastore connection and probes of its upstream. */
export interface EgressGatewayFailureDetection {
  /** @default 90 (the operator's) */
  readonly healthTimeoutDataStoreSeconds?: number;
  readonly icmpProbe?: EgressGatewayIcmpProbe;
  readonly httpProbe?: EgressGatewayHttpProbe;
}

/** Spec of the operator's EgressGateway: a deployment of gateway pods. */
export interface EgressGatewaySpec {
  /** @default 1 (the operator's) */
  readonly replicas?: number;
  /** Pools the gateways take their addresses from, by name or CIDR. */
  readonly ipPools: readonly { readonly name?: string; readonly cidr?: string }[];
  /** @default 'Info' (the operator's) */
  readonly logSeverity?: EgressGatewayLogSeverity;
  readonly template?: {
    readonly metadata?: { readonly labels?: StringMap; readonly annotations?: StringMap };
    readonly spec?: {
      readonly nodeSelector?: StringMap;
      readonly terminationGracePeriodSeconds?: number;
      readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
      readonly tolerations?: readonly Toleration[];
      readonly affinity?: Affinity;
      readonly priorityClassName?: string;
      readonly containers?: readonly EgressGatewayContainer[];
    };
  };
  readonly egressGatewayFailureDetection?: EgressGatewayFailureDetection;
  /** Native AWS addresses (pools backed by a VPC subnet) and Elastic IPs of the gateways. */
  readonly aws?: { readonly nativeIP?: 'Enabled' | 'Disabled'; readonly elasticIPs?: readonly string[] };
}

/** The operator's EgressGateway (namespaced). */
export interface EgressGateway extends KubernetesObject {
  readonly apiVersion: typeof OPERATOR_API_VERSION;
  readonly kind: 'EgressGateway';
  readonly spec: EgressGatewaySpec;
}

/** A Kubernetes namespace. */
export interface Namespace extends KubernetesObject {
  readonly apiVersion: 'v1';
  readonly kind: 'Namespace';
}

/** A Kubernetes ConfigMap (string data only). */
export interface ConfigMap extends KubernetesObject {
  readonly apiVersion: 'v1';
  readonly kind: 'ConfigMap';
  readonly data: StringMap;
}

/** Annotations that choose the egress gateway of a namespace's (or a pod's) traffic. */
export const EGRESS_ANNOTATIONS = {
  /** Selects the namespace of the gateways. */
  namespaceSelector: 'egress.projectcalico.org/namespaceSelector',
  /** Selects the gateway pods within it. */
  selector: 'egress.projectcalico.org/selector',
  /** The most gateways a pod's traffic is spread over. */
  maxNextHops: 'egress.projectcalico.org/maxNextHops',
  /** Names an EgressGatewayPolicy instead. */
  egressGatewayPolicy: 'egress.projectcalico.org/egressGatewayPolicy',
} as const;

/** The selector Calico matches a namespace by name with: `projectcalico.org/name == '<name>'`. */
export function namespaceNameSelector(namespace: string): string {
  return `projectcalico.org/name == '${namespace}'`;
}

/** The selector of objects carrying all of `labels`, e.g. `route-reflector == 'true'`; `all()` for none. */
export function labelSelector(labels: StringMap): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return 'all()';
  return entries.map(([k, v]) => `${k} == '${v}'`).join(' && ');
}

/*
 * The value sets of the enumerated fields above, which constructs check their input against (a caller
 * without types can pass anything). From Calico's API types and CRDs: projectcalico/api
 * pkg/apis/projectcalico/v3 (bgpfilter.go, bgppeer.go, ippool.go, felixconfig.go) and tigera/operator
 * api/v1 (egressgateway_types.go, installation_types.go), as the reference pages
 * https://docs.tigera.io/calico/latest/reference/resources/ and .../installation/api list them.
 */

/** BGPConfiguration `logSeverityScreen`. */
export const BGP_LOG_SEVERITIES: readonly BgpLogSeverity[] = ['Debug', 'Info', 'Warning', 'Error', 'Fatal'];
/** FelixConfiguration `logSeverityScreen` (Felix takes `Trace` too). */
export const FELIX_LOG_SEVERITIES: readonly FelixLogSeverity[] = ['Trace', 'Debug', 'Info', 'Warning', 'Error', 'Fatal'];
/** EgressGateway `logSeverity` (operator.tigera.io/v1). */
export const EGRESS_GATEWAY_LOG_SEVERITIES: readonly EgressGatewayLogSeverity[] = ['Trace', 'Debug', 'Info', 'Warn', 'Error', 'Fatal'];
/** BGPFilter rule `action`. */
export const BGP_FILTER_ACTIONS: readonly BgpFilterAction[] = ['Accept', 'Reject'];
/** BGPFilter rule `matchOperator`. */
export const BGP_FILTER_MATCH_OPERATORS: readonly BgpFilterMatchOperator[] = ['Equal', 'NotEqual', 'In', 'NotIn'];
/** BGPFilter rule `source`. */
export const BGP_FILTER_SOURCES: readonly 'RemotePeers'[] = ['RemotePeers'];
/** IPPool `ipipMode` and `vxlanMode`. */
export const ENCAPSULATION_MODES: readonly EncapsulationMode[] = ['Never', 'Always', 'CrossSubnet'];
/** IPPool `allowedUses`. */
export const IP_POOL_ALLOWED_USES: readonly ('Workload' | 'Tunnel' | 'HostSecondaryInterface')[] = ['Workload', 'Tunnel', 'HostSecondaryInterface'];
/** BGPPeer `sourceAddress`. */
export const BGP_SOURCE_ADDRESSES: readonly ('UseNodeIP' | 'None')[] = ['UseNodeIP', 'None'];
/** BGPPeer `failureDetectionMode`. */
export const BGP_FAILURE_DETECTION_MODES: readonly ('None' | 'BFDIfDirectlyConnected')[] = ['None', 'BFDIfDirectlyConnected'];
/** BGPPeer `restartMode`. */
export const BGP_RESTART_MODES: readonly ('GracefulRestart' | 'LongLivedGracefulRestart')[] = ['GracefulRestart', 'LongLivedGracefulRestart'];
/** BGPPeer `birdGatewayMode`. */
export const BIRD_GATEWAY_MODES: readonly ('Recursive' | 'DirectIfDirectlyConnected')[] = ['Recursive', 'DirectIfDirectlyConnected'];
/** Kubernetes topology spread constraint `whenUnsatisfiable`. */
export const WHEN_UNSATISFIABLE: readonly ('DoNotSchedule' | 'ScheduleAnyway')[] = ['DoNotSchedule', 'ScheduleAnyway'];
