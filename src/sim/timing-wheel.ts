/**
 * The kernel's event queue: a timing wheel for the near future, a sorted "run" for the current
 * bucket, exact-nanosecond slots for late arrivals in it, and a radix queue (radix-queue.ts) for
 * everything beyond the wheel's horizon.
 *
 * - The wheel has `2^bucketBits` buckets of `2^widthBits` ns (by default 65 536 buckets of 1 024 ns,
 *   67 ms). Bucket `b` holds, unsorted and in arrival order, the entries whose time lies in
 *   `[b * width, (b + 1) * width)`, for the buckets after the current one round the wheel. A
 *   bucket is a chain of 16-entry chunks in one shared pool (appending is a sequential write, and a
 *   million pending events are a handful of typed arrays); an entry keeps only its time's offset in
 *   the bucket (2 bytes; the bucket gives the rest), its key and its action. A two-level bitmap finds
 *   the next non-empty bucket.
 * - When the wheel reaches a bucket, its live entries move into the run and are sorted by time,
 *   stably: up to 24 entries, unless already in order (common for small buckets), an insertion sort;
 *   more, each entry is written straight to its place by a counting sort on the offset in the bucket,
 *   coarsened to about one class per entry, and an insertion pass orders each class. Entries are
 *   popped from the run's head.
 * - An entry scheduled into the current bucket once it is loaded (a short or zero delay: a frame
 *   serialized and propagated in under a microsecond) goes to the late wheel (late-wheel.ts): one
 *   FIFO slot per nanosecond of the bucket, O(1) to add. At equal times the run comes first:
 *   everything in it was queued before the bucket was loaded.
 * - An entry scheduled before the current bucket (possible only after `peekTime()` or
 *   `run({ until })` moved the wheel past the clock) goes to a small heap (heap.ts); it comes first.
 * - Entries at or beyond the horizon, three quarters of the way round the wheel (50 ms ahead), go to
 *   the radix queue. Each time the wheel advances, the entries that fall inside the new horizon are
 *   drained from the radix queue into their buckets before anything else can be scheduled, so for
 *   every time, far entries reach a bucket before any entry scheduled straight into it. A radix slot
 *   that straddles the horizon is handed over whole when it ends within the wheel: the last quarter
 *   (the slack) takes such entries early, which saves refiling them level by level (a mix of
 *   microsecond and second-long delays: +15 %). The wheel never steps past a far entry.
 *
 * Order: a bucket receives the entries of any one time in scheduling order (by the rule above, and
 * because the radix queue keeps push order among equal times), sorting is stable, late slots and the
 * heap are first in, first out, and the merge favours the run. So events run in (time, sequence)
 * order, FIFO at equal times, and no sequence number is compared or even stored in the queues.
 *
 * An entry is `(time, key, action)`. The key is a record number (>= 0, event-store.ts) for an event
 * that can be cancelled, or the bitwise complement of a site number (< 0, event-site.ts) for a
 * fire-and-forget event of an event site, which has no record at all: nothing to allocate, free or
 * check.
 *
 * Cancelling is O(1) and lazy: the record becomes a tombstone (event-store.ts) and its entry is
 * dropped when its bucket is loaded, when it is drained from the radix queue, or when it reaches the
 * front; `compact()` sweeps every tombstone when they dominate.
 *
 * Why this shape: see the measurements in bench/kernel-notes.md. In short, most events are appended once to a
 * bucket and copied once into the run, two sequential moves, where the radix queue refiled each
 * entry 2-3 times with bitmap work per level; and nothing in the common path compares keys.
 */
import type { EventStore } from './event-store.js';
import { PENDING } from './event-store.js';
import { TimeHeap } from './heap.js';
import { DOUBLE_ZERO } from './representation.js';
import { LateWheel } from './late-wheel.js';
import type { Action, DrainSink } from './radix-queue.js';
import { RadixQueue } from './radix-queue.js';

const CHUNK_BITS = 4;
const CHUNK = 1 << CHUNK_BITS; // entries per chunk
const INSERTION_SORT_MAX = 24; // larger buckets are counting-sorted
const FROM_RUN = 0;
const FROM_LATE = 1;
const FROM_BEHIND = 2;

/** Wheel geometry. */
export interface WheelShape {
  /** log2 of the number of buckets. */
  readonly bucketBits: number;
  /** log2 of the bucket width in ns. */
  readonly widthBits: number;
}

/** The default geometry: 65 536 buckets of 1 024 ns (see bench/kernel-notes.md for the measurements). */
export const DEFAULT_WHEEL_SHAPE: WheelShape = { bucketBits: 16, widthBits: 10 };

function undefinedArray(n: number): Array<Action | undefined> {
  const a: Array<Action | undefined> = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

/** Timing wheel + sorted run + late slots + far radix queue of `(time, key, action)`; FIFO among equal times. */
export class TimingWheel implements DrainSink {
  /** After `settle()` returned true: the earliest live entry. */
  topTime = DOUBLE_ZERO;
  topKey = 0;
  topAction: Action = noop;
  private topFrom = FROM_RUN;
  // The current bucket, sorted; `[runHead, runLen)` are queued. Read directly by the kernel's run
  // loop, which pops from here itself while the run's head comes first (see `Kernel.run`).
  runTimes = new Float64Array(64);
  runKeys = new Int32Array(64);
  runActions = undefinedArray(64);
  runHead = 0;
  runLen = 0;
  /** Late entries: scheduled into the current bucket after it was loaded. */
  readonly late: LateWheel;
  /** Entries before the current bucket (scheduled after a peek moved the wheel past the clock). */
  readonly behind = new TimeHeap();
  private readonly store: EventStore;
  // Numbers from the start (set again by the constructor): a field first undefined is generic, and
  // every use of it checks and unboxes.
  private readonly buckets: number = 0;
  private readonly mask: number = 0;
  private readonly widthBits: number = 0;
  private readonly width: number = 0;
  private readonly inverseWidth: number = DOUBLE_ZERO;
  /** Per bucket: [2i] the chunk at the tail of its chain, [2i + 1] its number of entries. */
  private readonly meta: Int32Array;
  private readonly bits: Int32Array; // bit i: bucket i is non-empty
  private readonly summary: Int32Array; // bit w: bits[w] is non-zero
  /** Per entry, its time's offset in its bucket (the bucket gives the rest): 2 bytes, not 8. */
  private chunkOffsets = new Uint16Array(CHUNK * 256);
  private chunkKeys = new Int32Array(CHUNK * 256);
  private readonly chunkActions = undefinedArray(CHUNK * 256);
  private chunkPrev = new Int32Array(256); // the chunk before, toward the head of the chain, or -1
  private chunkFree = new Int32Array(256);
  private chunkFreeCount = 0;
  private chunksMade = 0;
  private bucketed = 0; // entries in the wheel's buckets
  /** Absolute number of the current bucket (the run's); the wheel covers buckets up to current + buckets - 1. */
  private current = 0;
  /**
   * Times from here on are scheduled into the radix queue: (current + buckets - slack) * width. The
   * last `slack` buckets take only whole radix slots handed over early (see `advance`). (Initialized
   * as a number: a field first undefined would box every double later stored in it.)
   */
  private horizon = DOUBLE_ZERO;
  private readonly slack: number = 0;
  private scratchTimes = new Float64Array(64);
  private scratchKeys = new Int32Array(64);
  private scratchActions = undefinedArray(64);
  private readonly counts: Int32Array;
  private readonly far: RadixQueue;

  constructor(store: EventStore, shape: WheelShape = DEFAULT_WHEEL_SHAPE) {
    this.store = store;
    this.buckets = 1 << shape.bucketBits;
    this.mask = this.buckets - 1;
    if (!(shape.widthBits >= 0 && shape.widthBits <= 16)) throw new RangeError(`timing wheel: bucket width 2^${shape.widthBits} ns: offsets are kept in 16 bits`);
    this.widthBits = shape.widthBits;
    this.width = 1 << shape.widthBits;
    this.inverseWidth = 1 / this.width; // exact: a power of two
    this.meta = new Int32Array(2 * this.buckets);
    this.bits = new Int32Array(Math.max(1, this.buckets >> 5));
    this.summary = new Int32Array(Math.max(1, this.buckets >> 10));
    this.counts = new Int32Array(this.width + 1);
    this.late = new LateWheel(this.width);
    this.slack = this.buckets >> 2;
    this.horizon = (this.buckets - this.slack) * this.width;
    this.far = new RadixQueue(store);
  }

  /** Entries physically queued, cancelled ones included. */
  get size(): number {
    return this.runLen - this.runHead + this.late.size + this.behind.size + this.bucketed + this.far.size;
  }

  /** Adds an entry; `time` must be >= the time of the last entry popped (the kernel's clock). */
  push(time: number, key: number, action: Action): void {
    if (time >= this.horizon) {
      this.far.push(time, key, action);
      return;
    }
    const bucket = Math.floor(time * this.inverseWidth);
    if (bucket > this.current) this.append(bucket & this.mask, time - bucket * this.width, key, action);
    else if (bucket === this.current) this.late.push(time, key, action);
    else this.behind.push(time, key, action);
  }

  /** From the radix queue while the wheel advances: an entry before the new horizon, or within the slack after it. */
  accept(time: number, key: number, action: Action): void {
    // The current bucket is loaded only after draining, so it takes entries like any other.
    const bucket = Math.floor(time * this.inverseWidth);
    this.append(bucket & this.mask, time - bucket * this.width, key, action);
  }

  /** Positions on the earliest live entry, dropping cancelled ones; returns false when none is left. */
  settle(): boolean {
    const head = this.runHead;
    if (head < this.runLen && this.behind.size === 0 && this.runTimes[head]! <= this.late.minTime) {
      const key = this.runKeys[head]!;
      if (key < 0 || this.store.states[key] === PENDING) {
        this.topKey = key;
        this.topTime = this.runTimes[head]!;
        this.topAction = this.runActions[head]!;
        this.topFrom = FROM_RUN;
        return true;
      }
    }
    return this.settleSlow();
  }

  /** Removes the entry `settle()` positioned on. */
  removeTop(): void {
    if (this.topFrom === FROM_RUN) this.runActions[this.runHead++] = undefined;
    else if (this.topFrom === FROM_LATE) this.late.pop();
    else this.behind.pop();
  }

  /** Drops every cancelled entry, keeping order (O(size + buckets / 32)). */
  compact(): void {
    const store = this.store;
    const states = store.states;
    let m = this.runHead;
    for (let i = this.runHead; i < this.runLen; i++) {
      const key = this.runKeys[i]!;
      const action = this.runActions[i];
      this.runActions[i] = undefined;
      if (key >= 0 && states[key] !== PENDING) {
        store.drop(key);
        continue;
      }
      this.runTimes[m] = this.runTimes[i]!;
      this.runKeys[m] = key;
      this.runActions[m] = action;
      m++;
    }
    this.runLen = m;
    const keep = (key: number): boolean => {
      if (key < 0 || states[key] === PENDING) return true;
      store.drop(key);
      return false;
    };
    this.late.filter(keep);
    this.behind.filter(keep);
    for (let i = this.nextBucketFrom(0); i >= 0; i = i + 1 < this.buckets ? this.nextBucketFrom(i + 1) : -1) {
      const n = this.meta[2 * i + 1]!;
      this.scratch(n);
      this.bucketed -= n;
      const times = this.scratchTimes;
      const keys = this.scratchKeys;
      const actions = this.scratchActions;
      const base = this.bucketBase(i);
      for (let j = this.unchain(i, times, keys, actions); j < n; j++) {
        const action = actions[j]!;
        actions[j] = undefined;
        this.append(i, times[j]! - base, keys[j]!, action);
      }
    }
    this.far.compact();
  }

  /**
   * Whether an entry with this time and key is queued (cancelled or not). Looks only where an entry
   * of that time can be: O(entries of its bucket or far slot).
   */
  holds(time: number, key: number): boolean {
    for (let i = this.runHead; i < this.runLen && this.runTimes[i]! <= time; i++) {
      if (this.runTimes[i] === time && this.runKeys[i] === key) return true;
    }
    if (this.late.holds(time, key) || this.behind.holds(time, key)) return true;
    if (time >= this.horizon && this.far.holds(time, key)) return true;
    const bucket = Math.floor(time * this.inverseWidth);
    if (bucket <= this.current || bucket >= this.current + this.buckets) return false;
    const i = bucket & this.mask;
    const offset = time - bucket * this.width;
    let n = this.meta[2 * i + 1]!;
    let chunk = this.meta[2 * i]!;
    let fill = ((n - 1) & (CHUNK - 1)) + 1;
    while (n > 0) {
      const from = chunk << CHUNK_BITS;
      for (let j = from; j < from + fill; j++) if (this.chunkKeys[j] === key && this.chunkOffsets[j] === offset) return true;
      n -= fill;
      fill = CHUNK;
      chunk = this.chunkPrev[chunk]!;
    }
    return false;
  }

  /** Calls `visit(time, key)` for every queued entry, cancelled ones included; for invariant checks. */
  forEach(visit: (time: number, key: number) => void): void {
    for (let i = this.runHead; i < this.runLen; i++) visit(this.runTimes[i]!, this.runKeys[i]!);
    this.late.forEach(visit);
    this.behind.forEach(visit);
    const offsets = this.chunkOffsets;
    const keys = this.chunkKeys;
    for (let i = 0; i < this.buckets; i++) {
      let n = this.meta[2 * i + 1]!;
      let chunk = this.meta[2 * i]!;
      let fill = ((n - 1) & (CHUNK - 1)) + 1;
      const base = n > 0 ? this.bucketBase(i) : 0;
      while (n > 0) {
        for (let j = 0; j < fill; j++) visit(base + offsets[(chunk << CHUNK_BITS) + j]!, keys[(chunk << CHUNK_BITS) + j]!);
        n -= fill;
        fill = CHUNK;
        chunk = this.chunkPrev[chunk]!;
      }
    }
    this.far.forEach(visit);
  }

  /** `settle()` without its fast path. */
  settleSlow(): boolean {
    const store = this.store;
    const late = this.late;
    const behind = this.behind;
    for (;;) {
      const states = store.states;
      let head = this.runHead;
      const n = this.runLen;
      while (head < n) {
        const key = this.runKeys[head]!;
        if (key < 0 || states[key] === PENDING) break;
        this.runActions[head] = undefined;
        store.drop(key);
        head++;
      }
      this.runHead = head;
      while (late.size > 0) {
        const key = late.topKey;
        if (key < 0 || states[key] === PENDING) break;
        late.pop();
        store.drop(key);
      }
      while (behind.size > 0) {
        const key = behind.topKey;
        if (key < 0 || states[key] === PENDING) break;
        behind.pop();
        store.drop(key);
      }
      // Entries behind the current bucket come first. Then, at equal times, the run before the late
      // entries: everything in the run was queued before the bucket was loaded.
      if (behind.size > 0) {
        this.topKey = behind.topKey;
        this.topTime = behind.topTime;
        this.topAction = behind.topAction;
        this.topFrom = FROM_BEHIND;
        return true;
      }
      if (head < n && this.runTimes[head]! <= late.minTime) {
        this.topKey = this.runKeys[head]!;
        this.topTime = this.runTimes[head]!;
        this.topAction = this.runActions[head]!;
        this.topFrom = FROM_RUN;
        return true;
      }
      if (late.size > 0) {
        this.topKey = late.topKey;
        this.topTime = late.minTime;
        this.topAction = late.topAction;
        this.topFrom = FROM_LATE;
        return true;
      }
      this.runHead = 0;
      this.runLen = 0;
      if (!this.advance()) return false;
    }
  }

  /**
   * With the run, the late slots and the heap all empty: makes the next non-empty bucket current and
   * loads it into the run (which may stay empty if all its entries were cancelled); false when no
   * entry is left. The kernel's run loop calls this itself, so the common case of a bucket per event
   * (few pending events, or long gaps) skips `settleSlow`.
   */
  refill(): boolean {
    this.runHead = 0;
    this.runLen = 0;
    return this.advance();
  }

  /** Makes the next non-empty bucket current and loads it into the (empty) run; false when all is empty. */
  private advance(): boolean {
    let next = Infinity;
    if (this.bucketed > 0) {
      const at = this.current & this.mask;
      let i = at + 1 < this.buckets ? this.nextBucketFrom(at + 1) : -1;
      if (i < 0) i = this.nextBucketFrom(0);
      next = this.current + ((i - at) & this.mask);
    }
    // Far entries may lie before that bucket (in the slack, past the old horizon): never step over
    // them, or they would be drained behind the wheel's position.
    const low = this.far.lowBound;
    if (low < next * this.width) next = Math.max(this.current + 1, Math.floor(low * this.inverseWidth));
    else if (next === Infinity) return false;
    this.current = next;
    this.late.reset(next * this.width);
    this.horizon = (next + this.buckets - this.slack) * this.width;
    // Before anything can be scheduled against the new horizon, take in the far entries it covers,
    // and whole radix slots that straddle it if they end within the wheel (moved once, not refiled).
    if (this.far.lowBound < this.horizon) this.far.drainBelow(this.horizon, (next + this.buckets) * this.width, this);
    this.load(next & this.mask);
    return true;
  }

  /** Moves bucket `i`'s live entries into the empty run and sorts them by time, stably. */
  private load(i: number): void {
    const meta = this.meta;
    const n = meta[2 * i + 1]!;
    if (n === 0) return;
    this.bucketed -= n;
    if (n === 1) {
      // One entry: no chain to walk and nothing to sort.
      const at = meta[2 * i]! << CHUNK_BITS;
      const key = this.chunkKeys[at]!;
      const action = this.chunkActions[at]!;
      this.chunkActions[at] = undefined;
      meta[2 * i + 1] = 0;
      this.clearBit(i);
      this.chunkFree[this.chunkFreeCount++] = meta[2 * i]!;
      if (key >= 0 && this.store.dead > 0 && this.store.states[key] !== PENDING) {
        this.store.drop(key);
        return;
      }
      this.runTimes[0] = this.current * this.width + this.chunkOffsets[at]!;
      this.runKeys[0] = key;
      this.runActions[0] = action;
      this.runHead = 0;
      this.runLen = 1;
      return;
    }
    if (n > this.runTimes.length) this.growRun(n);
    while (this.runActions.length < n) this.runActions.push(undefined); // keep it packed
    if (n > INSERTION_SORT_MAX) {
      this.loadByCounting(i, n);
      return;
    }
    const lo = this.unchain(i, this.runTimes, this.runKeys, this.runActions);
    this.runHead = lo;
    this.runLen = n;
    this.sortRun(lo, n);
  }

  /**
   * `load` for a large bucket: counts the live entries per class of time offset (about one class
   * per entry), then walks the chain again and writes each entry straight to its class's place in
   * the run, and finishes with an insertion pass inside the classes. The chain runs from the newest
   * entry back, so each class is filled from its end: arrival order, hence FIFO at equal times, is
   * kept. Three passes over the entries, where unchaining, counting, gathering by index and copying
   * back took eight.
   */
  private loadByCounting(i: number, n: number): void {
    const meta = this.meta;
    const tail = meta[2 * i]!;
    meta[2 * i + 1] = 0;
    this.clearBit(i);
    const store = this.store;
    const states = store.states;
    const anyDead = store.dead > 0;
    const chunkOffsets = this.chunkOffsets;
    const chunkKeys = this.chunkKeys;
    const chunkActions = this.chunkActions;
    const chunkPrev = this.chunkPrev;
    let shift = this.widthBits - (32 - Math.clz32(n - 1)); // about n classes
    if (shift < 0) shift = 0;
    const classes = this.width >>> shift;
    const base = this.current * this.width;
    const counts = this.counts;
    counts.fill(0, 0, classes + 1);
    const lastFill = ((n - 1) & (CHUNK - 1)) + 1;
    let left = n;
    let fill = lastFill;
    let chunk = tail;
    while (left > 0) {
      const from = chunk << CHUNK_BITS;
      for (let j = from + fill - 1; j >= from; j--) {
        const key = chunkKeys[j]!;
        if (anyDead && key >= 0 && states[key] !== PENDING) continue;
        counts[(chunkOffsets[j]! >>> shift) + 1]!++;
      }
      chunk = chunkPrev[chunk]!;
      left -= fill;
      fill = CHUNK;
    }
    for (let k = 1; k <= classes; k++) counts[k]! += counts[k - 1]!;
    const m = counts[classes]!; // live entries; counts[c + 1] is now the end of class c
    const times = this.runTimes;
    const keys = this.runKeys;
    const actions = this.runActions;
    left = n;
    fill = lastFill;
    chunk = tail;
    while (left > 0) {
      const from = chunk << CHUNK_BITS;
      for (let j = from + fill - 1; j >= from; j--) {
        const key = chunkKeys[j]!;
        const action = chunkActions[j];
        chunkActions[j] = undefined;
        if (anyDead && key >= 0 && states[key] !== PENDING) {
          store.drop(key);
          continue;
        }
        const offset = chunkOffsets[j]!;
        const at = --counts[(offset >>> shift) + 1]!;
        times[at] = base + offset;
        keys[at] = key;
        actions[at] = action;
      }
      this.chunkFree[this.chunkFreeCount++] = chunk;
      chunk = chunkPrev[chunk]!;
      left -= fill;
      fill = CHUNK;
    }
    this.runHead = 0;
    this.runLen = m;
    this.sortRun(0, m); // only entries of one class can still be out of order
  }

  /** Stable insertion sort of the run's `[lo, hi)` by time, in place (nothing to do when in order). */
  private sortRun(lo: number, hi: number): void {
    const times = this.runTimes;
    const keys = this.runKeys;
    const actions = this.runActions;
    for (let a = lo + 1; a < hi; a++) {
      const time = times[a]!;
      if (times[a - 1]! <= time) continue;
      const key = keys[a]!;
      const action = actions[a];
      let q = a;
      do {
        times[q] = times[q - 1]!;
        keys[q] = keys[q - 1]!;
        actions[q] = actions[q - 1];
        q--;
      } while (q > lo && times[q - 1]! > time);
      times[q] = time;
      keys[q] = key;
      actions[q] = action;
    }
  }

  /**
   * Empties bucket `i` into the given arrays, freeing its chunks and dropping its cancelled entries:
   * the live entries end up in `[lo, n)` in arrival order, where n was the bucket's size; returns lo.
   * The arrays must hold n entries.
   */
  private unchain(i: number, times: Float64Array, keys: Int32Array, actions: Array<Action | undefined>): number {
    const meta = this.meta;
    const n = meta[2 * i + 1]!;
    let chunk = meta[2 * i]!;
    meta[2 * i + 1] = 0;
    this.clearBit(i);
    const store = this.store;
    const states = store.states;
    const chunkOffsets = this.chunkOffsets;
    const chunkKeys = this.chunkKeys;
    const chunkActions = this.chunkActions;
    const base = this.bucketBase(i);
    // With no tombstone anywhere, every entry is live: skip reading a (possibly cold) state per entry.
    const anyDead = store.dead > 0;
    // The chain runs from the tail back: walk each chunk backwards and fill the output from its end.
    let p = n;
    let left = n;
    let fill = ((n - 1) & (CHUNK - 1)) + 1;
    while (left > 0) {
      const from = chunk << CHUNK_BITS;
      for (let j = from + fill - 1; j >= from; j--) {
        const key = chunkKeys[j]!;
        const action = chunkActions[j];
        chunkActions[j] = undefined;
        if (anyDead && key >= 0 && states[key] !== PENDING) {
          store.drop(key);
          continue;
        }
        p--;
        times[p] = base + chunkOffsets[j]!;
        keys[p] = key;
        actions[p] = action;
      }
      this.chunkFree[this.chunkFreeCount++] = chunk;
      chunk = this.chunkPrev[chunk]!;
      left -= fill;
      fill = CHUNK;
    }
    return p;
  }

  /** The first time of bucket `i` (absolute: the one of the wheel's window that has this index). */
  private bucketBase(i: number): number {
    return (this.current + ((i - this.current) & this.mask)) * this.width;
  }

  /** Appends an entry at `offset` ns into bucket `i`. */
  private append(i: number, offset: number, key: number, action: Action): void {
    const meta = this.meta;
    const count = meta[2 * i + 1]!;
    let chunk = meta[2 * i]!;
    const fill = count & (CHUNK - 1);
    if (fill === 0) {
      let fresh: number;
      if (this.chunkFreeCount > 0) {
        fresh = this.chunkFree[--this.chunkFreeCount]!;
      } else {
        fresh = this.chunksMade++;
        if (fresh === this.chunkPrev.length) this.growChunks();
      }
      if (count === 0) {
        this.chunkPrev[fresh] = -1;
        this.setBit(i);
      } else {
        this.chunkPrev[fresh] = chunk;
      }
      chunk = fresh;
      meta[2 * i] = chunk;
    }
    const at = (chunk << CHUNK_BITS) | fill;
    this.chunkOffsets[at] = offset;
    this.chunkKeys[at] = key;
    this.chunkActions[at] = action;
    meta[2 * i + 1] = count + 1;
    this.bucketed++;
  }

  /** Makes the (empty) run arrays hold at least `n` entries. */
  private growRun(n: number): void {
    const capacity = 2 ** (32 - Math.clz32(n - 1));
    this.runTimes = new Float64Array(capacity);
    this.runKeys = new Int32Array(capacity);
    while (this.runActions.length < capacity) this.runActions.push(undefined);
  }

  /** Ensures the scratch arrays (where `compact` empties a bucket) hold `n` entries. */
  private scratch(n: number): void {
    if (n > this.scratchTimes.length) {
      const capacity = 2 ** (32 - Math.clz32(n - 1));
      this.scratchTimes = new Float64Array(capacity);
      this.scratchKeys = new Int32Array(capacity);
    }
    while (this.scratchActions.length < n) this.scratchActions.push(undefined);
  }

  private growChunks(): void {
    // 1.5x rather than 2x: the pool is the bulk of the queue's memory with many events pending.
    const capacity = Math.ceil(this.chunkPrev.length * 1.5);
    const prev = new Int32Array(capacity);
    prev.set(this.chunkPrev);
    this.chunkPrev = prev;
    const free = new Int32Array(capacity);
    free.set(this.chunkFree.subarray(0, this.chunkFreeCount));
    this.chunkFree = free;
    const offsets = new Uint16Array(capacity * CHUNK);
    offsets.set(this.chunkOffsets);
    this.chunkOffsets = offsets;
    const keys = new Int32Array(capacity * CHUNK);
    keys.set(this.chunkKeys);
    this.chunkKeys = keys;
    while (this.chunkActions.length < capacity * CHUNK) this.chunkActions.push(undefined);
  }

  private setBit(i: number): void {
    const w = i >> 5;
    if (this.bits[w] === 0) this.summary[w >> 5]! |= 1 << (w & 31);
    this.bits[w]! |= 1 << (i & 31);
  }

  private clearBit(i: number): void {
    const w = i >> 5;
    const word = this.bits[w]! & ~(1 << (i & 31));
    this.bits[w] = word;
    if (word === 0) this.summary[w >> 5]! &= ~(1 << (w & 31));
  }

  /** The first non-empty bucket index >= `from` (< buckets), or -1. */
  private nextBucketFrom(from: number): number {
    const bits = this.bits;
    let w = from >> 5;
    const x = bits[w]! & (-1 << (from & 31));
    if (x !== 0) return (w << 5) | (31 - Math.clz32(x & -x));
    w++;
    const words = bits.length;
    while (w < words) {
      const s = this.summary[w >> 5]! & (-1 << (w & 31));
      if (s === 0) {
        w = (w | 31) + 1;
        continue;
      }
      w = (w & ~31) | (31 - Math.clz32(s & -s));
      const y = bits[w]!;
      return (w << 5) | (31 - Math.clz32(y & -y));
    }
    return -1;
  }
}

function noop(): void {}
