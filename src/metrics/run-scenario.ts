/**
 * Running a scenario: for each run, build the model (scenario/build.ts), attach the observers
 * (messages by form, broadcast load, flow fates), run the kernel to the scenario's duration in steps
 * (reporting progress), and collect the {@link ScenarioResult}. Optionally writes what a capture at
 * one node would hold (frames it sent and received) as a pcap, under a temporary name until complete.
 */
import type { Scenario } from '../scenario/index.js';
import type { BuiltTraffic, Model } from '../scenario/build.js';
import { buildModel } from '../scenario/build.js';
import { AtomicFileSink, PcapWriter, emitFrame } from '../wire/index.js';
import { BroadcastLoad } from './broadcast-load.js';
import type { LossCause } from './flow-fates.js';
import { FlowFates, LOSS_CAUSES } from './flow-fates.js';
import { MessageCounter } from './messages.js';
import { MigrationCollector } from './migration-results.js';
import type { FlowResult, RunResult, ScenarioResult } from './result.js';

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Write the capture at the scenario's `output.pcap` node to this file. */
  readonly pcapPath?: string;
  /** Called as simulated time advances (at most a hundred times per run). */
  readonly onProgress?: (run: number, runs: number, simulatedNs: number, durationNs: number) => void;
}

function flowResult(t: BuiltTraffic, fates: FlowFates): FlowResult {
  const lost = Object.fromEntries(LOSS_CAUSES.map((c) => [c, 0])) as Record<LossCause, number>;
  let sent = 0;
  let delivered = 0;
  for (const r of t.records) {
    for (const rec of r.responses === undefined ? [r.record] : [r.record, r.responses]) {
      sent += rec.sent;
      delivered += rec.delivered;
      const byCause = fates.lostByCause(rec);
      for (const c of LOSS_CAUSES) lost[c] += byCause[c];
    }
  }
  return { name: t.name, kind: t.kind, pairs: t.records.length, sent, delivered, lost };
}

/** Attaches a pcap writer for the frames `node` sends and receives. Returns a finisher. */
function capture(model: Model, node: string, path: string): { close(): void; abort(): void } {
  const sink = new AtomicFileSink(path);
  const writer = new PcapWriter(sink);
  const write = (time: number, e: { node: string; frame: { eth: Parameters<typeof emitFrame>[0] } }): void => {
    if (e.node !== node) return;
    writer.writeAt(time, emitFrame(e.frame.eth));
  };
  model.kernel.trace.on('frame-sent', (e) => write(e.time, e));
  model.kernel.trace.on('frame-received', (e) => write(e.time, e));
  return { close: () => writer.close(), abort: () => sink.abort() };
}

/** Runs one model to the end and collects its result. */
export function runModel(model: Model, name: string, onProgress?: (simulatedNs: number) => void): RunResult {
  return finish(modelSteps(model, name, onProgress));
}

/** Runs a step generator to its end; returns what it returns. */
function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/** `runModel` in steps: yields after each step of simulated time (a hundredth of the run). */
function* modelSteps(model: Model, name: string, onProgress?: (simulatedNs: number) => void): Generator<void, RunResult> {
  const kernel = model.kernel;
  const migrations = new MigrationCollector(
    { kernel, switches: model.switches, gateways: model.gateways, traffic: model.traffic, isGateway: (n) => model.isGateway(n) },
    model.migrations,
  );
  const isEnd = (n: string): boolean => model.endStations.has(n);
  const messages = new MessageCounter(kernel, isEnd);
  const broadcast = new BroadcastLoad(kernel, isEnd);
  const fates = new FlowFates(kernel);
  let conflicts = 0;
  kernel.trace.on('address-conflict', () => conflicts++);
  const duration = model.scenario.duration;
  const step = Math.max(1, Math.ceil(duration / 100));
  while (kernel.now < duration) {
    kernel.run({ until: Math.min(duration, kernel.now + step) });
    onProgress?.(kernel.now);
    yield;
  }
  fates.notePending([...model.gateways, ...model.hosts.values()]);
  let flooded = 0;
  let unknown = 0;
  for (const sw of model.switches) {
    flooded += sw.counters.broadcastFloods + sw.counters.multicastFloods + sw.counters.unknownUnicastFloods;
    unknown += sw.counters.unknownUnicastFloods;
  }
  return {
    name,
    arp: { ...messages.arp },
    nd: { ...messages.nd },
    broadcastFramesReceived: broadcast.total,
    broadcastPerHostPeakPps: broadcast.peakPerHostPerSecond,
    floodedFrames: flooded,
    unknownUnicastFloods: unknown,
    dadConflicts: conflicts,
    flows: model.traffic.map((t) => flowResult(t, fates)),
    migrations: migrations.results(fates, duration),
  };
}

/**
 * Runs every run of `scenario` (its variants, or the scenario itself) and collects the result. With
 * `seed`, every run uses it; otherwise each run uses its own (the scenario's unless a variant sets
 * one). The pcap, when asked for, is the first run's.
 */
export function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): ScenarioResult {
  return finish(scenarioSteps(scenario, options));
}

/**
 * Like {@link runScenario}, but lets the event loop run between steps (a hundred per run), so
 * signals, timers and I/O are served during a long run. When `signal` aborts, the run stops at the
 * next step, the pcap being written is deleted, and the promise rejects with the signal's reason.
 */
export async function runScenarioAsync(scenario: Scenario, options: RunScenarioOptions & { readonly signal?: AbortSignal } = {}): Promise<ScenarioResult> {
  const steps = scenarioSteps(scenario, options);
  for (;;) {
    if (options.signal?.aborted === true) {
      steps.return(undefined as never); // runs the generator's cleanup: the pcap is deleted
      throw options.signal.reason;
    }
    const next = steps.next();
    if (next.done === true) return next.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `runScenario` in steps. */
function* scenarioSteps(scenario: Scenario, options: RunScenarioOptions): Generator<void, ScenarioResult> {
  const runs: RunResult[] = [];
  let events = 0;
  for (let i = 0; i < scenario.runs.length; i++) {
    const spec = scenario.runs[i]!;
    const model = buildModel(scenario, spec, options.seed ?? spec.seed);
    const cap = i === 0 && options.pcapPath !== undefined ? capture(model, scenario.output.pcap, options.pcapPath) : null;
    let complete = false;
    try {
      runs.push(yield* modelSteps(model, spec.name, (t) => options.onProgress?.(i, scenario.runs.length, t, scenario.duration)));
      complete = true;
    } finally {
      // A failed or abandoned run leaves no capture behind.
      if (complete) cap?.close();
      else cap?.abort();
    }
    events += model.kernel.counters.executed;
  }
  return {
    scenario: scenario.name,
    seed: options.seed ?? scenario.seed,
    simulatedSeconds: scenario.duration / 1e9,
    events,
    runs,
  };
}
