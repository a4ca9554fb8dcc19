/**
 * Decode speed: writes a capture of a million mixed frames (the ARP family, ND, IPv4/UDP/ICMP,
 * DHCP, STP), then decodes it with `arpshift decode --json` and with `tshark -T ek`, one after the
 * other in the same run, and reports frames per second, the ratio, and peak memory (for two capture
 * sizes, to show it stays flat).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AtomicFileSink, PcapWriter, emitFrame } from '../src/wire/index.js';
import { SAMPLE_FRAMES } from '../test/helpers/sample-frames.js';
import { measure } from './measure.js';
import type { Bench } from './report.js';

const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Weights: what a migration-heavy capture mostly holds. */
function weight(name: string): number {
  if (name.startsWith('arp') || name.startsWith('gratuitous') || name.startsWith('rarp')) return 4;
  if (name.startsWith('ns') || name.startsWith('na')) return 3;
  if (name.startsWith('dhcp') || name.startsWith('stp') || name.startsWith('rstp')) return 1;
  return 2;
}

/** Writes `count` frames cycling through the weighted samples; returns the path. */
function writeMixedCapture(count: number): { path: string; seconds: number } {
  mkdirSync(OUT, { recursive: true });
  const cycle: Uint8Array[] = [];
  for (const [name, frame] of SAMPLE_FRAMES) for (let i = 0; i < weight(name); i++) cycle.push(emitFrame(frame));
  const path = `${OUT}mixed-${count}.pcap`;
  const started = process.hrtime.bigint();
  const writer = new PcapWriter(new AtomicFileSink(path));
  for (let i = 0; i < count; i++) {
    const t = 1_800_000_000_000_000_000n + BigInt(i) * 10_000n;
    writer.write(Number(t / 1_000_000_000n), Number(t % 1_000_000_000n), cycle[i % cycle.length]!);
  }
  writer.close();
  return { path, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export const decodeBench: Bench = {
  name: 'decode',
  async run(report, { quick }) {
    const sizes = quick ? [20_000, 100_000] : [100_000, 1_000_000];
    const results: Array<{ count: number; seconds: number; rss: number }> = [];
    let path = '';
    for (const count of sizes) {
      if (path !== '') rmSync(path, { force: true });
      const written = writeMixedCapture(count);
      path = written.path;
      report.add('decode', `pcap write (${count.toLocaleString('en-US')} frames)`, Math.round(count / written.seconds), 'frames/s');
      const ours = await measure(process.execPath, [CLI, 'decode', '--json', path]);
      results.push({ count, seconds: ours.wallSeconds, rss: ours.peakRssMiB });
      report.add('decode', `arpshift decode --json (${count.toLocaleString('en-US')} frames)`, Math.round(count / ours.wallSeconds), 'frames/s');
      report.add('decode', `arpshift decode --json peak RSS (${count.toLocaleString('en-US')} frames, ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB file)`, Math.round(ours.peakRssMiB), 'MiB');
    }
    if (!quick) {
      // Memory must stay flat however large the capture: decode one of several GB, then delete it.
      const count = 30_000_000;
      report.note(`writing a ${count.toLocaleString('en-US')}-frame capture...`);
      const big = writeMixedCapture(count);
      const gib = statSync(big.path).size / 2 ** 30;
      const ours = await measure(process.execPath, [CLI, 'decode', '--json', big.path]);
      rmSync(big.path, { force: true });
      report.add('decode', `arpshift decode --json (${count.toLocaleString('en-US')} frames, ${gib.toFixed(1)} GiB file)`, Math.round(count / ours.wallSeconds), 'frames/s');
      report.add('decode', `arpshift decode --json peak RSS (${gib.toFixed(1)} GiB file)`, Math.round(ours.peakRssMiB), 'MiB');
    }
    const largest = results[results.length - 1]!;
    report.note(`timing tshark -T ek on the same ${largest.count.toLocaleString('en-US')} frames (slow)...`);
    const tshark = await measure('tshark', ['-T', 'ek', '-r', path]);
    const tsharkRate = largest.count / tshark.wallSeconds;
    const ourRate = largest.count / largest.seconds;
    report.add('decode', `tshark -T ek (${largest.count.toLocaleString('en-US')} frames)`, Math.round(tsharkRate), 'frames/s');
    report.add('decode', 'tshark -T ek peak RSS', Math.round(tshark.peakRssMiB), 'MiB');
    report.add('decode', 'speed-up over tshark -T ek', Number((ourRate / tsharkRate).toFixed(1)), 'x');
    rmSync(path, { force: true });
  },
};
