/**
 * `arpshift announce --iface IF --ip A [--ip B …] [--mac M] [--schedule qemu|garp|rarp|na|custom] …`:
 * a migration announcement sent as raw frames on a real interface (root or CAP_NET_RAW), meant to be
 * called from a hypervisor's hook. One line per round on stdout (or the whole report with --json);
 * one line on stderr and exit 2 for bad input, a missing interface, an address not on it or no
 * permission; exit 1 when the interface never became ready or the agent refused the notification.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AnnounceSchedule } from '../index.js';
import { CliError } from './errors.js';
import { OutputClosed, writeAll } from './output.js';

interface AnnounceFlags {
  readonly iface?: string;
  readonly ip: string[];
  readonly mac?: string;
  readonly schedule: string;
  readonly initial: string;
  readonly max: string;
  readonly rounds: string;
  readonly step: string;
  readonly count: string;
  readonly interval: string;
  readonly jitter: string;
  readonly garpForm: string;
  readonly garpTarget: string;
  readonly waitForwarding: boolean;
  readonly port?: string;
  readonly maxWait: string;
  readonly delay: string;
  readonly notify?: string;
  readonly tokenFile?: string;
  readonly from?: string;
  readonly to?: string;
  readonly newMac?: string;
  readonly json: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers the `announce` command. */
export function registerAnnounce(program: Command): void {
  program
    .command('announce')
    .description('send a migration announcement (RARP, gratuitous ARP, unsolicited NA) as raw frames on an interface, on QEMU\'s schedule or a custom one (needs root)')
    .option('--iface <name>', 'the interface to send on (required)')
    .option('--ip <address>', 'an address to announce, IPv4 or IPv6 (repeatable)', collect, [])
    .option('--mac <mac>', 'the MAC to announce (default the interface\'s; with --mac the addresses need not be on the interface: a VM behind this host)')
    .option('--schedule <name>', 'qemu (RARP + GARP + NA each round, QEMU\'s timing), garp, rarp or na (only that message, QEMU\'s timing), custom (all three, --count/--interval/--jitter)', 'qemu')
    .option('--initial <duration>', 'QEMU timing: first gap (announce-initial)', '50ms')
    .option('--max <duration>', 'QEMU timing: largest gap (announce-max)', '550ms')
    .option('--rounds <n>', 'QEMU timing: rounds (announce-rounds)', '5')
    .option('--step <duration>', 'QEMU timing: gap increase per round (announce-step)', '100ms')
    .option('--count <n>', 'custom schedule: rounds', '3')
    .option('--interval <duration>', 'custom schedule: gap between rounds', '1s')
    .option('--jitter <duration>', 'custom schedule: each gap lengthened by a random share of this', '0ms')
    .option('--garp-form <form>', 'gratuitous ARP as a request (RFC 5227 §3) or a reply (RFC 5944 §4.6)', 'request')
    .option('--garp-target <mac>', 'target MAC of a request-form GARP: zero (as Linux) or broadcast (as arping -U)', 'zero')
    .option('--wait-forwarding', 'send the first round only once the interface (and --port) is up, has carrier and, as a bridge port, is forwarding', false)
    .option('--port <name>', 'with --wait-forwarding: a bridge port to wait for too (the VM\'s port when sending on the bridge); it may not exist yet')
    .option('--max-wait <duration>', 'with --wait-forwarding: give up after this long (exit 1)', '30s')
    .option('--delay <duration>', 'wait this long before the first round (after the wait for forwarding)', '0ms')
    .option('--notify <url>', 'tell an arpshift agent about the move at the first round (http://host:port, https://host:port or unix:/path)')
    .option('--token-file <file>', 'with --notify: the file holding the agent\'s bearer token')
    .option('--from <name>', 'with --notify: the old location (for the agent\'s audit log)')
    .option('--to <name>', 'with --notify: the new location')
    .option('--new-mac <mac>', 'with --notify: the VM\'s new MAC, when the move changed it')
    .option('--json', 'print what was sent as JSON at the end instead of one line per round', false)
    .addHelpText('after', `
Durations take a unit (50ms, 1s); a bare number is seconds.

Examples:
  sudo arpshift announce --iface eth0 --ip 198.18.0.10                 # this host's address, QEMU schedule
  sudo arpshift announce --iface br0 --mac 52:54:00:12:34:56 --ip 198.18.0.10 --ip 2001:db8::10 \\
       --wait-forwarding --port vnet3                                   # for a VM, once its port forwards
  sudo arpshift announce --iface br0 --mac 52:54:00:12:34:56 --schedule rarp
  sudo arpshift announce --iface eth0 --ip 198.18.0.10 --schedule custom --count 3 --interval 1s --jitter 200ms`)
    .action(async (flags: AnnounceFlags) => {
      const lib = await import('../index.js');
      const duration = (name: string, text: string): number => {
        const d = lib.parseDuration(text);
        if (!d.ok) throw new CliError(`--${name} ${text}: expected ${d.expected}`, 2);
        return d.value / 1e6;
      };
      const integer = (name: string, text: string): number => {
        if (!/^\d+$/.test(text)) throw new CliError(`--${name} ${text}: expected a whole number`, 2);
        return Number(text);
      };
      if (flags.iface === undefined) throw new CliError('announce needs --iface', 2);
      if (!(lib.ANNOUNCE_SCHEDULES as readonly string[]).includes(flags.schedule)) throw new CliError(`--schedule must be one of ${lib.ANNOUNCE_SCHEDULES.join(', ')}, got ${flags.schedule}`, 2);
      const schedule = flags.schedule as AnnounceSchedule;
      if (flags.ip.length === 0 && schedule !== 'rarp') throw new CliError(`--schedule ${schedule} needs at least one --ip`, 2);
      if (flags.garpForm !== 'request' && flags.garpForm !== 'reply') throw new CliError(`--garp-form must be request or reply, got ${flags.garpForm}`, 2);
      if (flags.garpTarget !== 'zero' && flags.garpTarget !== 'broadcast') throw new CliError(`--garp-target must be zero or broadcast, got ${flags.garpTarget}`, 2);
      if (flags.port !== undefined && !flags.waitForwarding) throw new CliError('--port applies with --wait-forwarding', 2);
      if ((flags.notify === undefined) !== (flags.tokenFile === undefined)) throw new CliError('--notify and --token-file go together', 2);
      let notify: { url: string; token: string; from?: string; to?: string; newMac?: string } | undefined;
      if (flags.notify !== undefined) {
        let token: string;
        try {
          token = readFileSync(flags.tokenFile!, 'utf8').trim();
        } catch (e) {
          throw new CliError(`--token-file ${flags.tokenFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 2);
        }
        if (token === '') throw new CliError(`--token-file ${flags.tokenFile}: the file is empty`, 2);
        notify = { url: flags.notify, token, ...(flags.from !== undefined ? { from: flags.from } : {}), ...(flags.to !== undefined ? { to: flags.to } : {}), ...(flags.newMac !== undefined ? { newMac: flags.newMac } : {}) };
      }
      const print = (text: string): void => {
        try {
          writeAll(1, text);
        } catch (e) {
          if (!(e instanceof OutputClosed)) throw e;
        }
      };
      const report = await lib.announce({
        iface: flags.iface,
        ips: flags.ip,
        ...(flags.mac !== undefined ? { mac: flags.mac } : {}),
        schedule,
        qemu: { initialMs: duration('initial', flags.initial), maxMs: duration('max', flags.max), rounds: integer('rounds', flags.rounds), stepMs: duration('step', flags.step) },
        custom: { count: integer('count', flags.count), intervalMs: duration('interval', flags.interval), jitterMs: duration('jitter', flags.jitter) },
        garpForm: flags.garpForm,
        garpTarget: flags.garpTarget,
        waitForwarding: flags.waitForwarding,
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        maxWaitMs: duration('max-wait', flags.maxWait),
        delayMs: duration('delay', flags.delay),
        ...(notify !== undefined ? { notify } : {}),
        onWait: (what) => {
          if (!flags.json) print(`waiting for ${what} to forward\n`);
        },
        onRound: (r) => {
          if (!flags.json) print(`${new Date().toISOString()}  ${(r.atMs / 1000).toFixed(3)} s  ${flags.iface}  ${r.frames.join('; ')}\n`);
        },
      });
      if (flags.json) print(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.notified !== null) print(`agent: ${JSON.stringify(report.notified.body)}\n`);
    });
}
