/**
 * A shortest-path bridging fabric in the manner of TRILL (RFC 6325) and SPB (IEEE 802.1aq, RFC 6329):
 * the set of fabric switches ({@link FabricSwitch}), the links between them, and the link-state
 * computation every one of them would run (IS-IS in TRILL, RFC 6325 §4.2; in SPB, RFC 6329).
 *
 * One computation for all: every switch of a real fabric runs the same SPF over the same link-state
 * database and gets the same answer, so the fabric computes once and each switch consults it. What is
 * kept faithful is *when* forwarding state changes: a link that goes down or up changes the fabric's
 * view only `convergenceDelay` after the event (IS-IS detection, flooding and SPF folded into one
 * delay, the same for every switch). Until then, frames follow the old paths and the old tree, and
 * those sent over the failed link are lost there (`link-down`). Links made with {@link connect} while
 * building join the view at once.
 *
 * What is computed: shortest-path distances (Dijkstra, cost 1 per link or derived from the link rate),
 * the equal-cost next hops towards each egress switch, chosen per frame by a flow hash salted per hop
 * (so one flow keeps one path and flows spread over all equal paths), and one distribution tree for
 * multi-destination frames, rooted at the switch with the lowest bridge address unless one is named,
 * with the reverse-path forwarding check RFC 6325 §4.5 asks for.
 *
 * Memory: distances are computed lazily per egress switch in use (4 bytes per fabric switch each), the
 * next hops lazily per (switch, egress) pair in use; the tree costs a few integers per switch. All of
 * it is dropped and recomputed lazily when the view changes. Transit switches hold nothing per end
 * station, as in TRILL (RFC 6325 §4.8.1) and SPBM (IEEE 802.1aq).
 */
import type { Link, LinkConfig } from '../link.js';
import type { Network } from '../network.js';
import type { Port } from '../port.js';
import type { SwitchConfig } from '../switch.js';
import { FABRIC_PORT_MODE, FabricSwitch } from './bridge.js';
import { MAX_HOP_COUNT, TRILL_ENCAPSULATION_OVERHEAD, finalMix } from './fabric-frame.js';
import type { Adjacency, DistributionTree, LinkStateGraph } from './link-state.js';
import { UNREACHABLE, buildGraph, distancesFrom, distributionTree, equalCostSlots, inSubtree } from './link-state.js';

/** How a link's cost is set for the shortest-path computation. */
export type LinkCostRule = 'hops' | 'bandwidth';

/** Settings of a fabric. */
export interface FabricOptions {
  /** Node id of the fabric's own kernel events and trace events (default `fabric`). */
  readonly name?: string;
  /** Time from a link change to the switches using new paths, ns (default 200 ms). */
  readonly convergenceDelay?: number;
  /** Hop count an ingress switch writes (default 63, the 6-bit maximum, RFC 6325 §3.6). */
  readonly hopCount?: number;
  /** Name of the distribution tree's root (default: the switch with the lowest bridge address). */
  readonly treeRoot?: string;
  /**
   * `hops`: every link costs 1 (default). `bandwidth`: 2 x 10^13 / rate, at least 1, the 802.1D-2004
   * long path cost rule (802.1D-2004 §17.14), as IS-IS metrics are often set.
   */
  readonly linkCost?: LinkCostRule;
  /** Bytes the encapsulation adds (default 20, TRILL; 22 for SPBM). */
  readonly encapsulationOverhead?: number;
}

/** The defaults of {@link FabricOptions}. */
export const FABRIC_DEFAULTS = {
  name: 'fabric',
  convergenceDelay: 200e6,
  hopCount: MAX_HOP_COUNT,
  linkCost: 'hops' as LinkCostRule,
  encapsulationOverhead: TRILL_ENCAPSULATION_OVERHEAD,
} as const;

/** Fabric-wide counters: plain integers. */
export class FabricWideCounters {
  /** Link-state changes applied (each after the convergence delay). */
  convergences = 0;
  /** Times the forwarding state was recomputed (lazily, after construction or a change). */
  computations = 0;
}

interface AdjacencyRecord extends Adjacency {
  readonly portA: number;
  readonly portB: number;
  readonly link: Link;
  up: boolean;
}

/** Forwarding state of one generation of the view. */
interface ForwardingState {
  readonly graph: LinkStateGraph;
  readonly tree: DistributionTree;
  readonly treePorts: number[][];
  readonly distTo: Map<number, Int32Array>;
  readonly nextHops: Array<Map<number, Int32Array> | undefined>;
}

const NO_PORTS: readonly number[] = [];

/** See the module comment. */
export class ShortestPathFabric {
  readonly network: Network;
  readonly name: string;
  readonly convergenceDelay: number;
  readonly hopCount: number;
  readonly encapsulationOverhead: number;
  readonly linkCost: LinkCostRule;
  readonly counters = new FabricWideCounters();
  /** Fabric switches by index (nickname - 1), in the order they were added. */
  readonly switches: FabricSwitch[] = [];
  private readonly treeRootName: string | undefined;
  private readonly adjacencies: AdjacencyRecord[] = [];
  private readonly byLink = new Map<Link, number>();
  private ranks: number[] = [];
  private state: ForwardingState | null = null;
  private generationValue = 0;

  constructor(network: Network, options: FabricOptions = {}) {
    this.network = network;
    this.name = options.name ?? FABRIC_DEFAULTS.name;
    this.convergenceDelay = options.convergenceDelay ?? FABRIC_DEFAULTS.convergenceDelay;
    this.hopCount = options.hopCount ?? FABRIC_DEFAULTS.hopCount;
    this.encapsulationOverhead = options.encapsulationOverhead ?? FABRIC_DEFAULTS.encapsulationOverhead;
    this.linkCost = options.linkCost ?? FABRIC_DEFAULTS.linkCost;
    this.treeRootName = options.treeRoot;
    if (!Number.isSafeInteger(this.convergenceDelay) || this.convergenceDelay < 0) {
      throw new RangeError(`fabric ${this.name}: convergence delay must be a non-negative whole number of nanoseconds, got ${this.convergenceDelay}`);
    }
    if (!Number.isInteger(this.hopCount) || this.hopCount < 0 || this.hopCount > MAX_HOP_COUNT) {
      throw new RangeError(`fabric ${this.name}: hop count must be an integer from 0 to ${MAX_HOP_COUNT}, got ${this.hopCount}`);
    }
    if (!Number.isInteger(this.encapsulationOverhead) || this.encapsulationOverhead < 0) {
      throw new RangeError(`fabric ${this.name}: encapsulation overhead must be a non-negative number of bytes, got ${this.encapsulationOverhead}`);
    }
  }

  /** Bumped whenever the view changes; forwarding state is recomputed lazily after that. */
  get generation(): number {
    return this.generationValue;
  }

  /**
   * Creates a fabric switch, registers it with the network, and adds it to the fabric. Its bridge
   * address comes from the network's numbering unless the config gives one.
   */
  addSwitch(name: string, config: SwitchConfig = {}): FabricSwitch {
    if (this.switches.length >= 0xffbf) throw new RangeError(`fabric ${this.name}: more switches than TRILL nicknames`);
    const bridgeAddress = config.bridgeAddress ?? this.network.nextBridgeAddress();
    const sw = new FabricSwitch(this.network.kernel, this.network.trace, name, this, this.switches.length, { ...config, bridgeAddress });
    sw.activeTopology = this.network.activeTopology;
    this.network.add(sw);
    this.switches.push(sw);
    this.ranks.push(sw.address);
    this.invalidate();
    return sw;
  }

  /**
   * Connects two fabric switches with a new fabric port on each and a link between them. The
   * adjacency joins the view at once (this is for building; a link that later goes down or up
   * changes the view after the convergence delay).
   */
  connect(a: FabricSwitch, b: FabricSwitch, config: LinkConfig): Link {
    if (a.fabric !== this || b.fabric !== this) throw new Error(`fabric ${this.name}: ${a.name} and ${b.name} must both belong to it`);
    if (a === b) throw new Error(`fabric ${this.name}: cannot connect ${a.name} to itself`);
    const pa = a.addPort(FABRIC_PORT_MODE);
    const pb = b.addPort(FABRIC_PORT_MODE);
    const link = this.network.connect(pa, pb, config);
    const id = this.adjacencies.length;
    const cost = this.linkCost === 'hops' ? 1 : Math.max(1, Math.round(2e13 / config.rate));
    this.adjacencies.push({ a: a.index, b: b.index, portA: pa.index, portB: pb.index, cost, link, up: link.up });
    this.byLink.set(link, id);
    a.markFabricPort(pa.index, id);
    b.markFabricPort(pb.index, id);
    this.invalidate();
    return link;
  }

  /** The switch at the root of the distribution tree. */
  get treeRoot(): FabricSwitch {
    return this.switches[this.forwarding().tree.root]!;
  }

  /** The fabric switch named `name`, if it belongs to this fabric. */
  switchNamed(name: string): FabricSwitch | undefined {
    return this.switches.find((s) => s.name === name);
  }

  /** Shortest-path distance (sum of link costs; hops by default) between two switches, -1 if unreachable. */
  distance(from: FabricSwitch, to: FabricSwitch): number {
    return this.distancesTo(this.forwarding(), to.index)[from.index]!;
  }

  /** The ports of `sw` on shortest paths towards `egress` (ascending port index); empty at `egress`. */
  nextHopPorts(sw: FabricSwitch, egress: FabricSwitch): readonly number[] {
    return Array.from(this.hops(this.forwarding(), sw.index, egress.index));
  }

  /** The port a frame with `flowHash` leaves `sw` by towards the switch of index `egress`; -1 if none. */
  selectPort(sw: FabricSwitch, egress: number, flowHash: number): number {
    const hops = this.hops(this.forwarding(), sw.index, egress);
    if (hops.length <= 1) return hops.length === 0 ? -1 : hops[0]!;
    // Salted per switch so that successive ECMP stages choose independently (no polarisation).
    return hops[finalMix(flowHash ^ Math.imul(sw.nickname, 0x9e3779b1)) % hops.length]!;
  }

  /** The ports of `sw` on the distribution tree (towards its parent and its children). */
  treePorts(sw: FabricSwitch): readonly number[] {
    return this.forwarding().treePorts[sw.index] ?? NO_PORTS;
  }

  /** The parent of `sw` on the distribution tree, null for the root and for switches it cannot reach. */
  treeParent(sw: FabricSwitch): FabricSwitch | null {
    const p = this.forwarding().tree.parent[sw.index]!;
    return p < 0 ? null : this.switches[p]!;
  }

  /**
   * The reverse-path forwarding check for a multi-destination frame from the switch of index
   * `ingress` arriving at `sw` on `port`: true only on the tree port that faces the ingress switch.
   */
  rpfAccepts(sw: FabricSwitch, port: number, ingress: number): boolean {
    const edge = sw.fabricEdge(port);
    if (edge < 0 || ingress === sw.index) return false;
    const tree = this.forwarding().tree;
    if (tree.enter[ingress]! < 0) return false;
    const s = sw.index;
    // From the parent: the ingress must lie outside this switch's subtree.
    if (tree.parentEdge[s] === edge) return !inSubtree(tree, ingress, s);
    // From a child: the ingress must lie inside that child's subtree.
    const adj = this.adjacencies[edge]!;
    const other = adj.a === s ? adj.b : adj.a;
    return tree.parentEdge[other] === edge && inSubtree(tree, ingress, other);
  }

  /**
   * A port's link changed (called by fabric switches for each of their ports): the view takes the new
   * state `convergenceDelay` later, and forwarding state is recomputed from it.
   */
  portLinkChanged(port: Port, up: boolean): void {
    const link = port.link;
    if (link === null || link.a !== port) return; // each link once, from its `a` end
    const id = this.byLink.get(link);
    if (id === undefined) return;
    this.network.kernel.schedule(this.convergenceDelay, this.name, 'fabric-converge', () => {
      const adj = this.adjacencies[id]!;
      if (adj.up === up) return;
      adj.up = up;
      this.counters.convergences++;
      this.invalidate();
      const trace = this.network.kernel.trace;
      if (trace.wants('fabric-converged')) {
        trace.emit({ type: 'fabric-converged', time: this.network.kernel.now, node: this.name, generation: this.generationValue, link: link.name, up });
      }
    });
  }

  private invalidate(): void {
    this.state = null;
    this.generationValue++;
  }

  private rootIndex(): number {
    if (this.treeRootName !== undefined) {
      const named = this.switchNamed(this.treeRootName);
      if (named === undefined) throw new Error(`fabric ${this.name}: tree root ${this.treeRootName} is not a fabric switch`);
      return named.index;
    }
    let best = 0;
    for (let i = 1; i < this.ranks.length; i++) if (this.ranks[i]! < this.ranks[best]!) best = i;
    return best;
  }

  /** The forwarding state of the current view, computed when first needed. */
  private forwarding(): ForwardingState {
    if (this.state !== null) return this.state;
    if (this.switches.length === 0) throw new Error(`fabric ${this.name}: no switches`);
    this.counters.computations++;
    const graph = buildGraph(this.switches.length, this.adjacencies);
    const tree = distributionTree(graph, this.rootIndex(), this.ranks);
    const treePorts: number[][] = this.switches.map(() => []);
    for (let v = 0; v < this.switches.length; v++) {
      const e = tree.parentEdge[v]!;
      if (e < 0) continue;
      const adj = this.adjacencies[e]!;
      const parent = tree.parent[v]!;
      treePorts[v]!.push(adj.a === v ? adj.portA : adj.portB);
      treePorts[parent]!.push(adj.a === parent ? adj.portA : adj.portB);
    }
    for (const list of treePorts) list.sort((x, y) => x - y);
    this.state = { graph, tree, treePorts, distTo: new Map(), nextHops: [] };
    return this.state;
  }

  private distancesTo(state: ForwardingState, egress: number): Int32Array {
    let dist = state.distTo.get(egress);
    if (dist === undefined) {
      // Links are symmetric, so distances to the egress are distances from it.
      dist = distancesFrom(state.graph, egress);
      state.distTo.set(egress, dist);
    }
    return dist;
  }

  private hops(state: ForwardingState, s: number, egress: number): Int32Array {
    let perSwitch = state.nextHops[s];
    if (perSwitch === undefined) {
      perSwitch = new Map();
      state.nextHops[s] = perSwitch;
    }
    let hops = perSwitch.get(egress);
    if (hops === undefined) {
      const dist = this.distancesTo(state, egress);
      const slots = dist[s] === UNREACHABLE ? [] : equalCostSlots(state.graph, dist, s);
      const ports = slots.map((k) => {
        const adj = this.adjacencies[state.graph.edge[k]!]!;
        return adj.a === s ? adj.portA : adj.portB;
      });
      hops = Int32Array.from(ports.sort((x, y) => x - y));
      perSwitch.set(egress, hops);
    }
    return hops;
  }
}
