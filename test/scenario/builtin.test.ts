/**
 * The built-in default scenario: its text is scenarios/default-comparison.yaml byte for byte, it
 * validates, and it is the comparison the design promises: a leaf-spine data center with a few
 * hundred VMs on hypervisors, one VM migrated while the gateway sends it traffic, and variants
 * comparing no remedy, guest GARP ×3, RARP, QEMU's schedule and a controller push, each without loss
 * and under a congestion window on the destination hypervisor's uplink that covers the first
 * announcements. Every expectation is computed from the scenario's own settings.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { qemuAnnounceTimes } from '../../src/migration/index.js';
import type { RemedySpec } from '../../src/migration/index.js';
import { DEFAULT_SCENARIO_YAML, defaultScenario, scenarioLayout } from '../../src/scenario/index.js';

const FILE = fileURLToPath(new URL('../../scenarios/default-comparison.yaml', import.meta.url));

/** Send times, relative to the resume, of the announcements that travel through the data plane. */
function announcementTimes(r: RemedySpec): number[] {
  switch (r.kind) {
    case 'guest-garp':
    case 'guest-na':
    case 'rarp':
      return Array.from({ length: r.count }, (_, i) => i * r.interval);
    case 'qemu-announce':
      return qemuAnnounceTimes(r.initial, r.max, r.rounds, r.step);
    default:
      return [];
  }
}

describe('the built-in default scenario', () => {
  const s = defaultScenario();
  const layout = scenarioLayout(s);

  it('is the text of scenarios/default-comparison.yaml, exactly', () => {
    expect(DEFAULT_SCENARIO_YAML).toBe(readFileSync(FILE, 'utf8'));
    expect(defaultScenario()).toBe(s);
  });

  it('is a small leaf-spine data center with a few hundred VMs on hypervisors, simulated for 60 to 400 s', () => {
    expect(s.fabric).toMatchObject({ kind: 'leaf-spine', leaves: 4, spines: 2 });
    expect(s.hypervisors?.count).toBe(16);
    const vms = [...layout.hosts()].filter((h) => h.hypervisor !== null).length;
    expect(vms).toBeGreaterThanOrEqual(200);
    expect(vms).toBeLessThanOrEqual(400);
    expect(s.duration).toBeGreaterThanOrEqual(60e9);
    expect(s.duration).toBeLessThanOrEqual(400e9);
  });

  it('migrates one VM to another leaf while the gateway sends it traffic', () => {
    expect(s.migrations.length).toBe(1);
    const m = s.migrations[0]!;
    const edgeOf = (hv: string) => layout.hypervisors.find((h) => h.name === hv)!.edge;
    expect(edgeOf(m.from)).not.toBe(edgeOf(m.to));
    const flow = s.traffic.find((f) => f.from === 'gateway' && f.to === m.vm)!;
    expect(flow.start).toBeLessThan(m.schedule.pauseAt);
    expect(flow.stop).toBeGreaterThan(m.schedule.resumeAt);
    expect(m.schedule.resumeAt).toBeLessThan(s.duration);
  });

  it('compares none, guest GARP ×3, RARP, QEMU\'s schedule and a controller push, each clean and congested', () => {
    const kinds = (r: RemedySpec[] | readonly RemedySpec[]) => r.map((x) => x.kind).join('+');
    const clean = s.runs.filter((r) => r.loss.length === 0);
    const congested = s.runs.filter((r) => r.loss.length > 0);
    expect(clean.map((r) => kinds(r.remedies)).sort()).toEqual(['controller', 'guest-garp', 'none', 'qemu-announce', 'rarp']);
    expect(clean.find((r) => kinds(r.remedies) === 'guest-garp')!.remedies[0]).toMatchObject({ count: 3 });
    // Each strategy once more, under congestion, with the same remedies.
    expect(congested.map((r) => r.remedies).sort((a, b) => kinds(a).localeCompare(kinds(b)))).toEqual(clean.map((r) => r.remedies).sort((a, b) => kinds(a).localeCompare(kinds(b))));
    expect(new Set(s.runs.map((r) => r.name)).size).toBe(s.runs.length);
    for (const r of s.runs) {
      expect(r.seed).toBe(s.seed);
      expect(r.migrations[0]!.remedies).toEqual(r.remedies);
    }
  });

  it('congests the destination hypervisor\'s uplink over the first announcements of every strategy', () => {
    const m = s.migrations[0]!;
    for (const run of s.runs.filter((r) => r.loss.length > 0)) {
      expect(run.loss.map((l) => l.links)).toEqual([`${m.to}:p1`]);
      const [w] = run.loss[0]!.congestion;
      expect(w!.load).toBe(1);
      expect(w!.start).toBeLessThanOrEqual(m.schedule.resumeAt);
      const times = announcementTimes(run.remedies[0]!).map((t) => m.schedule.resumeAt + t);
      // The first announcement falls into the window ...
      if (times.length > 0) expect(times[0]!).toBeLessThan(w!.end);
      // ... and so does every GARP of the burst; QEMU's later rounds get through.
      if (run.remedies[0]!.kind === 'guest-garp') for (const t of times) expect(t).toBeLessThan(w!.end);
      if (run.remedies[0]!.kind === 'qemu-announce') expect(times.some((t) => t >= w!.end)).toBe(true);
    }
  });
});
