/**
 * The encapsulated frame of the shortest-path fabric, in the manner of TRILL (RFC 6325 §3),
 * and the flow hash that pins a flow to one of several equal-cost paths.
 *
 * No TRILL codec: a {@link FabricFrame} is a {@link SimFrame} whose `eth` is the *inner* frame, as
 * the ingress edge sent it into the fabric, always carrying its VLAN as an 802.1Q tag (the inner
 * VLAN of a TRILL data frame), plus the TRILL header fields (RFC 6325 §3) as plain values. Its `size` adds
 * {@link TRILL_ENCAPSULATION_OVERHEAD} bytes: an outer Ethernet header of 14 bytes (outer destination
 * and source MAC of the hop, EtherType 0x22F3, no outer VLAN tag) and the 6-byte TRILL header with no
 * options. An SPBM (802.1ah) encapsulation would add 22 bytes instead (B-DA, B-SA, B-TAG, I-TAG);
 * the fabric takes the overhead as an option. The outer MAC addresses, rewritten per hop, are not
 * modelled: the delivery already says which port a frame arrived on.
 *
 * Guarantees: frames are immutable; a hop that decrements the hop count makes one new frame object
 * shared by every port it sends on; the frame id is the inner frame's, so a frame can be followed
 * from host to host across the fabric.
 */
import type { EthernetFrame } from '../../wire/index.js';
import type { SimFrame } from '../frame.js';

/** Outer Ethernet header (14, no outer VLAN tag) + TRILL header without options (6), bytes (RFC 6325 §3, §4.1). */
export const TRILL_ENCAPSULATION_OVERHEAD = 20;

/** Largest hop count the 6-bit TRILL field holds (RFC 6325 §3.6). */
export const MAX_HOP_COUNT = 0x3f;

/** The TRILL header of an encapsulated frame, plus the flow hash every hop would compute. */
export interface FabricHeader {
  /** Nickname of the ingress switch (the edge that encapsulated the frame). */
  readonly ingress: number;
  /** Nickname of the egress switch, or for a multi-destination frame the distribution tree's root. */
  readonly egress: number;
  /** TRILL's M bit: broadcast, multicast or unknown unicast, forwarded on the distribution tree. */
  readonly multiDestination: boolean;
  /** Hops left: a transit switch drops a frame received with 0 and decrements it otherwise. */
  readonly hopCount: number;
  /**
   * The ECMP flow hash of the inner frame ({@link flowHash}). Not a header field: every hop of a real
   * fabric computes it from the inner headers, which never change, so it is computed once at ingress.
   */
  readonly flowHash: number;
}

/** A frame inside the fabric: the inner frame as `eth`, `size` including the encapsulation. */
export interface FabricFrame extends SimFrame {
  readonly fabric: FabricHeader;
}

/** True for an encapsulated frame. */
export function isFabricFrame(frame: SimFrame): frame is FabricFrame {
  return (frame as Partial<FabricFrame>).fabric !== undefined;
}

/** Encapsulates `inner` (already tagged with its VLAN) with `header`, adding `overhead` bytes. */
export function encapsulate(inner: SimFrame, header: FabricHeader, overhead: number): FabricFrame {
  return { eth: inner.eth, size: inner.size + overhead, id: inner.id, fabric: header };
}

/** The same frame one hop later: hop count decremented (RFC 6325 §3.6). */
export function nextHop(frame: FabricFrame): FabricFrame {
  const h = frame.fabric;
  return {
    eth: frame.eth,
    size: frame.size,
    id: frame.id,
    fabric: { ingress: h.ingress, egress: h.egress, multiDestination: h.multiDestination, hopCount: h.hopCount - 1, flowHash: h.flowHash },
  };
}

const TWO_32 = 0x1_0000_0000;

function mix(h: number, value: number): number {
  // MurmurHash3's 32-bit block step, then a rotate-multiply-add round.
  let k = Math.imul(value | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
export function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixMac(h: number, mac: number): number {
  return mix(mix(h, mac % TWO_32), Math.floor(mac / TWO_32));
}

function mixString(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
  return h;
}

/**
 * A deterministic 32-bit flow hash of an inner frame: the IP 5-tuple when the frame carries IPv4 or
 * IPv6 (addresses, protocol, and UDP ports when present), otherwise source MAC, destination MAC and
 * EtherType. Frames of one flow hash alike, so they take one path; different flows spread.
 */
export function flowHash(eth: EthernetFrame): number {
  const p = eth.payload;
  let h = 0x2545f491;
  if (p.kind === 'ipv4') {
    h = mix(mix(mix(h, 4), p.source), p.destination);
    h = mix(h, p.protocol);
    if (p.payload.kind === 'udp') h = mix(h, p.payload.sourcePort * 0x10000 + p.payload.destinationPort);
  } else if (p.kind === 'ipv6') {
    h = mixString(mixString(mix(h, 6), p.source), p.destination);
    h = mix(h, p.nextHeader);
    if (p.payload.kind === 'udp') h = mix(h, p.payload.sourcePort * 0x10000 + p.payload.destinationPort);
  } else {
    h = mix(mixMac(mixMac(h, eth.source), eth.destination), eth.etherType);
  }
  return finalMix(h);
}
