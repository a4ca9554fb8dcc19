/**
 * Event-kernel speed and memory: schedule + dispatch throughput in the classic "hold" model (each event
 * schedules one more, so the number pending stays steady) at 1e3 to 1e6 pending events with
 * exponential delays, and at 1e5 with a bimodal mix (microsecond link delays next to second-long
 * timers); a timer-heavy mix in which most timers are re-armed, so cancelled, before they fire; and
 * memory per pending event at 1e6 pending.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Kernel, Timer } from '../src/sim/index.js';
import type { Bench, Reporter } from './report.js';

const TABLE = 1 << 16;
const MASK = TABLE - 1;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Delay tables drawn from the kernel's own generator, so every run measures the same sequence. */
function delayTable(kernel: Kernel, shape: 'exponential' | 'bimodal'): Float64Array {
  const rng = kernel.rng.stream(`bench/${shape}`);
  const table = new Float64Array(TABLE);
  for (let i = 0; i < TABLE; i++) {
    table[i] = shape === 'exponential'
      ? Math.round(rng.exponential(1e6)) // mean 1 ms
      : rng.bernoulli(0.9) ? rng.integer(1_000, 1_050) : rng.integer(1e9, 30e9);
  }
  return table;
}

/** Events per second of the hold model with `pending` events, over `events` dispatches. */
function hold(pending: number, events: number, shape: 'exponential' | 'bimodal'): number {
  const kernel = new Kernel({ seed: 1 });
  const delays = delayTable(kernel, shape);
  let k = 0;
  const next = (): void => {
    kernel.schedule(delays[k++ & MASK]!, 'n', 'hold', next);
  };
  for (let i = 0; i < pending; i++) next();
  kernel.run({ maxEvents: Math.min(events, 200_000) }); // warm-up: JIT and steady queue shape
  const started = process.hrtime.bigint();
  const result = kernel.run({ maxEvents: events });
  const rate = result.executed / seconds(started);
  kernel.checkInvariants();
  if (kernel.counters.pending !== pending) throw new Error('hold model lost events');
  return rate;
}

/**
 * 10 000 timers (say, neighbor-cache entries, 5 ms timeout) and 100 traffic sources (mean gap 10 us);
 * each packet re-arms the timer of one destination, so most expiries are cancelled before they fire.
 */
function timerMix(events: number, report: Reporter): void {
  const kernel = new Kernel({ seed: 2 });
  const rng = kernel.rng.stream('bench/timers');
  const timerCount = 10_000;
  const timeout = 5_000_000;
  const gaps = new Float64Array(TABLE);
  const targets = new Int32Array(TABLE);
  for (let i = 0; i < TABLE; i++) {
    gaps[i] = Math.round(rng.exponential(10_000));
    // Skewed destinations: a few hot ones re-armed constantly, a long tail that times out.
    targets[i] = Math.floor(timerCount * rng.nextFloat() ** 3);
  }
  let expired = 0;
  const timers: Timer[] = [];
  for (let i = 0; i < timerCount; i++) {
    timers.push(new Timer(kernel, `host-${i}`, 'reachable-timeout', () => { expired++; }));
  }
  let k = 0;
  let arms = 0;
  const sources: Array<() => void> = [];
  for (let s = 0; s < 100; s++) {
    const source = (): void => {
      timers[targets[k & MASK]!]!.set(timeout);
      arms++;
      kernel.schedule(gaps[k++ & MASK]!, `source-${s}`, 'packet', source);
    };
    sources.push(source);
    kernel.schedule(gaps[k++ & MASK]!, `source-${s}`, 'packet', source);
  }
  kernel.run({ maxEvents: 200_000 });
  const before = kernel.counters;
  const armsBefore = arms;
  const started = process.hrtime.bigint();
  const result = kernel.run({ maxEvents: events });
  const elapsed = seconds(started);
  const after = kernel.counters;
  kernel.checkInvariants();
  const scheduled = after.scheduled - before.scheduled;
  const cancelled = after.cancelled - before.cancelled;
  report.add('kernel', 'timer-heavy mix: events dispatched', Math.round(result.executed / elapsed), 'events/s');
  report.add('kernel', 'timer-heavy mix: schedule + cancel + dispatch operations', Math.round((scheduled + cancelled + result.executed) / elapsed), 'ops/s');
  report.add('kernel', 'timer-heavy mix: share of timer arms cancelled', Number((cancelled / (arms - armsBefore)).toFixed(3)), 'ratio');
  if (expired === 0) throw new Error('timer mix: no timer ever fired');
}

/** Bytes of heap and typed-array memory per pending event, with 1e6 pending. */
function memoryPerEvent(pending: number): number {
  const used = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const action = (): void => {};
  const base = used();
  const kernel = new Kernel({ seed: 3 });
  const rng = kernel.rng.stream('bench/memory');
  for (let i = 0; i < pending; i++) kernel.schedule(Math.round(rng.exponential(1e6)), 'n', 'e', action);
  const bytes = (used() - base) / pending;
  if (kernel.counters.pending !== pending) throw new Error('memory bench lost events');
  return bytes;
}

export const kernelBench: Bench = {
  name: 'kernel',
  run(report, { quick }) {
    const sizes = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
    const events = quick ? 500_000 : 4_000_000;
    for (const pending of sizes) {
      const rate = hold(pending, Math.max(events, 3 * pending), 'exponential');
      report.add('kernel', `hold, exponential delays (${pending.toLocaleString('en-US')} pending)`, Math.round(rate), 'events/s');
    }
    const bimodal = hold(1e5, Math.max(events, 3e5), 'bimodal');
    report.add('kernel', 'hold, 90 % us / 10 % s delays (100,000 pending)', Math.round(bimodal), 'events/s');
    timerMix(quick ? 500_000 : 4_000_000, report);
    const pending = quick ? 1e5 : 1e6;
    report.add('kernel', `memory per pending event (${pending.toLocaleString('en-US')} pending)`, Math.round(memoryPerEvent(pending)), 'bytes');
  },
};
