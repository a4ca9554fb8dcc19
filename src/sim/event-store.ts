/**
 * The records of cancellable queued events, held in parallel arrays indexed by a small integer `ref`:
 * a state byte, the event's time, node and kind. (The action travels with the queue entry;
 * fire-and-forget events at interned sites have no record at all, see event-site.ts.)
 *
 * No object per event: a million pending events cost the garbage collector almost nothing to trace.
 *
 * A record is in use from `alloc` until its event has run and the clock has moved past its time, or
 * until its cancelled queue entry is dropped. `states[ref]` says:
 * - `PENDING`: its queue entry will run it, or (once the clock reached its time) has run it;
 * - `CANCELLED`: a tombstone; its queue entry is still queued and will be dropped, which frees the
 *   record;
 * - `FREE`: never used, or its cancelled entry was dropped.
 * An entry in a queue is live exactly when its record is pending: the queues store no sequence
 * numbers, and testing an entry reads one byte of a small array rather than a wide record.
 *
 * Running an event writes nothing to its record. With many events pending, the record of the event
 * that runs was written long ago and its line has gone cold; marking it running and then free cost
 * a cache miss per event (a million pending: 11 -> 14 M events/s for `Kernel.post` without it,
 * bench/kernel-notes.md). Instead the record is free once the clock has passed its time: by then its
 * event ran, or was cancelled and its entry dropped (no entry before the clock is left in the
 * queues), so allocating tests only the time. Whether a record's event has run is then told by the
 * clock (`Kernel.isPending`): before now it ran, after now it has not, and at exactly now it has run
 * unless its entry is still queued. A record is reused only for a later time, so a handle (which
 * keeps the event's time) tells its own event from a reuse of the record; a handle that cancelled
 * its event remembers that itself.
 *
 * Records are handed out by a cursor that walks round the arrays, skipping records in use, rather
 * than from a free list: with many events pending, a freed record is one whose lines went cold long
 * ago, while the cursor writes node, kind and time to consecutive records, a few per cache line. The
 * arrays double whenever half the records are in use, so the walk skips about one record at worst,
 * and each skip is a branch the processor mispredicts: doubling at three quarters instead cost 5-10 %
 * with 10 000 pending or many timers. (With a million pending events: 4-6 -> 8.5 M events/s;
 * bench/kernel-notes.md.)
 */

/** `states[ref]` of a record that was never used or whose cancelled entry was dropped. */
export const FREE = 0;
/** `states[ref]` of a record whose event is pending (or ran, once the clock reached its time). */
export const PENDING = 1;
/** `states[ref]` of a cancelled record whose queue entry has not been dropped yet. */
export const CANCELLED = 2;

const INITIAL_CAPACITY = 1024; // a power of two

/** Queued-event records with O(1) allocate, cancel, free and liveness test. */
export class EventStore {
  /** `FREE`, `PENDING` or `CANCELLED`, per record. */
  states = new Uint8Array(INITIAL_CAPACITY);
  /** The time of the record's event; -1 when free (a record is free when its time is before now). */
  times = new Float64Array(INITIAL_CAPACITY).fill(-1);
  /** Node and kind of record `ref` at `2 * ref` and `2 * ref + 1`. */
  readonly names: string[] = emptyNames(2 * INITIAL_CAPACITY);
  /** Cancelled records whose entries are still queued. */
  dead = 0;
  private cursor = 0; // the next record to try
  private used = 0; // records whose event is pending, or cancelled and still queued

  /** Number of records (the size of the index space; a power of two). */
  get capacity(): number {
    return this.states.length;
  }

  /** Stores an event due at `time`, scheduled at `now`; returns its record number. */
  alloc(node: string, kind: string, time: number, now: number): number {
    if (2 * this.used >= this.states.length) this.grow();
    let times = this.times;
    const mask = times.length - 1;
    const start = this.cursor;
    let ref = start;
    while (!(times[ref]! < now)) {
      ref = (ref + 1) & mask;
      if (ref === start) {
        // Every record is in use, most by events that ran at this very time: take the new half.
        ref = times.length;
        this.grow();
        times = this.times;
        break;
      }
    }
    this.cursor = (ref + 1) & (times.length - 1);
    this.used++;
    times[ref] = time;
    this.states[ref] = PENDING;
    this.names[2 * ref] = node;
    this.names[2 * ref + 1] = kind;
    return ref;
  }

  /** The event of `ref` starts running; nothing is written to the record (see above). */
  ran(): void {
    this.used--;
  }

  /** Cancels the pending event of `ref`: the record becomes a tombstone until its entry is dropped. */
  cancel(ref: number): void {
    this.states[ref] = CANCELLED;
    this.dead++;
  }

  /** Frees the record of a cancelled entry that a queue has just dropped. */
  drop(ref: number): void {
    this.states[ref] = FREE;
    this.times[ref] = -1;
    this.used--;
    this.dead--;
  }

  /**
   * Whether record `ref` holds the event due at `time` and it was not cancelled through the store.
   * The caller tells from the clock whether it has run (`Kernel.isPending`).
   */
  holds(ref: number, time: number): boolean {
    return this.states[ref] === PENDING && this.times[ref] === time;
  }

  /** The node of record `ref`. */
  node(ref: number): string {
    return this.names[2 * ref]!;
  }

  /** The kind of record `ref`. */
  kind(ref: number): string {
    return this.names[2 * ref + 1]!;
  }

  /** Doubles the arrays; record numbers stay valid, and the cursor walks on into the new half. */
  private grow(): void {
    const capacity = this.states.length * 2;
    const states = new Uint8Array(capacity);
    states.set(this.states);
    this.states = states;
    const times = new Float64Array(capacity).fill(-1);
    times.set(this.times);
    this.times = times;
    for (let i = this.names.length; i < 2 * capacity; i++) this.names.push('');
  }
}

/** A packed array of `n` empty strings. */
function emptyNames(n: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push('');
  return names;
}
