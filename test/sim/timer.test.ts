/** Timer: re-arming replaces the pending expiry, cancel, and self re-arming from the action. */
import fc from 'fast-check';
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

/**
 * Timers against a reference built from `schedule` and `cancel` (what a re-arm means: cancel the
 * pending expiry, schedule a new one), in two kernels fed the same random program: re-arms later and
 * earlier, at equal times, across the wheel's horizon and into the far queue, cancels, peeks and
 * `run({ until })`, and plain events tied with the expiries. Both must log the same (time, label)
 * sequence and end with the same counters.
 */
describe('Timer against schedule + cancel', () => {
  interface Step {
    readonly timer: number;
    readonly op: 'set' | 'cancel' | 'event';
    readonly delay: number;
  }
  const delay = fc.oneof(
    fc.constantFrom(0, 1, 1023, 1024, 5_000, 50_331_648, 50_331_649, 67_108_864, 2 ** 32),
    fc.integer({ min: 0, max: 3_000 }),
    fc.integer({ min: 0, max: 2 ** 28 }),
  );
  const step: fc.Arbitrary<Step> = fc.record({ timer: fc.nat(3), op: fc.constantFrom('set' as const, 'set' as const, 'cancel' as const, 'event' as const), delay });

  interface Clock {
    set(i: number, delay: number): void;
    cancel(i: number): void;
  }

  function play(program: Step[], controls: number[], withTimers: boolean): { log: string[]; counters: unknown } {
    const k = new Kernel({ seed: 1 });
    const log: string[] = [];
    let cursor = 0;
    const react = (): void => {
      // Each expiry or event performs the next two steps of the program.
      for (let n = 0; n < 2 && cursor < program.length * 4; n++) perform(program[cursor++ % program.length]!);
    };
    const clock: Clock = withTimers
      ? (() => {
          const timers = [0, 1, 2, 3].map((i) => new Timer(k, `t${i}`, 'expire', () => { log.push(`${k.now}:t${i}`); react(); }));
          return { set: (i, d) => timers[i]!.set(d), cancel: (i) => void timers[i]!.cancel() };
        })()
      : (() => {
          const handles: Array<ReturnType<Kernel['schedule']> | undefined> = [];
          return {
            set: (i, d) => {
              const previous = handles[i];
              handles[i] = k.schedule(d, `t${i}`, 'expire', () => { handles[i] = undefined; log.push(`${k.now}:t${i}`); react(); });
              if (previous !== undefined) k.cancel(previous);
            },
            cancel: (i) => {
              if (handles[i] !== undefined) k.cancel(handles[i]!);
              handles[i] = undefined;
            },
          };
        })();
    let events = 0;
    function perform(s: Step): void {
      if (s.op === 'set') clock.set(s.timer, s.delay);
      else if (s.op === 'cancel') clock.cancel(s.timer);
      else {
        const label = `e${events++}`;
        k.post(s.delay, 'n', 'event', () => { log.push(`${k.now}:${label}`); react(); });
      }
    }
    for (const s of program.slice(0, 6)) perform(s);
    for (const c of controls) {
      if (c % 3 === 0) k.peekTime();
      else k.run({ until: k.now + c * 997 });
      perform(program[c % program.length]!);
    }
    k.run();
    k.checkInvariants();
    return { log, counters: k.counters };
  }

  it('gives the same runs, in the same order, with the same counters', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(200_000), { maxLength: 8 }), (program, controls) => {
        expect(play(program, controls, true)).toEqual(play(program, controls, false));
      }),
      { numRuns: Number(process.env['ARPSHIFT_FUZZ_RUNS'] ?? 300) },
    );
  });
});
