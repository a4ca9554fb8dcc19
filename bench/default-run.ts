/**
 * The built-in default comparison, as `npm start` runs it: wall time of the built command
 * (`node dist/cli/main.js run --json`, process start included), and, in process, the simulated
 * events per second of wall time and simulated seconds per wall second over its runs (the built
 * modules too, so that both figures measure the same code).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Bench, Reporter } from './report.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

export const defaultRunBench: Bench = {
  name: 'default',
  async run(reporter: Reporter) {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [CLI, 'run', '--json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`arpshift run failed (${r.status}): ${r.stderr}`);
    reporter.add('default', 'arpshift run (built CLI, whole process)', wall, 's');

    const { runScenario } = (await import(new URL('../dist/run/index.js', import.meta.url).href)) as typeof import('../src/run/index.js');
    const { defaultScenario } = (await import(new URL('../dist/scenario/index.js', import.meta.url).href)) as typeof import('../src/scenario/index.js');
    const scenario = defaultScenario();
    const t0 = process.hrtime.bigint();
    const result = runScenario(scenario);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    reporter.add('default', `in process: ${result.runs.length} runs × ${result.simulatedSeconds} s simulated`, seconds, 's');
    reporter.add('default', 'in process: kernel events per second', Math.round(result.events / seconds), 'events/s');
    reporter.add('default', 'in process: simulated seconds per wall second', (result.runs.length * result.simulatedSeconds) / seconds, 'x');
  },
};
