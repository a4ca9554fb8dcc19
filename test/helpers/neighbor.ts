/**
 * A neighbor cache driven by hand, with explicit times: hooks that record what the cache asks for,
 * and a way to put an entry into any state the way the state machine would get there.
 */
import { Rng } from '../../src/sim/index.js';
import type { NeighborState, QueueDropReason } from '../../src/stack/neighbor-cache.js';
import { NeighborCache } from '../../src/stack/neighbor-cache.js';
import type { NeighborTimers } from '../../src/stack/profiles/index.js';
import type { MacAddress } from '../../src/wire/index.js';

/** What the cache asked its owner to do, in order. */
export type HookEvent<A> =
  | { kind: 'solicit'; address: A; target: MacAddress | null; time: number }
  | { kind: 'transmit'; address: A; lladdr: MacAddress; packet: string; time: number }
  | { kind: 'drop'; address: A; packet: string; reason: QueueDropReason; time: number };

/** A cache plus its recorded hook calls and armed timers; `now` is advanced by `runUntil`. */
export class DrivenCache<A> {
  readonly cache: NeighborCache<A, string>;
  readonly events: Array<HookEvent<A>> = [];
  readonly timers = new Map<A, number>();
  now = 0;

  constructor(timers: NeighborTimers, seed = 1) {
    this.cache = new NeighborCache<A, string>(timers, {
      solicit: (address, target) => this.events.push({ kind: 'solicit', address, target, time: this.now }),
      transmit: (address, lladdr, packet) => this.events.push({ kind: 'transmit', address, lladdr, packet, time: this.now }),
      drop: (address, packet, reason) => this.events.push({ kind: 'drop', address, packet, reason, time: this.now }),
      arm: (address, at) => {
        if (at < 0) this.timers.delete(address);
        else this.timers.set(address, at);
      },
    }, { randomStream: (name) => Rng.fromSeed(seed).stream(name) }, 'neighbor');
  }

  /** Fires every armed timer up to `until` in time order, then sets `now = until`. */
  runUntil(until: number): void {
    for (;;) {
      let next: [A, number] | undefined;
      for (const [a, t] of this.timers) if (t <= until && (next === undefined || t < next[1])) next = [a, t];
      if (next === undefined) break;
      this.now = next[1];
      this.timers.delete(next[0]);
      this.cache.timer(next[0], next[1]);
    }
    this.now = until;
  }

  state(address: A): NeighborState | 'none' {
    return this.cache.get(address)?.state ?? 'none';
  }

  /**
   * Puts `address` into `state` (with `lladdr` where the state has one) the way the state machine
   * gets there, ending at time `at`.
   */
  prepare(address: A, state: NeighborState | 'none', lladdr: MacAddress, at: number): void {
    const c = this.cache;
    const start = (t: number): void => this.runUntil(t);
    switch (state) {
      case 'none':
        start(at);
        return;
      case 'reachable':
        start(at);
        c.update(address, { lladdr, state: 'reachable', override: true, weakOverride: false, create: true }, at);
        return;
      case 'stale':
        start(at);
        c.update(address, { lladdr, state: 'stale', override: true, weakOverride: false, create: true }, at);
        return;
      case 'permanent':
        start(at);
        c.addPermanent(address, lladdr, at);
        return;
      case 'delay':
        start(at);
        c.update(address, { lladdr, state: 'stale', override: true, weakOverride: false, create: true }, at);
        c.output(address, 'warm-up', at);
        return;
      case 'probe': {
        const t0 = at - 5e9;
        start(t0);
        c.update(address, { lladdr, state: 'stale', override: true, weakOverride: false, create: true }, t0);
        c.output(address, 'warm-up', t0);
        this.runUntil(at);
        return;
      }
      case 'incomplete':
        start(at);
        c.output(address, 'waiting', at);
        return;
      case 'failed': {
        const t0 = at - 3e9;
        start(t0);
        c.output(address, 'waiting', t0);
        this.runUntil(at);
        return;
      }
    }
  }
}
