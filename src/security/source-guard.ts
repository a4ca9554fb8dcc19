/**
 * IP Source Guard (Cisco Catalyst IOS Security Configuration Guide, "IP Source Guard"): a per-port
 * filter of IPv4 traffic built from the DHCP snooping bindings (dynamic or static). On an enabled port
 * an IPv4 packet passes only if a binding for its source address names this port and VLAN, and, in
 * `ip-mac` mode (IOS `ip verify source port-security`), its Ethernet source too. DHCP itself (UDP
 * 67/68) passes, so a client can get the lease that creates its binding. Port-bound by nature: a VM
 * that moves to another port, even on the same switch, is blocked until a binding names the new one.
 * Pure: handed a binding lookup.
 */
import type { Ipv4Address, Ipv4Packet, MacAddress } from '../wire/index.js';
import type { DhcpBinding } from './dhcp-snooping.js';

/** IPSG modes: source IP only (`ip verify source`), or IP and MAC. */
export type SourceGuardMode = 'ip' | 'ip-mac';

/** IP Source Guard settings of a switch. */
export interface SourceGuardConfig {
  /** Enabled ports (indexes) and their mode (default `ip`). */
  readonly ports: readonly number[];
  readonly mode?: SourceGuardMode;
}

/** Why IPSG dropped a packet. */
export type SourceGuardReason = 'no-binding' | 'wrong-port' | 'mac-mismatch';

/** Counters: plain integers. */
export class SourceGuardCounters {
  checked = 0;
  dropped = 0;
}

/** See the module comment. */
export class SourceGuard {
  readonly counters = new SourceGuardCounters();
  private readonly ports: ReadonlySet<number>;
  private readonly mode: SourceGuardMode;

  constructor(config: SourceGuardConfig) {
    this.ports = new Set(config.ports);
    this.mode = config.mode ?? 'ip';
  }

  /** Whether `port` is guarded. */
  guards(port: number): boolean {
    return this.ports.has(port);
  }

  /** An IPv4 packet from Ethernet `source` arrived on `port` in `vlan`: null to pass, or why not. */
  check(port: number, vlan: number, source: MacAddress, p: Ipv4Packet, binding: (a: Ipv4Address) => DhcpBinding | undefined): SourceGuardReason | null {
    if (!this.ports.has(port)) return null;
    const u = p.payload;
    if (u.kind === 'udp' && (u.destinationPort === 67 || u.destinationPort === 68)) return null;
    this.counters.checked++;
    const b = binding(p.source);
    let why: SourceGuardReason | null = null;
    if (b === undefined) why = 'no-binding';
    else if (b.port !== port || b.vlan !== vlan) why = 'wrong-port';
    else if (this.mode === 'ip-mac' && b.mac !== source) why = 'mac-mismatch';
    if (why !== null) this.counters.dropped++;
    return why;
  }
}
