/**
 * `emulate`: one run of a scenario on real Linux kernels. The scenario's model (the simulator's own
 * build of it) gives the nodes, links, addresses and flows; plan.ts and build.ts make them from
 * namespaces, bridges and veth pairs; traffic.ts sends the flows through the kernels' stacks;
 * migrate.ts pauses and moves the VMs and sends what the remedies send; tcpdump captures at the
 * gateways, the migrating VMs and every ping's sender; `analyzeCapture` measures each migration's
 * black hole per direction from the capture where that direction shows, as the simulator's pcap is
 * measured (the same choice of capture point per direction).
 *
 * Everything is made in one Lab (run-unique prefix, removed in `finally` and on SIGINT/SIGTERM), and
 * recorded in a {@link RunRecord} as it is made, so `--cleanup` can remove what a killed run left.
 */
import { mkdtempSync, rmSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir, release } from 'node:os';
import { join } from 'node:path';
import type { CaptureAnalysis, MigrationAnalysis } from '../analyze/index.js';
import { analyzeCapture } from '../analyze/index.js';
import type { LabProcess, Namespace, RawSocket } from '../emu/index.js';
import { EmuError, Lab } from '../emu/index.js';
import type { ArpCounts, MigrationResult, NdCounts, PerDirection } from '../metrics/index.js';
import type { Migration, Model, RunSpec, Scenario } from '../scenario/index.js';
import { buildModel } from '../scenario/index.js';
import { openCapture } from '../wire/index.js';
import type { LabNamespaces } from './build.js';
import { blockedPorts, buildLab } from './build.js';
import type { MigrationMechanism, TimedAction } from './migrate.js';
import { defaultMechanism, migrationActions } from './migrate.js';
import type { LabPlan } from './plan.js';
import { HV_NS, planLab } from './plan.js';
import { RunRecord } from './record.js';
import { kernelIssues, scenarioIssues } from './support.js';
import { Traffic, lastSendNs } from './traffic.js';

/** The three directions a migration is measured in. */
export type Direction = keyof PerDirection<number>;
/** In the order of the Result. */
export const DIRECTIONS: readonly Direction[] = ['gatewayToVm', 'vmToGateway', 'peerToVm'];

/** Options of {@link emulateScenario}. */
export interface EmulateOptions {
  /** Which run of the scenario (default its first). */
  readonly run?: RunSpec;
  /**
   * How each migration moves its VM. Default: as the scenario says ({@link defaultMechanism}: a
   * migration with `guestLink: replug` is re-plugged, one with `resume` is moved QEMU-style). An
   * override for callers that want the other mechanism for a migration (it is not checked against
   * the virtual switch kind as the scenario's own choice is).
   */
  readonly mechanism?: (migration: Migration) => MigrationMechanism;
  /** Copy the captures into this directory (`<node>.pcap`; with {@link emulateAll} and several runs, `<run>/<node>.pcap`). */
  readonly keepCaptures?: string;
  /** Told of each phase and of progress within it (done, total). */
  readonly progress?: (phase: 'set-up' | 'run' | 'tear-down', done: number, total: number) => void;
  /** First part of the lab's names (default `arpshift`). */
  readonly prefix?: string;
  /** Where the run record is kept (default /run/arpshift-emulate). */
  readonly recordDirectory?: string;
  /** Called once the lab exists, with its prefix (tests use it to look for leftovers). */
  readonly onLab?: (prefix: string) => void;
}

/** One migration as measured on the kernels: the Result's migration, plus how each direction was seen. */
export interface EmulatedMigration extends MigrationResult {
  /** The node whose capture each direction was measured on, and the kind of flow. */
  readonly capturedAt: PerDirection<string>;
  /** How long the VM was silent in the captures (its last frame before the move to its first after), ms; null when not seen. */
  readonly silentMs: number | null;
  /**
   * How late the pause took effect, ms: the black hole of a direction begins at its last packet
   * before the pause, so one that begins after the scheduled pause shows that the move's first step
   * (an `ip` command, a process the host schedules) ran late by at least that much; 0 when none did,
   * null when nothing was measured. {@link compareRuns} allows for it.
   */
  readonly pauseLateMs: number | null;
  /**
   * Per direction, whether its flow had stopped before the migration started, by its own settings
   * (its `stop`, or its `packets` all sent): nothing of the move to measure, so its black hole, the
   * part after the resume and `repaired` are null, as the simulation reports such a flow; not a
   * failure of the remedy. Null where there is no flow.
   */
  readonly stoppedBeforeMove: PerDirection<boolean>;
}

/** One emulated run, in the Result shape of `run` wherever it applies. */
export interface EmulatedRun {
  readonly name: string;
  /** How each migration moved its VM. */
  readonly mechanisms: readonly MigrationMechanism[];
  /** ARP and ND messages seen at the (first) gateway's capture. */
  readonly arp: ArpCounts;
  readonly nd: NdCounts;
  readonly migrations: readonly EmulatedMigration[];
  /** Packets each flow's senders handed to their kernels, and those the kernel refused. */
  readonly flows: ReadonlyArray<{ readonly flow: string; readonly sent: number; readonly refused: number }>;
  /** What the migrations' netlink commands complained of (e.g. a controller's write to a port not yet in its bridge). */
  readonly warnings: readonly string[];
}

/** The whole emulation. */
export interface EmulationResult {
  readonly scenario: string;
  readonly seed: number;
  readonly emulatedSeconds: number;
  readonly kernel: string;
  readonly setupMs: number;
  readonly teardownMs: number;
  readonly namespaces: number;
  readonly runs: readonly EmulatedRun[];
}

/** A scenario the emulation cannot run here; exit code 2. */
export class EmulationRefused extends EmuError {
  constructor(scenario: string, reasons: readonly string[]) {
    super(`cannot emulate ${scenario}: ${reasons.join('; ')}`, 2);
  }
}

interface FlowChoice {
  readonly flow: string;
  /** The node whose capture shows it. */
  readonly node: string;
  /** The VM's address in the flow's family (what the analysis keys the move by). */
  readonly vmAddress: string;
}

/** Where each direction of a migration shows (as the simulator's pcap is read): see the module comment. */
function directionCaptures(model: Model, plan: LabPlan, migration: Migration): PerDirection<FlowChoice> {
  const vm = migration.vm;
  const predicates: Record<Direction, (r: { from: string; to: string }) => boolean> = {
    gatewayToVm: (r) => model.isGateway(r.from) && r.to === vm,
    vmToGateway: (r) => r.from === vm && model.isGateway(r.to),
    peerToVm: (r) => !model.isGateway(r.from) && r.from !== vm && r.to === vm,
  };
  const out: Record<Direction, FlowChoice | null> = { gatewayToVm: null, vmToGateway: null, peerToVm: null };
  for (const d of DIRECTIONS) {
    const t = model.traffic.find((x) => x.kind !== 'request-response' && x.records.some(predicates[d]));
    const r = t?.records.find(predicates[d]);
    if (t === undefined || r === undefined) continue;
    // A ping is seen whole at its sender (request out, reply back); a UDP flow at the VM, its one end
    // that moves; a ping whose receiver answers no echo request (icmp_echo_ignore_all, ICMPv6
    // echo_ignore_all) at its receiver, by the requests that arrive, as the simulation counts them.
    const v6 = r.address.includes(':');
    const silent = plan.hosts.find((h) => h.node === r.to)?.sysctls[v6 ? 'net.ipv6.icmp.echo_ignore_all' : 'net.ipv4.icmp_echo_ignore_all'] === 1;
    const node = t.kind === 'ping' && !silent ? r.from : t.kind === 'ping' ? r.to : vm;
    const vmAddress = addressesOf(plan, vm).find((a) => a.includes(':') === v6);
    if (vmAddress !== undefined) out[d] = { flow: t.name, node, vmAddress };
  }
  return out;
}

/** Runs `scenario` (one run) on the kernels here. Needs root. */
export async function emulateScenario(scenario: Scenario, options: EmulateOptions = {}): Promise<EmulationResult> {
  const run = options.run ?? scenario.runs[0]!;
  const refused = scenarioIssues(scenario, run);
  if (refused.length > 0) throw new EmulationRefused(scenario.name, refused);
  const model = buildModel(scenario, run, run.seed);
  const plan = planLab(scenario, model);
  const mechanismOf = options.mechanism ?? defaultMechanism;
  const mechanisms = run.migrations.map((m) => mechanismOf(m));
  const progress = options.progress ?? (() => {});

  let record: RunRecord | undefined;
  const lab = await Lab.create({
    prefix: options.prefix ?? 'arpshift',
    journal: { namespace: (n) => record?.namespace(n), process: (p) => record?.process(p), closed: () => record?.remove() },
  });
  const work = mkdtempSync(join(tmpdir(), 'arpshift-emulate-'));
  const setupStart = performance.now();
  let traffic: Traffic | undefined;
  try {
    record = new RunRecord(lab.prefix, options.recordDirectory);
    options.onLab?.(lab.prefix);
    // What the kernel lacks is found by trying it in a namespace of the run's own, before building.
    const scratch = await lab.namespace('k');
    const missing = await kernelIssues({ shaping: plan.shaped, vlans: false }, (f, a) => scratch.exec(f, a));
    if (missing.length > 0) throw new EmulationRefused(scenario.name, missing);
    const namespaces = await buildLab(lab, plan, (d, t) => progress('set-up', d, t));
    const nsOfNode = (node: string): Namespace => {
      const h = plan.hosts.find((x) => x.node === node || (node === 'gateway' && x.kind === 'gateway'));
      if (h === undefined) throw new EmuError(`no node ${node} in the lab`);
      return namespaces.get(h.ns)!;
    };
    traffic = new Traffic(scenario, model, (node) => (plan.hosts.some((h) => h.node === node || (node === 'gateway' && h.kind === 'gateway')) ? nsOfNode(node) : null));
    const vmSockets = new Map<string, RawSocket>();
    for (const m of run.migrations) if (!vmSockets.has(m.vm)) vmSockets.set(m.vm, nsOfNode(m.vm).rawSocket('eth0'));
    const gatewaySockets = new Map<string, RawSocket>();
    const gatewaySocket = (node: string): RawSocket => {
      let socket = gatewaySockets.get(node);
      if (socket === undefined) gatewaySockets.set(node, socket = nsOfNode(node).rawSocket('eth0'));
      return socket;
    };
    // Opened before the run, so that a push costs no socket set-up.
    if (run.migrations.some((m) => m.remedies.some((r) => r.kind === 'controller' && r.neighborUpdate === 'agent' && r.pushNeighbors))) {
      for (const h of plan.hosts) if (h.kind === 'gateway') gatewaySocket(h.node);
    }

    // Captures: every gateway, every migrating VM, every node whose ping a migration is measured on.
    const choices = run.migrations.map((m) => directionCaptures(model, plan, m));
    const captureNodes = new Set<string>([...plan.hosts.filter((h) => h.kind === 'gateway').map((h) => h.node), ...run.migrations.map((m) => m.vm)]);
    for (const c of choices) for (const d of DIRECTIONS) if (c[d] !== null) captureNodes.add(c[d]!.node);
    const captures = new Map<string, { file: string; process: LabProcess }>();
    for (const node of captureNodes) {
      const file = join(work, `${node}.pcap`);
      // A VM is captured at its tap in the hypervisors' namespace, as tcpdump on a hypervisor's tap
      // would: the guest's own interface goes down in a re-plug, which ends a capture taken on it.
      const vm = plan.hosts.find((h) => h.node === node && h.vport !== null);
      const [ns, device] = vm === undefined ? [nsOfNode(node), 'eth0'] : [namespaces.get(HV_NS)!, vm.vport!];
      const p = ns.spawn('tcpdump', ['-i', device, '-n', '-U', '--immediate-mode', '-s', '256', '-w', file]);
      captures.set(node, { file, process: p });
    }
    await Promise.all([...captures.values()].map((c) => waitListening(c.process)));
    const setupMs = performance.now() - setupStart;

    // The run: the clock's zero is now.
    const streams = new Map<string, LabProcess>();
    const commands = (planName: string, tool: 'ip' | 'bridge') => {
      const key = `${planName}/${tool}`;
      let p = streams.get(key);
      if (p === undefined) {
        p = namespaces.get(planName)!.spawn(tool, ['-force', '-batch', '-'], { stdin: true });
        streams.set(key, p);
      }
      const stream = p;
      return (line: string): void => stream.write(`${line}\n`);
    };
    const warnings: string[] = [];
    const running = traffic;
    const world = {
      plan,
      commands,
      warn: (message: string) => warnings.push(message),
      namespaceOf: (n: string) => namespaces.get(n)!,
      vmSocket: (vm: string) => vmSockets.get(vm)!,
      gatewaySocket,
      setPaused: (vm: string, paused: boolean) => running.setPaused(vm, paused),
      blockedPorts: () => blockedPorts(plan, namespaces as LabNamespaces),
      seed: run.seed,
    };
    const actions: TimedAction[] = run.migrations.flatMap((m, i) => migrationActions(world, m, mechanisms[i]!));
    const durationMs = scenario.duration / 1e6;
    const t0 = performance.now();
    const t0EpochMs = performance.timeOrigin + t0;
    traffic.start(t0);
    await runActions(actions, t0, durationMs, (d, t) => progress('run', d, t));
    traffic.stop();
    await Promise.all([...streams.values()].map((p) => p.finish()));
    warnings.push(...[...streams.entries()].flatMap(([key, p]) => p.stderr.trim().split('\n').filter((l) => l !== '').map((l) => `${key}: ${l}`)));
    // The last packets' replies, then the captures end (tcpdump writes out on SIGTERM).
    await new Promise((r) => setTimeout(r, 300));
    const teardownStart = performance.now();
    await Promise.all([...captures.values()].map((c) => c.process.stop('SIGTERM')));
    if (options.keepCaptures !== undefined) {
      mkdirSync(options.keepCaptures, { recursive: true });
      for (const [node, c] of captures) copyFileSync(c.file, join(options.keepCaptures, `${node}.pcap`));
    }

    const analysisStart = performance.now();
    const vmAddresses = [...new Set(run.migrations.flatMap((m) => addressesOf(plan, m.vm)))];
    const gatewayAddresses = plan.hosts.filter((h) => h.kind === 'gateway').flatMap((h) => addressesOf(plan, h.node));
    const analyses = new Map<string, CaptureAnalysis>();
    for (const [node, c] of captures) {
      const reader = openCapture(c.file);
      try {
        analyses.set(node, analyzeCapture(reader, { name: `${node}.pcap`, vms: vmAddresses, gateways: gatewayAddresses }));
      } finally {
        reader.close();
      }
    }
    const lastSendOf = (flow: string): number => lastSendNs(scenario.traffic[model.traffic.findIndex((t) => t.name === flow)]!);
    const migrations = run.migrations.map((m, i) => measureMigration(m, i, run.migrations, choices[i]!, analyses, t0EpochMs, durationMs, lastSendOf));
    const gatewayNode = plan.hosts.find((h) => h.kind === 'gateway')!.node;
    const gw = analyses.get(gatewayNode)!.runs[0]!;
    const result: EmulationResult = {
      scenario: scenario.name,
      seed: run.seed,
      emulatedSeconds: scenario.duration / 1e9,
      kernel: release(),
      setupMs: Math.round(setupMs),
      teardownMs: 0,
      namespaces: plan.namespaces.length,
      runs: [{ name: run.name, mechanisms, arp: gw.arp, nd: gw.nd, migrations, flows: traffic.counts(), warnings }],
    };
    const closing = performance.now();
    await lab.close();
    progress('tear-down', 1, 1);
    // Tear-down: stopping the captures, and removing the lab (the analysis between is not counted).
    return { ...result, teardownMs: Math.round(analysisStart - teardownStart + performance.now() - closing) };
  } finally {
    // No packet is sent on a socket the lab's close has closed.
    traffic?.stop();
    await lab.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Every run of the scenario (its variants, or itself), one lab after another, as one result: the
 * runs in order, set-up and tear-down times summed. Options as {@link emulateScenario}'s (`run` is
 * ignored).
 */
export async function emulateAll(scenario: Scenario, options: EmulateOptions = {}): Promise<EmulationResult> {
  const results: EmulationResult[] = [];
  // Refuse before building anything when any run cannot be emulated.
  const refused = scenario.runs.flatMap((r) => scenarioIssues(scenario, r));
  if (refused.length > 0) throw new EmulationRefused(scenario.name, [...new Set(refused)]);
  for (const run of scenario.runs) {
    // Several runs keep their captures apart, one directory per run.
    const keep = options.keepCaptures === undefined || scenario.runs.length === 1 ? options.keepCaptures : join(options.keepCaptures, run.name);
    results.push(await emulateScenario(scenario, { ...options, run, ...(keep === undefined ? {} : { keepCaptures: keep }) }));
  }
  const first = results[0]!;
  return {
    ...first,
    setupMs: results.reduce((t, r) => t + r.setupMs, 0),
    teardownMs: results.reduce((t, r) => t + r.teardownMs, 0),
    runs: results.flatMap((r) => r.runs),
  };
}

function addressesOf(plan: LabPlan, node: string): string[] {
  const h = plan.hosts.find((x) => x.node === node);
  if (h === undefined) return [];
  return [h.ipv4, h.ipv6].filter((a): a is string => a !== null).map((a) => a.split('/')[0]!);
}

/** Resolves once tcpdump says it is listening (it prints that on stderr once the capture runs). */
async function waitListening(p: LabProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!p.stderr.includes('listening on')) {
    if (!p.running) throw new EmuError(`tcpdump failed: ${p.stderr.trim().split('\n')[0] ?? 'no message'}`);
    if (Date.now() > deadline) throw new EmuError('tcpdump did not start within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the actions at their times, then waits for the end of the run; returns when each ran (ms of the run clock). */
async function runActions(actions: readonly TimedAction[], t0: number, durationMs: number, progress: (done: number, total: number) => void): Promise<Map<TimedAction, number>> {
  const doneAt = new Map<TimedAction, number>();
  const steps = Math.max(1, Math.ceil(durationMs / 1000));
  const ticker = setInterval(() => progress(Math.min(steps, Math.floor((performance.now() - t0) / 1000)), steps), 250);
  try {
    for (const a of actions) {
      const wait = a.atMs - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await a.run();
      doneAt.set(a, performance.now() - t0);
    }
    const rest = durationMs - (performance.now() - t0);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    progress(steps, steps);
  } finally {
    clearInterval(ticker);
  }
  return doneAt;
}

/**
 * The analysis's event for `address` that belongs to the migration paused from `pauseS` to `resumeS`
 * (epoch seconds). An event begins with the address's last packet before the first of its gaps (a
 * hiccup of the flow a second before the move can open it) and lasts until the address is heard again
 * after the longest; the migration's is the latest that begins by the resume and lasts into the
 * pause; failing that, the one that begins nearest the pause, at most 2 s before it and before
 * `untilS` (the next migration of the VM).
 */
/** When `event` begins, in epoch seconds (the analysis's times are relative to its first record). */
function eventStartS(a: CaptureAnalysis, event: MigrationAnalysis): number {
  return captureOffsetS(a) + event.startS;
}

/** The epoch second of the capture's first record. */
function captureOffsetS(a: CaptureAnalysis): number {
  return Date.parse(`${a.startTime.slice(0, 19)}Z`) / 1000 + Number(`0.${a.startTime.slice(20, 29)}`);
}

function eventFor(a: CaptureAnalysis, address: string, pauseS: number, resumeS: number, untilS: number, direction: Direction): MigrationAnalysis | undefined {
  const offset = captureOffsetS(a);
  const events = (a.runs[0]?.migrations ?? []).filter((m) => m.vm === address && m.blackHoleMs[direction] !== null);
  const start = (m: MigrationAnalysis): number => m.startS + offset;
  const end = (m: MigrationAnalysis): number => Math.max(start(m) + Math.max(...DIRECTIONS.map((d) => m.blackHoleMs[d] ?? 0)) / 1000, (m.heardAgainS ?? -Infinity) + offset);
  const overlapping = events.filter((m) => start(m) <= resumeS && end(m) >= pauseS).sort((x, y) => y.startS - x.startS)[0];
  if (overlapping !== undefined) return overlapping;
  return events.filter((m) => start(m) >= pauseS - 2 && start(m) < untilS).sort((x, y) => Math.abs(start(x) - pauseS) - Math.abs(start(y) - pauseS))[0];
}

/** The capture's flows of the migrating VM in `direction` (as the inference groups them). */
function directionFlows(a: CaptureAnalysis, vmAddress: string, direction: Direction): CaptureAnalysis['runs'][number]['flows'] {
  const gateways = new Set(a.gateway?.addresses ?? []);
  return a.runs[0]?.flows.filter((f) => (direction === 'vmToGateway'
    ? f.source === vmAddress
    : f.destination === vmAddress && (direction === 'gatewayToVm') === gateways.has(f.source))) ?? [];
}

/**
 * When no event of the analysis can be told to be the migration's: the longest gap, overlapping the
 * pause, of the capture's flow in that direction (what the inference itself takes as an event's
 * black hole: src/analyze/inference.ts). A gap not repaired runs to `runEndS`, the end of the run,
 * as the simulator counts one (its capture may end sooner, or later by the wait for the last replies).
 */
function gapFor(a: CaptureAnalysis, vmAddress: string, direction: Direction, pauseS: number, resumeS: number, runEndS: number): { startS: number; blackHoleMs: number; afterResumeMs: number; repaired: boolean; lost: number | null } | undefined {
  const offset = captureOffsetS(a);
  const flows = directionFlows(a, vmAddress, direction);
  let best: { startS: number; blackHoleMs: number; afterResumeMs: number; repaired: boolean; lost: number | null } | undefined;
  for (const f of flows) {
    for (const g of f.gaps) {
      const from = g.startS + offset;
      const to = !g.repaired || g.endS === null ? Math.max(runEndS, from) : g.endS + offset;
      if (from > resumeS || to < pauseS) continue;
      const ms = (to - from) * 1000;
      if (best === undefined || ms > best.blackHoleMs) best = { startS: from, blackHoleMs: Math.round(ms * 1000) / 1000, afterResumeMs: Math.round(Math.max(0, to - Math.max(resumeS, from)) * 1e6) / 1000, repaired: g.repaired, lost: g.lostPackets };
    }
  }
  return best;
}

function measureMigration(
  m: Migration,
  index: number,
  all: readonly Migration[],
  choice: PerDirection<FlowChoice>,
  analyses: ReadonlyMap<string, CaptureAnalysis>,
  t0EpochMs: number,
  durationMs: number,
  lastSendOf: (flow: string) => number,
): EmulatedMigration {
  const runEndS = (t0EpochMs + durationMs) / 1000;
  const pauseS = t0EpochMs / 1000 + m.schedule.pauseAt / 1e9;
  const resumeS = t0EpochMs / 1000 + m.schedule.resumeAt / 1e9;
  const next = all.filter((x, i) => i !== index && x.vm === m.vm && x.schedule.pauseAt > m.schedule.pauseAt).map((x) => x.schedule.pauseAt);
  const endS = next.length === 0 ? Infinity : t0EpochMs / 1000 + Math.min(...next) / 1e9;
  const blackHole: Record<Direction, number | null> = { gatewayToVm: null, vmToGateway: null, peerToVm: null };
  const afterResume: Record<Direction, number | null> = { gatewayToVm: null, vmToGateway: null, peerToVm: null };
  const repaired: Record<Direction, boolean | null> = { gatewayToVm: null, vmToGateway: null, peerToVm: null };
  const flows: Record<Direction, string | null> = { gatewayToVm: null, vmToGateway: null, peerToVm: null };
  const at: Record<Direction, string | null> = { gatewayToVm: null, vmToGateway: null, peerToVm: null };
  const stopped: Record<Direction, boolean | null> = { gatewayToVm: null, vmToGateway: null, peerToVm: null };
  const lost: Record<string, number> = {};
  const stale: Record<string, number> = {};
  let downtime: number | null = null;
  let late: number | null = null;
  const started = (startS: number): void => {
    late = Math.max(late ?? 0, Math.round(Math.max(0, startS - pauseS) * 1e6) / 1000);
  };
  for (const d of DIRECTIONS) {
    const c = choice[d];
    if (c === null) continue;
    flows[d] = c.flow;
    at[d] = c.node;
    // A flow that sent its last packet before the migration started (as the simulation counts: no
    // packet sent at or after the start) shows nothing of the move, whatever its capture holds.
    stopped[d] = lastSendOf(c.flow) < m.schedule.start;
    if (stopped[d]) continue;
    const analysis = analyses.get(c.node)!;
    const event = eventFor(analysis, c.vmAddress, pauseS, resumeS, endS, d);
    const gap = event === undefined ? gapFor(analysis, c.vmAddress, d, pauseS, resumeS, runEndS) : undefined;
    if (gap !== undefined) {
      started(gap.startS);
      blackHole[d] = gap.blackHoleMs;
      afterResume[d] = gap.afterResumeMs;
      repaired[d] = gap.repaired;
      if (gap.lost !== null) lost['unknown'] = (lost['unknown'] ?? 0) + gap.lost;
      continue;
    }
    if (event === undefined) {
      // The flow's last packet came before the resume and none after: it stopped at the move and was
      // not repaired by the end of the run (a capture that ends with that silence shows no gap). As
      // the simulator counts it: from that packet to the end of the run, not repaired.
      const lastS = Math.max(...directionFlows(analysis, c.vmAddress, d).map((f) => f.lastS + captureOffsetS(analysis)));
      if (Number.isFinite(lastS) && lastS < resumeS) {
        started(lastS);
        blackHole[d] = Math.round(Math.max(0, runEndS - lastS) * 1e6) / 1000;
        afterResume[d] = Math.round(Math.max(0, runEndS - resumeS) * 1e6) / 1000;
        repaired[d] = false;
        continue;
      }
      // No gap in this direction: every packet kept flowing (an outage shorter than the flow's interval).
      blackHole[d] = 0;
      afterResume[d] = 0;
      repaired[d] = true;
      continue;
    }
    started(eventStartS(analysis, event));
    blackHole[d] = event.blackHoleMs[d];
    afterResume[d] = event.afterResumeMs[d];
    repaired[d] = event.repaired[d];
    downtime ??= event.downtimeMs;
    for (const [k, v] of Object.entries(event.lostPackets)) lost[k] = (lost[k] ?? 0) + v;
    for (const [k, v] of Object.entries(event.staleMs)) stale[k] = Math.max(stale[k] ?? 0, v);
  }
  return {
    vm: m.vm,
    from: m.from,
    to: m.to,
    startS: m.at / 1e9,
    downtimeMs: m.schedule.downtime / 1e6,
    measuredFlows: flows,
    blackHoleMs: blackHole,
    afterResumeMs: afterResume,
    repaired,
    lostPackets: lost,
    staleMs: stale,
    capturedAt: at,
    silentMs: downtime,
    pauseLateMs: late,
    stoppedBeforeMove: stopped,
  };
}
