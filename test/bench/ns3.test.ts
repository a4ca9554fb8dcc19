import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnchorScenario, Ns3AnchorOutput } from '../../bench/ns3.js';
import {
  ANCHOR_COUNTER_NAMES,
  anchorCounters,
  checkNs3Anchor,
  median,
  ns3Plan,
  parseNs3AnchorOutput,
  parseNs3Sizes,
  racksFor,
  runNs3Anchor,
} from '../../bench/ns3.js';
import { startTimesNs } from '../../bench/start-times.js';

/**
 * What ns-3 3.37 (the Debian package) measured on the anchor scenarios, as the scenarios' description
 * publishes it: events, endpoint frames, link frames, backoffs and queue drops.
 */
const PUBLISHED = [
  { scenario: 'storm', hosts: 100, events: 44_919, endpointFrames: 10_200, linkFrames: 11_000, backoffs: 200, queueDrops: 0 },
  { scenario: 'storm', hosts: 1000, events: 4_137_258, endpointFrames: 1_002_000, linkFrames: 1_032_000, backoffs: 2151, queueDrops: 0 },
  { scenario: 'storm', hosts: 4000, events: 65_762_911, endpointFrames: 16_008_000, linkFrames: 16_428_000, backoffs: 22_504, queueDrops: 0 },
  { scenario: 'storm', hosts: 10000, events: 411_032_151, endpointFrames: 100_020_000, linkFrames: 102_570_000, backoffs: 681_144, queueDrops: 0 },
  { scenario: 'steady', hosts: 1000, events: 17_264_259, endpointFrames: 2_002_000, linkFrames: 4_032_000, backoffs: 129_151, queueDrops: 0 },
  { scenario: 'steady', hosts: 10000, events: 546_614_985, endpointFrames: 109_127_567, linkFrames: 131_677_567, backoffs: 9_833_709, queueDrops: 892_433 },
] as const;

/** A run's output as the program prints it, every counter what the scenario implies. */
function consistentOutput(scenario: AnchorScenario, hosts: number, backoffs: number, queueDrops: number): Ns3AnchorOutput {
  const counters = anchorCounters(scenario, hosts, backoffs, queueDrops);
  const sum = startTimesNs(hosts, 1).reduce((a, b) => a + b, 0);
  const warmup = { ...anchorCounters('storm', hosts, 2 * hosts + 7, 0) } as Record<string, number>;
  delete warmup.events;
  return {
    simulator: 'ns-3', ns3Version: '3.37', scenario, hosts, racks: racksFor(hosts), seed: 1, startNsSum: sum,
    simulatedSeconds: scenario === 'storm' ? 2 : 12.01, frameCounters: true, counters: { ...counters },
    ...(scenario === 'steady' ? { warmup: warmup as unknown as Ns3AnchorOutput['counters'] } : {}),
    buildSeconds: 0.03, runSeconds: 0.05, destroySeconds: 0.001, wallSeconds: 0.081, peakRssKiB: 18_000,
  };
}

/** The same output with the per-frame counters left out, as with --frameCounters=0. */
function withoutFrameCounters(out: Ns3AnchorOutput): Ns3AnchorOutput {
  const keep = (c: Record<string, number | undefined>, events: boolean) => ({
    udpSent: c.udpSent!, udpDelivered: c.udpDelivered!, ...(events ? { events: c.events! } : {}),
  });
  return {
    ...out,
    frameCounters: false,
    counters: keep(out.counters, true) as Ns3AnchorOutput['counters'],
    ...(out.warmup ? { warmup: keep(out.warmup, false) as Ns3AnchorOutput['counters'] } : {}),
  };
}

describe('anchor counters', () => {
  it('reproduce the published ns-3 figures from the scenario and the measured backoffs and drops', () => {
    for (const row of PUBLISHED) {
      const c = anchorCounters(row.scenario, row.hosts, row.backoffs, row.queueDrops);
      expect({ events: c.events, endpointFrames: c.endpointFrames, linkFrames: c.linkFrames }, `${row.scenario} ${row.hosts}`)
        .toEqual({ events: row.events, endpointFrames: row.endpointFrames, linkFrames: row.linkFrames });
    }
  });

  it('put 100 hosts in 3 racks and 1,000, 4,000, 10,000 in racks of 40', () => {
    expect([100, 1000, 4000, 10000].map(racksFor)).toEqual([3, 25, 100, 250]);
  });
});

describe('checkNs3Anchor', () => {
  it('accepts runs whose counters all agree, with and without frame counters', () => {
    for (const out of [consistentOutput('storm', 100, 200, 0), consistentOutput('steady', 1000, 129_151, 0), consistentOutput('steady', 40, 90, 12)]) {
      expect(checkNs3Anchor(out)).toEqual([]);
      expect(checkNs3Anchor(withoutFrameCounters(out))).toEqual([]);
    }
  });

  it('names every counter that disagrees', () => {
    const good = consistentOutput('storm', 100, 200, 0);
    for (const name of ANCHOR_COUNTER_NAMES) {
      const bad = { ...good, counters: { ...good.counters, [name]: good.counters[name]! + 1 } };
      // The backoffs are an input of the event count: one more backoff than events allow shows there.
      expect(checkNs3Anchor(bad).join('\n'), name).toContain(name === 'backoffs' ? 'events: 44919, expected 44920' : `${name}: `);
    }
  });

  it('finds a wrong count from the events alone when frame counters were off', () => {
    const out = withoutFrameCounters(consistentOutput('storm', 100, 200, 0));
    // 2N backoffs is the least a storm can have: 199 means events are missing.
    expect(checkNs3Anchor({ ...out, counters: { ...out.counters, events: out.counters.events - 2 } })).toEqual(['backoffs: 198, expected at least 200']);
    expect(checkNs3Anchor({ ...out, counters: { ...out.counters, udpDelivered: 99 } }).join('\n')).toContain('expected 0 in a storm');
  });

  it('rejects drops in a storm, a missing warm-up, other start times, too few backoffs', () => {
    expect(checkNs3Anchor(consistentOutput('storm', 100, 200, 3)).join('\n')).toContain('queueDrops: 3, expected 0 in a storm');
    const steady = consistentOutput('steady', 1000, 129_151, 0);
    const { warmup: _warmup, ...noWarmup } = steady;
    expect(checkNs3Anchor(noWarmup)).toEqual(['warmup: missing from a steady run']);
    expect(checkNs3Anchor({ ...steady, seed: 2 }).join('\n')).toContain('startNsSum');
    expect(checkNs3Anchor(consistentOutput('storm', 100, 150, 0))).toEqual(['backoffs: 150, expected at least 200']);
  });
});

describe('parseNs3AnchorOutput', () => {
  const out = consistentOutput('steady', 1000, 129_151, 0);

  it('reads the one JSON line the program prints', () => {
    expect(parseNs3AnchorOutput(`${JSON.stringify(out)}\n`)).toEqual(out);
    expect(parseNs3AnchorOutput(JSON.stringify(withoutFrameCounters(out)))).toEqual(withoutFrameCounters(out));
  });

  it('rejects anything else with the place of the first problem', () => {
    expect(() => parseNs3AnchorOutput('')).toThrow('expected one JSON line, got 0');
    expect(() => parseNs3AnchorOutput(`${JSON.stringify(out)}\n${JSON.stringify(out)}`)).toThrow('got 2');
    expect(() => parseNs3AnchorOutput('{"simulator":')).toThrow('not JSON');
    const { udpSent: _udpSent, ...noUdp } = out.counters;
    expect(() => parseNs3AnchorOutput(JSON.stringify({ ...out, counters: noUdp }))).toThrow('counters.udpSent');
    expect(() => parseNs3AnchorOutput(JSON.stringify({ ...out, counters: { ...out.counters, backoffs: -1 } }))).toThrow('counters.backoffs');
    expect(() => parseNs3AnchorOutput(JSON.stringify({ ...out, extra: 1 }))).toThrow('extra');
    expect(() => parseNs3AnchorOutput(JSON.stringify({ ...out, scenario: 'burst' }))).toThrow('scenario');
  });
});

describe('--ns3-sizes and the plan', () => {
  it('takes anchor sizes, sorted, without repeats', () => {
    expect(parseNs3Sizes('100,1000')).toEqual([100, 1000]);
    expect(parseNs3Sizes(' 10000, 100,100 ')).toEqual([100, 10000]);
  });

  it('rejects what is not an anchor size', () => {
    for (const text of ['', '50', '100,', 'abc', '1e3', '-100', '100.0']) {
      expect(() => parseNs3Sizes(text), text).toThrow('--ns3-sizes');
    }
  });

  it('runs each scenario at the sizes it is defined for', () => {
    expect(ns3Plan([10000, 100, 1000])).toEqual([
      { scenario: 'storm', hosts: 100 },
      { scenario: 'storm', hosts: 1000 },
      { scenario: 'steady', hosts: 1000 },
      { scenario: 'storm', hosts: 10000 },
      { scenario: 'steady', hosts: 10000 },
    ]);
    expect(ns3Plan([4000])).toEqual([{ scenario: 'storm', hosts: 4000 }]);
  });

  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('runNs3Anchor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arpshift-ns3-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for the compiled program: a script that records its arguments and prints `stdout`. */
  function fakeProgram(name: string, stdout: string, exitCode = 0): string {
    const path = join(dir, name);
    writeFileSync(join(dir, `${name}.out`), stdout);
    writeFileSync(path, `#!/bin/sh\necho "$@" > "${path}.args"\ncat "${path}.out"\necho oops >&2\nexit ${exitCode}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('passes the spec as arguments and returns the parsed output with the process time', async () => {
    const out = consistentOutput('storm', 100, 200, 0);
    const program = fakeProgram('good', `${JSON.stringify(out)}\n`);
    const run = await runNs3Anchor(program, { scenario: 'storm', hosts: 100 });
    expect(run).toMatchObject(out);
    expect(run.processSeconds).toBeGreaterThan(0);
    expect(readFileSync(`${program}.args`, 'utf8').trim()).toBe('--scenario=storm --hosts=100 --seed=1 --frameCounters=1');
  });

  it('rejects a failed run with its stderr, and an output for another spec', async () => {
    const out = consistentOutput('storm', 100, 200, 0);
    await expect(runNs3Anchor(fakeProgram('fails', '', 3), { scenario: 'storm', hosts: 100 })).rejects.toThrow('failed (exit 3): oops');
    await expect(runNs3Anchor(fakeProgram('other', JSON.stringify(out)), { scenario: 'storm', hosts: 1000 })).rejects.toThrow('reports storm with 100 hosts');
    await expect(runNs3Anchor(fakeProgram('counters', JSON.stringify(out)), { scenario: 'storm', hosts: 100, frameCounters: false })).rejects.toThrow('frame counters on');
    await expect(runNs3Anchor(fakeProgram('garbage', 'Segmentation fault?\n'), { scenario: 'storm', hosts: 100 })).rejects.toThrow('not JSON');
  });
});
