/**
 * A bridge's filtering database (IEEE 802.1D §7.8-7.9): (FID, MAC) → port, with aging and a capacity
 * limit, sized for a million entries.
 *
 * - Entries expire when looked up (or swept when the table is full), never by a timer of their own:
 *   an entry not refreshed for the current ageing time is gone. Changing the ageing time (STP's
 *   topology-change shortening) applies to every entry at once, as 802.1D specifies.
 * - A full table learns nothing new; traffic to unlearned MACs is then flooded (RFC 7348 §3.3).
 * - Origins, in the manner of TRILL's confidence levels (RFC 6325 §4.8.1): `learned` from data,
 *   `pushed` by a control plane (a controller, EVPN), both aged and replaced by newer information;
 *   `static` entries never age and learning never moves them.
 * - Storage is open addressing with linear probing in one buffer of 24-byte slots (FID and origin,
 *   MAC, last seen, port side by side: a lookup reads one slot, not one entry of five arrays), two
 *   slots per entry at most, deletion by backward shift, so there is no per-entry object.
 */

/** Where an entry came from. */
export type MacOrigin = 'learned' | 'pushed' | 'static';
// Codes from 1, so that a slot's key is never 0: a free slot is all zeros, as a new buffer is.
const ORIGIN_CODE: Record<MacOrigin, number> = { learned: 1, pushed: 2, static: 3 };
const STATIC = 3;
const ORIGINS: readonly MacOrigin[] = ['learned', 'learned', 'pushed', 'static'];

/** What `learn` did. */
export type LearnOutcome = 'new' | 'refreshed' | 'moved' | 'full' | 'static';

/** One entry, for inspection. */
export interface MacEntry {
  readonly fid: number;
  readonly mac: number;
  readonly port: number;
  readonly lastSeen: number;
  readonly origin: MacOrigin;
}

const EMPTY = 0;
const TWO_32 = 0x1_0000_0000;

// A slot is 24 bytes of a table's buffer: the MAC and when it was last seen (two float64s, `nums` at
// 3i and 3i + 1), then FID × 4 + origin code (1-3; EMPTY, 0, when free) and the port (two int32s, `ints` at 6i + 4
// and 6i + 5). FIDs and ports are never negative.
const SLOT_BYTES = 24;
const NUMS = 3;
const INTS = 6;
const MAC = 0;
const SEEN = 1;
const KEY = 4;
const PORT = 5;

/** The two views of one slot buffer. */
interface Slots {
  readonly nums: Float64Array;
  readonly ints: Int32Array;
}

/** A table of `n` free slots. */
function freeSlots(n: number): Slots {
  const buffer = new ArrayBuffer(n * SLOT_BYTES);
  // Every key is EMPTY (0) already: a new buffer is zeroed.
  return { nums: new Float64Array(buffer), ints: new Int32Array(buffer) };
}

function hash(fid: number, mac: number): number {
  let h = (mac >>> 0) ^ Math.imul(Math.floor(mac / TWO_32), 0x9e3779b1) ^ Math.imul(fid + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Options of a {@link MacTable}. */
export interface MacTableOptions {
  /** Maximum number of entries. */
  readonly capacity: number;
  /** Ageing time in nanoseconds (802.1D default 300 s). */
  readonly agingTime: number;
}

/** Throws the RangeError a {@link MacTable} of this capacity and ageing time would. */
export function checkMacTableOptions(capacity: number, agingTime: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`MAC table capacity must be a positive integer, got ${capacity}`);
  if (!(agingTime > 0)) throw new RangeError(`ageing time must be positive, got ${agingTime}`);
}

/** See the module comment. */
export class MacTable {
  readonly capacity: number;
  private aging: number;
  /** The slots' MACs and last-seen times (see SLOT_BYTES above). */
  private nums: Float64Array;
  /** The slots' keys (FID × 4 + origin, or EMPTY) and ports, in the same buffer as `nums`. */
  private ints: Int32Array;
  private mask: number;
  private count = 0;
  /** No dynamic entry can expire before this time (so a full table is not swept again and again). */
  private nextExpiry = 0;
  /** The previous port of the last `moved` outcome. */
  lastPreviousPort = -1;

  constructor(options: MacTableOptions) {
    checkMacTableOptions(options.capacity, options.agingTime);
    this.capacity = options.capacity;
    this.aging = options.agingTime;
    const { nums, ints } = freeSlots(16);
    this.nums = nums;
    this.ints = ints;
    this.mask = 15;
  }

  /** Entries held, including any that have expired but were not yet looked up or swept. */
  get size(): number {
    return this.count;
  }

  /** Bytes of storage currently allocated. */
  get bytes(): number {
    return this.nums.byteLength;
  }

  get agingTime(): number {
    return this.aging;
  }

  /** Changes the ageing time for every entry (e.g. to forward delay during an STP topology change). */
  set agingTime(value: number) {
    if (!(value > 0)) throw new RangeError(`ageing time must be positive, got ${value}`);
    this.aging = value;
    this.nextExpiry = 0;
  }

  /** The slot of (fid, mac), or -1. */
  private find(fid: number, mac: number): number {
    const i = this.probe(fid, mac);
    return i < 0 ? -1 : i;
  }

  /**
   * The slot of (fid, mac), or, when it is not there, -1 − the free slot its probe ended at (where
   * `place` would put it while nothing else changes).
   */
  private probe(fid: number, mac: number): number {
    const ints = this.ints;
    const nums = this.nums;
    const mask = this.mask;
    let i = hash(fid, mac) & mask;
    for (;;) {
      const key = ints[i * INTS + KEY]!;
      if (key === EMPTY) return -1 - i;
      if (key >> 2 === fid && nums[i * NUMS + MAC] === mac) return i;
      i = (i + 1) & mask;
    }
  }

  private isStatic(i: number): boolean {
    return (this.ints[i * INTS + KEY]! & 3) === STATIC;
  }

  private expired(i: number, now: number): boolean {
    return !this.isStatic(i) && now - this.nums[i * NUMS + SEEN]! >= this.aging;
  }

  /** The entry in slot `i`. */
  private entryAt(i: number): MacEntry {
    const key = this.ints[i * INTS + KEY]!;
    return { fid: key >> 2, mac: this.nums[i * NUMS + MAC]!, port: this.ints[i * INTS + PORT]!, lastSeen: this.nums[i * NUMS + SEEN]!, origin: ORIGINS[key & 3]! };
  }

  /** The port for (fid, mac), or -1 when unknown or aged out (an aged entry is removed). */
  lookup(fid: number, mac: number, now: number): number {
    const i = this.find(fid, mac);
    if (i < 0) return -1;
    if (this.expired(i, now)) {
      this.removeSlot(i);
      return -1;
    }
    return this.ints[i * INTS + PORT]!;
  }

  /** The live entry for (fid, mac), if any. */
  entry(fid: number, mac: number, now: number): MacEntry | undefined {
    if (this.lookup(fid, mac, now) < 0) return undefined;
    return this.entryAt(this.find(fid, mac));
  }

  /**
   * The entry for (fid, mac) as stored, whether or not it has expired, without changing the table
   * (`entry` and `lookup` remove an expired entry they find): for observers, which must not change
   * what they observe. Compare `lastSeen` with {@link agingTime} to tell whether it is live.
   */
  peek(fid: number, mac: number): MacEntry | undefined {
    const i = this.find(fid, mac);
    if (i < 0) return undefined;
    return this.entryAt(i);
  }

  /**
   * Records that (fid, mac) was seen behind `port` at `now`. A `static` entry is never changed by
   * `learned` or `pushed` information. After `moved`, {@link lastPreviousPort} holds the old port.
   */
  learn(fid: number, mac: number, port: number, now: number, origin: MacOrigin = 'learned'): LearnOutcome {
    let i = this.probe(fid, mac);
    // Where a new entry goes if nothing moves before it is placed (-1: probe again).
    let free = i < 0 ? -1 - i : -1;
    if (i >= 0 && this.expired(i, now)) {
      this.removeSlot(i);
      i = -1;
    }
    const code = ORIGIN_CODE[origin];
    if (i >= 0) {
      if (this.isStatic(i) && code !== STATIC) return 'static';
      const ints = this.ints;
      const previous = ints[i * INTS + PORT]!;
      ints[i * INTS + PORT] = port;
      ints[i * INTS + KEY] = fid * 4 + code;
      this.nums[i * NUMS + SEEN] = now;
      if (previous !== port) {
        this.lastPreviousPort = previous;
        return 'moved';
      }
      return 'refreshed';
    }
    if (this.count >= this.capacity) {
      if (!this.sweep(now)) return 'full';
      free = -1;
    }
    this.insert(fid, mac, port, now, code, free);
    return 'new';
  }

  /** Removes (fid, mac); true if it was there. */
  remove(fid: number, mac: number): boolean {
    const i = this.find(fid, mac);
    if (i < 0) return false;
    this.removeSlot(i);
    return true;
  }

  /**
   * Removes non-static entries: those on `port`, or with `port` = -1 all of them except those on
   * `exceptPort` (RSTP's flush of every port but the one that received the topology change).
   * Returns how many were removed.
   */
  flush(port = -1, exceptPort = -1): number {
    let removed = 0;
    const n = this.mask + 1;
    for (let i = 0; i < n;) {
      const p = this.ints[i * INTS + PORT]!;
      if (this.ints[i * INTS + KEY] !== EMPTY && !this.isStatic(i) && (port < 0 ? p !== exceptPort : p === port)) {
        this.removeSlot(i);
        removed++;
        // Backward shift may have moved another entry into slot i: look at it again.
        continue;
      }
      i++;
    }
    return removed;
  }

  /** Every live entry, in slot order (deterministic for the same history). */
  entries(now: number): MacEntry[] {
    const out: MacEntry[] = [];
    const n = this.mask + 1;
    for (let i = 0; i < n; i++) {
      if (this.ints[i * INTS + KEY] === EMPTY || this.expired(i, now)) continue;
      out.push(this.entryAt(i));
    }
    return out;
  }

  /** Drops every expired entry; true if that made room. */
  private sweep(now: number): boolean {
    if (now < this.nextExpiry) return false;
    let earliest = Infinity;
    const n = this.mask + 1;
    for (let i = 0; i < n;) {
      if (this.ints[i * INTS + KEY] !== EMPTY && !this.isStatic(i)) {
        if (this.expired(i, now)) {
          this.removeSlot(i);
          continue;
        }
        earliest = Math.min(earliest, this.nums[i * NUMS + SEEN]! + this.aging);
      }
      i++;
    }
    this.nextExpiry = earliest;
    return this.count < this.capacity;
  }

  /** Enters a new entry, at slot `free` when that is still where it goes (-1: placed by its probe). */
  private insert(fid: number, mac: number, port: number, now: number, origin: number, free = -1): void {
    if ((this.count + 1) * 2 > this.mask + 1) {
      this.grow();
      free = -1;
    }
    if (free >= 0) this.write(free, fid * 4 + origin, mac, now, port);
    else this.place(fid * 4 + origin, mac, now, port);
    this.count++;
    if (origin !== STATIC) this.nextExpiry = Math.min(this.nextExpiry, now + this.aging);
  }

  /** Puts an entry in the first free slot from its home. */
  private place(key: number, mac: number, seen: number, port: number): void {
    const ints = this.ints;
    let i = hash(key >> 2, mac) & this.mask;
    while (ints[i * INTS + KEY] !== EMPTY) i = (i + 1) & this.mask;
    this.write(i, key, mac, seen, port);
  }

  /** Fills slot `i`. */
  private write(i: number, key: number, mac: number, seen: number, port: number): void {
    const ints = this.ints;
    ints[i * INTS + KEY] = key;
    ints[i * INTS + PORT] = port;
    this.nums[i * NUMS + MAC] = mac;
    this.nums[i * NUMS + SEEN] = seen;
  }

  private grow(): void {
    const { nums, ints } = this;
    const n = this.mask + 1;
    const next = freeSlots(2 * n);
    this.nums = next.nums;
    this.ints = next.ints;
    this.mask = 2 * n - 1;
    for (let j = 0; j < n; j++) {
      const key = ints[j * INTS + KEY]!;
      if (key !== EMPTY) this.place(key, nums[j * NUMS + MAC]!, nums[j * NUMS + SEEN]!, ints[j * INTS + PORT]!);
    }
  }

  /** Linear-probing deletion by backward shift (no tombstones). */
  private removeSlot(i: number): void {
    const { nums, ints, mask } = this;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const key = ints[j * INTS + KEY]!;
      if (key === EMPTY) break;
      const home = hash(key >> 2, nums[j * NUMS + MAC]!) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        nums.copyWithin(hole * NUMS, j * NUMS, j * NUMS + NUMS);
        ints[hole * INTS + KEY] = key;
        ints[hole * INTS + PORT] = ints[j * INTS + PORT]!;
        hole = j;
      }
    }
    ints[hole * INTS + KEY] = EMPTY;
    this.count--;
  }
}
