import { IConstruct } from 'constructs';
import { Cidr, derivedInApp, findInApp } from '../core';
import type { AksCluster, IRouteTable, Subnet } from '../azure';
import type { TransitGatewayVpcAttachment, VpcRoute, VpcSubnet } from '../aws';
import { Finding, SecurityCheck } from './check';
import { isAksCluster, isNetworkFirewall, isSubnet, isTransitGateway, isVpcSubnet } from './brands';

const PROTECTED = Symbol.for('cdktf-kubernetes-egress.protectedSubnet');

/** Marks a subnet as protected: check EGRESS003 then requires its default route to lead to a firewall. */
export function markProtected(subnet: Subnet | VpcSubnet): void {
  if (!(subnet as unknown as Record<symbol, unknown>)[PROTECTED]) Object.defineProperty(subnet, PROTECTED, { value: true });
}

function isMarked(subnet: IConstruct): boolean {
  return (subnet as unknown as Record<symbol, unknown>)[PROTECTED] === true;
}

function isDefaultRoute(destination: string): boolean {
  return Cidr.isValid(destination) && Cidr.parse(destination).equals('0.0.0.0/0');
}

/** The clusters (with their own VNet) whose nodes are in `subnet`, in tree order; indexed once per app. */
function clustersOn(subnet: Subnet): readonly AksCluster[] {
  return derivedInApp(subnet, isAksCluster, 'bySubnet', (all) => {
    const map = new Map<IConstruct, AksCluster[]>();
    for (const c of all) {
      if (c.managedVnet || !c.nodeSubnet) continue;
      const same = map.get(c.nodeSubnet);
      if (same) same.push(c); else map.set(c.nodeSubnet, [c]);
    }
    return map;
  }).get(subnet) ?? [];
}

/** Why an Azure subnet is protected, or undefined when it is not. */
function azureReason(subnet: Subnet): string | undefined {
  if (isMarked(subnet)) return 'it is marked protected';
  const cluster = clustersOn(subnet)[0];
  if (cluster) return `it holds the nodes of cluster ${cluster.name}`;
  const firewall = subnet.routeTable?.firewall;
  if (firewall) return `its route table was built for firewall ${firewall.name}`;
  return undefined;
}

function azureFindings(subnet: Subnet): Finding[] {
  const found = azureSubnetFindings(subnet);
  // A cluster exempt from the check (its design is to leave without a firewall) covers its node subnet.
  const clusters = clustersOn(subnet);
  return clusters.length === 0 ? found : found.map((f) => ({ ...f, coveredBy: clusters }));
}

function azureSubnetFindings(subnet: Subnet): Finding[] {
  const why = azureReason(subnet);
  if (why === undefined) return [];
  const fix = 'a protected subnet sends 0.0.0.0/0 to a firewall: associate a FirewallRouteTable (or a route table whose 0.0.0.0/0 goes to a VirtualAppliance)';
  const table = subnet.routeTable;
  if (!table) {
    const out = subnet.natGateway ? `NAT gateway ${subnet.natGateway.name}` : "Azure's default outbound access";
    return [{ site: subnet, field: 'routeTable', value: undefined, allowed: `${why}, and without a route table its 0.0.0.0/0 leaves through ${out}; ${fix}` }];
  }
  const hop = table.defaultRouteNextHopType();
  const at = `routeTable[${table.name}].routes`;
  if (hop === undefined) {
    return [{ site: subnet, field: `${at}[0.0.0.0/0]`, value: undefined, allowed: `${why}, and Azure's system route then sends 0.0.0.0/0 to the Internet; ${fix}` }];
  }
  if (hop !== 'VirtualAppliance') return [{ site: subnet, field: `${at}[0.0.0.0/0].nextHop`, value: hop, allowed: `${why}; ${fix}` }];
  // More specific routes win: halves of the address space sent to the Internet bypass the default route.
  return ((table as Partial<IRouteTable>).routes ?? [])
    .filter((r) => r.nextHop.type === 'Internet' && Cidr.isValid(r.addressPrefix) && Cidr.parse(r.addressPrefix).prefix < BROAD_PREFIX)
    .map((r) => ({
      site: subnet,
      field: `${at}[${r.addressPrefix}].nextHop`,
      value: r.nextHop.type,
      allowed: `${why}, and ${r.addressPrefix} is wider than /${BROAD_PREFIX}: a more specific route than 0.0.0.0/0 takes that part of the ` +
        `Internet around the firewall; send only narrow ranges (e.g. the firewall's own public IPs) to Internet`,
    }));
}

/** Internet routes wider than this (a /7 or more of the address space) count as a way around the firewall. */
const BROAD_PREFIX = 8;

function managedVnetFindings(cluster: AksCluster): Finding[] {
  if (!cluster.managedVnet) return [];
  return [{
    site: cluster,
    field: 'defaultNodePool.subnet',
    value: undefined,
    allowed: `the nodes then live in a VNet AKS manages, whose 0.0.0.0/0 leaves through the ${cluster.outboundType} outbound, not a firewall; ` +
      'give the cluster a node subnet whose route table sends 0.0.0.0/0 to a firewall (AksOutbound.userDefinedRouting({ firewall }))',
  }];
}

/** The VPC attachments of every transit gateway in the app. */
function vpcAttachments(scope: IConstruct): TransitGatewayVpcAttachment[] {
  return findInApp(scope, isTransitGateway).flatMap((t) => [...t.vpcAttachments]);
}

function hostsFirewall(scope: IConstruct, vpc: unknown): boolean {
  return findInApp(scope, isNetworkFirewall).some((f) => f.vpc === vpc);
}

/** Why a VPC subnet is protected, or undefined when it is not. */
function awsReason(subnet: VpcSubnet): string | undefined {
  if (isMarked(subnet)) return 'it is marked protected';
  if (hostsFirewall(subnet, subnet.vpc)) return undefined;
  const attachment = vpcAttachments(subnet).find((a) => a.vpc === subnet.vpc);
  if (!attachment) return undefined;
  // A subnet that only holds the attachment's interfaces has no default route of its own; one that
  // also routes 0.0.0.0/0 carries workloads' traffic and is judged like any other spoke subnet.
  if (attachment.subnets.includes(subnet) && !subnet.routes.some((r) => isDefaultRoute(r.destination))) return undefined;
  return `VPC ${subnet.vpc.name} is a spoke of transit gateway ${attachment.transitGateway.name}`;
}

/** Where a subnet's 0.0.0.0/0 ends up, or a description of where it goes instead of a firewall. */
function awsPath(subnet: VpcSubnet, route: VpcRoute): string | undefined {
  if (route.target.kind === 'vpcEndpoint') {
    return hostsFirewall(subnet, subnet.vpc) ? undefined : 'a VPC endpoint, and no NetworkFirewall is in the VPC';
  }
  const candidates = vpcAttachments(subnet).filter((a) => a.vpc === subnet.vpc);
  const attachment = candidates.find((a) => route.target.dependsOn?.includes(a.resource)) ?? (candidates.length === 1 ? candidates[0] : undefined);
  // A route to a transit gateway the app does not build (or cannot tell apart) cannot be judged.
  if (!attachment) return undefined;
  const tgw = attachment.transitGateway;
  const table = attachment.associatedRouteTable;
  if (!table) return `transit gateway ${tgw.name}, where attachment ${attachment.name} is in no route table`;
  const next = table.routes.find((r) => isDefaultRoute(r.destination));
  if (!next) return `transit gateway ${tgw.name}, whose route table ${table.name} has no 0.0.0.0/0 route`;
  if (next.target === 'blackhole') return `transit gateway ${tgw.name}, whose route table ${table.name} drops 0.0.0.0/0 (blackhole)`;
  const target = tgw.vpcAttachments.find((a) => a === next.target);
  if (target && hostsFirewall(subnet, target.vpc)) return undefined;
  return `transit gateway ${tgw.name}, whose route table ${table.name} sends 0.0.0.0/0 to ${next.target.name}, which holds no NetworkFirewall`;
}

function awsFindings(subnet: VpcSubnet): Finding[] {
  const why = awsReason(subnet);
  if (why === undefined) return [];
  const fix = 'a protected subnet sends 0.0.0.0/0 to a transit gateway whose route table sends it to the attachment of the VPC that holds ' +
    'the NetworkFirewall (attachment.routeToTransitGateway), or to a NetworkFirewall endpoint in its own VPC';
  const route = subnet.routes.find((r) => isDefaultRoute(r.destination));
  if (!route) {
    return [{ site: subnet, field: 'routes[0.0.0.0/0]', value: undefined, allowed: `${why}; ${fix}` }];
  }
  const path = awsPath(subnet, route);
  if (path === undefined) return [];
  return [{ site: subnet, field: 'routes[0.0.0.0/0]', value: path, allowed: `${why}; ${fix}` }];
}

/**
 * EGRESS003: a protected subnet whose default route does not lead to a firewall.
 *
 * Protected subnets: on Azure, the node subnet of every AksCluster, every subnet whose route table
 * was built for a firewall (FirewallRouteTable), and subnets marked with
 * `SecurityChecks.markProtected`; a cluster without a node subnet (a VNet AKS manages) is flagged
 * itself. On AWS, every subnet of a VPC attached to a transit gateway that holds no NetworkFirewall
 * (a spoke), except the subnets of the attachment itself, and subnets marked protected.
 */
export const DEFAULT_ROUTE_BYPASSES_FIREWALL: SecurityCheck = {
  id: 'EGRESS003',
  name: 'default-route-bypasses-firewall',
  defaultLevel: 'error',
  description:
    'A protected subnet must send 0.0.0.0/0 to a firewall, or its workloads leave without one. Protected ' +
    'on Azure: the node subnet of every AksCluster, every subnet whose route table was built for a firewall ' +
    '(FirewallRouteTable), and subnets marked with SecurityChecks.markProtected; a cluster without a node ' +
    'subnet of yours (AKS manages its VNet, e.g. outbound loadBalancer or managedNATGateway) is flagged ' +
    'itself. A 0.0.0.0/0 route to a VirtualAppliance passes (its address may be a reference the check ' +
    'cannot follow); none, Internet, VnetLocal, VirtualNetworkGateway and None do not. Protected on AWS: ' +
    'every subnet of a VPC attached to a transit gateway and holding no NetworkFirewall (a spoke), except ' +
    'the attachment\'s own subnets, and subnets marked protected; the route passes when it goes to the ' +
    'transit gateway and the attachment\'s route table sends 0.0.0.0/0 to a VPC that holds a ' +
    'NetworkFirewall, or to a firewall endpoint in its own VPC. Fix: associate a FirewallRouteTable ' +
    '(AksOutbound.userDefinedRouting({ firewall }) builds one), or route the spoke through the inspection VPC.',
  inspect(node: IConstruct) {
    if (isAksCluster(node)) return managedVnetFindings(node);
    if (isSubnet(node)) return azureFindings(node);
    if (isVpcSubnet(node)) return awsFindings(node);
    return [];
  },
};
