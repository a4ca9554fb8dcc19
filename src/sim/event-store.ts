/**
 * The records of pending events: sequence number, node, kind and action, held in parallel arrays
 * indexed by a small integer `ref` and recycled through a free list.
 *
 * The queues hold only `(time, sequence, ref)` triples in typed arrays, never an object per event, so
 * a million pending events cost the garbage collector almost nothing to trace. An entry in a queue is
 * live exactly when `seqs[ref]` still equals its sequence number: running or cancelling an event frees
 * its record at once (`seqs[ref] = -1`), and a later reuse of the record carries a new, larger
 * sequence number, so a stale queue entry can never be mistaken for the new event.
 */

const FREE = -1;

/** What a queue needs to tell live entries from cancelled or finished ones. */
export interface LiveSet {
  /** `seqs[ref]` is the sequence number of the pending event in record `ref`, or -1 if the record is free. */
  readonly seqs: Float64Array;
}

/** Pending-event records with O(1) allocate, free and liveness test. */
export class EventStore implements LiveSet {
  seqs = new Float64Array(1024).fill(FREE);
  readonly nodes: string[] = [];
  readonly kinds: string[] = [];
  readonly actions: Array<(() => void) | undefined> = [];
  /** Number of records in use: the pending events. */
  live = 0;
  private free = new Int32Array(1024);
  private freeCount = 0;

  /** Stores a pending event; returns its record number. */
  alloc(seq: number, node: string, kind: string, action: () => void): number {
    let ref: number;
    if (this.freeCount > 0) {
      ref = this.free[--this.freeCount]!;
      this.nodes[ref] = node;
      this.kinds[ref] = kind;
      this.actions[ref] = action;
    } else {
      ref = this.nodes.length;
      if (ref === this.seqs.length) this.grow();
      this.nodes.push(node);
      this.kinds.push(kind);
      this.actions.push(action);
    }
    this.seqs[ref] = seq;
    this.live++;
    return ref;
  }

  /** Frees a record (the event ran or was cancelled); its queue entry becomes dead. */
  release(ref: number): void {
    this.seqs[ref] = FREE;
    this.actions[ref] = undefined; // let the closure be collected now, not when the record is reused
    this.free[this.freeCount++] = ref;
    this.live--;
  }

  /** Whether record `ref` still holds the event with sequence number `seq`. */
  isLive(ref: number, seq: number): boolean {
    return this.seqs[ref] === seq;
  }

  private grow(): void {
    const capacity = this.seqs.length * 2;
    const seqs = new Float64Array(capacity).fill(FREE);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const free = new Int32Array(capacity);
    free.set(this.free.subarray(0, this.freeCount));
    this.free = free;
  }
}
