import { TerraformVariable } from 'cdktf';
import { AzureFirewall, internalLoadBalancerDnat } from '../../lib/azure';
import { address, resource, synthWith } from '../helpers';
import { firewall, vnet } from './outbound-fixtures';

describe('internalLoadBalancerDnat', () => {
  test('sends the firewall public IP and port to the internal load balancer', () => {
    const json = synthWith((stack) => {
      const net = vnet(stack);
      const fw = firewall(stack, net);
      fw.addRuleCollection(internalLoadBalancerDnat({
        firewall: fw, name: 'exampleset', priority: 100, ruleName: 'inboundrule', protocols: ['Any'], port: 80,
        internalIp: '10.42.1.100', subnet: net.subnet('nodes'),
      }));
    });
    expect(resource(json, 'azurerm_firewall_nat_rule_collection', 'exampleset')).toMatchObject({
      priority: 100,
      action: 'Dnat',
      rule: [{
        name: 'inboundrule', protocols: ['Any'], source_addresses: ['*'],
        destination_addresses: [`\${${address(json, 'azurerm_public_ip', 'fw-ip')}.ip_address}`],
        destination_ports: ['80'], translated_address: '10.42.1.100', translated_port: '80',
      }],
    });
  });

  test('defaults: TCP, the same port, the first public IP; a second IP by index', () => {
    const json = synthWith((stack) => {
      const fw = firewall(stack, vnet(stack), { publicIpCount: 2 });
      fw.addRuleCollection(internalLoadBalancerDnat({ firewall: fw, name: 'web', priority: 200, internalIp: '10.42.1.10', port: 443, publicIpIndex: 1 }));
    });
    expect(resource(json, 'azurerm_firewall_nat_rule_collection', 'web').rule).toEqual([{
      name: 'web', protocols: ['TCP'], source_addresses: ['*'],
      destination_addresses: [`\${${address(json, 'azurerm_public_ip', 'fw-ip-2')}.ip_address}`],
      destination_ports: ['443'], translated_address: '10.42.1.10', translated_port: '443',
    }]);
  });

  const build = (over: Partial<Parameters<typeof internalLoadBalancerDnat>[0]>) => () => synthWith((stack) => {
    const net = vnet(stack);
    const fw: AzureFirewall = firewall(stack, net);
    internalLoadBalancerDnat({ firewall: fw, name: 'web', priority: 100, port: 80, internalIp: '10.42.1.10', subnet: net.subnet('nodes'), ...over });
  });

  test.each([
    ['a public target', { internalIp: '20.39.18.6' }, 'test/fw: dnat[web].internalIp is "20.39.18.6"; DNAT to a public load balancer breaks on asymmetric routing '
      + 'when egress goes through the firewall (replies take the default route to the firewall, which drops them); expose the service on an '
      + 'internal load balancer and DNAT to its private IP'],
    ['a target outside the subnet', { internalIp: '10.42.9.10' }, 'test/fw: dnat[web].internalIp is "10.42.9.10"; the internal load balancer takes its IP from subnet nodes (10.42.1.0/24)'],
    ['a target that is no IPv4 address', { internalIp: 'store-front' }, 'test/fw: dnat[web].internalIp is "store-front"; expected the IPv4 address of an internal load balancer'],
    ['a public IP the firewall lacks', { publicIpIndex: 1 }, 'test/fw: dnat[web].publicIpIndex is 1; firewall fw has 1 public IP(s), index 0 to 0'],
  ])('rejects %s', (_, over, message) => {
    expect(build(over)).toThrow(message);
  });

  test('a reference as target is taken as it is', () => {
    const json = synthWith((stack) => {
      const fw = firewall(stack, vnet(stack));
      const ip = new TerraformVariable(stack, 'service_ip', { type: 'string' });
      fw.addRuleCollection(internalLoadBalancerDnat({ firewall: fw, name: 'web', priority: 100, port: 80, internalIp: ip.stringValue }));
    });
    expect(resource(json, 'azurerm_firewall_nat_rule_collection', 'web').rule[0].translated_address).toBe('${var.service_ip}');
  });
});
