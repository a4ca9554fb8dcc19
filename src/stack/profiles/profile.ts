/**
 * Implementation profiles: how a stack keeps its neighbor tables, as data. One profile describes an
 * operating system or router family with its defaults; a scenario may override any single value per
 * node. Every value is a {@link Fact} with its source. The engines that use these values are
 * neighbor-cache.ts (timers, state machine), arp-rules.ts and nd-rules.ts (what a received message does).
 */
import type { Fact } from './fact.js';

/**
 * How entries age:
 * - `nud`: the RFC 4861 §7.3 reachability state machine (Linux for ARP and ND, Windows since Vista,
 *   RFC 4861 hosts): REACHABLE for a randomized reachable time, then STALE (or, in Linux, DELAY if the
 *   entry was used recently), DELAY, unicast PROBEs, then FAILED or deleted.
 * - `timeout`: an entry is valid for a fixed lifetime and then re-resolved (routers' ARP timeout,
 *   FreeBSD `max_age`, ns-3's alive timeout); `Infinity` for RFC 826, which leaves aging out of scope.
 */
export type AgingModel = 'nud' | 'timeout';

/** Timers and counters of one neighbor table. Times in nanoseconds. */
export interface NeighborTimers {
  readonly aging: Fact<AgingModel>;
  /** `nud`: base reachable time (randomized by U[0.5, 1.5) when `randomizeReachableTime`); `timeout`: the lifetime. */
  readonly reachableTime: Fact<number>;
  readonly randomizeReachableTime: Fact<boolean>;
  /** Gap between solicitations (RFC 4861 RetransTimer; Linux retrans_time_ms). */
  readonly retransTime: Fact<number>;
  /** DELAY before the first unicast probe (RFC 4861 DELAY_FIRST_PROBE_TIME; Linux delay_first_probe_time). */
  readonly delayFirstProbeTime: Fact<number>;
  /** Broadcast/multicast solicitations while INCOMPLETE (Linux mcast_solicit). */
  readonly multicastSolicit: Fact<number>;
  /** Unicast probes in PROBE (Linux ucast_solicit). */
  readonly unicastSolicit: Fact<number>;
  /** Multicast re-probes after the unicast ones (Linux mcast_resolicit; RFC 7048). */
  readonly multicastResolicit: Fact<number>;
  /** When REACHABLE runs out: always STALE (RFC 4861), or DELAY if used within delayFirstProbeTime (Linux). */
  readonly reachableExpiry: Fact<'stale' | 'delay-if-used'>;
  /**
   * Which packets count as use of an entry (the `used` time that `delay-if-used` expiry reads):
   * every packet sent through it, or only those sent on the slow output path (Linux: a REACHABLE
   * entry whose header is cached is sent by `neigh_hh_output`, which does not touch `used`).
   */
  readonly usedStamp: Fact<'every-packet' | 'slow-path'>;
  /**
   * Timer lateness: 0 for timers that fire when due; otherwise the kernel's HZ, and timers fire as
   * Linux's hierarchical timer wheel fires them (kernel/time/timer.c: an expiry is moved up to the next
   * boundary of its level's granularity, 8^level jiffies, the level chosen by how far ahead it is).
   */
  readonly timerWheelHz: Fact<number>;
  /** After failed resolution: keep a FAILED entry (Linux) or delete it (RFC 4861 §7.3.3). */
  readonly onFailure: Fact<'failed' | 'delete'>;
  /** `timeout` model: after failed resolution, how long new packets are dropped without retrying (FreeBSD arpt_down). */
  readonly failureHoldDown: Fact<number>;
  /** `timeout` model: re-resolve a used entry this long before it expires (FreeBSD); 0 = never. */
  readonly refreshBeforeExpiry: Fact<number>;
  /** Packets queued per unresolved neighbor (Linux unres_qlen; RFC 4861 asks for at least 1). */
  readonly queueLength: Fact<number>;
  /** Linux gc_stale_time: an unused STALE entry may be collected after this (only above gc_thresh1). */
  readonly gcStaleTime: Fact<number>;
}

/** What received ARP packets do to the table (see arp-rules.ts for the procedure). */
export interface ArpReceivePolicy {
  /** A request for one of our addresses creates the sender's entry (RFC 826: yes; ns-3: no). */
  readonly createOnRequestForMe: Fact<boolean>;
  /** A gratuitous ARP or an unsolicited reply creates an entry (Linux arp_accept 0 / 1 / 2 = only if the sender is in a configured subnet). */
  readonly createUnsolicited: Fact<'never' | 'always' | 'subnet'>;
  /** Which packets may update an existing entry: any ARP from the sender (RFC 826), or only replies while resolving (ns-3). */
  readonly updateExisting: Fact<'any' | 'reply-while-resolving'>;
  /** A different MAC is ignored this long after the entry last changed (Linux locktime). */
  readonly lockTime: Fact<number>;
  /** Gratuitous ARPs bypass the lock time (Linux 4.12+). */
  readonly gratuitousBypassesLock: Fact<boolean>;
  /** A reply is gratuitous only when its target MAC equals its sender MAC (Linux `arp_is_garp`). */
  readonly gratuitousReplyNeedsMatchingTarget: Fact<boolean>;
  /** Drop every gratuitous ARP (Linux drop_gratuitous_arp). */
  readonly dropGratuitous: Fact<boolean>;
  /** Entry state after a reply addressed to this host / after any other accepted packet. */
  readonly stateAfterReplyToMe: Fact<'reachable' | 'stale'>;
  readonly stateAfterOther: Fact<'reachable' | 'stale'>;
}

/** What received ND messages do to the table (see nd-rules.ts; RFC 4861 §7.2.3-§7.2.5 fixed parts are not listed). */
export interface NdReceivePolicy {
  /** An NA for which no entry exists creates one: hosts never (RFC 4861); routers per RFC 9131 / Linux accept_untracked_na. */
  readonly createFromUntrackedNa: Fact<'never' | 'always' | 'subnet'>;
  /** Ignore NAs that are not answers (S = 0) (Linux drop_unsolicited_na). */
  readonly dropUnsolicitedNa: Fact<boolean>;
  /** An NA for an entry in FAILED state is ignored (Linux ndisc_recv_na). */
  readonly ignoreNaForFailed: Fact<boolean>;
}

/** What the node sends by itself. */
export interface AnnouncePolicy {
  /** One GARP per IPv4 address on link up / MAC change (Linux arp_notify). */
  readonly arpNotify: Fact<boolean>;
  /** One unsolicited NA per IPv6 address on link up / MAC change, after DAD (Linux ndisc_notify). */
  readonly ndiscNotify: Fact<boolean>;
}

/** Duplicate address detection settings. */
export interface DadPolicy {
  /** IPv4 conflict detection (RFC 5227) when an address is configured. */
  readonly ipv4ConflictDetection: Fact<boolean>;
  /** IPv6 DupAddrDetectTransmits (RFC 4862 §5.1; Linux dad_transmits). */
  readonly ipv6DadTransmits: Fact<number>;
  /** RFC 4429 optimistic DAD (Linux optimistic_dad). */
  readonly optimisticDad: Fact<boolean>;
}

/** Whether the node answers ICMP echo requests (ping) addressed to it. */
export interface EchoPolicy {
  /** Ignore ICMPv4 echo requests (Linux net.ipv4.icmp_echo_ignore_all). */
  readonly ignoreIpv4: Fact<boolean>;
  /** Ignore ICMPv6 echo requests (Linux net.ipv6.icmp.echo_ignore_all). */
  readonly ignoreIpv6: Fact<boolean>;
}

/** What the node's DHCPv4 client does (dhcp-client.ts), when it takes its address from DHCP. */
export interface DhcpClientPolicy {
  /**
   * After the link goes down and comes back (a carrier bounce, e.g. Hyper-V's 2 s network-change
   * drop), the client confirms its lease at once (INIT-REBOOT: a broadcast DHCPREQUEST for its
   * address) instead of waiting for T1.
   */
  readonly renewAfterLinkBounce: Fact<boolean>;
  /** Before using an offered address the client checks it with ARP probes and DECLINEs it on a conflict (RFC 2131 §4.4.1). */
  readonly probeOfferedAddress: Fact<boolean>;
}

/** A whole implementation profile. */
export interface ImplementationProfile {
  readonly name: string;
  readonly description: string;
  readonly role: 'host' | 'router';
  readonly arpTimers: NeighborTimers;
  readonly ndTimers: NeighborTimers;
  readonly arp: ArpReceivePolicy;
  readonly nd: NdReceivePolicy;
  readonly announce: AnnouncePolicy;
  readonly dad: DadPolicy;
  readonly dhcp: DhcpClientPolicy;
  readonly echo: EchoPolicy;
}
