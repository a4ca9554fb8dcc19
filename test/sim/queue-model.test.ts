/**
 * The kernel against a trivially correct reference (a list searched for its (time, sequence) minimum)
 * on random operation sequences: schedule, scheduleAt, the handle-free post, postAt and event-site
 * posts, cancel, step, run with until or maxEvents, peekTime, and events that schedule or cancel
 * others from their handlers. Delays span one nanosecond to 2^45 ns so the late heap, the wheel's
 * buckets, its horizon and every radix level are exercised. After every operation the execution log,
 * the clock, the counters and the handle states must agree, and the invariants must hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventHandle, EventSite } from '../../src/sim/index.js';
import { Kernel } from '../../src/sim/index.js';

const RUNS = Number(process.env['ARPSHIFT_FUZZ_RUNS'] ?? 300);

/** How an event is queued: with a handle (cancellable), or with none (post, postAt, an event site). */
type Via = 'schedule' | 'post' | 'site';

type Op =
  | { op: 'schedule'; delay: number; child: number | null; cancelTarget: number | null; via: Via }
  | { op: 'scheduleAt'; offset: number; via: Via }
  | { op: 'cancel'; target: number }
  | { op: 'step' }
  | { op: 'until'; span: number }
  | { op: 'max'; count: number }
  | { op: 'peek' };

const delay = fc.oneof(
  fc.constantFrom(0, 1, 255, 256, 257, 1_023, 1_024, 1_025, 65_535, 65_536, 2 ** 24, 2 ** 26 - 1, 2 ** 26, 2 ** 26 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 2 ** 20 }),
  fc.integer({ min: 0, max: 2 ** 45 }),
);

const via: fc.Arbitrary<Via> = fc.constantFrom('schedule', 'schedule', 'post', 'site');

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('schedule' as const), delay, child: fc.option(delay, { nil: null }), cancelTarget: fc.option(fc.nat(60), { nil: null }), via }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scheduleAt' as const), offset: delay, via }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('cancel' as const), target: fc.nat(60) }) },
  { weight: 2, arbitrary: fc.constant({ op: 'step' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('until' as const), span: delay }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('max' as const), count: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'peek' as const }) },
);

interface RefEvent {
  readonly id: number;
  readonly time: number;
  readonly seq: number;
  readonly child: number | null;
  readonly cancelTarget: number | null;
  readonly cancellable: boolean;
  state: 'pending' | 'cancelled' | 'executed';
}

/** The reference: every operation by brute force. */
class Reference {
  now = 0;
  seq = 0;
  readonly events: RefEvent[] = [];
  readonly log: number[] = [];
  counts = { scheduled: 0, executed: 0, cancelled: 0 };

  add(time: number, child: number | null, cancelTarget: number | null, cancellable = true): void {
    this.events.push({ id: this.events.length, time, seq: this.seq++, child, cancelTarget, cancellable, state: 'pending' });
    this.counts.scheduled++;
  }

  cancel(id: number): boolean {
    const e = this.events[id];
    if (e === undefined || !e.cancellable || e.state !== 'pending') return false;
    e.state = 'cancelled';
    this.counts.cancelled++;
    return true;
  }

  next(): RefEvent | undefined {
    let best: RefEvent | undefined;
    for (const e of this.events) {
      if (e.state === 'pending' && (best === undefined || e.time < best.time || (e.time === best.time && e.seq < best.seq))) best = e;
    }
    return best;
  }

  step(): boolean {
    const e = this.next();
    if (e === undefined) return false;
    e.state = 'executed';
    this.counts.executed++;
    this.now = e.time;
    this.log.push(e.id);
    if (e.child !== null) this.add(this.now + e.child, null, null, e.id % 2 === 0);
    if (e.cancelTarget !== null) this.cancel(e.cancelTarget);
    return true;
  }
}

function check(ops: Op[]): void {
  const kernel = new Kernel({ seed: 1 });
  const ref = new Reference();
  const handles: Array<EventHandle | undefined> = []; // undefined for events queued without a handle
  const log: number[] = [];
  const sites: EventSite[] = [kernel.site('n0', 'e'), kernel.site('n1', 'e'), kernel.site('n2', 'e')];

  const schedule = (time: number, child: number | null, cancelTarget: number | null, how: Via, relative: boolean): void => {
    const id = handles.length;
    const action = (): void => {
      log.push(id);
      // Children alternate between the handle and the handle-free paths.
      if (child !== null) schedule(kernel.now + child, null, null, id % 2 === 0 ? 'schedule' : 'site', id % 4 < 2);
      const target = cancelTarget === null ? undefined : handles[cancelTarget];
      if (target !== undefined) kernel.cancel(target);
    };
    const node = `n${id % 3}`;
    const delay = time - kernel.now;
    if (how === 'schedule') {
      handles.push(relative ? kernel.schedule(delay, node, 'e', action) : kernel.scheduleAt(time, node, 'e', action));
      return;
    }
    if (how === 'post') {
      if (relative) kernel.post(delay, node, 'e', action);
      else kernel.postAt(time, node, 'e', action);
    } else if (relative) {
      sites[id % 3]!.post(delay, action);
    } else {
      sites[id % 3]!.postAt(time, action);
    }
    handles.push(undefined);
  };

  for (const o of ops) {
    switch (o.op) {
      // The reference adds the same event at the same point, so ids and sequence numbers line up
      // (it adds children itself, when it runs their parents).
      case 'schedule':
        ref.add(ref.now + o.delay, o.child, o.cancelTarget, o.via === 'schedule');
        schedule(kernel.now + o.delay, o.child, o.cancelTarget, o.via, true);
        break;
      case 'scheduleAt':
        ref.add(ref.now + o.offset, null, null, o.via === 'schedule');
        schedule(kernel.now + o.offset, null, null, o.via, false);
        break;
      case 'cancel': {
        const target = handles[o.target];
        expect(target === undefined ? false : kernel.cancel(target)).toBe(ref.cancel(o.target));
        break;
      }
      case 'step':
        expect(kernel.step()).toBe(ref.step());
        break;
      case 'until': {
        const until = ref.now + o.span;
        let n = 0;
        for (let e = ref.next(); e !== undefined && e.time <= until; e = ref.next()) {
          ref.step();
          n++;
        }
        const empty = ref.next() === undefined;
        ref.now = until;
        expect(kernel.run({ until })).toEqual({ reason: empty ? 'empty' : 'until', executed: n, now: until });
        break;
      }
      case 'max': {
        let n = 0;
        while (n < o.count && ref.step()) n++;
        const result = kernel.run({ maxEvents: o.count });
        expect(result.executed).toBe(n);
        break;
      }
      case 'peek':
        expect(kernel.peekTime()).toBe(ref.next()?.time);
        break;
    }
    expect(log).toEqual(ref.log);
    expect(kernel.now).toBe(ref.now);
    const pending = ref.events.filter((e) => e.state === 'pending').length;
    expect(kernel.counters).toEqual({ ...ref.counts, pending });
    kernel.checkInvariants();
  }
  expect(handles.map((h) => h?.state)).toEqual(ref.events.map((e) => (e.cancellable ? e.state : undefined)));
  // Drain: everything left runs in reference order.
  kernel.run();
  while (ref.step());
  expect(log).toEqual(ref.log);
  kernel.checkInvariants();
}

describe('kernel queue vs a sorted-list reference', () => {
  it('agrees on random operation sequences', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => check(ops)), { numRuns: RUNS });
  });

  it('agrees on long sequences of many equal and nearby times', () => {
    const near = fc.oneof(
      fc.record({ op: fc.constant('schedule' as const), delay: fc.integer({ min: 0, max: 3 }), child: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }), cancelTarget: fc.option(fc.nat(200), { nil: null }), via }),
      fc.record({ op: fc.constant('cancel' as const), target: fc.nat(200) }),
      fc.constant({ op: 'step' as const }),
      fc.record({ op: fc.constant('until' as const), span: fc.integer({ min: 0, max: 2 }) }),
    );
    fc.assert(fc.property(fc.array(near, { minLength: 50, maxLength: 300 }), (ops) => check(ops)), { numRuns: Math.ceil(RUNS / 5) });
  });
});
