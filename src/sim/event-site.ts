/**
 * An event site: one interned (node, kind) pair, made once by `Kernel.site` and used to post many
 * fire-and-forget events (a link's frame deliveries to one node, a periodic tick). A site's events
 * carry its number instead of a record: no record to allocate, fill, check or free, so they are the
 * cheapest events the kernel has. They cannot be cancelled and return no handle; in every other way
 * (order, checks, errors, counters) they are like `Kernel.schedule`.
 */
import type { Kernel } from './kernel.js';

/** An interned (node, kind) pair that posts events; get one from `Kernel.site(node, kind)`. */
export class EventSite {
  /** The node id its events run under. */
  readonly node: string;
  /** The event kind its events run under. */
  readonly kind: string;
  /** @internal The site's number in its kernel. */
  readonly id: number;
  /** @internal The kernel that made the site. */
  readonly kernel: Kernel;

  /** @internal Made by `Kernel.site` only. */
  constructor(kernel: Kernel, id: number, node: string, kind: string) {
    this.kernel = kernel;
    this.id = id;
    this.node = node;
    this.kind = kind;
  }

  /**
   * Posts `action` to run `delay` ns from now, like `Kernel.schedule` (same order and checks: throws
   * `RangeError` naming the node and kind for a bad delay) but with no handle and no cancelling.
   */
  post(delay: number, action: () => void): void {
    const kernel = this.kernel;
    const time = kernel.now + delay;
    if (!(delay >= 0 && time <= Number.MAX_SAFE_INTEGER && Number.isSafeInteger(delay))) kernel.rejectDelay(delay, this.node, this.kind);
    kernel.enqueue(time, ~this.id, action);
  }

  /** Posts `action` at absolute time `time` (ns), like `Kernel.scheduleAt`, with no handle. */
  postAt(time: number, action: () => void): void {
    const kernel = this.kernel;
    if (!(time >= kernel.now && Number.isSafeInteger(time))) kernel.rejectTime(time, this.node, this.kind);
    kernel.enqueue(time, ~this.id, action);
  }
}
