import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { App, TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  AksCluster, AksOutbound, AzureFirewall, FirewallRouteTable, FirewallRuleFormat, HubSpokePeering, RouteServer, VirtualNetwork,
} from '../../lib/azure';
import { CalicoBgp, ClusterManifests, EgressExportFilter, EgressGatewayTenant, EgressTenant } from '../../lib/calico';
import { RuleCollection } from '../../lib/core';
import { analyze, egressReport, EgressReportModel, readSynthOutput } from '../../lib/report';
import { azureStack, resourceGroup } from '../helpers';

const outdirs: string[] = [];

/** Builds an app with `build`, synthesizes it (validations included) into a new temporary directory and returns it. */
export function synthApp(build: (app: App) => void, skipValidation = false): string {
  const outdir = mkdtempSync(join(tmpdir(), 'egress-report-'));
  outdirs.push(outdir);
  const app = new App({ outdir, skipValidation });
  build(app);
  app.synth();
  return outdir;
}

/** Removes the directories {@link synthApp} made; call from afterAll. */
export function removeOutdirs(): void {
  for (const d of outdirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The Markdown report of an app built with `build`. */
export function reportOf(build: (app: App) => void, stacks?: string[], skipValidation = false): string {
  return egressReport(synthApp(build, skipValidation), { stacks });
}

/** The report's model of an app built with `build`. */
export function modelOf(build: (app: App) => void): EgressReportModel {
  return analyze(readSynthOutput(synthApp(build)));
}

/** Every file under `dir` with the SHA-256 of its content, by relative path. */
export function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
  });
  walk(dir);
  return out;
}

/** The lines of `markdown` between the heading `heading` and the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading ${JSON.stringify(heading)} in the report`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

export const tenant0 = (): EgressTenant => new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });
export const tenant1 = (): EgressTenant => new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' });

/** Options of {@link hubSpoke}. */
export interface HubSpokeOptions {
  /** The firewall's rule collections. */
  readonly rules?: RuleCollection[];
  /** @default FirewallRuleFormat.classic() */
  readonly ruleFormat?: FirewallRuleFormat;
  /** Peer the hub and the spoke (and give the hub a Route Server peering with the nodes). @default true */
  readonly peered?: boolean;
}

/** A hub-spoke cloud stack. */
export interface HubSpoke {
  readonly stack: TerraformStack;
  readonly firewall: AzureFirewall;
  readonly cluster: AksCluster;
  readonly routeServer?: RouteServer;
  readonly spoke: VirtualNetwork;
}

/**
 * Hub `hub-vnet` 10.0.0.0/22 (firewall `hub-fw`, Route Server `hub-rs`) peered with spoke
 * `spoke-vnet` 10.1.0.0/22, whose `nodes` subnet holds AKS `spoke-aks` (userDefinedRouting through
 * route table `spoke-rt`).
 */
export function hubSpoke(app: App, id = 'cloud', o: HubSpokeOptions = {}): HubSpoke {
  const stack = azureStack(app, id);
  const rg = resourceGroup(stack, 'rg');
  const hub = new VirtualNetwork(stack, 'hub', {
    resourceGroup: rg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'],
    subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/24' }, { name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/24' }],
  });
  const spoke = new VirtualNetwork(stack, 'spoke', {
    resourceGroup: rg, name: 'spoke-vnet', addressSpace: ['10.1.0.0/22'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/24' }],
  });
  const nodes = spoke.subnet('nodes');
  const peered = o.peered ?? true;
  const routeServer = peered ? new RouteServer(stack, 'rs', {
    resourceGroup: rg, name: 'hub-rs', subnet: hub.subnet('RouteServerSubnet'),
    peers: [0, 1].map((i) => ({ name: `node-${i}`, peerIp: nodes.vmIp(i), peerAsn: 63400 })),
  }) : undefined;
  if (routeServer) new HubSpokePeering(stack, 'peering', { hub, spoke, hubToSpokeName: 'hub-to-spoke', spokeToHubName: 'spoke-to-hub', gateway: routeServer });
  const firewall = new AzureFirewall(stack, 'fw', {
    resourceGroup: rg, name: 'hub-fw', subnet: hub.subnet('AzureFirewallSubnet'), ruleFormat: o.ruleFormat ?? FirewallRuleFormat.classic(),
    diagnostics: false, ruleCollections: o.rules ?? [],
  });
  new FirewallRouteTable(stack, 'rt', { resourceGroup: rg, name: 'spoke-rt', firewall, subnets: [nodes] });
  const cluster = new AksCluster(stack, 'aks', {
    resourceGroup: rg, name: 'spoke-aks',
    defaultNodePool: { subnet: nodes, nodeCount: 2 },
    network: { plugin: 'none', serviceCidr: '10.9.0.0/24', dnsServiceIp: '10.9.0.10', podCidr: '10.244.0.0/24' },
    outbound: AksOutbound.userDefinedRouting(),
  });
  return { stack, firewall, cluster, routeServer, spoke };
}

/**
 * A cluster stack on `cloud`'s cluster: its kubernetes provider configured from the cluster (a
 * cross-stack reference), the tenants' gateways, and BGP with the Route Server through an export
 * filter that accepts the ranges of `exported`.
 */
export function clusterStack(app: App, cloud: HubSpoke, tenants: EgressTenant[], id = 'cluster', exported = tenants): TerraformStack {
  const stack = new TerraformStack(app, id);
  const provider = new KubernetesProvider(stack, 'kubernetes', cloud.cluster.kubeConnection);
  const manifests = new ClusterManifests(stack, 'calico', { provider });
  const filter = new EgressExportFilter(manifests, 'export', { name: 'export-egress-ips', tenants: exported });
  if (cloud.routeServer) {
    new CalicoBgp(manifests, 'bgp', {
      asNumber: 63400, nodeToNodeMesh: false,
      externalRouters: [{
        name: 'route-server', peerIps: cloud.routeServer.peerIps, asNumber: cloud.routeServer.asn,
        reachableBy: cloud.spoke.subnet('nodes').gatewayIp, filters: [filter],
      }],
    });
  }
  for (const t of tenants) new EgressGatewayTenant(manifests, t.name, { tenant: t });
  return stack;
}
