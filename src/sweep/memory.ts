/**
 * The memory of an `arpshift worker`: the points of a sweep arrive as jobs, each with its model's
 * estimated heap (`estimateCost`), and the worker gives each the heap `arpshift run` would choose for
 * it. A job whose model fits the worker's own heap (node's default, about 4 GiB on a 64-bit machine
 * with enough memory, or what node was given) runs on the worker's threads as before; a larger one
 * runs in a process of its own started with `--max-old-space-size` of the estimate and half again
 * (in whole 256 MiB) and `--max-semi-space-size=64`, as `run` re-runs itself (a process, not a
 * thread: node's own `--max-old-space-size`, when given, bounds every thread's heap whatever its
 * `resourceLimits`). The jobs running at once stay within the worker's memory (three quarters of the
 * machine's, or `--memory`): each takes its heap and a thread's or process's own share, and a job
 * that does not fit waits for those running before it (first come, first served); a job that alone
 * would exceed it is refused with one line, which ends its sweep.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { JobOutcome } from './job.js';
import type { SweepJob } from './plan.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
/** The heap asked for, over the estimate (as `run`): room for the run's own garbage and the estimate's error. */
export const HEAP_HEADROOM = 1.5;
/** The share of the machine's memory a worker's jobs may take together by default (as `run`). */
export const WORKER_MEMORY_SHARE = 0.75;
/** The semi-space of a job's own process, MiB (as `run`'s re-run: fewer scavenges while a large model is built). */
export const JOB_SEMI_SPACE_MIB = 64;
/** What a thread or process takes beside its model's heap (its own heap, code, stacks). */
export const JOB_OVERHEAD_BYTES = 64 * MIB;

const gib = (bytes: number): string => (bytes / GIB).toFixed(1);

/** The heap (MiB) a job of `memory` estimated bytes is run with when it does not fit: the estimate and half again, in whole 256 MiB (as `run`). */
export function jobHeapMib(memory: number): number {
  return Math.ceil((memory * HEAP_HEADROOM) / MIB / 256) * 256;
}

/** The memory (bytes) a worker's jobs may take together by default: three quarters of the machine's. */
export function defaultWorkerMemory(): number {
  return totalmem() * WORKER_MEMORY_SHARE;
}

/** How a job is run: on the worker's threads, or in a process of its own with a heap of `heapMib`. */
export interface JobPlacement {
  /** 0: on the worker's threads; else the heap of its own process, MiB. */
  readonly heapMib: number;
  /** What it takes of the worker's memory while it runs. */
  readonly bytes: number;
}

/** Where a job of `memory` estimated bytes runs, given the worker's own heap limit (bytes). */
export function placeJob(memory: number, heapLimit: number): JobPlacement {
  if (memory * HEAP_HEADROOM <= heapLimit) return { heapMib: 0, bytes: memory * HEAP_HEADROOM + JOB_OVERHEAD_BYTES };
  const heapMib = jobHeapMib(memory);
  return { heapMib, bytes: heapMib * MIB + JOB_OVERHEAD_BYTES };
}

/** Why a job of `memory` bytes cannot run on a worker of `total` bytes (one line), or undefined when it can. */
export function jobTooLarge(memory: number, placement: JobPlacement, total: number): string | undefined {
  if (placement.bytes <= total) return undefined;
  return `this point needs about ${gib(memory)} GiB of memory for its model (${gib(placement.bytes)} GiB with room for the run) and the worker on ${hostname()} may use ${gib(total)} GiB (--memory; by default three quarters of its ${gib(totalmem())} GiB): run it on a worker with more memory, or make it smaller`;
}

/** Memory shared by the jobs running at once: first come, first served. */
export class MemoryBudget {
  private used = 0;
  private readonly waiting: { readonly bytes: number; readonly go: () => void }[] = [];

  constructor(readonly total: number) {}

  /** Resolves once `bytes` (at most the total) are taken; jobs waiting before it are served first. */
  take(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && (this.used === 0 || this.used + bytes <= this.total)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((go) => { this.waiting.push({ bytes, go }); });
  }

  /** Gives back what {@link take} took; starts the jobs waiting that fit now. */
  give(bytes: number): void {
    this.used -= bytes;
    while (this.waiting.length > 0 && (this.used === 0 || this.used + this.waiting[0]!.bytes <= this.total)) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.go();
    }
  }

  /** Bytes taken now. */
  get taken(): number {
    return this.used;
  }
}

/** The job process's script: job-process.js in the built package, its source under a loader (`node --import tsx`). */
function processScript(): string {
  const built = new URL('./job-process.js', import.meta.url);
  return fileURLToPath(existsSync(fileURLToPath(built)) ? built : new URL('./job-process.ts', import.meta.url));
}

/** The node flags of a job's own process: this process's, with the heap of `heapMib` MiB instead of its own. */
export function jobProcessFlags(execArgv: readonly string[], heapMib: number): string[] {
  const kept = execArgv.filter((a) => !a.startsWith('--max-old-space-size') && !a.startsWith('--max-semi-space-size'));
  return [...kept, `--max-old-space-size=${heapMib}`, `--max-semi-space-size=${JOB_SEMI_SPACE_MIB}`];
}

/** Runs `job` in a process of its own with a heap of `heapMib` MiB (see the module comment). */
export function runJobInProcess(job: SweepJob, heapMib: number): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const child = fork(processScript(), [], { execArgv: jobProcessFlags(process.execArgv, heapMib), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let outcome: JobOutcome | undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
    child.once('message', (m: JobOutcome) => { outcome = m; });
    child.once('error', (e) => resolve({ error: `could not start a process for it: ${e.message}` }));
    child.once('close', (code, signal) => {
      if (outcome !== undefined) return resolve(outcome);
      const oom = /heap out of memory|reached heap limit/i.test(stderr);
      resolve({ error: oom ? `ran out of memory in a process of its own with --max-old-space-size=${heapMib}` : `its process ended (${signal ?? `exit ${code}`}) without a result${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').pop()}`}` });
    });
    child.send(job);
  });
}
