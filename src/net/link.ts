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
import type { SimFrame } from './frame.js';
import { WIRE_OVERHEAD } from './frame.js';
import type { LossProcess, LossSpec } from './loss.js';
import { NO_LOSS, lossProcess } from './loss.js';
import type { DropReason, Port, PortStore } from './port.js';
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
   * was sent: a ring of `frames.length` (a power of two) slots, `count` of them used from `head`.
   * Made at the first transmit (most links of a big fabric carry floods only, which a batcher delivers).
   */
  frames: (SimFrame | undefined)[] = NO_FRAMES;
  epochs: number[] = NO_EPOCHS;
  head = 0;
  count = 0;
  /** The latest arrival time queued in `frames`. */
  lastArrival = 0;
  /** Where this direction's arrivals are posted, and the one action of every arrival event. */
  site: EventSite | null = null;
  arrive: (() => void) | null = null;

  constructor(loss: LossProcess, congestion: readonly CongestionWindow[]) {
    this.loss = loss;
    this.congestion = congestion;
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

/** Slots of a direction's ring of frames in flight when it is made (doubled when full). */
const RING_START = 8;

/** Doubles a full ring, its frames in arrival order from slot 0. */
function growRing(dir: Direction): void {
  const n = dir.frames.length;
  const frames = new Array<SimFrame | undefined>(2 * n).fill(undefined);
  const epochs = new Array<number>(2 * n).fill(0);
  for (let k = 0; k < n; k++) {
    const from = (dir.head + k) & (n - 1);
    frames[k] = dir.frames[from];
    epochs[k] = dir.epochs[from]!;
  }
  dir.frames = frames;
  dir.epochs = epochs;
  dir.head = 0;
}

function checkConfig(name: string, c: LinkConfig): void {
  if (!(c.rate > 0) || !Number.isFinite(c.rate)) throw new RangeError(`link ${name}: rate must be a positive number of bits per second, got ${c.rate}`);
  if (!Number.isSafeInteger(c.delay) || c.delay < 0) throw new RangeError(`link ${name}: delay must be a non-negative whole number of nanoseconds, got ${c.delay}`);
  if (c.queueBytes !== undefined && (!Number.isSafeInteger(c.queueBytes) || c.queueBytes <= 0)) {
    throw new RangeError(`link ${name}: queue must be a positive number of bytes, got ${c.queueBytes}`);
  }
  for (const d of [c.aToB, c.bToA]) {
    for (const w of d?.congestion ?? []) {
      if (!(w.end > w.start) || !(w.load >= 0)) throw new RangeError(`link ${name}: congestion window needs start < end and load >= 0`);
    }
  }
}

const NO_CONGESTION: readonly CongestionWindow[] = [];

/**
 * The loss process of the direction `from` → `to`. A lossless direction (most links) gets no random
 * stream: none would ever draw from it, and a domain of a million VMs would otherwise build two named
 * streams per link for nothing (a stream's draws depend only on its name, so the others are unchanged).
 */
function directionLoss(kernel: Kernel, spec: LossSpec | undefined, from: Port, to: Port): LossProcess {
  if (spec === undefined || spec.kind === 'none') return NO_LOSS;
  return lossProcess(spec, kernel.rng.stream(`link:${from.name}>${to.name}`));
}

/** See the module comment. */
export class Link {
  readonly name: string;
  readonly a: Port;
  readonly b: Port;
  readonly rate: number;
  readonly delay: number;
  readonly queueBytes: number;
  private readonly kernel: Kernel;
  private readonly trace: TraceSink;
  private readonly ab: Direction;
  private readonly ba: Direction;
  /** The network's per-port state (busy-until times, counters), by `Port.id`. */
  private readonly store: PortStore;
  private isUp = true;
  /** Bumped on every state change; a delivery scheduled under an older epoch is lost. */
  private epochValue = 0;

  constructor(kernel: Kernel, trace: TraceSink, a: Port, b: Port, config: LinkConfig) {
    const name = `${a.name}<->${b.name}`;
    checkConfig(name, config);
    if (a.link !== null || b.link !== null) throw new Error(`link ${name}: a port can have only one link`);
    // A port's id numbers its slots in the arrays of the network that first linked it, for the
    // port's life: in another network's arrays the same number is another port's.
    for (const p of [a, b]) {
      if (p.id >= 0 && p.counters.store !== trace.ports) throw new Error(`link ${name}: port ${p.name} already belongs to another network (its id ${p.id} numbers that network's port arrays); a port is linked within one network only`);
    }
    this.name = name;
    this.a = a;
    this.b = b;
    this.rate = config.rate;
    this.delay = config.delay;
    this.queueBytes = config.queueBytes ?? DEFAULT_QUEUE_BYTES;
    this.kernel = kernel;
    this.trace = trace;
    this.ab = new Direction(directionLoss(kernel, config.aToB?.loss, a, b), config.aToB?.congestion ?? NO_CONGESTION);
    this.ba = new Direction(directionLoss(kernel, config.bToA?.loss, b, a), config.bToA?.congestion ?? NO_CONGESTION);
    a.link = this;
    b.link = this;
    const store = trace.ports;
    this.store = store;
    for (const p of [a, b]) {
      if (p.id < 0) {
        p.id = store.add(p);
        p.counters.store = store;
        p.counters.id = p.id;
      }
      store.busyUntil[p.id] = 0;
      store.outRate[p.id] = this.rate;
      store.outDelay[p.id] = this.delay;
      store.outQueue[p.id] = this.queueBytes;
    }
    store.peer[a.id] = b.id;
    store.peer[b.id] = a.id;
    this.stored();
  }

  /** Writes the link's state (up, epoch, whether each direction is plain) to the port store. */
  private stored(): void {
    const store = this.store;
    store.linkEpoch++;
    for (const from of [this.a, this.b]) {
      if (from.link !== this) continue;
      const dir = from === this.a ? this.ab : this.ba;
      store.epoch[from.id] = this.epochValue;
      store.outPlain[from.id] = this.isUp && dir.loss === NO_LOSS && dir.congestion.length === 0 ? 1 : 0;
    }
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
    this.setUp(false);
    if (this.a.link === this) this.store.peer[this.a.id] = -1;
    if (this.b.link === this) this.store.peer[this.b.id] = -1;
    this.a.link = null;
    this.b.link = null;
    this.store.linkEpoch++;
  }

  /**
   * Replaces the loss model and congestion windows of the direction that leaves `from` (a scenario's
   * impairments, applied after the fabric was built). The loss process draws from the same named
   * stream as one given at construction.
   */
  impair(from: Port, config: DirectionConfig): void {
    const to = from === this.a ? this.b : this.a;
    if (from !== this.a && from !== this.b) throw new Error(`${from.name} is not an end of ${this.name}`);
    const dir = from === this.a ? this.ab : this.ba;
    if (config.loss !== undefined) dir.loss = lossProcess(config.loss, this.kernel.rng.stream(`link:${from.name}>${to.name}`));
    if (config.congestion !== undefined) {
      checkConfig(this.name, { rate: this.rate, delay: this.delay, aToB: { congestion: config.congestion } });
      dir.congestion = config.congestion;
    }
    this.stored();
  }

  /** Serialization time of a frame at `rate` bits per second, ns. */
  serialization(size: number, rate = this.rate): number {
    return Math.ceil(((size + WIRE_OVERHEAD) * 8 * 1e9) / rate);
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
    const start = Math.max(now, store.busyUntil[id]!);
    const backlogBytes = ((start - now) * rate) / 8e9;
    if (backlogBytes + frame.size + WIRE_OVERHEAD > this.queueBytes) return this.refuse(from, frame, 'queue-full');
    if (dir.loss.drop()) return this.refuse(from, frame, 'loss');
    const done = start + this.serialization(frame.size, rate);
    store.busyUntil[id] = done;
    store.txFrames[id] = store.txFrames[id]! + 1;
    store.txBytes[id] = store.txBytes[id]! + frame.size;
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
    const dir = toB ? this.ab : this.ba;
    const to = toB ? this.b : this.a;
    let site = dir.site;
    if (site === null) site = this.openDirection(dir, to);
    if (at >= dir.lastArrival || dir.count === 0) {
      dir.lastArrival = at;
      if (dir.count === dir.frames.length) growRing(dir);
      const slot = (dir.head + dir.count) & (dir.frames.length - 1);
      dir.frames[slot] = frame;
      dir.epochs[slot] = this.epochValue;
      dir.count++;
      site.postAt(at, dir.arrive!);
    } else {
      const epoch = this.epochValue;
      site.postAt(at, () => this.deliver(to, frame, epoch));
    }
    return true;
  }

  /** Makes `dir`'s ring of frames in flight and its arrival event; returns its site. */
  private openDirection(dir: Direction, to: Port): EventSite {
    const site = this.kernel.site(to.owner.name, 'frame-arrival');
    dir.site = site;
    dir.frames = new Array<SimFrame | undefined>(RING_START).fill(undefined);
    dir.epochs = new Array<number>(RING_START).fill(0);
    dir.arrive = () => {
      const head = dir.head;
      const frame = dir.frames[head]!;
      const epoch = dir.epochs[head]!;
      dir.frames[head] = undefined;
      dir.head = (head + 1) & (dir.frames.length - 1);
      dir.count--;
      this.deliver(to, frame, epoch);
    };
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
    store.rxFrames[to.id] = store.rxFrames[to.id]! + 1;
    store.rxBytes[to.id] = store.rxBytes[to.id]! + frame.size;
    this.trace.received(to, frame);
    to.owner.receive(to, frame);
  }
}
