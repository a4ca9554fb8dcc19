/**
 * The built-in default comparison (`arpshift run` with no scenario, what `npm start` shows), run
 * whole: every black hole checked against the value the scenario's own parameters imply — the
 * migration's pause and resume, the stream's packet interval, the 300 s MAC ageing, the controller's
 * latency, QEMU's announce schedule and the congestion window on the destination's uplink.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { qemuAnnounceTimes } from '../../src/migration/index.js';
import type { MigrationResult } from '../../src/metrics/index.js';
import type { RunResult, ScenarioResult } from '../../src/run/index.js';
import { runScenario } from '../../src/run/index.js';
import type { RunSpec, Scenario } from '../../src/scenario/index.js';
import { defaultScenario } from '../../src/scenario/index.js';

const MS = 1e6;
let scenario: Scenario;
let result: ScenarioResult;

beforeAll(() => {
  scenario = defaultScenario();
  result = runScenario(scenario);
}, 120_000);

function runNamed(name: string): { spec: RunSpec; run: RunResult; migration: MigrationResult } {
  const i = scenario.runs.findIndex((r) => r.name === name);
  expect(i, `run ${name}`).toBeGreaterThanOrEqual(0);
  const run = result.runs[i]!;
  return { spec: scenario.runs[i]!, run, migration: run.migrations[0]! };
}

/** Parameters of the comparison, read from the scenario. */
function parameters(): { pause: number; resume: number; interval: number; firstSent: number; aging: number } {
  const m = scenario.runs[0]!.migrations[0]!;
  const stream = scenario.traffic.find((t) => t.from === 'gateway' && t.to === m.vm)!;
  return {
    pause: m.schedule.pauseAt,
    resume: m.schedule.resumeAt,
    interval: 1e9 / stream.rate,
    firstSent: stream.start,
    aging: scenario.fabric.macAgingTime,
  };
}

/** The black hole, in ms, that ends with the first packet sent at or after `repairedAt` (ns). */
function blackHoleUntil(repairedAt: number): number {
  const { pause, interval, firstSent } = parameters();
  // Packets leave at firstSent + k × interval; the last one delivered before the pause is the one
  // sent before it, and the first one after the repair is the next tick.
  const lastBefore = firstSent + Math.floor((pause - firstSent - 1) / interval) * interval;
  const firstAfter = firstSent + Math.ceil((repairedAt - firstSent) / interval) * interval;
  return (firstAfter - lastBefore) / MS;
}

describe('the default comparison', () => {
  it('has the runs its table shows: five strategies, each clean and congested, one migration each', () => {
    expect(result.runs.map((r) => r.name)).toEqual(scenario.runs.map((r) => r.name));
    for (const r of result.runs) {
      expect(r.migrations).toHaveLength(1);
      expect(r.migrations[0]!.downtimeMs).toBe((parameters().resume - parameters().pause) / MS);
    }
  });

  it('none: the stream follows the stale entries until they age out, 300 s after the VM last sent (its ARP reply when the stream began)', () => {
    const { migration } = runNamed('none');
    const { firstSent, aging } = parameters();
    const expected = blackHoleUntil(firstSent + aging);
    expect(migration.blackHoleMs.gatewayToVm).toBeGreaterThanOrEqual(expected - 0.1);
    expect(migration.blackHoleMs.gatewayToVm).toBeLessThanOrEqual(expected + parameters().interval / MS + 0.1);
    expect(migration.repaired.gatewayToVm).toBe(true);
    // The packets that went to the old place are lost there, not to the downtime.
    expect(migration.lostPackets['old-location']).toBeGreaterThan(1000);
    // The old leaf and the spine the stream crossed point at the old place until the entries age out;
    // the gateway's leaf already points at a spine, the right way for the new place too.
    const afterResume = migration.afterResumeMs.gatewayToVm!;
    for (const sw of ['leaf-2', 'spine-1']) {
      expect(migration.staleMs[sw], sw).toBeGreaterThan(afterResume - parameters().interval / MS);
      expect(migration.staleMs[sw], sw).toBeLessThanOrEqual(afterResume);
    }
    expect(migration.staleMs['leaf-1'] ?? 0).toBe(0);
  });

  it.each(['guest-garp', 'rarp', 'qemu-announce'])('%s: the first announcement at the resume fixes every switch; the black hole is the downtime plus at most one packet interval', (name) => {
    const { migration } = runNamed(name);
    const { resume } = parameters();
    expect(migration.blackHoleMs.gatewayToVm).toBeGreaterThanOrEqual(blackHoleUntil(resume) - 0.1);
    expect(migration.blackHoleMs.gatewayToVm).toBeLessThanOrEqual(blackHoleUntil(resume) + 0.1);
    expect(migration.afterResumeMs.gatewayToVm).toBeLessThanOrEqual(parameters().interval / MS);
    expect(migration.lostPackets['old-location']).toBe(0);
  });

  it('controller: the push lands its latency after the resume', () => {
    const { spec, migration } = runNamed('controller');
    const remedy = spec.migrations[0]!.remedies[0]!;
    expect(remedy.kind).toBe('controller');
    const latency = remedy.kind === 'controller' ? remedy.latency : 0;
    const expected = blackHoleUntil(parameters().resume + latency);
    expect(migration.blackHoleMs.gatewayToVm).toBeGreaterThanOrEqual(expected - 0.1);
    expect(migration.blackHoleMs.gatewayToVm).toBeLessThanOrEqual(expected + 0.1);
    // The switches that pointed at the old place are corrected by the push itself, exactly then.
    expect(Object.keys(migration.staleMs).sort()).toEqual(['leaf-2', 'spine-1']);
    for (const stale of Object.values(migration.staleMs)) expect(stale).toBe(latency / MS);
  });

  it('every remedy shortens the black hole of the clean run by more than 99 %', () => {
    const none = runNamed('none').migration.blackHoleMs.gatewayToVm!;
    for (const name of ['guest-garp', 'rarp', 'qemu-announce', 'controller']) {
      expect(runNamed(name).migration.blackHoleMs.gatewayToVm!, name).toBeLessThan(none / 100);
    }
  });

  describe('under congestion on the destination uplink', () => {
    const window = (spec: RunSpec): { start: number; end: number } => {
      const w = spec.loss[0]!.congestion[0]!;
      return { start: w.start, end: w.end };
    };

    it('guest GARP ×3 and the single RARP fall inside the burst: the black hole is the no-remedy one', () => {
      const none = runNamed('none-congested').migration.blackHoleMs.gatewayToVm!;
      for (const name of ['guest-garp-congested', 'rarp-congested']) {
        const { spec, migration } = runNamed(name);
        const remedy = spec.migrations[0]!.remedies[0]!;
        const resume = parameters().resume;
        const lastAnnouncement = remedy.kind === 'guest-garp' ? resume + (remedy.count - 1) * remedy.interval
          : remedy.kind === 'rarp' ? resume + (remedy.count - 1) * remedy.interval : Infinity;
        expect(lastAnnouncement, `${name}: the scenario puts its whole train inside the burst`).toBeLessThan(window(spec).end);
        expect(migration.blackHoleMs.gatewayToVm, name).toBe(none);
      }
    });

    it('QEMU\'s schedule: the first round after the burst repairs', () => {
      const { spec, migration } = runNamed('qemu-announce-congested');
      const remedy = spec.migrations[0]!.remedies[0]!;
      expect(remedy.kind).toBe('qemu-announce');
      if (remedy.kind !== 'qemu-announce') return;
      const resume = parameters().resume;
      const firstAfter = qemuAnnounceTimes(remedy.initial, remedy.max, remedy.rounds, remedy.step)
        .map((t) => resume + t)
        .find((t) => t >= window(spec).end)!;
      const expected = blackHoleUntil(firstAfter);
      expect(migration.blackHoleMs.gatewayToVm).toBeGreaterThanOrEqual(expected - 0.1);
      expect(migration.blackHoleMs.gatewayToVm).toBeLessThanOrEqual(expected + 0.1);
    });

    it('controller: its push is not a frame and survives, but the stream is lost on the uplink until the burst ends', () => {
      const { spec, migration } = runNamed('controller-congested');
      const expected = blackHoleUntil(window(spec).end);
      expect(migration.blackHoleMs.gatewayToVm).toBeGreaterThanOrEqual(expected - 0.1);
      expect(migration.blackHoleMs.gatewayToVm).toBeLessThanOrEqual(expected + parameters().interval / MS + 0.1);
      expect(migration.lostPackets['queue-or-link']).toBeGreaterThan(0);
    });
  });

  it('counts what each strategy sent: three gratuitous ARPs, one RARP, QEMU\'s five rounds', () => {
    expect(runNamed('guest-garp').run.arp.gratuitous).toBe(3);
    expect(runNamed('rarp').run.arp.rarp).toBe(1);
    expect(runNamed('qemu-announce').run.arp.rarp).toBe(5);
    expect(runNamed('none').run.arp.gratuitous + runNamed('none').run.arp.rarp).toBe(0);
    // Without a remedy the stream floods as unknown unicast once the stale entries age out.
    expect(runNamed('none').run.unknownUnicastFloods).toBeGreaterThan(runNamed('guest-garp').run.unknownUnicastFloods);
  });
});
