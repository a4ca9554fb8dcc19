/**
 * Trace events of the stacks (declared on the kernel's trace bus) and the sink that emits them only
 * when someone listens.
 */
import type { Kernel, TraceBus, TraceChannel } from '../sim/index.js';
import type { MacAddress } from '../wire/index.js';
import type { NeighborState } from './neighbor-cache.js';

/** Address family of a neighbor table or packet. */
export type Family = 'ipv4' | 'ipv6';

/** Why a stack dropped a packet. */
export type PacketDropReason =
  | 'not-for-me'
  | 'resolution-failed'
  | 'queue-overflow'
  | 'hold-down'
  | 'no-route'
  | 'node-down'
  | 'no-listener'
  | 'address-conflict'
  | 'tentative-address';

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /** A neighbor entry changed state or address ('none' = absent). */
    'neighbor-changed': {
      readonly family: Family;
      readonly address: string;
      readonly from: NeighborState | 'none';
      readonly to: NeighborState | 'none';
      readonly lladdr: MacAddress | null;
    };
    /**
     * A stack dropped a packet (the frame, when it was one, and why), one event per drop. While anyone
     * listens to this type, the copies of a flood that hosts drop as not for them are handed over one
     * receiver at a time (see `packets-dropped`).
     */
    'packet-dropped': { readonly reason: PacketDropReason; readonly family: Family | null; readonly payload: Uint8Array | null };
    /**
     * Every drop `packet-dropped` reports, but by group: the same packet (`reason`, `family`,
     * `payload`) dropped at each of `nodes`, in order, at `time` (`node` is the first). A drop alone
     * comes with one node; the copies of a flood that hosts drop as not for them (an unknown-unicast
     * flood's copies for another MAC, a multicast group they are not in) come as one event. For
     * observers that count: a listener must not change the model, and reads `nodes` during the call
     * only (the array is reused). Not given to `onAny` listeners (they get `packet-dropped`).
     */
    'packets-dropped': {
      readonly reason: PacketDropReason;
      readonly family: Family | null;
      readonly payload: Uint8Array | null;
      readonly nodes: readonly string[];
    };
    /** An address conflict was detected (RFC 5227 / RFC 4862 DAD). */
    'address-conflict': { readonly family: Family; readonly address: string; readonly by: MacAddress; readonly phase: 'probing' | 'in-use' };
    /** An address became usable (DAD done) or was given up. */
    'address-state': { readonly family: Family; readonly address: string; readonly state: 'tentative' | 'optimistic' | 'preferred' | 'duplicate' | 'removed' };
  }
}

/** Emits the stack events of one node. */
/** A `packets-dropped` event whose `nodes` are listed only when read (see `StackTrace.droppedBy`). */
class PacketsDropped {
  readonly type = 'packets-dropped';
  readonly time: number;
  readonly node: string;
  readonly reason: PacketDropReason;
  readonly family: Family | null;
  readonly payload: Uint8Array | null;
  private readonly list: () => readonly string[];

  constructor(time: number, node: string, reason: PacketDropReason, family: Family | null, payload: Uint8Array | null, list: () => readonly string[]) {
    this.time = time;
    this.node = node;
    this.reason = reason;
    this.family = family;
    this.payload = payload;
    this.list = list;
  }

  get nodes(): readonly string[] {
    return this.list();
  }
}

export class StackTrace {
  private readonly kernel: Kernel;
  private readonly bus: TraceBus;
  readonly node: string;
  private readonly packetDropped: TraceChannel<'packet-dropped'>; // every flooded copy a host ignores
  private readonly packetsDropped: TraceChannel<'packets-dropped'>;
  /** This node alone, the `nodes` of a drop traced alone (made at the first such drop). */
  private oneNode: readonly string[] | null = null;

  constructor(kernel: Kernel, node: string) {
    this.kernel = kernel;
    this.bus = kernel.trace;
    this.node = node;
    this.packetDropped = this.bus.channel('packet-dropped');
    this.packetsDropped = this.bus.channel('packets-dropped');
  }

  /**
   * Whether someone listens to `packet-dropped` (one event per drop): then the drops of flood copies
   * are traced one at a time, each by its receiver's `receive`.
   */
  get perCopyDrops(): boolean {
    return this.packetDropped.active;
  }

  neighbor(family: Family, address: string, from: NeighborState | 'none', to: NeighborState | 'none', lladdr: MacAddress | null): void {
    if (this.bus.wants('neighbor-changed')) {
      this.bus.emit({ type: 'neighbor-changed', time: this.kernel.now, node: this.node, family, address, from, to, lladdr });
    }
  }

  dropped(reason: PacketDropReason, family: Family | null, payload: Uint8Array | null): void {
    if (this.packetDropped.active) {
      this.packetDropped.emit({ type: 'packet-dropped', time: this.kernel.now, node: this.node, reason, family, payload });
    }
    if (this.packetsDropped.heard) this.droppedAt(this.oneNode ??= [this.node], reason, family, payload);
  }

  /**
   * The same packet dropped at each of `nodes` (at least one; this node first), as one
   * `packets-dropped` event; only while no one listens to `packet-dropped` (see {@link perCopyDrops})
   * when more than one.
   */
  droppedAt(nodes: readonly string[], reason: PacketDropReason, family: Family | null, payload: Uint8Array | null): void {
    // To the type's own listeners only: `onAny` listeners get every drop as `packet-dropped`.
    if (this.packetsDropped.heard) {
      this.packetsDropped.emitOwn({ type: 'packets-dropped', time: this.kernel.now, node: nodes[0]!, reason, family, payload, nodes });
    }
  }

  /**
   * As {@link droppedAt}, with the nodes' list made only when a listener reads the event's `nodes`
   * (`list` makes it; `first` is its first name).
   */
  droppedBy(first: string, list: () => readonly string[], reason: PacketDropReason, family: Family | null, payload: Uint8Array | null): void {
    if (this.packetsDropped.heard) {
      this.packetsDropped.emitOwn(new PacketsDropped(this.kernel.now, first, reason, family, payload, list));
    }
  }

  conflict(family: Family, address: string, by: MacAddress, phase: 'probing' | 'in-use'): void {
    if (this.bus.wants('address-conflict')) {
      this.bus.emit({ type: 'address-conflict', time: this.kernel.now, node: this.node, family, address, by, phase });
    }
  }

  /** Whether someone listens to `address-state` (so that a caller writes an address out only then). */
  get tracesAddressState(): boolean {
    return this.bus.wants('address-state');
  }

  addressState(family: Family, address: string, state: 'tentative' | 'optimistic' | 'preferred' | 'duplicate' | 'removed'): void {
    if (this.bus.wants('address-state')) {
      this.bus.emit({ type: 'address-state', time: this.kernel.now, node: this.node, family, address, state });
    }
  }
}
