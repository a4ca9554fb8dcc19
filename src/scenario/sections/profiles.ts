/**
 * Scenario settings for node stacks: which implementation profile a node runs, and per-node overrides.
 *
 * Profiles are the catalogue of src/stack/profiles (`PROFILE_NAMES`). Overrides are written under
 * `sysctls`, in one object whose allowed keys depend on the profile:
 * - Linux-based profiles (`linux`, `linux-router`) take the kernel's own sysctl names
 *   (`LINUX_SYSCTL_NAMES`), in the kernel's own units, exactly as `sysctl -w` takes them;
 * - every other profile takes the generic timer fields below, with units (`reachableTime: 30s`).
 * The schema lists both sets (so editors offer every key with its help text); the cross-field check
 * refuses a key that does not belong to the node's profile.
 */
import { z } from 'zod';
import { LINUX_SYSCTL_NAMES, PROFILE_NAMES } from '../../stack/index.js';
import type { LinuxSysctls } from '../../stack/index.js';
import { duration, section } from '../fields.js';

/** Profiles whose overrides are Linux sysctls. */
export const LINUX_BASED_PROFILES: readonly string[] = ['linux', 'linux-router'];

/** A profile name from the catalogue. */
export function profileName() {
  return z.enum(PROFILE_NAMES as [string, ...string[]]);
}

/** Help text for the profile field. */
export const PROFILE_HELP =
  `Implementation profile: how the node's stack keeps its ARP and ND tables (timers, which messages create or override an entry), each value with its source. One of ${PROFILE_NAMES.join(', ')}.`;

const INT_MAX = 2 ** 31 - 1;

const choice3 = (help: string) => z.literal([0, 1, 2]).optional().describe(help);
const flag = (help: string) => z.literal([0, 1]).optional().describe(help);
const atLeast = (min: number, help: string) => z.int({ error: `a whole number from ${min} to ${INT_MAX}` }).min(min).max(INT_MAX).optional().describe(help);

// One entry per Linux sysctl, with its range: `satisfies` makes a sysctl added to the stack without
// an entry here (or an entry the stack does not know) a compile error.
const LINUX_SHAPE = {
  arp_accept: choice3('net.ipv4.conf.*.arp_accept: 0 = gratuitous ARP never creates an entry (default), 1 = always, 2 = only when the sender is in a configured subnet.'),
  // Times are > 0, except locktime, where 0 is a real setting (no lock) that the kernel accepts.
  locktime: atLeast(0, 'net.ipv4.neigh.*.locktime, in 1/100 s (default 100 = 1 s): a different MAC for an entry is ignored this long after the entry changed (gratuitous ARP bypasses it since 4.12). 0 disables the lock, as in the kernel.'),
  base_reachable_time_ms: atLeast(1, 'net.*.neigh.*.base_reachable_time_ms (default 30000): how long a confirmed entry stays REACHABLE, randomised by U[0.5, 1.5).'),
  retrans_time_ms: atLeast(1, 'net.*.neigh.*.retrans_time_ms (default 1000): gap between solicitations.'),
  gc_stale_time: atLeast(1, 'net.*.neigh.*.gc_stale_time, seconds (default 60): an unused STALE entry may be collected after this.'),
  delay_first_probe_time: atLeast(1, 'net.*.neigh.*.delay_first_probe_time, seconds (default 5): time in DELAY before the first unicast probe.'),
  ucast_solicit: atLeast(0, 'net.*.neigh.*.ucast_solicit (default 3): unicast probes in PROBE before the entry fails.'),
  mcast_solicit: atLeast(0, 'net.*.neigh.*.mcast_solicit (default 3): broadcast/multicast solicitations while INCOMPLETE.'),
  app_solicit: atLeast(0, 'net.*.neigh.*.app_solicit (default 0): solicitations handed to a user-space daemon (none is modelled; counted with mcast_solicit).'),
  mcast_resolicit: atLeast(0, 'net.*.neigh.*.mcast_resolicit (default 0): multicast re-probes after the unicast ones.'),
  unres_qlen: atLeast(0, 'net.*.neigh.*.unres_qlen, packets (default 101): packets queued per unresolved neighbor.'),
  drop_gratuitous_arp: flag('net.ipv4.conf.*.drop_gratuitous_arp (default 0): 1 drops every gratuitous ARP.'),
  arp_notify: flag('net.ipv4.conf.*.arp_notify (default 0): 1 sends a gratuitous ARP per address on link up or MAC change.'),
  ndisc_notify: flag('net.ipv6.conf.*.ndisc_notify (default 0): 1 sends an unsolicited NA per address on link up or MAC change.'),
  accept_untracked_na: choice3('net.ipv6.conf.*.accept_untracked_na (default 0; routers only): 1 creates an entry from an NA nobody asked for, 2 only from a sender in a configured subnet.'),
  drop_unsolicited_na: flag('net.ipv6.conf.*.drop_unsolicited_na (default 0): 1 ignores NAs that are not answers.'),
  dad_transmits: atLeast(0, 'net.ipv6.conf.*.dad_transmits (default 1): DAD probes per address (0 disables DAD).'),
  optimistic_dad: flag('net.ipv6.conf.*.optimistic_dad (default 0): 1 uses addresses while DAD runs (RFC 4429).'),
  forwarding: flag('net.ipv4.ip_forward / net.ipv6.conf.*.forwarding (default 0): 1 makes the node a router (what the linux-router profile sets).'),
  icmp_echo_ignore_all: flag('net.ipv4.icmp_echo_ignore_all (default 0): 1 answers no ICMP echo request, so the node stays silent when pinged (a receive-only VM); a ping flow to it counts each request that arrives.'),
  echo_ignore_all: flag('net.ipv6.icmp.echo_ignore_all (default 0): the same for ICMPv6 echo requests.'),
} satisfies Record<keyof LinuxSysctls, z.ZodType>;

/** The generic overrides for profiles that are not Linux, with their help text. */
const GENERIC_OVERRIDES = {
  reachableTime: duration({ positive: true }).optional()
    .describe('Base reachable time of tables that age by NUD (RFC 4861 REACHABLE_TIME; Windows ReachableTime): how long a confirmed entry is REACHABLE before STALE, randomised by the profile as usual.'),
  retransTime: duration({ positive: true }).optional()
    .describe('Gap between solicitations of one neighbor (RFC 4861 RETRANS_TIMER), in both tables.'),
  delayFirstProbeTime: duration({ positive: true }).optional()
    .describe('Time in DELAY before the first unicast probe (RFC 4861 DELAY_FIRST_PROBE_TIME), in both tables.'),
  multicastSolicit: atLeast(0, 'Broadcast/multicast solicitations (ARP requests, NSs) before resolution fails (RFC 4861 MAX_MULTICAST_SOLICIT; router ARP retries).'),
  unicastSolicit: atLeast(0, 'Unicast probes of a STALE entry before it fails (RFC 4861 MAX_UNICAST_SOLICIT).'),
  lockTime: duration().optional()
    .describe('After an ARP entry changes, a different MAC for it is ignored this long (0 = no lock).'),
  arpTimeout: duration({ positive: true }).optional()
    .describe('Lifetime of an ARP entry, for profiles whose ARP table ages by timeout rather than NUD (cisco-ios, junos, arista-eos, freebsd, ns3, rfc826): "arp timeout" on Cisco IOS, "aging-timer" on Junos, max_age on FreeBSD.'),
};

/** The names of the generic overrides, in order. */
export const GENERIC_OVERRIDE_NAMES: readonly string[] = Object.keys(GENERIC_OVERRIDES);

/** The names of the Linux sysctls the schema knows, in the stack's order. */
export const SCENARIO_SYSCTL_NAMES: readonly string[] = LINUX_SYSCTL_NAMES;

/**
 * Per-node overrides of the profile's values: Linux sysctls for Linux-based profiles, generic timer
 * fields for the others. Parsed: Linux values as numbers in the kernel's units; generic times in ns.
 * Without a default (for places where leaving it out means "keep what the scenario says": variants).
 */
export const sysctlsObjectSchema = section(
  { ...LINUX_SHAPE, ...GENERIC_OVERRIDES },
  `Per-node overrides of the profile's defaults. For linux and linux-router: kernel sysctl names in the kernel's own units (${LINUX_SYSCTL_NAMES.join(', ')}). For every other profile: ${GENERIC_OVERRIDE_NAMES.join(', ')} (times with units).`,
);

/** {@link sysctlsObjectSchema}, empty by default. */
export const sysctlsSchema = sysctlsObjectSchema.prefault({});

/** Parsed overrides. */
export type Sysctls = z.output<typeof sysctlsSchema>;
