/**
 * A host asserting that its addresses are its own, again and again: what a clone or a copy of a VM
 * sends when it resumes, and what an ARP-spoofing tool sends to poison a peer's table. Each round,
 * for every usable address of the host (IPv4 preferred, IPv6 preferred or optimistic):
 *
 * - broadcast (no `to`): a gratuitous ARP, request form (sender IP = target IP, target MAC zero, as
 *   Linux's NETDEV_NOTIFY_PEERS sends it), and an unsolicited NA to ff02::1 with O = 1 (RFC 4861
 *   §7.2.6);
 * - to one peer (`to`): an ARP reply unicast to the peer (sender = our MAC and the claimed address,
 *   target = the peer), as dsniff's arpspoof sends one every 2 s (arpspoof.c), and an unsolicited NA
 *   with O = 1 unicast to the peer's address.
 *
 * The host answers requests for its addresses as any host does; this only adds the unsolicited
 * claims. Rounds run `interval` apart from `start`, `count` of them (Infinity: until `stop`).
 */
import type { Kernel } from '../../sim/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../../wire/index.js';
import { arpReply, ethernetFrame, neighborAdvertisement } from '../../wire/index.js';
import type { Host } from '../host.js';

/** Settings of an {@link AddressClaim}. Times in ns. */
export interface AddressClaimConfig {
  readonly start: number;
  /** Rounds; Infinity for every interval until `stop`. */
  readonly count: number;
  readonly interval: number;
  readonly stop: number;
  /** The peer to send the claims to, unicast; absent: broadcast (ARP) and all-nodes (NA). */
  readonly to?: { readonly mac: MacAddress; readonly ipv4?: Ipv4Address; readonly ipv6?: Ipv6Address };
}

/** See the module comment. */
export class AddressClaim {
  /** Rounds sent so far. */
  rounds = 0;
  private readonly host: Host;
  private readonly config: AddressClaimConfig;
  private readonly kernel: Kernel;

  constructor(kernel: Kernel, host: Host, config: AddressClaimConfig) {
    if (!(config.interval > 0) && config.count > 1) throw new RangeError(`claims repeated ${config.count} times need a positive interval`);
    this.kernel = kernel;
    this.host = host;
    this.config = config;
    if (config.count > 0 && config.start < config.stop) kernel.scheduleAt(config.start, host.name, 'address-claim', () => this.round());
  }

  private round(): void {
    const { host, config } = this;
    this.rounds++;
    const to = config.to;
    for (const a of host.ipv4) {
      if (a.state !== 'preferred') continue;
      if (to === undefined || to.ipv4 === undefined) host.announceArp(a, 'request');
      else host.sendFrame(ethernetFrame(to.mac, a.mac, arpReply(a.mac, a.address, to.mac, to.ipv4)));
    }
    for (const a of host.ipv6) {
      if (a.state !== 'preferred' && a.state !== 'optimistic') continue;
      if (to === undefined || to.ipv6 === undefined) host.announceNa(a, true);
      else host.sendFrame(ethernetFrame(to.mac, a.mac, neighborAdvertisement(a.address, a.address, a.mac, { solicited: false, override: true }, to.ipv6)));
    }
    const next = this.kernel.now + config.interval;
    if (this.rounds < config.count && next < config.stop) this.kernel.scheduleAt(next, host.name, 'address-claim', () => this.round());
  }
}
