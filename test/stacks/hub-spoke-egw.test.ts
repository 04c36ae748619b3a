import { TerraformVariable, Testing } from 'cdktf';
import { parse } from 'yaml';
import { CalicoEdition } from '../../lib/calico';
import { HubSpokeEgwStack, blueprintPublicFqdns } from '../../stacks/hub-spoke-egw';
import { HubSpokeEgwCalicoStack } from '../../stacks/hub-spoke-egw-calico';
import { TfJson, address, resource, resources, synth } from '../helpers';

/** BLUEPRINT.md's Azure table, row by row. */
describe('hub-spoke-egw reproduces BLUEPRINT.md', () => {
  const stack = new HubSpokeEgwStack(Testing.app(), 'hub-spoke-egw');
  const json: TfJson = synth(stack);
  const ref = (type: string, name: string, attr: string) => `\${${address(json, type, name)}.${attr}}`;
  const hubRg = '${azurerm_resource_group.hub-rg.name}';
  const spokeRg = '${azurerm_resource_group.spoke-rg.name}';

  test('2 resource groups in eastus', () => {
    expect(resources(json, 'azurerm_resource_group')).toEqual([
      { name: 'demo-hub-network', location: 'eastus' },
      { name: 'demo-spoke-networks', location: 'eastus' },
    ]);
  });

  test('hub VNet 10.0.0.0/22 with AzureFirewallSubnet 10.0.0.0/24 and RouteServerSubnet 10.0.1.0/24', () => {
    expect(resource(json, 'azurerm_virtual_network', 'hub-vnet')).toMatchObject({ address_space: ['10.0.0.0/22'], resource_group_name: hubRg });
    expect(resource(json, 'azurerm_subnet', 'AzureFirewallSubnet')).toMatchObject({ address_prefixes: ['10.0.0.0/24'], virtual_network_name: ref('azurerm_virtual_network', 'hub-vnet', 'name') });
    expect(resource(json, 'azurerm_subnet', 'RouteServerSubnet')).toMatchObject({ address_prefixes: ['10.0.1.0/24'], virtual_network_name: ref('azurerm_virtual_network', 'hub-vnet', 'name') });
  });

  test('spoke VNet 10.1.0.0/22 with AKSSubnet 10.1.0.0/24', () => {
    expect(resource(json, 'azurerm_virtual_network', 'spoke1-vnet')).toMatchObject({ address_space: ['10.1.0.0/22'], resource_group_name: spokeRg });
    expect(resource(json, 'azurerm_subnet', 'AKSSubnet')).toMatchObject({ address_prefixes: ['10.1.0.0/24'], virtual_network_name: ref('azurerm_virtual_network', 'spoke1-vnet', 'name') });
  });

  test('peering HubToSpoke1: virtual network access, gateway transit', () => {
    expect(resource(json, 'azurerm_virtual_network_peering', 'HubToSpoke1')).toMatchObject({
      allow_virtual_network_access: true, allow_gateway_transit: true, use_remote_gateways: false,
      remote_virtual_network_id: ref('azurerm_virtual_network', 'spoke1-vnet', 'id'), resource_group_name: hubRg,
    });
  });

  test('peering Spoke1ToHub: virtual network access, remote gateways, after the Route Server', () => {
    const p = resource(json, 'azurerm_virtual_network_peering', 'Spoke1ToHub');
    expect(p).toMatchObject({
      allow_virtual_network_access: true, use_remote_gateways: true, allow_gateway_transit: false,
      remote_virtual_network_id: ref('azurerm_virtual_network', 'hub-vnet', 'id'), resource_group_name: spokeRg,
    });
    expect(p.depends_on).toContain(address(json, 'azurerm_route_server', 'hub-rs'));
    expect(p.depends_on).toContain(address(json, 'azurerm_virtual_network_peering', 'HubToSpoke1'));
  });

  test('firewall public IP hub-fw-ip, Static, Standard', () => {
    expect(resource(json, 'azurerm_public_ip', 'hub-fw-ip')).toMatchObject({ allocation_method: 'Static', sku: 'Standard', resource_group_name: hubRg });
  });

  test('firewall hub-fw: AZFW_VNet, Standard, one IP configuration in AzureFirewallSubnet', () => {
    const fw = resource(json, 'azurerm_firewall', 'hub-fw');
    expect(fw).toMatchObject({ sku_name: 'AZFW_VNet', sku_tier: 'Standard', resource_group_name: hubRg });
    expect(fw.ip_configuration).toEqual([{
      name: 'fw_ip_config', subnet_id: ref('azurerm_subnet', 'AzureFirewallSubnet', 'id'), public_ip_address_id: ref('azurerm_public_ip', 'hub-fw-ip', 'id'),
    }]);
  });

  test('Log Analytics workspace hub-fw-log-analytics, PerGB2018', () => {
    expect(resource(json, 'azurerm_log_analytics_workspace', 'hub-fw-log-analytics')).toMatchObject({ sku: 'PerGB2018', resource_group_name: hubRg });
  });

  test('diagnostic setting hub-fw-settings: application and network rule logs, AllMetrics', () => {
    expect(resource(json, 'azurerm_monitor_diagnostic_setting', 'hub-fw-settings')).toEqual({
      name: 'hub-fw-settings',
      target_resource_id: ref('azurerm_firewall', 'hub-fw', 'id'),
      log_analytics_workspace_id: ref('azurerm_log_analytics_workspace', 'hub-fw-log-analytics', 'id'),
      enabled_log: [{ category: 'AzureFirewallApplicationRule' }, { category: 'AzureFirewallNetworkRule' }],
      enabled_metric: [{ category: 'AllMetrics' }],
    });
  });

  test('application rule collection allowed-fqdns: priority 100, Allow, the FQDN tag and the 22 FQDNs (Docker Hub from ContainerRegistries.dockerHub()) over Http 80 / Https 443', () => {
    const c = resource(json, 'azurerm_firewall_application_rule_collection', 'allowed-fqdns');
    expect(c).toMatchObject({ priority: 100, action: 'Allow', azure_firewall_name: ref('azurerm_firewall', 'hub-fw', 'name'), resource_group_name: hubRg });
    expect(c.rule[0]).toEqual({ name: 'allow access to fqdn tags', source_ip_groups: [ref('azurerm_ip_group', 'spoke1-aks-ipg', 'id')], fqdn_tags: ['AzureKubernetesService'] });
    expect(c.rule[1].source_addresses).toBeUndefined();
    expect(c.rule[1].source_ip_groups).toEqual([ref('azurerm_ip_group', 'spoke1-aks-ipg', 'id')]);
    expect(resource(json, 'azurerm_ip_group', 'spoke1-aks-ipg').cidrs).toEqual(['10.1.0.0/24']);
    expect(c.rule[1].protocol).toEqual([{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }]);
    expect(c.rule[1].target_fqdns).toEqual([
      'auth.docker.io', 'registry-1.docker.io', 'production.cloudflare.docker.com',
      'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com', 'quay.io', '*.quay.io', 'us-docker.pkg.dev',
      '*.projectcalico.org', 'installer.calicocloud.io', 'www.calicocloud.io', '*.ubuntu.com', '*.hcp.eastus.azmk8s.io',
      'mcr.microsoft.com', '*.data.mcr.microsoft.com', 'management.azure.com', 'login.microsoftonline.com', 'packages.microsoft.com',
      'acs-mirror.azureedge.net', 'dc.services.visualstudio.com', '*.ods.opinsights.azure.com', '*.oms.opinsights.azure.com', '*.monitoring.azure.com',
    ]);
    expect(c.rule[1].target_fqdns).toHaveLength(22);
    expect(blueprintPublicFqdns('westeurope')).toContain('*.hcp.westeurope.azmk8s.io');
  });

  test('network rule collection allowed-network-rules: priority 100, the four rules from the AKS subnet\'s IP Group', () => {
    const c = resource(json, 'azurerm_firewall_network_rule_collection', 'allowed-network-rules');
    expect(c).toMatchObject({ priority: 100, action: 'Allow' });
    const nodes = [ref('azurerm_ip_group', 'spoke1-aks-ipg', 'id')];
    expect(c.rule.map((r: any) => [r.protocols, r.source_ip_groups, r.destination_addresses, r.destination_ports])).toEqual([
      [['UDP'], nodes, ['AzureCloud.eastus'], ['1194']],
      [['TCP'], nodes, ['*'], ['9000']],
      [['UDP'], nodes, ['*'], ['123']],
      [['TCP'], nodes, ['AzureMonitor', 'Storage'], ['443']],
    ]);
    expect(c.rule.every((r: any) => r.source_addresses === undefined)).toBe(true);
  });

  test('network rule collection spoke-1-apiserver-access: priority 105, TCP 443 to the API server, no DNS lookup at plan time', () => {
    const c = resource(json, 'azurerm_firewall_network_rule_collection', 'spoke-1-apiserver-access');
    expect(c).toMatchObject({ priority: 105, action: 'Allow' });
    expect(c.rule).toEqual([{
      name: 'allow access to spoke aks apiserver', description: 'allow access to spoke aks apiserver',
      protocols: ['TCP'], source_ip_groups: [ref('azurerm_ip_group', 'spoke1-aks-ipg', 'id')], destination_ports: ['443'],
      destination_fqdns: [ref('azurerm_kubernetes_cluster', 'spoke1-aks', 'fqdn')],
    }]);
    expect(json.data?.dns_a_record_set).toBeUndefined();
    // The spoke's nodes resolve through the firewall's DNS proxy, so they see the addresses it matches.
    expect(Object.values(json.resource!.azurerm_virtual_network_dns_servers)).toEqual([{
      virtual_network_id: ref('azurerm_virtual_network', 'spoke1-vnet', 'id'),
      dns_servers: [ref('azurerm_firewall', 'hub-fw', 'ip_configuration[0].private_ip_address')],
    }]);
    // FQDNs in network rules are resolved by the firewall's DNS proxy.
    expect(resource(json, 'azurerm_firewall', 'hub-fw').dns_proxy_enabled).toBe(true);
  });

  test('application rule collection tenant0-allowed-access: priority 110, from 10.99.0.0/29 to www.tigera.io over Http 80 / Https 443', () => {
    const c = resource(json, 'azurerm_firewall_application_rule_collection', 'tenant0-allowed-access');
    expect(c).toMatchObject({ priority: 110, action: 'Allow' });
    expect(c.rule).toEqual([{
      name: 'allow tenant0 to www.tigera.io', source_addresses: ['10.99.0.0/29'], target_fqdns: ['www.tigera.io'],
      protocol: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }],
    }]);
  });

  test('spoke route table spoke_1-fw-rt: hub-fw-r 0.0.0.0/0 to the firewall private IP, associated with AKSSubnet and RouteReflectorSubnet', () => {
    const rt = resource(json, 'azurerm_route_table', 'spoke_1-fw-rt');
    expect(rt.resource_group_name).toBe(spokeRg);
    expect(resource(json, 'azurerm_route', 'hub-fw-r')).toMatchObject({
      address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance',
      next_hop_in_ip_address: ref('azurerm_firewall', 'hub-fw', 'ip_configuration[0].private_ip_address'),
      route_table_name: ref('azurerm_route_table', 'spoke_1-fw-rt', 'name'),
    });
    expect(resources(json, 'azurerm_subnet_route_table_association')).toEqual([
      { subnet_id: ref('azurerm_subnet', 'AKSSubnet', 'id'), route_table_id: ref('azurerm_route_table', 'spoke_1-fw-rt', 'id') },
      { subnet_id: ref('azurerm_subnet', 'RouteReflectorSubnet', 'id'), route_table_id: ref('azurerm_route_table', 'spoke_1-fw-rt', 'id') },
    ]);
  });

  test('Route Server public IP hub-rs-pip, Static, Standard', () => {
    expect(resource(json, 'azurerm_public_ip', 'hub-rs-pip')).toMatchObject({ allocation_method: 'Static', sku: 'Standard', resource_group_name: hubRg });
  });

  test('Route Server hub-rs: Standard, branch-to-branch off, in RouteServerSubnet', () => {
    expect(resource(json, 'azurerm_route_server', 'hub-rs')).toMatchObject({
      sku: 'Standard', branch_to_branch_traffic_enabled: false,
      subnet_id: ref('azurerm_subnet', 'RouteServerSubnet', 'id'), public_ip_address_id: ref('azurerm_public_ip', 'hub-rs-pip', 'id'),
    });
  });

  test('BGP connections to every address a route reflector can have (10.1.1.4 to 10.1.1.7: 3 nodes + 1 surge) with peer ASN 63400', () => {
    const rsId = ref('azurerm_route_server', 'hub-rs', 'id');
    expect(resources(json, 'azurerm_route_server_bgp_connection')).toEqual(['10.1.1.4', '10.1.1.5', '10.1.1.6', '10.1.1.7'].map((ip, i) => ({
      name: `spoke-rs-bgpconnection-peer-${i + 1}`, peer_ip: ip, peer_asn: 63400, route_server_id: rsId,
    })));
  });

  test('route reflector pool rr: 3 labelled nodes, max surge 1, in RouteReflectorSubnet 10.1.1.0/28 behind the firewall route table', () => {
    expect(resource(json, 'azurerm_subnet', 'RouteReflectorSubnet')).toMatchObject({
      address_prefixes: ['10.1.1.0/28'], virtual_network_name: ref('azurerm_virtual_network', 'spoke1-vnet', 'name'),
    });
    const pool = resource(json, 'azurerm_kubernetes_cluster_node_pool', 'rr');
    expect(pool).toMatchObject({
      name: 'rr', node_count: 3, mode: 'User', vm_size: 'Standard_D2_v2', node_labels: { 'route-reflector': 'true' },
      upgrade_settings: { max_surge: '1' },
      kubernetes_cluster_id: ref('azurerm_kubernetes_cluster', 'spoke1-aks', 'id'), vnet_subnet_id: ref('azurerm_subnet', 'RouteReflectorSubnet', 'id'),
    });
    const association = Object.entries(json.resource!.azurerm_subnet_route_table_association)
      .find(([, a]) => a.subnet_id === ref('azurerm_subnet', 'RouteReflectorSubnet', 'id'))![0];
    expect(pool.depends_on).toEqual(expect.arrayContaining([`azurerm_subnet_route_table_association.${association}`]));
  });

  test('AKS spoke1-aks: dns prefix aks, default pool of route reflector clients (no route-reflector label), SystemAssigned, SSH key, plugin none, UDR, after route table, firewall and peering', () => {
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'spoke1-aks');
    expect(aks).toMatchObject({
      dns_prefix: 'aks', private_cluster_enabled: false, resource_group_name: spokeRg,
      default_node_pool: { name: 'default', type: 'VirtualMachineScaleSets', node_count: 2, vm_size: 'Standard_D2_v2',
        vnet_subnet_id: ref('azurerm_subnet', 'AKSSubnet', 'id') },
      identity: { type: 'SystemAssigned' },
      linux_profile: { admin_username: 'azureuser', ssh_key: { key_data: '${var.admin_ssh_key}' } },
      network_profile: { network_plugin: 'none', service_cidr: '10.9.0.0/24', dns_service_ip: '10.9.0.10', outbound_type: 'userDefinedRouting' },
    });
    expect(aks.depends_on).toEqual(expect.arrayContaining([
      address(json, 'azurerm_route_table', 'spoke_1-fw-rt'),
      `azurerm_subnet_route_table_association.${Object.keys(json.resource!.azurerm_subnet_route_table_association)[0]}`,
      address(json, 'azurerm_firewall', 'hub-fw'),
      address(json, 'azurerm_virtual_network_peering', 'HubToSpoke1'),
      address(json, 'azurerm_virtual_network_peering', 'Spoke1ToHub'),
      address(json, 'azurerm_firewall_application_rule_collection', 'allowed-fqdns'),
      address(json, 'azurerm_firewall_network_rule_collection', 'allowed-network-rules'),
    ]));
    // The API-server rule names the cluster, so the cluster must not wait for it.
    expect(aks.depends_on).not.toContain(address(json, 'azurerm_firewall_network_rule_collection', 'spoke-1-apiserver-access'));
  });

  test('a current Kubernetes version, looked up as the latest AKS patch', () => {
    const versions = Object.values(json.data!.azurerm_kubernetes_service_versions);
    expect(versions).toEqual([{ location: '${azurerm_resource_group.spoke-rg.location}', version_prefix: '1.35', include_preview: false }]);
  });

  test('Calico operator: helm release calico, chart tigera-operator, namespace created, the blueprint values, a current version', () => {
    const release = resource(json, 'helm_release', 'calico');
    expect(release).toMatchObject({
      chart: 'tigera-operator', namespace: 'tigera-operator', create_namespace: true, version: 'v3.33.1',
      repository: 'https://docs.tigera.io/calico/charts',
      // The operator reaches the API server through the firewall: it waits for that rule too.
      depends_on: [address(json, 'azurerm_kubernetes_cluster', 'spoke1-aks'),
        address(json, 'azurerm_firewall_network_rule_collection', 'spoke-1-apiserver-access'), address(json, 'helm_release', 'calico-crds')],
    });
    // Calico 3.32 moved the CRDs into their own chart, installed first (not in the blueprint, which predates it).
    expect(resource(json, 'helm_release', 'calico-crds')).toMatchObject({
      chart: 'crd.projectcalico.org.v1', namespace: 'tigera-operator', version: 'v3.33.1',
      repository: 'https://docs.tigera.io/calico/charts', depends_on: [address(json, 'azurerm_kubernetes_cluster', 'spoke1-aks'),
        address(json, 'azurerm_firewall_network_rule_collection', 'spoke-1-apiserver-access')],
    });
    expect(parse(release.values[0])).toEqual({ installation: {
      kubernetesProvider: 'AKS', cni: { type: 'Calico', ipam: { type: 'Calico' } },
      // The default pool stays out of BGP from install on, as the blueprint's later patch makes it.
      calicoNetwork: { bgp: 'Enabled', ipPools: [{ cidr: '10.244.0.0/24', encapsulation: 'VXLAN', disableBGPExport: true }] },
    } });
    expect(json.provider!.helm[0].kubernetes.host).toBe(ref('azurerm_kubernetes_cluster', 'spoke1-aks', 'kube_config[0].host'));
  });
});

describe('hub-spoke-egw: Calico edition and readiness gate', () => {
  test('Calico Cloud by default: the open-source operator installed once, then left to the join (every change ignored)', () => {
    const stack = new HubSpokeEgwStack(Testing.app(), 'hub-spoke-egw');
    const json = synth(stack);
    expect(stack.calico.edition.name).toBe('cloud');
    expect(resource(json, 'helm_release', 'calico').lifecycle).toEqual({ ignore_changes: 'all' });
  });

  test('the readiness gate waits with the cluster\'s own kubeconfig, after the release; its id is an output', () => {
    const stack = new HubSpokeEgwStack(Testing.app(), 'hub-spoke-egw');
    const json = synth(stack);
    const [gateId, gate] = Object.entries(json.resource!.terraform_data)[0] as [string, any];
    expect(gate.depends_on).toEqual([address(json, 'helm_release', 'calico')]);
    expect(gate.provisioner[0]['local-exec'].environment).toEqual({ CALICO_KUBECONFIG: `\${${address(json, 'azurerm_kubernetes_cluster', 'spoke1-aks')}.kube_config_raw}` });
    expect(gate.provisioner[0]['local-exec'].command).toContain('kubectl wait --for=condition=Available --timeout=20m tigerastatus/apiserver tigerastatus/calico');
    expect(json.output!.calico_ready).toEqual({ value: `\${terraform_data.${gateId}.id}`, description: 'Calico API server and Calico Available (the readiness gate)' });
  });

  test('Calico Enterprise: Tigera\'s chart managed by Terraform, secrets as sensitive variables', () => {
    const stack = new HubSpokeEgwStack(Testing.app(), 'hub-spoke-egw', {
      calicoEdition: (s) => CalicoEdition.enterprise({
        version: 'v3.22.1-0',
        license: new TerraformVariable(s, 'calico_license', { type: 'string', sensitive: true }).stringValue,
        pullSecret: new TerraformVariable(s, 'tigera_pull_secret', { type: 'string', sensitive: true }).stringValue,
      }),
    });
    const json = synth(stack);
    const release = resource(json, 'helm_release', 'calico');
    expect(release.set_sensitive[0]).toEqual({ name: 'licenseKeyContent', value: '${var.calico_license}' });
    expect(Object.values(json.output!).map((o) => JSON.stringify(o.value))).not.toContainEqual(expect.stringContaining('var.'));
    expect(release).toMatchObject({ repository: 'https://downloads.tigera.io/ee/charts', version: 'v3.22.1-0' });
    expect(release.lifecycle).toBeUndefined();
    expect(release.set_sensitive.map((s: any) => s.name)).toEqual([
      'licenseKeyContent', 'imagePullSecrets.tigera-pull-secret', 'tigera-prometheus-operator.imagePullSecrets.tigera-pull-secret',
    ]);
  });

  test('Calico Open Source: the cluster stack refuses the egress gateways at synth', () => {
    const app = Testing.app();
    const cloud = new HubSpokeEgwStack(app, 'hub-spoke-egw', { calicoEdition: CalicoEdition.openSource() });
    expect(() => new HubSpokeEgwCalicoStack(app, 'hub-spoke-egw-calico', { cloud })).toThrow(
      'hub-spoke-egw-calico/calico/tenant0: EgressGateway tenant0-egw: kind is "operator.tigera.io/v1 EgressGateway"; ' +
      'EgressGateway exists in Calico Enterprise and Calico Cloud, not in Calico Open Source; choose CalicoEdition.enterprise(...) or CalicoEdition.cloud()');
  });
});
