/**
 * Progress of a long command on stderr: a bar with the rate and the time left on a terminal
 * (cli-progress), plain lines otherwise (at every tenth of the work, and at least every 30 s), nothing
 * with --quiet. The time left is estimated from the pace since the command started, not counting what
 * a resumed file already held.
 */
import { createRequire } from 'node:module';
import { writeAll } from './output.js';

interface Bar {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  stop(): void;
}

/** `1 h 05 min`, `4 min 12 s`, `37 s`. */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** See the module comment. */
export class Progress {
  private readonly quiet: boolean;
  private readonly label: string;
  private readonly unit: string;
  private readonly tty: boolean;
  private bar: Bar | null = null;
  private readonly started = Date.now();
  private lastLine = 0;
  private lastTenth = -1;
  private stopped = false;

  constructor(options: { quiet: boolean; label: string; unit: string }) {
    this.quiet = options.quiet;
    this.label = options.label;
    this.unit = options.unit;
    this.tty = process.stderr.isTTY === true;
  }

  /** `done` of `total` finished, `held` of them before this command started. */
  update(done: number, total: number, held: number): void {
    if (this.quiet || this.stopped) return;
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? (done - held) / elapsed : 0;
    const left = rate > 0 ? (total - done) / rate : Infinity;
    if (this.tty) {
      if (this.bar === null) {
        const require = createRequire(import.meta.url);
        const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
        this.bar = new SingleBar({
          format: `${this.label} |{bar}| {value}/{total} ${this.unit} · {rate}/s · {left} left`,
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stderr,
        }, Presets.shades_classic);
        this.bar.start(total, done, { rate: '?', left: '?' });
      }
      this.bar.update(done, { rate: rate.toFixed(1), left: done === held ? '?' : durationText(left) });
      return;
    }
    // Nothing done yet: the command's first line already said what runs.
    if (done === 0) return;
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    const now = Date.now();
    if (tenth === this.lastTenth && now - this.lastLine < 30_000) return;
    if (done === held && held > 0 && this.lastTenth < 0) {
      this.lastTenth = tenth;
      this.lastLine = now;
      writeAll(2, `${this.label}: ${done}/${total} ${this.unit} already done\n`);
      return;
    }
    this.lastTenth = tenth;
    this.lastLine = now;
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    writeAll(2, `${this.label}: ${done}/${total} ${this.unit} (${pct} %), ${rate.toFixed(1)} ${this.unit}/s${done < total && done > held ? `, about ${durationText(left)} left` : ''}\n`);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bar?.stop();
  }
}

/**
 * What the bar of `arpshift run` shows while a scenario's runs advance: the share of every run's
 * simulated time done, and one label for the whole (the runs done, and the share of the slowest run
 * in progress). With `--jobs` several runs advance at once and report in turn; the label depends
 * only on where the runs are, never on which reported last.
 */
export class RunsProgress {
  private readonly shares: number[];

  constructor(runs: number) {
    this.shares = new Array<number>(runs).fill(0);
  }

  /** Run `run` (0-based) reached `simulatedNs` of its `durationNs`: the bar's percentage and label. */
  update(run: number, simulatedNs: number, durationNs: number): { percentage: number; label: string } {
    const shares = this.shares;
    const runs = shares.length;
    shares[run] = durationNs > 0 ? Math.min(1, simulatedNs / durationNs) : 1;
    let sum = 0;
    let done = 0;
    let slowest = Infinity;
    for (const share of shares) {
      sum += share;
      if (share >= 1) done++;
      else if (share > 0) slowest = Math.min(slowest, share);
    }
    const label = runs === 1 ? '' : `${done}/${runs} runs done${slowest === Infinity ? '' : `, slowest running ${Math.floor(slowest * 100)} %`}`;
    return { percentage: Math.floor((sum / runs) * 100), label };
  }
}
