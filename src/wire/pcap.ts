/**
 * Classic libpcap files: microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magic numbers, in
 * either byte order, read as a stream. The writer always writes little-endian with the nanosecond
 * magic, so the same records give the same bytes on any machine.
 * Format: draft-ietf-opsawg-pcap (file header 24 bytes, record header 16 bytes).
 */
import type { BufferedSource } from './byte-source.js';
import type { BufferedSink } from './byte-sink.js';
import type { CaptureCursor } from './capture-record.js';
import { LINKTYPE_ETHERNET } from './capture-record.js';
import { WireError } from './errors.js';

const LAYER = 'pcap';

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
/** Largest record the reader accepts (well above any real snapshot length). */
const MAX_RECORD = 256 << 20;

function u32(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + (b[o + 3]! << 24 >>> 0)
    : ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

function u16(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

/** True when the first four bytes are a classic pcap magic number in either byte order. */
export function isPcapMagic(b: Uint8Array, o: number): boolean {
  const be = u32(b, o, false);
  const le = u32(b, o, true);
  return be === PCAP_MAGIC_MICROSECONDS || be === PCAP_MAGIC_NANOSECONDS ||
    le === PCAP_MAGIC_MICROSECONDS || le === PCAP_MAGIC_NANOSECONDS;
}

/** Reads the records of a classic pcap stream; it is its own cursor. */
export class PcapRecordReader implements CaptureCursor {
  private readonly src: BufferedSource;
  private readonly littleEndian: boolean;
  private readonly nanosecondUnits: boolean;
  /** LINKTYPE of every record. */
  readonly linkType: number;
  readonly snapLength: number;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly interfaceId = 0;
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  seconds = 0;
  nanoseconds = 0;
  originalLength = 0;

  /** Reads and checks the file header at the source's position. */
  constructor(src: BufferedSource) {
    const at = src.position;
    if (src.ensure(24) < 24) throw new WireError('truncated', LAYER, 'file header', at, '24 bytes', `${src.ensure(24)} bytes`);
    const b = src.bytes;
    const o = src.offset;
    const be = u32(b, o, false);
    const le = u32(b, o, true);
    if (be === PCAP_MAGIC_MICROSECONDS || be === PCAP_MAGIC_NANOSECONDS) {
      this.littleEndian = false;
      this.nanosecondUnits = be === PCAP_MAGIC_NANOSECONDS;
    } else if (le === PCAP_MAGIC_MICROSECONDS || le === PCAP_MAGIC_NANOSECONDS) {
      this.littleEndian = true;
      this.nanosecondUnits = le === PCAP_MAGIC_NANOSECONDS;
    } else {
      throw new WireError('bad-value', LAYER, 'magic number', at, 'a pcap magic number', `0x${be.toString(16)}`);
    }
    this.versionMajor = u16(b, o + 4, this.littleEndian);
    this.versionMinor = u16(b, o + 6, this.littleEndian);
    if (this.versionMajor !== 2) throw new WireError('unsupported', LAYER, 'major version', at + 4, 2, this.versionMajor);
    this.snapLength = u32(b, o + 16, this.littleEndian);
    // The upper bits of the link-type field carry FCS information (draft-ietf-opsawg-pcap §4).
    this.linkType = u32(b, o + 20, this.littleEndian) & 0x0fff_ffff;
    src.skip(24);
    this.src = src;
  }

  /** Moves to the next record; false at a clean end of file. */
  advance(): boolean {
    const src = this.src;
    const at = src.position;
    const got = src.ensure(16);
    if (got === 0) return false;
    if (got < 16) throw new WireError('truncated', LAYER, 'record header', at, '16 bytes', `${got} bytes`);
    const b = src.bytes;
    const o = src.offset;
    const le = this.littleEndian;
    const capturedLength = u32(b, o + 8, le);
    if (capturedLength > MAX_RECORD) {
      throw new WireError('bad-length', LAYER, 'captured length', at + 8, `<= ${MAX_RECORD}`, capturedLength);
    }
    const total = 16 + capturedLength;
    const have = src.ensure(total);
    if (have < total) throw new WireError('truncated', LAYER, 'record data', at + 16, `${capturedLength} bytes`, `${have - 16} bytes`);
    const bb = src.bytes;
    const ob = src.offset;
    let seconds = u32(bb, ob, le);
    let fraction = u32(bb, ob + 4, le);
    let nanoseconds = this.nanosecondUnits ? fraction : fraction * 1000;
    if (nanoseconds >= 1e9) {
      // Out-of-range fractions occur in the wild; carry them into the seconds.
      fraction = Math.floor(nanoseconds / 1e9);
      seconds += fraction;
      nanoseconds -= fraction * 1e9;
    }
    this.bytes = bb;
    this.start = ob + 16;
    this.end = ob + total;
    this.seconds = seconds;
    this.nanoseconds = nanoseconds;
    this.originalLength = u32(bb, ob + 12, le);
    src.skip(total);
    return true;
  }
}

function putU32le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** Writes a classic pcap stream: little-endian, nanosecond magic, one link type. */
export class PcapWriter {
  private readonly sink: BufferedSink;
  private readonly snapLength: number;

  constructor(sink: BufferedSink, linkType = LINKTYPE_ETHERNET, snapLength = 262_144) {
    this.sink = sink;
    this.snapLength = snapLength;
    const h = new Uint8Array(24);
    putU32le(h, 0, PCAP_MAGIC_NANOSECONDS);
    h[4] = 2;
    h[6] = 4;
    putU32le(h, 16, snapLength);
    putU32le(h, 20, linkType);
    sink.write(h);
  }

  /** Appends one frame (cut to the snapshot length). */
  write(seconds: number, nanoseconds: number, data: Uint8Array, originalLength = data.length): void {
    const n = Math.min(data.length, this.snapLength);
    const sink = this.sink;
    const at = sink.reserve(16 + n);
    const b = sink.bytes;
    putU32le(b, at, seconds);
    putU32le(b, at + 4, nanoseconds);
    putU32le(b, at + 8, n);
    putU32le(b, at + 12, originalLength);
    b.set(n === data.length ? data : data.subarray(0, n), at + 16);
    sink.commit(16 + n);
  }

  /** Appends one frame at a time given in nanoseconds (from the start of a simulation, say). */
  writeAt(timeNs: number, data: Uint8Array): void {
    this.write(Math.floor(timeNs / 1e9), timeNs % 1e9, data);
  }

  close(): void {
    this.sink.close();
  }
}
