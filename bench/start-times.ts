/**
 * Seeded per-host start times for the anchor scenarios: host i starts at s_i nanoseconds, s_i in
 * [0, 1 s), drawn in order i = 0, 1, ... from mulberry32 (Tommy Ettinger's 32-bit generator,
 * public domain). The same sequence comes out of the ns-3 programs in bench/ns3/anchor.cc, so both
 * simulators start every host at the same nanosecond. Pure: no state outside the returned values.
 */

/** The mulberry32 increment (a Weyl sequence step). */
const MULBERRY32_INCREMENT = 0x6d2b79f5;

/** One nanosecond start time in [0, 1 s) from a 32-bit draw. */
const NS_PER_SECOND = 1_000_000_000;

/**
 * A mulberry32 generator seeded with `seed` (an integer in [0, 2^32)): each call returns the next
 * 32-bit output as an unsigned integer.
 */
export function mulberry32(seed: number): () => number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`mulberry32: the seed must be an integer in [0, 2^32), not ${seed}`);
  }
  let state = seed | 0;
  return () => {
    state = (state + MULBERRY32_INCREMENT) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Start time in nanoseconds of a draw `r`: floor(r * 10^9 / 2^32). Computed as
 * floor(r * 1953125 / 2^23) (10^9 = 1953125 * 2^9), whose product stays below 2^53, so the
 * float64 arithmetic is exact.
 */
export function startTimeNsOfDraw(r: number): number {
  return Math.floor((r * (NS_PER_SECOND / 512)) / 2 ** 23);
}

/**
 * The start times s_0 ... s_(count-1), in nanoseconds, of the anchor scenarios' hosts for `seed`
 * (default 1): s_i = floor(r_i * 10^9 / 2^32), r_i the i-th output of mulberry32(seed).
 */
export function startTimesNs(count: number, seed = 1): Float64Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`startTimesNs: the count must be a non-negative integer, not ${count}`);
  const next = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = startTimeNsOfDraw(next());
  return out;
}
