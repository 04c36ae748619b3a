import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzureFirewall, HubSpokePeering, NatGateway, NextHop, RouteServer, RouteTable, VirtualNetwork } from '../../lib/azure';
import { TransitGateway, TransitGatewayVpcAttachment } from '../../lib/aws';
import { ValidationError } from '../../lib/core';
import { azureStack, resourceGroup } from '../helpers';
import { spokeVpc } from '../aws/fixtures';

/* App-wide relations the cloud refuses at apply: names, peerings, attachments (issue 10 items 6, 7; issue 13 item 7). */

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

function vnet(stack: TerraformStack, id: string, name: string, cidr: string, rgName = 'net'): VirtualNetwork {
  const rg = stack.node.tryFindChild(`rg-${rgName}`) as any ?? resourceGroup(stack, rgName);
  return new VirtualNetwork(stack, id, { resourceGroup: rg, name, addressSpace: [cidr] });
}

describe('one name per resource type and resource group', () => {
  test('two VNets with one name in one resource group (a ResourceGroup resource) fail at synth, naming both', () => {
    const stack = azureStack(Testing.app(), 'app');
    vnet(stack, 'a', 'hub-vnet', '10.0.0.0/16');
    expect(messageOf(() => vnet(stack, 'b', 'hub-vnet', '10.1.0.0/16')))
      .toBe('app/b: name is "hub-vnet"; app/a already names a VNet "hub-vnet" in resource group "net"; Azure keeps one VNet of a name per resource group');
  });

  test('names compare without case, as Azure does', () => {
    const stack = azureStack(Testing.app(), 'app');
    vnet(stack, 'a', 'hub-vnet', '10.0.0.0/16');
    expect(messageOf(() => vnet(stack, 'b', 'HUB-VNET', '10.1.0.0/16')))
      .toBe('app/b: name is "HUB-VNET"; app/a already names a VNet "hub-vnet" in resource group "net"; Azure keeps one VNet of a name per resource group');
  });

  test('stacks are not compared: each may deploy to another subscription', () => {
    const app = Testing.app();
    vnet(azureStack(app, 'one'), 'a', 'hub-vnet', '10.0.0.0/16');
    expect(() => vnet(azureStack(app, 'two'), 'b', 'hub-vnet', '10.1.0.0/16')).not.toThrow();
  });

  test('the same name in another resource group, or for another resource type, is fine', () => {
    const stack = azureStack(Testing.app(), 'app');
    vnet(stack, 'a', 'shared', '10.0.0.0/16', 'one');
    expect(() => vnet(stack, 'b', 'shared', '10.1.0.0/16', 'two')).not.toThrow();
    expect(() => new RouteTable(stack, 'rt', { resourceGroup: resourceGroup(stack, 'one2', 'eastus'), name: 'shared' })).not.toThrow();
  });

  test('route tables, firewalls and NAT gateways', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = { name: 'hub-rg', location: 'eastus' };
    new RouteTable(stack, 'rt1', { resourceGroup: rg, name: 'spoke-rt' });
    expect(messageOf(() => new RouteTable(stack, 'rt2', { resourceGroup: rg, name: 'spoke-rt' })))
      .toBe('app/rt2: name is "spoke-rt"; app/rt1 already names a route table "spoke-rt" in resource group "hub-rg"; Azure keeps one route table of a name per resource group');
    new NatGateway(stack, 'nat1', { resourceGroup: rg, name: 'nat' });
    expect(messageOf(() => new NatGateway(stack, 'nat2', { resourceGroup: rg, name: 'nat' })))
      .toBe('app/nat2: name is "nat"; app/nat1 already names a NAT gateway "nat" in resource group "hub-rg"; Azure keeps one NAT gateway of a name per resource group');
    const hub = new VirtualNetwork(stack, 'hub', {
      resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/16'], subnets: [{ name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' }],
    });
    new AzureFirewall(stack, 'fw1', { resourceGroup: rg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet') });
    expect(messageOf(() => new AzureFirewall(stack, 'fw2', { resourceGroup: rg, name: 'fw', subnet: hub.subnet('AzureFirewallSubnet') })))
      .toBe('app/fw2: name is "fw"; app/fw1 already names a firewall "fw" in resource group "hub-rg"; Azure keeps one firewall of a name per resource group');
  });
});

describe('peerings', () => {
  function hubAndSpokes() {
    const stack = azureStack(Testing.app(), 'app');
    const hub = vnet(stack, 'hub', 'hub', '10.0.0.0/16');
    const s1 = vnet(stack, 's1', 'spoke1', '10.1.0.0/16');
    const s2 = vnet(stack, 's2', 'spoke2', '10.1.128.0/17');
    return { stack, hub, s1, s2 };
  }

  test('two spokes with overlapping address spaces peered to one hub fail at synth (issue 10 item 6)', () => {
    const { stack, hub, s1, s2 } = hubAndSpokes();
    new HubSpokePeering(stack, 'p1', { hub, spoke: s1 });
    expect(messageOf(() => new HubSpokePeering(stack, 'p2', { hub, spoke: s2 })))
      .toBe('app/p2: spoke.addressSpace is "10.1.128.0/17"; VNet "hub" is already peered with VNet "spoke1" (10.1.0.0/16, app/p1); '
        + 'Azure refuses to peer a VNet with two VNets whose address spaces overlap');
  });

  test('two spokes with the same address space, in separate stacks', () => {
    const app = Testing.app();
    const one = azureStack(app, 'one');
    const two = azureStack(app, 'two');
    const hub = vnet(one, 'hub', 'hub', '10.0.0.0/16');
    new HubSpokePeering(one, 'p1', { hub, spoke: vnet(one, 's1', 'spoke1', '10.1.0.0/16') });
    const s2 = vnet(two, 's2', 'spoke2', '10.1.0.0/16');
    expect(messageOf(() => new HubSpokePeering(two, 'p2', { hub, spoke: s2 })))
      .toBe('two/p2: spoke.addressSpace is "10.1.0.0/16"; VNet "hub" is already peered with VNet "spoke1" (10.1.0.0/16, one/p1); '
        + 'Azure refuses to peer a VNet with two VNets whose address spaces overlap');
  });

  test('the same pair peered twice, in either direction', () => {
    const { stack, hub, s1 } = hubAndSpokes();
    new HubSpokePeering(stack, 'p1', { hub, spoke: s1 });
    expect(messageOf(() => new HubSpokePeering(stack, 'p2', { hub, spoke: s1 })))
      .toBe('app/p2: spoke is "spoke1"; app/p1 already peers VNet "hub" with it; two VNets are peered once (one peering each way)');
    expect(messageOf(() => new HubSpokePeering(stack, 'p3', { hub: s1, spoke: hub })))
      .toBe('app/p3: spoke is "hub"; app/p1 already peers VNet "spoke1" with it; two VNets are peered once (one peering each way)');
  });

  test('a spoke using remote gateways on two peerings', () => {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'net');
    const hubs = ['10.0.0.0/16', '10.2.0.0/16'].map((cidr, i) => new VirtualNetwork(stack, `hub${i}`, {
      resourceGroup: rg, name: `hub${i}`, addressSpace: [cidr], subnets: [{ name: 'RouteServerSubnet', addressPrefix: cidr.replace('.0.0/16', '.0.0/26') }],
    }));
    const spoke = new VirtualNetwork(stack, 'spoke', { resourceGroup: rg, name: 'spoke', addressSpace: ['10.1.0.0/16'] });
    const rs = hubs.map((h, i) => new RouteServer(stack, `rs${i}`, { resourceGroup: rg, name: `rs${i}`, subnet: h.subnet('RouteServerSubnet') }));
    new HubSpokePeering(stack, 'p0', { hub: hubs[0], spoke, gateway: rs[0] });
    expect(messageOf(() => new HubSpokePeering(stack, 'p1', { hub: hubs[1], spoke, gateway: rs[1] })))
      .toBe('app/p1: useRemoteGateways is true; VNet "spoke" already uses remote gateways on app/p0; Azure lets one peering of a VNet use remote gateways');
    expect(() => new HubSpokePeering(stack, 'p2', { hub: hubs[1], spoke })).not.toThrow();
  });
});

describe('transit gateway attachments', () => {
  test('a VPC attached twice to one transit gateway fails at synth', () => {
    const stack = new TerraformStack(Testing.app(), 'app');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const tgw = new TransitGateway(stack, 'tgw', { name: 'hub-tgw', cidrBlocks: ['192.0.2.0/24'] });
    const vpc = spokeVpc(stack);
    const subnets = vpc.subnetsInGroup('tgw');
    new TransitGatewayVpcAttachment(stack, 'a1', { transitGateway: tgw, name: 'a1', vpc, subnets, applianceMode: false });
    expect(messageOf(() => new TransitGatewayVpcAttachment(stack, 'a2', { transitGateway: tgw, name: 'a2', vpc, subnets, applianceMode: false })))
      .toBe('app/a2: vpc is "source"; app/a1 already attaches it to transit gateway "hub-tgw"; AWS allows one attachment per VPC and transit gateway (put more subnets in that attachment)');
  });
});

describe('a route whose next hop lives in a network that is not connected', () => {
  function build(peer: boolean) {
    const stack = azureStack(Testing.app(), 'app');
    const rg = resourceGroup(stack, 'net');
    const hub = new VirtualNetwork(stack, 'hub', { resourceGroup: rg, name: 'hub', addressSpace: ['10.0.0.0/16'] });
    const spoke = new VirtualNetwork(stack, 'spoke', {
      resourceGroup: rg, name: 'spoke', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.1.0.0/22' }],
    });
    if (peer) new HubSpokePeering(stack, 'peering', { hub, spoke });
    new RouteTable(stack, 'rt', {
      resourceGroup: rg, name: 'rt', routes: [{ name: 'default', addressPrefix: '0.0.0.0/0', nextHop: NextHop.virtualAppliance('10.0.0.4') }],
      subnets: [spoke.subnet('nodes')],
    });
    return stack;
  }

  test('an appliance in a VNet of the app that the subnet\'s VNet is not peered with fails at synth', () => {
    expect(messageOf(() => Testing.synth(build(false), true)))
      .toBe('app/rt: routes[default].nextHop.ip is "10.0.0.4"; it lies in VNet hub (app/hub), which subnet nodes of VNet spoke cannot reach: '
        + 'the two VNets are not peered; peer them (HubSpokePeering) or use an appliance in a connected network');
  });

  test('peered, or an appliance outside the app\'s VNets, it passes', () => {
    expect(() => Testing.synth(build(true), true)).not.toThrow();
  });
});
