/**
 * Captures: what our writers write, our readers read back; what Wireshark's tools write (editcap into
 * pcap microseconds, pcap nanoseconds, pcapng), we read; big-endian files and pcapng details built
 * here by hand from the format specification; truncated and foreign files give typed errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../src/wire/index.js';
import { AtomicFileSink, BufferedSink, PcapWriter, PcapngWriter, WireError, captureFromBytes, emitFrame, openCapture } from '../../src/wire/index.js';
import { SAMPLE_FRAMES } from '../helpers/sample-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frames = SAMPLE_FRAMES.map(([, f]) => emitFrame(f));

function readAll(bytesOrPath: Uint8Array | string): CaptureRecord[] {
  const reader = typeof bytesOrPath === 'string' ? openCapture(bytesOrPath) : captureFromBytes(bytesOrPath);
  const out: CaptureRecord[] = [];
  for (const r of reader) out.push({ ...r, data: Uint8Array.from(r.data) });
  reader.close();
  return out;
}

function collect(write: (sink: BufferedSink) => void): Uint8Array {
  const chunks: Uint8Array[] = [];
  const sink = new BufferedSink((c) => chunks.push(Uint8Array.from(c)));
  write(sink);
  return Buffer.concat(chunks);
}

function expectWireError(f: () => unknown, code: string, layer: string): WireError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WireError);
    const w = e as WireError;
    expect({ code: w.code, layer: w.layer }).toEqual({ code, layer });
    return w;
  }
  throw new Error('expected a WireError');
}

describe('pcap writer and reader', () => {
  it('round-trips records with nanosecond times, little-endian, nanosecond magic', () => {
    const file = collect((sink) => {
      const w = new PcapWriter(sink);
      frames.forEach((f, i) => w.write(1_700_000_000 + i, 999_999_999 - i, f));
      w.close();
    });
    expect(Array.from(file.subarray(0, 4))).toEqual([0x4d, 0x3c, 0xb2, 0xa1]);
    const records = readAll(file);
    expect(records.length).toBe(frames.length);
    records.forEach((r, i) => {
      expect(r).toMatchObject({ interfaceId: 0, linkType: 1, seconds: 1_700_000_000 + i, nanoseconds: 999_999_999 - i, originalLength: frames[i]!.length });
      expect(r.data).toEqual(frames[i]);
    });
  });

  it('writes the same bytes for the same records (determinism)', () => {
    const write = (): Uint8Array => collect((sink) => {
      const w = new PcapWriter(sink);
      frames.forEach((f, i) => w.writeAt(i * 1_000_000_007, f));
      w.close();
    });
    expect(write()).toEqual(write());
  });

  it('cuts frames to the snapshot length and keeps the original length', () => {
    const file = collect((sink) => {
      const w = new PcapWriter(sink, 1, 20);
      w.write(0, 0, frames[0]!);
      w.close();
    });
    const [r] = readAll(file);
    expect(r!.data.length).toBe(20);
    expect(r!.originalLength).toBe(frames[0]!.length);
  });

  it('streams records that cross buffer boundaries, and records larger than the buffer', () => {
    const big = new Uint8Array(3 << 20).map((_, i) => i & 0xff);
    const sizes = Array.from({ length: 30_000 }, (_, i) => 14 + ((i * 7919) % 200));
    const file = collect((sink) => {
      const w = new PcapWriter(sink, 1, 1 << 24);
      sizes.forEach((n, i) => w.write(i, 0, new Uint8Array(n).fill(i & 0xff)));
      w.write(99_999, 0, big);
      w.close();
    });
    const reader = captureFromBytes(file);
    let i = 0;
    for (const r of reader) {
      if (i < sizes.length) {
        expect(r.data.length).toBe(sizes[i]);
        expect(r.data[r.data.length - 1]).toBe(i & 0xff);
      } else {
        expect(r.data).toEqual(big);
      }
      i++;
    }
    expect(i).toBe(sizes.length + 1);
  });
});

describe('pcapng writer and reader', () => {
  it('round-trips several interfaces with nanosecond times and names', () => {
    const file = collect((sink) => {
      const w = new PcapngWriter(sink);
      const a = w.addInterface({ linkType: 1, name: 'leaf-1:p1' });
      const b = w.addInterface({ linkType: 1, name: 'x' });
      frames.forEach((f, i) => w.write(i % 2 === 0 ? a : b, 1_800_000_000, i * 3 + 1, f));
      w.close();
    });
    const records = readAll(file);
    expect(records.length).toBe(frames.length);
    records.forEach((r, i) => {
      expect(r).toMatchObject({ interfaceId: i % 2, seconds: 1_800_000_000, nanoseconds: i * 3 + 1 });
      expect(r.data).toEqual(frames[i]);
    });
  });

  it('rejects writing on an interface that was not declared', () => {
    const w = new PcapngWriter(new BufferedSink(() => undefined));
    expect(() => w.write(0, 0, 0, frames[0]!)).toThrow(RangeError);
  });
});

describe('files written by Wireshark tools', () => {
  const source = join(dir, 'ours.pcap');
  const w = new PcapWriter(new AtomicFileSink(source));
  frames.forEach((f, i) => w.write(1_800_000_000 + i, 123_456_789 + i, f));
  w.close();

  for (const [format, resolution] of [['pcap', 1000], ['nsecpcap', 1], ['pcapng', 1]] as const) {
    it(`editcap -F ${format}: same frames, times at the format's resolution`, () => {
      const out = join(dir, `converted.${format}`);
      execFileSync('editcap', ['-F', format, source, out], { stdio: 'ignore' });
      const records = readAll(out);
      expect(records.length).toBe(frames.length);
      records.forEach((r, i) => {
        expect(r.data).toEqual(frames[i]);
        expect(r.seconds).toBe(1_800_000_000 + i);
        expect(r.nanoseconds).toBe(Math.floor((123_456_789 + i) / resolution) * resolution);
      });
    });
  }
});

/** A big-endian classic pcap built from the format description, independent of our writer. */
function bigEndianPcap(nanoseconds: boolean, records: Array<[number, number, Uint8Array]>): Uint8Array {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  h.writeUInt32BE(nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  h.writeUInt16BE(2, 4);
  h.writeUInt16BE(4, 6);
  h.writeUInt32BE(65535, 16);
  h.writeUInt32BE(1, 20);
  parts.push(h);
  for (const [s, frac, data] of records) {
    const r = Buffer.alloc(16);
    r.writeUInt32BE(s, 0);
    r.writeUInt32BE(frac, 4);
    r.writeUInt32BE(data.length, 8);
    r.writeUInt32BE(data.length + 4, 12);
    parts.push(r, Buffer.from(data));
  }
  return Buffer.concat(parts);
}

/** pcapng blocks built by hand (draft-ietf-opsawg-pcapng §4), in either byte order. */
function block(le: boolean, type: number, body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  const length = 12 + body.length + pad;
  const b = Buffer.alloc(length);
  const u32 = (v: number, o: number): number => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  u32(type, 0);
  u32(length, 4);
  body.copy(b, 8);
  u32(length, length - 4);
  return b;
}

function shb(le: boolean): Buffer {
  const body = Buffer.alloc(16);
  if (le) { body.writeUInt32LE(0x1a2b3c4d, 0); body.writeUInt16LE(1, 4); } else { body.writeUInt32BE(0x1a2b3c4d, 0); body.writeUInt16BE(1, 4); }
  body.fill(0xff, 8, 16);
  return block(le, 0x0a0d0d0a, body);
}

function idb(le: boolean, options: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.alloc(8 + options.length);
  if (le) { body.writeUInt16LE(1, 0); body.writeUInt32LE(0, 4); } else { body.writeUInt16BE(1, 0); body.writeUInt32BE(0, 4); }
  options.copy(body, 8);
  return block(le, 1, body);
}

function epb(le: boolean, iface: number, ts: bigint, data: Uint8Array): Buffer {
  const body = Buffer.alloc(20 + data.length);
  const u32 = (v: number, o: number): number => (le ? body.writeUInt32LE(v, o) : body.writeUInt32BE(v, o));
  u32(iface, 0);
  u32(Number(ts >> 32n), 4);
  u32(Number(ts & 0xffffffffn), 8);
  u32(data.length, 12);
  u32(data.length, 16);
  Buffer.from(data).copy(body, 20);
  return block(le, 6, body);
}

function option(le: boolean, code: number, value: Buffer): Buffer {
  const o = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4));
  if (le) { o.writeUInt16LE(code, 0); o.writeUInt16LE(value.length, 2); } else { o.writeUInt16BE(code, 0); o.writeUInt16BE(value.length, 2); }
  value.copy(o, 4);
  return o;
}

describe('hand-built captures', () => {
  it('big-endian classic pcap, microsecond and nanosecond magic', () => {
    const us = readAll(bigEndianPcap(false, [[10, 250_000, frames[0]!]]));
    expect(us[0]).toMatchObject({ seconds: 10, nanoseconds: 250_000_000, originalLength: frames[0]!.length + 4 });
    expect(us[0]!.data).toEqual(frames[0]);
    const ns = readAll(bigEndianPcap(true, [[10, 250_000, frames[1]!]]));
    expect(ns[0]).toMatchObject({ seconds: 10, nanoseconds: 250_000 });
  });

  it('pcapng in big-endian, default microsecond resolution, then if_tsresol 2^-10 and if_tsoffset, unknown blocks skipped', () => {
    for (const le of [true, false]) {
      const tsresol = option(le, 9, Buffer.from([0x80 | 10]));
      const offset = Buffer.alloc(8);
      if (le) offset.writeBigInt64LE(100n); else offset.writeBigInt64BE(100n);
      const file = Buffer.concat([
        shb(le),
        idb(le),
        idb(le, Buffer.concat([tsresol, option(le, 14, offset), Buffer.alloc(4)])),
        block(le, 5, Buffer.alloc(8)), // interface statistics: skipped
        block(le, 0x40000bad, Buffer.alloc(5)), // a custom block: skipped
        epb(le, 0, 1_700_000_000_500_000n, frames[0]!),
        epb(le, 1, 3n * 1024n + 512n, frames[1]!),
      ]);
      const records = readAll(file);
      expect(records.map((r) => [r.interfaceId, r.seconds, r.nanoseconds])).toEqual([[0, 1_700_000_000, 500_000_000], [1, 103, 500_000_000]]);
      expect(records[1]!.data).toEqual(frames[1]);
    }
  });

  it('pcapng with two sections (byte order may change, interface ids restart)', () => {
    const file = Buffer.concat([shb(true), idb(true), epb(true, 0, 1n, frames[0]!), shb(false), idb(false), epb(false, 0, 2n, frames[2]!)]);
    const records = readAll(file);
    expect(records.map((r) => r.data)).toEqual([frames[0], frames[2]]);
  });

  it('a packet on an undeclared interface is a located error', () => {
    const file = Buffer.concat([shb(true), epb(true, 3, 0n, frames[0]!)]);
    const e = expectWireError(() => readAll(file), 'bad-value', 'pcapng');
    expect(e.field).toBe('interface id');
    expect(e.offset).toBe(28 + 8);
  });
});

describe('damaged and foreign files', () => {
  const good = collect((sink) => {
    const w = new PcapWriter(sink);
    frames.slice(0, 3).forEach((f, i) => w.write(i, 0, f));
    w.close();
  });

  it('a file cut inside a record ends with a truncated error naming the offset', () => {
    const cut = good.subarray(0, good.length - 5);
    const e = expectWireError(() => readAll(cut), 'truncated', 'pcap');
    expect(e.field).toBe('record data');
    expect(e.message).toMatch(/pcap: truncated record data at offset \d+/);
  });

  it('a file cut exactly between records reads cleanly', () => {
    const cut = good.subarray(0, 24 + 16 + frames[0]!.length);
    expect(readAll(cut).length).toBe(1);
  });

  it('a file that is not a capture is rejected by its magic number', () => {
    writeFileSync(join(dir, 'text.pcap'), 'hello, this is text\n');
    const e = expectWireError(() => openCapture(join(dir, 'text.pcap')), 'bad-value', 'capture');
    expect(e.message).toContain('0x68656c6c');
  });

  it('an empty file is truncated', () => {
    expectWireError(() => captureFromBytes(new Uint8Array(0)), 'truncated', 'capture');
  });

  it('an absurd record length is a bad-length error, not an allocation', () => {
    const bad = Uint8Array.from(good);
    new DataView(bad.buffer).setUint32(24 + 8, 0x7fffffff, true);
    expectWireError(() => readAll(bad), 'bad-length', 'pcap');
  });

  it('the atomic file sink leaves no file under the final name when aborted', () => {
    const target = join(dir, 'aborted.pcap');
    const sink = new AtomicFileSink(target);
    const w = new PcapWriter(sink);
    w.write(0, 0, frames[0]!);
    sink.abort();
    expect(() => readFileSync(target)).toThrow();
  });
});
