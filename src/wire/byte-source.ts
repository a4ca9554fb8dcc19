/**
 * A buffered, synchronous reader of a byte stream (a file descriptor, or any function that fills a
 * buffer), for the capture readers. It keeps one growable window: `ensure(n)` makes `n` bytes
 * available at `position` (moving the window and reading more as needed) and never holds more than
 * the largest single record asked for plus one read chunk, so memory stays flat however long the
 * stream. Slices handed out are views into the window and are valid until the next `ensure`.
 */
import { readSync } from 'node:fs';

/** Fills `buffer[offset, offset + length)` with the next bytes; returns how many (0 at the end). */
export type ReadFunction = (buffer: Uint8Array, offset: number, length: number) => number;

/** A read function over an open file descriptor. */
export function fileDescriptorReader(fd: number): ReadFunction {
  return (buffer, offset, length) => {
    for (;;) {
      try {
        return readSync(fd, buffer, offset, length, null);
      } catch (e) {
        // A non-blocking pipe with nothing to read yet (standard input, say): wait and try again.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(pause, 0, 0, 1);
      }
    }
  };
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** A read function over bytes already in memory. */
export function memoryReader(bytes: Uint8Array): ReadFunction {
  let at = 0;
  return (buffer, offset, length) => {
    const n = Math.min(length, bytes.length - at);
    buffer.set(bytes.subarray(at, at + n), offset);
    at += n;
    return n;
  };
}

const CHUNK = 1 << 20;

/** See the module comment. */
export class BufferedSource {
  private readonly read: ReadFunction;
  private buffer: Uint8Array;
  private start = 0;
  private end = 0;
  private eof = false;
  /** Stream offset of `buffer[0]`. */
  private base = 0;
  /** The largest single request `ensure` accepts. */
  readonly maxRequest: number;

  constructor(read: ReadFunction, maxRequest = 256 << 20) {
    this.read = read;
    this.buffer = new Uint8Array(CHUNK);
    this.maxRequest = maxRequest;
  }

  /** The window: read bytes from `bytes[offset]` on after `ensure`. */
  get bytes(): Uint8Array { return this.buffer; }
  /** Index in {@link bytes} of the current position. */
  get offset(): number { return this.start; }
  /** Stream offset of the current position (for error messages). */
  get position(): number { return this.base + this.start; }

  /**
   * Makes `n` bytes available from the current position. Returns how many are available, which is
   * less than `n` only at the end of the stream.
   */
  ensure(n: number): number {
    if (this.end - this.start >= n) return n;
    if (n > this.maxRequest) throw new RangeError(`request of ${n} bytes exceeds the limit of ${this.maxRequest}`);
    if (this.start > 0) {
      this.buffer.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    if (n > this.buffer.length) {
      const grown = new Uint8Array(Math.max(n, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.end));
      this.buffer = grown;
    }
    while (this.end < n && !this.eof) {
      const want = Math.min(this.buffer.length - this.end, Math.max(CHUNK, n - this.end));
      const got = this.read(this.buffer, this.end, want);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return Math.min(n, this.end - this.start);
  }

  /** Moves the position forward by `n` bytes (which must have been ensured). */
  skip(n: number): void {
    this.start += n;
  }

  /**
   * Skips `n` bytes that need not all be in the window (a large block the reader ignores). Returns
   * false if the stream ended first.
   */
  skipStreamed(n: number): boolean {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, CHUNK);
      const got = this.ensure(step);
      this.start += got;
      left -= got;
      if (got < step) return false;
    }
    return true;
  }
}
