/**
 * The classic three-tier data-center tree (RFC 6820 §6): a core pair, aggregation switches
 * in blocks (pairs by default), and access (top-of-rack) switches, each access switch dual-homed to
 * the aggregation switches of its block, with peer links inside the core and aggregation pairs.
 * Those redundant links make loops that spanning tree blocks (`stp`, `rstp`) or that the shortest-path
 * fabric uses (`spb`); mode `none` accepts only a loop-free variant (one core, one aggregation switch
 * per block or single-homed access switches without peer links).
 *
 * Names: `core-1`...`core-C`; `aggregation-1`...`aggregation-(B*A)`, block by block (block b holds
 * `aggregation-(b*A+1)`...); `access-1`...`access-(B*N)`, block by block. Counts:
 * switches C + B·A + B·N; switch links B·A·C + B·N·U + (peer links: ⌊C/2⌋ + B·⌊A/2⌋); host ports B·N·H.
 */
import type { LinkConfig } from '../link.js';
import type { Network } from '../network.js';
import type { Topology, TopologyOptions } from './topology.js';
import { switchName } from './names.js';
import { TopologyBuilder, checkCount } from './topology.js';

/** Settings of {@link threeTier}. */
export interface ThreeTierOptions extends TopologyOptions {
  /** Core switches C (default 2, a pair). */
  readonly cores?: number;
  /** Aggregation blocks B (default 2). */
  readonly blocks?: number;
  /** Aggregation switches per block A (default 2, a pair). */
  readonly aggregationPerBlock?: number;
  /** Access switches per block N (default 4). */
  readonly accessPerBlock?: number;
  /** Uplinks per access switch U, to distinct aggregation switches of its block (default min(2, A): dual-homed). */
  readonly uplinksPerAccess?: number;
  /** Links between the members of each core and aggregation pair (default true). */
  readonly peerLinks?: boolean;
  /** Access to aggregation links (default 40 Gb/s, 1 us). */
  readonly accessLink?: LinkConfig;
  /** Aggregation to core links (default 100 Gb/s, 2 us). */
  readonly aggregationLink?: LinkConfig;
  /** Peer links inside pairs (default: as aggregationLink). */
  readonly peerLink?: LinkConfig;
}

/** Default link of each tier. */
export const THREE_TIER_LINKS = {
  access: { rate: 40e9, delay: 1_000 },
  aggregation: { rate: 100e9, delay: 2_000 },
} as const satisfies Record<string, LinkConfig>;

/** Builds a three-tier tree into `network` (see the module comment). */
export function threeTier(network: Network, options: ThreeTierOptions): Topology {
  const kind = 'three-tier';
  const cores = checkCount(kind, 'cores', options.cores ?? 2, 1);
  const blocks = checkCount(kind, 'blocks', options.blocks ?? 2, 1);
  const aggs = checkCount(kind, 'aggregationPerBlock', options.aggregationPerBlock ?? 2, 1);
  const access = checkCount(kind, 'accessPerBlock', options.accessPerBlock ?? 4, 1);
  const uplinks = checkCount(kind, 'uplinksPerAccess', options.uplinksPerAccess ?? Math.min(2, aggs), 1);
  if (uplinks > aggs) throw new RangeError(`${kind}: uplinksPerAccess (${uplinks}) cannot exceed aggregationPerBlock (${aggs})`);
  const hosts = checkCount(kind, 'hostPortsPerEdge', options.hostPortsPerEdge ?? 48, 0);
  const peer = options.peerLinks ?? true;
  const accessLink = options.accessLink ?? THREE_TIER_LINKS.access;
  const aggregationLink = options.aggregationLink ?? THREE_TIER_LINKS.aggregation;
  const peerLink = options.peerLink ?? aggregationLink;

  const b = new TopologyBuilder(network, kind, options, switchName('core', 0));
  const coreSw = Array.from({ length: cores }, (_, i) => b.addSwitch(switchName('core', i), 'core', 'top'));
  const aggSw = Array.from({ length: blocks * aggs }, (_, i) => b.addSwitch(switchName('aggregation', i), 'aggregation', 'middle'));
  const accessSw = Array.from({ length: blocks * access }, (_, i) => b.addSwitch(switchName('access', i), 'access', 'edge'));
  for (const sw of accessSw) b.addHostPorts(sw, hosts);
  for (let i = 0; i + 1 < cores && peer; i += 2) b.connect(coreSw[i]!, coreSw[i + 1]!, peerLink);
  for (let blk = 0; blk < blocks; blk++) {
    const agg = aggSw.slice(blk * aggs, (blk + 1) * aggs);
    for (const a of agg) for (const c of coreSw) b.connect(a, c, aggregationLink);
    for (let i = 0; i + 1 < aggs && peer; i += 2) b.connect(agg[i]!, agg[i + 1]!, peerLink);
    for (let j = 0; j < access; j++) {
      for (let u = 0; u < uplinks; u++) b.connect(accessSw[blk * access + j]!, agg[(j + u) % aggs]!, accessLink);
    }
  }
  return b.finish();
}
