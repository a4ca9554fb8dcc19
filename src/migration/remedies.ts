/**
 * Announcement and remedy strategies after (or around) a live migration, combinable; their behaviour
 * and defaults come from QEMU (net/announce.c, migration/options.c), Linux (netdev_notify_peers in
 * net/core/dev.c, called by drivers/net/virtio_net.c, xen-netfront.c, hyperv/netvsc_drv.c), VMware's
 * vSphere networking guide (Notify Switches), RFC 7432 §15 (EVPN MAC mobility) and RFC 7342 §5:
 *
 * - `guest-garp`: the guest sends gratuitous ARP, request form (target MAC zero as Linux's
 *   NETDEV_NOTIFY_PEERS sends it, or broadcast as `arping -U` does) or reply form, `count` times
 *   `interval` apart, per IPv4 address.
 * - `guest-na`: the guest sends unsolicited NAs to ff02::1 (S = 0, O as given) per IPv6 address.
 * - `rarp`: the hypervisor sends RARP "request reverse" frames for the VM's MAC (VMware vMotion).
 * - `qemu-announce`: QEMU's announce-self: RARP rounds at 0, initial, … with gaps growing by `step`,
 *   capped at `max`; with `guestAnnounce` (virtio GUEST_ANNOUNCE) the guest also sends one GARP per
 *   IPv4 address and one NA per IPv6 address each round.
 * The announcing remedies (guest GARP and NA, RARP, QEMU's rounds) start `delay` after the resume.
 * - `deregistration`: the old location withdraws: every switch forgets the VM's MAC after `latency`,
 *   so traffic floods until the MAC is learned again (reaching the VM meanwhile).
 * - `keepalive`: all along the run, the VM announces itself (`vm-garp`) or each gateway probes the VM
 *   with a unicast ARP request (`gateway-probe`), every `interval`.
 * - `controller`: a management plane that knows the migration pushes, after `latency`, the VM's MAC
 *   location to every switch (towards the destination) and its IP→MAC binding to every gateway; each
 *   push is lost with probability `lossRate`. With `moveBindings` it also moves the VM's security
 *   state (security-plane.ts): clears its secure MAC on the source port, moves its DHCP snooping,
 *   SAVI and ND inspection bindings to the destination port.
 *   With `neighborUpdate: agent` a gateway does what
 *   arpshift's agent does on a real one: when the VM's MAC changed it replaces the entry, as the
 *   install does; when it did not, it re-resolves the VM with a broadcast ARP request (and a multicast
 *   NS per IPv6 address) sent now, whose answer from the new place also re-teaches the switches, and
 *   leaves its entry to the answer.
 * - `evpn`: EVPN-style MAC mobility (RFC 7432 §15): when an edge switch learns the VM's MAC on a
 *   host-facing port, it advertises it with the next sequence number; after `latency` every switch
 *   points the MAC towards that edge. `duplicateMoves` moves within `duplicateWindow` freeze the MAC
 *   (advertisements are then ignored) as duplicate MAC detection does (§15.1; FRR defaults 5 in 180 s).
 * - `binding-sync`: every switch's DHCP snooping bindings are copied to the others every `interval`
 *   (src/security binding-sync.ts); deployment-wide.
 * - `leasequery`: switches recover a missing binding by asking the DHCP server (RFC 4388), for DHCP
 *   snooping and for SAVI-DHCP's data snooping (RFC 7513 §7); deployment-wide.
 * - `guest-renew`: after the resume the guest's carrier drops for `carrierDown` (Hyper-V's netvsc
 *   drops it for 2 s on a network change, drivers/net/hyperv/netvsc_drv.c LINKCHANGE_INT), and when
 *   it returns the guest's DHCP client confirms its lease if its profile says it does
 *   (`dhcp.renewAfterLinkBounce`): the switch snoops the exchange from the new port.
 * - `vswitch-enforcement`: hypervisor-facing ports are trusted by the physical switches, and each
 *   hypervisor's virtual switch enforces every vNIC's own addresses instead (src/security
 *   vnic-guard.ts), a configuration that follows the VM; deployment-wide.
 */

/** One remedy. Times in ns. */
export type RemedySpec =
  | { readonly kind: 'none' }
  | {
    readonly kind: 'guest-garp';
    readonly form: 'request' | 'reply';
    /** A request's target MAC: zero (Linux's own, the default) or broadcast (`arping -U`). */
    readonly targetMac?: 'zero' | 'broadcast' | undefined;
    readonly count: number;
    readonly interval: number;
    /** From the resume to the first one, ns (default 0). */
    readonly delay?: number;
  }
  | { readonly kind: 'guest-na'; readonly count: number; readonly interval: number; readonly override: boolean; readonly delay?: number }
  | { readonly kind: 'rarp'; readonly count: number; readonly interval: number; readonly delay?: number }
  | {
    readonly kind: 'qemu-announce';
    readonly initial: number;
    readonly max: number;
    readonly rounds: number;
    readonly step: number;
    readonly guestAnnounce: boolean;
    readonly delay?: number;
  }
  | { readonly kind: 'deregistration'; readonly latency: number }
  | { readonly kind: 'keepalive'; readonly mode: 'vm-garp' | 'gateway-probe'; readonly interval: number }
  | {
    readonly kind: 'controller';
    readonly latency: number;
    readonly lossRate: number;
    readonly pushFdb: boolean;
    readonly pushNeighbors: boolean;
    readonly moveBindings: boolean;
    /** How a gateway takes the push: install the binding, or act as arpshift's agent (see above). */
    readonly neighborUpdate: 'install' | 'agent';
  }
  | { readonly kind: 'evpn'; readonly latency: number; readonly duplicateMoves: number; readonly duplicateWindow: number }
  | { readonly kind: 'binding-sync'; readonly interval: number }
  | { readonly kind: 'leasequery'; readonly roundTrip: number }
  | { readonly kind: 'guest-renew'; readonly carrierDown: number }
  | { readonly kind: 'vswitch-enforcement' };

/** QEMU's announce parameters (migration/options.c): 50 ms, 550 ms, 5 rounds, 100 ms step. */
export const QEMU_ANNOUNCE = { initial: 50e6, max: 550e6, rounds: 5, step: 100e6 } as const;

/**
 * Send times of QEMU's announce rounds relative to the first (net/announce.c): after each round the
 * next gap is initial + (rounds − remaining − 1) × step, capped at max.
 */
export function qemuAnnounceTimes(initial: number, max: number, rounds: number, step: number): number[] {
  const times: number[] = [];
  let t = 0;
  for (let sent = 1; sent <= rounds; sent++) {
    times.push(t);
    const remaining = rounds - sent;
    t += Math.min(max, initial + (rounds - remaining - 1) * step);
  }
  return times;
}

/** A short readable name of a remedy (for run names). */
export function remedyName(r: RemedySpec): string {
  switch (r.kind) {
    case 'none': return 'none';
    case 'guest-garp': return `guest GARP ×${r.count}${r.form === 'reply' ? ' (reply)' : ''}`;
    case 'guest-na': return `unsolicited NA ×${r.count}`;
    case 'rarp': return `RARP ×${r.count}`;
    case 'qemu-announce': return r.guestAnnounce ? 'QEMU announce + guest' : 'QEMU announce';
    case 'deregistration': return 'de-registration';
    case 'keepalive': return r.mode === 'vm-garp' ? 'VM keepalive' : 'gateway probing';
    case 'controller': return r.moveBindings ? 'controller push with bindings' : 'controller push';
    case 'evpn': return 'EVPN MAC mobility';
    case 'binding-sync': return 'binding sync';
    case 'leasequery': return 'leasequery';
    case 'guest-renew': return 'guest renew';
    case 'vswitch-enforcement': return 'vSwitch enforcement';
  }
}
