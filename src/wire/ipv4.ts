/**
 * IPv4 header (RFC 791) with its header checksum (RFC 1071), carrying UDP, ICMPv4 or raw bytes.
 *
 * Options are kept as raw bytes. Fragments (MF set or a non-zero offset) keep their payload raw: only a
 * whole datagram is handed to UDP or ICMP. Bytes after `totalLength` belong to the link layer
 * (Ethernet padding) and are not part of this repr.
 */
import { finishChecksum, readU16, sumWords, writeU16 } from './bytes.js';
import type { ChecksumMode, Codec, ParseOptions, RawPayload } from './codec.js';
import { WireError, need } from './errors.js';
import type { Icmpv4Message } from './icmpv4.js';
import { emitIcmpv4, icmpv4Length, parseIcmpv4 } from './icmpv4.js';
import type { Ipv4Address } from './ipv4-address.js';
import { readIpv4, writeIpv4 } from './ipv4-address.js';
import type { UdpDatagram } from './udp.js';
import { emitUdp, parseUdp, udpLength } from './udp.js';

const LAYER = 'ipv4';

/** EtherType of IPv4. */
export const ETHERTYPE_IPV4 = 0x0800;
/** IP protocol numbers used here. */
export const IP_PROTOCOL_ICMP = 1;
export const IP_PROTOCOL_UDP = 17;
/** Flag bits of the 3-bit flags field. */
export const IPV4_FLAG_DONT_FRAGMENT = 0b010;
export const IPV4_FLAG_MORE_FRAGMENTS = 0b001;

/** What an IPv4 packet carries. */
export type Ipv4Payload = UdpDatagram | Icmpv4Message | RawPayload;

/** An IPv4 packet. Lengths (IHL, total length) are derived from the content. */
export interface Ipv4Packet {
  readonly kind: 'ipv4';
  /** The whole second octet (DSCP and ECN). */
  readonly typeOfService: number;
  readonly identification: number;
  /** Three bits: reserved, DF, MF. */
  readonly flags: number;
  /** In units of 8 bytes. */
  readonly fragmentOffset: number;
  readonly timeToLive: number;
  readonly protocol: number;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** Header options, a multiple of 4 bytes (up to 40). */
  readonly options: Uint8Array;
  readonly payload: Ipv4Payload;
  /** Present only when the header checksum must be written verbatim (see codec.ts). */
  readonly checksum?: number;
}

/** The fixed header fields of an IPv4 packet, checked once. */
export class Ipv4View {
  readonly bytes: Uint8Array;
  readonly start: number;

  /** Checks version, IHL and total length against `[start, end)`. */
  constructor(bytes: Uint8Array, start: number, end: number) {
    need(LAYER, 'header', start, 20, end);
    const version = bytes[start]! >>> 4;
    if (version !== 4) throw new WireError('bad-value', LAYER, 'version', start, 4, version);
    const headerLength = (bytes[start]! & 0x0f) * 4;
    if (headerLength < 20) throw new WireError('bad-length', LAYER, 'header length', start, '>= 20', headerLength);
    const totalLength = readU16(bytes, start + 2);
    if (totalLength < headerLength) {
      throw new WireError('bad-length', LAYER, 'total length', start + 2, `>= ${headerLength}`, totalLength);
    }
    need(LAYER, 'total length', start, totalLength, end);
    this.bytes = bytes;
    this.start = start;
  }

  get headerLength(): number { return (this.bytes[this.start]! & 0x0f) * 4; }
  get typeOfService(): number { return this.bytes[this.start + 1]!; }
  get totalLength(): number { return readU16(this.bytes, this.start + 2); }
  get identification(): number { return readU16(this.bytes, this.start + 4); }
  get flags(): number { return this.bytes[this.start + 6]! >>> 5; }
  get fragmentOffset(): number { return readU16(this.bytes, this.start + 6) & 0x1fff; }
  get timeToLive(): number { return this.bytes[this.start + 8]!; }
  get protocol(): number { return this.bytes[this.start + 9]!; }
  get headerChecksum(): number { return readU16(this.bytes, this.start + 10); }
  get source(): Ipv4Address { return readIpv4(this.bytes, this.start + 12); }
  get destination(): Ipv4Address { return readIpv4(this.bytes, this.start + 16); }
  get payloadOffset(): number { return this.start + this.headerLength; }
  get end(): number { return this.start + this.totalLength; }
}

/** Length of the encoded packet. */
export function ipv4Length(p: Ipv4Packet): number {
  return 20 + p.options.length + ipv4PayloadLength(p.payload);
}

function ipv4PayloadLength(payload: Ipv4Payload): number {
  switch (payload.kind) {
    case 'udp': return udpLength(payload);
    case 'icmpv4': return icmpv4Length(payload);
    case 'raw': return payload.bytes.length;
  }
}

/** Parses an IPv4 packet occupying `bytes[start, start + totalLength)`; `end` bounds what is available. */
export function parseIpv4(bytes: Uint8Array, start: number, end: number, options: ParseOptions = {}): Ipv4Packet {
  const view = new Ipv4View(bytes, start, end);
  const headerEnd = view.payloadOffset;
  const packetEnd = view.end;
  const mode: ChecksumMode = options.checksums ?? 'verify';
  const field = view.headerChecksum;
  const computed = finishChecksum(sumWords(bytes, start, start + 10, sumWords(bytes, start + 12, headerEnd)));
  let checksum: number | undefined;
  if (field !== computed) {
    if (mode === 'verify') {
      throw new WireError('bad-checksum', LAYER, 'header checksum', start + 10, `0x${computed.toString(16)}`, `0x${field.toString(16)}`);
    }
    checksum = field;
  }
  const source = view.source;
  const destination = view.destination;
  const fragment = view.fragmentOffset !== 0 || (view.flags & IPV4_FLAG_MORE_FRAGMENTS) !== 0;
  let payload: Ipv4Payload;
  if (!fragment && view.protocol === IP_PROTOCOL_UDP) {
    payload = parseUdp(bytes, headerEnd, packetEnd, { kind: 'ipv4', source, destination }, options);
  } else if (!fragment && view.protocol === IP_PROTOCOL_ICMP) {
    payload = parseIcmpv4(bytes, headerEnd, packetEnd, options);
  } else {
    payload = { kind: 'raw', bytes: bytes.subarray(headerEnd, packetEnd) };
  }
  const packet: Ipv4Packet = {
    kind: 'ipv4',
    typeOfService: view.typeOfService,
    identification: view.identification,
    flags: view.flags,
    fragmentOffset: view.fragmentOffset,
    timeToLive: view.timeToLive,
    protocol: view.protocol,
    source,
    destination,
    options: bytes.subarray(start + 20, headerEnd),
    payload,
  };
  return checksum === undefined ? packet : { ...packet, checksum };
}

/** Writes `p` at `offset`; returns the bytes written. */
export function emitIpv4(p: Ipv4Packet, out: Uint8Array, offset: number): number {
  const optionsLength = p.options.length;
  if (optionsLength % 4 !== 0 || optionsLength > 40) {
    throw new WireError('bad-length', LAYER, 'options', offset + 20, 'a multiple of 4 up to 40', optionsLength);
  }
  const expectedProtocol = p.payload.kind === 'udp' ? IP_PROTOCOL_UDP : p.payload.kind === 'icmpv4' ? IP_PROTOCOL_ICMP : p.protocol;
  if (p.protocol !== expectedProtocol) {
    throw new WireError('bad-value', LAYER, 'protocol', offset + 9, expectedProtocol, p.protocol);
  }
  const headerLength = 20 + optionsLength;
  const total = headerLength + ipv4PayloadLength(p.payload);
  if (total > 0xffff) throw new WireError('bad-length', LAYER, 'total length', offset + 2, '<= 65535', total);
  out[offset] = 0x40 | (headerLength / 4);
  out[offset + 1] = p.typeOfService;
  writeU16(out, offset + 2, total);
  writeU16(out, offset + 4, p.identification);
  writeU16(out, offset + 6, ((p.flags & 0x7) << 13) | (p.fragmentOffset & 0x1fff));
  out[offset + 8] = p.timeToLive;
  out[offset + 9] = p.protocol;
  writeU16(out, offset + 10, 0);
  writeIpv4(out, offset + 12, p.source);
  writeIpv4(out, offset + 16, p.destination);
  out.set(p.options, offset + 20);
  const checksum = p.checksum ?? finishChecksum(sumWords(out, offset, offset + headerLength));
  writeU16(out, offset + 10, checksum);
  const payloadOffset = offset + headerLength;
  switch (p.payload.kind) {
    case 'udp':
      emitUdp(p.payload, out, payloadOffset, { kind: 'ipv4', source: p.source, destination: p.destination });
      break;
    case 'icmpv4':
      emitIcmpv4(p.payload, out, payloadOffset);
      break;
    case 'raw':
      out.set(p.payload.bytes, payloadOffset);
      break;
  }
  return total;
}

/** The IPv4 codec. */
export const ipv4Codec: Codec<Ipv4Packet> = {
  layer: LAYER,
  encodedLength: ipv4Length,
  emit: (p, out, offset) => emitIpv4(p, out, offset),
  parse: (bytes, start, end, _context, options) => parseIpv4(bytes, start, end, options),
};
