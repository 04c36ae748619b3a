import { AzureFirewall, AzureFirewallProps, FirewallRuleFormat } from '../../lib/azure';
import { resource, synthWith } from '../helpers';
import { rg, vnet } from './outbound-fixtures';

const premium = (over: Partial<AzureFirewallProps> = {}) => synthWith((stack) => {
  new AzureFirewall(stack, 'fw', {
    resourceGroup: rg, name: 'fw', subnet: vnet(stack).subnet('AzureFirewallSubnet'), skuTier: 'Premium',
    ruleFormat: FirewallRuleFormat.policy(), diagnostics: false, ...over,
  });
});

describe('Firewall Policy Premium: IDPS and threat intelligence', () => {
  test('a Premium policy alerts with IDPS by default', () => {
    const policy = resource(premium(), 'azurerm_firewall_policy', 'fw-policy');
    expect(policy.sku).toBe('Premium');
    expect(policy.intrusion_detection).toEqual({ mode: 'Alert' });
    expect(policy.threat_intelligence_mode).toBe('Alert');
  });

  test('IDPS Deny with signature overrides, a bypass and private ranges; threat intelligence Deny', () => {
    const policy = resource(premium({
      threatIntelMode: 'Deny',
      intrusionDetection: {
        mode: 'Deny',
        signatureOverrides: [{ id: '2024897', state: 'Alert' }],
        trafficBypass: [{ name: 'backup', protocol: 'TCP', sourceAddresses: ['10.42.1.0/24'], destinationAddresses: ['10.50.0.4'], destinationPorts: ['443'] }],
        privateRanges: ['10.0.0.0/8'],
      },
    }), 'azurerm_firewall_policy', 'fw-policy');
    expect(policy.threat_intelligence_mode).toBe('Deny');
    expect(policy.intrusion_detection).toEqual({
      mode: 'Deny',
      signature_overrides: [{ id: '2024897', state: 'Alert' }],
      traffic_bypass: [{ name: 'backup', protocol: 'TCP', source_addresses: ['10.42.1.0/24'], destination_addresses: ['10.50.0.4'], destination_ports: ['443'] }],
      private_ranges: ['10.0.0.0/8'],
    });
  });

  test('a Standard policy has no IDPS block, and refuses one', () => {
    const json = synthWith((stack) => {
      new AzureFirewall(stack, 'fw', { resourceGroup: rg, name: 'fw', subnet: vnet(stack).subnet('AzureFirewallSubnet'), diagnostics: false });
    });
    expect(resource(json, 'azurerm_firewall_policy', 'fw-policy').intrusion_detection).toBeUndefined();
    expect(() => premium({ skuTier: 'Standard', intrusionDetection: { mode: 'Deny' } }))
      .toThrow("test/fw: intrusionDetection.mode is \"Deny\"; IDPS is a Premium feature; the Standard tier has none (set skuTier: 'Premium')");
  });

  test.each([
    ['a mode in the wrong case', { mode: 'deny' }, 'test/fw: intrusionDetection.mode is "deny"; allowed: "Off", "Alert", "Deny"; did you mean "Deny"?'],
    ['a signature ID that is not a number', { mode: 'Alert', signatureOverrides: [{ id: 'ET-1', state: 'Off' }] },
      'test/fw: intrusionDetection.signatureOverrides[0].id is "ET-1"; a signature ID is its number, e.g. "2024897"'],
    ['a bad override state', { mode: 'Alert', signatureOverrides: [{ id: '1', state: 'Drop' }] },
      'test/fw: intrusionDetection.signatureOverrides[0].state is "Drop"; allowed: "Off", "Alert", "Deny"'],
    ['a bad bypass protocol', { mode: 'Alert', trafficBypass: [{ name: 'b', protocol: 'HTTP' }] },
      'test/fw: intrusionDetection.trafficBypass[0].protocol is "HTTP"; allowed: "Any", "TCP", "UDP", "ICMP"'],
    ['a private range with host bits', { mode: 'Alert', privateRanges: ['10.0.0.1/8'] },
      'test/fw: intrusionDetection.privateRanges[0] is "10.0.0.1/8"; host bits are set; the range starting there is 10.0.0.0/8'],
  ])('refuses %s', (_, idps, message) => {
    expect(() => premium({ intrusionDetection: idps as never })).toThrow(message);
  });
});
