/**
 * ICMPv4 (RFC 792): type, code, checksum, the four "rest of header" bytes and the data. Echo request
 * (8) and echo reply (0) read those four bytes as identifier and sequence number (see {@link echoOf}).
 */
import { finishChecksum, readU16, readU32, sumWords, writeU16, writeU32 } from './bytes.js';
import type { Codec, ParseOptions } from './codec.js';
import { WireError, need } from './errors.js';

const LAYER = 'icmpv4';

/** ICMPv4 types used here. */
export const ICMPV4_ECHO_REPLY = 0;
export const ICMPV4_DESTINATION_UNREACHABLE = 3;
export const ICMPV4_ECHO_REQUEST = 8;

/** An ICMPv4 message. */
export interface Icmpv4Message {
  readonly kind: 'icmpv4';
  readonly type: number;
  readonly code: number;
  /** Bytes 4-7 as a 32-bit number: identifier and sequence number for echo messages. */
  readonly restOfHeader: number;
  readonly data: Uint8Array;
  /** Present only when the checksum must be written verbatim. */
  readonly checksum?: number;
}

/** An echo request or reply with its identifier and sequence number. */
export function icmpv4Echo(type: 0 | 8, identifier: number, sequenceNumber: number, data: Uint8Array): Icmpv4Message {
  return { kind: 'icmpv4', type, code: 0, restOfHeader: ((identifier & 0xffff) * 0x10000) + (sequenceNumber & 0xffff), data };
}

/** Identifier and sequence number of an echo message, `undefined` for other types. */
export function echoOf(m: Icmpv4Message): { identifier: number; sequenceNumber: number } | undefined {
  if (m.type !== ICMPV4_ECHO_REQUEST && m.type !== ICMPV4_ECHO_REPLY) return undefined;
  return { identifier: Math.floor(m.restOfHeader / 0x10000), sequenceNumber: m.restOfHeader & 0xffff };
}

/** Length of the encoded message. */
export function icmpv4Length(m: Icmpv4Message): number {
  return 8 + m.data.length;
}

/** Parses an ICMPv4 message that fills `bytes[start, end)`. */
export function parseIcmpv4(bytes: Uint8Array, start: number, end: number, options: ParseOptions = {}): Icmpv4Message {
  need(LAYER, 'header', start, 8, end);
  const field = readU16(bytes, start + 2);
  const computed = finishChecksum(sumWords(bytes, start, start + 2, sumWords(bytes, start + 4, end)));
  let checksum: number | undefined;
  if (field !== computed) {
    if ((options.checksums ?? 'verify') === 'verify') {
      throw new WireError('bad-checksum', LAYER, 'checksum', start + 2, `0x${computed.toString(16)}`, `0x${field.toString(16)}`);
    }
    checksum = field;
  }
  const m: Icmpv4Message = {
    kind: 'icmpv4',
    type: bytes[start]!,
    code: bytes[start + 1]!,
    restOfHeader: readU32(bytes, start + 4),
    data: bytes.subarray(start + 8, end),
  };
  return checksum === undefined ? m : { ...m, checksum };
}

/** Writes `m` at `offset`. */
export function emitIcmpv4(m: Icmpv4Message, out: Uint8Array, offset: number): number {
  const length = icmpv4Length(m);
  out[offset] = m.type;
  out[offset + 1] = m.code;
  writeU16(out, offset + 2, 0);
  writeU32(out, offset + 4, m.restOfHeader);
  out.set(m.data, offset + 8);
  writeU16(out, offset + 2, m.checksum ?? finishChecksum(sumWords(out, offset, offset + length)));
  return length;
}

/** The ICMPv4 codec. */
export const icmpv4Codec: Codec<Icmpv4Message> = {
  layer: LAYER,
  encodedLength: icmpv4Length,
  emit: (m, out, offset) => emitIcmpv4(m, out, offset),
  parse: (bytes, start, end, _context, options) => parseIcmpv4(bytes, start, end, options),
};
