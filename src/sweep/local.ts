/**
 * Running a sweep's jobs on this machine: a pool of worker threads (piscina), one job per thread at a
 * time, each thread keeping the scenarios it loaded. Results come back as they finish, in whatever
 * order; the results file and the summary do not depend on it.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { JobOutcome } from './job.js';
import type { SweepJob } from './plan.js';

/** A job whose run failed; exit code 1. */
export class SweepRunError extends Error {
  override readonly name = 'SweepRunError';
}

/** The default number of workers: the machine's cores. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** A (point, seed) for messages: `remedies.0.count = 2, run = guest-garp, seed 3`. */
export function jobText(job: Pick<SweepJob, 'parameters' | 'seed'>): string {
  const params = Object.entries(job.parameters).map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${params.join(', ')}, seed ${job.seed}`;
}

/** Runs sweep jobs somewhere (worker threads here, or queue workers elsewhere). */
export interface JobRunner {
  /**
   * Runs `jobs`, calling `onLine` with each result line as it comes. Resolves once every job is done;
   * rejects with a {@link SweepRunError} when a run fails, or with `signal`'s reason when it aborts
   * (jobs already reported stay reported).
   */
  run(jobs: readonly SweepJob[], onLine: (job: SweepJob, line: string) => void, signal?: AbortSignal): Promise<void>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** The worker-thread pool (see the module comment). */
export class LocalRunner implements JobRunner {
  private readonly pool: Piscina;
  readonly workers: number;

  constructor(workers: number = defaultWorkers()) {
    this.workers = workers;
    this.pool = new Piscina({
      filename: new URL('./thread.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
  }

  /** Runs one job in the pool. */
  runOne(job: SweepJob): Promise<JobOutcome> {
    return this.pool.run(job) as Promise<JobOutcome>;
  }

  run(jobs: readonly SweepJob[], onLine: (job: SweepJob, line: string) => void, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let left = jobs.length;
      let over = false;
      const fail = (e: unknown): void => {
        if (over) return;
        over = true;
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      const onAbort = (): void => fail(signal!.reason);
      if (signal?.aborted === true) return fail(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (left === 0) {
        over = true;
        resolve();
        return;
      }
      for (const job of jobs) {
        this.runOne(job).then((outcome) => {
          if (over) return;
          if ('error' in outcome) return fail(new SweepRunError(`${jobText(job)}: the run failed: ${outcome.error}`));
          try {
            onLine(job, outcome.line);
          } catch (e) {
            return fail(e);
          }
          if (--left === 0) {
            over = true;
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }
        }, (e: unknown) => fail(over ? e : new SweepRunError(`${jobText(job)}: a worker thread failed: ${e instanceof Error ? e.message : String(e)}`)));
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
