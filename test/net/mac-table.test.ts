/**
 * The filtering database against a plain Map model (802.1D §7.9 learning and aging), and its limits:
 * capacity, static entries, flushes, and a changed ageing time applying to every entry at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MacTable } from '../../src/net/mac-table.js';
import { RUNS } from '../helpers/arbitraries.js';

const AGING = 300e9;

type Op =
  | { kind: 'learn'; fid: number; mac: number; port: number; dt: number }
  | { kind: 'lookup'; fid: number; mac: number; dt: number }
  | { kind: 'remove'; fid: number; mac: number; dt: number }
  | { kind: 'flush'; port: number; dt: number };

// A few MACs and FIDs so that collisions, moves and re-learning happen often.
const macArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0xffff_ffff_fffe, 0x0200_5e10_0001, 2 ** 32, 2 ** 32 + 1));
const fidArb = fc.integer({ min: 1, max: 3 });
const dtArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * AGING }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('learn' as const), fid: fidArb, mac: macArb, port: fc.integer({ min: 0, max: 5 }), dt: dtArb }),
  fc.record({ kind: fc.constant('lookup' as const), fid: fidArb, mac: macArb, dt: dtArb }),
  fc.record({ kind: fc.constant('remove' as const), fid: fidArb, mac: macArb, dt: dtArb }),
  fc.record({ kind: fc.constant('flush' as const), port: fc.integer({ min: -1, max: 5 }), dt: dtArb }),
);

describe('MacTable', () => {
  it('behaves like a Map with aging and a capacity limit', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 200 }), fc.integer({ min: 1, max: 30 }), (ops, capacity) => {
      const table = new MacTable({ capacity, agingTime: AGING });
      const model = new Map<string, { port: number; seen: number }>();
      let now = 0;
      const alive = (key: string): boolean => {
        const e = model.get(key);
        if (e === undefined) return false;
        if (now - e.seen >= AGING) {
          model.delete(key);
          return false;
        }
        return true;
      };
      for (const op of ops) {
        now += op.dt;
        if (op.kind === 'learn') {
          const key = `${op.fid}/${op.mac}`;
          const had = alive(key) ? model.get(key)!.port : -1;
          // Expired entries stay held until looked up, or swept when the table is full.
          if (had < 0 && model.size >= capacity) for (const k of [...model.keys()]) alive(k);
          const outcome = table.learn(op.fid, op.mac, op.port, now);
          if (had >= 0) {
            expect(outcome).toBe(had === op.port ? 'refreshed' : 'moved');
            model.set(key, { port: op.port, seen: now });
          } else if (model.size >= capacity) {
            expect(outcome).toBe('full');
          } else {
            expect(outcome).toBe('new');
            model.set(key, { port: op.port, seen: now });
          }
        } else if (op.kind === 'lookup') {
          const key = `${op.fid}/${op.mac}`;
          expect(table.lookup(op.fid, op.mac, now)).toBe(alive(key) ? model.get(key)!.port : -1);
        } else if (op.kind === 'remove') {
          const key = `${op.fid}/${op.mac}`;
          const present = model.has(key);
          expect(table.remove(op.fid, op.mac)).toBe(present);
          model.delete(key);
        } else {
          const expected = [...model.entries()].filter(([, e]) => (op.port < 0 ? true : e.port === op.port));
          expect(table.flush(op.port)).toBe(expected.length);
          for (const [k] of expected) model.delete(k);
        }
        expect(table.size).toBe(model.size);
      }
      const live = [...model.keys()].filter(alive).sort();
      expect(table.entries(now).map((e) => `${e.fid}/${e.mac}`).sort()).toEqual(live);
    }), { numRuns: RUNS });
  });

  it('ages an entry exactly at the ageing time, and a shorter ageing time applies to existing entries', () => {
    const t = new MacTable({ capacity: 10, agingTime: AGING });
    t.learn(1, 7, 2, 0);
    expect(t.lookup(1, 7, AGING - 1)).toBe(2);
    t.learn(1, 8, 3, 0);
    expect(t.lookup(1, 8, AGING)).toBe(-1);
    t.learn(1, 9, 4, 100e9);
    t.agingTime = 15e9; // STP topology change: forward delay
    expect(t.lookup(1, 9, 114e9)).toBe(4);
    expect(t.lookup(1, 9, 115e9)).toBe(-1);
  });

  it('keeps static entries: never aged, never moved by learning, not flushed', () => {
    const t = new MacTable({ capacity: 10, agingTime: AGING });
    t.learn(1, 5, 1, 0, 'static');
    expect(t.learn(1, 5, 2, 10)).toBe('static');
    expect(t.lookup(1, 5, 10 * AGING)).toBe(1);
    expect(t.flush(-1)).toBe(0);
    t.learn(1, 6, 1, 0, 'pushed');
    expect(t.entry(1, 6, 1)?.origin).toBe('pushed');
    expect(t.learn(1, 6, 3, 2)).toBe('moved');
    expect(t.entry(1, 6, 3)?.origin).toBe('learned');
  });

  it('a full table makes room once entries have aged, and separates VLANs (IVL)', () => {
    const t = new MacTable({ capacity: 2, agingTime: AGING });
    expect(t.learn(1, 1, 1, 0)).toBe('new');
    expect(t.learn(2, 1, 2, 0)).toBe('new');
    expect(t.lookup(1, 1, 1)).toBe(1);
    expect(t.lookup(2, 1, 1)).toBe(2);
    expect(t.learn(1, 3, 1, 10)).toBe('full');
    expect(t.learn(1, 3, 1, AGING)).toBe('new');
  });

  it('flush except one port removes the rest (RSTP topology change)', () => {
    const t = new MacTable({ capacity: 100, agingTime: AGING });
    for (let m = 0; m < 30; m++) t.learn(1, m, m % 3, 0);
    expect(t.flush(-1, 1)).toBe(20);
    expect(t.entries(0).every((e) => e.port === 1)).toBe(true);
  });

  it('holds a million entries in well under 64 bytes each', () => {
    const t = new MacTable({ capacity: 1 << 20, agingTime: AGING });
    for (let m = 0; m < 1_000_000; m++) t.learn(1, 0x0200_0000_0000 + m, m & 63, 0);
    expect(t.size).toBe(1_000_000);
    expect(t.bytes / t.size).toBeLessThan(64);
    expect(t.lookup(1, 0x0200_0000_0000 + 999_999, 1)).toBe(999_999 & 63);
  });
});
