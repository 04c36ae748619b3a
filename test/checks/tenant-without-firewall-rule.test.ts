import { App, TerraformVariable } from 'cdktf';
import { Cidr, RuleAddress, RuleCollection, RuleCollections } from '../../lib/core';
import { NetworkFirewall } from '../../lib/aws';
import { AzureFirewall } from '../../lib/azure';
import { EgressGatewayTenant, EgressTenant } from '../../lib/calico';
import { awsStack, azureStack, clusterStack } from '../helpers';
import { firewall, vnet } from '../azure/outbound-fixtures';
import { inspectionVpc } from '../aws/fixtures';
import { annotations, describeLevels, only, runChecks } from './helpers';

const tenants = [
  new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' }),
  new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' }),
];

const webFrom = (sources: RuleAddress[]): RuleCollection => RuleCollections.application({
  name: 'egress', priority: 110, action: 'Allow',
  rules: [{ name: 'tigera', sources, targetFqdns: ['www.tigera.io'], protocols: [{ type: 'Https', port: 443 }] }],
});

/**
 * A cloud stack with an Azure Firewall holding `collections` (none: no firewall), and a cluster stack
 * with the tenant's egress gateways; returns the gateways of `tenant`.
 */
const app = (collections: ((app: App) => RuleCollection[]) | undefined, tenant = tenants[1]) => (a: App) => {
  if (collections) {
    const cloud = azureStack(a, 'cloud');
    firewall(cloud, vnet(cloud), { diagnostics: undefined, ruleCollections: collections(a) });
  }
  const { manifests } = clusterStack(a);
  return new EgressGatewayTenant(manifests, tenant.name, { tenant });
};

const warnings = (scenario: (a: App) => EgressGatewayTenant) => annotations(runChecks(scenario, only('EGRESS007', 'warning')), 'warning');

const ALLOWED = 'names it as a source, so the tenant\'s egress identity buys it nothing at the firewall; add a rule with sources: [tenant.egressCidr] ' +
  '(security check EGRESS007 tenant-without-firewall-rule)';

describe('EGRESS007 tenant-without-firewall-rule', () => {
  describe('a tenant no rule of the firewall in another stack names', () => {
    describeLevels('EGRESS007', app(() => [webFrom([tenants[0].egressCidr])]),
      `cluster/calico/tenant1: tenant.egressCidr is "10.99.0.8/29"; no rule of cloud/fw ${ALLOWED}`);
  });

  test('says so when the app has no firewall at all', () => {
    expect(warnings(app(undefined))).toEqual([`cluster/calico/tenant1: tenant.egressCidr is "10.99.0.8/29"; no firewall (the app has none) ${ALLOWED}`]);
  });

  test.each([
    ['the tenant\'s range (its declaration)', [tenants[1].egressCidr]],
    ['the tenant\'s range as a literal', ['10.99.0.8/29']],
    ['one gateway address inside the range', ['10.99.0.9']],
    ['a part of the range', [Cidr.parse('10.99.0.8/30')]],
  ])('passes a tenant a rule names by %s', (_, sources) => {
    expect(warnings(app(() => [webFrom(sources)]))).toEqual([]);
  });

  test('rules on an existing Firewall Policy (AzureFirewall.fromAttributes) name a tenant too', () => {
    const policyApp = (sources: RuleAddress[]) => (a: App) => {
      const cloud = azureStack(a, 'cloud');
      AzureFirewall.fromAttributes(cloud, 'hub-fw', {
        name: 'hub-fw', privateIp: '10.0.0.4', publicIps: ['20.1.2.3'], groupPriorities: { application: 1300 },
        firewallPolicyId: '/subscriptions/s/resourceGroups/net-rg/providers/Microsoft.Network/firewallPolicies/hub-fw-policy',
        ruleCollections: [webFrom(sources)],
      });
      const { manifests } = clusterStack(a);
      return new EgressGatewayTenant(manifests, tenants[1].name, { tenant: tenants[1] });
    };
    expect(warnings(policyApp([tenants[1].egressCidr]))).toEqual([]);
    expect(warnings(policyApp([tenants[0].egressCidr]))).toEqual([`cluster/calico/tenant1: tenant.egressCidr is "10.99.0.8/29"; no rule of cloud/hub-fw ${ALLOWED}`]);
  });

  test('a network rule names a tenant too', () => {
    expect(warnings(app(() => [RuleCollections.network({
      name: 'egress', priority: 100, action: 'Allow',
      rules: [{ name: 'dns', protocols: ['UDP'], sources: [tenants[1].egressCidr], destinationAddresses: ['10.0.0.53'], destinationPorts: [53] }],
    })]))).toEqual([]);
  });

  test.each([
    ['every source', ['*']],
    ['a supernet of several tenants', ['10.99.0.0/24']],
    ['another tenant', [tenants[0].egressCidr]],
  ])('a rule from %s does not name the tenant', (_, sources) => {
    expect(warnings(app(() => [webFrom(sources)]))).toHaveLength(1);
  });

  test('a source given as a reference cannot be judged and does not name the tenant', () => {
    expect(warnings(app((a) => [webFrom([new TerraformVariable(a.node.findChild('cloud'), 'tenant_range', { type: 'string' }).stringValue])]))).toHaveLength(1);
  });

  test('a DNAT rule from the tenant\'s range does not name it: DNAT sources are inbound clients', () => {
    expect(warnings(app(() => [RuleCollections.dnat({
      name: 'inbound', priority: 100,
      rules: [{ name: 'web', protocols: ['TCP'], sources: [tenants[1].egressCidr], destinationAddress: '20.1.2.3', destinationPorts: [80], translatedAddress: '10.42.1.100', translatedPort: 80 }],
    })]))).toHaveLength(1);
  });

  test('a rule of an AWS Network Firewall names a tenant', () => {
    expect(warnings((a) => {
      const cloud = awsStack(a, 'cloud');
      new NetworkFirewall(cloud, 'fw', {
        name: 'inspection-fw', vpc: inspectionVpc(cloud),
        ruleCollections: [RuleCollections.network({
          name: 'to-service', priority: 100, action: 'Allow',
          rules: [{ name: 'svc', protocols: ['TCP'], sources: [tenants[1].egressCidr], destinationAddresses: ['10.0.0.55'], destinationPorts: [8080] }],
        })],
      });
      const { manifests } = clusterStack(a);
      return new EgressGatewayTenant(manifests, 'tenant1', { tenant: tenants[1] });
    })).toEqual([]);
  });
});
