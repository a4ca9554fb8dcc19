#!/usr/bin/env node
/**
 * The `arpshift` command: thin verbs over the library, using only what `src/index.ts` exports. Each
 * command loads the library when it runs (not at start-up), so help and usage errors stay quick.
 */
import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerAgent } from './agent.js';
import { registerAnnounce } from './announce.js';
import { registerDecode } from './decode.js';
import { registerEmulate } from './emulate.js';
import { registerProbe } from './probe.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';
import { registerSweep } from './sweep.js';
import { registerWorker } from './worker.js';
import { registerReport } from './report.js';
import { describeFailure } from './errors.js';
import { writeAll } from './output.js';

function buildProgram(): Command {
  const program = new Command();
  program
    .name('arpshift')
    .description('What happens to ARP and IPv6 Neighbor Discovery when a virtual machine live-migrates.')
    .option('-V, --version', 'output the version number')
    .showHelpAfterError('(run arpshift --help for usage)')
    .exitOverride();
  registerRun(program);
  registerSweep(program);
  registerWorker(program);
  registerReport(program);
  registerDecode(program);
  registerAnalyze(program);
  registerValidate(program);
  registerSchema(program);
  registerProbe(program);
  registerEmulate(program);
  registerAnnounce(program);
  registerAgent(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    if (argv.length <= 2) {
      writeAll(1, program.helpInformation());
      return 0;
    }
    if (argv.length === 3 && (argv[2] === '-V' || argv[2] === '--version')) {
      writeAll(1, `${(await import('../index.js')).VERSION}\n`);
      return 0;
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version requests end here too, with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    const failure = describeFailure(e);
    writeAll(2, `arpshift: ${failure.message}\n`);
    if (failure.internal === true && process.env.ARPSHIFT_DEBUG === '1' && e instanceof Error) writeAll(2, `${e.stack ?? ''}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv);
