/**
 * The entry point of the worker threads that run a scenario's runs in parallel (see parallel.ts): one
 * run in, its result (or its error, made sendable) out; the run's simulated time is posted on the
 * task's port after each hundredth of it.
 */
import type { RunTask, RunTaskOutcome } from './parallel.js';
import { sendError } from './parallel.js';
import { runScenarioRun } from './run-scenario.js';

/** Runs one run of a scenario (its cost was weighed by the caller before any run started). */
export default function runTask(task: RunTask): RunTaskOutcome {
  try {
    const done = runScenarioRun(task.scenario, task.run, {
      force: true,
      ...(task.seed === undefined ? {} : { seed: task.seed }),
      ...(task.series ? { series: true } : {}),
      onProgress: (t, d) => task.progress.postMessage([t, d]),
    });
    return { done };
  } catch (e) {
    return { error: sendError(e) };
  } finally {
    task.progress.close();
  }
}
