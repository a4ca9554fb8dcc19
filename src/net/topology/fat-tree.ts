/**
 * The k-ary fat-tree of Al-Fares, Loukissas and Vahdat ("A Scalable, Commodity Data Center Network
 * Architecture", SIGCOMM 2008): k pods, each with k/2 edge and k/2 aggregation switches; every edge
 * switch connects to every aggregation switch of its pod and to k/2 hosts; aggregation switch i of
 * each pod (0-based) connects to core switches i·k/2 ... i·k/2 + k/2 - 1 of the (k/2)² cores. All
 * links have the same rate (commodity switches of k ports). Loops everywhere (for k >= 4): use
 * `stp`/`rstp` or `spb`; `none` only builds k = 2.
 *
 * Names: `core-1`...`core-(k/2)²` (made first), then per pod p = 1...k: `pod-p-aggregation-1`...,
 * `pod-p-edge-1`.... Counts: switches 5k²/4, switch links k³/2 (k³/4 edge-aggregation and k³/4
 * aggregation-core), host ports k³/4 (with the default k/2 host ports per edge switch).
 */
import type { LinkConfig } from '../link.js';
import type { Network } from '../network.js';
import type { LearningSwitch } from '../switch.js';
import type { Topology, TopologyOptions } from './topology.js';
import { switchName } from './names.js';
import { TopologyBuilder, checkCount } from './topology.js';

/** Settings of {@link fatTree}. */
export interface FatTreeOptions extends TopologyOptions {
  /** Ports per switch, even and >= 2. */
  readonly k: number;
  /** Edge to aggregation links (default 10 Gb/s, 1 us). */
  readonly edgeLink?: LinkConfig;
  /** Aggregation to core links (default 10 Gb/s, 1 us). */
  readonly coreLink?: LinkConfig;
}

/** Default fat-tree link: every tier alike. */
export const FAT_TREE_LINK: LinkConfig = { rate: 10e9, delay: 1_000 };

/** Builds a k-ary fat-tree into `network` (see the module comment). Host ports default to k/2 per edge switch. */
export function fatTree(network: Network, options: FatTreeOptions): Topology {
  const kind = 'fat-tree';
  const k = checkCount(kind, 'k', options.k, 2);
  if (k % 2 !== 0) throw new RangeError(`${kind}: k must be even, got ${k}`);
  const half = k / 2;
  const hosts = checkCount(kind, 'hostPortsPerEdge', options.hostPortsPerEdge ?? half, 0);
  const edgeLink = options.edgeLink ?? FAT_TREE_LINK;
  const coreLink = options.coreLink ?? FAT_TREE_LINK;
  const b = new TopologyBuilder(network, kind, options, switchName('core', 0));
  const cores = Array.from({ length: half * half }, (_, i) => b.addSwitch(switchName('core', i), 'core', 'top'));
  const pods: Array<{ agg: LearningSwitch[]; edge: LearningSwitch[] }> = [];
  for (let p = 1; p <= k; p++) {
    const agg = Array.from({ length: half }, (_, i) => b.addSwitch(switchName('aggregation', i, p), 'aggregation', 'middle'));
    const edge = Array.from({ length: half }, (_, i) => b.addSwitch(switchName('edge', i, p), 'edge', 'edge'));
    pods.push({ agg, edge });
  }
  for (const pod of pods) for (const e of pod.edge) b.addHostPorts(e, hosts);
  for (const pod of pods) {
    for (const e of pod.edge) for (const a of pod.agg) b.connect(e, a, edgeLink);
    pod.agg.forEach((a, i) => {
      for (let j = 0; j < half; j++) b.connect(a, cores[i * half + j]!, coreLink);
    });
  }
  return b.finish();
}
