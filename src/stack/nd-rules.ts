/**
 * What a received Neighbor Discovery message does to the receiver's table and whether it is
 * answered: RFC 4861 §7.2.3 (NS), §7.2.5 (NA, as updated by RFC 9131 §6.1.1 for routers), §6.2.6 (RS),
 * §6.3.4 (RA), §8.3 (Redirect), with the policy knobs of the profile (profiles/profile.ts
 * `NdReceivePolicy`: Linux accept_untracked_na, drop_unsolicited_na, FAILED entries).
 *
 * Validation that belongs to the receiver (RFC 4861 §7.1: hop limit 255, code 0, no SLLAO from `::`,
 * target not multicast, S = 0 to a multicast destination) is checked first; a message that fails it
 * is ignored. DAD interactions (an NS from `::` or an NA for one of our tentative addresses) are
 * reported for dad.ts to act on.
 */
import type { Icmpv6Message, Ipv6Address, Ipv6Packet, MacAddress } from '../wire/index.js';
import { IPV6_UNSPECIFIED, isMulticastIpv6, ndLinkLayerAddress } from '../wire/index.js';
import type { NeighborState, NeighborUpdate } from './neighbor-cache.js';
import type { NdReceivePolicy } from './profiles/index.js';

/** What the receiver knows about itself. */
export interface NdReceiver {
  readonly role: 'host' | 'router';
  /** One of our addresses, usable (not tentative). */
  isMine(address: Ipv6Address): boolean;
  /** One of our addresses still undergoing DAD. */
  isTentative(address: Ipv6Address): boolean;
  /** In a prefix configured on the receiving interface (accept_untracked_na = 2). */
  inConfiguredPrefix(address: Ipv6Address): boolean;
}

/** The answer to send, when the message asks for one. */
export interface NdReply {
  readonly kind: 'na';
  readonly target: Ipv6Address;
  /** Destination of the NA: the solicitor, or all-nodes for a DAD probe. */
  readonly destination: Ipv6Address;
  readonly solicited: boolean;
  readonly override: boolean;
  /** Include the TLLAO (MUST for a multicast NS; Linux omits it for a unicast NS). */
  readonly includeTargetLinkLayer: boolean;
}

/** The decision. */
export interface NdDecision {
  /** The entry to update (the sender's, or the NA's target), or null. */
  readonly entryFor: Ipv6Address | null;
  readonly update: NeighborUpdate | null;
  readonly reply: NdReply | null;
  /** Someone else uses (or probes for) one of our tentative addresses: DAD failed. */
  readonly dadConflict: Ipv6Address | null;
  readonly reason: string;
}

const IGNORE = (reason: string): NdDecision => ({ entryFor: null, update: null, reply: null, dadConflict: null, reason });

/** The receiver's current entry for the address concerned. */
export interface NdEntryView {
  readonly state: NeighborState;
  readonly lladdr: MacAddress | null;
}

/**
 * Decides what `message` (inside `packet`) does at `receiver`; `entryOf` returns the receiver's entry
 * for an address, if any.
 */
export function decideNd(
  policy: NdReceivePolicy,
  receiver: NdReceiver,
  packet: Ipv6Packet,
  message: Icmpv6Message,
  entryOf: (address: Ipv6Address) => NdEntryView | undefined,
): NdDecision {
  if (message.type === 'other') return IGNORE('not a neighbor discovery message');
  // RFC 4861 §7.1: hop limit 255 and code 0, or silently discard.
  if (packet.hopLimit !== 255) return IGNORE('hop limit is not 255');
  if (message.code !== 0) return IGNORE('code is not 0');
  const src = packet.source;
  switch (message.type) {
    case 'ns': {
      const target = message.targetAddress;
      if (isMulticastIpv6(target)) return IGNORE('multicast target');
      const sllao = ndLinkLayerAddress(message.options, 'source-link-layer');
      if (src === IPV6_UNSPECIFIED) {
        if (sllao !== undefined) return IGNORE('NS from :: with a source link-layer option (RFC 4861 §7.1.1)');
        if (receiver.isTentative(target)) return { ...IGNORE('another node probes our tentative address'), dadConflict: target };
        if (!receiver.isMine(target)) return IGNORE('DAD probe for an address that is not ours');
        return {
          entryFor: null, update: null, dadConflict: null, reason: 'DAD probe for our address: defended to all-nodes',
          reply: { kind: 'na', target, destination: 'ff02::1' as Ipv6Address, solicited: false, override: true, includeTargetLinkLayer: true },
        };
      }
      if (receiver.isTentative(target)) return IGNORE('resolution of a tentative address is ignored (RFC 4862 §5.4.3)');
      if (!receiver.isMine(target)) return IGNORE('NS for an address that is not ours');
      const multicast = isMulticastIpv6(packet.destination);
      const update: NeighborUpdate | null = sllao === undefined ? null : { lladdr: sllao, state: 'stale', override: true, weakOverride: true, create: true };
      return {
        entryFor: update === null ? null : src, update, dadConflict: null,
        reason: update === null ? 'NS without SLLAO: answered, no cache change' : 'NS with SLLAO: sender entry STALE, answered',
        // Linux ndisc_recv_ns: O and the TLLAO only when the NS came to a multicast address.
        reply: { kind: 'na', target, destination: src, solicited: true, override: multicast, includeTargetLinkLayer: multicast },
      };
    }
    case 'na': {
      const target = message.targetAddress;
      if (isMulticastIpv6(target)) return IGNORE('multicast target');
      if (isMulticastIpv6(packet.destination) && message.solicitedFlag) return IGNORE('solicited NA to a multicast address (RFC 4861 §7.1.2)');
      if (receiver.isTentative(target)) return { ...IGNORE('an NA for our tentative address'), dadConflict: target };
      if (policy.dropUnsolicitedNa.value && !message.solicitedFlag) return IGNORE('unsolicited NA dropped (drop_unsolicited_na)');
      const tllao = ndLinkLayerAddress(message.options, 'target-link-layer') ?? null;
      const entry = entryOf(target);
      if (entry === undefined) {
        const accept = receiver.role === 'router' ? policy.createFromUntrackedNa.value : 'never';
        const allowed = accept === 'always' || (accept === 'subnet' && receiver.inConfiguredPrefix(src));
        if (!allowed || tllao === null) return IGNORE('NA for an address without an entry');
        return {
          entryFor: target, reply: null, dadConflict: null, reason: 'untracked NA creates a STALE entry (RFC 9131)',
          update: { lladdr: tllao, state: 'stale', override: true, weakOverride: false, create: true, isRouter: message.routerFlag },
        };
      }
      if (entry.state === 'failed' && policy.ignoreNaForFailed.value) return IGNORE('NA for a FAILED entry is ignored');
      if (entry.state === 'incomplete' && tllao === null) return IGNORE('NA without TLLAO for an INCOMPLETE entry');
      return {
        entryFor: target, reply: null, dadConflict: null,
        reason: `NA S=${message.solicitedFlag ? 1 : 0} O=${message.overrideFlag ? 1 : 0}${tllao === null ? ' without TLLAO' : ''}`,
        update: {
          lladdr: tllao,
          state: message.solicitedFlag ? 'reachable' : 'stale',
          override: message.overrideFlag,
          weakOverride: true,
          create: false,
          isRouter: message.routerFlag,
        },
      };
    }
    case 'rs':
    case 'ra':
    case 'redirect': {
      if (message.type === 'rs' && receiver.role !== 'router') return IGNORE('hosts ignore router solicitations');
      if (message.type !== 'rs' && receiver.role === 'router') return IGNORE('routers do not process RAs or redirects here');
      const option = message.type === 'redirect' ? 'target-link-layer' : 'source-link-layer';
      const lladdr = ndLinkLayerAddress(message.options, option);
      if (lladdr === undefined || src === IPV6_UNSPECIFIED) return IGNORE(`${message.type.toUpperCase()} without a link-layer option`);
      const about = message.type === 'redirect' ? message.targetAddress : src;
      const update: NeighborUpdate = message.type === 'ra'
        ? { lladdr, state: 'stale', override: true, weakOverride: false, create: true, isRouter: true }
        : { lladdr, state: 'stale', override: true, weakOverride: false, create: true };
      return { entryFor: about, update, reply: null, dadConflict: null, reason: `${message.type.toUpperCase()} with a link-layer option: entry STALE` };
    }
  }
}
