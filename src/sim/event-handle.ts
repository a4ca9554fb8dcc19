/**
 * What `Kernel.schedule` returns: the event's time, node and kind, and whether it is still pending.
 *
 * The kernel keeps no reference to handles (its queues hold numbers and the action), so a handle
 * nobody keeps is collected young and costs almost nothing. A handle stays valid after its event ran
 * or was cancelled: it then reports that state. Events that are never cancelled need no handle:
 * `Kernel.post` and `EventSite.post` skip it. (Fields are `declare`d and set in the constructor only,
 * so every handle gets its final shape in one step.)
 */
import type { Kernel } from './kernel.js';

/** The state of a scheduled event: waiting, cancelled before it ran, or started. */
export type EventState = 'pending' | 'cancelled' | 'executed';

const TIME_LOW_SPAN = 2 ** 30;
const TIME_LOW_MASK = TIME_LOW_SPAN - 1;

/** A reference to one scheduled event; pass it to `Kernel.cancel`. */
export class EventHandle {
  /** The node id given at scheduling. */
  declare readonly node: string;
  /** The event kind given at scheduling. */
  declare readonly kind: string;
  /** The scheduling sequence number: among events at equal times, lower runs first. */
  declare readonly sequence: number;
  /** @internal The record that holds the event while it is pending. */
  declare readonly ref: number;
  /** @internal The kernel that scheduled the event. */
  declare readonly kernel: Kernel;
  declare private wasCancelled: boolean;
  // The time in two small integers: a number field holding times beyond 2^31 ns (2.1 s) would box
  // each one in a heap number of its own, an allocation per handle.
  declare private readonly timeHigh: number;
  declare private readonly timeLow: number;

  /** @internal Made by the kernel only. */
  constructor(kernel: Kernel, ref: number, sequence: number, time: number, node: string, kind: string) {
    this.kernel = kernel;
    this.ref = ref;
    this.sequence = sequence;
    const low = time & TIME_LOW_MASK;
    this.timeHigh = (time - low) / TIME_LOW_SPAN;
    this.timeLow = low;
    this.node = node;
    this.kind = kind;
    this.wasCancelled = false;
  }

  /** When the event runs (ns). */
  get time(): number {
    return this.timeHigh * TIME_LOW_SPAN + this.timeLow;
  }

  /** True until the event starts running or is cancelled (false inside its own handler). */
  get pending(): boolean {
    return !this.wasCancelled && this.kernel.isPending(this.ref, this.time);
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

  /** @internal Notes that `Kernel.cancel` cancelled the event. */
  markCancelled(): void {
    this.wasCancelled = true;
  }
}
