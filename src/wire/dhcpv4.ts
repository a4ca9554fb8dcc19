/**
 * DHCPv4 (RFC 2131, options RFC 2132) as far as snooping needs it: the fixed BOOTP header, the magic
 * cookie, and options 53 (message type), 50 (requested address), 51 (lease time), 54 (server
 * identifier), 61 (client identifier), 12 (host name), 0 (pad) and 255 (end). Every other option, and
 * a known option with an unexpected length, is kept raw, in order; bytes after the end option are kept
 * as the trailer, so a parsed message re-emits byte for byte.
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import type { Codec } from './codec.js';
import { WireError, need } from './errors.js';
import type { Ipv4Address } from './ipv4-address.js';
import { readIpv4, writeIpv4 } from './ipv4-address.js';
import type { MacAddress } from './mac.js';
import { readMac } from './mac.js';

const LAYER = 'dhcp';

/** The four bytes that follow the BOOTP header in every DHCP message (RFC 2131 §3). */
export const DHCP_MAGIC_COOKIE = 0x63825363;
/** BOOTP header (236 bytes) plus the cookie. */
const FIXED_LENGTH = 240;

/** DHCP message types (option 53, RFC 2132 §9.6). */
export const DHCP_DISCOVER = 1;
export const DHCP_OFFER = 2;
export const DHCP_REQUEST = 3;
export const DHCP_DECLINE = 4;
export const DHCP_ACK = 5;
export const DHCP_NAK = 6;
export const DHCP_RELEASE = 7;
export const DHCP_INFORM = 8;

/** One DHCP option, decoded where we know it. */
export type DhcpOption =
  | { readonly kind: 'pad' }
  | { readonly kind: 'end' }
  | { readonly kind: 'message-type'; readonly messageType: number }
  | { readonly kind: 'requested-address'; readonly address: Ipv4Address }
  | { readonly kind: 'lease-time'; readonly seconds: number }
  | { readonly kind: 'server-identifier'; readonly address: Ipv4Address }
  | { readonly kind: 'client-identifier'; readonly data: Uint8Array }
  | { readonly kind: 'host-name'; /** Latin-1, so every byte round-trips. */ readonly name: string }
  | { readonly kind: 'raw'; readonly code: number; readonly data: Uint8Array };

/** A DHCPv4 message, fields named as in RFC 2131 §2. */
export interface DhcpMessage {
  readonly kind: 'dhcp';
  /** 1 BOOTREQUEST, 2 BOOTREPLY. */
  readonly op: number;
  readonly hardwareType: number;
  readonly hardwareLength: number;
  readonly hops: number;
  readonly transactionId: number;
  readonly seconds: number;
  readonly flags: number;
  readonly clientAddress: Ipv4Address;
  readonly yourAddress: Ipv4Address;
  readonly serverAddress: Ipv4Address;
  readonly gatewayAddress: Ipv4Address;
  /** chaddr, all 16 bytes. */
  readonly clientHardwareAddress: Uint8Array;
  /** sname, 64 bytes. */
  readonly serverName: Uint8Array;
  /** file, 128 bytes. */
  readonly bootFile: Uint8Array;
  readonly options: readonly DhcpOption[];
  /** Bytes after the options (usually zero padding after `end`). */
  readonly trailer: Uint8Array;
}

function optionLength(o: DhcpOption): number {
  switch (o.kind) {
    case 'pad':
    case 'end': return 1;
    case 'message-type': return 3;
    case 'requested-address':
    case 'lease-time':
    case 'server-identifier': return 6;
    case 'client-identifier':
    case 'raw': return 2 + o.data.length;
    case 'host-name': return 2 + o.name.length;
  }
}

/** Length of the encoded message. */
export function dhcpLength(m: DhcpMessage): number {
  let n = FIXED_LENGTH + m.trailer.length;
  for (const o of m.options) n += optionLength(o);
  return n;
}

/** The client's MAC when chaddr holds an Ethernet address (htype 1, hlen 6); otherwise `undefined`. */
export function dhcpClientMac(m: DhcpMessage): MacAddress | undefined {
  return m.hardwareType === 1 && m.hardwareLength === 6 ? readMac(m.clientHardwareAddress, 0) : undefined;
}

/** The value of option 53, if present. */
export function dhcpMessageType(m: DhcpMessage): number | undefined {
  for (const o of m.options) if (o.kind === 'message-type') return o.messageType;
  return undefined;
}

function decodeOption(code: number, bytes: Uint8Array, s: number, len: number): DhcpOption {
  const data = bytes.subarray(s, s + len);
  switch (code) {
    case 53: if (len === 1) return { kind: 'message-type', messageType: bytes[s]! }; break;
    case 50: if (len === 4) return { kind: 'requested-address', address: readIpv4(bytes, s) }; break;
    case 51: if (len === 4) return { kind: 'lease-time', seconds: readU32(bytes, s) }; break;
    case 54: if (len === 4) return { kind: 'server-identifier', address: readIpv4(bytes, s) }; break;
    case 61: return { kind: 'client-identifier', data };
    case 12: {
      let name = '';
      for (let i = 0; i < len; i++) name += String.fromCharCode(bytes[s + i]!);
      return { kind: 'host-name', name };
    }
  }
  return { kind: 'raw', code, data };
}

/** Parses a DHCP message filling `bytes[start, end)`. */
export function parseDhcp(bytes: Uint8Array, start: number, end: number): DhcpMessage {
  need(LAYER, 'header', start, FIXED_LENGTH, end);
  const cookie = readU32(bytes, start + 236);
  if (cookie !== DHCP_MAGIC_COOKIE) {
    throw new WireError('bad-value', LAYER, 'magic cookie', start + 236, '0x63825363', `0x${cookie.toString(16)}`);
  }
  const options: DhcpOption[] = [];
  let o = start + FIXED_LENGTH;
  while (o < end) {
    const code = bytes[o]!;
    if (code === 0) {
      options.push({ kind: 'pad' });
      o += 1;
      continue;
    }
    if (code === 255) {
      options.push({ kind: 'end' });
      o += 1;
      break;
    }
    if (o + 2 > end) throw new WireError('bad-length', LAYER, `option ${code} length`, o + 1, 'a length byte', 'end of message');
    const len = bytes[o + 1]!;
    if (o + 2 + len > end) {
      throw new WireError('bad-length', LAYER, `option ${code}`, o + 1, `<= ${end - o - 2} bytes`, len);
    }
    options.push(decodeOption(code, bytes, o + 2, len));
    o += 2 + len;
  }
  return {
    kind: 'dhcp',
    op: bytes[start]!,
    hardwareType: bytes[start + 1]!,
    hardwareLength: bytes[start + 2]!,
    hops: bytes[start + 3]!,
    transactionId: readU32(bytes, start + 4),
    seconds: readU16(bytes, start + 8),
    flags: readU16(bytes, start + 10),
    clientAddress: readIpv4(bytes, start + 12),
    yourAddress: readIpv4(bytes, start + 16),
    serverAddress: readIpv4(bytes, start + 20),
    gatewayAddress: readIpv4(bytes, start + 24),
    clientHardwareAddress: bytes.subarray(start + 28, start + 44),
    serverName: bytes.subarray(start + 44, start + 108),
    bootFile: bytes.subarray(start + 108, start + 236),
    options,
    trailer: bytes.subarray(o, end),
  };
}

function checkFixed(field: string, value: Uint8Array, length: number, offset: number): void {
  if (value.length !== length) throw new WireError('bad-length', LAYER, field, offset, length, value.length);
}

/** Writes `m` at `offset`. */
export function emitDhcp(m: DhcpMessage, out: Uint8Array, offset: number): number {
  checkFixed('chaddr', m.clientHardwareAddress, 16, offset + 28);
  checkFixed('sname', m.serverName, 64, offset + 44);
  checkFixed('file', m.bootFile, 128, offset + 108);
  out[offset] = m.op;
  out[offset + 1] = m.hardwareType;
  out[offset + 2] = m.hardwareLength;
  out[offset + 3] = m.hops;
  writeU32(out, offset + 4, m.transactionId);
  writeU16(out, offset + 8, m.seconds);
  writeU16(out, offset + 10, m.flags);
  writeIpv4(out, offset + 12, m.clientAddress);
  writeIpv4(out, offset + 16, m.yourAddress);
  writeIpv4(out, offset + 20, m.serverAddress);
  writeIpv4(out, offset + 24, m.gatewayAddress);
  out.set(m.clientHardwareAddress, offset + 28);
  out.set(m.serverName, offset + 44);
  out.set(m.bootFile, offset + 108);
  writeU32(out, offset + 236, DHCP_MAGIC_COOKIE);
  let o = offset + FIXED_LENGTH;
  let ended = false;
  for (const opt of m.options) {
    if (ended) throw new WireError('bad-value', LAYER, 'options', o, 'nothing after the end option', opt.kind);
    switch (opt.kind) {
      case 'pad': out[o++] = 0; break;
      case 'end': out[o++] = 255; ended = true; break;
      case 'message-type': out[o] = 53; out[o + 1] = 1; out[o + 2] = opt.messageType; o += 3; break;
      case 'requested-address': out[o] = 50; out[o + 1] = 4; writeIpv4(out, o + 2, opt.address); o += 6; break;
      case 'lease-time': out[o] = 51; out[o + 1] = 4; writeU32(out, o + 2, opt.seconds); o += 6; break;
      case 'server-identifier': out[o] = 54; out[o + 1] = 4; writeIpv4(out, o + 2, opt.address); o += 6; break;
      case 'client-identifier':
      case 'raw': {
        const code = opt.kind === 'raw' ? opt.code : 61;
        if (code === 0 || code === 255 || code > 255) throw new WireError('bad-value', LAYER, 'option code', o, '1-254', code);
        if (opt.data.length > 255) throw new WireError('bad-length', LAYER, `option ${code}`, o + 1, '<= 255', opt.data.length);
        out[o] = code; out[o + 1] = opt.data.length; out.set(opt.data, o + 2); o += 2 + opt.data.length;
        break;
      }
      case 'host-name': {
        if (opt.name.length > 255) throw new WireError('bad-length', LAYER, 'option 12', o + 1, '<= 255', opt.name.length);
        out[o] = 12; out[o + 1] = opt.name.length;
        for (let i = 0; i < opt.name.length; i++) {
          const c = opt.name.charCodeAt(i);
          if (c > 0xff) throw new WireError('bad-value', LAYER, 'option 12', o + 2 + i, 'a Latin-1 character', c);
          out[o + 2 + i] = c;
        }
        o += 2 + opt.name.length;
        break;
      }
    }
  }
  out.set(m.trailer, o);
  return o + m.trailer.length - offset;
}

/** The DHCP codec. */
export const dhcpCodec: Codec<DhcpMessage> = {
  layer: LAYER,
  encodedLength: dhcpLength,
  emit: (m, out, offset) => emitDhcp(m, out, offset),
  parse: (bytes, start, end) => parseDhcp(bytes, start, end),
};
