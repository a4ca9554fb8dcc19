/**
 * The kernel's main event queue: a monotone radix queue with 256-way buckets over integer-nanosecond
 * keys (a radix heap, Ahuja, Mehlhorn, Orlin and Tarjan 1990, with byte-sized digits).
 *
 * It keeps a floor `last` (the time of the most recent minimum) and files each entry by the highest
 * byte in which its time differs from `last`: level L (0..6) holds times that agree with `last` above
 * byte L, slot d the times whose byte L is d. Level 0 slots therefore hold one exact time each. Popping
 * drains level 0 slot by slot; when it is empty, the lowest non-empty slot above is emptied, `last`
 * becomes its smallest time, and its entries are filed again, each one level lower or more. An entry
 * moves at most 6 times and, in practice, 1-3 times; every move is a sequential append to a typed array.
 * Bitmaps find the next non-empty slot without scanning buckets.
 *
 * Ties need no comparison: an insertion always carries the largest sequence number so far and is
 * appended, and refiling copies a slot in order into slots that are empty, so every slot is always in
 * sequence order, and equal times come out first scheduled, first run.
 *
 * Monotone means every pushed time is >= `floor` (the current `last`). The kernel's clock never goes
 * back, but `last` can run ahead of the clock when the kernel peeks at the next event and then stops
 * short of it (`run({ until })`, `peekTime()`); the kernel sends the few events that then land below the
 * floor to a side heap (heap.ts), whose entries are all earlier than everything here.
 *
 * Cancelled entries stay where they are and are dropped when refiled or reached (see event-store.ts);
 * `compact()` sweeps them all when they outnumber live ones.
 */
import type { LiveSet } from './event-store.js';

const TWO_32 = 4294967296;
const LEVELS = 7; // bytes 0-6 cover 56 bits, enough for times up to 2^53
const SLOTS = LEVELS * 256;
const BITMAP_WORDS = 8; // 256 slots per level, 32 bits per word
const SHRINK_ABOVE = 4096; // an emptied slot bigger than this and than the whole queue gives its arrays back
const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

class Slot {
  times: Float64Array = EMPTY_F64;
  seqs: Float64Array = EMPTY_F64;
  refs: Int32Array = EMPTY_I32;
  length = 0;

  grow(): void {
    const capacity = Math.max(8, this.times.length * 2);
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const refs = new Int32Array(capacity);
    refs.set(this.refs);
    this.refs = refs;
  }

  /** Empties the slot; keeps its arrays unless they exceed both SHRINK_ABOVE and `queued` entries. */
  release(queued: number): void {
    this.length = 0;
    if (this.times.length > SHRINK_ABOVE && this.times.length > queued) {
      this.times = EMPTY_F64;
      this.seqs = EMPTY_F64;
      this.refs = EMPTY_I32;
    }
  }
}

/** Monotone radix-256 priority queue of `(time, sequence, ref)`; FIFO among equal times. */
export class RadixQueue {
  /** Physical entries, dead ones included. */
  size = 0;
  /** Every pushed time must be >= floor. */
  floor = 0;
  /** After `settle()` returned true: the smallest live entry. */
  topTime = 0;
  topSeq = 0;
  topRef = 0;
  private readonly slots: Slot[] = [];
  private readonly bits = new Int32Array(LEVELS * BITMAP_WORDS);
  private readonly levelCounts = new Int32Array(LEVELS);
  private levels = 0; // bit L set when level L has a non-empty slot
  private lastHi = 0; // floor's high 21 bits
  private lastLo = 0; // floor's low 32 bits, as an int32
  private head = 0; // read position in the current level-0 slot (floor's low byte)
  private readonly live: LiveSet;

  constructor(live: LiveSet) {
    this.live = live;
    for (let i = 0; i < SLOTS; i++) this.slots.push(new Slot());
  }

  /** Adds an entry; `time` must be >= floor and `seq` larger than any sequence pushed before. */
  push(time: number, seq: number, ref: number): void {
    this.place(time, seq, ref);
    this.size++;
  }

  /** Positions on the smallest live entry, dropping dead ones; returns false when none is left. */
  settle(): boolean {
    const liveSeqs = this.live.seqs;
    for (;;) {
      const current = this.lastLo & 255;
      const slot = this.slots[current]!;
      const n = slot.length;
      let head = this.head;
      while (head < n) {
        const ref = slot.refs[head]!;
        const seq = slot.seqs[head]!;
        if (liveSeqs[ref] === seq) {
          this.head = head;
          this.topTime = slot.times[head]!;
          this.topSeq = seq;
          this.topRef = ref;
          return true;
        }
        head++;
        this.size--;
      }
      this.head = 0;
      if (n > 0) {
        slot.release(this.size);
        this.clearBit(current);
      }
      const next = this.nextSet(0, current + 1);
      if (next >= 0) {
        this.setFloor(this.lastHi, (this.lastLo & ~255) | next);
        continue;
      }
      if (!this.refill()) return false;
    }
  }

  /** Removes the entry `settle()` positioned on. */
  removeTop(): void {
    this.head++;
    this.size--;
  }

  /** Removes every dead entry, keeping order (O(size + slots)). */
  compact(): void {
    const liveSeqs = this.live.seqs;
    let size = 0;
    for (let k = 0; k < SLOTS; k++) {
      const slot = this.slots[k]!;
      if (slot.length === 0) continue;
      const start = k === (this.lastLo & 255) ? this.head : 0;
      const { times, seqs, refs } = slot;
      let m = 0;
      for (let i = start; i < slot.length; i++) {
        const ref = refs[i]!;
        const seq = seqs[i]!;
        if (liveSeqs[ref] !== seq) continue;
        times[m] = times[i]!;
        seqs[m] = seq;
        refs[m] = ref;
        m++;
      }
      if (start > 0) this.head = 0;
      slot.length = m;
      size += m;
      if (m === 0) {
        slot.release(this.size);
        this.clearBit(k);
      }
    }
    this.size = size;
  }

  /** Number of live entries (O(size)); for invariant checks. */
  countLive(): number {
    const liveSeqs = this.live.seqs;
    let count = 0;
    for (let k = 0; k < SLOTS; k++) {
      const slot = this.slots[k]!;
      const start = k === (this.lastLo & 255) ? this.head : 0;
      for (let i = start; i < slot.length; i++) if (liveSeqs[slot.refs[i]!] === slot.seqs[i]) count++;
    }
    return count;
  }

  /** Files an entry in the slot for its highest byte differing from the floor. */
  private place(time: number, seq: number, ref: number): void {
    const hi = (time / TWO_32) | 0;
    let k: number;
    if (hi !== this.lastHi) {
      const level = 4 + ((31 - Math.clz32(hi ^ this.lastHi)) >> 3);
      k = (level << 8) | ((hi >>> ((level - 4) << 3)) & 255);
    } else {
      const lo = (time - hi * TWO_32) | 0;
      const diff = lo ^ this.lastLo;
      const level = diff === 0 ? 0 : (31 - Math.clz32(diff)) >> 3;
      k = (level << 8) | ((lo >>> (level << 3)) & 255);
    }
    const slot = this.slots[k]!;
    const n = slot.length;
    if (n === slot.times.length) slot.grow();
    slot.times[n] = time;
    slot.seqs[n] = seq;
    slot.refs[n] = ref;
    slot.length = n + 1;
    if (n === 0) {
      this.bits[k >> 5]! |= 1 << (k & 31);
      if (this.levelCounts[k >> 8]!++ === 0) this.levels |= 1 << (k >> 8);
    }
  }

  /** Empties the lowest non-empty slot above level 0 into lower levels; false when there is none. */
  private refill(): boolean {
    const liveSeqs = this.live.seqs;
    for (;;) {
      const upper = this.levels & ~1;
      if (upper === 0) return false;
      const level = 31 - Math.clz32(upper & -upper);
      const k = (level << 8) | this.nextSet(level, 0);
      const slot = this.slots[k]!;
      const { times, seqs, refs } = slot;
      const n = slot.length;
      this.clearBit(k);
      let m = 0;
      let min = Infinity;
      for (let i = 0; i < n; i++) {
        const ref = refs[i]!;
        const seq = seqs[i]!;
        if (liveSeqs[ref] !== seq) continue;
        const time = times[i]!;
        if (time < min) min = time;
        times[m] = time;
        seqs[m] = seq;
        refs[m] = ref;
        m++;
      }
      this.size -= n - m;
      slot.length = 0;
      if (m > 0) {
        const hi = (min / TWO_32) | 0;
        this.setFloor(hi, (min - hi * TWO_32) | 0);
        // Every entry now differs from the floor below `level`, so `place` never writes to this slot.
        for (let i = 0; i < m; i++) this.place(times[i]!, seqs[i]!, refs[i]!);
      }
      slot.release(this.size);
      if (m > 0) return true;
    }
  }

  private setFloor(hi: number, lo: number): void {
    this.lastHi = hi;
    this.lastLo = lo;
    this.floor = hi * TWO_32 + (lo >>> 0);
  }

  private clearBit(k: number): void {
    this.bits[k >> 5]! &= ~(1 << (k & 31));
    if (--this.levelCounts[k >> 8]! === 0) this.levels &= ~(1 << (k >> 8));
  }

  /** The first non-empty slot of `level` at or after digit `from`, or -1. */
  private nextSet(level: number, from: number): number {
    if (from >= 256) return -1;
    const base = level * BITMAP_WORDS;
    let w = from >> 5;
    let x = this.bits[base + w]! & (-1 << (from & 31));
    for (;;) {
      if (x !== 0) return (w << 5) | (31 - Math.clz32(x & -x));
      if (++w === BITMAP_WORDS) return -1;
      x = this.bits[base + w]!;
    }
  }
}
