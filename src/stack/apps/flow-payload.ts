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

/** Builds a tagged payload of `size` bytes (at least the header). */
export function flowPayload(flow: number, sequence: number, sentAt: number, size: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(size, FLOW_HEADER_LENGTH));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, flow);
  view.setUint32(8, sequence);
  view.setFloat64(12, sentAt);
  return bytes;
}

/** Reads the tag of a payload, or undefined if it is not measurement traffic. */
export function readFlowTag(bytes: Uint8Array | null): FlowTag | undefined {
  if (bytes === null || bytes.length < FLOW_HEADER_LENGTH) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== MAGIC) return undefined;
  return { flow: view.getUint32(4), sequence: view.getUint32(8), sentAt: view.getFloat64(12) };
}
