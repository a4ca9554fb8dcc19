/**
 * Simulated time: an integer number of nanoseconds held in a `number`.
 *
 * A `number` is exact for integers up to 2^53 ns (about 104 days of simulated time), compares with `<`
 * and costs nothing to store in a `Float64Array`, which the event queue relies on. Conversions from
 * seconds, milliseconds and microseconds happen only at the edges (scenario parameters, reports) and
 * round to the nearest nanosecond; formatting is exact, with no floating-point drift.
 */

/** One nanosecond, the unit of simulated time. */
export const NANOSECOND = 1;
/** One microsecond in nanoseconds. */
export const MICROSECOND = 1e3;
/** One millisecond in nanoseconds. */
export const MILLISECOND = 1e6;
/** One second in nanoseconds. */
export const SECOND = 1e9;

function convert(value: number, scale: number, unit: string): number {
  // Negative durations are rejected: every time and delay in the kernel is >= 0, and a difference of
  // two times is computed in nanoseconds directly, never converted from seconds.
  if (!Number.isFinite(value)) throw new RangeError(`time: ${unit} must be a finite number, got ${value}`);
  if (value < 0) throw new RangeError(`time: ${unit} must not be negative, got ${value}`);
  const ns = Math.round(value * scale);
  if (!Number.isSafeInteger(ns)) {
    throw new RangeError(`time: ${value} ${unit} is ${ns} ns, beyond the exact range of 2^53 - 1 ns`);
  }
  return ns;
}

/**
 * Seconds to integer nanoseconds, rounded to the nearest nanosecond (`seconds(0.1)` is exactly
 * 100000000). Throws `RangeError` for NaN, infinities, negative values and results beyond 2^53 - 1 ns.
 */
export function seconds(s: number): number {
  return convert(s, SECOND, 'seconds');
}

/** Milliseconds to integer nanoseconds; same rounding and errors as {@link seconds}. */
export function milliseconds(ms: number): number {
  return convert(ms, MILLISECOND, 'milliseconds');
}

/** Microseconds to integer nanoseconds; same rounding and errors as {@link seconds}. */
export function microseconds(us: number): number {
  return convert(us, MICROSECOND, 'microseconds');
}

/** Nanoseconds to (floating-point) seconds, for reports and charts; not exact beyond 2^53 / 1e9. */
export function toSeconds(ns: number): number {
  return ns / SECOND;
}

/**
 * Formats a time exactly, always with nine decimals: `formatTime(12_000_345_678)` is
 * `"12.000345678 s"`. Negative values (differences of two times) get a leading `-`. Throws
 * `RangeError` for anything but a safe integer.
 */
export function formatTime(ns: number): string {
  if (!Number.isSafeInteger(ns)) throw new RangeError(`time: cannot format ${ns}: not a safe integer number of nanoseconds`);
  const magnitude = Math.abs(ns);
  const fraction = magnitude % SECOND;
  // Integer arithmetic only: magnitude - fraction is an exact multiple of 1e9, so the quotient is exact.
  const whole = (magnitude - fraction) / SECOND;
  return `${ns < 0 ? '-' : ''}${whole}.${String(fraction).padStart(9, '0')} s`;
}
