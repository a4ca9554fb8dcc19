/**
 * The values both spanning-tree protocols order and compare: bridge and port identifiers, priority
 * vectors, path costs by link rate, and the BPDU time unit.
 *
 * Guarantees: every comparison is a total order with a full tie-break (no two distinct vectors
 * compare equal), so root, root-port and designated-port choices never depend on iteration order.
 *
 * Follows IEEE 802.1D-2004 §9.2 (bridge ID = priority + MAC, §9.2.5; port ID = 4-bit priority +
 * 12-bit number as 802.1t made it, §9.2.7; times in 1/256 s, §9.2.8), the path-cost tables of
 * 802.1D-1998 §8.10.2 and 802.1D-2004 §17.14, lowest wins;
 * IEEE 802.1D-2004 §17.6 for the priority-vector order and the "same transmitter" rule.
 */
import type { BridgeId } from '../../wire/index.js';

/** Nanoseconds in one BPDU time unit (1/256 s, 802.1D-2004 §9.2.8); 1e9 / 256 is exactly 3 906 250. */
export const BPDU_TIME_UNIT = 3_906_250;

/** One second in nanoseconds (RSTP's timer granularity and its message-age increment). */
export const ONE_SECOND = 1_000_000_000;

/** Default port priority (802.1D-2004 §17.14): 128, of which 802.1t keeps the high 4 bits. */
export const DEFAULT_PORT_PRIORITY = 128;

/** Largest port number a 12-bit 802.1t port identifier holds. */
export const MAX_PORT_NUMBER = 0x0fff;

/** A time in nanoseconds as BPDU units of 1/256 s (rounded to the nearest unit). */
export function toBpduTime(ns: number): number {
  return Math.round(ns / BPDU_TIME_UNIT);
}

/** BPDU units of 1/256 s as nanoseconds (exact). */
export function fromBpduTime(units: number): number {
  return units * BPDU_TIME_UNIT;
}

/** Orders bridge identifiers: priority first, then the MAC as an unsigned 48-bit number (802.1D-2004 §9.2.5). */
export function compareBridgeIds(a: BridgeId, b: BridgeId): number {
  return a.priority - b.priority || a.address - b.address;
}

/** True when both identifiers are equal in priority and address. */
export function sameBridgeId(a: BridgeId, b: BridgeId): boolean {
  return a.priority === b.priority && a.address === b.address;
}

/**
 * The 16-bit port identifier (802.1D-2004 §9.2.7, the 802.1t form): the high 4 bits of the port priority, then a
 * 12-bit port number (1-based). Throws `RangeError` for a port number outside 1-4095.
 */
export function portIdentifier(portNumber: number, priority = DEFAULT_PORT_PRIORITY): number {
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > MAX_PORT_NUMBER) {
    throw new RangeError(`spanning tree: port number ${portNumber} does not fit a 12-bit port identifier (1-${MAX_PORT_NUMBER})`);
  }
  return ((priority & 0xf0) << 8) | portNumber;
}

/**
 * A spanning-tree priority vector as a port stores it (802.1D-2004 §17.6; 802.1D-1998 §8.5.5 calls
 * the same four values designated root, designated cost, designated bridge and designated port).
 */
export interface PriorityVector {
  readonly rootId: BridgeId;
  readonly rootPathCost: number;
  readonly designatedId: BridgeId;
  readonly designatedPort: number;
}

/** Lexicographic order of two vectors: negative when `a` is better (lower), 0 when they are the same. */
export function compareVectors(a: PriorityVector, b: PriorityVector): number {
  return compareBridgeIds(a.rootId, b.rootId) ||
    a.rootPathCost - b.rootPathCost ||
    compareBridgeIds(a.designatedId, b.designatedId) ||
    a.designatedPort - b.designatedPort;
}

/**
 * How a received message vector relates to the stored port vector (802.1D-2004 §17.6): `same` when
 * all four components are equal; `superior` when it is better, or when it comes from the same
 * designated bridge address and port number (a transmitter may make its own information worse);
 * `inferior` otherwise.
 */
export function relateMessage(message: PriorityVector, port: PriorityVector): 'superior' | 'same' | 'inferior' {
  const order = compareVectors(message, port);
  if (order === 0) return 'same';
  if (order < 0) return 'superior';
  const sameTransmitter = message.designatedId.address === port.designatedId.address &&
    (message.designatedPort & MAX_PORT_NUMBER) === (port.designatedPort & MAX_PORT_NUMBER);
  return sameTransmitter ? 'superior' : 'inferior';
}

/** Which path-cost table to use: 802.1D-1998 16-bit (§8.10.2), or 802.1t / 802.1D-2004 32-bit (§17.14). */
export type PathCostTable = 'short' | 'long';

/** Largest 802.1t path cost. */
export const MAX_LONG_PATH_COST = 200_000_000;

/**
 * The path cost of a port on a link of `rate` bits per second (802.1D-1998 §8.10.2; 802.1D-2004 §17.14).
 *
 * - `long` (802.1t): 20 Tb/s divided by the rate, which reproduces every row of the table
 *   (10 Mb/s → 2 000 000 … 1 Tb/s → 20), rounded and kept within 1-200 000 000.
 * - `short` (802.1D-1998): the value of the fastest table row not faster than the link
 *   (≥ 100 Gb/s → 1, ≥ 10 Gb/s → 2, ≥ 1 Gb/s → 4, ≥ 100 Mb/s → 19, otherwise 100). The 1998 table
 *   has other rows (4 and 16 Mb/s, for Token Ring) that are not modelled; links slower than 10 Mb/s get 100.
 */
export function pathCostFor(rate: number, table: PathCostTable): number {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`spanning tree: link rate must be a positive number of bits per second, got ${rate}`);
  if (table === 'long') return Math.min(MAX_LONG_PATH_COST, Math.max(1, Math.round(2e13 / rate)));
  if (rate >= 100e9) return 1;
  if (rate >= 10e9) return 2;
  if (rate >= 1e9) return 4;
  if (rate >= 100e6) return 19;
  return 100;
}

/** The four times a BPDU carries, in nanoseconds (802.1D-2004 §17.19.22 portTimes and kin). */
export interface SpanningTreeTimes {
  readonly messageAge: number;
  readonly maxAge: number;
  readonly helloTime: number;
  readonly forwardDelay: number;
}

/** True when all four times are equal. */
export function sameTimes(a: SpanningTreeTimes, b: SpanningTreeTimes): boolean {
  return a.messageAge === b.messageAge && a.maxAge === b.maxAge && a.helloTime === b.helloTime && a.forwardDelay === b.forwardDelay;
}

/**
 * A port's spanning-tree role (802.1D-2004 §17.7). STP (802.1D-1998) has no alternate or backup role;
 * its blocked ports are reported as `alternate` (the designated bridge is another bridge) or `backup`
 * (it is this bridge), so both protocols can be compared port by port.
 */
export type SpanningTreeRole = 'root' | 'designated' | 'alternate' | 'backup' | 'disabled';
