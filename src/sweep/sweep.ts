/**
 * Running a planned sweep: open (or resume) its results file, run the (point, seed) jobs it does not
 * hold yet on a runner (worker threads, or a queue), append each result line as it comes, and once
 * every job is done compute the summary and write the file in its canonical order (results-file.ts).
 * A sweep that fails or is interrupted leaves the lines written so far, which `--resume` continues.
 */
import type { PointSummary, SweepResultLine } from '../report/index.js';
import { summarizeSweep } from '../report/index.js';
import type { JobRunner } from './local.js';
import type { SweepPlan } from './plan.js';
import { ResultsFile } from './results-file.js';

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** The JSON Lines file. */
  readonly out: string;
  /** Continue the file there (created when missing); without it an existing file is refused. */
  readonly resume?: boolean;
  readonly runner: JobRunner;
  /** Called when the file is open (with the jobs it already held), and after each job. */
  readonly onProgress?: (done: number, total: number, held: number) => void;
  readonly signal?: AbortSignal;
}

/** A finished sweep. */
export interface SweepOutcome {
  /** Every (point, seed)'s line, in the plan's order (point by point, seed by seed). */
  readonly lines: readonly SweepResultLine[];
  readonly summary: readonly PointSummary[];
  /** Lines the file held before this run (resumed). */
  readonly held: number;
  /** Lines of points not in this plan, kept in the file but not summarised. */
  readonly others: number;
  /** Torn lines cut off the end of a resumed file. */
  readonly dropped: number;
}

/** Runs `plan` (see the module comment). */
export async function runSweep(plan: SweepPlan, options: SweepOptions): Promise<SweepOutcome> {
  const file = ResultsFile.open(options.out, plan.header, options.resume === true);
  try {
    const pending = plan.jobs.filter((j) => !file.has(j.key));
    const total = plan.jobs.length;
    const held = total - pending.length;
    let done = held;
    options.onProgress?.(done, total, held);
    await options.runner.run(pending, (_job, line) => {
      if (file.append(line)) done++;
      options.onProgress?.(done, total, held);
    }, options.signal);
    const all = file.lines();
    const order: string[] = [];
    const lines: SweepResultLine[] = [];
    // Point by point, then seed by seed: the canonical order of the file (the plan lists the jobs seed by seed).
    const n = plan.points.length;
    for (let pi = 0; pi < n; pi++) {
      for (let si = 0; si < plan.header.seeds.length; si++) {
        const job = plan.jobs[si * n + pi]!;
        order.push(job.key);
        const line = all.get(job.key);
        if (line !== undefined) lines.push(line);
      }
    }
    const summary = summarizeSweep(lines, plan.points.map((p) => p.parameters));
    const dropped = file.dropped;
    const others = file.complete(plan.header, order, { type: 'summary', points: summary });
    return { lines, summary, held, others, dropped };
  } finally {
    file.close();
  }
}
