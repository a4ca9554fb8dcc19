/**
 * What of a scenario the Linux kernel here can re-create, decided before anything is made: every
 * setting the emulation cannot honour is refused with one line naming what is missing, and the
 * profiles it maps to a Linux stack say how.
 *
 * - Fabric: Linux bridges (net/bridge). `stp` runs the bridge's own 802.1D STP (br_stp.c); `rstp` is
 *   mapped to it (the kernel has no RSTP, only user-space mstpd does), and the run starts after the
 *   tree has converged, as the simulator's trees start converged. `spb` is refused: the kernel has no
 *   shortest-path bridging (IEEE 802.1aq) or TRILL.
 * - VLANs other than 1 need 802.1Q on the bridge (bridge VLAN filtering, CONFIG_BRIDGE_VLAN_FILTERING,
 *   and the 8021q module); they are refused, naming which the kernel lacks.
 * - Profiles: `linux` and `linux-router` are the kernel itself. The router profiles whose ARP table
 *   ages by a timeout (cisco-ios, junos, arista-eos) are mapped to a Linux gateway whose entries stay
 *   REACHABLE at least that long (base_reachable_time_ms = the ARP timeout, so REACHABLE lasts
 *   U[0.5, 1.5) times it, net/core/neighbour.c neigh_rand_reach_time), which behaves the same while
 *   the scenario lasts less than half the timeout: no re-resolution; longer scenarios are refused.
 *   Hosts with other profiles (windows, freebsd, ns3, rfc826) are refused.
 * - Gateways in a pair (VRRP) or anycast at every leaf, the remedies deregistration, keepalive and
 *   evpn, request-response traffic, scheduled events, loss rules, address contention and migrations
 *   to a new MAC are not emulated, and refused; so are DHCP, the switch security features, and the
 *   switch-security remedies guest-renew, binding-sync, leasequery and vswitch-enforcement (the lab
 *   builds no DHCP server, snooping bindings or checking switches for them to act on).
 * - A re-plug (`guestLink: replug`) is a veth whose guest end goes down and up, its other end a port
 *   of a Linux bridge: what a `linux-bridge` virtual switch does (the port enabled only after the
 *   guest's link-up notifier ran). The `ovs` and `vendor` kinds take the guest's frames before its
 *   link-up (Linux net/openvswitch/vport-netdev.c registers its rx handler when the port is added;
 *   VMware connects the vNIC's port before the guest sees its link), which a Linux bridge port on a
 *   veth cannot do, so a re-plug onto them is refused (a resume onto them is a bridge port like any
 *   other, and runs). A re-plug of a VM with IPv6 addresses is refused too: the lab adds them without
 *   DAD, and the kernel flushes such addresses when the link goes down (net/ipv6/addrconf.c
 *   addrconf_ifdown, keep_addr_on_down 0) or, kept, neither runs DAD again nor sends ndisc_notify's
 *   NA at the link-up (addrconf_dad_begin completes an IFA_F_NODAD address without it), as the
 *   simulated guest does.
 */
import type { Scenario } from '../scenario/index.js';
import type { RunSpec } from '../scenario/index.js';

/** Profiles that are the Linux kernel itself. */
const LINUX = new Set(['linux', 'linux-router']);
/** Router profiles whose ARP entries live a fixed time: their `arpTimeout` defaults (ns), from their profiles' sources. */
const TIMEOUT_ROUTERS: Readonly<Record<string, number>> = { 'cisco-ios': 14_400e9, junos: 1_200e9, 'arista-eos': 14_400e9 };

/**
 * Remedies the lab has nothing to carry out with: a hypervisor's deregistration and keepalive, EVPN,
 * and the switch-security remedies (a guest's DHCP renewal, binding synchronisation, a leasequery,
 * a virtual switch's enforcement), whose DHCP server, snooping bindings and checking switches the lab
 * does not build.
 */
const NOT_EMULATED_REMEDIES: ReadonlySet<string> = new Set(['deregistration', 'keepalive', 'evpn', 'guest-renew', 'binding-sync', 'leasequery', 'vswitch-enforcement']);

/** How a node's profile is run on Linux. */
export interface ProfileMapping {
  /** The scenario's profile. */
  readonly profile: string;
  /** base_reachable_time_ms to set for a mapped timeout router, else null (the kernel's own). */
  readonly reachableMs: number | null;
  /** Whether the node forwards (linux-router, and the mapped routers). */
  readonly router: boolean;
}

/** The Linux stack that stands for `profile` (see the module comment), or a reason it cannot. */
export function mapProfile(profile: string, arpTimeout: number | undefined, durationNs: number): ProfileMapping | string {
  if (LINUX.has(profile)) return { profile, reachableMs: null, router: profile === 'linux-router' };
  const timeout = arpTimeout ?? TIMEOUT_ROUTERS[profile];
  if (timeout === undefined) return `profile ${profile} has no Linux equivalent (only linux, linux-router, and the timeout routers cisco-ios, junos, arista-eos are emulated)`;
  if (durationNs > timeout / 2) {
    return `profile ${profile} is mapped to Linux entries that stay REACHABLE for 0.5-1.5 times its ARP timeout (${timeout / 1e9} s); the scenario lasts ${durationNs / 1e9} s, longer than the half that mapping keeps exact`;
  }
  return { profile, reachableMs: Math.round(timeout / 1e6), router: true };
}

/** Whether the IPv4 subnet `a.b.c.d/len` lies inside 198.18.0.0/15. */
export function inBenchmarkSpace(subnet: string): boolean {
  const [address, length] = subnet.split('/');
  const octets = (address ?? '').split('.').map(Number);
  return Number(length) >= 15 && octets[0] === 198 && (octets[1] === 18 || octets[1] === 19);
}

/** Whether the IPv6 subnet (canonical text) lies inside 2001:db8::/32. */
export function inDocumentationSpace(subnet: string): boolean {
  const [address, length] = subnet.split('/');
  return Number(length) >= 32 && /^2001:0?db8:/i.test(address ?? '');
}

/** Every reason the scenario's `run` cannot be emulated here, statically (the kernel's abilities are {@link kernelIssues}). */
export function scenarioIssues(scenario: Scenario, run: RunSpec): string[] {
  const out: string[] = [];
  // Only documentation and benchmarking space in namespaces (RFC 2544 §C.2.2's 198.18.0.0/15, RFC 3849's 2001:db8::/32).
  const v4 = scenario.subnet.ipv4;
  if (v4 !== undefined && !inBenchmarkSpace(v4)) out.push(`subnet.ipv4 ${v4}: emulate uses only addresses in 198.18.0.0/15`);
  const v6 = scenario.subnet.ipv6;
  if (v6 !== undefined && !inDocumentationSpace(v6)) out.push(`subnet.ipv6 ${v6}: emulate uses only addresses in 2001:db8::/32`);
  if (scenario.fabric.bridging === 'spb') out.push('fabric.bridging spb: the Linux bridge has no shortest-path bridging (802.1aq) or TRILL');
  if (scenario.gateway.placement !== 'core') out.push(`gateway.placement ${scenario.gateway.placement}: only a core gateway is emulated (no VRRP pair or anycast gateway)`);
  const gw = mapProfile(scenario.gateway.profile, scenario.gateway.sysctls.arpTimeout, scenario.duration);
  if (typeof gw === 'string') out.push(`gateway: ${gw}`);
  scenario.hosts.forEach((h, i) => {
    const m = mapProfile(h.profile, h.sysctls.arpTimeout, scenario.duration);
    if (typeof m === 'string') out.push(`hosts.${i} (${h.name}): ${m}`);
    else if (m.reachableMs !== null) out.push(`hosts.${i} (${h.name}): profile ${h.profile} is emulated for gateways only`);
  });
  scenario.traffic.forEach((t, i) => {
    if (t.kind === 'request-response') out.push(`traffic.${i} (${t.name}): request-response flows are not emulated (udp and ping are)`);
  });
  if (scenario.events.length > 0) out.push('events: scheduled events are not emulated');
  if (scenario.loss.length > 0) out.push('loss: loss rules are not emulated (link delay and rate are, with tc)');
  if (scenario.dhcp !== undefined) out.push('dhcp: DHCP is not emulated (the lab builds no DHCP server; its hosts have static addresses)');
  if (run.security !== null) out.push('security: switch security features are not emulated (the lab\'s Linux bridges check no port security, snooping bindings, ARP/ND inspection, source guard or RA guard)');
  if (scenario.contention.length > 0) out.push('contention: second hosts claiming a VM\'s addresses are not emulated');
  const vswitch = scenario.hypervisors?.vswitch ?? 'linux-bridge';
  for (const m of run.migrations) {
    if (m.guestLink === 'replug') {
      if (vswitch !== 'linux-bridge') {
        out.push(`migration of ${m.vm}: a re-plug (guestLink replug) onto a virtual switch of kind ${vswitch} is not emulated: its port takes the guest's frames before its link-up, which a Linux bridge port on a veth cannot reproduce (only hypervisors.vswitch linux-bridge is)`);
      }
      const group = scenario.hosts[m.group];
      if (scenario.subnet.ipv6 !== undefined && group !== undefined && group.ipv6 !== 'none') {
        out.push(`migration of ${m.vm}: a re-plug (guestLink replug) of a VM with IPv6 addresses is not emulated (the lab's addresses, added without DAD, would not go through DAD and ndisc_notify again at the link-up)`);
      }
    }
    if (m.newMac !== null) out.push(`migration of ${m.vm}: a new MAC at the destination is not emulated`);
    if (m.vlan !== 1) out.push(`migration of ${m.vm}: VLAN ${m.vlan} needs 802.1Q on the bridges; only VLAN 1 (untagged) is emulated`);
    for (const r of m.remedies) {
      if (NOT_EMULATED_REMEDIES.has(r.kind)) out.push(`migration of ${m.vm}: remedy ${r.kind} is not emulated (none, guest-garp, guest-na, rarp, qemu-announce and controller are)`);
    }
  }
  return [...new Set(out)];
}

/** What {@link kernelIssues} tries. */
export interface KernelNeeds {
  /** Links with delay or rate: tc netem. */
  readonly shaping: boolean;
  /** A VLAN other than 1: 802.1Q links and bridge VLAN filtering. */
  readonly vlans: boolean;
}

/**
 * What the running kernel lacks for this scenario, found by trying it in a namespace of the run
 * (`exec` runs a command there and rejects when it fails): a bridge, netem on a link when links are
 * shaped, an 802.1Q link and bridge VLAN filtering when a VLAN is asked for. Each missing piece is one
 * line.
 */
export async function kernelIssues(needs: KernelNeeds, exec: (file: string, args: readonly string[]) => Promise<unknown>): Promise<string[]> {
  const out: string[] = [];
  const works = async (file: string, args: readonly string[]): Promise<boolean> => {
    try {
      await exec(file, args);
      return true;
    } catch {
      return false;
    }
  };
  const bridge = await works('ip', ['link', 'add', 'kprobe0', 'type', 'bridge']);
  if (!bridge) out.push('this kernel cannot make Linux bridges (CONFIG_BRIDGE)');
  if (needs.shaping && !(await works('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']))) {
    out.push('link delay and rate need tc netem (CONFIG_NET_SCH_NETEM), which this kernel lacks');
  }
  if (needs.vlans && bridge) {
    if (!(await works('ip', ['link', 'add', 'link', 'kprobe0', 'name', 'kprobe0.5', 'type', 'vlan', 'id', '5']))) out.push('VLANs need 802.1Q links (CONFIG_VLAN_8021Q), which this kernel lacks');
    if (!(await works('ip', ['link', 'set', 'kprobe0', 'type', 'bridge', 'vlan_filtering', '1']))) out.push('VLANs need bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), which this kernel lacks');
  }
  if (bridge) await works('ip', ['link', 'del', 'kprobe0']);
  if (needs.shaping) await works('tc', ['qdisc', 'del', 'dev', 'lo', 'root']);
  return out;
}
