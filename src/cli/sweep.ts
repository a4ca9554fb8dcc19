/**
 * `arpshift sweep <sweep.yaml> [--workers N] [--out results.jsonl] [--resume] [--csv file]
 * [--report file.html] [--queue redis://HOST:PORT] [--queue-name NAME] [--force] [--quiet]`: run a
 * grid of settings over a base scenario with many seeds, on worker threads or on BullMQ workers, into
 * a JSON Lines file, and print the summary per grid point.
 *
 * Every point is validated before anything runs (exit 2 with every problem located). Results are
 * appended as they finish; an interrupted or failed sweep keeps them, and `--resume` continues.
 */
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import type { AtomicFileSink } from '../index.js';
import { CliError } from './errors.js';
import { runWithHeapFor } from './heap.js';
import { OutputClosed, writeAll } from './output.js';
import { Progress } from './progress.js';

interface SweepFlags {
  readonly workers?: string;
  readonly out?: string;
  readonly resume: boolean;
  readonly csv?: string;
  readonly report?: string;
  readonly queue?: string;
  readonly queueName?: string;
  readonly force: boolean;
  readonly quiet: boolean;
}

/** A positive whole number option. */
export function countOption(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new CliError(`${name} must be a whole number of at least 1, got ${text}`, 2);
  return n;
}

/** Registers the `sweep` command. */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a grid of settings over a scenario with many seeds, and summarise each point with confidence intervals')
    .argument('<sweep>', 'a sweep file (YAML): base scenario, runs, fixed settings, grid, seeds')
    .option('--workers <n>', 'worker threads (default: the machine\'s cores; fewer when its memory holds fewer models of the largest point)')
    .option('--out <file>', 'the JSON Lines file of results (default: <sweep name>.jsonl here)')
    .option('--resume', 'continue the results file there: run only the points and seeds it does not hold', false)
    .option('--csv <file>', 'also write one CSV row per point and seed')
    .option('--report <file>', 'also write the HTML report of the sweep')
    .option('--queue <url>', 'put the points on a BullMQ queue (redis://HOST:PORT) for `arpshift worker` processes to take')
    .option('--queue-name <name>', 'the queue\'s name (default arpshift)')
    .option('--force', 'run even a sweep whose estimated cost is too high for this machine', false)
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', `
Examples:
  arpshift sweep sweeps/garp-loss.yaml                          # 8 points × 20 seeds on every core
  arpshift sweep sweeps/garp-loss.yaml --workers 2 --out garp.jsonl --csv garp.csv --report garp.html
  arpshift sweep sweeps/garp-loss.yaml --out garp.jsonl --resume   # after Ctrl-C, a crash, a reboot
  arpshift sweep sweeps/garp-loss.yaml --queue redis://10.0.0.5:6379 --out garp.jsonl   # with 'arpshift worker --queue ...' elsewhere`)
    .action(async (file: string, flags: SweepFlags) => {
      const api = await import('../index.js');
      const workers = flags.workers === undefined ? api.defaultWorkers() : countOption('--workers', flags.workers);
      if (flags.queue !== undefined && flags.workers !== undefined) throw new CliError('--workers sets this machine\'s threads; with --queue the points run on `arpshift worker` processes (give them --workers)', 2);
      let address: ReturnType<typeof api.parseQueueUrl> | undefined;
      if (flags.queue !== undefined) {
        try {
          address = api.parseQueueUrl(flags.queue);
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
      }
      const text = api.readScenarioFile(file);
      // Points run here get the heap `arpshift run` would choose for the largest (see heap.ts): this
      // command runs again with it, and its worker threads share it; points on a queue run elsewhere.
      // Here, each thread holds a point's model: the plan counts (and the sweep starts) no more threads
      // than the machine's memory holds models of the largest point (threadsThatFit, as run --jobs).
      // On a queue, each worker gives a point the heap it needs, or refuses it (see `arpshift worker`).
      const plan = api.planSweep(text, file, { workers, force: flags.force, memory: Infinity, ...(address === undefined ? { fitMemory: true } : {}) });
      if (address === undefined) {
        const child = await runWithHeapFor(plan.memory, flags);
        if (child !== undefined) {
          process.exitCode = child;
          return;
        }
      }
      const out = flags.out ?? `${basename(file, extname(file)) || 'sweep'}.jsonl`;
      if (out === '-') throw new CliError('--out must be a file (a sweep is resumed from it), not standard output', 2);
      const sinks: AtomicFileSink[] = [];
      const open = (option: string, path: string): AtomicFileSink => {
        try {
          const sink = new api.AtomicFileSink(path);
          sinks.push(sink);
          return sink;
        } catch (e) {
          if (e instanceof api.OutputPathError) throw new CliError(`${option} ${e.message}`, 2);
          throw e;
        }
      };
      const interrupt = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => interrupt.abort(new CliError(`interrupted (${signal})`, 130));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const threads = plan.workers;
      if (threads < workers && !flags.quiet) process.stderr.write(`arpshift: ${threads} worker thread${threads === 1 ? '' : 's'}, not ${workers}: the machine's memory holds ${threads} model${threads === 1 ? '' : 's'} of this sweep's largest point at once\n`);
      const runner = address === undefined ? new api.LocalRunner(threads) : new api.QueueRunner({ address, base: plan.header.base, ...(flags.queueName === undefined ? {} : { name: flags.queueName }) });
      const total = plan.jobs.length;
      const progress = new Progress({ quiet: flags.quiet, label: 'sweep', unit: 'runs' });
      let written = 0;
      try {
        const csv = flags.csv === undefined ? undefined : open('--csv', flags.csv);
        const report = flags.report === undefined ? undefined : open('--report', flags.report);
        if (!flags.quiet) {
          const seeds = plan.header.seeds.length;
          const where = address === undefined ? `${threads} worker thread${threads === 1 ? '' : 's'}` : `the queue ${address.text} (${flags.queueName ?? api.DEFAULT_QUEUE_NAME})`;
          writeAll(2, `sweep ${plan.header.name}: ${plan.header.points} point${plan.header.points === 1 ? '' : 's'} × ${seeds} seed${seeds === 1 ? '' : 's'} = ${total} runs of ${plan.header.scenarioName} on ${where}; results in ${out}\n`);
        }
        const outcome = await api.runSweep(plan, {
          out,
          resume: flags.resume,
          runner,
          signal: interrupt.signal,
          onProgress: (done, all, held) => {
            written = done;
            progress.update(done, all, held);
          },
        });
        progress.stop();
        if (!flags.quiet) {
          if (outcome.held > 0) writeAll(2, `sweep: ${outcome.held} of ${total} runs were in ${out} already\n`);
          if (outcome.dropped > 0) writeAll(2, `sweep: ${out} ended in a torn line, cut off (${outcome.dropped})\n`);
          if (outcome.others > 0) writeAll(2, `sweep: ${out} also holds ${outcome.others} runs of points not in this grid (kept, not summarised)\n`);
        }
        csv?.writeText(api.sweepCsv(Object.keys(plan.header.grid), outcome.lines));
        if (report !== undefined) report.writeText(api.sweepReportHtml(plan.header, outcome.lines));
        for (const sink of sinks) sink.close();
        try {
          writeAll(1, api.sweepSummaryTables(plan.header, outcome.summary));
        } catch (e) {
          if (!(e instanceof OutputClosed)) throw e;
        }
      } catch (e) {
        progress.stop();
        for (const sink of sinks) sink.abort();
        if (e instanceof CliError && e.exitCode === 130) {
          throw new CliError(`interrupted: ${written} of ${total} runs are in ${out}; run the same command with --resume to continue`, 130);
        }
        if (e instanceof Error && (e.name === 'QueueError' || e.name === 'SweepRunError')) {
          throw new CliError(`${e.message} (${written} of ${total} runs are in ${out}; --resume continues)`, 1);
        }
        throw e;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await runner.close();
      }
    });
}
