/**
 * The ports of a flood plan whose copies of a flood all fare alike, counted in bulk: at a top-of-rack
 * switch, the forty ports towards its hosts leave by links of one rate, delay and queue, untagged, to
 * hosts that mostly only count an ARP request meant for another. When all of them are idle, a flood's
 * copies out of them are timed once (they all arrive together) and counted once (one number per plan,
 * not one per port), and at the arrival the receivers the network's arrays (`QuietReceivers.verdict`)
 * say only count the copy are counted once too: the flood costs what its few exceptions cost (the
 * target, a host that keeps an entry for the sender), not what its forty or four thousand copies do.
 *
 * Exact, not approximate: a member port's counters are its own slots in the port store plus the
 * members' shared counts (`PortStore.txFramesOf` …), and a host's those of its slot plus the shared
 * kinds (`HostCounters`); a copy that does not go the common way (the ingress port's, which is not
 * sent; an exception, decided and delivered one by one as before) is taken back from the shared
 * count at its own slot. A member direction's busy-until time is the later of its own and the last
 * bulk flood's (`busyOf`), except for the port that flood came in by. Anything that changes a
 * member's link first dissolves the members (`release`): every count goes back to its slot, and the
 * copies still on their way become one copy per receiver again (their groups' `expand`).
 */
import { DOUBLE_ZERO } from '../sim/index.js';
import type { Link } from './link.js';
import type { Port, PortStore, QuietReceivers } from './port.js';

/** How many kinds of quiet copies the members count apart (`QuietReceivers.countQuiet`). */
export const BULK_KINDS = 3;

/** Receiver class bits the members keep lists of (`QuietReceivers.classOf`). */
const CLASS_BITS = 1;

/** A group of copies on their way that counts on these members (flood-batch.ts `FloodGroup`). */
export interface BulkGroup {
  /** Turns the group's bulk copies into one copy per receiver (before anything about them changes). */
  expand(): void;
}

/** See the module comment. */
export class BulkMembers {
  /** The members' positions in the flood plan, ascending. */
  readonly positions: Int32Array;
  /** By position in the plan: the member's index, or -1 for a port that is not a member. */
  readonly memberAt: Int32Array;
  /** The plan positions that are not members, ascending. */
  readonly others: Int32Array;
  /** Per member: the port the copy leaves by, the port it arrives at, and the receiver's slot. */
  readonly egress: Int32Array;
  readonly peers: Int32Array;
  readonly slots: Int32Array;
  /** Runs of consecutive member positions, as pairs: from, to (not included). */
  readonly runs: Int32Array;
  /** The members' links' rate (bit/s), delay (ns) and queue (bytes), the same for all. */
  readonly rate: number;
  readonly delay: number;
  readonly queue: number;
  /** Per class bit (`QuietReceivers.classOf`): the members whose class has it. */
  readonly byClass: Int32Array[];
  /** Copies sent to every member, and their bytes; copies received by every member, and their bytes. */
  sent = 0;
  sentBytes = 0;
  received = 0;
  receivedBytes = 0;
  /** Quiet copies every member's receiver took, by kind. */
  readonly kinds = new Float64Array(BULK_KINDS);
  /** When the last bulk flood's copies have left (ns), and the port it came in by (not sent), -1 none. */
  private busyUntil = DOUBLE_ZERO;
  private excluded = -1;
  /** No member's own busy-until time is later than this. */
  private bound = DOUBLE_ZERO;
  /** Groups on their way whose copies are counted here. */
  private readonly inFlight: BulkGroup[] = [];
  private released = false;
  private readonly store: PortStore;
  readonly receivers: QuietReceivers;

  private constructor(store: PortStore, receivers: QuietReceivers, positions: number[], size: number, plan: { ids: Int32Array; peerIds: Int32Array }, slots: number[], link: Link) {
    this.store = store;
    this.receivers = receivers;
    const n = positions.length;
    this.positions = Int32Array.from(positions);
    this.memberAt = new Int32Array(size).fill(-1);
    this.egress = new Int32Array(n);
    this.peers = new Int32Array(n);
    this.slots = Int32Array.from(slots);
    const runs: number[] = [];
    const others: number[] = [];
    for (let m = 0; m < n; m++) {
      const k = positions[m]!;
      this.memberAt[k] = m;
      this.egress[m] = plan.ids[k]!;
      this.peers[m] = plan.peerIds[k]!;
      if (m > 0 && positions[m - 1] === k - 1) runs[runs.length - 1] = k + 1;
      else runs.push(k, k + 1);
    }
    for (let k = 0; k < size; k++) if (this.memberAt[k] === -1) others.push(k);
    this.runs = Int32Array.from(runs);
    this.others = Int32Array.from(others);
    this.rate = link.rate;
    this.delay = link.delay;
    this.queue = link.queueBytes;
    const byClass: number[][] = Array.from({ length: CLASS_BITS }, () => []);
    for (let m = 0; m < n; m++) {
      const c = receivers.classOf(slots[m]!);
      for (let bit = 0; bit < CLASS_BITS; bit++) if ((c & (1 << bit)) !== 0) byClass[bit]!.push(m);
    }
    // Pushed one by one: an array of one elements kind for every member set (see FloodPlan.ports).
    const lists: Int32Array[] = [];
    for (const list of byClass) lists.push(Int32Array.from(list));
    this.byClass = lists;
    for (let m = 0; m < n; m++) {
      // The members' own busy-until times so far (a flood or frame may still be leaving by them).
      this.occupied(store.busyUntil[this.egress[m]!]!);
      store.bulkOut[this.egress[m]!] = this;
      store.bulkIn[this.peers[m]!] = this;
      receivers.attach(slots[m]!, this, m);
    }
  }

  /**
   * The members of a flood plan (its egress ports `ports`, ids `ids`, tagged flags, links, peers and
   * peer ids), or null when fewer than two ports qualify: untagged, a plain direction (up, no loss,
   * no congestion), not a member elsewhere, towards a receiver of the network's quiet receivers that
   * is in no other members, with the rate, delay and queue of the first such port.
   */
  static of(store: PortStore, plan: { ids: Int32Array; tagged: Uint8Array; links: readonly Link[]; peers: readonly Port[]; peerIds: Int32Array }): BulkMembers | null {
    const positions: number[] = [];
    const slots: number[] = [];
    let first: Link | null = null;
    let receivers: QuietReceivers | null = null;
    for (let k = 0; k < plan.ids.length; k++) {
      const id = plan.ids[k]!;
      if (plan.tagged[k] === 1 || store.outPlain[id] !== 1 || store.bulkOut[id] !== null) continue;
      const peerId = plan.peerIds[k]!;
      if (store.bulkIn[peerId] !== null) continue;
      let slot = store.quietSlot[peerId]!;
      if (slot === -1) slot = store.slotOf(plan.peers[k]!);
      if (slot < 0 || store.quiet === null) continue;
      receivers = store.quiet;
      if (receivers.bulkOf(slot) !== null) continue;
      const link = plan.links[k]!;
      if (first === null) first = link;
      else if (link.rate !== first.rate || link.delay !== first.delay || link.queueBytes !== first.queueBytes) continue;
      positions.push(k);
      slots.push(slot);
    }
    if (positions.length < 2 || first === null || receivers === null) return null;
    return new BulkMembers(store, receivers, positions, plan.ids.length, plan, slots, first);
  }

  /** Whether every member's direction is free at `now` (a bulk flood may go). */
  idleAt(now: number): boolean {
    return this.busyUntil <= now && this.bound <= now && !this.released;
  }

  /** The busy-until time of member port `id`, whose own is `raw`. */
  busyOf(id: number, raw: number): number {
    return id === this.excluded || raw >= this.busyUntil ? raw : this.busyUntil;
  }

  /** A member's own busy-until time was set to `done`. */
  occupied(done: number): void {
    if (done > this.bound) this.bound = done;
  }

  /**
   * A bulk flood at `now` whose copies occupy the members' directions for `serialization` ns, of a
   * frame of `size` bytes; `ingress`: the member it came in by (not sent there), or -1.
   */
  send(now: number, serialization: number, size: number, ingress: number): void {
    this.sent++;
    this.sentBytes += size;
    const store = this.store;
    if (ingress >= 0) {
      const id = this.egress[ingress]!;
      store.flooded[id]! -= 1;
      store.txFrames[id]! -= 1;
      store.txBytes[id]! -= size;
      // Its own time from now on: the bulk flood before this one included it.
      store.busyUntil[id] = this.busyOf(id, store.busyUntil[id]!);
      if (store.busyUntil[id]! > this.bound) this.bound = store.busyUntil[id]!;
      this.excluded = id;
    } else {
      this.excluded = -1;
    }
    this.busyUntil = now + serialization;
  }

  /** Copies of a frame of `size` bytes, of quiet kind `kind`, arrived at every member. */
  receive(size: number, kind: number): void {
    this.received++;
    this.receivedBytes += size;
    this.kinds[kind]! += 1;
  }

  /** Takes back, at member `m`, one copy of {@link receive} (it was not received the common way). */
  takeBack(m: number, size: number, kind: number): void {
    const store = this.store;
    const id = this.peers[m]!;
    store.rxFrames[id]! -= 1;
    store.rxBytes[id]! -= size;
    this.receivers.countQuiet(this.slots[m]!, kind, -1);
  }

  /** `group`'s copies are counted here until it is delivered ({@link delivered}) or expanded. */
  carry(group: BulkGroup): void {
    this.inFlight.push(group);
  }

  delivered(group: BulkGroup): void {
    const inFlight = this.inFlight;
    const i = inFlight.indexOf(group);
    if (i < 0) return;
    // The order of the groups on their way does not matter (each expands on its own).
    inFlight[i] = inFlight[inFlight.length - 1]!;
    inFlight.pop();
  }

  /** Whether the members still count (not dissolved by {@link release}). */
  get live(): boolean {
    return !this.released;
  }

  /** Hands every count back to the members' own slots, expands the groups on their way, and dissolves. */
  release(): void {
    if (this.released) return;
    this.released = true;
    while (this.inFlight.length > 0) this.inFlight.pop()!.expand();
    const store = this.store;
    const receivers = this.receivers;
    for (let m = 0; m < this.egress.length; m++) {
      const out = this.egress[m]!;
      const into = this.peers[m]!;
      store.busyUntil[out] = this.busyOf(out, store.busyUntil[out]!);
      store.flooded[out]! += this.sent;
      store.txFrames[out]! += this.sent;
      store.txBytes[out]! += this.sentBytes;
      store.rxFrames[into]! += this.received;
      store.rxBytes[into]! += this.receivedBytes;
      store.bulkOut[out] = null;
      store.bulkIn[into] = null;
      const slot = this.slots[m]!;
      receivers.attach(slot, null, m);
      for (let kind = 0; kind < BULK_KINDS; kind++) receivers.countQuiet(slot, kind, this.kinds[kind]!);
    }
  }
}
