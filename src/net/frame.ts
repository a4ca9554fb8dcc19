/**
 * A frame in flight in the simulator: the wire repr (immutable; encodes with src/wire), its size on
 * the wire, and an id that follows it through switches (a re-tagged copy keeps the id). One flooded
 * frame is one object shared by all its receivers; what differs per receiver travels in the delivery.
 */
import type { EthernetFrame, VlanTag } from '../wire/index.js';
import { frameLength } from '../wire/index.js';

/** A frame in the simulation. */
export interface SimFrame {
  readonly eth: EthernetFrame;
  /** Bytes without preamble, inter-frame gap and FCS (what a capture holds). */
  readonly size: number;
  /** Unique within one network; kept by VLAN tag push/pop. */
  readonly id: number;
}

/** Bytes a frame occupies on the medium beyond its size: preamble 8, inter-frame gap 12, FCS 4. */
export const WIRE_OVERHEAD = 24;

/** Hands out frames with consecutive ids (deterministic: ids follow creation order). */
export class FrameFactory {
  private next = 1;

  /** Wraps a repr as a new frame. */
  make(eth: EthernetFrame): SimFrame {
    return { eth, size: frameLength(eth), id: this.next++ };
  }

  /** How many frames were made. */
  get made(): number {
    return this.next - 1;
  }
}

/** The same frame with `tags` as its VLAN tags (an access port strips, a trunk port adds). */
export function withVlanTags(frame: SimFrame, tags: readonly VlanTag[]): SimFrame {
  const eth: EthernetFrame = { ...frame.eth, vlanTags: tags };
  return { eth, size: frameLength(eth), id: frame.id };
}
