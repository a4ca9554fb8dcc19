/**
 * A scenario's runs on worker threads (`runScenarioAsync` with `jobs`): the result of the runs one
 * after another, whatever the number of threads; a failed run reported as one after another (the
 * lowest failed run's error, of its class, with its message) though it failed in a worker thread;
 * errors that cross a thread keep their class, fields and cause; a caller's observers keep the runs in
 * this thread. The worker threads run the built package (dist/), as the command does.
 */
import { OutputPathError as SrcOutputPathError } from '../../src/wire/index.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario } from '../../src/scenario/index.js';
import { SimulationError } from '../../src/sim/index.js';
import { totalmem } from 'node:os';
import { reviveError, runOrder, sendError, threadsThatFit } from '../../src/run/parallel.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Api = typeof import('../../src/index.js');
const api = (await import(join(ROOT, 'dist/index.js'))) as Api;
const { describeFailure } = (await import(join(ROOT, 'dist/cli/errors.js'))) as typeof import('../../src/cli/errors.js');

/** Four variants of a short migration (so several runs are in flight at once on two threads). */
const SCENARIO = api.loadScenario(`
name: four-variants
duration: 20s
fabric: { kind: leaf-spine, leaves: 2, spines: 1, bridging: rstp }
subnet: { ipv4: 198.18.0.0/24 }
gateway: { placement: core, attach: leaf-1, profile: linux-router }
hypervisors: { count: 2 }
hosts:
  - { name: vm, count: 4, on: hypervisors, profile: linux }
traffic:
  - { name: to-vm-1, from: gateway, to: vm-1, rate: 200pps, start: 1s }
migrations:
  - { vm: vm-1, to: hv-2, at: 8s, timing: { downtime: 200ms } }
loss: [{ links: "hv-2:p1", direction: both, model: { kind: bernoulli, rate: 0.2 } }]
variants:
  - { name: none, remedies: [{ kind: none }] }
  - { name: garp, remedies: [{ kind: guest-garp, count: 3, interval: 100ms }] }
  - { name: rarp, remedies: [{ kind: rarp, count: 5, interval: 50ms }] }
  - { name: qemu, remedies: [{ kind: qemu-announce }] }
`, 'four-variants.yaml');

/** The scenario with runs `bad` given a gateway profile that does not exist (building them throws). */
function failing(bad: readonly number[]): typeof SCENARIO {
  return { ...SCENARIO, runs: SCENARIO.runs.map((r, i) => (bad.includes(i) ? { ...r, gateway: { ...r.gateway, profile: `no-such-profile-${i}` } } : r)) };
}

/** What a run rejected with. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the run did not fail');
}

describe('runScenarioAsync with jobs', () => {
  it('gives the JSON of the runs one after another, series included, on one, two and four lanes', async () => {
    const one = api.resultJson(await api.runScenarioAsync(SCENARIO, { series: true }), { series: true });
    expect(JSON.parse(one).runs).toHaveLength(4);
    for (const jobs of [2, 4]) {
      // A progress port exists only while a run is on a worker thread: evidence that some ran there.
      const seen = new Set<string>();
      const reached = new Map<number, number>();
      const result = await api.runScenarioAsync(SCENARIO, {
        series: true,
        jobs,
        onProgress: (run, runs, t, d) => {
          expect([runs, d]).toEqual([4, SCENARIO.duration]);
          reached.set(run, Math.max(reached.get(run) ?? 0, t));
          for (const r of process.getActiveResourcesInfo()) seen.add(r);
        },
      });
      expect(api.resultJson(result, { series: true })).toBe(one);
      // Every run's progress reaches its end, wherever it ran.
      expect([...reached].sort((a, b) => a[0] - b[0])).toEqual([0, 1, 2, 3].map((r) => [r, SCENARIO.duration]));
      expect(seen.has('MessagePort')).toBe(true);
    }
    // Another seed changes the runs (the loss is random), in threads too.
    const seeded = await api.runScenarioAsync(SCENARIO, { series: true, jobs: 2, seed: 11 });
    expect(api.resultJson(seeded, { series: true })).toBe(api.resultJson(api.runScenario(SCENARIO, { series: true, seed: 11 }), { series: true }));
    expect(api.resultJson(seeded, { series: true })).not.toBe(one);
  });

  it('reports the lowest failed run\'s error, as one after another, though it failed in a worker thread', async () => {
    // Runs 1 and 2 fail; on two lanes run 1 is the worker thread's first run, run 2 this thread's second.
    const scenario = failing([1, 2]);
    const alone = await rejection(api.runScenarioAsync(scenario, { jobs: 1 }));
    const threads = await rejection(api.runScenarioAsync(scenario, { jobs: 2 }));
    expect(alone).toBeInstanceOf(RangeError);
    expect(alone.message).toBe('unknown profile no-such-profile-1');
    expect(threads).toBeInstanceOf(RangeError);
    expect(threads.message).toBe(alone.message);
    expect(describeFailure(threads)).toEqual(describeFailure(alone));
    expect(describeFailure(threads).exitCode).toBe(1);
    // Where each was thrown: the second in the worker thread's entry point.
    expect(threads.stack).toContain('run-thread.js');
    expect(alone.stack).not.toContain('run-thread.js');
    // A failure of this thread's own run after a worker thread's run: the same.
    const last = failing([3]);
    expect((await rejection(api.runScenarioAsync(last, { jobs: 2 }))).message).toBe('unknown profile no-such-profile-3');
  });

  it('refuses a number of jobs that is not a positive whole number', async () => {
    for (const jobs of [0, -1, 1.5, Number.NaN]) {
      await expect(api.runScenarioAsync(SCENARIO, { jobs })).rejects.toThrow(/^jobs must be a positive whole number/);
    }
  });

  it('keeps the runs in this thread when the caller observes them', async () => {
    const observed: number[] = [];
    const result = await api.runScenarioAsync(SCENARIO, {
      jobs: 4,
      observers: (model, run) => {
        observed.push(run);
        let frames = 0;
        model.kernel.trace.on('frames-sent', (e) => { frames += e.to - e.from; });
        return [{ finish: () => { expect(frames).toBeGreaterThan(0); } }];
      },
    });
    expect(observed).toEqual([0, 1, 2, 3]);
    expect(api.resultJson(result)).toBe(api.resultJson(api.runScenario(SCENARIO)));
  });
});

describe('the order runs are handed out in', () => {
  it('is run 0, then the others longest first at two significant digits, ties in the scenario\'s order', () => {
    // 5 and 5.01 are the same at two digits (scenario order); 0 and NaN cost nothing known.
    expect(runOrder([1, 1, 5, 0.5, 5.01, 3, Number.NaN, 0])).toEqual([0, 2, 4, 5, 1, 3, 6, 7]);
    // Run 0 stays first even when it is the cheapest.
    expect(runOrder([0.1, 2, 9])).toEqual([0, 2, 1]);
    expect(runOrder([])).toEqual([]);
  });

  it('still runs and reports a failed run before a later, costlier one that failed first', async () => {
    // Run 3 costs most by the estimate (a keepalive every 50 ms), so the worker thread takes it first
    // while this thread runs run 0 (made long by its own keepalive); run 3 fails at once. One after
    // another, run 1's failure comes first: it must still be run and be the one reported.
    const keepalive = (intervalMs: number) => [{ kind: 'keepalive' as const, mode: 'vm-garp' as const, interval: intervalMs * 1e6 }];
    const base = failing([1, 3]);
    const scenario = {
      ...base,
      duration: 200e9,
      runs: base.runs.map((r, i) => (i === 0 ? { ...r, remedies: keepalive(10) } : i === 3 ? { ...r, remedies: keepalive(50) } : r)),
    };
    const costs = scenario.runs.map((_, r) => api.estimateCost(scenario, r).seconds);
    expect(runOrder(costs).slice(0, 2)).toEqual([0, 3]);
    const alone = await rejection(api.runScenarioAsync(scenario, { jobs: 1 }));
    const threads = await rejection(api.runScenarioAsync(scenario, { jobs: 2 }));
    expect(alone.message).toBe('unknown profile no-such-profile-1');
    expect(threads.message).toBe(alone.message);
  }, 120_000);
});

describe('errors across a thread', () => {
  const across = (e: unknown): unknown => reviveError(structuredClone(sendError(e)));

  it('keep their class, message, stack, fields and cause', () => {
    const cause = new SrcOutputPathError('run.pcap', 'no space left on device', 'ENOSPC');
    const e = new SimulationError(2_500_000_000, 'gateway', 'frame-arrival', cause);
    const back = across(e) as SimulationError;
    expect(back).toBeInstanceOf(SimulationError);
    expect(back.name).toBe('SimulationError');
    expect(back.message).toBe(e.message);
    expect(back.stack).toBe(e.stack);
    expect([back.time, back.node, back.kind]).toEqual([2_500_000_000, 'gateway', 'frame-arrival']);
    const c = back.cause as SrcOutputPathError;
    expect(c).toBeInstanceOf(SrcOutputPathError);
    expect([c.message, c.path, c.reason, c.code]).toEqual(['run.pcap: no space left on device', 'run.pcap', 'no space left on device', 'ENOSPC']);
    expect(Object.keys(back).sort()).toEqual(Object.keys(e).sort());
  });

  it('a scenario error keeps its issues; an error of a class not known here keeps its name; a thrown value stays itself', () => {
    let scenarioError: unknown;
    try {
      loadScenario('name: x\nduration: -1s\n', 'x.yaml');
    } catch (e) {
      scenarioError = e;
    }
    expect(scenarioError).toBeInstanceOf(ScenarioError);
    const back = across(scenarioError) as ScenarioError;
    expect(back).toBeInstanceOf(ScenarioError);
    expect(back.issues).toEqual((scenarioError as ScenarioError).issues);
    expect(back.message).toBe((scenarioError as ScenarioError).message);

    class QuotaError extends Error {
      override readonly name = 'QuotaError';
      readonly limit = 3;
      readonly check = (): boolean => true;
    }
    const quota = across(new QuotaError('over quota')) as Error & { limit: number; check: unknown };
    expect(quota).toBeInstanceOf(Error);
    expect([quota.name, quota.message, quota.limit]).toEqual(['QuotaError', 'over quota', 3]);
    // A field that cannot cross a thread (a function) crosses as its text.
    expect(typeof quota.check).toBe('string');
    expect(across('boom')).toBe('boom');
    expect(across({ code: 7 })).toEqual({ code: 7 });
  });
});

describe('threads that fit the machine\'s memory', () => {
  it('gives every thread asked for while models are small, fewer as they grow, and always one', () => {
    expect(threadsThatFit(2 ** 20, 4)).toBe(4);
    // Four models of a fifth of the machine's memory each, with room for their runs, are more than three quarters of it.
    const fifth = totalmem() / 5;
    expect(threadsThatFit(fifth, 4)).toBeLessThan(4);
    expect(threadsThatFit(fifth, 4)).toBeGreaterThanOrEqual(1);
    expect(threadsThatFit(totalmem() * 2, 8)).toBe(1);
  });
});
