import { describe, expect, it } from 'vitest';
import { NumberIndex } from '../../src/stack/number-index.js';

/** A small deterministic generator (xorshift32) for the keys and operations. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

describe('NumberIndex', () => {
  it('answers as a Map does through sets, overwrites, deletes and growth, for 48-bit and 32-bit keys', () => {
    for (const [span, seed] of [[2 ** 48, 7], [2 ** 32, 11], [300, 13]] as const) {
      const next = xorshift(seed);
      const index = new NumberIndex();
      const map = new Map<number, number>();
      // Keys drawn from a pool, so that sets hit existing keys and deletes hit present ones.
      const pool = Array.from({ length: 5000 }, () => Math.floor(next() * span));
      for (let step = 0; step < 40_000; step++) {
        const key = pool[Math.floor(next() * pool.length)]!;
        const r = next();
        if (r < 0.6) {
          const value = Math.floor(next() * 2 ** 31) - 2 ** 30;
          index.set(key, value);
          map.set(key, value);
        } else if (r < 0.8) {
          index.delete(key);
          map.delete(key);
        } else {
          expect(index.get(key, -99)).toBe(map.get(key) ?? -99);
        }
      }
      expect(index.size).toBe(map.size);
      for (const key of pool) expect(index.get(key, -99)).toBe(map.get(key) ?? -99);
    }
  });

  it('keeps keys that differ only above bit 32 apart (MACs of one OUI and of two)', () => {
    const index = new NumberIndex();
    for (let i = 0; i < 1000; i++) {
      index.set(0x0200_0000_0000 + i, i);
      index.set(0x0400_0000_0000 + i, -i - 1);
    }
    expect(index.size).toBe(2000);
    for (let i = 0; i < 1000; i++) {
      expect(index.get(0x0200_0000_0000 + i, -5000)).toBe(i);
      expect(index.get(0x0400_0000_0000 + i, -5000)).toBe(-i - 1);
    }
    expect(index.get(0x0600_0000_0000, -5000)).toBe(-5000);
  });
});

describe('NumberIndex.enter', () => {
  it('keeps the first value, and marks a key entered with two different values for good', () => {
    const index = new NumberIndex();
    const owners = new Map<number, number>();
    const next = xorshift(17);
    for (let step = 0; step < 20_000; step++) {
      const key = 0x0200_0000_0000 + Math.floor(next() * 3000);
      const slot = Math.floor(next() * 4);
      index.enter(key, slot, -2);
      const owner = owners.get(key);
      owners.set(key, owner === undefined || owner === slot ? slot : -2);
    }
    expect(index.size).toBe(owners.size);
    for (const [key, owner] of owners) expect(index.get(key, -1)).toBe(owner);
  });
});
