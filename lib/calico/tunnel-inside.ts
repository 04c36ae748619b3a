import { Construct } from 'constructs';
import { Cidr, ValidationError } from '../core';

/**
 * Checks a tunnel's inside range, shared by the node's GRE interface and its BGP peers: an IPv4 range
 * with two usable addresses (/30 or larger), of exactly `insidePrefix` when the router demands one
 * (a Transit Gateway Connect peer takes a /29).
 */
export function checkInsideRange(site: Construct, field: string, range: Cidr | string, insidePrefix?: number): Cidr {
  const inside = Cidr.of(range, { site, field });
  if (inside.version !== 4 || inside.prefix > 30 || (insidePrefix !== undefined && inside.prefix !== insidePrefix)) {
    throw new ValidationError(site, field, inside.toString(), insidePrefix !== undefined
      ? `the router takes an IPv4 /${insidePrefix} inside range`
      : 'an inside range is an IPv4 range of /30 or larger, with two usable addresses');
  }
  return inside;
}

/** True when `address` is a literal address of `inside` other than its first and last. */
export function isUsableInside(inside: Cidr, address: string): boolean {
  try {
    return inside.contains(address) && address !== inside.network && address !== inside.broadcast;
  } catch {
    return false;
  }
}

/** Letter suffixes for a node's several peers: a, b, … z, then 27, 28, … */
export function peerSuffix(i: number): string {
  return i < 26 ? String.fromCharCode(97 + i) : String(i + 1);
}
