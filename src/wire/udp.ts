/**
 * UDP (RFC 768) with the pseudo-header checksum, carrying DHCPv4 on ports 67/68 or raw bytes.
 *
 * Over IPv4 a zero checksum means "none" and is kept as `checksum: 0`; a computed zero is sent as
 * 0xffff. Over IPv6 a zero checksum is invalid (RFC 8200 §8.1).
 */
import { finishChecksum, readU16, readU32, sumWords, writeU16 } from './bytes.js';
import type { Codec, ParseOptions, RawPayload } from './codec.js';
import type { DhcpMessage } from './dhcpv4.js';
import { DHCP_MAGIC_COOKIE, dhcpLength, emitDhcp, parseDhcp } from './dhcpv4.js';
import { WireError, need } from './errors.js';
import type { PseudoHeader } from './pseudo-header.js';
import { pseudoHeaderSum } from './pseudo-header.js';

const LAYER = 'udp';
const IP_PROTOCOL_UDP = 17;

/** The DHCPv4 server and client ports. */
export const UDP_PORT_DHCP_SERVER = 67;
export const UDP_PORT_DHCP_CLIENT = 68;

/** A UDP datagram; the length field is derived. */
export interface UdpDatagram {
  readonly kind: 'udp';
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: DhcpMessage | RawPayload;
  /** Present only when the checksum must be written verbatim (0 = none over IPv4). */
  readonly checksum?: number;
}

/** Length of the encoded datagram. */
export function udpLength(d: UdpDatagram): number {
  return 8 + (d.payload.kind === 'dhcp' ? dhcpLength(d.payload) : d.payload.bytes.length);
}

function isDhcpPort(port: number): boolean {
  return port === UDP_PORT_DHCP_SERVER || port === UDP_PORT_DHCP_CLIENT;
}

/** Parses a UDP datagram that fills `bytes[start, end)` exactly (the IP layer sets `end`). */
export function parseUdp(
  bytes: Uint8Array,
  start: number,
  end: number,
  pseudo: PseudoHeader,
  options: ParseOptions = {},
): UdpDatagram {
  need(LAYER, 'header', start, 8, end);
  const length = readU16(bytes, start + 4);
  if (length !== end - start) {
    throw new WireError('bad-length', LAYER, 'length', start + 4, end - start, length);
  }
  const field = readU16(bytes, start + 6);
  let checksum: number | undefined;
  if (field === 0 && pseudo.kind === 'ipv4') {
    checksum = 0;
  } else {
    const c = finishChecksum(sumWords(bytes, start, start + 6, sumWords(bytes, start + 8, end, pseudoHeaderSum(pseudo, IP_PROTOCOL_UDP, length))));
    const expected = c === 0 ? 0xffff : c;
    if (field !== expected) {
      if ((options.checksums ?? 'verify') === 'verify') {
        throw new WireError('bad-checksum', LAYER, 'checksum', start + 6, `0x${expected.toString(16)}`, `0x${field.toString(16)}`);
      }
      checksum = field;
    }
  }
  const sourcePort = readU16(bytes, start);
  const destinationPort = readU16(bytes, start + 2);
  const payloadStart = start + 8;
  const isDhcp = (isDhcpPort(sourcePort) || isDhcpPort(destinationPort)) && end - payloadStart >= 240 &&
    readU32(bytes, payloadStart + 236) === DHCP_MAGIC_COOKIE;
  const payload = isDhcp ? parseDhcp(bytes, payloadStart, end) : { kind: 'raw' as const, bytes: bytes.subarray(payloadStart, end) };
  const datagram: UdpDatagram = { kind: 'udp', sourcePort, destinationPort, payload };
  return checksum === undefined ? datagram : { ...datagram, checksum };
}

/** Writes `d` at `offset`, computing the checksum over `pseudo` unless `d.checksum` is set. */
export function emitUdp(d: UdpDatagram, out: Uint8Array, offset: number, pseudo: PseudoHeader): number {
  const length = udpLength(d);
  if (length > 0xffff) throw new WireError('bad-length', LAYER, 'length', offset + 4, '<= 65535', length);
  writeU16(out, offset, d.sourcePort);
  writeU16(out, offset + 2, d.destinationPort);
  writeU16(out, offset + 4, length);
  writeU16(out, offset + 6, 0);
  if (d.payload.kind === 'dhcp') emitDhcp(d.payload, out, offset + 8);
  else out.set(d.payload.bytes, offset + 8);
  let checksum = d.checksum;
  if (checksum === undefined) {
    const c = finishChecksum(sumWords(out, offset, offset + length, pseudoHeaderSum(pseudo, IP_PROTOCOL_UDP, length)));
    checksum = c === 0 ? 0xffff : c;
  }
  writeU16(out, offset + 6, checksum);
  return length;
}

/** The UDP codec; its context is the pseudo-header. */
export const udpCodec: Codec<UdpDatagram, PseudoHeader> = {
  layer: LAYER,
  encodedLength: udpLength,
  emit: emitUdp,
  parse: parseUdp,
};
