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
 * - Storage is open addressing with linear probing in one typed array (24 bytes per slot, two slots
 *   per entry at most), deletion by backward shift, so there is no per-entry object.
 */

/** Where an entry came from. */
export type MacOrigin = 'learned' | 'pushed' | 'static';
const ORIGIN_CODE: Record<MacOrigin, number> = { learned: 0, pushed: 1, static: 2 };
const ORIGINS: readonly MacOrigin[] = ['learned', 'pushed', 'static'];

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

const TWO_32 = 0x1_0000_0000;

/**
 * A slot is three numbers of one Float64Array (24 bytes, so that a probe reads one cache line, not
 * five arrays): the MAC, when it was last seen, and the rest packed as
 * `port × FID_SPAN × 4 + (fid + 1) × 4 + origin` (exact: under 2^47). 0 there marks an empty slot.
 */
const STRIDE = 3;
const FID_SPAN = 8192;
const META_LOW = FID_SPAN * 4;

/** The packed third number of a slot. */
function meta(fid: number, port: number, origin: number): number {
  return port * META_LOW + (fid + 1) * 4 + origin;
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

/** See the module comment. */
export class MacTable {
  readonly capacity: number;
  private aging: number;
  /** The slots (see {@link STRIDE}), `mask + 1` of them. */
  private slots: Float64Array;
  private mask: number;
  private count = 0;
  /** No dynamic entry can expire before this time (so a full table is not swept again and again). */
  private nextExpiry = 0;
  /** The previous port of the last `moved` outcome. */
  lastPreviousPort = -1;

  constructor(options: MacTableOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new RangeError(`MAC table capacity must be a positive integer, got ${options.capacity}`);
    if (!(options.agingTime > 0)) throw new RangeError(`ageing time must be positive, got ${options.agingTime}`);
    this.capacity = options.capacity;
    this.aging = options.agingTime;
    const slots = 16;
    this.slots = new Float64Array(slots * STRIDE);
    this.mask = slots - 1;
  }

  /** Entries held, including any that have expired but were not yet looked up or swept. */
  get size(): number {
    return this.count;
  }

  /** Bytes of storage currently allocated. */
  get bytes(): number {
    return this.slots.length * 8;
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
    const slots = this.slots;
    const mask = this.mask;
    const key = (fid + 1) * 4;
    let i = hash(fid, mac) & mask;
    for (;;) {
      const at = i * STRIDE;
      const m = slots[at + 2]!;
      if (m === 0) return -1;
      if (slots[at] === mac && m % META_LOW - m % 4 === key) return i;
      i = (i + 1) & mask;
    }
  }

  private origin(i: number): number {
    return this.slots[i * STRIDE + 2]! % 4;
  }

  private port(i: number): number {
    return Math.floor(this.slots[i * STRIDE + 2]! / META_LOW);
  }

  private fid(i: number): number {
    const m = this.slots[i * STRIDE + 2]!;
    return (m % META_LOW - m % 4) / 4 - 1;
  }

  private seen(i: number): number {
    return this.slots[i * STRIDE + 1]!;
  }

  private expired(i: number, now: number): boolean {
    return this.origin(i) !== 2 && now - this.seen(i) >= this.aging;
  }

  /** The port for (fid, mac), or -1 when unknown or aged out (an aged entry is removed). */
  lookup(fid: number, mac: number, now: number): number {
    const i = this.find(fid, mac);
    if (i < 0) return -1;
    if (this.expired(i, now)) {
      this.removeSlot(i);
      return -1;
    }
    return this.port(i);
  }

  /** The live entry for (fid, mac), if any. */
  entry(fid: number, mac: number, now: number): MacEntry | undefined {
    const port = this.lookup(fid, mac, now);
    if (port < 0) return undefined;
    const i = this.find(fid, mac);
    return { fid, mac, port, lastSeen: this.seen(i), origin: ORIGINS[this.origin(i)]! };
  }

  /**
   * The entry for (fid, mac) as stored, whether or not it has expired, without changing the table
   * (`entry` and `lookup` remove an expired entry they find): for observers, which must not change
   * what they observe. Compare `lastSeen` with {@link agingTime} to tell whether it is live.
   */
  peek(fid: number, mac: number): MacEntry | undefined {
    const i = this.find(fid, mac);
    if (i < 0) return undefined;
    return { fid, mac, port: this.port(i), lastSeen: this.seen(i), origin: ORIGINS[this.origin(i)]! };
  }

  /**
   * Records that (fid, mac) was seen behind `port` at `now`. A `static` entry is never changed by
   * `learned` or `pushed` information. After `moved`, {@link lastPreviousPort} holds the old port.
   */
  learn(fid: number, mac: number, port: number, now: number, origin: MacOrigin = 'learned'): LearnOutcome {
    if (!(fid >= 0 && fid < FID_SPAN - 1) || !(port >= 0 && port <= 0x7fff_ffff)) throw new RangeError(`MAC table: no entry for FID ${fid} and port ${port}`);
    let i = this.find(fid, mac);
    if (i >= 0 && this.expired(i, now)) {
      this.removeSlot(i);
      i = -1;
    }
    const code = ORIGIN_CODE[origin];
    if (i >= 0) {
      if (this.origin(i) === 2 && code !== 2) return 'static';
      const previous = this.port(i);
      this.slots[i * STRIDE + 1] = now;
      this.slots[i * STRIDE + 2] = meta(fid, port, code);
      if (previous !== port) {
        this.lastPreviousPort = previous;
        return 'moved';
      }
      return 'refreshed';
    }
    if (this.count >= this.capacity && !this.sweep(now)) return 'full';
    this.insert(fid, mac, port, now, code);
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
    for (let i = 0; i <= this.mask;) {
      const p = this.port(i);
      if (this.slots[i * STRIDE + 2] !== 0 && this.origin(i) !== 2 && (port < 0 ? p !== exceptPort : p === port)) {
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
    for (let i = 0; i <= this.mask; i++) {
      if (this.slots[i * STRIDE + 2] === 0 || this.expired(i, now)) continue;
      out.push({ fid: this.fid(i), mac: this.slots[i * STRIDE]!, port: this.port(i), lastSeen: this.seen(i), origin: ORIGINS[this.origin(i)]! });
    }
    return out;
  }

  /** Drops every expired entry; true if that made room. */
  private sweep(now: number): boolean {
    if (now < this.nextExpiry) return false;
    let earliest = Infinity;
    for (let i = 0; i <= this.mask;) {
      if (this.slots[i * STRIDE + 2] !== 0 && this.origin(i) !== 2) {
        if (this.expired(i, now)) {
          this.removeSlot(i);
          continue;
        }
        earliest = Math.min(earliest, this.seen(i) + this.aging);
      }
      i++;
    }
    this.nextExpiry = earliest;
    return this.count < this.capacity;
  }

  private insert(fid: number, mac: number, port: number, now: number, origin: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const slots = this.slots;
    let i = hash(fid, mac) & this.mask;
    while (slots[i * STRIDE + 2] !== 0) i = (i + 1) & this.mask;
    const at = i * STRIDE;
    slots[at] = mac;
    slots[at + 1] = now;
    slots[at + 2] = meta(fid, port, origin);
    this.count++;
    if (origin !== 2) this.nextExpiry = Math.min(this.nextExpiry, now + this.aging);
  }

  private grow(): void {
    const old = this.slots;
    const n = 2 * (this.mask + 1);
    const slots = new Float64Array(n * STRIDE);
    const mask = n - 1;
    for (let from = 0; from < old.length; from += STRIDE) {
      const m = old[from + 2]!;
      if (m === 0) continue;
      const mac = old[from]!;
      let i = hash((m % META_LOW - m % 4) / 4 - 1, mac) & mask;
      while (slots[i * STRIDE + 2] !== 0) i = (i + 1) & mask;
      const at = i * STRIDE;
      slots[at] = mac;
      slots[at + 1] = old[from + 1]!;
      slots[at + 2] = m;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Linear-probing deletion by backward shift (no tombstones). */
  private removeSlot(i: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const m = slots[j * STRIDE + 2]!;
      if (m === 0) break;
      const home = hash((m % META_LOW - m % 4) / 4 - 1, slots[j * STRIDE]!) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        slots[hole * STRIDE] = slots[j * STRIDE]!;
        slots[hole * STRIDE + 1] = slots[j * STRIDE + 1]!;
        slots[hole * STRIDE + 2] = m;
        hole = j;
      }
    }
    slots[hole * STRIDE + 2] = 0;
    this.count--;
  }
}
