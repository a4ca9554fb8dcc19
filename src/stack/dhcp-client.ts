/**
 * A DHCPv4 client (RFC 2131 §4.4) on a host: the state machine of its Figure 5.
 *
 * - INIT: after a random delay (§4.4.1: "between one and ten seconds", `startDelay`) a DISCOVER is
 *   broadcast -> SELECTING; the first OFFER is taken and a REQUEST (server identifier, requested
 *   address) is broadcast -> REQUESTING.
 * - REQUESTING: an ACK gives the address; when the profile probes offered addresses (RFC 2131 §4.4.1,
 *   `dhcp.probeOfferedAddress`) it is checked with RFC 5227 probes first and DECLINEd on a conflict,
 *   the client restarting from INIT after 10 s (§3.1 step 5: "SHOULD wait a minimum of ten seconds").
 *   A NAK restarts INIT at once.
 * - BOUND: at T1 (option 58, else 0.5 × lease) a REQUEST with ciaddr is unicast to the server ->
 *   RENEWING; at T2 (option 59, else 0.875 × lease) it is broadcast -> REBINDING; when the lease
 *   expires the address is removed -> INIT (§4.4.5). Retransmissions while RENEWING/REBINDING wait
 *   half the time left until T2 / the lease end, at least 60 s (§4.4.5).
 * - INIT-REBOOT (`linkBounced`, when the profile says the client does so, `dhcp.renewAfterLinkBounce`):
 *   a REQUEST for the current address without server identifier is broadcast -> REBOOTING; ACK ->
 *   BOUND, NAK -> INIT (the address is given up).
 * - `release()`: a RELEASE is unicast to the server and the address removed (§4.4.6).
 * Retransmission in SELECTING/REQUESTING/REBOOTING: 4 s, doubling to 64 s, each ± U[0, 1] s (§4.1);
 * after `maxRetransmissions` a REQUESTING or REBOOTING client starts over from INIT.
 */
import type { Kernel, Rng } from '../sim/index.js';
import { Timer } from '../sim/index.js';
import type { DhcpMessage, Ipv4Address } from '../wire/index.js';
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
} from '../wire/index.js';
import {
  DHCP_OPTION_REBINDING_TIME,
  DHCP_OPTION_RENEWAL_TIME,
  DHCP_OPTION_ROUTER,
  DHCP_OPTION_SUBNET_MASK,
  dhcpFrame,
  dhcpLeaseTime,
  dhcpMessage,
  dhcpPacket,
  dhcpServerIdentifier,
  dhcpU32Option,
} from './dhcp-messages.js';
import type { Host, Ipv4Assignment, Ipv6Assignment } from './host.js';

const S = 1e9;

/** RFC 2131 client states (Figure 5). */
export type DhcpClientState = 'stopped' | 'init' | 'selecting' | 'requesting' | 'bound' | 'renewing' | 'rebinding' | 'init-reboot' | 'rebooting';

/** Settings of a DHCP client. Times in ns. */
export interface DhcpClientConfig {
  /** Random wait before the first DISCOVER, U[min, max]; default 1 s to 10 s (RFC 2131 §4.4.1). */
  readonly startDelay?: readonly [number, number];
  /** Unanswered REQUESTs (REQUESTING, REBOOTING) before starting over from INIT; default 4 (4 + 8 + 16 + 32 s, §4.1's schedule). */
  readonly maxRetransmissions?: number;
  /** Wait after a DECLINE before INIT; default 10 s (RFC 2131 §3.1 step 5). */
  readonly declineBackoff?: number;
  /** Set the broadcast bit (RFC 2131 §4.1), asking servers to broadcast their replies; default false. */
  readonly broadcastFlag?: boolean;
}

/** Defaults of {@link DhcpClientConfig}. */
export const DHCP_CLIENT_DEFAULTS = { startDelay: [1 * S, 10 * S] as const, maxRetransmissions: 4, declineBackoff: 10 * S, broadcastFlag: false } as const;

/** Client counters: plain integers. */
export class DhcpClientCounters {
  discovers = 0;
  requests = 0;
  declines = 0;
  releases = 0;
  offers = 0;
  acks = 0;
  naks = 0;
  /** Leases that ran out. */
  expired = 0;
  /** Addresses given up because conflict detection found them in use. */
  conflicts = 0;
}

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /** A DHCP client changed state; `address` is the leased (or requested) address, if any. */
    'dhcp-client': { readonly state: DhcpClientState; readonly address: string | null };
  }
}

/** See the module comment. */
export class DhcpClient {
  readonly host: Host;
  readonly counters = new DhcpClientCounters();
  private readonly kernel: Kernel;
  private readonly rng: Rng;
  private readonly c: Required<DhcpClientConfig>;
  private readonly timer: Timer;
  private stateValue: DhcpClientState = 'stopped';
  private xid = 0;
  private tries = 0;
  private offered: Ipv4Address | null = null;
  private server: Ipv4Address | null = null;
  private assignment: Ipv4Assignment | null = null;
  private prefixLength = 24;
  /** Lease start, T1, T2 and end (absolute, ns). */
  private t1 = 0;
  private t2 = 0;
  private end = 0;

  constructor(host: Host, kernel: Kernel, config: DhcpClientConfig = {}) {
    this.host = host;
    this.kernel = kernel;
    this.rng = kernel.rng.stream(`dhcp-client:${host.name}`);
    this.c = {
      startDelay: config.startDelay ?? DHCP_CLIENT_DEFAULTS.startDelay,
      maxRetransmissions: config.maxRetransmissions ?? DHCP_CLIENT_DEFAULTS.maxRetransmissions,
      declineBackoff: config.declineBackoff ?? DHCP_CLIENT_DEFAULTS.declineBackoff,
      broadcastFlag: config.broadcastFlag ?? DHCP_CLIENT_DEFAULTS.broadcastFlag,
    };
    this.timer = new Timer(kernel, host.name, 'dhcp-client', () => this.expire());
    host.bindDhcp(68, (message) => this.receive(message));
    host.onAddressConflict((a) => this.conflicted(a));
  }

  /** The current state. */
  get state(): DhcpClientState {
    return this.stateValue;
  }

  /** The leased address, once bound (also while renewing and rebinding). */
  get address(): Ipv4Address | null {
    return this.assignment?.address ?? null;
  }

  /** The server that granted the lease. */
  get serverAddress(): Ipv4Address | null {
    return this.server;
  }

  /** When the lease's T1, T2 and end fall (absolute ns; 0 before the first lease). */
  get leaseTimes(): { readonly t1: number; readonly t2: number; readonly end: number } {
    return { t1: this.t1, t2: this.t2, end: this.end };
  }

  /** Starts the client (INIT, after the random start delay). */
  start(): void {
    const [lo, hi] = this.c.startDelay;
    this.enter('init');
    this.timer.set(Math.round(this.rng.uniform(lo, hi)));
  }

  /**
   * The link went down and came back. When the profile says the client reacts
   * (`dhcp.renewAfterLinkBounce`), a bound client confirms its lease at once (INIT-REBOOT); returns
   * whether it did.
   */
  linkBounced(): boolean {
    if (!this.host.profile.dhcp.renewAfterLinkBounce.value) return false;
    if (this.stateValue !== 'bound' && this.stateValue !== 'renewing' && this.stateValue !== 'rebinding') return false;
    this.enter('init-reboot');
    this.tries = 0;
    this.newTransaction();
    this.sendRequest('rebooting');
    return true;
  }

  /** Releases the lease (RFC 2131 §4.4.6) and stops. */
  release(): void {
    if (this.assignment !== null && this.server !== null) {
      this.counters.releases++;
      const m = this.message(DHCP_RELEASE, { clientAddress: this.assignment.address, serverIdentifier: this.server });
      this.host.sendIpv4(dhcpPacket(this.assignment.address, this.server, m, false));
    }
    this.dropAddress();
    this.timer.cancel();
    this.enter('stopped');
  }

  // ---- sending ----------------------------------------------------------------------------------

  private newTransaction(): void {
    this.xid = Math.floor(this.rng.nextFloat() * 0x1_0000_0000) >>> 0;
  }

  private message(type: number, fields: Partial<Parameters<typeof dhcpMessage>[0]>): DhcpMessage {
    return dhcpMessage({
      op: 1, messageType: type, transactionId: this.xid, clientMac: this.host.mac,
      flags: this.c.broadcastFlag ? 0x8000 : 0,
      parameterRequestList: type === DHCP_DISCOVER || type === DHCP_REQUEST ? [DHCP_OPTION_SUBNET_MASK, DHCP_OPTION_ROUTER, 51, 54, DHCP_OPTION_RENEWAL_TIME, DHCP_OPTION_REBINDING_TIME] : undefined,
      ...fields,
    });
  }

  /** Broadcasts from 0.0.0.0 (or from ciaddr when set) to 255.255.255.255. */
  private broadcast(m: DhcpMessage): void {
    this.host.sendFrame(dhcpFrame(MAC_BROADCAST, this.host.mac, dhcpPacket(m.clientAddress, IPV4_BROADCAST, m, false)));
  }

  /** The §4.1 backoff: 4 s, 8 s, ... 64 s, each randomized by U[-1, +1] s. */
  private backoff(): number {
    const base = Math.min(64, 4 * 2 ** this.tries) * S;
    return Math.max(0, Math.round(base + this.rng.uniform(-S, S)));
  }

  private sendDiscover(): void {
    this.counters.discovers++;
    this.broadcast(this.message(DHCP_DISCOVER, {}));
    this.enter('selecting');
    this.timer.set(this.backoff());
    this.tries++;
  }

  /** Sends the REQUEST of `state` (requesting, rebooting, renewing or rebinding) and arms its retransmission. */
  private sendRequest(state: 'requesting' | 'rebooting' | 'renewing' | 'rebinding'): void {
    this.counters.requests++;
    const now = this.kernel.now;
    if (state === 'requesting') {
      this.broadcast(this.message(DHCP_REQUEST, { requestedAddress: this.offered!, serverIdentifier: this.server! }));
    } else if (state === 'rebooting') {
      this.broadcast(this.message(DHCP_REQUEST, { requestedAddress: this.assignment!.address }));
    } else if (state === 'renewing') {
      const m = this.message(DHCP_REQUEST, { clientAddress: this.assignment!.address });
      this.host.sendIpv4(dhcpPacket(this.assignment!.address, this.server!, m, false));
    } else {
      this.broadcast(this.message(DHCP_REQUEST, { clientAddress: this.assignment!.address }));
    }
    this.enter(state);
    if (state === 'renewing' || state === 'rebinding') {
      // §4.4.5: wait half the time remaining until T2 (RENEWING) or the lease end (REBINDING), at least 60 s.
      const until = state === 'renewing' ? this.t2 : this.end;
      const next = now + Math.max(60 * S, Math.floor((until - now) / 2));
      this.timer.setAt(Math.min(next, until));
    } else {
      this.timer.set(this.backoff());
      this.tries++;
    }
  }

  // ---- timers -----------------------------------------------------------------------------------

  private expire(): void {
    const now = this.kernel.now;
    switch (this.stateValue) {
      case 'init':
        this.tries = 0;
        this.newTransaction();
        return this.sendDiscover();
      case 'selecting':
        return this.sendDiscover();
      case 'requesting':
      case 'rebooting':
        if (this.tries >= this.c.maxRetransmissions) return this.restart();
        return this.sendRequest(this.stateValue);
      case 'bound':
      case 'renewing':
      case 'rebinding':
        if (now >= this.end) {
          this.counters.expired++;
          return this.restart();
        }
        if (now >= this.t2) {
          if (this.stateValue !== 'rebinding') this.newTransaction();
          return this.sendRequest('rebinding');
        }
        if (this.stateValue === 'bound') this.newTransaction();
        return this.sendRequest('renewing');
      default:
        return;
    }
  }

  /** Gives up any address and starts again from INIT at once. */
  private restart(): void {
    this.dropAddress();
    this.enter('init');
    this.tries = 0;
    this.newTransaction();
    this.sendDiscover();
  }

  // ---- receiving --------------------------------------------------------------------------------

  private receive(m: DhcpMessage): void {
    if (m.op !== 2 || m.transactionId !== this.xid || dhcpClientMac(m) !== this.host.mac) return;
    const type = dhcpMessageType(m);
    if (type === DHCP_OFFER) {
      if (this.stateValue !== 'selecting') return;
      const server = dhcpServerIdentifier(m);
      if (server === undefined) return;
      this.counters.offers++;
      this.offered = m.yourAddress;
      this.server = server;
      this.prefixLength = prefixOf(dhcpU32Option(m, DHCP_OPTION_SUBNET_MASK)) ?? this.prefixLength;
      this.tries = 0;
      this.sendRequest('requesting');
      return;
    }
    if (type === DHCP_NAK) {
      if (this.stateValue === 'requesting' || this.stateValue === 'rebooting' || this.stateValue === 'renewing' || this.stateValue === 'rebinding') {
        this.counters.naks++;
        this.restart();
      }
      return;
    }
    if (type !== DHCP_ACK) return;
    const s = this.stateValue;
    if (s !== 'requesting' && s !== 'rebooting' && s !== 'renewing' && s !== 'rebinding') return;
    this.counters.acks++;
    this.bind(m);
  }

  private bind(m: DhcpMessage): void {
    const now = this.kernel.now;
    const lease = (dhcpLeaseTime(m) ?? 0) * S;
    this.server = dhcpServerIdentifier(m) ?? this.server;
    this.t1 = Math.round(now + (dhcpU32Option(m, DHCP_OPTION_RENEWAL_TIME) ?? lease / 2 / S) * S);
    this.t2 = Math.round(now + (dhcpU32Option(m, DHCP_OPTION_REBINDING_TIME) ?? (lease * 7) / 8 / S) * S);
    this.end = now + lease;
    this.prefixLength = prefixOf(dhcpU32Option(m, DHCP_OPTION_SUBNET_MASK)) ?? this.prefixLength;
    const router = dhcpU32Option(m, DHCP_OPTION_ROUTER);
    if (router !== undefined && this.host.gateway4 === undefined) this.host.gateway4 = router as Ipv4Address;
    const address = m.yourAddress;
    if (this.assignment === null || this.assignment.address !== address) {
      this.dropAddress();
      this.assignment = this.host.addIpv4(address, this.prefixLength, { probe: this.host.profile.dhcp.probeOfferedAddress.value });
    }
    this.enter('bound');
    this.timer.setAt(Math.min(this.t1, this.end));
  }

  /** DAD found our address in use while it was being checked: DECLINE it (RFC 2131 §3.1 step 5). */
  private conflicted(a: Ipv4Assignment | Ipv6Assignment): void {
    if (a !== this.assignment || this.server === null) return;
    this.counters.conflicts++;
    this.counters.declines++;
    const address = this.assignment.address;
    this.broadcast(this.message(DHCP_DECLINE, { requestedAddress: address, serverIdentifier: this.server }));
    this.dropAddress();
    this.enter('init');
    this.timer.set(this.c.declineBackoff);
  }

  private dropAddress(): void {
    if (this.assignment === null) return;
    this.host.removeAddress('ipv4', formatIpv4(this.assignment.address));
    this.assignment = null;
  }

  private enter(state: DhcpClientState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    const bus = this.kernel.trace;
    if (bus.wants('dhcp-client')) {
      const a = this.assignment?.address ?? this.offered;
      bus.emit({ type: 'dhcp-client', time: this.kernel.now, node: this.host.name, state, address: a === null ? null : formatIpv4(a) });
    }
  }
}

/** The prefix length of a contiguous subnet mask, or undefined. */
function prefixOf(mask: number | undefined): number | undefined {
  if (mask === undefined) return undefined;
  let n = 0;
  while (n < 32 && ((mask >>> (31 - n)) & 1) === 1) n++;
  return ((mask << n) >>> 0) === 0 || n === 32 ? n : undefined;
}

