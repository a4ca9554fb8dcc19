/**
 * The network's node index by name (an open-addressing table of its own, not a `Map`): every name
 * added is found, names never added are not, a second node of a name is refused, and the nodes are
 * listed in the order they were added, through the table's growth and a reservation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PortOwner } from '../../src/net/index.js';
import { RUNS } from '../helpers/arbitraries.js';
import { network } from '../helpers/net.js';

/** A node with a name and nothing else (the index reads only the name). */
function node(name: string): PortOwner {
  return { name, receive: () => undefined } as unknown as PortOwner;
}

describe('Network node index', () => {
  it('finds every node by name through growth, refuses duplicates, and keeps the order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 12 }), { maxLength: 400 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 50 }), fc.boolean(), (names, probes, reserve) => {
        const net = network();
        if (reserve) net.reserveNodes(names.length);
        const byName = new Map<string, PortOwner>();
        for (const name of names) {
          const n = node(name);
          expect(net.add(n)).toBe(n);
          byName.set(name, n);
        }
        expect(net.nodeCount).toBe(names.length);
        for (const name of names) expect(net.node(name)).toBe(byName.get(name));
        for (const name of probes) expect(net.node(name)).toBe(byName.get(name));
        expect(net.nodes.map((n) => n.name)).toEqual(names);
        for (const name of names.slice(0, 20)) expect(() => net.add(node(name))).toThrow(`a node named ${name} already exists`);
        // A refused node changes nothing.
        for (const name of names) expect(net.node(name)).toBe(byName.get(name));
        expect(net.nodeCount).toBe(names.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('holds names that collide in the table (many more names than the first table has slots)', () => {
    const net = network();
    const names = Array.from({ length: 5000 }, (_, i) => `vm-${i + 1}`);
    for (const name of names) net.add(node(name));
    for (const name of names) expect(net.node(name)?.name).toBe(name);
    expect(net.node('vm-0')).toBeUndefined();
    expect(net.node('vm-5001')).toBeUndefined();
  });
});
