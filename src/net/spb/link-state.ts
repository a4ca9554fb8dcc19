/**
 * The link-state computations of the shortest-path fabric, as pure functions over a graph of fabric
 * switches: shortest-path distances (Dijkstra, the SPF of IS-IS), the equal-cost next hops towards a
 * destination, and the distribution tree for multi-destination frames with the test that its
 * reverse-path forwarding check needs (RFC 6325 §4.5).
 *
 * Guarantees: results depend only on the graph and the node ranks (no iteration over hash maps, full
 * tie-breaks), so every switch that ran the same computation on the same link-state database would
 * get the same answer, which is what lets the fabric compute once for everyone.
 */

/** Nodes, and the adjacencies that are up, in compressed-sparse-row form. */
export interface LinkStateGraph {
  readonly nodeCount: number;
  /** Adjacencies of node `n` are at indices `start[n]` to `start[n + 1] - 1`. */
  readonly start: Int32Array;
  readonly neighbor: Int32Array;
  readonly cost: Int32Array;
  /** The fabric's id of the adjacency (one per link), for telling parallel links apart. */
  readonly edge: Int32Array;
}

/** One adjacency between two nodes, with its cost, for {@link buildGraph}. */
export interface Adjacency {
  readonly a: number;
  readonly b: number;
  readonly cost: number;
  readonly up: boolean;
}

/** Builds the graph of the adjacencies that are up; adjacency `i` gets edge id `i`. */
export function buildGraph(nodeCount: number, adjacencies: readonly Adjacency[]): LinkStateGraph {
  const degree = new Int32Array(nodeCount + 1);
  for (const e of adjacencies) {
    if (!e.up) continue;
    degree[e.a]!++;
    degree[e.b]!++;
  }
  const start = new Int32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) start[n + 1] = start[n]! + degree[n]!;
  const total = start[nodeCount]!;
  const neighbor = new Int32Array(total);
  const cost = new Int32Array(total);
  const edge = new Int32Array(total);
  const fill = start.slice(0, nodeCount);
  for (let i = 0; i < adjacencies.length; i++) {
    const e = adjacencies[i]!;
    if (!e.up) continue;
    let at = fill[e.a]!++;
    neighbor[at] = e.b;
    cost[at] = e.cost;
    edge[at] = i;
    at = fill[e.b]!++;
    neighbor[at] = e.a;
    cost[at] = e.cost;
    edge[at] = i;
  }
  return { nodeCount, start, neighbor, cost, edge };
}

/** Distance marking a node that cannot be reached. */
export const UNREACHABLE = -1;

/**
 * Shortest-path distances from `source` to every node (Dijkstra with a binary heap; costs are
 * positive integers), {@link UNREACHABLE} for nodes in another component.
 */
export function distancesFrom(graph: LinkStateGraph, source: number): Int32Array {
  const n = graph.nodeCount;
  const dist = new Int32Array(n).fill(UNREACHABLE);
  const done = new Uint8Array(n);
  // Heap of (distance, node) with lazy deletion: at most one entry per adjacency plus the source.
  const capacity = graph.neighbor.length + 1;
  const keys = new Float64Array(capacity);
  const nodes = new Int32Array(capacity);
  let size = 0;
  const push = (key: number, node: number): void => {
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! < key || (keys[parent] === key && nodes[parent]! <= node)) break;
      keys[i] = keys[parent]!;
      nodes[i] = nodes[parent]!;
      i = parent;
    }
    keys[i] = key;
    nodes[i] = node;
  };
  const pop = (): number => {
    const top = nodes[0]!;
    size--;
    const key = keys[size]!;
    const node = nodes[size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && (keys[child + 1]! < keys[child]! || (keys[child + 1] === keys[child] && nodes[child + 1]! < nodes[child]!))) child++;
      if (key < keys[child]! || (key === keys[child] && node <= nodes[child]!)) break;
      keys[i] = keys[child]!;
      nodes[i] = nodes[child]!;
      i = child;
    }
    keys[i] = key;
    nodes[i] = node;
    return top;
  };
  dist[source] = 0;
  push(0, source);
  while (size > 0) {
    const u = pop();
    if (done[u] === 1) continue;
    done[u] = 1;
    const du = dist[u]!;
    for (let k = graph.start[u]!; k < graph.start[u + 1]!; k++) {
      const v = graph.neighbor[k]!;
      const dv = du + graph.cost[k]!;
      if (dist[v] === UNREACHABLE || dv < dist[v]!) {
        dist[v] = dv;
        push(dv, v);
      }
    }
  }
  return dist;
}

/**
 * The adjacency slots (indices into `graph.neighbor`) of `node` that lie on a shortest path to the
 * destination whose distances are `distTo`: neighbour `m` with distTo[m] + cost = distTo[node].
 * In slot order, so the list is the same for every caller. Empty at the destination itself or when
 * the destination is unreachable.
 */
export function equalCostSlots(graph: LinkStateGraph, distTo: Int32Array, node: number): number[] {
  const out: number[] = [];
  const d = distTo[node]!;
  if (d <= 0) return out;
  for (let k = graph.start[node]!; k < graph.start[node + 1]!; k++) {
    const m = graph.neighbor[k]!;
    if (distTo[m] !== UNREACHABLE && distTo[m]! + graph.cost[k]! === d) out.push(k);
  }
  return out;
}

/** A distribution tree: a shortest-path tree from its root, with a preorder numbering. */
export interface DistributionTree {
  readonly root: number;
  /** Parent node, -1 for the root and for nodes the root cannot reach. */
  readonly parent: Int32Array;
  /** The edge id joining a node to its parent, -1 for the root and unreached nodes. */
  readonly parentEdge: Int32Array;
  /** Preorder number; -1 for unreached nodes. A node's subtree is the numbers [enter, exit). */
  readonly enter: Int32Array;
  readonly exit: Int32Array;
}

/**
 * The distribution tree rooted at `root`: each node's parent is, among its neighbours on a shortest
 * path to the root, the one of lowest `rank` (the bridge address), then lowest edge id. TRILL fixes
 * its own tie-break rule (RFC 6325 §4.5, not re-read here); what matters is that every switch applies
 * the same rule, so all agree on one tree.
 */
export function distributionTree(graph: LinkStateGraph, root: number, rank: ArrayLike<number>): DistributionTree {
  const n = graph.nodeCount;
  const dist = distancesFrom(graph, root);
  const parent = new Int32Array(n).fill(-1);
  const parentEdge = new Int32Array(n).fill(-1);
  const childCount = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    if (v === root || dist[v] === UNREACHABLE) continue;
    let best = -1;
    let bestEdge = -1;
    for (let k = graph.start[v]!; k < graph.start[v + 1]!; k++) {
      const m = graph.neighbor[k]!;
      if (dist[m] === UNREACHABLE || dist[m]! + graph.cost[k]! !== dist[v]) continue;
      const e = graph.edge[k]!;
      // Lexicographic (rank, node, edge id): a full tie-break.
      if (best < 0 || rank[m]! < rank[best]! || (rank[m] === rank[best] && (m < best || (m === best && e < bestEdge)))) {
        best = m;
        bestEdge = e;
      }
    }
    parent[v] = best;
    parentEdge[v] = bestEdge;
    childCount[best]!++;
  }
  // Children lists (CSR), in node order, then an iterative preorder walk.
  const childStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) childStart[v + 1] = childStart[v]! + childCount[v]!;
  const children = new Int32Array(childStart[n]!);
  const fill = childStart.slice(0, n);
  for (let v = 0; v < n; v++) if (parent[v]! >= 0) children[fill[parent[v]!]!++] = v;
  const enter = new Int32Array(n).fill(-1);
  const exit = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const next = childStart.slice(0, n);
  let counter = 0;
  let top = 0;
  stack[top++] = root;
  enter[root] = counter++;
  while (top > 0) {
    const v = stack[top - 1]!;
    if (next[v]! < childStart[v + 1]!) {
      const c = children[next[v]!++]!;
      enter[c] = counter++;
      stack[top++] = c;
    } else {
      exit[v] = counter;
      top--;
    }
  }
  return { root, parent, parentEdge, enter, exit };
}

/** True when `node` lies in the subtree of `top` (itself included); false for unreached nodes. */
export function inSubtree(tree: DistributionTree, node: number, top: number): boolean {
  const e = tree.enter[node]!;
  return e >= 0 && tree.enter[top]! >= 0 && e >= tree.enter[top]! && e < tree.exit[top]!;
}
