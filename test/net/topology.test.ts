/**
 * Fabric generators: switch, link and port counts and names from the formulas of each topology
 * (fat-tree after Al-Fares et al.), host-port allocation, VLANs, the loop guard of mode `none`, and
 * reachability: a broadcast from any host port reaches every other host port exactly once, in `none`
 * for loop-free trees and in `spb` for looped ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LearningSwitch } from '../../src/net/index.js';
import type { FabricSwitch } from '../../src/net/spb/index.js';
import { STP_GROUP_ADDRESS } from '../../src/net/spanning-tree/index.js';
import { FABRIC_PORT_MODE } from '../../src/net/spb/index.js';
import type { Topology } from '../../src/net/topology/index.js';
import { DEFAULT_HOST_LINK, fatTree, leafSpine, threeTier, tree, treeWiring } from '../../src/net/topology/index.js';
import { attachStations, receivedIds } from '../helpers/fabric.js';
import { Station, network, stationMac } from '../helpers/net.js';

const SMALL_RUNS = 40;

/** Every switch-to-switch link joins switches of the topology, and each port has one link at most. */
function checkWiring(topo: Topology): void {
  for (const link of topo.links.values()) {
    expect(topo.switches.get(link.a.owner.name)).toBe(link.a.owner);
    expect(topo.switches.get(link.b.owner.name)).toBe(link.b.owner);
    expect(link.name).toBe(`${link.a.name}<->${link.b.name}`);
  }
  for (const sw of topo.switches.values()) sw.ports.forEach((p, i) => expect(p.name).toBe(`${sw.name}:p${i + 1}`));
}

/** Ports of a switch that have a link (before hosts are attached: its switch-to-switch links). */
const degree = (sw: LearningSwitch): number => sw.ports.filter((p) => p.link !== null).length;

/** Ids of the frames a station received, BPDUs (which RSTP sends on edge ports too) left out. */
const dataIds = (s: Station): number[] => s.received.filter((r) => r.frame.eth.destination !== STP_GROUP_ADDRESS).map((r) => r.frame.id);

/** Every station broadcasts once; each other station must get each broadcast exactly once. */
function expectAllReachAll(topo: Topology): void {
  const st = attachStations(topo);
  const ids = st.map((s, i) => {
    let id = 0;
    topo.network.kernel.scheduleAt(topo.network.kernel.now + i * 1_000_000, 't', 'send', () => { id = s.broadcast().id; });
    return () => id;
  });
  // Spanning-tree bridges send hellos forever: run to a horizon rather than until the queue is empty.
  const kernel = topo.network.kernel;
  kernel.run({ until: kernel.now + st.length * 1_000_000 + 1e9 });
  st.forEach((s, i) => {
    const got = dataIds(s).sort((x, y) => x - y);
    const want = ids.filter((_, j) => j !== i).map((f) => f()).sort((x, y) => x - y);
    expect(got).toEqual(want);
  });
  // And, everything learned, a unicast between the first and last stations arrives once.
  const u = st[0]!.unicast(st.at(-1)!.mac);
  kernel.run({ until: kernel.now + 1e9 });
  expect(dataIds(st.at(-1)!).filter((id) => id === u.id).length).toBe(1);
}

describe('leaf-spine', () => {
  it('L + S switches, L x S links, L x H host ports; names and port numbering as documented', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom('none' as const, 'spb' as const), (L, S, H, mode) => {
      if (mode === 'none' && S > 1) return;
      const topo = leafSpine(network(), { leaves: L, spines: S, hostPortsPerEdge: H, mode });
      expect(topo.switches.size).toBe(L + S);
      expect(topo.links.size).toBe(L * S);
      expect(topo.hostPortCount).toBe(L * H);
      expect([...topo.switches.keys()]).toEqual([...Array.from({ length: S }, (_, i) => `spine-${i + 1}`), ...Array.from({ length: L }, (_, i) => `leaf-${i + 1}`)]);
      expect(topo.edgeSwitches.map((s) => s.name)).toEqual(Array.from({ length: L }, (_, i) => `leaf-${i + 1}`));
      checkWiring(topo);
      for (let l = 1; l <= L; l++) {
        expect(topo.hostPorts(`leaf-${l}`).map((p) => p.name)).toEqual(Array.from({ length: H }, (_, i) => `leaf-${l}:p${i + 1}`));
        for (let s = 1; s <= S; s++) {
          const [link] = topo.linksBetween(`leaf-${l}`, `spine-${s}`);
          expect(link!.a.name).toBe(`leaf-${l}:p${H + s}`);
          expect(link!.b.name).toBe(`spine-${s}:p${l}`);
        }
      }
    }), { numRuns: SMALL_RUNS });
  });

  it('mode none refuses more than one spine (a loop)', () => {
    expect(() => leafSpine(network(), { leaves: 2, spines: 2, mode: 'none' })).toThrow(/loop-free/);
  });

  it('every host reaches every other: none with one spine, spb with several', () => {
    expectAllReachAll(leafSpine(network(), { leaves: 4, spines: 1, hostPortsPerEdge: 3, mode: 'none' }));
    expectAllReachAll(leafSpine(network(), { leaves: 5, spines: 3, hostPortsPerEdge: 3, mode: 'spb' }));
  });
});

describe('fat-tree', () => {
  for (const k of [2, 4, 6, 8]) {
    it(`k = ${k}: 5k²/4 switches, k³/2 switch links, k³/4 host ports, every switch has k ports`, () => {
      const topo = fatTree(network(), { k, mode: 'spb' });
      const half = k / 2;
      expect(topo.switches.size).toBe((5 * k * k) / 4);
      expect(topo.links.size).toBe((k ** 3) / 2);
      expect(topo.hostPortCount).toBe((k ** 3) / 4);
      expect(topo.tiers.get('core')!.length).toBe(half * half);
      expect(topo.tiers.get('aggregation')!.length).toBe(k * half);
      expect(topo.tiers.get('edge')!.length).toBe(k * half);
      for (const sw of topo.switches.values()) expect(sw.ports.length).toBe(k);
      expect(topo.switch(`pod-${k}-edge-${half}`).name).toBe(`pod-${k}-edge-${half}`);
      checkWiring(topo);
      // Aggregation switch i of every pod reaches cores i*k/2+1 ... (i+1)*k/2.
      for (let p = 1; p <= k; p++) {
        for (let i = 0; i < half; i++) {
          const agg = topo.switch(`pod-${p}-aggregation-${i + 1}`);
          const up = agg.ports.map((port) => port.peer!.owner.name).filter((n) => n.startsWith('core'));
          expect(up).toEqual(Array.from({ length: half }, (_, j) => `core-${i * half + j + 1}`));
        }
      }
    });
  }

  it('rejects odd k; mode none builds only the loop-free k = 2', () => {
    expect(() => fatTree(network(), { k: 3, mode: 'spb' })).toThrow(/even/);
    expect(() => fatTree(network(), { k: 4, mode: 'none' })).toThrow(/loop-free/);
    expectAllReachAll(fatTree(network(), { k: 2, mode: 'none' }));
  });

  it('every host reaches every other in spb (k = 4)', () => {
    expectAllReachAll(fatTree(network(), { k: 4, mode: 'spb' }));
  });
});

describe('three-tier', () => {
  it('counts follow C + B·A + B·N switches and B·A·C + B·N·U + peer links', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 0, max: 3 }),
      (C, B, A, N, u, peer, H) => {
        const U = Math.min(u, A);
        const topo = threeTier(network(), { mode: 'spb', cores: C, blocks: B, aggregationPerBlock: A, accessPerBlock: N, uplinksPerAccess: U, peerLinks: peer, hostPortsPerEdge: H });
        expect(topo.switches.size).toBe(C + B * A + B * N);
        expect(topo.links.size).toBe(B * A * C + B * N * U + (peer ? Math.floor(C / 2) + B * Math.floor(A / 2) : 0));
        expect(topo.hostPortCount).toBe(B * N * H);
        expect(topo.tiers.get('core')!.map((s) => s.name)).toEqual(Array.from({ length: C }, (_, i) => `core-${i + 1}`));
        expect(topo.tiers.get('aggregation')!.length).toBe(B * A);
        expect(topo.edgeSwitches.map((s) => s.name)).toEqual(Array.from({ length: B * N }, (_, i) => `access-${i + 1}`));
        checkWiring(topo);
        // Each access switch is homed to U aggregation switches of its own block.
        topo.edgeSwitches.forEach((sw, j) => {
          const block = Math.floor(j / N);
          const aggs = sw.ports.filter((p) => p.link !== null).map((p) => p.peer!.owner.name);
          expect(aggs.length).toBe(U);
          for (const name of aggs) {
            const n = Number(name.slice('aggregation-'.length)) - 1;
            expect(Math.floor(n / A)).toBe(block);
          }
        });
      },
    ), { numRuns: SMALL_RUNS });
  });

  it('the default is a dual-homed tree with a core pair, which mode none refuses', () => {
    const topo = threeTier(network(), { mode: 'spb' });
    expect(topo.switches.size).toBe(2 + 4 + 8);
    expect(topo.edgeSwitches.every((sw) => degree(sw) === 2)).toBe(true);
    expect(() => threeTier(network(), { mode: 'none' })).toThrow(/loop-free/);
  });

  it('every host reaches every other: none on a loop-free variant, spb on the default', () => {
    expectAllReachAll(threeTier(network(), { mode: 'none', cores: 1, aggregationPerBlock: 1, accessPerBlock: 3, hostPortsPerEdge: 2 }));
    expectAllReachAll(threeTier(network(), { mode: 'none', cores: 1, aggregationPerBlock: 2, uplinksPerAccess: 1, peerLinks: false, hostPortsPerEdge: 2 }));
    expectAllReachAll(threeTier(network(), { mode: 'spb', hostPortsPerEdge: 2 }));
  });
});

describe('tree of any depth', () => {
  it('three tiers are the three-tier tree of one block: the same switches, ports, links and names, in the same order', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }),
      (C, A, N, H) => {
        const a = tree(network(), { mode: 'spb', tiers: [C, A, N], hostPortsPerEdge: H });
        const b = threeTier(network(), { mode: 'spb', cores: C, blocks: 1, aggregationPerBlock: A, accessPerBlock: N, hostPortsPerEdge: H });
        expect([...a.switches.keys()]).toEqual([...b.switches.keys()]);
        expect([...a.links.keys()]).toEqual([...b.links.keys()]);
        expect(a.edgeSwitches.map((s) => s.name)).toEqual(b.edgeSwitches.map((s) => s.name));
      },
    ), { numRuns: SMALL_RUNS });
  });

  it('names by depth; the tier below the top connects to every top switch, lower tiers are dual-homed; pairs have peer links except in access', () => {
    const one = tree(network(), { mode: 'none', tiers: [1], hostPortsPerEdge: 4 });
    expect([...one.switches.keys()]).toEqual(['switch-1']);
    expect(one.edgeSwitches.map((s) => s.name)).toEqual(['switch-1']);
    expect(one.links.size).toBe(0);
    expect(one.hostPortCount).toBe(4);
    const two = tree(network(), { mode: 'spb', tiers: [2, 3] });
    expect([...two.tiers.keys()]).toEqual(['core', 'access']);
    expect(two.edgeSwitches.every((sw) => degree(sw) === 2)).toBe(true);
    const tiers = [2, 2, 4, 6];
    const deep = tree(network(), { mode: 'spb', tiers });
    expect([...deep.tiers.keys()]).toEqual(['core', 'aggregation1', 'aggregation2', 'access']);
    expect(deep.tiers.get('aggregation2')!.map((s) => s.name)).toEqual(['aggregation2-1', 'aggregation2-2', 'aggregation2-3', 'aggregation2-4']);
    // Links: the core pair (1), every aggregation1 switch to every core (2·2) and its pair (1),
    // aggregation2 dual-homed (4·2) and its pairs (2), access dual-homed (6·2).
    expect(deep.links.size).toBe(1 + 2 * 2 + 1 + 4 * 2 + 2 + 6 * 2);
    expect(treeWiring(tiers).length).toBe(deep.links.size);
    checkWiring(deep);
    expectAllReachAll(deep);
  });

  it('mode none takes a loop-free tree and refuses one with peer links or multi-homing', () => {
    expectAllReachAll(tree(network(), { mode: 'none', tiers: [1, 2, 4], uplinks: 1, peerLinks: false }));
    expect(() => tree(network(), { mode: 'none', tiers: [2, 4] })).toThrow(/loop-free/);
    expect(() => tree(network(), { mode: 'none', tiers: [1, 2, 4], uplinks: 1 })).toThrow(/loop-free/);
    expect(() => tree(network(), { mode: 'none', tiers: [1, 2, 4], peerLinks: false })).toThrow(/loop-free/);
  });
});

describe('host ports and VLANs', () => {
  it('nextHostPort hands out the free host ports in order, then adds ports; connectHost uses the host link', () => {
    const net = network();
    const topo = leafSpine(net, { leaves: 2, spines: 2, hostPortsPerEdge: 2, mode: 'spb' });
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = new Station(net, `x${i}`, stationMac(100 + i));
      const link = topo.connectHost('leaf-2', s.port);
      names.push(link.b.name);
      expect(link.rate).toBe(DEFAULT_HOST_LINK.rate);
      expect(topo.hostLinks.get(link.name)).toBe(link);
    }
    // p1, p2 are the made host ports; p3, p4 go to the spines; the third host gets a new p5.
    expect(names).toEqual(['leaf-2:p1', 'leaf-2:p2', 'leaf-2:p5']);
    expect(topo.hostPorts('leaf-2').length).toBe(3);
    expect(topo.switch('leaf-2').mode(4)).toEqual({ kind: 'access', vlan: 1 });
    expect(() => topo.hostPorts('spine-1')).toThrow(/not an edge switch/);
    expect(() => topo.switch('leaf-9')).toThrow(/no switch/);
  });

  it('a host attached after traffic has flowed is included in later floods', () => {
    const net = network();
    const topo = leafSpine(net, { leaves: 2, spines: 1, hostPortsPerEdge: 3, mode: 'none' });
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    topo.connectHost('leaf-1', a.port);
    topo.connectHost('leaf-2', b.port);
    a.broadcast();
    net.kernel.run();
    const late = new Station(net, 'late', stationMac(3));
    topo.connectHost('leaf-2', late.port);
    const f = a.broadcast();
    net.kernel.run();
    expect(receivedIds(late)).toEqual([f.id]);
  });

  it('host VLANs per port; trunks in none mode, fabric ports in spb carry them; a broadcast stays in its VLAN', () => {
    for (const mode of ['none', 'spb'] as const) {
      const net = network();
      const topo = leafSpine(net, { leaves: 3, spines: 1, hostPortsPerEdge: 4, mode, hostVlan: (_edge, port) => (port % 2 === 0 ? 10 : 20), trunkVlans: [10, 20] });
      const leaf = topo.switch('leaf-1');
      expect(leaf.mode(0)).toEqual({ kind: 'access', vlan: 10 });
      expect(leaf.mode(1)).toEqual({ kind: 'access', vlan: 20 });
      expect(leaf.mode(4)).toEqual(mode === 'spb' ? FABRIC_PORT_MODE : { kind: 'trunk', vlans: [10, 20] });
      const st = attachStations(topo);
      const f = st[0]!.broadcast();
      net.kernel.run();
      st.forEach((s, i) => expect(receivedIds(s)).toEqual(i !== 0 && i % 2 === 0 ? [f.id] : []));
      if (mode === 'spb') expect((topo.switch('leaf-2') as FabricSwitch).location(10, st[0]!.mac)?.kind).toBe('remote');
    }
  });

  it('spb mode: the distribution tree is rooted at the first top-tier switch unless named', () => {
    expect(leafSpine(network(), { leaves: 2, spines: 2, mode: 'spb' }).fabric!.treeRoot.name).toBe('spine-1');
    expect(fatTree(network(), { k: 4, mode: 'spb' }).fabric!.treeRoot.name).toBe('core-1');
    expect(leafSpine(network(), { leaves: 2, spines: 2, mode: 'spb', fabric: { treeRoot: 'spine-2' } }).fabric!.treeRoot.name).toBe('spine-2');
    expect(() => leafSpine(network(), { leaves: 2, spines: 2, mode: 'spb', fabric: { treeRoot: 'spine-9' } })).toThrow(/not a fabric switch/);
  });
});

describe('spanning-tree modes', () => {
  for (const protocol of ['stp', 'rstp'] as const) {
    it(`${protocol}, leaf-spine: spine-1 is the root (priority 4096), host ports are edge ports, every host reaches every other once`, () => {
      const topo = leafSpine(network(), { leaves: 3, spines: 2, hostPortsPerEdge: 2, mode: protocol, spanningTree: { startConverged: true } });
      // The protocol starts in an event at the time it was enabled.
      topo.network.kernel.run({ until: 0 });
      expect([...topo.spanningTrees.keys()]).toEqual([...topo.switches.keys()]);
      const root = topo.spanningTrees.get('spine-1')!;
      expect(root.isRoot).toBe(true);
      expect(root.bridgeId.priority).toBe(4096);
      expect(topo.spanningTrees.get('spine-2')!.bridgeId.priority).toBe(8192);
      expect(topo.spanningTrees.get('leaf-1')!.bridgeId.priority).toBe(32768);
      const leaf = topo.spanningTrees.get('leaf-2')!;
      expect([0, 1].map((p) => leaf.edge(p))).toEqual([true, true]);
      // Every leaf's root port goes to spine-1; spine-2 reaches the root through leaf-1 (lowest
      // bridge ID among equal costs) and blocks its ports to the other leaves.
      expect([2, 3].map((p) => leaf.role(p))).toEqual(['root', 'designated']);
      const spine2 = topo.spanningTrees.get('spine-2')!;
      expect([0, 1, 2].map((p) => spine2.role(p))).toEqual(['root', 'alternate', 'alternate']);
      expect([0, 1, 2].map((p) => topo.switch('spine-2').state(p))).toEqual(['forwarding', 'blocking', 'blocking']);
      expectAllReachAll(topo);
      expect(() => topo.nextHostPort('leaf-1')).toThrow(/host ports of leaf-1 are taken/);
    });
  }

  it('rstp, three-tier: core-1 is the root; each dual-homed access switch forwards on one uplink and blocks the other', () => {
    const topo = threeTier(network(), { mode: 'rstp', hostPortsPerEdge: 2, spanningTree: { startConverged: true } });
    topo.network.kernel.run({ until: 0 });
    expect(topo.spanningTrees.get('core-1')!.isRoot).toBe(true);
    expect(topo.spanningTrees.get('aggregation-1')!.bridgeId.priority).toBe(16384);
    for (const sw of topo.edgeSwitches) {
      const bridge = topo.spanningTrees.get(sw.name)!;
      const uplinks = sw.ports.filter((p) => p.link !== null && topo.switches.has(p.peer!.owner.name)).map((p) => p.index);
      expect(uplinks.map((p) => bridge.role(p)).sort()).toEqual(['alternate', 'root']);
      expect(uplinks.map((p) => sw.state(p)).sort()).toEqual(['blocking', 'forwarding']);
    }
    expectAllReachAll(topo);
  });

  it('rstp, fat-tree k = 4: every host reaches every other once', () => {
    expectAllReachAll(fatTree(network(), { k: 4, mode: 'rstp', spanningTree: { startConverged: true } }));
  });
});
