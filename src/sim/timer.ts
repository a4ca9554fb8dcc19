/**
 * A reusable, restartable timer for protocol code that re-arms often (neighbor-cache states, STP
 * hello and age timers, retransmissions): one object per timer instead of a handle to juggle.
 *
 * Re-arming cancels the previous expiry, so at most one expiry is pending; the action runs with the
 * timer already idle, so it may re-arm itself (a periodic timer). Each arming counts as one scheduled
 * event and each re-arm or cancel of a pending expiry as one cancelled event in the kernel's counters.
 */
import type { EventHandle } from './event-handle.js';
import type { Kernel } from './kernel.js';

/** A one-shot timer that can be set, re-set and cancelled any number of times. */
export class Timer {
  /** Node id its expiries are scheduled under. */
  readonly node: string;
  /** Event kind its expiries are scheduled under. */
  readonly kind: string;
  private readonly kernel: Kernel;
  private readonly expire: () => void;
  private handle: EventHandle | undefined;

  constructor(kernel: Kernel, node: string, kind: string, action: () => void) {
    this.kernel = kernel;
    this.node = node;
    this.kind = kind;
    this.expire = () => {
      this.handle = undefined;
      action();
    };
  }

  /** Whether an expiry is pending (false inside the action). */
  get pending(): boolean {
    return this.handle !== undefined && this.handle.pending;
  }

  /** When the pending expiry is due (ns), or undefined when idle. */
  get time(): number | undefined {
    return this.pending ? this.handle!.time : undefined;
  }

  /** Arms the timer `delay` ns from now, replacing any pending expiry. Throws like `Kernel.schedule` (then nothing changes). */
  set(delay: number): void {
    const next = this.kernel.schedule(delay, this.node, this.kind, this.expire);
    this.replace(next);
  }

  /** Arms the timer at absolute time `time`, replacing any pending expiry. Throws like `Kernel.scheduleAt` (then nothing changes). */
  setAt(time: number): void {
    const next = this.kernel.scheduleAt(time, this.node, this.kind, this.expire);
    this.replace(next);
  }

  /** Cancels the pending expiry; returns whether one was pending. */
  cancel(): boolean {
    const handle = this.handle;
    this.handle = undefined;
    return handle !== undefined && this.kernel.cancel(handle);
  }

  private replace(next: EventHandle): void {
    if (this.handle !== undefined) this.kernel.cancel(this.handle);
    this.handle = next;
  }
}
