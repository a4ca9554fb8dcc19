/**
 * `arpshift worker --queue redis://HOST:PORT [--workers N] [--queue-name NAME] [--lock-duration MS]
 * [--memory GIB] [--quiet]`: take the points of sweeps from a BullMQ queue and run them on this
 * machine's worker threads, until stopped; a point whose model does not fit node's heap runs in a
 * process of its own with the heap `arpshift run` would choose, within `--memory`. Ctrl-C (or
 * SIGTERM) finishes the points running and stops (exit 0); a second one stops at once (their points
 * go back to the queue after the lock duration). A queue that cannot be reached or goes away: one
 * line, exit 1.
 */
import type { Command } from 'commander';
import { totalmem } from 'node:os';
import { CliError } from './errors.js';
import { writeAll } from './output.js';
import { countOption } from './sweep.js';

interface WorkerFlags {
  readonly queue?: string;
  readonly workers?: string;
  readonly queueName?: string;
  readonly lockDuration?: string;
  readonly memory?: string;
  readonly quiet: boolean;
}

/** Registers the `worker` command. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take sweep points from a BullMQ queue and run them here, until stopped')
    .option('--queue <url>', 'the queue (redis://HOST:PORT), as given to arpshift sweep --queue')
    .option('--workers <n>', 'worker threads (default: the machine\'s cores)')
    .option('--queue-name <name>', 'the queue\'s name (default arpshift)')
    .option('--lock-duration <ms>', 'how long a point stays taken without a sign of life from this worker before another may run it (default 10000)')
    .option('--memory <GiB>', 'memory the points running at once may take together, in GiB (default: three quarters of the machine\'s); a point whose model does not fit node\'s heap runs in a process of its own with a larger one')
    .option('--quiet', 'no progress lines on stderr', false)
    .addHelpText('after', `
Examples:
  arpshift worker --queue redis://10.0.0.5:6379              # on each machine that should help
  arpshift worker --queue redis://127.0.0.1:6379 --workers 1
  arpshift worker --queue redis://10.0.0.5:6379 --memory 48  # points up to about 30 GiB of model each`)
    .action(async (flags: WorkerFlags) => {
      const api = await import('../index.js');
      if (flags.queue === undefined) throw new CliError('worker needs --queue redis://HOST:PORT', 2);
      let address: ReturnType<typeof api.parseQueueUrl>;
      try {
        address = api.parseQueueUrl(flags.queue);
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
      const workers = flags.workers === undefined ? api.defaultWorkers() : countOption('--workers', flags.workers);
      const lockMs = flags.lockDuration === undefined ? api.DEFAULT_LOCK_MS : countOption('--lock-duration', flags.lockDuration);
      if (lockMs < 1000) throw new CliError('--lock-duration must be at least 1000 (ms)', 2);
      let memory: number | undefined;
      if (flags.memory !== undefined) {
        const g = Number(flags.memory);
        if (!/^\s*\d+(\.\d+)?\s*$/.test(flags.memory) || !(g > 0)) throw new CliError(`--memory must be a positive number of GiB, got ${flags.memory}`, 2);
        memory = g * 2 ** 30;
        if (memory > totalmem()) throw new CliError(`--memory ${flags.memory}: more than this machine's ${(totalmem() / 2 ** 30).toFixed(1)} GiB`, 2);
      }
      const stop = new AbortController();
      let signals = 0;
      const onSignal = (): void => {
        signals++;
        if (signals === 1) {
          if (!flags.quiet) writeAll(2, 'worker: finishing the points running, then stopping (again to stop at once)\n');
          stop.abort();
        } else {
          process.exit(130);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let done = 0;
      let reported = 0;
      const timer = setInterval(() => {
        if (!flags.quiet && done !== reported) writeAll(2, `worker: ${done} point${done === 1 ? '' : 's'} done (${done - reported} in the last 10 s)\n`);
        reported = done;
      }, 10_000);
      timer.unref();
      try {
        await api.serveQueue({
          address,
          workers,
          lockMs,
          signal: stop.signal,
          ...(flags.queueName === undefined ? {} : { name: flags.queueName }),
          onJob: () => { done++; },
          ...(memory === undefined ? {} : { memory }),
          ...(flags.quiet ? {} : { onNotice: (line: string) => writeAll(2, `worker: ${line}\n`) }),
          ...(flags.quiet ? {} : { onReady: () => writeAll(2, `worker: taking points from ${address.text} (queue ${flags.queueName ?? api.DEFAULT_QUEUE_NAME}) on ${workers} thread${workers === 1 ? '' : 's'}; Ctrl-C to stop\n`) }),
        });
        if (!flags.quiet) writeAll(2, `worker: stopped after ${done} point${done === 1 ? '' : 's'}\n`);
      } finally {
        clearInterval(timer);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
