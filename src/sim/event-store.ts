/**
 * The records of cancellable queued events, held in parallel arrays indexed by a small integer `ref`:
 * a state byte, the sequence number, node and kind. (The action travels with the queue entry;
 * fire-and-forget events at interned sites have no record at all, see event-site.ts.)
 *
 * No object per event: a million pending events cost the garbage collector almost nothing to trace.
 *
 * A record is in one of four states, kept in `states[ref]`:
 * - `PENDING`: its queue entry will run it;
 * - `CANCELLED`: a tombstone; its queue entry is still queued and will be dropped, which frees the
 *   record;
 * - `RUNNING`: its event has been taken from the queue and its action is running (node and kind stay
 *   readable in case it throws);
 * - `FREE`: no queue entry refers to it.
 * A record is reused only once it is free, so each record has at most one queue entry, and an entry
 * is live exactly when its record is pending: the queues store no sequence numbers, and testing an
 * entry reads one byte of a small array (a million records: 1 MB) rather than a wide record. A handle
 * tells its own event from a later reuse of the record by the sequence number, which only grows.
 *
 * Records are handed out by a cursor that walks round the arrays, skipping records in use, rather
 * than from a free list: with many events pending, a freed record is one whose lines went cold long
 * ago, while the cursor writes node, kind and sequence number to consecutive records, a few per cache
 * line. The arrays double whenever three quarters of the records are in use, so the walk skips about
 * three records at worst. (With a million pending events: 4-6 -> 8.5 M events/s; bench/kernel-notes.md.)
 */

/** `states[ref]` of a free record. */
export const FREE = 0;
/** `states[ref]` of a record whose event is pending. */
export const PENDING = 1;
/** `states[ref]` of a cancelled record whose queue entry has not been dropped yet. */
export const CANCELLED = 2;
/** `states[ref]` of a record whose event is running. */
export const RUNNING = 3;

const INITIAL_CAPACITY = 1024; // a power of two

/** Queued-event records with O(1) allocate, cancel, free and liveness test. */
export class EventStore {
  /** `FREE`, `PENDING`, `CANCELLED` or `RUNNING`, per record. */
  states = new Uint8Array(INITIAL_CAPACITY);
  /** The sequence number of the record's current (or last) event. */
  seqs = new Float64Array(INITIAL_CAPACITY);
  /** Node and kind of record `ref` at `2 * ref` and `2 * ref + 1`. */
  readonly names: string[] = emptyNames(2 * INITIAL_CAPACITY);
  /** Cancelled records whose entries are still queued. */
  dead = 0;
  private cursor = 0; // the next record to try
  private used = 0; // records not free

  /** Number of records (the size of the index space; a power of two). */
  get capacity(): number {
    return this.states.length;
  }

  /** Stores a pending event; returns its record number. */
  alloc(seq: number, node: string, kind: string): number {
    if (4 * this.used >= 3 * this.states.length) this.grow();
    const states = this.states;
    const mask = states.length - 1;
    let ref = this.cursor;
    while (states[ref] !== FREE) ref = (ref + 1) & mask;
    this.cursor = (ref + 1) & mask;
    this.used++;
    states[ref] = PENDING;
    this.seqs[ref] = seq;
    this.names[2 * ref] = node;
    this.names[2 * ref + 1] = kind;
    return ref;
  }

  /**
   * Starts running the pending event of `ref`: handles no longer report it pending. The record is
   * freed with `recycle(ref)` after the action returned, so the node and kind stay readable if it
   * throws.
   */
  take(ref: number): void {
    this.states[ref] = RUNNING;
  }

  /** Frees a record taken by `take`. */
  recycle(ref: number): void {
    this.states[ref] = FREE;
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
    this.used--;
    this.dead--;
  }

  /** Whether record `ref` still holds the pending event with sequence number `seq`. */
  isPending(ref: number, seq: number): boolean {
    return this.states[ref] === PENDING && this.seqs[ref] === seq;
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
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    for (let i = this.names.length; i < 2 * capacity; i++) this.names.push('');
  }
}

/** A packed array of `n` empty strings. */
function emptyNames(n: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push('');
  return names;
}
