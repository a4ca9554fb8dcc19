/**
 * The result as JSON: what `arpshift run --json` prints and `--out` writes. The key names and their
 * order are a contract (documented in the README): keys are written in the order the runner builds
 * them, times in milliseconds rounded to microseconds, so the same scenario and seed give
 * byte-identical JSON.
 */
import type { RunResult, ScenarioResult } from '../run/index.js';

/** Options of {@link resultJson}. */
export interface ResultJsonOptions {
  /** Keep the runs' time series (`series`) when the result has them (default true). */
  readonly series?: boolean;
}

/** The run without its time series. */
function withoutSeries(run: RunResult): RunResult {
  if (run.series === undefined) return run;
  const { series: _series, ...rest } = run;
  return rest;
}

/** The result as JSON text (two-space indent, fixed key order, a final newline). */
export function resultJson(result: ScenarioResult, options: ResultJsonOptions = {}): string {
  const shown = options.series === false ? { ...result, runs: result.runs.map(withoutSeries) } : result;
  return `${JSON.stringify(shown, null, 2)}\n`;
}
