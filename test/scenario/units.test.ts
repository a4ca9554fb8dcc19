/**
 * Quantities with units: a table of what scenario files write and the numbers the model gets, the
 * refusals (with the unit the user probably meant), and exactness (decimal, not binary, arithmetic).
 */
import { describe, expect, it } from 'vitest';
import { formatBitRate, formatDuration, parseBitRate, parseByteRate, parseDuration, parsePacketRate, parseSize } from '../../src/scenario/index.js';
import type { QuantityResult } from '../../src/scenario/index.js';

function value(r: QuantityResult): number {
  if (!r.ok) throw new Error(`expected a value, got: ${r.expected}`);
  return r.value;
}

describe('durations → integer nanoseconds', () => {
  const table: [string | number, number][] = [
    ['300s', 300e9],
    ['1.5ms', 1_500_000],
    ['250us', 250_000],
    ['250µs', 250_000],
    ['100ns', 100],
    ['2min', 120e9],
    ['4h', 4 * 3600e9],
    ['0.1s', 100_000_000],
    ['1e-3s', 1_000_000],
    ['  5 s ', 5e9],
    ['0s', 0],
    [300, 300e9],
    [0.25, 250_000_000],
    ['30', 30e9],
  ];
  it.each(table)('%j is %d ns', (input, ns) => {
    expect(value(parseDuration(input))).toBe(ns);
  });

  it('refuses what is not a duration, with the unit that was probably meant', () => {
    const sec = parseDuration('300sec');
    expect(sec.ok).toBe(false);
    expect(!sec.ok && sec.suggestion).toBe('300s');
    const upper = parseDuration('5MS');
    expect(!upper.ok && upper.suggestion).toBe('5ms');
    const m = parseDuration('5m');
    expect(!m.ok && m.expected).toMatch(/"m" is ambiguous/);
    for (const bad of ['-5s', '-1', 'soon', '', true, null, [], '0.5ns', '1e-10', Infinity, '200d']) {
      expect(parseDuration(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('refuses durations beyond the exact range of 2^53 - 1 ns', () => {
    const far = parseDuration('2600h');
    expect(far.ok).toBe(false);
    expect(!far.ok && far.expected).toMatch(/2\^53/);
    expect(value(parseDuration('2500h'))).toBe(2500 * 3600e9);
  });

  it('formats durations back in the largest exact unit', () => {
    expect(formatDuration(300e9)).toBe('5min');
    expect(formatDuration(1_500_000)).toBe('1.5ms');
    expect(formatDuration(7)).toBe('7ns');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(61e9)).toBe('61s');
    for (const ns of [300e9, 1_500_000, 7, 61e9, 4 * 3600e9, 123_456_789]) expect(value(parseDuration(formatDuration(ns)))).toBe(ns);
  });
});

describe('bit rates → bits per second', () => {
  const table: [string | number, number][] = [
    ['10Gbps', 10e9],
    ['100Mbps', 100e6],
    ['1.5kbps', 1500],
    ['1.1Gbps', 1_100_000_000],
    ['40Gbit/s', 40e9],
    ['1Tbps', 1e12],
    ['9600bps', 9600],
    [1e9, 1e9],
    ['0.5bps', 0.5],
  ];
  it.each(table)('%j is %d bit/s', (input, bps) => {
    expect(value(parseBitRate(input))).toBe(bps);
  });

  it('refuses zero, negative rates and unknown units', () => {
    for (const bad of ['0Gbps', '-10Gbps', -1, 0, '10GB', 'fast']) expect(parseBitRate(bad).ok, JSON.stringify(bad)).toBe(false);
    expect(formatBitRate(10e9)).toBe('10Gbps');
    expect(formatBitRate(1500)).toBe('1.5kbps');
  });
});

describe('packet rates → packets per second', () => {
  it.each([['100pps', 100], ['1.5kpps', 1500], [20, 20], ['0.5pps', 0.5]] as [string | number, number][])('%j is %d/s', (input, pps) => {
    expect(value(parsePacketRate(input))).toBe(pps);
  });
  it('refuses zero and other units', () => {
    for (const bad of ['0pps', '100bps', '-3pps']) expect(parsePacketRate(bad).ok, bad).toBe(false);
  });
});

describe('sizes → bytes', () => {
  const table: [string | number, number][] = [
    ['1MiB', 1_048_576],
    ['64KB', 64_000],
    ['64kB', 64_000],
    ['4KiB', 4096],
    ['1500B', 1500],
    ['1.5KiB', 1536],
    ['2GB', 2e9],
    [128, 128],
    ['0', 0],
  ];
  it.each(table)('%j is %d bytes', (input, bytes) => {
    expect(value(parseSize(input))).toBe(bytes);
  });

  it('refuses bits, fractions of a byte and negative sizes', () => {
    const bits = parseSize('64kb');
    expect(bits.ok).toBe(false);
    expect(!bits.ok && bits.expected).toMatch(/"b" would be bits/);
    expect(!bits.ok && bits.suggestion).toBe('64kB');
    for (const bad of ['1.5B', '-1KB', 'big', 0.5]) expect(parseSize(bad).ok, String(bad)).toBe(false);
  });
});

describe('byte rates → bytes per second', () => {
  const table: [string | number, number][] = [
    ['64MiB/s', 64 * 2 ** 20],
    ['128MiB/s', 128 * 2 ** 20],
    ['1.25GB/s', 1.25e9],
    ['1 GiB/s', 2 ** 30],
    ['500kB/s', 500_000],
    [1000, 1000],
    ['0', 0],
  ];
  it.each(table)('%j is %d bytes/s', (input, bytes) => {
    expect(value(parseByteRate(input))).toBe(bytes);
  });

  it('refuses bit rates (suggesting their value in bytes), sizes without /s, and fractions of a byte', () => {
    const bits = parseByteRate('10Gbps');
    expect(!bits.ok && bits.expected).toMatch(/bytes, not bits/);
    // 10 Gbit/s is 10e9 / 8 bytes per second.
    expect(!bits.ok && bits.suggestion).toBe(`${10e9 / 8 / 1e9}GB/s`);
    const megabits = parseByteRate('64Mb/s');
    expect(!megabits.ok && megabits.suggestion).toBe(`${64e6 / 8 / 1e6}MB/s`);
    const size = parseByteRate('64MiB');
    expect(!size.ok && size.suggestion).toBe('64MiB/s');
    const lower = parseByteRate('64mib/s');
    expect(!lower.ok && lower.suggestion).toBe('64MiB/s');
    for (const bad of ['-5MiB/s', '0.5B/s', 'fast', '', true]) expect(parseByteRate(bad).ok, String(bad)).toBe(false);
  });
});
