import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { HubSpokeAppgwStack, DOCKER_HUB_FQDNS, UBUNTU_UPDATE_FQDNS } from '../../stacks/hub-spoke-appgw';
import { TfJson, address, resource, resources } from '../helpers';

function build(): { stack: HubSpokeAppgwStack; json: TfJson; text: string } {
  const app = Testing.app();
  const stack = new HubSpokeAppgwStack(app, 'hub-spoke-appgw');
  const text = Testing.synth(stack, true);
  return { stack, json: JSON.parse(text), text };
}

const { json, text } = build();
const ref = (type: string, name: string, attr: string) => `\${${address(json, type, name)}.${attr}}`;

describe('hub-spoke-appgw (document 003)', () => {
  test('two synths are byte-identical', () => {
    expect(build().text).toBe(text);
    expect(Testing.synth(new HubSpokeAppgwStack(new App(), 'hub-spoke-appgw'), true)).toBe(text);
  });

  test('resource groups securevnets, secureappgw, securek8s in westeurope', () => {
    expect(resources(json, 'azurerm_resource_group').map((g) => [g.name, g.location]))
      .toEqual([['secureappgw', 'westeurope'], ['securek8s', 'westeurope'], ['securevnets', 'westeurope']]);
  });

  test('hub and spoke with the chosen ranges, service endpoints on the AKS subnets, peered both ways', () => {
    expect(resource(json, 'azurerm_virtual_network', 'hubnet').address_space).toEqual(['10.0.0.0/22']);
    expect(resource(json, 'azurerm_virtual_network', 'k8snet').address_space).toEqual(['10.1.0.0/16']);
    const endpoints = ['Microsoft.Sql', 'Microsoft.AzureCosmosDB', 'Microsoft.KeyVault', 'Microsoft.Storage'];
    expect(resources(json, 'azurerm_subnet').map((s) => [s.name, s.address_prefixes, s.service_endpoints, s.virtual_network_name])).toEqual([
      ['AzureFirewallSubnet', ['10.0.0.0/26'], undefined, ref('azurerm_virtual_network', 'hubnet', 'name')],
      ['bastionsubnet', ['10.0.1.0/24'], undefined, ref('azurerm_virtual_network', 'hubnet', 'name')],
      ['aks-1-subnet', ['10.1.4.0/22'], endpoints, ref('azurerm_virtual_network', 'k8snet', 'name')],
      ['aks-2-subnet', ['10.1.8.0/22'], endpoints, ref('azurerm_virtual_network', 'k8snet', 'name')],
      ['gw-1-subnet', ['10.1.0.0/24'], undefined, ref('azurerm_virtual_network', 'k8snet', 'name')],
    ]);
    const h2s = resource(json, 'azurerm_virtual_network_peering', 'HubToSpoke1');
    const s2h = resource(json, 'azurerm_virtual_network_peering', 'Spoke1ToHub');
    expect([h2s.virtual_network_name, h2s.remote_virtual_network_id, h2s.allow_virtual_network_access])
      .toEqual([ref('azurerm_virtual_network', 'hubnet', 'name'), ref('azurerm_virtual_network', 'k8snet', 'id'), true]);
    expect([s2h.virtual_network_name, s2h.remote_virtual_network_id, s2h.allow_virtual_network_access])
      .toEqual([ref('azurerm_virtual_network', 'k8snet', 'name'), ref('azurerm_virtual_network', 'hubnet', 'id'), true]);
  });

  test('firewall dzk8sfw1 with dzk8sfw1-ip, a policy, and diagnostics to dzk8sfw1-lagw', () => {
    const fw = resource(json, 'azurerm_firewall', 'dzk8sfw1');
    expect(fw.resource_group_name).toBe(ref('azurerm_resource_group', 'securevnets', 'name'));
    expect(fw.ip_configuration).toEqual([{
      name: 'dzk8sfw1',
      subnet_id: ref('azurerm_subnet', 'AzureFirewallSubnet', 'id'),
      public_ip_address_id: ref('azurerm_public_ip', 'dzk8sfw1-ip', 'id'),
    }]);
    expect(fw.firewall_policy_id).toBe(ref('azurerm_firewall_policy', 'dzk8sfw1-policy', 'id'));
    expect(resource(json, 'azurerm_log_analytics_workspace', 'dzk8sfw1-lagw').resource_group_name).toBe(ref('azurerm_resource_group', 'securevnets', 'name'));
    const setting = resource(json, 'azurerm_monitor_diagnostic_setting', 'dzk8sfw1-settings');
    expect([setting.target_resource_id, setting.log_analytics_workspace_id])
      .toEqual([ref('azurerm_firewall', 'dzk8sfw1', 'id'), ref('azurerm_log_analytics_workspace', 'dzk8sfw1-lagw', 'id')]);
    expect(setting.enabled_log).toEqual([{ category: 'AzureFirewallApplicationRule' }, { category: 'AzureFirewallNetworkRule' }]);
  });

  test('the document\'s network collections: time, dns, servicetags, hcp', () => {
    const group = resource(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-policy-network');
    expect(group.priority).toBe(200);
    expect(group.network_rule_collection).toEqual([
      { name: 'time', priority: 101, action: 'Allow', rule: [{ name: 'allow network', description: 'aks node time sync rule', protocols: ['UDP'], source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_addresses: ['*'], destination_ports: ['123'] }] },
      { name: 'dns', priority: 102, action: 'Allow', rule: [{ name: 'allow network', description: 'aks node dns rule', protocols: ['Any'], source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_addresses: ['*'], destination_ports: ['53'] }] },
      { name: 'servicetags', priority: 110, action: 'Allow', rule: [{ name: 'allow service tags', description: 'allow service tags', protocols: ['Any'], source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_addresses: ['AzureContainerRegistry', 'MicrosoftContainerRegistry', 'AzureActiveDirectory', 'AzureMonitor'], destination_ports: ['*'] }] },
      { name: 'hcp', priority: 120, action: 'Allow', rule: [{ name: 'allow master tags', description: 'allow aks link access to masters', protocols: ['UDP'], source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_addresses: ['AzureCloud.westeurope'], destination_ports: ['1194'] }] },
    ]);
  });

  test('the document\'s application collections: aksfwar, osupdates, dockerhub', () => {
    const group = resource(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-policy-application');
    const web = [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }];
    expect(group.priority).toBe(300);
    expect(group.application_rule_collection).toEqual([
      { name: 'aksfwar', priority: 101, action: 'Allow', rule: [{ name: 'fqdn', source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_fqdn_tags: ['AzureKubernetesService'], protocols: web }] },
      { name: 'osupdates', priority: 102, action: 'Allow', rule: [{ name: 'allow network', source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_fqdns: UBUNTU_UPDATE_FQDNS, protocols: web }] },
      { name: 'dockerhub', priority: 200, action: 'Allow', rule: [{ name: 'allow network', source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_fqdns: DOCKER_HUB_FQDNS, protocols: web }] },
    ]);
    expect(UBUNTU_UPDATE_FQDNS).toEqual(['security.ubuntu.com', 'azure.archive.ubuntu.com', 'changelogs.ubuntu.com', 'snapshot.ubuntu.com']);
    expect(DOCKER_HUB_FQDNS).toHaveLength(4);
  });

  test('secureaks1-rt sends both AKS subnets to the firewall', () => {
    const table = resource(json, 'azurerm_route_table', 'secureaks1-rt');
    expect(table.resource_group_name).toBe(ref('azurerm_resource_group', 'securevnets', 'name'));
    expect(resource(json, 'azurerm_route', 'dzk8sfw1')).toEqual(expect.objectContaining({
      address_prefix: '0.0.0.0/0',
      next_hop_type: 'VirtualAppliance',
      next_hop_in_ip_address: ref('azurerm_firewall', 'dzk8sfw1', 'ip_configuration[0].private_ip_address'),
    }));
    expect(resources(json, 'azurerm_subnet_route_table_association').map((a) => [a.subnet_id, a.route_table_id])).toEqual([
      [ref('azurerm_subnet', 'aks-1-subnet', 'id'), ref('azurerm_route_table', 'secureaks1-rt', 'id')],
      [ref('azurerm_subnet', 'aks-2-subnet', 'id'), ref('azurerm_route_table', 'secureaks1-rt', 'id')],
    ]);
  });

  test('secureaks1: Azure CNI, userDefinedRouting, managed identity, OIDC and Workload ID, container insights to secureaks1', () => {
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'secureaks1');
    expect(aks.resource_group_name).toBe(ref('azurerm_resource_group', 'securek8s', 'name'));
    expect(aks.node_resource_group).toBe('securek8s_secureaks1_nodes_westeurope');
    expect(aks.identity).toEqual({ type: 'SystemAssigned' });
    expect(aks.network_profile).toEqual({ network_plugin: 'azure', outbound_type: 'userDefinedRouting', service_cidr: '10.2.0.0/16', dns_service_ip: '10.2.0.10' });
    expect(aks.default_node_pool.vnet_subnet_id).toBe(ref('azurerm_subnet', 'aks-1-subnet', 'id'));
    expect(aks.default_node_pool.node_count).toBe(2);
    expect(aks.kubernetes_version).toBeUndefined();
    expect([aks.oidc_issuer_enabled, aks.workload_identity_enabled]).toEqual([true, true]);
    expect(aks.oms_agent).toEqual({ log_analytics_workspace_id: ref('azurerm_log_analytics_workspace', 'secureaks1', 'id'), msi_auth_for_monitoring_enabled: true });
    expect(resource(json, 'azurerm_monitor_data_collection_rule', 'MSCI-westeurope-secureaks1').destinations.log_analytics[0].workspace_resource_id)
      .toBe(ref('azurerm_log_analytics_workspace', 'secureaks1', 'id'));
    expect(aks.depends_on).toEqual(expect.arrayContaining([
      address(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-policy-network'),
      address(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-policy-application'),
      address(json, 'azurerm_virtual_network_peering', 'HubToSpoke1'),
      address(json, 'azurerm_virtual_network_peering', 'Spoke1ToHub'),
    ]));
  });

  test('dzk8sappgw1: WAF_v2 with a WAF policy, autoscale 0 to 10, HTTP/2, dzk8sappgw1-pip, logs to dzk8sfw1-lagw', () => {
    const gw = resource(json, 'azurerm_application_gateway', 'dzk8sappgw1');
    expect(gw.resource_group_name).toBe(ref('azurerm_resource_group', 'secureappgw', 'name'));
    expect([gw.sku, gw.autoscale_configuration, gw.enable_http2])
      .toEqual([{ name: 'WAF_v2', tier: 'WAF_v2' }, { min_capacity: 0, max_capacity: 10 }, true]);
    expect(gw.firewall_policy_id).toBe(ref('azurerm_web_application_firewall_policy', 'dzk8sappgw1-waf', 'id'));
    expect(gw.gateway_ip_configuration[0].subnet_id).toBe(ref('azurerm_subnet', 'gw-1-subnet', 'id'));
    expect(gw.frontend_ip_configuration[0].public_ip_address_id).toBe(ref('azurerm_public_ip', 'dzk8sappgw1-pip', 'id'));
    expect(resource(json, 'azurerm_public_ip', 'dzk8sappgw1-pip').resource_group_name).toBe(ref('azurerm_resource_group', 'secureappgw', 'name'));
    expect(resource(json, 'azurerm_monitor_diagnostic_setting', 'dzk8sappgw1-settings').log_analytics_workspace_id)
      .toBe(ref('azurerm_log_analytics_workspace', 'dzk8sfw1-lagw', 'id'));
    expect(resources(json, 'azurerm_subnet_route_table_association').some((a) => a.subnet_id === ref('azurerm_subnet', 'gw-1-subnet', 'id'))).toBe(false);
  });

  test('roles: the cluster on its node subnet; the ingress controller on the gateway, its subnet and two groups; nothing wider', () => {
    const agic = ref('azurerm_user_assigned_identity', 'dzk8sappgw1-id', 'principal_id');
    const aks = ref('azurerm_kubernetes_cluster', 'secureaks1', 'identity[0].principal_id');
    expect(resources(json, 'azurerm_role_assignment').map((r) => [r.principal_id, r.role_definition_name, r.scope])).toEqual([
      [agic, 'Contributor', ref('azurerm_application_gateway', 'dzk8sappgw1', 'id')],
      [agic, 'Reader', ref('azurerm_resource_group', 'secureappgw', 'id')],
      [agic, 'Reader', ref('azurerm_resource_group', 'securek8s', 'id')],
      [agic, 'Network Contributor', ref('azurerm_subnet', 'gw-1-subnet', 'id')],
      [aks, 'Network Contributor', ref('azurerm_subnet', 'aks-1-subnet', 'id')],
    ]);
    expect(resource(json, 'azurerm_user_assigned_identity', 'dzk8sappgw1-id').resource_group_name).toBe(ref('azurerm_resource_group', 'securek8s', 'name'));
  });

  test('the ingress controller: ingress-azure via helm, workload identity, the federated subject matching its service account', () => {
    const release = resource(json, 'helm_release', 'ingress-azure');
    expect([release.repository, release.chart, release.version, release.namespace])
      .toEqual(['oci://mcr.microsoft.com/azure-application-gateway/charts', 'ingress-azure', '1.8.1', 'kube-system']);
    const values = parse(release.values[0]);
    expect(values.armAuth).toEqual({ type: 'workloadIdentity', identityClientID: ref('azurerm_user_assigned_identity', 'dzk8sappgw1-id', 'client_id') });
    expect(values.appgw).toEqual(expect.objectContaining({ name: 'dzk8sappgw1', resourceGroup: ref('azurerm_resource_group', 'secureappgw', 'name'), usePrivateIP: false, shared: false }));
    expect(values.kubernetes).toEqual({ watchNamespace: 'default' });
    const fic = resource(json, 'azurerm_federated_identity_credential', 'secureaks1-ingress-azure');
    expect([fic.subject, fic.issuer]).toEqual(['system:serviceaccount:kube-system:ingress-azure', ref('azurerm_kubernetes_cluster', 'secureaks1', 'oidc_issuer_url')]);
    expect(json.provider!.helm[0].kubernetes.host).toBe(ref('azurerm_kubernetes_cluster', 'secureaks1', 'kube_config[0].host'));
  });

  test('API-server access in group dzk8sfw1-apiserver (150), which the controller waits for and the cluster does not', () => {
    const group = resource(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-apiserver');
    expect(group.priority).toBe(150);
    expect(group.network_rule_collection).toEqual([{
      name: 'aksapiserver', priority: 100, action: 'Allow',
      rule: [{ name: 'apiserver', protocols: ['TCP'], source_ip_groups: [ref('azurerm_ip_group', 'secureaks-ipg', 'id')], destination_fqdns: [ref('azurerm_kubernetes_cluster', 'secureaks1', 'fqdn')], destination_ports: ['443'] }],
    }]);
    const groupAddress = address(json, 'azurerm_firewall_policy_rule_collection_group', 'dzk8sfw1-apiserver');
    expect(resource(json, 'helm_release', 'ingress-azure').depends_on).toContain(groupAddress);
    expect(resource(json, 'azurerm_kubernetes_cluster', 'secureaks1').depends_on).not.toContain(groupAddress);
    expect(Object.values(json.resource!.azurerm_virtual_network_dns_servers)).toEqual([{
      virtual_network_id: ref('azurerm_virtual_network', 'k8snet', 'id'),
      dns_servers: [ref('azurerm_firewall', 'dzk8sfw1', 'ip_configuration[0].private_ip_address')],
    }]);
  });

  test('IP Group secureaks-ipg: both AKS subnets, the rules\' only source', () => {
    expect(resource(json, 'azurerm_ip_group', 'secureaks-ipg').cidrs).toEqual(['10.1.4.0/22', '10.1.8.0/22']);
  });

  test('outputs', () => {
    expect(Object.keys(json.output!)).toEqual(['appgw_public_ip', 'cluster_name', 'firewall_private_ip', 'firewall_public_ips', 'get_credentials']);
    expect(json.output!.appgw_public_ip.value).toBe(ref('azurerm_public_ip', 'dzk8sappgw1-pip', 'ip_address'));
  });
});
