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
  const walk = new TowardsWalk(switches, target, () => true);
  walk.expand([target]);
  return walk.result;
}

/**
 * For each switch that reaches `target`, the filtering-database port code it should hold for a
 * station behind `target`: the port towards it, as {@link portsTowards}, except inside a
 * shortest-path fabric, where a switch points a MAC at the fabric edge behind which it lives
 * (`REMOTE_PORT_BASE` + the edge's index) and the fabric finds the path (as TRILL RBridges learn, RFC 6325
 * §4.8.1, and SPBM edges, IEEE 802.1aq). Without a fabric on the way, the same as `portsTowards`.
 */
export function fdbPortsTowards(switches: readonly LearningSwitch[], target: LearningSwitch): Map<LearningSwitch, number> {
  // Breadth-first over native links only: fabric links carry encapsulated frames, not MAC paths.
  const walk = new TowardsWalk(switches, target, (s, port) => !(s instanceof FabricSwitch && s.isFabricPort(port)));
  walk.expand([target]);
  const edge = target instanceof FabricSwitch ? target : walk.firstFabricSwitch;
  if (edge === undefined) return walk.result;
  const fabric = edge.fabric;
  const others: LearningSwitch[] = [];
  for (const s of switches) {
    if (walk.seen.has(s) || !(s instanceof FabricSwitch) || s.fabric !== fabric) continue;
    walk.seen.add(s);
    walk.result.set(s, REMOTE_PORT_BASE + edge.index);
    others.push(s);
  }
  // Stations behind other edges reach the target through their own edge.
  walk.expand(others);
  return walk.result;
}

/** Breadth-first search from `target` outwards over forwarding ports (both ends) with links up. */
class TowardsWalk {
  readonly result = new Map<LearningSwitch, number>();
  readonly seen: Set<LearningSwitch>;
  /** The first shortest-path fabric switch reached, if any. */
  firstFabricSwitch: FabricSwitch | undefined;
  private readonly member: Set<LearningSwitch>;
  private readonly usable: (s: LearningSwitch, port: number) => boolean;

  constructor(switches: readonly LearningSwitch[], target: LearningSwitch, usable: (s: LearningSwitch, port: number) => boolean) {
    this.member = new Set(switches);
    this.seen = new Set([target]);
    this.usable = usable;
  }

  /** Walks out from `start` (already seen), recording each newly reached switch's port back. */
  expand(start: LearningSwitch[]): void {
    let frontier = start;
    while (frontier.length > 0) {
      const next: LearningSwitch[] = [];
      for (const s of frontier) {
        for (const port of s.ports) {
          if (!port.up || s.state(port.index) !== 'forwarding' || !this.usable(s, port.index)) continue;
          const peer = port.peer!;
          const neighbor = peer.owner as LearningSwitch;
          if (!this.member.has(neighbor) || this.seen.has(neighbor)) continue;
          if (neighbor.state(peer.index) !== 'forwarding') continue;
          this.seen.add(neighbor);
          this.result.set(neighbor, peer.index);
          if (this.firstFabricSwitch === undefined && neighbor instanceof FabricSwitch) this.firstFabricSwitch = neighbor;
          next.push(neighbor);
        }
      }
      frontier = next;
    }
  }
}
