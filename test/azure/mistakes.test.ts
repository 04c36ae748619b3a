import { Testing, TerraformStack } from 'cdktf';
import {
  AksCluster, AppGatewayPodRouting, ApplicationGateway, AzureFirewall, DiagnosticSettings, LogAnalyticsWorkspace, NextHop,
  RouteServer, RouteTable, VirtualNetwork,
} from '../../lib/azure';
import { ValidationError } from '../../lib/core';
import { azureStack, resource, resourceGroup, synth } from '../helpers';
import { spoke } from './fixtures';

/*
 * Mistakes in the enumerated fields of the Azure constructs, as a JavaScript caller (or JSON-driven
 * config, or `as any`) makes them: each is refused case-sensitively with the allowed values and the
 * nearest one, never passed through for the provider (or ARM, at apply) to refuse.
 */

/** The message of the ValidationError `fn` throws; fails on anything else (a TypeError above all). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

function hub(stack: TerraformStack) {
  const rg = resourceGroup(stack, 'hub');
  const vnet = new VirtualNetwork(stack, 'hub-vnet', {
    resourceGroup: rg,
    name: 'hub-vnet',
    addressSpace: ['10.0.0.0/22'],
    subnets: [
      { name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' },
      { name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/26' },
    ],
  });
  return { rg, vnet };
}

describe('enumerated fields are checked case-sensitively, with the nearest allowed value', () => {
  const cases: [string, (stack: TerraformStack) => unknown, string][] = [
    ['route next hop type', (stack) => new RouteTable(stack, 'rt', {
      resourceGroup: resourceGroup(stack), name: 'rt',
      routes: [{ name: 'default', addressPrefix: '0.0.0.0/0', nextHop: { type: 'VirtualApplicance' as never, ip: '10.0.0.4' } }],
    }), 'test/rt: routes[default].nextHop.type is "VirtualApplicance"; a next hop type is allowed: "VirtualAppliance", "Internet", ' +
      '"VnetLocal", "VirtualNetworkGateway", "None"; did you mean "VirtualAppliance"?'],
    ['route next hop type in another case', (stack) => new RouteTable(stack, 'rt', {
      resourceGroup: resourceGroup(stack), name: 'rt',
      routes: [{ name: 'web', addressPrefix: '0.0.0.0/0', nextHop: { type: 'internet' as never } }],
    }), 'test/rt: routes[web].nextHop.type is "internet"; a next hop type is allowed: "VirtualAppliance", "Internet", ' +
      '"VnetLocal", "VirtualNetworkGateway", "None"; did you mean "Internet"?'],
    ['route without a next hop', (stack) => new RouteTable(stack, 'rt', {
      resourceGroup: resourceGroup(stack), name: 'rt',
      routes: [{ name: 'web', addressPrefix: '0.0.0.0/0' } as never],
    }), 'test/rt: routes[web].nextHop is missing; a route needs a next hop, e.g. NextHop.virtualAppliance(firewall.privateIp)'],
    ['Route Server SKU', (stack) => {
      const h = hub(stack);
      return new RouteServer(stack, 'rs', { resourceGroup: h.rg, name: 'rs', subnet: h.vnet.subnet('RouteServerSubnet'), sku: 'standard' as never });
    }, 'test/rs: sku is "standard"; a Route Server SKU is allowed: "Standard"; did you mean "Standard"?'],
    ['Route Server hub routing preference', (stack) => {
      const h = hub(stack);
      return new RouteServer(stack, 'rs', {
        resourceGroup: h.rg, name: 'rs', subnet: h.vnet.subnet('RouteServerSubnet'), hubRoutingPreference: 'AsPath' as never,
      });
    }, 'test/rs: hubRoutingPreference is "AsPath"; a hub routing preference is allowed: "ExpressRoute", "VpnGateway", "ASPath"; did you mean "ASPath"?'],
    ['workspace SKU', (stack) => new LogAnalyticsWorkspace(stack, 'law', { resourceGroup: resourceGroup(stack), name: 'logs', sku: 'PerGB' }),
      'test/law: sku is "PerGB"; a workspace SKU is allowed: "PerGB2018", "PerNode", "Premium", "Standalone", "Standard", ' +
      '"CapacityReservation", "LACluster", "Unlimited"'],
    ['diagnostics destination type', (stack) => new DiagnosticSettings(stack, 'diag', {
      name: 'd', targetResourceId: '/subscriptions/1/resourceGroups/rg/providers/Microsoft.Network/azureFirewalls/fw',
      workspace: { id: 'w', name: 'w' }, destinationType: 'dedicated' as never,
    }), 'test/diag: destinationType is "dedicated"; a destination type is allowed: "Dedicated", "AzureDiagnostics"; did you mean "Dedicated"?'],
    ['firewall rule format given as a string', (stack) => {
      const h = hub(stack);
      return new AzureFirewall(stack, 'fw', { resourceGroup: h.rg, name: 'fw', subnet: h.vnet.subnet('AzureFirewallSubnet'), ruleFormat: 'policy' as never });
    }, 'test/fw: ruleFormat is "policy"; expected FirewallRuleFormat.policy() or FirewallRuleFormat.classic()'],
    ['IDPS bypass protocol', (stack) => {
      const h = hub(stack);
      return new AzureFirewall(stack, 'fw', {
        resourceGroup: h.rg, name: 'fw', subnet: h.vnet.subnet('AzureFirewallSubnet'), skuTier: 'Premium',
        intrusionDetection: { mode: 'Alert', trafficBypass: [{ name: 'b', protocol: 'tcp' as never }] },
      });
    }, 'test/fw: intrusionDetection.trafficBypass[0].protocol is "tcp"; allowed: "ANY", "TCP", "UDP", "ICMP", "Any"; did you mean "TCP"?'],
    ['AKS outbound given as a string', (stack) => {
      const s = spoke(stack);
      return new AksCluster(stack, 'aks', {
        resourceGroup: s.rg, name: 'aks', defaultNodePool: { subnet: s.vnet.subnet('aks-1-subnet') },
        network: { plugin: 'azure', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10' }, outbound: 'userDefinedRouting' as never,
      });
    }, 'test/aks: outbound is "userDefinedRouting"; expected an AksOutbound, e.g. AksOutbound.userDefinedRouting({ firewall })'],
    ['AKS version given as a string', (stack) => {
      const s = spoke(stack);
      return new AksCluster(stack, 'aks', {
        resourceGroup: s.rg, name: 'aks', defaultNodePool: { subnet: s.vnet.subnet('aks-1-subnet') },
        network: { plugin: 'azure', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10' }, kubernetesVersion: '1.35' as never,
      });
    }, "test/aks: kubernetesVersion is \"1.35\"; expected KubernetesVersion.of('1.35') or KubernetesVersion.latestPatchOf('1.35')"],
    ['AKS ingress add-on given as an object of options', (stack) => {
      const s = spoke(stack);
      return new AksCluster(stack, 'aks', {
        resourceGroup: s.rg, name: 'aks', defaultNodePool: { subnet: s.vnet.subnet('aks-1-subnet') },
        network: { plugin: 'azure', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10' }, ingressApplicationGateway: { name: 'gw' } as never,
      });
    }, 'test/aks: ingressApplicationGateway is {name: "gw"}; expected an AppGatewayIngress, e.g. AppGatewayIngress.existingGateway(gateway.id)'],
    ['Application Gateway pod routing given as a string', (stack) => {
      const s = spoke(stack);
      return new ApplicationGateway(stack, 'gw', { resourceGroup: s.rg, name: 'gw', subnet: s.vnet.subnet('gw-1-subnet'), podRouting: 'kubenet' as never });
    }, 'test/gw: podRouting is "kubenet"; expected AppGatewayPodRouting.azureCni() or AppGatewayPodRouting.kubenet({ routeTable })'],
  ];

  test.each(cases)('%s', (_, build, message) => {
    expect(messageOf(() => build(azureStack(Testing.app(), 'test')))).toBe(message);
  });
});

describe('the values the checks accept reach the plan', () => {
  test('ANY, the spelling azurerm documents for an IDPS bypass, is rendered as given', () => {
    const stack = azureStack();
    const h = hub(stack);
    new AzureFirewall(stack, 'fw', {
      resourceGroup: h.rg, name: 'fw', subnet: h.vnet.subnet('AzureFirewallSubnet'), skuTier: 'Premium',
      intrusionDetection: { mode: 'Deny', trafficBypass: [{ name: 'b', protocol: 'ANY' }] },
    });
    const policy = resource(synth(stack), 'azurerm_firewall_policy');
    expect(policy.intrusion_detection.traffic_bypass).toEqual([{ name: 'b', protocol: 'ANY' }]);
  });

  test('the Route Server hub routing preference and the diagnostics destination type', () => {
    const stack = azureStack();
    const h = hub(stack);
    new RouteServer(stack, 'rs', { resourceGroup: h.rg, name: 'rs', subnet: h.vnet.subnet('RouteServerSubnet'), hubRoutingPreference: 'ASPath' });
    new DiagnosticSettings(stack, 'diag', {
      name: 'd', targetResourceId: 'x', workspace: { id: 'w', name: 'w' }, destinationType: 'Dedicated',
    });
    const json = synth(stack);
    expect(resource(json, 'azurerm_route_server').hub_routing_preference).toBe('ASPath');
    expect(resource(json, 'azurerm_route_server').sku).toBe('Standard');
    expect(resource(json, 'azurerm_monitor_diagnostic_setting').log_analytics_destination_type).toBe('Dedicated');
  });

  test('a kubenet gateway routing and a next hop type written out by hand', () => {
    const stack = azureStack();
    const s = spoke(stack);
    const table = new RouteTable(stack, 'rt', {
      resourceGroup: s.rg, name: 'rt', routes: [{ name: 'pods', addressPrefix: '10.244.0.0/24', nextHop: { type: 'VirtualAppliance', ip: '10.1.4.4' } }],
    });
    new ApplicationGateway(stack, 'gw', {
      resourceGroup: s.rg, name: 'gw', subnet: s.vnet.subnet('gw-1-subnet'), podRouting: AppGatewayPodRouting.kubenet({ routeTable: table }),
    });
    expect(resource(synth(stack), 'azurerm_route').next_hop_type).toBe('VirtualAppliance');
    expect(NextHop.internet()).toEqual({ type: 'Internet' });
  });
});
