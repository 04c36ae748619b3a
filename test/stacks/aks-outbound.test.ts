import { App, TerraformStack, Testing } from 'cdktf';
import {
  AksOutboundLbStack, AksOutboundManagedNatStack, AksOutboundUdrStack, AksOutboundUserNatStack,
} from '../../stacks/aks-outbound';
import { TfJson, address, resource, resources, synth } from '../helpers';

const synthOf = (make: (app: App) => TerraformStack): TfJson => synth(make(Testing.app()));
const ref = (json: TfJson, type: string, name: string, attr = 'id') => `\${${address(json, type, name)}.${attr}}`;
const types = (json: TfJson) => Object.keys(json.resource ?? {}).sort();

describe('aks-outbound-lb (document 001, section 1)', () => {
  const json = synthOf((app) => new AksOutboundLbStack(app, 'aks-outbound-lb'));

  test('rg-aks-lb in westeurope with cluster aks-lb, and nothing else', () => {
    expect(resource(json, 'azurerm_resource_group', 'rg-aks-lb').location).toBe('westeurope');
    expect(types(json)).toEqual(['azurerm_kubernetes_cluster', 'azurerm_resource_group']);
  });

  test('outbound type loadBalancer with AKS defaults, in a VNet AKS manages', () => {
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'aks-lb');
    expect(aks.network_profile).toEqual({
      network_plugin: 'azure', network_plugin_mode: 'overlay', pod_cidr: '10.244.0.0/16',
      service_cidr: '10.100.0.0/16', dns_service_ip: '10.100.0.10', outbound_type: 'loadBalancer',
    });
    expect(aks.default_node_pool.node_count).toBe(3);
    expect(aks.default_node_pool.vnet_subnet_id).toBeUndefined();
    expect(aks.resource_group_name).toBe('${azurerm_resource_group.rg.name}');
  });
});

describe('aks-outbound-managed-nat (document 001, section 2)', () => {
  const json = synthOf((app) => new AksOutboundManagedNatStack(app, 'aks-outbound-managed-nat'));

  test('rg-aks-natgateway with cluster aks-natgateway, 2 managed outbound IPs and a 4-minute idle timeout', () => {
    expect(resource(json, 'azurerm_resource_group', 'rg-aks-natgateway').location).toBe('westeurope');
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'aks-natgateway');
    expect(aks.network_profile.outbound_type).toBe('managedNATGateway');
    expect(aks.network_profile.nat_gateway_profile).toEqual({ managed_outbound_ip_count: 2, idle_timeout_in_minutes: 4 });
    expect(aks.network_profile.load_balancer_profile).toBeUndefined();
    expect(aks.default_node_pool.vnet_subnet_id).toBeUndefined();
    expect(types(json)).toEqual(['azurerm_kubernetes_cluster', 'azurerm_resource_group']);
  });
});

describe('aks-outbound-user-nat (document 001, section 3)', () => {
  const json = synthOf((app) => new AksOutboundUserNatStack(app, 'aks-outbound-user-nat'));

  test('identity natClusterId, public IP myNatGatewayPip, NAT gateway myNatGateway with it', () => {
    expect(resource(json, 'azurerm_resource_group', 'rg-aks-usernatgateway').location).toBe('westeurope');
    expect(resource(json, 'azurerm_user_assigned_identity', 'natClusterId').location).toBe('${azurerm_resource_group.rg.location}');
    expect(resource(json, 'azurerm_public_ip', 'myNatGatewayPip')).toMatchObject({ sku: 'Standard', allocation_method: 'Static' });
    expect(resource(json, 'azurerm_nat_gateway', 'myNatGateway')).toMatchObject({ sku_name: 'Standard', idle_timeout_in_minutes: 4 });
    expect(resource(json, 'azurerm_nat_gateway_public_ip_association')).toEqual({
      nat_gateway_id: ref(json, 'azurerm_nat_gateway', 'myNatGateway'),
      public_ip_address_id: ref(json, 'azurerm_public_ip', 'myNatGatewayPip'),
    });
  });

  test('VNet myVnet 172.16.0.0/20 with subnet natCluster 172.16.0.0/22 on the NAT gateway', () => {
    expect(resource(json, 'azurerm_virtual_network', 'myVnet').address_space).toEqual(['172.16.0.0/20']);
    expect(resource(json, 'azurerm_subnet', 'natCluster').address_prefixes).toEqual(['172.16.0.0/22']);
    expect(resource(json, 'azurerm_subnet_nat_gateway_association')).toEqual({
      subnet_id: ref(json, 'azurerm_subnet', 'natCluster'),
      nat_gateway_id: ref(json, 'azurerm_nat_gateway', 'myNatGateway'),
    });
  });

  test('cluster natCluster: Azure CNI in natCluster, userAssignedNATGateway, running as natClusterId', () => {
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'natCluster');
    expect(aks.network_profile).toEqual({
      network_plugin: 'azure', service_cidr: '10.102.0.0/16', dns_service_ip: '10.102.0.10', outbound_type: 'userAssignedNATGateway',
    });
    expect(aks.default_node_pool.vnet_subnet_id).toBe(ref(json, 'azurerm_subnet', 'natCluster'));
    expect(aks.identity).toEqual({ type: 'UserAssigned', identity_ids: [ref(json, 'azurerm_user_assigned_identity', 'natClusterId')] });
    expect(resource(json, 'azurerm_role_assignment')).toMatchObject({
      scope: ref(json, 'azurerm_subnet', 'natCluster'),
      role_definition_name: 'Network Contributor',
      principal_id: ref(json, 'azurerm_user_assigned_identity', 'natClusterId', 'principal_id'),
    });
  });
});

describe('aks-outbound-udr (document 001, section 4)', () => {
  const json = synthOf((app) => new AksOutboundUdrStack(app, 'aks-outbound-udr'));
  const nodes = () => [ref(json, 'azurerm_ip_group', 'aks-nodes-ipg')];
  const fwPrivateIp = () => `\${${address(json, 'azurerm_firewall', 'hub-firewall')}.ip_configuration[0].private_ip_address}`;
  const fwPublicIp = () => ref(json, 'azurerm_public_ip', 'firewall-publicip', 'ip_address');

  test('aks-vnet 10.42.0.0/16 with aks-subnet 10.42.1.0/24 and AzureFirewallSubnet 10.42.2.0/24', () => {
    expect(resource(json, 'azurerm_resource_group', 'rg-aks-udr').location).toBe('westeurope');
    expect(resource(json, 'azurerm_virtual_network', 'aks-vnet').address_space).toEqual(['10.42.0.0/16']);
    expect(resource(json, 'azurerm_subnet', 'aks-subnet').address_prefixes).toEqual(['10.42.1.0/24']);
    expect(resource(json, 'azurerm_subnet', 'AzureFirewallSubnet').address_prefixes).toEqual(['10.42.2.0/24']);
  });

  test('hub-firewall: Standard, DNS proxy on, firewall-publicip in ip configuration firewall-config', () => {
    expect(resource(json, 'azurerm_public_ip', 'firewall-publicip')).toMatchObject({ sku: 'Standard', allocation_method: 'Static' });
    expect(resource(json, 'azurerm_firewall', 'hub-firewall')).toMatchObject({
      sku_name: 'AZFW_VNet', sku_tier: 'Standard', dns_proxy_enabled: true, threat_intel_mode: 'Alert',
      ip_configuration: [{
        name: 'firewall-config',
        subnet_id: ref(json, 'azurerm_subnet', 'AzureFirewallSubnet'),
        public_ip_address_id: ref(json, 'azurerm_public_ip', 'firewall-publicip'),
      }],
    });
  });

  test('firewall-routetable: firewall-route to the firewall, firewall-route-internet for its public IP, on aks-subnet', () => {
    expect(resource(json, 'azurerm_route', 'firewall-route')).toMatchObject({
      address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance', next_hop_in_ip_address: fwPrivateIp(),
      route_table_name: ref(json, 'azurerm_route_table', 'firewall-routetable', 'name'),
    });
    expect(resource(json, 'azurerm_route', 'firewall-route-internet')).toMatchObject({
      address_prefix: `${fwPublicIp()}/32`, next_hop_type: 'Internet',
    });
    expect(resource(json, 'azurerm_subnet_route_table_association')).toEqual({
      subnet_id: ref(json, 'azurerm_subnet', 'aks-subnet'),
      route_table_id: ref(json, 'azurerm_route_table', 'firewall-routetable'),
    });
  });

  test('network rules aksfwnr (priority 100): apiudp, apitcp, time', () => {
    expect(resource(json, 'azurerm_firewall_network_rule_collection', 'aksfwnr')).toEqual({
      name: 'aksfwnr',
      azure_firewall_name: ref(json, 'azurerm_firewall', 'hub-firewall', 'name'),
      resource_group_name: '${azurerm_resource_group.rg.name}',
      priority: 100,
      action: 'Allow',
      rule: [
        { name: 'apiudp', protocols: ['UDP'], source_ip_groups: nodes(), destination_addresses: ['AzureCloud.westeurope'], destination_ports: ['1194'] },
        { name: 'apitcp', protocols: ['TCP'], source_ip_groups: nodes(), destination_addresses: ['AzureCloud.westeurope'], destination_ports: ['9000'] },
        { name: 'time', protocols: ['UDP'], source_ip_groups: nodes(), destination_fqdns: ['ntp.ubuntu.com'], destination_ports: ['123'] },
      ],
    });
  });

  test('application rules aksfwar (100), dockerhub-registry (200) and ifconfig (300)', () => {
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'aksfwar')).toMatchObject({
      priority: 100, action: 'Allow',
      rule: [{ name: 'fqdn', source_ip_groups: nodes(), fqdn_tags: ['AzureKubernetesService'], protocol: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }] }],
    });
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'dockerhub-registry')).toMatchObject({
      priority: 200, action: 'Allow',
      rule: [{
        name: 'dockerhub-registry', source_ip_groups: nodes(), protocol: [{ type: 'Https', port: 443 }],
        target_fqdns: ['auth.docker.io', 'registry-1.docker.io', 'production.cloudflare.docker.com',
          'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com',
          'hub.docker.com', 'login.docker.com', 'auth.docker.com', 'cdn.auth0.com'],
      }],
    });
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'ifconfig')).toMatchObject({
      priority: 300, action: 'Allow',
      rule: [{ name: 'ifconfig', source_ip_groups: nodes(), protocol: [{ type: 'Http', port: 80 }], target_fqdns: ['ifconfig.me'] }],
    });
  });

  test('cluster aks-udr: 3 nodes, Azure CNI in aks-subnet, userDefinedRouting, no egress IP, firewall IP authorized, AGIC add-on', () => {
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'aks-udr');
    expect(aks.default_node_pool).toMatchObject({ node_count: 3, vnet_subnet_id: ref(json, 'azurerm_subnet', 'aks-subnet') });
    expect(aks.network_profile).toEqual({
      network_plugin: 'azure', service_cidr: '10.103.0.0/16', dns_service_ip: '10.103.0.10', outbound_type: 'userDefinedRouting',
    });
    expect(aks.api_server_access_profile).toEqual({ authorized_ip_ranges: [`${fwPublicIp()}/32`] });
    expect(aks.ingress_application_gateway).toEqual({ gateway_name: 'azure-appgateway', subnet_id: ref(json, 'azurerm_subnet', 'appgw-subnet') });
    expect(resources(json, 'azurerm_public_ip').map((ip) => ip.name)).toEqual(['firewall-publicip']);
    expect(aks.depends_on).toEqual(expect.arrayContaining([
      `azurerm_subnet_route_table_association.${Object.keys(json.resource!.azurerm_subnet_route_table_association)[0]}`,
      address(json, 'azurerm_firewall', 'hub-firewall'),
      address(json, 'azurerm_firewall_network_rule_collection', 'aksfwnr'),
      address(json, 'azurerm_firewall_application_rule_collection', 'aksfwar'),
    ]));
  });
});

describe('aks-outbound-udr: least privilege for the add-on, the API server through the firewall', () => {
  const json = synthOf((app) => new AksOutboundUdrStack(app, 'aks-outbound-udr'));

  test('the ingress add-on\'s identity is Network Contributor on appgw-subnet only, not on the VNet', () => {
    const addon = `\${${address(json, 'azurerm_kubernetes_cluster', 'aks-udr')}.ingress_application_gateway[0].ingress_application_gateway_identity[0].object_id}`;
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.principal_id === addon).map((r) => [r.role_definition_name, r.scope]))
      .toEqual([['Network Contributor', ref(json, 'azurerm_subnet', 'appgw-subnet')]]);
    expect(resource(json, 'azurerm_subnet', 'appgw-subnet').address_prefixes).toEqual(['10.42.3.0/24']);
    expect(resource(json, 'azurerm_ip_group', 'aks-nodes-ipg').cidrs).toEqual(['10.42.1.0/24']);
  });

  test('network rules aksapiserver (110): TCP 443 to the API server by FQDN; the VNet resolves through the firewall', () => {
    expect(resource(json, 'azurerm_firewall_network_rule_collection', 'aksapiserver')).toMatchObject({
      priority: 110, action: 'Allow',
      rule: [{ name: 'apiserver', protocols: ['TCP'], source_ip_groups: [ref(json, 'azurerm_ip_group', 'aks-nodes-ipg')], destination_fqdns: [ref(json, 'azurerm_kubernetes_cluster', 'aks-udr', 'fqdn')], destination_ports: ['443'] }],
    });
    expect(Object.values(json.resource!.azurerm_virtual_network_dns_servers)).toEqual([{
      virtual_network_id: ref(json, 'azurerm_virtual_network', 'aks-vnet'),
      dns_servers: [`\${${address(json, 'azurerm_firewall', 'hub-firewall')}.ip_configuration[0].private_ip_address}`],
    }]);
  });
});

describe('service ranges of the document 001 stacks', () => {
  test('serviceCidr and dnsServiceIp restore the CLI defaults when the stack is deployed alone', () => {
    const json = synthOf((app) => new AksOutboundLbStack(app, 'lb', { serviceCidr: '10.0.0.0/16' }));
    expect(resource(json, 'azurerm_kubernetes_cluster', 'aks-lb').network_profile).toMatchObject({
      service_cidr: '10.0.0.0/16', dns_service_ip: '10.0.0.10',
    });
  });
});
