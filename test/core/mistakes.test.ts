import { Testing, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import * as azure from '../../lib/azure';
import * as aws from '../../lib/aws';
import * as calico from '../../lib/calico';
import { SecurityChecks } from '../../lib/checks';
import { AZURE_FIREWALL_RULE_LIMITS, RuleCollection, ValidationError, validateRuleCollection } from '../../lib/core';
import { azureStack, lineOf, resourceGroup } from '../helpers';

/*
 * Mistakes as a JavaScript caller (or an `as any`, or a JSON-driven config) makes them: each must end
 * in a ValidationError naming the construct path, the field, the value and what is allowed, never in
 * a TypeError deep inside a construct.
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

type Ctor = new (scope: Construct, id: string, props: any) => unknown;

function stack(): TerraformStack {
  return azureStack(Testing.app(), 'app');
}

describe('missing required props name the missing one, for every construct', () => {
  const constructs: [string, Ctor, string, string[]][] = [
    // family azure
    ['azure', azure.VirtualNetwork, 'VirtualNetwork', ['resourceGroup', 'name', 'addressSpace']],
    ['azure', azure.AksCluster, 'AksCluster', ['resourceGroup', 'name', 'defaultNodePool', 'network']],
    ['azure', azure.AppGatewayIngressController, 'AppGatewayIngressController',
      ['provider', 'gateway', 'cluster', 'identityName', 'identityResourceGroup', 'readerScopes']],
    ['azure', azure.ApplicationGateway, 'ApplicationGateway', ['resourceGroup', 'name', 'subnet']],
    ['azure', azure.ContainerInsights, 'ContainerInsights', ['resourceGroup', 'clusterId', 'clusterName', 'workspace']],
    ['azure', azure.LogAnalyticsWorkspace, 'LogAnalyticsWorkspace', ['resourceGroup', 'name']],
    ['azure', azure.DiagnosticSettings, 'DiagnosticSettings', ['name', 'targetResourceId', 'workspace']],
    ['azure', azure.AzureFirewall, 'AzureFirewall', ['resourceGroup', 'name', 'subnet']],
    ['azure', azure.FirewallRouteTable, 'FirewallRouteTable', ['firewall', 'resourceGroup', 'name']],
    ['azure', azure.HubSpokePeering, 'HubSpokePeering', ['hub', 'spoke']],
    ['azure', azure.ManagedIdentity, 'ManagedIdentity', ['resourceGroup', 'name']],
    ['azure', azure.NatGateway, 'NatGateway', ['resourceGroup', 'name']],
    ['azure', azure.RoleAssignment, 'RoleAssignment', ['principal', 'role', 'scope']],
    ['azure', azure.RouteServer, 'RouteServer', ['resourceGroup', 'name', 'subnet']],
    ['azure', azure.RouteTable, 'RouteTable', ['resourceGroup', 'name']],
    ['azure', azure.WafPolicy, 'WafPolicy', ['resourceGroup', 'name']],
    // family aws
    ['aws', aws.Vpc, 'Vpc', ['name', 'cidrBlock']],
    ['aws', aws.InspectionVpc, 'InspectionVpc', ['name', 'cidrBlock', 'availabilityZones']],
    ['aws', aws.NetworkFirewall, 'NetworkFirewall', ['name', 'vpc']],
    ['aws', aws.TransitGateway, 'TransitGateway', ['name']],
    ['aws', aws.TransitGatewayVpcAttachment, 'TransitGatewayVpcAttachment', ['transitGateway', 'name', 'vpc', 'subnets', 'applianceMode']],
    ['aws', aws.TransitGatewayRouteTable, 'TransitGatewayRouteTable', ['transitGateway', 'name']],
    ['aws', aws.TransitGatewayConnect, 'TransitGatewayConnect', ['name', 'transport']],
    // family calico
    ['calico', calico.BgpFilter, 'BgpFilter', ['name']],
    ['calico', calico.EgressExportFilter, 'EgressExportFilter', ['tenants']],
    ['calico', calico.BirdTemplates, 'BirdTemplates', ['templates']],
    ['calico', calico.CalicoBgp, 'CalicoBgp', ['asNumber']],
    ['calico', calico.EgressGatewayTenant, 'EgressGatewayTenant', ['tenant']],
    ['calico', calico.NamespaceEgress, 'NamespaceEgress', ['namespace']],
    ['calico', calico.EgressPolicy, 'EgressPolicy', ['name', 'rules']],
    ['calico', calico.GreTunnelUserData, 'GreTunnelUserData', ['tunnels']],
    ['calico', calico.IpPoolPatch, 'IpPoolPatch', ['name', 'spec']],
    ['calico', calico.CalicoOperator, 'CalicoOperator', ['provider', 'ipPools']],
    ['calico', calico.TunnelBgpPeers, 'TunnelBgpPeers', ['bgp', 'name', 'tunnels']],
  ];

  test.each(constructs)('%s %p: no props at all', (_, ctor, name, required) => {
    expect(messageOf(() => new ctor(stack(), 'x', undefined)))
      .toBe(`app/x: props is missing; ${name} takes an object of props with ${required.map((r) => `'${r}'`).join(', ')}`);
  });

  test.each(constructs)('%s %p: an empty object names the first required prop', (_, ctor, name, required) => {
    expect(messageOf(() => new ctor(stack(), 'x', {}))).toBe(`app/x: ${required[0]} is missing; ${name} requires it`);
  });

  test.each(constructs.filter(([, , , r]) => r.length > 1))('%s %p: every other required prop is named when only it is missing', (_, ctor, name, required) => {
    const last = required[required.length - 1];
    const props = Object.fromEntries(required.slice(0, -1).map((r) => [r, 'set']));
    expect(messageOf(() => new ctor(stack(), 'x', { ...props, [last]: null }))).toBe(`app/x: ${last} is null; ${name} requires it`);
  });

  test('azure: a VNet with a resource group but no name says name, not a TypeError', () => {
    const s = stack();
    const rg = resourceGroup(s);
    expect(messageOf(() => new azure.VirtualNetwork(s, 'vnet', { resourceGroup: rg } as any)))
      .toBe('app/vnet: name is missing; VirtualNetwork requires it');
  });

  test('calico: value objects and static factories check their options', () => {
    expect(messageOf(() => new calico.EgressTenant({ egressCidr: '10.10.10.0/30' } as any))) // tenant
      .toBe(`new EgressTenant() at ${lineOf(__filename, 'tenant')}: name is missing; EgressTenant requires it`);
    expect(messageOf(() => azure.AppGatewayIngress.newGateway({ name: 'gw' } as any))) // gateway
      .toBe(`AppGatewayIngress.newGateway() at ${lineOf(__filename, 'gateway')}: subnetCidr is missing; AppGatewayIngress.newGateway requires it`);
    expect(messageOf(() => azure.AppGatewayIngress.newGatewayInSubnet(undefined as any))) // in subnet
      .toBe(`AppGatewayIngress.newGatewayInSubnet() at ${lineOf(__filename, 'in subnet')}: props is missing; AppGatewayIngress.newGatewayInSubnet takes an object of props with 'name', 'subnet'`);
    expect(messageOf(() => aws.FirewallLogging.s3({} as any)))
      .toBe('FirewallLogging.s3() at test/core/mistakes.test.ts:104: bucketName is missing; FirewallLogging.s3 requires it');
  });
});

describe('the rule model, used by every firewall, names missing and misspelt fields', () => {
  const check = (c: unknown) => messageOf(() => validateRuleCollection('app/fw', c as RuleCollection, AZURE_FIREWALL_RULE_LIMITS));
  const net = (over: Record<string, unknown>, rule: Record<string, unknown> = {}) => ({
    kind: 'network', name: 'egress', priority: 200, action: 'Allow',
    rules: [{ name: 'dns', protocols: ['UDP'], destinationAddresses: ['*'], destinationPorts: ['53'], ...rule }],
    ...over,
  });

  test.each([
    ['a lower-case protocol', net({}, { protocols: ['udp'] }),
      'app/fw: ruleCollections[egress].rules[0].protocols[0] is "udp"; a protocol is allowed: "TCP", "UDP", "ICMP", "Any"; did you mean "UDP"?'],
    ['protocols missing', net({}, { protocols: undefined }),
      'app/fw: ruleCollections[egress].rules[0].protocols is missing; every rule needs a list of protocols'],
    ['ports given as one string', net({}, { destinationPorts: '53' }),
      'app/fw: ruleCollections[egress].rules[0].destinationPorts (a string) is "53"; expected a list of ports'],
    ['rules missing', net({ rules: undefined }),
      'app/fw: ruleCollections[egress].rules is missing; every collection needs a list of rules'],
    ['a wrong action', net({ action: 'allow' }),
      'app/fw: ruleCollections[egress].action is "allow"; an action is allowed: "Allow", "Deny"; did you mean "Allow"?'],
    ['a wrong kind', net({ kind: 'Network' }),
      'app/fw: ruleCollections[egress].kind is "Network"; a collection kind is allowed: "network", "application", "dnat"; did you mean "network"?'],
    ['an application protocol type in capitals', {
      kind: 'application', name: 'web', priority: 300, action: 'Allow',
      rules: [{ name: 'mcr', targetFqdns: ['mcr.microsoft.com'], protocols: [{ type: 'HTTPS', port: 443 }] }],
    }, 'app/fw: ruleCollections[web].rules[0].protocols[0].type is "HTTPS"; an application protocol is allowed: "Http", "Https", "Mssql"; did you mean "Https"?'],
    ['a DNAT rule with ICMP', {
      kind: 'dnat', name: 'in', priority: 100,
      rules: [{ name: 'ssh', protocols: ['ICMP'], destinationAddress: '1.2.3.4', destinationPorts: ['22'], translatedAddress: '10.0.0.4', translatedPort: 22 }],
    }, 'app/fw: ruleCollections[in].rules[0].protocols[0] is "ICMP"; a protocol is allowed: "TCP", "UDP", "Any"'],
    ['a collection that is not an object', 'egress',
      'app/fw: ruleCollections[] is "egress"; a rule collection is an object made with RuleCollections.network, .application or .dnat'],
  ])('%s', (_, collection, expected) => {
    expect(check(collection)).toBe(expected);
  });
});

describe('checks: SecurityChecks props from JavaScript', () => {
  test('a misspelt level suggests the right one', () => {
    expect(messageOf(() => new SecurityChecks({ defaultLevel: 'Warning' as any }))) // misspelt level
      .toBe(`new SecurityChecks() at ${lineOf(__filename, 'misspelt level')}: defaultLevel is "Warning"; a level is allowed: "error", "warning", "off"; did you mean "warning"?`);
  });
});

describe('deploy-time values where a literal is needed, and no raw token in any message', () => {
  function routeServerAndBgp() {
    const s = stack();
    const rg = resourceGroup(s);
    const hub = new azure.VirtualNetwork(s, 'hub', {
      resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/16'], subnets: [{ name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/26' }],
    });
    const rs = new azure.RouteServer(s, 'rs', { resourceGroup: rg, name: 'rs', subnet: hub.subnet('RouteServerSubnet') });
    const manifests = new calico.ClusterManifests(s, 'calico');
    return { s, rs, manifests };
  }

  test('calico: routeServer.virtualRouterIps where peerIps are needed names what to pass', () => {
    const { rs, manifests } = routeServerAndBgp();
    expect(messageOf(() => new calico.CalicoBgp(manifests, 'bgp', {
      asNumber: 63400,
      externalRouters: [{ name: 'rs', peerIps: rs.virtualRouterIps, asNumber: 65515 }],
    }))).toBe('app/calico/bgp: externalRouters[0].peerIps is a deploy-time reference to azurerm_route_server.rs_route-server_B1557B08.virtual_router_ips; '
      + 'a literal is needed here because it is checked at synth; pass the literal addresses '
      + '(for an Azure Route Server: routeServer.peerIps, not routeServer.virtualRouterIps, which is known only at deploy time)');
  });

  test('calico: a peer address with a lookalike character is shown escaped', () => {
    const { manifests } = routeServerAndBgp();
    expect(messageOf(() => new calico.CalicoBgp(manifests, 'bgp', {
      asNumber: 63400,
      externalRouters: [{ name: 'rs', peerIps: ['10.0.1.4', '10.0.1.\uFF15'], asNumber: 65515 }],
    }))).toBe('app/calico/bgp: externalRouters[0].peerIps[1].peerIP is "10.0.1.\\uFF15"; expected an IP address (optionally with :port), e.g. 10.0.1.4');
  });

  // Every family, with tokens where literals are usually given: whatever is refused is refused with
  // a message that names the reference, never the token's encoding.
  const RAW = /TfToken|e\+29\d|\$\{Token/;
  const cases: [string, (s: TerraformStack, token: string) => unknown][] = [
    ['azure: a VNet address space from a reference', (s, t) => new azure.VirtualNetwork(s, 'v', { resourceGroup: resourceGroup(s), name: 'v', addressSpace: [t] })],
    ['azure: a route table route prefix from a reference', (s, t) => new azure.RouteTable(s, 'rt', {
      resourceGroup: resourceGroup(s), name: 'rt', routes: [{ name: 'r', addressPrefix: t, nextHop: azure.NextHop.internet() }],
    })],
    ['aws: a VPC CIDR from a reference', (s, t) => new aws.Vpc(s, 'vpc', { name: 'vpc', cidrBlock: t })],
    ['aws: a transit gateway ASN from a reference', (s, t) => new aws.TransitGateway(s, 'tgw', { name: 'tgw', amazonSideAsn: Token.asNumber(t) })],
    ['calico: a cluster AS number from a reference', (s, t) => new calico.CalicoBgp(new calico.ClusterManifests(s, 'c'), 'bgp', { asNumber: Token.asNumber(t) })],
    ['calico: an egress tenant range from a reference', (_, t) => new calico.EgressTenant({ name: 'tenant0', egressCidr: t })],
  ];
  test.each(cases)('%s', (_, build) => {
    const s = stack();
    const token = resourceGroup(s, 'ref').location;
    let message = '';
    try {
      build(s, token);
      Testing.synth(s, true);
    } catch (e) {
      if (!(e instanceof Error) || e instanceof TypeError) throw e;
      message = e.message;
    }
    expect(message).not.toMatch(RAW);
  });
});
