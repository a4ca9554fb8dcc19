/**
 * Where the capture writers put bytes: a buffered sink over a function, and a file sink that writes
 * to a temporary name beside the target and renames it only when closed, so an interrupted run never
 * leaves a half-written file under the name the user asked for.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Receives encoded bytes; `close` flushes and finishes. */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  close(): void;
}

const BUFFER = 1 << 20;

/** Collects writes into 1 MiB chunks before passing them on. */
export class BufferedSink implements ByteSink {
  private readonly flushTo: (chunk: Uint8Array) => void;
  private readonly onClose: () => void;
  private buffer = new Uint8Array(BUFFER);
  private used = 0;

  constructor(flushTo: (chunk: Uint8Array) => void, onClose: () => void = () => undefined) {
    this.flushTo = flushTo;
    this.onClose = onClose;
  }

  /** Room for `n` bytes at the returned offset of {@link buffer}; call {@link commit} after filling. */
  reserve(n: number): number {
    if (this.used + n > this.buffer.length) {
      this.flush();
      if (n > this.buffer.length) this.buffer = new Uint8Array(n);
    }
    return this.used;
  }

  /** The current chunk (valid until the next `reserve`). */
  get bytes(): Uint8Array { return this.buffer; }

  commit(n: number): void {
    this.used += n;
  }

  write(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
    this.used += bytes.length;
  }

  flush(): void {
    if (this.used > 0) this.flushTo(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  close(): void {
    this.flush();
    this.onClose();
  }
}

/** A sink into a file at `path`, written under a temporary name until `close`. */
export class AtomicFileSink extends BufferedSink {
  private readonly fd: number;
  private readonly tempPath: string;
  readonly path: string;
  private done = false;

  constructor(path: string) {
    const tempPath = `${path}.partial-${process.pid}`;
    const fd = openSync(tempPath, 'w');
    super((chunk) => {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    });
    this.fd = fd;
    this.tempPath = tempPath;
    this.path = path;
  }

  /** Flushes, closes and renames the file to its final name. */
  override close(): void {
    if (this.done) return;
    super.close();
    closeSync(this.fd);
    renameSync(this.tempPath, this.path);
    this.done = true;
  }

  /** Closes and deletes the temporary file; the final name is never created. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    closeSync(this.fd);
    rmSync(this.tempPath, { force: true });
  }
}
