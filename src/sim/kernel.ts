/**
 * The event kernel: one simulation clock, one event queue, the root random stream and the trace bus
 * of one simulation. Like SimPy's `Environment`, it is an object passed to model constructors: there is
 * no singleton and no global "now", so two kernels in one process never interfere.
 *
 * Guarantees:
 * - Time is an integer number of nanoseconds that never goes back. Events run in (time, sequence)
 *   order: events at equal times run in the order they were scheduled (ns-3's scheduler contract,
 *   SimPy's heap order), whichever of `schedule`, `post` or an {@link EventSite} queued them.
 * - Cancelling is O(1): the event's record becomes a tombstone and its queue entry is dropped when
 *   reached, or swept when cancelled entries outnumber live ones.
 * - `scheduled - executed - cancelled = pending` always; `run()` checks on every return that the
 *   queues hold exactly that many live entries (plus the tombstones), and `checkInvariants()` recounts
 *   them one by one.
 * - A handler that throws ends the run with a {@link SimulationError} naming time, node and kind; the
 *   event counts as executed, and the kernel stays usable.
 *
 * The queue (timing-wheel.ts): a timing wheel of 65 536 buckets of 1 024 ns, each bucket sorted only
 * when reached, one FIFO slot per nanosecond for events scheduled into the current bucket, and the
 * radix queue (radix-queue.ts) beyond the wheel's 67 ms horizon. Records (event-store.ts) exist only
 * for events that can be cancelled; fire-and-forget events of an {@link EventSite} carry a site
 * number instead. The run loop below pops the common case itself.
 *
 * Why this shape: the queue structures and record layouts measured and tried, with their figures,
 * are in bench/kernel-notes.md.
 */
import { EventHandle } from './event-handle.js';
import { EventSite } from './event-site.js';
import { CANCELLED, EventStore, PENDING } from './event-store.js';
import type { Seed } from './rng.js';
import { Rng } from './rng.js';
import { SimulationError } from './simulation-error.js';
import { DOUBLE_ZERO } from './representation.js';
import { formatTime } from './time.js';
import { TimingWheel } from './timing-wheel.js';
import { TraceBus } from './trace.js';

/** Sweep cancelled entries once they outnumber pending ones by this many (keeps small queues sweep-free). */
const COMPACT_SLACK = 65536;

/** Options of a kernel. */
export interface KernelOptions {
  /** The seed of the root random stream (`kernel.rng`). */
  readonly seed: Seed;
}

/** Options of `Kernel.run`. */
export interface RunOptions {
  /** Run events at times <= until (ns), then set the clock to `until`. Must be >= now. */
  readonly until?: number;
  /** Stop after this many events (a non-negative integer). */
  readonly maxEvents?: number;
}

/** Why `run` returned. */
export type RunReason = 'empty' | 'until' | 'stopped' | 'max-events';

/** What `run` did. */
export interface RunResult {
  /**
   * `empty`: no pending event is left; `until`: the next event is after `until`; `stopped`: a handler
   * called `stop()`; `max-events`: `maxEvents` events ran (events may remain).
   */
  readonly reason: RunReason;
  /** Events run by this call. */
  readonly executed: number;
  /** The clock when the call returned (ns). */
  readonly now: number;
}

/** Event counts since the kernel was made; scheduled - executed - cancelled = pending. */
export interface KernelCounters {
  readonly scheduled: number;
  readonly executed: number;
  readonly cancelled: number;
  readonly pending: number;
}

/** The discrete-event kernel of one simulation. */
export class Kernel {
  /** The root random stream for this kernel's seed; components take `rng.stream(name)`. */
  readonly rng: Rng;
  /** The trace bus of this simulation. */
  readonly trace: TraceBus;
  /** Laid out as a double from the start (see representation.ts), then zero. */
  private currentTime = DOUBLE_ZERO;
  private nextSequence = 0;
  private scheduledCount = 0;
  private executedCount = 0;
  private cancelledCount = 0;
  private running = false;
  private stopRequested = false;
  private readonly store = new EventStore();
  private readonly queue: TimingWheel;
  private readonly sites: EventSite[] = [];
  private readonly siteIndex = new Map<string, Map<string, EventSite>>();

  constructor(options: KernelOptions) {
    this.rng = Rng.fromSeed(options.seed);
    this.trace = new TraceBus();
    this.queue = new TimingWheel(this.store);
    this.currentTime = 0;
  }

  /** The current simulated time (ns): the time of the event running, or of the last one run. */
  get now(): number {
    return this.currentTime;
  }

  /** Counts of scheduled, executed, cancelled and pending events (a fresh plain object). */
  get counters(): KernelCounters {
    return {
      scheduled: this.scheduledCount,
      executed: this.executedCount,
      cancelled: this.cancelledCount,
      pending: this.pending,
    };
  }

  /** Entries physically queued, cancelled ones not yet swept included (>= pending); for diagnostics. */
  get queueSize(): number {
    return this.queue.size;
  }

  /**
   * Schedules `action` to run `delay` ns from now. `delay` must be a non-negative safe integer and
   * now + delay a safe integer; otherwise throws `RangeError` naming the node and kind.
   */
  schedule(delay: number, node: string, kind: string, action: () => void): EventHandle {
    const time = this.currentTime + delay;
    if (!(delay >= 0 && time <= Number.MAX_SAFE_INTEGER && Number.isSafeInteger(delay))) this.rejectDelay(delay, node, kind);
    const seq = this.nextSequence;
    return new EventHandle(this, this.arm(time, node, kind, action), seq, time, node, kind);
  }

  /**
   * Schedules `action` at absolute time `time` (ns), which must be a safe integer >= now; otherwise
   * throws `RangeError` naming the node and kind.
   */
  scheduleAt(time: number, node: string, kind: string, action: () => void): EventHandle {
    if (!(time >= this.currentTime && Number.isSafeInteger(time))) this.rejectTime(time, node, kind);
    const seq = this.nextSequence;
    return new EventHandle(this, this.arm(time, node, kind, action), seq, time, node, kind);
  }

  /**
   * Like {@link schedule} for an event nobody will cancel (most events: frame deliveries), but
   * returns no handle, which saves allocating one. Same order, checks, errors and counters.
   */
  post(delay: number, node: string, kind: string, action: () => void): void {
    const time = this.currentTime + delay;
    if (!(delay >= 0 && time <= Number.MAX_SAFE_INTEGER && Number.isSafeInteger(delay))) this.rejectDelay(delay, node, kind);
    this.arm(time, node, kind, action);
  }

  /** Like {@link scheduleAt}, returning no handle; see {@link post}. */
  postAt(time: number, node: string, kind: string, action: () => void): void {
    if (!(time >= this.currentTime && Number.isSafeInteger(time))) this.rejectTime(time, node, kind);
    this.arm(time, node, kind, action);
  }

  /**
   * The event site of (`node`, `kind`): made on first use, the same object afterwards. Its
   * `post`/`postAt` are the cheapest way to queue an event (no handle, no record; see event-site.ts).
   * Get sites once, when a model is built; each distinct pair is kept for the kernel's life.
   */
  site(node: string, kind: string): EventSite {
    let kinds = this.siteIndex.get(node);
    if (kinds === undefined) {
      kinds = new Map();
      this.siteIndex.set(node, kinds);
    }
    let site = kinds.get(kind);
    if (site === undefined) {
      site = new EventSite(this, this.sites.length, node, kind);
      this.sites.push(site);
      kinds.set(kind, site);
    }
    return site;
  }

  /**
   * Cancels a pending event: true if it was pending, false if it already ran (or is running) or was
   * cancelled. Throws `RangeError` for a handle of another kernel.
   */
  cancel(handle: EventHandle): boolean {
    if (handle.kernel !== this) {
      throw new RangeError(`kernel: cannot cancel '${handle.kind}' on '${handle.node}': the handle belongs to another kernel`);
    }
    if (handle.cancelled || !this.isPending(handle.ref, handle.time)) return false;
    this.store.cancel(handle.ref);
    handle.markCancelled();
    this.cancelled();
    return true;
  }

  /**
   * @internal Whether the event of record `ref`, due at `time`, is pending: the record still holds
   * it, and it has not run. Before now it ran; at exactly now it ran unless its entry is still queued
   * (O(entries at that time)).
   */
  isPending(ref: number, time: number): boolean {
    if (!this.store.holds(ref, time) || time < this.currentTime) return false;
    return time > this.currentTime || this.queue.holds(time, ref);
  }

  /** The time of the next pending event, or undefined when none is left. */
  peekTime(): number | undefined {
    return this.queue.settle() ? this.queue.topTime : undefined;
  }

  /**
   * Runs events in order until one of: no pending event is left (`empty`); the next event is after
   * `until` (`until`); a handler called `stop()` (`stopped`); `maxEvents` events ran (`max-events`).
   * The `until` boundary is inclusive: events at exactly `until` run, and events they schedule at
   * `until` run too; then the clock is set to `until` (also when the queue ran empty before it). Not
   * re-entrant: throws if called from a handler. A throwing handler ends the run with a
   * {@link SimulationError}, the clock at that event's time.
   */
  run(options: RunOptions = {}): RunResult {
    const until = options.until ?? Infinity;
    const maxEvents = options.maxEvents ?? Infinity;
    if (options.until !== undefined && (!Number.isSafeInteger(until) || until < this.currentTime)) {
      throw new RangeError(`kernel: run until ${until}: must be a safe integer number of nanoseconds >= now (${this.currentTime})`);
    }
    if (options.maxEvents !== undefined && (!Number.isSafeInteger(maxEvents) || maxEvents < 0)) {
      throw new RangeError(`kernel: run maxEvents ${maxEvents}: must be a non-negative integer`);
    }
    this.enter();
    const queue = this.queue;
    const store = this.store;
    let executed = 0;
    let reason: RunReason;
    try {
      for (;;) {
        if (this.stopRequested) {
          reason = 'stopped';
          break;
        }
        if (executed >= maxEvents) {
          reason = 'max-events';
          break;
        }
        // The common case, inlined: the head of the sorted run is live and comes first.
        let time: number;
        let key: number;
        let action: () => void;
        const head = queue.runHead;
        if (
          head < queue.runLen &&
          queue.behind.size === 0 &&
          (time = queue.runTimes[head]!) <= queue.late.minTime &&
          ((key = queue.runKeys[head]!) < 0 || store.dead === 0 || store.states[key] === PENDING)
        ) {
          if (time > until) {
            reason = 'until';
            this.currentTime = until;
            break;
          }
          action = queue.runActions[head]!;
          queue.runActions[head] = undefined;
          queue.runHead = head + 1;
        } else if (head >= queue.runLen && queue.late.size === 0 && queue.behind.size === 0) {
          // The bucket is done: load the next one and look again.
          if (queue.refill()) continue;
          reason = 'empty';
          if (until !== Infinity) this.currentTime = until;
          break;
        } else {
          if (!queue.settleSlow()) {
            reason = 'empty';
            if (until !== Infinity) this.currentTime = until;
            break;
          }
          time = queue.topTime;
          if (time > until) {
            reason = 'until';
            this.currentTime = until;
            break;
          }
          key = queue.topKey;
          action = queue.topAction;
          queue.removeTop();
        }
        executed++;
        this.execute(key, time, action);
      }
    } finally {
      this.running = false;
      this.stopRequested = false;
    }
    this.assertBalanced();
    return { reason, executed, now: this.currentTime };
  }

  /** Runs the next event, if any; returns whether one ran. Not re-entrant. */
  step(): boolean {
    this.enter();
    try {
      if (!this.queue.settle()) return false;
      this.fire();
      return true;
    } finally {
      this.running = false;
      this.stopRequested = false;
    }
  }

  /** Asks the current `run()` to return after the event now running; no effect outside a run. */
  stop(): void {
    if (this.running) this.stopRequested = true;
  }

  /**
   * Recounts everything (O(queued + wheel buckets)) and throws an `Error` unless the queued entries
   * match scheduled - executed - cancelled pending events and the cancelled records one to one, and
   * no pending event lies before now.
   */
  checkInvariants(): void {
    this.assertBalanced();
    const store = this.store;
    const seen = new Uint8Array(store.capacity);
    let live = 0;
    let dead = 0;
    let problem: string | undefined;
    this.queue.forEach((time, key) => {
      if (key < 0) {
        if (~key >= this.sites.length) problem ??= `a queue entry refers to unknown site ${~key}`;
      } else {
        if (seen[key] !== 0) problem ??= `record ${key} is queued twice`;
        seen[key] = 1;
        const state = store.states[key];
        if (state === CANCELLED) {
          dead++;
          return;
        }
        if (state !== PENDING) problem ??= `a queue entry refers to free record ${key}`;
      }
      live++;
      if (time < this.currentTime) problem ??= `a pending event at ${time} lies before now (${this.currentTime})`;
    });
    if (problem !== undefined) throw new Error(`kernel invariant broken: ${problem}`);
    if (live !== this.pending) throw new Error(`kernel invariant broken: ${this.pending} pending events but ${live} live queue entries`);
    if (dead !== store.dead) throw new Error(`kernel invariant broken: ${store.dead} cancelled records but ${dead} cancelled queue entries`);
  }

  /** @internal Queues an event with a record, at a checked `time`; returns the record (for Timer). */
  arm(time: number, node: string, kind: string, action: () => void): number {
    const ref = this.store.alloc(node, kind, time, this.currentTime);
    this.nextSequence++;
    this.queue.push(time, ref, action);
    this.scheduledCount++;
    return ref;
  }

  /** @internal Queues an event of a site (`key` = ~site number) at a checked `time` (for EventSite). */
  enqueue(time: number, key: number, action: () => void): void {
    this.nextSequence++;
    this.queue.push(time, key, action);
    this.scheduledCount++;
  }

  /** @internal Cancels the event in record `ref`, which the caller knows to be pending (for Timer). */
  disarmPending(ref: number): void {
    this.store.cancel(ref);
    this.cancelled();
  }

  /** @internal Throws the RangeError of `schedule` for a bad delay. */
  rejectDelay(delay: number, node: string, kind: string): never {
    if (!(delay >= 0) || !Number.isSafeInteger(delay)) {
      throw new RangeError(`kernel: cannot schedule '${kind}' on '${node}': delay ${delay} is not a non-negative integer number of nanoseconds`);
    }
    throw new RangeError(`kernel: cannot schedule '${kind}' on '${node}': time ${this.currentTime + delay} ns is beyond 2^53 - 1`);
  }

  /** @internal Throws the RangeError of `scheduleAt` for a bad time. */
  rejectTime(time: number, node: string, kind: string): never {
    if (!Number.isSafeInteger(time)) {
      throw new RangeError(`kernel: cannot schedule '${kind}' on '${node}': time ${time} is not a safe integer number of nanoseconds`);
    }
    throw new RangeError(`kernel: cannot schedule '${kind}' on '${node}' at ${formatTime(time)}: it is before now (${formatTime(this.currentTime)})`);
  }

  private get pending(): number {
    return this.scheduledCount - this.executedCount - this.cancelledCount;
  }

  private cancelled(): void {
    this.cancelledCount++;
    if (this.store.dead > this.pending + COMPACT_SLACK) this.queue.compact();
  }

  /** Runs the event settle() found. */
  private fire(): void {
    const queue = this.queue;
    const key = queue.topKey;
    const time = queue.topTime;
    const action = queue.topAction;
    queue.removeTop();
    this.execute(key, time, action);
  }

  /**
   * Runs one event taken from the queue: the clock moves to its time; its record (if any) is no longer
   * counted in use, and is reused once the clock has passed that time.
   */
  private execute(key: number, time: number, action: () => void): void {
    this.currentTime = time;
    this.executedCount++;
    if (key >= 0) this.store.ran();
    try {
      action();
    } catch (error) {
      this.fail(key, error); // the clock is the event's time
    }
  }

  private fail(key: number, error: unknown): never {
    const time = this.currentTime;
    if (key < 0) {
      const site = this.sites[~key]!;
      throw new SimulationError(time, site.node, site.kind, error);
    }
    throw new SimulationError(time, this.store.node(key), this.store.kind(key), error);
  }

  private enter(): void {
    if (this.running) throw new Error('kernel: run() and step() cannot be called from inside an event handler');
    this.running = true;
    this.stopRequested = false;
  }

  /** O(1): the counters agree with the number of entries the queues hold. */
  private assertBalanced(): void {
    const pending = this.pending;
    if (pending < 0 || this.queue.size !== pending + this.store.dead) {
      throw new Error(`kernel invariant broken: scheduled ${this.scheduledCount} - executed ${this.executedCount} - cancelled ${this.cancelledCount} = ${pending} pending, but the queues hold ${this.queue.size} entries of which ${this.store.dead} cancelled`);
    }
  }
}
