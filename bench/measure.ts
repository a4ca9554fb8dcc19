/**
 * Runs a command to completion with its stdout sent to /dev/null, and measures wall time and peak
 * resident memory (VmHWM from /proc, polled), so our CLI and other tools are timed the same way; or
 * runs one for its standard output (`runForOutput`), as the anchor benchmark runs both simulators.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one run cost. */
export interface Measured {
  readonly wallSeconds: number;
  readonly peakRssMiB: number;
  readonly exitCode: number | null;
}

function readHwmKiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `command args`, discarding stdout. */
export function measure(command: string, args: readonly string[]): Promise<Measured> {
  const devNull = openSync('/dev/null', 'w');
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['ignore', devNull, 'pipe'] });
  let peak = 0;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timer = setInterval(() => {
    const hwm = child.pid === undefined ? undefined : readHwmKiB(child.pid);
    if (hwm !== undefined && hwm > peak) peak = hwm;
  }, 10);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      closeSync(devNull);
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) {
        reject(new Error(`${command} exited with ${code}: ${stderr.slice(0, 500)}`));
        return;
      }
      resolve({ wallSeconds, peakRssMiB: peak / 1024, exitCode: code });
    });
  });
}

/** What {@link runForOutput} gives back: the command's standard output, its wall time and its CPU time. */
export interface Output {
  readonly stdout: string;
  readonly processSeconds: number;
  /**
   * User + system CPU seconds of the whole process (every thread), from GNU time's rusage; null where
   * /usr/bin/time is not installed. On a shared machine this moves far less with the load than the
   * wall time: a process waiting for a core is not charged.
   */
  readonly cpuSeconds: number | null;
}

/** GNU time, when installed: reports the child's rusage (getrusage RUSAGE_CHILDREN) into a file. */
const GNU_TIME = '/usr/bin/time';

/** Runs `command args` for its standard output; rejects with `what`, the exit and stderr's start when it fails. */
export function runForOutput(command: string, args: readonly string[], what: string): Promise<Output> {
  const timed = existsSync(GNU_TIME);
  const dir = timed ? mkdtempSync(join(tmpdir(), 'anchor-time-')) : null;
  const usage = dir === null ? null : join(dir, 'usage');
  const [file, argv] = usage === null ? [command, args] : [GNU_TIME, ['-o', usage, '-f', '%U %S', command, ...args]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const processSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      let cpuSeconds: number | null = null;
      if (usage !== null) {
        // The last line is the format's (GNU time puts "Command exited with non-zero status" before it).
        const last = (existsSync(usage) ? readFileSync(usage, 'utf8') : '').trim().split('\n').at(-1) ?? '';
        const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(last);
        if (m !== null) cpuSeconds = Number(m[1]) + Number(m[2]);
        rmSync(dir!, { recursive: true, force: true });
      }
      if (code !== 0) reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(0, 500)}`));
      else resolve({ stdout, processSeconds, cpuSeconds });
    });
  });
}
