/**
 * Running a scenario: estimate its cost (and refuse what cannot finish here), build each run's
 * model, attach the observers (and a capture), step the kernel with progress and interruption, and
 * collect the result. {@link runScenario} runs every run of a scenario ({@link runScenarioAsync}
 * several at once on worker threads with `jobs`); {@link runScenarioRun} one (scenario, run, seed),
 * as a sweep worker does; {@link ModelRun} drives one built model slice by slice.
 */
export type { RunResult, ScenarioResult } from './result.js';
export type { CostEstimate, CostItem, CostLimits } from './cost.js';
export { BUILD_SECONDS_PER_HOST, BYTES_PER_HOST, BYTES_PER_SWITCH_PORT, CACHED_STATIONS, DELIVERIES_PER_SECOND, DELIVERIES_PER_SECOND_LARGE, EVENTS_PER_PACKET, EVENTS_PER_SECOND, SWITCH_FLOODS_PER_SECOND, ScenarioCostError, WARN_SECONDS, costIssues, costWarning, defaultCostLimits, estimateCost } from './cost.js';
export type { Capture } from './capture.js';
export { attachCapture } from './capture.js';
export type { ModelRunOptions, RunObserver, Slice } from './model-run.js';
export { ModelRun } from './model-run.js';
export type { CompletedRun, RunOneOptions, RunScenarioAsyncOptions, RunScenarioOptions } from './run-scenario.js';
export { SLICE_MS, runModel, runScenario, runScenarioAsync, runScenarioRun, runsAtOnce } from './run-scenario.js';
export { threadsThatFit } from './parallel.js';
