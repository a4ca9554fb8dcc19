/**
 * A reusable, restartable timer for protocol code that re-arms often (neighbor-cache states, STP
 * hello and age timers, retransmissions): one object per timer instead of a handle to juggle.
 *
 * Re-arming cancels the previous expiry, so at most one expiry is pending; the action runs with the
 * timer already idle, so it may re-arm itself (a periodic timer). Each arming counts as one scheduled
 * event and each re-arm or cancel of a pending expiry as one cancelled event in the kernel's counters.
 *
 * A timer holds its pending expiry as a bare record number rather than an
 * `EventHandle`, so arming allocates nothing; cancelling is the kernel's O(1) tombstone. Nothing but
 * the timer can cancel that record (no handle to it exists), and the expiry forgets it before the
 * action runs, so a timer that holds a record knows it is pending without reading the kernel's store.
 */
import type { Kernel } from './kernel.js';
import { DOUBLE_ZERO } from './representation.js';

/** A one-shot timer that can be set, re-set and cancelled any number of times. */
export class Timer {
  /** Node id its expiries are scheduled under. */
  readonly node: string;
  /** Event kind its expiries are scheduled under. */
  readonly kind: string;
  private readonly kernel: Kernel;
  private readonly expire: () => void;
  private ref = -1; // record of the pending expiry, or -1
  private due = DOUBLE_ZERO; // its time

  constructor(kernel: Kernel, node: string, kind: string, action: () => void) {
    this.kernel = kernel;
    this.node = node;
    this.kind = kind;
    this.expire = () => {
      this.ref = -1;
      action();
    };
  }

  /** Whether an expiry is pending (false inside the action). */
  get pending(): boolean {
    return this.ref >= 0;
  }

  /** When the pending expiry is due (ns), or undefined when idle. */
  get time(): number | undefined {
    return this.pending ? this.due : undefined;
  }

  /** Arms the timer `delay` ns from now, replacing any pending expiry. Throws like `Kernel.schedule` (then nothing changes). */
  set(delay: number): void {
    const kernel = this.kernel;
    const time = kernel.now + delay;
    if (!(delay >= 0 && time <= Number.MAX_SAFE_INTEGER && Number.isSafeInteger(delay))) kernel.rejectDelay(delay, this.node, this.kind);
    this.arm(time);
  }

  /** Arms the timer at absolute time `time`, replacing any pending expiry. Throws like `Kernel.scheduleAt` (then nothing changes). */
  setAt(time: number): void {
    if (!(time >= this.kernel.now && Number.isSafeInteger(time))) this.kernel.rejectTime(time, this.node, this.kind);
    this.arm(time);
  }

  /** Cancels the pending expiry; returns whether one was pending. */
  cancel(): boolean {
    const ref = this.ref;
    if (ref < 0) return false;
    this.ref = -1;
    this.kernel.disarmPending(ref);
    return true;
  }

  private arm(time: number): void {
    const kernel = this.kernel;
    // Schedule first, as Timer always did: the new expiry takes the next sequence number.
    const ref = kernel.arm(time, this.node, this.kind, this.expire);
    if (this.ref >= 0) kernel.disarmPending(this.ref);
    this.ref = ref;
    this.due = time;
  }
}
