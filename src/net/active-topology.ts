/**
 * The active topology of one network: which nodes reach each other through ports that forward at
 * both ends (links up, spanning-tree state `forwarding`). Switches ask it whether a copy of a flood
 * that a non-forwarding port held back was the only way to the node behind that port: in a converged
 * spanning tree a blocked alternate port's neighbour is reached another way, while during a
 * re-convergence the tree is cut in parts, and what a held port faces is unreachable.
 *
 * Computed lazily, one connected part at a time, and forgotten whenever a port state or link changes
 * (switches call `invalidate`), which happens a few times per convergence, not per frame.
 */
import type { PortOwner } from './port.js';
import { LearningSwitch } from './switch.js';

/** See the module comment. */
export class ActiveTopology {
  private readonly part = new Map<PortOwner, number>();
  private parts = 0;

  /** Forgets what was computed: a port state or a link changed. */
  invalidate(): void {
    if (this.part.size === 0) return;
    this.part.clear();
    this.parts = 0;
  }

  /** Whether `a` and `b` reach each other over forwarding ports now. */
  connected(a: LearningSwitch, b: PortOwner): boolean {
    const label = this.label(a);
    return this.part.get(b) === label;
  }

  /** The part `from` belongs to, labelling every node of it on first use. */
  private label(from: LearningSwitch): number {
    const known = this.part.get(from);
    if (known !== undefined) return known;
    const label = this.parts++;
    this.part.set(from, label);
    const stack: LearningSwitch[] = [from];
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const port of s.ports) {
        if (!port.up || s.state(port.index) !== 'forwarding') continue;
        const peer = port.peer;
        if (peer === null || this.part.has(peer.owner)) continue;
        const owner = peer.owner;
        if (owner instanceof LearningSwitch) {
          if (owner.state(peer.index) !== 'forwarding') continue;
          this.part.set(owner, label);
          stack.push(owner);
        } else {
          this.part.set(owner, label); // a station: reached, forwards nothing
        }
      }
    }
    return label;
  }
}
