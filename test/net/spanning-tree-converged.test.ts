/**
 * The fast path must equal the plain path (DESIGN.md, "Exactness first"): `startConverged` installs
 * at time 0 exactly the roles, states, stored priority vectors and root information that a cold start
 * of the protocol reaches once its timers have run, and the protocol then keeps that state (no port
 * moves, no topology change) while hellos continue. Checked on named topologies and on random ones
 * (parallel links, links to itself, links down at start, several connected parts, hosts on edge
 * ports, mixed rates and priorities, both cost tables, several timer sets).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpanningTreeProtocol } from '../../src/net/index.js';
import { RUNS } from '../helpers/arbitraries.js';
import type { LinkSpec, TopologySpec } from '../helpers/spanning-tree.js';
import { PROTOCOLS, build, meshSpec, ringSpec, snapshot, threeTierSpec } from '../helpers/spanning-tree.js';

const S = 1e9;

interface Timers {
  readonly helloTime: number;
  readonly maxAge: number;
  readonly forwardDelay: number;
}

const DEFAULT_TIMERS: Timers = { helloTime: 2 * S, maxAge: 20 * S, forwardDelay: 15 * S };

/** Long enough for a cold start to finish: timers (2 × forward delay; RSTP host ports max age + hello) and the last topology change (max age + forward delay). */
function settleTime(t: Timers): number {
  return 2 * (2 * t.forwardDelay + t.maxAge + t.forwardDelay);
}

/** Whether `startConverged` accepts `spec` (its start event refuses a tree too deep for max age). */
function convergedAccepts(spec: TopologySpec, protocol: SpanningTreeProtocol, pathCosts: 'short' | 'long', timers: Timers, seed: number): boolean {
  const fast = build(spec, { protocol, pathCosts, ...timers, startConverged: true }, seed);
  try {
    fast.net.kernel.run({ until: 0 });
    return true;
  } catch (e) {
    if (e instanceof Error && /too deep to converge/.test(e.message)) return false;
    throw e;
  }
}

/** Runs `spec` cold and converged; returns both snapshots after settling, and the converged one at time 0. */
function compare(spec: TopologySpec, protocol: SpanningTreeProtocol, pathCosts: 'short' | 'long', timers: Timers, seed: number) {
  const options = { protocol, pathCosts, ...timers };
  const end = settleTime(timers);
  const cold = build(spec, options, seed);
  cold.net.kernel.run({ until: end });
  const fast = build(spec, { ...options, startConverged: true }, seed);
  const moves: string[] = [];
  fast.net.kernel.trace.on('port-state', (e) => { if (e.time > 0) moves.push(`${e.time} ${e.port} ${e.state}`); });
  fast.net.kernel.run({ until: 0 });
  const atStart = snapshot(fast.bridges);
  fast.net.kernel.run({ until: end });
  const topologyChanges = [...fast.bridges.values()].reduce((n, b) => n + b.counters.topologyChanges, 0);
  return { cold: snapshot(cold.bridges), atStart, later: snapshot(fast.bridges), moves, topologyChanges };
}

describe.each(PROTOCOLS)('%s: startConverged equals a cold start', (protocol) => {
  const named: Array<[string, TopologySpec]> = [
    ['ring of 6', { ...ringSpec(6), hosts: ['r2', 'r5'] }],
    ['ring of 5 with a root by priority', { ...ringSpec(5), priorities: { r4: 4096 } }],
    ['full mesh of 5', meshSpec(5)],
    ['three-tier tree', { ...threeTierSpec(3, { coreCore: 100e9, coreAgg: 40e9, aggAgg: 10e9, access: 10e9 }), priorities: { c1: 4096, c2: 8192 } }],
    ['two parallel links and a looped port', {
      switches: ['p1', 'p2'],
      links: [['p1', 'p2', 1e9], ['p1', 'p2', 1e9], ['p2', 'p2', 1e9]],
      hosts: ['p2'],
    }],
    ['a failed link and two islands', { ...ringSpec(4), links: [...ringSpec(4).links, ['r1', 'r3', 10e9]], down: [0, 2] }],
  ];

  it.each(named)('%s', (_, spec) => {
    const r = compare(spec, protocol, 'long', DEFAULT_TIMERS, 1);
    expect(r.atStart).toEqual(r.cold);
    expect(r.later).toEqual(r.atStart);
    expect(r.moves).toEqual([]);
    expect(r.topologyChanges).toBe(0);
  });

  it('random topologies', () => {
    const rates = [100e6, 1e9, 10e9, 40e9, 100e9];
    // The short STP sets make trees of a few bridges too deep: relays held by the hold timer age
    // information 2 s per bridge (see the chains below), and the fast path refuses such trees.
    const timerSets: Timers[] = protocol === 'stp'
      ? [DEFAULT_TIMERS, { helloTime: 2 * S, maxAge: 10 * S, forwardDelay: 6 * S }, { helloTime: 1 * S, maxAge: 6 * S, forwardDelay: 4 * S }]
      : [DEFAULT_TIMERS, { helloTime: 1 * S, maxAge: 6 * S, forwardDelay: 4 * S }, { helloTime: 2 * S, maxAge: 12 * S, forwardDelay: 8 * S }];
    const topology = fc.integer({ min: 2, max: 7 }).chain((n) => fc.record({
      n: fc.constant(n),
      links: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom(...rates)), { minLength: 1, maxLength: 12 }),
      priorities: fc.array(fc.constantFrom(4096, 32768, 61440), { minLength: n, maxLength: n }),
      hosts: fc.array(fc.nat(n - 1), { maxLength: 4 }),
      down: fc.array(fc.nat(), { maxLength: 2 }),
      pathCosts: fc.constantFrom('short' as const, 'long' as const),
      timers: fc.constantFrom(...timerSets),
      seed: fc.nat(),
    }));
    const numRuns = Math.max(50, Math.floor(RUNS / 4));
    let refused = 0;
    fc.assert(fc.property(topology, (r) => {
      const names = Array.from({ length: r.n }, (_, i) => `s${i + 1}`);
      const spec: TopologySpec = {
        switches: names,
        links: r.links.map(([a, b, rate]): LinkSpec => [names[a]!, names[b]!, rate]),
        hosts: r.hosts.map((h) => names[h]!),
        priorities: Object.fromEntries(names.map((s, i) => [s, r.priorities[i]!])),
        down: [...new Set(r.down.map((d) => d % r.links.length))],
      };
      // A tree too deep for the timers has no converged state (see the chains below); the fast
      // path must refuse it rather than install a tree the protocol does not keep.
      if (!convergedAccepts(spec, protocol, r.pathCosts, r.timers, r.seed)) {
        refused++;
        return;
      }
      const c = compare(spec, protocol, r.pathCosts, r.timers, r.seed);
      expect(c.atStart).toEqual(c.cold);
      expect(c.later).toEqual(c.atStart);
      expect(c.moves).toEqual([]);
      expect(c.topologyChanges).toBe(0);
    }), { numRuns });
    // Deep trees are the exception among these topologies: the comparison really ran.
    expect(refused).toBeLessThan(numRuns / 4);
  });
});

/** A chain s1–s2–…–sn (s1, the lowest address, is the root) of 100 Mb/s links. */
function chainSpec(n: number): TopologySpec {
  const switches = Array.from({ length: n }, (_, i) => `s${i + 1}`);
  return { switches, links: switches.slice(1).map((s, i): LinkSpec => [switches[i]!, s, 100e6]) };
}

describe('stp: a relay held by the hold timer carries the wait in its message age (802.1D-1998 §8.6.1)', () => {
  const timers: Timers = { helloTime: 2 * S, maxAge: 10 * S, forwardDelay: 6 * S };
  const HOLD = 1 * S;
  const INCREMENT = 1 * S;

  // The topology the random property found (seed 2031892134): the chain s6–s1–s2–s3–s5–s4–s7, s6
  // the root by priority and address, so s7's root port holds information relayed by five bridges.
  const found: TopologySpec = {
    switches: ['s1', 's2', 's3', 's4', 's5', 's6', 's7'],
    links: [['s7', 's4', 100e6], ['s3', 's2', 100e6], ['s2', 's1', 100e6], ['s6', 's1', 100e6], ['s5', 's4', 100e6], ['s3', 's5', 100e6]],
    priorities: { s1: 61440, s2: 61440, s3: 61440, s4: 61440, s5: 32768, s6: 4096, s7: 4096 },
  };
  const relays = 5;

  it('the protocol does not keep a tree whose information can age 2 s per relay beyond max age − hello, and startConverged refuses it', () => {
    expect(relays * (HOLD + INCREMENT) + timers.helloTime).toBeGreaterThanOrEqual(timers.maxAge);
    const cold = build(found, { protocol: 'stp', pathCosts: 'short', ...timers }, 0);
    let oldest = 0;
    cold.net.kernel.trace.on('frame-received', (e) => {
      const llc = e.frame.eth.payload;
      if (e.node === 's7' && llc.kind === 'llc' && llc.payload.kind === 'bpdu' && llc.payload.type === 'config') oldest = Math.max(oldest, llc.payload.messageAge * S / 256);
    });
    // s7, a leaf, detects a topology change only when its information expires and it takes itself
    // for the root; back under s6 it then reports it with TCNs.
    const s7Tcn: number[] = [];
    cold.net.kernel.trace.on('frame-sent', (e) => {
      const llc = e.frame.eth.payload;
      if (e.node === 's7' && llc.kind === 'llc' && llc.payload.kind === 'bpdu' && llc.payload.type === 'tcn') s7Tcn.push(e.time);
    });
    const end = settleTime(timers);
    cold.net.kernel.run({ until: end });
    // After the cold start's TCNs, all acknowledged at 2 × forward delay, relays wait for the hold
    // timer and s7 gets information far older than 1 s per relay, too old to outlast a hello...
    expect(relays * INCREMENT + timers.helloTime).toBeLessThan(timers.maxAge);
    expect(oldest).toBeGreaterThanOrEqual(timers.maxAge - timers.helloTime);
    // ... which expires before the next hello refreshes it: s7 loses its root port again and again,
    // long after the last change a cold start makes (max age + forward delay after 2 × forward delay).
    expect(s7Tcn.length).toBeGreaterThan(0);
    expect(s7Tcn.at(-1)!).toBeGreaterThan(end - timers.maxAge);
    expect(convergedAccepts(found, 'stp', 'short', timers, 0)).toBe(false);
  });

  it.each([3, 4, 5, 6, 7])('a chain of %i bridges: startConverged accepts it exactly when relays × 2 s + hello < max age, and a cold start then keeps it', (n) => {
    const spec = chainSpec(n);
    // The far bridge's root port holds information relayed by every bridge but the root and itself.
    const keeps = (n - 2) * (HOLD + INCREMENT) + timers.helloTime < timers.maxAge;
    expect(convergedAccepts(spec, 'stp', 'short', timers, 1)).toBe(keeps);
    if (!keeps) return;
    const c = compare(spec, 'stp', 'short', timers, 1);
    expect(c.atStart).toEqual(c.cold);
    expect(c.later).toEqual(c.atStart);
    expect(c.moves).toEqual([]);
    expect(c.topologyChanges).toBe(0);
  });
});

describe('startConverged refuses a tree deeper than max age allows', () => {
  it.each(PROTOCOLS)('%s: a chain of 8 bridges with max age 6 s', (protocol) => {
    const chain: TopologySpec = { switches: Array.from({ length: 8 }, (_, i) => `s${i + 1}`), links: Array.from({ length: 7 }, (_, i): LinkSpec => [`s${i + 1}`, `s${i + 2}`, 1e9]) };
    const t = build(chain, { protocol, startConverged: true, helloTime: S, maxAge: 6 * S, forwardDelay: 4 * S });
    expect(() => t.net.kernel.run({ until: 0 })).toThrow(/too deep to converge/);
  });
});

describe.each(PROTOCOLS)('%s: after link failures (and repairs) the protocol settles where startConverged puts the new topology', (protocol) => {
  it('random topologies and failures', () => {
    const rates = [100e6, 1e9, 10e9, 40e9, 100e9];
    const scenario = fc.integer({ min: 2, max: 7 }).chain((n) => fc.record({
      n: fc.constant(n),
      links: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom(...rates)), { minLength: 1, maxLength: 12 }),
      priorities: fc.array(fc.constantFrom(4096, 32768, 61440), { minLength: n, maxLength: n }),
      hosts: fc.array(fc.nat(n - 1), { maxLength: 4 }),
      fail: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      repair: fc.boolean(),
      seed: fc.nat(),
    }));
    fc.assert(fc.property(scenario, (r) => {
      const names = Array.from({ length: r.n }, (_, i) => `s${i + 1}`);
      const spec: TopologySpec = {
        switches: names,
        links: r.links.map(([a, b, rate]): LinkSpec => [names[a]!, names[b]!, rate]),
        hosts: r.hosts.map((h) => names[h]!),
        priorities: Object.fromEntries(names.map((s, i) => [s, r.priorities[i]!])),
      };
      const failed = [...new Set(r.fail.map((f) => f % r.links.length))];
      const live = build(spec, { protocol, startConverged: true }, r.seed);
      const repairAt = 10 * S + settleTime(DEFAULT_TIMERS);
      live.net.kernel.scheduleAt(10 * S, 'test', 'fail', () => { for (const i of failed) live.links[i]!.setUp(false); });
      if (r.repair) live.net.kernel.scheduleAt(repairAt, 'test', 'repair', () => { for (const i of failed) live.links[i]!.setUp(true); });
      live.net.kernel.run({ until: repairAt + settleTime(DEFAULT_TIMERS) });
      const reference = build({ ...spec, down: r.repair ? [] : failed }, { protocol, startConverged: true }, r.seed);
      reference.net.kernel.run({ until: 0 });
      expect(snapshot(live.bridges)).toEqual(snapshot(reference.bridges));
    }), { numRuns: Math.max(50, Math.floor(RUNS / 4)) });
  });
});
