/**
 * The node behind each port, as a small number: observers of per-frame trace events keep per-node
 * state in typed arrays indexed by it, and look a port's node up by name once per port, not once per
 * frame.
 */
import type { Port } from '../net/index.js';
import { resized } from '../sim/index.js';

/** See the module comment. */
export class PortSlots {
  /** The nodes' names, by slot. */
  readonly names: string[] = [];
  private readonly bySlotName = new Map<string, number>();
  /** By `Port.id`: the port's node's slot + 1, 0 for a node that does not count, -1 not yet looked at. */
  private byPort = new Int32Array(256).fill(-1);
  private readonly counts: (node: string) => boolean;

  /** `counts` says which nodes get a slot (the others' ports map to -1). */
  constructor(counts: (node: string) => boolean) {
    this.counts = counts;
  }

  /** The slot of `port`'s node, or -1 when the node does not count. */
  slot(port: Port): number {
    return this.slotOf(port.id, port);
  }

  /** {@link slot} of `port`, whose id is `id` (known to the caller: the port is looked at only the first time). */
  slotOf(id: number, port: Port): number {
    if (id >= 0 && id < this.byPort.length) {
      const known = this.byPort[id]!;
      if (known >= 0) return known - 1;
    }
    return this.lookUp(port);
  }

  private lookUp(port: Port): number {
    const name = port.owner.name;
    let slot = -1;
    if (this.counts(name)) {
      const had = this.bySlotName.get(name);
      if (had !== undefined) slot = had;
      else {
        slot = this.names.length;
        this.names.push(name);
        this.bySlotName.set(name, slot);
      }
    }
    const id = port.id;
    if (id >= 0) {
      if (id >= this.byPort.length) {
        let size = this.byPort.length;
        while (size <= id) size *= 2;
        this.byPort = resized(this.byPort, size, -1);
      }
      this.byPort[id] = slot + 1;
    }
    return slot;
  }
}

/** Grows `a` (zero-filled) to hold index `i`. */
export function grownTo(a: Float64Array<ArrayBuffer>, i: number): Float64Array<ArrayBuffer> {
  if (i < a.length) return a;
  let size = Math.max(16, a.length);
  while (size <= i) size *= 2;
  return resized(a, size);
}
