/**
 * A host that is a router for its neighbours: a virtual router, a VNF or a nested hypervisor sending
 * unsolicited Router Advertisements (RFC 4861 §6.2.3): from its link-local address (fe80::/64 with
 * the modified EUI-64 of its MAC, RFC 4291 §2.5.6 and appendix A), to all-nodes ff02::1, hop limit
 * 255, with its Router Lifetime and a source link-layer address option. RFC 4861 §6.2.4 draws each
 * interval between MinRtrAdvInterval and MaxRtrAdvInterval; here the interval is fixed, so runs are
 * easy to read. This is what RA guard (RFC 6105) judges by the port it arrives on.
 */
import type { Kernel } from '../../sim/index.js';
import type { Ipv6Address, MacAddress, RouterAdvertisement } from '../../wire/index.js';
import { IPV6_ALL_NODES, formatIpv6Bytes, ndPacket } from '../../wire/index.js';
import type { Host } from '../host.js';

/** Settings of a {@link RouterAdvertiser}. Times in ns. */
export interface RouterAdvertiserConfig {
  /** The first advertisement. */
  readonly start: number;
  readonly interval: number;
  /** Router Lifetime carried (ns; sent in whole seconds, at most 9000 s, RFC 4861 §6.2.1). */
  readonly lifetime: number;
  readonly stop: number;
}

/** The link-local address of `mac`: fe80::/64 and the modified EUI-64 (U/L bit flipped, ff:fe inserted). */
export function linkLocalAddress(mac: MacAddress): Ipv6Address {
  const b = new Uint8Array(16);
  b[0] = 0xfe;
  b[1] = 0x80;
  const m = [40, 32, 24, 16, 8, 0].map((shift) => Math.floor(mac / 2 ** shift) % 256);
  b.set([m[0]! ^ 0x02, m[1]!, m[2]!, 0xff, 0xfe, m[3]!, m[4]!, m[5]!], 8);
  return formatIpv6Bytes(b);
}

/** See the module comment. */
export class RouterAdvertiser {
  /** Advertisements sent so far. */
  sent = 0;
  readonly source: Ipv6Address;
  private readonly host: Host;
  private readonly config: RouterAdvertiserConfig;
  private readonly kernel: Kernel;
  private readonly ra: RouterAdvertisement;

  constructor(kernel: Kernel, host: Host, config: RouterAdvertiserConfig) {
    if (!(config.interval > 0)) throw new RangeError(`router advertisements need a positive interval, got ${config.interval}`);
    const seconds = Math.round(config.lifetime / 1e9);
    if (!(seconds >= 0 && seconds <= 9000)) throw new RangeError(`router lifetime must be 0 to 9000 s, got ${seconds} s`);
    this.kernel = kernel;
    this.host = host;
    this.config = config;
    this.source = linkLocalAddress(host.mac);
    this.ra = {
      kind: 'icmpv6', type: 'ra', code: 0, currentHopLimit: 64, managedFlag: false, otherConfigFlag: false, reservedFlags: 0,
      routerLifetime: seconds, reachableTime: 0, retransTimer: 0, options: [{ kind: 'source-link-layer', address: host.mac }],
    };
    if (config.start < config.stop) kernel.scheduleAt(config.start, host.name, 'router-advertisement', () => this.advertise());
  }

  private advertise(): void {
    this.sent++;
    this.host.sendIpv6(ndPacket(this.source, IPV6_ALL_NODES, this.ra));
    const next = this.kernel.now + this.config.interval;
    if (next < this.config.stop) this.kernel.scheduleAt(next, this.host.name, 'router-advertisement', () => this.advertise());
  }
}
