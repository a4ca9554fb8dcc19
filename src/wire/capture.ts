/**
 * Opening a capture: the format (classic pcap or pcapng) is told by the first four bytes, and records
 * are read one at a time from a buffered source, so memory does not grow with the file.
 */
import { closeSync, openSync } from 'node:fs';
import type { ReadFunction } from './byte-source.js';
import { BufferedSource, fileDescriptorReader, memoryReader } from './byte-source.js';
import type { CaptureCursor, CaptureRecord } from './capture-record.js';
import { recordAt } from './capture-record.js';
import { WireError } from './errors.js';
import { PcapRecordReader, isPcapMagic } from './pcap.js';
import { PcapngRecordReader, isPcapngMagic } from './pcapng.js';

/** Which container a capture uses. */
export type CaptureFormat = 'pcap' | 'pcapng';

/** Reads the records of one capture. */
export class CaptureReader {
  readonly format: CaptureFormat;
  private readonly records: PcapRecordReader | PcapngRecordReader;
  private readonly onClose: () => void;

  /** Reads from any byte stream; `onClose` releases it. */
  constructor(read: ReadFunction, onClose: () => void = () => undefined) {
    const src = new BufferedSource(read);
    this.onClose = onClose;
    const got = src.ensure(4);
    if (got < 4) {
      throw new WireError('truncated', 'capture', 'magic number', 0, '4 bytes', `${got} bytes`);
    }
    if (isPcapngMagic(src.bytes, src.offset)) {
      this.format = 'pcapng';
      this.records = new PcapngRecordReader(src);
    } else if (isPcapMagic(src.bytes, src.offset)) {
      this.format = 'pcap';
      this.records = new PcapRecordReader(src);
    } else {
      throw new WireError('bad-value', 'capture', 'magic number', 0, 'a pcap or pcapng magic number',
        `0x${Array.from(src.bytes.subarray(src.offset, src.offset + 4), (x) => x.toString(16).padStart(2, '0')).join('')}`);
    }
  }

  /** The current record, read in place (valid until the next `advance` or `next`). */
  get cursor(): CaptureCursor {
    return this.records;
  }

  /** Moves to the next record without allocating; false at the end. */
  advance(): boolean {
    return this.records.advance();
  }

  /** The next record, or `undefined` at the end. Its `data` is valid until the next call. */
  next(): CaptureRecord | undefined {
    return this.records.advance() ? recordAt(this.records) : undefined;
  }

  /** Iterates the remaining records (each valid only during its iteration step). */
  *[Symbol.iterator](): IterableIterator<CaptureRecord> {
    for (let r = this.next(); r !== undefined; r = this.next()) yield r;
  }

  close(): void {
    this.onClose();
  }
}

/** Opens a capture file for reading. */
export function openCapture(path: string): CaptureReader {
  const fd = openSync(path, 'r');
  try {
    return new CaptureReader(fileDescriptorReader(fd), () => closeSync(fd));
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads a capture from an open file descriptor (0 for standard input); the caller closes it. */
export function captureFromFd(fd: number): CaptureReader {
  return new CaptureReader(fileDescriptorReader(fd));
}

/** Reads a capture held in memory. */
export function captureFromBytes(bytes: Uint8Array): CaptureReader {
  return new CaptureReader(memoryReader(bytes));
}
