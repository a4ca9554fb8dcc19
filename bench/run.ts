/**
 * `npm run bench [-- --json] [-- --quick] [-- --only NAME] [-- --ns3-sizes 100,1000] [-- --ns3-runs 3]
 * [-- --anchor-sizes 100,1000,4000]`:
 * runs every benchmark in bench/ and prints its figures. Timings are wall-clock on a shared machine:
 * compare ratios measured in the same run. `--ns3-sizes` chooses the host counts at which ns-3 runs
 * the anchor scenarios (ns-3 takes minutes at 4,000 hosts and tens of minutes at 10,000).
 */
import type { Bench } from './report.js';
import { Reporter } from './report.js';
import { anchorBench } from './anchor.js';
import { analyzeBench } from './analyze.js';
import { decodeBench } from './decode.js';
import { defaultRunBench } from './default-run.js';
import { fabricBench } from './fabric.js';
import { kernelBench } from './kernel.js';
import { massMigrationBench } from './mass-migration.js';
import { ns3Bench, parseNs3Sizes } from './ns3.js';
import { sweepBench } from './sweep.js';

const BENCHES: Bench[] = [defaultRunBench, decodeBench, analyzeBench, kernelBench, fabricBench, sweepBench, ns3Bench, anchorBench, massMigrationBench];

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

/** The value of `--name VALUE` or `--name=VALUE`, if given. */
function option(name: string): string | undefined {
  const at = args.indexOf(name);
  if (at >= 0) return args[at + 1] ?? '';
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

let ns3Sizes: number[] | undefined;
const ns3SizesText = option('--ns3-sizes');
if (ns3SizesText !== undefined) {
  try {
    ns3Sizes = parseNs3Sizes(ns3SizesText);
  } catch (e) {
    usage((e as Error).message);
  }
}
const ns3RunsText = option('--ns3-runs');
if (ns3RunsText !== undefined && !/^[1-9]\d*$/.test(ns3RunsText)) usage(`--ns3-runs: '${ns3RunsText}' is not a positive integer`);
const ns3Runs = ns3RunsText === undefined ? undefined : Number(ns3RunsText);

let anchorSizes: number[] | undefined;
const anchorSizesText = option('--anchor-sizes');
if (anchorSizesText !== undefined) {
  try {
    anchorSizes = parseNs3Sizes(anchorSizesText);
  } catch (e) {
    usage((e as Error).message.replace('--ns3-sizes', '--anchor-sizes'));
  }
}

const reporter = new Reporter(json);
try {
  for (const bench of BENCHES) {
    if (only !== undefined && bench.name !== only) continue;
    reporter.note(`# ${bench.name}`);
    await bench.run(reporter, { quick, ns3Sizes, ns3Runs, anchorSizes });
  }
} catch (e) {
  // A failed measurement or a check that disagrees: its message, no stack trace, exit 1.
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
