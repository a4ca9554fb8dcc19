import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mulberry32, startTimeNsOfDraw, startTimesNs } from '../../bench/start-times.js';

const TWO_32 = 2n ** 32n;

/** mulberry32 as the anchor scenarios define it, every step reduced mod 2^32 in BigInt arithmetic. */
function referenceDraws(seed: number, count: number): bigint[] {
  let state = BigInt(seed);
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5n) % TWO_32;
    let t = state;
    t = ((t ^ (t >> 15n)) * (t | 1n)) % TWO_32;
    t = (t ^ (t + (t ^ (t >> 7n)) * (t | 61n))) % TWO_32;
    out.push(t ^ (t >> 14n));
  }
  return out;
}

function referenceStartNs(r: bigint): number {
  return Number((r * 1_000_000_000n) / TWO_32);
}

describe('mulberry32 start times', () => {
  it('gives the check values of the anchor scenarios for seed 1', () => {
    const s = startTimesNs(1000);
    expect([s[0], s[1], s[2]]).toEqual([627073940, 2735721, 527447039]);
    expect(s.subarray(0, 100).reduce((a, b) => a + b, 0)).toBe(48766477289);
    expect(s.reduce((a, b) => a + b, 0)).toBe(491780100742);
  });

  it('draws what the modular definition draws, for any seed', () => {
    for (const seed of [0, 1, 2, 42, 0x6d2b79f5, 0x8000_0000, 0xffff_ffff]) {
      const next = mulberry32(seed);
      const ours = Array.from({ length: 2000 }, () => BigInt(next()));
      expect(ours).toEqual(referenceDraws(seed, 2000));
      expect(Array.from(startTimesNs(2000, seed))).toEqual(referenceDraws(seed, 2000).map(referenceStartNs));
    }
  });

  it('turns every 32-bit draw into floor(r * 1e9 / 2^32) exactly', () => {
    for (const r of [0, 1, 4294, 4295, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff]) {
      expect(startTimeNsOfDraw(r)).toBe(referenceStartNs(BigInt(r)));
    }
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (r) => startTimeNsOfDraw(r) === referenceStartNs(BigInt(r))));
    expect(startTimeNsOfDraw(0xffff_ffff)).toBeLessThan(1_000_000_000);
  });

  it('rejects a seed or a count that is not a suitable integer', () => {
    expect(() => mulberry32(-1)).toThrow(RangeError);
    expect(() => mulberry32(2 ** 32)).toThrow(RangeError);
    expect(() => mulberry32(1.5)).toThrow(RangeError);
    expect(() => startTimesNs(-1)).toThrow(RangeError);
    expect(() => startTimesNs(2.5)).toThrow(RangeError);
    expect(startTimesNs(0)).toHaveLength(0);
  });
});
