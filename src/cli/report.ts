/**
 * `arpshift report <result.json|results.jsonl|analysis.json> -o report.html`: the HTML report of a
 * run's JSON result, a sweep's results file or a capture's analysis: one self-contained file of
 * charts, written under a temporary name and renamed when complete.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, namedFileFailure } from './errors.js';
import { writeAll } from './output.js';

interface ReportFlags {
  readonly output?: string;
  readonly quiet: boolean;
}

/** Registers the `report` command. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the HTML report (charts, one self-contained file) of a run, a sweep or an analysis')
    .argument('<input>', 'the output of arpshift run --json (with --series for the timeline), a sweep\'s .jsonl, or analyze --json')
    .option('-o, --output <file>', 'the HTML file to write (- for standard output)')
    .option('--quiet', 'no line on stderr when done', false)
    .addHelpText('after', `
Examples:
  arpshift run scenarios/migration-rarp.yaml --series --json --out rarp.json && arpshift report rarp.json -o rarp.html
  arpshift report garp.jsonl -o garp.html
  arpshift analyze gateway.pcap --json --out gateway.json && arpshift report gateway.json -o gateway.html`)
    .action(async (input: string, flags: ReportFlags) => {
      const api = await import('../index.js');
      if (flags.output === undefined) throw new CliError('report needs -o report.html (or -o - for standard output)', 2);
      let sink: InstanceType<typeof api.AtomicFileSink>;
      try {
        sink = new api.AtomicFileSink(flags.output);
      } catch (e) {
        if (e instanceof api.OutputPathError) throw new CliError(`-o ${e.message}`, 2);
        throw e;
      }
      try {
        let text: string;
        try {
          text = input === '-' ? readFileSync(0, 'utf8') : readFileSync(input, 'utf8');
        } catch (e) {
          throw namedFileFailure(input, e);
        }
        const { kind, html } = api.reportFromText(text, input);
        sink.writeText(html);
        sink.close();
        if (!flags.quiet && flags.output !== '-') writeAll(2, `report: the ${kind} report of ${input} is in ${flags.output}\n`);
      } catch (e) {
        sink.abort();
        throw e;
      }
    });
}
