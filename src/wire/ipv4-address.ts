/**
 * IPv4 addresses as unsigned 32-bit numbers. Text is dotted decimal; text parsing is delegated to
 * ipaddr.js and restricted to the four-part decimal form (no `0x7f.1` surprises).
 */
import ipaddr from 'ipaddr.js';
import type { MacAddress } from './mac.js';

/** An IPv4 address held as an unsigned 32-bit number. */
export type Ipv4Address = number & { readonly __brand: 'Ipv4Address' };

/** 0.0.0.0: the unspecified address, e.g. the sender of an RFC 5227 ARP probe. */
export const IPV4_UNSPECIFIED = 0 as Ipv4Address;
/** 255.255.255.255: limited broadcast. */
export const IPV4_BROADCAST = 0xffff_ffff as Ipv4Address;

/** Reads four bytes at `offset`. */
export function readIpv4(b: Uint8Array, offset: number): Ipv4Address {
  return (((b[offset]! << 24) >>> 0) + (b[offset + 1]! << 16 | b[offset + 2]! << 8 | b[offset + 3]!)) as Ipv4Address;
}

/** Writes four bytes at `offset`. */
export function writeIpv4(b: Uint8Array, offset: number, a: Ipv4Address): void {
  b[offset] = a >>> 24;
  b[offset + 1] = (a >>> 16) & 0xff;
  b[offset + 2] = (a >>> 8) & 0xff;
  b[offset + 3] = a & 0xff;
}

/** Dotted-decimal text. */
export function formatIpv4(a: Ipv4Address): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** Parses dotted-decimal text; `undefined` when it is not exactly four decimal parts in range. */
export function parseIpv4(text: string): Ipv4Address | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  const [a, b, c, d] = ipaddr.IPv4.parse(text).octets as [number, number, number, number];
  return (((a << 24) >>> 0) + (b << 16 | c << 8 | d)) as Ipv4Address;
}

/** True for 224.0.0.0/4. */
export function isMulticastIpv4(a: Ipv4Address): boolean {
  return a >>> 28 === 0xe;
}

/** The Ethernet address of an IPv4 multicast group: 01:00:5e and its low 23 bits (RFC 1112 §6.4). */
export function ipv4MulticastMac(group: Ipv4Address): MacAddress {
  return (0x0100_5e00_0000 + (group & 0x7f_ffff)) as MacAddress;
}

/** The network mask of a prefix length 0-32, as a number. */
export function ipv4Mask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffff_ffff << (32 - prefixLength)) >>> 0;
}

/** True when `a` lies inside `network/prefixLength`. */
export function ipv4InSubnet(a: Ipv4Address, network: Ipv4Address, prefixLength: number): boolean {
  const mask = ipv4Mask(prefixLength);
  return ((a & mask) >>> 0) === ((network & mask) >>> 0);
}

/** Checks that a number is a whole 32-bit value and brands it. */
export function ipv4FromNumber(value: number): Ipv4Address | undefined {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff ? (value as Ipv4Address) : undefined;
}
