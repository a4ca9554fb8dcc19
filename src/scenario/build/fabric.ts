/**
 * The fabric: the scenario's generator (leaf-spine, a tree of any depth or a single switch, fat tree)
 * in its bridging mode,
 * with its link classes, ageing and table capacity. Spanning trees start converged, so no 30-50 s
 * warm-up is simulated.
 */
import type { Network, Topology } from '../../net/index.js';
import { fatTree, leafSpine, tree } from '../../net/index.js';
import { treeTiers } from '../layout/index.js';
import type { Scenario } from '../normalise.js';

/** Builds the fabric of `scenario` into `network`. */
export function buildFabric(network: Network, scenario: Scenario): Topology {
  const f = scenario.fabric;
  const common = {
    mode: f.bridging,
    hostPortsPerEdge: f.hostPortsPerEdge,
    hostLink: { rate: f.links.access.rate, delay: f.links.access.delay, queueBytes: f.links.access.queue },
    switchConfig: { agingTime: f.macAgingTime, macTableCapacity: f.macTableCapacity },
    spanningTree: { startConverged: true },
  } as const;
  const fabricLink = { rate: f.links.fabric.rate, delay: f.links.fabric.delay, queueBytes: f.links.fabric.queue };
  switch (f.kind) {
    case 'leaf-spine':
      return leafSpine(network, { ...common, leaves: f.leaves, spines: f.spines, fabricLink });
    case 'tree':
    case 'single':
      return tree(network, { ...common, tiers: treeTiers(f), link: fabricLink });
    case 'fat-tree':
      return fatTree(network, { ...common, k: f.k, edgeLink: fabricLink, coreLink: fabricLink });
  }
}
