/**
 * The result of running a scenario, as the runner collects it: one {@link RunResult} per run (the
 * scenario's variants, or the scenario itself) and the totals. This is what `arpshift run --json`
 * prints (written by the report layer's `resultJson`); key names are a contract documented in the
 * README, and keys are built in the order of these types.
 */
import type { RunMeasures, RunSeries } from '../metrics/index.js';

/** One run (the scenario, or one variant of it): its name, then what the observers measured. */
export interface RunResult extends RunMeasures {
  readonly name: string;
  /** The run's time series, when asked for (`series: true`); the last key. */
  readonly series?: RunSeries;
}

/** The whole result. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly seed: number;
  readonly simulatedSeconds: number;
  /** Kernel events executed over all runs. */
  readonly events: number;
  readonly runs: readonly RunResult[];
}
