/**
 * The network and transport header fields that name a flow (addresses, protocol, ports, ICMP echo
 * identifier and sequence, TCP sequence number), read in place into one reused object. Unlike the
 * wire codecs, which parse a whole packet and check every length, this reads only the headers, so it
 * works on records the snapshot length cut short (`tcpdump -s 96`): only the bytes it reads must be
 * there. Messages the analysis reads in full (ARP, ND, DHCP, VRRP) are only recognised here and then
 * parsed by the wire codecs.
 *
 * Field offsets: IPv4, RFC 791 §3.1; IPv6 and its extension headers, RFC 8200 §3 and §4 (RFC 4302 §2
 * for AH's length in 4-octet units); UDP, RFC 768; TCP, RFC 9293 §3.1; ICMP echo, RFC 792; ICMPv6 echo,
 * RFC 4443 §4.1 and §4.2; Neighbor Discovery types, RFC 4861 §4.
 */
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, IP_PROTOCOL_ICMP, IP_PROTOCOL_ICMPV6, IP_PROTOCOL_UDP, IP_PROTOCOL_VRRP } from '../wire/index.js';

/** What a packet is, as far as the analysis is concerned (one of the PACKET_* values). */
export type PacketKind = number;
/** Not IP, or an IP protocol the analysis does not follow. */
export const PACKET_OTHER = 0;
export const PACKET_UDP = 1;
export const PACKET_TCP = 2;
export const PACKET_ECHO_REQUEST = 3;
export const PACKET_ECHO_REPLY = 4;
/** ICMPv6 router/neighbor solicitation, advertisement, redirect (types 133-137). */
export const PACKET_NEIGHBOR_DISCOVERY = 5;
/** UDP to or from port 67 or 68. */
export const PACKET_DHCP = 6;
export const PACKET_VRRP = 7;
/** A non-first fragment (no transport header) or a header cut short by the snapshot length. */
export const PACKET_UNREADABLE = 8;

const IP_PROTOCOL_TCP = 6;
const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AUTHENTICATION = 51;
const IPV6_DESTINATION_OPTIONS = 60;
const MAX_EXTENSION_HEADERS = 8;

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

/** The header fields of the current packet. Overwritten by the next {@link PacketHeaders.read}. */
export class PacketHeaders {
  kind: PacketKind = PACKET_OTHER;
  /** 4 or 6. */
  family = 0;
  /** IP protocol (the last next-header value for IPv6). */
  protocol = 0;
  /** Source and destination: an IPv4 address in `source0`, or an IPv6 address as four 32-bit words. */
  source0 = 0;
  source1 = 0;
  source2 = 0;
  source3 = 0;
  destination0 = 0;
  destination1 = 0;
  destination2 = 0;
  destination3 = 0;
  /** UDP/TCP ports; for ICMP echo, the identifier in `sourcePort` and 0 in `destinationPort`. */
  sourcePort = 0;
  destinationPort = 0;
  /** ICMP echo sequence number. */
  echoSequence = 0;
  /** TCP sequence number and payload length (from the IP length field, not the captured bytes). */
  tcpSequence = 0;
  tcpPayloadLength = 0;
  /** Offset of the transport header in the record. */
  transportOffset = 0;
  /** Where the IP packet ends according to its length field (may be past the captured bytes). */
  ipEnd = 0;
  /** IPv4 identification; -1 for IPv6. */
  identification = -1;

  /** Reads the packet at `bytes[offset, end)` carried under `etherType`; returns its kind. */
  read(bytes: Uint8Array, offset: number, end: number, etherType: number): PacketKind {
    let kind: PacketKind;
    if (etherType === ETHERTYPE_IPV4) kind = this.readIpv4(bytes, offset, end);
    else if (etherType === ETHERTYPE_IPV6) kind = this.readIpv6(bytes, offset, end);
    else kind = PACKET_OTHER;
    this.kind = kind;
    return kind;
  }

  /**
   * What tells one UDP packet from the next, to recognise a second capture of the same packet: the
   * IPv4 identification, or for IPv6 the first four payload bytes (-1 when not captured).
   */
  identity(b: Uint8Array, end: number): number {
    if (this.family === 4) return this.identification;
    const p = this.transportOffset + 8;
    // Three bytes keep the value a small integer (no boxing) and tell packets apart well enough.
    return p + 3 <= end ? (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]! : -1;
  }

  private readIpv4(b: Uint8Array, o: number, end: number): PacketKind {
    if (o + 20 > end || b[o]! >>> 4 !== 4) return PACKET_UNREADABLE;
    const headerLength = (b[o]! & 0x0f) * 4;
    this.family = 4;
    this.protocol = b[o + 9]!;
    this.source0 = u32(b, o + 12);
    this.destination0 = u32(b, o + 16);
    this.ipEnd = o + u16(b, o + 2);
    this.identification = u16(b, o + 4);
    // A fragment other than the first carries no transport header (RFC 791 §3.2).
    if ((u16(b, o + 6) & 0x1fff) !== 0 || headerLength < 20) return PACKET_UNREADABLE;
    return this.readTransport(b, o + headerLength, end);
  }

  private readIpv6(b: Uint8Array, o: number, end: number): PacketKind {
    if (o + 40 > end || b[o]! >>> 4 !== 6) return PACKET_UNREADABLE;
    this.family = 6;
    this.source0 = u32(b, o + 8);
    this.source1 = u32(b, o + 12);
    this.source2 = u32(b, o + 16);
    this.source3 = u32(b, o + 20);
    this.destination0 = u32(b, o + 24);
    this.destination1 = u32(b, o + 28);
    this.destination2 = u32(b, o + 32);
    this.destination3 = u32(b, o + 36);
    this.ipEnd = o + 40 + u16(b, o + 4);
    this.identification = -1;
    let next = b[o + 6]!;
    let p = o + 40;
    for (let i = 0; i < MAX_EXTENSION_HEADERS; i++) {
      if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DESTINATION_OPTIONS) {
        if (p + 2 > end) return PACKET_UNREADABLE;
        next = b[p]!;
        p += (b[p + 1]! + 1) * 8;
      } else if (next === IPV6_FRAGMENT) {
        if (p + 8 > end) return PACKET_UNREADABLE;
        if ((u16(b, p + 2) >>> 3) !== 0) return PACKET_UNREADABLE;
        next = b[p]!;
        p += 8;
      } else if (next === IPV6_AUTHENTICATION) {
        if (p + 2 > end) return PACKET_UNREADABLE;
        next = b[p]!;
        p += (b[p + 1]! + 2) * 4;
      } else {
        break;
      }
    }
    this.protocol = next;
    return this.readTransport(b, p, end);
  }

  private readTransport(b: Uint8Array, p: number, end: number): PacketKind {
    this.transportOffset = p;
    const protocol = this.protocol;
    if (protocol === IP_PROTOCOL_UDP) {
      if (p + 4 > end) return PACKET_UNREADABLE;
      this.sourcePort = u16(b, p);
      this.destinationPort = u16(b, p + 2);
      const s = this.sourcePort;
      const d = this.destinationPort;
      return s === 67 || s === 68 || d === 67 || d === 68 ? PACKET_DHCP : PACKET_UDP;
    }
    if (protocol === IP_PROTOCOL_TCP) {
      if (p + 14 > end) return PACKET_UNREADABLE;
      this.sourcePort = u16(b, p);
      this.destinationPort = u16(b, p + 2);
      this.tcpSequence = u32(b, p + 4);
      this.tcpPayloadLength = Math.max(0, this.ipEnd - p - (b[p + 12]! >>> 4) * 4);
      return PACKET_TCP;
    }
    if (protocol === IP_PROTOCOL_ICMP || protocol === IP_PROTOCOL_ICMPV6) {
      if (p + 1 > end) return PACKET_UNREADABLE;
      const type = b[p]!;
      const v6 = protocol === IP_PROTOCOL_ICMPV6;
      if (v6 && type >= 133 && type <= 137) return PACKET_NEIGHBOR_DISCOVERY;
      const request = v6 ? type === 128 : type === 8;
      const reply = v6 ? type === 129 : type === 0;
      if (!request && !reply) return PACKET_OTHER;
      if (p + 8 > end) return PACKET_UNREADABLE;
      this.sourcePort = u16(b, p + 4);
      this.destinationPort = 0;
      this.echoSequence = u16(b, p + 6);
      return request ? PACKET_ECHO_REQUEST : PACKET_ECHO_REPLY;
    }
    if (protocol === IP_PROTOCOL_VRRP) return PACKET_VRRP;
    return PACKET_OTHER;
  }
}
