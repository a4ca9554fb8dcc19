/**
 * One exact-nanosecond FIFO slot per nanosecond of the timing wheel's current bucket, for "late"
 * entries: those scheduled into the bucket that is already sorted and being run. Short delays (a
 * frame serialized and propagated in less than a bucket, a zero-delay hand-off) make these common, so
 * queueing one must be O(1): append to the slot of its time. Popping takes the head of the first
 * non-empty slot, found through a bitmap from the last slot popped. Equal times need no comparison:
 * a slot is one time, in arrival order.
 *
 * Entries live in a pool of singly linked cells (key, action, next) recycled through a free list;
 * their time is the slot's. The wheel resets the base when it moves to another bucket, which it only
 * does once this structure is empty.
 */
import type { Action } from './radix-queue.js';
import { DOUBLE_ZERO } from './representation.js';

/** FIFO slots for the times [base, base + width), one per nanosecond. */
export class LateWheel {
  /** Entries held. */
  size = 0;
  /** The earliest entry's time, or Infinity when empty. */
  minTime = Infinity;
  private base = DOUBLE_ZERO;
  private minSlot = 0;
  private readonly heads: Int32Array; // first cell of each slot, or -1
  private readonly tails: Int32Array; // last cell of each slot
  private readonly bits: Int32Array; // bit s: slot s is non-empty
  private keys = new Int32Array(64);
  private next = new Int32Array(64);
  private readonly actions: Array<Action | undefined> = [];
  private free = new Int32Array(64);
  private freeCount = 0;
  private made = 0;

  constructor(width: number) {
    this.heads = new Int32Array(width).fill(-1);
    this.tails = new Int32Array(width);
    this.bits = new Int32Array(Math.max(1, width >> 5));
  }

  /** Moves the window to [base, base + width); only while empty. */
  reset(base: number): void {
    this.base = base;
  }

  /** The earliest entry's key; valid when size > 0. */
  get topKey(): number {
    return this.keys[this.heads[this.minSlot]!]!;
  }

  /** The earliest entry's action; valid when size > 0. */
  get topAction(): Action {
    return this.actions[this.heads[this.minSlot]!]!;
  }

  /** Appends an entry at `time`, which must lie in the window. */
  push(time: number, key: number, action: Action): void {
    let cell: number;
    if (this.freeCount > 0) {
      cell = this.free[--this.freeCount]!;
      this.actions[cell] = action;
    } else {
      cell = this.made++;
      if (cell === this.keys.length) this.grow();
      this.actions.push(action);
    }
    this.keys[cell] = key;
    this.next[cell] = -1;
    const slot = (time - this.base) | 0;
    if (this.heads[slot]! < 0) {
      this.heads[slot] = cell;
      this.bits[slot >> 5]! |= 1 << (slot & 31);
    } else {
      this.next[this.tails[slot]!] = cell;
    }
    this.tails[slot] = cell;
    this.size++;
    if (time < this.minTime) {
      this.minTime = time;
      this.minSlot = slot;
    }
  }

  /** Removes the earliest entry. */
  pop(): void {
    const slot = this.minSlot;
    const cell = this.heads[slot]!;
    const after = this.next[cell]!;
    this.actions[cell] = undefined;
    this.free[this.freeCount++] = cell;
    this.size--;
    this.heads[slot] = after;
    if (after >= 0) return;
    this.bits[slot >> 5]! &= ~(1 << (slot & 31));
    if (this.size === 0) this.minTime = Infinity;
    else this.findMin(slot);
  }

  /** Whether an entry with this time and key is queued (O(entries at that time)). */
  holds(time: number, key: number): boolean {
    const slot = (time - this.base) | 0;
    if (this.size === 0 || slot < 0 || slot >= this.heads.length) return false;
    for (let cell = this.heads[slot]!; cell >= 0; cell = this.next[cell]!) if (this.keys[cell] === key) return true;
    return false;
  }

  /** Keeps only the entries whose key passes `keep`, in the same order. */
  filter(keep: (key: number) => boolean): void {
    for (let slot = 0; slot < this.heads.length; slot++) {
      let cell = this.heads[slot]!;
      let last = -1;
      while (cell >= 0) {
        const after = this.next[cell]!;
        if (keep(this.keys[cell]!)) {
          last = cell;
        } else {
          if (last < 0) this.heads[slot] = after;
          else this.next[last] = after;
          this.actions[cell] = undefined;
          this.free[this.freeCount++] = cell;
          this.size--;
        }
        cell = after;
      }
      if (this.heads[slot]! < 0) this.bits[slot >> 5]! &= ~(1 << (slot & 31));
      else this.tails[slot] = last;
    }
    this.findMin(0);
  }

  /** Calls `visit(time, key)` for every entry; for invariant checks. */
  forEach(visit: (time: number, key: number) => void): void {
    for (let slot = 0; slot < this.heads.length; slot++) {
      for (let cell = this.heads[slot]!; cell >= 0; cell = this.next[cell]!) visit(this.base + slot, this.keys[cell]!);
    }
  }

  /** Sets minTime/minSlot to the first non-empty slot at or after `from`. */
  private findMin(from: number): void {
    const bits = this.bits;
    let w = from >> 5;
    let x = bits[w]! & (-1 << (from & 31));
    while (x === 0) {
      if (++w === bits.length) {
        this.minTime = Infinity;
        return;
      }
      x = bits[w]!;
    }
    const slot = (w << 5) | (31 - Math.clz32(x & -x));
    this.minSlot = slot;
    this.minTime = this.base + slot;
  }

  private grow(): void {
    const capacity = this.keys.length * 2;
    const keys = new Int32Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
    const next = new Int32Array(capacity);
    next.set(this.next);
    this.next = next;
    const free = new Int32Array(capacity);
    free.set(this.free.subarray(0, this.freeCount));
    this.free = free;
  }
}
