/**
 * Linux "cooked" capture headers, what libpcap writes when it cannot give a link-layer header of one
 * kind for every interface, e.g. `tcpdump -i any`:
 *
 * - LINKTYPE_LINUX_SLL (113), 16 bytes: packet type (2), ARPHRD_ type (2), link-layer address length
 *   (2), link-layer address (8, the first 8 bytes of the sender's address, padded), protocol type (2).
 * - LINKTYPE_LINUX_SLL2 (276), 20 bytes: protocol type (2), reserved (2, zero), interface index (4),
 *   ARPHRD_ type (2), packet type (1), link-layer address length (1), link-layer address (8).
 *
 * Layouts: tcpdump.org "Link-layer header types", LINKTYPE_LINUX_SLL and LINKTYPE_LINUX_SLL2. Packet
 * types are Linux's PACKET_HOST … PACKET_OUTGOING (include/uapi/linux/if_packet.h); ARPHRD_ values come
 * from include/uapi/linux/if_arp.h. The protocol type is an EtherType, except the small values of
 * include/uapi/linux/if_ether.h (ETH_P_802_2 = 4: an 802.2 LLC header follows, with no length field)
 * and, for ARPHRD_NETLINK and ARPHRD_IPGRE, a Netlink or GRE protocol (kept raw here). libpcap
 * re-inserts a VLAN tag the kernel took off (pcap-linux.c, `vlan_offset` = the protocol field of SLL):
 * the protocol type is then a TPID followed by the tag's TCI and the inner type, which is how both
 * versions are read (the 802.1Q chain of ethernet.ts, starting at the protocol field).
 *
 * There is no destination address and no Ethernet padding rule: whatever follows the payload is kept
 * as `trailer`, so a parsed record re-emits byte for byte.
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import type { Codec, ParseOptions } from './codec.js';
import { WireError, need } from './errors.js';
import type { EthernetPayload, VlanTag } from './ethernet.js';
import {
  checkEtherType,
  emitEthernetPayload,
  emitVlanTags,
  ethernetPayloadLength,
  parseEtherTypePayload,
  parseVlanTags,
} from './ethernet.js';
import { emitLlc, llcLength, parseLlc } from './llc.js';
import type { MacAddress } from './mac.js';
import { readMac } from './mac.js';

/** LINKTYPE_LINUX_SLL: Linux cooked capture, version 1. */
export const LINKTYPE_LINUX_SLL = 113;
/** LINKTYPE_LINUX_SLL2: Linux cooked capture, version 2 (with the interface index). */
export const LINKTYPE_LINUX_SLL2 = 276;
/** Header lengths. */
export const SLL_HEADER_LENGTH = 16;
export const SLL2_HEADER_LENGTH = 20;

/** Packet types (PACKET_* of include/uapi/linux/if_packet.h). */
export const SLL_PACKET_HOST = 0;
export const SLL_PACKET_BROADCAST = 1;
export const SLL_PACKET_MULTICAST = 2;
export const SLL_PACKET_OTHERHOST = 3;
export const SLL_PACKET_OUTGOING = 4;

/** ARPHRD_ types this module treats specially (include/uapi/linux/if_arp.h). */
export const ARPHRD_ETHER = 1;
export const ARPHRD_LOOPBACK = 772;
const ARPHRD_IPGRE = 778;
const ARPHRD_NETLINK = 824;
/** ETH_P_802_2 (include/uapi/linux/if_ether.h): an 802.2 LLC header follows. */
export const SLL_PROTOCOL_LLC = 0x0004;

/** The fields the two versions share. */
interface CookedCommon {
  /** SLL_PACKET_*: to us, broadcast, multicast, to someone else, or sent by us. */
  readonly packetType: number;
  /** ARPHRD_ type of the interface (1 = Ethernet, 772 = loopback, …). */
  readonly hardwareType: number;
  /** The length of the sender's link-layer address (the field below holds at most 8 bytes of it). */
  readonly linkLayerAddressLength: number;
  /** The 8-byte address field as captured: the address, then padding. */
  readonly linkLayerAddress: Uint8Array;
  /** Tags libpcap re-inserted (or the frame carried), outermost first. */
  readonly vlanTags: readonly VlanTag[];
  /** The protocol after the tags: an EtherType, or one of the small ETH_P_ values. */
  readonly protocolType: number;
  readonly payload: EthernetPayload;
  /** Exactly the bytes after the payload (padding of a short received frame, for instance). */
  readonly trailer: Uint8Array;
}

/** A LINKTYPE_LINUX_SLL record. */
export interface SllFrame extends CookedCommon {
  readonly kind: 'sll';
}

/** A LINKTYPE_LINUX_SLL2 record. */
export interface Sll2Frame extends CookedCommon {
  readonly kind: 'sll2';
  /** The reserved field (zero by the format's rule; kept so that a record re-emits as read). */
  readonly reserved: number;
  /** The kernel's interface index (what `ip link` numbers). */
  readonly interfaceIndex: number;
}

/** Either cooked header. */
export type CookedFrame = SllFrame | Sll2Frame;

/** Header fields and the payload offset of an SLL record, checked once; no getter reads outside. */
export class SllView {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly tagCount: number;
  /** The protocol type after the tags. */
  readonly protocolType: number;
  readonly payloadOffset: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    need('sll', 'header', start, SLL_HEADER_LENGTH, end);
    const chain = tagChain(bytes, readU16(bytes, start + 14), start + 16, end, 'sll');
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.tagCount = chain.tags;
    this.protocolType = chain.protocolType;
    this.payloadOffset = chain.payloadOffset;
  }

  get packetType(): number { return readU16(this.bytes, this.start); }
  get hardwareType(): number { return readU16(this.bytes, this.start + 2); }
  get linkLayerAddressLength(): number { return readU16(this.bytes, this.start + 4); }
  /** The sender's MAC when the address is 6 bytes long (Ethernet and the like), else undefined. */
  get sourceMac(): MacAddress | undefined { return this.linkLayerAddressLength === 6 ? readMac(this.bytes, this.start + 6) : undefined; }
  /** VID of the `i`-th tag (0 = outermost). */
  vlanId(i: number): number { return readU16(this.bytes, this.start + 16 + 4 * i) & 0x0fff; }
}

/** Header fields and the payload offset of an SLL2 record, checked once; no getter reads outside. */
export class Sll2View {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly tagCount: number;
  readonly protocolType: number;
  readonly payloadOffset: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    need('sll2', 'header', start, SLL2_HEADER_LENGTH, end);
    const chain = tagChain(bytes, readU16(bytes, start), start + 20, end, 'sll2');
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.tagCount = chain.tags;
    this.protocolType = chain.protocolType;
    this.payloadOffset = chain.payloadOffset;
  }

  get interfaceIndex(): number { return readU32(this.bytes, this.start + 4); }
  get hardwareType(): number { return readU16(this.bytes, this.start + 8); }
  get packetType(): number { return this.bytes[this.start + 10]!; }
  get linkLayerAddressLength(): number { return this.bytes[this.start + 11]!; }
  get sourceMac(): MacAddress | undefined { return this.linkLayerAddressLength === 6 ? readMac(this.bytes, this.start + 12) : undefined; }
  vlanId(i: number): number { return readU16(this.bytes, this.start + 20 + 4 * i) & 0x0fff; }
}

/** Walks the tag chain without building tags (what the views need). */
function tagChain(bytes: Uint8Array, firstType: number, at: number, end: number, layer: string): { tags: number; protocolType: number; payloadOffset: number } {
  let type = firstType;
  let o = at;
  let tags = 0;
  while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
    need(layer, 'vlan tag', o, 4, end);
    type = readU16(bytes, o + 2);
    o += 4;
    tags++;
  }
  return { tags, protocolType: type, payloadOffset: o };
}

/** The payload after the header and tags: by EtherType, LLC for ETH_P_802_2, raw otherwise. */
function parsePayload(
  bytes: Uint8Array, hardwareType: number, protocolType: number, p: number, end: number, options: ParseOptions,
): { payload: EthernetPayload; payloadEnd: number } {
  if (hardwareType === ARPHRD_NETLINK || hardwareType === ARPHRD_IPGRE) {
    return { payload: { kind: 'raw', bytes: bytes.subarray(p, end) }, payloadEnd: end };
  }
  if (protocolType === SLL_PROTOCOL_LLC) return { payload: parseLlc(bytes, p, end), payloadEnd: end };
  if (protocolType >= 0x0600) return parseEtherTypePayload(bytes, protocolType, p, end, options);
  return { payload: { kind: 'raw', bytes: bytes.subarray(p, end) }, payloadEnd: end };
}

/** Parses an SLL record from `bytes[start, end)`. */
export function parseSll(bytes: Uint8Array, options: ParseOptions = {}, start = 0, end = bytes.length): SllFrame {
  need('sll', 'header', start, SLL_HEADER_LENGTH, end);
  const hardwareType = readU16(bytes, start + 2);
  const { vlanTags, etherType, payloadOffset } = parseVlanTags(bytes, readU16(bytes, start + 14), start + 16, end, 'sll');
  const { payload, payloadEnd } = parsePayload(bytes, hardwareType, etherType, payloadOffset, end, options);
  return {
    kind: 'sll',
    packetType: readU16(bytes, start),
    hardwareType,
    linkLayerAddressLength: readU16(bytes, start + 4),
    linkLayerAddress: bytes.subarray(start + 6, start + 14),
    vlanTags,
    protocolType: etherType,
    payload,
    trailer: bytes.subarray(payloadEnd, end),
  };
}

/** Parses an SLL2 record from `bytes[start, end)`. */
export function parseSll2(bytes: Uint8Array, options: ParseOptions = {}, start = 0, end = bytes.length): Sll2Frame {
  need('sll2', 'header', start, SLL2_HEADER_LENGTH, end);
  const hardwareType = readU16(bytes, start + 8);
  const { vlanTags, etherType, payloadOffset } = parseVlanTags(bytes, readU16(bytes, start), start + 20, end, 'sll2');
  const { payload, payloadEnd } = parsePayload(bytes, hardwareType, etherType, payloadOffset, end, options);
  return {
    kind: 'sll2',
    reserved: readU16(bytes, start + 2),
    interfaceIndex: readU32(bytes, start + 4),
    hardwareType,
    packetType: bytes[start + 10]!,
    linkLayerAddressLength: bytes[start + 11]!,
    linkLayerAddress: bytes.subarray(start + 12, start + 20),
    vlanTags,
    protocolType: etherType,
    payload,
    trailer: bytes.subarray(payloadEnd, end),
  };
}

/** Length of the encoded record. */
export function cookedLength(f: CookedFrame): number {
  const header = f.kind === 'sll' ? SLL_HEADER_LENGTH : SLL2_HEADER_LENGTH;
  const payload = f.payload.kind === 'llc' ? llcLength(f.payload) : ethernetPayloadLength(f.payload);
  return header + 4 * f.vlanTags.length + payload + f.trailer.length;
}

/** Checks the fields a parse would not give back as they are. */
function checkCommon(f: CookedFrame, layer: string, typeAt: number): void {
  if (!Number.isInteger(f.protocolType) || f.protocolType < 0 || f.protocolType > 0xffff) {
    throw new WireError('bad-value', layer, 'protocol type', typeAt, 'a 16-bit value', f.protocolType);
  }
  if (f.linkLayerAddress.length !== 8) {
    throw new WireError('bad-length', layer, 'link-layer address', typeAt, '8 bytes (address and padding)', `${f.linkLayerAddress.length} bytes`);
  }
  const p = f.payload;
  if (f.hardwareType === ARPHRD_NETLINK || f.hardwareType === ARPHRD_IPGRE) {
    if (p.kind !== 'raw') throw new WireError('bad-value', layer, 'payload', typeAt, 'raw bytes for a Netlink or GRE interface', p.kind);
    if (f.trailer.length > 0) throw new WireError('bad-length', layer, 'trailer', typeAt, '0 bytes after a raw payload', `${f.trailer.length} bytes`);
    return;
  }
  if ((p.kind === 'llc' || p.kind === 'raw') && f.trailer.length > 0) {
    throw new WireError('bad-length', layer, 'trailer', typeAt, '0 bytes after an LLC or raw payload (it runs to the end)', `${f.trailer.length} bytes`);
  }
  if (p.kind === 'llc') {
    if (f.protocolType !== SLL_PROTOCOL_LLC) throw new WireError('bad-value', layer, 'protocol type', typeAt, '0x0004 for LLC', `0x${f.protocolType.toString(16)}`);
  } else if (p.kind === 'raw') {
    if (f.protocolType === SLL_PROTOCOL_LLC) throw new WireError('bad-value', layer, 'protocol type', typeAt, 'not 0x0004 for raw bytes', '0x4');
    if (f.protocolType >= 0x0600) checkEtherType(p.kind, f.protocolType, typeAt, layer);
  } else {
    checkEtherType(p.kind, f.protocolType, typeAt, layer);
  }
}

function emitPayloadAndTrailer(f: CookedFrame, out: Uint8Array, o: number): number {
  let at = o + (f.payload.kind === 'llc' ? emitLlc(f.payload, out, o) : emitEthernetPayload(f.payload, out, o));
  out.set(f.trailer, at);
  at += f.trailer.length;
  return at;
}

/** Writes an SLL record at `offset`; returns its length. */
export function emitSll(f: SllFrame, out: Uint8Array, offset: number): number {
  checkCommon(f, 'sll', offset + 14 + 4 * f.vlanTags.length);
  writeU16(out, offset, f.packetType);
  writeU16(out, offset + 2, f.hardwareType);
  writeU16(out, offset + 4, f.linkLayerAddressLength);
  out.set(f.linkLayerAddress, offset + 6);
  const p = emitVlanTags(f.vlanTags, f.protocolType, out, offset + 14, offset + 16, 'sll');
  return emitPayloadAndTrailer(f, out, p) - offset;
}

/** Writes an SLL2 record at `offset`; returns its length. */
export function emitSll2(f: Sll2Frame, out: Uint8Array, offset: number): number {
  checkCommon(f, 'sll2', f.vlanTags.length === 0 ? offset : offset + 18 + 4 * f.vlanTags.length);
  writeU16(out, offset + 2, f.reserved);
  writeU32(out, offset + 4, f.interfaceIndex);
  writeU16(out, offset + 8, f.hardwareType);
  out[offset + 10] = f.packetType;
  out[offset + 11] = f.linkLayerAddressLength;
  out.set(f.linkLayerAddress, offset + 12);
  const p = emitVlanTags(f.vlanTags, f.protocolType, out, offset, offset + 20, 'sll2');
  return emitPayloadAndTrailer(f, out, p) - offset;
}

/** Encodes either cooked header and its payload into a new array of exactly {@link cookedLength} bytes. */
export function emitCooked(f: CookedFrame): Uint8Array {
  const out = new Uint8Array(cookedLength(f));
  if (f.kind === 'sll') emitSll(f, out, 0);
  else emitSll2(f, out, 0);
  return out;
}

/** The sender's MAC of a cooked record whose address is 6 bytes long, else undefined. */
export function cookedSourceMac(f: CookedFrame): MacAddress | undefined {
  return f.linkLayerAddressLength === 6 ? readMac(f.linkLayerAddress, 0) : undefined;
}

/** The LINKTYPE_LINUX_SLL codec. */
export const sllCodec: Codec<SllFrame> = {
  layer: 'sll',
  encodedLength: cookedLength,
  emit: (f, out, offset) => emitSll(f, out, offset),
  parse: (bytes, start, end, _context, options) => parseSll(bytes, options, start, end),
};

/** The LINKTYPE_LINUX_SLL2 codec. */
export const sll2Codec: Codec<Sll2Frame> = {
  layer: 'sll2',
  encodedLength: cookedLength,
  emit: (f, out, offset) => emitSll2(f, out, offset),
  parse: (bytes, start, end, _context, options) => parseSll2(bytes, options, start, end),
};
