/**
 * A map from whole numbers (0 to 2^53 - 1: MAC addresses, IPv4 addresses) to small integers, as an
 * open-addressing hash table with linear probing in two typed arrays. The network-wide indexes of
 * a domain of a million hosts (who accepts each MAC, who holds each IPv4 address) hold a million
 * entries each: in a `Map` every entry is a slot of a table the garbage collector scans and copies
 * as it grows, and every 48-bit key a heap number of its own (not a small integer to V8); here the
 * table is two buffers outside the collected heap.
 */

/** The key of a slot never used. */
const EMPTY = -1;
/** The key of a slot whose entry was deleted (a lookup probes on past it). */
const DELETED = -2;

/** Slots of a table when it is made (doubled when more than half are used). */
const START = 64;

const TWO_32 = 0x1_0000_0000;

/** See the module comment. */
export class NumberIndex {
  private keys = new Float64Array(START).fill(EMPTY);
  private values = new Int32Array(START);
  private mask = START - 1;
  /** Entries held. */
  private count = 0;
  /** Slots holding an entry or a deleted one (a table is remade when more than half are). */
  private used = 0;

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  /** The slot of `key`'s first probe. */
  private home(key: number): number {
    const lo = key >>> 0;
    const hi = (key / TWO_32) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & this.mask;
  }

  /** The slot holding `key`, or -1. */
  private find(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) return i;
      if (k === EMPTY) return -1;
    }
  }

  /** The value of `key`, or `absent` when there is none. */
  get(key: number, absent: number): number {
    const i = this.find(key);
    return i < 0 ? absent : this.values[i]!;
  }

  /** Sets `key` to `value` (a 32-bit integer). */
  set(key: number, value: number): void {
    this.put(key, value, value);
  }

  /**
   * Sets `key` to `value` when it has no entry or already that value, else to `clash` (an index of
   * owners: -2, more than one), in one probe.
   */
  enter(key: number, value: number, clash: number): void {
    this.put(key, value, clash);
  }

  /** Sets `key` to `value` when absent or equal to `value`, else to `other`. */
  private put(key: number, value: number, other: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let free = -1;
    let i = this.home(key);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) {
        if (this.values[i] !== value) this.values[i] = other;
        return;
      }
      if (k === EMPTY) break;
      if (k === DELETED && free < 0) free = i;
    }
    if (free >= 0) {
      i = free;
    } else {
      this.used++;
    }
    keys[i] = key;
    this.values[i] = value;
    this.count++;
    if (2 * this.used > keys.length) this.remake(this.count);
  }

  /** Makes room for `n` entries in all (a hint: the table still grows past them). */
  reserve(n: number): void {
    if (2 * n > this.keys.length) this.remake(n);
  }

  /** Removes `key`'s entry, if any. */
  delete(key: number): void {
    const i = this.find(key);
    if (i < 0) return;
    this.keys[i] = DELETED;
    this.count--;
  }

  /**
   * Copies the entries (deleted ones dropped) into a table of more than twice `entries` slots: a full
   * table (half its slots used) doubles.
   */
  private remake(entries: number): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    let n = START;
    while (n <= 2 * entries) n *= 2;
    this.keys = new Float64Array(n).fill(EMPTY);
    this.values = new Int32Array(n);
    this.mask = n - 1;
    this.used = this.count;
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]!;
      if (k < 0) continue;
      let i = this.home(k);
      while (keys[i] !== EMPTY) i = (i + 1) & mask;
      keys[i] = k;
      values[i] = oldValues[j]!;
    }
  }
}
