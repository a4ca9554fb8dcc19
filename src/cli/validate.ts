/** `arpshift validate <scenario>`: check a scenario file and list every problem in it. */
import type { Command } from 'commander';
import { OutputClosed, writeAll } from './output.js';

/** Registers the `validate` command. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a scenario file: prints "ok: <name>", or every problem as file:line:column: path: message (exit code 2)')
    .argument('<scenario>', 'a scenario file (YAML)')
    .addHelpText('after', `
Examples:
  arpshift validate scenarios/gateway-restart.yaml`)
    .action(async (file: string) => {
      const { loadScenarioFile } = await import('../index.js');
      // A ScenarioError propagates to main, which prints its issues and exits with 2.
      const scenario = loadScenarioFile(file);
      try {
        writeAll(1, `ok: ${scenario.name}\n`);
      } catch (e) {
        if (!(e instanceof OutputClosed)) throw e;
      }
    });
}
