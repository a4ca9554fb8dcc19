/**
 * Sweeps across machines on BullMQ (a job queue on Redis): the sweep process puts its (point, seed)
 * jobs on a queue and writes the results that come back; `arpshift worker` processes on any number
 * of machines take jobs and run them on their own worker threads.
 *
 * - A job's id is a hash of the base scenario, the parameters and the seed: a restarted sweep adds
 *   the jobs it still needs and BullMQ keeps one job per id, so no point is queued twice, and results
 *   that came back while the sweep was away are collected from the queue. A line is written once
 *   (the results file keeps one per (parameters, seed)); a collected job is then removed.
 * - A worker renews the lock of each job it runs while its threads compute (the simulation runs off
 *   its event loop); a worker that dies stops renewing, and after the lock duration another worker's
 *   stalled-job check puts the job back on the queue (BullMQ's stalled jobs). A job that stalls
 *   {@link MAX_STALLS} times, or whose run fails, fails the sweep with one line.
 * - The queue is watched by a connection of its own that pings Redis every second: a queue that cannot
 *   be reached, or that stops answering, ends the sweep (or the worker) within seconds with one line;
 *   what was already written stays.
 * - Jobs carry the arpshift version; a worker of another version refuses them (results would differ).
 */
import { createHash } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { VERSION } from '../version.js';
import type { JobRunner } from './local.js';
import { LocalRunner, SweepRunError, jobText } from './local.js';
import type { JobOutcome } from './job.js';
import { HEAP_HEADROOM, JOB_SEMI_SPACE_MIB, MemoryBudget, defaultWorkerMemory, jobTooLarge, placeJob, runJobInProcess } from './memory.js';
import type { SweepJob } from './plan.js';

/**
 * BullMQ and ioredis, loaded when a queue is first used: loading them takes about a fifth of a second,
 * which every command of the CLI and every user of the library would otherwise pay at start.
 */
async function queueLibraries(): Promise<{ bullmq: typeof import('bullmq'); Redis: typeof Redis }> {
  const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
  return { bullmq, Redis: ioredis.Redis };
}

/** The default queue name. */
export const DEFAULT_QUEUE_NAME = 'arpshift';
/** Times a job may be taken back from a worker that stopped renewing its lock before the sweep fails. */
export const MAX_STALLS = 3;
/** The default lock duration of a running job (ms): how soon a dead worker's job goes back to the queue (plus half of it for the check). */
export const DEFAULT_LOCK_MS = 10_000;

/** A queue that cannot be reached or went away; exit code 1. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
}

/** A queue's address: `redis://[user:password@]host[:port][/db]`. */
export interface QueueAddress {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** The URL without its password, for messages. */
  readonly text: string;
}

/** Parses a queue URL; throws a RangeError saying what is wrong. */
export function parseQueueUrl(url: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`--queue ${url}: expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  }
  if (u.protocol !== 'redis:') throw new RangeError(`--queue ${url}: expected redis://HOST:PORT (the protocol must be redis:)`);
  if (u.hostname === '') throw new RangeError(`--queue ${url}: no host`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new RangeError(`--queue ${url}: the database (after /) must be a number`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    host,
    port,
    db,
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    text: `redis://${u.username === '' ? '' : `${u.username}@`}${u.host}${db === 0 ? '' : `/${db}`}`,
  };
}

/** Connection options for BullMQ's own connections (they retry; the watchdog decides when to give up). */
function connectionOf(a: QueueAddress): Record<string, unknown> {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    ...(a.username === undefined ? {} : { username: a.username }),
    ...(a.password === undefined ? {} : { password: a.password }),
    maxRetriesPerRequest: null,
    connectTimeout: 3000,
    retryStrategy: (times: number) => Math.min(200 * times, 1000),
  };
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for `p`, but at most `ms`. */
async function atMost(p: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([p.then(() => undefined, () => undefined), delay(ms)]);
}

/**
 * A connection of its own that pings the queue every second: {@link lost} rejects with a
 * {@link QueueError} when the queue cannot be reached at first (within about 3 s) or stops answering
 * (for about 3 s).
 */
class Watchdog {
  readonly lost: Promise<never>;
  private readonly client: Redis;
  private timer: NodeJS.Timeout | null = null;
  private failSoon: (e: QueueError) => void = () => undefined;
  private lastError = '';
  private stopped = false;

  constructor(private readonly address: QueueAddress, RedisClient: typeof Redis) {
    this.client = new RedisClient({
      host: address.host, port: address.port, db: address.db,
      ...(address.username === undefined ? {} : { username: address.username }),
      ...(address.password === undefined ? {} : { password: address.password }),
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: (times) => (times > 5 ? null : 400),
    });
    this.client.on('error', (e: Error) => { this.lastError = (e as NodeJS.ErrnoException).code ?? e.message; });
    this.lost = new Promise<never>((_, reject) => { this.failSoon = reject; });
    // Nobody may be waiting on it yet.
    this.lost.catch(() => undefined);
  }

  /** Connects (within about 3 s) and starts pinging. */
  async start(): Promise<void> {
    try {
      await Promise.race([
        this.client.connect(),
        delay(3000).then(() => { throw new Error('no answer within 3 s'); }),
      ]);
      await this.client.ping();
    } catch (e) {
      this.client.disconnect();
      throw new QueueError(`cannot reach the queue at ${this.address.text}: ${this.lastError || (e as Error).message}`);
    }
    let failing = 0;
    this.timer = setInterval(() => {
      if (this.stopped) return;
      const ping = this.client.status === 'ready' ? this.client.ping() : Promise.reject(new Error(this.lastError || this.client.status));
      Promise.race([ping, delay(1500).then(() => { throw new Error('no answer'); })]).then(
        () => { failing = 0; },
        (e: unknown) => {
          if (this.stopped) return;
          if (++failing >= 3) this.failSoon(new QueueError(`lost the queue at ${this.address.text}: ${this.lastError || (e as Error).message}`));
        },
      );
    }, 1000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.client.disconnect();
  }
}

/** A job's id in the queue: a hash of the base scenario and the (point, seed). */
export function queueJobId(base: string, key: string): string {
  return `p${createHash('sha256').update(`${base}\n${key}`).digest('hex').slice(0, 40)}`;
}

/** What a queued job carries. */
interface QueuedJob {
  readonly v: string;
  readonly job: SweepJob;
}

/** Options of a {@link QueueRunner}. */
export interface QueueRunnerOptions {
  readonly address: QueueAddress;
  /** The base scenario's hash (the sweep header's `base`): part of every job's id. */
  readonly base: string;
  readonly name?: string;
}

/** The sweep's side of the queue (see the module comment). */
export class QueueRunner implements JobRunner {
  private readonly options: QueueRunnerOptions;
  private readonly closers: (() => Promise<unknown>)[] = [];

  constructor(options: QueueRunnerOptions) {
    this.options = options;
  }

  async run(jobs: readonly SweepJob[], onLine: (job: SweepJob, line: string) => void, signal?: AbortSignal): Promise<void> {
    const { address, base } = this.options;
    const name = this.options.name ?? DEFAULT_QUEUE_NAME;
    // A sweep whose file holds every run needs no queue.
    if (jobs.length === 0) return;
    const { bullmq, Redis: RedisClient } = await queueLibraries();
    const watchdog = new Watchdog(address, RedisClient);
    await watchdog.start();
    this.closers.push(async () => watchdog.stop());
    const connection = connectionOf(address);
    const queue = new bullmq.Queue(name, { connection });
    const events = new bullmq.QueueEvents(name, { connection });
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    this.closers.push(() => atMost(events.close(), 1000), () => atMost(queue.close(), 1000));

    const byId = new Map<string, SweepJob>();
    for (const j of jobs) byId.set(queueJobId(base, j.key), j);
    const open = new Set(byId.keys());
    let settle: { resolve: () => void; reject: (e: unknown) => void } | null = null;
    const finished = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
    let failure: unknown = null;
    const fail = (e: unknown): void => {
      if (failure !== null) return;
      failure = e;
      settle!.reject(e);
    };
    const take = (id: string, value: unknown): void => {
      const job = byId.get(id);
      if (job === undefined || !open.has(id) || failure !== null) return;
      const outcome = (typeof value === 'string' ? JSON.parse(value) : value) as JobOutcome | null;
      if (outcome === null || typeof outcome !== 'object') return;
      if ('error' in outcome) return fail(new SweepRunError(`${jobText(job)}: the run failed: ${outcome.error}`));
      open.delete(id);
      try {
        onLine(job, outcome.line);
      } catch (e) {
        return fail(e);
      }
      queue.remove(id).catch(() => undefined);
      if (open.size === 0) settle!.resolve();
    };
    events.on('completed', ({ jobId, returnvalue }) => take(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => {
      const job = byId.get(jobId);
      if (job !== undefined && open.has(jobId)) fail(new SweepRunError(`${jobText(job)}: ${failedReason}`));
    });
    const onAbort = (): void => fail(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | null = null;
    try {
      await Promise.race([Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), watchdog.lost]);
      if (open.size === 0) return;
      // What the queue holds already: results that came back while this sweep was away, and jobs that
      // failed in an earlier attempt (run again).
      const toAdd: string[] = [];
      const reconcile = async (ids: readonly string[], adding: boolean): Promise<void> => {
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500).filter((id) => open.has(id));
          const states = await Promise.all(chunk.map((id) => queue.getJobState(id)));
          const done: string[] = [];
          await Promise.all(chunk.map(async (id, k) => {
            const state = states[k];
            if (state === 'completed') done.push(id);
            else if (state === 'failed' && adding) {
              await queue.remove(id).catch(() => undefined);
              toAdd.push(id);
            } else if (state === 'unknown' && adding) toAdd.push(id);
          }));
          for (const id of done) {
            const job: Job | undefined = await queue.getJob(id);
            if (job !== undefined) take(id, job.returnvalue);
          }
        }
      };
      await Promise.race([reconcile([...open], true), watchdog.lost, finished]);
      for (let i = 0; i < toAdd.length && failure === null; i += 500) {
        const chunk = toAdd.slice(i, i + 500);
        await Promise.race([
          queue.addBulk(chunk.map((id) => ({
            name: 'point',
            data: { v: VERSION, job: byId.get(id)! } satisfies QueuedJob,
            opts: { jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false },
          }))),
          watchdog.lost,
        ]);
      }
      // Events can be missed while a connection is re-established: look at the open jobs now and then.
      timer = setInterval(() => { reconcile([...open], false).catch(() => undefined); }, 5000);
      timer.unref();
      if (open.size === 0) return;
      await Promise.race([finished, watchdog.lost]);
    } finally {
      if (timer !== null) clearInterval(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    const closers = this.closers.splice(0);
    for (const c of closers.reverse()) await c();
  }
}

/** Options of {@link serveQueue}. */
export interface ServeOptions {
  readonly address: QueueAddress;
  readonly name?: string;
  /** Worker threads (and jobs run at once). */
  readonly workers: number;
  /** Lock duration of a running job, ms (default {@link DEFAULT_LOCK_MS}). */
  readonly lockMs?: number;
  /** Stops taking jobs; jobs running are finished. */
  readonly signal?: AbortSignal;
  /** Told of each job finished (its text) or failed. */
  readonly onJob?: (text: string, ok: boolean) => void;
  /** Told once the worker is connected and taking jobs. */
  readonly onReady?: () => void;
  /**
   * Bytes the jobs running at once may take together (default: three quarters of the machine's
   * memory); see memory.ts.
   */
  readonly memory?: number;
  /** Told, once per heap size, when a job runs in a process of its own with a larger heap, and when a job is refused for its memory (a line for people). */
  readonly onNotice?: (line: string) => void;
}

/**
 * `arpshift worker`: takes jobs from the queue and runs them on worker threads until `signal` aborts
 * (then the jobs running are finished) or the queue is lost (a {@link QueueError}).
 */
export async function serveQueue(options: ServeOptions): Promise<void> {
  const { address } = options;
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  const { bullmq, Redis: RedisClient } = await queueLibraries();
  const watchdog = new Watchdog(address, RedisClient);
  await watchdog.start();
  const pool = new LocalRunner(options.workers);
  // Each job gets the heap its model needs (see memory.ts), within the worker's memory.
  const budget = new MemoryBudget(options.memory ?? defaultWorkerMemory());
  const heapLimit = getHeapStatistics().heap_size_limit;
  const told = new Set<number>();
  let worker: Worker | null = null;
  try {
    worker = new bullmq.Worker(name, async (job: Job) => {
      const data = job.data as QueuedJob;
      if (data.v !== VERSION) throw new bullmq.UnrecoverableError(`a worker of arpshift ${VERSION} cannot run a point queued by arpshift ${data.v}: run the same version everywhere`);
      const memory = typeof data.job.memory === 'number' ? data.job.memory : 0;
      const placement = placeJob(memory, heapLimit);
      const refused = jobTooLarge(memory, placement, budget.total);
      if (refused !== undefined) {
        options.onNotice?.(`${jobText(data.job)}: ${refused}`);
        options.onJob?.(jobText(data.job), false);
        throw new bullmq.UnrecoverableError(refused);
      }
      if (placement.heapMib > 0 && !told.has(placement.heapMib)) {
        told.add(placement.heapMib);
        const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);
        options.onNotice?.(`${jobText(data.job)} needs about ${gib(memory)} GiB for its model and ${gib(memory * HEAP_HEADROOM)} GiB with room for the run, more than this worker's heap of ${gib(heapLimit)} GiB: running it (and points as large) in a process of its own with --max-old-space-size=${placement.heapMib} --max-semi-space-size=${JOB_SEMI_SPACE_MIB}`);
      }
      await budget.take(placement.bytes);
      let outcome: JobOutcome;
      try {
        outcome = placement.heapMib > 0 ? await runJobInProcess(data.job, placement.heapMib) : await pool.runOne(data.job);
      } finally {
        budget.give(placement.bytes);
      }
      options.onJob?.(jobText(data.job), !('error' in outcome));
      return outcome;
    }, {
      connection: connectionOf(address),
      concurrency: options.workers,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.round(lockMs / 2)),
      maxStalledCount: MAX_STALLS,
      drainDelay: 1,
    });
    worker.on('error', () => undefined);
    const stopped = new Promise<void>((resolve) => {
      if (options.signal?.aborted === true) resolve();
      options.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([worker.waitUntilReady(), watchdog.lost]);
    options.onReady?.();
    await Promise.race([stopped, watchdog.lost]);
    // Asked to stop: finish the jobs running, take no more.
    await Promise.race([worker.close(), watchdog.lost]);
  } finally {
    watchdog.stop();
    if (worker !== null) await atMost(worker.close(true), 1000);
    await pool.close();
  }
}
