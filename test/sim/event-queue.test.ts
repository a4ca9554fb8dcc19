/**
 * The kernel's queue (timing wheel, sorted run, late heap, far radix queue) under load, checked by a
 * property that needs no reference model: every event queued runs exactly once unless cancelled,
 * with the clock at its time, and the events run in strictly increasing (time, scheduling order).
 * The programs aim at the seams: ties between an entry already in the sorted run and one scheduled
 * later at the same time (the late heap), buckets large enough to be counting-sorted, times at and
 * around the wheel's horizon (3/4 of 2^26 ns), its span and 2^32 ns, far entries tied with entries scheduled straight
 * into the wheel later, bursts of cancellations (sweeps), and peeks and `run({ until })` that move
 * the wheel ahead of the clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventHandle, EventSite } from '../../src/sim/index.js';
import { Kernel } from '../../src/sim/index.js';

const RUNS = Number(process.env['ARPSHIFT_FUZZ_RUNS'] ?? 300);
const SPAN = 2 ** 26; // the default wheel: 65 536 buckets of 1 024 ns
const HORIZON = (3 * SPAN) / 4; // far entries from here; the last quarter takes whole radix slots early
const WIDTH = 1024;

/** A kernel wrapped so every queued event is numbered in scheduling order and checked when it runs. */
class Checked {
  readonly kernel = new Kernel({ seed: 7 });
  readonly times: number[] = [];
  readonly handles: Array<EventHandle | undefined> = [];
  readonly ran: number[] = [];
  private readonly sites: EventSite[];
  private last = { time: -1, serial: -1 };
  private failure: string | undefined;

  constructor() {
    this.sites = [this.kernel.site('a', 'tick'), this.kernel.site('b', 'tock')];
  }

  /** Queues an event at absolute `time` by one of five paths; `body` runs inside it. */
  add(time: number, via: number, body: (serial: number) => void = () => {}): number {
    const serial = this.times.length;
    const kernel = this.kernel;
    const action = (): void => {
      if (kernel.now !== time) this.failure ??= `event ${serial} ran at ${kernel.now}, not at ${time}`;
      const { time: lastTime, serial: lastSerial } = this.last;
      if (time < lastTime || (time === lastTime && serial <= lastSerial)) {
        this.failure ??= `event ${serial} (t=${time}) ran after event ${lastSerial} (t=${lastTime})`;
      }
      this.last = { time, serial };
      this.ran.push(serial);
      body(serial);
    };
    this.times.push(time);
    let handle: EventHandle | undefined;
    switch (via % 5) {
      case 0:
        handle = kernel.scheduleAt(time, 'n', 'k', action);
        break;
      case 1:
        handle = kernel.schedule(time - kernel.now, 'n', 'k', action);
        break;
      case 2:
        kernel.postAt(time, 'n', 'k', action);
        break;
      case 3:
        this.sites[0]!.post(time - kernel.now, action);
        break;
      default:
        this.sites[1]!.postAt(time, action);
    }
    this.handles.push(handle);
    return serial;
  }

  /** Cancels event `serial` if it has a handle; returns what the kernel said. */
  cancel(serial: number): boolean {
    const handle = this.handles[serial];
    return handle !== undefined && this.kernel.cancel(handle);
  }

  /** Runs to the end and checks that exactly the events never cancelled ran, each once. */
  finish(): void {
    this.kernel.run();
    expect(this.failure).toBeUndefined();
    this.kernel.checkInvariants();
    const ran = [...this.ran].sort((x, y) => x - y);
    const expected = this.handles.map((h, serial) => (h?.cancelled === true ? -1 : serial)).filter((s) => s >= 0);
    expect(ran).toEqual(expected);
    const c = this.kernel.counters;
    expect([c.scheduled, c.executed, c.pending]).toEqual([this.times.length, ran.length, 0]);
  }

  check(): void {
    expect(this.failure).toBeUndefined();
    this.kernel.checkInvariants();
  }
}

/** Delays aimed at the queue's seams. */
const seamDelay = fc.oneof(
  fc.constantFrom(0, 1, WIDTH - 1, WIDTH, WIDTH + 1, 2 * WIDTH, HORIZON - 1, HORIZON, HORIZON + 1, SPAN - 1, SPAN, SPAN + 1, 2 ** 32, 2 ** 32 + 1),
  fc.integer({ min: 0, max: 3 * WIDTH }),
  fc.integer({ min: 0, max: 2 * SPAN }),
  fc.integer({ min: 0, max: 2 ** 40 }),
);

interface Step {
  readonly delay: number;
  readonly via: number;
  /** Reuse the time of an earlier event (if still ahead) to make ties across structures. */
  readonly tieWith: number | null;
  readonly children: number;
  readonly cancel: number | null;
}

const step: fc.Arbitrary<Step> = fc.record({
  delay: seamDelay,
  via: fc.nat(4),
  tieWith: fc.option(fc.nat(400), { nil: null, freq: 2 }),
  children: fc.nat(2),
  cancel: fc.option(fc.nat(400), { nil: null, freq: 3 }),
});

type Control = { kind: 'until'; span: number } | { kind: 'peek' } | { kind: 'max'; count: number };

const control: fc.Arbitrary<Control> = fc.oneof(
  fc.record({ kind: fc.constant('until' as const), span: seamDelay }),
  fc.constant({ kind: 'peek' as const }),
  fc.record({ kind: fc.constant('max' as const), count: fc.nat(20) }),
);

/** Plays a random program: initial events, handlers that queue children and cancel, interleaved controls. */
function play(initial: Step[], plan: Step[], controls: Control[]): void {
  const q = new Checked();
  let cursor = 0;
  const timeFor = (s: Step): number => {
    const now = q.kernel.now;
    if (s.tieWith !== null && s.tieWith < q.times.length && q.times[s.tieWith]! >= now) return q.times[s.tieWith]!;
    return now + s.delay;
  };
  const body = (): void => {
    const s = plan[cursor++ % plan.length]!;
    if (s.cancel !== null) q.cancel(s.cancel);
    for (let c = 0; c < s.children && q.times.length < 3000; c++) {
      const child = plan[(cursor + c) % plan.length]!;
      q.add(timeFor(child), child.via + c, body);
    }
  };
  for (const s of initial) q.add(timeFor(s), s.via, body);
  for (const c of controls) {
    if (c.kind === 'until') q.kernel.run({ until: q.kernel.now + c.span });
    else if (c.kind === 'max') q.kernel.run({ maxEvents: c.count });
    else q.kernel.peekTime();
    q.check();
    // Queue a few more from outside a handler: they land before the wheel's position after a peek.
    for (const s of initial.slice(0, 3)) q.add(timeFor(s), s.via + 1, body);
  }
  q.finish();
}

describe('event queue under load', () => {
  it('runs random programs in (time, scheduling order), each event once', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.array(step, { minLength: 1, maxLength: 60 }), fc.array(control, { maxLength: 8 }), play),
      { numRuns: RUNS },
    );
  });

  it('orders ties between the sorted run and events scheduled later at the same time', () => {
    const q = new Checked();
    // Bucket 5 (times 5 120..6 143) gets entries from time 0; it is sorted when reached. Then, from
    // inside it, more events are scheduled at exactly those times: they must run after them.
    const base = 5 * WIDTH;
    for (let i = 0; i < 40; i++) q.add(base + (i % 7) * 100, i);
    q.add(base - 1, 0, () => {
      for (let i = 0; i < 40; i++) q.add(base + (i % 7) * 100, i + 1);
    });
    q.add(base, 0, () => {
      for (let i = 0; i < 10; i++) q.add(base + 600, i, () => q.add(base + 600, i));
    });
    q.finish();
  });

  it('counting-sorts large buckets stably, with many equal times', () => {
    const q = new Checked();
    const rng = q.kernel.rng.stream('dense');
    for (let b = 1; b <= 4; b++) {
      for (let i = 0; i < 3000; i++) q.add(b * WIDTH + rng.integer(0, b === 1 ? 3 : WIDTH - 1), i);
    }
    q.finish();
  });

  it('keeps far entries ahead of entries at the same time scheduled once it is within the horizon', () => {
    const q = new Checked();
    const times = [HORIZON + 5, 2 * HORIZON, 2 * HORIZON + WIDTH - 1, 2 ** 32, 2 ** 32 + 3, 2 ** 40 + 7];
    for (const t of times) q.add(t, 0);
    for (const t of times) q.add(t, 2);
    // Step the clock towards each time, then schedule more at exactly that time from there.
    for (const t of times) {
      q.add(t - 3 * WIDTH, 1, () => {
        q.add(t, 3);
        q.add(t, 4, () => q.add(t, 0));
      });
    }
    q.finish();
  });

  it('sweeps cancelled entries from every structure without disturbing order', () => {
    const q = new Checked();
    const rng = q.kernel.rng.stream('sweep');
    const delays = [0, 5, WIDTH * 3, HORIZON / 2, HORIZON * 3, 2 ** 33];
    const keep: number[] = [];
    for (let i = 0; i < 150_000; i++) {
      const serial = q.add(rng.integer(0, 1) * rng.pick(delays) + rng.integer(0, 2_000), i % 2 === 0 ? 0 : 1);
      if (i % 40 === 0) keep.push(serial);
      else q.cancel(serial);
    }
    expect(q.kernel.queueSize).toBeLessThan(2 * keep.length + 70_000);
    q.check();
    q.kernel.run({ until: HORIZON });
    q.finish();
    expect(q.ran.length).toBe(keep.length);
  });
});
