/**
 * `arpshift analyze <capture> [--vm IP|MAC ...] [--gateway IP] [--json] [--out file]`: the moves,
 * silences and black holes a capture shows, as text or JSON. A capture that ends in the middle of a
 * record is analysed up to there, with one warning line on stderr; the JSON file is written under a
 * temporary name and renamed when complete.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { OutputClosed, writeAll } from './output.js';

interface AnalyzeFlags {
  readonly vm: string[];
  readonly gateway: string[];
  readonly json: boolean;
  readonly out?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers the `analyze` command. */
export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('find the moves and silences in a pcap or pcapng capture: per address the ARP/ND/DHCP timeline, gaps in every flow, and the black hole per direction')
    .argument('<capture>', 'a .pcap or .pcapng file (Ethernet, 802.1Q, Linux cooked SLL/SLL2)')
    .option('--vm <address>', 'an IPv4/IPv6 address or MAC to look at (repeatable); default: every address that moved or went silent', collect, [])
    .option('--gateway <ip>', 'the gateway\'s address (repeatable: a pair\'s virtual and member addresses); default: from VRRP or NA router flags, or the address most others talk to', collect, [])
    .option('--json', 'print the analysis as JSON', false)
    .option('--out <file>', 'also write the JSON analysis to this file')
    .addHelpText('after', `
Examples:
  arpshift analyze migration.pcapng
  arpshift analyze any.pcap --vm 198.18.0.3 --gateway 198.18.0.1
  arpshift analyze gateway.pcap --json --out analysis.json`)
    .action(async (capture: string, flags: AnalyzeFlags) => {
      const wire = await import('../wire/index.js');
      const vms = flags.vm.map((v) => {
        const mac = wire.parseMac(v);
        if (mac !== undefined) return wire.formatMac(mac);
        const v4 = wire.parseIpv4(v);
        if (v4 !== undefined) return wire.formatIpv4(v4);
        const v6 = wire.parseIpv6(v);
        if (v6 !== undefined) return v6;
        throw new CliError(`--vm: expected an IPv4 or IPv6 address or a MAC, got "${v}"`, 2);
      });
      const gateways = flags.gateway.map((g) => {
        const v4 = wire.parseIpv4(g);
        if (v4 !== undefined) return wire.formatIpv4(v4);
        const v6 = wire.parseIpv6(g);
        if (v6 !== undefined) return v6;
        throw new CliError(`--gateway: expected an IPv4 or IPv6 address, got "${g}"`, 2);
      });
      const { analyzeCapture, analysisJson, analysisText } = await import('../analyze/index.js');
      const reader = wire.openCapture(capture);
      let analysis;
      try {
        analysis = analyzeCapture(reader, { name: basename(capture), vms, gateways });
      } finally {
        reader.close();
      }
      for (const w of analysis.warnings) writeAll(2, `arpshift: warning: ${w}\n`);
      const json = flags.json || flags.out !== undefined ? analysisJson(analysis) : '';
      if (flags.out !== undefined) {
        const sink = new wire.AtomicFileSink(flags.out);
        try {
          sink.write(Buffer.from(json, 'utf8'));
          sink.close();
        } catch (e) {
          sink.abort();
          throw e;
        }
      }
      try {
        writeAll(1, flags.json ? json : analysisText(analysis));
      } catch (e) {
        if (!(e instanceof OutputClosed)) throw e;
      }
    });
}
