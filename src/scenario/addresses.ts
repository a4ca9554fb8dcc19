/**
 * Addresses in scenario files: IPv4 and IPv6 addresses and prefixes, and MAC addresses, as text, with
 * their canonical forms (dotted decimal; RFC 5952 for IPv6 through `wire/`; lower-case colon hex for
 * MACs) and the integer arithmetic that address allocation needs (BigInt, the same for both families).
 *
 * Text is checked with ipaddr.js through the wire layer's parsers, which accept only what those layers
 * emit: four-part dotted decimal for IPv4 (no `10.1`, no octal), IPv6 without a zone index.
 */
import { formatIpv4, formatIpv6Bytes, formatMac, ipv6Bytes, isGroupMac, parseIpv4, parseIpv6, parseMac } from '../wire/index.js';
import type { Ipv4Address } from '../wire/index.js';

/** An address family. */
export type Family = 'ipv4' | 'ipv6';

/** A prefix (subnet) as numbers: `network` with the host bits zero. */
export interface Prefix {
  readonly family: Family;
  readonly network: bigint;
  readonly length: number;
}

/** A parsed value in canonical text, or what was expected instead (and a suggested correction). */
export type TextResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly expected: string; readonly suggestion?: string };

const BITS: Readonly<Record<Family, number>> = { ipv4: 32, ipv6: 128 };

/** The number of bits in an address of `family`. */
export function familyBits(family: Family): number {
  return BITS[family];
}

/** The family of an address given as text, or `undefined` when it is neither. */
export function addressFamily(text: string): Family | undefined {
  if (parseIpv4(text) !== undefined) return 'ipv4';
  if (parseIpv6(text) !== undefined) return 'ipv6';
  return undefined;
}

/** Canonical text of an IPv4 or IPv6 address of `family`. */
export function parseAddress(input: unknown, family: Family): TextResult {
  const expected = family === 'ipv4' ? 'an IPv4 address such as 198.18.0.1' : 'an IPv6 address such as 2001:db8::1';
  if (typeof input !== 'string') return { ok: false, expected };
  const text = input.trim();
  if (family === 'ipv4') {
    const a = parseIpv4(text);
    if (a === undefined) return { ok: false, expected };
    return { ok: true, value: formatIpv4(a) };
  }
  const a = parseIpv6(text);
  if (a === undefined) return { ok: false, expected };
  return { ok: true, value: a };
}

/** An address (canonical or not) of `family` as an integer; the text must be valid. */
export function addressToBigInt(text: string, family: Family): bigint {
  if (family === 'ipv4') {
    const a = parseIpv4(text);
    if (a === undefined) throw new RangeError(`not an IPv4 address: ${text}`);
    return BigInt(a);
  }
  const a = parseIpv6(text);
  if (a === undefined) throw new RangeError(`not an IPv6 address: ${text}`);
  let v = 0n;
  for (const byte of ipv6Bytes(a)) v = (v << 8n) | BigInt(byte);
  return v;
}

/** The canonical text of an integer address of `family`. */
export function bigIntToAddress(value: bigint, family: Family): string {
  if (family === 'ipv4') return formatIpv4(Number(value) as Ipv4Address);
  const bytes = new Uint8Array(16);
  let v = value;
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return formatIpv6Bytes(bytes);
}

/** Parses `network/length` text; host bits must be zero (the suggestion is the prefix with them cleared). */
export function parsePrefix(input: unknown, family: Family): TextResult & { readonly prefix?: Prefix } {
  const bits = BITS[family];
  const maxLength = family === 'ipv4' ? 30 : 126;
  const expected = family === 'ipv4'
    ? `an IPv4 prefix such as 198.18.0.0/16 (length 8 to ${maxLength})`
    : `an IPv6 prefix such as 2001:db8::/64 (length 8 to ${maxLength})`;
  if (typeof input !== 'string') return { ok: false, expected };
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(input.trim());
  if (m === null) return { ok: false, expected };
  const address = parseAddress(m[1], family);
  const length = Number(m[2]);
  if (!address.ok || length > bits) return { ok: false, expected };
  if (length < 8 || length > maxLength) return { ok: false, expected };
  const value = addressToBigInt(address.value, family);
  const hostBits = BigInt(bits - length);
  const network = (value >> hostBits) << hostBits;
  const text = `${bigIntToAddress(network, family)}/${length}`;
  if (network !== value) return { ok: false, expected: `${expected}, with the host bits zero`, suggestion: text };
  return { ok: true, value: text, prefix: { family, network, length } };
}

/** The prefix of canonical `network/length` text (as produced by {@link parsePrefix}). */
export function prefixOf(text: string, family: Family): Prefix {
  const r = parsePrefix(text, family);
  if (r.prefix === undefined) throw new RangeError(`not a canonical ${family} prefix: ${text}`);
  return r.prefix;
}

/** The first and last address of a prefix. */
export function prefixBounds(p: Prefix): { first: bigint; last: bigint } {
  return { first: p.network, last: p.network + (1n << BigInt(BITS[p.family] - p.length)) - 1n };
}

/**
 * The addresses hosts may use: IPv4 without the network and broadcast addresses; IPv6 without the
 * subnet-router anycast address (RFC 4291 §2.6.1, the all-zeros interface identifier).
 */
export function usableRange(p: Prefix): { first: bigint; last: bigint } {
  const { first, last } = prefixBounds(p);
  return { first: first + 1n, last: p.family === 'ipv4' ? last - 1n : last };
}

/** True when `address` (an integer) is inside `p`. */
export function prefixContains(p: Prefix, address: bigint): boolean {
  const { first, last } = prefixBounds(p);
  return address >= first && address <= last;
}

/** Canonical text of a unicast MAC address (`aa:bb:cc:dd:ee:ff`). */
export function parseUnicastMac(input: unknown): TextResult {
  const expected = 'a unicast MAC address such as 02:00:5e:00:01:01';
  if (typeof input !== 'string') return { ok: false, expected };
  const mac = parseMac(input.trim());
  if (mac === undefined) return { ok: false, expected };
  if (isGroupMac(mac)) return { ok: false, expected: `${expected} (the first octet's lowest bit set makes it a group address)` };
  return { ok: true, value: formatMac(mac) };
}
