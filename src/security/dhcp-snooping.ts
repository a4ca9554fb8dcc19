/**
 * DHCP snooping (Cisco Catalyst IOS Security Configuration Guide, "DHCP Snooping"; Dell PowerConnect
 * and N-series manuals): a per-switch binding table built from the DHCP exchanges it sees, which DAI
 * and IP Source Guard consult.
 *
 * - Ports are untrusted unless listed as trusted (towards DHCP servers and uplinks). Server messages
 *   (OFFER, ACK, NAK; also leasequery answers) arriving on an untrusted port are dropped.
 * - A client message (DISCOVER, REQUEST) on an untrusted port notes its client MAC -> port, VLAN
 *   (tentative); the ACK, arriving on a trusted port, completes the binding {IP, MAC, VLAN, port,
 *   lease}. RELEASE, DECLINE and NAK remove it; so does the lease running out (checked on lookup).
 * - `verifyMacAddress` (IOS `ip dhcp snooping verify mac-address`, on by default): a client message
 *   whose Ethernet source differs from chaddr is dropped.
 * - RELEASE and DECLINE received on an interface other than the binding's are dropped (so a host
 *   cannot release another's lease; Dell manuals).
 * - Optional per-port rate limit of DHCP packets (IOS `ip dhcp snooping limit rate`, none by default):
 *   exceeding it error-disables the port (cause `dhcp-rate-limit`).
 * - Bindings are per switch and never updated when a station moves to another port (Dell X-series
 *   manual): a moved VM that does not talk DHCP keeps a binding on the old port. Static bindings (an
 *   orchestrator's push) are added and removed with {@link DhcpSnooping.addStatic} / `remove`.
 * - Only the VLANs listed are snooped (IOS `ip dhcp snooping vlan`); none listed = every VLAN.
 * Pure: handed `now`.
 */
import type { DhcpMessage, Ipv4Address, MacAddress } from '../wire/index.js';
import { DHCP_ACK, DHCP_DECLINE, DHCP_DISCOVER, DHCP_NAK, DHCP_OFFER, DHCP_RELEASE, DHCP_REQUEST, dhcpClientMac, dhcpMessageType } from '../wire/index.js';
import { RateWindow } from './rate-window.js';

const S = 1e9;
/** RFC 4388 leasequery answers (LEASEUNASSIGNED, LEASEUNKNOWN, LEASEACTIVE): server messages. */
const LEASEQUERY_ANSWERS = new Set([11, 12, 13]);

/** DHCP snooping settings of a switch. */
export interface DhcpSnoopingConfig {
  /** Snooped VLANs; default (empty) every VLAN. */
  readonly vlans?: readonly number[];
  /** Trusted ports (indexes); every other port is untrusted (IOS default). */
  readonly trustedPorts?: readonly number[];
  /** Drop client messages whose Ethernet source is not chaddr; default true (IOS). */
  readonly verifyMacAddress?: boolean;
  /** DHCP packets per second allowed on an untrusted port before it is err-disabled; default none (IOS). */
  readonly rateLimit?: number | null;
}

/** Defaults of {@link DhcpSnoopingConfig}. */
export const DHCP_SNOOPING_DEFAULTS = { verifyMacAddress: true, rateLimit: null } as const;

/** One binding: where an IPv4 address is allowed to be. */
export interface DhcpBinding {
  readonly address: Ipv4Address;
  readonly mac: MacAddress;
  readonly vlan: number;
  readonly port: number;
  /** When it expires (ns); Infinity for a static binding. */
  readonly expires: number;
  /**
   * `dynamic` (snooped from an ACK, or recovered by a leasequery), `static` (configured or pushed),
   * or `synced` (a copy of another switch's binding, see binding-sync.ts: its `port` is -1, a port of
   * no switch here, so only checks that ignore the port accept it).
   */
  readonly type: 'dynamic' | 'static' | 'synced';
}

/** What snooping decided about one DHCP message. */
export type DhcpSnoopingVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop'; readonly reason: 'server-message-untrusted' | 'chaddr-mismatch' | 'release-wrong-interface' }
  | { readonly kind: 'rate-exceeded' };

/** Counters: plain integers. */
export class DhcpSnoopingCounters {
  bindingsAdded = 0;
  bindingsRemoved = 0;
  bindingsExpired = 0;
  serverMessagesDropped = 0;
  chaddrMismatches = 0;
  releasesWrongInterface = 0;
  rateExceeded = 0;
}

const PASS: DhcpSnoopingVerdict = { kind: 'pass' };

/** See the module comment. */
export class DhcpSnooping {
  readonly counters = new DhcpSnoopingCounters();
  private readonly vlans: ReadonlySet<number>;
  private readonly trusted: ReadonlySet<number>;
  private readonly verifyMac: boolean;
  private readonly rate: number | null;
  private readonly windows = new Map<number, RateWindow>();
  private readonly table = new Map<number, DhcpBinding>();
  /** Client MAC -> (port, VLAN) from its last DISCOVER/REQUEST on an untrusted port. */
  private readonly tentative = new Map<number, { port: number; vlan: number }>();

  constructor(config: DhcpSnoopingConfig = {}) {
    this.vlans = new Set(config.vlans ?? []);
    this.trusted = new Set(config.trustedPorts ?? []);
    this.verifyMac = config.verifyMacAddress ?? DHCP_SNOOPING_DEFAULTS.verifyMacAddress;
    this.rate = config.rateLimit ?? DHCP_SNOOPING_DEFAULTS.rateLimit;
    if (this.rate !== null && !(this.rate > 0)) throw new RangeError(`DHCP snooping rate limit must be positive, got ${this.rate}`);
  }

  /** Whether `vlan` is snooped. */
  snoops(vlan: number): boolean {
    return this.vlans.size === 0 || this.vlans.has(vlan);
  }

  /** Whether `port` is trusted. */
  isTrusted(port: number): boolean {
    return this.trusted.has(port);
  }

  /** A DHCP message with Ethernet source `source` arrived on `port` in `vlan` at `now`. */
  inspect(port: number, vlan: number, source: MacAddress, m: DhcpMessage, now: number): DhcpSnoopingVerdict {
    if (!this.snoops(vlan)) return PASS;
    const type = dhcpMessageType(m);
    const trusted = this.trusted.has(port);
    if (!trusted && this.rate !== null) {
      let w = this.windows.get(port);
      if (w === undefined) this.windows.set(port, (w = new RateWindow(1 * S)));
      if (w.hit(now) > this.rate) {
        this.counters.rateExceeded++;
        return { kind: 'rate-exceeded' };
      }
    }
    const client = dhcpClientMac(m);
    if (m.op === 2 || type === DHCP_OFFER || type === DHCP_ACK || type === DHCP_NAK || (type !== undefined && LEASEQUERY_ANSWERS.has(type))) {
      if (!trusted) {
        this.counters.serverMessagesDropped++;
        return { kind: 'drop', reason: 'server-message-untrusted' };
      }
      if (client !== undefined) this.serverMessage(type, client, m, now);
      return PASS;
    }
    if (trusted || client === undefined) return PASS;
    if (this.verifyMac && source !== client) {
      this.counters.chaddrMismatches++;
      return { kind: 'drop', reason: 'chaddr-mismatch' };
    }
    if (type === DHCP_DISCOVER || type === DHCP_REQUEST) {
      this.tentative.set(client, { port, vlan });
    } else if (type === DHCP_RELEASE || type === DHCP_DECLINE) {
      const address = type === DHCP_RELEASE ? m.clientAddress : requestedOf(m) ?? m.clientAddress;
      const b = this.table.get(address);
      if (b !== undefined && b.mac === client) {
        if (b.port !== port || b.vlan !== vlan) {
          this.counters.releasesWrongInterface++;
          return { kind: 'drop', reason: 'release-wrong-interface' };
        }
        this.table.delete(address);
        this.counters.bindingsRemoved++;
      }
    }
    return PASS;
  }

  private serverMessage(type: number | undefined, client: MacAddress, m: DhcpMessage, now: number): void {
    if (type === DHCP_ACK && m.yourAddress !== 0) {
      const where = this.tentative.get(client);
      if (where === undefined) return;
      const lease = leaseOf(m);
      this.table.set(m.yourAddress, {
        address: m.yourAddress, mac: client, vlan: where.vlan, port: where.port, expires: lease === undefined ? Infinity : now + lease * S, type: 'dynamic',
      });
      this.counters.bindingsAdded++;
    } else if (type === DHCP_NAK) {
      for (const [a, b] of this.table) {
        if (b.mac === client && b.type === 'dynamic') {
          this.table.delete(a);
          this.counters.bindingsRemoved++;
        }
      }
    }
  }

  /** The binding of `address` at `now`, if any (an expired lease is removed here). */
  binding(address: Ipv4Address, now: number): DhcpBinding | undefined {
    const b = this.table.get(address);
    if (b === undefined) return undefined;
    if (b.expires <= now) {
      this.table.delete(address);
      this.counters.bindingsExpired++;
      return undefined;
    }
    return b;
  }

  /** Adds or replaces a static binding (IOS `ip source binding`; an orchestrator's push). */
  addStatic(binding: Omit<DhcpBinding, 'type' | 'expires'> & { readonly expires?: number }): void {
    this.table.set(binding.address, { ...binding, expires: binding.expires ?? Infinity, type: 'static' });
    this.counters.bindingsAdded++;
  }

  /** Adds or replaces a dynamic binding for a lease learnt otherwise than from an ACK (a leasequery's answer). */
  addDynamic(binding: Omit<DhcpBinding, 'type'>): void {
    this.table.set(binding.address, { ...binding, type: 'dynamic' });
    this.counters.bindingsAdded++;
  }

  /**
   * Mirrors another switch's binding (binding-sync.ts): added or refreshed unless this switch has a
   * binding of its own for the address, which a copy never replaces. Returns whether it is in place.
   */
  addSynced(binding: Omit<DhcpBinding, 'type' | 'port'>): boolean {
    const own = this.table.get(binding.address);
    if (own !== undefined && own.type !== 'synced') return false;
    if (own === undefined) this.counters.bindingsAdded++;
    this.table.set(binding.address, { ...binding, port: -1, type: 'synced' });
    return true;
  }

  /** Removes the binding of `address`; returns whether there was one. */
  remove(address: Ipv4Address): boolean {
    const had = this.table.delete(address);
    if (had) this.counters.bindingsRemoved++;
    return had;
  }

  /** Every binding valid at `now`, by address. */
  bindings(now: number): DhcpBinding[] {
    const out: DhcpBinding[] = [];
    for (const a of [...this.table.keys()].sort((x, y) => x - y)) {
      const b = this.binding(a as Ipv4Address, now);
      if (b !== undefined) out.push(b);
    }
    return out;
  }

  /** Forgets a port's rate window (after it recovered from err-disable). */
  resetRate(port: number): void {
    this.windows.get(port)?.reset();
  }
}

function requestedOf(m: DhcpMessage): Ipv4Address | undefined {
  for (const o of m.options) if (o.kind === 'requested-address') return o.address;
  return undefined;
}

function leaseOf(m: DhcpMessage): number | undefined {
  for (const o of m.options) if (o.kind === 'lease-time') return o.seconds;
  return undefined;
}
