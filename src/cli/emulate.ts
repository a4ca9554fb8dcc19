/**
 * `arpshift emulate [scenario] [--set path=value ...] [--json] [--compare] [--keep-captures DIR]
 * [--cleanup] [--quiet]`: the scenario on real Linux kernels in network namespaces (root needed),
 * measured from captures; with --compare, beside the simulation of the same file. --cleanup removes
 * what earlier, killed runs left (by their recorded names) and nothing else.
 */
import type { Command } from 'commander';
import type { ComparisonRow, EmulationResult } from '../index.js';
import { CliError } from './errors.js';
import { OutputClosed, writeAll } from './output.js';

interface EmulateFlags {
  readonly set: string[];
  readonly json: boolean;
  readonly compare: boolean;
  readonly keepCaptures?: string;
  readonly cleanup: boolean;
  readonly quiet: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers the `emulate` command. */
export function registerEmulate(program: Command): void {
  program
    .command('emulate')
    .argument('[scenario]', 'scenario file (YAML); default: the built-in scenario')
    .description('run a scenario on real Linux kernels in network namespaces (root needed), measured from captures; --compare puts the simulation beside it')
    .option('--set <path=value>', 'change one setting before validation, e.g. --set migrations.0.at=5s (repeatable)', collect, [])
    .option('--json', 'print the result as JSON', false)
    .option('--compare', 'also simulate the same scenario and show both, with the differences per migration and direction', false)
    .option('--keep-captures <dir>', 'keep the captures (one pcap per capture point; one directory per run for a scenario with variants) in this directory')
    .option('--cleanup', 'remove what earlier emulate runs that were killed left behind, and nothing else', false)
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', `
Examples:
  sudo arpshift emulate scenarios/migration-guest-garp.yaml --set fabric.spines=1 --set fabric.bridging=none --compare
  sudo arpshift emulate scenarios/migration-rarp.yaml --json --keep-captures caps/
  sudo arpshift emulate --cleanup`)
    .action(async (file: string | undefined, flags: EmulateFlags) => {
      const api = await import('../index.js');
      const print = (text: string): void => {
        try {
          writeAll(1, text);
        } catch (e) {
          if (!(e instanceof OutputClosed)) throw e;
        }
      };
      if (flags.cleanup) {
        if (file !== undefined || flags.compare || flags.keepCaptures !== undefined) throw new CliError('--cleanup takes no scenario and no other option', 2);
        if (process.geteuid?.() !== 0) throw new CliError('--cleanup needs root, as emulate does', 2);
        const report = api.cleanupRecords();
        if (flags.json) {
          print(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const lines = [
          report.runs.length === 0 ? 'nothing left by an earlier run' : `removed what ${report.runs.length} earlier run${report.runs.length === 1 ? '' : 's'} left: ${report.namespaces.length} namespace${report.namespaces.length === 1 ? '' : 's'}, ${report.processes.length} process${report.processes.length === 1 ? '' : 'es'}`,
          ...report.running.map((p) => `left alone: ${p} (its run is still going)`),
        ];
        print(`${lines.join('\n')}\n`);
        return;
      }
      const overrides = flags.set.map(api.parseOverride);
      const text = file === undefined ? api.DEFAULT_SCENARIO_YAML : api.readScenarioFile(file);
      const fileName = file ?? '(built-in default)';
      const scenario = api.loadScenario(api.applyOverrides(text, overrides), fileName);

      const showProgress = !flags.quiet && process.stderr.isTTY === true;
      let bar: { update(phase: string, done: number, total: number): void; stop(): void } | null = null;
      if (showProgress) {
        const { SingleBar, Presets } = await import('cli-progress');
        const b = new SingleBar({ format: '{phase} |{bar}| {value}/{total}', hideCursor: true, clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
        let current = '';
        bar = {
          update: (phase, done, total) => {
            if (phase !== current) {
              if (current !== '') b.stop();
              current = phase;
              b.start(total, done, { phase });
            } else {
              b.setTotal(total);
              b.update(done, { phase });
            }
          },
          stop: () => { if (current !== '') b.stop(); },
        };
      }
      let result: EmulationResult;
      try {
        result = await api.emulateAll(scenario, {
          ...(flags.keepCaptures === undefined ? {} : { keepCaptures: flags.keepCaptures }),
          progress: (phase, done, total) => bar?.update(phase === 'run' ? 'running (s)' : phase, done, total),
        });
      } finally {
        bar?.stop();
      }
      let comparison: ComparisonRow[][] | null = null;
      let simulated: unknown = null;
      if (flags.compare) {
        const sim = api.runScenario(scenario);
        simulated = sim;
        comparison = scenario.runs.map((run, i) => api.compareRuns(result.runs[i]!, sim.runs[i]!, api.buildModel(scenario, run, run.seed)));
      }
      if (flags.json) {
        print(`${JSON.stringify(flags.compare ? { emulated: result, simulated, comparison } : result, null, 2)}\n`);
      } else {
        print(api.emulationText(result, comparison));
      }
      if (comparison !== null && comparison.flat().some((c) => !c.withinTolerance)) process.exitCode = 1;
    });
}
