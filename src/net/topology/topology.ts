/**
 * What a fabric generator returns ({@link Topology}), and the builder the generators share: it makes
 * the switches of one bridging mode, the links between them, and the host-facing ports, then turns on
 * the mode's control plane.
 *
 * Bridging modes:
 * - `none`: plain 802.1D learning bridges (IEEE 802.1D-2004 §7.8-7.9). Only loop-free topologies: a generator refuses a
 *   topology whose switch links close a loop, since flooding would go round it forever.
 * - `stp`, `rstp`: learning bridges with spanning tree (IEEE 802.1D-1998 clause 8, 802.1D-2004 clause 17), through `enableSpanningTree` of
 *   `../spanning-tree/`. Host-facing ports are edge ports; lower tiers get numerically higher
 *   bridge priorities (core-1 4096, other core or spine switches 8192, aggregation 16384, access,
 *   leaf and edge switches 32768), so the root is predictable.
 * - `spb`: the shortest-path fabric of `../spb/` (TRILL, RFC 6325; SPB, IEEE 802.1aq / RFC 6329); every switch is a fabric switch, the
 *   edge switches are the ones with host ports, and the distribution tree's root is the first switch
 *   of the top tier unless the fabric options name another.
 *
 * Names are stable and readable: switches as the generators name them (`core-1`, `leaf-3`,
 * `pod-2-edge-1`), ports as `LearningSwitch.addPort` names them (`leaf-3:p12`, 1-based, host-facing
 * ports first, then uplinks in creation order), links as `Link` names them (`leaf-1:p49<->spine-1:p1`).
 */
import type { Link, LinkConfig } from '../link.js';
import type { Network } from '../network.js';
import type { Port } from '../port.js';
import type { FabricOptions, FabricSwitch } from '../spb/index.js';
import { ShortestPathFabric } from '../spb/index.js';
import type { LearningSwitch, PortMode, SwitchConfig } from '../switch.js';
import type { SpanningTreeBridge, SpanningTreeOptions } from '../spanning-tree/index.js';
import { enableSpanningTree } from '../spanning-tree/index.js';

/** How the switches of a generated topology bridge. */
export type BridgingMode = 'none' | 'stp' | 'rstp' | 'spb';

/** Every bridging mode, in a fixed order. */
export const BRIDGING_MODES: readonly BridgingMode[] = ['none', 'stp', 'rstp', 'spb'];

/** Which generator made a topology. */
export type TopologyKind = 'three-tier' | 'tree' | 'leaf-spine' | 'fat-tree';

/** Spanning-tree settings passed to every bridge in `stp` / `rstp` mode (protocol, priority and edge ports are set by the generator). */
export type SpanningTreeTuning = Omit<SpanningTreeOptions, 'protocol' | 'bridgePriority' | 'edgePorts'>;

/** Settings every generator takes. */
export interface TopologyOptions {
  readonly mode: BridgingMode;
  /** Host-facing ports made on each edge switch (more can be added later, except in `stp`/`rstp`). */
  readonly hostPortsPerEdge?: number;
  /**
   * Access VLAN of host-facing ports (default 1): one VLAN, or a function of the edge switch's
   * position among the edge switches and the port's position among its host ports (both 0-based).
   */
  readonly hostVlan?: number | ((edge: number, port: number) => number);
  /** VLANs the trunks between switches carry (default all); ignored in `spb`, whose fabric ports carry every VLAN encapsulated. */
  readonly trunkVlans?: 'all' | readonly number[];
  /** Links from hosts to edge switches, for {@link Topology.connectHost} (default 10 Gb/s, 1 us). */
  readonly hostLink?: LinkConfig;
  /** Settings of every switch (ageing time, table capacity, flood batching); the bridge address is assigned. */
  readonly switchConfig?: Omit<SwitchConfig, 'bridgeAddress'>;
  /** Settings of the fabric in `spb` mode. */
  readonly fabric?: FabricOptions;
  /** Spanning-tree timers and options in `stp` / `rstp` mode. */
  readonly spanningTree?: SpanningTreeTuning;
}

/** Default host link: 10 Gb/s, 1 us (about 200 m of fibre). */
export const DEFAULT_HOST_LINK: LinkConfig = { rate: 10e9, delay: 1_000 };

/** A generated topology: every switch, link and host-facing port by name, and how to attach hosts. */
export class Topology {
  readonly kind: TopologyKind;
  readonly network: Network;
  readonly mode: BridgingMode;
  /** The shortest-path fabric (`spb` mode), else null. */
  readonly fabric: ShortestPathFabric | null;
  /** Spanning-tree bridges by switch name (`stp`/`rstp` mode), else empty. */
  readonly spanningTrees: ReadonlyMap<string, SpanningTreeBridge>;
  /** Every switch by name, in creation order (top tier first). */
  readonly switches: ReadonlyMap<string, LearningSwitch>;
  /** Switches by tier name (`core`, `aggregation`, `access`; `spine`, `leaf`; `core`, `aggregation`, `edge`). */
  readonly tiers: ReadonlyMap<string, readonly LearningSwitch[]>;
  /** Switch-to-switch links by name, in creation order. */
  readonly links: ReadonlyMap<string, Link>;
  /** Switches with host-facing ports, in order (their position is the `edge` of `hostVlan`). */
  readonly edgeSwitches: readonly LearningSwitch[];
  /** Host links made by {@link connectHost}, by name. */
  readonly hostLinks = new Map<string, Link>();
  private readonly hostPortsBySwitch: Map<string, Port[]>;
  private readonly hostModes: Map<string, (port: number) => PortMode>;
  private readonly cursor = new Map<string, number>();
  private readonly hostLinkConfig: LinkConfig;

  /** Made by the generators; see {@link threeTier}, {@link leafSpine}, {@link fatTree}. */
  constructor(parts: {
    kind: TopologyKind;
    network: Network;
    mode: BridgingMode;
    fabric: ShortestPathFabric | null;
    spanningTrees: ReadonlyMap<string, SpanningTreeBridge>;
    switches: ReadonlyMap<string, LearningSwitch>;
    tiers: ReadonlyMap<string, readonly LearningSwitch[]>;
    links: ReadonlyMap<string, Link>;
    edgeSwitches: readonly LearningSwitch[];
    hostPorts: Map<string, Port[]>;
    hostModes: Map<string, (port: number) => PortMode>;
    hostLink: LinkConfig;
  }) {
    this.kind = parts.kind;
    this.network = parts.network;
    this.mode = parts.mode;
    this.fabric = parts.fabric;
    this.spanningTrees = parts.spanningTrees;
    this.switches = parts.switches;
    this.tiers = parts.tiers;
    this.links = parts.links;
    this.edgeSwitches = parts.edgeSwitches;
    this.hostPortsBySwitch = parts.hostPorts;
    this.hostModes = parts.hostModes;
    this.hostLinkConfig = parts.hostLink;
  }

  /** The switch named `name`; throws if there is none. */
  switch(name: string): LearningSwitch {
    const sw = this.switches.get(name);
    if (sw === undefined) throw new Error(`${this.kind}: no switch named ${name}`);
    return sw;
  }

  /** The host-facing ports of edge switch `edge`, in order. */
  hostPorts(edge: string): readonly Port[] {
    const ports = this.hostPortsBySwitch.get(edge);
    if (ports === undefined) throw new Error(`${this.kind}: ${edge} is not an edge switch`);
    return ports;
  }

  /** Host-facing ports over all edge switches. */
  get hostPortCount(): number {
    let n = 0;
    for (const ports of this.hostPortsBySwitch.values()) n += ports.length;
    return n;
  }

  /**
   * The first host-facing port of `edge` with no link yet. When all are taken, a new host-facing port
   * is added in the edge switch's host VLAN, except in `stp`/`rstp` mode, where the spanning tree was
   * told the edge ports when it started, so this throws instead.
   */
  nextHostPort(edge: string): Port {
    const ports = this.hostPorts(edge) as Port[];
    let i = this.cursor.get(edge) ?? 0;
    while (i < ports.length && ports[i]!.link !== null) i++;
    this.cursor.set(edge, i);
    if (i < ports.length) return ports[i]!;
    if (this.mode === 'stp' || this.mode === 'rstp') {
      throw new Error(`${this.kind}: all ${ports.length} host ports of ${edge} are taken (in ${this.mode} mode, make more with hostPortsPerEdge)`);
    }
    const sw = this.switch(edge);
    const port = sw.addPort(this.hostModes.get(edge)!(ports.length));
    ports.push(port);
    return port;
  }

  /**
   * Connects `hostPort` (a host's NIC, a hypervisor's uplink) to the next free host-facing port of
   * `edge`, with the topology's host link unless `config` is given (the switch is told the link came
   * up, so it floods to the port from now on and a spanning tree enables the edge port).
   */
  connectHost(edge: string, hostPort: Port, config: LinkConfig = this.hostLinkConfig): Link {
    const port = this.nextHostPort(edge);
    // Network.connect tells the switch the link came up: it refreshes its flood lists and its control
    // plane (spanning tree) brings the edge port up.
    const link = this.network.connect(hostPort, port, config);
    this.hostLinks.set(link.name, link);
    return link;
  }

  /** Every switch-to-switch link between switches `a` and `b`, in creation order. */
  linksBetween(a: string, b: string): Link[] {
    const out: Link[] = [];
    for (const link of this.links.values()) {
      const x = link.a.owner.name;
      const y = link.b.owner.name;
      if ((x === a && y === b) || (x === b && y === a)) out.push(link);
    }
    return out;
  }
}

/** Bridge priorities in `stp`/`rstp` mode by role (see the module comment). */
export const TIER_PRIORITY = { root: 4096, top: 8192, middle: 16384, edge: 32768 } as const;

/** A rung of the priority ladder: `top` switches are core or spine, `middle` aggregation, `edge` the rest. */
export type TierRole = 'top' | 'middle' | 'edge';

/** Builds the switches and links of one topology in one mode (shared by the generators). */
export class TopologyBuilder {
  readonly network: Network;
  readonly kind: TopologyKind;
  readonly options: TopologyOptions;
  readonly fabric: ShortestPathFabric | null;
  private readonly switches = new Map<string, LearningSwitch>();
  private readonly roles = new Map<string, TierRole>();
  private readonly tiers = new Map<string, LearningSwitch[]>();
  private readonly links = new Map<string, Link>();
  private readonly edges: LearningSwitch[] = [];
  private readonly hostPorts = new Map<string, Port[]>();
  private readonly hostModes = new Map<string, (port: number) => PortMode>();
  private readonly trunk: PortMode;
  // Union-find over switches, to refuse loops in mode 'none'.
  private readonly parent: number[] = [];
  private readonly indexOf = new Map<string, number>();

  constructor(network: Network, kind: TopologyKind, options: TopologyOptions, defaultTreeRoot: string) {
    if (!BRIDGING_MODES.includes(options.mode)) throw new RangeError(`${kind}: unknown bridging mode ${String(options.mode)}`);
    this.network = network;
    this.kind = kind;
    this.options = options;
    this.trunk = { kind: 'trunk', vlans: options.trunkVlans ?? 'all' };
    this.fabric = options.mode === 'spb' ? new ShortestPathFabric(network, { treeRoot: defaultTreeRoot, ...options.fabric }) : null;
  }

  /** Makes a switch of the mode's kind in `tier`. */
  addSwitch(name: string, tier: string, role: TierRole): LearningSwitch {
    const config = this.options.switchConfig ?? {};
    const sw = this.fabric !== null ? this.fabric.addSwitch(name, config) : this.network.addSwitch(name, config);
    this.switches.set(name, sw);
    this.roles.set(name, role);
    let list = this.tiers.get(tier);
    if (list === undefined) {
      list = [];
      this.tiers.set(tier, list);
    }
    list.push(sw);
    this.indexOf.set(name, this.parent.length);
    this.parent.push(this.parent.length);
    return sw;
  }

  /** Connects two switches: a trunk port on each (or fabric ports in `spb`). */
  connect(a: LearningSwitch, b: LearningSwitch, config: LinkConfig): Link {
    let link: Link;
    if (this.fabric !== null) link = this.fabric.connect(a as FabricSwitch, b as FabricSwitch, config);
    else link = this.network.connect(a.addPort(this.trunk), b.addPort(this.trunk), config);
    this.links.set(link.name, link);
    if (this.options.mode === 'none') {
      const ra = this.root(this.indexOf.get(a.name)!);
      const rb = this.root(this.indexOf.get(b.name)!);
      if (ra === rb) {
        throw new RangeError(`${this.kind}: mode 'none' needs a loop-free topology, but ${a.name}-${b.name} closes a loop; use 'stp', 'rstp' or 'spb', or fewer redundant links`);
      }
      this.parent[ra] = rb;
    }
    return link;
  }

  /** Makes `count` host-facing access ports on `sw`, which becomes the next edge switch. */
  addHostPorts(sw: LearningSwitch, count: number): void {
    const edge = this.edges.length;
    const vlan = this.options.hostVlan ?? 1;
    const modeOf = (port: number): PortMode => ({ kind: 'access', vlan: typeof vlan === 'number' ? vlan : vlan(edge, port) });
    const ports: Port[] = [];
    for (let i = 0; i < count; i++) ports.push(sw.addPort(modeOf(i)));
    this.edges.push(sw);
    this.hostPorts.set(sw.name, ports);
    this.hostModes.set(sw.name, modeOf);
  }

  /** Starts the control plane of the mode and returns the topology. */
  finish(): Topology {
    const spanningTrees = new Map<string, SpanningTreeBridge>();
    const mode = this.options.mode;
    // Computes the fabric's first forwarding state now, so a bad tree root is reported while building.
    if (this.fabric !== null) void this.fabric.treeRoot;
    if (mode === 'stp' || mode === 'rstp') {
      let first = true;
      for (const sw of this.switches.values()) {
        const role = this.roles.get(sw.name)!;
        const priority = role === 'top' && first ? TIER_PRIORITY.root : TIER_PRIORITY[role];
        if (role === 'top') first = false;
        const edgePorts = (this.hostPorts.get(sw.name) ?? []).map((p) => p.index);
        const options: SpanningTreeOptions = { ...this.options.spanningTree, protocol: mode, bridgePriority: priority, edgePorts };
        spanningTrees.set(sw.name, enableSpanningTree(this.network, sw, options));
      }
    }
    return new Topology({
      kind: this.kind,
      network: this.network,
      mode,
      fabric: this.fabric,
      spanningTrees,
      switches: this.switches,
      tiers: this.tiers,
      links: this.links,
      edgeSwitches: this.edges,
      hostPorts: this.hostPorts,
      hostModes: this.hostModes,
      hostLink: this.options.hostLink ?? DEFAULT_HOST_LINK,
    });
  }

  private root(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
}

/** Checks that `value` is a whole number >= `min`, naming the option otherwise. */
export function checkCount(kind: TopologyKind, name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${kind}: ${name} must be a whole number >= ${min}, got ${value}`);
  return value;
}
