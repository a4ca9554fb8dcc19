/**
 * The entry point of a process of its own for one queued job whose model does not fit the heap of the
 * worker that took it (see memory.ts): started with a larger `--max-old-space-size`, it takes the job
 * as its first IPC message, runs it on a worker thread (which the process's heap flags govern), sends
 * the outcome back and ends. Its own thread stays free meanwhile, so that a worker that goes away
 * (its IPC channel closes: the worker was killed, or stopped at once) ends this process too.
 */
import { Piscina } from 'piscina';
import type { JobOutcome } from './job.js';
import type { SweepJob } from './plan.js';

process.once('disconnect', () => process.exit(1));
process.once('message', (job: SweepJob) => {
  const pool = new Piscina({ filename: new URL('./thread.js', import.meta.url).href, minThreads: 1, maxThreads: 1 });
  const done = (outcome: JobOutcome): void => {
    process.send!(outcome, () => { void pool.destroy().finally(() => process.exit(0)); });
  };
  (pool.run(job) as Promise<JobOutcome>).then(done, (e: unknown) => done({ error: `a worker thread failed: ${e instanceof Error ? e.message : String(e)}` }));
});
