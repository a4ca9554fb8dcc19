/**
 * Observers on the trace bus: messages by form, broadcast load, flow fates, migration outcomes and
 * staleness, security features' drops and err-disabled ports, contention cases, and all of them together for one run ({@link RunMetrics}). They only observe: they
 * subscribe to the trace bus, read the end-of-run state handed to them, and schedule no events.
 */
export type { ArpCounts, NdCounts } from './messages.js';
export { MessageCounter } from './messages.js';
export { BroadcastLoad } from './broadcast-load.js';
export type { Fate, LossCause, MigrationWindow, Outage } from './flow-fates.js';
export { FATES, FlowFates, LOSS_CAUSES } from './flow-fates.js';
export { StalenessTracker } from './migration-outcome.js';
export type { MigrationContext } from './migration-results.js';
export { MIGRATION_LOSS_KEYS, MigrationCollector, migrationCause, migrationWindows } from './migration-results.js';
export type { DhcpResult, FlowResult, MigrationResult, PerDirection, RunMeasures } from './summary.js';
export type { AdmissionResult, ErrDisabledResult, FeatureDrops, SecurityResult } from './security-outcome.js';
export { SecurityOutcome } from './security-outcome.js';
export type { ContentionResult, Detection } from './contention-outcome.js';
export { ContentionOutcome } from './contention-outcome.js';
export { ms } from './summary.js';
export { RunMetrics } from './run-metrics.js';
export type {
  DeliverySegment,
  EntryPoints,
  EntrySegment,
  FabricNode,
  FabricPicture,
  LoadBin,
  LoadSeries,
  MessageMark,
  RunSeries,
  SeriesDirection,
  SeriesMigration,
} from './series-types.js';
export { MAX_MARKS } from './series-types.js';
export { SeriesRecorder } from './series.js';
