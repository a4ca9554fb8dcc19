/**
 * Where the hypervisors and hosts of a scenario attach.
 *
 * Gateways of placement core and pair take one host port of their edge switch first. Then the
 * hypervisors, each taking one host port: `spread` round-robin over all edge switches from the first,
 * or round-robin over their list, skipping full switches. Then the groups on edge switch ports in
 * order: `spread` groups go round-robin over all edge switches, one shared cursor continuing from
 * group to group and skipping full switches; a group with a list goes round-robin over its list (its
 * own cursor), skipping full switches. Groups of VMs (`on: hypervisors` or a list of hypervisors) take
 * no edge port: `on: hypervisors` groups go round-robin over every hypervisor, one shared cursor
 * continuing from group to group; a group with a list goes round-robin over its list (its own cursor).
 * A hypervisor holds any number of VMs.
 */
import type { HostGroup, Hypervisors, Scenario } from '../normalise.js';
import { edgeSwitchNames, gatewayNodes, hypervisorIndex } from './names.js';

/** True when the group's hosts are VMs on hypervisors rather than hosts on edge switch ports. */
export function isVmGroup(group: Pick<HostGroup, 'on'>): boolean {
  return group.on !== 'edge';
}

/** What {@link placeHosts} needs of a scenario (`hypervisors` may be left out: none). */
export type PlacementInput = Pick<Scenario, 'gateway' | 'fabric' | 'hosts'> & { readonly hypervisors?: Hypervisors | null };

/** Where the hypervisors and the hosts of each group attach. */
export interface Placement {
  /**
   * Per group, the index (into the edge switch list) of each host's switch (for VMs, their
   * hypervisor's switch); hosts that did not fit have {@link NO_EDGE}.
   */
  readonly edgeOf: readonly Uint32Array[];
  /** Host ports used per edge switch (gateways and hypervisors included). */
  readonly used: readonly number[];
  /** Per group, the hosts that found no free port (0 for groups of VMs). */
  readonly overflow: readonly number[];
  /** Per hypervisor (hv-1 first), the index of its edge switch; {@link NO_EDGE} when it did not fit. */
  readonly hypervisorEdge: Uint32Array;
  /** Hypervisors that found no free port. */
  readonly hypervisorOverflow: number;
  /** Per group: for a group of VMs, the index (0 = hv-1) of each VM's hypervisor ({@link NO_EDGE} when its list names none); null for a group on edge switch ports. */
  readonly hypervisorOf: readonly (Uint32Array | null)[];
}

/** Not placed. */
export const NO_EDGE = 0xffff_ffff;

/** The hypervisors a group of VMs goes round-robin over (indices; names that are not hypervisors are skipped). */
function vmTargets(group: Pick<HostGroup, 'on'>, count: number): number[] {
  if (group.on === 'hypervisors') return Array.from({ length: count }, (_, i) => i);
  if (group.on === 'edge') return [];
  return group.on.map((n) => hypervisorIndex(n, count)).filter((i): i is number => i !== undefined);
}

/**
 * The index (0 = hv-1) of the hypervisor VM `index` (0-based) of group `group` starts on, without
 * placing every host; `undefined` when the group is not a group of VMs or names no hypervisor.
 */
export function vmHypervisor(scenario: Pick<Scenario, 'hosts' | 'hypervisors'>, group: number, index: number): number | undefined {
  const count = scenario.hypervisors?.count ?? 0;
  const g = scenario.hosts[group];
  if (g === undefined || !isVmGroup(g) || count === 0) return undefined;
  if (g.on === 'hypervisors') {
    // Every hypervisor in order: the i-th target is hypervisor i, so no list of them is needed.
    let cursor = 0;
    for (let i = 0; i < group; i++) if (scenario.hosts[i]!.on === 'hypervisors') cursor = (cursor + scenario.hosts[i]!.count) % count;
    return (cursor + index) % count;
  }
  // A list of hypervisors: round-robin over it from the group's first VM.
  const targets = vmTargets(g, count);
  if (targets.length === 0) return undefined;
  return targets[index % targets.length];
}

/** Places hypervisors and hosts (see the module comment). Names in a list that are not edge switches (or hypervisors) are skipped. */
export function placeHosts(scenario: PlacementInput): Placement {
  const edges = edgeSwitchNames(scenario.fabric);
  const index = new Map(edges.map((e, i) => [e, i]));
  const capacity = scenario.fabric.hostPortsPerEdge;
  const used = new Array<number>(edges.length).fill(0);
  let free = edges.length * capacity;
  for (const g of gatewayNodes(scenario)) {
    const i = index.get(g.edge);
    if (g.takesPort && i !== undefined) {
      used[i]!++;
      free--;
    }
  }
  const all = edges.map((_, i) => i);
  const toIndices = (placement: 'spread' | readonly string[]): number[] =>
    placement === 'spread' ? all : placement.map((n) => index.get(n)).filter((i): i is number => i !== undefined);

  /** Takes a port for each of `out`'s entries, round-robin over `targets` from `cursor`; returns the new cursor and how many did not fit. */
  const fill = (out: Uint32Array, targets: readonly number[], start: number): { cursor: number; lost: number } => {
    let cursor = start;
    for (let h = 0; h < out.length; h++) {
      if (free <= 0 || targets.length === 0) return { cursor, lost: out.length - h };
      let placed = false;
      for (let probe = 0; probe < targets.length; probe++) {
        const t = targets[(cursor + probe) % targets.length]!;
        if (used[t]! < capacity) {
          used[t]!++;
          free--;
          out[h] = t;
          cursor = (cursor + probe + 1) % targets.length;
          placed = true;
          break;
        }
      }
      if (!placed) return { cursor, lost: out.length - h };
    }
    return { cursor, lost: 0 };
  };

  const hv = scenario.hypervisors ?? null;
  const hypervisorCount = hv?.count ?? 0;
  const hypervisorEdge = new Uint32Array(hypervisorCount).fill(NO_EDGE);
  const hypervisorOverflow = hv === null ? 0 : fill(hypervisorEdge, toIndices(hv.placement), 0).lost;

  let spreadCursor = 0;
  let vmCursor = 0;
  const edgeOf: Uint32Array[] = [];
  const overflow: number[] = [];
  const hypervisorOf: (Uint32Array | null)[] = [];
  for (const group of scenario.hosts) {
    const out = new Uint32Array(group.count).fill(NO_EDGE);
    if (isVmGroup(group)) {
      const on = new Uint32Array(group.count).fill(NO_EDGE);
      const targets = vmTargets(group, hypervisorCount);
      if (targets.length > 0) {
        const start = group.on === 'hypervisors' ? vmCursor : 0;
        for (let h = 0; h < group.count; h++) {
          const t = targets[(start + h) % targets.length]!;
          on[h] = t;
          out[h] = hypervisorEdge[t]!;
        }
        if (group.on === 'hypervisors') vmCursor = (start + group.count) % targets.length;
      }
      edgeOf.push(out);
      overflow.push(0);
      hypervisorOf.push(on);
      continue;
    }
    const r = fill(out, toIndices(group.placement), group.placement === 'spread' ? spreadCursor : 0);
    if (group.placement === 'spread') spreadCursor = r.cursor;
    edgeOf.push(out);
    overflow.push(r.lost);
    hypervisorOf.push(null);
  }
  return { edgeOf, used, overflow, hypervisorEdge, hypervisorOverflow, hypervisorOf };
}
