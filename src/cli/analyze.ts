/**
 * `arpshift analyze <capture> [--vm IP|MAC ...] [--gateway IP] [--json] [--out file]`: the moves,
 * silences and black holes a capture shows, as text or JSON. A capture that ends in the middle of a
 * record is analysed up to there, with one warning line on stderr; the JSON file is written under a
 * temporary name and renamed when complete.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { CliError, namedFileFailure } from './errors.js';
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
      const api = await import('../index.js');
      const vms = flags.vm.map((v) => {
        const mac = api.parseMac(v);
        if (mac !== undefined) return api.formatMac(mac);
        const v4 = api.parseIpv4(v);
        if (v4 !== undefined) return api.formatIpv4(v4);
        const v6 = api.parseIpv6(v);
        if (v6 !== undefined) return v6;
        throw new CliError(`--vm: expected an IPv4 or IPv6 address or a MAC, got "${v}"`, 2);
      });
      const gateways = flags.gateway.map((g) => {
        const v4 = api.parseIpv4(g);
        if (v4 !== undefined) return api.formatIpv4(v4);
        const v6 = api.parseIpv6(g);
        if (v6 !== undefined) return v6;
        throw new CliError(`--gateway: expected an IPv4 or IPv6 address, got "${g}"`, 2);
      });
      const { analyzeCapture, analysisJson, analysisText } = api;
      // The output file is opened before the capture is read, so a path that cannot be written fails at once.
      let sink: InstanceType<typeof api.AtomicFileSink> | null = null;
      if (flags.out !== undefined) {
        try {
          sink = new api.AtomicFileSink(flags.out);
        } catch (e) {
          if (e instanceof api.OutputPathError) throw new CliError(`--out ${e.message}`, 2);
          throw e;
        }
      }
      let reader;
      try {
        reader = api.openCapture(capture);
      } catch (e) {
        sink?.abort();
        throw namedFileFailure(capture, e);
      }
      let analysis;
      try {
        analysis = analyzeCapture(reader, { name: basename(capture), vms, gateways });
      } catch (e) {
        sink?.abort();
        throw namedFileFailure(capture, e);
      } finally {
        reader.close();
      }
      for (const w of analysis.warnings) writeAll(2, `arpshift: warning: ${w}\n`);
      const json = flags.json || flags.out !== undefined ? analysisJson(analysis) : '';
      if (sink !== null) {
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
