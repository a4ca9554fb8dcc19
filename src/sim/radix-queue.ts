/**
 * The kernel's far-future queue: a monotone radix queue with 256-way buckets over integer-nanosecond
 * keys (a radix heap, Ahuja, Mehlhorn, Orlin and Tarjan 1990, with byte-sized digits). It holds the
 * events beyond the timing wheel's horizon (timing-wheel.ts): second-long timers next to microsecond
 * link delays, where a calendar alone degrades.
 *
 * It keeps a floor `last` and files each entry by the highest byte in which its time differs from
 * `last`: level L (0..6) holds times that agree with `last` above byte L, slot d the times whose byte L
 * is d. The queue is never popped one entry at a time: the wheel asks it to hand over everything
 * earlier than its new horizon (`drainBelow`). A slot that lies wholly below the horizon is handed
 * over as it is, in one sequential pass; the one slot that straddles the horizon is filed again with
 * `last` set to the horizon, which moves each of its entries at least one level down. An entry
 * therefore moves at most 6 times and usually 0-2 times before it reaches the wheel.
 *
 * Order: entries are (time, key, action) triples (the key says which record or site the event
 * belongs to, see timing-wheel.ts), with no sequence number. Equal times always share a slot (the
 * slot is a function of the time and `last`), every slot is appended to and refiled in order, and
 * draining hands slots over in order, so among equal times the wheel receives entries in the order
 * they were pushed, which is scheduling order. The wheel sorts by time only, stably.
 *
 * Monotone: every pushed time must be >= `last`. The wheel pushes only times at or beyond its horizon,
 * and `last` never passes the horizon (draining sets it to the horizon at most), so this always holds.
 *
 * Cancelled entries (whose record is a tombstone, see event-store.ts) stay in place and are dropped
 * when drained or swept (`compact`).
 */
import type { EventStore } from './event-store.js';
import { PENDING } from './event-store.js';

const TWO_32 = 4294967296;
const LEVELS = 7; // bytes 0-6 cover 56 bits, enough for times up to 2^53
const SLOTS = LEVELS * 256;
const BITMAP_WORDS = 8; // 256 slots per level, 32 bits per word
const SHRINK_ABOVE = 4096; // an emptied slot bigger than this and than the whole queue gives its arrays back
const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);
/** SLOT_SPAN[level] = 2^(8 level): the times one slot of a level covers (a table: `2 ** x` is a call). */
const SLOT_SPAN = Float64Array.from({ length: LEVELS }, (_, level) => 2 ** (8 * level));

/** An event's action. */
export type Action = () => void;

/** Where drained entries go: the timing wheel. */
export interface DrainSink {
  /** Takes one live entry earlier than the horizon given to `drainBelow`. */
  accept(time: number, key: number, action: Action): void;
}

class Slot {
  times: Float64Array = EMPTY_F64;
  keys: Int32Array = EMPTY_I32;
  actions: Array<Action | undefined> = [];
  length = 0;

  grow(): void {
    const capacity = Math.max(8, this.times.length * 2);
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.times = times;
    const keys = new Int32Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
  }

  /** Empties the slot; keeps its arrays unless they exceed both SHRINK_ABOVE and `queued` entries. */
  release(queued: number): void {
    this.length = 0;
    if (this.times.length > SHRINK_ABOVE && this.times.length > queued) {
      this.times = EMPTY_F64;
      this.keys = EMPTY_I32;
      this.actions = [];
    }
  }
}

/** Monotone radix-256 queue of `(time, key, action)`, drained by horizon; keeps push order among equal times. */
export class RadixQueue {
  /** Physical entries, cancelled ones included. */
  size = 0;
  /**
   * A lower bound of every entry's time (Infinity when empty): the start of the lowest non-empty
   * slot's range, lowered by later pushes. Cheap to test against a horizon before draining.
   */
  lowBound = Infinity;
  private readonly slots: Slot[] = [];
  private readonly bits = new Int32Array(LEVELS * BITMAP_WORDS);
  private readonly levelCounts = new Int32Array(LEVELS);
  private levels = 0; // bit L set when level L has a non-empty slot
  private lastHi = 0; // floor's high 21 bits
  private lastLo = 0; // floor's low 32 bits, as an int32
  private readonly store: EventStore;

  constructor(store: EventStore) {
    this.store = store;
    for (let i = 0; i < SLOTS; i++) this.slots.push(new Slot());
  }

  /** Adds an entry; `time` must be >= floor. */
  push(time: number, key: number, action: Action): void {
    this.place(time, key, action);
    this.size++;
    if (time < this.lowBound) this.lowBound = time;
  }

  /**
   * Hands every entry with time < `horizon` to `sink` (live ones; cancelled ones are dropped and
   * their records freed), in push order among equal times; a slot that straddles the horizon but
   * ends by `limit` is handed over whole. `horizon` must be >= floor; afterwards floor <= horizon, so
   * times >= horizon can still be pushed.
   */
  drainBelow(horizon: number, limit: number, sink: DrainSink): void {
    const store = this.store;
    for (;;) {
      const k = this.lowest();
      if (k < 0) break;
      const start = this.rangeStart(k);
      if (start >= horizon) break;
      const slot = this.slots[k]!;
      const { times, keys, actions } = slot;
      const n = slot.length;
      this.clearBit(k);
      slot.length = 0;
      this.size -= n;
      const states = store.states;
      const anyDead = store.dead > 0; // with no tombstone, skip reading (cold) states
      if (start + SLOT_SPAN[k >> 8]! <= limit) {
        for (let i = 0; i < n; i++) {
          const key = keys[i]!;
          const action = actions[i]!;
          actions[i] = undefined;
          if (key < 0 || !anyDead || states[key] === PENDING) sink.accept(times[i]!, key, action);
          else store.drop(key);
        }
      } else {
        // The slot straddles the horizon (so it is above level 0). The horizon lies inside its range,
        // and no lower slot is occupied, so the horizon is a valid floor: it agrees with the old floor
        // above this level, and with every entry of this slot at this level.
        this.setFloor(horizon);
        for (let i = 0; i < n; i++) {
          const key = keys[i]!;
          const action = actions[i]!;
          actions[i] = undefined;
          if (anyDead && key >= 0 && states[key] !== PENDING) {
            store.drop(key);
            continue;
          }
          const time = times[i]!;
          if (time < horizon) {
            sink.accept(time, key, action);
          } else {
            this.place(time, key, action); // one level lower or more: never into this slot
            this.size++;
          }
        }
      }
      slot.release(this.size);
    }
    const k = this.lowest();
    this.lowBound = k < 0 ? Infinity : this.rangeStart(k);
  }

  /** Drops every cancelled entry, keeping order (O(size + slots)). */
  compact(): void {
    const store = this.store;
    const states = store.states;
    let size = 0;
    for (let k = 0; k < SLOTS; k++) {
      const slot = this.slots[k]!;
      if (slot.length === 0) continue;
      const { times, keys, actions } = slot;
      let m = 0;
      for (let i = 0; i < slot.length; i++) {
        const key = keys[i]!;
        if (key >= 0 && states[key] !== PENDING) {
          store.drop(key);
          continue;
        }
        times[m] = times[i]!;
        keys[m] = key;
        actions[m] = actions[i];
        m++;
      }
      for (let i = m; i < slot.length; i++) actions[i] = undefined;
      slot.length = m;
      size += m;
      if (m === 0) {
        slot.release(this.size);
        this.clearBit(k);
      }
    }
    this.size = size;
  }

  /** Calls `visit(time, key)` for every entry, cancelled ones included; for invariant checks. */
  forEach(visit: (time: number, key: number) => void): void {
    for (let k = 0; k < SLOTS; k++) {
      const slot = this.slots[k]!;
      for (let i = 0; i < slot.length; i++) visit(slot.times[i]!, slot.keys[i]!);
    }
  }

  /**
   * Whether an entry with this time and key is queued: O(size of the slot the time belongs in).
   * Every entry lies in the slot its time gives under the current floor (draining refiles the one
   * slot whose level the floor moved in).
   */
  holds(time: number, key: number): boolean {
    if (this.size === 0) return false;
    const slot = this.slots[this.slotOf(time)]!;
    for (let i = 0; i < slot.length; i++) if (slot.times[i] === time && slot.keys[i] === key) return true;
    return false;
  }

  /** The slot of `time` (>= floor): the level of its highest byte differing from the floor, and that byte. */
  private slotOf(time: number): number {
    const hi = (time / TWO_32) | 0;
    if (hi !== this.lastHi) {
      const level = 4 + ((31 - Math.clz32(hi ^ this.lastHi)) >> 3);
      return (level << 8) | ((hi >>> ((level - 4) << 3)) & 255);
    }
    const lo = (time - hi * TWO_32) | 0;
    const diff = lo ^ this.lastLo;
    const level = diff === 0 ? 0 : (31 - Math.clz32(diff)) >> 3;
    return (level << 8) | ((lo >>> (level << 3)) & 255);
  }

  /** Files an entry in the slot for its highest byte differing from the floor. */
  private place(time: number, key: number, action: Action): void {
    const k = this.slotOf(time);
    const slot = this.slots[k]!;
    const n = slot.length;
    if (n === slot.times.length) slot.grow();
    slot.times[n] = time;
    slot.keys[n] = key;
    if (n < slot.actions.length) slot.actions[n] = action;
    else slot.actions.push(action);
    slot.length = n + 1;
    if (n === 0) {
      this.bits[k >> 5]! |= 1 << (k & 31);
      if (this.levelCounts[k >> 8]!++ === 0) this.levels |= 1 << (k >> 8);
    }
  }

  /** The lowest non-empty slot (lowest level, then lowest digit), or -1. */
  private lowest(): number {
    const levels = this.levels;
    if (levels === 0) return -1;
    const level = 31 - Math.clz32(levels & -levels);
    const base = level * BITMAP_WORDS;
    for (let w = 0; ; w++) {
      const x = this.bits[base + w]!;
      if (x !== 0) return (level << 8) | (w << 5) | (31 - Math.clz32(x & -x));
    }
  }

  /** The smallest time slot `k` can hold, given the floor. */
  private rangeStart(k: number): number {
    const level = k >> 8;
    const digit = k & 255;
    if (level >= 4) {
      const shift = (level - 4) << 3;
      return ((this.lastHi >>> shift >>> 8) * 256 + digit) * SLOT_SPAN[level - 4]! * TWO_32;
    }
    const shift = level << 3;
    return this.lastHi * TWO_32 + ((this.lastLo >>> shift >>> 8) * 256 + digit) * SLOT_SPAN[level]!;
  }

  private setFloor(time: number): void {
    const hi = (time / TWO_32) | 0;
    this.lastHi = hi;
    this.lastLo = (time - hi * TWO_32) | 0;
  }

  private clearBit(k: number): void {
    this.bits[k >> 5]! &= ~(1 << (k & 31));
    if (--this.levelCounts[k >> 8]! === 0) this.levels &= ~(1 << (k >> 8));
  }
}
