/**
 * The lines of a sweep's JSON Lines file (`arpshift sweep --out results.jsonl`) and the summary
 * computed from them. The file holds a header (`"type":"sweep"`: what was swept), one line per
 * (grid point, seed) (`"type":"result"`: its parameters and the run's result) and, once the sweep
 * is complete, a summary (`"type":"summary"`). Key names and order are a contract (README).
 *
 * The summary is a function of the result lines alone, never of the order they were written in:
 * lines are grouped by their parameters and each group is read in seed order, so the same results
 * give the same summary, to the bit, whatever the number of workers and whichever finished first.
 */
import type { RunResult } from '../run/index.js';
import type { SampleStats } from './stats.js';
import { describe } from './stats.js';

/** A point's parameters: each grid path and its value, in the grid's order, then `run`. */
export type Parameters = Readonly<Record<string, unknown>>;

/** The first line: what the sweep is. */
export interface SweepHeader {
  readonly type: 'sweep';
  /** The file format's version. */
  readonly format: 1;
  readonly name: string;
  /** The base scenario: its file as the sweep file names it, or `(built-in default)`. */
  readonly scenario: string;
  /** The base scenario's `name`. */
  readonly scenarioName: string;
  /** SHA-256 of the base scenario's text with the sweep's fixed settings applied (what every result depends on besides its parameters and seed). */
  readonly base: string;
  /** The fixed settings (`set:`), path → value. */
  readonly set: Readonly<Record<string, unknown>>;
  /** The grid: path → its values, in order; `run` last, with the runs swept. */
  readonly grid: Readonly<Record<string, readonly unknown[]>>;
  /** The seeds of every point. */
  readonly seeds: readonly number[];
  /** How many points (combinations of the grid's values). */
  readonly points: number;
}

/** One (point, seed). */
export interface SweepResultLine {
  readonly type: 'result';
  readonly parameters: Parameters;
  readonly seed: number;
  /** Kernel events the run took. */
  readonly events: number;
  readonly result: RunResult;
}

/** One metric of one point over its seeds: {@link SampleStats}, and for a black hole how many seeds it was not repaired in. */
export interface MetricSummary extends SampleStats {
  /** Black holes only: seeds in which the flow was not delivering again by the end (the value is then a lower bound). */
  readonly unrepaired?: number;
}

/** One point's summary. */
export interface PointSummary {
  readonly parameters: Parameters;
  /** Seeds with a result. */
  readonly seeds: number;
  /** By metric name (see {@link resultMetrics}), in a fixed order. */
  readonly metrics: Readonly<Record<string, MetricSummary>>;
}

/** The last line of a complete sweep. */
export interface SweepSummaryLine {
  readonly type: 'summary';
  readonly points: readonly PointSummary[];
}

/** A value of one metric in one run's result. */
export interface MetricValue {
  readonly name: string;
  readonly value: number;
  /** For a black hole or its after-resume part: whether the flow was delivering again by the end. */
  readonly repaired?: boolean;
}

const DIRECTIONS = ['gatewayToVm', 'vmToGateway', 'peerToVm'] as const;

/**
 * The black-hole, loss and load metrics of a run's result, in a fixed order: per migration `i` and
 * direction with a flow, `migrations[i].blackHoleMs.<direction>` and `.afterResumeMs.<direction>`;
 * `migrations[i].lostPackets` (all causes) and `migrations[i].staleMs.max` (the longest stale
 * entry, 0 when none); per flow `flows[<name>].lost`; then `arp.messages`, `nd.messages` (every form
 * summed), `broadcastFramesReceived`, `broadcastPerHostPeakPps`, `floodedFrames`,
 * `unknownUnicastFloods`, `dadConflicts`.
 */
export function resultMetrics(result: RunResult): MetricValue[] {
  const out: MetricValue[] = [];
  result.migrations.forEach((m, i) => {
    for (const d of DIRECTIONS) {
      const hole = m.blackHoleMs[d];
      if (hole === null) continue;
      const repaired = m.repaired[d] !== false;
      out.push({ name: `migrations[${i}].blackHoleMs.${d}`, value: hole, repaired });
      out.push({ name: `migrations[${i}].afterResumeMs.${d}`, value: m.afterResumeMs[d] ?? 0, repaired });
    }
    let lost = 0;
    for (const n of Object.values(m.lostPackets)) lost += n;
    out.push({ name: `migrations[${i}].lostPackets`, value: lost });
    let stale = 0;
    for (const v of Object.values(m.staleMs)) if (v > stale) stale = v;
    out.push({ name: `migrations[${i}].staleMs.max`, value: stale });
  });
  for (const f of result.flows) {
    let lost = 0;
    for (const n of Object.values(f.lost)) lost += n;
    out.push({ name: `flows[${f.name}].lost`, value: lost });
  }
  const sum = (o: Readonly<Record<string, number>>): number => Object.values(o).reduce((a, b) => a + b, 0);
  out.push({ name: 'arp.messages', value: sum(result.arp as unknown as Record<string, number>) });
  out.push({ name: 'nd.messages', value: result.nd.ns + result.nd.na + result.nd.dadNs });
  out.push({ name: 'broadcastFramesReceived', value: result.broadcastFramesReceived });
  out.push({ name: 'broadcastPerHostPeakPps', value: result.broadcastPerHostPeakPps });
  out.push({ name: 'floodedFrames', value: result.floodedFrames });
  out.push({ name: 'unknownUnicastFloods', value: result.unknownUnicastFloods });
  out.push({ name: 'dadConflicts', value: result.dadConflicts });
  return out;
}

/**
 * The identity of a point: its parameters as canonical text (keys sorted), so lines written by any
 * version of the grid's key order match.
 */
export function pointKey(parameters: Parameters): string {
  return JSON.stringify(Object.keys(parameters).sort().map((k) => [k, parameters[k]]));
}

/** The identity of a (point, seed): what resuming and merging go by. */
export function lineKey(parameters: Parameters, seed: number): string {
  return `${pointKey(parameters)}#${seed}`;
}

/**
 * The summary of every point: `points` gives the points and their order (a sweep's plan); without it,
 * the points found in `lines`, ordered by their key. Lines of points not listed are left out; for a
 * (point, seed) given twice the first line counts.
 */
export function summarizeSweep(lines: Iterable<SweepResultLine>, points?: readonly Parameters[]): PointSummary[] {
  const groups = new Map<string, Map<number, SweepResultLine>>();
  for (const line of lines) {
    const key = pointKey(line.parameters);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = new Map()));
    if (!group.has(line.seed)) group.set(line.seed, line);
  }
  const order: { key: string; parameters: Parameters }[] = points === undefined
    ? [...groups.keys()].sort().map((key) => ({ key, parameters: [...groups.get(key)!.values()][0]!.parameters }))
    : points.map((p) => ({ key: pointKey(p), parameters: p }));
  const out: PointSummary[] = [];
  for (const { key, parameters } of order) {
    const group = groups.get(key);
    if (group === undefined || group.size === 0) {
      out.push({ parameters, seeds: 0, metrics: {} });
      continue;
    }
    const bySeed = [...group.values()].sort((a, b) => a.seed - b.seed);
    const values = new Map<string, { values: number[]; unrepaired: number; hole: boolean }>();
    for (const line of bySeed) {
      for (const m of resultMetrics(line.result)) {
        let v = values.get(m.name);
        if (v === undefined) values.set(m.name, (v = { values: [], unrepaired: 0, hole: m.repaired !== undefined }));
        v.values.push(m.value);
        if (m.repaired === false) v.unrepaired++;
      }
    }
    const metrics: Record<string, MetricSummary> = {};
    for (const [name, v] of values) metrics[name] = v.hole ? { ...describe(v.values), unrepaired: v.unrepaired } : describe(v.values);
    out.push({ parameters, seeds: bySeed.length, metrics });
  }
  return out;
}
