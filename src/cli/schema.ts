/** `arpshift schema`: the JSON Schema of scenario files, for editors. */
import type { Command } from 'commander';
import { OutputClosed, writeAll } from './output.js';

/** Registers the `schema` command. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (every setting with its help text and default)')
    .addHelpText('after', `
Examples:
  arpshift schema > scenario.schema.json
  # then, first line of a scenario file, for editors with the YAML language server:
  # yaml-language-server: $schema=./scenario.schema.json`)
    .action(async () => {
      const { scenarioJsonSchema } = await import('../index.js');
      try {
        writeAll(1, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
      } catch (e) {
        if (!(e instanceof OutputClosed)) throw e;
      }
    });
}
