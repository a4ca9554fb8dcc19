/**
 * Determinism: a small random model driven only by the kernel's named streams gives the same
 * (time, node, kind) trace for the same seed, another trace for another seed, and adding a component
 * does not shift the draws of the others.
 */
import { describe, expect, it } from 'vitest';
import { Kernel, Timer } from '../../src/sim/index.js';

declare module '../../src/sim/trace.js' {
  interface TraceEventMap {
    'test-model-event': { readonly kind: string };
  }
}

/** Hosts that send at random gaps, arm a timer per send and cancel peers' timers at random. */
function runModel(seed: number | string, hosts: number): string[] {
  const kernel = new Kernel({ seed });
  const trace: string[] = [];
  kernel.trace.on('test-model-event', (e) => trace.push(`${e.time} ${e.node} ${e.kind}`));
  const timers: Timer[] = [];
  for (let h = 0; h < hosts; h++) {
    const node = `host-${h}`;
    const rng = kernel.rng.stream(node);
    const emit = (kind: string): void => {
      if (kernel.trace.wants('test-model-event')) kernel.trace.emit({ type: 'test-model-event', time: kernel.now, node, kind });
    };
    const timer = new Timer(kernel, node, 'timeout', () => emit('timeout'));
    timers.push(timer);
    const send = (): void => {
      emit('send');
      timer.set(Math.round(rng.exponential(5_000)));
      if (rng.bernoulli(0.3)) rng.pick(timers).cancel();
      if (kernel.now < 200_000) kernel.schedule(Math.round(rng.exponential(3_000)), node, 'send', send);
    };
    kernel.schedule(rng.integer(0, 1_000), node, 'send', send);
  }
  kernel.run({ until: 300_000 });
  kernel.checkInvariants();
  return trace;
}

describe('determinism', () => {
  it('gives identical traces for the same seed and model', () => {
    const first = runModel(42, 6);
    expect(first.length).toBeGreaterThan(200);
    expect(first.some((line) => line.endsWith('timeout'))).toBe(true);
    expect(runModel(42, 6)).toEqual(first);
  });

  it('gives a different trace for a different seed', () => {
    expect(runModel(43, 6)).not.toEqual(runModel(42, 6));
    expect(runModel('42', 6)).not.toEqual(runModel(42, 6));
  });

  it("keeps a host's own draws when another host is added", () => {
    // host-0's first send time comes from its own stream, so it is the same with 6 or 7 hosts.
    const firstSend = (trace: string[]): string => trace.find((l) => l.includes('host-0 send'))!;
    expect(firstSend(runModel(42, 7))).toBe(firstSend(runModel(42, 6)));
  });
});
