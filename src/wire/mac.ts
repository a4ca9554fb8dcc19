/**
 * IEEE 802 MAC addresses as plain numbers (0 to 2^48 - 1).
 *
 * A number is exact for 48 bits, compares with `===`, and is a cheap `Map` key, which matters for
 * switch tables with a million entries. Text is lower-case colon hex, e.g. `02:00:5e:10:00:01`.
 * Group (multicast) addresses have the I/G bit, the least-significant bit of the first octet, set
 * (IEEE 802-2014 §8.2); broadcast is all ones.
 */
import { HEX_BYTE } from './bytes.js';

/** A 48-bit MAC address held as a number. */
export type MacAddress = number & { readonly __brand: 'MacAddress' };

const TWO_32 = 0x1_0000_0000;

/** ff:ff:ff:ff:ff:ff */
export const MAC_BROADCAST = 0xffff_ffff_ffff as MacAddress;
/** 00:00:00:00:00:00, e.g. the unknown target hardware address of an ARP request. */
export const MAC_ZERO = 0 as MacAddress;

/** Reads a MAC from six bytes at `offset` (bounds are the caller's). */
export function readMac(b: Uint8Array, offset: number): MacAddress {
  return ((b[offset]! << 8 | b[offset + 1]!) * TWO_32 +
    (((b[offset + 2]! << 24) >>> 0) + (b[offset + 3]! << 16 | b[offset + 4]! << 8 | b[offset + 5]!))) as MacAddress;
}

/** Writes a MAC as six bytes at `offset`. */
export function writeMac(b: Uint8Array, offset: number, mac: MacAddress): void {
  const hi = Math.floor(mac / TWO_32);
  const lo = mac % TWO_32;
  b[offset] = hi >>> 8;
  b[offset + 1] = hi & 0xff;
  b[offset + 2] = lo >>> 24;
  b[offset + 3] = (lo >>> 16) & 0xff;
  b[offset + 4] = (lo >>> 8) & 0xff;
  b[offset + 5] = lo & 0xff;
}

/** Lower-case colon-separated hex. */
export function formatMac(mac: MacAddress): string {
  const hi = Math.floor(mac / TWO_32);
  const lo = mac % TWO_32;
  return HEX_BYTE[hi >>> 8]! + ':' + HEX_BYTE[hi & 0xff]! + ':' + HEX_BYTE[lo >>> 24]! + ':' +
    HEX_BYTE[(lo >>> 16) & 0xff]! + ':' + HEX_BYTE[(lo >>> 8) & 0xff]! + ':' + HEX_BYTE[lo & 0xff]!;
}

/** Formats six bytes at `offset` without building the number first. */
export function formatMacAt(b: Uint8Array, offset: number): string {
  return HEX_BYTE[b[offset]!]! + ':' + HEX_BYTE[b[offset + 1]!]! + ':' + HEX_BYTE[b[offset + 2]!]! + ':' +
    HEX_BYTE[b[offset + 3]!]! + ':' + HEX_BYTE[b[offset + 4]!]! + ':' + HEX_BYTE[b[offset + 5]!]!;
}

const MAC_TEXT = /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i;

/**
 * Parses `aa:bb:cc:dd:ee:ff` (also with `-`, upper case, or one-digit octets). Returns `undefined` for
 * anything else, so callers can report the problem in their own terms.
 */
export function parseMac(text: string): MacAddress | undefined {
  const m = MAC_TEXT.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 6; i++) v = v * 256 + parseInt(m[i]!, 16);
  return v as MacAddress;
}

/** True for any group address (I/G bit set), broadcast included. */
export function isGroupMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 1) === 1;
}

/** True for ff:ff:ff:ff:ff:ff. */
export function isBroadcastMac(mac: MacAddress): boolean {
  return mac === MAC_BROADCAST;
}

/** True for a group address that is not the broadcast address. */
export function isMulticastMac(mac: MacAddress): boolean {
  return isGroupMac(mac) && mac !== MAC_BROADCAST;
}

/** True when the U/L bit (second-least-significant bit of the first octet) marks a locally administered address. */
export function isLocalMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 2) === 2;
}

/** Checks that a number is a whole 48-bit value and brands it. */
export function macFromNumber(value: number): MacAddress | undefined {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff_ffff ? (value as MacAddress) : undefined;
}
