/**
 * Small builders for the IP packets hosts send: UDP over IPv4 and IPv6, and echo replies. They fill
 * reprs only (encoding is src/wire's job); TTL and hop limit 64 as Linux does by default.
 */
import type { Icmpv4Message, Ipv4Address, Ipv4Packet, Ipv6Address, Ipv6Packet } from '../wire/index.js';

/** Default IPv4 TTL / IPv6 hop limit (Linux net.ipv4.ip_default_ttl, net.ipv6.conf.*.hop_limit). */
export const DEFAULT_TTL = 64;

// The options of every packet built here: none. One shared empty array (a zero-length array cannot
// be written to) instead of one per packet.
const NO_OPTIONS = new Uint8Array(0);

/** A UDP datagram in IPv4. */
export function udp4(source: Ipv4Address, destination: Ipv4Address, sourcePort: number, destinationPort: number, payload: Uint8Array, identification = 0): Ipv4Packet {
  return {
    kind: 'ipv4', typeOfService: 0, identification, flags: 0b010, fragmentOffset: 0, timeToLive: DEFAULT_TTL, protocol: 17,
    source, destination, options: NO_OPTIONS,
    payload: { kind: 'udp', sourcePort, destinationPort, payload: { kind: 'raw', bytes: payload } },
  };
}

/** A UDP datagram in IPv6. */
export function udp6(source: Ipv6Address, destination: Ipv6Address, sourcePort: number, destinationPort: number, payload: Uint8Array): Ipv6Packet {
  return {
    kind: 'ipv6', trafficClass: 0, flowLabel: 0, nextHeader: 17, hopLimit: DEFAULT_TTL, source, destination,
    payload: { kind: 'udp', sourcePort, destinationPort, payload: { kind: 'raw', bytes: payload } },
  };
}

/** An ICMPv4 echo request or reply in IPv4. */
export function icmp4(source: Ipv4Address, destination: Ipv4Address, message: Icmpv4Message, identification = 0): Ipv4Packet {
  return {
    kind: 'ipv4', typeOfService: 0, identification, flags: 0b010, fragmentOffset: 0, timeToLive: DEFAULT_TTL, protocol: 1,
    source, destination, options: NO_OPTIONS, payload: message,
  };
}

/** An ICMPv6 echo request (128) or reply (129) in IPv6. */
export function echo6(source: Ipv6Address, destination: Ipv6Address, type: 128 | 129, body: Uint8Array): Ipv6Packet {
  return {
    kind: 'ipv6', trafficClass: 0, flowLabel: 0, nextHeader: 58, hopLimit: DEFAULT_TTL, source, destination,
    payload: { kind: 'icmpv6', type: 'other', icmpType: type, code: 0, body },
  };
}

/**
 * The application bytes of a packet, where measurement traffic puts its tag: the raw UDP payload, or
 * the data of an ICMP/ICMPv6 echo (after ICMPv6's identifier and sequence number).
 */
export function udpPayload(packet: Ipv4Packet | Ipv6Packet): Uint8Array | null {
  const p = packet.payload;
  if (p.kind === 'udp') return p.payload.kind === 'raw' ? p.payload.bytes : null;
  if (p.kind === 'icmpv4') return p.type === 0 || p.type === 8 ? p.data : null;
  if (p.kind === 'icmpv6' && p.type === 'other' && (p.icmpType === 128 || p.icmpType === 129)) return p.body.subarray(4);
  return null;
}
