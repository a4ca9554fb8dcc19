/** Small sweeps for the tests: a sweep file in a temporary directory, and the CLI that runs it. */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/cli/main.js');

/**
 * A sweep of the guest-GARP example with random loss on the destination's uplink (so seeds differ):
 * `counts` GARP counts × `seeds` seeds, each run 25 s of simulated time.
 */
export function garpSweep(dir: string, counts: readonly number[], seeds: number, name = 'sweep.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, [
    'name: test-sweep',
    `scenario: ${join(ROOT, 'scenarios/migration-guest-garp.yaml')}`,
    'set:',
    '  duration: 25s',
    '  migrations.0.at: 10s',
    '  loss: [{ links: "hv-4:p1", direction: both, model: { kind: bernoulli, rate: 0.5 } }]',
    'grid:',
    `  remedies.0.count: [${counts.join(', ')}]`,
    `seeds: ${seeds}`,
    '',
  ].join('\n'));
  return file;
}

const made: string[] = [];

/** A fresh temporary directory (removed by {@link removeTempDirs}). */
export function tempDir(prefix = 'arpshift-sweep-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Removes every directory {@link tempDir} made in this test file. */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Runs the CLI to its end. */
export function cli(args: readonly string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, maxBuffer: 1 << 28 });
}

/** Starts the CLI in the background. */
export function cliAsync(args: readonly string[], cwd = ROOT): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for a child to exit; its exit code (or the signal's name) and its stderr. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout })));
}
