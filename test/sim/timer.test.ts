/** Timer: re-arming replaces the pending expiry, cancel, and self re-arming from the action. */
import { describe, expect, it } from 'vitest';
import { Kernel, Timer } from '../../src/sim/index.js';

describe('Timer', () => {
  it('fires once, at the time of the last set, whether re-armed later or earlier', () => {
    const k = new Kernel({ seed: 1 });
    const fired: number[] = [];
    const t = new Timer(k, 'h1', 'reachable-timeout', () => fired.push(k.now));
    t.set(100);
    t.set(300); // later
    t.setAt(50); // earlier
    expect([t.pending, t.time]).toEqual([true, 50]);
    k.run();
    expect(fired).toEqual([50]);
    expect([t.pending, t.time]).toEqual([false, undefined]);
    expect(k.counters).toEqual({ scheduled: 3, executed: 1, cancelled: 2, pending: 0 });
  });

  it('cancel() stops the pending expiry and reports whether there was one', () => {
    const k = new Kernel({ seed: 1 });
    let fired = 0;
    const t = new Timer(k, 'h1', 'hello', () => fired++);
    expect(t.cancel()).toBe(false);
    t.set(10);
    expect(t.cancel()).toBe(true);
    expect(t.cancel()).toBe(false);
    k.run();
    expect(fired).toBe(0);
    t.set(5); // usable again after a cancel
    k.run();
    expect(fired).toBe(1);
  });

  it('is idle inside its action, so the action can re-arm it (periodic timer)', () => {
    const k = new Kernel({ seed: 1 });
    const ticks: number[] = [];
    const hello = new Timer(k, 'bridge-1', 'stp-hello', () => {
      expect(hello.pending).toBe(false);
      ticks.push(k.now);
      if (ticks.length < 4) hello.set(2_000);
    });
    hello.set(0);
    k.run();
    expect(ticks).toEqual([0, 2_000, 4_000, 6_000]);
  });

  it('keeps the previous expiry when a new one is rejected', () => {
    const k = new Kernel({ seed: 1 });
    const t = new Timer(k, 'h', 'probe', () => {});
    t.set(10);
    expect(() => t.set(-5)).toThrow(/'probe' on 'h'/);
    expect(() => t.setAt(Number.NaN)).toThrow(RangeError);
    expect([t.pending, t.time]).toEqual([true, 10]);
    k.checkInvariants();
  });

  it('runs among other events at equal times in order of its last arming', () => {
    const k = new Kernel({ seed: 1 });
    const log: string[] = [];
    const t = new Timer(k, 'h', 'timer', () => log.push('timer'));
    t.set(10);
    k.schedule(10, 'h', 'x', () => log.push('event'));
    t.set(10); // re-armed after the event was scheduled: now runs after it
    k.run();
    expect(log).toEqual(['event', 'timer']);
  });

  it('does not mistake a later event in its reused record for its own expiry', () => {
    const k = new Kernel({ seed: 1 });
    let fired = 0;
    const t = new Timer(k, 'h', 'probe', () => fired++);
    t.set(10);
    k.run();
    // The expiry's record is free again: the next events reuse it.
    const others = [k.schedule(5, 'n', 'x', () => {}), k.schedule(6, 'n', 'x', () => {})];
    expect([t.pending, t.time]).toEqual([false, undefined]);
    expect(t.cancel()).toBe(false);
    expect(others.map((h) => h.pending)).toEqual([true, true]);
    expect(k.counters).toEqual({ scheduled: 3, executed: 1, cancelled: 0, pending: 2 });
    k.checkInvariants();
  });
});
