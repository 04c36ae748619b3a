import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Cidr, declareRanges } from '../../lib/core';
import { AksOutbound } from '../../lib/azure';
import {
  BGPFilterRule, BgpFilter, CALICO_API_VERSION, CalicoBgp, CalicoInstallPool, CalicoOperator, ClusterManifests, EgressExportFilter,
  EgressTenant, IpPoolPatch,
} from '../../lib/calico';
import { azureStack, clusterStack } from '../helpers';
import { cluster } from '../azure/outbound-fixtures';
import { annotations, describeLevels, only, runChecks } from './helpers';

const tenant0 = new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' });

/** The app's pod range 10.244.0.0/24, declared by a construct standing in for the cluster. */
function declarePods(stack: TerraformStack): void {
  declareRanges(new Construct(stack, 'pods'), [{ cidr: Cidr.parse('10.244.0.0/24'), kind: 'pod', label: 'pod CIDR of cluster spoke1-aks' }]);
}

/** A cluster stack whose Calico peers with a Route Server at 10.0.1.4 through `filters` (made by `extra`). */
const peering = (extra: (manifests: ClusterManifests, app: App) => (BgpFilter | string)[] = () => [], pods = declarePods) => (app: App) => {
  const { stack, manifests } = clusterStack(app);
  pods(stack);
  const filters = extra(manifests, app);
  return new CalicoBgp(manifests, 'bgp', {
    asNumber: 63400,
    routeReflectors: { selector: "route-reflector == 'true'" },
    externalRouters: [{ name: 'azure-route-server', peerIps: ['10.0.1.4'], asNumber: 65515, filters }],
  });
};

/** A cloud stack with the Calico operator creating `pools`. */
function operator(app: App, pools: CalicoInstallPool[]): CalicoOperator {
  const stack = azureStack(app, 'cloud');
  const helm = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
  return new CalicoOperator(stack, 'calico', { provider: helm, ipPools: pools });
}

const filter = (rules: BGPFilterRule[]) => (manifests: ClusterManifests) => [new BgpFilter(manifests, 'f', { name: 'f', exportV4: rules })];

const leak = (filters: string, what: string) => `cluster/calico/bgp: peers[azure-route-server-a].filters is ${filters}; the peer (10.0.1.4) is a router ` +
  `outside the cluster, the routes of ${what} ${filters === 'missing' ? 'go out unfiltered' : 'pass these filters'} and no pool sets disableBGPExport for it, so pod addresses are announced ` +
  'outside the cluster and become reachable without going through the egress gateways; list an EgressExportFilter in the peer\'s filters, ' +
  'or set disableBGPExport on the pod pool (CalicoInstallPool) (security check EGRESS005 pod-pool-bgp-export)';

const warnings = (scenario: (app: App) => Construct) => annotations(runChecks(scenario, only('EGRESS005', 'warning')), 'warning');

describe('EGRESS005 pod-pool-bgp-export', () => {
  describe('a Route Server peer without filters', () => {
    describeLevels('EGRESS005', peering(), leak('missing', 'pod CIDR of cluster spoke1-aks (10.244.0.0/24)'));
  });

  test.each([
    ['rejects the pool\'s range only when announced whole', [{ action: 'Reject', matchOperator: 'Equal', cidr: '10.244.0.0/24' }]],
    ['rejects only routes learned from other peers', [{ action: 'Reject', source: 'RemotePeers' }]],
    ['rejects only /32 routes of the range', [{ action: 'Reject', matchOperator: 'In', cidr: '10.244.0.0/24', prefixLength: { min: 32 } }]],
    ['rejects half the range', [{ action: 'Reject', matchOperator: 'In', cidr: '10.244.0.0/25' }]],
  ] as [string, BGPFilterRule[]][])('flags a filter that %s', (_, rules) => {
    expect(warnings(peering(filter(rules)))).toEqual([leak('["f"]', 'pod CIDR of cluster spoke1-aks (10.244.0.0/24)')]);
  });

  test.each([
    ['an EgressExportFilter', (m: ClusterManifests) => [new EgressExportFilter(m, 'export', { tenants: [tenant0] })]],
    ['a filter rejecting the pod range', filter([{ action: 'Reject', matchOperator: 'In', cidr: '10.244.0.0/16' }])],
    ['a filter rejecting everything not in an egress range', filter([{ action: 'Reject', matchOperator: 'NotIn', cidr: '10.99.0.0/29' }])],
  ])('passes a peer with %s', (_, filters) => {
    expect(warnings(peering(filters))).toEqual([]);
  });

  test('filters apply in the order the peer lists them: a later filter rejects what an earlier one let fall through', () => {
    expect(warnings(peering((m) => [
      new BgpFilter(m, 'first', { name: 'first', exportV4: [{ action: 'Accept', matchOperator: 'In', cidr: '10.99.0.0/29' }] }),
      new BgpFilter(m, 'second', { name: 'second', exportV4: [{ action: 'Reject' }] }),
    ]))).toEqual([]);
  });

  test('passes a pool the Calico operator creates with disableBGPExport, in another stack', () => {
    expect(warnings(peering((_, app) => {
      operator(app, [{ cidr: '10.244.0.0/24', disableBGPExport: true }]);
      return [];
    }))).toEqual([]);
  });

  test('passes a pod range covered by an IPPool of the cluster created with disableBGPExport', () => {
    expect(warnings(peering((m) => {
      m.add(new Construct(m, 'pool'), 'pool', {
        apiVersion: CALICO_API_VERSION, kind: 'IPPool', metadata: { name: 'pods' }, spec: { cidr: '10.244.0.0/16', disableBGPExport: true },
      });
      return [];
    }))).toEqual([]);
  });

  test('an IpPoolPatch does not count: it names no range, and the operator reconciles its pools from the Installation', () => {
    expect(warnings(peering((m) => {
      new IpPoolPatch(m, 'default-pool', { name: 'default-ipv4-ippool', spec: { disableBGPExport: true } });
      return [];
    }))).toHaveLength(1);
  });

  test('flags an operator pool exported to the peer, by the operator\'s path', () => {
    expect(warnings(peering((_, app) => {
      operator(app, [{ cidr: '10.245.0.0/16' }]);
      return [];
    }, () => undefined))).toEqual([leak('missing', 'pool 0 of cloud/calico (10.245.0.0/16)')]);
  });

  test('takes the pod CIDR of clusters that bring their own CNI, not of Azure CNI clusters', () => {
    const aks = (plugin: 'none' | 'azure') => (stack: TerraformStack) => {
      const cloud = azureStack(stack.node.scope as App, 'cloud');
      cluster(cloud, AksOutbound.loadBalancer(), { network: { plugin, serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10', podCidr: '10.244.0.0/16' } });
    };
    expect(warnings(peering(() => [], aks('none')))).toEqual([leak('missing', 'pod CIDR of cluster aks (10.244.0.0/16)')]);
    expect(warnings(peering(() => [], aks('azure')))).toEqual([]);
  });

  test('passes peerings within the cluster (route reflectors)', () => {
    expect(warnings((app) => {
      const { stack, manifests } = clusterStack(app);
      declarePods(stack);
      return new CalicoBgp(manifests, 'bgp', { asNumber: 63400, routeReflectors: { selector: "route-reflector == 'true'" } });
    })).toEqual([]);
  });

  test('a Transit Gateway Connect peer added with addPeer is a router outside the cluster too', () => {
    expect(warnings((app) => {
      const { stack, manifests } = clusterStack(app);
      declarePods(stack);
      const bgp = new CalicoBgp(manifests, 'bgp', { asNumber: 65001, routeReflectors: { selector: 'all()' } });
      bgp.addPeer('tgw-node-1', { node: 'node-1', peerIP: '169.254.8.10', asNumber: 64512 });
      return bgp;
    })).toEqual([leak('missing', 'pod CIDR of cluster spoke1-aks (10.244.0.0/24)').replace('azure-route-server-a', 'tgw-node-1').replace('10.0.1.4', '169.254.8.10')]);
  });

  test('the operator and BGP constructs expose what the check reads', () => {
    const app = Testing.app();
    const op = operator(app, [{ cidr: '10.244.0.0/24', disableBGPExport: true }, { cidr: '10.245.0.0/16' }]);
    expect(CalicoOperator.isCalicoOperator(op)).toBe(true);
    expect(op.bgpExportDisabledPools.map(String)).toEqual(['10.244.0.0/24']);
    expect(CalicoBgp.isCalicoBgp(op)).toBe(false);
    expect(BgpFilter.isBgpFilter(op)).toBe(false);
  });
});
