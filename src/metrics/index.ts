/**
 * Observers on the trace bus (messages by form, broadcast load, flow fates, migration outcomes), the
 * scenario runner, and the result object.
 */
export type { ArpCounts, NdCounts } from './messages.js';
export { MessageCounter } from './messages.js';
export { BroadcastLoad } from './broadcast-load.js';
export type { LossCause } from './flow-fates.js';
export { FlowFates, LOSS_CAUSES } from './flow-fates.js';
export type { Outage } from './migration-outcome.js';
export { StalenessTracker, outage } from './migration-outcome.js';
export type { FlowResult, MigrationResult, PerDirection, RunResult, ScenarioResult } from './result.js';
export { ms, resultJson } from './result.js';
export type { RunScenarioOptions } from './run-scenario.js';
export { runModel, runScenario, runScenarioAsync } from './run-scenario.js';
