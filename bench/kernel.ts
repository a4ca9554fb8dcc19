/**
 * Event-kernel speed and memory: schedule + dispatch throughput in the classic "hold" model (each event
 * schedules one more, so the number pending stays steady) at 1e3 to 1e6 pending events with
 * exponential delays, and at 1e5 with a bimodal mix (microsecond link delays next to second-long
 * timers); a timer-heavy mix in which most timers are re-armed, so cancelled, before they fire; and
 * memory per pending event at 1e6 pending.
 *
 * Each throughput figure is measured for the general API (`Kernel.schedule`, which returns a handle)
 * under the metric names this bench always had, and again, as separate figures, for the handle-free
 * fast paths: `Kernel.post` (no handle) and `EventSite.post` (no handle and no record). Throughput is
 * the best of three timed segments after a warm-up, in wall-clock time: the machine is shared, and the
 * best segment is the one least disturbed by other work.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Kernel, Timer } from '../src/sim/index.js';
import type { Bench, Reporter } from './report.js';

const TABLE = 1 << 16;
const MASK = TABLE - 1;
const SEGMENTS = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** How the bench queues its events. */
type Api = 'schedule' | 'post' | 'site';

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

/** Runs `segments` timed runs of `events` events each (after `warmUp`); returns the best rate. */
function bestRate(kernel: Kernel, warmUp: number, events: number, segments: number): number {
  kernel.run({ maxEvents: warmUp }); // JIT and steady queue shape
  let best = 0;
  for (let s = 0; s < segments; s++) {
    const started = process.hrtime.bigint();
    const result = kernel.run({ maxEvents: events });
    best = Math.max(best, result.executed / seconds(started));
  }
  return best;
}

/** Events per second of the hold model with `pending` events. */
function hold(pending: number, events: number, segments: number, shape: 'exponential' | 'bimodal', api: Api): number {
  const kernel = new Kernel({ seed: 1 });
  const delays = delayTable(kernel, shape);
  let k = 0;
  let next: () => void;
  if (api === 'schedule') {
    next = () => {
      kernel.schedule(delays[k++ & MASK]!, 'n', 'hold', next);
    };
  } else if (api === 'post') {
    next = () => {
      kernel.post(delays[k++ & MASK]!, 'n', 'hold', next);
    };
  } else {
    const site = kernel.site('n', 'hold');
    next = () => {
      site.post(delays[k++ & MASK]!, next);
    };
  }
  for (let i = 0; i < pending; i++) next();
  const rate = bestRate(kernel, Math.min(events, 200_000), events, segments);
  kernel.checkInvariants();
  if (kernel.counters.pending !== pending) throw new Error('hold model lost events');
  return rate;
}

/**
 * 10 000 timers (say, neighbor-cache entries, 5 ms timeout) and 100 traffic sources (mean gap 10 us);
 * each packet re-arms the timer of one destination, so most expiries are cancelled before they fire.
 * The packets are queued with `schedule` (general) or an event site per source (fast).
 */
function timerMix(events: number, segments: number, api: 'schedule' | 'site', report: Reporter): void {
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
  for (let s = 0; s < 100; s++) {
    const node = `source-${s}`; // named once, as a model names its nodes
    let source: () => void;
    if (api === 'schedule') {
      source = () => {
        timers[targets[k & MASK]!]!.set(timeout);
        arms++;
        kernel.schedule(gaps[k++ & MASK]!, node, 'packet', source);
      };
    } else {
      const site = kernel.site(node, 'packet');
      source = () => {
        timers[targets[k & MASK]!]!.set(timeout);
        arms++;
        site.post(gaps[k++ & MASK]!, source);
      };
    }
    kernel.schedule(gaps[k++ & MASK]!, node, 'packet', source);
  }
  kernel.run({ maxEvents: 200_000 });
  let best = { events: 0, scheduled: 0, ops: 0 };
  let cancelledShare = 0;
  for (let segment = 0; segment < segments; segment++) {
    const before = kernel.counters;
    const armsBefore = arms;
    const started = process.hrtime.bigint();
    const result = kernel.run({ maxEvents: events });
    const elapsed = seconds(started);
    const after = kernel.counters;
    const scheduled = after.scheduled - before.scheduled;
    const cancelled = after.cancelled - before.cancelled;
    if (result.executed / elapsed > best.events) {
      best = { events: result.executed / elapsed, scheduled: scheduled / elapsed, ops: (scheduled + cancelled + result.executed) / elapsed };
    }
    cancelledShare = cancelled / (arms - armsBefore);
  }
  kernel.checkInvariants();
  const label = api === 'schedule' ? 'timer-heavy mix' : 'timer-heavy mix, site.post packets';
  report.add('kernel', `${label}: events dispatched`, Math.round(best.events), 'events/s');
  // Every scheduled event ends either run or cancelled: the kernel's throughput in events handled.
  report.add('kernel', `${label}: events scheduled (each run or cancelled)`, Math.round(best.scheduled), 'events/s');
  report.add('kernel', `${label}: schedule + cancel + dispatch operations`, Math.round(best.ops), 'ops/s');
  if (api === 'schedule') report.add('kernel', 'timer-heavy mix: share of timer arms cancelled', Number(cancelledShare.toFixed(3)), 'ratio');
  if (expired === 0) throw new Error('timer mix: no timer ever fired');
}

/**
 * Heap and typed-array memory after full collections. V8 frees the backing stores of dead typed
 * arrays concurrently, so `arrayBuffers` still counts earlier benchmarks' arrays right after `gc()`:
 * collect, let the sweeper finish, and collect again before reading.
 */
async function settledMemory(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bytes of heap and typed-array memory per pending event, with `pending` pending. */
async function memoryPerEvent(pending: number, api: 'schedule' | 'site'): Promise<number> {
  const action = (): void => {};
  const base = await settledMemory();
  const kernel = new Kernel({ seed: 3 });
  const rng = kernel.rng.stream('bench/memory');
  const site = kernel.site('n', 'e');
  for (let i = 0; i < pending; i++) {
    const delay = Math.round(rng.exponential(1e6));
    if (api === 'schedule') kernel.schedule(delay, 'n', 'e', action);
    else site.post(delay, action);
  }
  const bytes = ((await settledMemory()) - base) / pending;
  if (kernel.counters.pending !== pending) throw new Error('memory bench lost events');
  return bytes;
}

export const kernelBench: Bench = {
  name: 'kernel',
  async run(report, { quick }) {
    const sizes = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
    const events = quick ? 300_000 : 1_500_000;
    const segments = quick ? 1 : SEGMENTS;
    const apis: Array<[Api, string]> = [['schedule', ''], ['post', ', Kernel.post'], ['site', ', EventSite.post']];
    for (const [api, suffix] of apis) {
      for (const pending of sizes) {
        const rate = hold(pending, Math.max(events, pending), segments, 'exponential', api);
        report.add('kernel', `hold, exponential delays (${pending.toLocaleString('en-US')} pending)${suffix}`, Math.round(rate), 'events/s');
      }
      if (api === 'post') continue;
      const bimodal = hold(1e5, Math.max(events, 3e5), segments, 'bimodal', api);
      report.add('kernel', `hold, 90 % us / 10 % s delays (100,000 pending)${suffix}`, Math.round(bimodal), 'events/s');
    }
    timerMix(events, segments, 'schedule', report);
    timerMix(events, segments, 'site', report);
    const pending = quick ? 1e5 : 1e6;
    const count = pending.toLocaleString('en-US');
    report.add('kernel', `memory per pending event (${count} pending)`, Math.round(await memoryPerEvent(pending, 'schedule')), 'bytes');
    report.add('kernel', `memory per pending event (${count} pending), EventSite.post`, Math.round(await memoryPerEvent(pending, 'site')), 'bytes');
  },
};
