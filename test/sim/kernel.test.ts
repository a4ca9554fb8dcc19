/**
 * The kernel, in the manner of SimPy's tests/test_environment.py: order at equal times, the `until`
 * boundary, cancelling, rejected delays, handler failures, stop(), counters, and independence of two
 * kernels.
 */
import { describe, expect, it } from 'vitest';
import { Kernel, SimulationError } from '../../src/sim/index.js';

function recorder(kernel: Kernel): { log: string[]; at: (label: string) => () => void } {
  const log: string[] = [];
  return { log, at: (label) => () => log.push(`${kernel.now}:${label}`) };
}

describe('ordering', () => {
  it('runs events by time, and equal times in scheduling order', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    k.schedule(20, 'n', 'x', at('c'));
    k.schedule(10, 'n', 'x', at('a'));
    k.scheduleAt(20, 'n', 'x', at('d'));
    k.schedule(10, 'n', 'x', at('b'));
    k.schedule(0, 'n', 'x', at('first'));
    expect(k.run()).toEqual({ reason: 'empty', executed: 5, now: 20 });
    expect(log).toEqual(['0:first', '10:a', '10:b', '20:c', '20:d']);
  });

  it('runs an event scheduled for now by a handler after the events already due now', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    k.schedule(5, 'n', 'x', () => {
      log.push('5:a');
      k.schedule(0, 'n', 'x', at('a-child'));
    });
    k.schedule(5, 'n', 'x', at('b'));
    k.run();
    expect(log).toEqual(['5:a', '5:b', '5:a-child']);
  });

  it('orders times that differ only in high bits (beyond 2^32 ns)', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    const times = [2 ** 52 + 7, 2 ** 32, 2 ** 32 - 1, 2 ** 45, 3, 2 ** 52, 2 ** 40 + 1, 2 ** 40];
    for (const t of times) k.scheduleAt(t, 'n', 'x', at('e'));
    k.run();
    expect(log.map((l) => Number(l.split(':')[0]))).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('run({ until })', () => {
  it('runs events at exactly `until`, including ones they schedule at `until`, then sets now to `until`', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    k.schedule(99, 'n', 'x', at('before'));
    k.schedule(100, 'n', 'x', () => {
      log.push('100:at');
      k.schedule(0, 'n', 'x', at('same-time child'));
      k.schedule(1, 'n', 'x', at('later child'));
    });
    k.schedule(101, 'n', 'x', at('after'));
    expect(k.run({ until: 100 })).toEqual({ reason: 'until', executed: 3, now: 100 });
    expect(log).toEqual(['99:before', '100:at', '100:same-time child']);
    expect(k.peekTime()).toBe(101);
    expect(k.run({ until: 150 })).toEqual({ reason: 'empty', executed: 2, now: 150 });
    expect(log.slice(3)).toEqual(['101:after', '101:later child']); // scheduled first, runs first
  });

  it('moves the clock to `until` when nothing is due, and accepts events scheduled before the next one', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    k.schedule(1_000, 'n', 'x', at('far'));
    expect(k.run({ until: 10 })).toEqual({ reason: 'until', executed: 0, now: 10 });
    k.schedule(5, 'n', 'x', at('near')); // lands before the queue's floor, which moved to 1000 when peeking
    k.schedule(990, 'n', 'x', at('tie, scheduled later'));
    k.run();
    expect(log).toEqual(['15:near', '1000:far', '1000:tie, scheduled later']);
  });

  it('rejects an `until` in the past or not an integer, and a bad maxEvents', () => {
    const k = new Kernel({ seed: 1 });
    k.run({ until: 50 });
    expect(() => k.run({ until: 49 })).toThrow(RangeError);
    expect(() => k.run({ until: 60.5 })).toThrow(RangeError);
    expect(() => k.run({ maxEvents: -1 })).toThrow(RangeError);
    expect(k.run({ until: 50 })).toEqual({ reason: 'empty', executed: 0, now: 50 });
  });

  it('stops after maxEvents', () => {
    const k = new Kernel({ seed: 1 });
    for (let i = 0; i < 5; i++) k.schedule(i, 'n', 'x', () => {});
    expect(k.run({ maxEvents: 3 })).toEqual({ reason: 'max-events', executed: 3, now: 2 });
    expect(k.run({ maxEvents: 0 })).toEqual({ reason: 'max-events', executed: 0, now: 2 });
    expect(k.run()).toEqual({ reason: 'empty', executed: 2, now: 4 });
  });
});

describe('cancel', () => {
  it('skips a cancelled event and reports the handle states', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    const a = k.schedule(10, 'h1', 'probe', at('a'));
    const b = k.schedule(10, 'h1', 'probe', at('b'));
    expect([a.time, a.node, a.kind, a.pending, a.cancelled, a.state]).toEqual([10, 'h1', 'probe', true, false, 'pending']);
    expect(k.cancel(a)).toBe(true);
    expect(k.cancel(a)).toBe(false); // double cancel
    expect([a.pending, a.cancelled, a.state]).toEqual([false, true, 'cancelled']);
    k.run();
    expect(log).toEqual(['10:b']);
    expect(b.state).toBe('executed');
    expect(k.cancel(b)).toBe(false); // already run
    expect(k.counters).toEqual({ scheduled: 2, executed: 1, cancelled: 1, pending: 0 });
  });

  it('cancels from inside a handler: a later event at the same time, and not itself', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    let selfCancel: boolean | undefined;
    const self = k.schedule(3, 'n', 'x', () => {
      log.push('3:first');
      selfCancel = k.cancel(self);
      expect(self.pending).toBe(false);
      k.cancel(victim);
    });
    const victim = k.schedule(3, 'n', 'x', at('victim'));
    k.schedule(4, 'n', 'x', at('after'));
    k.run();
    expect(selfCancel).toBe(false);
    expect(log).toEqual(['3:first', '4:after']);
    expect(self.state).toBe('executed');
    k.checkInvariants();
  });

  it('keeps handles truthful while records are reused around long-lived events', () => {
    const k = new Kernel({ seed: 1 });
    const longLived = Array.from({ length: 300 }, (_, i) => k.schedule(1e9 + i, 'n', 'far', () => {}));
    const short: Array<ReturnType<Kernel['schedule']>> = [];
    let fired = 0;
    // Many generations of short events reuse records among the long-lived ones.
    const tick = (): void => {
      fired++;
      if (fired < 20_000) short.push(k.schedule(1 + (fired % 7), 'n', 'tick', tick));
    };
    for (let i = 0; i < 50; i++) short.push(k.schedule(i, 'n', 'tick', tick));
    const victim = k.schedule(500, 'n', 'victim', () => {});
    expect(k.cancel(victim)).toBe(true);
    k.run({ until: 1e8 });
    expect(short.every((h) => h.state === 'executed')).toBe(true);
    expect(victim.state).toBe('cancelled');
    expect(longLived.every((h) => h.state === 'pending')).toBe(true);
    expect(k.cancel(longLived[7]!)).toBe(true);
    k.checkInvariants();
    expect(k.run().executed).toBe(299);
  });


  it('tells run from pending among thousands of events at one instant, wherever their entries wait', () => {
    const k = new Kernel({ seed: 1 });
    const handles: Array<ReturnType<Kernel['schedule']>> = [];
    // Zero-delay events: every record stays in use until the clock moves past this instant.
    const chain = (): void => {
      if (handles.length < 5_000) handles.push(k.schedule(0, 'n', 'chain', chain), k.schedule(0, 'n', 'chain', chain));
    };
    handles.push(k.schedule(7, 'n', 'chain', chain));
    expect(k.run({ maxEvents: 2_500 }).executed).toBe(2_500);
    expect(k.now).toBe(7);
    expect(handles.length).toBeGreaterThan(4_000);
    expect(handles.slice(0, 2_500).every((h) => h.state === 'executed')).toBe(true);
    expect(handles.slice(2_500).every((h) => h.state === 'pending')).toBe(true);
    expect(k.cancel(handles[1_000]!)).toBe(false);
    expect(k.cancel(handles[2_600]!)).toBe(true);
    k.run({ until: 7 });
    expect(handles.filter((h) => h.state === 'executed').length).toBe(handles.length - 1);
    k.checkInvariants();
    // Now at 7, with the wheel moved on by a peek: an event due exactly now waits in the heap, one due
    // at 2^40 in the far queue; both pending until they run.
    const far = k.scheduleAt(2 ** 40, 'n', 'far', () => {});
    expect(k.peekTime()).toBe(2 ** 40);
    const now = k.schedule(0, 'n', 'now', () => {});
    expect([now.pending, far.pending]).toEqual([true, true]);
    expect(k.run({ maxEvents: 1 }).executed).toBe(1);
    expect([now.state, far.state]).toEqual(['executed', 'pending']);
    k.run({ until: 2 ** 40 - 1 });
    expect(far.pending).toBe(true);
    k.run();
    expect(far.state).toBe('executed');
    // The queue empty, the clock jumps ahead of the wheel: events due now wait in a bucket of the
    // wheel, or beyond its horizon in the far queue.
    for (const ahead of [5_000, 10 ** 9]) {
      k.run({ until: k.now + ahead });
      const due = [k.schedule(0, 'n', 'due', () => {}), k.schedule(0, 'n', 'due', () => {})];
      expect(due.map((h) => h.pending)).toEqual([true, true]);
      expect(k.cancel(due[1]!)).toBe(true);
      k.run();
      expect(due.map((h) => h.state)).toEqual(['executed', 'cancelled']);
    }
    k.checkInvariants();
  });
  it('rejects a handle from another kernel', () => {
    const k1 = new Kernel({ seed: 1 });
    const k2 = new Kernel({ seed: 1 });
    const h = k1.schedule(1, 'n', 'x', () => {});
    expect(() => k2.cancel(h)).toThrow(/another kernel/);
    expect(h.pending).toBe(true);
  });

  it('peekTime skips cancelled events', () => {
    const k = new Kernel({ seed: 1 });
    const early = k.schedule(5, 'n', 'x', () => {});
    k.schedule(9, 'n', 'x', () => {});
    expect(k.peekTime()).toBe(5);
    k.cancel(early);
    expect(k.peekTime()).toBe(9);
    k.run();
    expect(k.peekTime()).toBeUndefined();
  });

  it('sweeps cancelled entries when they dominate, without changing order', () => {
    const k = new Kernel({ seed: 1 });
    const rng = k.rng.stream('sweep');
    const kept: Array<[number, number]> = [];
    const order: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const delay = rng.integer(0, 1e9);
      const h = k.schedule(delay, 'n', 'x', () => order.push(i));
      if (i % 50 === 0) kept.push([delay, i]);
      else k.cancel(h);
    }
    expect(k.queueSize).toBeLessThan(2 * kept.length + 70_000);
    k.checkInvariants();
    k.run();
    expect(order).toEqual(kept.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i));
  });
});

describe('rejected schedules', () => {
  const k = new Kernel({ seed: 1 });
  it.each([-1, 0.5, Number.NaN, Infinity, -Infinity, 2 ** 53])('rejects delay %s with the node and kind', (delay) => {
    expect(() => k.schedule(delay, 'leaf-3', 'arp-retransmit', () => {})).toThrow(RangeError);
    expect(() => k.schedule(delay, 'leaf-3', 'arp-retransmit', () => {})).toThrow(/'arp-retransmit' on 'leaf-3'/);
  });

  it('rejects times in the past and sums beyond 2^53 - 1', () => {
    const kk = new Kernel({ seed: 1 });
    kk.run({ until: 1_000 });
    expect(() => kk.scheduleAt(999, 'h', 'k', () => {})).toThrow(/'k' on 'h' at 0.000000999 s: it is before now/);
    expect(() => kk.schedule(Number.MAX_SAFE_INTEGER, 'h', 'k', () => {})).toThrow(/'k' on 'h'/);
    expect(() => kk.scheduleAt(1.5e3 + 0.5, 'h', 'k', () => {})).toThrow(RangeError);
    expect(kk.counters.scheduled).toBe(0);
  });
});

describe('handler failures', () => {
  it('stop the run with a SimulationError naming time, node and kind, with the cause', () => {
    const k = new Kernel({ seed: 1 });
    const original = new TypeError('boom');
    k.schedule(12_000_345_678, 'vm-7', 'garp-send', () => {
      throw original;
    });
    k.schedule(13_000_000_000, 'vm-7', 'later', () => {});
    let caught: unknown;
    try {
      k.run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SimulationError);
    const e = caught as SimulationError;
    expect(e.message).toContain('12.000345678 s');
    expect(e.message).toContain("'vm-7'");
    expect(e.message).toContain("'garp-send'");
    expect(e.message).toContain('boom');
    expect(e.cause).toBe(original);
    expect([e.time, e.node, e.kind]).toEqual([12_000_345_678, 'vm-7', 'garp-send']);
    expect(k.now).toBe(12_000_345_678);
    expect(k.counters).toEqual({ scheduled: 2, executed: 1, cancelled: 0, pending: 1 });
    // The kernel stays usable: the next run continues with the next event.
    expect(k.run()).toEqual({ reason: 'empty', executed: 1, now: 13_000_000_000 });
  });

  it('name the failing event even when its handler scheduled many events before throwing', () => {
    const k = new Kernel({ seed: 1 });
    k.schedule(5, 'router-1', 'hello', () => {
      for (let i = 0; i < 5000; i++) k.schedule(1 + i, `host-${i}`, 'probe', () => {});
      throw new Error('late failure');
    });
    expect(() => k.run()).toThrow(/'hello' on node 'router-1'/);
    expect(k.counters.pending).toBe(5000);
    k.checkInvariants();
  });

  it('wraps non-Error throws and failures of step()', () => {
    const k = new Kernel({ seed: 1 });
    k.schedule(1, 'n', 'odd', () => {
      throw 'a string';
    });
    expect(() => k.step()).toThrow(/'odd' on node 'n' at 0.000000001 s threw a string/);
  });

  it('does not let a handler re-enter run() or step()', () => {
    const k = new Kernel({ seed: 1 });
    k.schedule(1, 'n', 'nested', () => k.run());
    expect(() => k.run()).toThrow(SimulationError);
    k.schedule(1, 'n', 'nested', () => k.step());
    try {
      k.run();
    } catch (error) {
      expect(((error as SimulationError).cause as Error).message).toMatch(/cannot be called from inside/);
    }
    expect.assertions(2);
  });
});

describe('stop() and step()', () => {
  it('stop() ends the run after the current event; the rest runs later', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    k.schedule(1, 'n', 'x', at('a'));
    k.schedule(2, 'n', 'x', () => {
      log.push('2:stopper');
      k.stop();
      k.schedule(0, 'n', 'x', at('same-time'));
    });
    k.schedule(3, 'n', 'x', at('c'));
    expect(k.run()).toEqual({ reason: 'stopped', executed: 2, now: 2 });
    k.stop(); // outside a run: no effect
    expect(k.run()).toEqual({ reason: 'empty', executed: 2, now: 3 });
    expect(log).toEqual(['1:a', '2:stopper', '2:same-time', '3:c']);
  });

  it('step() runs exactly one event', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    k.schedule(4, 'n', 'x', at('a'));
    k.schedule(4, 'n', 'x', at('b'));
    expect(k.step()).toBe(true);
    expect(log).toEqual(['4:a']);
    expect(k.step()).toBe(true);
    expect(k.step()).toBe(false);
    expect(log).toEqual(['4:a', '4:b']);
  });
});

describe('two kernels', () => {
  it('keep separate clocks, queues and counters when interleaved', () => {
    const a = new Kernel({ seed: 1 });
    const b = new Kernel({ seed: 1 });
    const seen: string[] = [];
    a.schedule(10, 'n', 'x', () => seen.push(`a@${a.now}`));
    b.schedule(5, 'n', 'x', () => {
      seen.push(`b@${b.now}`);
      a.schedule(1, 'n', 'x', () => seen.push(`a@${a.now}`)); // now of a, not b
    });
    b.run();
    expect(a.now).toBe(0);
    a.run();
    expect(seen).toEqual(['b@5', 'a@1', 'a@10']);
    expect(a.counters).toEqual({ scheduled: 2, executed: 2, cancelled: 0, pending: 0 });
    expect(b.counters).toEqual({ scheduled: 1, executed: 1, cancelled: 0, pending: 0 });
    expect(a.rng.nextUint32()).toBe(b.rng.nextUint32());
  });
});

describe('post, postAt and event sites (no handle)', () => {
  it('run in (time, scheduling order) among scheduled events, and count like them', () => {
    const k = new Kernel({ seed: 1 });
    const { log, at } = recorder(k);
    const site = k.site('h1', 'frame-arrival');
    k.schedule(10, 'n', 'x', at('a'));
    k.post(10, 'n', 'x', at('b'));
    site.post(10, at('c'));
    k.postAt(5, 'n', 'x', at('early'));
    site.postAt(10, at('d'));
    k.scheduleAt(10, 'n', 'x', at('e'));
    expect(k.counters).toEqual({ scheduled: 6, executed: 0, cancelled: 0, pending: 6 });
    expect(k.queueSize).toBe(6);
    k.checkInvariants();
    expect(k.run()).toEqual({ reason: 'empty', executed: 6, now: 10 });
    expect(log).toEqual(['5:early', '10:a', '10:b', '10:c', '10:d', '10:e']);
    expect(k.counters).toEqual({ scheduled: 6, executed: 6, cancelled: 0, pending: 0 });
  });

  it('gives one site object per (node, kind), remembering its names', () => {
    const k = new Kernel({ seed: 1 });
    const a = k.site('leaf-3', 'frame-arrival');
    expect(k.site('leaf-3', 'frame-arrival')).toBe(a);
    expect(k.site('leaf-3', 'timeout')).not.toBe(a);
    expect(k.site('leaf-4', 'frame-arrival')).not.toBe(a);
    expect([a.node, a.kind]).toEqual(['leaf-3', 'frame-arrival']);
    expect(new Kernel({ seed: 1 }).site('leaf-3', 'frame-arrival')).not.toBe(a);
  });

  it('reject bad delays and times like schedule, naming the node and kind, and queue nothing', () => {
    const k = new Kernel({ seed: 1 });
    k.run({ until: 1_000 });
    const site = k.site('leaf-3', 'arp-retransmit');
    for (const delay of [-1, 0.5, Number.NaN, Infinity, 2 ** 53]) {
      expect(() => k.post(delay, 'leaf-3', 'arp-retransmit', () => {})).toThrow(/'arp-retransmit' on 'leaf-3'/);
      expect(() => site.post(delay, () => {})).toThrow(/'arp-retransmit' on 'leaf-3'/);
    }
    expect(() => k.postAt(999, 'h', 'k', () => {})).toThrow(/'k' on 'h' at 0.000000999 s: it is before now/);
    expect(() => site.postAt(999, () => {})).toThrow(/before now/);
    expect(() => site.postAt(1_500.5, () => {})).toThrow(RangeError);
    expect(() => site.post(Number.MAX_SAFE_INTEGER, () => {})).toThrow(/beyond 2\^53 - 1/);
    expect(k.counters.scheduled).toBe(0);
    k.checkInvariants();
  });

  it('name the node and kind when a handler throws', () => {
    const k = new Kernel({ seed: 1 });
    k.site('vm-7', 'garp-send').post(12_000_345_678, () => {
      throw new TypeError('boom');
    });
    k.post(13_000_000_000, 'vm-8', 'later', () => {
      throw 'odd';
    });
    expect(() => k.run()).toThrow(/'garp-send' on node 'vm-7' at 12.000345678 s threw TypeError: boom/);
    expect(() => k.run()).toThrow(/'later' on node 'vm-8' at 13.000000000 s threw odd/);
    expect(k.counters).toEqual({ scheduled: 2, executed: 2, cancelled: 0, pending: 0 });
    k.checkInvariants();
  });

  it('interleave with cancellations, peeks and until without breaking the counters', () => {
    const k = new Kernel({ seed: 1 });
    const site = k.site('n', 'tick');
    const ran: number[] = [];
    const handles = [];
    for (let i = 0; i < 300; i++) {
      const delay = (i * 7919) % 5_000;
      if (i % 3 === 0) handles.push(k.schedule(delay, 'n', 'x', () => ran.push(i)));
      else if (i % 3 === 1) k.post(delay, 'n', 'x', () => ran.push(i));
      else site.post(delay, () => ran.push(i));
    }
    for (let i = 0; i < handles.length; i += 2) k.cancel(handles[i]!);
    expect(k.peekTime()).toBe(15); // 0 was cancelled
    k.run({ until: 2_500 });
    k.checkInvariants();
    site.post(0, () => ran.push(-1)); // at 2 500, before the events the peek looked at
    k.run();
    const c = k.counters;
    expect([c.scheduled, c.cancelled, c.executed, c.pending]).toEqual([301, 50, 251, 0]);
    expect(ran.length).toBe(251);
    k.checkInvariants();
  });
});
