/**
 * A hierarchical tree of any depth: tiers of switches from the top (core) down to the access
 * (top-of-rack) tier that hosts attach to, the multi-tier design of RFC 6820 §6.4 with as many
 * aggregation tiers as wanted, and, at depth 1, a single switch (a lab's one bridge).
 *
 * Wiring, made in this order (so that three tiers give exactly the links, ports and names of
 * `threeTier` (three-tier.ts) with one block):
 * 1. peer links between the members of each pair in the top tier (switches 1-2, 3-4, …);
 * 2. then tier by tier downwards: the tier just below the top connects every switch to every top
 *    switch (as aggregation does to the core); each lower tier is multi-homed, switch j to the
 *    `uplinks` switches (j + u) mod n of the tier above (default min(2, n): dual-homed); then the
 *    peer links of that tier's pairs, except in the access tier.
 * Peer links and multi-homing make loops that spanning tree blocks (`stp`, `rstp`) or that the
 * shortest-path fabric uses (`spb`); mode `none` accepts only a loop-free tree (one switch per tier
 * above the access tier, or single-homed tiers without peer links).
 *
 * Names, by depth: 1 `switch-1`; 2 `core-N`, `access-N`; 3 `core-N`, `aggregation-N`, `access-N`;
 * 4 and more `core-N`, `aggregation1-N` … `aggregation<d-2>-N` (top to bottom), `access-N`.
 */
import type { LinkConfig } from '../link.js';
import type { Network } from '../network.js';
import type { LearningSwitch } from '../switch.js';
import type { SwitchTier } from './names.js';
import { switchName } from './names.js';
import type { TierRole, Topology, TopologyOptions } from './topology.js';
import { TopologyBuilder, checkCount } from './topology.js';

/** Settings of {@link tree}. */
export interface TreeOptions extends TopologyOptions {
  /** Switches per tier, top first; the last tier is the access tier (one tier: a single switch). */
  readonly tiers: readonly number[];
  /** Uplinks of each switch below the second tier (default min(2, switches of the tier above)). */
  readonly uplinks?: number;
  /** Links between the members of each pair in every tier but the access tier (default true). */
  readonly peerLinks?: boolean;
  /** Every uplink (default 40 Gb/s, 1 us). */
  readonly link?: LinkConfig;
  /** Peer links (default: as `link`). */
  readonly peerLink?: LinkConfig;
}

/** Default tree link. */
export const TREE_LINK: LinkConfig = { rate: 40e9, delay: 1_000 };

/** The tier names of a tree of `depth` tiers, top first (see the module comment). */
export function treeTierNames(depth: number): SwitchTier[] {
  if (depth <= 1) return ['switch'];
  if (depth === 2) return ['core', 'access'];
  if (depth === 3) return ['core', 'aggregation', 'access'];
  return ['core', ...Array.from({ length: depth - 2 }, (_, i): SwitchTier => `aggregation${i + 1}`), 'access'];
}

/** One switch-to-switch link of a tree: (tier, index) to (tier, index), 0-based, the lower switch first for an uplink. */
export interface TreeLink {
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
  readonly peer: boolean;
}

/**
 * The links of a tree with `tiers` switches per tier, in creation order (see the module comment):
 * what {@link tree} builds, for anything that must know the wiring without building it.
 */
export function treeWiring(tiers: readonly number[], uplinks?: number, peerLinks = true): TreeLink[] {
  const out: TreeLink[] = [];
  const peers = (t: number): void => {
    if (!peerLinks) return;
    for (let i = 0; i + 1 < tiers[t]!; i += 2) out.push({ a: [t, i], b: [t, i + 1], peer: true });
  };
  if (tiers.length > 1) peers(0);
  for (let t = 1; t < tiers.length; t++) {
    const above = tiers[t - 1]!;
    if (t === 1) {
      for (let j = 0; j < tiers[t]!; j++) for (let c = 0; c < above; c++) out.push({ a: [t, j], b: [0, c], peer: false });
    } else {
      const u = Math.min(uplinks ?? 2, above);
      for (let j = 0; j < tiers[t]!; j++) for (let k = 0; k < u; k++) out.push({ a: [t, j], b: [t - 1, (j + k) % above], peer: false });
    }
    if (t < tiers.length - 1) peers(t);
  }
  return out;
}

/**
 * Builds a tree into `network` (see the module comment). Host ports default to 48 per access switch.
 * With three tiers it is `threeTier` (three-tier.ts) with one block (the same switches, ports and links).
 */
export function tree(network: Network, options: TreeOptions): Topology {
  const kind = 'tree';
  if (options.tiers.length === 0) throw new RangeError(`${kind}: at least one tier`);
  const tiers = options.tiers.map((n, t) => checkCount(kind, `tiers[${t}]`, n, 1));
  const hosts = checkCount(kind, 'hostPortsPerEdge', options.hostPortsPerEdge ?? 48, 0);
  if (options.uplinks !== undefined) checkCount(kind, 'uplinks', options.uplinks, 1);
  const link = options.link ?? TREE_LINK;
  const peerLink = options.peerLink ?? link;
  const names = treeTierNames(tiers.length);
  const b = new TopologyBuilder(network, kind, options, switchName(names[0]!, 0));
  const role = (t: number): TierRole => (t === 0 ? 'top' : t === tiers.length - 1 ? 'edge' : 'middle');
  const switches: LearningSwitch[][] = tiers.map((n, t) => Array.from({ length: n }, (_, i) => b.addSwitch(switchName(names[t]!, i), names[t]!, role(t))));
  for (const sw of switches.at(-1)!) b.addHostPorts(sw, hosts);
  for (const l of treeWiring(tiers, options.uplinks, options.peerLinks ?? true)) {
    b.connect(switches[l.a[0]]![l.a[1]]!, switches[l.b[0]]![l.b[1]]!, l.peer ? peerLink : link);
  }
  return b.finish();
}
