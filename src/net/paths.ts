/**
 * Paths through the active topology of learning switches: for every switch, the port that leads
 * towards a target switch over forwarding ports with links up (breadth-first, lowest port index on
 * ties). This is where a switch's filtering-database entry for a station behind the target should
 * point; a management plane uses it to push entries, and metrics use it to tell a stale entry from a
 * correct one.
 */
import { FabricSwitch, REMOTE_PORT_BASE } from './spb/bridge.js';
import type { LearningSwitch } from './switch.js';

/** For each reachable switch other than `target`, the index of its port towards `target`. */
export function portsTowards(switches: readonly LearningSwitch[], target: LearningSwitch): Map<LearningSwitch, number> {
  const member = new Set<LearningSwitch>(switches);
  const result = new Map<LearningSwitch, number>();
  const seen = new Set<LearningSwitch>([target]);
  let frontier: LearningSwitch[] = [target];
  while (frontier.length > 0) {
    const next: LearningSwitch[] = [];
    for (const s of frontier) {
      for (const port of s.ports) {
        if (!port.up || s.state(port.index) !== 'forwarding') continue;
        const peer = port.peer!;
        const neighbor = peer.owner as LearningSwitch;
        if (!member.has(neighbor) || seen.has(neighbor)) continue;
        if (neighbor.state(peer.index) !== 'forwarding') continue;
        seen.add(neighbor);
        result.set(neighbor, peer.index);
        next.push(neighbor);
      }
    }
    frontier = next;
  }
  return result;
}

/**
 * For each switch that reaches `target`, the filtering-database port code it should hold for a
 * station behind `target`: the port towards it, as {@link portsTowards}, except inside a
 * shortest-path fabric, where a switch points a MAC at the fabric edge behind which it lives
 * (`REMOTE_PORT_BASE` + the edge's index) and the fabric finds the path (l2.md §4, as TRILL
 * RBridges and SPBM edges learn). Without a fabric on the way, the same as `portsTowards`.
 */
export function fdbPortsTowards(switches: readonly LearningSwitch[], target: LearningSwitch): Map<LearningSwitch, number> {
  const member = new Set<LearningSwitch>(switches);
  const result = new Map<LearningSwitch, number>();
  const seen = new Set<LearningSwitch>([target]);
  let edge: FabricSwitch | undefined = target instanceof FabricSwitch ? target : undefined;
  // Breadth-first over native links only: fabric links carry encapsulated frames, not MAC paths.
  const native = (s: LearningSwitch, port: number): boolean => !(s instanceof FabricSwitch && s.isFabricPort(port));
  const expand = (start: LearningSwitch[]): void => {
    let frontier = start;
    while (frontier.length > 0) {
      const next: LearningSwitch[] = [];
      for (const s of frontier) {
        for (const port of s.ports) {
          if (!port.up || s.state(port.index) !== 'forwarding' || !native(s, port.index)) continue;
          const peer = port.peer!;
          const neighbor = peer.owner as LearningSwitch;
          if (!member.has(neighbor) || seen.has(neighbor)) continue;
          if (neighbor.state(peer.index) !== 'forwarding') continue;
          seen.add(neighbor);
          result.set(neighbor, peer.index);
          if (edge === undefined && neighbor instanceof FabricSwitch) edge = neighbor;
          next.push(neighbor);
        }
      }
      frontier = next;
    }
  };
  expand([target]);
  if (edge === undefined) return result;
  const fabric = edge.fabric;
  const others: LearningSwitch[] = [];
  for (const s of switches) {
    if (seen.has(s) || !(s instanceof FabricSwitch) || s.fabric !== fabric) continue;
    seen.add(s);
    result.set(s, REMOTE_PORT_BASE + edge.index);
    others.push(s);
  }
  // Stations behind other edges reach the target through their own edge.
  expand(others);
  return result;
}
