import { TerraformStack, TerraformVariable } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { AksCluster, AzureFirewall, FirewallRuleFormat, VirtualNetwork } from '../../lib/azure';
import { ClusterManifests, EgressGatewayTenant } from '../../lib/calico';
import { RuleCollections } from '../../lib/core';
import { azureStack, resourceGroup } from '../helpers';
import { clusterStack, hubSpoke, modelOf, removeOutdirs, reportOf, section, tenant0, tenant1 } from './fixtures';

afterAll(removeOutdirs);

describe('egress tenants in the report', () => {
  let md: string;
  beforeAll(() => {
    md = reportOf((app) => {
      const t0 = tenant0();
      const t1 = tenant1();
      const cloud = hubSpoke(app, 'cloud', {
        rules: [
          RuleCollections.network({ name: 'ntp', priority: 100, action: 'Allow', rules: [{ name: 'ntp', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: [123] }] }),
          RuleCollections.network({ name: 'one-gateway', priority: 110, action: 'Deny', rules: [{ name: 'no dns', sources: ['10.99.0.1'], protocols: ['UDP'], destinationAddresses: ['8.8.8.8'], destinationPorts: [53] }] }),
          RuleCollections.application({ name: 'tenant0-web', priority: 200, action: 'Allow', rules: [{ name: 'tigera', sources: [t0.egressCidr], targetFqdns: ['www.tigera.io'], protocols: [{ type: 'Https', port: 443 }] }] }),
          RuleCollections.application({ name: 'elsewhere', priority: 210, action: 'Allow', rules: [{ name: 'other range', sources: ['10.98.0.0/24'], targetFqdns: ['example.com'], protocols: [{ type: 'Https', port: 443 }] }] }),
        ],
      });
      const admins = new TerraformVariable(cloud.stack, 'admin_range', { type: 'string' });
      cloud.firewall.addRuleCollection(RuleCollections.network({
        name: 'admins', priority: 120, action: 'Allow', rules: [{ name: 'ssh out', sources: [admins.stringValue], protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [22] }],
      }));
      cloud.firewall.addRuleCollection(RuleCollections.dnat({
        name: 'inbound', priority: 100, rules: [{ name: 'web', protocols: ['TCP'], destinationAddress: '20.1.2.3', destinationPorts: [80], translatedAddress: '10.1.0.100', translatedPort: 80 }],
      }));
      clusterStack(app, cloud, [t0, t1], 'cluster', [t0]);
      // A firewall in another stack, on no path of the tenants' cluster.
      const other = azureStack(app, 'other');
      const rg = resourceGroup(other, 'other');
      const vnet = new VirtualNetwork(other, 'vnet', { resourceGroup: rg, name: 'other-vnet', addressSpace: ['10.50.0.0/16'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.50.0.0/24' }] });
      new AzureFirewall(other, 'fw', {
        resourceGroup: rg, name: 'other-fw', subnet: vnet.subnet('AzureFirewallSubnet'), ruleFormat: FirewallRuleFormat.classic(), diagnostics: false,
        ruleCollections: [
          RuleCollections.network({ name: 'anything', priority: 100, action: 'Allow', rules: [{ name: 'all', protocols: ['Any'], destinationAddresses: ['*'], destinationPorts: ['*'] }] }),
          RuleCollections.network({ name: 'tenants', priority: 200, action: 'Allow', rules: [{ name: 'wide', sources: ['10.99.0.0/16'], protocols: ['TCP'], destinationAddresses: ['1.1.1.1'], destinationPorts: [443] }] }),
        ],
      });
    });
  });

  test('the table gives each tenant its range, gateway, cluster, path and the number of rules naming it', () => {
    expect(md).toContain([
      '| tenant | stack | egress range | gateway | cluster | rules naming the range | leaves through |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| tenant0 | `cluster` | `10.99.0.0/29` (pool tenant0-pool) | `tenant0-egw/tenant0-egw` | spoke-aks (`cloud`) | 2 | firewall hub-fw, then the Internet with SNAT to public IP hub-fw-ip |',
      '| tenant1 | `cluster` | `10.99.0.8/29` (pool tenant1-pool) | `tenant1-egw/tenant1-egw` | spoke-aks (`cloud`) | ⚠️ none | firewall hub-fw, then the Internet with SNAT to public IP hub-fw-ip |',
    ].join('\n'));
  });

  test('rules naming the range are those of the firewalls on the cluster\'s path, in evaluation order; a rule naming part of the range counts', () => {
    const t0 = section(md, '### tenant0 (`cluster`)');
    expect(t0).toContain([
      'Rules whose sources name 10.99.0.0/29, in evaluation order:',
      '',
      '| firewall | # | collection | rule | source | action | destinations | protocols / ports |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| hub-fw (`cloud`) | 3.1 | one-gateway | no dns | `10.99.0.1` (inside the range) | Deny | `8.8.8.8` | UDP 53 |',
      '| hub-fw (`cloud`) | 5.1 | tenant0-web | tigera | `10.99.0.0/29` (equals the range) | Allow | `www.tigera.io` | Https:443 |',
      '',
    ].join('\n'));
    // other-fw names 10.99.0.0/16, but the tenant's traffic never crosses it.
    expect(t0).not.toContain('other-fw');
  });

  test('a wider source applies but does not identify the tenant (as the security check EGRESS007 counts)', () => {
    const wide = reportOf((app) => {
      const cloud = hubSpoke(app, 'cloud', {
        rules: [RuleCollections.network({ name: 'corp', priority: 100, action: 'Allow', rules: [{ name: 'corp ranges', sources: ['10.0.0.0/8'], protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [443] }] })],
      });
      clusterStack(app, cloud, [tenant0()]);
    });
    expect(wide).toContain('| Egress tenants | 1; ⚠️ 1 whose range no firewall rule names: tenant0 |');
    expect(section(wide, '### tenant0 (`cluster`)')).toContain([
      'Rules whose sources include 10.99.0.0/29 in a wider range; they apply, but do not identify the tenant:',
      '',
      '| firewall | # | collection | rule | source | action | destinations | protocols / ports |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| hub-fw (`cloud`) | 1.1 | corp | corp ranges | `10.0.0.0/8` (broader than the range) | Allow | `*` | TCP 443 |',
    ].join('\n'));
  });

  test('rules for any source are those of the firewalls on the cluster\'s path; DNAT rules are left out', () => {
    const t0 = section(md, '### tenant0 (`cluster`)');
    expect(t0).toContain([
      'Rules for any source that also apply (firewall hub-fw, on cluster spoke-aks\'s path out):',
      '',
      '| firewall | # | collection | rule | action | destinations | protocols / ports |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| hub-fw (`cloud`) | 2.1 | ntp | ntp | Allow | `*` | UDP 123 |',
      '',
    ].join('\n'));
    expect(t0).not.toContain('inbound');
    expect(t0).not.toContain('anything');
  });

  test('rules whose sources are only known at deploy are listed as not matchable', () => {
    expect(section(md, '### tenant0 (`cluster`)')).toContain(
      'Rules whose sources are only known at deploy, which the report cannot match: hub-fw 4.1 (_variable admin\\_range_).');
  });

  test('the BGP export filter is evaluated for each tenant and each peer outside the cluster', () => {
    expect(section(md, '### tenant0 (`cluster`)')).toContain('BGP: announced to route-server-a (10.0.1.4, Route Server hub-rs), '
      + 'route-server-b (10.0.1.5, Route Server hub-rs) by filter export-egress-ips.');
    expect(section(md, '### tenant1 (`cluster`)')).toContain('BGP: not announced to route-server-a (10.0.1.4, Route Server hub-rs), '
      + 'route-server-b (10.0.1.5, Route Server hub-rs) by filter export-egress-ips.');
  });

  test('the cluster is found through the kubernetes provider, across stacks', () => {
    expect(section(md, '### tenant1 (`cluster`)')).toContain('Cluster: spoke-aks (`cloud`): the kubernetes provider\'s host is cluster spoke-aks (stack cloud).');
  });

  test('a tenant whose range no rule names is flagged in the summary and in its section', () => {
    const flagged = reportOf((app) => {
      const cloud = hubSpoke(app, 'cloud', {
        rules: [RuleCollections.network({ name: 'ntp', priority: 100, action: 'Allow', rules: [{ name: 'ntp', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: [123] }] })],
      });
      clusterStack(app, cloud, [tenant0()]);
    });
    expect(flagged).toContain('| Egress tenants | 1; ⚠️ 1 whose range no firewall rule names: tenant0 |');
    expect(flagged).toContain('| spoke-aks (`cloud`) | ⚠️ none |');
    expect(section(flagged, '### tenant0 (`cluster`)')).toContain([
      '> [!WARNING]',
      '> No firewall rule names 10.99.0.0/29: the tenant\'s traffic meets only rules for any source, so the firewall cannot tell it from other workloads.',
    ].join('\n'));
  });

  test('the model links each tenant to its cluster and keeps the matches it renders', () => {
    const model = modelOf((app) => {
      const t0 = tenant0();
      const cloud = hubSpoke(app, 'cloud', {
        rules: [RuleCollections.application({ name: 'web', priority: 200, action: 'Allow', rules: [{ name: 'tigera', sources: [t0.egressCidr], targetFqdns: ['www.tigera.io'], protocols: [{ type: 'Https', port: 443 }] }] })],
      });
      clusterStack(app, cloud, [t0]);
    });
    expect(model.tenants.map((t) => [t.name, t.ranges.map(String), t.cluster?.key, t.named.map((m) => [m.firewall.name, m.rule.name, m.relation])])).toEqual([
      ['tenant0', ['10.99.0.0/29'], 'cloud:azurerm_kubernetes_cluster.aks_cluster_D4B35EC5', [['hub-fw', 'tigera', 'equals the range']]],
    ]);
    expect(model.groups).toEqual([['cloud', 'cluster']]);
  });

  test('a tenant on a cluster whose traffic crosses no firewall says so', () => {
    const lb = reportOf((app) => {
      const cloud = azureStack(app, 'lb');
      const cluster = new AksCluster(cloud, 'aks', {
        resourceGroup: resourceGroup(cloud, 'lb'), name: 'lb', defaultNodePool: { nodeCount: 1 },
        network: { plugin: 'azure', pluginMode: 'overlay', podCidr: '10.244.0.0/16', serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10' },
      });
      const stack = new TerraformStack(app, 'lb-calico');
      const manifests = new ClusterManifests(stack, 'calico', { provider: new KubernetesProvider(stack, 'kubernetes', cluster.kubeConnection) });
      new EgressGatewayTenant(manifests, 'tenant0', { tenant: tenant0() });
    });
    const t0 = section(lb, '### tenant0 (`lb-calico`)');
    expect(t0).toContain('Cluster: lb (`lb`): the kubernetes provider\'s host is cluster lb (stack lb). BGP: no BGP peer outside the cluster in this stack.');
    expect(t0).toContain('Rules for any source that also apply: none (cluster lb\'s traffic crosses no firewall).');
  });
});
