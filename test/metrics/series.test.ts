/**
 * A run's time series (the result's `series`, for the HTML report) agree with the run's own result
 * and with the scenario's parameters, and recording them changes nothing else in the result.
 */

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, runScenario } from '../../src/index.js';

const GARP = fileURLToPath(new URL('../../scenarios/migration-guest-garp.yaml', import.meta.url));

describe('run series', () => {
  const scenario = loadScenarioFile(GARP);
  const plain = runScenario(scenario);
  const withSeries = runScenario(scenario, { series: true });
  const run = withSeries.runs[0]!;
  const series = run.series!;
  const m = run.migrations[0]!;

  it('leave the rest of the result as it was', () => {
    const { series: _s, ...rest } = run;
    expect(JSON.stringify({ ...withSeries, runs: [rest] })).toBe(JSON.stringify(plain));
  });

  it('follow the first migration: its VM, places and pause', () => {
    expect(series.migration).toMatchObject({ vm: m.vm, from: m.from, to: m.to, startS: m.startS });
    expect(series.migration!.resumeS - series.migration!.pauseS).toBeCloseTo(m.downtimeMs / 1000, 9);
    expect(series.fabric.before[0]).toBe('gateway');
    expect(series.fabric.before.at(-1)).toBe(m.from);
    expect(series.fabric.after.at(-1)).toBe(m.to);
  });

  it('count the measured flow\'s packets as the result does', () => {
    const flow = run.flows.find((f) => f.name === m.measuredFlows.gatewayToVm)!;
    const segs = series.deliveries.filter((d) => d.direction === 'gatewayToVm');
    const sum = (outcome: string): number => segs.filter((d) => d.outcome === outcome).reduce((n, d) => n + d.packets, 0);
    expect(sum('delivered')).toBe(flow.delivered);
    expect(sum('lost')).toBe(Object.values(flow.lost).reduce((a, b) => a + b, 0));
    expect(segs.every((d) => d.flow === flow.name)).toBe(true);
  });

  it('show the VM\'s edge switch pointing at the old place until the resume, then at the new one', () => {
    const leaf = series.entries.filter((e) => e.node === 'leaf-2');
    const old = leaf.find((e) => e.points === 'old')!;
    const neu = leaf.find((e) => e.points === 'new')!;
    expect(old.toS).toBe(neu.fromS);
    // The guest's first gratuitous ARP at the resume teaches it, a link or two later.
    expect(neu.fromS).toBeGreaterThanOrEqual(series.migration!.resumeS);
    expect(neu.fromS - series.migration!.resumeS).toBeLessThan(0.001);
  });

  it('mark the guest\'s gratuitous ARPs, as many as its remedy sends', () => {
    const remedy = scenario.remedies[0]!;
    expect(remedy.kind).toBe('guest-garp');
    const garps = series.messages.filter((x) => x.node === m.vm && x.form === 'announcement');
    expect(garps).toHaveLength(remedy.kind === 'guest-garp' ? remedy.count : -1);
    expect(garps[0]!.timeS).toBe(series.migration!.resumeS);
  });

  it('bin the load per second, summing to the result\'s totals', () => {
    expect(series.load.binS).toBe(1);
    expect(series.load.bins).toHaveLength(scenario.duration / 1e9);
    const total = (k: 'broadcastFrames' | 'resolutionMessages'): number => series.load.bins.reduce((n, b) => n + b[k], 0);
    expect(total('broadcastFrames')).toBe(run.broadcastFramesReceived);
    const sent = Object.values(run.arp).reduce((a, b) => a + b, 0) + run.nd.ns + run.nd.na + run.nd.dadNs;
    expect(total('resolutionMessages')).toBe(sent);
    expect(Math.max(...series.load.bins.map((b) => b.peakPerHost))).toBe(run.broadcastPerHostPeakPps);
  });
});
