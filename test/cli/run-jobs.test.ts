/**
 * `arpshift run --jobs N` (the built dist/cli/main.js): a scenario of several variants gives the same
 * JSON (with series), tables and pcap, byte for byte, one run after another and several at once; a
 * run that fails under --jobs 2 is reported with the same line and exit code as under --jobs 1; a
 * --jobs that is not a positive whole number is a usage error; SIGINT and SIGTERM stop the worker
 * threads and leave no output file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'run', '--quiet', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Waits until `ready()` (polling every 25 ms, up to 30 s: a loaded machine starts node slowly). */
async function waitFor(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1200 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ready()).toBe(true);
}

// Three variants of a migration whose guest re-plugs its link, each run a few hundred ms.
const REPLUG = join(SCENARIOS, 'migration-replug.yaml');

describe('arpshift run --jobs', () => {
  it('gives the same JSON with series, the same tables and the same pcap, one run at a time or several', () => {
    const outputs = ['1', '2'].map((jobs) => {
      const pcap = join(dir, `replug-${jobs}.pcap`);
      const json = run(REPLUG, '--jobs', jobs, '--json', '--series', '--pcap', pcap);
      expect(json.stderr).toBe('');
      expect(json.status).toBe(0);
      const tables = run(REPLUG, '--jobs', jobs);
      expect(tables.status).toBe(0);
      return { json: json.stdout, tables: tables.stdout, pcap: readFileSync(pcap) };
    });
    const runs = (JSON.parse(outputs[0]!.json) as { runs: { series?: unknown }[] }).runs;
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.series !== undefined)).toBe(true);
    expect(outputs[0]!.pcap.length).toBeGreaterThan(24);
    for (const o of outputs.slice(1)) {
      expect(o.json).toBe(outputs[0]!.json);
      expect(o.tables).toBe(outputs[0]!.tables);
      expect(Buffer.compare(o.pcap, outputs[0]!.pcap)).toBe(0);
    }
    // Three lanes, one per run.
    expect(run(REPLUG, '--jobs', '3', '--json', '--series').stdout).toBe(outputs[0]!.json);
  }, 180_000);

  it('reports a run that fails as one run after another does: the same line and exit code, no output file', () => {
    // The first run's capture cannot be written (a device that is always full) while the other runs go on.
    const results = ['1', '2'].map((jobs) => {
      const out = join(dir, `failed-${jobs}.json`);
      const r = run(REPLUG, '--jobs', jobs, '--pcap', '/dev/full', '--out', out);
      expect(existsSync(out)).toBe(false);
      return r;
    });
    expect(results[0]!.status).toBe(1);
    expect(results[0]!.stderr).toMatch(/^arpshift: \/dev\/full: .*no space left on device.*\n$/i);
    expect(results[1]!.status).toBe(results[0]!.status);
    expect(results[1]!.stderr).toBe(results[0]!.stderr);
    expect(results[1]!.stdout).toBe('');
  });

  it.each(['0', 'x', '1.5', '', '-1'])('refuses --jobs=%j with one line and exit 2', (jobs) => {
    const r = run(REPLUG, `--jobs=${jobs}`);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`arpshift: --jobs must be a positive integer, got ${jobs}\n`);
    expect(r.stdout).toBe('');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s stops every run at once (worker threads too), exit 130, leaving no file', async (signal) => {
    const sub = join(dir, `interrupted-${signal}`);
    mkdirSync(sub);
    const out = join(sub, 'result.json');
    const pcap = join(sub, 'capture.pcap');
    // The default comparison's ten runs, two at a time: seconds of work on each thread.
    const child = spawn(process.execPath, [CLI, 'run', '--quiet', '--jobs', '2', '--json', '--out', out, '--pcap', pcap], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => readdirSync(sub).length === 2);
    await new Promise((r) => setTimeout(r, 1500));
    const sent = performance.now();
    child.kill(signal);
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toBe(`arpshift: interrupted (${signal}): no output file written\n`);
    expect(stdout).toBe('');
    expect(performance.now() - sent).toBeLessThan(5000);
    expect(readdirSync(sub)).toEqual([]);
  });
});
