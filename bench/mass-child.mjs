/**
 * One mass-migration run (see mass-migration.ts, which writes the scenario and starts this): plain
 * JavaScript run by plain `node`, so that the build measured is the built package as `arpshift run`
 * loads it. Under `--import tsx` every module, `dist/` included, goes through tsx's transform, which
 * names each function with a helper that gives every closure a property store of its own: a model
 * with fifteen closures per host measured 50 % more heap per VM that way.
 *
 * `node bench/mass-child.mjs SCENARIO.yaml [--build-only]` prints one JSON line (`buildCpuSeconds`: the
 * CPU time of the build, every thread of the process, which on a shared machine says more than its
 * wall time); ARPSHIFT_DIST (an absolute path) selects another build's dist/ directory.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const buildOnly = args.includes('--build-only');
const dist = process.env['ARPSHIFT_DIST'] === undefined ? new URL('../dist/index.js', import.meta.url).href : pathToFileURL(`${process.env['ARPSHIFT_DIST']}/index.js`).href;
const api = await import(dist);
const s = (a, b) => Number(b - a) / 1e9;
// CPU time of the process (user + system, every thread: the garbage collector's helpers too), seconds.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const t0 = process.hrtime.bigint();
const scenario = api.loadScenario(readFileSync(file, 'utf8'), 'mass');
const t1 = process.hrtime.bigint();
const c1 = cpu();
const model = api.buildModel(scenario);
const t2 = process.hrtime.bigint();
const c2 = cpu();
const head = {
  loadSeconds: s(t0, t1), buildSeconds: s(t1, t2), buildCpuSeconds: Number((c2 - c1).toFixed(3)),
  heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 1048576),
};
if (buildOnly) {
  process.stdout.write(`${JSON.stringify({ ...head, peakRssKiB: process.resourceUsage().maxRSS })}\n`);
} else {
  const run = new api.ModelRun(model, model.run.name);
  const result = run.finish();
  const t3 = process.hrtime.bigint();
  let delivered = 0;
  for (const link of model.network.links) delivered += link.a.counters.rxFrames + link.b.counters.rxFrames;
  process.stdout.write(`${JSON.stringify({
    ...head, runSeconds: s(t2, t3), wallSeconds: s(t0, t3),
    events: run.events, framesDelivered: delivered, peakRssKiB: process.resourceUsage().maxRSS,
    migrated: result.migrations.length, sent: result.flows[0]?.sent, deliveredDatagrams: result.flows[0]?.delivered,
  })}\n`);
}
