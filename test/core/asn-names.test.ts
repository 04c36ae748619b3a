import { checkAsn, isPrivateAsn, isDns1123Label, isDns1123Subdomain, checkDns1123Label, ValidationError, formatValue } from '../../lib/core';

describe('AS numbers', () => {
  test.each([
    [0, /an AS number is a whole number from 1 to 4294967294/],
    [1.5, /whole number/],
    [4294967295, /whole number from 1 to 4294967294/],
    [23456, /23456 is AS_TRANS, reserved by IANA/],
    [64500, /64496-64511 is reserved by IANA for documentation/],
    [65535, /65535 is reserved by IANA/],
    [65540, /65536-65551 is reserved by IANA for documentation/],
  ])('rejects %s', (asn, message) => {
    expect(() => checkAsn('app/bgp', 'asNumber', asn)).toThrow(message);
  });

  test('accepts public and private numbers', () => {
    expect(() => checkAsn('app/bgp', 'asNumber', 63400)).not.toThrow();
    expect(() => checkAsn('app/bgp', 'asNumber', 64512)).not.toThrow();
    expect(() => checkAsn('app/bgp', 'asNumber', 4200000000)).not.toThrow();
  });

  test('applies extra reservations with their reason', () => {
    expect(() => checkAsn('app/rs', 'peers[0].peerAsn', 65515, [{ from: 65515, to: 65515, reason: "Azure Route Server's own AS number" }]))
      .toThrow("app/rs: peers[0].peerAsn is 65515; 65515 is Azure Route Server's own AS number; choose another AS number");
  });

  test('isPrivateAsn', () => {
    expect(isPrivateAsn(64512)).toBe(true);
    expect(isPrivateAsn(65534)).toBe(true);
    expect(isPrivateAsn(63400)).toBe(false);
    expect(isPrivateAsn(4294967294)).toBe(true);
  });
});

describe('Kubernetes names', () => {
  test('labels', () => {
    expect(isDns1123Label('tenant0-egw')).toBe(true);
    expect(isDns1123Label('Tenant0')).toBe(false);
    expect(isDns1123Label('-x')).toBe(false);
    expect(isDns1123Label('a'.repeat(64))).toBe(false);
    expect(isDns1123Subdomain('export-egress-ips.v1')).toBe(true);
    expect(isDns1123Subdomain('a_b')).toBe(false);
  });

  test('checkDns1123Label names the field', () => {
    expect(() => checkDns1123Label('app/tenant', 'namespace', 'Tenant_0')).toThrow(
      "app/tenant: namespace is \"Tenant_0\"; a Kubernetes name is 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit");
  });
});

describe('ValidationError', () => {
  test('keeps its parts and formats values', () => {
    const e = new ValidationError('app/x', 'ports', [1, 2], 'allowed');
    expect(e.name).toBe('ValidationError');
    expect(e.message).toBe('app/x: ports is [1,2]; allowed');
    expect(formatValue(undefined)).toBe('missing');
    expect(formatValue('')).toBe('""');
  });
});
