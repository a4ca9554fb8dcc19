/**
 * The broadcast load counts a flood plan's ranges per receiver only when a second ends
 * (broadcast-load.ts): its total, peak, peak host and peak second must be those of counting every copy
 * as it comes, in order (the first host to reach the peak, by event and then by position). Random
 * streams of `frames-received` events (plan arrays with versions whose contents change with the
 * version, scratch arrays reused with other contents, hosts with two ports, ports of nodes that are
 * not end stations, frames to a unicast MAC) are given to both, and every figure is compared, also
 * in the middle of a run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Port } from '../../src/net/index.js';
import { BroadcastLoad } from '../../src/metrics/index.js';
import { Kernel } from '../../src/sim/index.js';

/** Copy by copy, as the observer counted before ranges were noted. */
class Reference {
  total = 0;
  peak = 0;
  peakHost: string | null = null;
  peakSecond = 0;
  private readonly counts = new Map<string, { second: number; n: number }>();

  see(time: number, ports: readonly Port[], from: number, to: number, isEnd: (n: string) => boolean): void {
    const second = Math.floor(time / 1e9);
    for (let i = from; i < to; i++) {
      const name = ports[i]!.owner.name;
      if (!isEnd(name)) continue;
      this.total++;
      let c = this.counts.get(name);
      if (c === undefined || c.second !== second) {
        c = { second, n: 0 };
        this.counts.set(name, c);
      }
      c.n++;
      if (c.n > this.peak) {
        this.peak = c.n;
        this.peakHost = name;
        this.peakSecond = second;
      }
    }
  }
}

const BROADCAST = 0xffff_ffff_ffff;
const UNICAST = 0x0200_0000_0001;

/** One event: which arrays (a plan 0-2, or scratch), the range, time step, version bump, destination, a look at the figures. */
const eventArb = fc.record({
  arrays: fc.integer({ min: 0, max: 3 }),
  a: fc.nat(),
  b: fc.nat(),
  step: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400_000_000 })),
  rewrite: fc.integer({ min: 0, max: 30 }),
  unicast: fc.integer({ min: 0, max: 20 }),
  look: fc.integer({ min: 0, max: 40 }),
});

describe('broadcast load', () => {
  it('gives the same figures counting ranges at the second\'s end as counting every copy', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 300 }), fc.integer({ min: 1, max: 12 }), (events, nodes) => {
        const kernel = new Kernel({ seed: 1 });
        const isEnd = (n: string): boolean => n.startsWith('h');
        const names = Array.from({ length: nodes }, (_, i) => (i % 4 === 3 ? `sw${i}` : `h${i}`));
        let nextId = 0;
        // Each node has two ports; ids in order of making.
        const portsOf = names.map((name) => {
          const owner = { name };
          return [{ id: nextId++, owner }, { id: nextId++, owner }] as unknown as Port[];
        });
        const allPorts = portsOf.flat();
        const load = new BroadcastLoad(kernel, isEnd);
        const ref = new Reference();
        // Three plans of fixed lengths whose contents change with their version.
        const plans = [3, 7, 16].map((n) => ({ ports: new Array<Port>(n), ids: new Int32Array(n), version: 0 }));
        let seed = 7;
        const fill = (plan: { ports: Port[]; ids: Int32Array }): void => {
          for (let k = 0; k < plan.ports.length; k++) {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            const port = allPorts[seed % allPorts.length]!;
            plan.ports[k] = port;
            plan.ids[k] = port.id;
          }
        };
        for (const plan of plans) fill(plan);
        const scratch: Port[] = [];
        const scratchIds: number[] = [];
        let time = 0;
        for (const ev of events) {
          time += ev.step;
          let ports: Port[];
          let ids: ArrayLike<number>;
          let version: number;
          if (ev.arrays === 3) {
            scratch.length = 0;
            scratchIds.length = 0;
            const n = 1 + (ev.a % 5);
            for (let k = 0; k < n; k++) {
              const port = allPorts[(ev.b + 3 * k) % allPorts.length]!;
              scratch.push(port);
              scratchIds.push(port.id);
            }
            ports = scratch;
            ids = scratchIds;
            version = -1;
          } else {
            const plan = plans[ev.arrays]!;
            if (ev.rewrite === 0) {
              fill(plan);
              plan.version++;
            }
            ports = plan.ports;
            ids = plan.ids;
            version = plan.version;
          }
          const n = ports.length;
          let from = ev.a % n;
          let to = ev.b % (n + 1);
          if (from > to) [from, to] = [to, from];
          if (from === to) to = from + 1;
          if (to > n) continue;
          const frame = { eth: { destination: ev.unicast === 0 ? UNICAST : BROADCAST } };
          kernel.trace.emit({ type: 'frames-received', time, node: ports[from]!.owner.name, frame, ports, ids, from, to, version } as never);
          if (ev.unicast !== 0) ref.see(time, ports, from, to, isEnd);
          if (ev.look === 0) {
            expect([load.total, load.peakPerHostPerSecond, load.peakHost, load.peakSecond]).toEqual([ref.total, ref.peak, ref.peakHost, ref.peakSecond]);
          }
        }
        expect([load.total, load.peakPerHostPerSecond, load.peakHost, load.peakSecond]).toEqual([ref.total, ref.peak, ref.peakHost, ref.peakSecond]);
      }),
      { numRuns: Number(process.env.ARPSHIFT_FUZZ_RUNS ?? 300) },
    );
  });
});
