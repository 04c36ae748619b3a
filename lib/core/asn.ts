import { ValidationError, ErrorSite } from './errors';

/** A closed range of AS numbers with the reason it cannot be used. */
export interface ReservedAsnRange {
  readonly from: number;
  readonly to: number;
  /** Who reserves it and why, e.g. `reserved by IANA for documentation`. */
  readonly reason: string;
}

/** The largest 4-byte AS number. */
export const MAX_ASN = 4294967295;

/** AS numbers IANA sets aside, which no BGP speaker may use as its own. */
export const IANA_RESERVED_ASNS: readonly ReservedAsnRange[] = [
  { from: 0, to: 0, reason: 'reserved by IANA (RFC 7607)' },
  { from: 23456, to: 23456, reason: 'AS_TRANS, reserved by IANA (RFC 6793)' },
  { from: 64496, to: 64511, reason: 'reserved by IANA for documentation (RFC 5398)' },
  { from: 65535, to: 65535, reason: 'reserved by IANA (RFC 7300)' },
  { from: 65536, to: 65551, reason: 'reserved by IANA for documentation (RFC 5398)' },
  { from: MAX_ASN, to: MAX_ASN, reason: 'reserved by IANA (RFC 7300)' },
];

/** True for AS numbers in the private-use ranges 64512-65534 and 4200000000-4294967294. */
export function isPrivateAsn(asn: number): boolean {
  return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);
}

/**
 * Checks that `asn` is a whole number from 1 to 4294967294 outside the IANA reservations and any
 * `extra` reservations (a cloud's own ASNs); throws a {@link ValidationError} naming the range hit.
 */
export function checkAsn(site: ErrorSite, field: string, asn: number, extra: readonly ReservedAsnRange[] = []): void {
  if (!Number.isInteger(asn) || asn < 1 || asn > MAX_ASN - 1) {
    throw new ValidationError(site, field, asn, `an AS number is a whole number from 1 to ${MAX_ASN - 1}`);
  }
  for (const r of [...extra, ...IANA_RESERVED_ASNS]) {
    if (asn >= r.from && asn <= r.to) {
      const span = r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`;
      throw new ValidationError(site, field, asn, `${span} is ${r.reason}; choose another AS number`);
    }
  }
}
