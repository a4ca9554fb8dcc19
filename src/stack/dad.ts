/**
 * Duplicate address detection for a host's addresses:
 *
 * - IPv4 Address Conflict Detection (RFC 5227 §2.1-§2.4): wait U[0, PROBE_WAIT]; PROBE_NUM probes
 *   U[PROBE_MIN, PROBE_MAX] apart; ANNOUNCE_WAIT after the last probe the address is claimed and
 *   ANNOUNCE_NUM announcements go out ANNOUNCE_INTERVAL apart. While probing, any ARP whose sender IP
 *   is the candidate, or another host's probe for it, is a conflict: the address is not used. Once in
 *   use, an ARP from another MAC claiming it is a conflict; the host defends with one announcement if
 *   it has not defended within DEFEND_INTERVAL (policy (b) of §2.4). MAX_CONFLICTS rate limiting is
 *   not modelled (one attempt per address).
 * - IPv6 DAD (RFC 4862 §5.4): after U[0, MAX_RTR_SOLICITATION_DELAY] (none for an optimistic address,
 *   RFC 4429 §3.1), DupAddrDetectTransmits NS from `::` to the solicited-node group, RetransTimer
 *   apart; unique if nothing arrives within RetransTimer after the last. An NS from `::` or an NA for
 *   the tentative address means a duplicate (the address is not assigned).
 */
import type { Kernel, Rng } from '../sim/index.js';
import type { ArpPacket, Ipv6Address, MacAddress } from '../wire/index.js';
import { MAC_BROADCAST, arpAnnouncement, arpProbe, ethernetFrame, formatIpv4 } from '../wire/index.js';
import type { Host, Ipv4Assignment, Ipv6Assignment } from './host.js';

const S = 1e9;

/** RFC 5227 §1.1 constants, in nanoseconds and counts. */
export const ACD = {
  PROBE_WAIT: 1 * S,
  PROBE_NUM: 3,
  PROBE_MIN: 1 * S,
  PROBE_MAX: 2 * S,
  ANNOUNCE_WAIT: 2 * S,
  ANNOUNCE_NUM: 2,
  ANNOUNCE_INTERVAL: 2 * S,
  DEFEND_INTERVAL: 10 * S,
} as const;

/** RFC 4861 §10 MAX_RTR_SOLICITATION_DELAY: the random delay before the first DAD NS. */
export const MAX_RTR_SOLICITATION_DELAY = 1 * S;

/** Runs DAD for one host. */
export class DadRunner {
  private readonly host: Host;
  private readonly kernel: Kernel;
  /** The host's stream `dad`, at the first draw. */
  private rngValue: Rng | null = null;
  /** When each address was last defended (RFC 5227 §2.4 (b)); made at the first defense. */
  private lastDefense: Map<number, number> | null = null;

  constructor(host: Host, kernel: Kernel) {
    this.host = host;
    this.kernel = kernel;
  }

  private get rng(): Rng {
    return this.rngValue ??= this.host.randomStream('dad');
  }

  /** The latest check of each address: a check started again (the interface came up) ends the earlier one. */
  // Made at the first check: a host whose addresses are configured without DAD never needs it.
  private checks: WeakMap<Ipv4Assignment | Ipv6Assignment, number> | null = null;

  private newCheck(a: Ipv4Assignment | Ipv6Assignment): number {
    const checks = this.checks ??= new WeakMap();
    const n = (checks.get(a) ?? 0) + 1;
    checks.set(a, n);
    return n;
  }

  /** Runs `action` after `delay` if check `n` of `a` is still the latest. */
  private at(a: Ipv4Assignment | Ipv6Assignment, n: number, delay: number, kind: string, action: () => void): void {
    this.kernel.schedule(Math.round(delay), this.host.name, kind, () => {
      if (this.checks?.get(a) === n) action();
    });
  }

  /** Starts RFC 5227 probing for a tentative IPv4 address. */
  probeIpv4(a: Ipv4Assignment): void {
    const check = this.newCheck(a);
    this.host.trace.addressState('ipv4', formatIpv4(a.address), 'tentative');
    let t = this.rng.uniform(0, ACD.PROBE_WAIT);
    for (let i = 0; i < ACD.PROBE_NUM; i++) {
      this.at(a, check, t, 'acd-probe', () => {
        if (a.state !== 'tentative') return;
        this.host.counters.arpOut++;
        this.host.sendFrame(ethernetFrame(MAC_BROADCAST, this.host.mac, arpProbe(this.host.mac, a.address)));
      });
      if (i < ACD.PROBE_NUM - 1) t += this.rng.uniform(ACD.PROBE_MIN, ACD.PROBE_MAX);
    }
    t += ACD.ANNOUNCE_WAIT;
    this.at(a, check, t, 'acd-claim', () => {
      if (a.state !== 'tentative') return;
      a.state = 'preferred';
      this.host.trace.addressState('ipv4', formatIpv4(a.address), 'preferred');
    });
    for (let i = 0; i < ACD.ANNOUNCE_NUM; i++) {
      this.at(a, check, t + i * ACD.ANNOUNCE_INTERVAL, 'acd-announce', () => {
        if (a.state !== 'preferred') return;
        this.host.counters.arpOut++;
        this.host.sendFrame(ethernetFrame(MAC_BROADCAST, a.mac, arpAnnouncement(a.mac, a.address)));
      });
    }
  }

  /**
   * Looks at a received ARP packet for conflicts with our IPv4 addresses. Returns true when the
   * packet was a conflict (and so must not be processed further).
   */
  checkArp(p: ArpPacket): boolean {
    // Ongoing detection follows the profile; a probe the host was asked for (a DHCP client's check,
    // `AddressOptions.probe`) is watched whatever the profile says.
    const acd = this.host.profile.dad.ipv4ConflictDetection.value;
    const addresses = this.host.ipv4;
    if (!acd) {
      // The common case, on every ARP packet received: no detection running, nothing to look at.
      let tentative = false;
      for (let i = 0; i < addresses.length; i++) if (addresses[i]!.state === 'tentative') tentative = true;
      if (!tentative) return false;
    }
    const sha = p.senderHardwareAddress;
    if (sha === this.host.mac) return false;
    for (let i = 0; i < addresses.length; i++) if (addresses[i]!.mac === sha) return false;
    for (const a of this.host.ipv4) {
      if (a.state === 'tentative') {
        const claims = p.senderProtocolAddress === a.address;
        const probesToo = p.operation === 1 && p.senderProtocolAddress === 0 && p.targetProtocolAddress === a.address;
        if (claims || probesToo) {
          a.state = 'duplicate';
          this.host.trace.conflict('ipv4', formatIpv4(a.address), p.senderHardwareAddress, 'probing');
          this.host.trace.addressState('ipv4', formatIpv4(a.address), 'duplicate');
          this.host.addressConflicted(a);
          return true;
        }
      } else if (acd && a.state === 'preferred' && p.senderProtocolAddress === a.address) {
        this.host.trace.conflict('ipv4', formatIpv4(a.address), p.senderHardwareAddress, 'in-use');
        const now = this.host.now;
        const last = this.lastDefense?.get(a.address);
        if (last === undefined || now - last >= ACD.DEFEND_INTERVAL) {
          (this.lastDefense ??= new Map()).set(a.address, now);
          this.host.counters.arpOut++;
          this.host.sendFrame(ethernetFrame(MAC_BROADCAST, a.mac, arpAnnouncement(a.mac, a.address)));
        }
        return true;
      }
    }
    return false;
  }

  /** Starts RFC 4862 DAD for a tentative or optimistic IPv6 address. */
  probeIpv6(a: Ipv6Assignment, transmits: number): void {
    const check = this.newCheck(a);
    this.host.trace.addressState('ipv6', a.address, a.state === 'optimistic' ? 'optimistic' : 'tentative');
    const retrans = this.host.profile.ndTimers.retransTime.value;
    let t = a.state === 'optimistic' ? 0 : this.rng.uniform(0, MAX_RTR_SOLICITATION_DELAY);
    for (let i = 0; i < transmits; i++) {
      this.at(a, check, t, 'dad-ns', () => {
        if (a.state !== 'tentative' && a.state !== 'optimistic') return;
        this.host.sendDadNs(a.address);
      });
      t += retrans;
    }
    this.at(a, check, t, 'dad-done', () => {
      if (a.state !== 'tentative' && a.state !== 'optimistic') return;
      a.state = 'preferred';
      this.host.afterIpv6Usable(a);
    });
  }

  /** Another node uses or probes for our tentative IPv6 address. Returns true (the message is consumed). */
  conflictIpv6(address: Ipv6Address, by: MacAddress): boolean {
    const a = this.host.ipv6.find((x) => x.address === address);
    if (a === undefined || by === this.host.mac) return false;
    a.state = 'duplicate';
    this.host.trace.conflict('ipv6', address, by, 'probing');
    this.host.trace.addressState('ipv6', address, 'duplicate');
    this.host.addressConflicted(a);
    return true;
  }
}
