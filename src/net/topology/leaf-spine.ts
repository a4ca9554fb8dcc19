/**
 * A leaf-spine (two-tier Clos) fabric: L leaves and S spines, every leaf connected to every spine,
 * hosts on the leaves (RFC 7348 §3.3 gives 24-48 servers per top-of-rack switch). With
 * more than one spine the fabric has loops: use `stp`/`rstp` (which block all but one spine per
 * leaf) or `spb` (which uses every spine, with ECMP); `none` needs a single spine.
 *
 * Names: `spine-1`...`spine-S` (made first, so spine-1 has the lowest bridge address and is the
 * spanning-tree and distribution-tree root), `leaf-1`...`leaf-L`; leaf ports p1...pH face hosts,
 * p(H+1)...p(H+S) go to spine-1...spine-S; spine port p(l) goes to leaf-l. Counts: switches L + S,
 * switch links L·S, host ports L·H.
 */
import type { LinkConfig } from '../link.js';
import type { Network } from '../network.js';
import type { Topology, TopologyOptions } from './topology.js';
import { switchName } from './names.js';
import { TopologyBuilder, checkCount } from './topology.js';

/** Settings of {@link leafSpine}. */
export interface LeafSpineOptions extends TopologyOptions {
  readonly leaves: number;
  readonly spines: number;
  /** Leaf to spine links (default 100 Gb/s, 1 us). */
  readonly fabricLink?: LinkConfig;
}

/** Default leaf-to-spine link. */
export const LEAF_SPINE_LINK: LinkConfig = { rate: 100e9, delay: 1_000 };

/** Builds a leaf-spine fabric into `network` (see the module comment). Host ports default to 48 per leaf. */
export function leafSpine(network: Network, options: LeafSpineOptions): Topology {
  const kind = 'leaf-spine';
  const leaves = checkCount(kind, 'leaves', options.leaves, 1);
  const spines = checkCount(kind, 'spines', options.spines, 1);
  const hosts = checkCount(kind, 'hostPortsPerEdge', options.hostPortsPerEdge ?? 48, 0);
  const link = options.fabricLink ?? LEAF_SPINE_LINK;
  const b = new TopologyBuilder(network, kind, options, switchName('spine', 0));
  const spineSw = Array.from({ length: spines }, (_, i) => b.addSwitch(switchName('spine', i), 'spine', 'top'));
  const leafSw = Array.from({ length: leaves }, (_, i) => b.addSwitch(switchName('leaf', i), 'leaf', 'edge'));
  for (const leaf of leafSw) b.addHostPorts(leaf, hosts);
  for (const leaf of leafSw) for (const spine of spineSw) b.connect(leaf, spine, link);
  return b.finish();
}
