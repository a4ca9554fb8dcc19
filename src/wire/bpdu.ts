/**
 * Spanning-tree BPDUs (IEEE 802.1D-1998 §9, 802.1D-2004 §9.3): Configuration (35 bytes), Topology
 * Change Notification (4 bytes) and Rapid Spanning Tree (36 bytes; MSTP's extension kept raw).
 * Times are in the wire's units of 1/256 s. Flags are kept whole; the named bits are below.
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import type { Codec } from './codec.js';
import { WireError, need } from './errors.js';
import type { MacAddress } from './mac.js';
import { readMac, writeMac } from './mac.js';

const LAYER = 'stp';

/** BPDU type octet values. */
export const BPDU_TYPE_CONFIG = 0x00;
export const BPDU_TYPE_TCN = 0x80;
export const BPDU_TYPE_RST = 0x02;
/** Flag bits (802.1D-2004 §9.3.3). STP uses only TC and TC acknowledgment. */
export const BPDU_FLAG_TOPOLOGY_CHANGE = 0x01;
export const BPDU_FLAG_PROPOSAL = 0x02;
export const BPDU_FLAG_PORT_ROLE_MASK = 0x0c;
export const BPDU_FLAG_LEARNING = 0x10;
export const BPDU_FLAG_FORWARDING = 0x20;
export const BPDU_FLAG_AGREEMENT = 0x40;
export const BPDU_FLAG_TOPOLOGY_CHANGE_ACK = 0x80;
/** Port role values in bits 2-3 of the RST flags. */
export const BPDU_ROLE_UNKNOWN = 0;
export const BPDU_ROLE_ALTERNATE_BACKUP = 1;
export const BPDU_ROLE_ROOT = 2;
export const BPDU_ROLE_DESIGNATED = 3;

/** An 8-byte bridge identifier: 16-bit priority (with any system-ID extension) and a MAC. */
export interface BridgeId {
  readonly priority: number;
  readonly address: MacAddress;
}

/** Priority vector and timers shared by Configuration and RST BPDUs. */
interface BpduVector {
  readonly kind: 'bpdu';
  readonly protocolId: number;
  readonly version: number;
  readonly flags: number;
  readonly rootId: BridgeId;
  readonly rootPathCost: number;
  readonly bridgeId: BridgeId;
  readonly portId: number;
  /** 1/256 s units. */
  readonly messageAge: number;
  readonly maxAge: number;
  readonly helloTime: number;
  readonly forwardDelay: number;
}

/** Configuration BPDU. */
export interface ConfigBpdu extends BpduVector {
  readonly type: 'config';
}

/** Rapid Spanning Tree BPDU (version 2; MSTP version 3 keeps its extension raw). */
export interface RstBpdu extends BpduVector {
  readonly type: 'rst';
  readonly version1Length: number;
  /** Bytes after the 36-byte RST BPDU (the MSTP part), raw. */
  readonly extension: Uint8Array;
}

/** Topology Change Notification BPDU. */
export interface TcnBpdu {
  readonly kind: 'bpdu';
  readonly type: 'tcn';
  readonly protocolId: number;
  readonly version: number;
}

/** Any BPDU. */
export type Bpdu = ConfigBpdu | RstBpdu | TcnBpdu;

/** Length of the encoded BPDU. */
export function bpduLength(b: Bpdu): number {
  return b.type === 'tcn' ? 4 : b.type === 'config' ? 35 : 36 + b.extension.length;
}

/** The port role carried in RST flags. */
export function bpduPortRole(flags: number): number {
  return (flags & BPDU_FLAG_PORT_ROLE_MASK) >>> 2;
}

function readBridgeId(b: Uint8Array, o: number): BridgeId {
  return { priority: readU16(b, o), address: readMac(b, o + 2) };
}

function writeBridgeId(b: Uint8Array, o: number, id: BridgeId): void {
  writeU16(b, o, id.priority);
  writeMac(b, o + 2, id.address);
}

/** True when a BPDU type octet is one this codec decodes. */
export function isKnownBpduType(type: number): boolean {
  return type === BPDU_TYPE_CONFIG || type === BPDU_TYPE_TCN || type === BPDU_TYPE_RST;
}

/** Parses a BPDU filling `bytes[start, end)` exactly. */
export function parseBpdu(bytes: Uint8Array, start: number, end: number): Bpdu {
  need(LAYER, 'header', start, 4, end);
  const protocolId = readU16(bytes, start);
  const version = bytes[start + 2]!;
  const type = bytes[start + 3]!;
  const length = end - start;
  if (type === BPDU_TYPE_TCN) {
    if (length !== 4) throw new WireError('bad-length', LAYER, 'TCN BPDU', start, '4 bytes', `${length} bytes`);
    return { kind: 'bpdu', type: 'tcn', protocolId, version };
  }
  if (type !== BPDU_TYPE_CONFIG && type !== BPDU_TYPE_RST) {
    throw new WireError('unsupported', LAYER, 'BPDU type', start + 3, '0x00, 0x02 or 0x80', `0x${type.toString(16)}`);
  }
  const min = type === BPDU_TYPE_CONFIG ? 35 : 36;
  need(LAYER, type === BPDU_TYPE_CONFIG ? 'configuration BPDU' : 'RST BPDU', start, min, end);
  if (type === BPDU_TYPE_CONFIG && length !== 35) {
    throw new WireError('bad-length', LAYER, 'configuration BPDU', start, '35 bytes', `${length} bytes`);
  }
  const vector = {
    kind: 'bpdu' as const,
    protocolId,
    version,
    flags: bytes[start + 4]!,
    rootId: readBridgeId(bytes, start + 5),
    rootPathCost: readU32(bytes, start + 13),
    bridgeId: readBridgeId(bytes, start + 17),
    portId: readU16(bytes, start + 25),
    messageAge: readU16(bytes, start + 27),
    maxAge: readU16(bytes, start + 29),
    helloTime: readU16(bytes, start + 31),
    forwardDelay: readU16(bytes, start + 33),
  };
  if (type === BPDU_TYPE_CONFIG) return { ...vector, type: 'config' };
  return { ...vector, type: 'rst', version1Length: bytes[start + 35]!, extension: bytes.subarray(start + 36, end) };
}

/** Writes `b` at `offset`. */
export function emitBpdu(b: Bpdu, out: Uint8Array, offset: number): number {
  writeU16(out, offset, b.protocolId);
  out[offset + 2] = b.version;
  if (b.type === 'tcn') {
    out[offset + 3] = BPDU_TYPE_TCN;
    return 4;
  }
  out[offset + 3] = b.type === 'config' ? BPDU_TYPE_CONFIG : BPDU_TYPE_RST;
  out[offset + 4] = b.flags;
  writeBridgeId(out, offset + 5, b.rootId);
  writeU32(out, offset + 13, b.rootPathCost);
  writeBridgeId(out, offset + 17, b.bridgeId);
  writeU16(out, offset + 25, b.portId);
  writeU16(out, offset + 27, b.messageAge);
  writeU16(out, offset + 29, b.maxAge);
  writeU16(out, offset + 31, b.helloTime);
  writeU16(out, offset + 33, b.forwardDelay);
  if (b.type === 'config') return 35;
  out[offset + 35] = b.version1Length;
  out.set(b.extension, offset + 36);
  return 36 + b.extension.length;
}

/** The BPDU codec. */
export const bpduCodec: Codec<Bpdu> = {
  layer: LAYER,
  encodedLength: bpduLength,
  emit: (b, out, offset) => emitBpdu(b, out, offset),
  parse: (bytes, start, end) => parseBpdu(bytes, start, end),
};
