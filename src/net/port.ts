/**
 * A port: one end of a link, owned by a node (a switch, a host's NIC, a hypervisor's virtual
 * switch). Counts what crosses it and why frames were dropped there.
 */
import type { BulkMembers } from './flood-bulk.js';
import type { SimFrame } from './frame.js';
import type { Link } from './link.js';
import { resized } from '../sim/index.js';

/**
 * Why a frame was dropped. `no-egress`: a switch had to flood a frame (its destination unknown) but
 * no port leads anywhere except the one it came in by, as at a hypervisor's virtual switch whose only
 * VM has left (the frame is dropped there, IEEE 802.1D-2004 §7.7.1: a frame is never sent back out of
 * its reception port).
 */
export type DropReason =
  | 'no-link'
  | 'link-down'
  | 'queue-full'
  | 'loss'
  | 'congestion'
  | 'port-disabled'
  | 'port-blocked'
  | 'port-learning'
  | 'vlan'
  | 'same-port'
  | 'security'
  | 'no-route'
  | 'hop-limit'
  | 'rpf'
  | 'no-egress';

/** Every drop reason, in a fixed order. */
export const DROP_REASONS: readonly DropReason[] = [
  'no-link', 'link-down', 'queue-full', 'loss', 'congestion', 'port-disabled', 'port-blocked', 'port-learning',
  'vlan', 'same-port', 'security', 'no-route', 'hop-limit', 'rpf', 'no-egress',
];

/** Something with ports that frames are delivered to. */
export interface PortOwner {
  readonly name: string;
  /** A frame arrived on `port`. */
  receive(port: Port, frame: SimFrame): void;
  /** The link behind `port` went up or down. */
  linkChanged?(port: Port, up: boolean): void;
  /**
   * @internal A link of one of the owner's ports was made, changed state, was impaired or was
   * detached (as the port store's `linkEpoch` counts for the whole network): a switch's flood plans
   * read their links and peers again only after this.
   */
  linksChanged?(): void;
  /**
   * @internal A flood copy arrived on `port` (already counted there). When receiving it would change
   * nothing but the owner's own counters (no state, no frame sent: a bystander that only drops it),
   * counts it as `receive` would and returns {@link QUIET_TAKEN}, or {@link QUIET_DROPPED} when
   * `receive` would also have traced the drop (the batcher then hands the group's such copies to
   * {@link droppedQuietly}); otherwise does nothing and returns {@link QUIET_NOT_TAKEN}, and the copy
   * goes through `receive`. Lets a flood hand its bystanders over as a group (flood-batch.ts).
   */
  receiveQuietly?(port: Port, frame: SimFrame): number;
  /**
   * @internal Traces the drops of the copies of `frame` that `receiveQuietly` took at the ports of
   * the nodes that `nodes` names (in order, at least one, owners of the same kind as this one, this
   * one, named `first`, first) with {@link QUIET_DROPPED}, as their owners' `receive` would have one
   * by one. `nodes` makes the list only when called (an observer that does not read it pays nothing),
   * valid during the call only.
   */
  droppedQuietly?(first: string, nodes: () => readonly string[], frame: SimFrame): void;
  /**
   * @internal The receivers of the owner's network that decide flood copies from arrays (see
   * {@link QuietReceivers}), and the owner's number there; the batcher asks them before the owner.
   */
  readonly quietReceivers?: QuietReceivers;
  readonly quietSlot?: number;
}

/**
 * @internal The owners of one network's ports that take flood copies quietly (`PortOwner.receiveQuietly`),
 * with the state that decides it in arrays indexed by a number of their own: a group's copies are
 * decided without touching the owner objects, and the owner is asked only where the arrays cannot tell.
 */
export interface QuietReceivers {
  /** Looks at `frame` for the copies that follow (again after any copy went through `receive`). */
  prepare(frame: SimFrame): void;
  /**
   * As `receiveQuietly` of the owner numbered `slot` for the prepared frame (counting what it takes),
   * or {@link QUIET_ASK}: ask the owner.
   */
  take(slot: number): number;
  /**
   * After `prepare`: the bulk kind (0 … `BULK_KINDS` - 1) every receiver takes the prepared frame as
   * quietly, except those {@link exceptionSlots} names and those whose class ({@link classOf}) has a
   * bit of {@link exceptMask}; -1 when the arrays cannot say it for all at once (flood-bulk.ts).
   */
  verdict(): number;
  /** See {@link verdict}. */
  readonly exceptMask: number;
  /** After `verdict`: whether the receivers drop the copies they take with a trace of the drop (`QUIET_DROPPED`). */
  readonly verdictDrops: boolean;
  /**
   * After `verdict`: the slots whose copies must be decided one by one (pushed onto `out`), at least
   * those among `bulk`'s members.
   */
  exceptionSlots(out: number[], bulk: BulkMembers): void;
  /** Bits describing how the owner numbered `slot` takes frames (see {@link exceptMask}). */
  classOf(slot: number): number;
  /** Counts `n` copies (negative: takes them back) of bulk kind `kind` at the owner numbered `slot`. */
  countQuiet(slot: number, kind: number, n: number): void;
  /**
   * The copies the owner numbered `slot` takes quietly are counted in bulk by `bulk` from now on, as
   * its member `member` (its counters read them there); null: no longer, `bulk`'s counts are added
   * into the owner's own.
   */
  attach(slot: number, bulk: BulkMembers | null, member: number): void;
  /** The bulk members `slot` belongs to and its index there, or null. */
  bulkOf(slot: number): BulkMembers | null;
  bulkIndex(slot: number): number;
}

/** `QuietReceivers.take`: the arrays cannot tell; the owner's `receiveQuietly` decides. */
export const QUIET_ASK = -1;

/** `PortOwner.receiveQuietly`: the copy goes through `receive`. */
export const QUIET_NOT_TAKEN = 0;
/** `PortOwner.receiveQuietly`: the copy was counted; nothing else to do. */
export const QUIET_TAKEN = 1;
/** `PortOwner.receiveQuietly`: the copy was counted and its drop is to be traced by group (`droppedQuietly`). */
export const QUIET_DROPPED = 2;

/**
 * The per-port state of one network's ports, as typed arrays indexed by `Port.id`: a flood's copies
 * touch these arrays (consecutive slots for a switch's ports and their peers), not the port, link and
 * counter objects behind them. `PortCounters` reads and writes its frame and byte counters here.
 */
export class PortStore {
  /** Ports numbered so far. */
  size = 0;
  /** The ports, by id, and their owners' names. */
  readonly ports: Port[] = [];
  readonly names: string[] = [];
  rxFrames = new Float64Array(STORE_START);
  rxBytes = new Float64Array(STORE_START);
  txFrames = new Float64Array(STORE_START);
  txBytes = new Float64Array(STORE_START);
  flooded = new Float64Array(STORE_START);
  /**
   * The frames and bytes single frames (`Link.reserve`, `Link.deliver`) add to each port's counters,
   * interleaved as one record of {@link RECORD} numbers per port (frames and bytes sent, frames and
   * bytes received, at `id × RECORD` + {@link TX_FRAMES} …): a unicast hop updates one record instead
   * of a slot in each of four arrays (and an access link's two ports, numbered one after the other,
   * have theirs side by side). A port's counter is its slot in the array of that name, plus its
   * bulk members' count, plus this.
   */
  single = new Float64Array(STORE_START * RECORD);
  /** When the medium of the link direction leaving the port is free again (ns). */
  busyUntil = new Float64Array(STORE_START);
  /**
   * 1 when the port's link is up and the direction leaving it has no loss process and no congestion
   * windows: a copy sent there is timed from `outRate`, `outDelay` and `outQueue` alone.
   */
  outPlain = new Uint8Array(STORE_START);
  /** The link's rate (bit/s), delay (ns) and queue capacity (bytes), by the port a direction leaves. */
  outRate = new Float64Array(STORE_START);
  outDelay = new Float64Array(STORE_START);
  outQueue = new Float64Array(STORE_START);
  /** The link's epoch (`Link.epoch`), at both of its ports. */
  epoch = new Float64Array(STORE_START);
  /** The port at the other end of the link (its id), -1 when none. */
  peer = new Int32Array(STORE_START).fill(-1);
  /**
   * The owner's number among the store's {@link quiet} receivers, by port id: -1 not looked up yet,
   * -2 none (the owner is asked itself, if it takes copies quietly at all).
   */
  quietSlot = new Int32Array(STORE_START).fill(-1);
  /** The receivers the owners of this network's ports share (the first that has them), or null. */
  quiet: QuietReceivers | null = null;
  /** Bumped whenever a link of the network is made, goes up or down, or is impaired (flood plans check it). */
  linkEpoch = 0;
  /**
   * By port id: the bulk members (flood-bulk.ts) that count the copies the port sends (`bulkOut`) or
   * receives (`bulkIn`) as a flood plan's member, or null. A member port's counters and busy-until
   * time are its own slots here plus what the bulk members hold for every member at once.
   */
  readonly bulkOut: (BulkMembers | null)[] = [];
  readonly bulkIn: (BulkMembers | null)[] = [];

  /** Makes room for `n` ports in all (a hint: the arrays still grow past it). */
  reserve(n: number): void {
    if (n > this.rxFrames.length) this.grow(n);
  }

  /** Numbers `port` (its `id`) and makes its slots. */
  add(port: Port): number {
    const id = this.size++;
    if (id >= this.rxFrames.length) this.grow(2 * this.rxFrames.length);
    this.ports.push(port);
    this.names.push(port.owner.name);
    this.bulkOut.push(null);
    this.bulkIn.push(null);
    return id;
  }

  /** When the medium of the direction leaving port `id` is free again (ns), bulk floods included. */
  busy(id: number): number {
    const bulk = this.bulkOut[id]!;
    const raw = this.busyUntil[id]!;
    return bulk === null ? raw : bulk.busyOf(id, raw);
  }

  /** The direction leaving port `id` is busy until `done` (a frame was queued there). */
  occupy(id: number, done: number): void {
    this.busyUntil[id] = done;
    const bulk = this.bulkOut[id]!;
    if (bulk !== null) bulk.occupied(done);
  }

  /**
   * Port `id` is about to change (its link goes up or down, is impaired or taken out): the bulk
   * members it belongs to hand their counts back to their ports and hosts and dissolve.
   */
  release(id: number): void {
    (this.bulkOut[id] ?? this.bulkIn[id])?.release();
  }

  /** Frames flooded out of port `id` (its own count plus its bulk members'). */
  floodedOf(id: number): number {
    const bulk = this.bulkOut[id]!;
    return this.flooded[id]! + (bulk === null ? 0 : bulk.sent);
  }

  txFramesOf(id: number): number {
    const bulk = this.bulkOut[id]!;
    return this.txFrames[id]! + this.single[id * RECORD + TX_FRAMES]! + (bulk === null ? 0 : bulk.sent);
  }

  txBytesOf(id: number): number {
    const bulk = this.bulkOut[id]!;
    return this.txBytes[id]! + this.single[id * RECORD + TX_BYTES]! + (bulk === null ? 0 : bulk.sentBytes);
  }

  rxFramesOf(id: number): number {
    const bulk = this.bulkIn[id]!;
    return this.rxFrames[id]! + this.single[id * RECORD + RX_FRAMES]! + (bulk === null ? 0 : bulk.received);
  }

  rxBytesOf(id: number): number {
    const bulk = this.bulkIn[id]!;
    return this.rxBytes[id]! + this.single[id * RECORD + RX_BYTES]! + (bulk === null ? 0 : bulk.receivedBytes);
  }

  private grow(n: number): void {
    this.rxFrames = resized(this.rxFrames, n);
    this.rxBytes = resized(this.rxBytes, n);
    this.txFrames = resized(this.txFrames, n);
    this.txBytes = resized(this.txBytes, n);
    this.flooded = resized(this.flooded, n);
    this.single = resized(this.single, n * RECORD);
    this.busyUntil = resized(this.busyUntil, n);
    this.outRate = resized(this.outRate, n);
    this.outDelay = resized(this.outDelay, n);
    this.outQueue = resized(this.outQueue, n);
    this.epoch = resized(this.epoch, n);
    this.outPlain = resized(this.outPlain, n);
    this.peer = resized(this.peer, n, -1);
    this.quietSlot = resized(this.quietSlot, n, -1);
  }

  /** The {@link quietSlot} of `port` (looked up once per port). */
  slotOf(port: Port): number {
    const owner = port.owner;
    let slot = -2;
    const receivers = owner.quietReceivers;
    if (receivers !== undefined && owner.quietSlot !== undefined) {
      this.quiet ??= receivers;
      if (receivers === this.quiet) slot = owner.quietSlot;
    }
    this.quietSlot[port.id] = slot;
    return slot;
  }
}

/** Slots of a network's port store when it is made (doubled when full). */
const STORE_START = 64;

/** Numbers per port in {@link PortStore.single}, and the place of each counter in a port's record. */
export const RECORD = 4;
export const TX_FRAMES = 0;
export const TX_BYTES = 1;
export const RX_FRAMES = 2;
export const RX_BYTES = 3;

function unlinked(): never {
  throw new Error('a port counts frames only once it has a link');
}

/**
 * Per-port counters: plain integers. The frame and byte counters live in the network's
 * {@link PortStore} (from the port's first link; zero before it, when no frame can cross the port).
 */
export class PortCounters {
  /** @internal The network's store, once the port has a link. */
  store: PortStore | null = null;
  /** @internal The port's id in {@link store}. */
  id = -1;
  private dropCounts: Record<DropReason, number> | null = null;

  get rxFrames(): number {
    return this.store === null ? 0 : this.store.rxFramesOf(this.id);
  }

  set rxFrames(n: number) {
    const store = this.store ?? unlinked();
    store.rxFrames[this.id]! += n - store.rxFramesOf(this.id);
  }

  get rxBytes(): number {
    return this.store === null ? 0 : this.store.rxBytesOf(this.id);
  }

  set rxBytes(n: number) {
    const store = this.store ?? unlinked();
    store.rxBytes[this.id]! += n - store.rxBytesOf(this.id);
  }

  get txFrames(): number {
    return this.store === null ? 0 : this.store.txFramesOf(this.id);
  }

  set txFrames(n: number) {
    const store = this.store ?? unlinked();
    store.txFrames[this.id]! += n - store.txFramesOf(this.id);
  }

  get txBytes(): number {
    return this.store === null ? 0 : this.store.txBytesOf(this.id);
  }

  set txBytes(n: number) {
    const store = this.store ?? unlinked();
    store.txBytes[this.id]! += n - store.txBytesOf(this.id);
  }

  /** Frames sent out of this port because they were flooded. */
  get floodedFrames(): number {
    return this.store === null ? 0 : this.store.floodedOf(this.id);
  }

  set floodedFrames(n: number) {
    const store = this.store ?? unlinked();
    store.flooded[this.id]! += n - store.floodedOf(this.id);
  }

  /**
   * Drops by reason. Made at the first drop (or the first look): most ports of a large domain never
   * drop a frame, and fifteen counters on each of two million ports would be a tenth of the model.
   */
  get drops(): Record<DropReason, number> {
    // Written out (in DROP_REASONS order) rather than built from the list: every port's counters
    // share one object shape.
    return this.dropCounts ??= {
      'no-link': 0, 'link-down': 0, 'queue-full': 0, loss: 0, congestion: 0, 'port-disabled': 0, 'port-blocked': 0,
      'port-learning': 0, vlan: 0, 'same-port': 0, security: 0, 'no-route': 0, 'hop-limit': 0, rpf: 0, 'no-egress': 0,
    };
  }

  /** Total drops over every reason. */
  get dropped(): number {
    const drops = this.dropCounts;
    if (drops === null) return 0;
    let n = 0;
    for (const r of DROP_REASONS) n += drops[r];
    return n;
  }
}

/** See the module comment. */
export class Port {
  readonly owner: PortOwner;
  /** Position among the owner's ports (0-based). */
  readonly index: number;
  /** What follows the owner's name in the port's name (`p12`, `eth0`); null: `p<index + 1>`. */
  private readonly label: string | null;
  /** Set when a link is attached. */
  link: Link | null = null;
  /**
   * A small number unique among the ports of one network, given by the first link attached to the
   * port and kept for the port's life (-1 until then): observers index typed arrays by it instead of
   * looking ports or nodes up by name. Linking the port into a second network is an error.
   */
  id = -1;
  /** @internal The network's port store, from the first link attached (with {@link id}). */
  store: PortStore | null = null;
  /** The counters, made at the first look (most ports of a large domain are never looked at one by one). */
  private countersValue: PortCounters | null = null;

  /**
   * The port numbered `index` of `owner`, named `<owner>:<label>`; without a label (a switch's
   * ports), `<owner>:p<index + 1>`. The name is written out when asked for, not kept.
   */
  constructor(owner: PortOwner, index: number, label?: string) {
    this.owner = owner;
    this.index = index;
    this.label = label ?? null;
  }

  /** Stable, readable name, e.g. `leaf-3:p12`, `vm-7:eth0`. */
  get name(): string {
    return this.label === null ? `${this.owner.name}:p${this.index + 1}` : `${this.owner.name}:${this.label}`;
  }

  /** What crosses the port and why frames were dropped there. */
  get counters(): PortCounters {
    let c = this.countersValue;
    if (c === null) {
      c = this.countersValue = new PortCounters();
      c.store = this.store;
      c.id = this.id;
    }
    return c;
  }

  /** @internal Numbers the port in `store` (its first link's network), once. */
  numberIn(store: PortStore): void {
    if (this.id >= 0) return;
    this.id = store.add(this);
    this.store = store;
    const c = this.countersValue;
    if (c !== null) {
      c.store = store;
      c.id = this.id;
    }
  }

  /** The port at the other end of the link, if any. */
  get peer(): Port | null {
    if (this.link === null) return null;
    return this.link.a === this ? this.link.b : this.link.a;
  }

  /** True when a link is attached and up. */
  get up(): boolean {
    return this.link !== null && this.link.up;
  }

  /** Sends a frame over the link; false if it was dropped at once (no link, link down, queue full, loss). */
  send(frame: SimFrame): boolean {
    if (this.link === null) {
      this.counters.drops['no-link']++;
      return false;
    }
    return this.link.transmit(this, frame);
  }
}
