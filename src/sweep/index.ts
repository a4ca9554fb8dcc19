/**
 * Sweeps: a grid of settings over a base scenario, with Monte Carlo seeds, validated whole before
 * anything runs, run on worker threads or on BullMQ workers across machines, into a JSON Lines file
 * that a killed sweep resumes, with a summary per grid point (mean, median, p95, 95 % confidence
 * interval). The statistics and the file's lines are the report layer's; this layer plans and runs.
 */
export type { RangeSpec, SweepFileSpec } from './sweep-file.js';
export { SweepError, SweepSource, loadSweepText } from './sweep-file.js';
export type { Axis } from './grid.js';
export { MAX_AXIS_VALUES, MAX_POINTS, combinations, gridAxes, sweepSeeds } from './grid.js';
export type { PlanOptions, SweepJob, SweepPlan, SweepPoint } from './plan.js';
export { planSweep } from './plan.js';
export type { JobOutcome } from './job.js';
export { runJob } from './job.js';
export type { JobRunner } from './local.js';
export { LocalRunner, SweepRunError, defaultWorkers, jobText } from './local.js';
export { ResultsFile, ResultsFileError } from './results-file.js';
export type { JobPlacement } from './memory.js';
export { HEAP_HEADROOM, JOB_OVERHEAD_BYTES, JOB_SEMI_SPACE_MIB, MemoryBudget, WORKER_MEMORY_SHARE, defaultWorkerMemory, jobHeapMib, jobProcessFlags, jobTooLarge, placeJob } from './memory.js';
export type { QueueAddress, QueueRunnerOptions, ServeOptions } from './queue.js';
export { DEFAULT_LOCK_MS, DEFAULT_QUEUE_NAME, MAX_STALLS, QueueError, QueueRunner, parseQueueUrl, queueJobId, serveQueue } from './queue.js';
export type { SweepOptions, SweepOutcome } from './sweep.js';
export { runSweep } from './sweep.js';
