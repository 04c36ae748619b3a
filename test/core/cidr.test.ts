import { Lazy } from 'cdktf';
import { Cidr, ValidationError, findOverlap, isIpAddress } from '../../lib/core';

describe('Cidr', () => {
  test('parses a range and reports its parts', () => {
    const c = Cidr.parse('10.1.0.0/24');
    expect(c.network).toBe('10.1.0.0');
    expect(c.prefix).toBe(24);
    expect(c.version).toBe(4);
    expect(c.size).toBe(256);
    expect(c.broadcast).toBe('10.1.0.255');
    expect(c.toString()).toBe('10.1.0.0/24');
    expect(JSON.stringify({ c })).toBe('{"c":"10.1.0.0/24"}');
  });

  test('reads a bare address as a single host', () => {
    expect(Cidr.parse('8.8.8.8').toString()).toBe('8.8.8.8/32');
    expect(Cidr.parse('2001:db8::1').toString()).toBe('2001:db8::1/128');
  });

  test('numbers hosts from the network address: gateway .1, first VMs .4 and .5', () => {
    const c = Cidr.parse('10.1.0.0/24');
    expect(c.host(0)).toBe('10.1.0.0');
    expect(c.host(1)).toBe('10.1.0.1');
    expect(c.host(4)).toBe('10.1.0.4');
    expect(c.host(5)).toBe('10.1.0.5');
    expect(c.host(-1)).toBe('10.1.0.255');
    expect(() => c.host(256)).toThrow(/has 256 addresses; there is no address at index 256/);
  });

  test('contains and overlaps', () => {
    const a = Cidr.parse('10.0.0.0/22');
    expect(a.contains('10.0.1.0/24')).toBe(true);
    expect(a.contains('10.0.1.4')).toBe(true);
    expect(a.contains('10.0.4.0/24')).toBe(false);
    expect(a.contains('10.0.0.0/21')).toBe(false);
    expect(a.overlaps('10.0.0.0/21')).toBe(true);
    expect(a.overlaps('10.0.4.0/22')).toBe(false);
    expect(a.overlaps('2001:db8::/32')).toBe(false);
  });

  test('carves blocks out of a range', () => {
    const c = Cidr.parse('10.0.0.0/16');
    expect(c.subnet(24, 3).toString()).toBe('10.0.3.0/24');
    expect(c.subnet(29, 1).toString()).toBe('10.0.0.8/29');
    expect(() => c.subnet(8)).toThrow(/needs a prefix from \/16 to \/32/);
    expect(() => c.subnet(24, 256)).toThrow(/holds 256 blocks of \/24; there is no block 256/);
  });

  test('handles IPv6 arithmetic', () => {
    const c = Cidr.parse('2001:db8::/64');
    expect(c.host(1)).toBe('2001:db8::1');
    expect(c.subnet(80, 2).toString()).toBe('2001:db8:0:0:2::/80');
  });

  test.each([
    ['10.1.0.5/24', /host bits are set; the range starting there is 10.1.0.0\/24/],
    ['10.1/16', /expected a CIDR such as 10.0.0.0\/16/],
    ['010.0.0.0/8', /expected a CIDR/],
    ['10.0.0.0/33', /the prefix length of an IPv4 range is 0 to 32/],
    ['10.0.0.0/24/1', /expected a CIDR/],
    ['not-a-cidr', /expected a CIDR/],
  ])('rejects %s', (text, message) => {
    expect(() => Cidr.parse(text, { site: 'app/vnet', field: 'addressSpace[0]' })).toThrow(message);
  });

  test('refuses what is not a literal CIDR string: other types, and references known only at deploy', () => {
    expect(() => Cidr.parse(42 as unknown as string, { site: 'app/vnet', field: 'addressSpace[0]' })).toThrow(
      'app/vnet: addressSpace[0] is 42; expected a CIDR string such as 10.0.0.0/16');
    const reference = Lazy.stringValue({ produce: () => '10.0.0.0/16' });
    expect(() => Cidr.parse(reference, { site: 'app/vnet', field: 'addressSpace[0]' })).toThrow(
      /^app\/vnet: addressSpace\[0\] is a value resolved at deploy time; a CIDR must be a literal here, not a reference resolved at deploy time$/);
  });

  test('parse errors name the site and field', () => {
    let error: unknown;
    try {
      Cidr.parse('10.1.0.5/24', { site: 'app/vnet', field: 'addressSpace[0]' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      'app/vnet: addressSpace[0] is "10.1.0.5/24"; host bits are set; the range starting there is 10.1.0.0/24');
    expect((error as ValidationError).field).toBe('addressSpace[0]');
  });

  test('coverAll: whether ranges together hold every address of a version', () => {
    const c = (...xs: string[]) => xs.map((x) => Cidr.parse(x));
    expect(Cidr.coverAll(c('0.0.0.0/0'))).toBe(true);
    expect(Cidr.coverAll(c('128.0.0.0/1', '0.0.0.0/1'))).toBe(true);
    expect(Cidr.coverAll(c('0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2', '10.0.0.0/8'))).toBe(true);
    expect(Cidr.coverAll(c('0.0.0.0/1', '192.0.0.0/2'))).toBe(false);
    expect(Cidr.coverAll(c('::/0'))).toBe(false);
    expect(Cidr.coverAll(c('::/1', '8000::/1'), 6)).toBe(true);
    expect(Cidr.coverAll([])).toBe(false);
  });

  test('isValid and isIpAddress', () => {
    expect(Cidr.isValid('10.0.0.0/8')).toBe(true);
    expect(Cidr.isValid('10.0.0.1/8')).toBe(false);
    expect(isIpAddress('10.0.0.1')).toBe(true);
    expect(isIpAddress('10.0.0.1/32')).toBe(false);
    expect(isIpAddress('AzureCloud')).toBe(false);
  });

  test('findOverlap finds nested and partial overlaps, or none', () => {
    const ranges = (...xs: string[]) => xs.map((x) => ({ cidr: Cidr.parse(x), label: x }));
    expect(findOverlap(ranges('10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/23'))).toBeUndefined();
    expect(findOverlap(ranges('10.0.2.0/24', '10.0.0.0/22', '10.9.0.0/16'))?.map((r) => r.label)).toEqual(['10.0.0.0/22', '10.0.2.0/24']);
    expect(findOverlap(ranges('10.99.0.0/29', '10.99.0.8/29', '10.99.0.4/30'))?.map((r) => r.label)).toEqual(['10.99.0.0/29', '10.99.0.4/30']);
  });
});

describe('Cidr notation of IPv4 addresses', () => {
  test('is dotted decimal at both ends of the address space and across the sign bit', () => {
    const all = Cidr.parse('0.0.0.0/0');
    expect([all.network, all.broadcast, all.host(1), all.host(-2)]).toEqual(['0.0.0.0', '255.255.255.255', '0.0.0.1', '255.255.255.254']);
    const upper = Cidr.parse('128.0.0.0/1');
    expect([upper.network, upper.host(257), upper.toString()]).toEqual(['128.0.0.0', '128.0.1.1', '128.0.0.0/1']);
    expect(Cidr.parse('10.1.0.0/16').subnet(24, 255).toString()).toBe('10.1.255.0/24');
    expect(Cidr.parse('fd00::/64').host(1)).toBe('fd00::1');
  });
});
