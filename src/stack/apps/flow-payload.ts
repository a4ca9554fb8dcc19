/**
 * The payload of measurement traffic: every datagram carries a tag, its flow number, its sequence
 * number and its send time, so that wherever a copy of it is seen (delivered, dropped by a switch,
 * dropped by a stack), its fate can be attributed without any side channel. Layout (big-endian):
 * bytes 0-3 "ASFT", 4-7 flow, 8-11 sequence, 12-19 send time in ns (float64), then zero padding.
 */

/** Bytes of the header; payloads are at least this long. */
export const FLOW_HEADER_LENGTH = 20;
const MAGIC = 0x41534654; // "ASFT"

/** What a tagged payload says. */
export interface FlowTag {
  readonly flow: number;
  readonly sequence: number;
  readonly sentAt: number;
}

// A float64 seen as bytes, for the send time. Written byte by byte rather than through a DataView:
// a DataView needs the array's ArrayBuffer, which makes V8 move a small on-heap typed array's bytes
// off the heap, on every packet.
const TIME = new Float64Array(1);
const TIME_BYTES = new Uint8Array(TIME.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeUint32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = v >>> 24;
  bytes[at + 1] = (v >>> 16) & 0xff;
  bytes[at + 2] = (v >>> 8) & 0xff;
  bytes[at + 3] = v & 0xff;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** Builds a tagged payload of `size` bytes (at least the header). */
export function flowPayload(flow: number, sequence: number, sentAt: number, size: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(size, FLOW_HEADER_LENGTH));
  writeUint32(bytes, 0, MAGIC);
  writeUint32(bytes, 4, flow);
  writeUint32(bytes, 8, sequence);
  TIME[0] = sentAt;
  for (let i = 0; i < 8; i++) bytes[12 + i] = TIME_BYTES[LITTLE_ENDIAN ? 7 - i : i]!;
  return bytes;
}

/** Whether `bytes` is a tagged payload (then {@link readFlowId} and {@link readFlowSequence} read its tag). */
export function isFlowPayload(bytes: Uint8Array | null): bytes is Uint8Array {
  return bytes !== null && bytes.length >= FLOW_HEADER_LENGTH && readUint32(bytes, 0) === MAGIC;
}

/** The flow number of a tagged payload (see {@link isFlowPayload}). */
export function readFlowId(bytes: Uint8Array): number {
  return readUint32(bytes, 4);
}

/** The sequence number of a tagged payload (see {@link isFlowPayload}). */
export function readFlowSequence(bytes: Uint8Array): number {
  return readUint32(bytes, 8);
}

/** Reads the tag of a payload, or undefined if it is not measurement traffic. */
export function readFlowTag(bytes: Uint8Array | null): FlowTag | undefined {
  if (bytes === null || bytes.length < FLOW_HEADER_LENGTH) return undefined;
  if (readUint32(bytes, 0) !== MAGIC) return undefined;
  for (let i = 0; i < 8; i++) TIME_BYTES[LITTLE_ENDIAN ? 7 - i : i] = bytes[12 + i]!;
  return { flow: readUint32(bytes, 4), sequence: readUint32(bytes, 8), sentAt: TIME[0]! };
}
