import { TerraformStack } from 'cdktf';
import { AksEgressRules, AksNtp, AzureFirewall, AzureFirewallProps, FirewallRuleFormat, VirtualNetwork, LogAnalyticsWorkspace } from '../../lib/azure';
import { Cidr, RuleCollections } from '../../lib/core';
import { address, azureStack, resolveIn, resource, resourceGroup, resources, synth } from '../helpers';

function hub(stack: TerraformStack, firewallPrefix = '10.0.0.0/24') {
  const rg = resourceGroup(stack, 'hub');
  const vnet = new VirtualNetwork(stack, 'hub-vnet', {
    resourceGroup: rg, name: 'hub-vnet', addressSpace: ['10.0.0.0/22'],
    subnets: [
      { name: 'AzureFirewallSubnet', addressPrefix: firewallPrefix },
      { name: 'AzureFirewallManagementSubnet', addressPrefix: '10.0.1.0/26' },
      { name: 'other', addressPrefix: '10.0.2.0/24' },
    ],
  });
  return { rg, vnet };
}

function firewall(props: Partial<AzureFirewallProps> = {}) {
  const stack = azureStack();
  const { rg, vnet } = hub(stack);
  const fw = new AzureFirewall(stack, 'hub-fw', { resourceGroup: rg, name: 'hub-fw', subnet: vnet.subnet('AzureFirewallSubnet'), ...props });
  return { stack, fw, rg, vnet };
}

const allowNet = RuleCollections.network({
  name: 'allowed-network-rules', priority: 100, action: 'Allow',
  rules: [{ name: 'apiudp', protocols: ['UDP'], destinationAddresses: ['AzureCloud.eastus'], destinationPorts: [1194] },
    { name: 'time', protocols: ['UDP'], destinationFqdns: ['ntp.ubuntu.com'], destinationPorts: [123] }],
});
const allowApp = RuleCollections.application({
  name: 'tenant0', priority: 110, action: 'Allow',
  rules: [{ name: 'tigera', sources: [Cidr.parse('10.99.0.0/29')], targetFqdns: ['www.tigera.io'], protocols: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }] },
    { name: 'aks', fqdnTags: ['AzureKubernetesService'], protocols: [{ type: 'Https', port: 443 }] }],
});
const dnat = RuleCollections.dnat({
  name: 'exampleset', priority: 100,
  rules: [{ name: 'inboundrule', protocols: ['Any'], destinationAddress: '20.1.2.3', destinationPorts: [80], translatedAddress: '10.42.1.100', translatedPort: 80 }],
});

describe('AzureFirewall', () => {
  test('defaults: Standard tier, one public IP, DNS proxy on, threat intel Alert, diagnostics to a new workspace, policy rules', () => {
    const { stack, fw } = firewall();
    const json = synth(stack);
    const ip = resource(json, 'azurerm_public_ip', 'hub-fw-ip');
    expect(ip).toMatchObject({ allocation_method: 'Static', sku: 'Standard' });
    const policy = resource(json, 'azurerm_firewall_policy', 'hub-fw-policy');
    expect(policy).toMatchObject({ sku: 'Standard', threat_intelligence_mode: 'Alert', dns: { proxy_enabled: true } });
    const f = resource(json, 'azurerm_firewall', 'hub-fw');
    expect(f).toMatchObject({
      sku_name: 'AZFW_VNet', sku_tier: 'Standard',
      firewall_policy_id: `\${${address(json, 'azurerm_firewall_policy', 'hub-fw-policy')}.id}`,
      ip_configuration: [{
        name: 'fw-ipconfig',
        subnet_id: `\${${address(json, 'azurerm_subnet', 'AzureFirewallSubnet')}.id}`,
        public_ip_address_id: `\${${address(json, 'azurerm_public_ip', 'hub-fw-ip')}.id}`,
      }],
    });
    // With a policy, DNS and threat intelligence live on the policy only.
    expect(f.dns_proxy_enabled).toBeUndefined();
    expect(f.threat_intel_mode).toBeUndefined();
    expect(resource(json, 'azurerm_log_analytics_workspace', 'hub-fw-log-analytics')).toMatchObject({ sku: 'PerGB2018', retention_in_days: 30 });
    expect(resource(json, 'azurerm_monitor_diagnostic_setting', 'hub-fw-settings')).toMatchObject({
      target_resource_id: `\${${address(json, 'azurerm_firewall', 'hub-fw')}.id}`,
      log_analytics_workspace_id: `\${${address(json, 'azurerm_log_analytics_workspace', 'hub-fw-log-analytics')}.id}`,
      enabled_log: [{ category: 'AzureFirewallApplicationRule' }, { category: 'AzureFirewallNetworkRule' }],
      enabled_metric: [{ category: 'AllMetrics' }],
    });
    expect(fw.privateIp).toMatch(/^\$\{TfToken/);
    expect(resolveIn(stack, fw.privateIp)).toBe(`\${${address(json, 'azurerm_firewall', 'hub-fw')}.ip_configuration[0].private_ip_address}`);
    expect(resolveIn(stack, fw.publicIps)).toEqual([`\${${address(json, 'azurerm_public_ip', 'hub-fw-ip')}.ip_address}`]);
    expect(fw.dnsProxyEnabled).toBe(true);
  });

  test('classic format puts DNS proxy and threat intel on the firewall and renders one resource per collection', () => {
    const { stack, fw } = firewall({ ruleFormat: FirewallRuleFormat.classic(), threatIntelMode: 'Deny', ruleCollections: [allowNet, allowApp, dnat] });
    const json = synth(stack);
    const f = resource(json, 'azurerm_firewall', 'hub-fw');
    expect(f.dns_proxy_enabled).toBe(true);
    expect(f.threat_intel_mode).toBe('Deny');
    expect(f.firewall_policy_id).toBeUndefined();
    expect(resources(json, 'azurerm_firewall_policy')).toEqual([]);
    const fwName = `\${${address(json, 'azurerm_firewall', 'hub-fw')}.name}`;
    expect(resource(json, 'azurerm_firewall_network_rule_collection', 'allowed-network-rules')).toEqual({
      name: 'allowed-network-rules', azure_firewall_name: fwName, resource_group_name: '${azurerm_resource_group.rg-hub.name}',
      priority: 100, action: 'Allow',
      rule: [
        { name: 'apiudp', source_addresses: ['*'], destination_addresses: ['AzureCloud.eastus'], destination_ports: ['1194'], protocols: ['UDP'] },
        { name: 'time', source_addresses: ['*'], destination_fqdns: ['ntp.ubuntu.com'], destination_ports: ['123'], protocols: ['UDP'] },
      ],
    });
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'tenant0').rule).toEqual([
      { name: 'tigera', source_addresses: ['10.99.0.0/29'], target_fqdns: ['www.tigera.io'], protocol: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }] },
      { name: 'aks', source_addresses: ['*'], fqdn_tags: ['AzureKubernetesService'], protocol: [{ type: 'Https', port: 443 }] },
    ]);
    expect(resource(json, 'azurerm_firewall_nat_rule_collection', 'exampleset')).toMatchObject({
      action: 'Dnat', priority: 100,
      rule: [{ name: 'inboundrule', protocols: ['Any'], source_addresses: ['*'], destination_addresses: ['20.1.2.3'], destination_ports: ['80'], translated_address: '10.42.1.100', translated_port: '80' }],
    });
    expect(fw.ruleCollections.map((c) => c.name)).toEqual(['allowed-network-rules', 'tenant0', 'exampleset']);
  });

  test('policy format: one rule collection group per kind, DNAT protocols spelt out', () => {
    const { stack, fw } = firewall({ ruleCollections: [allowNet, allowApp, dnat] });
    const json = synth(stack);
    const policyId = `\${${address(json, 'azurerm_firewall_policy', 'hub-fw-policy')}.id}`;
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'hub-fw-policy-network')).toEqual({
      name: 'hub-fw-policy-network', priority: 200, firewall_policy_id: policyId,
      network_rule_collection: [{
        name: 'allowed-network-rules', priority: 100, action: 'Allow',
        rule: [
          { name: 'apiudp', source_addresses: ['*'], destination_addresses: ['AzureCloud.eastus'], destination_ports: ['1194'], protocols: ['UDP'] },
          { name: 'time', source_addresses: ['*'], destination_fqdns: ['ntp.ubuntu.com'], destination_ports: ['123'], protocols: ['UDP'] },
        ],
      }],
    });
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'hub-fw-policy-application')).toMatchObject({
      priority: 300,
      application_rule_collection: [{ name: 'tenant0', priority: 110, action: 'Allow', rule: [
        { name: 'tigera', source_addresses: ['10.99.0.0/29'], destination_fqdns: ['www.tigera.io'], protocols: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }] },
        { name: 'aks', source_addresses: ['*'], destination_fqdn_tags: ['AzureKubernetesService'], protocols: [{ type: 'Https', port: 443 }] },
      ] }],
    });
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'hub-fw-policy-dnat')).toMatchObject({
      priority: 100,
      nat_rule_collection: [{ name: 'exampleset', priority: 100, action: 'Dnat', rule: [
        { name: 'inboundrule', protocols: ['TCP', 'UDP'], source_addresses: ['*'], destination_address: '20.1.2.3', destination_ports: ['80'], translated_address: '10.42.1.100', translated_port: 80 }] }],
    });
    expect(Object.keys(fw.policyRuleCollectionGroups).sort()).toEqual(['hub-fw-policy-application', 'hub-fw-policy-dnat', 'hub-fw-policy-network']);
  });

  test('policy options: name, group priorities and a named group', () => {
    const { stack, fw } = firewall({ ruleFormat: FirewallRuleFormat.policy({ name: 'pol', groupPriorities: { network: 400 } }), ruleCollections: [allowNet] });
    fw.addRuleCollection(RuleCollections.network({ name: 'api', priority: 100, action: 'Allow',
      rules: [{ name: 'api', protocols: ['TCP'], destinationAddresses: ['10.1.0.0/24'], destinationPorts: [443] }] }), { group: { name: 'cluster-access', priority: 150 } });
    const json = synth(stack);
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'pol-network').priority).toBe(400);
    expect(resource(json, 'azurerm_firewall_policy_rule_collection_group', 'cluster-access')).toMatchObject({
      priority: 150, network_rule_collection: [{ name: 'api', priority: 100 }],
    });
  });

  test('several public IPs: the first in the subnet, the rest without one', () => {
    const { stack, fw } = firewall({ publicIpCount: 3 });
    const json = synth(stack);
    expect(resources(json, 'azurerm_public_ip').map((r) => r.name).sort()).toEqual(['hub-fw-ip-1', 'hub-fw-ip-2', 'hub-fw-ip-3']);
    const configs = resource(json, 'azurerm_firewall', 'hub-fw').ip_configuration;
    expect(configs.map((c: any) => c.name)).toEqual(['fw-ipconfig', 'fw-ipconfig-2', 'fw-ipconfig-3']);
    expect(configs[0].subnet_id).toBeDefined();
    expect(configs[1].subnet_id).toBeUndefined();
    expect(configs[2].public_ip_address_id).toBe(`\${${address(json, 'azurerm_public_ip', 'hub-fw-ip-3')}.id}`);
    expect(fw.publicIps).toHaveLength(3);
  });

  test('an existing workspace and diagnostics off', () => {
    const withWs = firewall({ diagnostics: { workspace: { id: '/subscriptions/x/ws', name: 'shared' }, settingName: 'diag' } });
    const json = synth(withWs.stack);
    expect(resources(json, 'azurerm_log_analytics_workspace')).toEqual([]);
    expect(resource(json, 'azurerm_monitor_diagnostic_setting', 'diag').log_analytics_workspace_id).toBe('/subscriptions/x/ws');
    const off = firewall({ diagnostics: false });
    expect(off.fw.diagnostics).toBeUndefined();
    expect(resources(synth(off.stack), 'azurerm_monitor_diagnostic_setting')).toEqual([]);
  });

  test('Basic tier takes a management IP configuration', () => {
    const stack = azureStack();
    const { rg, vnet } = hub(stack);
    new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: vnet.subnet('AzureFirewallSubnet'), skuTier: 'Basic', managementSubnet: vnet.subnet('AzureFirewallManagementSubnet') });
    const json = synth(stack);
    expect(resource(json, 'azurerm_firewall', 'fw').management_ip_configuration).toEqual({
      name: 'fw-ipconfig-mgmt',
      subnet_id: `\${${address(json, 'azurerm_subnet', 'AzureFirewallManagementSubnet')}.id}`,
      public_ip_address_id: `\${${address(json, 'azurerm_public_ip', 'fw-mgmt-ip')}.id}`,
    });
    // The Basic tier has no DNS proxy, and ARM refuses any dns block on a Basic policy (FirewallPolicyHigherTierOnlyProperties).
    const policy = resource(json, 'azurerm_firewall_policy', 'fw-policy');
    expect(policy).toMatchObject({ sku: 'Basic', threat_intelligence_mode: 'Alert' });
    expect(policy).not.toHaveProperty('dns');
  });

  test('Basic tier takes the AKS required rules with NTP by address, or without NTP', () => {
    const stack = azureStack();
    const { rg, vnet } = hub(stack);
    new AzureFirewall(stack, 'fw', {
      resourceGroup: rg, name: 'fw', subnet: vnet.subnet('AzureFirewallSubnet'), skuTier: 'Basic', managementSubnet: vnet.subnet('AzureFirewallManagementSubnet'),
      ruleCollections: [
        AksEgressRules.networkCollection({ region: 'eastus', ntp: AksNtp.addresses(['185.125.190.56', '185.125.190.57']) }),
        AksEgressRules.networkCollection({ region: 'eastus', name: 'aks-no-ntp', priority: 110, ntp: AksNtp.none() }),
      ],
    });
    const rules = resource(synth(stack), 'azurerm_firewall_policy_rule_collection_group').network_rule_collection;
    expect(rules[0].rule[2]).toEqual({
      name: 'time', protocols: ['UDP'], source_addresses: ['*'], destination_addresses: ['185.125.190.56', '185.125.190.57'], destination_ports: ['123'],
    });
    expect(rules[1].rule.map((r: { name: string }) => r.name)).toEqual(['apiudp', 'apitcp']);
  });

  test('Basic tier: no DNS proxy, no threat intelligence Deny, management IP configuration in its own subnet', () => {
    const make = (over: Partial<AzureFirewallProps>) => {
      const stack = azureStack();
      const { rg, vnet } = hub(stack);
      return () => new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: vnet.subnet('AzureFirewallSubnet'), skuTier: 'Basic',
        managementSubnet: vnet.subnet('AzureFirewallManagementSubnet'), ...over });
    };
    expect(make({ dnsProxyEnabled: true })).toThrow('test/fw: dnsProxyEnabled is true; the Basic tier has no DNS proxy; use the Standard tier for FQDNs in network rules');
    expect(make({ threatIntelMode: 'Deny' })).toThrow("test/fw: threatIntelMode is \"Deny\"; the Basic tier only alerts on threat intelligence: 'Alert' or 'Off'");
    expect(make({ ruleCollections: [allowNet] })).toThrow(/FQDNs in network rules need the firewall's DNS proxy/);
    const stack = azureStack();
    const { rg, vnet } = hub(stack);
    expect(() => new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: vnet.subnet('AzureFirewallSubnet'), skuTier: 'Basic',
      managementSubnet: vnet.subnet('other') })).toThrow('test/fw: managementSubnet is "other"; the management IP configuration goes in AzureFirewallManagementSubnet');
  });

  describe('validation', () => {
    test('a subnet that is not AzureFirewallSubnet', () => {
      const stack = azureStack();
      const { rg, vnet } = hub(stack);
      expect(() => new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: vnet.subnet('other') })).toThrow(
        'test/fw: subnet is "other"; Azure Firewall is deployed into a subnet named AzureFirewallSubnet');
    });

    test.each([
      [{ ruleFormat: FirewallRuleFormat.classic(), skuTier: 'Premium' as const }, /ruleFormat is "classic"; classic rule collections work with the Standard tier only; the Premium tier needs FirewallRuleFormat.policy\(\)/],
      [{ skuTier: 'Basic' as const }, 'test/hub-fw: managementSubnet is missing; the Basic tier needs an AzureFirewallManagementSubnet'],
      [{ publicIpCount: 0 }, 'test/hub-fw: publicIpCount is 0; a firewall has 1 to 250 public IPs'],
      [{ publicIpCount: 251 }, /publicIpCount is 251; a firewall has 1 to 250 public IPs/],
      [{ publicIpCount: 2, publicIpNames: ['a', 'b'] }, /publicIpCount is 2; give publicIpNames or publicIpCount, not both/],
      [{ publicIpNames: ['a', 'a'] }, /publicIpNames is \["a","a"\]; public IP names must be unique/],
      [{ dnsProxyEnabled: false, dnsServers: ['10.0.0.53'] }, /dnsServers is \["10.0.0.53"\]; custom DNS servers are used by the DNS proxy/],
      [{ dnsProxyEnabled: false, ruleCollections: [allowNet] }, /ruleCollections\[allowed-network-rules\].rules\[\].destinationFqdns is \["ntp.ubuntu.com"\]; FQDNs in network rules need the firewall's DNS proxy; set dnsProxyEnabled to true/],
      [{ ruleCollections: [allowNet, { ...allowNet, name: 'second' }] }, 'test/hub-fw: ruleCollections[second].priority is 100; network collection allowed-network-rules already has priority 100; each network collection needs its own priority'],
      [{ ruleCollections: [{ ...allowApp, priority: 70000 }] }, /ruleCollections\[tenant0\].priority is 70000; Azure Firewall accepts priorities from 100 to 65000/],
      [{ name: 'fw!' }, 'test/hub-fw: name is "fw!"; a firewall name is 1 to 80 letters, digits, \'_\', \'.\' or \'-\', starting with a letter or digit and ending with a letter, digit or \'_\''],
      [{ dnsServers: ['10.0.0.53', 'dns.corp'] }, 'test/hub-fw: dnsServers[1] is "dns.corp"; expected an IP address such as 10.0.0.4'],
      [{ zones: ['1', '4'] }, 'test/hub-fw: zones[1] is "4"; a zone is allowed: "1", "2", "3"'],
      [{ zones: ['1', '1'] }, 'test/hub-fw: zones[1] is "1"; it is listed twice'],
    ])('rejects %#', (props, message) => {
      expect(() => firewall(props as Partial<AzureFirewallProps>)).toThrow(message);
    });

    test('a subnet smaller than /26 cannot be AzureFirewallSubnet', () => {
      expect(() => hub(azureStack(), '10.0.0.0/27')).toThrow(/AzureFirewallSubnet to be \/26 or larger/);
    });

    test('a group on a classic collection', () => {
      const { fw } = firewall({ ruleFormat: FirewallRuleFormat.classic() });
      expect(() => fw.addRuleCollection(allowNet, { group: { name: 'g', priority: 500 } })).toThrow(
        'test/hub-fw: ruleCollections[allowed-network-rules].group is "g"; rule collection groups belong to Firewall Policy; classic collections take no group');
    });

    test('group priorities must be valid and distinct', () => {
      const { fw } = firewall({ ruleCollections: [allowNet] });
      expect(() => fw.addRuleCollection(allowApp, { group: { name: 'g', priority: 200 } })).toThrow(
        /ruleCollections\[tenant0\].group.priority is 200; rule collection group hub-fw-policy-network already has priority 200/);
      expect(() => fw.addRuleCollection(allowApp, { group: { name: 'g', priority: 99 } })).toThrow(/group.priority is 99; a rule collection group priority is 100 to 65000/);
    });

    test('collection names are unique across the firewall, even across groups', () => {
      const { fw } = firewall({ ruleCollections: [allowNet] });
      expect(() => fw.addRuleCollection({ ...allowApp, name: 'allowed-network-rules' })).toThrow(
        'test/hub-fw: ruleCollections[].name is "allowed-network-rules"; collection names must be unique across the firewall');
    });

    test('a named group keeps the priority it was created with', () => {
      const { fw } = firewall();
      fw.addRuleCollection(allowNet, { group: { name: 'g', priority: 500 } });
      expect(() => fw.addRuleCollection(allowApp, { group: { name: 'g', priority: 600 } })).toThrow(
        'test/hub-fw: ruleCollections[tenant0].group.priority is 600; rule collection group g already exists with priority 500');
    });

    test('a collection with deploy-time references added to a group a workload already waits for is refused (it could close a cycle)', () => {
      const { fw, stack } = firewall({ ruleCollections: [allowNet] });
      const consumer = new LogAnalyticsWorkspace(stack, 'cluster', { resourceGroup: { name: 'x', location: 'eastus' }, name: 'cluster-ws' });
      const deps = fw.egressDependables(consumer);
      expect(deps).toHaveLength(3); // firewall, policy, network group
      const toConsumer = RuleCollections.network({ name: 'late', priority: 300, action: 'Allow',
        rules: [{ name: 'api', protocols: ['TCP'], destinationFqdns: [consumer.resource.name], destinationPorts: [443] }] });
      expect(() => fw.addRuleCollection(toConsumer)).toThrow(
        /ruleCollections\[late\] is "late"; rule collection group hub-fw-policy-network is already a dependency of test\/cluster, and this collection refers to values known only at deploy time, which could close a cycle. Add it with \{ group: \{ name, priority \} \} to a group of its own/);
      expect(() => fw.addRuleCollection(toConsumer, { group: { name: 'late-group', priority: 250 } })).not.toThrow();
    });

    test('a literal collection may still join a group a workload waits for', () => {
      const { fw, stack } = firewall({ ruleCollections: [allowNet] });
      fw.egressDependables(new LogAnalyticsWorkspace(stack, 'cluster', { resourceGroup: { name: 'x', location: 'eastus' }, name: 'cluster-ws' }));
      fw.addRuleCollection({ ...allowNet, name: 'literal', priority: 300 });
      const group = resource(synth(stack), 'azurerm_firewall_policy_rule_collection_group', 'hub-fw-policy-network');
      expect(group.network_rule_collection.map((c: any) => c.name)).toEqual(['allowed-network-rules', 'literal']);
    });
  });

  test('fromAttributes makes an existing firewall usable as a next hop', () => {
    const existing = AzureFirewall.fromAttributes({ name: 'fw', privateIp: '10.0.0.4', publicIps: ['20.1.1.1'] });
    expect(existing.privateIp).toBe('10.0.0.4');
    expect(existing.dnsProxyEnabled).toBe(false);
    expect(existing.egressDependables()).toEqual([]);
  });
});
