/**
 * The entry point of a sweep's worker threads (a piscina pool): one job in, its outcome out.
 */
import { runJob } from './job.js';
import type { JobOutcome } from './job.js';
import type { SweepJob } from './plan.js';

/** Runs one job (see job.ts). */
export default function run(job: SweepJob): JobOutcome {
  return runJob(job);
}
