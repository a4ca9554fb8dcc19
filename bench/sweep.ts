/**
 * Sweeps: points per second on worker threads, and what the BullMQ queue adds per point.
 *
 * - Scale: 1,000 points of the default comparison's base scenario (its ten runs × 100 seeds), with
 *   its duration shortened from 400 s to 45 s so that the bench takes minutes (the migration ends at
 *   40.3 s; the runs without a remedy are then cut before the 300 s MAC ageing, which changes their
 *   black hole, not the work per point's order of magnitude). Run on 1 worker thread, then on 2, in
 *   process through `runSweep`, each into a fresh results file; the target is 2 workers at 1.8× the
 *   points per second of 1.
 * - Queue overhead: the same short points (the guest-GARP example, 3 s simulated) run on one local
 *   worker thread, then through a private redis-server (127.0.0.1, a free port, a temporary
 *   directory, stopped at the end) with one `arpshift worker --workers 1` process; overhead per point
 *   = (queue time − local time) / points. The worker is started and warmed before timing. Target:
 *   under 5 ms.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench } from './report.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const GARP = fileURLToPath(new URL('../scenarios/migration-guest-garp.yaml', import.meta.url));
type Api = typeof import('../src/index.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}

/** Runs a sweep file's text to the end on `runner` into a new file in `dir`; seconds taken and points. */
async function timeSweep(api: Api, dir: string, name: string, text: string, runner: import('../src/index.js').JobRunner, workers: number): Promise<{ seconds: number; points: number; cpuSeconds: number }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  const plan = api.planSweep(text, file, { workers, force: true });
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await api.runSweep(plan, { out: join(dir, `${name}.jsonl`), runner });
  const used = process.cpuUsage(cpu);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, points: plan.jobs.length, cpuSeconds: (used.user + used.system) / 1e6 };
}

export const sweepBench: Bench = {
  name: 'sweep',
  async run(report, { quick }) {
    const api = (await import(new URL('../dist/index.js', import.meta.url).href)) as Api;
    const dir = mkdtempSync(join(tmpdir(), 'arpshift-bench-sweep-'));
    const children: ChildProcess[] = [];
    let redis: ChildProcess | null = null;
    try {
      const seeds = quick ? 10 : 100;
      const scale = `name: scale\nset: { duration: 45s }\nseeds: ${seeds}\n`;
      const rates: number[] = [];
      for (const workers of [1, 2]) {
        const runner = new api.LocalRunner(workers);
        try {
          // Warm the threads (module loading, JIT) on a few points first.
          await timeSweep(api, dir, `warm-${workers}`, 'name: warm\nset: { duration: 45s }\nseeds: 1\n', runner, workers);
          report.note(`${10 * seeds} points of the default comparison (45 s simulated) on ${workers} worker${workers === 1 ? '' : 's'}...`);
          const t = await timeSweep(api, dir, `scale-${workers}`, scale, runner, workers);
          rates.push(t.points / t.seconds);
          report.add('sweep', `${t.points} points of the default comparison, ${workers} worker${workers === 1 ? '' : 's'}`, Number(t.seconds.toFixed(1)), 's');
          report.add('sweep', `  points per second, ${workers} worker${workers === 1 ? '' : 's'}`, Number((t.points / t.seconds).toFixed(2)), 'points/s');
          // CPU time of the whole process (every thread) per point: what the machine's load cannot inflate.
          report.add('sweep', `  CPU time per point, ${workers} worker${workers === 1 ? '' : 's'}`, Number(((t.cpuSeconds / t.points) * 1000).toFixed(1)), 'ms');
          report.add('sweep', `  load average (1 min) after, ${workers} worker${workers === 1 ? '' : 's'}`, Number(loadavg()[0]!.toFixed(2)), '');
        } finally {
          await runner.close();
        }
      }
      report.add('sweep', '2 workers / 1 worker (target ≥ 1.8)', Number((rates[1]! / rates[0]!).toFixed(2)), '×');

      // The queue's overhead per point.
      const n = quick ? 100 : 400;
      const short = `name: short\nscenario: ${GARP}\nset: { duration: 3s, migrations.0.at: 1s }\nseeds: ${n}\n`;
      const port = await freePort();
      redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await waitForPort(port);
      const address = api.parseQueueUrl(`redis://127.0.0.1:${port}`);
      const worker = spawn(process.execPath, [CLI, 'worker', '--queue', `redis://127.0.0.1:${port}`, '--workers', '1', '--quiet'], { stdio: 'ignore' });
      children.push(worker);
      const queued = async (name: string, text: string): Promise<{ seconds: number; points: number }> => {
        const runner = new api.QueueRunner({ address, base: `${name}-${Date.now()}` });
        try {
          return await timeSweep(api, dir, name, text, runner, 1);
        } finally {
          await runner.close();
        }
      };
      const local = new api.LocalRunner(1);
      let localT = { seconds: Infinity, points: n };
      let queueT = { seconds: Infinity, points: n };
      try {
        await timeSweep(api, dir, 'short-warm', short.replace(`seeds: ${n}`, 'seeds: 20'), local, 1);
        await queued('short-queue-warm', short.replace(`seeds: ${n}`, 'seeds: 20'));
        // Alternated, the fastest of each kept: the machine is shared, and its load comes and goes.
        for (let round = 0; round < 3; round++) {
          const l = await timeSweep(api, dir, `short-local-${round}`, short, local, 1);
          if (l.seconds < localT.seconds) localT = l;
          const q = await queued(`short-queue-${round}`, short);
          if (q.seconds < queueT.seconds) queueT = q;
        }
      } finally {
        await local.close();
      }
      report.add('sweep', `${n} short points (3 s simulated), 1 local worker thread`, Number(localT.seconds.toFixed(2)), 's');
      report.add('sweep', `${n} short points through BullMQ, 1 worker process of 1 thread`, Number(queueT.seconds.toFixed(2)), 's');
      report.add('sweep', 'queue overhead per point (target < 5 ms)', Number((((queueT.seconds - localT.seconds) / n) * 1000).toFixed(2)), 'ms');
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      if (redis !== null) redis.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
