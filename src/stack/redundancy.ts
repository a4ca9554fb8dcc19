/**
 * A redundant gateway pair with a virtual IP and MAC, in the manner of VRRP (RFC 5798): the master
 * owns the virtual addresses (answers ARP/ND for them with the virtual MAC, receives traffic to
 * them) and announces them with a gratuitous ARP and an unsolicited NA when it takes over (§6.4.1,
 * §6.4.2). The backup declares the master down after Master_Down_Interval = 3 × Advertisement_Interval
 * + Skew_Time, Skew_Time = (256 − Priority) × Advertisement_Interval / 256 (§6.1), and takes over;
 * with preemption (the default) the higher-priority router takes back over when it is up again.
 * Advertisements are not put on the wire (liveness is checked directly each advertisement interval);
 * the takeover timing and the announcements are.
 */
import type { Kernel } from '../sim/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import { formatIpv4 } from '../wire/index.js';
import type { EchoReply, Host } from './host.js';

/** The virtual addresses of a pair. */
export interface VirtualAddresses {
  readonly mac: MacAddress;
  readonly ipv4?: { readonly address: Ipv4Address; readonly prefixLength: number };
  readonly ipv6?: { readonly address: Ipv6Address; readonly prefixLength: number };
}

/** VRRP timers. */
export interface RedundancyConfig {
  /** Advertisement_Interval, ns (RFC 5798 default 1 s). */
  readonly advertisementInterval?: number;
  /** Priorities of the primary and the backup (default 200 and 100). */
  readonly priorities?: readonly [number, number];
  readonly preempt?: boolean;
}

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /** A gateway took over (or gave back) the virtual addresses. */
    'gateway-master': { readonly master: string };
  }
}

/** See the module comment. */
export class RedundantGatewayPair {
  readonly members: readonly [Host, Host];
  private readonly kernel: Kernel;
  private readonly virtual: VirtualAddresses;
  private readonly interval: number;
  private readonly priorities: readonly [number, number];
  private readonly preempt: boolean;
  private masterIndex = 0;
  private downSince: number | null = null;

  constructor(kernel: Kernel, primary: Host, backup: Host, virtual: VirtualAddresses, config: RedundancyConfig = {}) {
    this.kernel = kernel;
    this.members = [primary, backup];
    this.virtual = virtual;
    this.interval = config.advertisementInterval ?? 1e9;
    this.priorities = config.priorities ?? [200, 100];
    this.preempt = config.preempt ?? true;
    for (const m of this.members) m.acceptMac(virtual.mac);
    this.take(0, false);
    this.kernel.schedule(this.interval, primary.name, 'vrrp-check', () => this.check());
  }

  /** The member that owns the virtual addresses now. */
  get master(): Host {
    return this.members[this.masterIndex]!;
  }

  /** Master_Down_Interval of the member at `index`, ns. */
  masterDownInterval(index: number): number {
    return 3 * this.interval + Math.round(((256 - this.priorities[index]!) * this.interval) / 256);
  }

  private take(index: number, announce: boolean): void {
    const other = this.members[1 - index]!;
    const me = this.members[index]!;
    const v = this.virtual;
    if (v.ipv4 !== undefined) {
      other.removeAddress('ipv4', formatIpv4(v.ipv4.address));
      if (!me.ipv4.some((a) => a.address === v.ipv4!.address)) me.addIpv4(v.ipv4.address, v.ipv4.prefixLength, { mac: v.mac, skipDad: true });
    }
    if (v.ipv6 !== undefined) {
      other.removeAddress('ipv6', v.ipv6.address);
      if (!me.ipv6.some((a) => a.address === v.ipv6!.address)) me.addIpv6(v.ipv6.address, v.ipv6.prefixLength, { mac: v.mac, skipDad: true });
    }
    this.masterIndex = index;
    if (this.kernel.trace.wants('gateway-master')) this.kernel.trace.emit({ type: 'gateway-master', time: this.kernel.now, node: me.name, master: me.name });
    if (!announce) return;
    for (const a of me.ipv4) if (a.mac === v.mac) me.announceArp(a, 'request');
    for (const a of me.ipv6) if (a.mac === v.mac) me.announceNa(a, true);
  }

  private check(): void {
    const now = this.kernel.now;
    const master = this.masterIndex;
    const backup = 1 - master;
    if (!this.members[master]!.up) {
      this.downSince ??= now;
      if (this.members[backup]!.up && now - this.downSince >= this.masterDownInterval(backup)) {
        this.take(backup, true);
        this.downSince = null;
      }
    } else {
      this.downSince = null;
      // Preemption: a higher-priority member that is up takes the role back.
      if (this.preempt && this.priorities[backup]! > this.priorities[master]! && this.members[backup]!.up) this.take(backup, true);
    }
    this.kernel.schedule(this.interval, this.members[0].name, 'vrrp-check', () => this.check());
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
