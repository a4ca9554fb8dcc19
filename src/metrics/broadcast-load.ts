/**
 * Broadcast (and multicast) load on end stations: frames received per host, and the peak number
 * received by any one host in any one-second window (aligned to whole simulated seconds), which is
 * what a VM's CPU and a hypervisor's vSwitch pay for an ARP storm.
 *
 * A flood's bystanders come as ranges of a switch's own arrays (`frames-received` with a `version`
 * other than -1): such a range is noted in O(1) (a difference array per pair of arrays, and the
 * range itself) and counted per receiver only when the second ends, once per receiver rather than
 * once per copy. The peak and the host that reached it first are the same as counting copy by copy:
 * within a second counts only grow, so the second's peak is its highest final count, and the first
 * host to reach it is, among those that ended the second with that count, the one whose last copy
 * came first (by event, then by position within the event).
 */
import type { Port } from '../net/index.js';
import type { Kernel } from '../sim/index.js';
import { DOUBLE_ZERO } from '../sim/index.js';
import { isGroupMac } from '../wire/index.js';
import { PortSlots, grownTo } from './port-slots.js';

/**
 * Ranges of one pair of arrays (`ports`, `ids`) of one version, noted in the current second and not
 * yet counted, with a copy of the arrays as they were in that version (the producer may rewrite them
 * for the next version before the ranges are counted).
 */
class PendingRanges {
  readonly ports: Port[];
  readonly ids: Int32Array;
  version = -1;
  /** Copies per position as differences (a range adds 1 at its `from` and takes 1 at its `to`): prefix sums give the counts. */
  readonly diff: Float64Array;
  /**
   * The ranges noted, as (from, to, event number) triples, in order, `length` numbers of them; when
   * full they are counted (a few times the arrays' length: counting them costs about as much as
   * noting them, and the memory stays small).
   */
  readonly ranges: Float64Array;
  length = 0;
  /** Whether it is in `BroadcastLoad.dirty`. */
  dirty = false;
  /** Whether the arrays were used in the last second counted (arrays of plans no longer used are forgotten). */
  used = true;

  constructor(ports: readonly Port[], ids: ArrayLike<number>, version: number) {
    this.ports = new Array<Port>(ids.length);
    this.ids = new Int32Array(ids.length);
    this.take(ports, ids, version);
    this.diff = new Float64Array(ids.length + 1);
    this.ranges = new Float64Array(3 * Math.max(64, 8 * ids.length));
  }

  /** Copies the arrays' contents of `version`. */
  take(ports: readonly Port[], ids: ArrayLike<number>, version: number): void {
    for (let k = 0; k < this.ids.length; k++) {
      this.ports[k] = ports[k]!;
      this.ids[k] = ids[k]!;
    }
    this.version = version;
  }
}

/** See the module comment. */
export class BroadcastLoad {
  // Doubles from the start (sums of the counts' doubles), zero from the constructor on.
  private totalSoFar = DOUBLE_ZERO;
  private peak = DOUBLE_ZERO;
  private peakSlot = -1;
  private peakAt = 0;
  private readonly slots: PortSlots;
  /** The second being counted. */
  private second = 0;
  /** Events counted so far (ranges and copies are ordered by it). */
  private event = 0;
  /** Each end station's count in the current second, by slot, valid where `stamps` holds `stamp`. */
  private counts: Float64Array<ArrayBuffer> = new Float64Array(0);
  private stamps: Float64Array<ArrayBuffer> = new Float64Array(0);
  private stamp = 1;
  /** Each end station's last copy in the current second: its event number and position there. */
  private lastEvent: Float64Array<ArrayBuffer> = new Float64Array(0);
  private lastPosition: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** The slots counted in the current second. */
  private readonly touched: number[] = [];
  /** Ranges not yet counted, by their `ids` array; `dirty`: those holding some. */
  private readonly pending = new Map<ArrayLike<number>, PendingRanges>();
  private readonly dirty: PendingRanges[] = [];
  /** Scratch for `countRanges`: the next position not yet given its last range, by position (union-find). */
  private next = new Int32Array(0);

  constructor(kernel: Kernel, isEndStation: (node: string) => boolean) {
    this.slots = new PortSlots(isEndStation);
    this.totalSoFar = 0;
    this.peak = 0;
    kernel.trace.on('frames-received', (e) => {
      if (!isGroupMac(e.frame.eth.destination)) return;
      const second = Math.floor(e.time / 1e9);
      if (second !== this.second) {
        this.closeSecond();
        this.second = second;
      }
      const event = this.event++;
      if (e.version >= 0 && e.to - e.from > 1) {
        this.note(e.ports, e.ids, e.version, e.from, e.to, event);
        return;
      }
      const ports = e.ports;
      const ids = e.ids;
      for (let i = e.from; i < e.to; i++) {
        const slot = this.slots.slotOf(ids[i]!, ports[i]!);
        if (slot < 0) continue;
        this.totalSoFar++;
        this.add(slot, 1, event, i);
      }
    }, { skipsPlain: true });
  }

  /** Group-addressed frames received, summed over end stations. */
  get total(): number {
    this.countPending();
    return this.totalSoFar;
  }

  /** The highest count in one second at one host. */
  get peakPerHostPerSecond(): number {
    this.settle();
    return this.peak;
  }

  /** Where the peak happened (the host that reached it first), null before any. */
  get peakHost(): string | null {
    this.settle();
    return this.peakSlot < 0 ? null : this.slots.names[this.peakSlot]!;
  }

  /** When (the whole second) the peak happened. */
  get peakSecond(): number {
    this.settle();
    return this.peakAt;
  }

  /** Notes the copies at positions `from` … `to - 1` of `ports`/`ids` (of `version`) in event `event`. */
  private note(ports: readonly Port[], ids: ArrayLike<number>, version: number, from: number, to: number, event: number): void {
    let p = this.pending.get(ids);
    if (p === undefined) {
      p = new PendingRanges(ports, ids, version);
      this.pending.set(ids, p);
    } else if (p.version !== version) {
      // The arrays were rewritten: what was noted of their former contents is counted first.
      this.countRanges(p);
      p.take(ports, ids, version);
    } else if (p.length === p.ranges.length) {
      this.countRanges(p);
    }
    p.used = true;
    if (!p.dirty) {
      p.dirty = true;
      this.dirty.push(p);
    }
    p.diff[from]! += 1;
    p.diff[to]! -= 1;
    const ranges = p.ranges;
    const at = p.length;
    ranges[at] = from;
    ranges[at + 1] = to;
    ranges[at + 2] = event;
    p.length = at + 3;
  }

  /** Counts every range noted so far. */
  private countPending(): void {
    const dirty = this.dirty;
    for (let i = 0; i < dirty.length; i++) {
      const p = dirty[i]!;
      this.countRanges(p);
      p.dirty = false;
    }
    dirty.length = 0;
  }

  /**
   * Counts `p`'s ranges: each position's copies (prefix sums of the differences) and its last range
   * (the ranges from the last, each giving its event to the positions no later range covered).
   */
  private countRanges(p: PendingRanges): void {
    const ranges = p.ranges;
    if (p.length === 0) return;
    const diff = p.diff;
    const n = p.ids.length;
    if (this.next.length < n + 1) this.next = new Int32Array(n + 1);
    const next = this.next;
    for (let k = 0; k <= n; k++) next[k] = k;
    // Each position's copies in the second so far: the prefix sums of the differences, in place.
    let acc = 0;
    for (let k = 0; k < n; k++) {
      acc += diff[k]!;
      diff[k] = acc;
    }
    const ids = p.ids;
    const ports = p.ports;
    for (let r = p.length - 3; r >= 0; r -= 3) {
      const to = ranges[r + 1]!;
      const event = ranges[r + 2]!;
      let k = find(next, ranges[r]!);
      while (k < to) {
        next[k] = k + 1;
        const copies = diff[k]!;
        const slot = this.slots.slotOf(ids[k]!, ports[k]!);
        if (slot >= 0) {
          this.totalSoFar += copies;
          this.add(slot, copies, event, k);
        }
        k = find(next, k + 1);
      }
    }
    diff.fill(0, 0, n + 1);
    p.length = 0;
  }

  /** Adds `copies` to `slot`'s count in the current second, the last of them in `event` at `position`. */
  private add(slot: number, copies: number, event: number, position: number): void {
    if (slot >= this.counts.length) {
      this.counts = grownTo(this.counts, slot);
      this.stamps = grownTo(this.stamps, slot);
      this.lastEvent = grownTo(this.lastEvent, slot);
      this.lastPosition = grownTo(this.lastPosition, slot);
    }
    if (this.stamps[slot] !== this.stamp) {
      this.stamps[slot] = this.stamp;
      this.counts[slot] = copies;
      this.lastEvent[slot] = event;
      this.lastPosition[slot] = position;
      this.touched.push(slot);
      return;
    }
    this.counts[slot]! += copies;
    const last = this.lastEvent[slot]!;
    if (event > last || (event === last && position > this.lastPosition[slot]!)) {
      this.lastEvent[slot] = event;
      this.lastPosition[slot] = position;
    }
  }

  /**
   * Counts what is pending and takes the current second's peak so far, if higher than the peak of
   * before: the host with the highest count whose last copy came first reached it first.
   */
  private settle(): void {
    this.countPending();
    const touched = this.touched;
    let best = -1;
    for (let i = 0; i < touched.length; i++) {
      const slot = touched[i]!;
      const n = this.counts[slot]!;
      if (n < this.peak || n === 0) continue;
      if (best < 0 || n > this.counts[best]!) best = slot;
      else if (n === this.counts[best]!) {
        const e = this.lastEvent[slot]!;
        const b = this.lastEvent[best]!;
        if (e < b || (e === b && this.lastPosition[slot]! < this.lastPosition[best]!)) best = slot;
      }
    }
    if (best >= 0 && this.counts[best]! > this.peak) {
      this.peak = this.counts[best]!;
      this.peakSlot = best;
      this.peakAt = this.second;
    }
  }

  /** Ends the second being counted. */
  private closeSecond(): void {
    this.settle();
    this.touched.length = 0;
    this.stamp++;
    // Arrays not used in the second are forgotten (their plan may be gone).
    for (const [ids, p] of this.pending) {
      if (!p.used) this.pending.delete(ids);
      else p.used = false;
    }
  }
}

/** The root of `k` in `next` (the first position from `k` on not yet given its last range), halving paths. */
function find(next: Int32Array, k: number): number {
  while (next[k] !== k) {
    next[k] = next[next[k]!]!;
    k = next[k]!;
  }
  return k;
}
