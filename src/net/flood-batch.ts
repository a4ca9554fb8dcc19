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
import type { VlanTag } from '../wire/index.js';
import type { SimFrame } from './frame.js';
import { WIRE_OVERHEAD, pushTag } from './frame.js';
import type { Link } from './link.js';
import type { Port, PortOwner, PortStore } from './port.js';
import { QUIET_ASK, QUIET_DROPPED, QUIET_NOT_TAKEN } from './port.js';
import type { TraceSink } from './trace.js';

/**
 * Empties a reused array. Popping its few elements is cheaper than setting `length` to 0 (a call into
 * the runtime, 2 % of the default comparison's profile), and keeps its storage for the next group.
 */
function empty(array: unknown[]): void {
  while (array.length > 0) array.pop();
}

/** Copies of one frame arriving at one time. */
class FloodGroup {
  at = 0;
  frame: SimFrame | null = null;
  count = 0;
  /** The network's link state changes when the group opened (TraceSink `linkChanges`). */
  linkChanges = 0;
  readonly ports: Port[] = [];
  /** The ports' ids (`Port.id`). */
  readonly ids: number[] = [];
  readonly links: Link[] = [];
  readonly epochs: number[] = [];
  /** Delivers the group and returns it to its batcher (made once per group). */
  readonly deliver: () => void;

  constructor(batcher: FloodBatcher) {
    this.deliver = () => batcher.deliver(this);
  }

  add(port: Port, id: number, link: Link, epoch: number): void {
    const k = this.count++;
    if (k < this.ports.length) {
      this.ports[k] = port;
      this.ids[k] = id;
      this.links[k] = link;
      this.epochs[k] = epoch;
    } else {
      this.ports.push(port);
      this.ids.push(id);
      this.links.push(link);
      this.epochs.push(epoch);
    }
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
  /** The store's `linkEpoch` when the links and peers were read (see {@link refresh}). */
  linkEpoch = -1;

  /** The plan of `ports` (linked), at `indices` among their switch's ports, `tagged` where they tag. */
  constructor(store: PortStore, indices: readonly number[], ports: readonly Port[], tagged: readonly boolean[]) {
    const n = ports.length;
    this.indices = Int32Array.from(indices);
    this.ports = ports;
    this.ids = new Int32Array(n);
    this.tagged = new Uint8Array(n);
    this.peerIds = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      this.ids[k] = ports[k]!.id;
      this.tagged[k] = tagged[k] ? 1 : 0;
    }
    this.refresh(store);
  }

  /**
   * Reads the ports' links and peers again, in place (a link of the network was made, changed
   * state or was detached since: a migration's unplug and plug), and notes the store's epoch.
   */
  refresh(store: PortStore): void {
    const ports = this.ports;
    for (let k = 0; k < ports.length; k++) {
      const port = ports[k]!;
      this.links[k] = port.link!;
      const peer = port.peer!;
      this.peers[k] = peer;
      this.peerIds[k] = peer.id;
    }
    this.linkEpoch = store.linkEpoch;
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

  private readonly pool: FloodGroup[] = [];
  private readonly open: FloodGroup[] = [];
  private readonly trace: TraceSink;
  private readonly store: PortStore;
  /** The bystanders of the group being delivered, since the last copy that went through `Link.deliver`. */
  private readonly quiet: Port[] = [];
  /** Their ids. */
  private readonly quietIds: number[] = [];
  /**
   * The owners' names of those of {@link quiet} whose owner dropped the copy with a trace of the drop
   * (`QUIET_DROPPED`), and the first such owner.
   */
  private readonly drops: string[] = [];
  private dropOwner: PortOwner | null = null;
  /** The ports the copies of {@link sentFrame} left by so far in this flood (reported by `flush`). */
  private readonly sent: Port[] = [];
  private sentFrame: SimFrame | null = null;

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
   * `Link.reserve` would time it. Ports marked `tagged` send `base` with `tag` pushed.
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
    const busyUntil = store.busyUntil;
    const txFrames = store.txFrames;
    const txBytes = store.txBytes;
    let taggedFrame: SimFrame | null = null;
    let last: FloodGroup | null = null;
    let lastRate = 0;
    let lastSize = -1;
    let serialization = 0;
    for (let k = 0; k < indices.length; k++) {
      if (indices[k] === ingress) continue;
      const id = ids[k]!;
      const frame = tagged[k] === 1 ? (taggedFrame ??= pushTag(base, tag)) : base;
      flooded[id] = flooded[id]! + 1;
      let at: number;
      if (direct && store.outPlain[id] === 1) {
        const size = frame.size;
        const rate = store.outRate[id]!;
        const start = Math.max(now, busyUntil[id]!);
        if (((start - now) * rate) / 8e9 + size + WIRE_OVERHEAD > store.outQueue[id]!) {
          at = links[k]!.reserve(ports[k]!, frame, true);
        } else {
          if (rate !== lastRate || size !== lastSize) {
            lastRate = rate;
            lastSize = size;
            serialization = Math.ceil(((size + WIRE_OVERHEAD) * 8 * 1e9) / rate);
          }
          const done = start + serialization;
          busyUntil[id] = done;
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
      g.add(peers[k]!, peerIds[k]!, links[k]!, store.epoch[id]!);
    }
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
    this.groupFor(at, frame).add(peer, peer.id, link, link.epoch);
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
    const frame = g.frame!;
    const ports = g.ports;
    const ids = g.ids;
    const links = g.links;
    const epochs = g.epochs;
    if (!FloodBatcher.groupBystanders || this.trace.perReceiver) {
      for (let k = 0; k < g.count; k++) links[k]!.deliver(ports[k]!, frame, epochs[k]!);
    } else {
      const quiet = this.quiet;
      const size = frame.size;
      const store = this.store;
      const rxFrames = store.rxFrames;
      const rxBytes = store.rxBytes;
      // No link of the network changed state since the group opened: every copy's epoch is current.
      const steady = g.linkChanges === this.trace.linkChanges;
      const quietSlot = store.quietSlot;
      // The frame is prepared with the network's quiet receivers at the first copy one of them gets,
      // and again after any copy went through `receive` (which may have changed what they look at).
      let prepared = false;
      for (let k = 0; k < g.count; k++) {
        const port = ports[k]!;
        if (steady || epochs[k] === links[k]!.epoch) {
          const id = ids[k]!;
          let slot = quietSlot[id]!;
          if (slot === -1) slot = store.slotOf(port);
          let taken = QUIET_NOT_TAKEN;
          if (slot >= 0 && FloodBatcher.quietByArrays) {
            const receivers = store.quiet!;
            if (!prepared) {
              receivers.prepare(frame);
              prepared = true;
            }
            taken = receivers.take(slot);
            if (taken === QUIET_ASK) taken = port.owner.receiveQuietly!(port, frame);
          } else {
            const owner = port.owner;
            if (owner.receiveQuietly !== undefined) taken = owner.receiveQuietly(port, frame);
          }
          if (taken !== QUIET_NOT_TAKEN) {
            rxFrames[id] = rxFrames[id]! + 1;
            rxBytes[id] = rxBytes[id]! + size;
            quiet.push(port);
            this.quietIds.push(id);
            if (taken === QUIET_DROPPED) {
              if (this.drops.length === 0) this.dropOwner = port.owner;
              this.drops.push(store.names[id]!);
            }
            continue;
          }
        }
        if (quiet.length > 0) this.report(quiet, frame);
        links[k]!.deliver(port, frame, epochs[k]!);
        prepared = false;
      }
      if (quiet.length > 0) this.report(quiet, frame);
    }
    g.frame = null;
    g.count = 0;
    this.pool.push(g);
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
      this.dropOwner!.droppedQuietly!(drops, frame);
      this.dropOwner = null;
      empty(drops);
    }
  }
}
