/**
 * Profiles that follow the RFCs to the letter: `rfc826` (the merge-flag rule of RFC 826, no aging,
 * as the RFC leaves aging out of scope) and `rfc4861` (an IPv6 host with the RFC 4861 §10 constants;
 * its IPv4 side follows RFC 826 with RFC 1122 §2.3.2 retransmission).
 */
import { fact } from './fact.js';
import type { ArpReceivePolicy, EchoPolicy, ImplementationProfile, NdReceivePolicy, NeighborTimers } from './profile.js';

const MS = 1e6;
const S = 1e9;

/** RFC 4861 §10 host constants as NUD timers (also used by profiles that take them unchanged). */
export function rfc4861Timers(reachableSource = 'RFC 4861 §10 REACHABLE_TIME'): NeighborTimers {
  return {
    aging: fact('nud', 'RFC 4861 §7.3.2'),
    reachableTime: fact(30 * S, reachableSource),
    randomizeReachableTime: fact(true, 'RFC 4861 §6.3.2: ReachableTime = BaseReachableTime × U[MIN_RANDOM_FACTOR, MAX_RANDOM_FACTOR]'),
    retransTime: fact(1000 * MS, 'RFC 4861 §10 RETRANS_TIMER'),
    delayFirstProbeTime: fact(5 * S, 'RFC 4861 §10 DELAY_FIRST_PROBE_TIME'),
    multicastSolicit: fact(3, 'RFC 4861 §10 MAX_MULTICAST_SOLICIT'),
    unicastSolicit: fact(3, 'RFC 4861 §10 MAX_UNICAST_SOLICIT'),
    multicastResolicit: fact(0, 'RFC 4861 §7.3.3 (RFC 7048 re-probing is an extension)'),
    reachableExpiry: fact('stale', 'RFC 4861 §7.3.3: REACHABLE -> STALE when ReachableTime elapses'),
    usedStamp: fact('every-packet', 'RFC 4861 §7.3.3: any packet sent to a STALE entry counts as use; no other use-based rule'),
    timerWheelHz: fact(0, 'RFC 4861 §10: timers as exact durations'),
    onFailure: fact('delete', 'RFC 4861 §7.3.3: the entry is deleted after MAX_UNICAST_SOLICIT / MAX_MULTICAST_SOLICIT'),
    failureHoldDown: fact(0, 'RFC 4861 §7.2.2: a new packet starts resolution again'),
    refreshBeforeExpiry: fact(0, 'RFC 4861: no refresh of unused entries'),
    queueLength: fact(1, 'RFC 4861 §7.2.2: at least one packet queued per neighbor'),
    gcStaleTime: fact(Infinity, 'RFC 4861 §7.3.1: STALE entries are kept until used or garbage-collected'),
  };
}

/** RFC 826 receive rules. */
export const RFC826_ARP: ArpReceivePolicy = {
  createOnRequestForMe: fact(true, 'RFC 826 reception: if tpa is mine and not merged, add the sender'),
  createUnsolicited: fact('never', 'RFC 826: entries are only added when the packet is for me'),
  updateExisting: fact('any', 'RFC 826 reception: the merge flag, any ARP packet from the sender updates its entry'),
  lockTime: fact(0, 'RFC 826: no lock time'),
  gratuitousBypassesLock: fact(true, 'RFC 826: no lock time'),
  gratuitousReplyNeedsMatchingTarget: fact(false, 'RFC 826: the opcode and target fields do not matter for the merge'),
  dropGratuitous: fact(false, 'RFC 826'),
  stateAfterReplyToMe: fact('reachable', 'RFC 826 has no states: an entry is usable until replaced'),
  stateAfterOther: fact('reachable', 'RFC 826 has no states: an entry is usable until replaced'),
};

/** RFC 4861 §7.2 receive rules for a host. */
export const RFC4861_HOST_ND: NdReceivePolicy = {
  createFromUntrackedNa: fact('never', 'RFC 4861 §7.2.5: with no entry, an NA is silently discarded'),
  dropUnsolicitedNa: fact(false, 'RFC 4861 §7.2.5'),
  ignoreNaForFailed: fact(false, 'RFC 4861 has no FAILED state (entries are deleted)'),
};

function noAgingTimers(): NeighborTimers {
  return {
    ...rfc4861Timers(),
    aging: fact('timeout', 'RFC 826 "Related issue": aging is out of the protocol\'s scope'),
    reachableTime: fact(Infinity, 'RFC 826: no timeout'),
    randomizeReachableTime: fact(false, 'RFC 826'),
    multicastSolicit: fact(3, 'RFC 1122 §2.3.2.1: retransmit at most once per second per destination; 3 tries chosen here'),
    onFailure: fact('delete', 'RFC 1122 §2.3.2.1'),
  };
}

/** Echo requests answered, as the RFCs require of every host. */
export const RFC_ECHO: EchoPolicy = {
  ignoreIpv4: fact(false, 'RFC 1122 §3.2.2.6: every host MUST implement an ICMP Echo server'),
  ignoreIpv6: fact(false, 'RFC 4443 §4.1: every node MUST implement an ICMPv6 Echo responder'),
};

/** RFC 826 to the letter (with RFC 1122 request pacing). */
export const RFC826_PROFILE: ImplementationProfile = {
  name: 'rfc826',
  description: 'RFC 826 merge-flag rule, no aging (RFC 1122 pacing of requests)',
  role: 'host',
  arpTimers: noAgingTimers(),
  ndTimers: rfc4861Timers(),
  arp: RFC826_ARP,
  nd: RFC4861_HOST_ND,
  announce: {
    arpNotify: fact(false, 'RFC 826 sends nothing unprompted'),
    ndiscNotify: fact(false, 'RFC 4861 §7.2.6: unsolicited NAs are optional'),
  },
  dad: {
    ipv4ConflictDetection: fact(false, 'RFC 826 predates RFC 5227'),
    ipv6DadTransmits: fact(1, 'RFC 4862 §5.1 DupAddrDetectTransmits default'),
    optimisticDad: fact(false, 'RFC 4429 is optional'),
  },
  dhcp: {
    renewAfterLinkBounce: fact(false, 'RFC 2131 ties no client action to link events (re-checking on link up is RFC 4436 DNAv4, an option)'),
    probeOfferedAddress: fact(true, 'RFC 2131 §4.4.1: the client SHOULD check the offered address, e.g. with ARP'),
  },
  echo: RFC_ECHO,
};

/** An IPv6 host that follows RFC 4861 / RFC 4862 exactly (RFC 826 on the IPv4 side). */
export const RFC4861_PROFILE: ImplementationProfile = {
  ...RFC826_PROFILE,
  name: 'rfc4861',
  description: 'RFC 4861 neighbor discovery and RFC 4862 DAD with the §10 constants (RFC 826 for IPv4)',
  arpTimers: { ...rfc4861Timers(), reachableTime: fact(30 * S, 'RFC 4861 timers applied to ARP (no RFC gives ARP timers)') },
  dad: {
    ipv4ConflictDetection: fact(true, 'RFC 5227 §2.1'),
    ipv6DadTransmits: fact(1, 'RFC 4862 §5.1 DupAddrDetectTransmits default'),
    optimisticDad: fact(false, 'RFC 4429 is optional'),
  },
};
