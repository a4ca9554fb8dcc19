/**
 * The shortest-path fabric against TRILL (RFC 6325 §4.5-§4.8) and SPBM (IEEE 802.1aq): shortest paths equal to a BFS, broadcasts
 * delivered exactly once on looped graphs (distribution tree + RPF check), ECMP by flow hash, edge
 * learning from decapsulated frames only (and so the migration black hole), hop count, convergence
 * after a link failure, remote ageing, flood batching equal to the plain path, determinism.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Network, SimFrame } from '../../src/net/index.js';
import { FrameFactory, fdbPortsTowards, portsTowards, vlanTagFor, withVlanTags } from '../../src/net/index.js';
import type { FabricFrame, FabricOptions, FabricSwitch } from '../../src/net/spb/index.js';
import {
  MAX_HOP_COUNT, REMOTE_PORT_BASE, ShortestPathFabric, TRILL_ENCAPSULATION_OVERHEAD, buildGraph, distributionTree, encapsulate, flowHash, inSubtree, isFabricFrame,
} from '../../src/net/spb/index.js';
import type { Topology } from '../../src/net/topology/index.js';
import { fatTree, leafSpine } from '../../src/net/topology/index.js';
import { MAC_BROADCAST, ipv6Destination, neighborSolicitation, parseIpv6 } from '../../src/wire/index.js';
import { RUNS } from '../helpers/arbitraries.js';
import { attachStations, deliveryLog, receivedIds, sendUdp, udpFrame } from '../helpers/fabric.js';
import { Station, network, stationMac } from '../helpers/net.js';

const LINK = { rate: 10e9, delay: 1_000 };

/** A fabric over an arbitrary graph: switches s0..s(n-1), station h(i) on s(i) (its port p1). */
function graphFabric(n: number, edges: ReadonlyArray<readonly [number, number]>, options: FabricOptions = {}, seed = 1) {
  const net = network(seed);
  const fabric = new ShortestPathFabric(net, options);
  const sw = Array.from({ length: n }, (_, i) => fabric.addSwitch(`s${i}`));
  const st = sw.map((s, i) => {
    const h = new Station(net, `h${i}`, stationMac(i + 1));
    net.connect(h.port, s.addPort(), LINK);
    return h;
  });
  for (const [a, b] of edges) fabric.connect(sw[a]!, sw[b]!, LINK);
  return { net, fabric, sw, st };
}

/** Hop counts by breadth-first search, written independently of the fabric. */
function bfs(n: number, edges: ReadonlyArray<readonly [number, number]>, from: number): number[] {
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    adj[a]!.push(b);
    adj[b]!.push(a);
  }
  const dist = new Array<number>(n).fill(-1);
  dist[from] = 0;
  const queue = [from];
  while (queue.length > 0) {
    const u = queue.shift()!;
    for (const v of adj[u]!) if (dist[v] === -1) {
      dist[v] = dist[u]! + 1;
      queue.push(v);
    }
  }
  return dist;
}

/** Connected graphs with loops: a random spanning tree plus random extra links (parallel links allowed). */
const connectedGraph = fc.integer({ min: 2, max: 9 }).chain((n) => fc.tuple(
  fc.constant(n),
  fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
  fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 })), { maxLength: 2 * n }),
).map(([size, parents, extra]) => {
  const edges: Array<[number, number]> = parents.map((p, i) => [i + 1, p % (i + 1)]);
  for (const [a, b] of extra) if (a !== b) edges.push([a, b]);
  return { n: size, edges };
}));

/** Fabric-port arrivals of a frame id: the number of fabric hops it made. */
function fabricHops(net: Network): Map<number, string[]> {
  const hops = new Map<number, string[]>();
  net.kernel.trace.on('frame-received', (e) => {
    if (!isFabricFrame(e.frame)) return;
    let list = hops.get(e.frame.id);
    if (list === undefined) hops.set(e.frame.id, (list = []));
    list.push(e.node);
  });
  return hops;
}

describe('link-state paths', () => {
  it('distances equal a BFS; a known unicast crosses exactly that many links; a broadcast reaches every station once', () => {
    fc.assert(fc.property(connectedGraph, fc.nat(), fc.nat(), ({ n, edges }, x, y) => {
      const { net, fabric, sw, st } = graphFabric(n, edges);
      for (let a = 0; a < n; a++) {
        const expected = bfs(n, edges, a);
        for (let b = 0; b < n; b++) expect(fabric.distance(sw[a]!, sw[b]!)).toBe(expected[b]);
      }
      const hops = fabricHops(net);
      const b = y % n;
      const a = x % n;
      const announce = st[b]!.broadcast();
      net.kernel.run();
      st.forEach((s, i) => expect(receivedIds(s)).toEqual(i === b ? [] : [announce.id]));
      if (a !== b) {
        const u = st[a]!.unicast(st[b]!.mac);
        net.kernel.run();
        expect(hops.get(u.id)?.length ?? 0).toBe(bfs(n, edges, a)[b]);
        expect(receivedIds(st[b]!)).toEqual([u.id]);
      }
    }), { numRuns: RUNS });
  });

  it('link cost by bandwidth prefers two fast links over one slow one', () => {
    const net = network();
    const fabric = new ShortestPathFabric(net, { linkCost: 'bandwidth' });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => fabric.addSwitch(name)) as [FabricSwitch, FabricSwitch, FabricSwitch];
    fabric.connect(a, c, { rate: 1e9, delay: 0 });
    fabric.connect(a, b, { rate: 100e9, delay: 0 });
    fabric.connect(b, c, { rate: 100e9, delay: 0 });
    // 2e13 / rate: 20000 for 1 Gb/s, 200 for 100 Gb/s.
    expect(fabric.distance(a, c)).toBe(400);
    expect(fabric.nextHopPorts(a, c)).toEqual([1]);
  });
});

/** Which switch of `names` each frame id crossed. */
function crossing(net: Network, names: ReadonlySet<string>): Map<number, string> {
  const via = new Map<number, string>();
  net.kernel.trace.on('frame-received', (e) => {
    if (names.has(e.node)) via.set(e.frame.id, e.node);
  });
  return via;
}

describe('flow hash and distribution tree (pure parts)', () => {
  it('one flow hashes alike; the UDP ports, the addresses or, for non-IP, the MACs tell flows apart', () => {
    const net = network();
    const a = udpFrame(net, stationMac(1), stationMac(2), 1000, 4791);
    const again = udpFrame(net, stationMac(1), stationMac(2), 1000, 4791);
    expect(flowHash(again.eth)).toBe(flowHash(a.eth));
    // IP flows ignore the MACs (a routed hop rewrites them; the 5-tuple stays).
    expect(flowHash(udpFrame(net, stationMac(7), stationMac(8), 1000, 4791).eth)).toBe(flowHash(a.eth));
    expect(flowHash(udpFrame(net, stationMac(1), stationMac(2), 1001, 4791).eth)).not.toBe(flowHash(a.eth));
    const arpA = net.frame({ ...a.eth, etherType: 0x0806, payload: { kind: 'raw', bytes: new Uint8Array(46) } });
    const arpB = net.frame({ ...arpA.eth, source: stationMac(3) });
    expect(flowHash(arpA.eth)).not.toBe(flowHash(arpB.eth));
    const ns = neighborSolicitation(parseIpv6('fe80::1')!, parseIpv6('fe80::2')!, stationMac(1));
    const nsOther = neighborSolicitation(parseIpv6('fe80::1')!, parseIpv6('fe80::3')!, stationMac(1));
    const v6 = (p: typeof ns) => ({ destination: ipv6Destination(p, stationMac(2)), source: stationMac(1), vlanTags: [], etherType: 0x86dd, payload: p });
    expect(flowHash(v6(ns))).not.toBe(flowHash(v6(nsOther)));
  });

  it('a node lies in the preorder range of exactly its ancestors', () => {
    fc.assert(fc.property(connectedGraph, fc.nat(), ({ n, edges }, r) => {
      const graph = buildGraph(n, edges.map(([a, b]) => ({ a, b, cost: 1, up: true })));
      const root = r % n;
      const tree = distributionTree(graph, root, Array.from({ length: n }, (_, i) => (i * 7) % n));
      expect(tree.parent[root]).toBe(-1);
      for (let v = 0; v < n; v++) {
        const ancestors = new Set<number>();
        for (let u = v; u >= 0; u = tree.parent[u]!) ancestors.add(u);
        expect(ancestors.has(root)).toBe(true);
        for (let u = 0; u < n; u++) expect(inSubtree(tree, v, u)).toBe(ancestors.has(u));
      }
    }), { numRuns: RUNS });
  });
});

describe('equal-cost multipath', () => {
  it('leaf-spine: flows spread over every spine, each flow on one spine', () => {
    const spines = 4;
    const flows = 400;
    const perFlow = 3;
    const net = network();
    const topo = leafSpine(net, { leaves: 2, spines, hostPortsPerEdge: 1, mode: 'spb' });
    const [a, b] = attachStations(topo) as [Station, Station];
    const via = crossing(net, new Set(topo.tiers.get('spine')!.map((s) => s.name)));
    b.broadcast();
    net.kernel.run();
    const ids: number[][] = [];
    for (let f = 0; f < flows; f++) {
      const list: number[] = [];
      for (let k = 0; k < perFlow; k++) list.push(sendUdp(a, net, b.mac, 10_000 + f).id);
      ids.push(list);
    }
    net.kernel.run();
    expect(b.received.length).toBe(flows * perFlow);
    const perSpine = new Map<string, number>();
    for (const list of ids) {
      const spinesUsed = new Set(list.map((id) => via.get(id)));
      expect(spinesUsed.size).toBe(1);
      const s = [...spinesUsed][0]!;
      perSpine.set(s, (perSpine.get(s) ?? 0) + 1);
    }
    expect(perSpine.size).toBe(spines);
    // A fair share is flows / spines; a good hash keeps every spine within 40 % of it.
    for (const count of perSpine.values()) expect(Math.abs(count - flows / spines)).toBeLessThan(0.4 * flows / spines);
  });

  it('fat-tree k=4: flows between pods use all (k/2)^2 core paths, every path 4 links long', () => {
    const k = 4;
    const flows = 200;
    const net = network();
    const topo = fatTree(net, { k, mode: 'spb', hostPortsPerEdge: 1 });
    const st = attachStations(topo);
    const a = st[0]!; // pod-1-edge-1
    const b = st[(k / 2) * 2]!; // pod-3-edge-1
    const cores = topo.tiers.get('core')!;
    const via = crossing(net, new Set(cores.map((s) => s.name)));
    const hops = fabricHops(net);
    b.broadcast();
    net.kernel.run();
    const perCore = new Map<string, number>();
    for (let f = 0; f < flows; f++) {
      const frame = sendUdp(a, net, b.mac, 20_000 + f);
      net.kernel.run();
      const core = via.get(frame.id)!;
      perCore.set(core, (perCore.get(core) ?? 0) + 1);
      expect(hops.get(frame.id)!.length).toBe(4);
    }
    expect(perCore.size).toBe((k / 2) ** 2);
    for (const count of perCore.values()) expect(count).toBeGreaterThan(0.5 * flows / (k / 2) ** 2);
  });
});

/** leaf-spine, 3 leaves x 2 spines, 2 host ports per leaf, spb; stations h1..h6 (h1, h2 on leaf-1 ...). */
function smallFabric(options: FabricOptions = {}, seed = 1): { net: Network; topo: Topology; st: Station[]; leaf: (i: number) => FabricSwitch } {
  const net = network(seed);
  const topo = leafSpine(net, { leaves: 3, spines: 2, hostPortsPerEdge: 2, mode: 'spb', fabric: options });
  const st = attachStations(topo);
  return { net, topo, st, leaf: (i) => topo.switch(`leaf-${i}`) as FabricSwitch };
}

describe('edge learning', () => {
  it('remote edges learn MAC -> ingress edge from decapsulated frames; spines learn nothing', () => {
    const { net, topo, st, leaf } = smallFabric();
    const [h1, , h3] = st as [Station, Station, Station];
    const sizes: number[] = [];
    net.kernel.trace.on('frame-received', (e) => { if (e.node.startsWith('spine') && e.frame.id === 1) sizes.push(e.frame.size); });
    const announce = h1.broadcast();
    net.kernel.run();
    expect(announce.id).toBe(1);
    // The frame with its VLAN tag inside the fabric (sized as a trunk port sizes it), plus the TRILL encapsulation.
    expect(sizes[0]).toBe(withVlanTags(announce, [vlanTagFor(1)]).size + TRILL_ENCAPSULATION_OVERHEAD);
    expect(leaf(1).location(1, h1.mac)).toEqual({ kind: 'local', port: leaf(1).ports[0] });
    expect(leaf(2).location(1, h1.mac)).toEqual({ kind: 'remote', edge: leaf(1) });
    expect(leaf(3).location(1, h1.mac)).toEqual({ kind: 'remote', edge: leaf(1) });
    for (const spine of topo.tiers.get('spine')!) expect(spine.fdb.size).toBe(0);
    // A known unicast goes to leaf-1 only, and teaches leaf-1 where h3 is.
    const hops = fabricHops(net);
    const u = h3.unicast(h1.mac);
    net.kernel.run();
    expect(receivedIds(h1)).toEqual([u.id]);
    expect(st.slice(1).every((s) => !receivedIds(s).includes(u.id))).toBe(true);
    expect(hops.get(u.id)!.filter((n) => n.startsWith('leaf'))).toEqual(['leaf-1']);
    expect(leaf(1).location(1, h3.mac)).toEqual({ kind: 'remote', edge: leaf(2) });
    expect(leaf(3).location(1, h3.mac)).toBe(null);
    expect(leaf(1).fabricCounters).toMatchObject({ encapsulated: 1, decapsulated: 1, remoteLearned: 1 });
    expect(leaf(2).fabricCounters).toMatchObject({ encapsulated: 1, decapsulated: 1, remoteLearned: 1 });
    for (const spine of topo.tiers.get('spine')!) expect(spine.fdb.size).toBe(0);
  });

  it('remote entries age out after the 300 s ageing time; unicast is then flooded on the tree', () => {
    const { net, st, leaf } = smallFabric();
    const [h1, , h3, , h5] = st as [Station, Station, Station, Station, Station];
    h1.broadcast();
    net.kernel.run();
    net.kernel.scheduleAt(299e9, 't', 'check', () => expect(leaf(2).location(1, h1.mac)?.kind).toBe('remote'));
    net.kernel.scheduleAt(301e9, 't', 'send', () => {
      expect(leaf(2).location(1, h1.mac)).toBe(null);
      h3.unicast(h1.mac);
    });
    net.kernel.run();
    expect(h1.received.length).toBe(1);
    // Flooded as unknown unicast: leaf-3 delivers it to its hosts too.
    expect(h5.received.length).toBe(2);
  });
});

describe('migration: a remote edge re-learns a moved MAC only from a frame decapsulated from the new edge', () => {
  /**
   * vm on leaf-2 (h3's place), a on leaf-1 (h1), b beside the vm on leaf-2 (h4), c on leaf-3 (h5).
   * The vm moves to a new port of leaf-3 and first talks only locally (to c).
   */
  function moved() {
    const f = smallFabric();
    const [a, , vm, b, c] = f.st as [Station, Station, Station, Station, Station];
    for (const s of [vm, a, c]) s.broadcast();
    f.net.kernel.run();
    const vmNew = new Station(f.net, 'vm-new', vm.mac);
    f.topo.connectHost('leaf-3', vmNew.port);
    const local = vmNew.unicast(c.mac);
    f.net.kernel.run();
    expect(receivedIds(c).at(-1)).toBe(local.id);
    expect(f.leaf(3).location(1, vm.mac)?.kind).toBe('local');
    // Nothing crossed the fabric, so leaf-1 still points at the old edge.
    expect(f.leaf(1).location(1, vm.mac)).toEqual({ kind: 'remote', edge: f.leaf(2) });
    return { ...f, a, vm, b, c, vmNew };
  }

  it('while the old port is still up, frames go to the old edge and out of the old port (lost there)', () => {
    const { net, a, vm, vmNew, b, leaf } = moved();
    const before = receivedIds(vm).length;
    const lost = a.unicast(vm.mac);
    net.kernel.run();
    expect(receivedIds(vm).slice(before)).toEqual([lost.id]);
    expect(receivedIds(vmNew)).not.toContain(lost.id);
    expect(receivedIds(b)).not.toContain(lost.id);
    // The old edge's own stale local entry also sends b's frames to the old port.
    const stale = b.unicast(vm.mac);
    net.kernel.run();
    expect(receivedIds(vm).at(-1)).toBe(stale.id);
    expect(leaf(2).location(1, vm.mac)).toEqual({ kind: 'local', port: leaf(2).ports[0] });
  });

  it('once the old port is gone, the old edge floods them locally, where nobody has the MAC', () => {
    const { net, topo, a, vm, vmNew, b, leaf } = moved();
    topo.hostLinks.get(`${vm.port.name}<->leaf-2:p1`)!.setUp(false);
    expect(leaf(2).location(1, vm.mac)).toBe(null);
    const floodsBefore = leaf(2).counters.unknownUnicastFloods;
    const lost = a.unicast(vm.mac);
    net.kernel.run();
    expect(leaf(2).counters.unknownUnicastFloods).toBe(floodsBefore + 1);
    expect(receivedIds(b).at(-1)).toBe(lost.id);
    expect(receivedIds(vmNew)).not.toContain(lost.id);
  });

  it('a unicast from the new location teaches only the edge that decapsulates it', () => {
    const { net, a, vm, vmNew, leaf } = moved();
    const learned: Array<[string, string, string | null]> = [];
    net.kernel.trace.on('fabric-learned', (e) => { if (e.mac === vm.mac) learned.push([e.node, e.location, e.previous]); });
    vmNew.unicast(a.mac);
    net.kernel.run();
    expect(learned).toEqual([['leaf-1', 'leaf-3', 'leaf-2']]);
    expect(leaf(1).location(1, vm.mac)).toEqual({ kind: 'remote', edge: leaf(3) });
    expect(leaf(2).location(1, vm.mac)?.kind).toBe('local');
    const ok = a.unicast(vm.mac);
    net.kernel.run();
    expect(receivedIds(vmNew)).toContain(ok.id);
  });

  it('a broadcast announcement from the new location re-teaches every remote edge at once', () => {
    const { net, vm, vmNew, leaf } = moved();
    vmNew.broadcast();
    net.kernel.run();
    expect(leaf(1).location(1, vm.mac)).toEqual({ kind: 'remote', edge: leaf(3) });
    expect(leaf(2).location(1, vm.mac)).toEqual({ kind: 'remote', edge: leaf(3) });
  });
});

describe('hop count (RFC 6325 §3.6)', () => {
  const line = (n: number) => Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as const);

  it('a transit switch drops a frame received with hop count 0; an egress still decapsulates it', () => {
    // Multi-destination from s3 with hop count 1: s2 forwards it with 0, s1 delivers locally but not onward.
    const { net, sw, st } = graphFabric(4, line(4), { hopCount: 1 });
    const b = st[3]!.broadcast();
    net.kernel.run();
    expect(st.map((s) => receivedIds(s))).toEqual([[], [b.id], [b.id], []]);
    const from = (i: number, peer: string) => sw[i]!.ports.find((p) => p.peer?.owner.name === peer)!;
    expect(from(1, 's2').counters.drops['hop-limit']).toBe(1);
    // Known unicast s0 -> s3 (entry pushed as a directory would): s1 forwards with 0, s2 drops it.
    sw[0]!.fdb.learn(1, st[3]!.mac, REMOTE_PORT_BASE + sw[3]!.index, net.kernel.now, 'pushed');
    st[0]!.unicast(st[3]!.mac);
    net.kernel.run();
    expect(from(2, 's1').counters.drops['hop-limit']).toBe(1);
    expect(st[3]!.received).toEqual([]);
  });

  it('with enough hops the same frames arrive, the last with hop count 0', () => {
    const { net, st } = graphFabric(4, line(4), { hopCount: 2 });
    const counts: number[] = [];
    net.kernel.trace.on('frame-received', (e) => { if (e.node === 's3' && isFabricFrame(e.frame)) counts.push(e.frame.fabric.hopCount); });
    st[3]!.broadcast();
    net.kernel.run();
    expect(st[0]!.received.length).toBe(1);
    st[0]!.unicast(st[3]!.mac);
    net.kernel.run();
    expect(st[3]!.received.length).toBe(1);
    expect(counts).toEqual([0]);
  });

  it('the default is the 6-bit maximum', () => {
    expect(new ShortestPathFabric(network()).hopCount).toBe(MAX_HOP_COUNT);
  });
});

describe('distribution tree and reverse-path forwarding check', () => {
  it('a multi-destination frame is accepted only on the tree port facing its ingress switch', () => {
    const { net, topo, leaf } = smallFabric();
    const fabric = topo.fabric!;
    expect(fabric.treeRoot.name).toBe('spine-1');
    expect(fabric.treeParent(leaf(2))?.name).toBe('spine-1');
    // spine-2 hangs below leaf-1 (the lowest-address leaf): leaf-2's port to spine-2 is not on the tree.
    expect(fabric.treeParent(topo.switch('spine-2') as FabricSwitch)?.name).toBe('leaf-1');
    const treePort = leaf(2).ports.find((p) => p.peer?.owner.name === 'spine-1')!;
    const offTree = leaf(2).ports.find((p) => p.peer?.owner.name === 'spine-2')!;
    expect(fabric.rpfAccepts(leaf(2), treePort.index, leaf(1).index)).toBe(true);
    expect(fabric.rpfAccepts(leaf(2), offTree.index, leaf(1).index)).toBe(false);
    const factory = new FrameFactory();
    const inner = factory.make({ destination: MAC_BROADCAST, source: stationMac(77), vlanTags: [], etherType: 0x0806, payload: { kind: 'raw', bytes: new Uint8Array(46) } });
    const tagged = withVlanTags(inner, [{ tpid: 0x8100, priority: 0, dropEligible: false, vlanId: 1 }]);
    const frame: FabricFrame = encapsulate(tagged, { ingress: leaf(1).nickname, egress: fabric.treeRoot.nickname, multiDestination: true, hopCount: 5, flowHash: 0 }, 20);
    leaf(2).receive(offTree, frame);
    expect(offTree.counters.drops['rpf']).toBe(1);
    expect(leaf(2).location(1, stationMac(77))).toBe(null);
    leaf(2).receive(treePort, frame);
    expect(leaf(2).location(1, stationMac(77))).toEqual({ kind: 'remote', edge: leaf(1) });
    net.kernel.run();
  });

  it('a broadcast costs one kernel event per switch hop and arrival time, not one per receiver', () => {
    const leaves = 6;
    const hosts = 20;
    const net = network();
    const topo = leafSpine(net, { leaves, spines: 3, hostPortsPerEdge: hosts, mode: 'spb' });
    const st = attachStations(topo);
    const before = net.kernel.counters.scheduled;
    st[0]!.broadcast();
    net.kernel.run();
    expect(st.slice(1).every((s) => s.received.length === 1)).toBe(true);
    // host -> leaf-1; leaf-1's local flood; leaf-1 -> its tree ports; spine-1 -> other leaves; each other leaf's local flood.
    expect(net.kernel.counters.scheduled - before).toBe(1 + 1 + 1 + 1 + (leaves - 1));
  });
});

describe('convergence after a link failure', () => {
  for (const side of ['ingress', 'egress'] as const) {
    it(`${side} side: frames on the failed link are lost until the convergence delay, then take another spine`, () => {
      const delay = 200e6;
      const net = network();
      const topo = leafSpine(net, { leaves: 2, spines: 2, hostPortsPerEdge: 1, mode: 'spb', fabric: { convergenceDelay: delay } });
      const [a, b] = attachStations(topo) as [Station, Station];
      const spines = new Set(topo.tiers.get('spine')!.map((s) => s.name));
      const via = crossing(net, spines);
      b.broadcast();
      net.kernel.run();
      const probe = sendUdp(a, net, b.mac, 7);
      net.kernel.run();
      const used = via.get(probe.id)!;
      const other = [...spines].find((s) => s !== used)!;
      const failed = topo.linksBetween(side === 'ingress' ? 'leaf-1' : 'leaf-2', used)[0]!;
      const failAt = 1e9;
      const converged: number[] = [];
      net.kernel.trace.on('fabric-converged', (e) => converged.push(e.time));
      net.kernel.scheduleAt(failAt, 't', 'fail', () => failed.setUp(false));
      const sent: Array<{ at: number; frame: SimFrame }> = [];
      for (let t = failAt + 10e6; t < failAt + 500e6; t += 20e6) {
        net.kernel.scheduleAt(t, 't', 'send', () => sent.push({ at: t, frame: sendUdp(a, net, b.mac, 7) }));
      }
      net.kernel.run();
      expect(converged).toEqual([failAt + delay]);
      const got = new Set(receivedIds(b));
      for (const { at, frame } of sent) {
        expect(got.has(frame.id)).toBe(at >= failAt + delay);
        if (at >= failAt + delay) expect(via.get(frame.id)).toBe(other);
      }
      const lostCount = sent.filter((s) => s.at < failAt + delay).length;
      const dropPort = side === 'ingress' ? failed.a : failed.b;
      expect(dropPort.counters.drops['link-down']).toBe(lostCount);
      // After repair and another convergence delay, the flow returns to its first spine.
      failed.setUp(true);
      net.kernel.run({ until: net.kernel.now + delay + 1 });
      const back = sendUdp(a, net, b.mac, 7);
      net.kernel.run();
      expect(via.get(back.id)).toBe(used);
    });
  }

  it('a failed tree link: broadcasts miss part of the fabric until the tree is recomputed, then reach every station once', () => {
    const delay = 300e6;
    const { net, topo, st } = smallFabric({ convergenceDelay: delay });
    // leaf-3 hangs below spine-1 on the tree; cut that link.
    const cut = topo.linksBetween('leaf-3', 'spine-1')[0]!;
    net.kernel.scheduleAt(1e9, 't', 'fail', () => cut.setUp(false));
    const early = new Map<number, number>();
    net.kernel.scheduleAt(1e9 + 1e6, 't', 'send', () => { early.set(st[0]!.broadcast().id, 0); });
    net.kernel.scheduleAt(1e9 + delay + 1e6, 't', 'send', () => { early.set(st[0]!.broadcast().id, 1); });
    net.kernel.run();
    const [first, second] = [...early.keys()];
    expect(st.slice(1).map((s) => receivedIds(s).filter((id) => id === first).length)).toEqual([1, 1, 1, 0, 0]);
    expect(st.slice(1).map((s) => receivedIds(s).filter((id) => id === second).length)).toEqual([1, 1, 1, 1, 1]);
    expect(topo.fabric!.treeParent(topo.switch('leaf-3') as FabricSwitch)?.name).toBe('spine-2');
  });
});

describe('exactness and determinism', () => {
  const traffic = fc.array(fc.tuple(fc.nat({ max: 5 }), fc.nat({ max: 6 }), fc.nat({ max: 3_000 })), { minLength: 1, maxLength: 30 });

  function run(sends: ReadonlyArray<readonly [number, number, number]>, batchFloods: boolean, seed: number): string[] {
    const net = network(seed);
    const topo = leafSpine(net, {
      leaves: 3, spines: 2, hostPortsPerEdge: 2, mode: 'spb', switchConfig: { batchFloods },
      hostLink: { rate: 1e9, delay: 500, aToB: { loss: { kind: 'bernoulli', rate: 0.2 } } },
    });
    const st = attachStations(topo);
    const log = deliveryLog(net);
    for (const [from, to, at] of sends) {
      net.kernel.scheduleAt(at, 't', 'send', () => {
        if (to === 6) st[from]!.broadcast();
        else st[from]!.unicast(stationMac(to + 1));
      });
    }
    net.kernel.run();
    return log;
  }

  it('batched tree floods give the same deliveries, times and order as one event per receiver', () => {
    fc.assert(fc.property(traffic, (sends) => {
      expect(run(sends, true, 3)).toEqual(run(sends, false, 3));
    }), { numRuns: RUNS });
  });

  it('the same seed gives the same delivery trace (lossy host links draw from the seeded streams)', () => {
    const sends = Array.from({ length: 40 }, (_, i) => [i % 6, (i * 5) % 7, i * 97] as const);
    const first = run(sends, true, 42);
    expect(run(sends, true, 42)).toEqual(first);
    expect(run(sends, true, 43)).not.toEqual(first);
  });
});

describe('where a MAC behind a switch should point (fdbPortsTowards)', () => {
  it('inside the fabric at the edge it lives behind, outside it along native links; without a fabric as portsTowards', () => {
    // s0 - s1 - s2 in a line; hypervisor switches v0, v0b on s0 and v2 on s2.
    const { net, fabric, sw } = graphFabric(3, [[0, 1], [1, 2]]);
    const v0 = net.addSwitch('v0');
    const v0b = net.addSwitch('v0b');
    const v2 = net.addSwitch('v2');
    net.connect(v0.addPort(), sw[0]!.addPort(), LINK);
    net.connect(v0b.addPort(), sw[0]!.addPort(), LINK);
    net.connect(v2.addPort(), sw[2]!.addPort(), LINK);
    net.kernel.run({ until: 1e9 });
    const all = [...sw, v0, v0b, v2];
    const codes = fdbPortsTowards(all, v0);
    expect(fabric.switches).toEqual(sw);
    // s0 reaches v0 on the local port it has towards it; s1 and s2 point at s0 as a remote edge.
    expect(codes.get(sw[0]!)).toBe(sw[0]!.ports.findIndex((p) => p.peer?.owner === v0));
    expect(codes.get(sw[1]!)).toBe(REMOTE_PORT_BASE + sw[0]!.index);
    expect(codes.get(sw[2]!)).toBe(REMOTE_PORT_BASE + sw[0]!.index);
    // Hypervisor switches, behind the same edge or another one, point at their uplink.
    for (const v of [v0b, v2]) expect(codes.get(v), v.name).toBe(0);
    expect(codes.has(v0)).toBe(false);
    // The fabric itself as the target (an EVPN route from edge s2).
    const fromEdge = fdbPortsTowards(all, sw[2]!);
    expect(fromEdge.get(sw[0]!)).toBe(REMOTE_PORT_BASE + sw[2]!.index);
    expect(fromEdge.get(v2)).toBe(0);
  });

  it('equals portsTowards on a bridged network', () => {
    const net = network(1);
    const a = net.addSwitch('a');
    const b = net.addSwitch('b');
    const c = net.addSwitch('c');
    net.connect(a.addPort(), b.addPort(), LINK);
    net.connect(b.addPort(), c.addPort(), LINK);
    expect([...fdbPortsTowards([a, b, c], a)]).toEqual([...portsTowards([a, b, c], a)]);
    expect(fdbPortsTowards([a, b, c], a).get(c)).toBe(0);
  });
});
