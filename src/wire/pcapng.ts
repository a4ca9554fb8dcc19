/**
 * pcapng files (draft-ietf-opsawg-pcapng): Section Header, Interface Description, Enhanced Packet,
 * Simple Packet and the obsolete Packet Block are read; every other block is skipped. Several sections
 * (each with its own byte order) and several interfaces are supported, with each interface's
 * `if_tsresol` and `if_tsoffset`. The writer emits one little-endian section whose interfaces all use
 * nanosecond resolution.
 */
import type { BufferedSource } from './byte-source.js';
import type { BufferedSink } from './byte-sink.js';
import type { CaptureCursor } from './capture-record.js';
import { WireError } from './errors.js';

const LAYER = 'pcapng';

export const PCAPNG_BLOCK_SECTION_HEADER = 0x0a0d0d0a;
export const PCAPNG_BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
export const PCAPNG_BLOCK_PACKET = 0x00000002;
export const PCAPNG_BLOCK_SIMPLE_PACKET = 0x00000003;
export const PCAPNG_BLOCK_ENHANCED_PACKET = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPTION_END = 0;
const OPTION_IF_NAME = 2;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;
const MAX_BLOCK = 256 << 20;

interface InterfaceInfo {
  readonly linkType: number;
  readonly snapLength: number;
  /** Units per second as 10^k or 2^k. */
  readonly base: 10 | 2;
  readonly exponent: number;
  readonly offsetSeconds: number;
}

function u32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + (b[o + 3]! << 24 >>> 0)
    : ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

/** True when the first four bytes are a Section Header Block type (the same in both byte orders). */
export function isPcapngMagic(b: Uint8Array, o: number): boolean {
  return u32(b, o, false) === PCAPNG_BLOCK_SECTION_HEADER;
}

/** Reads the packets of a pcapng stream; it is its own cursor. */
export class PcapngRecordReader implements CaptureCursor {
  private readonly src: BufferedSource;
  private le = true;
  private interfaces: InterfaceInfo[] = [];
  private sawSection = false;
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  interfaceId = 0;
  linkType = 0;
  seconds = 0;
  nanoseconds = 0;
  originalLength = 0;

  constructor(src: BufferedSource) {
    this.src = src;
  }

  /** Moves to the next packet; false at a clean end of file. */
  advance(): boolean {
    for (;;) {
      const src = this.src;
      const at = src.position;
      const got = src.ensure(12);
      if (got === 0) {
        if (!this.sawSection) throw new WireError('truncated', LAYER, 'section header', at, 'a block', 'end of file');
        return false;
      }
      if (got < 12) throw new WireError('truncated', LAYER, 'block header', at, '12 bytes', `${got} bytes`);
      let b = src.bytes;
      let o = src.offset;
      const type = u32(b, o, this.le);
      if (type === PCAPNG_BLOCK_SECTION_HEADER) {
        const magic = u32(b, o + 8, true);
        if (magic === BYTE_ORDER_MAGIC) this.le = true;
        else if (u32(b, o + 8, false) === BYTE_ORDER_MAGIC) this.le = false;
        else throw new WireError('bad-value', LAYER, 'byte-order magic', at + 8, '0x1a2b3c4d', `0x${u32(b, o + 8, false).toString(16)}`);
        this.interfaces = [];
        this.sawSection = true;
      } else if (!this.sawSection) {
        throw new WireError('bad-value', LAYER, 'first block type', at, 'a section header block', `0x${type.toString(16)}`);
      }
      const length = u32(b, o + 4, this.le);
      if (length < 12 || length % 4 !== 0) {
        throw new WireError('bad-length', LAYER, 'block total length', at + 4, 'a multiple of 4, at least 12', length);
      }
      if (length > MAX_BLOCK) {
        if (type === PCAPNG_BLOCK_SECTION_HEADER || type === PCAPNG_BLOCK_INTERFACE_DESCRIPTION ||
          type === PCAPNG_BLOCK_ENHANCED_PACKET || type === PCAPNG_BLOCK_SIMPLE_PACKET || type === PCAPNG_BLOCK_PACKET) {
          throw new WireError('bad-length', LAYER, 'block total length', at + 4, `<= ${MAX_BLOCK}`, length);
        }
        if (!src.skipStreamed(length)) throw new WireError('truncated', LAYER, 'block', at, `${length} bytes`, 'end of file');
        continue;
      }
      const have = src.ensure(length);
      if (have < length) throw new WireError('truncated', LAYER, 'block', at, `${length} bytes`, `${have} bytes`);
      b = src.bytes;
      o = src.offset;
      const trailing = u32(b, o + length - 4, this.le);
      if (trailing !== length) {
        throw new WireError('bad-length', LAYER, 'trailing block total length', at + length - 4, length, trailing);
      }
      let found = false;
      switch (type) {
        case PCAPNG_BLOCK_SECTION_HEADER: {
          if (length < 28) throw new WireError('bad-length', LAYER, 'section header block', at + 4, '>= 28', length);
          const major = u16(b, o + 12, this.le);
          if (major !== 1) throw new WireError('unsupported', LAYER, 'major version', at + 12, 1, major);
          break;
        }
        case PCAPNG_BLOCK_INTERFACE_DESCRIPTION:
          this.interfaces.push(this.readInterface(b, o, length, at));
          break;
        case PCAPNG_BLOCK_ENHANCED_PACKET:
        case PCAPNG_BLOCK_PACKET:
          this.readPacket(type, b, o, length, at);
          found = true;
          break;
        case PCAPNG_BLOCK_SIMPLE_PACKET:
          this.readSimplePacket(b, o, length, at);
          found = true;
          break;
        default:
          break;
      }
      src.skip(length);
      if (found) return true;
    }
  }

  private readInterface(b: Uint8Array, o: number, length: number, at: number): InterfaceInfo {
    if (length < 20) throw new WireError('bad-length', LAYER, 'interface description block', at + 4, '>= 20', length);
    const linkType = u16(b, o + 8, this.le);
    const snapLength = u32(b, o + 12, this.le);
    let base: 10 | 2 = 10;
    let exponent = 6;
    let offsetSeconds = 0;
    let p = o + 16;
    const end = o + length - 4;
    while (p + 4 <= end) {
      const code = u16(b, p, this.le);
      const len = u16(b, p + 2, this.le);
      if (code === OPTION_END) break;
      if (p + 4 + len > end) throw new WireError('bad-length', LAYER, `interface option ${code}`, at + (p - o) + 2, `<= ${end - p - 4}`, len);
      if (code === OPTION_IF_TSRESOL && len >= 1) {
        const v = b[p + 4]!;
        base = v & 0x80 ? 2 : 10;
        exponent = v & 0x7f;
      } else if (code === OPTION_IF_TSOFFSET && len >= 8) {
        const lo = u32(b, p + 4, this.le);
        const hi = u32(b, p + 8, this.le);
        const first = this.le ? lo : hi;
        const second = this.le ? hi : lo;
        offsetSeconds = Number(BigInt.asIntN(64, (BigInt(second) << 32n) | BigInt(first)));
      }
      p += 4 + ((len + 3) & ~3);
    }
    if ((base === 10 && exponent > 18) || (base === 2 && exponent > 63)) {
      throw new WireError('unsupported', LAYER, 'if_tsresol', at, 'at most 10^-18 or 2^-63', `${base}^-${exponent}`);
    }
    return { linkType, snapLength, base, exponent, offsetSeconds };
  }

  private interfaceAt(id: number, at: number): InterfaceInfo {
    const info = this.interfaces[id];
    if (info === undefined) {
      throw new WireError('bad-value', LAYER, 'interface id', at, `< ${this.interfaces.length}`, id);
    }
    return info;
  }

  private readPacket(type: number, b: Uint8Array, o: number, length: number, at: number): void {
    if (length < 32) throw new WireError('bad-length', LAYER, 'packet block', at + 4, '>= 32', length);
    const obsolete = type === PCAPNG_BLOCK_PACKET;
    const interfaceId = obsolete ? u16(b, o + 8, this.le) : u32(b, o + 8, this.le);
    const info = this.interfaceAt(interfaceId, at + 8);
    const high = u32(b, o + 12, this.le);
    const low = u32(b, o + 16, this.le);
    const capturedLength = u32(b, o + 20, this.le);
    const originalLength = u32(b, o + 24, this.le);
    if (28 + capturedLength > length - 4) {
      throw new WireError('bad-length', LAYER, 'captured length', at + 20, `<= ${length - 32}`, capturedLength);
    }
    const { seconds, nanoseconds } = toTime(high, low, info);
    this.set(b, o + 28, o + 28 + capturedLength, interfaceId, info.linkType, seconds, nanoseconds, originalLength);
  }

  private set(bytes: Uint8Array, start: number, end: number, interfaceId: number, linkType: number, seconds: number, nanoseconds: number, originalLength: number): void {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.interfaceId = interfaceId;
    this.linkType = linkType;
    this.seconds = seconds;
    this.nanoseconds = nanoseconds;
    this.originalLength = originalLength;
  }

  private readSimplePacket(b: Uint8Array, o: number, length: number, at: number): void {
    if (length < 16) throw new WireError('bad-length', LAYER, 'simple packet block', at + 4, '>= 16', length);
    const info = this.interfaceAt(0, at);
    const originalLength = u32(b, o + 8, this.le);
    let captured = Math.min(originalLength, length - 16);
    if (info.snapLength > 0) captured = Math.min(captured, info.snapLength);
    this.set(b, o + 12, o + 12 + captured, 0, info.linkType, 0, 0, originalLength);
  }
}

function toTime(high: number, low: number, info: InterfaceInfo): { seconds: number; nanoseconds: number } {
  const units = high * 0x1_0000_0000 + low;
  if (info.base === 10 && units <= Number.MAX_SAFE_INTEGER && info.exponent <= 9) {
    const per = 10 ** info.exponent;
    const seconds = Math.floor(units / per);
    return { seconds: seconds + info.offsetSeconds, nanoseconds: (units - seconds * per) * 10 ** (9 - info.exponent) };
  }
  const big = (BigInt(high) << 32n) | BigInt(low);
  const per = info.base === 10 ? 10n ** BigInt(info.exponent) : 1n << BigInt(info.exponent);
  const seconds = big / per;
  const rest = big % per;
  return { seconds: Number(seconds) + info.offsetSeconds, nanoseconds: Number((rest * 1_000_000_000n) / per) };
}

function putU32le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

function putU16le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

/** An interface to declare in a pcapng file. */
export interface PcapngInterface {
  readonly linkType: number;
  /** if_name, optional. */
  readonly name?: string;
  readonly snapLength?: number;
}

/** Writes one little-endian pcapng section with nanosecond timestamps on every interface. */
export class PcapngWriter {
  private readonly sink: BufferedSink;
  private readonly snapLengths: number[] = [];

  constructor(sink: BufferedSink) {
    this.sink = sink;
    const shb = new Uint8Array(28);
    putU32le(shb, 0, PCAPNG_BLOCK_SECTION_HEADER);
    putU32le(shb, 4, 28);
    putU32le(shb, 8, BYTE_ORDER_MAGIC);
    putU16le(shb, 12, 1);
    putU16le(shb, 14, 0);
    // Section length unknown: -1 (all ones).
    putU32le(shb, 16, 0xffffffff);
    putU32le(shb, 20, 0xffffffff);
    putU32le(shb, 24, 28);
    sink.write(shb);
  }

  /** Declares an interface; returns its id for {@link write}. */
  addInterface(spec: PcapngInterface): number {
    const snapLength = spec.snapLength ?? 262_144;
    const name = spec.name === undefined ? undefined : new TextEncoder().encode(spec.name);
    const nameOption = name === undefined ? 0 : 4 + ((name.length + 3) & ~3);
    // Header (16) + if_tsresol option (8) + if_name option + opt_endofopt (4) + trailing length (4).
    const length = 16 + 8 + nameOption + 4 + 4;
    const b = new Uint8Array(length);
    putU32le(b, 0, PCAPNG_BLOCK_INTERFACE_DESCRIPTION);
    putU32le(b, 4, length);
    putU16le(b, 8, spec.linkType);
    putU32le(b, 12, snapLength);
    let p = 16;
    putU16le(b, p, OPTION_IF_TSRESOL);
    putU16le(b, p + 2, 1);
    b[p + 4] = 9;
    p += 8;
    if (name !== undefined) {
      putU16le(b, p, OPTION_IF_NAME);
      putU16le(b, p + 2, name.length);
      b.set(name, p + 4);
      p += nameOption;
    }
    p += 4; // opt_endofopt (zeros)
    putU32le(b, p, length);
    this.sink.write(b);
    this.snapLengths.push(snapLength);
    return this.snapLengths.length - 1;
  }

  /** Appends one frame on interface `interfaceId`. */
  write(interfaceId: number, seconds: number, nanoseconds: number, data: Uint8Array, originalLength = data.length): void {
    const snap = this.snapLengths[interfaceId];
    if (snap === undefined) throw new RangeError(`pcapng interface ${interfaceId} was not declared`);
    const n = Math.min(data.length, snap);
    const padded = (n + 3) & ~3;
    const length = 32 + padded;
    const ts = BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
    const sink = this.sink;
    const at = sink.reserve(length);
    const b = sink.bytes;
    putU32le(b, at, PCAPNG_BLOCK_ENHANCED_PACKET);
    putU32le(b, at + 4, length);
    putU32le(b, at + 8, interfaceId);
    putU32le(b, at + 12, Number(ts >> 32n));
    putU32le(b, at + 16, Number(ts & 0xffffffffn));
    putU32le(b, at + 20, n);
    putU32le(b, at + 24, originalLength);
    b.set(n === data.length ? data : data.subarray(0, n), at + 28);
    b.fill(0, at + 28 + n, at + 28 + padded);
    putU32le(b, at + 28 + padded, length);
    sink.commit(length);
  }

  close(): void {
    this.sink.close();
  }
}
