/**
 * One frame of a capture file, as read by the pcap and pcapng readers and as given to the writers.
 * Time is split into whole seconds and nanoseconds since the Unix epoch, because nanoseconds since the
 * epoch (about 1.7e18 today) do not fit exactly in a number.
 */

/** A captured frame. */
export interface CaptureRecord {
  /** Index of the capture interface (always 0 for classic pcap). */
  readonly interfaceId: number;
  /** LINKTYPE_* of the interface (1 = Ethernet). */
  readonly linkType: number;
  readonly seconds: number;
  /** 0 to 999,999,999. */
  readonly nanoseconds: number;
  /** Length of the frame on the wire; `data` may be shorter (snapshot length). */
  readonly originalLength: number;
  /** The captured bytes. Readers hand out views valid until their next call: copy to keep. */
  readonly data: Uint8Array;
}

/**
 * The current record of a reader, read in place without allocating: the frame is
 * `bytes[start, end)`, valid until the reader advances.
 */
export interface CaptureCursor {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly interfaceId: number;
  readonly linkType: number;
  readonly seconds: number;
  readonly nanoseconds: number;
  readonly originalLength: number;
}

/** Copies the cursor's current record into a record object (sharing the bytes). */
export function recordAt(c: CaptureCursor): CaptureRecord {
  return {
    interfaceId: c.interfaceId,
    linkType: c.linkType,
    seconds: c.seconds,
    nanoseconds: c.nanoseconds,
    originalLength: c.originalLength,
    data: c.bytes.subarray(c.start, c.end),
  };
}

/** LINKTYPE_ETHERNET. */
export const LINKTYPE_ETHERNET = 1;

/** Splits nanoseconds (a safe integer or a bigint) into seconds and nanoseconds. */
export function splitNanoseconds(ns: number | bigint): { seconds: number; nanoseconds: number } {
  if (typeof ns === 'bigint') {
    return { seconds: Number(ns / 1_000_000_000n), nanoseconds: Number(ns % 1_000_000_000n) };
  }
  return { seconds: Math.floor(ns / 1e9), nanoseconds: ns % 1e9 };
}

/**
 * A record's time as nanoseconds since the epoch: a number when it is at most 2^53, otherwise its
 * decimal string (the form the decoder's JSON uses).
 */
export function timeNsValue(seconds: number, nanoseconds: number): number | string {
  if (seconds < 9_007_199) return seconds * 1e9 + nanoseconds;
  const total = BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
  return total <= 9_007_199_254_740_992n ? Number(total) : total.toString();
}
