import { TerraformStack } from 'cdktf';
import {
  AGIC_MANAGED_ATTRIBUTES, AppGatewayPodRouting, ApplicationGateway, ApplicationGatewayProps, LogAnalyticsWorkspace, NextHop,
  RouteTable, WafPolicy,
} from '../../lib/azure';
import { address, azureStack, resource, resources, synth, synthWith } from '../helpers';
import { Spoke, cluster, nodeRouteTable, spoke } from './fixtures';

function gateway(stack: TerraformStack, s: Spoke, over: Partial<ApplicationGatewayProps> = {}): ApplicationGateway {
  return new ApplicationGateway(stack, 'appgw', {
    resourceGroup: s.rg,
    name: 'dzk8sappgw1',
    subnet: s.vnet.subnet('gw-1-subnet'),
    ...over,
  });
}

describe('ApplicationGateway', () => {
  test('is WAF_v2 with autoscale 0 to 10, HTTP/2, a WAF policy and a public IP by default', () => {
    const json = synthWith((stack) => { gateway(stack, spoke(stack)); });
    const gw = resource(json, 'azurerm_application_gateway', 'dzk8sappgw1');
    expect(gw.sku).toEqual({ name: 'WAF_v2', tier: 'WAF_v2' });
    expect(gw.autoscale_configuration).toEqual({ min_capacity: 0, max_capacity: 10 });
    expect(gw.enable_http2).toBe(true);
    expect(gw.firewall_policy_id).toBe(`\${${address(json, 'azurerm_web_application_firewall_policy', 'dzk8sappgw1-waf')}.id}`);
    expect(gw.ssl_policy).toEqual({ policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20220101' });
    expect(gw.gateway_ip_configuration).toEqual([
      { name: 'appGatewayIpConfig', subnet_id: `\${${address(json, 'azurerm_subnet', 'gw-1-subnet')}.id}` },
    ]);
    expect(gw.frontend_ip_configuration).toEqual([
      { name: 'appGatewayFrontendIP', public_ip_address_id: `\${${address(json, 'azurerm_public_ip', 'dzk8sappgw1-pip')}.id}` },
    ]);
    const pip = resource(json, 'azurerm_public_ip', 'dzk8sappgw1-pip');
    expect([pip.sku, pip.allocation_method]).toEqual(['Standard', 'Static']);

    const waf = resource(json, 'azurerm_web_application_firewall_policy', 'dzk8sappgw1-waf');
    expect(waf.policy_settings).toEqual({ enabled: true, mode: 'Prevention', request_body_check: true });
    expect(waf.managed_rules).toEqual({ managed_rule_set: [{ type: 'OWASP', version: '3.2' }] });
  });

  test('creates the skeleton AGIC takes over, and ignores the parts AGIC manages', () => {
    const json = synthWith((stack) => { gateway(stack, spoke(stack)); });
    const gw = resource(json, 'azurerm_application_gateway', 'dzk8sappgw1');
    expect(gw.frontend_port).toEqual([{ name: 'appGatewayFrontendPort', port: 80 }]);
    expect(gw.backend_address_pool).toEqual([{ name: 'appGatewayBackendPool' }]);
    expect(gw.backend_http_settings).toEqual([{
      name: 'appGatewayBackendHttpSettings', port: 80, protocol: 'Http', cookie_based_affinity: 'Disabled', request_timeout: 30,
    }]);
    expect(gw.http_listener).toEqual([{
      name: 'appGatewayHttpListener', frontend_ip_configuration_name: 'appGatewayFrontendIP', frontend_port_name: 'appGatewayFrontendPort', protocol: 'Http',
    }]);
    expect(gw.request_routing_rule).toEqual([{
      name: 'rule1', rule_type: 'Basic', priority: 100, http_listener_name: 'appGatewayHttpListener',
      backend_address_pool_name: 'appGatewayBackendPool', backend_http_settings_name: 'appGatewayBackendHttpSettings',
    }]);
    expect(gw.lifecycle).toEqual({ ignore_changes: [
      'backend_address_pool', 'backend_http_settings', 'frontend_port', 'http_listener', 'probe', 'redirect_configuration',
      'request_routing_rule', 'rewrite_rule_set', 'ssl_certificate', 'trusted_root_certificate', 'url_path_map', 'tags',
    ] });
    expect(AGIC_MANAGED_ATTRIBUTES).toHaveLength(12);
  });

  test('without an ingress controller Terraform owns the whole gateway', () => {
    const json = synthWith((stack) => { gateway(stack, spoke(stack), { managedByIngressController: false }); });
    expect(resource(json, 'azurerm_application_gateway', 'dzk8sappgw1').lifecycle).toBeUndefined();
  });

  test('sends access, performance and WAF logs to a new workspace, or to the one given', () => {
    const json = synthWith((stack) => { gateway(stack, spoke(stack)); });
    const setting = resource(json, 'azurerm_monitor_diagnostic_setting', 'dzk8sappgw1-settings');
    expect(setting.target_resource_id).toBe(`\${${address(json, 'azurerm_application_gateway', 'dzk8sappgw1')}.id}`);
    expect(setting.log_analytics_workspace_id).toBe(`\${${address(json, 'azurerm_log_analytics_workspace', 'dzk8sappgw1-log-analytics')}.id}`);
    expect(setting.enabled_log).toEqual([
      { category: 'ApplicationGatewayAccessLog' }, { category: 'ApplicationGatewayPerformanceLog' }, { category: 'ApplicationGatewayFirewallLog' },
    ]);
    expect(setting.enabled_metric).toEqual([{ category: 'AllMetrics' }]);

    const shared = synthWith((stack) => {
      const s = spoke(stack);
      const ws = new LogAnalyticsWorkspace(stack, 'ws', { resourceGroup: s.rg, name: 'dzk8sfw1-lagw' });
      gateway(stack, s, { diagnostics: { workspace: ws, settingName: 'appgw-logs' } });
    });
    expect(resources(shared, 'azurerm_log_analytics_workspace').map((w) => w.name)).toEqual(['dzk8sfw1-lagw']);
    expect(resource(shared, 'azurerm_monitor_diagnostic_setting', 'appgw-logs').log_analytics_workspace_id)
      .toBe(`\${${address(shared, 'azurerm_log_analytics_workspace', 'dzk8sfw1-lagw')}.id}`);

    const off = synthWith((stack) => { gateway(stack, spoke(stack), { diagnostics: false }); });
    expect(resources(off, 'azurerm_monitor_diagnostic_setting')).toEqual([]);
  });

  test('takes a WAF policy of your own', () => {
    const json = synthWith((stack) => {
      const s = spoke(stack);
      const waf = new WafPolicy(stack, 'waf', {
        resourceGroup: s.rg, name: 'shared-waf', mode: 'Detection',
        managedRuleSets: [{ type: 'Microsoft_DefaultRuleSet', version: '2.1' }, { type: 'Microsoft_BotManagerRuleSet', version: '1.0' }],
      });
      gateway(stack, s, { wafPolicy: waf, autoscale: { minCapacity: 2, maxCapacity: 125 }, http2: false, zones: ['1', '2', '3'] });
    });
    expect(resources(json, 'azurerm_web_application_firewall_policy').map((w) => w.name)).toEqual(['shared-waf']);
    const waf = resource(json, 'azurerm_web_application_firewall_policy', 'shared-waf');
    expect(waf.policy_settings.mode).toBe('Detection');
    expect(waf.managed_rules.managed_rule_set).toEqual([
      { type: 'Microsoft_DefaultRuleSet', version: '2.1' }, { type: 'Microsoft_BotManagerRuleSet', version: '1.0' },
    ]);
    const gw = resource(json, 'azurerm_application_gateway', 'dzk8sappgw1');
    expect(gw.autoscale_configuration).toEqual({ min_capacity: 2, max_capacity: 125 });
    expect(gw.enable_http2).toBe(false);
    expect(gw.zones).toEqual(['1', '2', '3']);
    expect(resource(json, 'azurerm_public_ip', 'dzk8sappgw1-pip').zones).toEqual(['1', '2', '3']);
  });

  describe('autoscale', () => {
    test.each([
      [{ minCapacity: -1 }, 'autoscale.minCapacity is -1; Application Gateway v2 scales from a minimum of 0 to 100 instances'],
      [{ minCapacity: 101, maxCapacity: 125 }, 'autoscale.minCapacity is 101; Application Gateway v2 scales from a minimum of 0 to 100 instances'],
      [{ minCapacity: 1.5 }, 'autoscale.minCapacity is 1.5; Application Gateway v2 scales from a minimum of 0 to 100 instances'],
      [{ maxCapacity: 1 }, 'autoscale.maxCapacity is 1; Application Gateway v2 scales to a maximum of 2 to 125 instances'],
      [{ maxCapacity: 126 }, 'autoscale.maxCapacity is 126; Application Gateway v2 scales to a maximum of 2 to 125 instances'],
      [{ minCapacity: 5, maxCapacity: 4 }, 'autoscale.maxCapacity is 4; it is below minCapacity 5; the maximum must be at least the minimum'],
    ])('%j is refused', (autoscale, message) => {
      const stack = azureStack();
      expect(() => gateway(stack, spoke(stack), { autoscale })).toThrow(`test/appgw: ${message}`);
    });
  });

  describe('subnet', () => {
    test('must not be one of Azure\'s special subnets', () => {
      const stack = azureStack();
      const s = spoke(stack);
      const fw = s.vnet.addSubnet({ name: 'AzureFirewallSubnet', addressPrefix: '10.1.1.0/26' });
      expect(() => gateway(stack, s, { subnet: fw })).toThrow(
        'test/appgw: subnet is "AzureFirewallSubnet"; AzureFirewallSubnet is reserved for Azure Firewall; an Application Gateway needs a subnet of its own');
    });

    test('must hold the maximum instance count', () => {
      const stack = azureStack();
      expect(() => gateway(stack, spoke(stack, '10.1.0.0/28'), { autoscale: { maxCapacity: 12 } })).toThrow(
        'test/appgw: subnet is "gw-1-subnet (10.1.0.0/28)"; it has 11 addresses for instances and the gateway scales to 12; ' +
        'give it a larger subnet (Azure recommends /24 for v2) or lower autoscale.maxCapacity');
      const ok = azureStack();
      expect(() => gateway(ok, spoke(ok, '10.1.0.0/28'), { autoscale: { maxCapacity: 11 } })).not.toThrow();
    });

    test('gateways sharing a subnet must fit in it together', () => {
      const stack = azureStack();
      const s = spoke(stack, '10.1.0.0/27');
      gateway(stack, s, { autoscale: { maxCapacity: 20 } });
      new ApplicationGateway(stack, 'appgw2', { resourceGroup: s.rg, name: 'dzk8sappgw2', subnet: s.vnet.subnet('gw-1-subnet'), autoscale: { maxCapacity: 10 } });
      expect(() => synth(stack)).toThrow(
        'test/appgw: subnet is "gw-1-subnet (10.1.0.0/27)"; gateways dzk8sappgw1, dzk8sappgw2 share it and scale to 30 instances together; it has 27 addresses for them');
    });

    test('must not hold a cluster\'s nodes', () => {
      const stack = azureStack();
      const s = spoke(stack);
      gateway(stack, s, { subnet: s.vnet.subnet('aks-1-subnet') });
      cluster(stack, s);
      expect(() => synth(stack)).toThrow(
        'test/appgw: subnet is "aks-1-subnet"; cluster secureaks1 (test/aks) has its nodes there; an Application Gateway\'s subnet holds nothing but Application Gateways');
    });

    test('must not send 0.0.0.0/0 to a virtual appliance (v2 does not support forced tunnelling)', () => {
      const stack = azureStack();
      const s = spoke(stack);
      gateway(stack, s);
      new RouteTable(stack, 'gw-rt', {
        resourceGroup: s.rg, name: 'gw-rt', subnets: [s.vnet.subnet('gw-1-subnet')],
        routes: [{ name: 'fw', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.0.0.4') }],
      });
      expect(() => synth(stack)).toThrow(
        'test/appgw: subnet gw-1-subnet route table gw-rt (0.0.0.0/0) is "VirtualAppliance"; Application Gateway v2 does not support ' +
        'sending 0.0.0.0/0 anywhere but Internet on its subnet; give the gateway a route table of its own (pod routes and, if any, 0.0.0.0/0 to Internet)');
    });
  });

  describe('pod routing', () => {
    test('Azure CNI (the default) puts no route table on the gateway subnet', () => {
      const json = synthWith((stack) => {
        const s = spoke(stack);
        const gw = gateway(stack, s);
        expect(gw.podRouting).toBe('azureCni');
        expect(gw.routeTable).toBeUndefined();
      });
      expect(resources(json, 'azurerm_subnet_route_table_association')).toEqual([]);
    });

    test('kubenet shares the node subnet\'s table, where AKS writes the pod routes, with the gateway subnet', () => {
      const json = synthWith((stack) => {
        const s = spoke(stack);
        const nodes = new RouteTable(stack, 'node-rt', { resourceGroup: s.rg, name: 'secureaks1-rt', subnets: [s.vnet.subnet('aks-1-subnet')] });
        const gw = gateway(stack, s, { podRouting: AppGatewayPodRouting.kubenet({ routeTable: nodes }) });
        expect(gw.podRouting).toBe('kubenet');
        expect(gw.routeTable).toBe(nodes);
      });
      const table = `\${${address(json, 'azurerm_route_table', 'secureaks1-rt')}.id}`;
      expect(resources(json, 'azurerm_subnet_route_table_association')).toEqual([
        expect.objectContaining({ subnet_id: `\${${address(json, 'azurerm_subnet', 'aks-1-subnet')}.id}`, route_table_id: table }),
        expect.objectContaining({ subnet_id: `\${${address(json, 'azurerm_subnet', 'gw-1-subnet')}.id}`, route_table_id: table }),
      ]);
      expect(resource(json, 'azurerm_application_gateway', 'dzk8sappgw1').depends_on).toEqual([
        address(json, 'azurerm_route_table', 'secureaks1-rt'),
        expect.stringMatching(/^azurerm_subnet_route_table_association\.node-rt_association-k8snet-aks-1-subnet_/),
        expect.stringMatching(/^azurerm_subnet_route_table_association\.node-rt_association-k8snet-gw-1-subnet_/),
      ]);
    });

    test('kubenet behind a firewall: the gateway gets a table of its own with the pod routes (document 003)', () => {
      const json = synthWith((stack) => {
        const s = spoke(stack);
        nodeRouteTable(stack, s);
        const own = new RouteTable(stack, 'gw-rt', {
          resourceGroup: s.rg, name: 'dzk8sappgw1-rt',
          routes: [
            { name: 'aks-nodepool1-0', addressPrefix: '10.244.0.0/24', nextHop: NextHop.virtualAppliance('10.1.4.4') },
            { name: 'internet', addressPrefix: '0.0.0.0/0', nextHop: NextHop.internet() },
          ],
        });
        gateway(stack, s, { podRouting: AppGatewayPodRouting.kubenet({ routeTable: own }) });
      });
      const own = `\${${address(json, 'azurerm_route_table', 'dzk8sappgw1-rt')}.id}`;
      expect(resources(json, 'azurerm_subnet_route_table_association').filter((a) => a.route_table_id === own)).toEqual([
        expect.objectContaining({ subnet_id: `\${${address(json, 'azurerm_subnet', 'gw-1-subnet')}.id}` }),
      ]);
      const ownName = `\${${address(json, 'azurerm_route_table', 'dzk8sappgw1-rt')}.name}`;
      expect(resources(json, 'azurerm_route').filter((r) => r.route_table_name === ownName)
        .map((r) => [r.name, r.address_prefix, r.next_hop_type, r.next_hop_in_ip_address])).toEqual([
        ['aks-nodepool1-0', '10.244.0.0/24', 'VirtualAppliance', '10.1.4.4'],
        ['internet', '0.0.0.0/0', 'Internet', undefined],
      ]);
    });

    test('kubenet cannot share a node table that forces egress through a firewall', () => {
      const stack = azureStack();
      const s = spoke(stack);
      const nodes = nodeRouteTable(stack, s);
      gateway(stack, s, { podRouting: AppGatewayPodRouting.kubenet({ routeTable: nodes }) });
      expect(() => synth(stack)).toThrow(
        /^test\/appgw: subnet gw-1-subnet route table secureaks1-rt \(0\.0\.0\.0\/0\) is "VirtualAppliance"; Application Gateway v2 does not support/);
    });

    test('kubenet needs the table with the pod routes', () => {
      const stack = azureStack();
      expect(() => gateway(stack, spoke(stack), { podRouting: AppGatewayPodRouting.kubenet({} as never) })).toThrow(
        'test/appgw: podRouting.routeTable is missing; kubenet routing needs the route table with the pod routes, e.g. the node subnets\' table');
    });

    test('kubenet refuses a second table on a subnet that has one', () => {
      const stack = azureStack();
      const s = spoke(stack);
      new RouteTable(stack, 'other', { resourceGroup: s.rg, name: 'other-rt', subnets: [s.vnet.subnet('gw-1-subnet')] });
      const mine = new RouteTable(stack, 'mine', { resourceGroup: s.rg, name: 'mine-rt' });
      expect(() => gateway(stack, s, { podRouting: AppGatewayPodRouting.kubenet({ routeTable: mine }) })).toThrow(
        'test/appgw: podRouting.routeTable is "mine-rt"; subnet gw-1-subnet already has route table other-rt; a subnet takes one');
    });
  });

  test('names are checked', () => {
    const stack = azureStack();
    expect(() => gateway(stack, spoke(stack), { name: 'bad name' })).toThrow(/^test\/appgw: name is "bad name"; a name is 1 to 80 letters/);
    const other = azureStack();
    expect(() => gateway(other, spoke(other), { publicIpName: '-pip' })).toThrow(/^test\/appgw: publicIpName is "-pip"; a name is 1 to 80 letters/);
  });
});

describe('WafPolicy', () => {
  test('its name is checked', () => {
    const stack = azureStack();
    const s = spoke(stack);
    expect(() => new WafPolicy(stack, 'waf', { resourceGroup: s.rg, name: 'waf policy' })).toThrow(/^test\/waf: name is "waf policy"; a name is 1 to 80 letters/);
  });

  test.each([
    [[], 'managedRuleSets is []; a WAF policy needs at least one managed rule set, e.g. { type: "OWASP", version: "3.2" }'],
    [[{ type: 'OWASP', version: '2.2.9' }], 'managedRuleSets[0].version is "2.2.9"; a version of OWASP is allowed: "3.0", "3.1", "3.2"'],
    [[{ type: 'Microsoft_DefaultRuleSet', version: '3.2' }], 'managedRuleSets[0].version is "3.2"; a version of Microsoft_DefaultRuleSet is allowed: "2.1"'],
    [[{ type: 'OWASP', version: 3.2 }], 'managedRuleSets[0].version (a number) is 3.2; a version of OWASP is allowed: "3.0", "3.1", "3.2"'],
    [[{ type: 'CRS', version: '3.2' }],
      'managedRuleSets[0].type is "CRS"; a managed rule set type is allowed: "OWASP", "Microsoft_DefaultRuleSet", "Microsoft_BotManagerRuleSet"'],
    [[{ type: 'owasp', version: '3.2' }],
      'managedRuleSets[0].type is "owasp"; a managed rule set type is allowed: "OWASP", "Microsoft_DefaultRuleSet", "Microsoft_BotManagerRuleSet"; did you mean "OWASP"?'],
    [[null], 'managedRuleSets[0] is null; a managed rule set is { type, version }'],
    ['OWASP', 'managedRuleSets (a string) is "OWASP"; expected a list of { type, version }'],
    [[{ type: 'OWASP', version: '3.2' }, { type: 'OWASP', version: '3.1' }], 'managedRuleSets[1].type is "OWASP"; each rule set type may appear once'],
    [[{ type: 'OWASP', version: '3.2' }, { type: 'Microsoft_DefaultRuleSet', version: '2.1' }],
      'managedRuleSets is ["OWASP","Microsoft_DefaultRuleSet"]; a WAF policy takes one core rule set, OWASP or Microsoft_DefaultRuleSet, plus Microsoft_BotManagerRuleSet if wanted'],
  ])('rule sets %j are refused', (sets, message) => {
    const stack = azureStack();
    const s = spoke(stack);
    expect(() => new WafPolicy(stack, 'waf', { resourceGroup: s.rg, name: 'waf', managedRuleSets: sets as never }))
      .toThrow(`test/waf: ${message}`);
  });

  test('its mode is Prevention or Detection, case-sensitively (JavaScript callers)', () => {
    const stack = azureStack();
    const s = spoke(stack);
    expect(() => new WafPolicy(stack, 'waf', { resourceGroup: s.rg, name: 'waf', mode: 'prevention' as never }))
      .toThrow('test/waf: mode is "prevention"; a WAF mode is allowed: "Prevention", "Detection"; did you mean "Prevention"?');
    expect(() => new WafPolicy(stack, 'waf2', { resourceGroup: s.rg, name: 'waf2', mode: 'Block' as never }))
      .toThrow('test/waf2: mode is "Block"; a WAF mode is allowed: "Prevention", "Detection"');
  });
});
