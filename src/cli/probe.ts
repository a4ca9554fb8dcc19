/**
 * `arpshift probe [--target kernel|profile:NAME] [--family ipv4|ipv6|both] [--json] [--compare]
 * [--timers]`: the neighbour-table matrix (or, with --timers, the resolution timing) of the running
 * kernel, measured in network namespaces with crafted frames (root needed), or of a simulated
 * profile driven with the same frames. --compare measures the kernel and the profile (NAME, default
 * linux), prints the cells that differ, and exits with 1 when any do.
 */
import type { Command } from 'commander';
import type { ProbeBackend, ProbeFamily, ProbeTable } from '../index.js';
import { CliError } from './errors.js';
import { OutputClosed, writeAll } from './output.js';

interface ProbeFlags {
  readonly target: string;
  readonly family: string;
  readonly json: boolean;
  readonly compare: boolean;
  readonly timers: boolean;
}

/** Registers the `probe` command. */
export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('how a neighbour table reacts to every ARP / ND message (or, with --timers, how its timers run): the running kernel in namespaces, or a simulated profile')
    .option('--target <target>', 'kernel (needs root) or profile:NAME (a built-in profile, simulated)', 'kernel')
    .option('--family <family>', 'ipv4, ipv6 or both', 'both')
    .option('--json', 'print the table as JSON', false)
    .option('--compare', 'measure the kernel and the profile (default linux) and print the cells that differ; exit 1 if any', false)
    .option('--timers', 'the resolution timing instead of the matrix', false)
    .addHelpText('after', `
Examples:
  sudo arpshift probe                              # the running kernel's table (about 6 s)
  arpshift probe --target profile:linux --family ipv4
  sudo arpshift probe --compare                    # kernel vs the linux profile
  sudo arpshift probe --timers                     # resolution timing (about 20 s)`)
    .action(async (flags: ProbeFlags) => {
      const lib = await import('../index.js');
      const families: ProbeFamily[] = flags.family === 'both' ? ['ipv4', 'ipv6'] : flags.family === 'ipv4' || flags.family === 'ipv6' ? [flags.family] : [];
      if (families.length === 0) throw new CliError(`--family must be ipv4, ipv6 or both, got ${flags.family}`, 2);
      let profile: string | null = null;
      if (flags.target.startsWith('profile:')) {
        profile = flags.target.slice('profile:'.length);
        const names = lib.simulatedProfileNames();
        if (!names.includes(profile)) throw new CliError(`unknown profile ${profile} (one of ${names.join(', ')})`, 2);
      } else if (flags.target !== 'kernel') {
        throw new CliError(`--target must be kernel or profile:NAME, got ${flags.target}`, 2);
      }
      if (flags.compare && flags.timers) throw new CliError('--compare applies to the matrix, not to --timers', 2);
      const kernel = (): ProbeBackend => new lib.KernelBackend();
      const simulated = (): ProbeBackend => new lib.SimBackend(profile ?? 'linux');
      const print = (text: string): void => {
        try {
          writeAll(1, text);
        } catch (e) {
          if (!(e instanceof OutputClosed)) throw e;
        }
      };
      if (flags.timers) {
        const backend = profile === null ? kernel() : simulated();
        try {
          const table = await lib.runTimers(backend, families);
          print(flags.json ? lib.probeJson(table) : lib.timingText(table));
        } finally {
          await backend.close();
        }
        return;
      }
      const measure = (make: () => ProbeBackend): Promise<ProbeTable> => lib.measureMatrix(make, families);
      if (!flags.compare) {
        const table = await measure(profile === null ? kernel : simulated);
        print(flags.json ? lib.probeJson(table) : lib.matrixText(table));
        return;
      }
      const measured = await measure(kernel);
      const model = await measure(simulated);
      const differences = lib.compareTables(measured, model);
      print(flags.json ? lib.probeJson({ a: measured.target, b: model.target, cells: measured.cells.length, differences }) : lib.differencesText(measured, model, differences));
      if (differences.length > 0) process.exitCode = 1;
    });
}
