/**
 * The records of cancellable queued events, held in parallel arrays indexed by a small integer `ref`
 * and recycled through a free list: a state byte, the sequence number, node and kind. (The action
 * travels with the queue entry; fire-and-forget events at interned sites have no record at all, see
 * event-site.ts.)
 *
 * No object per event: a million pending events cost the garbage collector almost nothing to trace.
 *
 * A record is in one of three states, kept in `states[ref]`:
 * - `PENDING`: its queue entry will run it;
 * - `CANCELLED`: a tombstone; its queue entry is still queued and will be dropped, which frees the
 *   record;
 * - `FREE`: no queue entry refers to it (it is on the free list, or its event is running).
 * A record is reused only once it is free, so each record has at most one queue entry, and an entry
 * is live exactly when its record is pending: the queues store no sequence numbers, and testing an
 * entry reads one byte of a small array (a million records: 1 MB) rather than a wide record. A handle
 * tells its own event from a later reuse of the record by the sequence number, which only grows.
 */

/** `states[ref]` of a free record. */
export const FREE = 0;
/** `states[ref]` of a record whose event is pending. */
export const PENDING = 1;
/** `states[ref]` of a cancelled record whose queue entry has not been dropped yet. */
export const CANCELLED = 2;

/** Queued-event records with O(1) allocate, cancel, free and liveness test. */
export class EventStore {
  /** `FREE`, `PENDING` or `CANCELLED`, per record. */
  states = new Uint8Array(1024);
  /** The sequence number of the record's current (or last) event. */
  seqs = new Float64Array(1024);
  /** Node and kind of record `ref` at `2 * ref` and `2 * ref + 1` (one cache line for both). */
  readonly names: string[] = [];
  /** Cancelled records whose entries are still queued. */
  dead = 0;
  private free = new Int32Array(1024);
  private freeCount = 0;
  private made = 0;

  /** Number of records ever made (the size of the index space). */
  get capacity(): number {
    return this.made;
  }

  /** Stores a pending event; returns its record number. */
  alloc(seq: number, node: string, kind: string): number {
    let ref: number;
    if (this.freeCount > 0) {
      ref = this.free[--this.freeCount]!;
      this.names[2 * ref] = node;
      this.names[2 * ref + 1] = kind;
    } else {
      ref = this.made++;
      if (ref === this.states.length) this.grow();
      this.names.push(node, kind);
    }
    this.states[ref] = PENDING;
    this.seqs[ref] = seq;
    return ref;
  }

  /**
   * Starts running the pending event of `ref`: marks the record free, so handles no longer report
   * it pending. The record goes back to the free list with `recycle(ref)` after the action
   * returned, so the node and kind stay readable if it throws.
   */
  take(ref: number): void {
    this.states[ref] = FREE;
  }

  /** Returns a record taken by `take` to the free list. */
  recycle(ref: number): void {
    this.free[this.freeCount++] = ref;
  }

  /** Cancels the pending event of `ref`: the record becomes a tombstone until its entry is dropped. */
  cancel(ref: number): void {
    this.states[ref] = CANCELLED;
    this.dead++;
  }

  /** Frees the record of a cancelled entry that a queue has just dropped. */
  drop(ref: number): void {
    this.states[ref] = FREE;
    this.free[this.freeCount++] = ref;
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

  private grow(): void {
    const capacity = this.states.length * 2;
    const states = new Uint8Array(capacity);
    states.set(this.states);
    this.states = states;
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const free = new Int32Array(capacity);
    free.set(this.free.subarray(0, this.freeCount));
    this.free = free;
  }
}
