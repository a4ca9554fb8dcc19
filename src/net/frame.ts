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
  /** @internal The last {@link pushTag} result for this frame (a cache; frames are immutable). */
  pushed?: SimFrame | undefined;
  /** @internal The {@link popTag} result for this frame (a cache). */
  popped?: SimFrame | undefined;
}

/** Bytes a frame occupies on the medium beyond its size: preamble 8, inter-frame gap 12, FCS 4. */
export const WIRE_OVERHEAD = 24;

/** Nanoseconds a frame of `size` bytes occupies a medium of `rate` bit/s (overhead included, rounded up). */
export function serializationTime(size: number, rate: number): number {
  return Math.ceil(((size + WIRE_OVERHEAD) * 8 * 1e9) / rate);
}

/** Hands out frames with consecutive ids (deterministic: ids follow creation order). */
export class FrameFactory {
  private next = 1;

  /** Wraps a repr as a new frame. */
  make(eth: EthernetFrame): SimFrame {
    return { eth, size: frameLength(eth), id: this.next++, pushed: undefined, popped: undefined };
  }

  /** How many frames were made. */
  get made(): number {
    return this.next - 1;
  }
}

// Tag lists shared by every frame that carries them (lists are never written to): none, and one
// list per tag object for a frame with just that tag (a trunk's tag of an untagged frame).
const NO_TAGS: readonly VlanTag[] = Object.freeze([]);
const SINGLE_TAGS = new WeakMap<VlanTag, readonly VlanTag[]>();

function singleTag(tag: VlanTag): readonly VlanTag[] {
  let tags = SINGLE_TAGS.get(tag);
  if (tags === undefined) SINGLE_TAGS.set(tag, (tags = Object.freeze([tag])));
  return tags;
}

/** The same frame with `tags` as its VLAN tags (an access port strips, a trunk port adds). */
export function withVlanTags(frame: SimFrame, tags: readonly VlanTag[]): SimFrame {
  const eth: EthernetFrame = { ...frame.eth, vlanTags: tags };
  return { eth, size: frameLength(eth), id: frame.id, pushed: undefined, popped: undefined };
}

/**
 * The same frame with `tag` added outside its tags (what a trunk port sends). Remembered on the
 * frame, both ways: a flood that crosses many trunks tags and untags one frame object, not a copy
 * per switch.
 */
export function pushTag(frame: SimFrame, tag: VlanTag): SimFrame {
  const cached = frame.pushed;
  if (cached !== undefined && cached.eth.vlanTags[0] === tag) return cached;
  const tags = frame.eth.vlanTags;
  const tagged = withVlanTags(frame, tags.length === 0 ? singleTag(tag) : [tag, ...tags]);
  tagged.popped = frame;
  frame.pushed = tagged;
  return tagged;
}

/** The same frame without its outer tag (what a switch forwards inside); remembered on the frame. */
export function popTag(frame: SimFrame): SimFrame {
  const cached = frame.popped;
  if (cached !== undefined) return cached;
  // Not linked back: `frame` may be more than a frame (an encapsulated one), which a push must not return.
  const tags = frame.eth.vlanTags;
  const inner = withVlanTags(frame, tags.length === 1 ? NO_TAGS : tags.slice(1));
  frame.popped = inner;
  return inner;
}
