/**
 * Running a scenario: for each run (its variants, or the scenario itself), build the model
 * (scenario layer), attach the observers, run the kernel to the duration in slices, and collect the
 * {@link ScenarioResult}. One run on its own ({@link runScenarioRun}) is what a sweep worker needs:
 * (scenario, run, seed) → result.
 *
 * Slices end at every hundredth of the duration and, in {@link runScenarioAsync}, after as many events
 * as take about {@link SLICE_MS} of wall time (measured as the run goes): between slices the event
 * loop serves signals and I/O, so an interruption is seen within a fraction of a second whatever the
 * scenario's pace. How a run is sliced never changes its result.
 */
import type { Model, RunSpec, Scenario } from '../scenario/index.js';
import { ScenarioCostError, costIssues, estimateCost } from './cost.js';
import { buildModel } from '../scenario/index.js';
import type { BufferedSink } from '../wire/index.js';
import type { RunObserver } from './model-run.js';
import { ModelRun } from './model-run.js';
import type { RunResult, ScenarioResult } from './result.js';
import { parallelRuns, runInParallel } from './parallel.js';

/** Options of {@link runScenario} and {@link runScenarioAsync}. */
export interface RunScenarioOptions {
  /** Overrides the seed of every run. */
  readonly seed?: number;
  /**
   * Writes what a capture at the scenario's `output.pcap` node would hold, in the first run, into this
   * sink as pcap. The sink is flushed but left open: the caller closes it once everything succeeded.
   */
  readonly capture?: BufferedSink;
  /** Called as simulated time advances (after every slice: at every hundredth of a run at least). */
  readonly onProgress?: (run: number, runs: number, simulatedNs: number, durationNs: number) => void;
  /**
   * Your own observers of each run (index `run`), made once its model is built and before its first
   * event: subscribe to `model.kernel.trace`; they must not schedule events.
   */
  readonly observers?: (model: Model, run: number) => readonly RunObserver[];
  /** Run even a scenario whose estimated cost exceeds this machine's limits (see cost.ts); otherwise such a scenario throws a {@link ScenarioCostError} before anything runs. */
  readonly force?: boolean;
  /** Also record each run's time series (its result's `series`, what the HTML report draws). */
  readonly series?: boolean;
}

/** Options of {@link runScenarioRun}. */
export interface RunOneOptions {
  /** Overrides the run's seed. */
  readonly seed?: number;
  /** A capture of this run (see {@link RunScenarioOptions.capture}). */
  readonly capture?: BufferedSink;
  /** Called after each step of simulated time (a hundred per run). */
  readonly onProgress?: (simulatedNs: number, durationNs: number) => void;
  /** Your own observers (see {@link RunScenarioOptions.observers}). */
  readonly observers?: (model: Model) => readonly RunObserver[];
  /** Run even if the run's estimated cost is too high (see {@link RunScenarioOptions.force}). */
  readonly force?: boolean;
  /** Also record the run's time series (see {@link RunScenarioOptions.series}). */
  readonly series?: boolean;
}

/** One run's result and the kernel events it took. */
export interface CompletedRun {
  readonly result: RunResult;
  readonly events: number;
}

/** The run named or numbered `run` of `scenario`. */
function runSpecOf(scenario: Scenario, run: number | string): RunSpec {
  const spec = typeof run === 'number' ? scenario.runs[run] : scenario.runs.find((r) => r.name === run);
  if (spec === undefined) throw new RangeError(`scenario ${scenario.name} has no run ${JSON.stringify(run)} (runs: ${scenario.runs.map((r) => r.name).join(', ')})`);
  return spec;
}

/** The wall time one slice of an asynchronous run aims at (ms). */
export const SLICE_MS = 25;

/** How many events the next slice may run (undefined: up to the next hundredth), and how many the last one ran. */
interface Pace {
  events: number | undefined;
  ran: number;
}

/** Runs a model run to its end in slices, yielding after each. */
function* steps(run: ModelRun, pace: Pace, onProgress?: (simulatedNs: number, durationNs: number) => void): Generator<void, CompletedRun> {
  const step = Math.max(1, Math.ceil(run.duration / 100));
  while (!run.done) {
    const boundary = Math.min(run.duration, (Math.floor(run.now / step) + 1) * step);
    pace.ran = run.advance(pace.events === undefined ? { until: boundary } : { until: boundary, maxEvents: pace.events });
    onProgress?.(run.now, run.duration);
    yield;
  }
  return { result: run.finish(), events: run.events };
}

/** A pace for synchronous runs: slices end only at the hundredths. */
function wholeSteps(): Pace {
  return { events: undefined, ran: 0 };
}

/** Throws a {@link ScenarioCostError} when the scenario (or its run `only`) is estimated too costly to run here. */
function refuseCostly(scenario: Scenario, only?: number): void {
  const issues = costIssues(scenario, estimateCost(scenario, only));
  if (issues.length > 0) throw new ScenarioCostError(scenario.name, issues);
}

/** Runs a step generator to its end; returns what it returns. */
function finish<T>(gen: Generator<void, T>): T {
  for (;;) {
    const next = gen.next();
    if (next.done === true) return next.value;
  }
}

/**
 * Builds and runs one run of `scenario` (by index, or by its variant's name) with `seed` (default: the
 * run's own) and returns its result: what a sweep worker does for one (scenario, run, seed).
 */
export function runScenarioRun(scenario: Scenario, run: number | string, options: RunOneOptions = {}): CompletedRun {
  const spec = runSpecOf(scenario, run);
  if (options.force !== true) refuseCostly(scenario, scenario.runs.indexOf(spec));
  const model = buildModel(scenario, spec, options.seed ?? spec.seed);
  const modelRun = new ModelRun(model, spec.name, {
    ...(options.capture === undefined ? {} : { capture: options.capture }),
    ...(options.observers === undefined ? {} : { observers: options.observers }),
    ...(options.series === true ? { series: true } : {}),
  });
  return finish(steps(modelRun, wholeSteps(), options.onProgress));
}

/** Run number `i` of `runScenario` in steps. */
function* runSteps(scenario: Scenario, i: number, options: RunScenarioOptions, pace: Pace): Generator<void, CompletedRun> {
  const spec = scenario.runs[i]!;
  const model = buildModel(scenario, spec, options.seed ?? spec.seed);
  const observers = options.observers;
  const modelRun = new ModelRun(model, spec.name, {
    ...(i === 0 && options.capture !== undefined ? { capture: options.capture } : {}),
    ...(observers === undefined ? {} : { observers: (m: Model) => observers(m, i) }),
    ...(options.series === true ? { series: true } : {}),
  });
  return yield* steps(modelRun, pace, (t, d) => options.onProgress?.(i, scenario.runs.length, t, d));
}

/** The whole result from every run's, in the scenario's order. */
function collect(scenario: Scenario, seed: number | undefined, done: readonly CompletedRun[]): ScenarioResult {
  let events = 0;
  for (const d of done) events += d.events;
  return {
    scenario: scenario.name,
    seed: seed ?? scenario.seed,
    simulatedSeconds: scenario.duration / 1e9,
    events,
    runs: done.map((d) => d.result),
  };
}

/** `runScenario` in steps. */
function* scenarioSteps(scenario: Scenario, options: RunScenarioOptions, pace: Pace): Generator<void, ScenarioResult> {
  if (options.force !== true) refuseCostly(scenario);
  const done: CompletedRun[] = [];
  for (let i = 0; i < scenario.runs.length; i++) done.push(yield* runSteps(scenario, i, options, pace));
  return collect(scenario, options.seed, done);
}

/**
 * Runs every run of `scenario` (its variants, or the scenario itself) and collects the result. With
 * `seed`, every run uses it; otherwise each run uses its own (the scenario's unless a variant sets
 * one). The capture, when asked for, is the first run's.
 */
export function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): ScenarioResult {
  return finish(scenarioSteps(scenario, options, wholeSteps()));
}

/** Options of {@link runScenarioAsync}. */
export interface RunScenarioAsyncOptions extends RunScenarioOptions {
  /** Stops the run at the end of the current slice; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * How many runs may run at once (a positive whole number; default 1: one after another, in this
   * thread). With more, this thread and `jobs - 1` worker threads take the runs as each becomes free,
   * the first run first (in this thread), then the others longest first by their estimated cost (at
   * most one thread per run, and no more models than the machine's memory holds); the result, the
   * capture and any error are those of the runs one after another, byte for byte.
   * `onProgress` is called in this thread for every run, in whatever order the runs advance.
   *
   * The runs stay one after another in this thread, whatever `jobs`, when `observers` is given (your
   * observers are functions of this thread, which a worker thread cannot call) and when the scenario
   * has a single run (no thread is started for it).
   */
  readonly jobs?: number;
}

/**
 * How many runs of `scenario` {@link runScenarioAsync} runs at the same time when `jobs` are asked
 * for (without observers of your own, which keep the runs one after another): one for `jobs` 1 or a
 * scenario of one run; otherwise at most `jobs` and one per run, and no more models than the
 * machine's memory holds.
 */
export function runsAtOnce(scenario: Scenario, jobs: number): number {
  return jobs <= 1 || scenario.runs.length < 2 ? 1 : parallelRuns(scenario, jobs, estimateCost(scenario).memory);
}

/** Runs a step generator to its end, letting the event loop run between slices (see {@link runScenarioAsync}). */
async function drive<T>(gen: Generator<void, T>, pace: Pace, signal: AbortSignal | undefined): Promise<T> {
  for (;;) {
    if (signal?.aborted === true) {
      gen.return(undefined as never);
      throw signal.reason;
    }
    const started = performance.now();
    const next = gen.next();
    if (next.done === true) return next.value;
    // Aim the next slice at SLICE_MS from the pace of this one (at least 16 events, at most a million).
    const spent = Math.max(performance.now() - started, 0.05);
    if (pace.ran > 0) pace.events = Math.max(16, Math.min(1_000_000, Math.round((pace.ran / spent) * SLICE_MS)));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A pace for asynchronous runs: the first slice runs 256 events, the next ones about {@link SLICE_MS} of wall time. */
function slicedSteps(): Pace {
  return { events: 256, ran: 0 };
}

/**
 * Like {@link runScenario}, but lets the event loop run between slices of about {@link SLICE_MS} of
 * wall time, so signals, timers and I/O are served during a long run, and runs several runs at once
 * when asked (`jobs`). When `signal` aborts, the run stops at the end of the current slice (worker
 * threads at once) and the promise rejects with the signal's reason (the capture sink is left to the
 * caller).
 */
export async function runScenarioAsync(scenario: Scenario, options: RunScenarioAsyncOptions = {}): Promise<ScenarioResult> {
  const jobs = options.jobs ?? 1;
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive whole number, got ${jobs}`);
  const lanes = options.observers !== undefined ? 1 : runsAtOnce(scenario, jobs);
  if (lanes === 1) {
    const pace = slicedSteps();
    return drive(scenarioSteps(scenario, options, pace), pace, options.signal);
  }
  if (options.force !== true) refuseCostly(scenario);
  // This thread's lane keeps one pace from run to run, as one after another does.
  const pace = slicedSteps();
  // The longest runs are handed out first, by each run's estimated seconds.
  const costs = scenario.runs.map((_, r) => estimateCost(scenario, r).seconds);
  const done = await runInParallel(scenario, { ...options, costs }, lanes, (i, signal) => drive(runSteps(scenario, i, options, pace), pace, signal));
  return collect(scenario, options.seed, done);
}

/** Runs a model the caller built (`buildModel`) to its end and returns its result. */
export function runModel(model: Model, name: string = model.run.name, options: Omit<RunOneOptions, 'seed'> = {}): RunResult {
  const modelRun = new ModelRun(model, name, {
    ...(options.capture === undefined ? {} : { capture: options.capture }),
    ...(options.observers === undefined ? {} : { observers: options.observers }),
  });
  return finish(steps(modelRun, wholeSteps(), options.onProgress)).result;
}
