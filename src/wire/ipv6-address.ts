/**
 * IPv6 addresses as their canonical text (RFC 5952), so they compare with `===` and key a `Map`.
 *
 * Formatting from bytes is ours (RFC 5952 §4: lower case, no leading zeros, the longest run of two or
 * more zero groups shortened to `::`, the first such run on a tie; §5: IPv4-mapped addresses end in
 * dotted decimal). Parsing text is delegated to ipaddr.js. Multicast helpers follow RFC 4291 §2.7.1
 * (solicited-node) and RFC 2464 §7 (33:33 Ethernet mapping).
 */
import ipaddr from 'ipaddr.js';
import type { MacAddress } from './mac.js';

/** An IPv6 address in RFC 5952 canonical text. */
export type Ipv6Address = string & { readonly __brand: 'Ipv6Address' };

/** `::`, the unspecified address (source of a DAD Neighbor Solicitation). */
export const IPV6_UNSPECIFIED = '::' as Ipv6Address;
/** ff02::1, link-local all-nodes. */
export const IPV6_ALL_NODES = 'ff02::1' as Ipv6Address;
/** ff02::2, link-local all-routers. */
export const IPV6_ALL_ROUTERS = 'ff02::2' as Ipv6Address;

const HEX16: string[] = [];
function hex16(v: number): string {
  return HEX16[v] ??= v.toString(16);
}

/** Formats the 16 bytes at `offset` as canonical text. */
export function readIpv6(b: Uint8Array, offset: number): Ipv6Address {
  const g = new Array<number>(8);
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const v = (b[offset + 2 * i]! << 8) | b[offset + 2 * i + 1]!;
    g[i] = v;
    if (v === 0) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  // RFC 5952 §5: ::ffff:a.b.c.d for IPv4-mapped addresses.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${b[offset + 12]}.${b[offset + 13]}.${b[offset + 14]}.${b[offset + 15]}` as Ipv6Address;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += hex16(g[i]!);
    if (i < 7) s += ':';
  }
  return s as Ipv6Address;
}

const bytesCache = new Map<string, Uint8Array>();

/** The 16 bytes of an address (a shared, read-only array; do not modify). */
export function ipv6Bytes(a: Ipv6Address): Uint8Array {
  let bytes = bytesCache.get(a);
  if (bytes === undefined) {
    bytes = Uint8Array.from(ipaddr.IPv6.parse(a).toByteArray());
    if (bytesCache.size > 100_000) bytesCache.clear();
    bytesCache.set(a, bytes);
  }
  return bytes;
}

/** Writes the 16 bytes of `a` at `offset`. */
export function writeIpv6(b: Uint8Array, offset: number, a: Ipv6Address): void {
  b.set(ipv6Bytes(a), offset);
}

/** Parses any valid IPv6 text (without zone or prefix) into canonical form; `undefined` if invalid. */
export function parseIpv6(text: string): Ipv6Address | undefined {
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  const bytes = Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
  return readIpv6(bytes, 0);
}

/** Formats an address given as 16 bytes. */
export function formatIpv6Bytes(bytes: Uint8Array): Ipv6Address {
  return readIpv6(bytes, 0);
}

/** True for ff00::/8. */
export function isMulticastIpv6(a: Ipv6Address): boolean {
  return ipv6Bytes(a)[0] === 0xff;
}

/** True for fe80::/10. */
export function isLinkLocalIpv6(a: Ipv6Address): boolean {
  const b = ipv6Bytes(a);
  return b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}

/** The solicited-node multicast group of an address: ff02::1:ff00:0/104 plus its low 24 bits (RFC 4291 §2.7.1). */
export function solicitedNodeAddress(a: Ipv6Address): Ipv6Address {
  const src = ipv6Bytes(a);
  const g = new Uint8Array(16);
  g[0] = 0xff;
  g[1] = 0x02;
  g[11] = 0x01;
  g[12] = 0xff;
  g[13] = src[13]!;
  g[14] = src[14]!;
  g[15] = src[15]!;
  return readIpv6(g, 0);
}

/** True when `a` is a solicited-node multicast address. */
export function isSolicitedNodeAddress(a: Ipv6Address): boolean {
  const b = ipv6Bytes(a);
  if (b[0] !== 0xff || b[1] !== 0x02 || b[11] !== 0x01 || b[12] !== 0xff) return false;
  for (let i = 2; i < 11; i++) if (b[i] !== 0) return false;
  return true;
}

/** The Ethernet destination for an IPv6 multicast group: 33:33 and the group's last 32 bits (RFC 2464 §7). */
export function ipv6MulticastMac(group: Ipv6Address): MacAddress {
  const b = ipv6Bytes(group);
  return (0x3333 * 0x1_0000_0000 + (((b[12]! << 24) >>> 0) + (b[13]! << 16 | b[14]! << 8 | b[15]!))) as MacAddress;
}
