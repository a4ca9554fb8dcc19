/**
 * A spanning-tree bridge: the control plane that runs IEEE 802.1D STP or IEEE 802.1w RSTP for one
 * `LearningSwitch`, with BPDUs really exchanged as frames; and `enableSpanningTree`, which attaches
 * one to a switch.
 *
 * What it owns: the bridge and port identifiers and path costs (priority.ts), the BPDU frames (802.3
 * frame to 01:80:c2:00:00:00 from the port's own address, LLC DSAP = SSAP = 0x42, UI control, then a
 * Configuration, TCN or RST BPDU: IEEE 802.1D-2004 clause 9, laid out as Linux's
 * net/bridge/netfilter/ebt_stp.c reads them), the counters, the `stp-topology-change` trace event,
 * and the fast path `startConverged`.
 *
 * Guarantees:
 * - The protocol starts in an event scheduled at the time `enableSpanningTree` is called, so every
 *   bridge of a network built before the run starts together; events scheduled later at that time
 *   (traffic) run after it.
 * - `startConverged` installs exactly the roles, states and stored information that the protocol
 *   converges to from a cold start on the topology of that moment (computed once per network and
 *   instant by converged.ts over every bridge enabled so far), then runs the protocol from there;
 *   the tests check both paths agree on rings, meshes, tiered trees and random topologies. A tree
 *   too deep for max age has no converged state (information would expire before the next hello
 *   refreshes it, and ports would flap; for STP counting the hold time each relay may add): the
 *   start event then throws a `RangeError`.
 * - One network runs one protocol: mixing STP and RSTP bridges is refused, because STP neighbour
 *   compatibility (802.1D-2004 §17.24) is not modelled.
 * - A frame to another reserved address (01:80:c2:00:00:01-0f) is counted and ignored; a BPDU the
 *   protocol cannot use (wrong protocol version for this bridge, too old, looped back) is counted as
 *   ignored, never thrown.
 *
 * Links must be connected before the bridge is enabled, and ports not added after: a link made later
 * is not reported to the control plane (Link raises no event when created).
 */
import type { Rng } from '../../sim/index.js';
import type { Bpdu, BridgeId, EthernetFrame, LlcPdu, MacAddress } from '../../wire/index.js';
import { LLC_CONTROL_UI, LLC_SAP_STP, llcCodec } from '../../wire/index.js';
import type { SimFrame } from '../frame.js';
import type { Network } from '../network.js';
import type { Port, PortOwner } from '../port.js';
import type { ControlPlane, LearningSwitch } from '../switch.js';
import type { PortState } from '../trace.js';
import type { SolverBridge } from './converged.js';
import { solveSpanningTree } from './converged.js';
import type { BridgeTimes, ConvergedBridge, ConvergedPort, EngineHost, SpanningTreeEngine } from './engine.js';
import type { ResolvedSpanningTreeOptions, SpanningTreeOptions, SpanningTreeProtocol } from './options.js';
import { resolveSpanningTreeOptions } from './options.js';
import type { PriorityVector, SpanningTreeRole, SpanningTreeTimes } from './priority.js';
import { ONE_SECOND, pathCostFor, portIdentifier } from './priority.js';
import { RstpEngine } from './rstp.js';
import { STP_HOLD_TIME, STP_MESSAGE_AGE_INCREMENT, StpEngine, stpKeepsInformation } from './stp.js';

/** The group address of spanning-tree BPDUs (the Bridge Group Address reserved by IEEE 802.1D-2004 clause 7). */
export const STP_GROUP_ADDRESS = 0x0180_c200_0000 as MacAddress;

declare module '../../sim/trace.js' {
  interface TraceEventMap {
    /**
     * A spanning-tree bridge's topology-change indication turned on or off: STP, the TC flag that
     * shortens its ageing time; RSTP, some port's tcWhile running (its BPDUs carry TC).
     */
    'stp-topology-change': { readonly active: boolean };
  }
}

/** Bridge-wide counters: plain integers. */
export class SpanningTreeCounters {
  /** BPDUs handed to a link (by type below). */
  bpdusSent = 0;
  configSent = 0;
  tcnSent = 0;
  rstSent = 0;
  /** BPDUs that arrived (by type below), used or not. */
  bpdusReceived = 0;
  configReceived = 0;
  tcnReceived = 0;
  rstReceived = 0;
  /** BPDUs the protocol did not use (other protocol's type, too old, looped back). */
  bpdusIgnored = 0;
  /** Frames to other reserved group addresses. */
  otherControlFrames = 0;
  /** Topology changes this bridge detected (STP: each time topology change detection ran; RSTP: each port entering DETECTED). */
  topologyChanges = 0;
  /** FDB flushes on a port (RSTP) and the entries they removed. */
  flushes = 0;
  entriesFlushed = 0;
}

/** Per-port counters: plain integers. */
export class SpanningTreePortCounters {
  bpdusSent = 0;
  bpdusReceived = 0;
  bpdusIgnored = 0;
}

/** One port of a {@link SpanningTreeView}. */
export interface SpanningTreePortView {
  readonly index: number;
  readonly name: string;
  readonly portId: number;
  readonly pathCost: number;
  readonly role: SpanningTreeRole;
  readonly state: PortState;
  /** Operationally an edge (PortFast) port. */
  readonly edge: boolean;
  /** The priority vector the port holds (its own when designated); null when disabled. */
  readonly vector: PriorityVector | null;
}

/** What a bridge believes, for tests and reports. */
export interface SpanningTreeView {
  readonly bridge: string;
  readonly protocol: SpanningTreeProtocol;
  readonly bridgeId: BridgeId;
  readonly rootId: BridgeId;
  readonly rootPathCost: number;
  /** Root port index, -1 at the root. */
  readonly rootPort: number;
  readonly topologyChange: boolean;
  readonly ports: readonly SpanningTreePortView[];
}

interface Domain {
  readonly protocol: SpanningTreeProtocol;
  readonly bridges: SpanningTreeBridge[];
  solvedAt: number;
  solution: Map<SpanningTreeBridge, ConvergedBridge> | null;
}

const DOMAINS = new WeakMap<Network, Domain>();

/** See the module comment. */
export class SpanningTreeBridge implements ControlPlane {
  /** The switch this bridge controls. */
  readonly switch: LearningSwitch;
  readonly protocol: SpanningTreeProtocol;
  readonly options: ResolvedSpanningTreeOptions;
  /** Priority (high 4 bits, system-ID extension 0) and the switch's bridge address. */
  readonly bridgeId: BridgeId;
  /** 16-bit port identifiers, by port index (priority 128, 1-based port number). */
  readonly portIds: readonly number[];
  /** Path costs by port index, from each link's rate (0 for a port without a link). */
  readonly pathCosts: readonly number[];
  readonly counters = new SpanningTreeCounters();
  readonly portCounters: readonly SpanningTreePortCounters[];
  private readonly network: Network;
  private readonly domain: Domain;
  private readonly engine: SpanningTreeEngine;
  /** The ageing time to restore when an STP topology change ends; null while not shortened. */
  private savedAgingTime: number | null = null;
  /** Set by the start event; before it, link changes are left to the start (it reads every link). */
  private started = false;

  constructor(network: Network, sw: LearningSwitch, options: ResolvedSpanningTreeOptions, domain: Domain) {
    this.network = network;
    this.switch = sw;
    this.domain = domain;
    this.protocol = options.protocol;
    this.options = options;
    this.bridgeId = { priority: options.bridgePriority, address: sw.address };
    this.portIds = sw.ports.map((p) => portIdentifier(p.index + 1));
    this.pathCosts = sw.ports.map((p) => (p.link === null ? 0 : pathCostFor(p.link.rate, options.pathCosts)));
    this.portCounters = sw.ports.map(() => new SpanningTreePortCounters());
    const rng: Rng = network.kernel.rng.stream(`spanning-tree:${sw.name}`);
    const times: BridgeTimes = { maxAge: options.maxAge, helloTime: options.helloTime, forwardDelay: options.forwardDelay };
    const host: EngineHost = {
      kernel: network.kernel,
      name: sw.name,
      bridgeId: this.bridgeId,
      times,
      portCount: sw.ports.length,
      portIds: this.portIds,
      pathCosts: this.pathCosts,
      adminEdge: options.edge,
      helloPhase: rng.integer(1, options.helloTime),
      portUp: (i) => sw.ports[i]!.up,
      send: (i, bpdu) => this.send(i, bpdu),
      setPortState: (i, state, role) => sw.setState(i, state, role),
      flushPort: (i, cause) => this.flushPort(i, cause),
      shortenAging: (forwardDelay) => this.shortenAging(forwardDelay),
      noteTopologyChangeDetected: () => {
        this.counters.topologyChanges++;
      },
      topologyChangeChanged: (active) => {
        const bus = network.kernel.trace;
        if (bus.wants('stp-topology-change')) bus.emit({ type: 'stp-topology-change', time: network.kernel.now, node: sw.name, active });
      },
    };
    this.engine = options.protocol === 'stp' ? new StpEngine(host) : new RstpEngine(host);
  }

  /** The root bridge this bridge believes in. */
  get rootId(): BridgeId {
    return this.engine.rootId;
  }

  /** Cost of the path to the root (0 at the root). */
  get rootPathCost(): number {
    return this.engine.rootPathCost;
  }

  /** Root port index, -1 when this bridge is the root. */
  get rootPort(): number {
    return this.engine.rootPort;
  }

  /** Whether this bridge believes it is the root. */
  get isRoot(): boolean {
    return this.engine.rootPort < 0;
  }

  /** STP: the TC flag is in use (ageing shortened); RSTP: some port's tcWhile is running. */
  get topologyChange(): boolean {
    return this.engine.topologyChange;
  }

  /** The role of a port. */
  role(port: number): SpanningTreeRole {
    return this.engine.role(port);
  }

  /** The switch's state of a port. */
  state(port: number): PortState {
    return this.switch.state(port);
  }

  /** Whether a port is operationally an edge port. */
  edge(port: number): boolean {
    return this.engine.operEdge(port);
  }

  /** A snapshot of what the bridge believes. */
  view(): SpanningTreeView {
    return {
      bridge: this.switch.name,
      protocol: this.protocol,
      bridgeId: this.bridgeId,
      rootId: this.rootId,
      rootPathCost: this.rootPathCost,
      rootPort: this.rootPort,
      topologyChange: this.topologyChange,
      ports: this.switch.ports.map((p, i) => ({
        index: i,
        name: p.name,
        portId: this.portIds[i]!,
        pathCost: this.pathCosts[i]!,
        role: this.engine.role(i),
        state: this.switch.state(i),
        edge: this.engine.operEdge(i),
        vector: this.engine.vector(i),
      })),
    };
  }

  /** ControlPlane: a frame to a reserved group address arrived on `port`. */
  receive(port: Port, frame: SimFrame): void {
    const eth = frame.eth;
    const llc = eth.payload;
    if (eth.destination !== STP_GROUP_ADDRESS || llc.kind !== 'llc' || llc.dsap !== LLC_SAP_STP || llc.ssap !== LLC_SAP_STP ||
      llc.control !== LLC_CONTROL_UI || llc.payload.kind !== 'bpdu') {
      this.counters.otherControlFrames++;
      return;
    }
    const bpdu = llc.payload;
    if (!this.started) {
      this.counters.bpdusIgnored++;
      this.portCounters[port.index]!.bpdusIgnored++;
      return;
    }
    this.counters.bpdusReceived++;
    this.portCounters[port.index]!.bpdusReceived++;
    if (bpdu.type === 'config') this.counters.configReceived++;
    else if (bpdu.type === 'tcn') this.counters.tcnReceived++;
    else this.counters.rstReceived++;
    if (!this.engine.receive(port.index, bpdu)) {
      this.counters.bpdusIgnored++;
      this.portCounters[port.index]!.bpdusIgnored++;
    }
  }

  /** ControlPlane: a port's link went up or down. */
  linkChanged(port: Port, up: boolean): void {
    if (this.started) this.engine.linkChanged(port.index, up);
  }

  /**
   * Starts the protocol (cold, or from the converged state): 802.1D's BEGIN. The start event of
   * {@link enableSpanningTree} calls it once; calling it again restarts the bridge.
   */
  begin(): void {
    this.started = true;
    if (this.options.startConverged) this.engine.converge(convergedStateOf(this.domain, this, this.network.kernel.now));
    else this.engine.begin();
  }

  private send(port: number, bpdu: Bpdu): void {
    const llc: LlcPdu = { kind: 'llc', dsap: LLC_SAP_STP, ssap: LLC_SAP_STP, control: LLC_CONTROL_UI, payload: bpdu };
    // 802.3 framing: the Type/Length field holds the LLC PDU's length.
    const eth: EthernetFrame = { destination: STP_GROUP_ADDRESS, source: this.switch.portAddress(port), vlanTags: [], etherType: llcCodec.encodedLength(llc), payload: llc };
    if (!this.switch.sendControl(port, this.network.frame(eth))) return;
    this.counters.bpdusSent++;
    this.portCounters[port]!.bpdusSent++;
    if (bpdu.type === 'config') this.counters.configSent++;
    else if (bpdu.type === 'tcn') this.counters.tcnSent++;
    else this.counters.rstSent++;
  }

  private flushPort(port: number, cause: string): void {
    if (this.switch.fdb.size === 0) return;
    this.counters.flushes++;
    this.counters.entriesFlushed += this.switch.flush(port, cause);
  }

  /**
   * 802.1D-1998 §8.6.14-8.6.16 (Linux net/bridge `__br_set_topology_change` likewise): forward delay
   * replaces the ageing time while TC is signalled, then the old value returns.
   */
  private shortenAging(forwardDelay: number | null): void {
    const fdb = this.switch.fdb;
    if (forwardDelay === null) {
      if (this.savedAgingTime !== null) fdb.agingTime = this.savedAgingTime;
      this.savedAgingTime = null;
      return;
    }
    this.savedAgingTime ??= fdb.agingTime;
    if (fdb.agingTime !== forwardDelay) fdb.agingTime = forwardDelay;
  }
}

/** The converged state of `bridge`, computed once per network and instant over every bridge enabled so far. */
function convergedStateOf(domain: Domain, bridge: SpanningTreeBridge, now: number): ConvergedBridge {
  if (domain.solution === null || domain.solvedAt !== now) {
    domain.solution = solveDomain(domain);
    domain.solvedAt = now;
  }
  return domain.solution.get(bridge)!;
}

function solveDomain(domain: Domain): Map<SpanningTreeBridge, ConvergedBridge> {
  const bridges = domain.bridges;
  const indexOf = new Map<PortOwner, number>(bridges.map((b, i) => [b.switch, i]));
  const input: SolverBridge[] = bridges.map((b) => ({
    bridgeId: b.bridgeId,
    ports: b.switch.ports.map((port, i) => {
      const peer = port.peer;
      const peerBridge = peer === null ? undefined : indexOf.get(peer.owner);
      return {
        portId: b.portIds[i]!,
        pathCost: b.pathCosts[i]!,
        enabled: port.up,
        peer: peer === null || peerBridge === undefined ? null : { bridge: peerBridge, port: peer.index },
      };
    }),
  }));
  const solved = solveSpanningTree(input);
  const result = new Map<SpanningTreeBridge, ConvergedBridge>();
  bridges.forEach((b, k) => {
    const s = solved[k]!;
    const root = bridges[s.root]!;
    const age = (hops: number): number => hops * ONE_SECOND;
    const rootTimes: SpanningTreeTimes = {
      messageAge: age(s.hops),
      maxAge: root.options.maxAge,
      helloTime: root.options.helloTime,
      forwardDelay: root.options.forwardDelay,
    };
    const ports = s.ports.map((sp, i): ConvergedPort => {
      const facesBridge = input[k]!.ports[i]!.enabled && input[k]!.ports[i]!.peer !== null;
      let times: SpanningTreeTimes | null = null;
      if (sp.role === 'root' || sp.role === 'alternate' || sp.role === 'backup') {
        const designated = solved[sp.designatedBridge]!;
        // The information carries the designated bridge's message age; an RST BPDU its own hello (§17.21.25).
        times = {
          messageAge: age(designated.hops),
          maxAge: rootTimes.maxAge,
          helloTime: b.protocol === 'rstp' ? bridges[sp.designatedBridge]!.options.helloTime : rootTimes.helloTime,
          forwardDelay: rootTimes.forwardDelay,
        };
        // Information must stay valid until the next hello refreshes it: RSTP discards it when its age
        // plus 1 s exceeds max age (§17.21.23); STP lets it expire max age − message age after
        // receipt, and relays held by the hold timer age it by up to 2 s per bridge (see
        // stpKeepsInformation), which must still outlast the hello interval or the port flaps.
        const limit = b.protocol === 'rstp'
          ? times.messageAge + ONE_SECOND <= times.maxAge
          : stpKeepsInformation(designated.hops, rootTimes.helloTime, times.maxAge);
        if (!limit) {
          const oldest = b.protocol === 'rstp' ? `${designated.hops} s old` : `${designated.hops} to ${designated.hops * (STP_HOLD_TIME + STP_MESSAGE_AGE_INCREMENT) / ONE_SECOND} s old`;
          throw new RangeError(`spanning tree on ${b.switch.name}: port ${b.switch.ports[i]!.name} receives information ${oldest} (${designated.hops + 1} bridges from the root), too old for max age ${times.maxAge / ONE_SECOND} s with hello ${rootTimes.helloTime / ONE_SECOND} s: the tree is too deep to converge`);
        }
      }
      return { role: sp.role, vector: sp.vector, times, operEdge: b.options.edge[i]! && !facesBridge, facesBridge };
    });
    result.set(b, { rootId: root.bridgeId, rootPathCost: s.rootPathCost, rootPort: s.rootPort, rootTimes, ports });
  });
  return result;
}

/**
 * Attaches a spanning-tree control plane to `sw` (a switch of `network`, with its links already
 * connected) and starts it in an event at the current time. Throws `RangeError` for a bad setting,
 * and `Error` when the switch already has a control plane, is not in the network, or the network
 * already runs the other protocol.
 */
export function enableSpanningTree(network: Network, sw: LearningSwitch, options: SpanningTreeOptions): SpanningTreeBridge {
  if (network.node(sw.name) !== sw) throw new Error(`spanning tree: switch ${sw.name} is not a node of this network`);
  if (sw.controlPlane !== null) throw new Error(`spanning tree: switch ${sw.name} already has a control plane`);
  const resolved = resolveSpanningTreeOptions(sw.name, options, sw.ports.length);
  let domain = DOMAINS.get(network);
  if (domain === undefined) {
    domain = { protocol: resolved.protocol, bridges: [], solvedAt: -1, solution: null };
    DOMAINS.set(network, domain);
  } else if (domain.protocol !== resolved.protocol) {
    throw new Error(`spanning tree: ${sw.name} would run ${resolved.protocol} in a network running ${domain.protocol}; STP/RSTP interworking (802.1D-2004 §17.24) is not modelled`);
  }
  const bridge = new SpanningTreeBridge(network, sw, resolved, domain);
  domain.bridges.push(bridge);
  domain.solution = null;
  sw.controlPlane = bridge;
  network.kernel.schedule(0, sw.name, 'stp-begin', () => bridge.begin());
  return bridge;
}

/** The spanning-tree bridge controlling `sw`, or null. */
export function spanningTreeOf(sw: LearningSwitch): SpanningTreeBridge | null {
  return sw.controlPlane instanceof SpanningTreeBridge ? sw.controlPlane : null;
}
