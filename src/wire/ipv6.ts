/**
 * The IPv6 fixed header (RFC 8200 §3) carrying ICMPv6, UDP or raw bytes. Extension headers are not
 * walked: a packet whose first next-header is not ICMPv6 or UDP keeps its payload raw (so an MLD
 * report behind a hop-by-hop header stays raw). Bytes after the payload length belong to the link
 * layer.
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import type { Codec, ParseOptions, RawPayload } from './codec.js';
import { WireError, need } from './errors.js';
import type { Icmpv6Message } from './icmpv6.js';
import { IP_PROTOCOL_ICMPV6, emitIcmpv6, icmpv6Length, parseIcmpv6 } from './icmpv6.js';
import type { Ipv6Address } from './ipv6-address.js';
import { readIpv6, writeIpv6 } from './ipv6-address.js';
import type { UdpDatagram } from './udp.js';
import { emitUdp, parseUdp, udpLength } from './udp.js';

const LAYER = 'ipv6';
const IP_PROTOCOL_UDP = 17;

/** EtherType of IPv6. */
export const ETHERTYPE_IPV6 = 0x86dd;

/** What an IPv6 packet carries. */
export type Ipv6Payload = Icmpv6Message | UdpDatagram | RawPayload;

/** An IPv6 packet; the payload length is derived. */
export interface Ipv6Packet {
  readonly kind: 'ipv6';
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
  readonly payload: Ipv6Payload;
}

/** The fixed header of an IPv6 packet, checked once. */
export class Ipv6View {
  readonly bytes: Uint8Array;
  readonly start: number;

  /** Checks the version and that the payload length fits in `[start, end)`. */
  constructor(bytes: Uint8Array, start: number, end: number) {
    need(LAYER, 'header', start, 40, end);
    const version = bytes[start]! >>> 4;
    if (version !== 6) throw new WireError('bad-value', LAYER, 'version', start, 6, version);
    need(LAYER, 'payload length', start + 40, readU16(bytes, start + 4), end);
    this.bytes = bytes;
    this.start = start;
  }

  get trafficClass(): number { return (readU16(this.bytes, this.start) >>> 4) & 0xff; }
  get flowLabel(): number { return readU32(this.bytes, this.start) & 0xfffff; }
  get payloadLength(): number { return readU16(this.bytes, this.start + 4); }
  get nextHeader(): number { return this.bytes[this.start + 6]!; }
  get hopLimit(): number { return this.bytes[this.start + 7]!; }
  get source(): Ipv6Address { return readIpv6(this.bytes, this.start + 8); }
  get destination(): Ipv6Address { return readIpv6(this.bytes, this.start + 24); }
  get payloadOffset(): number { return this.start + 40; }
  get end(): number { return this.start + 40 + this.payloadLength; }
}

function payloadLength(payload: Ipv6Payload): number {
  switch (payload.kind) {
    case 'icmpv6': return icmpv6Length(payload);
    case 'udp': return udpLength(payload);
    case 'raw': return payload.bytes.length;
  }
}

/** Length of the encoded packet. */
export function ipv6Length(p: Ipv6Packet): number {
  return 40 + payloadLength(p.payload);
}

/** Parses an IPv6 packet starting at `start`; `end` bounds what is available. */
export function parseIpv6(bytes: Uint8Array, start: number, end: number, options: ParseOptions = {}): Ipv6Packet {
  const view = new Ipv6View(bytes, start, end);
  const source = view.source;
  const destination = view.destination;
  const nextHeader = view.nextHeader;
  const payloadStart = view.payloadOffset;
  const payloadEnd = view.end;
  let payload: Ipv6Payload;
  if (nextHeader === IP_PROTOCOL_ICMPV6) {
    payload = parseIcmpv6(bytes, payloadStart, payloadEnd, { kind: 'ipv6', source, destination }, options);
  } else if (nextHeader === IP_PROTOCOL_UDP) {
    payload = parseUdp(bytes, payloadStart, payloadEnd, { kind: 'ipv6', source, destination }, options);
  } else {
    payload = { kind: 'raw', bytes: bytes.subarray(payloadStart, payloadEnd) };
  }
  return {
    kind: 'ipv6',
    trafficClass: view.trafficClass,
    flowLabel: view.flowLabel,
    nextHeader,
    hopLimit: view.hopLimit,
    source,
    destination,
    payload,
  };
}

/** Writes `p` at `offset`. */
export function emitIpv6(p: Ipv6Packet, out: Uint8Array, offset: number): number {
  const expected = p.payload.kind === 'icmpv6' ? IP_PROTOCOL_ICMPV6 : p.payload.kind === 'udp' ? IP_PROTOCOL_UDP : p.nextHeader;
  if (p.nextHeader !== expected) throw new WireError('bad-value', LAYER, 'next header', offset + 6, expected, p.nextHeader);
  const length = payloadLength(p.payload);
  if (length > 0xffff) throw new WireError('bad-length', LAYER, 'payload length', offset + 4, '<= 65535', length);
  writeU32(out, offset, (0x6000_0000 | ((p.trafficClass & 0xff) << 20) | (p.flowLabel & 0xfffff)) >>> 0);
  writeU16(out, offset + 4, length);
  out[offset + 6] = p.nextHeader;
  out[offset + 7] = p.hopLimit;
  writeIpv6(out, offset + 8, p.source);
  writeIpv6(out, offset + 24, p.destination);
  const pseudo = { kind: 'ipv6', source: p.source, destination: p.destination } as const;
  switch (p.payload.kind) {
    case 'icmpv6': emitIcmpv6(p.payload, out, offset + 40, pseudo); break;
    case 'udp': emitUdp(p.payload, out, offset + 40, pseudo); break;
    case 'raw': out.set(p.payload.bytes, offset + 40); break;
  }
  return 40 + length;
}

/** The IPv6 codec. */
export const ipv6Codec: Codec<Ipv6Packet> = {
  layer: LAYER,
  encodedLength: ipv6Length,
  emit: (p, out, offset) => emitIpv6(p, out, offset),
  parse: (bytes, start, end, _context, options) => parseIpv6(bytes, start, end, options),
};
