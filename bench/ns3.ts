/**
 * The ns-3 side of the anchor benchmark: the two anchor scenarios (`storm`, an ARP resolution storm in
 * one Layer-2 domain; `steady`, unicast forwarding after it) run by ns-3 3.37, from the Debian package
 * libns3-dev. This module installs the package when it is missing (apt-get, non-interactive), builds
 * bench/ns3/anchor.cc with g++ into bench/ns3/build/ (kept until the source, the flags, the compiler or
 * the package change), runs it, parses its one-line JSON and checks every counter against the value the
 * scenario implies. `npm run bench -- --only ns3 [--ns3-sizes 100,1000] [--ns3-runs 3]` runs the ns-3
 * side alone; the side-by-side benchmark calls `prepareNs3`, `runNs3Anchor` and `checkNs3Anchor` itself.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { runForOutput } from './measure.js';
import type { Bench, Reporter } from './report.js';
import { startTimesNs } from './start-times.js';

/** The two anchor scenarios. */
export type AnchorScenario = 'storm' | 'steady';

/** The host counts at which each scenario is defined. */
export const ANCHOR_SIZES: Readonly<Record<AnchorScenario, readonly number[]>> = {
  storm: [100, 1000, 4000, 10000],
  steady: [1000, 10000],
};

/** Hosts per top-of-rack switch (the last racks hold one fewer when N is not a multiple). */
export const HOSTS_PER_RACK = 40;
/** Datagrams each host sends in the steady phase (every 10 ms from 2 s to 12 s). */
export const STEADY_DATAGRAMS_PER_HOST = 1000;

/** The number of top-of-rack switches for `hosts` hosts: ceil(N / 40). */
export function racksFor(hosts: number): number {
  return Math.ceil(hosts / HOSTS_PER_RACK);
}

const count = z.number().int().nonnegative();

/** Counters of a phase; the per-frame ones are absent when the program ran with frame counters off. */
const phaseCounters = z.strictObject({
  arpRequestsSent: count.optional(),
  arpRequestsReceivedHosts: count.optional(),
  arpRequestsReceivedGateway: count.optional(),
  arpRepliesSent: count.optional(),
  arpRepliesReceived: count.optional(),
  udpSent: count,
  udpDelivered: count,
  endpointFrames: count.optional(),
  linkFrames: count.optional(),
  backoffs: count.optional(),
  queueDrops: count.optional(),
});

const seconds = z.number().nonnegative();

const outputSchema = z.strictObject({
  simulator: z.literal('ns-3'),
  ns3Version: z.string(),
  scenario: z.enum(['storm', 'steady']),
  hosts: count,
  racks: count,
  seed: count,
  startNsSum: count,
  simulatedSeconds: seconds,
  frameCounters: z.boolean(),
  counters: phaseCounters.extend({ events: count }),
  /** `steady` only: the counters at 2 s, when the warm-up (a storm) is over. */
  warmup: phaseCounters.optional(),
  buildSeconds: seconds,
  runSeconds: seconds,
  destroySeconds: seconds,
  wallSeconds: seconds,
  peakRssKiB: count,
});

/** What one run of the ns-3 program printed. */
export type Ns3AnchorOutput = z.infer<typeof outputSchema>;

/** One run: the program's own figures, plus the whole process's wall time measured from outside. */
/** One ns-3 run's output, its wall time from outside and its whole process's CPU time (null without GNU time). */
export type Ns3AnchorRun = Ns3AnchorOutput & { readonly processSeconds: number; readonly cpuSeconds: number | null };

/** Parses the program's stdout (one JSON object on one line); throws an Error naming the first problem. */
export function parseNs3AnchorOutput(stdout: string): Ns3AnchorOutput {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`ns-3 anchor output: expected one JSON line, got ${lines.length}`);
  let value: unknown;
  try {
    value = JSON.parse(lines[0]!);
  } catch (e) {
    throw new Error(`ns-3 anchor output is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = outputSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`ns-3 anchor output: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Every counter both simulators print, with its value exact once the backoffs and queue drops are known. */
export interface AnchorCounters {
  readonly arpRequestsSent: number;
  readonly arpRequestsReceivedHosts: number;
  readonly arpRequestsReceivedGateway: number;
  readonly arpRepliesSent: number;
  readonly arpRepliesReceived: number;
  readonly udpSent: number;
  readonly udpDelivered: number;
  readonly endpointFrames: number;
  readonly linkFrames: number;
  readonly backoffs: number;
  readonly queueDrops: number;
  /** ns-3 events (model-specific: another simulator counts its own). */
  readonly events: number;
}

/** The counter names, in the order they are reported. */
export const ANCHOR_COUNTER_NAMES: readonly (keyof AnchorCounters)[] = [
  'arpRequestsSent', 'arpRequestsReceivedHosts', 'arpRequestsReceivedGateway', 'arpRepliesSent', 'arpRepliesReceived',
  'udpSent', 'udpDelivered', 'endpointFrames', 'linkFrames', 'backoffs', 'queueDrops', 'events',
];

/**
 * The counters a run of `scenario` with `hosts` hosts must print, given the two figures the model's
 * timing decides (carrier-sense backoffs and queue drops). With N hosts and T racks, the storm floods N
 * ARP requests (each over N + T + 1 links, to N - 1 hosts and the gateway), and sends N unicast replies
 * and N datagrams over 3 links each. ns-3 events: one initialisation event per node and per device
 * (4N + 4T + 6), 3 per host (its send, the zero-delay ARP request, the wait-reply timer), 4 per link
 * frame (transmit complete, receive, propagation complete, inter-frame gap over), 1 per backoff, and the
 * stop event. `steady` adds 1000 datagrams per host, each a send event and 3 link frames, and one phase
 * event at 2 s; a datagram dropped at the full core-to-gateway queue misses its last link frame.
 */
export function anchorCounters(scenario: AnchorScenario, hosts: number, backoffs: number, queueDrops: number): AnchorCounters {
  const n = hosts;
  const t = racksFor(n);
  const steadyDatagrams = scenario === 'steady' ? STEADY_DATAGRAMS_PER_HOST * n : 0;
  const udpSent = n + steadyDatagrams;
  const linkFrames = n * (n + t + 7) + 3 * steadyDatagrams - queueDrops;
  const initialisation = 4 * n + 4 * t + 6;
  const phaseEvents = scenario === 'steady' ? 2 : 1; // the stop event, and steady's phase event
  return {
    arpRequestsSent: n,
    arpRequestsReceivedHosts: n * (n - 1),
    arpRequestsReceivedGateway: n,
    arpRepliesSent: n,
    arpRepliesReceived: n,
    udpSent,
    udpDelivered: udpSent - queueDrops,
    endpointFrames: n * (n + 2) + steadyDatagrams - queueDrops,
    linkFrames,
    backoffs,
    queueDrops,
    events: initialisation + 3 * n + steadyDatagrams + 4 * linkFrames + backoffs + phaseEvents,
  };
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

function compare(
  where: string,
  actual: Partial<Record<keyof AnchorCounters, number | undefined>>,
  expected: AnchorCounters,
  problems: string[],
): void {
  for (const name of ANCHOR_COUNTER_NAMES) {
    const value = actual[name];
    if (value !== undefined && value !== expected[name]) problems.push(`${where}${name}: ${value}, expected ${expected[name]}`);
  }
}

/**
 * Checks one run's output against the scenario: every counter printed equals `anchorCounters` (with the
 * backoffs and drops it printed, or, when frame counters were off, those the event and datagram counts
 * imply), at least 2N backoffs (each ARP reply and each released datagram finds its link still
 * propagating the frame before it), no drops in a storm, and the start times equal to those of the
 * TypeScript generator. Returns one line per disagreement (empty: all agree).
 */
export function checkNs3Anchor(out: Ns3AnchorOutput): string[] {
  const problems: string[] = [];
  const n = out.hosts;
  if (out.racks !== racksFor(n)) problems.push(`racks: ${out.racks}, expected ${racksFor(n)}`);
  const simulated = out.scenario === 'storm' ? 2 : 12.01;
  if (out.simulatedSeconds !== simulated) problems.push(`simulatedSeconds: ${out.simulatedSeconds}, expected ${simulated}`);
  const startSum = sum(startTimesNs(n, out.seed));
  if (out.startNsSum !== startSum) problems.push(`startNsSum: ${out.startNsSum}, expected ${startSum} (mulberry32, seed ${out.seed})`);

  const c = out.counters;
  const drops = c.queueDrops ?? c.udpSent - c.udpDelivered;
  const backoffs = c.backoffs ?? c.events - anchorCounters(out.scenario, n, 0, drops).events;
  compare('', c, anchorCounters(out.scenario, n, backoffs, drops), problems);
  if (backoffs < 2 * n) problems.push(`backoffs: ${backoffs}, expected at least ${2 * n}`);
  if (out.scenario === 'storm' && drops !== 0) problems.push(`queueDrops: ${drops}, expected 0 in a storm`);

  if (out.scenario === 'steady') {
    const w = out.warmup;
    if (w === undefined) problems.push('warmup: missing from a steady run');
    else {
      // Without frame counters the warm-up's backoffs are unknown; only its datagram counters are compared.
      const warmupBackoffs = w.backoffs ?? 2 * n;
      compare('warmup.', w, anchorCounters('storm', n, warmupBackoffs, 0), problems);
      if (warmupBackoffs < 2 * n) problems.push(`warmup.backoffs: ${warmupBackoffs}, expected at least ${2 * n}`);
    }
  } else if (out.warmup !== undefined) problems.push('warmup: present in a storm run');
  return problems;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `--ns3-sizes 100,1000`: the host counts at which ns-3 runs, each one an anchor size of at least one
 * scenario; returned sorted and without repeats. Throws an Error with a one-line message otherwise.
 */
export function parseNs3Sizes(text: string): number[] {
  const all = [...new Set([...ANCHOR_SIZES.storm, ...ANCHOR_SIZES.steady])].sort((a, b) => a - b);
  const sizes = new Set<number>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!/^\d+$/.test(item) || !all.includes(Number(item))) {
      throw new Error(`--ns3-sizes: '${item}' is not an anchor size (${all.join(', ')})`);
    }
    sizes.add(Number(item));
  }
  return [...sizes].sort((a, b) => a - b);
}

/** One scenario at one size. */
export interface Ns3RunSpec {
  readonly scenario: AnchorScenario;
  readonly hosts: number;
  /** mulberry32 seed of the start times and ns-3's RngSeed; default 1. */
  readonly seed?: number;
  /** Connect the per-frame traces (ARP, frame, backoff and drop counters); default true. */
  readonly frameCounters?: boolean;
}

/** Every anchor scenario defined at one of `sizes`, by size, storm before steady. */
export function ns3Plan(sizes: readonly number[]): Ns3RunSpec[] {
  const plan: Ns3RunSpec[] = [];
  for (const hosts of [...sizes].sort((a, b) => a - b)) {
    for (const scenario of ['storm', 'steady'] as const) {
      if (ANCHOR_SIZES[scenario].includes(hosts)) plan.push({ scenario, hosts });
    }
  }
  return plan;
}

const NS3_DIR = fileURLToPath(new URL('./ns3/', import.meta.url));
const SOURCE = `${NS3_DIR}anchor.cc`;
const BUILD_DIR = `${NS3_DIR}build/`;
const BINARY = `${BUILD_DIR}anchor`;
const STAMP = `${BUILD_DIR}anchor.stamp`;
const NS3_PACKAGE = 'libns3-dev';
const CXX_FLAGS = ['-std=c++17', '-O2', '-DNDEBUG', '-Wall', '-Wextra'];
const NS3_LIBRARIES = ['-lns3-core', '-lns3-network', '-lns3-csma', '-lns3-bridge', '-lns3-internet'];

/** The installed version of a Debian package, or undefined when it is not installed. */
function installedVersion(pkg: string): string | undefined {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}\t${Version}', pkg], { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error(`cannot ask dpkg-query about ${pkg} (not a Debian system?): ${r.error.message}`);
  if (r.status !== 0) return undefined;
  const [status, version] = r.stdout.split('\t');
  return status === 'install ok installed' ? version : undefined;
}

function runQuietly(command: string, args: readonly string[]): void {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    throw new Error(`${command} ${args.join(' ')} failed (${why})`);
  }
}

/**
 * Makes sure libns3-dev and g++ are installed, installing what is missing with apt-get (as root,
 * non-interactive). Returns the libns3-dev version; `note` hears about anything done, and about a
 * version other than 3.37, which the anchor figures were taken with.
 */
export function ensureNs3Installed(note: (text: string) => void): string {
  const missing = [NS3_PACKAGE, 'g++'].filter((p) => installedVersion(p) === undefined);
  if (missing.length > 0) {
    note(`installing ${missing.join(' ')} with apt-get...`);
    runQuietly('apt-get', ['update', '-qq']);
    runQuietly('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  }
  const version = installedVersion(NS3_PACKAGE);
  if (version === undefined) throw new Error(`${NS3_PACKAGE} is still not installed after apt-get install`);
  if (!version.startsWith('3.37')) note(`warning: ${NS3_PACKAGE} ${version} is installed; the anchor programs are written for 3.37`);
  return version;
}

/** The compiled program and whether this call compiled it. */
export interface Ns3Build {
  readonly binary: string;
  readonly compiled: boolean;
  readonly seconds: number;
}

/**
 * Compiles bench/ns3/anchor.cc unless the cached binary was built from the same source, flags,
 * compiler and ns-3 package. The binary is written under a temporary name and renamed when complete.
 */
export function buildNs3Anchor(ns3Version: string): Ns3Build {
  const compiler = spawnSync('g++', ['--version'], { encoding: 'utf8' });
  if (compiler.error !== undefined || compiler.status !== 0) throw new Error('g++ is not usable');
  const stamp = createHash('sha256')
    .update(readFileSync(SOURCE))
    .update(JSON.stringify([CXX_FLAGS, NS3_LIBRARIES, compiler.stdout.split('\n')[0], ns3Version]))
    .digest('hex');
  if (existsSync(BINARY) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp) {
    return { binary: BINARY, compiled: false, seconds: 0 };
  }
  mkdirSync(BUILD_DIR, { recursive: true });
  const partial = `${BINARY}.${process.pid}.partial`;
  const started = process.hrtime.bigint();
  const r = spawnSync('g++', [...CXX_FLAGS, SOURCE, '-o', partial, ...NS3_LIBRARIES], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.error !== undefined || r.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`g++ could not build ${SOURCE}:\n${(r.stderr || r.error?.message || '').slice(0, 4000)}`);
  }
  rmSync(STAMP, { force: true });
  renameSync(partial, BINARY);
  writeFileSync(STAMP, stamp);
  return { binary: BINARY, compiled: true, seconds };
}

/** Installs ns-3 when missing and builds the program when needed; returns the binary's path. */
export function prepareNs3(note: (text: string) => void): { binary: string; ns3Version: string } {
  const ns3Version = ensureNs3Installed(note);
  const build = buildNs3Anchor(ns3Version);
  note(build.compiled ? `built ${build.binary} with g++ in ${build.seconds.toFixed(1)} s` : `using the cached ${build.binary}`);
  return { binary: build.binary, ns3Version };
}

/** Runs the program once for `spec`; rejects when it fails or prints something other than its JSON. */
export async function runNs3Anchor(binary: string, spec: Ns3RunSpec): Promise<Ns3AnchorRun> {
  const args = [
    `--scenario=${spec.scenario}`,
    `--hosts=${spec.hosts}`,
    `--seed=${spec.seed ?? 1}`,
    `--frameCounters=${spec.frameCounters === false ? 0 : 1}`,
  ];
  const what = `ns-3 ${spec.scenario} with ${spec.hosts} hosts`;
  const { stdout, processSeconds, cpuSeconds } = await runForOutput(binary, args, what);
  const out = parseNs3AnchorOutput(stdout);
  const frameCounters = spec.frameCounters !== false;
  if (out.scenario !== spec.scenario || out.hosts !== spec.hosts || out.seed !== (spec.seed ?? 1) || out.frameCounters !== frameCounters) {
    throw new Error(`${what}: the program reports ${out.scenario} with ${out.hosts} hosts, seed ${out.seed}, frame counters ${out.frameCounters ? 'on' : 'off'}`);
  }
  return { ...out, processSeconds, cpuSeconds };
}

const COUNTER_LABELS: Readonly<Record<keyof AnchorCounters, string>> = {
  arpRequestsSent: 'ARP requests sent',
  arpRequestsReceivedHosts: 'ARP requests received by hosts',
  arpRequestsReceivedGateway: 'ARP requests received by the gateway',
  arpRepliesSent: 'ARP replies sent',
  arpRepliesReceived: 'ARP replies received',
  udpSent: 'UDP datagrams sent',
  udpDelivered: 'UDP datagrams delivered',
  endpointFrames: 'frames delivered to end stations',
  linkFrames: 'link frames',
  backoffs: 'backoffs',
  queueDrops: 'queue drops',
  events: 'events',
};

/** Reports the figures of several runs of one spec: medians of the times, the counters once. */
export function reportNs3Runs(reporter: Reporter, runs: readonly Ns3AnchorRun[]): void {
  const first = runs[0]!;
  const label = `${first.scenario} ${first.hosts.toLocaleString('en-US')}`;
  const of = `median of ${runs.length}`;
  const m = (pick: (r: Ns3AnchorRun) => number): number => median(runs.map(pick));
  reporter.add('ns3', `${label}: wall time (${of})`, m((r) => r.wallSeconds), 's');
  reporter.add('ns3', `${label}:   build (topology, stacks, schedule)`, m((r) => r.buildSeconds), 's');
  reporter.add('ns3', `${label}:   run`, m((r) => r.runSeconds), 's');
  reporter.add('ns3', `${label}:   destroy`, m((r) => r.destroySeconds), 's');
  reporter.add('ns3', `${label}: whole process, from outside`, m((r) => r.processSeconds), 's');
  reporter.add('ns3', `${label}: peak RSS (${of})`, Math.round(m((r) => r.peakRssKiB) / 1024), 'MiB');
  reporter.add('ns3', `${label}: events per second of run`, Math.round(m((r) => r.counters.events / r.runSeconds)), 'events/s');
  const delivered = first.counters.endpointFrames;
  if (delivered !== undefined) {
    reporter.add('ns3', `${label}: frames delivered per second of run`, Math.round(m((r) => delivered / r.runSeconds)), 'frames/s');
  }
  for (const name of ANCHOR_COUNTER_NAMES) {
    const value = first.counters[name];
    if (value !== undefined) reporter.add('ns3', `${label}: ${COUNTER_LABELS[name]}`, value, 'count');
  }
}

/** `npm run bench -- --only ns3`: the ns-3 side alone, at `--ns3-sizes` (default 100 and 1,000; quick: 100). */
export const ns3Bench: Bench = {
  name: 'ns3',
  async run(reporter, { quick, ns3Sizes, ns3Runs }) {
    const { binary, ns3Version } = prepareNs3((t) => reporter.note(t));
    reporter.note(`ns-3 ${ns3Version} (${NS3_PACKAGE})`);
    const runs = ns3Runs ?? (quick ? 1 : 3);
    for (const spec of ns3Plan(ns3Sizes ?? (quick ? [100] : [100, 1000]))) {
      const results: Ns3AnchorRun[] = [];
      for (let r = 1; r <= runs; r++) {
        reporter.note(`ns-3 ${spec.scenario}, ${spec.hosts} hosts: run ${r} of ${runs}...`);
        results.push(await runNs3Anchor(binary, spec));
      }
      const problems = results.flatMap((run, i) => checkNs3Anchor(run).map((p) => `run ${i + 1}: ${p}`));
      const reference = JSON.stringify(results[0]!.counters);
      results.forEach((run, i) => {
        if (JSON.stringify(run.counters) !== reference) problems.push(`run ${i + 1}: counters differ from run 1 (not deterministic)`);
      });
      if (problems.length > 0) {
        throw new Error(`ns-3 ${spec.scenario} with ${spec.hosts} hosts disagrees with the scenario:\n  ${problems.join('\n  ')}`);
      }
      reportNs3Runs(reporter, results);
    }
  },
};
