/**
 * The copies of one flood that arrive at the same time, delivered by one kernel event: a switch that
 * floods a frame out of a thousand ports queues a handful of events (one per distinct arrival time,
 * usually one), not a thousand.
 *
 * Nothing is allocated per receiver, nor, once warm, per flood: a group keeps its receivers in arrays
 * it reuses, and its delivery callback is made once; groups go back to their batcher's pool when
 * delivered. (Each copy still reserves its own link, so queues, loss and link state apply per port,
 * and a copy whose link changed state before it arrived is lost, as `Link.transmit` does.)
 *
 * Bystanders: a receiver that would only count the copy and drop it (a host that is not the target of
 * an ARP request and keeps no entry for its sender, or a host the copy of an unknown-unicast or
 * multicast flood is not addressed to; see `PortOwner.receiveQuietly`) is counted at its port and by
 * its owner, and consecutive such receivers are reported as one `frames-received` trace event, and
 * those of them whose owner traces the drop as one drop event of the owner's (`droppedQuietly`): no
 * per-receiver event object, listener call or receive path. The other receivers go through
 * `Link.deliver` in order, between the groups, so every listener sees the same frames in the same
 * order as with one delivery per copy. On the send side, the copies one flood sends of one frame are
 * reported as one `frames-sent` event when the flood is flushed (`frame-sent` stays one per copy,
 * for whoever listens to it). While anyone listens to the per-receiver `frame-received`,
 * or with {@link FloodBatcher.groupBystanders} off, every copy goes through `Link.deliver`.
 *
 * Per copy, the loops read and write typed arrays rather than objects: a switch's {@link FloodPlan}
 * holds its egress ports' ids and peers, the network's `PortStore` their counters and each link
 * direction's busy-until time (a copy leaving by a direction with no loss or congestion is timed
 * there without touching the link), and the network's `QuietReceivers` (its hosts) decide and count
 * a bystander from arrays of their own, asking the owner object only where those cannot tell.
 */
import type { EventSite } from '../sim/index.js';
import { DOUBLE_ZERO } from '../sim/index.js';
import type { VlanTag } from '../wire/index.js';
import type { SimFrame } from './frame.js';
import { WIRE_OVERHEAD, pushTag, serializationTime } from './frame.js';
import type { BulkGroup } from './flood-bulk.js';
import { BulkMembers } from './flood-bulk.js';
import type { Link } from './link.js';
import type { Port, PortOwner, PortStore, QuietReceivers } from './port.js';
import { QUIET_ASK, QUIET_DROPPED, QUIET_NOT_TAKEN } from './port.js';
import type { TraceSink } from './trace.js';

/**
 * Empties a reused array. Popping its few elements is cheaper than setting `length` to 0 (a call into
 * the runtime, 2 % of the default comparison's profile), and keeps its storage for the next group.
 */
function empty(array: unknown[]): void {
  while (array.length > 0) array.pop();
}

/**
 * An empty array for objects. V8 gives `[]` small-integer elements; the first object stored changes
 * their kind, and optimized code that saw arrays of the old kind (other groups' or batchers' arrays,
 * still empty) is thrown away when it meets one of the new kind. Made with one element, removed.
 */
function objectArray<T>(): T[] {
  const array: (T | null)[] = [null];
  array.pop();
  return array as T[];
}

/** An empty array for numbers that are not all small integers (link epochs read from the port store's doubles): see {@link objectArray}. */
function doubleArray(): number[] {
  const array = [0.5];
  array.pop();
  return array;
}

/** Sorts numbers in ascending order. */
function ascending(p: number, q: number): number {
  return p - q;
}

/**
 * Copies of one frame arriving at one time: some one by one (`ports` … with their positions in the
 * flood plan, ascending), and those of a flood plan's bulk members (flood-bulk.ts), all but the one
 * at `bulkIngress`, counted there.
 */
class FloodGroup implements BulkGroup {
  at = DOUBLE_ZERO;
  frame: SimFrame | null = null;
  count = 0;
  /** The network's link state changes when the group opened (TraceSink `linkChanges`). */
  linkChanges = 0;
  readonly ports: Port[] = objectArray();
  /** The ports' ids (`Port.id`). */
  readonly ids: number[] = [];
  readonly links: Link[] = objectArray();
  readonly epochs: number[] = doubleArray();
  /** The copies' positions in their flood plan (-1 outside one). */
  readonly positions: number[] = [];
  /** The plan and bulk members whose copies the group carries in bulk, and the member not sent to (-1 none). */
  plan: FloodPlan | null = null;
  bulk: BulkMembers | null = null;
  bulkIngress = -1;
  /** Delivers the group and returns it to its batcher (made once per group). */
  readonly deliver: () => void;

  constructor(batcher: FloodBatcher) {
    this.deliver = () => batcher.deliver(this);
  }

  add(port: Port, id: number, link: Link, epoch: number, position: number): void {
    const k = this.count++;
    if (k < this.ports.length) {
      this.ports[k] = port;
      this.ids[k] = id;
      this.links[k] = link;
      this.epochs[k] = epoch;
      this.positions[k] = position;
    } else {
      this.ports.push(port);
      this.ids.push(id);
      this.links.push(link);
      this.epochs.push(epoch);
      this.positions.push(position);
    }
  }

  /** See `BulkGroup.expand`: the bulk copies join the others, in plan order, under their links' epochs now. */
  expand(): void {
    const bulk = this.bulk;
    const plan = this.plan;
    if (bulk === null || plan === null) return;
    this.bulk = null;
    bulk.delivered(this);
    const n = this.count;
    const ports = this.ports.slice(0, n);
    const ids = this.ids.slice(0, n);
    const links = this.links.slice(0, n);
    const epochs = this.epochs.slice(0, n);
    const positions = this.positions.slice(0, n);
    this.count = 0;
    let x = 0;
    const members = bulk.positions;
    for (let m = 0; m < members.length; m++) {
      const k = members[m]!;
      while (x < n && positions[x]! < k) {
        this.add(ports[x]!, ids[x]!, links[x]!, epochs[x]!, positions[x]!);
        x++;
      }
      if (m === this.bulkIngress) continue;
      const link = plan.links[k]!;
      this.add(plan.peers[k]!, plan.peerIds[k]!, link, link.epoch, k);
    }
    for (; x < n; x++) this.add(ports[x]!, ids[x]!, links[x]!, epochs[x]!, positions[x]!);
  }
}

/**
 * What a flood out of a switch's forwarding ports of one VLAN touches per copy, gathered once (the
 * switch keeps one per VLAN until its ports' states or modes change; links and peers are read again
 * when any link of the network changed): the egress ports, their ids, links and peers, and which
 * ports tag.
 */
export class FloodPlan {
  /** The egress ports' positions among the switch's ports, in flood order. */
  readonly indices: Int32Array;
  readonly ports: readonly Port[];
  readonly ids: Int32Array;
  /** 1 where the copy leaves tagged (see `FloodBatcher.addPlan`). */
  readonly tagged: Uint8Array;
  readonly links: Link[] = [];
  readonly peers: Port[] = [];
  readonly peerIds: Int32Array;
  /** The stamp of the switch's links when the links and peers were read (see {@link refresh}). */
  linkEpoch = -1;
  /** By the switch's port index: the port's position in the plan, -1 none. */
  readonly positionOf: Int32Array;
  /** The ports whose copies go in bulk while they are all idle (flood-bulk.ts), or null. */
  bulk: BulkMembers | null = null;

  /** The plan of `ports` (linked), at `indices` among their switch's ports, `tagged` where they tag. */
  constructor(store: PortStore, indices: readonly number[], ports: readonly Port[], tagged: readonly boolean[], stamp: number) {
    const n = ports.length;
    this.indices = Int32Array.from(indices);
    // Copied into an array of one elements kind for every plan (the caller's, made by `map`, may be
    // packed or holey), so that the code reading plans sees one map.
    const own = objectArray<Port>();
    for (let k = 0; k < n; k++) own.push(ports[k]!);
    this.ports = own;
    this.ids = new Int32Array(n);
    this.tagged = new Uint8Array(n);
    this.peerIds = new Int32Array(n);
    this.positionOf = new Int32Array(n === 0 ? 0 : Math.max(...indices) + 1).fill(-1);
    for (let k = 0; k < n; k++) {
      this.ids[k] = ports[k]!.id;
      this.tagged[k] = tagged[k] ? 1 : 0;
      this.positionOf[indices[k]!] = k;
    }
    this.refresh(store, stamp);
  }

  /** The plan is no longer used (its switch's ports changed): its bulk members count no more. */
  release(): void {
    this.bulk?.release();
    this.bulk = null;
  }

  /**
   * Reads the ports' links and peers again, in place (a link of the switch was made, changed state
   * or was detached since: a migration's unplug and plug), and notes `stamp` (the switch's).
   */
  refresh(store: PortStore, stamp: number): void {
    // Members whose links changed were released with the change; members still counting keep
    // their links and peers, and stay (a link elsewhere changed: most plans of a large domain).
    if (this.bulk !== null && !this.bulk.live) this.bulk = null;
    const ports = this.ports;
    for (let k = 0; k < ports.length; k++) {
      const port = ports[k]!;
      this.links[k] = port.link!;
      const peer = port.peer!;
      this.peers[k] = peer;
      this.peerIds[k] = peer.id;
    }
    this.linkEpoch = stamp;
    if (this.bulk === null && FloodBatcher.bulkFloods) this.bulk = BulkMembers.of(store, this);
  }
}

/** Groups the copies of a sender's floods by arrival time and frame; one per flooding node. */
export class FloodBatcher {
  /**
   * @internal Whether bystanders are handed over as groups (see the module comment). The result is
   * the same either way; tests turn it off to compare the two paths.
   */
  static groupBystanders = true;

  /**
   * @internal Whether the copies a flood sends are reported on `frames-sent` as groups (consecutive
   * copies of one frame object: one event), rather than one event each. The same either way; tests
   * turn it off to compare the two paths.
   */
  static groupSends = true;

  /**
   * @internal Whether a copy's receiver is first asked through its network's quiet receivers (state
   * in arrays; see `QuietReceivers`) rather than through its owner object. The same either way; tests
   * turn it off to compare the two paths.
   */
  static quietByArrays = true;

  /**
   * @internal Whether a flood plan's bulk members (flood-bulk.ts) are timed, counted and decided in
   * bulk while they can be. The same either way; tests turn it off to compare the two paths.
   */
  static bulkFloods = true;

  /** @internal Bulk floods sent so far, in this process (tests check the bulk path was taken). */
  static bulkSends = 0;

  private readonly pool: FloodGroup[] = objectArray();
  private readonly open: FloodGroup[] = objectArray();
  private readonly trace: TraceSink;
  private readonly store: PortStore;
  /** The bystanders of the group being delivered, since the last copy that went through `Link.deliver`. */
  private readonly quiet: Port[] = objectArray();
  /** Their ids. */
  private readonly quietIds: number[] = [];
  /**
   * The owners' names of those of {@link quiet} whose owner dropped the copy with a trace of the drop
   * (`QUIET_DROPPED`), and the first such owner.
   */
  private readonly drops: string[] = objectArray();
  private dropOwner: PortOwner | null = null;
  /** The ports the copies of {@link sentFrame} left by so far in this flood (reported by `flush`). */
  private readonly sent: Port[] = objectArray();
  private sentFrame: SimFrame | null = null;
  /** {@link drops}, and the names of the nodes at the ports of the range being reported (see `quietRange`), as lists made when asked. */
  private readonly dropList = (): readonly string[] => this.drops;
  private readonly rangeList = (): readonly string[] => {
    const names = this.store.names;
    const ids = this.rangeIds!;
    const list: string[] = [];
    for (let k = this.rangeFrom; k < this.rangeTo; k++) list.push(names[ids[k]!]!);
    return list;
  };
  private rangeIds: Int32Array | null = null;
  private rangeFrom = 0;
  private rangeTo = 0;
  /** Whether the quiet receivers looked at the frame being delivered since a copy last went through `receive`. */
  private prepared = false;
  /** The bulk members whose copies of the group being delivered go one by one (ascending), and scratch lists. */
  private readonly exceptions: number[] = [];
  private readonly exceptionSlots: number[] = [];
  private readonly freshExceptions: number[] = [];

  constructor(trace: TraceSink) {
    this.trace = trace;
    this.store = trace.ports;
  }

  /** The open group of arrival time `at` and `frame`, opened if there is none. */
  private groupFor(at: number, frame: SimFrame): FloodGroup {
    const open = this.open;
    for (let i = open.length - 1; i >= 0; i--) {
      const candidate = open[i]!;
      if (candidate.at === at && candidate.frame === frame) return candidate;
    }
    const g = this.pool.pop() ?? new FloodGroup(this);
    g.at = at;
    g.frame = frame;
    g.linkChanges = this.trace.linkChanges;
    open.push(g);
    return g;
  }

  /**
   * The copies of a flood of `base` out of `plan`'s ports but the one at position `ingress`, at time
   * `now`, counted as flooded: as `add` for each (in order), but a copy leaving by a plain direction
   * (`PortStore.outPlain`: up, no loss, no congestion) is timed from the port store alone, as
   * `Link.reserve` would time it, and while the plan's bulk members are all idle their copies are
   * timed and counted once for all (flood-bulk.ts). Ports marked `tagged` send `base` with `tag` pushed.
   */
  addPlan(plan: FloodPlan, ingress: number, base: SimFrame, tag: VlanTag, now: number): void {
    const store = this.store;
    const grouped = FloodBatcher.groupSends;
    const direct = grouped && !this.trace.tracesSends;
    const indices = plan.indices;
    const ids = plan.ids;
    const tagged = plan.tagged;
    const ports = plan.ports;
    const links = plan.links;
    const peers = plan.peers;
    const peerIds = plan.peerIds;
    const flooded = store.flooded;
    const txFrames = store.txFrames;
    const txBytes = store.txBytes;
    // In bulk: only the plan's other ports are looked at one by one, and the members' copies go
    // where the first of them would have gone in plan order.
    const bulk = plan.bulk;
    const inBulk = bulk !== null && direct && !this.trace.perReceiver && bulk.idleAt(now) && base.size + WIRE_OVERHEAD <= bulk.queue;
    const order = inBulk ? bulk.others : null;
    const count = order === null ? indices.length : order.length;
    let ingressAt = -1;
    let firstMember = -1;
    if (inBulk) {
      ingressAt = ingress >= 0 && ingress < plan.positionOf.length ? plan.positionOf[ingress]! : -1;
      firstMember = bulk.positions[0] === ingressAt ? bulk.positions[1]! : bulk.positions[0]!;
    }
    let taggedFrame: SimFrame | null = null;
    let last: FloodGroup | null = null;
    let lastRate = 0;
    let lastSize = -1;
    let serialization = 0;
    let run = 0;
    for (let j = 0; j < count; j++) {
      const k = order === null ? j : order[j]!;
      if (k > firstMember && firstMember >= 0) {
        last = this.addBulk(plan, bulk!, ingressAt, base, now);
        firstMember = -1;
      }
      if (inBulk) run = this.reportSentRuns(plan, bulk!, ingressAt, base, run, k);
      if (indices[k] === ingress) continue;
      const id = ids[k]!;
      const frame = tagged[k] === 1 ? (taggedFrame ??= pushTag(base, tag)) : base;
      flooded[id] = flooded[id]! + 1;
      let at: number;
      if (direct && store.outPlain[id] === 1) {
        const size = frame.size;
        const rate = store.outRate[id]!;
        const start = Math.max(now, store.busy(id));
        if (((start - now) * rate) / 8e9 + size + WIRE_OVERHEAD > store.outQueue[id]!) {
          at = links[k]!.reserve(ports[k]!, frame, true);
        } else {
          if (rate !== lastRate || size !== lastSize) {
            lastRate = rate;
            lastSize = size;
            serialization = serializationTime(size, rate);
          }
          const done = start + serialization;
          store.occupy(id, done);
          txFrames[id] = txFrames[id]! + 1;
          txBytes[id] = txBytes[id]! + size;
          at = done + store.outDelay[id]!;
        }
      } else {
        at = links[k]!.reserve(ports[k]!, frame, grouped);
      }
      if (at < 0) continue;
      if (grouped) {
        if (frame !== this.sentFrame) this.reportSent(frame);
        this.sent.push(ports[k]!);
      }
      const g = last !== null && last.at === at && last.frame === frame ? last : (last = this.groupFor(at, frame));
      g.add(peers[k]!, peerIds[k]!, links[k]!, store.epoch[id]!, k);
    }
    if (firstMember >= 0) this.addBulk(plan, bulk!, ingressAt, base, now);
    if (inBulk) this.reportSentRuns(plan, bulk!, ingressAt, base, run, plan.ids.length);
  }

  /**
   * Reports as sent (`frames-sent`, a range each) the copies of `base` out of the bulk members'
   * runs from the `run`-th pair on that start before plan position `before`, but the one at
   * `ingressAt`, after the copies gathered one by one so far; returns the next run's pair index.
   */
  private reportSentRuns(plan: FloodPlan, bulk: BulkMembers, ingressAt: number, base: SimFrame, run: number, before: number): number {
    const runs = bulk.runs;
    if (run >= runs.length || runs[run]! >= before) return run;
    this.reportSent(null);
    for (; run < runs.length && runs[run]! < before; run += 2) {
      const from = runs[run]!;
      const to = runs[run + 1]!;
      if (ingressAt >= from && ingressAt < to) {
        if (from < ingressAt) this.trace.sentRange(plan.ports, from, ingressAt, base);
        if (ingressAt + 1 < to) this.trace.sentRange(plan.ports, ingressAt + 1, to, base);
      } else {
        this.trace.sentRange(plan.ports, from, to, base);
      }
    }
    return run;
  }

  /**
   * The copies of `base` out of every bulk member of `plan` but the one at position `ingressAt`, all
   * idle at `now`: timed and counted once and carried by the group of their arrival time (the caller
   * reports them sent). Returns that group.
   */
  private addBulk(plan: FloodPlan, bulk: BulkMembers, ingressAt: number, base: SimFrame, now: number): FloodGroup {
    const size = base.size;
    const serialization = serializationTime(size, bulk.rate);
    const ingress = ingressAt >= 0 ? bulk.memberAt[ingressAt]! : -1;
    bulk.send(now, serialization, size, ingress);
    FloodBatcher.bulkSends++;
    const g = this.groupFor(now + serialization + bulk.delay, base);
    g.plan = plan;
    g.bulk = bulk;
    g.bulkIngress = ingress;
    bulk.carry(g);
    return g;
  }

  /**
   * Reserves `port`'s link for `frame` and adds the copy to the open group of its arrival time (and
   * frame); nothing when the link refused it (counted and traced by the link).
   */
  add(port: Port, frame: SimFrame): void {
    const link = port.link!;
    const at = link.reserve(port, frame, FloodBatcher.groupSends);
    if (at < 0) return;
    if (FloodBatcher.groupSends) {
      if (frame !== this.sentFrame) this.reportSent(frame);
      this.sent.push(port);
    }
    const peer = port.peer!;
    this.groupFor(at, frame).add(peer, peer.id, link, link.epoch, -1);
  }

  /** Queues one event at `site` per group opened since the last flush. */
  flush(site: EventSite): void {
    this.reportSent(null);
    const open = this.open;
    for (let i = 0; i < open.length; i++) site.postAt(open[i]!.at, open[i]!.deliver);
    empty(open);
  }

  /** Hands every copy of `g` to its link, then pools the group. */
  deliver(g: FloodGroup): void {
    if (g.bulk !== null && !this.deliverBulk(g)) g.expand();
    if (g.count > 0) {
      const frame = g.frame!;
      const ports = g.ports;
      const ids = g.ids;
      const links = g.links;
      const epochs = g.epochs;
      if (!FloodBatcher.groupBystanders || this.trace.perReceiver) {
        for (let k = 0; k < g.count; k++) links[k]!.deliver(ports[k]!, frame, epochs[k]!);
      } else {
        // No link of the network changed state since the group opened: every copy's epoch is current.
        const steady = g.linkChanges === this.trace.linkChanges;
        this.prepared = false;
        for (let k = 0; k < g.count; k++) this.deliverOne(ports[k]!, ids[k]!, links[k]!, epochs[k]!, frame, steady);
        if (this.quiet.length > 0) this.report(this.quiet, frame);
      }
    }
    g.frame = null;
    g.count = 0;
    g.plan = null;
    this.pool.push(g);
  }

  /**
   * One copy of `frame` at `port` (id `id`) by `link`, sent under link epoch `epoch`: a bystander is
   * counted and gathered into {@link quiet}; any other copy goes through `Link.deliver`, after the
   * bystanders gathered so far are reported. Returns whether it went through (the receiver may have
   * changed what the quiet receivers look at; {@link prepared} is then false).
   */
  private deliverOne(port: Port, id: number, link: Link, epoch: number, frame: SimFrame, steady: boolean): boolean {
    const store = this.store;
    if (steady || epoch === link.epoch) {
      let slot = store.quietSlot[id]!;
      if (slot === -1) slot = store.slotOf(port);
      let taken = QUIET_NOT_TAKEN;
      if (slot >= 0 && FloodBatcher.quietByArrays) {
        const receivers = store.quiet!;
        // The frame is prepared with the network's quiet receivers at the first copy one of them
        // gets, and again after any copy went through `receive` (which may have changed what they look at).
        if (!this.prepared) {
          receivers.prepare(frame);
          this.prepared = true;
        }
        taken = receivers.take(slot);
        if (taken === QUIET_ASK) taken = port.owner.receiveQuietly!(port, frame);
      } else {
        const owner = port.owner;
        if (owner.receiveQuietly !== undefined) taken = owner.receiveQuietly(port, frame);
      }
      if (taken !== QUIET_NOT_TAKEN) {
        store.rxFrames[id] = store.rxFrames[id]! + 1;
        store.rxBytes[id] = store.rxBytes[id]! + frame.size;
        this.quiet.push(port);
        this.quietIds.push(id);
        if (taken === QUIET_DROPPED) {
          if (this.drops.length === 0) this.dropOwner = port.owner;
          this.drops.push(store.names[id]!);
        }
        return false;
      }
    }
    if (this.quiet.length > 0) this.report(this.quiet, frame);
    link.deliver(port, frame, epoch);
    this.prepared = false;
    return true;
  }

  /**
   * Delivers `g`, whose bulk members' copies are decided for all at once (`QuietReceivers.verdict`):
   * counted in bulk and reported as ranges of the plan's receivers, but for the exceptions, which go
   * one by one with the group's other copies, in plan order. After any copy went through its
   * receiver, the verdict is asked again for the members still to come: new exceptions join, and a
   * changed verdict sends the rest one by one. Returns false, having changed nothing, when the
   * members cannot be decided in bulk (the caller expands the group).
   */
  private deliverBulk(g: FloodGroup): boolean {
    const bulk = g.bulk!;
    const plan = g.plan!;
    if (!FloodBatcher.groupBystanders || !FloodBatcher.quietByArrays || this.trace.perReceiver) return false;
    const frame = g.frame!;
    const receivers = bulk.receivers;
    receivers.prepare(frame);
    this.prepared = true;
    const kind = receivers.verdict();
    if (kind < 0) return false;
    const exceptions = this.exceptions;
    empty(exceptions);
    if (!this.collectExceptions(bulk, receivers, g.bulkIngress, -1, exceptions)) return false;
    g.bulk = null;
    bulk.delivered(g);
    const size = frame.size;
    bulk.receive(size, kind);
    if (g.bulkIngress >= 0) bulk.takeBack(g.bulkIngress, size, kind);
    for (let e = 0; e < exceptions.length; e++) bulk.takeBack(exceptions[e]!, size, kind);
    const steady = g.linkChanges === this.trace.linkChanges;
    const positions = bulk.positions;
    const memberAt = bulk.memberAt;
    const runs = bulk.runs;
    const ingressAt = g.bulkIngress >= 0 ? positions[g.bulkIngress]! : -1;
    let oneByOne = false;
    let next = 0;
    let x = 0;
    for (let r = 0; r < runs.length; r += 2) {
      const from = runs[r]!;
      const to = runs[r + 1]!;
      while (x < g.count && g.positions[x]! < from) {
        if (this.deliverOne(g.ports[x]!, g.ids[x]!, g.links[x]!, g.epochs[x]!, frame, steady)) {
          oneByOne = this.recheck(bulk, receivers, frame, kind, g.bulkIngress, g.positions[x]!, next, oneByOne);
        }
        x++;
      }
      let k = from;
      while (k < to) {
        let at = to;
        if (oneByOne) at = k;
        else {
          if (ingressAt >= k && ingressAt < to) at = ingressAt;
          if (next < exceptions.length && positions[exceptions[next]!]! < at) at = positions[exceptions[next]!]!;
        }
        if (k < at) this.quietRange(plan, k, at, frame, receivers.verdictDrops);
        if (at === to) break;
        if (at !== ingressAt) {
          // The next exception (already taken back), or, one by one, any member.
          const m = memberAt[at]!;
          if (next < exceptions.length && exceptions[next] === m) next++;
          else bulk.takeBack(m, size, kind);
          const link = plan.links[at]!;
          if (this.deliverOne(plan.peers[at]!, plan.peerIds[at]!, link, link.epoch, frame, true)) {
            oneByOne = this.recheck(bulk, receivers, frame, kind, g.bulkIngress, at, next, oneByOne);
          }
        }
        k = at + 1;
      }
    }
    for (; x < g.count; x++) this.deliverOne(g.ports[x]!, g.ids[x]!, g.links[x]!, g.epochs[x]!, frame, steady);
    if (this.quiet.length > 0) this.report(this.quiet, frame);
    g.count = 0;
    return true;
  }

  /**
   * The members of `bulk` (indexes, ascending, pushed onto `out`) whose copies must be decided one by
   * one under the verdict just given, after position `after`, without the one at `ingress`; false when
   * they are too many for bulk to pay.
   */
  private collectExceptions(bulk: BulkMembers, receivers: QuietReceivers, ingress: number, after: number, out: number[]): boolean {
    const slots = this.exceptionSlots;
    empty(slots);
    receivers.exceptionSlots(slots, bulk);
    const positions = bulk.positions;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (receivers.bulkOf(slot) !== bulk) continue;
      const m = receivers.bulkIndex(slot);
      if (m !== ingress && positions[m]! > after && !out.includes(m)) out.push(m);
    }
    const mask = receivers.exceptMask;
    for (let bit = 0; bit < bulk.byClass.length; bit++) {
      if ((mask & (1 << bit)) === 0) continue;
      const members = bulk.byClass[bit]!;
      if (members.length > positions.length / 2) return false;
      for (let i = 0; i < members.length; i++) {
        const m = members[i]!;
        if (m !== ingress && positions[m]! > after && !out.includes(m)) out.push(m);
      }
    }
    if (out.length > positions.length / 2) return false;
    if (out.length > 1) out.sort(ascending);
    return true;
  }

  /**
   * After a copy at plan position `at` went through its receiver: asks the verdict again for the
   * members after it. New exceptions are taken back and join {@link exceptions} (from `next` on);
   * returns true (one by one from here) when the verdict changed or the exceptions became too many.
   */
  private recheck(bulk: BulkMembers, receivers: QuietReceivers, frame: SimFrame, kind: number, ingress: number, at: number, next: number, oneByOne: boolean): boolean {
    if (oneByOne) return true;
    receivers.prepare(frame);
    this.prepared = true;
    const fresh = this.freshExceptions;
    empty(fresh);
    // A changed verdict: the members still to come are taken back one by one as their turn comes.
    if (receivers.verdict() !== kind || !this.collectExceptions(bulk, receivers, ingress, at, fresh)) return true;
    const exceptions = this.exceptions;
    let added = false;
    for (let i = 0; i < fresh.length; i++) {
      const m = fresh[i]!;
      if (exceptions.indexOf(m, next) >= 0) continue;
      bulk.takeBack(m, frame.size, kind);
      exceptions.push(m);
      added = true;
    }
    if (added) {
      const rest = exceptions.splice(next).sort(ascending);
      for (const m of rest) exceptions.push(m);
    }
    return false;
  }

  /**
   * Reports the bystanders gathered one by one so far, then the bulk members at positions `from` …
   * `to - 1` of `plan` as one group, and, when they dropped their copies with a trace (`dropped`),
   * their drops (as `report` does).
   */
  private quietRange(plan: FloodPlan, from: number, to: number, frame: SimFrame, dropped: boolean): void {
    if (this.quiet.length > 0) this.report(this.quiet, frame);
    // The plan's arrays change only when it is read again, with the store's new link epoch.
    this.trace.receivedRange(plan.peers, plan.peerIds, from, to, frame, plan.linkEpoch);
    if (!dropped) return;
    this.rangeIds = plan.peerIds;
    this.rangeFrom = from;
    this.rangeTo = to;
    plan.peers[from]!.owner.droppedQuietly!(this.store.names[plan.peerIds[from]!]!, this.rangeList, frame);
    this.rangeIds = null;
  }

  /** Traces the copies sent so far as one `frames-sent` group and starts one for `next`. */
  private reportSent(next: SimFrame | null): void {
    const sent = this.sent;
    if (sent.length > 0) {
      this.trace.sentGroup(sent, this.sentFrame!);
      empty(sent);
    }
    this.sentFrame = next;
  }

  /**
   * Traces the bystanders gathered so far as one group, then the drops among them (as each receiver
   * would trace its own after its `frame-received`), and starts a new group.
   */
  private report(quiet: Port[], frame: SimFrame): void {
    this.trace.receivedGroup(quiet, this.quietIds, frame);
    empty(quiet);
    empty(this.quietIds);
    const drops = this.drops;
    if (drops.length > 0) {
      this.dropOwner!.droppedQuietly!(drops[0]!, this.dropList, frame);
      this.dropOwner = null;
      empty(drops);
    }
  }
}
