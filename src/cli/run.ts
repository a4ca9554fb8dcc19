/**
 * `arpshift run [scenario] [--seed N] [--set path=value ...] [--json] [--out result.json]
 * [--pcap file] [--quiet]`: simulate a scenario (the built-in default comparison when none is given)
 * and print its result as tables or JSON. Output files are written under a temporary name and renamed
 * when complete; an interrupted run (SIGINT, SIGTERM) leaves none and exits with 130.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { OutputClosed, writeAll } from './output.js';

interface RunFlags {
  readonly seed?: string;
  readonly set: string[];
  readonly json: boolean;
  readonly out?: string;
  readonly pcap?: string;
  readonly quiet: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Writes `text` to `path` atomically. */
function writeFileAtomically(path: string, text: string): void {
  const temp = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
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
    .option('--out <file>', 'also write the JSON result to this file')
    .option('--pcap <file>', 'write what a capture at the scenario\'s output.pcap node would hold')
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', `
Examples:
  arpshift run                                   # the default comparison of announcement strategies
  arpshift run scenarios/gateway-restart.yaml --pcap gateway.pcap
  arpshift run scenarios/absent-host.yaml --seed 7 --set hosts.0.count=20 --json --out result.json`)
    .action(async (file: string | undefined, flags: RunFlags) => {
      const { AtomicFileSink, DEFAULT_SCENARIO_YAML, applyOverrides, loadScenario, parseOverride, resultJson, resultTables, runScenarioAsync } = await import('../index.js');
      const overrides = flags.set.map(parseOverride);
      let text: string;
      let name: string;
      if (file === undefined) {
        text = DEFAULT_SCENARIO_YAML;
        name = '(built-in default)';
      } else {
        const { readFileSync } = await import('node:fs');
        text = readFileSync(file, 'utf8');
        name = file;
      }
      const scenario = loadScenario(applyOverrides(text, overrides), name);
      let seed: number | undefined;
      if (flags.seed !== undefined) {
        seed = Number(flags.seed);
        if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError(`--seed must be a non-negative integer, got ${flags.seed}`, 2);
      }
      const showProgress = !flags.quiet && process.stderr.isTTY === true;
      let bar: { update(v: number, payload?: object): void; stop(): void } | null = null;
      const started = Date.now();
      if (showProgress) {
        const { SingleBar, Presets } = await import('cli-progress');
        const b = new SingleBar({ format: 'simulating {run} |{bar}| {percentage}% of simulated time', hideCursor: true, clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
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
      // Ctrl-C or a termination request stops the run between steps; the pcap being written is
      // deleted and no result file is written.
      const interrupt = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => interrupt.abort(new CliError(`interrupted (${signal}): nothing written`, 130));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const capture = flags.pcap === undefined ? undefined : new AtomicFileSink(flags.pcap);
      let result;
      try {
        result = await runScenarioAsync(scenario, {
          ...(seed === undefined ? {} : { seed }),
          ...(capture === undefined ? {} : { capture }),
          onProgress: (run, runs, t, duration) => bar?.update(Math.floor(((run + t / duration) / runs) * 100), { run: runs > 1 ? `run ${run + 1}/${runs}` : '' }),
          signal: interrupt.signal,
        });
        capture?.close();
      } catch (e) {
        // A failed or interrupted run leaves no capture behind.
        capture?.abort();
        throw e;
      } finally {
        bar?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const json = resultJson(result);
      if (flags.out !== undefined) writeFileAtomically(flags.out, json);
      try {
        writeAll(1, flags.json ? json : resultTables(result));
      } catch (e) {
        if (!(e instanceof OutputClosed)) throw e;
      }
    });
}
