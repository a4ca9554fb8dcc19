/**
 * RA guard (RFC 6105) with the RFC 7113 hardening.
 *
 * Stateless (RFC 6105 §3.1): per port a role, `host` (every RA is blocked; also Redirects, as
 * vendor RA guards do, unverified) or `router` (RAs pass if they meet the port's optional criteria:
 * allowed sender MACs, allowed source addresses, advertised prefixes within an allowed list, a
 * maximum router preference). Stateful (§3.2), per port: LEARNING for `learningPeriod` after the port
 * comes up (or on an operator's re-learn), either blocking or forwarding RAs meanwhile; then
 * FORWARDING if an RA was seen (a router is there), else BLOCKING. OFF ports are not guarded.
 *
 * RFC 7113 §3, applied to every IPv6 packet from a guarded port before an RA is looked for:
 * 1. a packet whose source is not link-local, or whose Hop Limit is not 255, passes (a host would
 *    drop it as an RA anyway, RFC 4861 §6.1.2);
 * 2. the whole header chain is parsed, with no limit on its length;
 * 3. a first fragment that does not hold the whole chain is dropped (RFC 7112);
 * 4. an identified RA is subject to RA guard;
 * 5. a packet with an unknown Next Header value is dropped (a knob, `dropUnknownNextHeader`, default
 *    drop); ESP counts as an upper-layer header (its content cannot be parsed);
 * 6. everything else passes.
 * Pure: handed `now`.
 */
import type { Ipv6Packet, MacAddress } from '../wire/index.js';
import { isLinkLocalIpv6, ipv6Bytes } from '../wire/index.js';

/** A port's RA guard role (stateless). */
export type RaGuardRole = 'host' | 'router' | 'off';

/** Stateful RA guard port states (RFC 6105 §3.2). */
export type RaGuardState = 'off' | 'learning' | 'blocking' | 'forwarding';

/** Criteria a router port's RAs must meet (RFC 6105 §3.1); absent = any. */
export interface RaGuardRouterCriteria {
  readonly sourceMacs?: readonly MacAddress[];
  readonly sourceAddresses?: readonly string[];
  /** Allowed prefixes as "2001:db8::/64"; every Prefix Information option must fall in one. */
  readonly prefixes?: readonly string[];
  /** Highest allowed router preference (RFC 4191): 'low' < 'medium' < 'high'. */
  readonly maxPreference?: 'low' | 'medium' | 'high';
}

/** RA guard settings of a switch. Times in ns. */
export interface RaGuardConfig {
  /** Ports in router role (indexes); every other port is a host port unless listed in `offPorts`. */
  readonly routerPorts?: readonly number[];
  /** Ports not guarded (e.g. inter-switch links). */
  readonly offPorts?: readonly number[];
  readonly router?: RaGuardRouterCriteria;
  /** Stateful mode on the host-role ports: learn which have a router. Default off (stateless). */
  readonly stateful?: { readonly learningPeriod: number; readonly forwardWhileLearning?: boolean };
  /** RFC 7113 rule 5 knob: drop packets with an unknown Next Header; default true. */
  readonly dropUnknownNextHeader?: boolean;
  /** Also block ICMPv6 Redirects on host ports; default true (vendor behaviour, unverified). */
  readonly blockRedirects?: boolean;
}

/** Defaults of {@link RaGuardConfig}. */
export const RA_GUARD_DEFAULTS = { dropUnknownNextHeader: true, blockRedirects: true, forwardWhileLearning: false } as const;

/** Why RA guard dropped a packet. */
export type RaGuardReason = 'ra-on-host-port' | 'redirect-on-host-port' | 'ra-criteria' | 'ra-while-learning' | 'incomplete-header-chain' | 'unknown-next-header';

/** Counters: plain integers. */
export class RaGuardCounters {
  rasSeen = 0;
  rasPassed = 0;
  dropped = 0;
}

/** IPv6 extension headers with the generic (next header, length in 8-octet units) layout (RFC 8200 §4; RFC 7045). */
const GENERIC_EXTENSIONS = new Set([0, 43, 60, 135, 139, 140]);
/** Upper-layer protocols RA guard knows (IANA protocol numbers): TCP, UDP, ICMPv6, ESP, No Next Header, IPv4, IPv6, GRE, OSPF, PIM, VRRP, SCTP, UDP-Lite. */
const KNOWN_UPPER = new Set([6, 17, 58, 50, 59, 4, 41, 47, 89, 103, 112, 132, 136]);

/** What the header chain of a packet holds, as far as RA guard needs. */
export interface HeaderChain {
  /** The upper-layer protocol, or -1 when the chain is cut short (a fragment, truncation). */
  readonly upper: number;
  /** ICMPv6 type when the upper layer is ICMPv6 and its first byte is present, else -1. */
  readonly icmpType: number;
  /** A Fragment header was found. */
  readonly fragment: boolean;
  /** The fragment offset (0 for a first fragment or no fragment). */
  readonly fragmentOffset: number;
  /** The chain ended before an upper-layer header (incomplete). */
  readonly incomplete: boolean;
  /** A Next Header value that is neither a known extension nor a known upper layer. */
  readonly unknown: boolean;
}

/** Walks the header chain of `p` (RFC 7113 rule 2: the whole chain, no byte limit). */
export function headerChain(p: Ipv6Packet): HeaderChain {
  const payload = p.payload;
  if (payload.kind === 'icmpv6') {
    const type = payload.type === 'ra' ? 134 : payload.type === 'rs' ? 133 : payload.type === 'ns' ? 135 : payload.type === 'na' ? 136 : payload.type === 'redirect' ? 137 : payload.icmpType;
    return { upper: 58, icmpType: type, fragment: false, fragmentOffset: 0, incomplete: false, unknown: false };
  }
  if (payload.kind === 'udp') return { upper: 17, icmpType: -1, fragment: false, fragmentOffset: 0, incomplete: false, unknown: false };
  const b = payload.bytes;
  let next = p.nextHeader;
  let o = 0;
  let fragment = false;
  let fragmentOffset = 0;
  for (;;) {
    if (GENERIC_EXTENSIONS.has(next)) {
      if (o + 2 > b.length) return { upper: -1, icmpType: -1, fragment, fragmentOffset, incomplete: true, unknown: false };
      const len = (b[o + 1]! + 1) * 8;
      next = b[o]!;
      o += len;
      if (o > b.length) return { upper: -1, icmpType: -1, fragment, fragmentOffset, incomplete: true, unknown: false };
      continue;
    }
    if (next === 51) {
      // AH: payload length in 4-octet units, minus 2 (RFC 4302 §2.2).
      if (o + 2 > b.length) return { upper: -1, icmpType: -1, fragment, fragmentOffset, incomplete: true, unknown: false };
      const len = (b[o + 1]! + 2) * 4;
      next = b[o]!;
      o += len;
      if (o > b.length) return { upper: -1, icmpType: -1, fragment, fragmentOffset, incomplete: true, unknown: false };
      continue;
    }
    if (next === 44) {
      if (o + 8 > b.length) return { upper: -1, icmpType: -1, fragment: true, fragmentOffset, incomplete: true, unknown: false };
      fragment = true;
      fragmentOffset = ((b[o + 2]! << 8) | b[o + 3]!) >>> 3;
      next = b[o]!;
      o += 8;
      // A later fragment carries no headers of the chain: what follows is not parsable.
      if (fragmentOffset !== 0) return { upper: -1, icmpType: -1, fragment, fragmentOffset, incomplete: false, unknown: false };
      continue;
    }
    if (KNOWN_UPPER.has(next)) {
      // The upper-layer header must be there too for the chain to be whole (RFC 7112: ICMPv6 type at least).
      const icmpType = next === 58 && o < b.length ? b[o]! : -1;
      const incomplete = o >= b.length && next !== 59;
      return { upper: next, icmpType, fragment, fragmentOffset, incomplete, unknown: false };
    }
    return { upper: next, icmpType: -1, fragment, fragmentOffset, incomplete: false, unknown: true };
  }
}

/** RFC 4191 §2.2 Prf bits (01 high, 00 medium, 11 low; 10 reserved, treated as medium) and their order. */
const PREFERENCE = { high: 1, medium: 0, low: 3 } as const;
const RANK = (bits: number): number => (bits === 1 ? 2 : bits === 3 ? 0 : 1);

function inPrefix(address: string, prefix: string): boolean {
  const [base, lenText] = prefix.split('/');
  const len = Number(lenText);
  const x = ipv6Bytes(address as never);
  const y = ipv6Bytes(base as never);
  let bits = len;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((x[i]! & mask) !== (y[i]! & mask)) return false;
  }
  return true;
}

/** See the module comment. */
export class RaGuard {
  readonly counters = new RaGuardCounters();
  private readonly routerPorts: ReadonlySet<number>;
  private readonly offPorts: ReadonlySet<number>;
  private readonly criteria: RaGuardRouterCriteria;
  private readonly stateful: { learningPeriod: number; forwardWhileLearning: boolean } | null;
  private readonly dropUnknown: boolean;
  private readonly blockRedirects: boolean;
  /** Stateful mode: per port, state and (LEARNING) when learning ends / whether an RA was seen. */
  private readonly learning = new Map<number, { until: number; sawRa: boolean; state: RaGuardState }>();

  constructor(config: RaGuardConfig = {}) {
    this.routerPorts = new Set(config.routerPorts ?? []);
    this.offPorts = new Set(config.offPorts ?? []);
    this.criteria = config.router ?? {};
    this.stateful = config.stateful === undefined ? null : { learningPeriod: config.stateful.learningPeriod, forwardWhileLearning: config.stateful.forwardWhileLearning ?? RA_GUARD_DEFAULTS.forwardWhileLearning };
    if (this.stateful !== null && !(this.stateful.learningPeriod >= 0)) throw new RangeError('RA guard learning period must not be negative');
    this.dropUnknown = config.dropUnknownNextHeader ?? RA_GUARD_DEFAULTS.dropUnknownNextHeader;
    this.blockRedirects = config.blockRedirects ?? RA_GUARD_DEFAULTS.blockRedirects;
  }

  /** The role of `port`. */
  roleOf(port: number): RaGuardRole {
    return this.offPorts.has(port) ? 'off' : this.routerPorts.has(port) ? 'router' : 'host';
  }

  /** Stateful mode: (re)starts LEARNING on `port` at `now` (the port came up, or an operator asked). */
  relearn(port: number, now: number): void {
    if (this.stateful === null || this.roleOf(port) !== 'host') return;
    this.learning.set(port, { until: now + this.stateful.learningPeriod, sawRa: false, state: 'learning' });
  }

  /** Stateful mode: the state of `port` at `now`. */
  stateOf(port: number, now: number): RaGuardState {
    if (this.stateful === null || this.roleOf(port) !== 'host') return 'off';
    const l = this.learning.get(port);
    if (l === undefined) return 'blocking';
    if (l.state === 'learning' && now >= l.until) l.state = l.sawRa ? 'forwarding' : 'blocking';
    return l.state;
  }

  /** An IPv6 packet from Ethernet `source` arrived on `port` at `now`: null to pass, or why not. */
  check(port: number, source: MacAddress, p: Ipv6Packet, now: number): RaGuardReason | null {
    const role = this.roleOf(port);
    if (role === 'off') return null;
    // Rule 1: not an RA any host would accept.
    if (!isLinkLocalIpv6(p.source) || p.hopLimit !== 255) return null;
    const chain = headerChain(p);
    if (chain.fragment && chain.fragmentOffset === 0 && chain.incomplete) return this.drop('incomplete-header-chain');
    if (chain.unknown && this.dropUnknown) return this.drop('unknown-next-header');
    if (chain.upper !== 58) return null;
    if (chain.icmpType === 137 && role === 'host' && this.blockRedirects && this.stateOf(port, now) !== 'forwarding') return this.drop('redirect-on-host-port');
    if (chain.icmpType !== 134) return null;
    this.counters.rasSeen++;
    if (role === 'router') {
      if (!this.meetsCriteria(source, p)) return this.drop('ra-criteria');
      this.counters.rasPassed++;
      return null;
    }
    if (this.stateful !== null) {
      const state = this.stateOf(port, now);
      if (state === 'learning') {
        this.learning.get(port)!.sawRa = true;
        if (!this.stateful.forwardWhileLearning) return this.drop('ra-while-learning');
        this.counters.rasPassed++;
        return null;
      }
      if (state === 'forwarding') {
        this.counters.rasPassed++;
        return null;
      }
    }
    return this.drop('ra-on-host-port');
  }

  private meetsCriteria(source: MacAddress, p: Ipv6Packet): boolean {
    const c = this.criteria;
    if (c.sourceMacs !== undefined && !c.sourceMacs.includes(source)) return false;
    if (c.sourceAddresses !== undefined && !c.sourceAddresses.includes(p.source)) return false;
    const ra = p.payload;
    if (ra.kind !== 'icmpv6' || ra.type !== 'ra') return true;
    if (c.maxPreference !== undefined && RANK((ra.reservedFlags >>> 3) & 3) > RANK(PREFERENCE[c.maxPreference])) return false;
    if (c.prefixes !== undefined) {
      for (const o of ra.options) if (o.kind === 'prefix-information' && !c.prefixes.some((q) => inPrefix(o.prefix, q))) return false;
    }
    return true;
  }

  private drop(reason: RaGuardReason): RaGuardReason {
    this.counters.dropped++;
    return reason;
  }
}
