/**
 * What `Kernel.schedule` returns: the event's time, node and kind, and whether it is still pending.
 *
 * The kernel keeps no reference to handles (its queues hold plain numbers), so a handle nobody keeps
 * is collected young and costs almost nothing. A handle stays valid after its event ran or was
 * cancelled: it then reports that state.
 */
import type { EventStore } from './event-store.js';

/** The state of a scheduled event: waiting, cancelled before it ran, or started. */
export type EventState = 'pending' | 'cancelled' | 'executed';

/** A reference to one scheduled event; pass it to `Kernel.cancel`. */
export class EventHandle {
  /** When the event runs (ns). */
  readonly time: number;
  /** The node id given at scheduling. */
  readonly node: string;
  /** The event kind given at scheduling. */
  readonly kind: string;
  /** The scheduling sequence number: among events at equal times, lower runs first. */
  readonly sequence: number;
  /** @internal The record that holds the event while it is pending. */
  readonly ref: number;
  /** @internal The store of the kernel that scheduled the event. */
  readonly store: EventStore;
  private wasCancelled = false;

  /** @internal Made by the kernel only. */
  constructor(store: EventStore, ref: number, sequence: number, time: number, node: string, kind: string) {
    this.store = store;
    this.ref = ref;
    this.sequence = sequence;
    this.time = time;
    this.node = node;
    this.kind = kind;
  }

  /** True until the event starts running or is cancelled (false inside its own handler). */
  get pending(): boolean {
    return this.store.seqs[this.ref] === this.sequence;
  }

  /** True if the event was cancelled before it ran. */
  get cancelled(): boolean {
    return this.wasCancelled;
  }

  /** `pending`, `cancelled`, or `executed` (its handler started, whether or not it threw). */
  get state(): EventState {
    if (this.pending) return 'pending';
    return this.wasCancelled ? 'cancelled' : 'executed';
  }

  /** @internal Cancels the pending event in its store; false if it already ran or was cancelled. */
  cancelIn(store: EventStore): boolean {
    if (store !== this.store) {
      throw new RangeError(`kernel: cannot cancel '${this.kind}' on '${this.node}': the handle belongs to another kernel`);
    }
    if (store.seqs[this.ref] !== this.sequence) return false;
    store.release(this.ref);
    this.wasCancelled = true;
    return true;
  }
}
