/**
 * The runner: metrics only observe (a run with the built-in observers executes exactly the events a
 * bare kernel run does); how a run is sliced changes nothing; one run on its own, as a sweep worker
 * runs it, gives what the whole scenario's run gives; a caller's observer sees the run and its end.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resultJson } from '../../src/report/index.js';
import { ModelRun, runScenario, runScenarioRun } from '../../src/run/index.js';
import { buildModel, loadScenario, loadScenarioFile } from '../../src/scenario/index.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** Two variants of a short migration: no remedy, and three gratuitous ARPs. */
const VARIANTS = loadScenario(`
name: two-variants
duration: 30s
fabric: { kind: leaf-spine, leaves: 2, spines: 1, bridging: rstp }
subnet: { ipv4: 198.18.0.0/24 }
gateway: { placement: core, attach: leaf-1, profile: linux-router }
hypervisors: { count: 2 }
hosts:
  - { name: vm, count: 4, on: hypervisors, profile: linux }
traffic:
  - { name: to-vm-1, from: gateway, to: vm-1, rate: 100pps, start: 1s }
migrations:
  - { vm: vm-1, to: hv-2, at: 10s, timing: { downtime: 200ms } }
variants:
  - { name: none, remedies: [{ kind: none }] }
  - { name: garp, remedies: [{ kind: guest-garp, count: 3, interval: 100ms }] }
`, 'two-variants.yaml');

describe('ModelRun', () => {
  it('the built-in observers schedule nothing: the kernel runs exactly the events of a bare run', () => {
    // migration-none: no announcement, so switch entries stay stale until they age out, which the
    // staleness observer must find from the trace alone.
    const scenario = loadScenarioFile(`${SCENARIOS}migration-none.yaml`);
    const observed = new ModelRun(buildModel(scenario), 'observed');
    const result = observed.finish();
    expect(Object.keys(result.migrations[0]!.staleMs).length).toBeGreaterThan(0);
    const bare = buildModel(scenario);
    bare.kernel.run({ until: scenario.duration });
    expect(observed.model.kernel.counters).toEqual(bare.kernel.counters);
  });

  it('any slicing gives the same result, and the clock ends at the duration', () => {
    const whole = runScenarioRun(VARIANTS, 'none');
    const run = new ModelRun(buildModel(VARIANTS, VARIANTS.runs[0]!), 'none');
    let slices = 0;
    for (let i = 0; !run.done; i++) {
      run.advance(i % 2 === 0 ? { maxEvents: 997 } : { until: run.now + 1_234_567_891 });
      slices++;
    }
    expect(slices).toBeGreaterThan(10);
    expect(run.now).toBe(VARIANTS.duration);
    expect(JSON.stringify(run.finish())).toBe(JSON.stringify(whole.result));
    expect(run.events).toBe(whole.events);
  });

  it('one run on its own (by index or name, with a seed) gives the scenario\'s run, and its events add up', () => {
    const all = runScenario(VARIANTS, { seed: 5 });
    const each = [runScenarioRun(VARIANTS, 0, { seed: 5 }), runScenarioRun(VARIANTS, 'garp', { seed: 5 })];
    expect(each.map((r) => JSON.stringify(r.result))).toEqual(all.runs.map((r) => JSON.stringify(r)));
    expect(each[0]!.events + each[1]!.events).toBe(all.events);
    expect(() => runScenarioRun(VARIANTS, 'nope')).toThrow(/no run "nope".*none, garp/);
    // The two variants really differ: the remedy shortens the black hole.
    expect(all.runs[1]!.migrations[0]!.blackHoleMs.gatewayToVm!).toBeLessThan(all.runs[0]!.migrations[0]!.blackHoleMs.gatewayToVm!);
    expect(resultJson(all)).toBe(resultJson(runScenario(VARIANTS, { seed: 5 })));
  });

  it('a caller\'s observers are made for every run before its first event and told when it ends', () => {
    const seen: string[] = [];
    const result = runScenario(VARIANTS, {
      observers: (model, run) => {
        let phases = 0;
        model.kernel.trace.on('migration-phase', () => phases++);
        return [{ finish: (m) => seen.push(`${run}:${m.run.name}:${phases}:${m.kernel.now}`) }];
      },
    });
    // Each run's one migration goes through start, pause and resume.
    expect(seen).toEqual(result.runs.map((r, i) => `${i}:${r.name}:3:${VARIANTS.duration}`));
  });
});
