import { App, TerraformVariable, Testing } from 'cdktf';
import { AksClusterProps, AksOutbound, NextHop, RouteTable } from '../../lib/azure';
import { azureStack } from '../helpers';
import { cluster, rg, vnet } from '../azure/outbound-fixtures';
import { annotations, describeLevels, only, runChecks } from './helpers';

/** A userDefinedRouting cluster behind an appliance, so only the API server is in question. */
const withCluster = (over: (app: App) => Partial<AksClusterProps> = () => ({})) => (app: App) => {
  const stack = azureStack(app);
  const net = vnet(stack);
  new RouteTable(stack, 'rt', {
    resourceGroup: rg, name: 'rt', subnets: [net.subnet('nodes')],
    routes: [{ name: 'out', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.42.2.4') }],
  });
  return cluster(stack, AksOutbound.userDefinedRouting(), { nodeSubnet: net.subnet('nodes'), ...over(app) });
};

const ALLOWED = 'a public API server (privateClusterEnabled false) must not accept connections from the whole Internet; authorize the ranges ' +
  'that administer the cluster (and ...firewallPublicIpRanges(firewall) when egress leaves through one), or set privateClusterEnabled: true ' +
  '(security check EGRESS004 api-server-open)';

describe('EGRESS004 api-server-open', () => {
  describe('a public API server without authorized ranges', () => {
    describeLevels('EGRESS004', withCluster(), `test/aks: apiServerAuthorizedIpRanges is missing; ${ALLOWED}`);
  });

  describe('a public API server authorizing 0.0.0.0/0', () => {
    describeLevels('EGRESS004', withCluster(() => ({ apiServerAuthorizedIpRanges: ['203.0.113.0/24', '0.0.0.0/0'] })),
      `test/aks: apiServerAuthorizedIpRanges is ["203.0.113.0/24","0.0.0.0/0"]; ${ALLOWED}`);
  });

  describe('a public API server authorizing ranges that add up to every address', () => {
    describeLevels('EGRESS004', withCluster(() => ({ apiServerAuthorizedIpRanges: ['0.0.0.0/1', '128.0.0.0/1'] })),
      `test/aks: apiServerAuthorizedIpRanges is ["0.0.0.0/1","128.0.0.0/1"]; ${ALLOWED}`);
  });

  test.each([
    ['authorized ranges', () => ({ apiServerAuthorizedIpRanges: ['203.0.113.0/24'] })],
    ['an authorized range given as a reference', (app: App) => ({
      apiServerAuthorizedIpRanges: [new TerraformVariable(app.node.findChild('test'), 'admin_range', { type: 'string' }).stringValue],
    })],
    ['a private API server', () => ({ privateClusterEnabled: true })],
  ])('passes a cluster with %s', (_, over) => {
    // Only the check's own findings: a range given as a reference also carries the cluster's note that it went unchecked.
    expect(annotations(runChecks(withCluster(over), only('EGRESS004', 'warning')), 'warning').filter((w) => w.includes('EGRESS004'))).toEqual([]);
  });

  test('the cluster exposes what the check reads', () => {
    const app = Testing.app();
    const c = withCluster(() => ({ apiServerAuthorizedIpRanges: ['203.0.113.0/24'] }))(app) as ReturnType<typeof cluster>;
    expect(c.privateClusterEnabled).toBe(false);
    expect(c.apiServerAuthorizedIpRanges).toEqual(['203.0.113.0/24']);
  });
});
