/**
 * Paths through the active topology of learning switches: for every switch, the port that leads
 * towards a target switch over forwarding ports with links up (breadth-first, lowest port index on
 * ties). This is where a switch's filtering-database entry for a station behind the target should
 * point; a management plane uses it to push entries, and metrics use it to tell a stale entry from a
 * correct one.
 */
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
