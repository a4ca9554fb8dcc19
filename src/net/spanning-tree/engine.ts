/**
 * The seam between a spanning-tree bridge (bridge.ts: frames, switch, counters, trace) and the two
 * protocol engines (stp.ts, rstp.ts): what an engine may ask of its bridge, and what a bridge asks of
 * its engine. Internal to the spanning-tree folder.
 */
import type { Kernel } from '../../sim/index.js';
import type { Bpdu, BridgeId } from '../../wire/index.js';
import type { PortState } from '../trace.js';
import type { PriorityVector, SpanningTreeRole, SpanningTreeTimes } from './priority.js';

/** The bridge's own configured times (ns). */
export interface BridgeTimes {
  readonly maxAge: number;
  readonly helloTime: number;
  readonly forwardDelay: number;
}

/** What an engine uses: identity, port facts and the actions it takes on the switch. */
export interface EngineHost {
  readonly kernel: Kernel;
  /** The switch name: node id of every event the engine schedules. */
  readonly name: string;
  readonly bridgeId: BridgeId;
  readonly times: BridgeTimes;
  readonly portCount: number;
  /** 16-bit port identifiers, by port index. */
  readonly portIds: readonly number[];
  /** Path costs, by port index. */
  readonly pathCosts: readonly number[];
  /** Configured edge (PortFast) ports, by port index. */
  readonly adminEdge: readonly boolean[];
  /** Whether the port's link is present and up now. */
  portUp(port: number): boolean;
  /** Sends a BPDU out of a port. */
  send(port: number, bpdu: Bpdu): void;
  /** Sets the switch's state of a port (traced as `port-state` when it changes). */
  setPortState(port: number, state: PortState, role: SpanningTreeRole): void;
  /** Removes the entries learned on a port (RSTP's fdbFlush). */
  flushPort(port: number, cause: string): void;
  /** STP: use `forwardDelay` as the ageing time while a topology change is signalled, or restore (null). */
  shortenAging(forwardDelay: number | null): void;
  /** Counts one topology change detected by this bridge. */
  noteTopologyChangeDetected(): void;
  /** Tells observers the bridge's topology-change indication turned on or off. */
  topologyChangeChanged(active: boolean): void;
  /** Delay (ns, in 1..hello) before the first periodic hello, drawn once from the bridge's random stream. */
  readonly helloPhase: number;
}

/** One port of the state a bridge converges to (see converged.ts), ready to install. */
export interface ConvergedPort {
  readonly role: SpanningTreeRole;
  /** The priority vector the port holds; null when disabled. */
  readonly vector: PriorityVector | null;
  /** For root, alternate and backup ports: the times of the information received. */
  readonly times: SpanningTreeTimes | null;
  /** Whether the port is operationally an edge port (configured edge and facing no bridge). */
  readonly operEdge: boolean;
  /** Whether a bridge of the protocol is at the other end. */
  readonly facesBridge: boolean;
}

/** The state a bridge converges to, ready to install. */
export interface ConvergedBridge {
  readonly rootId: BridgeId;
  readonly rootPathCost: number;
  /** Root port index, -1 at the root. */
  readonly rootPort: number;
  /** The root's max age, hello and forward delay; message age = hops from the root in seconds. */
  readonly rootTimes: SpanningTreeTimes;
  readonly ports: readonly ConvergedPort[];
}

/** What a bridge asks of its protocol engine. */
export interface SpanningTreeEngine {
  /** Starts the protocol from its initial state (cold start). */
  begin(): void;
  /** Starts the protocol from a converged state. */
  converge(state: ConvergedBridge): void;
  /** A BPDU arrived on a port. Returns false when the engine ignored it (counted by the bridge). */
  receive(port: number, bpdu: Bpdu): boolean;
  /** A port's link went up or down. */
  linkChanged(port: number, up: boolean): void;
  readonly rootId: BridgeId;
  readonly rootPathCost: number;
  /** Root port index, -1 at the root. */
  readonly rootPort: number;
  /** STP: the topology-change flag in use; RSTP: some port's tcWhile is running. */
  readonly topologyChange: boolean;
  role(port: number): SpanningTreeRole;
  /** The priority vector the port holds (null when disabled). */
  vector(port: number): PriorityVector | null;
  operEdge(port: number): boolean;
}
