/**
 * A redundant gateway pair with a virtual IP and MAC, running VRRP version 3 (RFC 5798) on the wire.
 *
 * Each member is a VRRP router with its own state (§6.4):
 * - The master owns the virtual addresses (answers ARP/ND for them with the virtual MAC, receives
 *   traffic to them), and multicasts an advertisement every Advertisement_Interval from the virtual
 *   MAC: to 224.0.0.18 over IPv4 and ff02::12 over IPv6 (for each family the pair has a virtual
 *   address of), TTL/hop limit 255. The advertisements keep every switch's entry for the virtual MAC
 *   fresh, and they are what a capture at a gateway shows.
 * - A backup restarts its Master_Down_Timer, Master_Down_Interval = 3 × Advertisement_Interval +
 *   Skew_Time, Skew_Time = (256 − Priority) × Advertisement_Interval / 256 (§6.1), on every
 *   advertisement it accepts; when it expires, the backup becomes master, sends an advertisement and
 *   announces the virtual addresses (a gratuitous ARP, an unsolicited NA: §6.4.1, §6.4.2). With
 *   preemption (the default), a backup of higher priority discards a lower-priority master's
 *   advertisements, so it takes over when its timer runs out (§6.4.2).
 * - A master that hears a higher priority (or an equal one from a higher primary address) becomes
 *   backup (§6.4.3). So when the two cannot hear each other, both are master.
 * - A member that goes down falls silent and forgets the virtual addresses; when it comes back it
 *   starts as backup (priorities below 255: §6.4.1).
 * The pair starts converged: the primary is master, the backup's timer running.
 */
import type { Kernel } from '../sim/index.js';
import { Timer } from '../sim/index.js';
import type { Ipv4Address, Ipv4Packet, Ipv6Address, Ipv6Packet, MacAddress, PseudoHeader, VrrpAdvertisement } from '../wire/index.js';
import {
  IP_PROTOCOL_VRRP,
  VRRP_IPV4_GROUP,
  VRRP_IPV6_GROUP,
  formatIpv4,
  ipv4MulticastMac,
  ipv6Bytes,
  ipv6MulticastMac,
  rawPayload,
  vrrpBytes,
  vrrpInPacket,
} from '../wire/index.js';
import type { EchoReply, Host } from './host.js';

/** The virtual addresses of a pair. */
export interface VirtualAddresses {
  readonly mac: MacAddress;
  readonly ipv4?: { readonly address: Ipv4Address; readonly prefixLength: number };
  readonly ipv6?: { readonly address: Ipv6Address; readonly prefixLength: number };
}

/** VRRP settings. */
export interface RedundancyConfig {
  /** Advertisement_Interval, ns (RFC 5798 default 1 s; sent in centiseconds). */
  readonly advertisementInterval?: number;
  /** Priorities of the primary and the backup (default 200 and 100). */
  readonly priorities?: readonly [number, number];
  readonly preempt?: boolean;
  /** The virtual router id (default: the last byte of a 00-00-5E-00-01-xx virtual MAC, else 1). */
  readonly vrid?: number;
}

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /** A gateway took over (or gave back) the virtual addresses. */
    'gateway-master': { readonly master: string };
  }
}

/** One member's VRRP router. */
interface Member {
  readonly host: Host;
  readonly index: number;
  readonly priority: number;
  state: 'down' | 'backup' | 'master';
  readonly advertise: Timer;
  readonly masterDown: Timer;
}

/** See the module comment. */
export class RedundantGatewayPair {
  readonly members: readonly [Host, Host];
  /** The virtual router id in the advertisements. */
  readonly vrid: number;
  private readonly kernel: Kernel;
  private readonly virtual: VirtualAddresses;
  private readonly interval: number;
  private readonly priorities: readonly [number, number];
  private readonly preempt: boolean;
  private readonly routers: readonly [Member, Member];
  private lastMaster = 0;

  constructor(kernel: Kernel, primary: Host, backup: Host, virtual: VirtualAddresses, config: RedundancyConfig = {}) {
    this.kernel = kernel;
    this.members = [primary, backup];
    this.virtual = virtual;
    this.interval = config.advertisementInterval ?? 1e9;
    this.priorities = config.priorities ?? [200, 100];
    this.preempt = config.preempt ?? true;
    const fromMac = Math.floor(virtual.mac / 256) === 0x0000_5e00_01 ? virtual.mac % 256 : 1;
    this.vrid = config.vrid ?? fromMac;
    const member = (host: Host, index: number): Member => {
      const m: Member = {
        host,
        index,
        priority: this.priorities[index]!,
        state: 'down',
        advertise: new Timer(kernel, host.name, 'vrrp-advertisement', () => this.advertiseTick(m)),
        masterDown: new Timer(kernel, host.name, 'vrrp-master-down', () => this.becomeMaster(m, true)),
      };
      return m;
    };
    this.routers = [member(primary, 0), member(backup, 1)];
    for (const m of this.routers) {
      const host = m.host;
      host.acceptMac(virtual.mac);
      if (virtual.ipv4 !== undefined) host.acceptMac(ipv4MulticastMac(VRRP_IPV4_GROUP));
      if (virtual.ipv6 !== undefined) host.acceptMac(ipv6MulticastMac(VRRP_IPV6_GROUP));
      host.bindIpProtocol(IP_PROTOCOL_VRRP, (packet) => this.receive(m, packet));
      host.onUpChange((up) => (up ? this.becomeBackup(m) : this.fail(m)));
    }
    this.becomeMaster(this.routers[0], false);
    this.becomeBackup(this.routers[1]);
  }

  /** The member that owns the virtual addresses now (the first one if both think they do). */
  get master(): Host {
    const m = this.routers.find((r) => r.state === 'master');
    return this.members[m?.index ?? this.lastMaster]!;
  }

  /** Master_Down_Interval of the member at `index`, ns. */
  masterDownInterval(index: number): number {
    return 3 * this.interval + this.skewTime(index);
  }

  private skewTime(index: number): number {
    return Math.round(((256 - this.priorities[index]!) * this.interval) / 256);
  }

  private becomeMaster(m: Member, announce: boolean): void {
    const me = m.host;
    const v = this.virtual;
    if (v.ipv4 !== undefined && !me.ipv4.some((a) => a.address === v.ipv4!.address)) {
      me.addIpv4(v.ipv4.address, v.ipv4.prefixLength, { mac: v.mac, skipDad: true });
    }
    if (v.ipv6 !== undefined && !me.ipv6.some((a) => a.address === v.ipv6!.address)) {
      me.addIpv6(v.ipv6.address, v.ipv6.prefixLength, { mac: v.mac, skipDad: true });
    }
    m.state = 'master';
    this.lastMaster = m.index;
    m.masterDown.cancel();
    if (this.kernel.trace.wants('gateway-master')) this.kernel.trace.emit({ type: 'gateway-master', time: this.kernel.now, node: me.name, master: me.name });
    if (!announce) {
      m.advertise.set(0); // at the start: the first advertisement as the run begins
      return;
    }
    this.advertiseTick(m);
    for (const a of me.ipv4) if (a.mac === v.mac) me.announceArp(a, 'request');
    for (const a of me.ipv6) if (a.mac === v.mac) me.announceNa(a, true);
  }

  private becomeBackup(m: Member): void {
    this.dropVirtual(m);
    m.state = 'backup';
    m.advertise.cancel();
    m.masterDown.set(this.masterDownInterval(m.index));
  }

  /** The member's host went down: silent, and without the virtual addresses when it returns. */
  private fail(m: Member): void {
    this.dropVirtual(m);
    m.state = 'down';
    m.advertise.cancel();
    m.masterDown.cancel();
  }

  private dropVirtual(m: Member): void {
    const v = this.virtual;
    if (v.ipv4 !== undefined && m.host.ipv4.some((a) => a.address === v.ipv4!.address)) m.host.removeAddress('ipv4', formatIpv4(v.ipv4.address));
    if (v.ipv6 !== undefined && m.host.ipv6.some((a) => a.address === v.ipv6!.address)) m.host.removeAddress('ipv6', v.ipv6.address);
  }

  /** Sends the master's advertisements (one per family) and schedules the next. */
  private advertiseTick(m: Member): void {
    if (m.state !== 'master') return;
    const v = this.virtual;
    const ad = (addresses: readonly (Ipv4Address | Ipv6Address)[]): VrrpAdvertisement => ({
      kind: 'vrrp', vrid: this.vrid, priority: m.priority, maxAdvertInterval: Math.round(this.interval / 1e7), addresses,
    });
    if (v.ipv4 !== undefined) {
      // From the member's own address (§5.1.1.1); a member without one uses the virtual one.
      const source = this.primary4(m) ?? v.ipv4.address;
      const pseudo: PseudoHeader = { kind: 'ipv4', source, destination: VRRP_IPV4_GROUP };
      m.host.sendMulticast({
        kind: 'ipv4', typeOfService: 0xc0, identification: 0, flags: 0, fragmentOffset: 0, timeToLive: 255, protocol: IP_PROTOCOL_VRRP,
        source, destination: VRRP_IPV4_GROUP, options: new Uint8Array(0), payload: rawPayload(vrrpBytes(ad([v.ipv4.address]), pseudo)),
      }, v.mac);
    }
    if (v.ipv6 !== undefined) {
      const source = this.primary6(m) ?? v.ipv6.address;
      const pseudo: PseudoHeader = { kind: 'ipv6', source, destination: VRRP_IPV6_GROUP };
      m.host.sendMulticast({
        kind: 'ipv6', trafficClass: 0xc0, flowLabel: 0, nextHeader: IP_PROTOCOL_VRRP, hopLimit: 255,
        source, destination: VRRP_IPV6_GROUP, payload: rawPayload(vrrpBytes(ad([v.ipv6.address]), pseudo)),
      }, v.mac);
    }
    m.advertise.set(this.interval);
  }

  /** An advertisement reached member `m` (§6.4.2, §6.4.3). */
  private receive(m: Member, packet: Ipv4Packet | Ipv6Packet): void {
    if (m.state === 'down') return;
    const ttl = packet.kind === 'ipv4' ? packet.timeToLive : packet.hopLimit;
    if (ttl !== 255) return; // §7.1: not from this link
    let ad: VrrpAdvertisement | undefined;
    try {
      ad = vrrpInPacket(packet);
    } catch {
      return; // §7.1: a malformed advertisement is discarded
    }
    if (ad?.vrid !== this.vrid) return;
    if (m.state === 'backup') {
      if (ad.priority === 0) m.masterDown.set(this.skewTime(m.index));
      else if (!this.preempt || ad.priority >= m.priority) m.masterDown.set(this.masterDownInterval(m.index));
      return;
    }
    // Master: yield to a higher priority, or to an equal one from a higher primary address.
    if (ad.priority > m.priority || (ad.priority === m.priority && this.fromHigherAddress(m, packet))) this.becomeBackup(m);
  }

  /** Member `m`'s own IPv4 address (not the virtual one): the source of its advertisements (§5.1.1.1). */
  private primary4(m: Member): Ipv4Address | undefined {
    return m.host.ipv4.find((a) => a.mac !== this.virtual.mac)?.address;
  }

  /** Member `m`'s own IPv6 address (not the virtual one). */
  private primary6(m: Member): Ipv6Address | undefined {
    return m.host.ipv6.find((a) => a.mac !== this.virtual.mac)?.address;
  }

  /** Whether `packet` comes from a primary address above member `m`'s own (the tie-break of §6.4.3). */
  private fromHigherAddress(m: Member, packet: Ipv4Packet | Ipv6Packet): boolean {
    if (packet.kind === 'ipv4') {
      const own = this.primary4(m);
      return own !== undefined && packet.source > own;
    }
    const own = this.primary6(m);
    if (own === undefined) return false;
    const theirs = ipv6Bytes(packet.source);
    const mine = ipv6Bytes(own);
    for (let i = 0; i < 16; i++) if (theirs[i] !== mine[i]) return theirs[i]! > mine[i]!;
    return false;
  }

  /** Stands for the pair as a traffic source: sends from whichever member is master. */
  sender(name = 'gateway'): Pick<Host, 'name' | 'sendUdp' | 'ping' | 'onEchoReply'> {
    return {
      name,
      sendUdp: (...args: Parameters<Host['sendUdp']>) => this.master.sendUdp(...args),
      ping: (...args: Parameters<Host['ping']>) => this.master.ping(...args),
      onEchoReply: (handler: (reply: EchoReply) => void) => {
        for (const m of this.members) m.onEchoReply(handler);
      },
    };
  }
}
