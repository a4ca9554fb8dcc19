/**
 * Time conversions round to the nearest nanosecond and reject what cannot be a time; formatting is
 * exact to the nanosecond over the whole safe range.
 */
import { describe, expect, it } from 'vitest';
import {
  MICROSECOND,
  MILLISECOND,
  NANOSECOND,
  SECOND,
  formatTime,
  microseconds,
  milliseconds,
  seconds,
  toSeconds,
} from '../../src/sim/index.js';

describe('time units', () => {
  it('are nanosecond multiples', () => {
    expect([NANOSECOND, MICROSECOND, MILLISECOND, SECOND]).toEqual([1, 1_000, 1_000_000, 1_000_000_000]);
  });

  it('convert decimal inputs to the nearest integer nanosecond, without float drift', () => {
    expect(seconds(0.1)).toBe(100_000_000);
    expect(seconds(12.000345678)).toBe(12_000_345_678);
    expect(seconds(0.3)).toBe(300_000_000); // 0.3 * 1e9 is 299999999.99999994 in floating point
    expect(milliseconds(1.5)).toBe(1_500_000);
    expect(milliseconds(0.0005)).toBe(500);
    expect(microseconds(2.25)).toBe(2_250);
    expect(seconds(4e-10)).toBe(0);
    expect(seconds(6e-10)).toBe(1);
    for (const ns of [seconds(1), milliseconds(3), microseconds(7)]) expect(Number.isSafeInteger(ns)).toBe(true);
  });

  it('reject NaN, infinities, negatives and results beyond 2^53 - 1 ns', () => {
    expect(() => seconds(Number.NaN)).toThrow(RangeError);
    expect(() => seconds(Infinity)).toThrow(/finite/);
    expect(() => milliseconds(-1)).toThrow(/negative/);
    expect(() => microseconds(-0.001)).toThrow(RangeError);
    expect(() => seconds(1e7)).toThrow(/2\^53/); // 1e16 ns
    expect(seconds(9_007_199)).toBe(9_007_199_000_000_000);
  });

  it('toSeconds inverts seconds for representable values', () => {
    expect(toSeconds(seconds(1.25))).toBe(1.25);
    expect(toSeconds(1)).toBe(1e-9);
  });
});

describe('formatTime', () => {
  it('prints nine exact decimals', () => {
    expect(formatTime(12_000_345_678)).toBe('12.000345678 s');
    expect(formatTime(0)).toBe('0.000000000 s');
    expect(formatTime(1)).toBe('0.000000001 s');
    expect(formatTime(SECOND)).toBe('1.000000000 s');
    expect(formatTime(-1_500_000_000)).toBe('-1.500000000 s');
  });

  it('is exact up to 2^53 - 1 ns', () => {
    expect(formatTime(9_007_198_999_999_999)).toBe('9007198.999999999 s');
    expect(formatTime(Number.MAX_SAFE_INTEGER)).toBe('9007199.254740991 s');
  });

  it('rejects non-integers', () => {
    expect(() => formatTime(1.5)).toThrow(RangeError);
    expect(() => formatTime(Number.NaN)).toThrow(RangeError);
  });
});
