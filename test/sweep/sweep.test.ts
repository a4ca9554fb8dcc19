/**
 * `arpshift sweep` on worker threads: every point validated before anything runs (located errors,
 * exit 2); the same results file, byte for byte, whatever the number of workers and the order the
 * points finish in; a sweep killed with SIGKILL three times at random moments resumes to exactly the
 * file of an uninterrupted sweep; the summary is the statistics of the lines (checked against
 * Student t values from a table); CSV rows per (point, seed).
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cli, cliAsync, exited, garpSweep, removeTempDirs, tempDir } from '../helpers/sweep.js';

type Api = typeof import('../../src/index.js');
const api = (await import(join(ROOT, 'dist/index.js'))) as Api;

afterAll(removeTempDirs);
const dir = (): string => tempDir();

/** The position (1-based line and column) of `needle` on the line containing `lineMark` in `text`. */
function positionOf(text: string, lineMark: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(lineMark));
  return { line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

describe('sweep validation', () => {
  it('locates a grid value the scenario refuses at that value, and runs nothing (exit 2)', () => {
    const d = dir();
    const file = garpSweep(d, [1, -2], 2);
    const text = readFileSync(file, 'utf8');
    const r = cli(['sweep', file, '--out', join(d, 'out.jsonl'), '--quiet']);
    expect(r.status).toBe(2);
    const at = positionOf(text, 'remedies.0.count', '-2');
    expect(r.stderr).toContain(`${file}:${at.line}:${at.column}: grid[remedies.0.count][1]: remedies.0.count = -2 makes the scenario invalid: remedies[0].count:`);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(d, 'out.jsonl'))).toBe(false);
  });

  it('reports every problem of the sweep file at once, each located', () => {
    const d = dir();
    const file = join(d, 'bad.yaml');
    writeFileSync(file, 'scenario: nowhere.yaml\ngird: { fabric.leaves: [2] }\nseeds: 0\nruns: [none]\n');
    const r = cli(['sweep', file, '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:2:1: gird: unknown field "gird"`);
    expect(r.stderr).toContain(`${file}:3:8: seeds: expected a number of seeds`);
    // The scenario file is looked for only once the sweep file itself is valid.
    const ok = join(d, 'missing.yaml');
    writeFileSync(ok, 'scenario: nowhere.yaml\n');
    const m = cli(['sweep', ok, '--quiet']);
    expect(m.status).toBe(2);
    expect(m.stderr).toContain(`${ok}:1:11: scenario: ${join(d, 'nowhere.yaml')}: no such file or directory`);
  });

  it('names a run the scenario does not have, and refuses a sweep too costly without --force', () => {
    const d = dir();
    const file = join(d, 'runs.yaml');
    writeFileSync(file, 'runs: [none, no-such-run]\nseeds: 1000000\n');
    const r = cli(['sweep', file, '--quiet', '--workers', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/runs\.yaml:1:14: runs\[1\]: \(built-in default\) has no run "no-such-run" \(its runs: none, guest-garp, /);
    // A million seeds of the 400 s default comparison: far beyond half an hour on two workers.
    expect(r.stderr).toMatch(/runs\.yaml:2:8: seeds: the sweep is about [\d,]+ events over 1,000,000 runs, some [\d,]+ days here on 2 workers/);
  });

  it('counts a local sweep\'s time on the threads the machine\'s memory holds, not on those asked for', () => {
    const d = dir();
    // One run of some 16 min here (an hour of a 20,000 packets/s stream), within the limit alone.
    const scenarioText = 'name: long\nduration: 3600s\nfabric: { kind: leaf-spine, leaves: 1, spines: 1, hostPortsPerEdge: 4 }\nsubnet: { ipv4: 10.0.0.0/8 }\nhosts: [{ name: a, count: 1 }, { name: b, count: 1 }]\ntraffic: [{ name: t, kind: udp, from: a, to: b, rate: 20000pps, start: 1ms }]\n';
    writeFileSync(join(d, 'long.yaml'), scenarioText);
    const estimate = api.estimateCost(api.loadScenario(scenarioText, 'long.yaml'));
    const limit = api.defaultCostLimits().seconds;
    expect(estimate.seconds).toBeLessThan(limit);
    // Far more threads asked for than this machine's memory holds models of the point (with their own heaps).
    const asked = 100_000;
    const fit = api.threadsThatFit(estimate.memory, asked);
    expect(fit).toBeLessThan(asked);
    const sweep = (seeds: number): { file: string; text: string } => {
      const file = join(d, `long-${seeds}.yaml`);
      const text = `scenario: long.yaml\nseeds: ${seeds}\n`;
      writeFileSync(file, text);
      return { file, text };
    };
    // Over the limit on the threads that fit, within it on those asked for.
    const over = sweep(Math.floor((limit * fit) / estimate.seconds) + 1);
    expect(() => api.planSweep(over.text, over.file, { workers: asked, memory: Infinity, fitMemory: true })).toThrow(`here on ${fit} workers (of ${asked} asked for: this machine's memory holds ${fit} models of the largest point at once)`);
    // On a queue the points run on other machines' workers: counted on those asked for.
    expect(api.planSweep(over.text, over.file, { workers: asked }).workers).toBe(asked);
    const out = join(d, 'over.jsonl');
    const r = cli(['sweep', over.file, '--workers', String(asked), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`seeds: the sweep is about [\\d,]+ events over [\\d,]+ runs, some .+ here on ${fit} workers \\(of ${asked} asked for`));
    expect(existsSync(out)).toBe(false);
    // Within the limit on the threads that fit: planned for those.
    const within = sweep(Math.floor((limit * fit) / estimate.seconds));
    expect(api.planSweep(within.text, within.file, { workers: asked, memory: Infinity, fitMemory: true }).workers).toBe(fit);
  });
});

describe('sweep results', () => {
  const d = dir();
  const file = garpSweep(d, [1, 3], 4);
  const one = join(d, 'one.jsonl');
  const two = join(d, 'two.jsonl');
  const r1 = cli(['sweep', file, '--workers', '1', '--out', one, '--csv', join(d, 'one.csv'), '--quiet']);
  const r2 = cli(['sweep', file, '--workers', '2', '--out', two, '--quiet']);

  it('writes the same file, byte for byte, on one worker and on two', () => {
    expect(r1.status, r1.stderr).toBe(0);
    expect(r2.status, r2.stderr).toBe(0);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
    expect(r2.stdout).toBe(r1.stdout);
  });

  it('and the same in any finish order (points run backwards and shuffled, in process)', async () => {
    const plan = api.planSweep(readFileSync(file, 'utf8'), file, { workers: 1 });
    const { runJob } = (await import(join(ROOT, 'dist/sweep/index.js'))) as typeof import('../../src/sweep/index.js');
    for (const order of ['reversed', 'interleaved'] as const) {
      const out = join(d, `${order}.jsonl`);
      const runner = {
        async run(jobs: readonly import('../../src/sweep/index.js').SweepJob[], onLine: (job: import('../../src/sweep/index.js').SweepJob, line: string) => void) {
          const list = order === 'reversed' ? [...jobs].reverse() : [...jobs.filter((_, i) => i % 2 === 1), ...jobs.filter((_, i) => i % 2 === 0)];
          for (const job of list) {
            const outcome = runJob(job);
            if ('error' in outcome) throw new Error(outcome.error);
            onLine(job, outcome.line);
          }
        },
        async close() {},
      };
      await api.runSweep(plan, { out, runner });
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(one, 'utf8'));
    }
  });

  it('holds a header, one line per (point, seed) in the plan\'s order, and the summary of those lines', () => {
    const lines = readFileSync(one, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1 + 2 * 4 + 1);
    expect(lines[0]).toMatchObject({ type: 'sweep', name: 'test-sweep', scenarioName: 'migration-guest-garp', points: 2, seeds: [1, 2, 3, 4], grid: { 'remedies.0.count': [1, 3], run: ['migration-guest-garp'] } });
    const results = lines.slice(1, -1) as unknown as import('../../src/index.js').SweepResultLine[];
    expect(results.map((l) => [l.parameters['remedies.0.count'], l.seed])).toEqual([[1, 1], [1, 2], [1, 3], [1, 4], [3, 1], [3, 2], [3, 3], [3, 4]]);
    // The first point's first seed keeps its time series (for the report's timeline), no other.
    expect(results.map((l) => l.result.series !== undefined)).toEqual([true, false, false, false, false, false, false, false]);
    // Random loss: the seeds see different black holes.
    const holes = results.slice(0, 4).map((l) => l.result.migrations[0]!.blackHoleMs.gatewayToVm!);
    expect(new Set(holes).size).toBeGreaterThan(1);
    const summary = lines.at(-1) as { type: string; points: import('../../src/index.js').PointSummary[] };
    expect(summary.type).toBe('summary');
    const m = summary.points[0]!.metrics['migrations[0].blackHoleMs.gatewayToVm']!;
    const mean = holes.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(holes.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    // t(0.975, 3) = 3.182 (NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
    expect(m.n).toBe(4);
    expect(m.mean).toBeCloseTo(mean, 9);
    expect((m.ciHigh! - m.mean) / (sd / 2)).toBeCloseTo(3.182, 3);
    expect((m.mean - m.ciLow!) / (sd / 2)).toBeCloseTo(3.182, 3);
    const sorted = [...holes].sort((a, b) => a - b);
    expect(m.median).toBeCloseTo((sorted[1]! + sorted[2]!) / 2, 9);
    expect(m.p95).toBeCloseTo(sorted[2]! + 0.85 * (sorted[3]! - sorted[2]!), 9);
    expect(r1.stdout).toContain('migrations[0].blackHoleMs.gatewayToVm (ms):');
  });

  it('writes one CSV row per (point, seed) with the parameters and metrics', () => {
    const csv = readFileSync(join(d, 'one.csv'), 'utf8').split('\r\n');
    expect(csv[0]!.startsWith('remedies.0.count,run,seed,events,migrations[0].blackHoleMs.gatewayToVm,migrations[0].repaired.gatewayToVm,')).toBe(true);
    expect(csv.filter((l) => l !== '')).toHaveLength(1 + 8);
    const lines = readFileSync(one, 'utf8').trimEnd().split('\n').slice(1, -1).map((l) => JSON.parse(l) as import('../../src/index.js').SweepResultLine);
    expect(csv[1]!.split(',').slice(0, 5)).toEqual(['1', 'migration-guest-garp', '1', String(lines[0]!.events), String(lines[0]!.result.migrations[0]!.blackHoleMs.gatewayToVm)]);
  });

  it('refuses to overwrite a results file without --resume, and another sweep\'s file with it', () => {
    const again = cli(['sweep', file, '--out', one, '--quiet']);
    expect(again.status).toBe(2);
    expect(again.stderr.trim()).toBe(`arpshift: ${one} exists: pass --resume to continue that sweep, or choose another --out`);
    const other = garpSweep(d, [1, 3], 4, 'other.yaml');
    writeFileSync(other, readFileSync(other, 'utf8').replace('duration: 25s', 'duration: 26s'));
    const r = cli(['sweep', other, '--out', one, '--resume', '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('holds the results of another sweep');
  });

  it('resumes after SIGKILL at random moments, three times, to the file of an uninterrupted sweep', async () => {
    const out = join(d, 'killed.jsonl');
    const moments: number[] = [];
    for (let k = 0; k < 3; k++) {
      const child = cliAsync(['sweep', file, '--workers', '2', '--out', out, '--resume', '--quiet']);
      const done = exited(child);
      // A random moment in the first 1.5 s (the whole sweep takes a few seconds here).
      const wait = 300 + Math.floor(Math.random() * 1200);
      moments.push(wait);
      const finished = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), wait))]);
      if (!finished) child.kill('SIGKILL');
      await done;
      if (existsSync(out)) {
        // Whatever was written is whole lines, each valid JSON.
        const text = readFileSync(out, 'utf8');
        expect(text.endsWith('\n'), `killed at ${moments.join(', ')} ms`).toBe(true);
        for (const l of text.trimEnd().split('\n')) JSON.parse(l);
      }
    }
    const last = cli(['sweep', file, '--workers', '2', '--out', out, '--resume', '--quiet']);
    expect(last.status, last.stderr).toBe(0);
    expect(readFileSync(out, 'utf8'), `killed at ${moments.join(', ')} ms`).toBe(readFileSync(one, 'utf8'));
    // No temporary or lock file is left beside it.
    expect(readdirSync(d).filter((f) => f.startsWith('.'))).toEqual([]);
  });

});
