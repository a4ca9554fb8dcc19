/**
 * FCFS SAVI (RFC 6620): first-come, first-served source address validation for IPv6 addresses a host
 * configures itself. Ports are Validating (towards hosts) or Trusted (towards other SAVI switches and
 * routers); on validating ports every packet's source must be bound to the port it arrives on. Per
 * (VLAN, address) the table keeps a state, the binding anchor P (a port) and a lifetime:
 *
 * | state | event | action |
 * | --- | --- | --- |
 * | NO_BIND | DAD NS for X from validating port VP | forward it to trusted ports only, another copy T_WAIT later; TENTATIVE, P = VP, TENT_LT |
 * | NO_BIND | data from X on VP | DAD on the host's behalf: 2 DAD NS to trusted ports T_WAIT apart; drop the data; TENTATIVE, P = VP, TENT_LT |
 * | TENTATIVE | lifetime expires | VALID, DEFAULT_LT |
 * | TENTATIVE | NA for X, or DAD NS for X, from a trusted port | owned elsewhere: NO_BIND |
 * | VALID | data from P | lifetime DEFAULT_LT again |
 * | VALID | data or NA for X from another validating port P' | 2 DAD NS to P, T_WAIT apart; drop the data; TESTING_VP (candidate P'), TENT_LT |
 * | VALID | DAD NS for X from P' | forward it to P and trusted ports, 1 DAD NS to P after T_WAIT; TESTING_VP |
 * | VALID | DAD NS for X from a trusted port | forward it to P and trusted ports; TESTING_TP-LT, TENT_LT |
 * | VALID | lifetime expires | 2 DAD NS to P; TESTING_TP-LT, TENT_LT |
 * | TESTING_VP | NA for X from P | the old owner answered: VALID on P, DEFAULT_LT (P' stays blocked) |
 * | TESTING_VP | lifetime expires | the anchor moves to P': VALID, DEFAULT_LT |
 * | TESTING_TP-LT | NA or data from P | VALID, DEFAULT_LT |
 * | TESTING_TP-LT | lifetime expires | NO_BIND |
 *
 * Constants (RFC 6620 §4.1): TENT_LT 500 ms, DEFAULT_LT 5 min, T_WAIT 250 ms. Data that is not
 * forwarded is dropped here (the RFC allows holding it instead; holding is not modelled). Packets
 * with the unspecified source other than DAD NS (MLD reports) pass. Trusted ports are never
 * filtered. Pure: handed `now`; DAD NS to send and the table's next deadline go to hooks.
 */
import type { Ipv6Address, Ipv6Packet } from '../wire/index.js';
import { IPV6_UNSPECIFIED } from '../wire/index.js';

const MS = 1e6;

/** RFC 6620 §4.1 constants, ns. */
export const FCFS_SAVI = { TENT_LT: 500 * MS, DEFAULT_LT: 300_000 * MS, T_WAIT: 250 * MS } as const;

/** FCFS SAVI states (RFC 6620 §3.2). */
export type SaviState = 'tentative' | 'valid' | 'testing-vp' | 'testing-tp-lt';

/** FCFS SAVI settings of a switch (times in ns). */
export interface FcfsSaviConfig {
  /** Trusted ports (indexes); every other port is validating. */
  readonly trustedPorts?: readonly number[];
  /** Validated VLANs; default (empty) every VLAN. */
  readonly vlans?: readonly number[];
  /** Overrides of the RFC constants (for experiments); defaults {@link FCFS_SAVI}. */
  readonly tentLt?: number;
  readonly defaultLt?: number;
  readonly tWait?: number;
}

/** One binding. */
export interface SaviEntry {
  readonly address: Ipv6Address;
  readonly vlan: number;
  state: SaviState;
  /** The binding anchor P (a port index). */
  port: number;
  /** TESTING_VP: the port that claims the address (P'). */
  candidate: number;
  /** When the lifetime runs out (ns). */
  expires: number;
}

/** What SAVI asks of its switch. */
export interface SaviHooks {
  /** Send one DAD NS for `address` in `vlan` out of `port`, or out of every trusted port with -1. */
  sendDadNs(address: Ipv6Address, vlan: number, port: number): void;
  /** Wake the table at `at` (its earliest deadline); the owner then calls `timers(now)`. */
  arm(at: number): void;
}

/** Why SAVI dropped a packet. */
export type SaviReason = 'unbound-source' | 'tentative' | 'testing' | 'bound-elsewhere';

/**
 * A verdict: `drop` null to pass. `confine` restricts where a passing DAD NS may be forwarded: to
 * trusted ports only, plus the anchor port `alsoPort` when >= 0.
 */
export interface SaviVerdict {
  readonly drop: SaviReason | null;
  readonly confine: { readonly alsoPort: number } | null;
}

/** Counters: plain integers. */
export class SaviCounters {
  bindings = 0;
  validated = 0;
  moved = 0;
  keptByOldOwner = 0;
  released = 0;
  dadNsSent = 0;
  dropped = 0;
}

const PASS: SaviVerdict = { drop: null, confine: null };
const CONFINE_TRUSTED: SaviVerdict = { drop: null, confine: { alsoPort: -1 } };
const VERDICTS = new Map<SaviReason, SaviVerdict>();
function dropped(reason: SaviReason): SaviVerdict {
  let v = VERDICTS.get(reason);
  if (v === undefined) VERDICTS.set(reason, (v = { drop: reason, confine: null }));
  return v;
}

/** See the module comment. */
export class FcfsSavi {
  readonly counters = new SaviCounters();
  private readonly trusted: ReadonlySet<number>;
  private readonly vlans: ReadonlySet<number>;
  private readonly tentLt: number;
  private readonly defaultLt: number;
  private readonly tWait: number;
  private readonly hooks: SaviHooks;
  private readonly table = new Map<string, SaviEntry>();
  /** DAD NS to send later: (time, address, vlan, port). */
  private readonly sends: Array<{ at: number; entry: SaviEntry; port: number }> = [];
  private armedAt = Infinity;

  constructor(config: FcfsSaviConfig, hooks: SaviHooks) {
    this.trusted = new Set(config.trustedPorts ?? []);
    this.vlans = new Set(config.vlans ?? []);
    this.tentLt = config.tentLt ?? FCFS_SAVI.TENT_LT;
    this.defaultLt = config.defaultLt ?? FCFS_SAVI.DEFAULT_LT;
    this.tWait = config.tWait ?? FCFS_SAVI.T_WAIT;
    for (const [name, v] of [['TENT_LT', this.tentLt], ['DEFAULT_LT', this.defaultLt], ['T_WAIT', this.tWait]] as const) {
      if (!(v > 0)) throw new RangeError(`FCFS SAVI ${name} must be positive, got ${v}`);
    }
    this.hooks = hooks;
  }

  /** Whether `port` is trusted. */
  isTrusted(port: number): boolean {
    return this.trusted.has(port);
  }

  /** The binding of `address` in `vlan`, if any. */
  entry(vlan: number, address: Ipv6Address): SaviEntry | undefined {
    return this.table.get(`${vlan}|${address}`);
  }

  /** Every binding, in creation order. */
  entries(): readonly SaviEntry[] {
    return [...this.table.values()];
  }

  /**
   * Binds `address` in `vlan` to `port` as VALID for DEFAULT_LT from `now`, replacing any binding of
   * it (a management plane that knows where the host is: an orchestrator pushing the destination
   * port of a migration, or a table that held the binding before the run). Queued DAD NS of a
   * replaced binding are dropped.
   */
  bind(vlan: number, address: Ipv6Address, port: number, now: number): SaviEntry {
    const old = this.table.get(this.key(vlan, address));
    if (old !== undefined) this.release(old);
    const e = this.create(vlan, address, port, now);
    this.set(e, 'valid', this.defaultLt, now);
    return e;
  }

  /** Removes the binding of `address` in `vlan` (an orchestrator clearing the source); returns whether there was one. */
  unbind(vlan: number, address: Ipv6Address): boolean {
    const e = this.table.get(this.key(vlan, address));
    if (e === undefined) return false;
    this.release(e);
    return true;
  }

  /** An IPv6 packet arrived on `port` in `vlan` at `now`. */
  packet(port: number, vlan: number, p: Ipv6Packet, now: number): SaviVerdict {
    if (this.vlans.size > 0 && !this.vlans.has(vlan)) return PASS;
    const m = p.payload;
    const trusted = this.trusted.has(port);
    if (m.kind === 'icmpv6' && m.type === 'ns' && p.source === IPV6_UNSPECIFIED) return this.dadNs(port, vlan, m.targetAddress, trusted, now);
    if (m.kind === 'icmpv6' && m.type === 'na') this.na(port, vlan, m.targetAddress, trusted, now);
    if (trusted || p.source === IPV6_UNSPECIFIED) return PASS;
    return this.data(port, vlan, p.source, now);
  }

  private key(vlan: number, address: Ipv6Address): string {
    return `${vlan}|${address}`;
  }

  private create(vlan: number, address: Ipv6Address, port: number, now: number): SaviEntry {
    const e: SaviEntry = { address, vlan, state: 'tentative', port, candidate: -1, expires: now + this.tentLt };
    this.table.set(this.key(vlan, address), e);
    this.counters.bindings++;
    this.wake(e.expires);
    return e;
  }

  private set(e: SaviEntry, state: SaviState, lifetime: number, now: number): void {
    e.state = state;
    e.expires = now + lifetime;
    this.wake(e.expires);
  }

  /** Queues a DAD NS for `e` out of `port` (-1: trusted ports) at `at`. */
  private probe(e: SaviEntry, port: number, at: number, now: number): void {
    if (at <= now) {
      this.counters.dadNsSent++;
      this.hooks.sendDadNs(e.address, e.vlan, port);
      return;
    }
    this.sends.push({ at, entry: e, port });
    this.wake(at);
  }

  private wake(at: number): void {
    if (at < this.armedAt) {
      this.armedAt = at;
      this.hooks.arm(at);
    }
  }

  private dadNs(port: number, vlan: number, x: Ipv6Address, trusted: boolean, now: number): SaviVerdict {
    const e = this.table.get(this.key(vlan, x));
    if (trusted) {
      if (e === undefined) return PASS;
      if (e.state === 'tentative') this.release(e);
      else if (e.state === 'valid') {
        this.set(e, 'testing-tp-lt', this.tentLt, now);
        return { drop: null, confine: { alsoPort: e.port } };
      }
      return PASS;
    }
    if (e === undefined) {
      const created = this.create(vlan, x, port, now);
      this.probe(created, -1, now + this.tWait, now);
      return CONFINE_TRUSTED;
    }
    // The anchor's own (re)transmission, e.g. DAD again after an administrative up.
    if (e.port === port) return CONFINE_TRUSTED;
    if (e.state === 'valid') {
      e.candidate = port;
      this.set(e, 'testing-vp', this.tentLt, now);
      this.probe(e, e.port, now + this.tWait, now);
      return { drop: null, confine: { alsoPort: e.port } };
    }
    return this.drop(e.state === 'tentative' ? 'bound-elsewhere' : 'testing');
  }

  private na(port: number, vlan: number, x: Ipv6Address, trusted: boolean, now: number): void {
    const e = this.table.get(this.key(vlan, x));
    if (e === undefined) return;
    if (trusted) {
      if (e.state === 'tentative') this.release(e);
      return;
    }
    if (port !== e.port) return;
    if (e.state === 'testing-vp') {
      e.candidate = -1;
      this.counters.keptByOldOwner++;
      this.set(e, 'valid', this.defaultLt, now);
    } else if (e.state === 'testing-tp-lt') {
      this.set(e, 'valid', this.defaultLt, now);
    }
  }

  private data(port: number, vlan: number, x: Ipv6Address, now: number): SaviVerdict {
    const e = this.table.get(this.key(vlan, x));
    if (e === undefined) {
      const created = this.create(vlan, x, port, now);
      this.probe(created, -1, now, now);
      this.probe(created, -1, now + this.tWait, now);
      return this.drop('unbound-source');
    }
    if (e.port === port) {
      switch (e.state) {
        case 'valid':
          e.expires = now + this.defaultLt;
          return PASS;
        case 'testing-tp-lt':
          this.set(e, 'valid', this.defaultLt, now);
          return PASS;
        case 'testing-vp':
          return PASS;
        default:
          return this.drop('tentative');
      }
    }
    if (e.state === 'valid') {
      e.candidate = port;
      this.set(e, 'testing-vp', this.tentLt, now);
      this.probe(e, e.port, now, now);
      this.probe(e, e.port, now + this.tWait, now);
      return this.drop('testing');
    }
    if (e.state === 'testing-vp' && e.candidate === port) return this.drop('testing');
    return this.drop('bound-elsewhere');
  }

  private drop(reason: SaviReason): SaviVerdict {
    this.counters.dropped++;
    return dropped(reason);
  }

  private release(e: SaviEntry): void {
    this.table.delete(this.key(e.vlan, e.address));
    this.counters.released++;
    for (let i = this.sends.length - 1; i >= 0; i--) if (this.sends[i]!.entry === e) this.sends.splice(i, 1);
  }

  /** Runs every deadline due at `now` (lifetimes, queued DAD NS), then re-arms for the next one. */
  timers(now: number): void {
    this.armedAt = Infinity;
    const due = this.sends.filter((s) => s.at <= now);
    if (due.length > 0) {
      this.sends.splice(0, this.sends.length, ...this.sends.filter((s) => s.at > now));
      for (const s of due) {
        this.counters.dadNsSent++;
        this.hooks.sendDadNs(s.entry.address, s.entry.vlan, s.port);
      }
    }
    for (const e of [...this.table.values()]) {
      if (e.expires > now) continue;
      switch (e.state) {
        case 'tentative':
          this.counters.validated++;
          this.set(e, 'valid', this.defaultLt, now);
          break;
        case 'valid':
          // The host was silent for DEFAULT_LT: test whether it is still there.
          this.set(e, 'testing-tp-lt', this.tentLt, now);
          this.probe(e, e.port, now, now);
          this.probe(e, e.port, now + this.tWait, now);
          break;
        case 'testing-vp':
          e.port = e.candidate;
          e.candidate = -1;
          this.counters.moved++;
          this.set(e, 'valid', this.defaultLt, now);
          break;
        case 'testing-tp-lt':
          this.release(e);
          break;
      }
    }
    let next = Infinity;
    for (const s of this.sends) next = Math.min(next, s.at);
    for (const e of this.table.values()) next = Math.min(next, e.expires);
    if (next < Infinity) {
      this.armedAt = next;
      this.hooks.arm(next);
    }
  }
}
