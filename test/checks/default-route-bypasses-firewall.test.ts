import { App, Testing } from 'cdktf';
import {
  AksCluster, AksOutbound, FirewallRouteTable, NatGateway, NextHop, RouteTable, RouteSpec, VirtualNetwork,
} from '../../lib/azure';
import { NetworkFirewall, VpcRouteTarget, VpcSubnet } from '../../lib/aws';
import { SecurityChecks } from '../../lib/checks';
import { awsStack, azureStack, lineOf } from '../helpers';
import { cluster, firewall, rg, vnet } from '../azure/outbound-fixtures';
import { inspectionVpc, spokeVpc, transitGateway } from '../aws/fixtures';
import { annotations, describeLevels, only, runChecks } from './helpers';

const FIX_AZURE = 'a protected subnet sends 0.0.0.0/0 to a firewall: associate a FirewallRouteTable (or a route table whose 0.0.0.0/0 goes to a ' +
  'VirtualAppliance) (security check EGRESS003 default-route-bypasses-firewall)';
const FIX_AWS = 'a protected subnet sends 0.0.0.0/0 to a transit gateway whose route table sends it to the attachment of the VPC that holds the ' +
  'NetworkFirewall (attachment.routeToTransitGateway), or to a NetworkFirewall endpoint in its own VPC (security check EGRESS003 default-route-bypasses-firewall)';

const warnings = (scenario: (app: App) => unknown) => annotations(runChecks((app) => {
  scenario(app);
  return app;
}, only('EGRESS003', 'warning')), 'warning');

/** A cluster on the `nodes` subnet with a route table of `routes` (none: no table). */
const clusterWithRoutes = (routes?: RouteSpec[]) => (app: App) => {
  const stack = azureStack(app);
  const net = vnet(stack);
  const nodes = net.subnet('nodes');
  if (routes) new RouteTable(stack, 'rt', { resourceGroup: rg, name: 'nodes-rt', routes, subnets: [nodes] });
  cluster(stack, AksOutbound.loadBalancer(), { nodeSubnet: nodes, apiServerAuthorizedIpRanges: ['203.0.113.0/24'] });
  return nodes;
};

describe('EGRESS003 default-route-bypasses-firewall', () => {
  describe('Azure: the node subnet of a cluster without a route table', () => {
    describeLevels('EGRESS003', clusterWithRoutes(),
      `test/vnet/nodes: routeTable is missing; it holds the nodes of cluster aks, and without a route table its 0.0.0.0/0 leaves through Azure's default outbound access; ${FIX_AZURE}`);
  });

  describe('Azure: a cluster in a VNet AKS manages', () => {
    describeLevels('EGRESS003', (app) => cluster(azureStack(app), AksOutbound.managedNatGateway({ managedOutboundIpCount: 1 })),
      'test/aks: defaultNodePool.subnet is missing; the nodes then live in a VNet AKS manages, whose 0.0.0.0/0 leaves through the ' +
      'managedNATGateway outbound, not a firewall; give the cluster a node subnet whose route table sends 0.0.0.0/0 to a firewall ' +
      '(AksOutbound.userDefinedRouting({ firewall })) (security check EGRESS003 default-route-bypasses-firewall)');
  });

  test('Azure: a node subnet whose 0.0.0.0/0 goes to the Internet', () => {
    expect(warnings(clusterWithRoutes([{ name: 'out', addressPrefix: '0.0.0.0/0', nextHop: NextHop.internet() }]))).toEqual([
      `test/vnet/nodes: routeTable[nodes-rt].routes[0.0.0.0/0].nextHop is "Internet"; it holds the nodes of cluster aks; ${FIX_AZURE}`,
    ]);
  });

  test('Azure: a node subnet whose route table has no 0.0.0.0/0 route', () => {
    expect(warnings(clusterWithRoutes([{ name: 'onprem', addressPrefix: '192.168.0.0/16', nextHop: NextHop.virtualNetworkGateway() }]))).toEqual([
      `test/vnet/nodes: routeTable[nodes-rt].routes[0.0.0.0/0] is missing; it holds the nodes of cluster aks, and Azure's system route then sends 0.0.0.0/0 to the Internet; ${FIX_AZURE}`,
    ]);
  });

  test('Azure: halves of the address space sent to the Internet go around a default route to the firewall', () => {
    expect(warnings(clusterWithRoutes([
      { name: 'fw', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.42.2.4') },
      { name: 'low', addressPrefix: '0.0.0.0/1', nextHop: NextHop.internet() },
      { name: 'high', addressPrefix: '128.0.0.0/1', nextHop: NextHop.internet() },
      { name: 'fw-ip', addressPrefix: '20.1.2.3/32', nextHop: NextHop.internet() },
    ]))).toEqual(['0.0.0.0/1', '128.0.0.0/1'].map((p) =>
      `test/vnet/nodes: routeTable[nodes-rt].routes[${p}].nextHop is "Internet"; it holds the nodes of cluster aks, and ${p} is wider than /8: ` +
      'a more specific route than 0.0.0.0/0 takes that part of the Internet around the firewall; send only narrow ranges (e.g. the firewall\'s own ' +
      'public IPs) to Internet (security check EGRESS003 default-route-bypasses-firewall)'));
  });

  test('Azure: a node subnet leaving through its NAT gateway names the gateway', () => {
    expect(warnings((app) => {
      const stack = azureStack(app);
      const net = vnet(stack);
      const nat = new NatGateway(stack, 'nat', { resourceGroup: rg, name: 'nat-gw' });
      nat.associate(net.subnet('nodes'));
      cluster(stack, AksOutbound.userAssignedNatGateway({ identityName: 'aks-id' }), { nodeSubnet: net.subnet('nodes'), apiServerAuthorizedIpRanges: ['203.0.113.0/24'] });
    })).toEqual([
      `test/vnet/nodes: routeTable is missing; it holds the nodes of cluster aks, and without a route table its 0.0.0.0/0 leaves through NAT gateway nat-gw; ${FIX_AZURE}`,
    ]);
  });

  test('Azure: a subnet marked protected is checked like a node subnet', () => {
    const scenario = (mark: boolean) => (app: App) => {
      const stack = azureStack(app);
      const net = new VirtualNetwork(stack, 'vnet', { resourceGroup: rg, name: 'vnet', addressSpace: ['10.50.0.0/16'], subnets: [{ name: 'vms', addressPrefix: '10.50.0.0/24' }] });
      if (mark) SecurityChecks.markProtected(net.subnet('vms'));
    };
    expect(warnings(scenario(true))).toEqual([
      `test/vnet/vms: routeTable is missing; it is marked protected, and without a route table its 0.0.0.0/0 leaves through Azure's default outbound access; ${FIX_AZURE}`,
    ]);
    expect(warnings(scenario(false))).toEqual([]);
  });

  test('Azure: passes node subnets whose 0.0.0.0/0 goes to a firewall or another virtual appliance', () => {
    expect(warnings((app) => {
      const stack = azureStack(app);
      const net = vnet(stack);
      const fw = firewall(stack, net);
      new FirewallRouteTable(stack, 'rt', { resourceGroup: rg, name: 'rt', firewall: fw, subnets: [net.subnet('nodes')] });
      cluster(stack, AksOutbound.userDefinedRouting(), { nodeSubnet: net.subnet('nodes') });
    })).toEqual([]);
    expect(warnings(clusterWithRoutes([{ name: 'nva', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.42.2.4') }]))).toEqual([]);
  });

  test('Azure: a subnet that is neither a node subnet nor behind a firewall table nor marked is not protected', () => {
    expect(warnings((app) => {
      const stack = azureStack(app);
      vnet(stack);
    })).toEqual([]);
  });

  /** Document 004's shape: a spoke and an inspection VPC with a firewall on one transit gateway. */
  const hub = (app: App, defaultTarget: 'inspection' | 'spoke' | 'blackhole' | 'none' = 'inspection', spokeRoute = true) => {
    const stack = awsStack(app);
    const source = spokeVpc(stack, 'source', '10.10.0.0/16');
    const other = spokeVpc(stack, 'other', '10.20.0.0/16');
    const insp = inspectionVpc(stack);
    new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: insp });
    const tgw = transitGateway(stack);
    const src = tgw.attachVpc({ vpc: source, subnets: source.subnetsInGroup('tgw') });
    const oth = tgw.attachVpc({ vpc: other, subnets: other.subnetsInGroup('tgw') });
    const inspection = tgw.attachInspectionVpc(insp);
    if (spokeRoute) src.routeToTransitGateway(source.subnetsInGroup('nodes'), ['0.0.0.0/0']);
    oth.routeToTransitGateway(other.subnetsInGroup('nodes'), ['0.0.0.0/0']);
    const spokes = tgw.addRouteTable('spokes-rt');
    spokes.associate(src);
    spokes.associate(oth);
    if (defaultTarget !== 'none') {
      spokes.addRoute({ destination: '0.0.0.0/0', target: defaultTarget === 'inspection' ? inspection : defaultTarget === 'spoke' ? oth : 'blackhole' });
    }
    tgw.addRouteTable('firewall-rt').associate(inspection);
    return { stack, source, src, tgw };
  };

  describe('AWS: a spoke subnet without a 0.0.0.0/0 route', () => {
    describeLevels('EGRESS003', (app) => {
      const { source, src } = hub(app, 'inspection', false);
      src.routeToTransitGateway([source.subnet('source-nodes-b')], ['0.0.0.0/0']);
      return source.subnet('source-nodes-a');
    },
      `test/source/source-nodes-a: routes[0.0.0.0/0] is missing; VPC source is a spoke of transit gateway hub-tgw; ${FIX_AWS}`);
  });

  test('AWS: passes spokes whose 0.0.0.0/0 reaches the inspection VPC through the transit gateway', () => {
    expect(warnings((app) => hub(app))).toEqual([]);
  });

  test.each([
    ['spoke', 'whose route table spokes-rt sends 0.0.0.0/0 to other-attachment, which holds no NetworkFirewall'],
    ['blackhole', 'whose route table spokes-rt drops 0.0.0.0/0 (blackhole)'],
    ['none', 'whose route table spokes-rt has no 0.0.0.0/0 route'],
  ] as const)('AWS: flags spoke subnets when the transit gateway sends 0.0.0.0/0 to %s', (target, path) => {
    const found = warnings((app) => hub(app, target));
    expect(found).toHaveLength(4);
    expect(found[0]).toBe(`test/source/source-nodes-a: routes[0.0.0.0/0] is "transit gateway hub-tgw, ${path}"; VPC source is a spoke of transit gateway hub-tgw; ${FIX_AWS}`);
  });

  test('AWS: an attachment placed in the node subnets is judged by their default route', () => {
    const found = warnings((app) => {
      const stack = awsStack(app);
      const source = spokeVpc(stack, 'source', '10.10.0.0/16');
      const other = spokeVpc(stack, 'other', '10.20.0.0/16');
      const insp = inspectionVpc(stack);
      new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: insp });
      const tgw = transitGateway(stack);
      const src = tgw.attachVpc({ vpc: source, subnets: source.subnetsInGroup('nodes') });
      const oth = tgw.attachVpc({ vpc: other, subnets: other.subnetsInGroup('tgw') });
      const inspection = tgw.attachInspectionVpc(insp);
      src.routeToTransitGateway(source.subnetsInGroup('nodes'), ['0.0.0.0/0']);
      const spokes = tgw.addRouteTable('spokes-rt');
      spokes.associate(src);
      spokes.associate(oth);
      spokes.addRoute({ destination: '0.0.0.0/0', target: oth });
      tgw.addRouteTable('firewall-rt').associate(inspection);
    });
    expect(found.filter((f) => f.startsWith('test/source/source-nodes'))).toEqual(['a', 'b'].map((z) =>
      `test/source/source-nodes-${z}: routes[0.0.0.0/0] is "transit gateway hub-tgw, whose route table spokes-rt sends 0.0.0.0/0 to other-attachment, ` +
      `which holds no NetworkFirewall"; VPC source is a spoke of transit gateway hub-tgw; ${FIX_AWS}`));
  });

  test('AWS: a VPC attached to no transit gateway is not protected', () => {
    expect(warnings((app) => {
      const stack = awsStack(app);
      spokeVpc(stack, 'lonely', '10.30.0.0/16');
    })).toEqual([]);
  });

  test('AWS: a VPC endpoint passes only in a VPC that holds a NetworkFirewall', () => {
    expect(warnings((app) => {
      const stack = awsStack(app);
      const vpc = spokeVpc(stack, 'solo', '10.40.0.0/16');
      new NetworkFirewall(stack, 'fw', { name: 'solo-fw', vpc: inspectionVpc(stack) });
      const subnet: VpcSubnet = vpc.subnet('solo-nodes-a');
      SecurityChecks.markProtected(subnet);
      subnet.addRoute({ destination: '0.0.0.0/0', target: VpcRouteTarget.vpcEndpoint('vpce-0123') });
    })).toEqual([
      `test/solo/solo-nodes-a: routes[0.0.0.0/0] is "a VPC endpoint, and no NetworkFirewall is in the VPC"; it is marked protected; ${FIX_AWS}`,
    ]);
    // The inspection VPC's attachment subnets send 0.0.0.0/0 to the firewall endpoint of their zone.
    expect(warnings((app) => {
      const stack = awsStack(app);
      const insp = inspectionVpc(stack);
      new NetworkFirewall(stack, 'fw', { name: 'inspection-fw', vpc: insp });
      SecurityChecks.markProtected(insp.transitGatewaySubnets[0]);
    })).toEqual([]);
  });
});

describe('EGRESS003: a cluster whose design is to leave to the Internet without a firewall', () => {
  const REASON = 'a build cluster that pulls from the Internet; no tenant data on it';

  test('exempting the cluster covers the finding on its node subnet', () => {
    const app = runChecks((a) => {
      const nodes = clusterWithRoutes()(a);
      const aks = a.node.findAll().find((n) => n.node.path === 'test/aks')!;
      SecurityChecks.exempt(aks, 'EGRESS003', REASON);
      return nodes;
    }, only('EGRESS003', 'error'));
    expect(annotations(app, 'warning')).toEqual([]);
    expect(annotations(app, 'info')).toEqual([`EGRESS003 exempted: ${REASON}`]);
  });

  test('internetEgressByDesign declares it on the cluster, for its subnets and the cluster itself', () => {
    expect(warnings((a) => {
      const nodes = clusterWithRoutes([{ name: 'out', addressPrefix: '0.0.0.0/0', nextHop: NextHop.internet() }])(a);
      const aks = a.node.findAll().find((n) => n.node.path === 'test/aks')! as AksCluster;
      SecurityChecks.internetEgressByDesign(aks, REASON);
      return nodes;
    })).toEqual([]);
    expect(warnings((a) => {
      const aks = cluster(azureStack(a), AksOutbound.managedNatGateway({ managedOutboundIpCount: 1 }));
      SecurityChecks.internetEgressByDesign(aks, REASON);
      return aks;
    })).toEqual([]);
  });

  test('the exemption of one cluster does not cover another subnet', () => {
    expect(warnings((a) => {
      const stack = azureStack(a);
      const net = vnet(stack);
      const aks = cluster(stack, AksOutbound.loadBalancer(), { nodeSubnet: net.subnet('nodes'), apiServerAuthorizedIpRanges: ['203.0.113.0/24'] });
      SecurityChecks.internetEgressByDesign(aks, REASON);
      SecurityChecks.markProtected(net.subnet('AzureFirewallSubnet'));
      return aks;
    })).toEqual([
      `test/vnet/AzureFirewallSubnet: routeTable is missing; it is marked protected, and without a route table its 0.0.0.0/0 leaves through Azure's default outbound access; ${FIX_AZURE}`,
    ]);
  });

  test('refuses what is not a cluster, and a reason too short to judge', () => {
    expect(() => SecurityChecks.internetEgressByDesign({} as AksCluster, REASON)).toThrow( // not a cluster
      `SecurityChecks.internetEgressByDesign() at ${lineOf(__filename, 'not a cluster')}: cluster is {}; internetEgressByDesign takes an AksCluster`);
    const app = Testing.app();
    const aks = cluster(azureStack(app), AksOutbound.loadBalancer());
    expect(() => SecurityChecks.internetEgressByDesign(aks, 'because')).toThrow(
      'test/aks: exemption EGRESS003: reason is "because"; an exemption needs a reason of at least 10 characters (not counting spaces at either end): a sentence saying why the construct may break the check, which reviewers can judge');
  });
});
