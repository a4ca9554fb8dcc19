/** `arpshift decode <capture> [--json]`; `-` reads the capture from standard input. */
import type { Command } from 'commander';
import { namedFileFailure } from './errors.js';
import { OutputClosed, writeAll } from './output.js';

/** Registers the `decode` command. */
export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('print every frame of a pcap or pcapng capture, one line each (tcpdump-like), or as JSON Lines')
    .argument('<capture>', 'a .pcap or .pcapng file (- for standard input)')
    .option('--json', 'one JSON object per frame (JSON Lines)', false)
    .addHelpText('after', `
Examples:
  arpshift decode migration.pcap
  arpshift decode --json migration.pcapng | jq 'select(.arp.form == "announcement")'
  tcpdump -i eth0 -w - arp | arpshift decode -`)
    .action(async (capture: string, opts: { json: boolean }) => {
      const { captureFromFd, decodeCapture, openCapture } = await import('../index.js');
      const name = capture === '-' ? '(standard input)' : capture;
      // Every failure names the capture: one that cannot be opened, or bytes that are not a capture.
      const named = (e: unknown): unknown => namedFileFailure(name, e);
      let reader;
      try {
        reader = capture === '-' ? captureFromFd(0) : openCapture(capture);
      } catch (e) {
        throw named(e);
      }
      try {
        decodeCapture(reader, { json: opts.json, write: (text) => writeAll(1, text) });
      } catch (e) {
        if (!(e instanceof OutputClosed)) throw named(e);
      } finally {
        reader.close();
      }
    });
}
