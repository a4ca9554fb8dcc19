/**
 * The shortest-path fabric (TRILL / SPB style: RFC 6325, IEEE 802.1aq / RFC 6329): fabric switches, the fabric that computes
 * their link-state results, the encapsulated frame, and the pure link-state computations.
 */
export type { FabricFrame, FabricHeader } from './fabric-frame.js';
export { MAX_HOP_COUNT, TRILL_ENCAPSULATION_OVERHEAD, encapsulate, flowHash, isFabricFrame, nextHop } from './fabric-frame.js';
export type { MacLocation } from './bridge.js';
export { FABRIC_PORT_MODE, FabricCounters, FabricSwitch, REMOTE_PORT_BASE } from './bridge.js';
export type { FabricOptions, LinkCostRule } from './fabric.js';
export { FABRIC_DEFAULTS, FabricWideCounters, ShortestPathFabric } from './fabric.js';
export type { Adjacency, DistributionTree, LinkStateGraph } from './link-state.js';
export { UNREACHABLE, buildGraph, distancesFrom, distributionTree, equalCostSlots, inSubtree } from './link-state.js';
