/**
 * The converged spanning tree of a topology, computed directly (the fast path of `startConverged`):
 * per connected set of bridges, the root bridge, every bridge's root path cost, root port and hop
 * count from the root, and every port's role and stored priority vector.
 *
 * Guarantees: the result is what 802.1D STP and 802.1w RSTP both converge to on a stable topology
 * with positive path costs (the tests compare it with cold-start runs of both protocols); it depends
 * only on the input, never on iteration order (every choice has a full tie-break).
 *
 * Rules (IEEE 802.1D-1998 §8.6.8-8.6.11, 802.1D-2004 §17.6): the root is the lowest bridge ID; a
 * bridge's root port offers the lowest root path cost, ties broken by the lowest designated (sender) bridge ID, then sender port
 * ID, then local port ID; on each link the end offering the better priority vector {root, root path
 * cost, bridge ID, port ID} is designated; every other enabled port is blocked: alternate, or backup
 * when the better end is another port of the same bridge (802.1D-2004 §17.7). With costs ≥ 1 the
 * neighbour a root port points to is always designated on that link, so the shortest-path distances
 * (Dijkstra from the root, each hop costing the receiving port's path cost) decide everything.
 */
import type { BridgeId } from '../../wire/index.js';
import type { PriorityVector, SpanningTreeRole } from './priority.js';
import { compareBridgeIds, compareVectors } from './priority.js';

/** One port as the solver sees it. */
export interface SolverPort {
  /** 16-bit port identifier. */
  readonly portId: number;
  /** Path cost added when root information arrives on this port. */
  readonly pathCost: number;
  /** Link present and up. */
  readonly enabled: boolean;
  /** The port at the other end when it belongs to a bridge running the protocol; null for hosts. */
  readonly peer: { readonly bridge: number; readonly port: number } | null;
}

/** One bridge as the solver sees it. */
export interface SolverBridge {
  readonly bridgeId: BridgeId;
  readonly ports: readonly SolverPort[];
}

/** A port of the converged tree. */
export interface SolvedPort {
  readonly role: SpanningTreeRole;
  /** The priority vector the port holds: its own when designated, the designated end's otherwise; null when disabled. */
  readonly vector: PriorityVector | null;
  /** Index of the bridge designated for this port's link (this bridge when designated); -1 when disabled. */
  readonly designatedBridge: number;
}

/** A bridge of the converged tree. */
export interface SolvedBridge {
  /** Index of the root bridge of this bridge's connected set. */
  readonly root: number;
  readonly rootPathCost: number;
  /** Index of the root port, -1 at the root. */
  readonly rootPort: number;
  /** Bridges between this one and the root along root ports (0 at the root): the message age in seconds. */
  readonly hops: number;
  readonly ports: readonly SolvedPort[];
}

/** A binary min-heap of (cost, bridge index) pairs. */
class CostHeap {
  private readonly costs: number[] = [];
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  private less(i: number, j: number): boolean {
    return this.costs[i]! < this.costs[j]! || (this.costs[i] === this.costs[j] && this.items[i]! < this.items[j]!);
  }

  private swap(i: number, j: number): void {
    [this.costs[i], this.costs[j]] = [this.costs[j]!, this.costs[i]!];
    [this.items[i], this.items[j]] = [this.items[j]!, this.items[i]!];
  }

  push(cost: number, item: number): void {
    this.costs.push(cost);
    this.items.push(item);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.costs[0]!, this.items[0]!];
    const lastCost = this.costs.pop()!;
    const lastItem = this.items.pop()!;
    if (this.items.length > 0) {
      this.costs[0] = lastCost;
      this.items[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.items.length && this.less(l, m)) m = l;
        if (r < this.items.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** (root path cost, sender bridge ID, sender port ID, local port ID): the root-port tie-break order of 802.1D-2004 §17.6. */
type RootPathKey = [number, BridgeId, number, number];

function compareRootPathKeys(a: RootPathKey, b: RootPathKey): number {
  return a[0] - b[0] || compareBridgeIds(a[1], b[1]) || a[2] - b[2] || a[3] - b[3];
}

/** Computes the converged tree of `bridges` (see the module comment). */
export function solveSpanningTree(bridges: readonly SolverBridge[]): SolvedBridge[] {
  const n = bridges.length;
  const linked = (b: number, i: number): { bridge: number; port: number } | null => {
    const port = bridges[b]!.ports[i]!;
    return port.enabled ? port.peer : null;
  };

  // Connected sets and their roots (lowest bridge ID).
  const rootOf = new Array<number>(n).fill(-1);
  for (let start = 0; start < n; start++) {
    if (rootOf[start] !== -1) continue;
    const members = [start];
    rootOf[start] = start;
    for (let k = 0; k < members.length; k++) {
      const b = members[k]!;
      bridges[b]!.ports.forEach((_, i) => {
        const peer = linked(b, i);
        if (peer !== null && rootOf[peer.bridge] === -1) {
          rootOf[peer.bridge] = start;
          members.push(peer.bridge);
        }
      });
    }
    let root = start;
    for (const m of members) if (compareBridgeIds(bridges[m]!.bridgeId, bridges[root]!.bridgeId) < 0) root = m;
    for (const m of members) rootOf[m] = root;
  }

  // Root path costs: Dijkstra from every root at once (sets are disjoint).
  const dist = new Array<number>(n).fill(Infinity);
  const heap = new CostHeap();
  for (let b = 0; b < n; b++) {
    if (rootOf[b] === b) {
      dist[b] = 0;
      heap.push(0, b);
    }
  }
  const settled: number[] = [];
  const done = new Array<boolean>(n).fill(false);
  while (heap.size > 0) {
    const [cost, c] = heap.pop();
    if (done[c]) continue;
    done[c] = true;
    settled.push(c);
    bridges[c]!.ports.forEach((_, j) => {
      const peer = linked(c, j);
      if (peer === null || peer.bridge === c) return;
      // Information from c arrives at the peer's port and costs that port's path cost.
      const next = cost + bridges[peer.bridge]!.ports[peer.port]!.pathCost;
      if (next < dist[peer.bridge]!) {
        dist[peer.bridge] = next;
        heap.push(next, peer.bridge);
      }
    });
  }

  const own = (b: number, i: number): PriorityVector => ({
    rootId: bridges[rootOf[b]!]!.bridgeId,
    rootPathCost: dist[b]!,
    designatedId: bridges[b]!.bridgeId,
    designatedPort: bridges[b]!.ports[i]!.portId,
  });

  // Root ports, in order of increasing distance so the upstream hop count is known.
  const rootPort = new Array<number>(n).fill(-1);
  const hops = new Array<number>(n).fill(0);
  for (const b of settled) {
    if (rootOf[b] === b) continue;
    let best = -1;
    let bestKey: RootPathKey | null = null;
    bridges[b]!.ports.forEach((port, i) => {
      const peer = linked(b, i);
      if (peer === null || peer.bridge === b) return;
      const key: RootPathKey = [
        dist[peer.bridge]! + port.pathCost,
        bridges[peer.bridge]!.bridgeId,
        bridges[peer.bridge]!.ports[peer.port]!.portId,
        port.portId,
      ];
      if (bestKey === null || compareRootPathKeys(key, bestKey) < 0) {
        best = i;
        bestKey = key;
      }
    });
    rootPort[b] = best;
    hops[b] = hops[linked(b, best)!.bridge]! + 1;
  }

  return bridges.map((bridge, b) => ({
    root: rootOf[b]!,
    rootPathCost: dist[b]!,
    rootPort: rootPort[b]!,
    hops: hops[b]!,
    ports: bridge.ports.map((port, i): SolvedPort => {
      if (!port.enabled) return { role: 'disabled', vector: null, designatedBridge: -1 };
      const peer = port.peer;
      const mine = own(b, i);
      if (peer === null) return { role: 'designated', vector: mine, designatedBridge: b };
      const theirs = own(peer.bridge, peer.port);
      if (i === rootPort[b]) return { role: 'root', vector: theirs, designatedBridge: peer.bridge };
      if (compareVectors(mine, theirs) < 0) return { role: 'designated', vector: mine, designatedBridge: b };
      return { role: peer.bridge === b ? 'backup' : 'alternate', vector: theirs, designatedBridge: peer.bridge };
    }),
  }));
}
