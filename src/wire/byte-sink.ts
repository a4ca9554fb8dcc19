/**
 * Where the capture writers put bytes: a buffered sink over a function (files are written through
 * the sink of output-file.ts).
 */

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
