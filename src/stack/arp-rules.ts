/**
 * What a received ARP packet does to the receiver's table and whether it is answered, decided from
 * the profile (profiles/profile.ts `ArpReceivePolicy`). The procedure is Linux's `arp_process`
 * (net/ipv4/arp.c), which contains RFC 826's merge rule as a special case:
 *
 * 1. Only requests and replies (opcodes 1, 2) are ARP for a host; RARP and others are ignored.
 *    Frames unicast to another MAC never reach the stack; a multicast target IP is ignored.
 * 2. With `dropGratuitous`, gratuitous packets (sender IP = target IP) are ignored.
 * 3. A probe (sender IP 0.0.0.0, RFC 5227) for one of our addresses is answered; it changes no entry.
 * 4. A request for one of our addresses is answered and, with `createOnRequestForMe`, creates or
 *    updates the sender's entry, overriding any lock time (`neigh_event_ns`).
 * 5. Anything else updates an existing entry for the sender (`updateExisting`), or creates one when
 *    `createUnsolicited` allows and the packet is gratuitous or a reply. A different MAC is accepted
 *    only after the lock time, unless the packet is gratuitous (`gratuitousBypassesLock`). The new
 *    state is `stateAfterReplyToMe` for a reply unicast to us, `stateAfterOther` otherwise.
 */
import type { ArpPacket, Ipv4Address, MacAddress } from '../wire/index.js';
import { ARP_OP_REPLY, ARP_OP_REQUEST, MAC_BROADCAST, isMulticastIpv4 } from '../wire/index.js';
import type { NeighborState, NeighborUpdate } from './neighbor-cache.js';
import type { ArpReceivePolicy } from './profiles/index.js';

/** What the receiver knows about itself. */
export interface ArpReceiver {
  readonly mac: MacAddress;
  /** True for the receiver's own (assigned, usable) IPv4 addresses. */
  isMine(ip: Ipv4Address): boolean;
  /** True when `ip` lies in a subnet configured on the receiving interface (arp_accept = 2). */
  inConfiguredSubnet(ip: Ipv4Address): boolean;
}

/** The receiver's current entry for the sender, as far as the rules need it. */
export interface ArpEntryView {
  readonly state: NeighborState;
  readonly lladdr: MacAddress | null;
  /** Last change of state or address. */
  readonly updated: number;
}

/** The decision. */
export interface ArpDecision {
  /** The update to apply to the sender's entry, or null for no change. */
  readonly update: NeighborUpdate | null;
  /** Answer with a reply (the packet asked for one of our addresses). */
  readonly reply: boolean;
  /** Why, in a few words (for traces and tests). */
  readonly reason: string;
}

const NONE = (reason: string, reply = false): ArpDecision => ({ update: null, reply, reason });

/** Whether Linux's `arp_is_garp` would call the packet gratuitous. */
export function isGratuitousArp(policy: ArpReceivePolicy, p: ArpPacket): boolean {
  if (p.senderProtocolAddress !== p.targetProtocolAddress || p.senderProtocolAddress === 0) return false;
  if (isMulticastIpv4(p.senderProtocolAddress) || p.senderProtocolAddress === 0xffff_ffff) return false;
  if (p.operation === ARP_OP_REPLY && policy.gratuitousReplyNeedsMatchingTarget.value) {
    return p.targetHardwareAddress === p.senderHardwareAddress;
  }
  return true;
}

/**
 * Decides what `packet`, received in a frame to `destination`, does at `receiver`, whose entry for
 * the sender is `entry` (undefined if none) at time `now`.
 */
export function decideArp(
  policy: ArpReceivePolicy,
  receiver: ArpReceiver,
  packet: ArpPacket,
  destination: MacAddress,
  entry: ArpEntryView | undefined,
  now: number,
): ArpDecision {
  const op = packet.operation;
  if (op !== ARP_OP_REQUEST && op !== ARP_OP_REPLY) return NONE('not a request or reply (RARP and others are ignored)');
  if (destination !== receiver.mac && destination !== MAC_BROADCAST) return NONE('frame for another host');
  const sip = packet.senderProtocolAddress;
  const tip = packet.targetProtocolAddress;
  if (isMulticastIpv4(tip)) return NONE('multicast target address');
  if (policy.dropGratuitous.value && sip === tip) return NONE('gratuitous ARP dropped (drop_gratuitous_arp)');
  const forMe = receiver.isMine(tip);
  if (sip === 0) return NONE('probe: no cache change (RFC 5227)', op === ARP_OP_REQUEST && forMe);
  const sha = packet.senderHardwareAddress;
  if (op === ARP_OP_REQUEST && forMe) {
    if (!policy.createOnRequestForMe.value) return NONE('request for me: answered, the cache is not touched', true);
    return {
      update: { lladdr: sha, state: 'stale', override: true, weakOverride: false, create: true },
      reply: true,
      reason: 'request for me: sender entry created or updated, overriding the lock time',
    };
  }
  const garp = isGratuitousArp(policy, packet);
  if (policy.updateExisting.value === 'reply-while-resolving') {
    if (op === ARP_OP_REPLY && entry?.state === 'incomplete') {
      return { update: { lladdr: sha, state: 'reachable', override: true, weakOverride: false, create: false }, reply: false, reason: 'reply to a pending resolution' };
    }
    return NONE('only replies to a pending resolution are accepted');
  }
  let create = false;
  if (entry === undefined) {
    const accept = policy.createUnsolicited.value;
    const allowed = accept === 'always' || (accept === 'subnet' && receiver.inConfiguredSubnet(sip));
    if (!allowed || !(garp || op === ARP_OP_REPLY)) return NONE('no entry, and this packet does not create one');
    create = true;
  }
  const lock = policy.lockTime.value;
  const override = create || lock === 0 || now > (entry?.updated ?? 0) + lock || (garp && policy.gratuitousBypassesLock.value);
  const toMe = op === ARP_OP_REPLY && destination === receiver.mac;
  const state = toMe ? policy.stateAfterReplyToMe.value : policy.stateAfterOther.value;
  return {
    update: { lladdr: sha, state, override, weakOverride: false, create },
    reply: false,
    reason: `${garp ? 'gratuitous' : op === ARP_OP_REPLY ? 'reply' : 'request for another host'}${create ? ': entry created' : override ? '' : ' inside the lock time'}`,
  };
}
