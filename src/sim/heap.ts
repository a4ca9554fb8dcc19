/**
 * A binary min-heap of `(time, order, key, action)` entries, ordered by time, then `order` (an
 * insertion counter, so equal times come out first in, first out), in parallel typed arrays.
 *
 * The timing wheel (timing-wheel.ts) keeps here the rare entries that fall before its current bucket:
 * after `peekTime()` or `run({ until })` looked ahead, the wheel may stand past the clock, and an
 * event scheduled from there for an earlier time must still run first. Usually empty; a heap keeps
 * the odd case correct at O(log n) without complicating the wheel.
 */
import type { Action } from './radix-queue.js';

/** Min-heap by (time, insertion order). */
export class TimeHeap {
  size = 0;
  private times = new Float64Array(16);
  private orders = new Float64Array(16);
  private keys = new Int32Array(16);
  private actions: Array<Action | undefined> = [];
  private nextOrder = 0;

  /** The earliest entry's time; valid when size > 0. */
  get topTime(): number {
    return this.times[0]!;
  }

  /** The earliest entry's key; valid when size > 0. */
  get topKey(): number {
    return this.keys[0]!;
  }

  /** The earliest entry's action; valid when size > 0. */
  get topAction(): Action {
    return this.actions[0]!;
  }

  /** Adds an entry after every entry with an equal or smaller time. */
  push(time: number, key: number, action: Action): void {
    if (this.size === this.times.length) this.grow();
    const order = this.nextOrder++;
    const times = this.times;
    const orders = this.orders;
    const keys = this.keys;
    const actions = this.actions;
    let i = this.size++;
    if (actions.length < this.size) actions.push(undefined);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && orders[parent]! < order)) break;
      times[i] = pt;
      orders[i] = orders[parent]!;
      keys[i] = keys[parent]!;
      actions[i] = actions[parent];
      i = parent;
    }
    times[i] = time;
    orders[i] = order;
    keys[i] = key;
    actions[i] = action;
  }

  /** Removes the earliest entry. */
  pop(): void {
    const times = this.times;
    const orders = this.orders;
    const keys = this.keys;
    const actions = this.actions;
    const n = --this.size;
    if (n === 0) {
      actions[0] = undefined;
      this.nextOrder = 0; // empty: restart the counter, so it never grows without bound
      return;
    }
    const lt = times[n]!;
    const lo = orders[n]!;
    const lk = keys[n]!;
    const la = actions[n];
    actions[n] = undefined;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (times[c + 1]! < times[c]! || (times[c + 1] === times[c] && orders[c + 1]! < orders[c]!))) c++;
      const ct = times[c]!;
      if (lt < ct || (lt === ct && lo < orders[c]!)) break;
      times[i] = ct;
      orders[i] = orders[c]!;
      keys[i] = keys[c]!;
      actions[i] = actions[c];
      i = c;
    }
    times[i] = lt;
    orders[i] = lo;
    keys[i] = lk;
    actions[i] = la;
  }

  /** Whether an entry with this time and key is queued. O(size): the heap is usually empty. */
  holds(time: number, key: number): boolean {
    for (let i = 0; i < this.size; i++) if (this.times[i] === time && this.keys[i] === key) return true;
    return false;
  }

  /** Keeps only the entries whose key passes `keep`, in the same order (O(size log size)). */
  filter(keep: (key: number) => boolean): void {
    const entries: Array<[number, number, Action]> = [];
    while (this.size > 0) {
      const key = this.topKey;
      if (keep(key)) entries.push([this.topTime, key, this.topAction]);
      this.pop();
    }
    for (const [time, key, action] of entries) this.push(time, key, action);
  }

  /** Calls `visit(time, key)` for every entry; for invariant checks. */
  forEach(visit: (time: number, key: number) => void): void {
    for (let i = 0; i < this.size; i++) visit(this.times[i]!, this.keys[i]!);
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.times = times;
    const orders = new Float64Array(capacity);
    orders.set(this.orders);
    this.orders = orders;
    const keys = new Int32Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
  }
}
