/**
 * Running one (point, seed) of a sweep: load the point's scenario (kept between jobs of the same
 * point), run the chosen run with the seed, and return the result line as JSON text (the bytes the
 * results file will hold). What worker threads and queue workers do for each job.
 */
import type { Scenario } from '../scenario/index.js';
import { loadScenario } from '../scenario/index.js';
import { runScenarioRun } from '../run/index.js';
import type { SweepResultLine } from '../report/index.js';
import type { SweepJob } from './plan.js';

/** What a job gives back: the line's text, or why the run failed (one line). */
export type JobOutcome = { readonly line: string } | { readonly error: string };

const cache = new Map<string, Scenario>();

function scenarioOf(text: string, file: string): Scenario {
  let s = cache.get(text);
  if (s === undefined) {
    s = loadScenario(text, file);
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
    cache.set(text, s);
  }
  return s;
}

/** Runs `job` and returns its result line (see the module comment); a failure comes back as its message. */
export function runJob(job: SweepJob): JobOutcome {
  try {
    const done = runScenarioRun(scenarioOf(job.text, job.file), job.run, { seed: job.seed, force: true, ...(job.series ? { series: true } : {}) });
    const line: SweepResultLine = { type: 'result', parameters: job.parameters, seed: job.seed, events: done.events, result: done.result };
    return { line: JSON.stringify(line) };
  } catch (e) {
    const message = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
    return { error: message.split('\n')[0]! };
  }
}
