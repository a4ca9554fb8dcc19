/**
 * Full-duplex point-to-point links. Each direction has a rate, a propagation delay, a finite drop-tail
 * queue, a loss process and optional congestion windows.
 *
 * Timing: a frame of `size` bytes occupies the medium for (size + 24) × 8 / rate seconds (preamble,
 * inter-frame gap and FCS included), rounded up to whole nanoseconds, after every frame queued before
 * it; it arrives one propagation delay after its last bit left. Because the queue is FIFO and never
 * preempted, a frame's departure is known when it is queued, so no per-frame queue is stored: the
 * direction keeps only the time its medium becomes free, and the backlog in bytes is derived from that.
 *
 * Congestion windows: from `start` to `end`, background traffic uses `load` × rate of a direction.
 * With load >= 1 the queue is full the whole time and every frame that arrives is dropped
 * (announcements included); below 1 the frame gets the remaining share of the rate.
 *
 * A frame in flight when its link goes down is lost on arrival (reason `link-down`).
 */
import type { EventSite, Kernel } from '../sim/index.js';
import { DOUBLE_ZERO } from '../sim/index.js';
import type { SimFrame } from './frame.js';
import { WIRE_OVERHEAD, serializationTime } from './frame.js';
import type { LossProcess, LossSpec } from './loss.js';
import { NO_LOSS, lossProcess } from './loss.js';
import type { DropReason, Port, PortStore } from './port.js';
import { RECORD, RX_BYTES, RX_FRAMES, TX_BYTES, TX_FRAMES } from './port.js';
import type { TraceSink } from './trace.js';

/** Background traffic that saturates part of a direction from `start` to `end` (ns). */
export interface CongestionWindow {
  readonly start: number;
  readonly end: number;
  /** Fraction of the line rate the background traffic uses; >= 1 means the queue stays full. */
  readonly load: number;
}

/** Settings of one direction of a link. */
export interface DirectionConfig {
  readonly loss?: LossSpec;
  readonly congestion?: readonly CongestionWindow[];
}

/** Settings of a link. */
export interface LinkConfig {
  /** Bits per second. */
  readonly rate: number;
  /** Propagation delay, ns. */
  readonly delay: number;
  /** Drop-tail queue capacity per direction, bytes (default 1 MiB). */
  readonly queueBytes?: number;
  /** Settings from `a` to `b` and from `b` to `a`. */
  readonly aToB?: DirectionConfig;
  readonly bToA?: DirectionConfig;
}

/** Default queue capacity per direction. */
export const DEFAULT_QUEUE_BYTES = 1 << 20;

/**
 * One direction of a link (the medium's busy-until time is in the network's port store, by the port
 * the direction leaves).
 */
class Direction {
  loss: LossProcess;
  congestion: readonly CongestionWindow[];
  /**
   * Single frames on their way (`Link.transmit`), in arrival order, with the link's epoch when each
   * was sent: `count` of them, the first in `first` and `firstEpoch` (a direction seldom has more than
   * one, and then no array is read), the others in a ring of `frames.length` (a power of two) slots
   * from `head`, made when a second frame is first on its way.
   */
  first: SimFrame | undefined = undefined;
  firstEpoch = 0;
  frames: (SimFrame | undefined)[] = NO_FRAMES;
  epochs: number[] = NO_EPOCHS;
  head = 0;
  count = 0;
  /** The latest arrival time of the frames on their way. */
  lastArrival = DOUBLE_ZERO;
  /**
   * Where this direction's arrivals are posted, and the one action of every arrival event
   * ({@link arriveNext} bound to this direction: no closure context to read per arrival).
   */
  site: EventSite | null = null;
  arrive: (() => void) | null = null;
  /** The link and the port the arrivals are delivered to (set with `site`). */
  link: Link | null = null;
  to: Port | null = null;

  constructor(loss: LossProcess, congestion: readonly CongestionWindow[]) {
    this.loss = loss;
    this.congestion = congestion;
  }

  /** Delivers the first frame on its way (its arrival event fired). */
  arriveNext(): void {
    const frame = this.first!;
    const epoch = this.firstEpoch;
    if (--this.count > 0) {
      const head = this.head;
      this.first = this.frames[head];
      this.firstEpoch = this.epochs[head]!;
      this.frames[head] = undefined;
      this.head = (head + 1) & (this.frames.length - 1);
    } else {
      this.first = undefined;
    }
    this.link!.deliver(this.to!, frame, epoch);
  }

  /** Background load at `now` (0 when no window covers it). */
  loadAt(now: number): number {
    for (const w of this.congestion) if (now >= w.start && now < w.end) return w.load;
    return 0;
  }
}

// Placeholders for a direction's ring until its first transmit (never written to: replaced first).
const NO_FRAMES: (SimFrame | undefined)[] = [];
const NO_EPOCHS: number[] = [];

const NO_CONGESTION: readonly CongestionWindow[] = [];

/**
 * The direction of every link that has none of its own yet: lossless, never congested, nothing in
 * flight. Only ever read (its `site` stays null): a link gets a direction of its own at its first
 * transmit or impairment (most links of a big domain, a VM's virtual NIC, never queue a single frame).
 */
const PLAIN: Direction = new Direction(NO_LOSS, NO_CONGESTION);

/** Slots of a direction's ring of frames in flight when it is made (doubled when full). */
const RING_START = 8;

/** Makes a direction's ring, or doubles a full one, its frames in arrival order from slot 0. */
function growRing(dir: Direction): void {
  const n = dir.frames.length;
  const size = n === 0 ? RING_START : 2 * n;
  const frames = new Array<SimFrame | undefined>(size).fill(undefined);
  const epochs = new Array<number>(size).fill(0);
  for (let k = 0; k < n; k++) {
    const from = (dir.head + k) & (n - 1);
    frames[k] = dir.frames[from];
    epochs[k] = dir.epochs[from]!;
  }
  dir.frames = frames;
  dir.epochs = epochs;
  dir.head = 0;
}

function checkConfig(a: Port, b: Port, c: LinkConfig): void {
  if (!(c.rate > 0) || !Number.isFinite(c.rate)) throw new RangeError(`link ${linkName(a, b)}: rate must be a positive number of bits per second, got ${c.rate}`);
  if (!Number.isSafeInteger(c.delay) || c.delay < 0) throw new RangeError(`link ${linkName(a, b)}: delay must be a non-negative whole number of nanoseconds, got ${c.delay}`);
  if (c.queueBytes !== undefined && (!Number.isSafeInteger(c.queueBytes) || c.queueBytes <= 0)) {
    throw new RangeError(`link ${linkName(a, b)}: queue must be a positive number of bytes, got ${c.queueBytes}`);
  }
  checkCongestion(a, b, c.aToB);
  checkCongestion(a, b, c.bToA);
}

function checkCongestion(a: Port, b: Port, d: DirectionConfig | undefined): void {
  if (d?.congestion === undefined) return;
  for (const w of d.congestion) {
    if (!(w.end > w.start) || !(w.load >= 0)) throw new RangeError(`link ${linkName(a, b)}: congestion window needs start < end and load >= 0`);
  }
}

/** Refuses a port numbered by another network than `trace`'s (see the Link constructor). */
function checkStore(a: Port, b: Port, p: Port, trace: TraceSink): void {
  if (p.id >= 0 && p.counters.store !== trace.ports) throw new Error(`link ${linkName(a, b)}: port ${p.name} already belongs to another network (its id ${p.id} numbers that network's port arrays); a port is linked within one network only`);
}

/** The name of a link between `a` and `b`. */
function linkName(a: Port, b: Port): string {
  return `${a.name}<->${b.name}`;
}

/**
 * The direction `from` → `to` as configured: {@link PLAIN} when lossless and never congested (most
 * links). A lossless direction gets no random stream: none would ever draw from it, and a domain of a
 * million VMs would otherwise build two named streams per link for nothing (a stream's draws depend
 * only on its name, so the others are unchanged).
 */
function direction(kernel: Kernel, config: DirectionConfig | undefined, from: Port, to: Port): Direction {
  const spec = config?.loss;
  const congestion = config?.congestion ?? NO_CONGESTION;
  if ((spec === undefined || spec.kind === 'none') && congestion.length === 0) return PLAIN;
  const loss = spec === undefined || spec.kind === 'none' ? NO_LOSS : lossProcess(spec, kernel.rng.stream(`link:${from.name}>${to.name}`));
  return new Direction(loss, congestion);
}

/** See the module comment. */
export class Link {
  readonly a: Port;
  readonly b: Port;
  /**
   * The configuration given (shared by the many links made from one: its rate, 100 Gbit/s say, is
   * not a small integer to V8, and a field of its own would be a heap number per link).
   */
  private readonly config: LinkConfig;
  private readonly kernel: Kernel;
  private readonly trace: TraceSink;
  /** The directions a → b and b → a: {@link PLAIN} until a direction needs one of its own. */
  private ab: Direction;
  private ba: Direction;
  /** The network's per-port state (busy-until times, counters), by `Port.id`. */
  private readonly store: PortStore;
  private isUp = true;
  /** Bumped on every state change; a delivery scheduled under an older epoch is lost. */
  private epochValue = 0;

  constructor(kernel: Kernel, trace: TraceSink, a: Port, b: Port, config: LinkConfig) {
    checkConfig(a, b, config);
    if (a.link !== null || b.link !== null) throw new Error(`link ${linkName(a, b)}: a port can have only one link`);
    // A port's id numbers its slots in the arrays of the network that first linked it, for the
    // port's life: in another network's arrays the same number is another port's.
    checkStore(a, b, a, trace);
    checkStore(a, b, b, trace);
    this.a = a;
    this.b = b;
    this.config = config;
    this.kernel = kernel;
    this.trace = trace;
    this.ab = direction(kernel, config.aToB, a, b);
    this.ba = direction(kernel, config.bToA, b, a);
    a.link = this;
    b.link = this;
    const store = trace.ports;
    this.store = store;
    this.storeEnd(a);
    this.storeEnd(b);
    store.peer[a.id] = b.id;
    store.peer[b.id] = a.id;
    this.stored();
  }

  /** The line rate of each direction, bit/s. */
  get rate(): number {
    return this.config.rate;
  }

  /** The propagation delay of each direction, ns (from the configuration, as the rate). */
  get delay(): number {
    return this.config.delay;
  }

  /** The transmit queue of each direction, bytes (from the configuration, as the rate). */
  get queueBytes(): number {
    return this.config.queueBytes ?? DEFAULT_QUEUE_BYTES;
  }

  /** Numbers `p` in the port store (once) and writes the link's rate, delay and queue there for the direction leaving it. */
  private storeEnd(p: Port): void {
    const store = this.store;
    p.numberIn(store);
    store.busyUntil[p.id] = 0;
    store.outRate[p.id] = this.rate;
    store.outDelay[p.id] = this.delay;
    store.outQueue[p.id] = this.queueBytes;
  }

  /** Writes the link's state (up, epoch, whether each direction is plain) to the port store. */
  private stored(): void {
    const store = this.store;
    store.linkEpoch++;
    this.a.owner.linksChanged?.();
    this.b.owner.linksChanged?.();
    this.released();
    this.storedFrom(this.a, this.ab);
    this.storedFrom(this.b, this.ba);
  }

  /** {@link stored} for the direction `dir` leaving `from`. */
  private storedFrom(from: Port, dir: Direction): void {
    if (from.link !== this) return;
    const store = this.store;
    store.epoch[from.id] = this.epochValue;
    store.outPlain[from.id] = this.isUp && dir.loss === NO_LOSS && dir.congestion.length === 0 ? 1 : 0;
  }

  /** Stable, readable name: `<port a><-><port b>`, e.g. `leaf-1:p3<->hv-2:p1` (written out when asked for). */
  get name(): string {
    return linkName(this.a, this.b);
  }

  /** The flood plans' bulk members (flood-bulk.ts) either port belongs to count no more: its state is about to change. */
  private released(): void {
    if (this.a.link === this) this.store.release(this.a.id);
    if (this.b.link === this) this.store.release(this.b.id);
  }

  get up(): boolean {
    return this.isUp;
  }

  get epoch(): number {
    return this.epochValue;
  }

  /** Brings the link up or down; frames in flight when it goes down are lost. Owners are told. */
  setUp(up: boolean): void {
    if (up === this.isUp) return;
    this.released();
    this.isUp = up;
    this.epochValue++;
    const now = this.kernel.now;
    // A link that comes back starts with empty queues.
    const busy = this.store.busyUntil;
    if (this.a.link === this) busy[this.a.id] = Math.min(busy[this.a.id]!, now);
    if (this.b.link === this) busy[this.b.id] = Math.min(busy[this.b.id]!, now);
    this.stored();
    this.trace.linkState(this, up);
    this.a.owner.linkChanged?.(this.a, up);
    this.b.owner.linkChanged?.(this.b, up);
  }

  /**
   * Takes the link out of the network for good (a VM's virtual NIC unplugged from a vSwitch): it goes
   * down (frames in flight are lost, owners are told) and both ports are free to be linked again.
   */
  detach(): void {
    this.released();
    this.setUp(false);
    if (this.a.link === this) this.store.peer[this.a.id] = -1;
    if (this.b.link === this) this.store.peer[this.b.id] = -1;
    this.a.link = null;
    this.b.link = null;
    this.store.linkEpoch++;
    this.a.owner.linksChanged?.();
    this.b.owner.linksChanged?.();
  }

  /**
   * Replaces the loss model and congestion windows of the direction that leaves `from` (a scenario's
   * impairments, applied after the fabric was built). The loss process draws from the same named
   * stream as one given at construction.
   */
  impair(from: Port, config: DirectionConfig): void {
    const to = from === this.a ? this.b : this.a;
    if (from !== this.a && from !== this.b) throw new Error(`${from.name} is not an end of ${this.name}`);
    const dir = this.own(from === this.a);
    if (config.loss !== undefined) dir.loss = lossProcess(config.loss, this.kernel.rng.stream(`link:${from.name}>${to.name}`));
    if (config.congestion !== undefined) {
      checkConfig(this.a, this.b, { rate: this.rate, delay: this.delay, aToB: { congestion: config.congestion } });
      dir.congestion = config.congestion;
    }
    this.stored();
  }

  /** Serialization time of a frame at `rate` bits per second, ns. */
  serialization(size: number, rate = this.rate): number {
    return serializationTime(size, rate);
  }

  /**
   * Queues `frame` from `from` towards the other end and returns its arrival time there, or -1 if it
   * was dropped (counted on `from`). The caller delivers it (see {@link transmit}, or a batched flood).
   * `grouped`: the caller reports the copy on `frames-sent` with its flood's other copies.
   */
  reserve(from: Port, frame: SimFrame, grouped = false): number {
    if (!this.isUp) return this.refuse(from, frame, 'link-down');
    const dir = from === this.a ? this.ab : this.ba;
    const now = this.kernel.now;
    let rate = this.rate;
    if (dir.congestion.length > 0) {
      const load = dir.loadAt(now);
      if (load >= 1) return this.refuse(from, frame, 'congestion');
      rate *= 1 - load;
    }
    const store = this.store;
    const id = from.id;
    const start = Math.max(now, store.busy(id));
    const backlogBytes = ((start - now) * rate) / 8e9;
    if (backlogBytes + frame.size + WIRE_OVERHEAD > this.queueBytes) return this.refuse(from, frame, 'queue-full');
    if (dir.loss.drop()) return this.refuse(from, frame, 'loss');
    const done = start + this.serialization(frame.size, rate);
    store.occupy(id, done);
    const single = store.single;
    const at = id * RECORD;
    single[at + TX_FRAMES] = single[at + TX_FRAMES]! + 1;
    single[at + TX_BYTES] = single[at + TX_BYTES]! + frame.size;
    this.trace.sent(from, frame, grouped);
    return done + this.delay;
  }

  /** Counts and traces a frame `reserve` dropped; returns -1. */
  private refuse(from: Port, frame: SimFrame, reason: DropReason): number {
    from.counters.drops[reason]++;
    this.trace.dropped(from, frame, reason);
    return -1;
  }

  /**
   * Queues and schedules delivery of one frame; false if it was dropped. A direction's arrivals come
   * in the order they were sent (one FIFO medium, a fixed delay), so each event takes the next frame
   * of the direction's queue of frames in flight, and no closure is made per frame. A frame that would
   * arrive before one already queued (possible only after the link went down and up again, which
   * empties the medium) gets an event of its own.
   */
  transmit(from: Port, frame: SimFrame): boolean {
    const at = this.reserve(from, frame);
    if (at < 0) return false;
    const toB = from === this.a;
    let dir = toB ? this.ab : this.ba;
    const to = toB ? this.b : this.a;
    let site = dir.site;
    if (site === null) {
      dir = this.own(toB);
      site = this.openDirection(dir, to);
    }
    if (dir.count === 0 || at >= dir.lastArrival) {
      dir.lastArrival = at;
      const queued = dir.count - 1;
      if (queued < 0) {
        dir.first = frame;
        dir.firstEpoch = this.epochValue;
      } else {
        if (queued === dir.frames.length) growRing(dir);
        const slot = (dir.head + queued) & (dir.frames.length - 1);
        dir.frames[slot] = frame;
        dir.epochs[slot] = this.epochValue;
      }
      dir.count++;
      site.postAt(at, dir.arrive!);
    } else {
      const epoch = this.epochValue;
      site.postAt(at, () => this.deliver(to, frame, epoch));
    }
    return true;
  }

  /** The direction a → b (`toB`) or b → a, made its own first if it still is {@link PLAIN}. */
  private own(toB: boolean): Direction {
    const dir = toB ? this.ab : this.ba;
    if (dir !== PLAIN) return dir;
    const made = new Direction(NO_LOSS, NO_CONGESTION);
    if (toB) this.ab = made;
    else this.ba = made;
    return made;
  }

  /** Makes `dir`'s arrival event; returns its site. */
  private openDirection(dir: Direction, to: Port): EventSite {
    const site = this.kernel.site(to.owner.name, 'frame-arrival');
    dir.site = site;
    dir.link = this;
    dir.to = to;
    dir.arrive = dir.arriveNext.bind(dir);
    return site;
  }

  /** Hands a frame to the owner of `to`, unless the link changed state since it was sent. */
  deliver(to: Port, frame: SimFrame, epoch: number): void {
    if (epoch !== this.epochValue) {
      to.counters.drops['link-down']++;
      this.trace.dropped(to, frame, 'link-down');
      return;
    }
    const store = this.store;
    const single = store.single;
    const at = to.id * RECORD;
    single[at + RX_FRAMES] = single[at + RX_FRAMES]! + 1;
    single[at + RX_BYTES] = single[at + RX_BYTES]! + frame.size;
    this.trace.received(to, frame);
    to.owner.receive(to, frame);
  }
}
