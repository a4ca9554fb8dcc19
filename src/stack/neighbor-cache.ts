/**
 * A neighbor table with the RFC 4861 §7.3 state machine, as Linux's net/core/neighbour.c runs it for
 * both ARP and ND, and the simpler fixed-lifetime model of routers and older stacks; which one, and
 * every timer, comes from the profile (profiles/profile.ts `NeighborTimers`).
 *
 * The table is pure: it takes `now` as an argument and tells its owner what to do through hooks
 * (send a solicitation, hand over a queued packet, drop one, arm the entry's timer), so it is tested
 * with explicit times and driven by the kernel in a running node (arp-agent.ts, nd-agent.ts).
 *
 * NUD (Linux `__neigh_event_send`, `neigh_timer_handler`, `__neigh_update`):
 * - no entry or FAILED + a packet → INCOMPLETE: first multicast solicitation now, then one per
 *   retransTime; after `multicastSolicit` unanswered → FAILED (or deleted), queued packets dropped.
 * - REACHABLE for reachableTime after the last confirmation; then STALE, or (Linux) DELAY when the
 *   entry was used within delayFirstProbeTime, where Linux counts as use only packets sent on the slow
 *   output path (profile `usedStamp`): a REACHABLE entry carrying traffic through its cached header
 *   expires to STALE, and the next packet starts DELAY.
 * - Timers fire when due, or as Linux's timer wheel fires them (profile `timerWheelHz`, `timerExpiry`).
 * - STALE + a packet → DELAY; after delayFirstProbeTime without confirmation → PROBE: `unicastSolicit`
 *   unicast probes to the cached address, then `multicastResolicit` multicast ones, then FAILED.
 * - Updates (`update`) follow `__neigh_update`: a different address replaces the cached one only with
 *   override; with weak override a REACHABLE entry is demoted to STALE keeping its address; the same
 *   address with new state STALE keeps the old state; `updated` (the lock-time reference) moves only
 *   when state or address really changes.
 * Timeout model: an entry is valid for `reachableTime` after it was last learned or refreshed; then a
 * packet re-resolves it. Failed resolution drops packets for `failureHoldDown`.
 */
import type { Rng } from '../sim/index.js';
import type { MacAddress } from '../wire/index.js';
import type { NeighborTimers } from './profiles/index.js';

/** States of an entry (RFC 4861 §7.3.2, plus Linux's FAILED and PERMANENT). */
export type NeighborState = 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'permanent';

/** One neighbor. Read it; only the cache changes it. */
export interface NeighborEntry<P> {
  state: NeighborState;
  lladdr: MacAddress | null;
  /** Last change of state or address (the lock-time reference). */
  updated: number;
  /** Last confirmation of reachability. */
  confirmed: number;
  /** Last time a packet counted as use of the entry (see the profile's `usedStamp`). */
  used: number;
  /** A packet went out through the slow path, which caches the entry's header (Linux neigh_hh_init). */
  headerCached: boolean;
  /** Solicitations sent in the current INCOMPLETE/PROBE phase (refresh phase for the timeout model). */
  probes: number;
  isRouter: boolean;
  /** Packets waiting for resolution. */
  readonly queue: P[];
  /** Time of the entry's armed timer, or -1. */
  timerAt: number;
  /** Timeout model: when the entry stops being valid. */
  expiresAt: number;
  /** Timeout model: refreshing a used entry before it expires. */
  refreshing: boolean;
}

/** Why a packet waiting for resolution was dropped. */
export type QueueDropReason = 'resolution-failed' | 'queue-overflow' | 'hold-down';

/** What the cache asks of its owner. */
export interface NeighborHooks<A, P> {
  /** Send a solicitation for `address`: to `target` (unicast probe) or, when null, broadcast/multicast. */
  solicit(address: A, target: MacAddress | null): void;
  /** Send `packet` to `lladdr` now. */
  transmit(address: A, lladdr: MacAddress, packet: P): void;
  /** A packet is dropped without being sent. */
  drop(address: A, packet: P, reason: QueueDropReason): void;
  /** Arm the entry's timer for `at`, or cancel it (`at` = -1); the owner then calls `timer(address, at)`. */
  arm(address: A, at: number): void;
  /** An entry changed (for tracing); `from`/`to` are 'none' when it did not exist / was deleted. */
  changed?(address: A, from: NeighborState | 'none', to: NeighborState | 'none', lladdr: MacAddress | null): void;
}

/** An update from a received message, decided by arp-rules.ts or nd-rules.ts. */
export interface NeighborUpdate {
  /** The advertised link-layer address, or null when the message carried none. */
  readonly lladdr: MacAddress | null;
  readonly state: 'reachable' | 'stale';
  /** May replace a different cached address. */
  readonly override: boolean;
  /** Without override: demote a REACHABLE entry to STALE, keeping its address (RFC 4861 §7.2.5 I.a). */
  readonly weakOverride: boolean;
  /** Create the entry if there is none. */
  readonly create: boolean;
  /** New IsRouter value, when the message tells (NA R flag, RA). */
  readonly isRouter?: boolean;
}

/** What `update` did. */
export type UpdateResult = 'created' | 'changed' | 'unchanged' | 'ignored';

/** Timer values as plain numbers (ns). */
interface Params {
  readonly nud: boolean;
  readonly reachableBase: number;
  readonly randomize: boolean;
  readonly retrans: number;
  readonly delayFirstProbe: number;
  readonly multicastSolicit: number;
  readonly unicastSolicit: number;
  readonly multicastResolicit: number;
  readonly delayIfUsed: boolean;
  readonly deleteOnFailure: boolean;
  readonly holdDown: number;
  readonly refreshBefore: number;
  readonly queueLength: number;
  readonly slowPathUse: boolean;
  readonly timerWheelHz: number;
}

/**
 * When a timer armed at `now` for `at` (ns) fires: at `at` itself when `hz` is 0; otherwise as Linux's
 * timer wheel (kernel/time/timer.c `calc_wheel_index`, `calc_index`) fires it: the expiry in jiffies
 * goes to level n when it is less than 63·8^n jiffies ahead (LVL_START), and is moved up to the next
 * multiple of that level's granularity, 8^n jiffies (strictly later, so a timer never fires early).
 */
export function timerExpiry(now: number, at: number, hz: number): number {
  if (hz <= 0 || !Number.isFinite(at)) return at;
  const jiffy = 1e9 / hz;
  const nowJ = Math.floor(now / jiffy);
  const expJ = nowJ + Math.max(0, Math.ceil((at - now) / jiffy - 1e-9));
  const delta = expJ - nowJ;
  let granularity = 1;
  for (let start = 63; delta >= start && granularity < 8 ** 8; start *= 8) granularity *= 8;
  return Math.round((Math.floor(expJ / granularity) + 1) * granularity * jiffy);
}

/** Linux re-randomizes the reachable time of a table every 300 s (neigh_periodic_work). */
const RERANDOMIZE_EVERY = 300e9;

/**
 * The parameters of each profile's timers, computed once per timers object: every host of a profile
 * shares them (a million hosts would otherwise hold a million equal copies).
 */
const PARAMS = new WeakMap<NeighborTimers, Params>();

function params(t: NeighborTimers): Params {
  let p = PARAMS.get(t);
  if (p === undefined) {
    p = computeParams(t);
    PARAMS.set(t, p);
  }
  return p;
}

function computeParams(t: NeighborTimers): Params {
  return {
    nud: t.aging.value === 'nud',
    reachableBase: t.reachableTime.value,
    randomize: t.randomizeReachableTime.value,
    retrans: t.retransTime.value,
    delayFirstProbe: t.delayFirstProbeTime.value,
    multicastSolicit: t.multicastSolicit.value,
    unicastSolicit: t.unicastSolicit.value,
    multicastResolicit: t.multicastResolicit.value,
    delayIfUsed: t.reachableExpiry.value === 'delay-if-used',
    deleteOnFailure: t.onFailure.value === 'delete',
    holdDown: t.failureHoldDown.value,
    refreshBefore: t.refreshBeforeExpiry.value,
    queueLength: Math.max(1, t.queueLength.value),
    slowPathUse: t.usedStamp.value === 'slow-path',
    timerWheelHz: t.timerWheelHz.value,
  };
}

/** The table of every cache that has no entry yet: only ever read (`newEntry` replaces it before a write). */
const EMPTY_TABLE: Map<unknown, unknown> = new Map();

function isSharedEmptyTable(m: object): boolean {
  return m === EMPTY_TABLE;
}

/** Where a table's random stream comes from (its owner's streams, by name). */
export interface RandomStreams {
  randomStream(name: string): Rng;
}

/**
 * The keys of the caches of one network holding each address that two or more of them hold, with a
 * count of the changes to any cache's holdings (`version`), for whoever keeps answers derived from them.
 */
export class HolderSets<A> {
  readonly byAddress = new Map<A, Set<number>>();
  version = 0;
}

/** See the module comment. */
export class NeighborCache<A, P> {
  private readonly p: Params;
  private readonly hooks: NeighborHooks<A, P>;
  /** The random stream `streamName` of `streams`: asked for at the first draw (most tables never draw). */
  private readonly streams: RandomStreams;
  private readonly streamName: string;
  private rngValue: Rng | null = null;
  /** The entries; the shared empty table until the first entry is created (most hosts of a large domain never learn one). */
  private table: Map<A, NeighborEntry<P>> = EMPTY_TABLE as Map<A, NeighborEntry<P>>;
  /**
   * The entry the output path last found, and its address (a host sends mostly to one next hop, its
   * gateway): found again without a lookup in `table`. Forgotten when its entry leaves the table.
   */
  private lastAddress: A | undefined = undefined;
  private lastEntry: NeighborEntry<P> | undefined = undefined;
  /**
   * The current reachable time; -1 until first asked for (see {@link reachableTime}). Not NaN: a
   * number field that holds a non-integer from the start is a heap number of its own in every cache.
   */
  private reachable = -1;
  private reachableDrawnAt = 0;
  /** How many caches sharing this map hold an entry for each address (absent: none); see {@link held}. */
  private readonly holders: Map<A, number> | null;
  /** The sums of the keys of the caches counted in {@link holders}, by address, and this cache's key. */
  private readonly holderKeys: Map<A, number> | null;
  private readonly holderKey: number;
  /** The keys of the caches holding each address that two or more hold, when given (see the constructor). */
  private readonly holderSets: HolderSets<A> | null;

  /**
   * `holders`, when given, is a map shared by the caches of one network: each cache counts its
   * entries in it, so a receiver can tell that no cache holds an address without looking in its own.
   * `holderKeys`, when given with it, is shared the same way and sums the `holderKey`s of the caches
   * holding each address: where one cache holds it, the sum names that cache. `holderSets`, when
   * given with both, is shared too and holds the keys of the caches holding each address that two
   * or more hold.
   */
  constructor(
    timers: NeighborTimers,
    hooks: NeighborHooks<A, P>,
    streams: RandomStreams,
    streamName: string,
    holders: Map<A, number> | null = null,
    holderKeys: Map<A, number> | null = null,
    holderKey = 0,
    holderSets: HolderSets<A> | null = null,
  ) {
    this.p = params(timers);
    this.hooks = hooks;
    this.streams = streams;
    this.streamName = streamName;
    this.holders = holders;
    this.holderKeys = holderKeys;
    this.holderKey = holderKey;
    this.holderSets = holderSets;
  }

  private get rng(): Rng {
    return this.rngValue ??= this.streams.randomStream(this.streamName);
  }

  private drawReachable(): number {
    const base = this.p.reachableBase;
    if (!this.p.randomize || !Number.isFinite(base)) return base;
    // U[base/2, 3 base/2), whole nanoseconds (RFC 4861 §6.3.2; Linux neigh_rand_reach_time).
    return Math.floor(base / 2 + this.rng.nextFloat() * base);
  }

  /** The current (randomized) reachable time. */
  reachableTime(now: number): number {
    // The first value is drawn when first needed rather than at construction: the stream's draws come
    // in the same order, and a table that never times an entry (most of a large domain) never derives
    // its random stream.
    if (this.reachable < 0) this.reachable = this.drawReachable();
    if (this.p.randomize && now - this.reachableDrawnAt >= RERANDOMIZE_EVERY) {
      this.reachable = this.drawReachable();
      this.reachableDrawnAt = now - (now % RERANDOMIZE_EVERY);
    }
    return this.reachable;
  }

  /** The entry for `address`, if any (timeout-model entries past their lifetime still show until used). */
  get(address: A): Readonly<NeighborEntry<P>> | undefined {
    return this.table.get(address);
  }

  /**
   * Whether this cache may hold an entry for `address`: false when no cache sharing its holders map
   * does (one lookup in the shared map, not in this cache's own table); otherwise whether this one does.
   */
  held(address: A): boolean {
    if (this.holders !== null && this.holders.get(address) === undefined) return false;
    return this.table.get(address) !== undefined;
  }

  private counted(address: A, by: 1 | -1): void {
    const holders = this.holders;
    if (holders === null) return;
    const n = (holders.get(address) ?? 0) + by;
    if (n > 0) holders.set(address, n);
    else holders.delete(address);
    const keys = this.holderKeys;
    if (keys === null) return;
    const sets = this.holderSets;
    if (sets !== null) {
      // Made at the second holder, from the first one's key (the sum so far), and dropped at one.
      const byAddress = sets.byAddress;
      sets.version++;
      if (by > 0 && n === 2) byAddress.set(address, new Set([keys.get(address)!, this.holderKey]));
      else if (by > 0 && n > 2) byAddress.get(address)!.add(this.holderKey);
      else if (by < 0 && n >= 2) byAddress.get(address)!.delete(this.holderKey);
      else if (by < 0 && n === 1) byAddress.delete(address);
    }
    if (n > 0) keys.set(address, (keys.get(address) ?? 0) + by * this.holderKey);
    else keys.delete(address);
  }

  /** Every entry, in creation order. */
  entries(): ReadonlyMap<A, Readonly<NeighborEntry<P>>> {
    return this.table;
  }

  get size(): number {
    return this.table.size;
  }

  private setState(address: A, e: NeighborEntry<P>, state: NeighborState, now: number): void {
    const from = e.state;
    e.state = state;
    e.updated = now;
    if (from !== state) this.hooks.changed?.(address, from, state, e.lladdr);
  }

  /** Cancels the entry's timer. */
  private disarm(address: A, e: NeighborEntry<P>): void {
    e.timerAt = -1;
    this.hooks.arm(address, -1);
  }

  /** Arms the entry's timer, at `now`, for `at`: it fires when the profile's timers fire (timerExpiry). */
  private arm(address: A, e: NeighborEntry<P>, at: number, now: number): void {
    const due = at < 0 ? -1 : timerExpiry(now, at, this.p.timerWheelHz);
    e.timerAt = due;
    this.hooks.arm(address, due);
  }

  private newEntry(address: A, now: number, state: NeighborState, lladdr: MacAddress | null): NeighborEntry<P> {
    const e: NeighborEntry<P> = {
      // Only a REACHABLE entry starts confirmed (Linux __neigh_update sets `confirmed` for NUD_CONNECTED).
      state, lladdr, updated: now, confirmed: state === 'reachable' || state === 'permanent' ? now : -Infinity, used: now, headerCached: false, probes: 0, isRouter: false, queue: [],
      timerAt: -1, expiresAt: Infinity, refreshing: false,
    };
    if (isSharedEmptyTable(this.table)) this.table = new Map();
    this.table.set(address, e);
    this.counted(address, 1);
    this.hooks.changed?.(address, 'none', state, lladdr);
    return e;
  }

  /** Removes an entry (queued packets are dropped as failed). */
  remove(address: A): void {
    const e = this.table.get(address);
    if (e === undefined) return;
    if (e.timerAt >= 0) this.disarm(address, e);
    for (const packet of e.queue.splice(0)) this.hooks.drop(address, packet, 'resolution-failed');
    this.deleteEntry(address);
    this.hooks.changed?.(address, e.state, 'none', e.lladdr);
  }

  /** Takes `address`'s entry out of the table. */
  private deleteEntry(address: A): void {
    this.table.delete(address);
    if (address === this.lastAddress) {
      this.lastAddress = undefined;
      this.lastEntry = undefined;
    }
    this.counted(address, -1);
  }

  /**
   * An administrative update, as `ip neigh replace ADDRESS lladdr MAC nud STATE` (Linux neigh_add:
   * `__neigh_update` with NEIGH_UPDATE_F_ADMIN and OVERRIDE): the entry takes the address and state
   * whatever it held; a REACHABLE one counts as confirmed now and runs its reachable timer, a STALE
   * one waits for a packet. PERMANENT is {@link addPermanent}.
   */
  administer(address: A, lladdr: MacAddress, state: 'reachable' | 'stale', now: number): void {
    const e = this.table.get(address);
    if (e === undefined || e.state === 'permanent') {
      if (e !== undefined) this.remove(address);
      const created = this.newEntry(address, now, state, lladdr);
      if (!this.p.nud) created.expiresAt = now + this.p.reachableBase;
      else if (state === 'reachable') this.arm(address, created, now + this.reachableTime(now), now);
      return;
    }
    const old = e.state;
    const wasValid = this.valid(e);
    e.lladdr = lladdr;
    e.updated = now;
    e.probes = 0;
    e.refreshing = false;
    if (state === 'reachable') e.confirmed = now;
    if (!this.p.nud) e.expiresAt = now + this.p.reachableBase;
    e.state = state;
    if (old !== state) this.hooks.changed?.(address, old, state, lladdr);
    this.arm(address, e, this.p.nud && state === 'reachable' ? now + this.reachableTime(now) : -1, now);
    if (!wasValid) this.flush(address, e, lladdr, now);
  }

  /** Sends the packets that waited for resolution (each through the slow path, as Linux's arp_queue). */
  private flush(address: A, e: NeighborEntry<P>, lladdr: MacAddress, now: number): void {
    if (e.queue.length === 0) return;
    e.used = now;
    e.headerCached = true;
    for (const packet of e.queue.splice(0)) this.hooks.transmit(address, lladdr, packet);
  }

  /** Installs a permanent (static) entry. */
  addPermanent(address: A, lladdr: MacAddress, now: number): void {
    this.remove(address);
    this.newEntry(address, now, 'permanent', lladdr);
  }

  private valid(e: NeighborEntry<P>): boolean {
    return e.lladdr !== null && (e.state === 'reachable' || e.state === 'stale' || e.state === 'delay' || e.state === 'probe' || e.state === 'permanent');
  }

  private enqueue(address: A, e: NeighborEntry<P>, packet: P): void {
    e.queue.push(packet);
    // RFC 4861 §7.2.2: when the queue overflows, the new arrival replaces the oldest entry.
    if (e.queue.length > this.p.queueLength) this.hooks.drop(address, e.queue.shift()!, 'queue-overflow');
  }

  private startResolution(address: A, e: NeighborEntry<P> | undefined, packet: P, now: number): void {
    if (this.p.multicastSolicit <= 0) {
      this.hooks.drop(address, packet, 'resolution-failed');
      return;
    }
    const entry = e ?? this.newEntry(address, now, 'incomplete', null);
    if (e !== undefined) {
      entry.lladdr = null;
      this.setState(address, entry, 'incomplete', now);
    }
    entry.probes = 1;
    entry.refreshing = false;
    this.enqueue(address, entry, packet);
    this.hooks.solicit(address, null);
    this.arm(address, entry, now + this.p.retrans, now);
  }

  /** The output path: send `packet` to `address`, resolving it first if needed. */
  output(address: A, packet: P, now: number): void {
    let e = this.lastEntry;
    if (address !== this.lastAddress || e === undefined) {
      e = this.table.get(address);
      if (e === undefined) return this.startResolution(address, undefined, packet, now);
      this.lastAddress = address;
      this.lastEntry = e;
    }
    // Linux stamps `used` in neigh_event_send_probe, on the slow path (neigh_resolve_output); a
    // connected entry whose header is cached goes out by neigh_hh_output and leaves it alone.
    const connected = e.state === 'reachable' || e.state === 'permanent';
    if (!this.p.slowPathUse || !connected || !e.headerCached) e.used = now;
    if (e.lladdr !== null && e.state !== 'incomplete' && e.state !== 'failed') e.headerCached = true;
    switch (e.state) {
      case 'permanent':
        this.hooks.transmit(address, e.lladdr!, packet);
        return;
      case 'incomplete':
        this.enqueue(address, e, packet);
        return;
      case 'failed':
        if (!this.p.nud && now < e.expiresAt) {
          this.hooks.drop(address, packet, 'hold-down');
          return;
        }
        return this.startResolution(address, e, packet, now);
      default:
        break;
    }
    if (!this.p.nud) {
      if (now >= e.expiresAt) return this.startResolution(address, e, packet, now);
      if (this.p.refreshBefore > 0 && !e.refreshing && now >= e.expiresAt - this.p.refreshBefore) {
        e.refreshing = true;
        e.probes = 1;
        this.hooks.solicit(address, null);
        this.arm(address, e, now + this.p.retrans, now);
      }
      this.hooks.transmit(address, e.lladdr!, packet);
      return;
    }
    if (e.state === 'stale') {
      this.setState(address, e, 'delay', now);
      this.arm(address, e, now + this.p.delayFirstProbe, now);
    }
    this.hooks.transmit(address, e.lladdr!, packet);
  }

  /**
   * An upper layer confirmed reachability (RFC 4861 §7.3.1, e.g. TCP forward progress). As Linux's
   * neigh_confirm, this only moves `confirmed`: a REACHABLE entry lasts longer, a DELAY entry becomes
   * REACHABLE at its timer instead of probing; a STALE or PROBE entry does not change by itself.
   */
  confirm(address: A, now: number): void {
    const e = this.table.get(address);
    if (e === undefined || !this.p.nud || !this.valid(e) || e.state === 'permanent') return;
    e.confirmed = now;
  }

  private fail(address: A, e: NeighborEntry<P>, now: number): void {
    for (const packet of e.queue.splice(0)) this.hooks.drop(address, packet, 'resolution-failed');
    if (this.p.deleteOnFailure && this.p.holdDown <= 0) {
      this.deleteEntry(address);
      if (e.timerAt >= 0) this.disarm(address, e);
      this.hooks.changed?.(address, e.state, 'none', e.lladdr);
      return;
    }
    this.setState(address, e, 'failed', now);
    e.lladdr = null;
    e.expiresAt = now + this.p.holdDown;
    this.disarm(address, e);
  }

  /** The entry's timer fired at `now` (the owner calls this for times passed to `arm`). */
  timer(address: A, now: number): void {
    const e = this.table.get(address);
    if (e === undefined || e.timerAt !== now) return;
    e.timerAt = -1;
    switch (e.state) {
      case 'reachable': {
        if (!this.p.nud) {
          // Timeout model: a refresh in progress.
          if (!e.refreshing) return;
          if (now >= e.expiresAt || e.probes >= this.p.multicastSolicit) {
            e.refreshing = false;
            return;
          }
          e.probes++;
          this.hooks.solicit(address, null);
          this.arm(address, e, now + this.p.retrans, now);
          return;
        }
        const expiry = e.confirmed + this.reachableTime(now);
        if (now < expiry) {
          this.arm(address, e, expiry, now);
        } else if (this.p.delayIfUsed && now - e.used <= this.p.delayFirstProbe) {
          this.setState(address, e, 'delay', now);
          this.arm(address, e, now + this.p.delayFirstProbe, now);
        } else {
          this.setState(address, e, 'stale', now);
        }
        return;
      }
      case 'delay':
        if (now - e.confirmed <= this.p.delayFirstProbe) {
          this.setState(address, e, 'reachable', now);
          this.arm(address, e, e.confirmed + this.reachableTime(now), now);
          return;
        }
        this.setState(address, e, 'probe', now);
        e.probes = 0;
        this.probe(address, e, now);
        return;
      case 'probe':
        this.probe(address, e, now);
        return;
      case 'incomplete':
        if (e.probes >= this.p.multicastSolicit) return this.fail(address, e, now);
        e.probes++;
        this.hooks.solicit(address, null);
        this.arm(address, e, now + this.p.retrans, now);
        return;
      default:
        return;
    }
  }

  private probe(address: A, e: NeighborEntry<P>, now: number): void {
    if (e.probes >= this.p.unicastSolicit + this.p.multicastResolicit) return this.fail(address, e, now);
    const unicast = e.probes < this.p.unicastSolicit;
    e.probes++;
    this.hooks.solicit(address, unicast ? e.lladdr : null);
    this.arm(address, e, now + this.p.retrans, now);
  }

  /** Applies an update decided by the receive rules. */
  update(address: A, u: NeighborUpdate, now: number): UpdateResult {
    const e = this.table.get(address);
    if (e !== undefined) return this.apply(address, e, u, now);
    if (!u.create || u.lladdr === null) return 'ignored';
    const state = this.p.nud ? u.state : 'reachable';
    const created = this.newEntry(address, now, state, u.lladdr);
    if (u.isRouter !== undefined) created.isRouter = u.isRouter;
    if (!this.p.nud) created.expiresAt = now + this.p.reachableBase;
    else if (state === 'reachable') this.arm(address, created, now + this.reachableTime(now), now);
    return 'created';
  }

  private apply(address: A, e: NeighborEntry<P>, u: NeighborUpdate, now: number): UpdateResult {
    if (e.state === 'permanent') return 'ignored';
    const old = e.state;
    const wasValid = this.valid(e);
    let lladdr = u.lladdr;
    let state: NeighborState = u.state;
    if (lladdr === null) {
      // No address supplied: only a valid entry can be updated (Linux: -EINVAL otherwise).
      if (!wasValid) return 'ignored';
      lladdr = e.lladdr!;
    }
    if (!this.p.nud) state = 'reachable';
    if (wasValid) {
      if (lladdr !== e.lladdr && !u.override) {
        if (u.weakOverride && old === 'reachable') {
          lladdr = e.lladdr!;
          state = 'stale';
        } else {
          return 'ignored';
        }
      } else if (lladdr === e.lladdr && state === 'stale') {
        state = old;
      }
    }
    if (u.isRouter !== undefined) e.isRouter = u.isRouter;
    if (state === 'reachable') e.confirmed = now;
    if (!this.p.nud) e.expiresAt = now + this.p.reachableBase;
    const addressChanged = lladdr !== e.lladdr;
    if (state === old && !addressChanged) {
      if (!this.p.nud && e.refreshing) e.refreshing = false;
      return 'unchanged';
    }
    e.lladdr = lladdr;
    e.updated = now;
    // A new address that is not confirmed counts as never confirmed (Linux: confirmed = now - 2 × base).
    if (addressChanged && state !== 'reachable') e.confirmed = -Infinity;
    if (state !== old) {
      e.state = state;
      e.probes = 0;
      this.hooks.changed?.(address, old, state, lladdr);
      this.arm(address, e, this.p.nud && state === 'reachable' ? now + this.reachableTime(now) : -1, now);
    } else if (addressChanged) {
      this.hooks.changed?.(address, old, state, lladdr);
    }
    e.refreshing = false;
    if (!wasValid) this.flush(address, e, lladdr, now);
    return 'changed';
  }
}
