/**
 * Fabric generators: three-tier tree, a tree of any depth (one switch at depth 1), leaf-spine, fat-tree, each in a bridging mode (plain learning
 * bridges, STP, RSTP or the shortest-path fabric), returning a {@link Topology} that names every
 * switch, link and host-facing port and attaches hosts.
 */
export type { SwitchTier } from './names.js';
export { switchName } from './names.js';
export type { BridgingMode, SpanningTreeTuning, TierRole, TopologyKind, TopologyOptions } from './topology.js';
export { BRIDGING_MODES, DEFAULT_HOST_LINK, TIER_PRIORITY, Topology } from './topology.js';
export type { ThreeTierOptions } from './three-tier.js';
export type { TreeLink, TreeOptions } from './tree.js';
export { TREE_LINK, tree, treeTierNames, treeWiring } from './tree.js';
export { THREE_TIER_LINKS, threeTier } from './three-tier.js';
export type { LeafSpineOptions } from './leaf-spine.js';
export { LEAF_SPINE_LINK, leafSpine } from './leaf-spine.js';
export type { FatTreeOptions } from './fat-tree.js';
export { FAT_TREE_LINK, fatTree } from './fat-tree.js';
