import { Construct } from 'constructs';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { ApplicationGateway as TfApplicationGateway } from '@cdktf/provider-azurerm/lib/application-gateway';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { AZURE_NETWORK_NAME, ValidationError, brand, checkAtSynth, checkAzureName, checkZones, findInApp } from '../core';
import { requireProps } from '../core/guards';
import { AksCluster } from './aks-cluster';
import { DIAGNOSTIC_LOG_CATEGORIES, ILogAnalyticsWorkspace, DiagnosticSettings, ResourceDiagnosticsOptions, addDiagnostics } from './diagnostics';
import { standardPublicIp } from './public-ip';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { IRouteTable } from './route-table';
import { AZURE_SPECIAL_SUBNETS, Subnet } from './virtual-network';
import { IWafPolicy, WafPolicy } from './waf-policy';
import { brandTest } from '../core/synth-checks';
import { untraced } from '../core/refs';

/** Application Gateway v2 autoscaling limits: at least 0 to 100 instances, at most 2 to 125. */
export const APP_GATEWAY_V2_LIMITS = { minCapacity: { from: 0, to: 100 }, maxCapacity: { from: 2, to: 125 } } as const;

/**
 * The parts of a gateway the Application Gateway Ingress Controller rewrites from the cluster's
 * Ingresses: Terraform ignores changes to them, so a plan does not undo the controller's work.
 */
export const AGIC_MANAGED_ATTRIBUTES: readonly string[] = [
  'backend_address_pool', 'backend_http_settings', 'frontend_port', 'http_listener', 'probe', 'redirect_configuration',
  'request_routing_rule', 'rewrite_rule_set', 'ssl_certificate', 'trusted_root_certificate', 'url_path_map', 'tags',
];

/** Names of the skeleton a new gateway is created with (the names `az network application-gateway create` uses). */
export const APP_GATEWAY_SKELETON = {
  gatewayIpConfiguration: 'appGatewayIpConfig',
  frontendIpConfiguration: 'appGatewayFrontendIP',
  frontendPort: 'appGatewayFrontendPort',
  backendAddressPool: 'appGatewayBackendPool',
  backendHttpSettings: 'appGatewayBackendHttpSettings',
  httpListener: 'appGatewayHttpListener',
  requestRoutingRule: 'rule1',
} as const;

/** Options of {@link AppGatewayPodRouting.kubenet}. */
export interface KubenetPodRoutingOptions {
  /**
   * The route table to associate with the gateway's subnet: one holding a route per node's pod range
   * (AKS writes them into the node subnets' table). Application Gateway v2 does not accept a
   * `0.0.0.0/0` route to a virtual appliance on its subnet, so a node table that forces egress
   * through a firewall cannot be shared: give the gateway a table of its own with the pod routes.
   */
  readonly routeTable: IRouteTable;
}

/**
 * How the gateway reaches pods, which decides whether its subnet gets a route table. With Azure CNI
 * pods have VNet addresses and need none; with kubenet pod ranges sit behind the nodes and the
 * gateway's subnet needs their routes.
 */
export abstract class AppGatewayPodRouting {
  /** Pods have VNet addresses (Azure CNI): no route table on the gateway's subnet. */
  public static azureCni(): AppGatewayPodRouting {
    return new AzureCniRouting();
  }

  /** Pods are behind their nodes (kubenet): the gateway's subnet is associated with `routeTable`. */
  public static kubenet(options: KubenetPodRoutingOptions): AppGatewayPodRouting {
    return new KubenetRouting(options);
  }

  /** `azureCni` or `kubenet`. */
  public abstract readonly kind: 'azureCni' | 'kubenet';

  /** Creates or associates what the variant needs on the gateway's subnet; returns the table, if any. */
  public abstract bind(gateway: Construct, subnet: Subnet): IRouteTable | undefined;
}

class AzureCniRouting extends AppGatewayPodRouting {
  public readonly kind = 'azureCni' as const;

  public bind(): IRouteTable | undefined {
    return undefined;
  }
}

class KubenetRouting extends AppGatewayPodRouting {
  public readonly kind = 'kubenet' as const;

  constructor(private readonly options: KubenetPodRoutingOptions) {
    super();
  }

  public bind(gateway: Construct, subnet: Subnet): IRouteTable {
    const table = this.options.routeTable;
    if (!table) {
      throw new ValidationError(gateway, 'podRouting.routeTable', undefined,
        'kubenet routing needs the route table with the pod routes, e.g. the node subnets\' table');
    }
    if (subnet.routeTable && subnet.routeTable !== table) {
      throw new ValidationError(gateway, 'podRouting.routeTable', table.name,
        `subnet ${subnet.name} already has route table ${subnet.routeTable.name}; a subnet takes one`);
    }
    if (!subnet.routeTable) table.associate(subnet);
    return table;
  }
}

/** Props of {@link ApplicationGateway}. */
export interface ApplicationGatewayProps {
  readonly resourceGroup: IResourceGroup;
  /** The gateway's name, e.g. `dzk8sappgw1`. */
  readonly name: string;
  /** A subnet for the gateway alone; /24 is what Azure recommends for v2. */
  readonly subnet: Subnet;
  /** Name of the public IP of the frontend. @default `${name}-pip` */
  readonly publicIpName?: string;
  /** Instances: min 0 to 100, max 2 to 125. @default { minCapacity: 0, maxCapacity: 10 } */
  readonly autoscale?: { readonly minCapacity?: number; readonly maxCapacity?: number };
  /** @default true */
  readonly http2?: boolean;
  /** Availability zones of the gateway and its public IP, e.g. ['1', '2', '3']. @default - none */
  readonly zones?: string[];
  /** The WAF policy. @default - a new WafPolicy named `${name}-waf`: OWASP 3.2 in Prevention mode */
  readonly wafPolicy?: IWafPolicy;
  /** How the gateway reaches pods. @default AppGatewayPodRouting.azureCni() */
  readonly podRouting?: AppGatewayPodRouting;
  /**
   * Leave the listeners, backends, rules, probes and certificates to the ingress controller:
   * Terraform creates the skeleton and then ignores changes to them (AGIC_MANAGED_ATTRIBUTES).
   * @default true
   */
  readonly managedByIngressController?: boolean;
  /** Access, performance and WAF logs to Log Analytics; `false` turns them off. @default - on, with a new workspace */
  readonly diagnostics?: ResourceDiagnosticsOptions | false;
  /** @default - none */
  readonly tags?: Tags;
}

const gatewayBrand = brand('ApplicationGateway');

/**
 * An Application Gateway WAF_v2 with autoscaling, HTTP/2, a WAF policy, a public frontend and the
 * minimal listener/backend/rule skeleton the Application Gateway Ingress Controller takes over.
 * Checks that its subnet holds nothing else, is large enough for the maximum instance count and
 * sends `0.0.0.0/0` nowhere but the Internet (v2 does not support forced tunnelling).
 */
export class ApplicationGateway extends Construct {
  /** True when `x` is an ApplicationGateway (works across copies of the library). */
  public static isApplicationGateway(x: unknown): x is ApplicationGateway {
    return gatewayBrand.is(x);
  }

  /** The gateway's name in Azure. */
  public readonly name: string;
  /** Name of its resource group. */
  public readonly resourceGroupName: string;
  /** Its subnet. */
  public readonly subnet: Subnet;
  /** Autoscaling range. */
  public readonly minCapacity: number;
  /** Autoscaling range. */
  public readonly maxCapacity: number;
  /** The WAF policy. */
  public readonly wafPolicy: IWafPolicy;
  /** `azureCni` or `kubenet`. */
  public readonly podRouting: 'azureCni' | 'kubenet';
  /** The route table on the gateway's subnet, with kubenet routing. */
  public readonly routeTable?: IRouteTable;
  /** The azurerm_application_gateway resource (escape hatch). */
  public readonly resource: TfApplicationGateway;
  /** The frontend's public IP resource. */
  public readonly publicIpResource: PublicIp;
  /** The workspace diagnostics go to, unless turned off. */
  public readonly workspace?: ILogAnalyticsWorkspace;
  /** The diagnostic setting, unless turned off. */
  public readonly diagnostics?: DiagnosticSettings;

  constructor(scope: Construct, id: string, props: ApplicationGatewayProps) {
    super(scope, id);
    requireProps(this, 'ApplicationGateway', props, ['resourceGroup', 'name', 'subnet']);
    gatewayBrand.mark(this);
    checkAzureName(this, 'name', props.name, AZURE_NETWORK_NAME);
    const publicIpName = props.publicIpName ?? `${props.name}-pip`;
    checkAzureName(this, 'publicIpName', publicIpName, AZURE_NETWORK_NAME);
    this.name = props.name;
    this.resourceGroupName = props.resourceGroup.name;
    this.subnet = props.subnet;
    if (props.zones !== undefined) checkZones(this, 'zones', props.zones);
    this.minCapacity = props.autoscale?.minCapacity ?? 0;
    this.maxCapacity = props.autoscale?.maxCapacity ?? 10;
    this.checkCapacity();
    this.checkSubnet();

    const routing = props.podRouting ?? AppGatewayPodRouting.azureCni();
    if (!(routing instanceof AppGatewayPodRouting)) {
      throw new ValidationError(this, 'podRouting', routing, 'expected AppGatewayPodRouting.azureCni() or AppGatewayPodRouting.kubenet({ routeTable })');
    }
    this.podRouting = routing.kind;
    this.routeTable = routing.bind(this, props.subnet);

    this.wafPolicy = props.wafPolicy ?? new WafPolicy(this, 'waf-policy', {
      resourceGroup: props.resourceGroup,
      name: `${props.name}-waf`,
      tags: azureTags(this, props.tags),
    });
    this.publicIpResource = standardPublicIp(this, 'public-ip', { name: publicIpName, resourceGroup: props.resourceGroup, zones: props.zones, tags: azureTags(this, props.tags) });

    const s = APP_GATEWAY_SKELETON;
    // The binding is loaded here, by apps with an Application Gateway only.
    const binding: typeof import('@cdktf/provider-azurerm/lib/application-gateway') = require('@cdktf/provider-azurerm/lib/application-gateway');
    this.resource = untraced(() => new binding.ApplicationGateway(this, 'gateway', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      sku: { name: 'WAF_v2', tier: 'WAF_v2' },
      autoscaleConfiguration: { minCapacity: this.minCapacity, maxCapacity: this.maxCapacity },
      enableHttp2: props.http2 ?? true,
      zones: props.zones,
      firewallPolicyId: this.wafPolicy.id,
      // TLS 1.2 or later for the HTTPS listeners the ingress controller adds.
      sslPolicy: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101' },
      gatewayIpConfiguration: [{ name: s.gatewayIpConfiguration, subnetId: props.subnet.id }],
      frontendIpConfiguration: [{ name: s.frontendIpConfiguration, publicIpAddressId: this.publicIpResource.id }],
      frontendPort: [{ name: s.frontendPort, port: 80 }],
      backendAddressPool: [{ name: s.backendAddressPool }],
      backendHttpSettings: [{
        name: s.backendHttpSettings,
        port: 80,
        protocol: 'Http',
        cookieBasedAffinity: 'Disabled',
        requestTimeout: 30,
      }],
      httpListener: [{
        name: s.httpListener,
        frontendIpConfigurationName: s.frontendIpConfiguration,
        frontendPortName: s.frontendPort,
        protocol: 'Http',
      }],
      requestRoutingRule: [{
        name: s.requestRoutingRule,
        ruleType: 'Basic',
        priority: 100,
        httpListenerName: s.httpListener,
        backendAddressPoolName: s.backendAddressPool,
        backendHttpSettingsName: s.backendHttpSettings,
      }],
      lifecycle: (props.managedByIngressController ?? true) ? { ignoreChanges: [...AGIC_MANAGED_ATTRIBUTES] } : undefined,
      dependsOn: this.routeTable ? [...this.routeTable.dependables] : undefined,
      tags: azureTags(this, props.tags),
    }));

    if (props.diagnostics !== false) {
      const d = addDiagnostics(this, {
        name: props.name,
        id: this.resource.id,
        resourceGroup: props.resourceGroup,
        defaultLogCategories: DIAGNOSTIC_LOG_CATEGORIES.applicationGateway,
        tags: azureTags(this, props.tags),
      }, props.diagnostics ?? {});
      this.workspace = d.workspace;
      this.diagnostics = d.setting;
    }
    checkAtSynth(this, () => this.checkSubnetInApp());
  }

  /** The gateway's resource ID (a reference). */
  public get id(): string {
    return this.resource.id;
  }

  /** The frontend's public IP address (a reference). */
  public get publicIp(): string {
    return this.publicIpResource.ipAddress;
  }

  private checkCapacity(): void {
    const { minCapacity: min, maxCapacity: max } = APP_GATEWAY_V2_LIMITS;
    if (!Number.isInteger(this.minCapacity) || this.minCapacity < min.from || this.minCapacity > min.to) {
      throw new ValidationError(this, 'autoscale.minCapacity', this.minCapacity,
        `Application Gateway v2 scales from a minimum of ${min.from} to ${min.to} instances`);
    }
    if (!Number.isInteger(this.maxCapacity) || this.maxCapacity < max.from || this.maxCapacity > max.to) {
      throw new ValidationError(this, 'autoscale.maxCapacity', this.maxCapacity,
        `Application Gateway v2 scales to a maximum of ${max.from} to ${max.to} instances`);
    }
    if (this.maxCapacity < this.minCapacity) {
      throw new ValidationError(this, 'autoscale.maxCapacity', this.maxCapacity,
        `it is below minCapacity ${this.minCapacity}; the maximum must be at least the minimum`);
    }
  }

  private checkSubnet(): void {
    const subnet = this.subnet;
    const special = AZURE_SPECIAL_SUBNETS[subnet.name];
    if (special) {
      throw new ValidationError(this, 'subnet', subnet.name,
        `${subnet.name} is reserved for ${special.service}; an Application Gateway needs a subnet of its own`);
    }
    // One address per instance; Azure keeps five of every subnet.
    if (subnet.usableAddressCount < this.maxCapacity) {
      throw new ValidationError(this, 'subnet', `${subnet.name} (${subnet.cidr})`,
        `it has ${subnet.usableAddressCount} addresses for instances and the gateway scales to ${this.maxCapacity}; ` +
        'give it a larger subnet (Azure recommends /24 for v2) or lower autoscale.maxCapacity');
    }
  }

  /** Nothing but Application Gateways in the subnet; no forced tunnelling on it. */
  private checkSubnetInApp(): void {
    const subnet = this.subnet;
    const cluster = findInApp(this, AksCluster.isAksCluster).find((c) => !c.managedVnet && c.nodeSubnet === subnet);
    if (cluster) {
      throw new ValidationError(this, 'subnet', subnet.name,
        `cluster ${cluster.name} (${cluster.node.path}) has its nodes there; an Application Gateway's subnet holds nothing but Application Gateways`);
    }
    const sharing = findInApp(this, ApplicationGateway.isApplicationGateway).filter((g) => g.subnet === subnet);
    const instances = sharing.reduce((sum, g) => sum + g.maxCapacity, 0);
    if (sharing.length > 1 && instances > subnet.usableAddressCount) {
      throw new ValidationError(this, 'subnet', `${subnet.name} (${subnet.cidr})`,
        `gateways ${sharing.map((g) => g.name).join(', ')} share it and scale to ${instances} instances together; ` +
        `it has ${subnet.usableAddressCount} addresses for them`);
    }
    const hop = subnet.routeTable?.defaultRouteNextHopType();
    if (hop !== undefined && hop !== 'Internet') {
      throw new ValidationError(this, `subnet ${subnet.name} route table ${subnet.routeTable!.name} (0.0.0.0/0)`, hop,
        'Application Gateway v2 does not support sending 0.0.0.0/0 anywhere but Internet on its subnet; ' +
        'give the gateway a route table of its own (pod routes and, if any, 0.0.0.0/0 to Internet)');
    }
  }
}

// findInApp(scope, ApplicationGateway.isApplicationGateway) reads the marked instances instead of walking the tree.
brandTest('ApplicationGateway', ApplicationGateway.isApplicationGateway);
