/**
 * Linux (net/core/neighbour.c, net/ipv4/arp.c, net/ipv6/ndisc.c; defaults from
 * Documentation/networking/ip-sysctl.rst), with every neighbor sysctl that changes behaviour settable
 * in the sysctl's own units. Checked against the running kernel by `arpshift probe` (the tables of a
 * 6.18 kernel are in kernel-tables/ and the README), cell by cell and timer by timer.
 */
import type { Fact } from './fact.js';
import { fact, unverified } from './fact.js';
import type { ImplementationProfile, NeighborTimers } from './profile.js';

const MS = 1e6;
const S = 1e9;
const NEIGH = 'Linux net/core/neighbour.c';
const SYSCTL = 'Linux Documentation/networking/ip-sysctl.rst';
const ARP = 'Linux net/ipv4/arp.c arp_process';
const NDISC = 'Linux net/ipv6/ndisc.c';

/** CONFIG_HZ: the kernel's timer tick (kernel/Kconfig.hz default 250; the measured 6.18 kernel has 250). */
export const LINUX_HZ = 250;

/** The sysctls that change neighbor behaviour, in their own units (as `sysctl -w` takes them). */
export interface LinuxSysctls {
  /** net.ipv4.conf.*.arp_accept: 0, 1 or 2. */
  readonly arp_accept: 0 | 1 | 2;
  /** net.ipv4.neigh.*.locktime, in 1/100 s (100 = 1 s). */
  readonly locktime: number;
  /** net.*.neigh.*.base_reachable_time_ms. */
  readonly base_reachable_time_ms: number;
  /** net.*.neigh.*.retrans_time_ms. */
  readonly retrans_time_ms: number;
  /** net.*.neigh.*.gc_stale_time, seconds. */
  readonly gc_stale_time: number;
  /** net.*.neigh.*.delay_first_probe_time, seconds. */
  readonly delay_first_probe_time: number;
  readonly ucast_solicit: number;
  readonly mcast_solicit: number;
  readonly app_solicit: number;
  readonly mcast_resolicit: number;
  /** net.*.neigh.*.unres_qlen, packets. */
  readonly unres_qlen: number;
  /** net.ipv4.conf.*.drop_gratuitous_arp. */
  readonly drop_gratuitous_arp: 0 | 1;
  /** net.ipv4.conf.*.arp_notify. */
  readonly arp_notify: 0 | 1;
  /** net.ipv6.conf.*.ndisc_notify. */
  readonly ndisc_notify: 0 | 1;
  /** net.ipv6.conf.*.accept_untracked_na: 0, 1 or 2 (routers only). */
  readonly accept_untracked_na: 0 | 1 | 2;
  /** net.ipv6.conf.*.drop_unsolicited_na. */
  readonly drop_unsolicited_na: 0 | 1;
  /** net.ipv6.conf.*.dad_transmits. */
  readonly dad_transmits: number;
  /** net.ipv6.conf.*.optimistic_dad. */
  readonly optimistic_dad: 0 | 1;
  /** net.ipv4.ip_forward / net.ipv6.conf.*.forwarding: 1 makes the node a router. */
  readonly forwarding: 0 | 1;
  /** net.ipv4.icmp_echo_ignore_all: 1 answers no ICMP echo request. */
  readonly icmp_echo_ignore_all: 0 | 1;
  /** net.ipv6.icmp.echo_ignore_all: 1 answers no ICMPv6 echo request. */
  readonly echo_ignore_all: 0 | 1;
}

/** Kernel defaults. */
export const LINUX_DEFAULTS: LinuxSysctls = {
  arp_accept: 0,
  locktime: 100,
  base_reachable_time_ms: 30_000,
  retrans_time_ms: 1_000,
  gc_stale_time: 60,
  delay_first_probe_time: 5,
  ucast_solicit: 3,
  mcast_solicit: 3,
  app_solicit: 0,
  mcast_resolicit: 0,
  unres_qlen: 101,
  drop_gratuitous_arp: 0,
  arp_notify: 0,
  ndisc_notify: 0,
  accept_untracked_na: 0,
  drop_unsolicited_na: 0,
  dad_transmits: 1,
  optimistic_dad: 0,
  forwarding: 0,
  icmp_echo_ignore_all: 0,
  echo_ignore_all: 0,
};

/** Names of the sysctls, for validation of scenario files. */
export const LINUX_SYSCTL_NAMES = Object.keys(LINUX_DEFAULTS) as ReadonlyArray<keyof LinuxSysctls>;

function timers(s: LinuxSysctls, family: 'ipv4' | 'ipv6'): NeighborTimers {
  const f = <T>(v: T, what: string): Fact<T> => fact(v, `${SYSCTL}: net.${family}.neigh.*.${what}`);
  return {
    aging: fact('nud', `${NEIGH}: NUD state machine (neigh_timer_handler)`),
    reachableTime: f(s.base_reachable_time_ms * MS, `base_reachable_time_ms = ${s.base_reachable_time_ms}`),
    randomizeReachableTime: fact(true, `${NEIGH}: neigh_rand_reach_time, U[base/2, 3 base/2)`),
    retransTime: f(s.retrans_time_ms * MS, `retrans_time_ms = ${s.retrans_time_ms}`),
    delayFirstProbeTime: f(s.delay_first_probe_time * S, `delay_first_probe_time = ${s.delay_first_probe_time}`),
    multicastSolicit: f(s.mcast_solicit + s.app_solicit, `mcast_solicit = ${s.mcast_solicit} (+ app_solicit ${s.app_solicit}, no user-space daemon modelled)`),
    unicastSolicit: f(s.ucast_solicit, `ucast_solicit = ${s.ucast_solicit}`),
    multicastResolicit: f(s.mcast_resolicit, `mcast_resolicit = ${s.mcast_resolicit}`),
    reachableExpiry: fact('delay-if-used', `${NEIGH} neigh_timer_handler: REACHABLE -> DELAY if used within delay_probe_time, else STALE (see usedStamp for what counts as use)`),
    usedStamp: fact('slow-path', `${NEIGH} neigh_event_send_probe stamps neigh->used; a connected entry with a cached header is sent by neigh_hh_output (include/net/neighbour.h), which does not: a REACHABLE entry carrying traffic expires to STALE (measured on 6.18 with 10 packets/s)`),
    timerWheelHz: fact(LINUX_HZ, `Linux kernel/time/timer.c calc_wheel_index: an expiry moves up to the next multiple of its level's granularity (8^level jiffies); HZ = ${LINUX_HZ} (kernel/Kconfig.hz default, the measured 6.18 kernel's CONFIG_HZ); measured: a train of 1 s timers fires 1.024 s apart, a 5 s DELAY lasts 5.0-5.26 s`),
    onFailure: fact('failed', `${NEIGH}: FAILED entries stay until garbage-collected`),
    failureHoldDown: fact(0, `${NEIGH}: a packet to a FAILED entry starts resolution again (__neigh_event_send)`),
    refreshBeforeExpiry: fact(0, `${NEIGH}: no refresh of unused entries`),
    queueLength: f(s.unres_qlen, `unres_qlen = ${s.unres_qlen}`),
    gcStaleTime: f(s.gc_stale_time * S, `gc_stale_time = ${s.gc_stale_time}`),
  };
}

/** The Linux profile for the given sysctls (defaults for any not given). */
export function linuxProfile(overrides: Partial<LinuxSysctls> = {}): ImplementationProfile {
  const s: LinuxSysctls = { ...LINUX_DEFAULTS, ...overrides };
  const accept = s.arp_accept === 0 ? 'never' : s.arp_accept === 1 ? 'always' : 'subnet';
  const untracked = s.accept_untracked_na === 0 ? 'never' : s.accept_untracked_na === 1 ? 'always' : 'subnet';
  const router = s.forwarding === 1;
  return {
    name: router ? 'linux-router' : 'linux',
    description: router ? 'Linux with forwarding enabled (a Linux router or gateway)' : 'Linux host (kernel defaults unless overridden)',
    role: router ? 'router' : 'host',
    arpTimers: timers(s, 'ipv4'),
    ndTimers: { ...timers(s, 'ipv6'), queueLength: fact(s.unres_qlen, `${SYSCTL}: net.ipv6.neigh.*.unres_qlen = ${s.unres_qlen}`) },
    arp: {
      createOnRequestForMe: fact(true, `${ARP} step 4: neigh_event_ns creates the sender's entry STALE`),
      createUnsolicited: fact(accept, `${SYSCTL}: arp_accept = ${s.arp_accept}`),
      updateExisting: fact('any', `${ARP} step 6: any ARP from the sender updates an existing entry`),
      lockTime: fact(s.locktime * 10 * MS, `${SYSCTL}: net.ipv4.neigh.*.locktime = ${s.locktime} (1/100 s)`),
      gratuitousBypassesLock: fact(true, `${ARP}: override = ... || is_garp (since 4.12)`),
      gratuitousReplyNeedsMatchingTarget: fact(true, `${ARP} arp_is_garp: for a reply tha must equal sha`),
      dropGratuitous: fact(s.drop_gratuitous_arp === 1, `${SYSCTL}: drop_gratuitous_arp = ${s.drop_gratuitous_arp}`),
      stateAfterReplyToMe: fact('reachable', `${ARP}: NUD_REACHABLE for a reply to this host (PACKET_HOST)`),
      stateAfterOther: fact('stale', `${ARP}: NUD_STALE otherwise`),
    },
    nd: {
      createFromUntrackedNa: router
        ? fact(untracked, `${SYSCTL}: accept_untracked_na = ${s.accept_untracked_na} (forwarding = 1)`)
        : fact('never', `${NDISC} ndisc_recv_na: hosts never create entries from NAs (RFC 4861 §7.2.5)`),
      dropUnsolicitedNa: fact(s.drop_unsolicited_na === 1, `${SYSCTL}: drop_unsolicited_na = ${s.drop_unsolicited_na}`),
      ignoreNaForFailed: fact(true, `${NDISC} ndisc_recv_na: an NA for a FAILED entry is ignored`),
    },
    announce: {
      arpNotify: fact(s.arp_notify === 1, `${SYSCTL}: arp_notify = ${s.arp_notify}`),
      ndiscNotify: fact(s.ndisc_notify === 1, `${SYSCTL}: ndisc_notify = ${s.ndisc_notify}`),
    },
    dad: {
      ipv4ConflictDetection: fact(false, 'Linux does no RFC 5227 probing in the kernel (user-space tools such as arping -D do)'),
      ipv6DadTransmits: fact(s.dad_transmits, `${SYSCTL}: dad_transmits = ${s.dad_transmits}`),
      optimisticDad: fact(s.optimistic_dad === 1, `${SYSCTL}: optimistic_dad = ${s.optimistic_dad}`),
    },
    dhcp: {
      renewAfterLinkBounce: unverified(
        !router,
        router
          ? 'a router\'s interfaces are statically addressed'
          : 'user-space client, not the kernel: systemd-networkd src/network/networkd-link.c link_carrier_gained -> link_acquire_conf restarts DHCPv4; dhcpcd rebinds when carrier returns (NetworkConfiguration/dhcpcd discussion #312); ISC dhclient does not watch carrier',
      ),
      probeOfferedAddress: unverified(false, 'the kernel does no RFC 5227 probing; common clients (ISC dhclient, systemd-networkd) do not probe a DHCP address by default'),
    },
    echo: {
      ignoreIpv4: fact(s.icmp_echo_ignore_all === 1, `${SYSCTL}: net.ipv4.icmp_echo_ignore_all = ${s.icmp_echo_ignore_all} (net/ipv4/icmp.c icmp_echo)`),
      ignoreIpv6: fact(s.echo_ignore_all === 1, `${SYSCTL}: net.ipv6.icmp.echo_ignore_all = ${s.echo_ignore_all} (net/ipv6/icmp.c icmpv6_rcv)`),
    },
  };
}
