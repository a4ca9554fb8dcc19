/**
 * Root election and the exact set of blocked ports 802.1D predicts (802.1D-1998 §8.6.8-8.6.11, 802.1D-2004 §17.6:
 * lowest bridge ID is root; root port by root path cost, then designated bridge ID, designated port
 * ID, local port ID; one designated port per link, the rest block) on a ring, a full mesh and a
 * three-tier tree, for STP and RSTP, from a cold start and from `startConverged`. Every expected port
 * is derived in the test from the topology's own links, rates and priorities.
 */
import { describe, expect, it } from 'vitest';
import type { Built, TopologySpec } from '../helpers/spanning-tree.js';
import { PROTOCOLS, blockedPorts, build, meshSpec, ringSpec, threeTierSpec } from '../helpers/spanning-tree.js';

const S = 1e9;
const MODES = [
  ['cold start', false],
  ['startConverged', true],
] as const;

/** 802.1t cost (802.1D-2004 §17.14): 20 Tb/s over the link rate. */
const longCost = (rate: number): number => 2e13 / rate;

/** Runs `spec` past convergence (cold: 2 × forward delay plus margin; converged: time 0). */
function converge(spec: TopologySpec, protocol: 'stp' | 'rstp', startConverged: boolean): Built {
  const t = build(spec, { protocol, startConverged });
  t.net.kernel.run({ until: startConverged ? 0 : 60 * S });
  return t;
}

/** Every bridge believes in `root`; every port not listed in `blocked` forwards. */
function expectTree(t: Built, root: string, blocked: string[], costs: Record<string, number>): void {
  const rootId = t.bridges.get(root)!.bridgeId;
  for (const [name, b] of t.bridges) {
    expect({ name, root: b.rootId }).toEqual({ name, root: rootId });
    expect({ name, cost: b.rootPathCost }).toEqual({ name, cost: costs[name] ?? 0 });
    b.switch.ports.forEach((_, i) => {
      if (b.state(i) !== 'blocking') expect({ port: `${name}:${i}`, state: b.state(i) }).toEqual({ port: `${name}:${i}`, state: 'forwarding' });
    });
  }
  expect(blockedPorts(t.bridges)).toEqual([...blocked].sort());
}

describe.each(PROTOCOLS)('%s', (protocol) => {
  describe.each(MODES)('%s', (_, startConverged) => {
    it('ring of 6 (equal costs): the bridge opposite the root blocks its port towards the higher-ID neighbour', () => {
      const n = 6;
      const c = longCost(1e9);
      // Distances from r1: min(i, n − i) hops. r4 (n/2 + 1) is 3 hops both ways; the tie goes to
      // the lower designated bridge ID, r3, so r4's root port faces r3 and its port to r5, whose
      // offer (2 hops) beats r4's own (3 hops), blocks.
      const costs = Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i + 1}`, Math.min(i, n - i) * c]));
      expectTree(converge(ringSpec(n), protocol, startConverged), 'r1', [`r${n / 2 + 1}>r${n / 2 + 2}`], costs);
    });

    it('ring of 5: the two far bridges tie on cost, the higher-ID one (r4) blocks towards r3', () => {
      const n = 5;
      const c = longCost(1e9);
      const costs = Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i + 1}`, Math.min(i, n - i) * c]));
      expectTree(converge(ringSpec(n), protocol, startConverged), 'r1', [`r${(n + 3) / 2}>r${(n + 1) / 2}`], costs);
    });

    it('ring of 6 with r3 made root by priority: r6 ties between r5 and r1 and keeps r1 (lower MAC)', () => {
      const c = longCost(1e9);
      const spec = { ...ringSpec(6), priorities: { r3: 4096 } };
      // From r3: r2, r4 one hop; r1, r5 two; r6 three, via r1 or r5 at equal cost, r1 has the lower
      // bridge ID (same priority, lower address) so r6's port to r5 blocks.
      const costs = { r3: 0, r2: c, r4: c, r1: 2 * c, r5: 2 * c, r6: 3 * c };
      expectTree(converge(spec, protocol, startConverged), 'r3', ['r6>r5'], costs);
    });

    it('full mesh of 5: every bridge uses its direct link to the root; between two others the higher ID blocks', () => {
      const n = 5;
      const c = longCost(1e9);
      const blocked: string[] = [];
      for (let i = 2; i <= n; i++) for (let j = i + 1; j <= n; j++) blocked.push(`m${j}>m${i}`);
      expect(blocked.length).toBe(((n - 1) * (n - 2)) / 2);
      const costs = Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${i + 1}`, i === 0 ? 0 : c]));
      expectTree(converge(meshSpec(n), protocol, startConverged), 'm1', blocked, costs);
    });

    it('three-tier tree: core pair, aggregation pair, access switches dual-homed to both aggregation switches', () => {
      const rates = { coreCore: 100e9, coreAgg: 40e9, aggAgg: 10e9, access: 10e9 };
      const access = 4;
      const spec = { ...threeTierSpec(access, rates), priorities: { c1: 4096, c2: 8192 } };
      const cc = longCost(rates.coreCore);
      const ca = longCost(rates.coreAgg);
      const aa = longCost(rates.aggAgg);
      const ta = longCost(rates.access);
      // c1 is root by priority. c2: direct (cc) beats through an aggregation switch (2 × ca).
      expect(cc).toBeLessThan(2 * ca);
      // a1, a2: direct to c1 (ca) beats through c2 (cc + ca); on the a-c2 links c2 offers cc < ca,
      // so c2 is designated and a1>c2, a2>c2 block; on a1-a2 both offer ca, a1 has the lower ID.
      expect(ca).toBeLessThan(cc + ca);
      expect(ca).toBeLessThan(aa + ca);
      // Access: a1 and a2 both offer ca, so each access switch ties at ca + ta and keeps a1 (lower
      // ID); on its link to a2, a2 offers ca < ca + ta, so the access side blocks.
      const t = Array.from({ length: access }, (_, i) => `t${i + 1}`);
      const blocked = ['a1>c2', 'a2>c2', 'a2>a1', ...t.map((s) => `${s}>a2`)];
      const costs: Record<string, number> = { c1: 0, c2: cc, a1: ca, a2: ca, ...Object.fromEntries(t.map((s) => [s, ca + ta])) };
      const built = converge(spec, protocol, startConverged);
      expectTree(built, 'c1', blocked, costs);
      // Roles: RSTP names the blocked ports alternate; the host ports are designated edge ports.
      for (const s of t) {
        const b = built.bridges.get(s)!;
        expect(b.view().ports.map((p) => p.role)).toEqual(['root', 'alternate', 'designated']);
        expect(b.edge(2)).toBe(true);
      }
    });
  });
});
