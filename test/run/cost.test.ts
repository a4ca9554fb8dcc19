/**
 * The cost estimate: close to what runs really cost (checked against the events the example
 * scenarios execute), and what cannot finish here is refused before it runs, at the setting to
 * blame, unless forced. And the bounds that make physical sense, which validation applies.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorScenarioYaml } from '../../bench/anchor-scenario.js';
import { massMigrationYaml } from '../../bench/mass-migration.js';
import type { CostEstimate } from '../../src/run/index.js';
import { BUILD_SECONDS_PER_HOST, BYTES_PER_HOST, BYTES_PER_SWITCH_PORT, CACHED_STATIONS, DELIVERIES_PER_SECOND, DELIVERIES_PER_SECOND_LARGE, EVENTS_PER_SECOND, SWITCH_FLOODS_PER_SECOND, ScenarioCostError, WARN_SECONDS, costIssues, costWarning, defaultCostLimits, estimateCost, runScenario, runScenarioAsync, runScenarioRun, runsAtOnce } from '../../src/run/index.js';
import { applyOverrides, loadScenario, loadScenarioFile, parseOverride } from '../../src/scenario/index.js';
import { issuesOf } from '../scenario/helpers.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const GARP = `${SCENARIOS}migration-guest-garp.yaml`;

const withSets = (file: string, ...sets: string[]): ReturnType<typeof loadScenario> =>
  loadScenario(applyOverrides(readFileSync(file, 'utf8'), sets.map(parseOverride)), file);

describe('the cost estimate', () => {
  it.each(['migration-guest-garp.yaml', 'migration-many.yaml', 'dual-stack.yaml', 'migration-none.yaml'])('is within a factor of three of the events %s executes', (file) => {
    const scenario = loadScenarioFile(`${SCENARIOS}${file}`);
    const events = runScenario(scenario).events;
    const estimate = estimateCost(scenario).work;
    expect(estimate).toBeGreaterThan(events / 3);
    expect(estimate).toBeLessThan(events * 3);
  });

  it('grows with the rate, the pairs and the runs as they do', () => {
    const one = estimateCost(withSets(GARP)).workItems.find((i) => i.path.join('.') === 'traffic.0.rate')!;
    const ten = estimateCost(withSets(GARP, 'traffic.0.rate=500pps')).workItems.find((i) => i.path.join('.') === 'traffic.0.rate')!;
    expect(ten.amount).toBeCloseTo(one.amount * 10, 6);
    expect(one.what).toMatch(/^50 packets\/s × 59 s × 1 pair, in 1 run$/);
  });

  it('counts the pairs of a flow between two hosts of one group, and between a group and one of its hosts', () => {
    const pairs = (from: string, to: string): string => {
      const yaml = `name: pairs\nduration: 10s\nfabric: { kind: leaf-spine, leaves: 1, spines: 1, hostPortsPerEdge: 8 }\nsubnet: { ipv4: 10.0.0.0/8 }\nhosts: [{ name: h, count: 4 }]\ntraffic: [{ name: t, kind: udp, from: ${from}, to: ${to}, rate: 10pps }]\n`;
      return estimateCost(loadScenario(yaml, 'pairs.yaml')).workItems.find((i) => i.path.join('.') === 'traffic.0.rate')!.what;
    };
    // Two different hosts of one group: one pair, not none.
    expect(pairs('h-1', 'h-2')).toMatch(/ × 1 pair, in 1 run$/);
    // A group to one of its hosts: every other host of it.
    expect(pairs('h', 'h-2')).toMatch(/ × 3 pairs, in 1 run$/);
    expect(pairs('h-1', 'h')).toMatch(/ × 3 pairs, in 1 run$/);
  });
});

describe('a scenario that cannot finish here', () => {
  it('is refused before it runs, at the setting that costs most; force runs it anyway', async () => {
    const heavy = withSets(GARP, 'traffic.0.rate=5000000pps');
    const issues = costIssues(heavy);
    expect(issues.map((i) => i.path.join('.'))).toEqual(['traffic.0.rate']);
    expect(issues[0]!.expected).toMatch(/--force/);
    const started = performance.now();
    expect(() => runScenario(heavy)).toThrow(ScenarioCostError);
    expect(() => runScenarioRun(heavy, 0)).toThrow(ScenarioCostError);
    expect(performance.now() - started).toBeLessThan(2_000);
    // With force it runs (and an abort stops it within a slice).
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('enough')), 300);
    await expect(runScenarioAsync(heavy, { force: true, signal: abort.signal })).rejects.toThrow('enough');
    // Within the limits, nothing is refused.
    expect(costIssues(loadScenarioFile(GARP))).toEqual([]);
    const light = withSets(GARP, 'duration=30s');
    expect(costIssues(light, estimateCost(light), { seconds: 0.001, memory: defaultCostLimits().memory })).toHaveLength(1);
  });

  it('that needs more memory than the heap is refused at its biggest host group', () => {
    const many = withSets(GARP, 'subnet.ipv4=10.0.0.0/8', 'hosts.0.count=16000000');
    const issues = costIssues(many);
    expect(issues.map((i) => i.path.join('.'))).toEqual(['hosts.0.count']);
    expect(issues[0]!.expected).toMatch(/heap/);
  });

  it('is refused by `arpshift run` with a located error and exit 2, before any output file exists', () => {
    const r = spawnSync(process.execPath, [CLI, 'run', '--quiet', GARP, '--set', 'traffic.0.rate=5000000pps', '--out', '/nonexistent-dir/x.json'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/migration-guest-garp\.yaml:\d+:\d+: traffic\[0\]\.rate: expected a scenario this machine can run: .*--force/);
  });
});

describe('bounds that make physical sense', () => {
  const base = 'name: b\nfabric: { leaves: 2, spines: 1 }\nsubnet: { ipv4: 198.18.0.0/24 }\nhypervisors: { count: 2 }\nhosts: [{ name: vm, count: 2, on: hypervisors }]\n';

  it('a flow faster than its access link carries is refused; one at line rate is not', () => {
    // 64-byte datagrams: 64 + 8 + 20 + 14 + 4 + 8 + 12 = 130 bytes on the wire, 10 Gbit/s access links.
    const lineRate = Math.floor(10e9 / (130 * 8));
    expect(issuesOf(`${base}traffic: [{ from: gateway, to: vm-1, rate: ${lineRate + 1}, size: 64 }]\n`).map((i) => i.path)).toEqual(['traffic[0].rate']);
    expect(() => loadScenario(`${base}traffic: [{ from: gateway, to: vm-1, rate: ${lineRate}, size: 64 }]\n`, 'ok.yaml')).not.toThrow();
  });

  it('a keepalive more often than every millisecond is refused', () => {
    const moves = 'migrations: [{ vm: vm-1, to: hv-2, at: 1s }]\n';
    expect(issuesOf(`${base}${moves}remedies: [{ kind: keepalive, interval: 1ns }]\n`).map((i) => `${i.path}: ${i.message}`)).toEqual(['remedies[0].interval: expected a duration of at least 1ms, found "1ns"']);
    expect(() => loadScenario(`${base}${moves}remedies: [{ kind: keepalive, interval: 1ms }]\n`, 'ok.yaml')).not.toThrow();
  });

  it('a spanning-tree bridge with more ports than its 12-bit port numbers allow is refused at the setting', () => {
    // A leaf has its host ports and one uplink per spine.
    const issues = issuesOf('name: p\nfabric: { leaves: 2, spines: 2, bridging: rstp, hostPortsPerEdge: 4094 }\n');
    expect(issues.map((i) => i.path)).toEqual(['fabric.hostPortsPerEdge']);
    expect(issues[0]!.message).toMatch(/at most 4093 host ports/);
    expect(() => loadScenario('name: p\nfabric: { leaves: 2, spines: 2, bridging: rstp, hostPortsPerEdge: 4093 }\n', 'ok.yaml')).not.toThrow();
    // Without a spanning tree there is no port identifier to overflow.
    expect(() => loadScenario('name: p\nfabric: { leaves: 2, spines: 2, bridging: spb, hostPortsPerEdge: 4096 }\n', 'ok.yaml')).not.toThrow();
  });
});

describe('the warning before a long run, with runs at once', () => {
  // 8 minutes of work over every run, most of it from one item.
  const estimate: CostEstimate = {
    work: 4_000_000, deliveries: 0, seconds: 480, memory: 0, memoryItems: [],
    workItems: [{ path: ['traffic', 0, 'rate'], what: 'the stream', amount: 4_000_000, seconds: 480 }],
  };

  it('says the wall time, the work divided by the runs that run at once, and the total beside it', () => {
    expect(costWarning(estimate)).toBe('this run will take about 8 min here (4,000,000 events and deliveries), most of it for the stream');
    expect(costWarning(estimate, 1)).toBe(costWarning(estimate));
    // 480 / 4 = 120 s.
    expect(costWarning(estimate, 4)).toBe('this run will take about 2 min here, 4 runs at a time (8 min of work over every run: 4,000,000 events and deliveries), most of it for the stream');
    // 480 / 10 = 48 s of wall time: below the warning's threshold.
    expect(480 / 10).toBeLessThanOrEqual(WARN_SECONDS);
    expect(costWarning(estimate, 10)).toBeUndefined();
  });

  it('counts the runs that really run at once: at most one per run, one with --jobs 1 or a single run', () => {
    const variants = loadScenario(`name: v\nhosts: [{ name: h, count: 2 }]\nvariants:\n  - { name: a }\n  - { name: b }\n  - { name: c }\n`, 'v.yaml');
    expect(variants.runs).toHaveLength(3);
    expect(runsAtOnce(variants, 8)).toBe(3);
    expect(runsAtOnce(variants, 2)).toBe(2);
    expect(runsAtOnce(variants, 1)).toBe(1);
    const single = loadScenario('name: one\nhosts: [{ name: h, count: 2 }]\n', 'one.yaml');
    expect(runsAtOnce(single, 4)).toBe(1);
  });
});

describe('what a large broadcast domain costs', () => {
  // The anchor storm (bench/anchor-scenario.ts): every host sends one datagram to the gateway, so each
  // resolves the gateway once, with a broadcast that reaches every other host and the gateway.
  it('counts a copy of each resolution broadcast per end station and a flood at every switch; a storm of 10,000 hosts is seconds', () => {
    const stations = (n: number): number => n + 1;
    // 40 hosts a leaf, one spine: a broadcast is flooded at every leaf and the spine.
    const switches = (n: number): number => n / 40 + 1;
    for (const n of [1000, 10_000]) {
      const estimate = estimateCost(loadScenario(anchorScenarioYaml('storm', n), `storm-${n}.yaml`));
      expect(estimate.deliveries).toBe(n * stations(n));
      const resolution = estimate.workItems.find((i) => i.path.join('.') === 'traffic.0.to')!;
      expect(resolution.amount).toBe(n * stations(n) + n * 2 * switches(n));
      expect(resolution.seconds).toBeCloseTo(n * (switches(n) / SWITCH_FLOODS_PER_SECOND + stations(n) / DELIVERIES_PER_SECOND), 9);
      expect(estimate.workItems[0]!.path).toEqual(['traffic', 0, 'to']);
      // Each copy a bystander only drops is counted in bulk: 10^8 copies are seconds, not minutes.
      expect(costWarning(estimate)).toBeUndefined();
      expect(costIssues(loadScenario(anchorScenarioYaml('storm', n), `storm-${n}.yaml`), estimate)).toEqual([]);
    }
  });

  it('costs datagrams, switch floods and copies at their own rates, the build per host, and memory per host, hypervisor and host port', () => {
    const vms = 10_000;
    const moves = 100;
    const estimate = estimateCost(loadScenario(massMigrationYaml(vms, moves, 100), 'mass.yaml'));
    // The benchmark's layout: 25 VMs per hypervisor, 40 hypervisors per leaf, 41 host ports per leaf, 4 spines.
    const hypervisors = Math.ceil(vms / 25);
    const leaves = Math.ceil(hypervisors / 40);
    const switches = leaves + 4 + hypervisors;
    const stations = vms + 1;
    // One guest GARP and one RARP per move, each a broadcast flooded at every switch to every station.
    const moved = estimate.workItems.find((i) => i.path.join('.') === 'migrations')!;
    expect(moved.seconds).toBeCloseTo(moves * 2 * (switches / SWITCH_FLOODS_PER_SECOND + stations / DELIVERIES_PER_SECOND), 9);
    const built = estimate.workItems.find((i) => i.path.join('.') === 'hosts')!;
    expect(built.seconds).toBeCloseTo((stations + hypervisors) * BUILD_SECONDS_PER_HOST, 9);
    // The gateway's datagrams to the sample: their events at the events' rate.
    const flow = estimate.workItems.find((i) => i.path.join('.') === 'traffic.0.rate')!;
    expect(flow.seconds).toBeCloseTo(flow.amount / EVENTS_PER_SECOND, 9);
    expect(estimate.memory).toBe((vms + hypervisors) * BYTES_PER_HOST + leaves * 41 * BYTES_PER_SWITCH_PORT);
  });

  it('costs copies more in a domain larger than the caches hold, and warns before a mass migration of minutes', () => {
    const vms = 100_000;
    const estimate = (moves: number): CostEstimate => estimateCost(loadScenario(massMigrationYaml(vms, moves, 100), 'mass.yaml'));
    const hypervisors = vms / 25;
    const switches = hypervisors / 40 + 4 + hypervisors;
    const stations = vms + 1;
    const beyond = 1 - CACHED_STATIONS / stations;
    const perCopy = (1 - beyond) / DELIVERIES_PER_SECOND + beyond / DELIVERIES_PER_SECOND_LARGE;
    expect(perCopy).toBeGreaterThan(1 / DELIVERIES_PER_SECOND);
    const moved = estimate(100).workItems.find((i) => i.path.join('.') === 'migrations')!;
    expect(moved.seconds).toBeCloseTo(200 * (switches / SWITCH_FLOODS_PER_SECOND + stations * perCopy), 9);
    // 100 moves are well under a minute; 1,000 moves are minutes: warned, not refused.
    expect(costWarning(estimate(100))).toBeUndefined();
    expect(costWarning(estimate(1000))).toMatch(/^this run will take about \d+ min here .*2,000 announcements of 1,000 migrations/);
  });

  it('counts each migration announcement as a broadcast to every end station', () => {
    const vms = 10_000;
    const moves = 100;
    const scenario = loadScenario(massMigrationYaml(vms, moves, 100), 'mass.yaml');
    const item = estimateCost(scenario).workItems.find((i) => i.path.join('.') === 'migrations')!;
    // One guest GARP and one RARP per move, to every VM and the gateway.
    expect(item.amount).toBeGreaterThanOrEqual(moves * 2 * (vms + 1));
    expect(item.what).toMatch(/^200 announcements of 100 migrations, each broadcast to 10,001 stations$/);
  });
});
