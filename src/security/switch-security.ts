/**
 * The thin adapter between the pure features of this folder and a switch: {@link attachSecurity}
 * makes the features a configuration asks for, installs itself as the switch's frame filter
 * (src/net filter.ts) and runs, for every frame that arrives on a port:
 *
 * 1. err-disabled port or VLAN: everything dropped, in and out (err-disable.ts); then, on a
 *    hypervisor's virtual switch, the per-vNIC guard (vnic-guard.ts);
 * 2. port security on the source MAC (port-security.ts); a violation in shutdown mode err-disables
 *    the port, in shutdown-vlan mode the VLAN on it;
 * 3. by payload: ARP -> dynamic ARP inspection (arp-inspection.ts; exceeding the rate limit
 *    err-disables the port) and SAVI-DHCP's detection; IPv4 DHCP -> DHCP snooping (dhcp-snooping.ts)
 *    and SAVI-DHCP; other IPv4 -> IP Source Guard (source-guard.ts) and SAVI-DHCP; IPv6 -> RA guard
 *    (ra-guard.ts), ND inspection (nd-inspection.ts) and FCFS SAVI (savi-fcfs.ts).
 * The first feature that refuses a frame names the drop; later ones do not see it. On the way out, a
 * copy is dropped at an err-disabled port or VLAN, and a DAD NS that FCFS SAVI confines to trusted
 * ports is not sent elsewhere.
 *
 * The adapter owns what touches the simulation: the kernel's time and timers (recovery from
 * err-disable; the features' deadlines), the frames the features send (FCFS SAVI's and ND
 * inspection's DAD NS, SAVI-DHCP's ARP probes, out of the right ports with the VLAN's tag where the
 * port is a trunk), flushing an err-disabled port's learned MACs, and the trace events below. Its
 * counters are plain integers: drops per feature and reason, plus each feature's own counters.
 *
 * With `leaseQueryRecovery`, a frame DAI or IP Source Guard refuses for want of a binding (none, or
 * one on another port) makes the switch ask the DHCP server (RFC 4388 LEASEQUERY by address, through
 * `leaseQuery`); an active lease held by the frame's source MAC becomes a dynamic binding on the
 * ingress port, so the host's next frames pass. This is SAVI-DHCP's data-snooping recovery (RFC 7513
 * §7) applied to the DHCP snooping table; which vendors offer it is unverified. As there, a port asks
 * about one address at most once per DATA_SNOOPING_INTERVAL (60 s), here per (port, address) so that
 * the VMs behind one hypervisor port are not served one a minute.
 */
import type { FilterDrop, FrameFilter, LearningSwitch, Network, Port, SimFrame } from '../net/index.js';
import { vlanTagFor } from '../net/index.js';
import type { Kernel } from '../sim/index.js';
import { Timer } from '../sim/index.js';
import type { LeaseQueryAnswer } from '../stack/index.js';
import type { EthernetFrame, Ipv4Address, Ipv6Address, Ipv6Packet, MacAddress } from '../wire/index.js';
import { IPV6_UNSPECIFIED, MAC_BROADCAST, arpProbe, ethernetFrame, formatIpv4, formatMac, ipv6Destination, isGroupMac, neighborSolicitation } from '../wire/index.js';
import type { ArpInspectionConfig } from './arp-inspection.js';
import { ArpInspection } from './arp-inspection.js';
import type { DhcpSnoopingConfig } from './dhcp-snooping.js';
import { DhcpSnooping } from './dhcp-snooping.js';
import type { ErrDisableCause, ErrDisabled, ErrDisableRecoveryConfig } from './err-disable.js';
import { ErrDisableTable } from './err-disable.js';
import type { NdInspectionConfig } from './nd-inspection.js';
import { NdInspection } from './nd-inspection.js';
import type { PortSecurityConfig } from './port-security.js';
import { PortSecurity } from './port-security.js';
import type { RaGuardConfig } from './ra-guard.js';
import { RaGuard } from './ra-guard.js';
import type { SaviDhcpConfig } from './savi-dhcp.js';
import { SaviDhcp } from './savi-dhcp.js';
import type { FcfsSaviConfig } from './savi-fcfs.js';
import { FcfsSavi } from './savi-fcfs.js';
import { SAVI_DHCP } from './savi-dhcp.js';
import type { SourceGuardConfig } from './source-guard.js';
import { SourceGuard } from './source-guard.js';
import { VnicGuard } from './vnic-guard.js';
import type { SecurityFeature } from './verdict.js';
import { DropCounts, SECURITY_FEATURES, securityDrop } from './verdict.js';

/** Where SAVI-DHCP's leasequeries go (a DHCP server's `leaseQuery`), and how long an answer takes. */
export interface LeaseQueryService {
  /** Answers a query by address (RFC 4388), as the server knows it when the query arrives. */
  readonly query: (address: Ipv4Address) => LeaseQueryAnswer;
  /** Query-to-answer delay, ns; default 1 ms (a modelling choice: the exchange is not put on the wire). */
  readonly roundTrip?: number;
}

/**
 * The security features of one switch; every one is off unless its section is given. Port indexes
 * are the switch's (0-based, `LearningSwitch.ports`). Defaults are each section's, documented on its
 * config type (Cisco Catalyst IOS unless stated): {@link PortSecurityConfig}, {@link DhcpSnoopingConfig},
 * {@link ArpInspectionConfig}, {@link SourceGuardConfig}, {@link NdInspectionConfig},
 * {@link RaGuardConfig}, {@link FcfsSaviConfig}, {@link SaviDhcpConfig}, {@link ErrDisableRecoveryConfig}.
 * DAI and IP Source Guard read the DHCP snooping bindings; without a `dhcpSnooping` section the table
 * holds only static bindings (`SwitchSecurity.snooping.addStatic`) and DHCP is not snooped.
 */
export interface SwitchSecurityConfig {
  readonly portSecurity?: PortSecurityConfig;
  readonly dhcpSnooping?: DhcpSnoopingConfig;
  readonly arpInspection?: ArpInspectionConfig;
  readonly sourceGuard?: SourceGuardConfig;
  readonly ndInspection?: NdInspectionConfig;
  readonly raGuard?: RaGuardConfig;
  readonly fcfsSavi?: FcfsSaviConfig;
  readonly saviDhcp?: SaviDhcpConfig;
  readonly errDisableRecovery?: ErrDisableRecoveryConfig;
  readonly leaseQuery?: LeaseQueryService;
  /** Per-vNIC address enforcement (a hypervisor's virtual switch; ports configured through `vnicGuard.allow`); default off. */
  readonly vnicGuard?: boolean;
  /** Recover missing DHCP snooping bindings by leasequery (see the module comment); default off. */
  readonly leaseQueryRecovery?: boolean;
}

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /**
     * A switch port (or one VLAN on it, `vlan` >= 0) was error-disabled by a security feature, or
     * recovered (its recovery timer, or `SwitchSecurity.recover`).
     */
    'security-port': {
      readonly port: string;
      readonly vlan: number;
      readonly state: 'err-disabled' | 'recovered';
      readonly cause: ErrDisableCause;
      /** For `recovered`: how long it was disabled, ns. */
      readonly duration: number;
    };
    /** A security feature noticed something that is not a drop (a port security violation in any mode, a binding moved). */
    'security-event': {
      readonly feature: SecurityFeature;
      readonly event: string;
      readonly port: string;
      readonly detail: string;
    };
  }
}

/** The adapter's own counters: plain integers. */
export class SwitchSecurityCounters {
  /** Frames refused on the way in. */
  ingressDrops = 0;
  /** Copies refused on the way out. */
  egressDrops = 0;
  /** Frames the features sent (DAD NS, ARP probes). */
  framesSent = 0;
  /** Leasequeries sent to recover a DHCP snooping binding, and bindings they recovered. */
  leaseQueries = 0;
  bindingsRecovered = 0;
}

/** See the module comment. */
export class SwitchSecurity implements FrameFilter {
  readonly sw: LearningSwitch;
  readonly counters = new SwitchSecurityCounters();
  /** Drops by feature, then by reason. */
  readonly drops: ReadonlyMap<SecurityFeature, DropCounts>;
  readonly errDisabled: ErrDisableTable;
  readonly portSecurity: PortSecurity | null;
  /** The binding table DAI and IPSG read; it snoops DHCP only with a `dhcpSnooping` section. */
  readonly snooping: DhcpSnooping;
  readonly arpInspection: ArpInspection | null;
  readonly sourceGuard: SourceGuard | null;
  readonly ndInspection: NdInspection | null;
  readonly raGuard: RaGuard | null;
  readonly fcfsSavi: FcfsSavi | null;
  readonly saviDhcp: SaviDhcp | null;
  readonly vnicGuard: VnicGuard | null;
  private readonly snoopDhcp: boolean;
  private readonly leaseQueryRecovery: boolean;
  /** (port, address) -> when a recovery leasequery was last sent. */
  private readonly recoveries = new Map<string, number>();
  private readonly network: Network;
  private readonly kernel: Kernel;
  private readonly leaseQueryService: LeaseQueryService | undefined;
  private readonly saviTimer: Timer | null;
  private readonly ndTimer: Timer | null;
  private readonly saviDhcpTimer: Timer | null;
  private readonly binding = (a: Ipv4Address) => this.snooping.binding(a, this.kernel.now);
  /** The frame FCFS SAVI confined at ingress (by id) and the anchor port it may also reach. */
  private confinedFrame = -1;
  private confinedAlso = -1;

  constructor(network: Network, sw: LearningSwitch, config: SwitchSecurityConfig) {
    this.network = network;
    this.kernel = network.kernel;
    this.sw = sw;
    this.drops = new Map(SECURITY_FEATURES.map((f) => [f, new DropCounts()]));
    this.errDisabled = new ErrDisableTable(config.errDisableRecovery);
    this.portSecurity = config.portSecurity === undefined ? null : new PortSecurity(config.portSecurity);
    this.snooping = new DhcpSnooping(config.dhcpSnooping ?? {});
    this.snoopDhcp = config.dhcpSnooping !== undefined;
    this.arpInspection = config.arpInspection === undefined ? null : new ArpInspection(config.arpInspection);
    this.sourceGuard = config.sourceGuard === undefined ? null : new SourceGuard(config.sourceGuard);
    this.raGuard = config.raGuard === undefined ? null : new RaGuard(config.raGuard);
    this.leaseQueryService = config.leaseQuery;
    this.vnicGuard = config.vnicGuard === true ? new VnicGuard() : null;
    this.leaseQueryRecovery = config.leaseQueryRecovery === true;
    const name = sw.name;
    this.saviTimer = config.fcfsSavi === undefined ? null : new Timer(this.kernel, name, 'savi-fcfs', () => this.fcfsSavi!.timers(this.kernel.now));
    this.fcfsSavi = config.fcfsSavi === undefined ? null : new FcfsSavi(config.fcfsSavi, {
      sendDadNs: (address, vlan, port) => this.sendDadNs(address, vlan, port, (p) => this.fcfsSavi!.isTrusted(p)),
      arm: (at) => this.armAt(this.saviTimer!, at),
    });
    this.ndTimer = config.ndInspection === undefined ? null : new Timer(this.kernel, name, 'nd-inspection', () => this.ndInspection!.timers(this.kernel.now));
    this.ndInspection = config.ndInspection === undefined ? null : new NdInspection(config.ndInspection, {
      sendDadNs: (address, vlan, port) => this.sendDadNs(address, vlan, port, () => false),
      arm: (at) => this.armAt(this.ndTimer!, at),
    });
    this.saviDhcpTimer = config.saviDhcp === undefined ? null : new Timer(this.kernel, name, 'savi-dhcp', () => this.saviDhcpTick());
    this.saviDhcp = config.saviDhcp === undefined ? null : new SaviDhcp(config.saviDhcp, {
      sendArpProbe: (address, vlan, except) => this.sendArpProbe(address, vlan, except),
      leaseQuery: (address) => this.leaseQuery(address),
      arm: (at) => this.armAt(this.saviDhcpTimer!, at),
    });
    if (this.raGuard !== null) for (const p of sw.ports) if (p.up) this.raGuard.relearn(p.index, this.kernel.now);
  }

  // ---- FrameFilter ------------------------------------------------------------------------------

  ingress(port: Port, frame: SimFrame, vlan: number): FilterDrop | null {
    const why = this.decide(port, frame, vlan);
    if (why !== null) {
      this.counters.ingressDrops++;
      this.drops.get(why.filter as SecurityFeature)!.add(why.reason);
    }
    return why;
  }

  egress(port: Port, frame: SimFrame, vlan: number): FilterDrop | null {
    let why: FilterDrop | null = null;
    const off = this.errDisabled.blocks(port.index, vlan);
    if (off !== undefined) why = securityDrop('err-disabled', off.cause);
    else if (frame.id === this.confinedFrame && port.index !== this.confinedAlso && !this.fcfsSavi!.isTrusted(port.index)) {
      why = securityDrop('savi-fcfs', 'dad-ns-confined');
    }
    if (why !== null) {
      this.counters.egressDrops++;
      this.drops.get(why.filter as SecurityFeature)!.add(why.reason);
    }
    return why;
  }

  linkChanged(port: Port, up: boolean): void {
    if (!up) this.portSecurity?.portDown(port.index);
    else this.raGuard?.relearn(port.index, this.kernel.now);
  }

  private decide(port: Port, frame: SimFrame, vlan: number): FilterDrop | null {
    this.confinedFrame = -1;
    const i = port.index;
    const now = this.kernel.now;
    const off = this.errDisabled.blocks(i, vlan);
    if (off !== undefined) return securityDrop('err-disabled', off.cause);
    const eth = frame.eth;
    if (this.vnicGuard !== null) {
      const why = this.vnicGuard.check(i, eth);
      if (why !== null) return securityDrop('vnic-guard', why);
    }
    if (this.portSecurity !== null && !isGroupMac(eth.source)) {
      const v = this.portSecurity.check(i, vlan, eth.source, now);
      if (v.kind === 'violation') {
        this.event('port-security', `violation-${v.mode}`, port, `${v.rule} ${formatMac(eth.source)} vlan ${vlan}`);
        if (v.mode === 'shutdown') this.errDisable(i, -1, 'psecure-violation');
        else if (v.mode === 'shutdown-vlan') this.errDisable(i, vlan, 'psecure-violation');
        return securityDrop('port-security', v.rule);
      }
    }
    const p = eth.payload;
    if (p.kind === 'arp') {
      if (this.arpInspection !== null) {
        const v = this.arpInspection.inspect(i, vlan, eth.source, eth.destination, p, eth.etherType === 0x8035, this.binding, now);
        if (v.kind === 'rate-exceeded') {
          this.errDisable(i, -1, 'arp-inspection');
          return securityDrop('arp-inspection', 'rate-exceeded');
        }
        if (v.kind === 'drop') {
          if (v.reason === 'no-binding' || v.reason === 'wrong-port') this.recoverBinding(p.senderProtocolAddress, eth.source, i, vlan);
          return securityDrop('arp-inspection', v.reason);
        }
      }
      if (this.saviDhcp !== null && p.senderProtocolAddress !== 0) this.saviDhcp.arp(i, p.senderProtocolAddress);
      return null;
    }
    if (p.kind === 'ipv4') {
      const u = p.payload;
      if (u.kind === 'udp' && u.payload.kind === 'dhcp') {
        if (this.snoopDhcp) {
          const v = this.snooping.inspect(i, vlan, eth.source, u.payload, now);
          if (v.kind === 'rate-exceeded') {
            this.errDisable(i, -1, 'dhcp-rate-limit');
            return securityDrop('dhcp-snooping', 'rate-exceeded');
          }
          if (v.kind === 'drop') return securityDrop('dhcp-snooping', v.reason);
        }
        if (this.saviDhcp !== null) {
          const why = this.saviDhcp.dhcp(i, vlan, u.payload, now);
          if (why !== null) return securityDrop('savi-dhcp', why);
        }
        return null;
      }
      if (this.sourceGuard !== null) {
        const why = this.sourceGuard.check(i, vlan, eth.source, p, this.binding);
        if (why !== null) {
          if (why === 'no-binding' || why === 'wrong-port') this.recoverBinding(p.source, eth.source, i, vlan);
          return securityDrop('ip-source-guard', why);
        }
      }
      if (this.saviDhcp !== null) {
        const why = this.saviDhcp.data(i, vlan, eth.source, p, now);
        if (why !== null) return securityDrop('savi-dhcp', why);
      }
      return null;
    }
    if (p.kind === 'ipv6') return this.decideIpv6(port, frame, p, vlan, now);
    return null;
  }

  private decideIpv6(port: Port, frame: SimFrame, p: Ipv6Packet, vlan: number, now: number): FilterDrop | null {
    const i = port.index;
    if (this.raGuard !== null) {
      const why = this.raGuard.check(i, frame.eth.source, p, now);
      if (why !== null) return securityDrop('ra-guard', why);
    }
    if (this.ndInspection !== null) {
      const why = this.ndInspection.check(i, vlan, frame.eth.source, p, now);
      if (why !== null) return securityDrop('nd-inspection', why);
    }
    if (this.fcfsSavi !== null) {
      const v = this.fcfsSavi.packet(i, vlan, p, now);
      if (v.drop !== null) return securityDrop('savi-fcfs', v.drop);
      if (v.confine !== null) {
        this.confinedFrame = frame.id;
        this.confinedAlso = v.confine.alsoPort;
      }
    }
    return null;
  }

  // ---- err-disable ------------------------------------------------------------------------------

  /** Error-disables `port` (or `vlan` on it, vlan >= 0) for `cause`, with the configured recovery. */
  errDisable(port: number, vlan: number, cause: ErrDisableCause): ErrDisabled | undefined {
    const now = this.kernel.now;
    const e = this.errDisabled.disable(port, vlan, cause, now);
    if (e === undefined) return undefined;
    const p = this.sw.ports[port]!;
    if (vlan < 0) {
      // The port is down as far as the switch's tables go: learned and dynamic secure MACs go (IOS).
      this.sw.flush(port, 'err-disabled');
      this.portSecurity?.portDown(port);
    }
    this.portEvent(p, vlan, 'err-disabled', cause, 0);
    if (e.recoverAt >= 0) this.kernel.scheduleAt(e.recoverAt, this.sw.name, 'errdisable-recovery', () => this.recover(e));
    return e;
  }

  /** Brings an err-disabled port or VLAN back (its recovery timer, or an operator). */
  recover(e: ErrDisabled): boolean {
    if (!this.errDisabled.recover(e)) return false;
    this.arpInspection?.resetRate(e.port);
    this.snooping.resetRate(e.port);
    this.portEvent(this.sw.ports[e.port]!, e.vlan, 'recovered', e.cause, this.kernel.now - e.since);
    return true;
  }

  private portEvent(port: Port, vlan: number, state: 'err-disabled' | 'recovered', cause: ErrDisableCause, duration: number): void {
    const bus = this.kernel.trace;
    if (bus.wants('security-port')) bus.emit({ type: 'security-port', time: this.kernel.now, node: this.sw.name, port: port.name, vlan, state, cause, duration });
  }

  private event(feature: SecurityFeature, event: string, port: Port, detail: string): void {
    const bus = this.kernel.trace;
    if (bus.wants('security-event')) bus.emit({ type: 'security-event', time: this.kernel.now, node: this.sw.name, feature, event, port: port.name, detail });
  }

  // ---- what the features send -------------------------------------------------------------------

  private armAt(timer: Timer, at: number): void {
    const now = this.kernel.now;
    const t = Math.max(now, Math.ceil(at));
    if (timer.pending && timer.time! <= t) return;
    timer.setAt(t);
  }

  /** Sends `eth` out of port `index` in `vlan`, tagged if the port is a trunk that tags the VLAN. */
  private sendOut(index: number, vlan: number, eth: EthernetFrame): void {
    if (this.errDisabled.blocks(index, vlan) !== undefined) return;
    const mode = this.sw.mode(index);
    const tagged = mode.kind === 'trunk' && mode.nativeVlan !== vlan;
    const out = tagged ? { ...eth, vlanTags: [vlanTagFor(vlan)] } : eth;
    this.counters.framesSent++;
    this.sw.ports[index]!.send(this.network.frame(out));
  }

  /** A DAD NS (RFC 4862 §5.4.2: from ::, to the solicited-node group, no SLLAO) out of `port`, or of every port `trusted` picks with -1. */
  private sendDadNs(address: Ipv6Address, vlan: number, port: number, trusted: (port: number) => boolean): void {
    const packet = neighborSolicitation(IPV6_UNSPECIFIED, address, this.sw.address);
    const eth = ethernetFrame(ipv6Destination(packet, this.sw.address), this.sw.address, packet);
    if (port >= 0) return this.sendOut(port, vlan, eth);
    for (const i of this.sw.floodPorts(vlan)) if (trusted(i)) this.sendOut(i, vlan, eth);
  }

  /** An RFC 5227 probe for `address` out of every forwarding port of `vlan` but `except`. */
  private sendArpProbe(address: Ipv4Address, vlan: number, except: number): void {
    const eth = ethernetFrame(MAC_BROADCAST, this.sw.address, arpProbe(this.sw.address, address));
    for (const i of this.sw.floodPorts(vlan)) if (i !== except) this.sendOut(i, vlan, eth);
  }

  private leaseQuery(address: Ipv4Address): void {
    const service = this.leaseQueryService;
    if (service === undefined) return;
    this.kernel.schedule(service.roundTrip ?? 1e6, this.sw.name, 'leasequery', () => {
      this.saviDhcp!.leaseQueryAnswer(address, service.query(address), this.kernel.now);
    });
  }

  /** Asks the DHCP server about `address`, seen from `mac` on `port` without a binding there (see the module comment). */
  private recoverBinding(address: Ipv4Address, mac: MacAddress, port: number, vlan: number): void {
    const service = this.leaseQueryService;
    if (!this.leaseQueryRecovery || service === undefined || address === 0) return;
    const now = this.kernel.now;
    const key = `${port}|${address}`;
    const last = this.recoveries.get(key);
    if (last !== undefined && now - last < SAVI_DHCP.DATA_SNOOPING_INTERVAL) return;
    this.recoveries.set(key, now);
    this.counters.leaseQueries++;
    this.kernel.schedule(service.roundTrip ?? 1e6, this.sw.name, 'leasequery', () => {
      const answer = service.query(address);
      if (answer.kind !== 'active' || answer.client !== mac) return;
      const at = this.kernel.now;
      this.snooping.addDynamic({ address, mac, vlan, port, expires: at + answer.remaining });
      this.counters.bindingsRecovered++;
      this.event('dhcp-snooping', 'binding-recovered', this.sw.ports[port]!, `${formatIpv4(address)} ${formatMac(mac)} vlan ${vlan}`);
    });
  }

  private saviDhcpTick(): void {
    const now = this.kernel.now;
    this.saviDhcp!.timers(now);
    let next = Infinity;
    for (const e of this.saviDhcp!.bindings()) if (e.expires > now) next = Math.min(next, e.expires);
    if (next < Infinity) this.armAt(this.saviDhcpTimer!, next);
  }
}

/** Attaches the features of `config` to `sw` (as its frame filter) and returns them. */
export function attachSecurity(network: Network, sw: LearningSwitch, config: SwitchSecurityConfig): SwitchSecurity {
  if (sw.filter !== null) throw new Error(`${sw.name} already has a frame filter`);
  const security = new SwitchSecurity(network, sw, config);
  sw.filter = security;
  return security;
}
