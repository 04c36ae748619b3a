import { TerraformVariable } from 'cdktf';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { AzureFirewall, AzureFirewallProps, FirewallRuleFormat } from '../../lib/azure';
import { azureStack, resource, synth, synthWith } from '../helpers';
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
      'test/fw: intrusionDetection.trafficBypass[0].protocol is "HTTP"; allowed: "ANY", "TCP", "UDP", "ICMP", "Any"'],
    ['a private range with host bits', { mode: 'Alert', privateRanges: ['10.0.0.1/8'] },
      'test/fw: intrusionDetection.privateRanges[0] is "10.0.0.1/8"; host bits are set; the range starting there is 10.0.0.0/8'],
  ])('refuses %s', (_, idps, message) => {
    expect(() => premium({ intrusionDetection: idps as never })).toThrow(message);
  });
});

describe('zone-redundant firewall by default where the region has zones', () => {
  const build = (location: string, zones?: string[]) => synthWith((stack) => {
    new AzureFirewall(stack, 'fw', {
      resourceGroup: { name: 'rg', location }, name: 'fw', subnet: vnet(stack).subnet('AzureFirewallSubnet'), diagnostics: false, zones,
    });
  });

  test('westeurope: the firewall and its public IP in zones 1, 2 and 3', () => {
    const json = build('westeurope');
    expect(resource(json, 'azurerm_firewall', 'fw').zones).toEqual(['1', '2', '3']);
    expect(resource(json, 'azurerm_public_ip', 'fw-ip').zones).toEqual(['1', '2', '3']);
  });

  test('a display name resolves too; a region without zones gets none', () => {
    expect(resource(build('East US 2'), 'azurerm_firewall', 'fw').zones).toEqual(['1', '2', '3']);
    const json = build('northcentralus');
    expect(resource(json, 'azurerm_firewall', 'fw').zones).toBeUndefined();
    expect(resource(json, 'azurerm_public_ip', 'fw-ip').zones).toBeUndefined();
  });

  test('zones: [] turns them off; explicit zones are kept', () => {
    expect(resource(build('westeurope', []), 'azurerm_firewall', 'fw').zones).toBeUndefined();
    expect(resource(build('northcentralus', ['1']), 'azurerm_public_ip', 'fw-ip').zones).toEqual(['1']);
  });

  test('a location from a ResourceGroup resource is resolved (the examples\' way)', () => {
    const json = synthWith((stack) => {
      const group = new ResourceGroup(stack, 'group', { name: 'rg', location: 'uksouth' });
      new AzureFirewall(stack, 'fw', { resourceGroup: group, name: 'fw', subnet: vnet(stack).subnet('AzureFirewallSubnet'), diagnostics: false });
    });
    expect(resource(json, 'azurerm_firewall', 'fw').zones).toEqual(['1', '2', '3']);
  });

  test('a location known only at deploy time: no zones, and a warning says so', () => {
    const stack = azureStack();
    const location = new TerraformVariable(stack, 'location', { type: 'string' }).stringValue;
    const fw = new AzureFirewall(stack, 'fw', {
      resourceGroup: { name: 'rg', location }, name: 'fw', subnet: vnet(stack).subnet('AzureFirewallSubnet'), diagnostics: false,
    });
    expect(resource(synth(stack), 'azurerm_firewall', 'fw').zones).toBeUndefined();
    expect(fw.node.metadata.map((m) => m.data)).toContain(
      'resourceGroup.location is a deploy-time reference to var.location; whether the region has availability zones (none are set by default; '
      + 'pass zones to set them) could not be checked at synth and is checked by the cloud at apply');
  });
});

describe('AzureFirewall enums from JavaScript (issue 13 item 4)', () => {
  test.each([
    ['a SKU tier in the wrong case', { skuTier: 'premium' }, 'test/fw: skuTier is "premium"; allowed: "Basic", "Standard", "Premium"; did you mean "Premium"?'],
    ['a SKU tier that is not a string', { skuTier: 3 }, 'test/fw: skuTier (a number) is 3; allowed: "Basic", "Standard", "Premium"'],
    ['a threat-intelligence mode in the wrong case', { threatIntelMode: 'deny' }, 'test/fw: threatIntelMode is "deny"; allowed: "Off", "Alert", "Deny"; did you mean "Deny"?'],
  ])('refuses %s', (_what, over, message) => {
    expect(() => premium(over as unknown as Partial<AzureFirewallProps>)).toThrow(message);
  });
});
