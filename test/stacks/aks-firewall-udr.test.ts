import { Testing } from 'cdktf';
import { AksFirewallUdrStack, AksFirewallUdrStackProps } from '../../stacks/aks-firewall-udr';
import { TfJson, address, resource, resources, synth } from '../helpers';

const synthOf = (props: AksFirewallUdrStackProps = {}): TfJson => synth(new AksFirewallUdrStack(Testing.app(), 'aks-firewall-udr', props));
const ref = (json: TfJson, type: string, name: string, attr = 'id') => `\${${address(json, type, name)}.${attr}}`;

describe('aks-firewall-udr (document 002)', () => {
  const json = synthOf();
  const fwPublicIp = () => ref(json, 'azurerm_public_ip', 'aks-egress-fwpublicip', 'ip_address');
  const nodes = () => [ref(json, 'azurerm_ip_group', 'aks-egress-nodes-ipg')];

  test('IP Group aks-egress-nodes-ipg holds aks-subnet: the egress rules\' only source', () => {
    expect(resource(json, 'azurerm_ip_group', 'aks-egress-nodes-ipg').cidrs).toEqual(['10.42.1.0/24']);
  });

  test('aks-egress-rg in eastus; aks-egress-vnet 10.42.0.0/16 with aks-subnet and AzureFirewallSubnet', () => {
    expect(resource(json, 'azurerm_resource_group', 'aks-egress-rg').location).toBe('eastus');
    expect(resource(json, 'azurerm_virtual_network', 'aks-egress-vnet').address_space).toEqual(['10.42.0.0/16']);
    expect(resource(json, 'azurerm_subnet', 'aks-subnet').address_prefixes).toEqual(['10.42.1.0/24']);
    expect(resource(json, 'azurerm_subnet', 'AzureFirewallSubnet').address_prefixes).toEqual(['10.42.2.0/24']);
  });

  test('aks-egress-fw with DNS proxy, public IP aks-egress-fwpublicip in aks-egress-fwconfig, classic rules', () => {
    expect(resource(json, 'azurerm_public_ip', 'aks-egress-fwpublicip')).toMatchObject({ sku: 'Standard', allocation_method: 'Static' });
    const fw = resource(json, 'azurerm_firewall', 'aks-egress-fw');
    expect(fw).toMatchObject({ dns_proxy_enabled: true, sku_tier: 'Standard' });
    expect(fw.firewall_policy_id).toBeUndefined();
    expect(fw.ip_configuration).toEqual([{
      name: 'aks-egress-fwconfig',
      subnet_id: ref(json, 'azurerm_subnet', 'AzureFirewallSubnet'),
      public_ip_address_id: ref(json, 'azurerm_public_ip', 'aks-egress-fwpublicip'),
    }]);
    expect(resources(json, 'azurerm_firewall_policy')).toHaveLength(0);
    // Zone-redundant by default in eastus, the firewall and its public IP alike.
    expect(fw.zones).toEqual(['1', '2', '3']);
    expect(resource(json, 'azurerm_public_ip', 'aks-egress-fwpublicip').zones).toEqual(['1', '2', '3']);
  });

  test('aks-egress-fwrt: aks-egress-fwrn to the firewall, aks-egress-fwinternet for its public IP, on aks-subnet', () => {
    expect(resource(json, 'azurerm_route', 'aks-egress-fwrn')).toMatchObject({
      address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance',
      next_hop_in_ip_address: `\${${address(json, 'azurerm_firewall', 'aks-egress-fw')}.ip_configuration[0].private_ip_address}`,
    });
    expect(resource(json, 'azurerm_route', 'aks-egress-fwinternet')).toMatchObject({ address_prefix: `${fwPublicIp()}/32`, next_hop_type: 'Internet' });
    expect(resource(json, 'azurerm_subnet_route_table_association')).toEqual({
      subnet_id: ref(json, 'azurerm_subnet', 'aks-subnet'),
      route_table_id: ref(json, 'azurerm_route_table', 'aks-egress-fwrt'),
    });
  });

  test('network rules aksfwnr: apiudp, apitcp, time (registries are application rules)', () => {
    const c = resource(json, 'azurerm_firewall_network_rule_collection', 'aksfwnr');
    expect(c).toMatchObject({ priority: 100, action: 'Allow' });
    expect(c.rule).toEqual([
      { name: 'apiudp', protocols: ['UDP'], source_ip_groups: nodes(), destination_addresses: ['AzureCloud.eastus'], destination_ports: ['1194'] },
      { name: 'apitcp', protocols: ['TCP'], source_ip_groups: nodes(), destination_addresses: ['AzureCloud.eastus'], destination_ports: ['9000'] },
      { name: 'time', protocols: ['UDP'], source_ip_groups: nodes(), destination_fqdns: ['ntp.ubuntu.com'], destination_ports: ['123'] },
    ]);
  });

  test('the VNet resolves through the firewall\'s DNS proxy, with a resource of its own', () => {
    expect(resource(json, 'azurerm_virtual_network', 'aks-egress-vnet').dns_servers).toBeUndefined();
    expect(Object.values(json.resource!.azurerm_virtual_network_dns_servers)).toEqual([{
      virtual_network_id: ref(json, 'azurerm_virtual_network', 'aks-egress-vnet'),
      dns_servers: [ref(json, 'azurerm_firewall', 'aks-egress-fw', 'ip_configuration[0].private_ip_address')],
    }]);
  });

  test('network rules aksapiserver (110): TCP 443 to the cluster\'s API server by FQDN, added after the cluster', () => {
    expect(resource(json, 'azurerm_firewall_network_rule_collection', 'aksapiserver')).toMatchObject({
      priority: 110, action: 'Allow',
      rule: [{ name: 'apiserver', protocols: ['TCP'], source_ip_groups: nodes(), destination_fqdns: [ref(json, 'azurerm_kubernetes_cluster', 'aks-egress', 'fqdn')], destination_ports: ['443'] }],
    });
    expect(resource(json, 'azurerm_kubernetes_cluster', 'aks-egress').depends_on)
      .not.toContain(address(json, 'azurerm_firewall_network_rule_collection', 'aksapiserver'));
  });

  test('application rule aksfwar: fqdn, the AzureKubernetesService tag over http 80 and https 443', () => {
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'aksfwar')).toMatchObject({
      priority: 100, action: 'Allow',
      rule: [
        { name: 'fqdn', source_ip_groups: nodes(), fqdn_tags: ['AzureKubernetesService'], protocol: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }] },
        { name: 'ghcr', source_ip_groups: nodes(), target_fqdns: ['ghcr.io', 'pkg-containers.githubusercontent.com'], protocol: [{ type: 'Https', port: 443 }] },
        { name: 'docker', source_ip_groups: nodes(), protocol: [{ type: 'Https', port: 443 }],
          target_fqdns: ['auth.docker.io', 'registry-1.docker.io', 'production.cloudflare.docker.com',
            'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com'] },
      ],
    });
  });

  test('DNAT collection exampleset: inboundrule, port 80 of the firewall public IP to the pinned internal load balancer IP', () => {
    expect(resource(json, 'azurerm_firewall_nat_rule_collection', 'exampleset')).toMatchObject({
      priority: 100,
      action: 'Dnat',
      rule: [{
        name: 'inboundrule', protocols: ['Any'], source_addresses: ['*'], destination_addresses: [fwPublicIp()],
        destination_ports: ['80'], translated_address: '10.42.3.4', translated_port: '80',
      }],
    });
    // Complete on the first apply: no variable to fill in after the service exists.
    expect(json.variable).toBeUndefined();
    expect(resource(json, 'azurerm_subnet', 'ilb-subnet').address_prefixes).toEqual(['10.42.3.0/28']);
    expect(json.output?.internal_load_balancer_ip.value).toBe('10.42.3.4');
    expect(json.output?.internal_load_balancer_subnet.value).toBe('ilb-subnet');
    expect(resources(json, 'azurerm_role_assignment').find((r) => r.scope === ref(json, 'azurerm_subnet', 'ilb-subnet'))).toMatchObject({
      role_definition_name: 'Network Contributor',
      principal_id: ref(json, 'azurerm_kubernetes_cluster', 'aks-egress', 'identity[0].principal_id'),
    });
  });

  test('cluster aks-egress: 3 nodes, Azure CNI in aks-subnet, userDefinedRouting, firewall public IP authorized', () => {
    const aks = resource(json, 'azurerm_kubernetes_cluster', 'aks-egress');
    expect(aks.default_node_pool).toMatchObject({ node_count: 3, vnet_subnet_id: ref(json, 'azurerm_subnet', 'aks-subnet') });
    expect(aks.network_profile).toEqual({
      network_plugin: 'azure', service_cidr: '10.104.0.0/16', dns_service_ip: '10.104.0.10', outbound_type: 'userDefinedRouting',
    });
    expect(aks.network_profile.load_balancer_profile).toBeUndefined();
    expect(aks.api_server_access_profile).toEqual({ authorized_ip_ranges: [`${fwPublicIp()}/32`] });
    expect(resources(json, 'azurerm_public_ip').map((ip) => ip.name)).toEqual(['aks-egress-fwpublicip']);
  });

  test('a literal internal service IP is written as it is', () => {
    const literal = synthOf({ internalServiceIp: '10.42.3.10' });
    expect(resource(literal, 'azurerm_firewall_nat_rule_collection', 'exampleset').rule[0].translated_address).toBe('10.42.3.10');
  });

  test('a public service IP (the document\'s public load balancer) is refused', () => {
    expect(() => synthOf({ internalServiceIp: '20.39.18.6' }))
      .toThrow(/^aks-firewall-udr\/firewall: dnat\[exampleset\]\.internalIp is "20\.39\.18\.6"; DNAT to a public load balancer breaks on asymmetric routing/);
  });

  test('a service IP outside ilb-subnet is refused', () => {
    expect(() => synthOf({ internalServiceIp: '10.42.1.10' }))
      .toThrow('aks-firewall-udr/firewall: dnat[exampleset].internalIp is "10.42.1.10"; the internal load balancer takes its IP from subnet ilb-subnet (10.42.3.0/28)');
  });

  test('20 public IPs: each routed to the Internet and authorized, developer ranges added', () => {
    const many = synthOf({ firewallPublicIpCount: 20, developerIpRanges: ['203.0.113.7/32'] });
    const names = resources(many, 'azurerm_public_ip').map((ip) => ip.name);
    expect(names).toHaveLength(20);
    expect(names).toContain('aks-egress-fwpublicip');
    expect(names).toContain('aks-egress-fwpublicip-20');
    expect(resource(many, 'azurerm_firewall', 'aks-egress-fw').ip_configuration).toHaveLength(20);
    expect(resource(many, 'azurerm_route', 'aks-egress-fwinternet-20')).toMatchObject({
      address_prefix: `${ref(many, 'azurerm_public_ip', 'aks-egress-fwpublicip-20', 'ip_address')}/32`, next_hop_type: 'Internet',
    });
    const ranges = resource(many, 'azurerm_kubernetes_cluster', 'aks-egress').api_server_access_profile.authorized_ip_ranges;
    expect(ranges).toHaveLength(21);
    expect(ranges[19]).toBe(`${ref(many, 'azurerm_public_ip', 'aks-egress-fwpublicip-20', 'ip_address')}/32`);
    expect(ranges[20]).toBe('203.0.113.7/32');
  });
});
