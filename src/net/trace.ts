/**
 * The trace events of the Layer-2 layer, declared on the kernel's trace bus, and the small sink that
 * emits them only when someone listens (so an unobserved run pays one check per event).
 */
import type { Kernel, TraceBus, TraceChannel, TraceEvent } from '../sim/index.js';
import { DOUBLE_ZERO } from '../sim/index.js';
import type { MacAddress } from '../wire/index.js';
import { isGroupMac } from '../wire/index.js';
import type { FilterDrop } from './filter.js';
import type { SimFrame } from './frame.js';
import type { Link } from './link.js';
import type { DropReason, Port } from './port.js';
import { PortStore } from './port.js';

/** STP/RSTP port states (RSTP's discarding is `blocking`). */
export type PortState = 'disabled' | 'blocking' | 'listening' | 'learning' | 'forwarding';

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /** A frame left `port` (after queueing and loss were decided), one event per port. */
    'frame-sent': { readonly port: string; readonly frame: SimFrame };
    /**
     * Every frame sent, as `frame-sent` reports it, but by group: `frame` left each of `ports`, in
     * order, at `time`, all of them ports of `node`. A frame sent alone comes with one port; the copies
     * of one frame a flood sends out of several ports come as one event (after the flood's other
     * traces, such as a copy's `frame-dropped`). For observers that count: a listener must not change
     * the model, and reads the event and `ports` during the call only (both are reused). Not given to `onAny`
     * listeners (they get `frame-sent`). The ports are `ports[from]` up to (not including) `ports[to]`:
     * a flood plan's copies come as a range of the plan's own array. Plain events (see
     * `TraceListenOptions.skipsPlain`): a unicast data frame sent alone (see {@link isPlainData}).
     */
    'frames-sent': { readonly frame: SimFrame; readonly ports: readonly Port[]; readonly from: number; readonly to: number };
    /**
     * A frame arrived at `port`, one event per receiving port, before the port's owner handles it.
     * While anyone listens to this type, flood copies are handed over one receiver at a time (no
     * bystander group, see `frames-received`), so a listener here may act on the model.
     */
    'frame-received': { readonly port: string; readonly frame: SimFrame };
    /**
     * Every frame received, as `frame-received` reports it, but by group: `frame` arrived at each of
     * `ports`, in order, at `time` (`node` is the owner of the first). A frame delivered alone comes
     * with one port; the copies of a flood that receivers only drop come as one event. For observers
     * that count (metrics, captures): a listener must not change the model, and reads the event and
     * `ports` during the call only (the event object and the arrays are reused; see `version` for
     * the arrays). `ids` are the ports' `Port.id`s, in the same order (an
     * observer that keeps per-port state in arrays reads them without touching the ports). Not given
     * to `onAny` listeners (they get `frame-received`). The receivers are those at positions `from` up
     * to (not including) `to` of `ports` and `ids`: a flood plan's bystanders come as a range of the
     * plan's own arrays. Plain events (see `TraceListenOptions.skipsPlain`): a unicast data frame
     * received alone (see {@link isPlainData}).
     */
    'frames-received': {
      readonly frame: SimFrame;
      readonly ports: readonly Port[];
      readonly ids: ArrayLike<number>;
      readonly from: number;
      readonly to: number;
      /**
       * -1 when `ports` and `ids` are scratch arrays (reused for other receivers after the call);
       * otherwise a stamp of their contents: every event that carries these same two arrays with the
       * same `version` carries them with the same contents (a flood plan's own arrays, rewritten only
       * when the plan is read again after a link change, with a new version). An observer may then
       * keep a reference to them and read them later, as long as it reads them before an event with
       * the same arrays and another version.
       */
      readonly version: number;
    };
    /**
     * A frame was dropped at `port`; also, with reason `port-blocked`, a flood copy that a port in
     * spanning-tree transition held back (see `LearningSwitch` flood), which no counter counts.
     */
    'frame-dropped': {
      readonly port: string;
      readonly frame: SimFrame;
      readonly reason: DropReason;
      /** For reason `security`: the filter that refused the frame and why (filter.ts); absent otherwise. */
      readonly filter?: FilterDrop;
    };
    /**
     * A switch learned a MAC, or saw it move to another port, from a frame or because a management
     * plane installed it (then `port` may name the fabric edge a remote MAC lives behind).
     */
    'fdb-learned': {
      readonly vlan: number;
      readonly mac: MacAddress;
      readonly port: string;
      readonly previousPort: string | null;
    };
    /**
     * A switch saw a MAC again behind the port it already had it on (a learned entry refreshed, or a
     * management plane installing the same port again): the entry's ageing starts over. For observers
     * that follow one entry's age; emitted only while someone listens.
     */
    'fdb-refreshed': { readonly vlan: number; readonly mac: MacAddress; readonly port: string };
    /** A switch removed entries from its filtering database. */
    'fdb-flushed': { readonly port: string | null; readonly removed: number; readonly cause: string };
    /** A link went up or down. */
    'link-state': { readonly link: string; readonly up: boolean };
    /** A switch port changed spanning-tree state or role. */
    'port-state': { readonly port: string; readonly state: PortState; readonly role: string | null };
  }
}

/**
 * Whether `frame` is a plain data frame for `frames-sent` and `frames-received` listeners that
 * subscribed with `skipsPlain`: to a unicast MAC, carrying IPv4, or IPv6 other than ICMPv6 (no ARP,
 * no neighbor discovery, nothing broadcast or multicast). Such listeners (the ARP and ND message
 * counters, the broadcast load) only count address resolution and group traffic.
 */
export function isPlainData(frame: SimFrame): boolean {
  const eth = frame.eth;
  const p = eth.payload;
  if (p.kind !== 'ipv4' && (p.kind !== 'ipv6' || p.payload.kind === 'icmpv6')) return false;
  return !isGroupMac(eth.destination);
}

/** `T` with its fields writable (the reused event objects). */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a reused event object holds between calls (no frame: the last one is not kept alive). */
const NO_FRAME = null as unknown as SimFrame;

/** Emits the events above on one kernel's bus. */
export class TraceSink {
  private readonly kernel: Kernel;
  private readonly bus: TraceBus;
  // The per-frame types, emitted for every copy of every frame: through their channels.
  private readonly frameSent: TraceChannel<'frame-sent'>;
  private readonly frameReceived: TraceChannel<'frame-received'>;
  private readonly frameDropped: TraceChannel<'frame-dropped'>;
  private readonly framesReceived: TraceChannel<'frames-received'>;
  private readonly framesSent: TraceChannel<'frames-sent'>;
  /** The one-port group of a frame received alone, and its id (reused). */
  private readonly one: Port[] = [];
  private readonly oneId: number[] = [];
  /** The one-port group of a frame sent alone (reused). */
  private readonly oneSent: Port[] = [];
  /**
   * The `frames-sent` and `frames-received` event objects, filled in and handed to the listeners
   * again and again (a listener reads an event during its call only): a flood's groups allocate no
   * event object each. An event is emitted from a listener of neither type (listeners do not act on
   * the model), so one object per type is never in two calls at once.
   */
  private readonly sentEvent: Mutable<TraceEvent<'frames-sent'>>;
  private readonly receivedEvent: Mutable<TraceEvent<'frames-received'>>;
  /** The per-port state of this network's ports, by `Port.id` (numbered by their first link). */
  readonly ports = new PortStore();
  /** Link state changes in this network so far (every `Link.setUp` that changed something). */
  linkChanges = 0;
  // Emitted on most received frames while someone listens: through its channel too.
  private readonly fdbRefreshed: TraceChannel<'fdb-refreshed'>;
  // Asked at every entry a switch learns (each flood teaches every switch it reaches): through its channel too.
  private readonly fdbLearned: TraceChannel<'fdb-learned'>;

  constructor(kernel: Kernel) {
    this.kernel = kernel;
    this.bus = kernel.trace;
    this.frameSent = this.bus.channel('frame-sent');
    this.frameReceived = this.bus.channel('frame-received');
    this.frameDropped = this.bus.channel('frame-dropped');
    this.framesReceived = this.bus.channel('frames-received');
    this.framesSent = this.bus.channel('frames-sent');
    this.fdbRefreshed = this.bus.channel('fdb-refreshed');
    this.fdbLearned = this.bus.channel('fdb-learned');
    this.sentEvent = { type: 'frames-sent', time: DOUBLE_ZERO, node: '', frame: NO_FRAME, ports: this.oneSent, from: 0, to: 0 };
    this.receivedEvent = { type: 'frames-received', time: DOUBLE_ZERO, node: '', frame: NO_FRAME, ports: this.one, ids: this.oneId, from: 0, to: 0, version: -1 };
  }

  /** Hands `frames-sent` for `frame` out of `ports[from]` … `ports[to - 1]` to its own listeners. */
  private emitSent(node: string, frame: SimFrame, ports: readonly Port[], from: number, to: number, plain = false): void {
    const e = this.sentEvent;
    e.time = this.kernel.now;
    e.node = node;
    e.frame = frame;
    e.ports = ports;
    e.from = from;
    e.to = to;
    if (plain) this.framesSent.emitOwnPlain(e);
    else this.framesSent.emitOwn(e);
    e.frame = NO_FRAME;
  }

  /** Hands `frames-received` to its own listeners (see {@link emitSent}). */
  private emitReceived(node: string, frame: SimFrame, ports: readonly Port[], ids: ArrayLike<number>, from: number, to: number, version: number, plain = false): void {
    const e = this.receivedEvent;
    e.time = this.kernel.now;
    e.node = node;
    e.frame = frame;
    e.ports = ports;
    e.ids = ids;
    e.from = from;
    e.to = to;
    e.version = version;
    if (plain) this.framesReceived.emitOwnPlain(e);
    else this.framesReceived.emitOwn(e);
    e.frame = NO_FRAME;
  }

  /** Whether anyone listens to dropped frames (check before looking for drops to trace). */
  get tracesDrops(): boolean {
    return this.frameDropped.active;
  }

  /** Whether someone listens to `frame-sent` (one event per copy sent). */
  get tracesSends(): boolean {
    return this.frameSent.active;
  }

  /**
   * Whether someone listens to `frame-received` (one event per receiver): then flood copies are
   * delivered one at a time, each through its owner's `receive`.
   */
  get perReceiver(): boolean {
    return this.frameReceived.active;
  }

  /** `frame` left `port`; `grouped`: its `frames-sent` comes with its flood's group (see {@link sentGroup}). */
  sent(port: Port, frame: SimFrame, grouped: boolean): void {
    if (this.frameSent.active) {
      this.frameSent.emit({ type: 'frame-sent', time: this.kernel.now, node: port.owner.name, port: port.name, frame });
    }
    if (!grouped && this.framesSent.heard) {
      if (isPlainData(frame)) {
        if (!this.framesSent.heardPlain) return;
        const one = this.oneSent;
        one[0] = port;
        this.emitSent(port.owner.name, frame, one, 0, 1, true);
        return;
      }
      const one = this.oneSent;
      one[0] = port;
      this.emitSent(port.owner.name, frame, one, 0, 1);
    }
  }

  /** Copies of `frame` that left `ports` (at least one, all of one node) in a flood, as one `frames-sent`. */
  sentGroup(ports: readonly Port[], frame: SimFrame): void {
    this.sentRange(ports, 0, ports.length, frame);
  }

  /** Copies of `frame` that left `ports[from]` … `ports[to - 1]` (at least one, all of one node) in a flood. */
  sentRange(ports: readonly Port[], from: number, to: number, frame: SimFrame): void {
    if (this.framesSent.heard) {
      this.emitSent(ports[from]!.owner.name, frame, ports, from, to);
    }
  }

  received(port: Port, frame: SimFrame): void {
    if (this.frameReceived.active) {
      this.frameReceived.emit({ type: 'frame-received', time: this.kernel.now, node: port.owner.name, port: port.name, frame });
    }
    if (this.framesReceived.heard) {
      const plain = isPlainData(frame);
      if (plain && !this.framesReceived.heardPlain) return;
      const one = this.one;
      one[0] = port;
      const oneId = this.oneId;
      oneId[0] = port.id;
      this.emitReceived(port.owner.name, frame, one, oneId, 0, 1, -1, plain);
    }
  }

  /**
   * Flood copies of `frame` received at `ports` (at least one; `ids`: their ids) by owners that only drop them; only
   * while no one listens to `frame-received` (see {@link perReceiver}).
   */
  receivedGroup(ports: readonly Port[], ids: readonly number[], frame: SimFrame): void {
    this.receivedRange(ports, ids, 0, ports.length, frame, -1);
  }

  /**
   * As {@link receivedGroup}, for the receivers at positions `from` … `to - 1` of `ports` and `ids`;
   * `version`: the arrays' contents stamp (see `frames-received`), -1 for scratch arrays.
   */
  receivedRange(ports: readonly Port[], ids: ArrayLike<number>, from: number, to: number, frame: SimFrame, version: number): void {
    if (this.framesReceived.heard) {
      this.emitReceived(ports[from]!.owner.name, frame, ports, ids, from, to, version);
    }
  }

  dropped(port: Port, frame: SimFrame, reason: DropReason): void {
    if (this.frameDropped.active) {
      this.frameDropped.emit({ type: 'frame-dropped', time: this.kernel.now, node: port.owner.name, port: port.name, frame, reason });
    }
  }

  /** A frame a switch's filter refused (reason `security`, with the filter's words). */
  filtered(port: Port, frame: SimFrame, why: FilterDrop): void {
    if (this.frameDropped.active) {
      this.frameDropped.emit({ type: 'frame-dropped', time: this.kernel.now, node: port.owner.name, port: port.name, frame, reason: 'security', filter: why });
    }
  }

  learned(node: string, vlan: number, mac: MacAddress, port: Port, previous: Port | null): void {
    if (this.fdbLearned.active) {
      this.fdbLearned.emit({ type: 'fdb-learned', time: this.kernel.now, node, vlan, mac, port: port.name, previousPort: previous?.name ?? null });
    }
  }

  /** `learned` with the ports by name (an entry a management plane installed; see `LearningSwitch.install`). */
  learnedAt(node: string, vlan: number, mac: MacAddress, port: string, previous: string | null): void {
    if (this.bus.wants('fdb-learned')) {
      this.bus.emit({ type: 'fdb-learned', time: this.kernel.now, node, vlan, mac, port, previousPort: previous });
    }
  }

  /** An entry refreshed on the port it had; `port` is a port name or a fabric edge's name. */
  refreshed(node: string, vlan: number, mac: MacAddress, port: string | null): void {
    if (this.fdbRefreshed.active) {
      this.fdbRefreshed.emit({ type: 'fdb-refreshed', time: this.kernel.now, node, vlan, mac, port: port ?? '' });
    }
  }

  flushed(node: string, port: Port | null, removed: number, cause: string): void {
    if (this.bus.wants('fdb-flushed')) {
      this.bus.emit({ type: 'fdb-flushed', time: this.kernel.now, node, port: port?.name ?? null, removed, cause });
    }
  }

  linkState(link: Link, up: boolean): void {
    this.linkChanges++;
    if (this.bus.wants('link-state')) {
      this.bus.emit({ type: 'link-state', time: this.kernel.now, node: link.a.owner.name, link: link.name, up });
    }
  }

  portState(port: Port, state: PortState, role: string | null): void {
    if (this.bus.wants('port-state')) {
      this.bus.emit({ type: 'port-state', time: this.kernel.now, node: port.owner.name, port: port.name, state, role });
    }
  }
}
