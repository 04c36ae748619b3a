import * as ipaddr from 'ipaddr.js';
import { Token } from 'cdktf';
import { ErrorSite, ValidationError } from './errors';

/** IP version of an address or range. */
export type IpVersion = 4 | 6;

/** Where a value came from, so a parse failure can name it. */
export interface ParseContext {
  /** The construct (or path) that received the value. */
  readonly site: ErrorSite;
  /** The prop that held it. */
  readonly field: string;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // ipaddr.js also accepts "10.1" and octal forms; clouds only accept dotted quads.
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

function fromBigInt(value: bigint, version: IpVersion): string {
  if (version === 4) {
    // Dotted decimal, as ipaddr.js writes it, without building its object.
    const n = Number(value);
    return `${Math.floor(n / 0x1000000)}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
  }
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** True when `text` is a single IPv4 or IPv6 address in canonical notation. */
export function isIpAddress(text: string): boolean {
  return parseAddress(text) !== undefined;
}

// Ranges parsed so far, by text: a Cidr is immutable, and the address plan's checks compare the same
// few hundred ranges (written as strings) many times over. Only valid ranges are kept; a bounded map,
// so a long-running process cannot grow it without limit.
const PARSED_MAX = 10_000;
const parsed = new Map<string, Cidr>();
// The notation of a range, written on its first toString (messages, keys and manifests read it often).
const notations = new WeakMap<Cidr, string>();
// The keys of the ranges holding a range (Cidr.holderKeys), written on first use.
const holders = new WeakMap<Cidr, readonly string[]>();

/**
 * An IPv4 or IPv6 address range in CIDR notation, immutable.
 *
 * Parsing is strict: the address must be the network address of the range (`10.1.0.0/24`, not
 * `10.1.0.5/24`), because Azure and AWS reject ranges with host bits set.
 */
export class Cidr {
  /**
   * Parses `text` as a CIDR. A bare address is read as a single-host range (`/32` or `/128`).
   * With a context, errors are {@link ValidationError}s naming it.
   */
  public static parse(text: string, context?: ParseContext): Cidr {
    const site = context?.site ?? '(cidr)';
    const field = context?.field ?? 'cidr';
    if (typeof text !== 'string') {
      throw new ValidationError(site, field, text, 'expected a CIDR string such as 10.0.0.0/16');
    }
    if (Token.isUnresolved(text)) {
      throw new ValidationError(site, field, text,
        'a CIDR must be a literal here, not a reference resolved at deploy time');
    }
    const known = parsed.get(text);
    if (known !== undefined) return known;
    const [addrText, prefixText, extra] = text.split('/');
    const addr = parseAddress(addrText);
    if (addr === undefined || extra !== undefined || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) {
      throw new ValidationError(site, field, text, 'expected a CIDR such as 10.0.0.0/16');
    }
    const version: IpVersion = addr.kind() === 'ipv4' ? 4 : 6;
    const bits = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    if (prefix > bits) {
      throw new ValidationError(site, field, text, `the prefix length of an IPv${version} range is 0 to ${bits}`);
    }
    const value = toBigInt(addr);
    const cidr = new Cidr(value, prefix, version);
    if (cidr.first !== value) {
      throw new ValidationError(site, field, text,
        `host bits are set; the range starting there is ${cidr.toString()}`);
    }
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(text, cidr);
    return cidr;
  }

  /**
   * True when the union of `ranges` covers every address of IP version `version`, e.g.
   * `0.0.0.0/1` with `128.0.0.0/1`.
   */
  public static coverAll(ranges: readonly Cidr[], version: IpVersion = 4): boolean {
    const bits = BigInt(version === 4 ? 32 : 128);
    const sorted = ranges.filter((r) => r.version === version).sort((a, b) => a.compare(b));
    let next = 0n;
    for (const r of sorted) {
      if (r.first > next) return false;
      if (r.last + 1n > next) next = r.last + 1n;
    }
    return next === 1n << bits;
  }

  /** True when `text` parses as a CIDR with no host bits set. */
  public static isValid(text: string): boolean {
    try {
      Cidr.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Accepts either form and returns a Cidr. */
  public static of(value: Cidr | string, context?: ParseContext): Cidr {
    return value instanceof Cidr ? value : Cidr.parse(value, context);
  }

  /** The prefix length, e.g. 24 for `10.1.0.0/24`. */
  public readonly prefix: number;
  /** 4 or 6. */
  public readonly version: IpVersion;
  private readonly first: bigint;
  // Kept, not computed on each read: address plan checks compare every range with every other.
  private readonly last: bigint;

  private constructor(address: bigint, prefix: number, version: IpVersion) {
    const bits = BigInt(version === 4 ? 32 : 128);
    const hostBits = bits - BigInt(prefix);
    this.first = (address >> hostBits) << hostBits;
    this.last = this.first + (1n << hostBits) - 1n;
    this.prefix = prefix;
    this.version = version;
  }

  private get bits(): number {
    return this.version === 4 ? 32 : 128;
  }

  private get sizeBig(): bigint {
    return 1n << BigInt(this.bits - this.prefix);
  }

  /** The network address, e.g. `10.1.0.0`. */
  public get network(): string {
    return fromBigInt(this.first, this.version);
  }

  /** The last address of the range, e.g. `10.1.0.255`. */
  public get broadcast(): string {
    return fromBigInt(this.last, this.version);
  }

  /** Number of addresses in the range (for IPv6, rounded to the nearest double). */
  public get size(): number {
    return Number(this.sizeBig);
  }

  /** True when `other` (a range or a single address) lies entirely inside this range. */
  public contains(other: Cidr | string): boolean {
    const o = typeof other === 'string' ? Cidr.parse(other) : other;
    return o.version === this.version && o.first >= this.first && o.last <= this.last;
  }

  /** True when the two ranges share at least one address. */
  public overlaps(other: Cidr | string): boolean {
    const o = typeof other === 'string' ? Cidr.parse(other) : other;
    return o.version === this.version && o.first <= this.last && this.first <= o.last;
  }

  /**
   * The address `n` places after the network address: `host(0)` is the network address, `host(1)`
   * the first host (an Azure subnet's gateway), and in an Azure subnet `host(4)` and `host(5)` are
   * the first two addresses given to VMs. Negative `n` counts back from the last address.
   */
  public host(n: number): string {
    if (!Number.isInteger(n)) throw new RangeError(`host index must be an integer, got ${n}`);
    const offset = n < 0 ? this.sizeBig + BigInt(n) : BigInt(n);
    if (offset < 0n || offset >= this.sizeBig) {
      throw new RangeError(`${this.toString()} has ${this.sizeBig} addresses; there is no address at index ${n}`);
    }
    return fromBigInt(this.first + offset, this.version);
  }

  /**
   * The `index`-th block of prefix length `prefix` inside this range, e.g.
   * `Cidr.parse('10.0.0.0/16').subnet(24, 3)` is `10.0.3.0/24`.
   */
  public subnet(prefix: number, index = 0): Cidr {
    if (!Number.isInteger(prefix) || prefix < this.prefix || prefix > this.bits) {
      throw new RangeError(`a block inside ${this.toString()} needs a prefix from /${this.prefix} to /${this.bits}, got /${prefix}`);
    }
    const count = 1n << BigInt(prefix - this.prefix);
    const i = BigInt(index);
    if (!Number.isInteger(index) || i < 0n || i >= count) {
      throw new RangeError(`${this.toString()} holds ${count} blocks of /${prefix}; there is no block ${index}`);
    }
    const start = this.first + i * (1n << BigInt(this.bits - prefix));
    return new Cidr(start, prefix, this.version);
  }

  /**
   * The range of prefix length `prefix` (at most this one's) that holds this range, e.g.
   * `Cidr.parse('10.1.2.0/24').supernet(16)` is `10.1.0.0/16`.
   */
  public supernet(prefix: number): Cidr {
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > this.prefix) {
      throw new RangeError(`a range holding ${this.toString()} has a prefix from /0 to /${this.prefix}, got /${prefix}`);
    }
    return prefix === this.prefix ? this : new Cidr(this.first, prefix, this.version);
  }

  /**
   * A short text that is the same for two Cidrs exactly when they denote the same range, cheaper
   * than `toString()` (for maps keyed by range).
   */
  public get key(): string {
    return `${this.version}:${this.first.toString(16)}/${this.prefix}`;
  }

  /**
   * The {@link key}s of the ranges that hold this one, by prefix length: `holderKeys[p]` is the key of
   * `supernet(p)`, from 0 to this range's prefix (its own key last). Written once per range, without
   * making the ranges (for indexes of ranges, see RangeIndex).
   */
  public get holderKeys(): readonly string[] {
    let keys = holders.get(this);
    if (keys === undefined) {
      const bits = BigInt(this.bits);
      const written: string[] = [];
      for (let p = 0; p <= this.prefix; p++) {
        const hostBits = bits - BigInt(p);
        written.push(`${this.version}:${((this.first >> hostBits) << hostBits).toString(16)}/${p}`);
      }
      holders.set(this, keys = written);
    }
    return keys;
  }

  /** True when both denote the same range. */
  public equals(other: Cidr | string): boolean {
    const o = typeof other === 'string' ? Cidr.parse(other) : other;
    return o.version === this.version && o.prefix === this.prefix && o.first === this.first;
  }

  /** Orders ranges by first address, then by size (larger first). */
  public compare(other: Cidr): number {
    if (this.version !== other.version) return this.version - other.version;
    if (this.first !== other.first) return this.first < other.first ? -1 : 1;
    return this.prefix - other.prefix;
  }

  /** CIDR notation, e.g. `10.1.0.0/24`. */
  public toString(): string {
    let text = notations.get(this);
    if (text === undefined) notations.set(this, text = `${this.network}/${this.prefix}`);
    return text;
  }

  /** Serialises as CIDR notation, so a Cidr can stand wherever a string goes into JSON. */
  public toJSON(): string {
    return this.toString();
  }
}

/**
 * Finds the first pair of overlapping ranges in `ranges`, or undefined. Entries carry whatever
 * label the caller needs for its error message.
 */
export function findOverlap<T extends { readonly cidr: Cidr }>(ranges: readonly T[]): [T, T] | undefined {
  // Two CIDR ranges are either nested or disjoint; sorted by start (larger first on a tie), a range
  // that overlaps any earlier one overlaps its immediate predecessor as long as no pair before it did.
  const sorted = [...ranges].sort((a, b) => a.cidr.compare(b.cidr));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1].cidr.overlaps(sorted[i].cidr)) return [sorted[i - 1], sorted[i]];
  }
  return undefined;
}
