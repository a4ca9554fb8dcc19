/**
 * IPv6 snooping / ND inspection (vendor features: Cisco "IPv6 Snooping", "ND Inspection"; HPE/Aruba
 * and others similar). The switch gleans a binding table {IPv6 address, MAC, port, VLAN} from the
 * NDP it sees on untrusted ports: DAD NS (the target, from the frame's source MAC), NS from a unicast
 * source with a source link-layer option (the source), NA with a target link-layer option (the target),
 * and, when `gleanFromData` is on, the source of any other IPv6 packet (hosts without DHCPv6). An NS
 * or NA that claims an address bound to another MAC or port is treated as theft:
 * - `onConflict: 'drop'` drops it while the binding is fresh (seen within `reachableLifetime`); a
 *   binding not refreshed for that long is stale and moves to the claimant;
 * - `onConflict: 'probe'` drops it and probes the old location with a DAD NS sent out of the bound
 *   port only; an NA for the address from there within `probeTimeout` keeps the binding, silence moves
 *   it to the claimant (the probe FCFS SAVI standardises, RFC 6620).
 * Bindings not seen for `staleLifetime` are forgotten. Vendor timer defaults were not verified: the
 * defaults here (reachable 300 s, stale 24 h, probe timeout 1 s) follow Cisco IPv6 snooping
 * documentation as we read it (unverified). Data packets are never dropped here (that is IPv6 source
 * guard / SAVI). Pure: handed `now`; probes and deadlines go to hooks.
 */
import type { Ipv6Address, Ipv6Packet, MacAddress } from '../wire/index.js';
import { IPV6_UNSPECIFIED } from '../wire/index.js';

const S = 1e9;

/** ND inspection settings of a switch (times in ns). */
export interface NdInspectionConfig {
  /** Inspected VLANs; default (empty) every VLAN. */
  readonly vlans?: readonly number[];
  /** Trusted ports (indexes): not inspected, nothing gleaned. */
  readonly trustedPorts?: readonly number[];
  /** What a conflicting claim meets; default 'drop'. */
  readonly onConflict?: 'drop' | 'probe';
  /** A binding not refreshed for this long is stale and may move; default 300 s (unverified). */
  readonly reachableLifetime?: number;
  /** A binding not refreshed for this long is forgotten; default 24 h (unverified). */
  readonly staleLifetime?: number;
  /** `probe`: how long the old location has to answer; default 1 s (unverified). */
  readonly probeTimeout?: number;
  /** Glean bindings from the source of data packets too; default false. */
  readonly gleanFromData?: boolean;
}

/** Defaults of {@link NdInspectionConfig}. */
export const ND_INSPECTION_DEFAULTS = { onConflict: 'drop', reachableLifetime: 300 * S, staleLifetime: 86_400 * S, probeTimeout: 1 * S, gleanFromData: false } as const;

/** One gleaned binding. */
export interface NdBinding {
  readonly address: Ipv6Address;
  readonly vlan: number;
  mac: MacAddress;
  port: number;
  lastSeen: number;
  /** While the old location is probed: who claims the address (port, MAC), and until when. */
  probe: { readonly port: number; readonly mac: MacAddress; readonly until: number } | null;
}

/** What ND inspection asks of its switch. */
export interface NdInspectionHooks {
  /** Send one DAD NS for `address` in `vlan` out of `port`. */
  sendDadNs(address: Ipv6Address, vlan: number, port: number): void;
  /** Wake the table at `at`; the owner then calls `timers(now)`. */
  arm(at: number): void;
}

/** Counters: plain integers. */
export class NdInspectionCounters {
  gleaned = 0;
  refreshed = 0;
  moved = 0;
  conflicts = 0;
  probes = 0;
  keptByOldOwner = 0;
  dropped = 0;
}

/** See the module comment. */
export class NdInspection {
  readonly counters = new NdInspectionCounters();
  private readonly vlans: ReadonlySet<number>;
  private readonly trusted: ReadonlySet<number>;
  private readonly c: Required<Omit<NdInspectionConfig, 'vlans' | 'trustedPorts'>>;
  private readonly hooks: NdInspectionHooks;
  private readonly table = new Map<string, NdBinding>();

  constructor(config: NdInspectionConfig, hooks: NdInspectionHooks) {
    const d = ND_INSPECTION_DEFAULTS;
    this.vlans = new Set(config.vlans ?? []);
    this.trusted = new Set(config.trustedPorts ?? []);
    this.c = {
      onConflict: config.onConflict ?? d.onConflict,
      reachableLifetime: config.reachableLifetime ?? d.reachableLifetime,
      staleLifetime: config.staleLifetime ?? d.staleLifetime,
      probeTimeout: config.probeTimeout ?? d.probeTimeout,
      gleanFromData: config.gleanFromData ?? d.gleanFromData,
    };
    for (const [name, v] of [['reachable lifetime', this.c.reachableLifetime], ['stale lifetime', this.c.staleLifetime], ['probe timeout', this.c.probeTimeout]] as const) {
      if (!(v > 0)) throw new RangeError(`ND inspection ${name} must be positive, got ${v}`);
    }
    this.hooks = hooks;
  }

  /** The binding of `address` in `vlan` at `now`, if any (forgotten after the stale lifetime). */
  binding(vlan: number, address: Ipv6Address, now: number): NdBinding | undefined {
    const key = `${vlan}|${address}`;
    const b = this.table.get(key);
    if (b !== undefined && b.probe === null && now - b.lastSeen >= this.c.staleLifetime) {
      this.table.delete(key);
      return undefined;
    }
    return b;
  }

  /**
   * Binds `address` in `vlan` to (`mac`, `port`), fresh at `now`, replacing any binding of it: a
   * management plane pushing where a host now is, or a table that held it before the run.
   */
  bind(vlan: number, address: Ipv6Address, mac: MacAddress, port: number, now: number): NdBinding {
    const b: NdBinding = { address, vlan, mac, port, lastSeen: now, probe: null };
    this.table.set(`${vlan}|${address}`, b);
    return b;
  }

  /** Forgets the binding of `address` in `vlan`; returns whether there was one. */
  unbind(vlan: number, address: Ipv6Address): boolean {
    return this.table.delete(`${vlan}|${address}`);
  }

  /** An IPv6 packet from Ethernet `source` arrived on `port` in `vlan` at `now`: null to pass, or why not. */
  check(port: number, vlan: number, source: MacAddress, p: Ipv6Packet, now: number): 'address-theft' | null {
    if (this.trusted.has(port) || (this.vlans.size > 0 && !this.vlans.has(vlan))) return null;
    const m = p.payload;
    let claimed: Ipv6Address;
    let mac = source;
    if (m.kind === 'icmpv6' && m.type === 'ns') {
      if (p.source === IPV6_UNSPECIFIED) claimed = m.targetAddress;
      else {
        const sll = m.options.find((o) => o.kind === 'source-link-layer');
        if (sll === undefined) return null;
        claimed = p.source;
        mac = sll.address;
      }
    } else if (m.kind === 'icmpv6' && m.type === 'na') {
      const tll = m.options.find((o) => o.kind === 'target-link-layer');
      claimed = m.targetAddress;
      if (tll !== undefined) mac = tll.address;
      this.answer(port, vlan, claimed, mac, now);
    } else if (this.c.gleanFromData && p.source !== IPV6_UNSPECIFIED) {
      const b = this.binding(vlan, p.source, now);
      if (b === undefined) this.glean(vlan, p.source, mac, port, now);
      return null;
    } else {
      return null;
    }
    return this.claim(port, vlan, claimed, mac, now);
  }

  private glean(vlan: number, address: Ipv6Address, mac: MacAddress, port: number, now: number): void {
    this.table.set(`${vlan}|${address}`, { address, vlan, mac, port, lastSeen: now, probe: null });
    this.counters.gleaned++;
  }

  /** An NA from the bound location during a probe: the old owner is there. */
  private answer(port: number, vlan: number, address: Ipv6Address, mac: MacAddress, now: number): void {
    const b = this.table.get(`${vlan}|${address}`);
    if (b === undefined || b.probe === null || b.port !== port || b.mac !== mac) return;
    b.probe = null;
    b.lastSeen = now;
    this.counters.keptByOldOwner++;
  }

  private claim(port: number, vlan: number, address: Ipv6Address, mac: MacAddress, now: number): 'address-theft' | null {
    const b = this.binding(vlan, address, now);
    if (b === undefined) {
      this.glean(vlan, address, mac, port, now);
      return null;
    }
    if (b.port === port && b.mac === mac) {
      b.lastSeen = now;
      this.counters.refreshed++;
      return null;
    }
    if (b.probe === null && now - b.lastSeen >= this.c.reachableLifetime) {
      this.move(b, port, mac, now);
      return null;
    }
    this.counters.conflicts++;
    if (this.c.onConflict === 'probe' && b.probe === null) {
      b.probe = { port, mac, until: now + this.c.probeTimeout };
      this.counters.probes++;
      this.hooks.sendDadNs(address, vlan, b.port);
      this.hooks.arm(b.probe.until);
    }
    this.counters.dropped++;
    return 'address-theft';
  }

  private move(b: NdBinding, port: number, mac: MacAddress, now: number): void {
    b.port = port;
    b.mac = mac;
    b.lastSeen = now;
    b.probe = null;
    this.counters.moved++;
  }

  /** Ends the probes due at `now`: no answer came, so the bindings move to their claimants. */
  timers(now: number): void {
    let next = Infinity;
    for (const b of this.table.values()) {
      if (b.probe === null) continue;
      if (b.probe.until <= now) this.move(b, b.probe.port, b.probe.mac, now);
      else next = Math.min(next, b.probe.until);
    }
    if (next < Infinity) this.hooks.arm(next);
  }
}
