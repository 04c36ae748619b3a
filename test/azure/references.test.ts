import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { AzureFirewall, HubSpokePeering, NextHop, RouteTable, VirtualNetwork } from '../../lib/azure';
import { ValidationError, knownEqual, knownValue } from '../../lib/core';
import { azureStack, resourceGroup } from '../helpers';

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
  test('knownValue and knownEqual take a plain reference for its literal, never a string built around it', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'net', 'westeurope');
    expect(knownValue(stack, rg.location)).toBe('westeurope');
    expect(knownValue(stack, `${rg.location}/32`)).toBeUndefined();
    expect(knownEqual(stack, `${rg.id}/32`, `${rg.id}/24`)).toBeUndefined();
    expect(knownEqual(stack, rg.id, `${rg.id}`)).toBe(true);
  });
});
