/**
 * Ethernet II and IEEE 802.3 frames (no FCS), with any number of 802.1Q / 802.1ad tags, and the
 * payloads this project decodes: ARP and RARP, IPv4, IPv6, and LLC (spanning-tree BPDUs).
 *
 * Padding: emit pads a frame to the 60-byte minimum (802.3 §4.2.3.3, FCS excluded) with zeros. Parse
 * keeps whatever follows the payload as `trailer` unless it is exactly that padding, so that a parsed
 * frame re-emits byte for byte: a captured 42-byte ARP (a host's own transmission, captured before
 * the NIC pads it) gets an empty trailer, which also turns automatic padding off.
 */
import type { ArpPacket } from './arp.js';
import { ARP_LENGTH, ETHERTYPE_ARP, ETHERTYPE_RARP, emitArp, parseArp } from './arp.js';
import { allZero, readU16, writeU16 } from './bytes.js';
import type { Codec, ParseOptions, RawPayload } from './codec.js';
import { WireError, need } from './errors.js';
import type { Ipv4Packet } from './ipv4.js';
import { ETHERTYPE_IPV4, emitIpv4, ipv4Length, parseIpv4 } from './ipv4.js';
import type { Ipv6Packet } from './ipv6.js';
import { ETHERTYPE_IPV6, emitIpv6, ipv6Length, parseIpv6 } from './ipv6.js';
import type { LlcPdu } from './llc.js';
import { emitLlc, llcLength, parseLlc } from './llc.js';
import type { MacAddress } from './mac.js';
import { readMac, writeMac } from './mac.js';

const LAYER = 'ethernet';

/** Tag protocol identifiers: 802.1Q C-tag, 802.1ad S-tag, and the pre-standard Q-in-Q value. */
export const TPID_8021Q = 0x8100;
export const TPID_8021AD = 0x88a8;
export const TPID_QINQ_LEGACY = 0x9100;
/** Minimum frame length without FCS. */
export const ETHERNET_MIN_LENGTH = 60;
/** Largest Type/Length value that is a length (802.3 §3.2.6). */
export const ETHERNET_MAX_LENGTH_FIELD = 1500;

/** One VLAN tag, outermost first in a frame's list. */
export interface VlanTag {
  readonly tpid: number;
  /** PCP, 3 bits. */
  readonly priority: number;
  /** DEI, 1 bit. */
  readonly dropEligible: boolean;
  /** VID, 12 bits (0 = priority tag only). */
  readonly vlanId: number;
}

/** What an Ethernet frame carries. */
export type EthernetPayload = ArpPacket | Ipv4Packet | Ipv6Packet | LlcPdu | RawPayload;

/** An Ethernet frame (without FCS). */
export interface EthernetFrame {
  readonly destination: MacAddress;
  readonly source: MacAddress;
  /** Outermost first; empty for an untagged frame. */
  readonly vlanTags: readonly VlanTag[];
  /**
   * The Type/Length field after the tags: an EtherType, or for 802.3 frames (LLC payload) the length
   * of the LLC PDU, which emit checks.
   */
  readonly etherType: number;
  readonly payload: EthernetPayload;
  /**
   * Exactly the bytes that follow the payload. Absent: emit pads with zeros to 60 bytes. Present
   * (even empty): written as given and nothing added.
   */
  readonly trailer?: Uint8Array;
}

function isTpid(type: number): boolean {
  return type === TPID_8021Q || type === TPID_8021AD || type === TPID_QINQ_LEGACY;
}

/**
 * The addresses, tags and Type/Length of a frame, read without decoding the payload (what a switch
 * needs). The constructor checks the header fits.
 */
export class EthernetView {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  /** Number of VLAN tags. */
  readonly tagCount: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    need(LAYER, 'header', start, 14, end);
    let o = start + 12;
    let tags = 0;
    while (isTpid(readU16(bytes, o))) {
      need(LAYER, 'vlan tag', o, 6, end);
      o += 4;
      tags++;
    }
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.tagCount = tags;
  }

  get destination(): MacAddress { return readMac(this.bytes, this.start); }
  get source(): MacAddress { return readMac(this.bytes, this.start + 6); }
  /** The Type/Length field after the tags. */
  get etherType(): number { return readU16(this.bytes, this.start + 12 + 4 * this.tagCount); }
  /** VID of the `i`-th tag (0 = outermost). */
  vlanId(i: number): number { return readU16(this.bytes, this.start + 14 + 4 * i) & 0x0fff; }
  /** The tag protocol identifier of the `i`-th tag. */
  tpid(i: number): number { return readU16(this.bytes, this.start + 12 + 4 * i); }
  get payloadOffset(): number { return this.start + 14 + 4 * this.tagCount; }
}

/** Bytes an Ethernet payload takes (what an EtherType carries, or an LLC PDU). */
export function ethernetPayloadLength(p: EthernetPayload): number {
  switch (p.kind) {
    case 'arp': return ARP_LENGTH;
    case 'ipv4': return ipv4Length(p);
    case 'ipv6': return ipv6Length(p);
    case 'llc': return llcLength(p);
    case 'raw': return p.bytes.length;
  }
}

/** Exact length of the encoded frame, padding and trailer included. */
export function frameLength(f: EthernetFrame): number {
  const natural = 14 + 4 * f.vlanTags.length + ethernetPayloadLength(f.payload);
  return f.trailer === undefined ? Math.max(natural, ETHERNET_MIN_LENGTH) : natural + f.trailer.length;
}

/**
 * The 802.1Q / 802.1ad tags that follow a Type field holding `firstType`: while the type is a TPID, a
 * tag's TCI and the next Type follow at `at` (2 + 2 bytes). Shared by Ethernet, whose first Type is
 * at offset 12 with the tags right after it, and the Linux cooked captures (linux-sll.ts), whose
 * protocol field may hold a TPID too. Returns the tags, the EtherType after them and where the
 * payload starts.
 */
export function parseVlanTags(
  bytes: Uint8Array, firstType: number, at: number, end: number, layer = LAYER,
): { vlanTags: VlanTag[]; etherType: number; payloadOffset: number } {
  const vlanTags: VlanTag[] = [];
  let type = firstType;
  let o = at;
  while (isTpid(type)) {
    need(layer, 'vlan tag', o, 4, end);
    const tci = readU16(bytes, o);
    vlanTags.push({ tpid: type, priority: tci >>> 13, dropEligible: (tci & 0x1000) !== 0, vlanId: tci & 0x0fff });
    type = readU16(bytes, o + 2);
    o += 4;
  }
  return { vlanTags, etherType: type, payloadOffset: o };
}

/**
 * Parses what an EtherType (>= 0x0600) carries from `bytes[p, end)`: ARP and RARP, IPv4, IPv6, or raw
 * bytes for any other EtherType. Returns the payload and the offset just after it (what follows is a
 * trailer: padding, or bytes the link layer added).
 */
export function parseEtherTypePayload(
  bytes: Uint8Array, etherType: number, p: number, end: number, options: ParseOptions = {},
): { payload: EthernetPayload; payloadEnd: number } {
  if (etherType === ETHERTYPE_ARP || etherType === ETHERTYPE_RARP) {
    return { payload: parseArp(bytes, p, end), payloadEnd: p + ARP_LENGTH };
  }
  if (etherType === ETHERTYPE_IPV4) {
    const payload = parseIpv4(bytes, p, end, options);
    return { payload, payloadEnd: p + ipv4Length(payload) };
  }
  if (etherType === ETHERTYPE_IPV6) {
    const payload = parseIpv6(bytes, p, end, options);
    return { payload, payloadEnd: p + ipv6Length(payload) };
  }
  return { payload: { kind: 'raw', bytes: bytes.subarray(p, end) }, payloadEnd: end };
}

/** Parses a whole frame from `bytes[start, end)`, payload included. */
export function parseFrame(bytes: Uint8Array, options: ParseOptions = {}, start = 0, end = bytes.length): EthernetFrame {
  need(LAYER, 'header', start, 14, end);
  const { vlanTags, etherType, payloadOffset: p } = parseVlanTags(bytes, readU16(bytes, start + 12), start + 14, end);
  let payload: EthernetPayload;
  let payloadEnd: number;
  if (etherType <= ETHERNET_MAX_LENGTH_FIELD) {
    need(LAYER, 'length', p, etherType, end);
    payload = parseLlc(bytes, p, p + etherType);
    payloadEnd = p + etherType;
  } else {
    ({ payload, payloadEnd } = parseEtherTypePayload(bytes, etherType, p, end, options));
  }
  const frame: EthernetFrame = { destination: readMac(bytes, start), source: readMac(bytes, start + 6), vlanTags, etherType, payload };
  const implicitPadding = end - start === Math.max(ETHERNET_MIN_LENGTH, payloadEnd - start) && allZero(bytes, payloadEnd, end);
  return implicitPadding ? frame : { ...frame, trailer: bytes.subarray(payloadEnd, end) };
}

function expectedEtherTypes(kind: EthernetPayload['kind']): readonly number[] | undefined {
  switch (kind) {
    case 'arp': return [ETHERTYPE_ARP, ETHERTYPE_RARP];
    case 'ipv4': return [ETHERTYPE_IPV4];
    case 'ipv6': return [ETHERTYPE_IPV6];
    default: return undefined;
  }
}

/**
 * Throws unless `etherType` is one a payload of this kind travels under (an EtherType, not a TPID;
 * 0x0806 or 0x8035 for ARP, 0x0800 for IPv4, 0x86dd for IPv6). `at` is the Type field's offset.
 */
export function checkEtherType(kind: EthernetPayload['kind'], etherType: number, at: number, layer = LAYER): void {
  const expected = expectedEtherTypes(kind);
  if (etherType <= ETHERNET_MAX_LENGTH_FIELD || isTpid(etherType) || (expected !== undefined && !expected.includes(etherType))) {
    throw new WireError('bad-value', layer, 'ethertype', at, expected?.map((t) => `0x${t.toString(16)}`).join(' or ') ?? 'an EtherType', `0x${etherType.toString(16)}`);
  }
}

/**
 * Writes the Type chain that {@link parseVlanTags} reads: the first Type (the outer tag's TPID, or the
 * EtherType of an untagged frame) at `typeAt`, then each tag's TCI and the next Type from `at` on.
 * Returns the offset where the payload goes.
 */
export function emitVlanTags(vlanTags: readonly VlanTag[], etherType: number, out: Uint8Array, typeAt: number, at: number, layer = LAYER): number {
  let typeOffset = typeAt;
  let o = at;
  for (const tag of vlanTags) {
    if (!isTpid(tag.tpid)) throw new WireError('bad-value', layer, 'tpid', typeOffset, '0x8100, 0x88a8 or 0x9100', `0x${tag.tpid.toString(16)}`);
    writeU16(out, typeOffset, tag.tpid);
    writeU16(out, o, ((tag.priority & 0x7) << 13) | (tag.dropEligible ? 0x1000 : 0) | (tag.vlanId & 0x0fff));
    typeOffset = o + 2;
    o += 4;
  }
  writeU16(out, typeOffset, etherType);
  return o;
}

/** Writes an Ethernet payload (what an EtherType carries, or an LLC PDU) at `o`; returns its length. */
export function emitEthernetPayload(payload: EthernetPayload, out: Uint8Array, o: number): number {
  switch (payload.kind) {
    case 'arp': return emitArp(payload, out, o);
    case 'ipv4': return emitIpv4(payload, out, o);
    case 'ipv6': return emitIpv6(payload, out, o);
    case 'llc': return emitLlc(payload, out, o);
    case 'raw': out.set(payload.bytes, o); return payload.bytes.length;
  }
}

/** Writes `f` at `offset` of `out` (which must have room for {@link frameLength} bytes). */
export function emitFrameInto(f: EthernetFrame, out: Uint8Array, offset: number): number {
  writeMac(out, offset, f.destination);
  writeMac(out, offset + 6, f.source);
  const payload = f.payload;
  const typeAt = offset + 12 + 4 * f.vlanTags.length;
  if (payload.kind === 'llc') {
    const length = llcLength(payload);
    if (f.etherType !== length) throw new WireError('bad-length', LAYER, 'length', typeAt, length, f.etherType);
  } else {
    checkEtherType(payload.kind, f.etherType, typeAt);
  }
  let o = emitVlanTags(f.vlanTags, f.etherType, out, offset + 12, offset + 14, LAYER);
  o += emitEthernetPayload(payload, out, o);
  if (f.trailer !== undefined) {
    out.set(f.trailer, o);
    o += f.trailer.length;
  } else {
    const padEnd = offset + ETHERNET_MIN_LENGTH;
    if (o < padEnd) {
      out.fill(0, o, padEnd);
      o = padEnd;
    }
  }
  return o - offset;
}

/** Encodes a frame into a new array of exactly {@link frameLength} bytes. */
export function emitFrame(f: EthernetFrame): Uint8Array {
  const out = new Uint8Array(frameLength(f));
  emitFrameInto(f, out, 0);
  return out;
}

/** The Ethernet codec (whole frames). */
export const ethernetCodec: Codec<EthernetFrame> = {
  layer: LAYER,
  encodedLength: frameLength,
  emit: (f, out, offset) => emitFrameInto(f, out, offset),
  parse: (bytes, start, end, _context, options) => parseFrame(bytes, options, start, end),
};
