import { TerraformStack } from 'cdktf';
import { NatGateway, VirtualNetwork } from '../../lib/azure';
import { DataAzurermResourceGroup } from '@cdktf/provider-azurerm/lib/data-azurerm-resource-group';
import { address, azureStack, resource, resourceGroup, resources, synth, synthWith } from '../helpers';

const rg = (location = 'eastus') => ({ name: 'rg', location });

function vnet(stack: TerraformStack, name = 'vnet', location = 'eastus') {
  return new VirtualNetwork(stack, name, {
    resourceGroup: rg(location),
    name,
    addressSpace: ['10.0.0.0/16'],
    subnets: [
      { name: 'nodes', addressPrefix: '10.0.1.0/24' },
      { name: 'other', addressPrefix: '10.0.2.0/24' },
      { name: 'GatewaySubnet', addressPrefix: '10.0.3.0/27' },
    ],
  });
}

describe('NatGateway', () => {
  test('creates the gateway, its Standard public IP, their association and the subnet association', () => {
    const json = synthWith((stack) => {
      const net = vnet(stack);
      new NatGateway(stack, 'nat', { resourceGroup: rg(), name: 'myNatGateway', subnets: [net.subnet('nodes')] });
    });
    expect(resource(json, 'azurerm_nat_gateway', 'myNatGateway')).toMatchObject({
      sku_name: 'Standard', idle_timeout_in_minutes: 4, location: 'eastus', resource_group_name: 'rg',
    });
    expect(resource(json, 'azurerm_public_ip', 'myNatGateway-ip')).toMatchObject({ sku: 'Standard', allocation_method: 'Static' });
    expect(resource(json, 'azurerm_nat_gateway_public_ip_association')).toEqual({
      nat_gateway_id: `\${${address(json, 'azurerm_nat_gateway', 'myNatGateway')}.id}`,
      public_ip_address_id: `\${${address(json, 'azurerm_public_ip', 'myNatGateway-ip')}.id}`,
    });
    expect(resource(json, 'azurerm_subnet_nat_gateway_association')).toEqual({
      nat_gateway_id: `\${${address(json, 'azurerm_nat_gateway', 'myNatGateway')}.id}`,
      subnet_id: `\${${address(json, 'azurerm_subnet', 'nodes')}.id}`,
    });
  });

  test('publicIpCount names the IPs -1 to -N and counts 64,512 SNAT ports each', () => {
    let gw!: NatGateway;
    const json = synthWith((stack) => {
      gw = new NatGateway(stack, 'nat', { resourceGroup: rg(), name: 'ngw', publicIpCount: 3, idleTimeoutMinutes: 10, zone: '2' });
    });
    expect(resources(json, 'azurerm_public_ip').map((ip) => ip.name).sort()).toEqual(['ngw-ip-1', 'ngw-ip-2', 'ngw-ip-3']);
    expect(resources(json, 'azurerm_public_ip').map((ip) => ip.zones)).toEqual([['2'], ['2'], ['2']]);
    expect(resources(json, 'azurerm_nat_gateway_public_ip_association')).toHaveLength(3);
    expect(resource(json, 'azurerm_nat_gateway', 'ngw')).toMatchObject({ idle_timeout_in_minutes: 10, zones: ['2'] });
    expect(gw.snatPorts).toBe(3 * 64512);
    expect(gw.publicIps).toHaveLength(3);
  });

  test('records itself on the subnet', () => {
    synthWith((stack) => {
      const net = vnet(stack);
      const gw = new NatGateway(stack, 'nat', { resourceGroup: rg(), name: 'ngw' });
      expect(net.subnet('nodes').natGateway).toBeUndefined();
      gw.associate(net.subnet('nodes'));
      expect(net.subnet('nodes').natGateway).toBe(gw);
      expect(net.subnet('nodes').natGatewayAssociation).toBe(gw.subnetAssociations['vnet/nodes']);
    });
  });

  test.each([
    ['idle timeout below 4', { idleTimeoutMinutes: 3 }, 'test/nat: idleTimeoutMinutes is 3; a NAT gateway keeps idle flows 4 to 120 minutes'],
    ['idle timeout above 120', { idleTimeoutMinutes: 121 }, 'test/nat: idleTimeoutMinutes is 121; a NAT gateway keeps idle flows 4 to 120 minutes'],
    ['17 public IPs', { publicIpCount: 17 }, 'test/nat: publicIpCount is 17; a NAT gateway has 1 to 16 public IPs'],
    ['no public IP', { publicIpCount: 0 }, 'test/nat: publicIpCount is 0; a NAT gateway has 1 to 16 public IPs'],
    ['names and count', { publicIpNames: ['a'], publicIpCount: 1 }, 'test/nat: publicIpCount is 1; give publicIpNames or publicIpCount, not both'],
    ['no names', { publicIpNames: [] }, 'test/nat: publicIpNames is []; a NAT gateway has 1 to 16 public IPs'],
    ['duplicate names', { publicIpNames: ['a', 'a'] }, 'test/nat: publicIpNames is ["a","a"]; public IP names must be unique'],
    ['two zones', { zone: '1,2' }, 'test/nat: zone is "1,2"; a NAT gateway zone (one only) is allowed: "1", "2", "3"'],
    ['bad name', { name: 'bad name' }, /test\/nat: name is "bad name"; a NAT gateway name is 1 to 80/],
    ['bad public IP name', { publicIpNames: ['ok', 'no good'] }, /test\/nat: publicIpNames\[1\] is "no good"; a public IP name is 1 to 80/],
    ['17 public IP names', { publicIpNames: Array.from({ length: 17 }, (_, i) => `ip${i}`) }, /test\/nat: publicIpNames is \["ip0",.*"ip16"\]; a NAT gateway has 1 to 16 public IPs/],
  ])('rejects %s', (_, over, message) => {
    expect(() => synthWith((stack) => {
      new NatGateway(stack, 'nat', { resourceGroup: rg(), name: 'ngw', ...over });
    })).toThrow(message);
  });

  test('rejects a second NAT gateway on a subnet', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack);
      new NatGateway(stack, 'nat1', { resourceGroup: rg(), name: 'ngw1', subnets: [net.subnet('nodes')] });
      new NatGateway(stack, 'nat2', { resourceGroup: rg(), name: 'ngw2', subnets: [net.subnet('nodes')] });
    })).toThrow('test/vnet/nodes: natGateway is "ngw2"; subnet nodes already has NAT gateway ngw1; a subnet takes at most one');
  });

  test('rejects GatewaySubnet', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack);
      new NatGateway(stack, 'nat', { resourceGroup: rg(), name: 'ngw', subnets: [net.subnet('GatewaySubnet')] });
    })).toThrow('test/nat: subnets is "GatewaySubnet"; a NAT gateway cannot be associated with GatewaySubnet');
  });

  test('rejects subnets of two VNets', () => {
    expect(() => synthWith((stack) => {
      const a = vnet(stack, 'vnet-a');
      const b = vnet(stack, 'vnet-b');
      new NatGateway(stack, 'nat', { resourceGroup: rg(), name: 'ngw', subnets: [a.subnet('nodes'), b.subnet('nodes')] });
    })).toThrow('test/nat: subnets is "vnet-b/nodes"; a NAT gateway serves subnets of one VNet, and this one already serves vnet-a');
  });

  test('rejects a subnet in another region', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack, 'vnet', 'westeurope');
      new NatGateway(stack, 'nat', { resourceGroup: rg('East US'), name: 'ngw', subnets: [net.subnet('nodes')] });
    })).toThrow('test/nat: subnets is "vnet (westeurope)"; a NAT gateway serves subnets in its own region, East US');
  });

  test('rejects a subnet in another region when both locations are references to resource groups of the app', () => {
    const stack = azureStack();
    const west = resourceGroup(stack, 'west', 'westeurope');
    const east = resourceGroup(stack, 'east', 'East US');
    const net = new VirtualNetwork(stack, 'vnet', { resourceGroup: west, name: 'vnet', addressSpace: ['10.0.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.0.1.0/24' }] });
    expect(() => new NatGateway(stack, 'nat', { resourceGroup: east, name: 'ngw', subnets: [net.subnet('nodes')] })).toThrow(
      'test/nat: subnets is "vnet (westeurope)"; a NAT gateway serves subnets in its own region, East US');
    const same = resourceGroup(stack, 'west2', 'West Europe');
    expect(new NatGateway(stack, 'nat2', { resourceGroup: same, name: 'ngw2', subnets: [net.subnet('nodes')] }).subnets).toHaveLength(1);
  });

  test('a location the app cannot know is left to Azure, with a warning', () => {
    const stack = azureStack();
    const existing = new DataAzurermResourceGroup(stack, 'existing', { name: 'shared' });
    const net = new VirtualNetwork(stack, 'vnet', { resourceGroup: existing, name: 'vnet', addressSpace: ['10.0.0.0/16'], subnets: [{ name: 'nodes', addressPrefix: '10.0.1.0/24' }] });
    const nat = new NatGateway(stack, 'nat', { resourceGroup: resourceGroup(stack, 'east', 'eastus'), name: 'ngw', subnets: [net.subnet('nodes')] });
    synth(stack);
    expect(nat.node.metadata.map((m) => [m.type, m.data])).toEqual([['@cdktf/warn',
      "location of VNet vnet is a deploy-time reference to data.azurerm_resource_group.existing.location; that VNet vnet is in the NAT gateway's region could not be checked at synth and is checked by the cloud at apply"]]);
  });

  test('accepts a region spelt differently', () => {
    expect(() => synthWith((stack) => {
      const net = vnet(stack, 'vnet', 'eastus');
      new NatGateway(stack, 'nat', { resourceGroup: rg('East US'), name: 'ngw', subnets: [net.subnet('nodes')] });
    })).not.toThrow();
  });
});
