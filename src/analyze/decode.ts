/**
 * `decode`: a capture, frame by frame, as text lines or JSON Lines. Streams: one record is in memory
 * at a time, and output goes out in large chunks.
 */
import type { CaptureReader } from '../wire/index.js';
import { decodeRecord } from './frame-summary.js';
import { frameText } from './frame-text.js';

/** How to print. */
export interface DecodeOptions {
  /** JSON Lines instead of text. */
  readonly json: boolean;
  /** Receives output text in chunks. */
  readonly write: (text: string) => void;
}

/** Counts of what was decoded. */
export interface DecodeCounts {
  frames: number;
  errors: number;
}

const FLUSH_AT = 1 << 16;

/** Decodes every record of `reader`, passing the output to `options.write`. */
export function decodeCapture(reader: CaptureReader, options: DecodeOptions): DecodeCounts {
  const counts: DecodeCounts = { frames: 0, errors: 0 };
  let pending = '';
  let pieces = 0;
  for (let record = reader.next(); record !== undefined; record = reader.next()) {
    const { summary, frame } = decodeRecord(counts.frames, record);
    if (summary.error !== undefined) counts.errors++;
    pending += (options.json ? JSON.stringify(summary) : frameText(record, summary, frame)) + '\n';
    counts.frames++;
    if (++pieces >= 256 || pending.length >= FLUSH_AT) {
      options.write(pending);
      pending = '';
      pieces = 0;
    }
  }
  if (pending.length > 0) options.write(pending);
  return counts;
}
