#!/usr/bin/env node
/**
 * The `arpshift` command: thin verbs over the library. Commands load the library parts they need
 * when they run (not at start-up), so `arpshift decode` does not pay for the scenario schema.
 */
import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerDecode } from './decode.js';
import { registerProbe } from './probe.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';
import { describeFailure } from './errors.js';
import { writeAll } from './output.js';
import { VERSION } from '../version.js';

function buildProgram(): Command {
  const program = new Command();
  program
    .name('arpshift')
    .description('What happens to ARP and IPv6 Neighbor Discovery when a virtual machine live-migrates.')
    .version(VERSION)
    .showHelpAfterError('(run arpshift --help for usage)')
    .exitOverride();
  registerRun(program);
  registerDecode(program);
  registerAnalyze(program);
  registerValidate(program);
  registerSchema(program);
  registerProbe(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    if (argv.length <= 2) {
      writeAll(1, program.helpInformation());
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
    if (failure === undefined) throw e;
    writeAll(2, `arpshift: ${failure.message}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv);
