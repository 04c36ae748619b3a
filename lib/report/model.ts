import { Cidr } from '../core/cidr';
import { Shown } from './terraform';

/**
 * The provider-neutral model the report renders: networks, firewalls with their rules in
 * evaluation order, clusters with the path their traffic takes out, egress tenants with the rules
 * that name them, and the topology drawn as a diagram. Built from synthesized JSON by `analyze.ts`;
 * keys are `stack:type.logicalId`, unique across the output.
 */

/** Azure or AWS. */
export type Cloud = 'azure' | 'aws';

/** A subnet. */
export interface SubnetView {
  readonly key: string;
  readonly stack: string;
  readonly name: string;
  /** Literal ranges. */
  readonly cidrs: readonly Cidr[];
  /** Availability zone (AWS). @default - none */
  readonly zone?: string;
  /** The VNet or VPC. @default - not found */
  readonly networkKey?: string;
}

/** A VNet or VPC. */
export interface NetworkView {
  readonly key: string;
  readonly stack: string;
  readonly cloud: Cloud;
  /** `VNet` or `VPC`. */
  readonly kind: string;
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly subnets: readonly SubnetView[];
}

/** A source address of a rule, classified for matching against egress ranges. */
export interface RuleSource {
  /** `any`: every address; `range`: a literal CIDR or IP; `other`: a tag, IP group, variable or deploy-time reference. */
  readonly kind: 'any' | 'range' | 'other';
  readonly shown: Shown;
  /** For `range`. @default - none */
  readonly cidr?: Cidr;
}

/** One rule, as the firewall holds it. */
export interface FirewallRule {
  readonly name: string;
  /** The provider's word: `Allow`, `Deny`, `DNAT`, `PASS`, `DROP`, `ALERT`, `REJECT`, `aws:pass`... */
  readonly action: string;
  readonly sources: readonly RuleSource[];
  readonly destinations: readonly Shown[];
  /** Protocols and ports, e.g. `TCP 443`, `Https:443`. */
  readonly services: readonly Shown[];
  /** DNAT: the address and port the traffic is sent to. @default - none */
  readonly translated?: readonly Shown[];
}

/** A rule collection (Azure) or rule group (AWS), at its place in the evaluation order. */
export interface RuleCollectionView {
  /** 1-based place in the firewall's evaluation order. */
  readonly position: number;
  /** `DNAT`, `network`, `application`, `stateless`, `stateful`, `domain list`, `Suricata`. */
  readonly kind: string;
  readonly name: string;
  /** @default - none */
  readonly priority?: number;
  /** Firewall Policy rule collection group, e.g. `dzk8sfw1-policy-network (200)`. @default - none */
  readonly group?: string;
  /** @default - per rule */
  readonly action?: string;
  readonly rules: readonly FirewallRule[];
  /** Something the reader should know about the collection. @default - none */
  readonly note?: string;
}

/** A firewall: Azure Firewall or AWS Network Firewall. */
export interface FirewallView {
  readonly key: string;
  readonly stack: string;
  readonly cloud: Cloud;
  readonly name: string;
  /** `Azure Firewall` or `AWS Network Firewall`. */
  readonly product: string;
  /** How its rules are held, e.g. `classic rule collections`, `Firewall Policy dzk8sfw1-policy`. */
  readonly ruleFormat: string;
  /** The VNet or VPC it sits in. @default - not found */
  readonly networkKey?: string;
  /** Where it sits, for prose: `hub-vnet / AzureFirewallSubnet (10.0.0.0/24)`. */
  readonly location: string;
  /** Its private IP (Azure), usually known at deploy. @default - none */
  readonly privateIp?: Shown;
  /** Names of the public IPs it sends from (Azure). */
  readonly publicIps: readonly string[];
  /** Settings worth a reviewer's eye: DNS proxy, threat intelligence, default actions. */
  readonly settings: readonly string[];
  /** How the collections are ordered, in a sentence. */
  readonly order: string;
  /** What happens to traffic no rule matches. */
  readonly unmatched: string;
  readonly collections: readonly RuleCollectionView[];
}

/** One step of an egress path. */
export interface PathStep {
  readonly text: string;
  /** The topology node this step reaches, for the diagram. @default - none */
  readonly node?: string;
  /** Label of the diagram edge into `node`. @default - none */
  readonly edge?: string;
  /** True when the step is a problem (a route that goes nowhere, VNets not peered). @default false */
  readonly warning?: boolean;
}

/** The way traffic from one node subnet leaves. */
export interface EgressPath {
  /** Where it starts, e.g. `spoke1-vnet / AKSSubnet (10.1.0.0/24)`. */
  readonly from: string;
  readonly steps: readonly PathStep[];
  /** Where it ends, in a phrase: `firewall hub-fw, then the Internet with SNAT to public IP hub-fw-ip`. */
  readonly summary: string;
}

/** A Kubernetes cluster (AKS, EKS) or a set of Kubernetes nodes known by their BGP peerings. */
export interface ClusterView {
  readonly key: string;
  readonly stack: string;
  readonly cloud: Cloud;
  readonly name: string;
  /** `AKS`, `EKS`, or `Kubernetes nodes` (no managed cluster in the output). */
  readonly kind: string;
  /** AKS's outbound type, or how the nodes' egress is decided. */
  readonly outboundType: string;
  /** Where its nodes are, for prose. */
  readonly nodes: readonly string[];
  /** The network the diagram puts it in. @default - none (a network the cloud manages) */
  readonly networkKey?: string;
  /** Keys of its node subnets. */
  readonly subnetKeys: readonly string[];
  /** Literal node addresses (Connect peers), for linking BGP peers. */
  readonly nodeAddresses: readonly string[];
  readonly paths: readonly EgressPath[];
  /** Firewalls on any of its paths. */
  readonly firewallKeys: readonly string[];
  /** Where its traffic ends up, in a phrase. */
  readonly leavesThrough: string;
}

/** How a firewall rule relates to a tenant's range. */
export type RangeRelation = 'any source' | 'broader than the range' | 'inside the range' | 'equals the range';

/** A rule whose sources match a tenant's egress range. */
export interface RuleMatch {
  readonly firewall: FirewallView;
  readonly collection: RuleCollectionView;
  readonly rule: FirewallRule;
  readonly relation: RangeRelation;
  /** The source that matched. */
  readonly source: Shown;
}

/** An egress gateway tenant: Calico EgressGateway objects and the pools they take addresses from. */
export interface TenantView {
  readonly key: string;
  readonly stack: string;
  readonly name: string;
  readonly namespace: string;
  /** The EgressGateway's name. */
  readonly gateway: string;
  /** @default - the operator's default */
  readonly replicas?: number;
  /**
   * Pools and their ranges, e.g. `tenant0-pool` with `10.99.0.0/29`: no name for a pool named by
   * its range, no range for a pool the output does not hold.
   */
  readonly pools: readonly { readonly name?: string; readonly cidr?: Shown }[];
  readonly ranges: readonly Cidr[];
  /** Construct path of what declared it. @default - none */
  readonly declaredBy?: string;
  /** `Terraform` (kubernetes_manifest) or `YAML` (manifests/<stack>/). */
  readonly source: string;
  /** Its cluster (which may be in a stack the report does not cover). @default - not linked */
  readonly cluster?: { readonly key: string; readonly name: string; readonly stack: string; readonly leavesThrough: string };
  /** How the cluster was found, or why it was not. */
  readonly clusterNote: string;
  /**
   * Rules whose source is the tenant's range or a part of it (what identifies the tenant, as the
   * security check EGRESS007 counts), on the firewalls its traffic crosses; in firewall then
   * evaluation order.
   */
  readonly named: readonly RuleMatch[];
  /** Rules whose source is wider than the range (e.g. 10.0.0.0/8): they apply but do not identify the tenant. */
  readonly broader: readonly RuleMatch[];
  /** Rules for any source on the firewalls its traffic crosses. */
  readonly anySource: readonly RuleMatch[];
  /** Which firewalls `anySource` covers, in a phrase. */
  readonly anySourceScope: string;
  /** Rules whose sources are only known at deploy (IP groups, references), which cannot be matched. */
  readonly undecided: readonly RuleMatch[];
  /** What its BGP peers outside the cluster learn of its range. */
  readonly bgp: string;
}

/** Shapes of diagram nodes. */
export type NodeShape = 'firewall' | 'cluster' | 'tenant' | 'router' | 'hub' | 'gateway' | 'internet';

/** A diagram node. */
export interface TopologyNode {
  readonly key: string;
  readonly stack: string;
  readonly label: string;
  readonly shape: NodeShape;
  /** The network subgraph it is drawn in. @default - none */
  readonly networkKey?: string;
}

/** A diagram edge, between nodes or networks. */
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** `route`: traffic; `peering`: networks joined; `bgp`: a BGP session; `member`: belongs to. */
  readonly style: 'route' | 'peering' | 'bgp' | 'member';
}

/** Everything the report shows. */
export interface EgressReportModel {
  /** The output directory as given. */
  readonly dir: string;
  /** Every stack of the output. */
  readonly stacks: readonly string[];
  /** The stacks the report covers. */
  readonly selected: readonly string[];
  readonly networks: readonly NetworkView[];
  readonly firewalls: readonly FirewallView[];
  readonly clusters: readonly ClusterView[];
  readonly tenants: readonly TenantView[];
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
  /** Stacks drawn together because they refer to one another, each sorted; sorted by first stack. */
  readonly groups: readonly (readonly string[])[];
}
