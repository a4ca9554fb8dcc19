/** Capture analysis: decoding captures frame by frame. */
export type { DecodeCounts, DecodeOptions } from './decode.js';
export { decodeCapture } from './decode.js';
export type { DecodedRecord, FrameSummary } from './frame-summary.js';
export { decodeRecord } from './frame-summary.js';
export { frameText } from './frame-text.js';
