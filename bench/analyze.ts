/**
 * Analysis speed and memory: writes a migration-heavy capture (bench/migration-capture.ts) of about
 * 100 MiB and 1 GiB, runs `arpshift analyze --json` on each (whole process, stdout discarded), and
 * tshark on the 1 GiB one, side by side in the same run: `tshark -r` (every frame dissected, one
 * summary line each: what "tshark reading it" costs) and, for reference, `tshark -r -q`, which
 * reads the file without dissecting anything. Reports frames and bytes per second, the speed-up over
 * `tshark -r`, and peak resident memory for both sizes (it must stay flat).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeMigrationCapture } from './migration-capture.js';
import { measure } from './measure.js';
import type { Bench } from './report.js';

const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const MIB = 2 ** 20;

export const analyzeBench: Bench = {
  name: 'analyze',
  async run(report, { quick }) {
    mkdirSync(OUT, { recursive: true });
    const sizes = quick ? [20 * MIB, 100 * MIB] : [100 * MIB, 1024 * MIB];
    const results: Array<{ path: string; frames: number; bytes: number; seconds: number; rss: number }> = [];
    for (const size of sizes) {
      const path = `${OUT}analyze-${size / MIB}MiB.pcap`;
      report.note(`writing a ${size / MIB} MiB capture...`);
      const written = writeMigrationCapture(path, size);
      const bytes = statSync(path).size;
      const ours = await measure(process.execPath, [CLI, 'analyze', '--json', path]);
      results.push({ path, frames: written.frames, bytes, seconds: ours.wallSeconds, rss: ours.peakRssMiB });
      const label = `${(bytes / MIB).toFixed(0)} MiB, ${written.frames.toLocaleString('en-US')} frames, ${written.moves} moves`;
      report.add('analyze', `arpshift analyze --json (${label})`, Number(ours.wallSeconds.toFixed(2)), 's');
      report.add('analyze', `  frames per second (${(bytes / MIB).toFixed(0)} MiB)`, Math.round(written.frames / ours.wallSeconds), 'frames/s');
      report.add('analyze', `  peak RSS (${(bytes / MIB).toFixed(0)} MiB)`, Math.round(ours.peakRssMiB), 'MiB');
    }
    const largest = results[results.length - 1]!;
    const mib = (largest.bytes / MIB).toFixed(0);
    report.note(`timing tshark -r on the same ${mib} MiB (slow)...`);
    const tshark = await measure('tshark', ['-r', largest.path]);
    const reading = await measure('tshark', ['-r', largest.path, '-q']);
    report.add('analyze', `tshark -r (${mib} MiB, every frame dissected)`, Number(tshark.wallSeconds.toFixed(2)), 's');
    report.add('analyze', `tshark -r peak RSS (${mib} MiB)`, Math.round(tshark.peakRssMiB), 'MiB');
    report.add('analyze', `tshark -r -q (${mib} MiB, read without dissecting)`, Number(reading.wallSeconds.toFixed(2)), 's');
    report.add('analyze', `speed-up over tshark -r (${mib} MiB)`, Number((tshark.wallSeconds / largest.seconds).toFixed(1)), 'x');
    for (const r of results) rmSync(r.path, { force: true });
  },
};
