/** `arpshift decode <capture> [--json]` */
import type { Command } from 'commander';
import { OutputClosed, writeAll } from './output.js';

/** Registers the `decode` command. */
export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('print every frame of a pcap or pcapng capture, one line each (tcpdump-like), or as JSON Lines')
    .argument('<capture>', 'a .pcap or .pcapng file')
    .option('--json', 'one JSON object per frame (JSON Lines)', false)
    .addHelpText('after', `
Examples:
  arpshift decode migration.pcap
  arpshift decode --json migration.pcapng | jq 'select(.arp.form == "announcement")'`)
    .action(async (capture: string, opts: { json: boolean }) => {
      const { decodeCapture, openCapture } = await import('../index.js');
      const reader = openCapture(capture);
      try {
        decodeCapture(reader, { json: opts.json, write: (text) => writeAll(1, text) });
      } catch (e) {
        if (!(e instanceof OutputClosed)) throw e;
      } finally {
        reader.close();
      }
    });
}
