/**
 * A DHCPv4 server (RFC 2131) on a host or gateway: one address pool, one lease time, T1 and T2, as
 * ISC dhcpd or a router's DHCP service hands them out.
 *
 * The lease table ({@link DhcpLeases}) is pure and handed `now`; {@link DhcpServer} attaches it to a
 * {@link Host} (UDP port 67) and sends the answers. Behaviour (RFC 2131 §4.3):
 * - DISCOVER: offer the client's reserved address (`reservations`, as dhcpd.conf(5) `host`
 *   declarations with `fixed-address`), else its current or last address if it is free, else the
 *   lowest free one; a reserved address is never offered to another client;
 *   the offer is held for the client (`offerHold`) so two clients are not offered one address.
 * - REQUEST: in SELECTING (server identifier present) for us, ACK if the address is the one offered
 *   or leased to that client, else NAK; INIT-REBOOT (requested address, no server identifier, ciaddr
 *   0) ACK if that address is the client's lease (or free in the pool), NAK if another client holds it
 *   or it is outside the pool; RENEWING/REBINDING (ciaddr set) extend the client's lease, NAK if it is
 *   not the client's.
 * - DECLINE: the address is marked unusable for `declineHold` (§4.3.3: "SHOULD mark the address as not
 *   available"); RELEASE: the lease ends (§4.3.4).
 * - Leases carry option 51 and T1 (58) = 0.5 × lease, T2 (59) = 0.875 × lease (§4.4.5 defaults).
 * Replies follow §4.1 delivery: to ciaddr when set; broadcast when the client set the broadcast bit or
 * for a NAK; otherwise unicast to chaddr / yiaddr without ARP.
 * LEASEQUERY (RFC 4388) is answered by {@link DhcpServer.leaseQuery}, a direct query (a snooping switch
 * calls it; the message exchange itself is not put on the wire).
 */
import type { DhcpMessage, Ipv4Address, MacAddress } from '../wire/index.js';
import {
  DHCP_ACK,
  DHCP_DECLINE,
  DHCP_DISCOVER,
  DHCP_NAK,
  DHCP_OFFER,
  DHCP_RELEASE,
  DHCP_REQUEST,
  IPV4_BROADCAST,
  MAC_BROADCAST,
  dhcpClientMac,
  dhcpMessageType,
  formatIpv4,
  ipv4Mask,
} from '../wire/index.js';
import { DHCP_FLAG_BROADCAST, dhcpFrame, dhcpMessage, dhcpPacket, dhcpRequestedAddress, dhcpServerIdentifier } from './dhcp-messages.js';
import type { Host } from './host.js';

const S = 1e9;

/** Settings of a DHCP server. Times in nanoseconds (sent on the wire in whole seconds). */
export interface DhcpServerConfig {
  /** First and last address of the pool (inclusive). */
  readonly poolStart: Ipv4Address;
  readonly poolEnd: Ipv4Address;
  /** Prefix length of the subnet (option 1). */
  readonly prefixLength: number;
  /** Default router (option 3), if any. */
  readonly router?: Ipv4Address;
  /** Lease time; default 43,200 s (ISC dhcpd `default-lease-time`, dhcpd.conf(5)). */
  readonly leaseTime?: number;
  /** T1; default 0.5 × lease (RFC 2131 §4.4.5). */
  readonly renewalTime?: number;
  /** T2; default 0.875 × lease (RFC 2131 §4.4.5). */
  readonly rebindingTime?: number;
  /** How long an offered address is held for its client; default 120 s (ISC dhcpd holds offers for about 2 minutes; unverified). */
  readonly offerHold?: number;
  /** How long a declined address is not handed out; default 3,600 s (ISC dhcpd abandons it for the lease time; one hour chosen). */
  readonly declineHold?: number;
  /** Addresses reserved for clients by MAC (dhcpd.conf(5) `host` declarations with `fixed-address`); default none. */
  readonly reservations?: ReadonlyMap<MacAddress, Ipv4Address>;
}

/** Defaults of {@link DhcpServerConfig}, ns. */
export const DHCP_SERVER_DEFAULTS = { leaseTime: 43_200 * S, offerHold: 120 * S, declineHold: 3_600 * S } as const;

/** One lease (or a held offer, or a declined address). */
export interface DhcpLease {
  readonly address: Ipv4Address;
  client: MacAddress | null;
  state: 'offered' | 'leased' | 'declined' | 'released';
  /** When it ends (ns). */
  expires: number;
}

/** Server counters: plain integers. */
export class DhcpServerCounters {
  discovers = 0;
  offers = 0;
  requests = 0;
  acks = 0;
  naks = 0;
  declines = 0;
  releases = 0;
  leaseQueries = 0;
  poolExhausted = 0;
}

/** What a server answers to one client message: a reply message, or nothing. */
export interface DhcpAnswer {
  readonly message: DhcpMessage;
  /** Delivery per RFC 2131 §4.1. */
  readonly to: 'broadcast' | 'client-address' | 'chaddr';
}

/** The answer to a LEASEQUERY by address (RFC 4388 §6.4: LEASEACTIVE, LEASEUNASSIGNED or LEASEUNKNOWN). */
export type LeaseQueryAnswer =
  | { readonly kind: 'active'; readonly client: MacAddress; /** Remaining lease, ns. */ readonly remaining: number }
  | { readonly kind: 'unassigned' }
  | { readonly kind: 'unknown' };

/** The pool and its leases, handed `now`: see the module comment. */
export class DhcpLeases {
  readonly serverAddress: Ipv4Address;
  readonly counters = new DhcpServerCounters();
  private readonly c: Required<Omit<DhcpServerConfig, 'router' | 'reservations'>> & { router: Ipv4Address | undefined };
  private readonly reserved: ReadonlyMap<MacAddress, Ipv4Address>;
  private readonly reservedFor: ReadonlyMap<Ipv4Address, MacAddress>;
  private readonly byAddress = new Map<number, DhcpLease>();

  constructor(serverAddress: Ipv4Address, config: DhcpServerConfig) {
    if (!(config.poolEnd >= config.poolStart)) throw new RangeError(`DHCP pool ${formatIpv4(config.poolStart)}-${formatIpv4(config.poolEnd)} is empty`);
    const lease = config.leaseTime ?? DHCP_SERVER_DEFAULTS.leaseTime;
    if (!(lease >= S)) throw new RangeError('DHCP lease time must be at least 1 s');
    this.serverAddress = serverAddress;
    this.c = {
      poolStart: config.poolStart,
      poolEnd: config.poolEnd,
      prefixLength: config.prefixLength,
      router: config.router,
      leaseTime: lease,
      renewalTime: config.renewalTime ?? lease / 2,
      rebindingTime: config.rebindingTime ?? (lease * 7) / 8,
      offerHold: config.offerHold ?? DHCP_SERVER_DEFAULTS.offerHold,
      declineHold: config.declineHold ?? DHCP_SERVER_DEFAULTS.declineHold,
    };
    this.reserved = config.reservations ?? new Map();
    this.reservedFor = new Map([...this.reserved].map(([mac, a]) => [a, mac]));
  }

  /** The lease time handed out, ns. */
  get leaseTime(): number {
    return this.c.leaseTime;
  }

  /** The lease record of an address (any state; expired ones included until reused). */
  lease(address: Ipv4Address): DhcpLease | undefined {
    return this.byAddress.get(address);
  }

  private inPool(a: Ipv4Address): boolean {
    return a >= this.c.poolStart && a <= this.c.poolEnd;
  }

  /** Whether `client` may have `a` at `now`: in the pool and neither held for someone else nor declined. */
  private availableTo(a: Ipv4Address, client: MacAddress, now: number): boolean {
    if (!this.inPool(a) || a === this.serverAddress) return false;
    const owner = this.reservedFor.get(a);
    if (owner !== undefined && owner !== client) return false;
    const l = this.byAddress.get(a);
    if (l === undefined || l.expires <= now) return true;
    if (l.state === 'declined') return false;
    return l.client === client || l.state === 'released';
  }

  private clientLease(client: MacAddress): DhcpLease | undefined {
    let found: DhcpLease | undefined;
    for (const l of this.byAddress.values()) if (l.client === client && l.state !== 'declined' && (found === undefined || l.expires > found.expires)) found = l;
    return found;
  }

  private pick(client: MacAddress, requested: Ipv4Address | undefined, now: number): Ipv4Address | undefined {
    const fixed = this.reserved.get(client);
    if (fixed !== undefined && this.availableTo(fixed, client, now)) return fixed;
    const own = this.clientLease(client);
    if (own !== undefined && this.availableTo(own.address, client, now)) return own.address;
    if (requested !== undefined && this.availableTo(requested, client, now)) return requested;
    for (let a = this.c.poolStart; a <= this.c.poolEnd; a = (a + 1) as Ipv4Address) if (this.availableTo(a, client, now)) return a;
    return undefined;
  }

  private set(address: Ipv4Address, client: MacAddress | null, state: DhcpLease['state'], expires: number): void {
    const l = this.byAddress.get(address);
    if (l === undefined) this.byAddress.set(address, { address, client, state, expires });
    else {
      l.client = client;
      l.state = state;
      l.expires = expires;
    }
  }

  private reply(request: DhcpMessage, type: number, client: MacAddress, yiaddr: Ipv4Address): DhcpMessage {
    const seconds = (ns: number): number => Math.floor(ns / S);
    const withLease = type === DHCP_OFFER || type === DHCP_ACK;
    return dhcpMessage({
      op: 2, messageType: type, transactionId: request.transactionId, clientMac: client, flags: request.flags,
      clientAddress: type === DHCP_NAK ? undefined : request.clientAddress, yourAddress: yiaddr, serverIdentifier: this.serverAddress,
      ...(withLease ? {
        leaseTime: seconds(this.c.leaseTime), renewalTime: seconds(this.c.renewalTime), rebindingTime: seconds(this.c.rebindingTime),
        subnetMask: ipv4Mask(this.c.prefixLength), ...(this.c.router === undefined ? {} : { router: this.c.router }),
      } : {}),
    });
  }

  private deliver(request: DhcpMessage, message: DhcpMessage): DhcpAnswer {
    if (dhcpMessageType(message) === DHCP_NAK) return { message, to: 'broadcast' };
    if (request.clientAddress !== 0) return { message, to: 'client-address' };
    return { message, to: (request.flags & DHCP_FLAG_BROADCAST) !== 0 ? 'broadcast' : 'chaddr' };
  }

  /** Handles one client message at `now`; returns the answer to send, if any. */
  handle(m: DhcpMessage, now: number): DhcpAnswer | null {
    const client = dhcpClientMac(m);
    if (m.op !== 1 || client === undefined) return null;
    const type = dhcpMessageType(m);
    const requested = dhcpRequestedAddress(m);
    const serverId = dhcpServerIdentifier(m);
    switch (type) {
      case DHCP_DISCOVER: {
        this.counters.discovers++;
        const a = this.pick(client, requested, now);
        if (a === undefined) {
          this.counters.poolExhausted++;
          return null;
        }
        const current = this.byAddress.get(a);
        if (!(current?.state === 'leased' && current.client === client && current.expires > now)) this.set(a, client, 'offered', now + this.c.offerHold);
        this.counters.offers++;
        return this.deliver(m, this.reply(m, DHCP_OFFER, client, a));
      }
      case DHCP_REQUEST: {
        this.counters.requests++;
        // SELECTING for another server: that server's offer won; forget ours (§4.3.2).
        if (serverId !== undefined && serverId !== this.serverAddress) {
          for (const l of this.byAddress.values()) if (l.client === client && l.state === 'offered') l.expires = now;
          return null;
        }
        const a = m.clientAddress !== 0 ? m.clientAddress : requested;
        // INIT-REBOOT (no server identifier, ciaddr 0) from a client we have no record of: "the DHCP
        // server MUST remain silent" unless the address is on the wrong network (§4.3.2).
        const initReboot = serverId === undefined && m.clientAddress === 0;
        if (initReboot && a !== undefined && this.inPool(a) && this.clientLease(client) === undefined) return null;
        if (a === undefined || !this.availableTo(a, client, now)) {
          this.counters.naks++;
          return this.deliver(m, this.reply(m, DHCP_NAK, client, 0 as Ipv4Address));
        }
        this.set(a, client, 'leased', now + this.c.leaseTime);
        this.counters.acks++;
        return this.deliver(m, this.reply(m, DHCP_ACK, client, a));
      }
      case DHCP_DECLINE: {
        this.counters.declines++;
        if (requested !== undefined && this.byAddress.get(requested)?.client === client) this.set(requested, null, 'declined', now + this.c.declineHold);
        return null;
      }
      case DHCP_RELEASE: {
        this.counters.releases++;
        const l = this.byAddress.get(m.clientAddress);
        if (l !== undefined && l.client === client) {
          l.state = 'released';
          l.expires = now;
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** RFC 4388 query by IP address at `now`. */
  leaseQuery(address: Ipv4Address, now: number): LeaseQueryAnswer {
    this.counters.leaseQueries++;
    const l = this.byAddress.get(address);
    if (l !== undefined && l.state === 'leased' && l.expires > now && l.client !== null) return { kind: 'active', client: l.client, remaining: l.expires - now };
    return this.inPool(address) ? { kind: 'unassigned' } : { kind: 'unknown' };
  }
}

/** A {@link DhcpLeases} table served from a host's UDP port 67. */
export class DhcpServer {
  readonly host: Host;
  readonly leases: DhcpLeases;

  /** Serves `config` from `host`, whose first IPv4 address is the server identifier. */
  constructor(host: Host, config: DhcpServerConfig) {
    const own = host.ipv4[0];
    if (own === undefined) throw new Error(`DHCP server ${host.name} needs an IPv4 address`);
    this.host = host;
    this.leases = new DhcpLeases(own.address, config);
    host.bindDhcp(67, (message) => this.receive(message));
  }

  get counters(): DhcpServerCounters {
    return this.leases.counters;
  }

  private receive(m: DhcpMessage): void {
    const answer = this.leases.handle(m, this.host.now);
    if (answer === null) return;
    const server = this.leases.serverAddress;
    const client = dhcpClientMac(answer.message)!;
    if (answer.to === 'client-address') {
      this.host.sendIpv4(dhcpPacket(server, m.clientAddress, answer.message, true));
      return;
    }
    const broadcast = answer.to === 'broadcast';
    const packet = dhcpPacket(server, broadcast ? IPV4_BROADCAST : answer.message.yourAddress, answer.message, true);
    this.host.sendFrame(dhcpFrame(broadcast ? MAC_BROADCAST : client, this.host.mac, packet));
  }

  /** RFC 4388 LEASEQUERY by address, answered now. */
  leaseQuery(address: Ipv4Address): LeaseQueryAnswer {
    return this.leases.leaseQuery(address, this.host.now);
  }
}
