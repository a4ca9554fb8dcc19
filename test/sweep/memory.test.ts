/**
 * The memory of `arpshift worker` (src/sweep/memory.ts): where a job runs for its estimated model,
 * the flags of a job's own process, and the budget the jobs running at once share, first come first
 * served. The worker itself, against a real redis-server, is in queue.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { heapFor } from '../../src/cli/heap.js';
import { HEAP_HEADROOM, JOB_OVERHEAD_BYTES, JOB_SEMI_SPACE_MIB, MemoryBudget, jobHeapMib, jobProcessFlags, jobTooLarge, placeJob } from '../../src/sweep/memory.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

describe('a worker\'s jobs and its memory', () => {
  it('runs a job on its threads when the estimate and half again fit its heap, else in a process with run\'s heap', () => {
    const limit = 4 * GIB;
    const fits = limit / HEAP_HEADROOM;
    expect(placeJob(fits, limit)).toEqual({ heapMib: 0, bytes: fits * HEAP_HEADROOM + JOB_OVERHEAD_BYTES });
    const big = placeJob(fits + MIB, limit);
    expect(big.heapMib).toBe(heapFor(fits + MIB));
    expect(big.heapMib % 256).toBe(0);
    expect(big.heapMib * MIB).toBeGreaterThanOrEqual((fits + MIB) * HEAP_HEADROOM);
    expect(big.bytes).toBe(big.heapMib * MIB + JOB_OVERHEAD_BYTES);
    expect(jobHeapMib(10 * GIB)).toBe(heapFor(10 * GIB));
  });

  it('refuses a job that alone takes more than the worker may use, saying both', () => {
    const p = placeJob(10 * GIB, 4 * GIB);
    expect(jobTooLarge(10 * GIB, p, p.bytes)).toBeUndefined();
    expect(jobTooLarge(10 * GIB, p, p.bytes - 1)).toMatch(/^this point needs about 10\.0 GiB of memory for its model \(15\.1 GiB with room for the run\) and the worker on .+ may use 15\.1 GiB/);
  });

  it('gives a job\'s process the worker\'s flags with its own heap instead', () => {
    expect(jobProcessFlags(['--import', 'tsx', '--max-old-space-size=160', '--max-semi-space-size=8'], 512))
      .toEqual(['--import', 'tsx', '--max-old-space-size=512', `--max-semi-space-size=${JOB_SEMI_SPACE_MIB}`]);
  });

  it('shares the budget first come, first served: a job that does not fit waits, and those after it too', async () => {
    const budget = new MemoryBudget(10);
    const started: string[] = [];
    const take = (name: string, bytes: number): Promise<void> => budget.take(bytes).then(() => { started.push(name); });
    const a = take('a', 6);
    const b = take('b', 6);
    const c = take('c', 1);
    await a;
    await Promise.resolve();
    // c would fit beside a, but b came first.
    expect(started).toEqual(['a']);
    expect(budget.taken).toBe(6);
    budget.give(6);
    await Promise.all([b, c]);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(budget.taken).toBe(7);
    budget.give(6);
    budget.give(1);
    expect(budget.taken).toBe(0);
  });
});
