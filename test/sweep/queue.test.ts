/**
 * Sweeps on BullMQ against a real redis-server (the Debian package), started by the test on
 * 127.0.0.1 on a free port with a temporary directory, and stopped at the end even on failure:
 * two worker processes, one killed (SIGKILL) mid-sweep: every point arrives once and the file equals
 * the local sweep's; a queue that cannot be reached, or that goes away mid-sweep, gives one line and
 * a non-zero exit within seconds, keeping what was written.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapFor } from '../../src/cli/heap.js';
import { BYTES_PER_HOST, estimateCost } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { jobHeapMib } from '../../src/sweep/memory.js';
import type { RedisServer } from '../helpers/redis.js';
import { freePort, startRedis } from '../helpers/redis.js';
import { CLI, ROOT, cli, cliAsync, exited, garpSweep, removeTempDirs, tempDir } from '../helpers/sweep.js';

let redis: RedisServer;
const children: ChildProcess[] = [];

beforeAll(async () => { redis = await startRedis(); });
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis?.stop();
  removeTempDirs();
});

function track(c: ChildProcess): ChildProcess {
  children.push(c);
  return c;
}

/** Resolves once `file` holds at least `n` result lines. */
async function resultLines(file: string, n: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(file) && readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"result"')).length >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file}: fewer than ${n} results after ${timeoutMs} ms`);
}

describe('sweep --queue with arpshift worker', () => {
  it('two workers, one killed mid-sweep: every point once, the file equal to the local sweep\'s', async () => {
    const d = tempDir();
    const file = garpSweep(d, [1, 2, 3], 4);
    const local = join(d, 'local.jsonl');
    const l = cli(['sweep', file, '--workers', '2', '--out', local, '--quiet']);
    expect(l.status, l.stderr).toBe(0);

    const out = join(d, 'queued.jsonl');
    const name = `t${process.pid}a`;
    // A short lock, so that the killed worker's point goes back to the queue within seconds.
    const worker = (): ChildProcess => track(cliAsync(['worker', '--queue', redis.url, '--queue-name', name, '--workers', '1', '--lock-duration', '2000', '--quiet']));
    const a = worker();
    const b = worker();
    const sweep = track(cliAsync(['sweep', file, '--queue', redis.url, '--queue-name', name, '--out', out, '--quiet']));
    const sweepDone = exited(sweep);
    const aDone = exited(a);
    await resultLines(out, 3);
    a.kill('SIGKILL');
    expect((await aDone).signal).toBe('SIGKILL');
    const r = await sweepDone;
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const keys = text.split('\n').filter((x) => x.startsWith('{"type":"result"')).map((x) => {
      const v = JSON.parse(x) as { parameters: unknown; seed: number };
      return JSON.stringify([v.parameters, v.seed]);
    });
    expect(keys).toHaveLength(3 * 4);
    expect(new Set(keys).size).toBe(3 * 4);
    expect(text).toBe(readFileSync(local, 'utf8'));
    expect(r.stdout).toBe(l.stdout);
    b.kill('SIGTERM');
    const bDone = await exited(b);
    expect(bDone.code).toBe(0);
  });

  it('a restarted sweep collects what the workers finished while it was away', async () => {
    const d = tempDir();
    const file = garpSweep(d, [1, 2], 3);
    const out = join(d, 'restart.jsonl');
    const name = `t${process.pid}b`;
    const first = track(cliAsync(['sweep', file, '--queue', redis.url, '--queue-name', name, '--out', out, '--quiet']));
    const firstDone = exited(first);
    const w = track(cliAsync(['worker', '--queue', redis.url, '--queue-name', name, '--workers', '1', '--quiet']));
    await resultLines(out, 1);
    first.kill('SIGKILL');
    await firstDone;
    // The worker goes on with the queued points meanwhile; the sweep comes back and takes them.
    await new Promise((r) => setTimeout(r, 1500));
    const again = cli(['sweep', file, '--queue', redis.url, '--queue-name', name, '--out', out, '--resume', '--quiet']);
    expect(again.status, again.stderr).toBe(0);
    const local = join(d, 'local.jsonl');
    expect(cli(['sweep', file, '--out', local, '--quiet']).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(local, 'utf8'));
    w.kill('SIGTERM');
    await exited(w);
  });

  it('a queue that cannot be reached: one line, exit 1, within seconds (sweep and worker)', async () => {
    const d = tempDir();
    const file = garpSweep(d, [1], 1);
    const port = await freePort();
    const started = Date.now();
    const r = cli(['sweep', file, '--queue', `redis://127.0.0.1:${port}`, '--out', join(d, 'x.jsonl'), '--quiet']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`cannot reach the queue at redis://127.0.0.1:${port}: ECONNREFUSED`);
    const w = cli(['worker', '--queue', `redis://127.0.0.1:${port}`, '--quiet']);
    expect(w.status).toBe(1);
    expect(w.stderr.trim()).toBe(`arpshift: cannot reach the queue at redis://127.0.0.1:${port}: ECONNREFUSED`);
    const bad = cli(['sweep', file, '--queue', 'http://127.0.0.1:1']);
    expect(bad.status).toBe(2);
  });

  it('a queue that goes away mid-sweep: one line, exit 1, within seconds; the lines written stay', async () => {
    const own = await startRedis();
    try {
      const d = tempDir();
      const file = garpSweep(d, [1, 2, 3, 4], 5);
      const out = join(d, 'lost.jsonl');
      const name = `t${process.pid}c`;
      const w = track(cliAsync(['worker', '--queue', own.url, '--queue-name', name, '--workers', '1', '--quiet']));
      const wDone = exited(w);
      const sweep = track(cliAsync(['sweep', file, '--queue', own.url, '--queue-name', name, '--out', out, '--quiet']));
      const done = exited(sweep);
      await resultLines(out, 2);
      const stoppedAt = Date.now();
      await own.stop();
      const r = await done;
      expect(Date.now() - stoppedAt).toBeLessThan(15_000);
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^arpshift: lost the queue at ${own.url.replace(/\./g, '\\.')}: .+ \\(\\d+ of 20 runs are in .*lost\\.jsonl; --resume continues\\)$`));
      const written = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(written.length).toBeGreaterThanOrEqual(3);
      for (const l of written) JSON.parse(l);
      const wr = await wDone;
      expect(wr.code).toBe(1);
      expect(wr.stderr).toContain('lost the queue at');
    } finally {
      await own.stop();
    }
  });

  it('a point larger than the worker\'s heap runs in a process of its own with the heap run would choose; one larger than --memory is refused in one line', async () => {
    // A worker whose node was given a heap of 160 MiB of old space (a flag every thread of it obeys,
    // whatever its resourceLimits), and a point whose estimate and half again exceed it: `run` would
    // run it with a larger heap, and so does the worker, in a process of its own.
    const limit = Number(spawnSync(process.execPath, ['--max-old-space-size=160', '-p', 'v8.getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).stdout);
    const hosts = Math.ceil(limit / 1.5 / BYTES_PER_HOST) + 100;
    const yaml = `name: heap\nduration: 50ms\nfabric: { kind: leaf-spine, leaves: ${Math.ceil(hosts / 100)}, spines: 2, hostPortsPerEdge: 100 }\nsubnet: { ipv4: 10.0.0.0/8 }\nhosts: [{ name: h, count: ${hosts} }]\n`;
    const memory = estimateCost(loadScenario(yaml, 'heap.yaml')).memory;
    const heap = jobHeapMib(memory);
    // The heap `arpshift run` would choose for it, and more than the worker's own.
    expect(heap).toBe(heapFor(memory));
    expect(heap * 2 ** 20).toBeGreaterThan(limit);
    const d = tempDir();
    writeFileSync(join(d, 'heap.yaml'), yaml);
    const file = join(d, 'sweep.yaml');
    writeFileSync(file, 'name: heap-sweep\nscenario: heap.yaml\nseeds: 2\n');
    const local = join(d, 'local.jsonl');
    const l = cli(['sweep', file, '--workers', '1', '--out', local, '--quiet']);
    expect(l.status, l.stderr).toBe(0);

    const worker = (name: string, more: readonly string[] = []): ChildProcess =>
      track(spawn(process.execPath, ['--max-old-space-size=160', CLI, 'worker', '--queue', redis.url, '--queue-name', name, '--workers', '1', ...more], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
    const name = `t${process.pid}h`;
    const w = worker(name);
    const wDone = exited(w);
    const out = join(d, 'queued.jsonl');
    const r = await exited(track(cliAsync(['sweep', file, '--queue', redis.url, '--queue-name', name, '--out', out, '--quiet'])));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(local, 'utf8'));
    w.kill('SIGTERM');
    const wr = await wDone;
    expect(wr.code, wr.stderr).toBe(0);
    // Said once for the two points of that size.
    const said = wr.stderr.split('\n').filter((x) => x.includes('in a process of its own'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(String.raw`^worker: run = heap, seed \d+ needs about [\d.]+ GiB for its model and [\d.]+ GiB with room for the run, more than this worker's heap of [\d.]+ GiB: running it \(and points as large\) in a process of its own with --max-old-space-size=${heap} --max-semi-space-size=64$`));
    expect(wr.stderr).toMatch(/worker: stopped after 2 points/);

    // A worker that may use less than that heap: the point is refused, and the sweep ends in one line.
    const small = `t${process.pid}s`;
    const s = worker(small, ['--memory', '0.2']);
    const sDone = exited(s);
    const refused = await exited(track(cliAsync(['sweep', file, '--queue', redis.url, '--queue-name', small, '--out', join(d, 'refused.jsonl'), '--quiet'])));
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^arpshift: run = heap, seed \d+: this point needs about [\d.]+ GiB of memory for its model \([\d.]+ GiB with room for the run\) and the worker on .+ may use 0\.2 GiB \(--memory; by default three quarters of its [\d.]+ GiB\): run it on a worker with more memory, or make it smaller \(0 of 2 runs are in .*refused\.jsonl; --resume continues\)$/);
    s.kill('SIGTERM');
    expect((await sDone).code).toBe(0);
    // Bad values of --memory: usage errors.
    expect(cli(['worker', '--queue', redis.url, '--memory', 'lots']).status).toBe(2);
    expect(cli(['worker', '--queue', redis.url, '--memory', '1000000']).stderr).toMatch(/--memory 1000000: more than this machine's [\d.]+ GiB/);
  }, 120_000);
});

