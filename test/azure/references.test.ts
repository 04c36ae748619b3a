import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import {
  AksCluster, AksOutbound, AppGatewayIngress, ApplicationGateway, AzureFirewall, HubSpokePeering, ManagedIdentity, NatGateway, NextHop,
  RouteServer, RouteTable, VirtualNetwork, internalLoadBalancerDnat,
} from '../../lib/azure';
import { ValidationError, knownEqual, knownValue } from '../../lib/core';
import { azureStack, resourceGroup } from '../helpers';
import { cluster, spoke } from './fixtures';

/*
 * Checks that meet a deploy-time reference resolve what the app knows (the literal the app set on a
 * resource it created, the firewall behind `firewall.privateIp`) before giving up, and when nothing
 * can be known they warn once at synth rather than skip silently (issue 13 item 5).
 */

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

/** The warnings cdktf would print for `stack`, after a synth. */
function warnings(stack: TerraformStack): string[] {
  Testing.synth(stack, true);
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => `${c.node.path}: ${m.data}`));
}

describe('RouteTable: route prefixes', () => {
  test('a prefix that refers to a route the app set to a literal is checked against the others: a duplicate fails', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack);
    const a = new RouteTable(stack, 'a', { resourceGroup: rg, name: 'a', routes: [{ name: 'default', addressPrefix: '0.0.0.0/0', nextHop: NextHop.internet() }] });
    const b = new RouteTable(stack, 'b', { resourceGroup: rg, name: 'b', routes: [{ name: 'web', addressPrefix: '0.0.0.0/0', nextHop: NextHop.internet() }] });
    expect(messageOf(() => b.addRoute({ name: 'copy', addressPrefix: a.routeResources.default.addressPrefix, nextHop: NextHop.none() })))
      .toMatch(/^app\/b: routes\[copy\]\.addressPrefix is a deploy-time reference to azurerm_route\.a_route-default_[0-9A-F]+\.address_prefix; route web already covers 0\.0\.0\.0\/0; each prefix takes one route$/);
  });

  test('a prefix that refers to a literal that is no CIDR fails', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'hub');
    const t = new RouteTable(stack, 't', { resourceGroup: rg, name: 't' });
    expect(messageOf(() => t.addRoute({ name: 'r', addressPrefix: rg.name, nextHop: NextHop.internet() })))
      .toBe('app/t: routes[r].addressPrefix is "hub"; expected a CIDR such as 10.0.0.0/16');
  });

  test('the same reference twice fails even when its value is unknown', () => {
    const stack = azureStack(Testing.app(), 'app');
    const cidr = new TerraformVariable(stack, 'cidr', { type: 'string' });
    const t = new RouteTable(stack, 't', { resourceGroup: resourceGroup(stack), name: 't' });
    t.addRoute({ name: 'one', addressPrefix: cidr.stringValue, nextHop: NextHop.internet() });
    expect(messageOf(() => t.addRoute({ name: 'two', addressPrefix: cidr.stringValue, nextHop: NextHop.none() })))
      .toBe('app/t: routes[two].addressPrefix is a deploy-time reference to var.cidr; route one already has this prefix; each prefix takes one route');
  });

  test('a prefix nothing in the app knows is accepted with one warning', () => {
    const stack = azureStack(Testing.app(), 'app');
    const cidr = new TerraformVariable(stack, 'cidr', { type: 'string' });
    new RouteTable(stack, 't', { resourceGroup: resourceGroup(stack), name: 't', routes: [{ name: 'one', addressPrefix: cidr.stringValue, nextHop: NextHop.internet() }] });
    expect(warnings(stack)).toEqual([
      'app/t: routes[one].addressPrefix is a deploy-time reference to var.cidr; that it is a CIDR no other route of the table has ' +
      'could not be checked at synth and is checked by the cloud at apply',
    ]);
  });
});

describe('RouteTable: a next hop given as firewall.privateIp', () => {
  function build(peer: boolean) {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'net');
    const hub = new VirtualNetwork(stack, 'hub', {
      resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/16'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' }],
    });
    const spoke = new VirtualNetwork(stack, 'spoke', {
      resourceGroup: rg, name: 'spoke', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/22' }],
    });
    const fw = new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'hub-fw', subnet: hub.subnet('AzureFirewallSubnet'), diagnostics: false });
    if (peer) new HubSpokePeering(stack, 'peering', { hub, spoke });
    new RouteTable(stack, 'rt', {
      resourceGroup: rg, name: 'rt', routes: [{ name: 'default', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance(fw.privateIp) }],
      subnets: [spoke.subnet('nodes')],
    });
    return stack;
  }

  test('lives where the firewall\'s subnet is: a spoke not peered with the hub fails at synth', () => {
    expect(messageOf(() => Testing.synth(build(false), true))).toMatch(new RegExp(
      '^app/rt: routes\\[default\\]\\.nextHop\\.ip is a deploy-time reference to azurerm_firewall\\.fw_firewall_[0-9A-F]+\\.ip_configuration\\[0\\]\\.private_ip_address; ' +
      'it lies in VNet hub \\(app/hub\\), which subnet nodes of VNet spoke cannot reach: the two VNets are not peered'));
  });

  test('a peered spoke passes without a warning', () => {
    expect(warnings(build(true))).toEqual([]);
  });

  test('an appliance address nothing in the app knows is accepted with one warning', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'net');
    const ip = new TerraformVariable(stack, 'nva', { type: 'string' });
    const spoke = new VirtualNetwork(stack, 'spoke', {
      resourceGroup: rg, name: 'spoke', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/22' }],
    });
    new RouteTable(stack, 'rt', {
      resourceGroup: rg, name: 'rt', routes: [{ name: 'default', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance(ip.stringValue) }],
      subnets: [spoke.subnet('nodes')],
    });
    expect(warnings(stack)).toEqual([
      'app/rt: routes[default].nextHop.ip is a deploy-time reference to var.nva; that the appliance lies in a network the associated subnets reach ' +
      'could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('an appliance address that refers to a literal that is no IP fails', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'net');
    const t = new RouteTable(stack, 't', { resourceGroup: rg, name: 't' });
    expect(messageOf(() => t.addRoute({ name: 'r', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance(rg.location) })))
      .toBe('app/t: routes[r].nextHop.ip is a deploy-time reference to azurerm_resource_group.rg-net.location; a VirtualAppliance next hop needs the appliance\'s private IP');
  });
});

describe('what the app knows of a value built around a reference', () => {
  test('knownValue reads a string built around a reference as a whole, never as the reference alone', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'net', 'westeurope');
    expect(knownValue(stack, rg.location)).toBe('westeurope');
    // A string built around a reference is known as a whole: the text is kept, never dropped.
    expect(knownValue(stack, `${rg.location}/32`)).toBe('westeurope/32');
    expect(knownEqual(stack, `${rg.id}/32`, `${rg.id}/24`)).toBeUndefined();
    expect(knownEqual(stack, rg.id, `${rg.id}`)).toBe(true);
  });
});

describe('references to values the app set, and values nothing knows, in the other Azure checks', () => {
  function hubAndSpoke(stack: TerraformStack) {
    const rg = resourceGroup(stack, 'net');
    const hub = new VirtualNetwork(stack, 'hub', {
      resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/16'],
      subnets: [{ name: 'RouteServerSubnet', addressPrefix: '10.0.1.0/26' }, { name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' }],
    });
    const spoke = new VirtualNetwork(stack, 'spoke', {
      resourceGroup: rg, name: 'spoke', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/24' }],
    });
    new HubSpokePeering(stack, 'peering', { hub, spoke });
    // A route whose next hop the app sets to a literal: a resource attribute other values can refer to.
    const literals = new RouteTable(stack, 'literals', { resourceGroup: rg, name: 'literals' });
    const holding = (ip: string) => literals.addRoute({ name: `r${ip.replace(/\./g, '-')}`, addressPrefix: `${ip}/32`, nextHop: NextHop.virtualAppliance(ip) });
    return { rg, hub, spoke, holding };
  }

  test('Route Server: a peer IP that refers to an address Azure reserves fails at synth; an unknown one warns', () => {
    const stack = azureStack(Testing.app(), 'app');
    const w = hubAndSpoke(stack);
    const rs = new RouteServer(stack, 'rs', { resourceGroup: w.rg, name: 'rs', subnet: w.hub.subnet('RouteServerSubnet') });
    rs.addPeer({ name: 'reserved', peerIp: w.holding('10.1.0.2').nextHopInIpAddress, peerAsn: 65010 });
    expect(messageOf(() => Testing.synth(stack, true))).toBe(
      'app/rs: peers[reserved].peerIp is "10.1.0.2"; Azure reserves 10.1.0.0, 10.1.0.1, 10.1.0.2, 10.1.0.3, 10.1.0.255 in subnet spoke/nodes (10.1.0.0/24); ' +
      'a peer\'s address is one a VM can have, from 10.1.0.4');

    const stack2 = azureStack(Testing.app(), 'app');
    const w2 = hubAndSpoke(stack2);
    const ip = new TerraformVariable(stack2, 'peer', { type: 'string' });
    new RouteServer(stack2, 'rs', { resourceGroup: w2.rg, name: 'rs', subnet: w2.hub.subnet('RouteServerSubnet'), peers: [{ name: 'nva', peerIp: ip.stringValue, peerAsn: 65010 }] });
    expect(warnings(stack2)).toEqual([
      'app/rs: peers[nva].peerIp is a deploy-time reference to var.peer; that the peer is in hub or a VNet peered with it could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('DNAT: an internal IP that refers to a public address fails; an unknown one warns on the firewall', () => {
    const stack = azureStack(Testing.app(), 'app');
    const w = hubAndSpoke(stack);
    const fw = new AzureFirewall(stack, 'fw', { resourceGroup: w.rg, name: 'fw', subnet: w.hub.subnet('AzureFirewallSubnet'), diagnostics: false });
    expect(messageOf(() => internalLoadBalancerDnat({ firewall: fw, name: 'web', priority: 100, port: 80, internalIp: w.holding('20.1.2.3').nextHopInIpAddress })))
      .toMatch(/^app\/fw: dnat\[web\]\.internalIp is a deploy-time reference to azurerm_route\.literals_route-r20-1-2-3_[0-9A-F]+\.next_hop_in_ip_address; DNAT to a public load balancer breaks/);
    const ilb = new TerraformVariable(stack, 'ilb', { type: 'string' });
    fw.addRuleCollection(internalLoadBalancerDnat({ firewall: fw, name: 'app', priority: 110, port: 443, internalIp: ilb.stringValue }));
    expect(warnings(stack)).toEqual([
      'app/fw: dnat[app].internalIp is a deploy-time reference to var.ilb; that it is the private IPv4 address of an internal load balancer ' +
      'could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('federated credentials: an issuer that refers to a literal that is no URL fails; an unknown one warns; a cluster\'s issuer URL passes', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'ids');
    const id = new ManagedIdentity(stack, 'id', { resourceGroup: rg, name: 'workload-id' });
    expect(messageOf(() => id.trustServiceAccount({ name: 'bad', issuer: rg.name, namespace: 'default', serviceAccount: 'app' })))
      .toBe('app/id: federatedCredentials[bad].issuer is a deploy-time reference to azurerm_resource_group.rg-ids.name; an OIDC issuer is an https:// URL, e.g. the cluster\'s oidcIssuerUrl');
    const issuer = new TerraformVariable(stack, 'issuer', { type: 'string' });
    id.trustServiceAccount({ name: 'external', issuer: issuer.stringValue, namespace: 'default', serviceAccount: 'app' });
    const s = spoke(stack);
    const c = cluster(stack, s);
    id.trustServiceAccount({ name: 'aks', issuer: c.oidcIssuerUrl, namespace: 'default', serviceAccount: 'app' });
    expect(warnings(stack)).toEqual([
      'app/id: federatedCredentials[external].issuer is a deploy-time reference to var.issuer; that it is an https:// URL could not be checked at synth and is checked by the cloud at apply',
    ]);
  });

  test('the ingress add-on: an existing gateway ID that refers to a literal that is no ID fails; an unknown one warns; a gateway\'s id passes', () => {
    const build = (gatewayId: (stack: TerraformStack, s: ReturnType<typeof spoke>) => string) => {
      const stack = azureStack(Testing.app(), 'app');
      const s = spoke(stack);
      cluster(stack, s, { ingressApplicationGateway: AppGatewayIngress.existingGateway(gatewayId(stack, s)) });
      return stack;
    };
    expect(messageOf(() => build((_stack, s) => s.rg.name))).toMatch(
      /^app\/aks: ingressApplicationGateway\.gatewayId is a deploy-time reference to azurerm_resource_group\.rg-spoke\.name; expected an Application Gateway resource ID/);
    expect(warnings(build((stack) => new TerraformVariable(stack, 'gw', { type: 'string' }).stringValue))).toEqual([
      'app/aks: ingressApplicationGateway.gatewayId is a deploy-time reference to var.gw; that it names an Application Gateway could not be checked at synth and is checked by the cloud at apply',
    ]);
    expect(warnings(build((stack, s) => new ApplicationGateway(stack, 'gw', { resourceGroup: s.rg, name: 'gw', subnet: s.vnet.subnet('gw-1-subnet'), diagnostics: false }).id))).toEqual([]);
  });

  test('AKS outbound numbers: a reference to a number the app set out of range fails; an unknown one warns', () => {
    const build = (idle: (stack: TerraformStack) => number) => {
      const stack = azureStack(Testing.app(), 'app');
      const s = spoke(stack);
      new AksCluster(stack, 'aks', {
        resourceGroup: s.rg, name: 'aks', defaultNodePool: { nodeCount: 1 },
        network: { plugin: 'azure', pluginMode: 'overlay', podCidr: '10.244.0.0/16', serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10' },
        outbound: AksOutbound.loadBalancer({ idleTimeoutMinutes: idle(stack) }),
      });
      return stack;
    };
    expect(messageOf(() => build((stack) => new NatGateway(stack, 'nat', { resourceGroup: resourceGroup(stack, 'n'), name: 'nat', idleTimeoutMinutes: 120 }).resource.idleTimeoutInMinutes)))
      .toMatch(new RegExp('^app/aks: outbound\\.idleTimeoutMinutes is a deploy-time reference to azurerm_nat_gateway\\.nat_nat-gateway_[0-9A-F]+\\.idle_timeout_in_minutes; ' +
        'the outbound idle timeout is 4 to 100 minutes \\(AKS allows 120; the azurerm provider stops at 100\\); the reference holds 120$'));
    expect(warnings(build((stack) => new TerraformVariable(stack, 'idle', { type: 'number' }).numberValue))).toEqual([
      'app/aks: outbound.idleTimeoutMinutes is a deploy-time reference to var.idle; its range (the outbound idle timeout is 4 to 100 minutes ' +
      '(AKS allows 120; the azurerm provider stops at 100)) could not be checked at synth and is checked by the cloud at apply',
    ]);
  });
});

describe('names given as references', () => {
  test('a VNet name that refers to a literal the app set is checked against the VNet naming rule', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'x');
    expect(messageOf(() => new VirtualNetwork(stack, 'vnet', { resourceGroup: rg, name: rg.name, addressSpace: ['10.0.0.0/16'] }))).toBe(
      'app/vnet: name is a deploy-time reference to azurerm_resource_group.rg-x.name; a VNet name is 2 to 64 letters, digits, \'_\', \'.\' or \'-\', ' +
      'starting with a letter or digit and ending with a letter, digit or \'_\'; the reference holds "x"');
  });

  test('a cluster name nothing in the app knows is accepted with one warning per name', () => {
    const stack = azureStack(Testing.app(), 'app');
    const name = new TerraformVariable(stack, 'name', { type: 'string' });
    const s = spoke(stack);
    cluster(stack, s, { name: name.stringValue });
    expect(warnings(stack)).toEqual([
      'app/aks: name is a deploy-time reference to var.name; its naming rule could not be checked at synth and is checked by the cloud at apply',
      'app/aks: dnsPrefix is a deploy-time reference to var.name; its naming rule could not be checked at synth and is checked by the cloud at apply',
    ]);
  });
});

describe('AKS DNS service IP given as a reference', () => {
  const build = (dns: (stack: TerraformStack) => string) => {
    const stack = azureStack(Testing.app(), 'app');
    const s = spoke(stack);
    cluster(stack, s, { network: { plugin: 'azure', serviceCidr: '10.2.0.0/16', dnsServiceIp: dns(stack) } });
    return stack;
  };

  test('the literal the app set behind it is checked against the service CIDR', () => {
    const routes = (stack: TerraformStack) => new RouteTable(stack, 'lit', {
      resourceGroup: resourceGroup(stack, 'lit'), name: 'lit', routes: [{ name: 'r', addressPrefix: '10.3.0.0/16', nextHop: NextHop.virtualAppliance('10.3.0.10') }],
    });
    expect(messageOf(() => build((stack) => routes(stack).routeResources.r.nextHopInIpAddress)))
      .toMatch(/^app\/aks: network\.dnsServiceIp is "10\.3\.0\.10"; the DNS service IP must be an address inside the service CIDR 10\.2\.0\.0\/16$/);
  });

  test('an unknown one is refused as needing a literal, saying what to pass', () => {
    expect(messageOf(() => build((stack) => new TerraformVariable(stack, 'dns', { type: 'string' }).stringValue))).toBe(
      'app/aks: network.dnsServiceIp is a deploy-time reference to var.dns; a literal is needed here because it is checked at synth; ' +
      'pass an address inside the service CIDR 10.2.0.0/16, e.g. 10.2.0.10');
  });
});
