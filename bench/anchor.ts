/**
 * The anchor benchmark, side by side: the two anchor scenarios (`storm`, `steady`; see
 * bench/anchor-scenario.ts and bench/ns3/README.md) run by arpshift (bench/anchor-child.ts, one process
 * per run) and by ns-3 3.37 (bench/ns3.ts), interleaved (ns-3 run r, then arpshift run r, for r = 1 …
 * runs), so that both see the same load on this shared machine. Every run's counters are checked:
 * arpshift's against what the scenario implies (bench/ns3.ts `anchorCounters`) and against ns-3's,
 * counter by counter; the benchmark fails on any disagreement. ns-3's events and backoffs belong to its
 * half-duplex CSMA model and are not compared; queue drops only where the scenario allows them (steady
 * at 10,000 hosts, where ns-3's half-duplex core-to-gateway link cannot carry the offered load).
 *
 * Figures (medians of the runs): wall time, build and run time, CPU time of the whole process, events,
 * events and frames delivered per second of run, peak RSS, and the ratios ns-3 / arpshift of wall, run
 * and CPU time.
 * `npm run bench -- --only anchor [--anchor-sizes 100,1000] [--ns3-sizes 100,1000] [--ns3-runs 3]`.
 */
import { fileURLToPath } from 'node:url';
import type { AnchorCounters, AnchorScenario, Ns3AnchorRun } from './ns3.js';
import { ANCHOR_COUNTER_NAMES, ANCHOR_SIZES, anchorCounters, checkNs3Anchor, median, prepareNs3, runNs3Anchor } from './ns3.js';
import { runForOutput } from './measure.js';
import type { Bench, Reporter } from './report.js';

const CHILD = fileURLToPath(new URL('./anchor-child.ts', import.meta.url));

/** The counters arpshift prints (ns-3's events and backoffs are its own model's). */
type ArpshiftCounters = Omit<AnchorCounters, 'events' | 'backoffs'>;

/** What one arpshift run printed, with the whole process's wall time measured from outside. */
export interface ArpshiftAnchorRun {
  readonly scenario: AnchorScenario;
  readonly hosts: number;
  readonly counters: ArpshiftCounters & { readonly events: number };
  readonly warmup?: ArpshiftCounters;
  readonly buildSeconds: number;
  readonly runSeconds: number;
  readonly wallSeconds: number;
  readonly peakRssKiB: number;
  readonly processSeconds: number;
  /** CPU seconds of the whole process (measure.ts `runForOutput`); null without GNU time. */
  readonly cpuSeconds: number | null;
  /** CPU seconds from loading the scenario to the end of the run, in process (all threads). */
  readonly modelCpuSeconds: number;
}

const NEUTRAL: readonly (keyof ArpshiftCounters)[] = ANCHOR_COUNTER_NAMES.filter(
  (n): n is keyof ArpshiftCounters => n !== 'events' && n !== 'backoffs',
);

/** Runs bench/anchor-child.ts once. */
export async function runArpshiftAnchor(scenario: AnchorScenario, hosts: number): Promise<ArpshiftAnchorRun> {
  const what = `arpshift ${scenario} with ${hosts} hosts`;
  const { stdout, processSeconds, cpuSeconds } = await runForOutput(process.execPath, ['--import', 'tsx', CHILD, scenario, String(hosts)], what);
  try {
    return { ...(JSON.parse(stdout.trim()) as Omit<ArpshiftAnchorRun, 'processSeconds' | 'cpuSeconds'>), processSeconds, cpuSeconds };
  } catch (e) {
    throw new Error(`${what}: output is not JSON (${(e as Error).message})`, { cause: e });
  }
}

/**
 * The disagreements of one arpshift run: with the scenario (every model-neutral counter as
 * `anchorCounters` gives it, with the run's own drops; no drops but at steady 10,000) and, when ns-3
 * ran too, with ns-3's counters (drops and what follows from them only where ns-3 dropped).
 */
export function checkArpshiftAnchor(run: ArpshiftAnchorRun, ns3: Ns3AnchorRun | undefined): string[] {
  const problems: string[] = [];
  const drops = run.counters.queueDrops;
  const expected = anchorCounters(run.scenario, run.hosts, 0, drops);
  for (const name of NEUTRAL) {
    if (run.counters[name] !== expected[name]) problems.push(`${name}: ${run.counters[name]}, expected ${expected[name]}`);
  }
  const mayDrop = run.scenario === 'steady' && run.hosts >= 10000;
  if (drops !== 0 && !mayDrop) problems.push(`queueDrops: ${drops}, expected 0`);
  if (run.warmup !== undefined) {
    const w = anchorCounters('storm', run.hosts, 0, 0);
    for (const name of NEUTRAL) if (run.warmup[name] !== w[name]) problems.push(`warmup.${name}: ${run.warmup[name]}, expected ${w[name]}`);
  }
  if (ns3 !== undefined) {
    const dropDependent = new Set<string>(['udpDelivered', 'endpointFrames', 'linkFrames', 'queueDrops']);
    const nsDropped = (ns3.counters.queueDrops ?? 0) > 0;
    for (const name of NEUTRAL) {
      const theirs = ns3.counters[name];
      if (theirs === undefined || (nsDropped && dropDependent.has(name))) continue;
      if (run.counters[name] !== theirs) problems.push(`${name}: arpshift ${run.counters[name]}, ns-3 ${theirs}`);
    }
  }
  return problems;
}

/** `--anchor-sizes`: host counts at which arpshift runs (default every anchor size but 10,000; quick: 100). */
export function anchorPlan(sizes: readonly number[]): { scenario: AnchorScenario; hosts: number }[] {
  const plan: { scenario: AnchorScenario; hosts: number }[] = [];
  for (const hosts of [...sizes].sort((a, b) => a - b)) {
    for (const scenario of ['storm', 'steady'] as const) if (ANCHOR_SIZES[scenario].includes(hosts)) plan.push({ scenario, hosts });
  }
  return plan;
}

function report(reporter: Reporter, runs: readonly ArpshiftAnchorRun[], ns3: readonly Ns3AnchorRun[]): void {
  const first = runs[0]!;
  const label = `${first.scenario} ${first.hosts.toLocaleString('en-US')}`;
  const m = (pick: (r: ArpshiftAnchorRun) => number): number => median(runs.map(pick));
  const of = `median of ${runs.length}`;
  reporter.add('anchor', `${label}: arpshift wall time (${of})`, m((r) => r.wallSeconds), 's');
  reporter.add('anchor', `${label}:   build`, m((r) => r.buildSeconds), 's');
  reporter.add('anchor', `${label}:   run`, m((r) => r.runSeconds), 's');
  reporter.add('anchor', `${label}: arpshift whole process, from outside`, m((r) => r.processSeconds), 's');
  reporter.add('anchor', `${label}: arpshift peak RSS`, Math.round(m((r) => r.peakRssKiB) / 1024), 'MiB');
  const cpu = (r: { readonly cpuSeconds: number | null }): number => r.cpuSeconds ?? NaN;
  reporter.add('anchor', `${label}: arpshift CPU time, load + build + run`, m((r) => r.modelCpuSeconds), 's');
  if (runs.every((r) => r.cpuSeconds !== null)) reporter.add('anchor', `${label}: arpshift CPU time, whole process (node and tsx start-up too)`, m(cpu), 's');
  reporter.add('anchor', `${label}: arpshift events`, first.counters.events, 'count');
  reporter.add('anchor', `${label}: arpshift events per second of run`, Math.round(m((r) => r.counters.events / r.runSeconds)), 'events/s');
  reporter.add('anchor', `${label}: arpshift frames delivered per second of run`, Math.round(m((r) => r.counters.endpointFrames / r.runSeconds)), 'frames/s');
  for (const name of NEUTRAL) reporter.add('anchor', `${label}: ${name}`, first.counters[name], 'count');
  if (ns3.length === 0) return;
  const n = (pick: (r: Ns3AnchorRun) => number): number => median(ns3.map(pick));
  reporter.add('anchor', `${label}: ns-3 wall time (median of ${ns3.length})`, n((r) => r.wallSeconds), 's');
  reporter.add('anchor', `${label}: ns-3 run`, n((r) => r.runSeconds), 's');
  reporter.add('anchor', `${label}: ns-3 peak RSS`, Math.round(n((r) => r.peakRssKiB) / 1024), 'MiB');
  reporter.add('anchor', `${label}: ratio ns-3 / arpshift, wall time`, n((r) => r.wallSeconds) / m((r) => r.wallSeconds), 'x');
  reporter.add('anchor', `${label}: ratio ns-3 / arpshift, run time`, n((r) => r.runSeconds) / m((r) => r.runSeconds), 'x');
  // CPU time moves far less with the machine's load than wall time (a process waiting for a core is
  // not charged): the steadier ratio on a shared machine. ns-3's whole process (its start-up is a few
  // ms) against arpshift's load + build + run (V8's compiler and garbage-collector threads included;
  // node's and the TypeScript loader's start-up, which the CLI does not pay, left out).
  if (ns3.every((r) => r.cpuSeconds !== null)) {
    reporter.add('anchor', `${label}: ns-3 CPU time, whole process`, n(cpu), 's');
    reporter.add('anchor', `${label}: ratio ns-3 / arpshift, CPU time`, n(cpu) / m((r) => r.modelCpuSeconds), 'x');
  }
  reporter.add('anchor', `${label}: ratio arpshift / ns-3, peak RSS`, m((r) => r.peakRssKiB) / n((r) => r.peakRssKiB), 'x');
}

/** `npm run bench -- --only anchor`: arpshift and ns-3 side by side. */
export const anchorBench: Bench = {
  name: 'anchor',
  async run(reporter, { quick, ns3Sizes, ns3Runs, anchorSizes }) {
    const sizes = anchorSizes ?? (quick ? [100] : [100, 1000, 4000]);
    const ns3At = new Set(ns3Sizes ?? (quick ? [100] : [100, 1000]));
    const runs = Math.max(ns3Runs ?? (quick ? 1 : 3), quick ? 1 : 3);
    const plan = anchorPlan(sizes);
    const ns3Binary = plan.some((p) => ns3At.has(p.hosts)) ? prepareNs3((t) => reporter.note(t)).binary : undefined;
    for (const { scenario, hosts } of plan) {
      const ours: ArpshiftAnchorRun[] = [];
      const theirs: Ns3AnchorRun[] = [];
      const problems: string[] = [];
      for (let r = 1; r <= runs; r++) {
        if (ns3Binary !== undefined && ns3At.has(hosts)) {
          reporter.note(`ns-3 ${scenario}, ${hosts} hosts: run ${r} of ${runs}...`);
          const nsRun = await runNs3Anchor(ns3Binary, { scenario, hosts });
          problems.push(...checkNs3Anchor(nsRun).map((p) => `ns-3 run ${r}: ${p}`));
          theirs.push(nsRun);
          // Each run's times as it ends, so that an interrupted long comparison still leaves its figures.
          reporter.note(`  ns-3: wall ${nsRun.wallSeconds.toFixed(2)} s, run ${nsRun.runSeconds.toFixed(2)} s, CPU ${nsRun.cpuSeconds?.toFixed(2) ?? '?'} s, peak RSS ${Math.round(nsRun.peakRssKiB / 1024)} MiB`);
        }
        reporter.note(`arpshift ${scenario}, ${hosts} hosts: run ${r} of ${runs}...`);
        const ourRun = await runArpshiftAnchor(scenario, hosts);
        problems.push(...checkArpshiftAnchor(ourRun, theirs[theirs.length - 1]).map((p) => `arpshift run ${r}: ${p}`));
        ours.push(ourRun);
        reporter.note(`  arpshift: wall ${ourRun.wallSeconds.toFixed(2)} s (build ${ourRun.buildSeconds.toFixed(2)}, run ${ourRun.runSeconds.toFixed(2)}), CPU ${ourRun.modelCpuSeconds.toFixed(2)} s (whole process ${ourRun.cpuSeconds?.toFixed(2) ?? '?'} s), peak RSS ${Math.round(ourRun.peakRssKiB / 1024)} MiB`);
      }
      const reference = JSON.stringify(ours[0]!.counters);
      ours.forEach((o, i) => { if (JSON.stringify(o.counters) !== reference) problems.push(`arpshift run ${i + 1}: counters differ from run 1 (not deterministic)`); });
      if (problems.length > 0) throw new Error(`anchor ${scenario} with ${hosts} hosts disagrees:\n  ${problems.join('\n  ')}`);
      report(reporter, ours, theirs);
    }
  },
};
