/**
 * Layers 1-2: links with rates, delays, queues and loss; ports; learning switches with VLANs;
 * spanning tree; shortest-path fabrics; fabric generators. Knows nothing of IP, hosts or migration.
 */
export type { SimFrame } from './frame.js';
export { FrameFactory, WIRE_OVERHEAD, popTag, pushTag, withVlanTags } from './frame.js';
export type { LossProcess, LossSpec } from './loss.js';
export { expectedLossRate, gilbertElliottFor, lossProcess } from './loss.js';
export type { LearnOutcome, MacEntry, MacOrigin, MacTableOptions } from './mac-table.js';
export { MacTable } from './mac-table.js';
export type { FilterDrop, FrameFilter } from './filter.js';
export type { DropReason, PortOwner, QuietReceivers } from './port.js';
export { DROP_REASONS, Port, PortCounters, PortStore, QUIET_ASK, QUIET_DROPPED, QUIET_NOT_TAKEN, QUIET_TAKEN } from './port.js';
export type { CongestionWindow, DirectionConfig, LinkConfig } from './link.js';
export { DEFAULT_QUEUE_BYTES, Link } from './link.js';
export { FloodBatcher, FloodPlan } from './flood-batch.js';
export type { BulkMembers } from './flood-bulk.js';
export type { PortState } from './trace.js';
export { TraceSink } from './trace.js';
export type { ControlPlane, PortMode, SwitchConfig } from './switch.js';
export { LearningSwitch, SWITCH_DEFAULTS, SwitchCounters, vlanTagFor } from './switch.js';
export { Network } from './network.js';
export { fdbPortsTowards, portsTowards } from './paths.js';
export type {
  PathCostTable,
  PriorityVector,
  ResolvedSpanningTreeOptions,
  SolvedBridge,
  SolvedPort,
  SolverBridge,
  SolverPort,
  SpanningTreeOptions,
  SpanningTreePortView,
  SpanningTreeProtocol,
  SpanningTreeRole,
  SpanningTreeTimes,
  SpanningTreeView,
} from './spanning-tree/index.js';
export {
  BPDU_TIME_UNIT,
  MAX_PORT_NUMBER,
  RSTP_TX_HOLD_COUNT,
  SPANNING_TREE_DEFAULTS,
  STP_GROUP_ADDRESS,
  STP_HOLD_TIME,
  STP_MESSAGE_AGE_INCREMENT,
  SpanningTreeBridge,
  SpanningTreeCounters,
  SpanningTreePortCounters,
  compareBridgeIds,
  compareVectors,
  enableSpanningTree,
  fromBpduTime,
  pathCostFor,
  portIdentifier,
  resolveSpanningTreeOptions,
  solveSpanningTree,
  spanningTreeOf,
  toBpduTime,
} from './spanning-tree/index.js';
export type { FabricFrame, FabricHeader, FabricOptions, LinkCostRule, MacLocation } from './spb/index.js';
export {
  FABRIC_DEFAULTS,
  FABRIC_PORT_MODE,
  FabricCounters,
  FabricSwitch,
  FabricWideCounters,
  MAX_HOP_COUNT,
  REMOTE_PORT_BASE,
  ShortestPathFabric,
  TRILL_ENCAPSULATION_OVERHEAD,
  flowHash,
  isFabricFrame,
} from './spb/index.js';
export type {
  BridgingMode,
  FatTreeOptions,
  LeafSpineOptions,
  SpanningTreeTuning,
  SwitchTier,
  ThreeTierOptions,
  TierRole,
  TreeLink,
  TreeOptions,
  TopologyKind,
  TopologyOptions,
} from './topology/index.js';
export {
  BRIDGING_MODES,
  DEFAULT_HOST_LINK,
  FAT_TREE_LINK,
  LEAF_SPINE_LINK,
  THREE_TIER_LINKS,
  TIER_PRIORITY,
  TREE_LINK,
  Topology,
  fatTree,
  leafSpine,
  switchName,
  threeTier,
  tree,
  treeTierNames,
  treeWiring,
} from './topology/index.js';
