/**
 * A scenario's runs (its variants) several at a time: this thread and a pool of worker threads
 * (piscina) take the runs one at a time each, as they become free: the first run first, then the
 * others longest first by their estimated cost (see {@link runOrder}), so that the last runs to start
 * are the short ones and the threads end at about the same time (longest processing time first). Every
 * run is built from the scenario and its seed alone, so where it runs never changes its result, and
 * the results are put back in the scenario's order: the whole result is the one of the runs one
 * after another, byte for byte.
 *
 * What stays in this thread: the first run, which is taken here first (the capture, when asked for,
 * is the first run's, and its sink is written here as in a run on its own), and the caller's
 * progress callback (worker threads report their simulated time through a message port). A failed
 * run is reported as it would be one after another: the failure of the lowest run number, once
 * every run before it has finished (runs before it not yet started still run); runs after it are
 * stopped. Errors come back from a worker
 * thread with their class (for this library's own), message, stack, cause and fields.
 */
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Scenario } from '../scenario/index.js';
import { ScenarioError, ScenarioFileError } from '../scenario/index.js';
import { SimulationError } from '../sim/index.js';
import { OutputPathError, WireError } from '../wire/index.js';
import { ScenarioCostError } from './cost.js';
import type { CompletedRun } from './run-scenario.js';

const MIB = 2 ** 20;
/** The share of the machine's memory the runs' models may take together (the rest: node, the OS, others). */
const MACHINE_SHARE = 0.75;
/** Heap per model over the estimate (the run's own garbage, the estimate's error), and per worker thread beside it. */
const MODEL_HEADROOM = 1.5;
const THREAD_BYTES = 64 * MIB;

/**
 * How many of `wanted` threads may each hold a model of `memory` bytes at once: no more than three
 * quarters of the machine's memory hold (each model's estimated bytes with room for its run, and a
 * worker thread's own heap); at least one.
 */
export function threadsThatFit(memory: number, wanted: number): number {
  const fit = Math.max(1, Math.floor((totalmem() * MACHINE_SHARE) / (memory * MODEL_HEADROOM + THREAD_BYTES)));
  return Math.max(1, Math.min(wanted, fit));
}

/**
 * How many runs of `scenario` may run at once when `jobs` are asked for: at most one per run, and
 * no more models than the machine's memory holds (see {@link threadsThatFit}).
 */
export function parallelRuns(scenario: Scenario, jobs: number, memory: number): number {
  return threadsThatFit(memory, Math.min(jobs, scenario.runs.length));
}

/**
 * The worker threads' entry point, beside this module: run-thread.js in the built package; its
 * TypeScript source when this module runs from source under a loader that the threads inherit
 * (`node --import tsx`).
 */
function threadScript(): string {
  const built = new URL('./run-thread.js', import.meta.url);
  return (existsSync(fileURLToPath(built)) ? built : new URL('./run-thread.ts', import.meta.url)).href;
}

/** A cost rounded to two significant digits: estimates closer than that are not told apart. */
function roughly(cost: number): number {
  return cost > 0 && Number.isFinite(cost) ? Number(cost.toPrecision(2)) : 0;
}

/**
 * The order in which the runs are handed out, given each run's estimated cost (any unit, one per
 * run): run 0 first (it stays in this thread), then the others by decreasing cost at two significant
 * digits, runs of the same rounded cost in the scenario's order. Handing the longest out first (LPT,
 * Graham 1969) bounds the time one thread waits for another at the end by the shortest runs' cost;
 * costs the estimate cannot tell apart keep the scenario's order.
 */
export function runOrder(costs: readonly number[]): number[] {
  const rest = costs.map((c, run) => ({ run, c: roughly(c) })).slice(1);
  rest.sort((a, b) => b.c - a.c || a.run - b.run);
  return costs.length === 0 ? [] : [0, ...rest.map((r) => r.run)];
}

/** What a worker thread is asked to do: one run of a scenario (see run-thread.ts). */
export interface RunTask {
  readonly scenario: Scenario;
  readonly run: number;
  readonly seed?: number;
  readonly series: boolean;
  /** Receives `[simulatedNs, durationNs]` after each hundredth of the run. */
  readonly progress: MessagePort;
}

/** An error as it crosses from a worker thread: what {@link reviveError} needs to make it again. */
export type SentError =
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly stack?: string; readonly fields: Record<string, unknown>; readonly cause?: SentError }
  | { readonly kind: 'value'; readonly value: unknown };

/** What a worker thread gives back for a {@link RunTask}. */
export type RunTaskOutcome = { readonly done: CompletedRun } | { readonly error: SentError };

/** A value as it can be posted: itself when it can be cloned, else its text. */
function sendable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

/** `e` in a form that crosses a thread boundary (see {@link reviveError}). */
export function sendError(e: unknown, depth = 0): SentError {
  if (!(e instanceof Error)) return { kind: 'value', value: sendable(e) };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) if (key !== 'message' && key !== 'stack' && key !== 'cause') fields[key] = sendable((e as unknown as Record<string, unknown>)[key]);
  return {
    kind: 'error',
    name: e.name,
    message: e.message,
    ...(e.stack === undefined ? {} : { stack: e.stack }),
    fields,
    ...(e.cause === undefined || depth >= 8 ? {} : { cause: sendError(e.cause, depth + 1) }),
  };
}

/** The classes an error is made again as, by name (this library's own, those a run can throw, and JavaScript's). */
const CLASSES: Readonly<Record<string, { readonly prototype: Error }>> = {
  SimulationError, ScenarioError, ScenarioFileError, ScenarioCostError, OutputPathError, WireError,
  Error, RangeError, TypeError, ReferenceError, SyntaxError, EvalError, URIError,
};

/** The error `sent` describes, of its class where that is known here (else a plain `Error` with its name). */
export function reviveError(sent: SentError): unknown {
  if (sent.kind === 'value') return sent.value;
  const e = Object.create((Object.hasOwn(CLASSES, sent.name) ? CLASSES[sent.name]! : Error).prototype) as Error;
  const define = (key: string, value: unknown): void => { Object.defineProperty(e, key, { value, writable: true, configurable: true, enumerable: false }); };
  define('message', sent.message);
  if (sent.stack !== undefined) define('stack', sent.stack);
  if (sent.cause !== undefined) define('cause', reviveError(sent.cause));
  Object.assign(e, sent.fields);
  if (e.name !== sent.name) define('name', sent.name);
  return e;
}

/** Options of {@link runInParallel}. */
export interface ParallelOptions {
  readonly seed?: number;
  readonly series?: boolean;
  readonly onProgress?: (run: number, runs: number, simulatedNs: number, durationNs: number) => void;
  readonly signal?: AbortSignal;
  /** Each run's estimated cost, in any one unit (see {@link runOrder}); without it, the scenario's order. */
  readonly costs?: readonly number[];
}

/**
 * Runs every run of `scenario` on `lanes` lanes: this thread (`inProcess` runs one run here, and
 * must stop at its next slice when its signal aborts) and `lanes - 1` worker threads (see the module
 * comment). Resolves with the runs in the scenario's order; rejects with the failure of the lowest
 * failed run, or with `signal`'s reason when it aborts (the worker threads are stopped either way).
 */
export async function runInParallel(
  scenario: Scenario,
  options: ParallelOptions,
  lanes: number,
  inProcess: (run: number, signal: AbortSignal) => Promise<CompletedRun>,
): Promise<CompletedRun[]> {
  const runs = scenario.runs.length;
  const done: CompletedRun[] = [];
  const order = options.costs === undefined || options.costs.length !== runs ? Array.from({ length: runs }, (_, r) => r) : runOrder(options.costs);
  let next = 0;
  let failed: { readonly run: number; readonly error: unknown } | null = null;
  // Every run's own stop, so that runs after a failure can be stopped and runs before it go on.
  const running = new Map<number, AbortController>();
  const interrupted = (): boolean => options.signal?.aborted === true;
  const onAbort = (): void => { for (const c of running.values()) c.abort(); };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const pool = new Piscina({
    filename: threadScript(),
    minThreads: lanes - 1,
    maxThreads: lanes - 1,
    concurrentTasksPerWorker: 1,
    // A worker thread may hold what this thread may: the heap this process was given.
    resourceLimits: { maxOldGenerationSizeMb: Math.ceil(getHeapStatistics().heap_size_limit / MIB) },
  });
  // A thread that fails between tasks: its next task (if any) fails and is reported as a run's failure.
  pool.on('error', () => undefined);

  // After a failure, only runs before the failed one are still handed out (one after another, they would have run).
  const claim = (): number | undefined => {
    if (interrupted()) return undefined;
    while (next < runs) {
      const run = order[next++]!;
      if (failed === null || run < failed.run) return run;
    }
    return undefined;
  };
  const fail = (run: number, error: unknown): void => {
    if (failed !== null && failed.run < run) return;
    failed = { run, error };
    for (const [r, c] of running) if (r > run) c.abort();
  };

  const inWorker = async (run: number, signal: AbortSignal): Promise<CompletedRun> => {
    const channel = new MessageChannel();
    let live = true;
    let reached = 0;
    channel.port1.on('message', ([t, d]: [number, number]) => {
      if (!live) return;
      reached = t;
      options.onProgress?.(run, runs, t, d);
    });
    const task: RunTask = {
      scenario,
      run,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      series: options.series === true,
      progress: channel.port2,
    };
    try {
      const outcome = (await pool.run(task, { transferList: [channel.port2], signal })) as RunTaskOutcome;
      if ('error' in outcome) throw reviveError(outcome.error);
      // The run's last progress may come after its result (another channel): said here, as a run in this thread says it.
      live = false;
      if (reached < scenario.duration) options.onProgress?.(run, runs, scenario.duration, scenario.duration);
      return outcome.done;
    } catch (e) {
      // The thread itself failed (out of memory, say): said with the run's name, its code kept.
      if (e instanceof Error && (e as NodeJS.ErrnoException).code?.startsWith('ERR_WORKER') === true) {
        throw Object.assign(new Error(`run ${scenario.runs[run]!.name} (in a worker thread): ${e.message}`), { code: (e as NodeJS.ErrnoException).code });
      }
      throw e;
    } finally {
      live = false;
      channel.port1.close();
    }
  };

  const lane = async (runOne: (run: number, signal: AbortSignal) => Promise<CompletedRun>, first: number | undefined): Promise<void> => {
    for (let run = first; run !== undefined; run = claim()) {
      const stop = new AbortController();
      running.set(run, stop);
      try {
        done[run] = await runOne(run, stop.signal);
      } catch (e) {
        // A run stopped (after a failure, or interrupted) is not a failure of its own.
        if (!stop.signal.aborted) fail(run, e);
      } finally {
        running.delete(run);
      }
    }
  };

  try {
    // The first run is this thread's (it starts at once; the worker threads are still starting).
    const first = claim();
    const workers = Array.from({ length: lanes - 1 }, () => lane(inWorker, claim()));
    await Promise.all([lane(inProcess, first), ...workers]);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
  }
  if (failed !== null) throw (failed as { error: unknown }).error;
  if (interrupted()) throw options.signal!.reason;
  return done;
}
