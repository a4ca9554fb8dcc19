/** Capture analysis: decoding captures frame by frame, and the migration timeline and black holes of any capture. */
export type { DecodeCounts, DecodeOptions } from './decode.js';
export { decodeCapture } from './decode.js';
export type { DecodedRecord, FrameSummary } from './frame-summary.js';
export { decodeRecord } from './frame-summary.js';
export { frameText } from './frame-text.js';
export type { AnalyzeOptions } from './analyze.js';
export { analyzeCapture } from './analyze.js';
export type {
  AddressTimeline,
  CaptureAnalysis,
  FlowAnalysis,
  GapResult,
  MigrationAnalysis,
  RunAnalysis,
  TimelineEntry,
} from './result.js';
export { analysisJson } from './result.js';
export { analysisText } from './text.js';
