/**
 * `arpshift run [scenario] [--seed N] [--set path=value ...] [--json] [--out result.json]
 * [--series] [--report report.html] [--pcap file] [--jobs N] [--force] [--quiet]`: simulate a
 * scenario (the built-in default comparison when none is given) and print its result as tables or
 * JSON; with `--report`, also write the HTML report of the run. A scenario's runs (its variants) run
 * several at once, on worker threads (`--jobs`), with the same output as one after another.
 *
 * Output files are opened before the simulation starts (so a path that cannot be written fails at
 * once, exit 2), written under temporary names, and put in place only when the whole command has
 * succeeded; a failed or interrupted run (SIGINT, SIGTERM: exit 130) leaves none. `-` is standard
 * output; a device or FIFO is written directly.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { AtomicFileSink } from '../index.js';
import { CliError } from './errors.js';
import { runWithHeapFor } from './heap.js';
import { OutputClosed, writeAll } from './output.js';
import { RunsProgress } from './progress.js';

interface RunFlags {
  readonly seed?: string;
  readonly set: string[];
  readonly json: boolean;
  readonly out?: string;
  readonly pcap?: string;
  readonly series: boolean;
  readonly report?: string;
  readonly jobs?: string;
  readonly force: boolean;
  readonly quiet: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers the `run` command. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('simulate a scenario (the built-in default comparison when none is given) and print the result')
    .argument('[scenario]', 'a scenario file (YAML); see scenarios/')
    .option('--seed <n>', 'random seed (overrides the scenario\'s)')
    .option('--set <path=value>', 'change one setting before validation, e.g. --set fabric.leaves=8 (repeatable)', collect, [])
    .option('--json', 'print the result as JSON', false)
    .option('--out <file>', 'also write the JSON result to this file (- for standard output)')
    .option('--pcap <file>', 'write what a capture at the scenario\'s output.pcap node would hold (- for standard output)')
    .option('--series', 'include each run\'s time series in the JSON result (series; large)', false)
    .option('--report <file>', 'also write the HTML report of the run (charts, one self-contained file)')
    .option('--jobs <n>', 'how many runs (variants) at once, on worker threads (default: as many as the runs and the cores, fewer when the machine\'s memory holds fewer models; 1: one after another in this thread)')
    .option('--force', 'run even a scenario whose estimated cost is too high for this machine', false)
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', `
Examples:
  arpshift run                                   # the default comparison of announcement strategies
  arpshift run scenarios/gateway-restart.yaml --pcap gateway.pcap
  arpshift run scenarios/migration-rarp.yaml --pcap - | tshark -r - -Y arp
  arpshift run scenarios/absent-host.yaml --seed 7 --set hosts.0.count=20 --json --out result.json
  arpshift run scenarios/migration-qemu-announce.yaml --report qemu.html
  arpshift run --jobs 4                          # the default comparison's ten runs, four at a time`)
    .action(async (file: string | undefined, flags: RunFlags) => {
      const api = await import('../index.js');
      const overrides = flags.set.map(api.parseOverride);
      let seed: number | undefined;
      if (flags.seed !== undefined) {
        seed = Number(flags.seed);
        if (!/^\d+$/.test(flags.seed.trim()) || !Number.isSafeInteger(seed)) throw new CliError(`--seed must be a non-negative integer, got ${flags.seed}`, 2);
      }
      let jobs: number | undefined;
      if (flags.jobs !== undefined) {
        jobs = Number(flags.jobs);
        if (!/^\d+$/.test(flags.jobs.trim()) || !Number.isSafeInteger(jobs) || jobs < 1) throw new CliError(`--jobs must be a positive integer, got ${flags.jobs}`, 2);
      }
      if (flags.pcap === '-' && flags.out === '-') throw new CliError('--pcap - and --out - cannot both write to standard output', 2);
      if (flags.pcap === '-' && flags.json) throw new CliError('--json prints the result on standard output, which --pcap - takes for the capture', 2);
      if (flags.report === '-' && (flags.pcap === '-' || flags.out === '-' || flags.json)) throw new CliError('only one of --report -, --out -, --pcap - and --json can write to standard output', 2);
      const text = file === undefined ? api.DEFAULT_SCENARIO_YAML : api.readScenarioFile(file);
      const scenarioText = api.applyOverrides(text, overrides);
      const fileName = file ?? '(built-in default)';
      const scenario = api.loadScenario(scenarioText, fileName);
      const estimate = api.estimateCost(scenario);
      // What cannot finish on this machine is refused before anything runs, at the setting to blame:
      // first for its time; then, once the heap is as large as it can be, for its memory.
      if (!flags.force) {
        const issues = api.costIssues(scenario, estimate, { ...api.defaultCostLimits(), memory: Infinity });
        if (issues.length > 0) throw api.scenarioErrorAt(scenarioText, fileName, issues);
      }
      // A model larger than node's default heap runs in a child with a larger one (see heap.ts).
      const child = await runWithHeapFor(estimate.memory, flags);
      if (child !== undefined) {
        process.exitCode = child;
        return;
      }
      if (!flags.force) {
        const issues = api.costIssues(scenario, estimate);
        if (issues.length > 0) throw api.scenarioErrorAt(scenarioText, fileName, issues);
      }
      // The runs at once share the work: the warning is about the wall time, the total beside it.
      const runs = scenario.runs.length;
      const jobsAsked = jobs ?? Math.min(runs, availableParallelism());
      const warning = api.costWarning(estimate, api.runsAtOnce(scenario, jobsAsked));
      if (warning !== undefined && !flags.quiet) process.stderr.write(`arpshift: ${warning}\n`);

      const showProgress = !flags.quiet && process.stderr.isTTY === true;
      let bar: { update(v: number, payload?: object): void; stop(): void } | null = null;
      const started = Date.now();
      if (showProgress) {
        const { SingleBar, Presets } = await import('cli-progress');
        const b = new SingleBar({ format: 'simulating |{bar}| {percentage}% of simulated time {run}', hideCursor: true, clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
        let startedBar = false;
        bar = {
          update: (v, payload) => {
            // Only runs longer than a couple of seconds show a bar.
            if (!startedBar && Date.now() - started < 2000) return;
            if (!startedBar) {
              b.start(100, 0, { run: '' });
              startedBar = true;
            }
            b.update(v, payload);
          },
          stop: () => { if (startedBar) b.stop(); },
        };
      }
      // Ctrl-C or a termination request stops the run within a slice of wall time; no output file is
      // put in place.
      const interrupt = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => interrupt.abort(new CliError(`interrupted (${signal}): no output file written`, 130));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const outputs: AtomicFileSink[] = [];
      const open = (option: string, path: string): AtomicFileSink => {
        try {
          const sink = new api.AtomicFileSink(path);
          outputs.push(sink);
          return sink;
        } catch (e) {
          if (e instanceof api.OutputPathError) throw new CliError(`${option} ${e.message}`, 2);
          throw e;
        }
      };
      try {
        const capture = flags.pcap === undefined ? undefined : open('--pcap', flags.pcap);
        const out = flags.out === undefined ? undefined : open('--out', flags.out);
        const report = flags.report === undefined ? undefined : open('--report', flags.report);
        const runsProgress = new RunsProgress(runs);
        const result = await api.runScenarioAsync(scenario, {
          force: true,
          jobs: jobsAsked,
          ...(seed === undefined ? {} : { seed }),
          ...(capture === undefined ? {} : { capture }),
          ...(flags.series || report !== undefined ? { series: true } : {}),
          onProgress: (run, _runs, t, duration) => {
            if (bar === null) return;
            const { percentage, label } = runsProgress.update(run, t, duration);
            bar.update(percentage, { run: label === '' ? '' : `· ${label}` });
          },
          signal: interrupt.signal,
        });
        bar?.stop();
        const json = api.resultJson(result, { series: flags.series });
        out?.writeText(json);
        report?.writeText(api.runReportHtml(result));
        if (flags.pcap !== '-' && flags.out !== '-' && flags.report !== '-') {
          try {
            writeAll(1, flags.json ? json : api.resultTables(result));
          } catch (e) {
            if (!(e instanceof OutputClosed)) throw e;
          }
        }
        if (interrupt.signal.aborted) throw interrupt.signal.reason;
        // The whole command succeeded: the files take their names now.
        for (const sink of outputs) sink.close();
      } catch (e) {
        for (const sink of outputs) sink.abort();
        // Standard output's reader went away (`--pcap - | head`): end quietly, as `| head` expects.
        if (e instanceof api.OutputPathError && e.code === 'EPIPE') return;
        throw e;
      } finally {
        bar?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
