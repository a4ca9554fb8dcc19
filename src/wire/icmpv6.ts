/**
 * ICMPv6 (RFC 4443) with the pseudo-header checksum, and the Neighbor Discovery messages of RFC 4861
 * §4.1-§4.5: Router Solicitation, Router Advertisement, Neighbor Solicitation, Neighbor Advertisement
 * (R/S/O flags) and Redirect, each with its options (nd-options.ts). Other ICMPv6 types are kept raw.
 *
 * The codec checks lengths and the checksum; the RFC's other validity rules (hop limit 255, code 0,
 * no SLLAO in a DAD solicitation, …, §7.1) are a receiver's business and live in the stacks. Code and
 * reserved bits are kept so that whatever is parsed re-emits byte for byte.
 */
import { finishChecksum, readU16, readU32, sumWords, writeU16, writeU32 } from './bytes.js';
import type { Codec, ParseOptions } from './codec.js';
import { WireError, need } from './errors.js';
import type { Ipv6Address } from './ipv6-address.js';
import { readIpv6, writeIpv6 } from './ipv6-address.js';
import type { NdOption } from './nd-options.js';
import { emitNdOptions, ndOptionsLength, parseNdOptions } from './nd-options.js';
import type { PseudoHeader } from './pseudo-header.js';
import { pseudoHeaderSum } from './pseudo-header.js';

const LAYER = 'icmpv6';

/** Next-header value of ICMPv6. */
export const IP_PROTOCOL_ICMPV6 = 58;
/** ICMPv6 type numbers of Neighbor Discovery. */
export const ICMPV6_ROUTER_SOLICITATION = 133;
export const ICMPV6_ROUTER_ADVERTISEMENT = 134;
export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
export const ICMPV6_REDIRECT = 137;

interface Icmpv6Common {
  readonly kind: 'icmpv6';
  readonly code: number;
  /** Present only when the checksum must be written verbatim. */
  readonly checksum?: number;
}

/** Neighbor Solicitation (RFC 4861 §4.3). */
export interface NeighborSolicitation extends Icmpv6Common {
  readonly type: 'ns';
  readonly reserved: number;
  readonly targetAddress: Ipv6Address;
  readonly options: readonly NdOption[];
}

/** Neighbor Advertisement (RFC 4861 §4.4). */
export interface NeighborAdvertisement extends Icmpv6Common {
  readonly type: 'na';
  readonly routerFlag: boolean;
  readonly solicitedFlag: boolean;
  readonly overrideFlag: boolean;
  /** The 29 reserved bits after R, S and O. */
  readonly reserved: number;
  readonly targetAddress: Ipv6Address;
  readonly options: readonly NdOption[];
}

/** Router Solicitation (RFC 4861 §4.1). */
export interface RouterSolicitation extends Icmpv6Common {
  readonly type: 'rs';
  readonly reserved: number;
  readonly options: readonly NdOption[];
}

/** Router Advertisement (RFC 4861 §4.2). */
export interface RouterAdvertisement extends Icmpv6Common {
  readonly type: 'ra';
  readonly currentHopLimit: number;
  readonly managedFlag: boolean;
  readonly otherConfigFlag: boolean;
  /** The six low bits of the flags octet (home agent, preference, … in later RFCs). */
  readonly reservedFlags: number;
  readonly routerLifetime: number;
  readonly reachableTime: number;
  readonly retransTimer: number;
  readonly options: readonly NdOption[];
}

/** Redirect (RFC 4861 §4.5). */
export interface Redirect extends Icmpv6Common {
  readonly type: 'redirect';
  readonly reserved: number;
  readonly targetAddress: Ipv6Address;
  readonly destinationAddress: Ipv6Address;
  readonly options: readonly NdOption[];
}

/** Any other ICMPv6 message: its type number and the bytes after the checksum. */
export interface Icmpv6Other extends Icmpv6Common {
  readonly type: 'other';
  readonly icmpType: number;
  readonly body: Uint8Array;
}

/** An ICMPv6 message. */
export type Icmpv6Message =
  | NeighborSolicitation
  | NeighborAdvertisement
  | RouterSolicitation
  | RouterAdvertisement
  | Redirect
  | Icmpv6Other;

/** Length of the encoded message. */
export function icmpv6Length(m: Icmpv6Message): number {
  switch (m.type) {
    case 'ns':
    case 'na': return 24 + ndOptionsLength(m.options);
    case 'rs': return 8 + ndOptionsLength(m.options);
    case 'ra': return 16 + ndOptionsLength(m.options);
    case 'redirect': return 40 + ndOptionsLength(m.options);
    case 'other': return 4 + m.body.length;
  }
}

const MIN_LENGTH: Record<number, number> = {
  [ICMPV6_ROUTER_SOLICITATION]: 8,
  [ICMPV6_ROUTER_ADVERTISEMENT]: 16,
  [ICMPV6_NEIGHBOR_SOLICITATION]: 24,
  [ICMPV6_NEIGHBOR_ADVERTISEMENT]: 24,
  [ICMPV6_REDIRECT]: 40,
};

/** Parses an ICMPv6 message filling `bytes[start, end)`; `pseudo` gives the checksum's addresses. */
export function parseIcmpv6(
  bytes: Uint8Array,
  start: number,
  end: number,
  pseudo: PseudoHeader,
  options: ParseOptions = {},
): Icmpv6Message {
  need(LAYER, 'header', start, 4, end);
  const length = end - start;
  const field = readU16(bytes, start + 2);
  const computed = finishChecksum(
    sumWords(bytes, start, start + 2, sumWords(bytes, start + 4, end, pseudoHeaderSum(pseudo, IP_PROTOCOL_ICMPV6, length))),
  );
  let checksum: number | undefined;
  if (field !== computed) {
    if ((options.checksums ?? 'verify') === 'verify') {
      throw new WireError('bad-checksum', LAYER, 'checksum', start + 2, `0x${computed.toString(16)}`, `0x${field.toString(16)}`);
    }
    checksum = field;
  }
  const type = bytes[start]!;
  const code = bytes[start + 1]!;
  const min = MIN_LENGTH[type];
  if (min !== undefined && length < min) {
    throw new WireError('bad-length', LAYER, `type ${type} message`, start, `>= ${min} bytes`, `${length} bytes`);
  }
  let m: Icmpv6Message;
  switch (type) {
    case ICMPV6_NEIGHBOR_SOLICITATION:
      m = {
        kind: 'icmpv6', type: 'ns', code,
        reserved: readU32(bytes, start + 4),
        targetAddress: readIpv6(bytes, start + 8),
        options: parseNdOptions(bytes, start + 24, end),
      };
      break;
    case ICMPV6_NEIGHBOR_ADVERTISEMENT: {
      const word = readU32(bytes, start + 4);
      m = {
        kind: 'icmpv6', type: 'na', code,
        routerFlag: (word & 0x8000_0000) !== 0,
        solicitedFlag: (word & 0x4000_0000) !== 0,
        overrideFlag: (word & 0x2000_0000) !== 0,
        reserved: word & 0x1fff_ffff,
        targetAddress: readIpv6(bytes, start + 8),
        options: parseNdOptions(bytes, start + 24, end),
      };
      break;
    }
    case ICMPV6_ROUTER_SOLICITATION:
      m = { kind: 'icmpv6', type: 'rs', code, reserved: readU32(bytes, start + 4), options: parseNdOptions(bytes, start + 8, end) };
      break;
    case ICMPV6_ROUTER_ADVERTISEMENT: {
      const flags = bytes[start + 5]!;
      m = {
        kind: 'icmpv6', type: 'ra', code,
        currentHopLimit: bytes[start + 4]!,
        managedFlag: (flags & 0x80) !== 0,
        otherConfigFlag: (flags & 0x40) !== 0,
        reservedFlags: flags & 0x3f,
        routerLifetime: readU16(bytes, start + 6),
        reachableTime: readU32(bytes, start + 8),
        retransTimer: readU32(bytes, start + 12),
        options: parseNdOptions(bytes, start + 16, end),
      };
      break;
    }
    case ICMPV6_REDIRECT:
      m = {
        kind: 'icmpv6', type: 'redirect', code,
        reserved: readU32(bytes, start + 4),
        targetAddress: readIpv6(bytes, start + 8),
        destinationAddress: readIpv6(bytes, start + 24),
        options: parseNdOptions(bytes, start + 40, end),
      };
      break;
    default:
      m = { kind: 'icmpv6', type: 'other', icmpType: type, code, body: bytes.subarray(start + 4, end) };
  }
  return checksum === undefined ? m : { ...m, checksum };
}

/** Writes `m` at `offset`, computing the checksum over `pseudo` unless `m.checksum` is set. */
export function emitIcmpv6(m: Icmpv6Message, out: Uint8Array, offset: number, pseudo: PseudoHeader): number {
  const length = icmpv6Length(m);
  out[offset + 1] = m.code;
  writeU16(out, offset + 2, 0);
  switch (m.type) {
    case 'ns':
      out[offset] = ICMPV6_NEIGHBOR_SOLICITATION;
      writeU32(out, offset + 4, m.reserved);
      writeIpv6(out, offset + 8, m.targetAddress);
      emitNdOptions(m.options, out, offset + 24);
      break;
    case 'na':
      out[offset] = ICMPV6_NEIGHBOR_ADVERTISEMENT;
      writeU32(out, offset + 4,
        ((m.routerFlag ? 0x8000_0000 : 0) | (m.solicitedFlag ? 0x4000_0000 : 0) | (m.overrideFlag ? 0x2000_0000 : 0) |
          (m.reserved & 0x1fff_ffff)) >>> 0);
      writeIpv6(out, offset + 8, m.targetAddress);
      emitNdOptions(m.options, out, offset + 24);
      break;
    case 'rs':
      out[offset] = ICMPV6_ROUTER_SOLICITATION;
      writeU32(out, offset + 4, m.reserved);
      emitNdOptions(m.options, out, offset + 8);
      break;
    case 'ra':
      out[offset] = ICMPV6_ROUTER_ADVERTISEMENT;
      out[offset + 4] = m.currentHopLimit;
      out[offset + 5] = (m.managedFlag ? 0x80 : 0) | (m.otherConfigFlag ? 0x40 : 0) | (m.reservedFlags & 0x3f);
      writeU16(out, offset + 6, m.routerLifetime);
      writeU32(out, offset + 8, m.reachableTime);
      writeU32(out, offset + 12, m.retransTimer);
      emitNdOptions(m.options, out, offset + 16);
      break;
    case 'redirect':
      out[offset] = ICMPV6_REDIRECT;
      writeU32(out, offset + 4, m.reserved);
      writeIpv6(out, offset + 8, m.targetAddress);
      writeIpv6(out, offset + 24, m.destinationAddress);
      emitNdOptions(m.options, out, offset + 40);
      break;
    case 'other':
      if (MIN_LENGTH[m.icmpType] !== undefined) {
        throw new WireError('bad-value', LAYER, 'type', offset, 'a type that is not Neighbor Discovery', m.icmpType);
      }
      out[offset] = m.icmpType;
      out.set(m.body, offset + 4);
      break;
  }
  const checksum = m.checksum ??
    finishChecksum(sumWords(out, offset, offset + length, pseudoHeaderSum(pseudo, IP_PROTOCOL_ICMPV6, length)));
  writeU16(out, offset + 2, checksum);
  return length;
}

/** The ICMPv6 codec; its context is the pseudo-header. */
export const icmpv6Codec: Codec<Icmpv6Message, PseudoHeader> = {
  layer: LAYER,
  encodedLength: icmpv6Length,
  emit: emitIcmpv6,
  parse: parseIcmpv6,
};
