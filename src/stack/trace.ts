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
    /** A stack dropped a packet (the frame, when it was one, and why). */
    'packet-dropped': { readonly reason: PacketDropReason; readonly family: Family | null; readonly payload: Uint8Array | null };
    /** An address conflict was detected (RFC 5227 / RFC 4862 DAD). */
    'address-conflict': { readonly family: Family; readonly address: string; readonly by: MacAddress; readonly phase: 'probing' | 'in-use' };
    /** An address became usable (DAD done) or was given up. */
    'address-state': { readonly family: Family; readonly address: string; readonly state: 'tentative' | 'optimistic' | 'preferred' | 'duplicate' | 'removed' };
  }
}

/** Emits the stack events of one node. */
export class StackTrace {
  private readonly kernel: Kernel;
  private readonly bus: TraceBus;
  readonly node: string;
  private readonly packetDropped: TraceChannel<'packet-dropped'>; // every flooded copy a host ignores

  constructor(kernel: Kernel, node: string) {
    this.kernel = kernel;
    this.bus = kernel.trace;
    this.node = node;
    this.packetDropped = this.bus.channel('packet-dropped');
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
  }

  conflict(family: Family, address: string, by: MacAddress, phase: 'probing' | 'in-use'): void {
    if (this.bus.wants('address-conflict')) {
      this.bus.emit({ type: 'address-conflict', time: this.kernel.now, node: this.node, family, address, by, phase });
    }
  }

  addressState(family: Family, address: string, state: 'tentative' | 'optimistic' | 'preferred' | 'duplicate' | 'removed'): void {
    if (this.bus.wants('address-state')) {
      this.bus.emit({ type: 'address-state', time: this.kernel.now, node: this.node, family, address, state });
    }
  }
}
