/**
 * A sweep's plan: the sweep file validated, every grid point's scenario built from the base scenario
 * with the fixed settings and the point's values applied (as `run --set` applies them) and validated,
 * the runs chosen, the seeds, and the cost of the whole sweep estimated, all before anything runs.
 * Every problem is reported at once: a grid value the scenario refuses is located at that value in
 * the sweep file (the list item, or the range), a problem of the base scenario itself in the
 * scenario file.
 *
 * The jobs are the (point, seed) pairs, seed by seed (every point's first seed, then every point's
 * second, …), so that a sweep cut short has the whole grid at fewer seeds. Seed i of a point is the
 * same number whatever the number of workers or machines (as ns-3's RngRun numbers replications).
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, join, basename, extname } from 'node:path';
import { parse } from 'yaml';
import type { Override, PathIssue, Scenario, ScenarioIssue } from '../scenario/index.js';
import {
  DEFAULT_SCENARIO_YAML,
  ScenarioError,
  applyOverrides,
  checkScenario,
  formatPath,
  loadScenario,
  readScenarioFile,
  scenarioErrorAt,
} from '../scenario/index.js';
import { costIssues, defaultCostLimits, estimateCost, threadsThatFit } from '../run/index.js';
import type { Parameters, SweepHeader } from '../report/index.js';
import { lineKey } from '../report/index.js';
import type { Axis } from './grid.js';
import { combinations, gridAxes, sweepSeeds } from './grid.js';
import type { SweepFileSpec, SweepSource } from './sweep-file.js';
import { SweepError, loadSweepText } from './sweep-file.js';

/** What a worker needs to run one (point, seed). */
export interface SweepJob {
  /** The (point, seed)'s identity (`lineKey`). */
  readonly key: string;
  readonly parameters: Parameters;
  readonly seed: number;
  /** The scenario's YAML with the sweep's fixed settings and the point's values applied. */
  readonly text: string;
  /** The scenario file's name, for messages. */
  readonly file: string;
  /** The run (variant) to run. */
  readonly run: string;
  /** Whether to record the run's time series (the first job of a sweep, for its report's timeline). */
  readonly series: boolean;
  /** Peak heap bytes of the run's model, estimated (`estimateCost`): a queue worker sizes the heap it runs the job with by it. */
  readonly memory: number;
}

/** One grid point: its parameters and its scenario. */
export interface SweepPoint {
  readonly parameters: Parameters;
  readonly text: string;
  readonly run: string;
  /** Peak heap bytes of the run's model, estimated. */
  readonly memory: number;
}

/** A validated sweep (see the module comment). */
export interface SweepPlan {
  readonly header: SweepHeader;
  readonly points: readonly SweepPoint[];
  /** The scenario file's name as given (for messages). */
  readonly scenarioFile: string;
  /** Estimated kernel events and deliveries of the whole sweep. */
  readonly work: number;
  /** Every (point, seed), seed by seed. */
  readonly jobs: readonly SweepJob[];
  /** Peak heap bytes of the largest model a job builds (the estimate; see `estimateCost`). */
  readonly memory: number;
  /**
   * The workers the sweep runs on, which its time limit counts: those asked for, or with
   * `fitMemory` no more than the machine's memory holds models of the largest point at once.
   */
  readonly workers: number;
}

/** Options of {@link planSweep}. */
export interface PlanOptions {
  /** Workers the sweep will run on (for the cost limit): the whole sweep may take about half an hour of their time. */
  readonly workers: number;
  /** Plan even a sweep whose estimated cost is too high. */
  readonly force?: boolean;
  /**
   * Heap bytes one job's model may take (default: this process's heap limit, which worker threads
   * share); Infinity when the caller sees to the heap itself (`arpshift sweep` raises it as `run` does).
   */
  readonly memory?: number;
  /**
   * The workers are this machine's threads, each holding a model: no more of them than its memory
   * holds models of the largest point at once (`threadsThatFit`, as `run --jobs`), and the time limit
   * is counted on those.
   */
  readonly fitMemory?: boolean;
}

/** A setting's path as `--set` paths are: dot-separated keys and list indexes. */
function overrideOf(path: string, value: unknown): Override {
  return { path: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), value, text: `${path}=${JSON.stringify(value)}` };
}

/** A value as an issue shows it. */
function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const durationText = (s: number): string => (s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400).toLocaleString('en-US')} days`);

/** Reads the base scenario the sweep file names (relative to the sweep file), or the built-in default. */
function baseScenario(spec: SweepFileSpec, sweepFile: string, source: SweepSource): { text: string; file: string } {
  if (spec.scenario === undefined || spec.scenario === 'default') return { text: DEFAULT_SCENARIO_YAML, file: '(built-in default)' };
  const file = isAbsolute(spec.scenario) || sweepFile === '-' ? spec.scenario : join(dirname(sweepFile), spec.scenario);
  try {
    return { text: readScenarioFile(file), file };
  } catch (e) {
    if (e instanceof Error && e.name === 'ScenarioFileError') throw new SweepError(source.file, [source.issue(['scenario'], e.message)]);
    throw e;
  }
}

/** Validates the sweep file `text` (named `sweepFile`) and every point of its grid; see the module comment. */
export function planSweep(text: string, sweepFile: string, options: PlanOptions): SweepPlan {
  const { spec, source } = loadSweepText(text, sweepFile);
  const issues: ScenarioIssue[] = [];
  const axes = gridAxes(spec, source, issues);
  const base = baseScenario(spec, sweepFile, source);
  const setOverrides = Object.entries(spec.set ?? {}).map(([p, v]) => ({ override: overrideOf(p, v), at: ['set', p] as readonly (string | number)[], what: `set ${p} = ${valueText(v)}` }));

  // The base scenario with the fixed settings: its own problems are reported once, in its file.
  let fixedText: string;
  try {
    fixedText = applyOverrides(base.text, setOverrides.map((s) => s.override));
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const bad = setOverrides.find((s) => s.override.text === e.issues[0]?.path);
    throw new SweepError(source.file, [source.issue(bad?.at ?? ['set'], `${bad?.what ?? 'set'}: ${e.issues[0]?.message ?? e.message}`)]);
  }
  const baseHash = createHash('sha256').update(fixedText).digest('hex');

  const points: SweepPoint[] = [];
  const seen = new Set<string>();
  const limits = { ...defaultCostLimits(), ...(options.memory === undefined ? {} : { memory: options.memory }) };
  let work = 0;
  let memory = 0;
  let seconds = 0;
  let runNames: string[] | null = null;
  let seeds: number[] | null = null;
  for (const combo of combinations(axes)) {
    const values = combo.map((vi, ai) => ({ axis: axes[ai]!, value: axes[ai]!.values[vi]!, at: axes[ai]!.at[vi]! }));
    const pointText = values.map((v) => `${v.axis.path} = ${valueText(v.value)}`).join(', ');
    const scenario = loadPoint(fixedText, base, values, setOverrides, pointText, source, issues, seen);
    if (scenario === null) continue;
    if (runNames === null) {
      runNames = spec.runs === undefined ? scenario.runs.map((r) => r.name) : [...spec.runs];
      seeds = sweepSeeds(spec, scenario.seed, source, issues);
    }
    for (const [i, name] of runNames.entries()) {
      const r = scenario.runs.findIndex((x) => x.name === name);
      if (r < 0) {
        const message = `${base.file} has no run "${name}"${pointText === '' ? '' : ` at ${pointText}`} (its runs: ${scenario.runs.map((x) => x.name).join(', ')})`;
        if (!seen.has(message)) issues.push(source.issue(['runs', i], message));
        seen.add(message);
        continue;
      }
      const estimate = estimateCost(scenario, r);
      work += estimate.work * seeds!.length;
      memory = Math.max(memory, estimate.memory);
      seconds += estimate.seconds * seeds!.length;
      for (const c of costIssues(scenario, estimate, limits)) {
        const message = `${pointText === '' ? '' : `${pointText}: `}run ${name}: ${formatPath(c.path)}: expected ${c.expected}, found ${c.found}`;
        if (!options.force && !seen.has(message)) issues.push(source.issue(blame(c.path, values, ['scenario']), message));
        seen.add(message);
      }
      const parameters: Record<string, unknown> = {};
      for (const v of values) parameters[v.axis.path] = v.value;
      parameters.run = name;
      points.push({ parameters, text: applyOverrides(fixedText, values.map((v) => overrideOf(v.axis.path, v.value))), run: name, memory: estimate.memory });
    }
  }
  const runs = runNames ?? [];
  const seedList = seeds ?? [];
  const asked = Math.max(1, options.workers);
  const workers = options.fitMemory === true ? threadsThatFit(memory, asked) : asked;
  if (!options.force && seconds > limits.seconds * workers) {
    const where = spec.seeds !== undefined ? ['seeds'] : spec.grid !== undefined ? ['grid'] : ['runs'];
    const capped = workers < asked ? ` (of ${asked} asked for: this machine's memory holds ${workers} model${workers === 1 ? '' : 's'} of the largest point at once)` : '';
    issues.push(source.issue(where, `the sweep is about ${Math.round(work).toLocaleString('en-US')} events over ${(points.length * seedList.length).toLocaleString('en-US')} runs, some ${durationText(seconds / workers)} here on ${workers} worker${workers === 1 ? '' : 's'}${capped} (the limit is about ${durationText(limits.seconds)}); sweep fewer points or seeds, or pass --force to run it anyway`, where[0] !== 'seeds'));
  }
  if (issues.length > 0) throw new SweepError(source.file, dedupe(issues));

  const grid: Record<string, readonly unknown[]> = {};
  for (const a of axes) grid[a.path] = a.values;
  grid.run = runs;
  const header: SweepHeader = {
    type: 'sweep',
    format: 1,
    name: spec.name ?? (sweepFile === '-' ? 'sweep' : basename(sweepFile, extname(sweepFile))),
    scenario: base.file,
    scenarioName: loadScenario(fixedText, base.file).name,
    base: baseHash,
    set: Object.fromEntries(Object.entries(spec.set ?? {})),
    grid,
    seeds: seedList,
    points: points.length,
  };
  const jobs: SweepJob[] = [];
  seedList.forEach((seed, si) => {
    points.forEach((p, pi) => {
      jobs.push({ key: lineKey(p.parameters, seed), parameters: p.parameters, seed, text: p.text, file: base.file, run: p.run, series: si === 0 && pi === 0, memory: p.memory });
    });
  });
  return { header, points, scenarioFile: base.file, work, jobs, memory, workers };
}

/** Where in the sweep file a problem at scenario path `path` comes from: the grid value that set it, or `fallback`. */
function blame(path: readonly (string | number)[], values: readonly { axis: Axis; at: readonly (string | number)[] }[], fallback: readonly (string | number)[]): readonly (string | number)[] {
  const text = formatPath(path);
  for (const v of values) {
    const p = formatPath(overrideOf(v.axis.path, null).path);
    if (text === p || text.startsWith(`${p}.`) || text.startsWith(`${p}[`)) return v.at;
  }
  return fallback;
}

/** Loads one point's scenario; its problems go to `issues` (each once), and null comes back. */
function loadPoint(
  fixedText: string,
  base: { text: string; file: string },
  values: readonly { axis: Axis; value: unknown; at: readonly (string | number)[] }[],
  setOverrides: readonly { override: Override; at: readonly (string | number)[]; what: string }[],
  pointText: string,
  source: SweepSource,
  issues: ScenarioIssue[],
  seen: Set<string>,
): Scenario | null {
  const add = (issue: ScenarioIssue): void => {
    const id = `${issue.file}:${issue.line}:${issue.column}:${issue.message}`;
    if (!seen.has(id)) issues.push(issue);
    seen.add(id);
  };
  let text: string;
  try {
    text = applyOverrides(fixedText, values.map((v) => overrideOf(v.axis.path, v.value)));
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const v = values.find((x) => overrideOf(x.axis.path, x.value).text === e.issues[0]?.path);
    add(source.issue(v?.at ?? ['grid'], `${v === undefined ? pointText : `${v.axis.path} = ${valueText(v.value)}`}: ${e.issues[0]?.message ?? e.message}`));
    return null;
  }
  try {
    return loadScenario(text, base.file);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const check = checkScenario(parse(text) ?? {});
    if (check.ok) {
      for (const issue of e.issues) add(issue);
      return null;
    }
    const own: PathIssue[] = [];
    for (const issue of check.issues) {
      const path = formatPath(issue.path);
      const v = values.find((x) => {
        const p = formatPath(overrideOf(x.axis.path, null).path);
        return path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
      });
      const s = v === undefined ? setOverrides.find((x) => {
        const p = formatPath(x.override.path);
        return path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
      }) : undefined;
      const message = e.issues.find((x) => x.path === path)?.message ?? `expected ${issue.expected}, found ${issue.found}`;
      if (v !== undefined) add(source.issue(v.at, `${v.axis.path} = ${valueText(v.value)} makes the scenario invalid: ${path}: ${message}`));
      else if (s !== undefined) add(source.issue(s.at, `${s.what} makes the scenario invalid: ${path}: ${message}`));
      else own.push(issue);
    }
    if (own.length > 0) {
      // Problems of the base scenario (with the fixed settings): placed in its own text.
      const placed = scenarioErrorAt(base.text, base.file, own).issues;
      for (const issue of placed) add(pointText === '' ? issue : { ...issue, message: `${issue.message} (with ${pointText})` });
    }
    return null;
  }
}

/** Issues in file order, each once. */
function dedupe(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  const out: ScenarioIssue[] = [];
  for (const i of issues) {
    const id = `${i.file}:${i.line}:${i.column}:${i.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(i);
  }
  return out.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : 0));
}
