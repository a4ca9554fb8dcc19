/**
 * `npm run bench [-- --json] [-- --quick] [-- --only NAME]`: runs every benchmark in bench/ and prints
 * its figures. Timings are wall-clock on a shared machine: compare ratios measured in the same run.
 */
import type { Bench } from './report.js';
import { Reporter } from './report.js';
import { analyzeBench } from './analyze.js';
import { decodeBench } from './decode.js';
import { defaultRunBench } from './default-run.js';
import { fabricBench } from './fabric.js';
import { kernelBench } from './kernel.js';
import { sweepBench } from './sweep.js';

const BENCHES: Bench[] = [defaultRunBench, decodeBench, analyzeBench, kernelBench, fabricBench, sweepBench];

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

const reporter = new Reporter(json);
for (const bench of BENCHES) {
  if (only !== undefined && bench.name !== only) continue;
  reporter.note(`# ${bench.name}`);
  await bench.run(reporter, { quick });
}
