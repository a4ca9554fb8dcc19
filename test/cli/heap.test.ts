/**
 * `arpshift run` raises node's heap itself when a scenario's model needs more than the default: it
 * runs the same command again in a child with a larger --max-old-space-size, says so on stderr, and
 * gives the same result; a machine that cannot hold the model is told before anything runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEMI_SPACE_MIB, heapFor, rerunFlags, runWithHeapFor } from '../../src/cli/heap.js';
import { CliError } from '../../src/cli/errors.js';
import { BYTES_PER_HOST } from '../../src/run/index.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('the heap of arpshift run', () => {
  it('asks for the estimate and half again, in whole 256 MiB', () => {
    expect(heapFor(4 * 2 ** 30)).toBe(6 * 1024);
    expect(heapFor(1)).toBe(256);
  });

  it('gives the re-run a larger young generation, unless node was given one', () => {
    expect(rerunFlags([], 6144)).toEqual(['--max-old-space-size=6144', `--max-semi-space-size=${SEMI_SPACE_MIB}`]);
    expect(rerunFlags(['--max-semi-space-size=8', '--max-old-space-size=160'], 512)).toEqual(['--max-old-space-size=512']);
    // Larger than V8's default (16 MiB at most on 64-bit machines), or it would change nothing.
    expect(SEMI_SPACE_MIB).toBeGreaterThan(16);
  });

  it('runs a scenario that fits in this process', async () => {
    expect(await runWithHeapFor(2 ** 20, { force: false, quiet: true })).toBeUndefined();
  });

  it('refuses a model larger than the machine, saying how much it needs and has', async () => {
    const err = await runWithHeapFor(totalmem() * 2, { force: false, quiet: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toMatch(/needs about [\d.]+ GiB of memory for its model and this machine has [\d.]+ GiB/);
  });

  it('re-runs itself with a larger heap when node\'s is too small, with the same result', () => {
    // A heap of 160 MiB of old space (V8's limit adds the young generation), and hosts enough that
    // the estimate and half again exceed it.
    const limit = Number(spawnSync(process.execPath, ['--max-old-space-size=160', '-p', 'v8.getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).stdout);
    const hosts = Math.ceil(limit / 1.5 / BYTES_PER_HOST) + 100;
    const yaml = `name: heap\nduration: 50ms\nfabric: { kind: leaf-spine, leaves: ${Math.ceil(hosts / 100)}, spines: 2, hostPortsPerEdge: 100 }\nsubnet: { ipv4: 10.0.0.0/8 }\nhosts: [{ name: h, count: ${hosts} }]\n`;
    const dir = mkdtempSync(join(tmpdir(), 'arpshift-heap-'));
    try {
      const file = join(dir, 'heap.yaml');
      writeFileSync(file, yaml);
      const run = (heap: number): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [`--max-old-space-size=${heap}`, CLI, 'run', file, '--json'], { encoding: 'utf8' });
      const small = run(160);
      expect(small.status).toBe(0);
      expect(small.stderr).toMatch(new RegExp(String.raw`^arpshift: this scenario needs about [\d.]+ GiB for its model and [\d.]+ GiB with room for the run, more than node's heap of [\d.]+ GiB here: running it with --max-old-space-size=\d+ --max-semi-space-size=${SEMI_SPACE_MIB}\n$`));
      const plain = run(4096);
      expect(plain.status).toBe(0);
      expect(plain.stderr).toBe('');
      expect(small.stdout).toBe(plain.stdout);
      expect(JSON.parse(small.stdout as string)).toHaveProperty('runs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives a sweep\'s worker threads the heap the run would choose: the sweep runs again with it, with the same results', () => {
    // As above: node's heap of 160 MiB, and a base scenario whose estimate and half again exceed it
    // (in a worker thread with the 160 MiB of the command itself, this model runs out of memory).
    const limit = Number(spawnSync(process.execPath, ['--max-old-space-size=160', '-p', 'v8.getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).stdout);
    const hosts = Math.ceil(limit / 1.5 / BYTES_PER_HOST) + 100;
    const yaml = `name: heap\nduration: 50ms\nfabric: { kind: leaf-spine, leaves: ${Math.ceil(hosts / 100)}, spines: 2, hostPortsPerEdge: 100 }\nsubnet: { ipv4: 10.0.0.0/8 }\nhosts: [{ name: h, count: ${hosts} }]\n`;
    const dir = mkdtempSync(join(tmpdir(), 'arpshift-heap-'));
    try {
      writeFileSync(join(dir, 'heap.yaml'), yaml);
      const sweep = join(dir, 'sweep.yaml');
      writeFileSync(sweep, 'name: heap-sweep\nscenario: heap.yaml\nseeds: 1\n');
      const run = (heap: number, out: string): ReturnType<typeof spawnSync> =>
        spawnSync(process.execPath, [`--max-old-space-size=${heap}`, CLI, 'sweep', sweep, '--workers', '1', '--out', join(dir, out)], { encoding: 'utf8' });
      const small = run(160, 'small.jsonl');
      expect(small.status, small.stderr as string).toBe(0);
      expect(small.stderr).toMatch(new RegExp(String.raw`^arpshift: this scenario needs about [\d.]+ GiB for its model and [\d.]+ GiB with room for the run, more than node's heap of [\d.]+ GiB here: running it with --max-old-space-size=${heapFor(hosts * BYTES_PER_HOST)} --max-semi-space-size=${SEMI_SPACE_MIB}\n`));
      const plain = run(4096, 'plain.jsonl');
      expect(plain.status, plain.stderr as string).toBe(0);
      expect(plain.stderr).not.toMatch(/running it with/);
      expect(small.stdout).toBe(plain.stdout);
      const lines = readFileSync(join(dir, 'small.jsonl'), 'utf8');
      expect(lines).toBe(readFileSync(join(dir, 'plain.jsonl'), 'utf8'));
      expect(lines.trimEnd().split('\n')).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('stops the re-run when only the first process is interrupted, leaving no output file', async () => {
    // As above, the scenario does not fit node's heap of 160 MiB; a long stream keeps the run busy.
    const limit = Number(spawnSync(process.execPath, ['--max-old-space-size=160', '-p', 'v8.getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).stdout);
    const hosts = Math.ceil(limit / 1.5 / BYTES_PER_HOST) + 100;
    const yaml = `name: heap\nduration: 3600s\nfabric: { kind: leaf-spine, leaves: ${Math.ceil(hosts / 100)}, spines: 2, hostPortsPerEdge: 100 }\nsubnet: { ipv4: 10.0.0.0/8 }\nhosts: [{ name: h, count: ${hosts} }]\ntraffic: [{ name: t, kind: udp, from: h-1, to: h-2, rate: 10000pps, start: 1ms }]\n`;
    const dir = mkdtempSync(join(tmpdir(), 'arpshift-heap-'));
    try {
      const file = join(dir, 'heap.yaml');
      const out = join(dir, 'out.json');
      writeFileSync(file, yaml);
      const child = spawn(process.execPath, ['--max-old-space-size=160', CLI, 'run', file, '--json', '--force', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // Once the first process has said it runs the scenario again, give the re-run time to start.
      await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('running it with --max-old-space-size')) setTimeout(resolve, 3000);
      }));
      // Only the first process's pid: the re-run gets nothing from a terminal here.
      child.kill('SIGINT');
      expect(await exit).toBe(130);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(['heap.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
