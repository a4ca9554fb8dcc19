/**
 * `arpshift agent --config FILE [--listen ADDR] [--token-file FILE] [--check]`: the gateway's
 * migration-aware neighbour service (see the library's Agent). Audit lines (one JSON object each) go
 * to stdout, for journald or a log shipper. SIGTERM and SIGINT stop it gracefully (exit 0). A bad
 * configuration is one line on stderr and exit 2.
 */
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { writeAll } from './output.js';

interface AgentFlags {
  readonly config?: string;
  readonly listen?: string;
  readonly tokenFile?: string;
  readonly check: boolean;
}

/** Registers the `agent` command. */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('serve migration events over HTTP + JSON on a gateway and repair its neighbour entries at once (needs root)')
    .option('--config <file>', 'the configuration file, YAML or JSON (required)')
    .option('--listen <address>', 'override listen: HOST:PORT, [IPv6]:PORT or unix:/path')
    .option('--token-file <file>', 'override tokenFile')
    .option('--check', 'check the configuration and exit', false)
    .addHelpText('after', `
Examples:
  sudo arpshift agent --config /etc/arpshift/agent.yaml
  arpshift agent --config agent.yaml --check
  curl -sS -H "Authorization: Bearer $(cat token)" -d '{"addresses":["198.18.0.10"],"mac":"52:54:00:12:34:56"}' \\
       http://127.0.0.1:8740/v1/migrations`)
    .action(async (flags: AgentFlags) => {
      const lib = await import('../index.js');
      if (flags.config === undefined) throw new CliError('agent needs --config FILE', 2);
      const config = lib.loadAgentConfig(flags.config, {
        ...(flags.listen !== undefined ? { listen: flags.listen } : {}),
        ...(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {}),
      });
      if (flags.check) {
        writeAll(1, `${flags.config}: ok (listen ${config.listen}${config.tls === null ? '' : ', TLS'}; ${config.networks.length} network${config.networks.length === 1 ? '' : 's'})\n`);
        return;
      }
      const agent = await lib.Agent.start(config, { audit: (line) => writeAll(1, `${line}\n`) });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          agent.close().then(resolve, resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
