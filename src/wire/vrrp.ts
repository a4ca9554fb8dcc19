/**
 * VRRP version 3 advertisements (RFC 5798 §5): what the master of a virtual router multicasts every
 * Advertisement_Interval, over IPv4 (protocol 112, to 224.0.0.18, TTL 255) or IPv6 (next header 112,
 * to ff02::12, hop limit 255), from the virtual router MAC 00-00-5E-00-01-{VRID} (IPv6: -02-).
 *
 * Layout (§5.2): version (4 bits) and type (4 bits), VRID, priority, count of addresses, 4 reserved
 * bits and Max Advertise Interval (12 bits, centiseconds), checksum, then the addresses. The checksum
 * covers the message and the pseudo-header of the IP version with protocol 112 (§5.2.8; over IPv4 the
 * RFC 768 pseudo-header, as Wireshark checks it). The address family comes from the pseudo-header.
 */
import { finishChecksum, readU16, sumWords, writeU16 } from './bytes.js';
import type { Codec, ParseOptions } from './codec.js';
import { WireError, need } from './errors.js';
import type { Ipv4Packet } from './ipv4.js';
import type { Ipv4Address } from './ipv4-address.js';
import { readIpv4, writeIpv4 } from './ipv4-address.js';
import type { Ipv6Packet } from './ipv6.js';
import type { Ipv6Address } from './ipv6-address.js';
import { readIpv6, writeIpv6 } from './ipv6-address.js';
import type { MacAddress } from './mac.js';
import type { PseudoHeader } from './pseudo-header.js';
import { pseudoHeaderSum } from './pseudo-header.js';

const LAYER = 'vrrp';

/** The IP protocol (and IPv6 next header) number of VRRP. */
export const IP_PROTOCOL_VRRP = 112;
/** 224.0.0.18, the IPv4 VRRP multicast group. */
export const VRRP_IPV4_GROUP = 0xe000_0012 as Ipv4Address;
/** ff02::12, the IPv6 VRRP multicast group. */
export const VRRP_IPV6_GROUP = 'ff02::12' as Ipv6Address;
/** The only message type: ADVERTISEMENT. */
export const VRRP_ADVERTISEMENT = 1;

/** A VRRPv3 advertisement; `addresses` are IPv4 or IPv6 as the packet carrying it. */
export interface VrrpAdvertisement {
  readonly kind: 'vrrp';
  readonly vrid: number;
  /** 255 for the address owner, 1-254 for backups, 0 when the master gives up (§5.2.4). */
  readonly priority: number;
  /** Max Advertise Interval in centiseconds (12 bits; default 100 = 1 s). */
  readonly maxAdvertInterval: number;
  readonly addresses: readonly (Ipv4Address | Ipv6Address)[];
  /** The 4 reserved bits, present only when not zero (a received advertisement, re-emitted as it was). */
  readonly reserved?: number;
  /** Present only when the checksum must be written verbatim. */
  readonly checksum?: number;
}

/** The virtual router MAC of `vrid` (§7.3): 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6. */
export function vrrpMac(vrid: number, family: 'ipv4' | 'ipv6' = 'ipv4'): MacAddress {
  return (0x0000_5e00_0000 + (family === 'ipv4' ? 0x100 : 0x200) + vrid) as MacAddress;
}

function addressSize(pseudo: PseudoHeader): number {
  return pseudo.kind === 'ipv4' ? 4 : 16;
}

/** Length of the encoded advertisement (IPv4 addresses are numbers, IPv6 ones text). */
export function vrrpLength(ad: VrrpAdvertisement): number {
  let length = 8;
  for (const a of ad.addresses) length += typeof a === 'number' ? 4 : 16;
  return length;
}

function checksumOf(bytes: Uint8Array, start: number, end: number, pseudo: PseudoHeader): number {
  const sum = sumWords(bytes, start, start + 6, sumWords(bytes, start + 8, end, pseudoHeaderSum(pseudo, IP_PROTOCOL_VRRP, end - start)));
  return finishChecksum(sum);
}

/** Writes `ad` at `offset` (checksum computed unless given); returns the end offset. Addresses must be of the pseudo-header's family. */
export function emitVrrp(ad: VrrpAdvertisement, pseudo: PseudoHeader, out: Uint8Array, offset: number): number {
  const check = (field: string, value: number, max: number): void => {
    if (!Number.isInteger(value) || value < 0 || value > max) throw new WireError('bad-value', LAYER, field, offset, `0-${max}`, value);
  };
  check('vrid', ad.vrid, 255);
  check('priority', ad.priority, 255);
  check('maxAdvertInterval', ad.maxAdvertInterval, 0xfff);
  check('reserved', ad.reserved ?? 0, 15);
  check('count', ad.addresses.length, 255);
  const size = addressSize(pseudo);
  out[offset] = (3 << 4) | VRRP_ADVERTISEMENT;
  out[offset + 1] = ad.vrid;
  out[offset + 2] = ad.priority;
  out[offset + 3] = ad.addresses.length;
  writeU16(out, offset + 4, ((ad.reserved ?? 0) << 12) | ad.maxAdvertInterval);
  writeU16(out, offset + 6, 0);
  let o = offset + 8;
  for (const a of ad.addresses) {
    if ((typeof a === 'number') !== (pseudo.kind === 'ipv4')) {
      throw new WireError('bad-value', LAYER, 'addresses', o, `${pseudo.kind} addresses`, String(a));
    }
    if (pseudo.kind === 'ipv4') writeIpv4(out, o, a as Ipv4Address);
    else writeIpv6(out, o, a as Ipv6Address);
    o += size;
  }
  writeU16(out, offset + 6, ad.checksum ?? checksumOf(out, offset, o, pseudo));
  return o;
}

/** Parses an advertisement that fills `bytes[start, end)` exactly (the IP layer sets `end`). */
export function parseVrrp(bytes: Uint8Array, start: number, end: number, pseudo: PseudoHeader, options: ParseOptions = {}): VrrpAdvertisement {
  need(LAYER, 'header', start, 8, end);
  const version = bytes[start]! >> 4;
  if (version !== 3) throw new WireError('unsupported', LAYER, 'version', start, 3, version);
  const type = bytes[start]! & 0x0f;
  if (type !== VRRP_ADVERTISEMENT) throw new WireError('bad-value', LAYER, 'type', start, VRRP_ADVERTISEMENT, type);
  const count = bytes[start + 3]!;
  const size = addressSize(pseudo);
  if (end - start !== 8 + count * size) throw new WireError('bad-length', LAYER, 'count', start + 3, 8 + count * size, end - start);
  const word = readU16(bytes, start + 4);
  const reserved = word >> 12; // sent as zero, ignored on reception (§5.2.6), kept for the re-emit
  const field = readU16(bytes, start + 6);
  const expected = checksumOf(bytes, start, end, pseudo);
  let checksum: number | undefined;
  if (field !== expected) {
    if ((options.checksums ?? 'verify') === 'verify') throw new WireError('bad-checksum', LAYER, 'checksum', start + 6, expected, field);
    checksum = field;
  }
  const addresses: (Ipv4Address | Ipv6Address)[] = [];
  for (let o = start + 8; o < end; o += size) addresses.push(pseudo.kind === 'ipv4' ? readIpv4(bytes, o) : readIpv6(bytes, o));
  return {
    kind: 'vrrp',
    vrid: bytes[start + 1]!,
    priority: bytes[start + 2]!,
    maxAdvertInterval: word & 0xfff,
    addresses,
    ...(reserved === 0 ? {} : { reserved }),
    ...(checksum === undefined ? {} : { checksum }),
  };
}

/**
 * The advertisement an IP packet carries (protocol / next header 112; the IP codecs keep it as raw
 * bytes), or undefined for another packet. Throws `WireError` for a malformed advertisement.
 */
export function vrrpInPacket(packet: Ipv4Packet | Ipv6Packet, options: ParseOptions = {}): VrrpAdvertisement | undefined {
  const protocol = packet.kind === 'ipv4' ? packet.protocol : packet.nextHeader;
  if (protocol !== IP_PROTOCOL_VRRP || packet.payload.kind !== 'raw') return undefined;
  const pseudo: PseudoHeader = packet.kind === 'ipv4'
    ? { kind: 'ipv4', source: packet.source, destination: packet.destination }
    : { kind: 'ipv6', source: packet.source, destination: packet.destination };
  const bytes = packet.payload.bytes;
  return parseVrrp(bytes, 0, bytes.length, pseudo, options);
}

/** The advertisement as the bytes of an IP payload (for a packet with protocol 112). */
export function vrrpBytes(ad: VrrpAdvertisement, pseudo: PseudoHeader): Uint8Array {
  const out = new Uint8Array(vrrpLength(ad));
  emitVrrp(ad, pseudo, out, 0);
  return out;
}

/** The VRRP codec; the context is the pseudo-header of the IP packet that carries it. */
export const vrrpCodec: Codec<VrrpAdvertisement, PseudoHeader> = {
  layer: LAYER,
  encodedLength: vrrpLength,
  emit: (repr, out, offset, pseudo) => emitVrrp(repr, pseudo, out, offset) - offset,
  parse: parseVrrp,
};
