/**
 * Spanning tree for learning switches: IEEE 802.1D-1998 STP and IEEE 802.1w RSTP (802.1D-2004
 * clause 17) control planes that exchange real BPDUs, and a converged-state fast path. Every export
 * is named here; src/net/index.ts re-exports them.
 */
export type { SolvedBridge, SolvedPort, SolverBridge, SolverPort } from './converged.js';
export { solveSpanningTree } from './converged.js';
export type { ResolvedSpanningTreeOptions, SpanningTreeOptions, SpanningTreeProtocol } from './options.js';
export { SPANNING_TREE_DEFAULTS, resolveSpanningTreeOptions } from './options.js';
export type { PathCostTable, PriorityVector, SpanningTreeRole, SpanningTreeTimes } from './priority.js';
export { BPDU_TIME_UNIT, MAX_PORT_NUMBER, compareBridgeIds, compareVectors, fromBpduTime, pathCostFor, portIdentifier, toBpduTime } from './priority.js';
export { RSTP_TX_HOLD_COUNT } from './rstp.js';
export { STP_HOLD_TIME, STP_MESSAGE_AGE_INCREMENT } from './stp.js';
export type { SpanningTreePortView, SpanningTreeView } from './bridge.js';
export {
  STP_GROUP_ADDRESS,
  SpanningTreeBridge,
  SpanningTreeCounters,
  SpanningTreePortCounters,
  enableSpanningTree,
  spanningTreeOf,
} from './bridge.js';
