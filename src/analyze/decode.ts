/**
 * `decode`: a capture, frame by frame, as text lines or JSON Lines. Streams: one record is in memory
 * at a time, and output goes out in chunks of about 1 MiB.
 *
 * JSON lines come from the fast path (json-fast-path.ts) when it takes the frame, otherwise from the
 * plain path (`JSON.stringify` of frame-summary.ts); the two write identical bytes for every frame the
 * fast path takes, and `fastPath: false` forces the plain path everywhere (the tests compare them).
 */
import type { CaptureCursor, CaptureReader } from '../wire/index.js';
import { recordAt } from '../wire/index.js';
import { decodeRecord } from './frame-summary.js';
import { frameText } from './frame-text.js';
import { JsonLineWriter } from './json-fast-path.js';

/** How to print. */
export interface DecodeOptions {
  /** JSON Lines instead of text. */
  readonly json: boolean;
  /** Receives the output in chunks (valid only during the call). */
  readonly write: (chunk: Uint8Array) => void;
  /** Use the JSON fast path where it applies (default true). */
  readonly fastPath?: boolean;
}

/** Counts of what was decoded. */
export interface DecodeCounts {
  frames: number;
  /** Frames whose line carries an `error`. */
  errors: number;
  /** Frames written by the JSON fast path. */
  fast: number;
}

/** Decodes every record of `reader`, passing the output to `options.write`. */
export function decodeCapture(reader: CaptureReader, options: DecodeOptions): DecodeCounts {
  const counts: DecodeCounts = { frames: 0, errors: 0, fast: 0 };
  const out = new JsonLineWriter(options.write);
  const fast = options.json && options.fastPath !== false;
  const cursor = reader.cursor;
  try {
    decodeAll(reader, cursor, out, fast, options.json, counts);
  } finally {
    // Frames decoded before a failure (a capture cut short) are still printed.
    out.flush();
  }
  return counts;
}

function decodeAll(reader: CaptureReader, cursor: CaptureCursor, out: JsonLineWriter, fast: boolean, json: boolean, counts: DecodeCounts): void {
  while (reader.advance()) {
    const index = counts.frames++;
    if (fast && out.tryWrite(index, cursor)) {
      counts.fast++;
      continue;
    }
    const record = recordAt(cursor);
    const { summary, frame } = decodeRecord(index, record);
    if (summary.error !== undefined) counts.errors++;
    out.writeLine(json ? JSON.stringify(summary) : frameText(record, summary, frame));
  }
}
