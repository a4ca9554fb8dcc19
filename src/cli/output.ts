/**
 * Synchronous writing to a file descriptor (stdout, stderr) that survives a non-blocking pipe
 * (EAGAIN: wait and retry) and a reader that went away (EPIPE: stop quietly, as `| head` expects).
 */
import { writeSync } from 'node:fs';

/** Thrown after EPIPE so that callers can stop producing output. */
export class OutputClosed extends Error {
  override readonly name = 'OutputClosed';
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data` (text is written as UTF-8) to `fd`. */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') throw new OutputClosed('output closed');
      throw e;
    }
  }
}
