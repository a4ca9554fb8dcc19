/**
 * SAVI-DHCP (RFC 7513) for DHCPv4: bindings between a DHCP-assigned address and its binding anchor
 * (the switch port), made by snooping DHCP, and a filter that lets IPv4 packets from a validating port
 * through only when their source is bound to that port.
 *
 * Ports are validating (towards clients; the default) or trusted (towards servers and other SAVI
 * devices: RFC 7513's SAVI-DHCP-Trust and Trust attributes, merged here). DHCP states (§6):
 * - NO_BIND + DHCPREQUEST from a validating port -> INIT_BIND (anchor, transaction ID), lifetime
 *   MAX_DHCP_RESPONSE_TIME (120 s);
 * - INIT_BIND + DHCPACK with that transaction ID from a trusted port -> BOUND with yiaddr and the
 *   lease time; a DHCPNAK removes it; BOUND + a REQUEST from the anchor (renewal) notes the new
 *   transaction ID, and its ACK extends the lifetime;
 * - DHCPRELEASE or DHCPDECLINE from the anchor, or the lifetime running out, removes the binding.
 * Server messages arriving on a validating port are dropped.
 *
 * Data snooping (§7), off by default, recovers a binding whose DHCP exchange the device missed (a
 * moved VM, a rebooted switch): an IPv4 packet from a validating port with an unbound source starts,
 * at most once per anchor per DATA_SNOOPING_INTERVAL (60 s), DETECTION: an ARP probe for the address
 * goes out of every other port and any ARP claiming the address from elsewhere within
 * DETECTION_TIMEOUT (0.5 s) ends the attempt; then RECOVERY: a LEASEQUERY (RFC 4388) for the address,
 * answered within MAX_LEASEQUERY_DELAY (10 s) by an active lease for the packet's source MAC, makes
 * the binding BOUND for the lease's remaining time. (RFC 7513's VERIFY step, checking that the
 * answer names this client, is the MAC comparison here.) Packets are dropped until BOUND.
 * OFFLINK_DELAY (30 s, removing bindings of an anchor whose link stays down) is not modelled.
 * Pure: handed `now`; probes, leasequeries and deadlines go to hooks.
 */
import type { DhcpMessage, Ipv4Address, Ipv4Packet, MacAddress } from '../wire/index.js';
import { DHCP_ACK, DHCP_DECLINE, DHCP_NAK, DHCP_RELEASE, DHCP_REQUEST, dhcpClientMac, dhcpMessageType } from '../wire/index.js';
import type { LeaseQueryAnswer } from '../stack/index.js';

const S = 1e9;

/** RFC 7513 constants, ns. */
export const SAVI_DHCP = {
  MAX_DHCP_RESPONSE_TIME: 120 * S,
  MAX_LEASEQUERY_DELAY: 10 * S,
  DETECTION_TIMEOUT: 0.5 * S,
  DATA_SNOOPING_INTERVAL: 60 * S,
  OFFLINK_DELAY: 30 * S,
} as const;

/** Binding states (RFC 7513 §6.2, §7.3). */
export type SaviDhcpState = 'init-bind' | 'bound' | 'detection' | 'recovery';

/** SAVI-DHCP settings of a switch. */
export interface SaviDhcpConfig {
  /** Trusted ports (indexes); every other port is validating. */
  readonly trustedPorts?: readonly number[];
  /** Validated VLANs; default (empty) every VLAN. */
  readonly vlans?: readonly number[];
  /** The data-snooping process (§7); default false (RFC 7513: disabled by default). */
  readonly dataSnooping?: boolean;
}

/** One binding. */
export interface SaviDhcpEntry {
  /** The binding anchor: a port index. */
  readonly port: number;
  readonly vlan: number;
  /** The address (0 while INIT_BIND has not seen its ACK). */
  address: Ipv4Address;
  /** The client's MAC (chaddr, or the data packet's source). */
  readonly mac: MacAddress;
  state: SaviDhcpState;
  transactionId: number;
  expires: number;
}

/** What SAVI-DHCP asks of its switch. */
export interface SaviDhcpHooks {
  /** Data snooping, DETECTION: send an ARP probe for `address` in `vlan` out of every port but `exceptPort`. */
  sendArpProbe(address: Ipv4Address, vlan: number, exceptPort: number): void;
  /** Data snooping, RECOVERY: ask the DHCP server(s) about `address`; answer with `leaseQueryAnswer`. */
  leaseQuery(address: Ipv4Address, vlan: number): void;
  /** Wake the table at `at`; the owner then calls `timers(now)`. */
  arm(at: number): void;
}

/** Why SAVI-DHCP dropped a packet. */
export type SaviDhcpReason = 'unbound-source' | 'server-message-untrusted' | 'recovering';

/** Counters: plain integers. */
export class SaviDhcpCounters {
  bound = 0;
  removed = 0;
  expired = 0;
  detections = 0;
  detectionConflicts = 0;
  leaseQueries = 0;
  recovered = 0;
  dropped = 0;
}

/** See the module comment. */
export class SaviDhcp {
  readonly counters = new SaviDhcpCounters();
  private readonly trusted: ReadonlySet<number>;
  private readonly vlans: ReadonlySet<number>;
  private readonly dataSnooping: boolean;
  private readonly hooks: SaviDhcpHooks;
  private readonly entries: SaviDhcpEntry[] = [];
  /** Anchor port -> last time it started a data-snooping process. */
  private readonly lastSnoop = new Map<number, number>();

  constructor(config: SaviDhcpConfig, hooks: SaviDhcpHooks) {
    this.trusted = new Set(config.trustedPorts ?? []);
    this.vlans = new Set(config.vlans ?? []);
    this.dataSnooping = config.dataSnooping ?? false;
    this.hooks = hooks;
  }

  /** Whether `port` is trusted. */
  isTrusted(port: number): boolean {
    return this.trusted.has(port);
  }

  /** The bindings now (every state). */
  bindings(): readonly SaviDhcpEntry[] {
    return this.entries;
  }

  /**
   * Binds `address` to `port` (BOUND until `expires`), replacing the address's bindings elsewhere: a
   * management plane pushing the destination of a migration, or a binding made before the run.
   */
  bind(port: number, vlan: number, address: Ipv4Address, mac: MacAddress, expires: number): SaviDhcpEntry {
    this.unbind(address);
    const e: SaviDhcpEntry = { port, vlan, address, mac, state: 'bound', transactionId: 0, expires };
    this.counters.bound++;
    this.add(e);
    return e;
  }

  /** Removes every binding of `address` (on `port` only, when given); returns how many. */
  unbind(address: Ipv4Address, port?: number): number {
    let n = 0;
    for (const e of [...this.entries]) {
      if (e.address !== address || (port !== undefined && e.port !== port)) continue;
      this.removeEntry(e);
      n++;
    }
    return n;
  }

  private applies(vlan: number): boolean {
    return this.vlans.size === 0 || this.vlans.has(vlan);
  }

  private add(e: SaviDhcpEntry): void {
    this.entries.push(e);
    if (Number.isFinite(e.expires)) this.hooks.arm(e.expires);
  }

  private removeEntry(e: SaviDhcpEntry): void {
    const i = this.entries.indexOf(e);
    if (i >= 0) {
      this.entries.splice(i, 1);
      this.counters.removed++;
    }
  }

  /** A DHCP message arrived on `port` in `vlan` at `now`: null to pass, or why not. */
  dhcp(port: number, vlan: number, m: DhcpMessage, now: number): SaviDhcpReason | null {
    if (!this.applies(vlan)) return null;
    const type = dhcpMessageType(m);
    const client = dhcpClientMac(m);
    if (client === undefined) return null;
    if (m.op === 2) {
      if (!this.trusted.has(port)) {
        this.counters.dropped++;
        return 'server-message-untrusted';
      }
      for (const e of [...this.entries]) {
        if (e.mac !== client || e.transactionId !== m.transactionId || (e.state !== 'init-bind' && e.state !== 'bound')) continue;
        if (type === DHCP_ACK && m.yourAddress !== 0) {
          e.address = m.yourAddress;
          e.state = 'bound';
          e.expires = now + (leaseOf(m) ?? 0) * S;
          this.counters.bound++;
          this.hooks.arm(e.expires);
        } else if (type === DHCP_NAK) {
          this.removeEntry(e);
        }
      }
      return null;
    }
    if (this.trusted.has(port)) return null;
    if (type === DHCP_REQUEST) {
      const e = this.entries.find((x) => x.port === port && x.mac === client && (x.state === 'bound' || x.state === 'init-bind'));
      if (e === undefined) this.add({ port, vlan, address: 0 as Ipv4Address, mac: client, state: 'init-bind', transactionId: m.transactionId, expires: now + SAVI_DHCP.MAX_DHCP_RESPONSE_TIME });
      else e.transactionId = m.transactionId;
    } else if (type === DHCP_RELEASE || type === DHCP_DECLINE) {
      for (const e of [...this.entries]) if (e.port === port && e.mac === client && e.state === 'bound') this.removeEntry(e);
    }
    return null;
  }

  /** An IPv4 packet (not DHCP) from Ethernet `source` arrived on `port` in `vlan` at `now`. */
  data(port: number, vlan: number, source: MacAddress, p: Ipv4Packet, now: number): SaviDhcpReason | null {
    if (this.trusted.has(port) || !this.applies(vlan)) return null;
    const a = p.source;
    if (a === 0) return null;
    let pending: SaviDhcpEntry | undefined;
    for (const e of this.entries) {
      if (e.address !== a || e.port !== port) continue;
      if (e.state === 'bound' && e.expires > now) return null;
      if (e.state === 'detection' || e.state === 'recovery') pending = e;
    }
    this.counters.dropped++;
    if (pending !== undefined) return 'recovering';
    if (this.dataSnooping) {
      const last = this.lastSnoop.get(port);
      if (last === undefined || now - last >= SAVI_DHCP.DATA_SNOOPING_INTERVAL) {
        this.lastSnoop.set(port, now);
        this.counters.detections++;
        this.add({ port, vlan, address: a, mac: source, state: 'detection', transactionId: 0, expires: now + SAVI_DHCP.DETECTION_TIMEOUT });
        this.hooks.sendArpProbe(a, vlan, port);
        return 'recovering';
      }
    }
    return 'unbound-source';
  }

  /** An ARP packet with sender `address` arrived on `port`: during DETECTION from elsewhere, a conflict. */
  arp(port: number, senderAddress: Ipv4Address): void {
    for (const e of [...this.entries]) {
      if (e.state === 'detection' && e.address === senderAddress && e.port !== port) {
        this.counters.detectionConflicts++;
        this.removeEntry(e);
      }
    }
  }

  /** The answer to a leasequery sent in RECOVERY (RFC 4388 §6.4). */
  leaseQueryAnswer(address: Ipv4Address, answer: LeaseQueryAnswer, now: number): void {
    for (const e of [...this.entries]) {
      if (e.state !== 'recovery' || e.address !== address) continue;
      if (answer.kind === 'active' && answer.client === e.mac) {
        e.state = 'bound';
        e.expires = now + answer.remaining;
        this.counters.recovered++;
        this.hooks.arm(e.expires);
      } else {
        this.removeEntry(e);
      }
    }
  }

  /** Runs the deadlines due at `now`. */
  timers(now: number): void {
    for (const e of [...this.entries]) {
      if (e.expires > now) continue;
      if (e.state === 'detection') {
        e.state = 'recovery';
        e.expires = now + SAVI_DHCP.MAX_LEASEQUERY_DELAY;
        this.counters.leaseQueries++;
        this.hooks.arm(e.expires);
        this.hooks.leaseQuery(e.address, e.vlan);
      } else {
        if (e.state === 'bound') this.counters.expired++;
        this.removeEntry(e);
      }
    }
  }
}

function leaseOf(m: DhcpMessage): number | undefined {
  for (const o of m.options) if (o.kind === 'lease-time') return o.seconds;
  return undefined;
}
