import { Construct, IConstruct } from 'constructs';
import { Annotations, Token } from 'cdktf';
import {
  Cidr, ValidationError, brand, checkAtSynth, checkClearOf, checkDns1123Subdomain, checkEnum, checkIpList, checkLabelKey, checkLabels, checkList, checkNumber, declareRanges, formatValue, requireProps,
  knownOrWarn, warnUnchecked,
} from '../core';
import {
  Affinity, CALICO_API_VERSION, EGRESS_GATEWAY_LOG_SEVERITIES, ENCAPSULATION_MODES, EgressGateway, EgressGatewayFailureDetection, EgressGatewayLogSeverity, EncapsulationMode, FelixConfiguration, IPPool,
  Namespace, OPERATOR_API_VERSION, ResourceRequirements, StringMap, TopologySpreadConstraint, WHEN_UNSATISFIABLE,
} from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { EgressTenant, checkTenant, tenantField } from './egress-tenant';
import { checkGatewayAnnouncement } from './gateway-announcement';
import { checkSelector } from './selector';
import { brandTest, derivedInApp } from '../core/synth-checks';

/** Smallest and largest block size of an IPv4 pool (Calico's IPPool reference). */
export const IPV4_BLOCK_SIZES = { min: 20, max: 32 } as const;

/** Default termination grace period of gateway pods: time for the pods using them to react to the maintenance annotations. */
export const DEFAULT_GATEWAY_GRACE_SECONDS = 60;

/** Props of {@link EgressGatewayTenant}. */
export interface EgressGatewayTenantProps {
  /** The tenant's declaration, shared with the cloud stack's firewall rules. */
  readonly tenant: EgressTenant;
  /** Gateway pods. @default 2 */
  readonly replicas?: number;
  /** Prefix length of the pool's per-node blocks: a /31 block holds two gateways. @default 31, or 32 for a /32 tenant or with `aws` */
  readonly blockSize?: number;
  /**
   * VXLAN mode of the pool. `Never` routes the gateways' addresses natively, which works only where
   * every packet from a client pod to a gateway stays on a link both nodes share, or where the cloud
   * routes the egress range to the right node in every node subnet (`fabricRoutesEgress`). Across
   * subnets without that, a client's packet goes to the subnet's router, which sends it by its own
   * routes (to the transit gateway, through inspection, back through any node's tunnel): `Never` is
   * then refused, and `CrossSubnet` encapsulates exactly the packets that cross a subnet boundary.
   * @default - 'CrossSubnet' when `nodeSubnets` names more than one subnet and `fabricRoutesEgress` is false; otherwise 'Never'
   */
  readonly vxlanMode?: EncapsulationMode;
  /**
   * The subnets the cluster's nodes (clients and gateways) are in, e.g. one per availability zone.
   * @default - one subnet
   */
  readonly nodeSubnets?: readonly (Cidr | string)[];
  /**
   * True where the cloud routes the egress range to the gateway's node in every node subnet, e.g.
   * Azure Route Server, which learns the gateways' routes over BGP and programs them into the VNet.
   * False for AWS Transit Gateway Connect, which routes the range only from the transit gateway.
   * @default false
   */
  readonly fabricRoutesEgress?: boolean;
  /**
   * AWS-native addressing (Calico Enterprise, the second AWS strategy beside Transit Gateway Connect):
   * the tenant's egress range lies inside a VPC subnet of the gateways' zone, the pool is backed by it
   * (`awsSubnetID`), Felix gives the gateways secondary ENIs and addresses there (needs FelixSettings
   * `awsSecondaryIPSupport`), and the VPC routes their addresses natively: no BGP, no tunnel, no VXLAN.
   * @default - not AWS-backed (the range is announced over BGP)
   */
  readonly aws?: EgressGatewayAwsSubnet;
  /** Nodes whose ordinary pods may use the pool: none, only gateways name it. @default '!all()' */
  readonly poolNodeSelector?: string;
  /** @default 'Info' */
  readonly logSeverity?: EgressGatewayLogSeverity;
  /**
   * Node selector of the gateway pods. Where every BGPPeer that lets the tenant's range out rejects routes
   * learned from other nodes (CloudPeerFilter without `announceLearnedRoutes`), it must pin the gateways
   * to those peers' nodes: checked at synth.
   * @default { 'kubernetes.io/os': 'linux' }
   */
  readonly nodeSelector?: StringMap;
  /**
   * Termination grace period of the gateway pods, in seconds. While a gateway terminates, Calico
   * annotates the pods using it with the maintenance window (`egress.projectcalico.org/gatewayMaintenance*`)
   * so they can move long-lived connections; with 0 the window is empty and connections just break.
   * @default DEFAULT_GATEWAY_GRACE_SECONDS (60)
   */
  readonly terminationGracePeriodSeconds?: number;
  /** Affinity of the gateway pods (Kubernetes `affinity`). @default - the operator's (anti-affinity between gateways; no virtual nodes on AKS) */
  readonly affinity?: Affinity;
  /** PriorityClass of the gateway pods, e.g. `system-cluster-critical`. @default - none */
  readonly priorityClassName?: string;
  /** Requests and limits of the `egress-gateway` container. @default - the operator's */
  readonly resources?: ResourceRequirements;
  /**
   * How the gateway pods spread; `[]` for no constraint.
   * @default - at most one more gateway in any zone than in another (maxSkew 1 over topology.kubernetes.io/zone, DoNotSchedule)
   */
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  /**
   * Readiness probes of the gateways' upstream: a gateway whose probes all fail reports not ready and
   * Felix stops sending traffic to it, e.g. `icmpProbe.ips` the firewall's private address (a literal
   * when the YAML is written). The operator refuses a probe timeout shorter than its interval.
   * @default - none
   */
  readonly failureDetection?: EgressGatewayFailureDetection;
}

const tenantBrand = brand('EgressGatewayTenant');

/** The VPC subnet of an AWS-native tenant ({@link EgressGatewayTenantProps.aws}). */
export interface EgressGatewayAwsSubnet {
  /** e.g. `subnet-0123456789abcdef0`, or a reference (`AwsEgressGatewaySubnets.subnetIds[0]`). */
  readonly subnetId: string;
  /** The subnet's CIDR, a literal, e.g. `10.10.100.0/28`: the tenant's egress range must lie inside it. */
  readonly subnetCidr: Cidr | string;
  /** The subnet's zone, e.g. `us-east-1a`: the gateways run only on nodes there. */
  readonly availabilityZone: string;
  /**
   * Public IPv4 addresses of Elastic IPs Calico associates with the gateways, one per gateway, for a
   * fixed public source address (`AwsEgressGatewaySubnets.elasticIpAddresses`). Addresses, not
   * allocation IDs: Calico finds the allocation by its address. The gateway subnet needs a route to an
   * Internet gateway for them to carry traffic. @default - none
   */
  readonly elasticIps?: readonly string[];
}

/**
 * A tenant's egress gateways in the cluster: its namespace, an IPPool of its egress range (no pod
 * gets addresses from it unless it names the pool) and the operator's EgressGateway deployment.
 * Declares the range in the app's address plan; at synth it must be clear of every VNet, VPC, transit
 * gateway CIDR block, pod range, service range and other tenant.
 * @deprecated Use {@link TenantGateways}, the same construct under a name that does not read like a
 * second kind of tenant; kept for one minor version.
 */
export class EgressGatewayTenant extends Construct {
  /** True when `x` is an EgressGatewayTenant (works across copies of the library). */
  public static isEgressGatewayTenant(x: unknown): x is EgressGatewayTenant {
    return tenantBrand.is(x);
  }

  /**
   * The gateways rendered for `tenant` (a declaration or a tenant name) in the cluster `site` belongs
   * to (its ClusterManifests); throws a ValidationError naming `site` and `field` when there are none.
   */
  public static find(site: IConstruct, field: string, tenant: EgressTenant | string): EgressGatewayTenant {
    const cluster = ClusterManifests.of(site);
    const all = derivedInApp(site, EgressGatewayTenant.isEgressGatewayTenant, 'byCluster', byCluster).get(cluster) ?? [];
    const found = all.find((t) => (typeof tenant === 'string' ? t.tenant.name === tenant : t.tenant === tenant));
    if (!found) {
      const names = all.map((t) => t.tenant.name);
      throw new ValidationError(site, typeof tenant === 'string' ? field : tenantField(field, tenant), typeof tenant === 'string' ? tenant : tenant.name,
        `no EgressGatewayTenant renders that tenant in this cluster; tenants with gateways here: ${names.length > 0 ? names.join(', ') : 'none'}`);
    }
    return found;
  }

  /** The tenant's declaration. */
  public readonly tenant: EgressTenant;
  /** Its egress range: the source firewalls see, the range BGP announces. */
  public readonly egressCidr: Cidr;
  /** The Namespace object. */
  public readonly namespace: ManifestEntry;
  /** The IPPool object. */
  public readonly pool: ManifestEntry;
  /** The EgressGateway object. */
  public readonly gateway: ManifestEntry;

  constructor(scope: Construct, id: string, props: EgressGatewayTenantProps) {
    super(scope, id);
    requireProps(this, 'EgressGatewayTenant', props, ['tenant']);
    tenantBrand.mark(this);
    const manifests = ClusterManifests.of(this);
    const t = checkTenant(this, 'tenant', props.tenant);
    this.tenant = t;
    this.egressCidr = t.egressCidr;

    // A /32 tenant holds one address: its blocks are /32 unless the user says otherwise.
    // An AWS-backed pool hands each gateway its own /32 (Calico Enterprise's AWS examples).
    const blockSize = props.blockSize ?? (props.aws ? 32 : Math.max(31, t.egressCidr.prefix));
    if (!Number.isInteger(blockSize) || blockSize < IPV4_BLOCK_SIZES.min || blockSize > IPV4_BLOCK_SIZES.max) {
      throw new ValidationError(this, 'blockSize', blockSize, `an IPv4 pool's block size is /${IPV4_BLOCK_SIZES.min} to /${IPV4_BLOCK_SIZES.max}`);
    }
    if (blockSize < t.egressCidr.prefix) {
      throw new ValidationError(this, 'blockSize', blockSize,
        `pool ${t.poolName} (${t.egressCidr}) cannot hold a /${blockSize} block; use /${t.egressCidr.prefix} to /${IPV4_BLOCK_SIZES.max}`);
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new ValidationError(this, 'replicas', replicas, 'replicas is a whole number, 0 or more');
    }
    if (replicas > t.egressCidr.size) {
      throw new ValidationError(this, 'replicas', replicas,
        `each gateway takes an address of ${t.egressCidr}, which has ${t.egressCidr.size}`);
    }
    const grace = props.terminationGracePeriodSeconds ?? DEFAULT_GATEWAY_GRACE_SECONDS;
    if (!Number.isInteger(grace) || grace < 0) {
      throw new ValidationError(this, 'terminationGracePeriodSeconds', grace, 'a grace period is a whole number of seconds, 0 or more');
    }

    if (props.priorityClassName !== undefined) checkDns1123Subdomain(this, 'priorityClassName', props.priorityClassName);
    checkSelector(this, 'poolNodeSelector', props.poolNodeSelector);
    checkLabels(this, 'nodeSelector', props.nodeSelector);
    for (const kind of ['requests', 'limits'] as const) {
      for (const [name, quantity] of Object.entries(props.resources?.[kind] ?? {})) {
        if (typeof quantity !== 'string' || !QUANTITY.test(quantity)) {
          throw new ValidationError(this, `resources.${kind}.${name}`, quantity, 'a Kubernetes quantity, e.g. 100m, 0.5, 128Mi or 1Gi');
        }
      }
    }
    if (props.failureDetection !== undefined) checkFailureDetection(this, props.failureDetection);
    const logSeverity = checkEnum(this, 'logSeverity', props.logSeverity ?? 'Info', EGRESS_GATEWAY_LOG_SEVERITIES, { what: 'an EgressGateway log level' });
    if (props.topologySpreadConstraints !== undefined) checkSpread(this, props.topologySpreadConstraints);
    const aws = props.aws === undefined ? undefined : this.checkAws(props);
    const vxlanMode = aws ? 'Never' : this.checkVxlanMode(props);

    declareRanges(this, [{ cidr: t.egressCidr, kind: 'egress', label: `egress range of tenant ${t.name}` }]);
    checkAtSynth(this, () => this.checkRenderedOnce());
    if (aws) checkAtSynth(this, () => this.checkAwsSecondaryIps(aws));
    // An AWS-backed range lies inside its VPC subnet by design.
    checkAtSynth(this, () => checkClearOf(this, tenantField('tenant.egressCidr', t), t.egressCidr, aws ? ['vnet', 'transit', 'pod', 'service', 'egress'] : ['vnet', 'vpc', 'transit', 'pod', 'service', 'egress'],
      'an egress range is announced over BGP and named by firewall rules, so it must not be any other network\'s range'));

    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: t.namespace } };
    this.namespace = manifests.add(this, 'namespace', ns);

    const pool: IPPool = {
      apiVersion: CALICO_API_VERSION,
      kind: 'IPPool',
      metadata: { name: t.poolName },
      spec: {
        cidr: t.egressCidr.toString(),
        blockSize,
        nodeSelector: props.poolNodeSelector ?? '!all()',
        vxlanMode,
        // Only gateways take addresses from an AWS-backed pool, never tunnels (Tigera's AWS guide).
        ...(aws ? { awsSubnetID: aws.subnetId, disableBGPExport: true, allowedUses: ['Workload' as const] } : {}),
      },
    };
    this.pool = manifests.add(this, 'ippool', pool);

    const spread = props.topologySpreadConstraints ?? [{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: t.podLabels },
    }];
    const gateway: EgressGateway = {
      apiVersion: OPERATOR_API_VERSION,
      kind: 'EgressGateway',
      metadata: { name: t.gatewayName, namespace: t.namespace },
      spec: {
        logSeverity,
        replicas,
        ipPools: [{ name: t.poolName }],
        template: {
          metadata: { labels: t.podLabels },
          spec: {
            terminationGracePeriodSeconds: grace,
            nodeSelector: {
              ...(props.nodeSelector ?? { 'kubernetes.io/os': 'linux' }),
              ...(aws ? { 'topology.kubernetes.io/zone': aws.availabilityZone } : {}),
            },
            ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
            ...(props.affinity !== undefined ? { affinity: props.affinity } : {}),
            ...(props.priorityClassName !== undefined ? { priorityClassName: props.priorityClassName } : {}),
            ...(props.resources !== undefined ? { containers: [{ name: 'egress-gateway' as const, resources: props.resources }] } : {}),
          },
        },
        ...(props.failureDetection ? { egressGatewayFailureDetection: props.failureDetection } : {}),
        ...(aws ? { aws: { nativeIP: 'Enabled' as const, ...(aws.elasticIps?.length ? { elasticIPs: [...aws.elasticIps] } : {}) } } : {}),
      },
    };
    this.gateway = manifests.add(this, 'egress-gateway', gateway, { dependsOn: [this.namespace, this.pool] });
    // An AWS-backed pool is not announced over BGP: the VPC routes its addresses.
    if (!aws) {
      checkAtSynth(this, () => checkGatewayAnnouncement(this, manifests.entries, {
        egressCidr: t.egressCidr, nodeSelector: gateway.spec.template?.spec?.nodeSelector ?? {}, hasAffinity: props.affinity !== undefined,
      }));
    }
  }

  /** An AWS-backed pool: its range inside the subnet, clear of AWS's reserved addresses, not encapsulated. */
  private checkAws(props: EgressGatewayTenantProps): EgressGatewayAwsSubnet {
    const aws = props.aws!;
    requireProps(this, 'aws', aws, ['subnetId', 'subnetCidr', 'availabilityZone']);
    const subnet = Cidr.of(aws.subnetCidr, { site: this, field: 'aws.subnetCidr' });
    const range = this.tenant.egressCidr;
    if (!subnet.contains(range)) {
      throw new ValidationError(this, tenantField('tenant.egressCidr', this.tenant), range.toString(),
        `an AWS-backed pool lies inside its VPC subnet ${subnet} (aws.subnetCidr)`);
    }
    // AWS reserves the first four addresses and the last one of every subnet.
    const reserved = [0, 1, 2, 3, -1].map((n) => subnet.host(n)).filter((a) => range.contains(a));
    if (reserved.length > 0) {
      throw new ValidationError(this, tenantField('tenant.egressCidr', this.tenant), range.toString(),
        `AWS reserves ${reserved.join(', ')} in subnet ${subnet} (the first four addresses and the last); choose a range clear of them`);
    }
    if (props.vxlanMode !== undefined && props.vxlanMode !== 'Never') {
      throw new ValidationError(this, 'vxlanMode', props.vxlanMode,
        "an AWS-backed pool is routed natively by the VPC: only 'Never'");
    }
    if (props.fabricRoutesEgress !== undefined || props.nodeSubnets !== undefined) {
      throw new ValidationError(this, props.fabricRoutesEgress !== undefined ? 'fabricRoutesEgress' : 'nodeSubnets',
        props.fabricRoutesEgress ?? props.nodeSubnets, 'not with aws: the VPC routes the gateways\' addresses');
    }
    if (aws.elasticIps !== undefined) {
      const eips = checkList<unknown>(this, 'aws.elasticIps', aws.elasticIps, 'a list of Elastic IPs\' public IPv4 addresses');
      eips.forEach((e, i) => {
        if (typeof e === 'string' && e.startsWith('eipalloc-')) {
          throw new ValidationError(this, `aws.elasticIps[${i}]`, e, 'an Elastic IP\'s public IPv4 address, e.g. 203.0.113.10, not its allocation ID '
            + '(Calico finds the allocation by the address; AwsEgressGatewaySubnets.elasticIpAddresses lists them)');
        }
      });
      checkIpList(this, 'aws.elasticIps', eips, { version: 4 });
    }
    return aws;
  }

  /** Felix gives gateways AWS addresses only with `awsSecondaryIPSupport` on (Tigera's AWS guide). */
  private checkAwsSecondaryIps(aws: EgressGatewayAwsSubnet): void {
    const felix = ClusterManifests.of(this).entries
      .filter((e) => e.object.kind === 'FelixConfiguration' && e.object.metadata.name === 'default');
    const modes = "'EnabledENIPerWorkload' or 'Enabled'";
    if (felix.length === 0) {
      Annotations.of(this).addWarning(`aws.subnetId is ${formatValue(aws.subnetId)}; no FelixSettings in this cluster's objects: `
        + `the gateways get addresses only where FelixConfiguration default sets awsSecondaryIPSupport to ${modes}`);
      return;
    }
    const off = felix.find((e) => {
      const mode = (e.object as FelixConfiguration).spec?.awsSecondaryIPSupport;
      return mode === undefined || mode === 'Disabled';
    });
    if (off && !felix.some((e) => e !== off && (e.object as FelixConfiguration).spec?.awsSecondaryIPSupport?.startsWith('Enabled'))) {
      throw new ValidationError(this, 'aws.subnetId', aws.subnetId,
        `an AWS-backed pool needs FelixSettings awsSecondaryIPSupport ${modes} in this cluster (${off.owner.node.path} leaves it off): `
        + 'without it no node offers the projectcalico.org/aws-secondary-ipv4 slot the gateways ask for');
    }
    // Shared ENIs (Secondary-IP-per-workload) take their own primary addresses from a host pool of the subnet.
    const shared = felix.some((e) => (e.object as FelixConfiguration).spec?.awsSecondaryIPSupport === 'Enabled');
    const hostPool = ClusterManifests.of(this).entries.some((e) => e.object.kind === 'IPPool'
      && ((e.object as IPPool).spec?.allowedUses ?? []).includes('HostSecondaryInterface') && (e.object as IPPool).spec?.awsSubnetID === aws.subnetId);
    if (shared && !hostPool) {
      throw new ValidationError(this, 'aws.subnetId', aws.subnetId,
        "with awsSecondaryIPSupport 'Enabled' each secondary ENI takes its primary address from an IPPool with allowedUses [HostSecondaryInterface] "
        + "and this awsSubnetID, and this cluster has none; add one (clear of the tenants' ranges) or use 'EnabledENIPerWorkload'");
    }
  }

  private checkVxlanMode(props: EgressGatewayTenantProps): EncapsulationMode {
    const subnets = (props.nodeSubnets ?? []).map((c, i) => Cidr.of(c, { site: this, field: `nodeSubnets[${i}]` }));
    const distinct = subnets.filter((c, i) => subnets.findIndex((d) => d.equals(c)) === i);
    const acrossSubnets = distinct.length > 1 && !(props.fabricRoutesEgress ?? false);
    const mode = props.vxlanMode ?? (acrossSubnets ? 'CrossSubnet' : 'Never');
    checkEnum(this, 'vxlanMode', mode, ENCAPSULATION_MODES);
    if (acrossSubnets && mode === 'Never') {
      throw new ValidationError(this, 'vxlanMode', mode,
        `the nodes span ${distinct.length} subnets (${distinct.join(', ')}) and nothing routes the egress range between them, so a client's packet to a gateway on another subnet leaves through the subnet's router by the cloud's routes; use CrossSubnet or Always (or set fabricRoutesEgress where the cloud routes the range to the gateway's node)`);
    }
    return mode;
  }

  /** One declaration rendered twice would otherwise read as a range that overlaps itself. */
  private checkRenderedOnce(): void {
    const t = this.tenant;
    // The first other gateway set of the same tenant, or of a tenant of the same name and range.
    const { all, byTenant, byRange } = derivedInApp(this, EgressGatewayTenant.isEgressGatewayTenant, 'renderedTenants', indexRendered);
    const twin = [...byTenant.get(t) ?? [], ...byRange.get(renderedKey(t.name, t.egressCidr)) ?? []]
      .filter((at) => all[at] !== this).sort((a, b) => a - b).map((at) => all[at])[0];
    if (twin) {
      throw new ValidationError(this, tenantField('tenant', t), t.name, `its gateways are also rendered at ${twin.node.path}; `
        + 'one tenant\'s egress range is announced by one cluster only: declare an EgressTenant with its own egressCidr per cluster');
    }
  }
}

/** The fields of a topology spread constraint, as Kubernetes checks them: maxSkew 1 or more, a label key, whenUnsatisfiable, labels. */
function checkSpread(site: IConstruct, constraints: readonly TopologySpreadConstraint[]): void {
  checkList<TopologySpreadConstraint>(site, 'topologySpreadConstraints', constraints, 'a list of topology spread constraints').forEach((c, i) => {
    const field = `topologySpreadConstraints[${i}]`;
    requireProps(site, field, c, ['maxSkew', 'topologyKey', 'whenUnsatisfiable']);
    checkNumber(site, `${field}.maxSkew`, c.maxSkew, { min: 1 });
    checkLabelKey(site, `${field}.topologyKey`, c.topologyKey);
    checkEnum(site, `${field}.whenUnsatisfiable`, c.whenUnsatisfiable, WHEN_UNSATISFIABLE);
    if (c.labelSelector !== undefined) checkLabels(site, `${field}.labelSelector.matchLabels`, c.labelSelector.matchLabels);
  });
}

const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;

/** The operator's defaults of a probe's interval and timeout (EgressGateway CRD). */
const PROBE_DEFAULTS = { icmpProbe: { interval: 5, timeout: 15 }, httpProbe: { interval: 10, timeout: 30 } } as const;

/** The operator's checks of `egressGatewayFailureDetection`, at synth (it would only mark the gateway degraded). */
function checkFailureDetection(site: IConstruct, fd: EgressGatewayFailureDetection): void {
  if (fd.icmpProbe === undefined && fd.httpProbe === undefined) {
    throw new ValidationError(site, 'failureDetection', fd, 'give an icmpProbe, an httpProbe or both (the operator refuses neither)');
  }
  if (fd.healthTimeoutDataStoreSeconds !== undefined) {
    checkNumber(site, 'failureDetection.healthTimeoutDataStoreSeconds', fd.healthTimeoutDataStoreSeconds, { min: 1, max: 2147483647 });
  }
  if (fd.icmpProbe !== undefined) {
    checkIpList(site, 'failureDetection.icmpProbe.ips', fd.icmpProbe.ips, { minItems: 1 });
  }
  if (fd.httpProbe !== undefined) {
    const urls = checkList<unknown>(site, 'failureDetection.httpProbe.urls', fd.httpProbe.urls, 'a list of http:// or https:// URLs');
    if (urls.length === 0) throw new ValidationError(site, 'failureDetection.httpProbe.urls', [], 'an HTTP probe needs at least one URL');
    urls.forEach((given, i) => {
      const u = typeof given === 'string' && Token.isUnresolved(given)
        ? knownOrWarn(site, `failureDetection.httpProbe.urls[${i}]`, given, 'that it is an http:// or https:// URL')
        : given;
      if (u === undefined) return;
      if (typeof u !== 'string' || !/^https?:\/\/[^\s/]+/.test(u)) {
        throw new ValidationError(site, `failureDetection.httpProbe.urls[${i}]`, u, 'an http:// or https:// URL');
      }
    });
  }
  for (const kind of ['icmpProbe', 'httpProbe'] as const) {
    const probe = fd[kind];
    if (probe === undefined) continue;
    const field = `failureDetection.${kind}`;
    if (probe.intervalSeconds !== undefined) checkNumber(site, `${field}.intervalSeconds`, probe.intervalSeconds, { min: 0, max: 2147483647 });
    if (probe.timeoutSeconds !== undefined) checkNumber(site, `${field}.timeoutSeconds`, probe.timeoutSeconds, { min: 0, max: 2147483647 });
    const interval = probe.intervalSeconds ?? PROBE_DEFAULTS[kind].interval;
    const timeout = probe.timeoutSeconds ?? PROBE_DEFAULTS[kind].timeout;
    if (Token.isUnresolved(interval) || Token.isUnresolved(timeout)) {
      const [which, value] = Token.isUnresolved(interval) ? ['intervalSeconds', interval] : ['timeoutSeconds', timeout];
      warnUnchecked(site, `${field}.${which}`, value, 'the rule that the timeout is at least the interval');
    } else if (timeout < interval) {
      throw new ValidationError(site, `${field}.timeoutSeconds`, timeout,
        `the timeout must be at least the interval (${interval}s${probe.intervalSeconds === undefined ? ', the operator\'s default' : ''}); the operator refuses a shorter one`);
    }
  }
}

// findInApp(scope, EgressGatewayTenant.isEgressGatewayTenant) reads the marked instances instead of walking the tree.
brandTest('EgressGatewayTenant', EgressGatewayTenant.isEgressGatewayTenant);

// The gateway sets of an app by tenant and by tenant name and range (positions in `all`), built once
// per app for the checks of every set.
function renderedKey(name: string, cidr: Cidr): string {
  return `${name}|${cidr.key}`;
}

function indexRendered(all: readonly EgressGatewayTenant[]) {
  const byTenant = new Map<EgressTenant, number[]>();
  const byRange = new Map<string, number[]>();
  all.forEach((o, at) => {
    const key = renderedKey(o.tenant.name, o.egressCidr);
    const sameTenant = byTenant.get(o.tenant);
    if (sameTenant) sameTenant.push(at); else byTenant.set(o.tenant, [at]);
    const sameRange = byRange.get(key);
    if (sameRange) sameRange.push(at); else byRange.set(key, [at]);
  });
  return { all, byTenant, byRange };
}

// The gateway sets of an app by the cluster (ClusterManifests) that renders them, in tree order.
function byCluster(all: readonly EgressGatewayTenant[]): Map<ClusterManifests | undefined, EgressGatewayTenant[]> {
  const map = new Map<ClusterManifests | undefined, EgressGatewayTenant[]>();
  for (const t of all) {
    const cluster = ClusterManifests.of(t);
    const same = map.get(cluster);
    if (same) same.push(t); else map.set(cluster, [t]);
  }
  return map;
}
