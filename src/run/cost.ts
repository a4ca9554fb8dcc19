/**
 * What a scenario will cost before it runs: an estimate of the simulation's work (kernel events and
 * frame deliveries, over every run) and of its memory, from the scenario alone, with the settings
 * that contribute most, so that a run that cannot finish on this machine is refused before it starts
 * (or run anyway with `force`).
 *
 * The model, calibrated on this simulator (see the measurements in the commit that added it):
 * - traffic: pairs × rate × active time packets, about {@link EVENTS_PER_PACKET} kernel events each
 *   (twice that for ping and request/response, which are answered);
 * - keepalive: every interval, a gratuitous ARP per VM (vm-garp), broadcast to every end station, or
 *   an ARP request from every gateway to every VM (gateway-probe);
 * - a redundant gateway pair: one VRRP advertisement a second, to every end station;
 * - memory: about {@link BYTES_PER_HOST} per host, VM and gateway (the node, its link and its switch
 *   port), and {@link BYTES_PER_SWITCH_PORT} per host port of the fabric.
 * Everything else a run does (resolutions, spanning-tree hellos, announcements after a move) is small
 * beside these.
 */
import { getHeapStatistics } from 'node:v8';
import type { RemedySpec } from '../migration/index.js';
import type { PathIssue, Scenario } from '../scenario/index.js';
import { edgeSwitchNames } from '../scenario/index.js';

/** Kernel events per measurement packet sent (calibrated: 4 to 7 on leaf-spine fabrics). */
export const EVENTS_PER_PACKET = 8;
/** Work of one broadcast: an event per switch it crosses, and a delivery per end station. */
const EVENTS_PER_BROADCAST_SWITCH = 2;
/** Heap bytes per host (calibrated: about 5,400 on an edge port, 5,800 as a VM). */
export const BYTES_PER_HOST = 6_000;
/** Heap bytes per host-facing switch port built (a port with its counters and MAC-table share). */
export const BYTES_PER_SWITCH_PORT = 400;
/** Work (events and deliveries) this machine does in about a second, for the messages. */
export const WORK_PER_SECOND = 600_000;

/** One contribution to the estimate, at the setting it comes from. */
export interface CostItem {
  /** The setting's path in the scenario file. */
  readonly path: readonly (string | number)[];
  /** What it is, for people: "1,000 packets/s × 59 s × 1 pair". */
  readonly what: string;
  /** Work over every run, or bytes. */
  readonly amount: number;
}

/** The estimate of a scenario's cost. */
export interface CostEstimate {
  /** Kernel events and frame deliveries over every run. */
  readonly work: number;
  /** Peak heap bytes of one run's model. */
  readonly memory: number;
  /** What the work comes from, largest first. */
  readonly workItems: readonly CostItem[];
  /** What the memory comes from, largest first. */
  readonly memoryItems: readonly CostItem[];
}

/** The limits a scenario must stay within to run without `force`. */
export interface CostLimits {
  /** Work (events and deliveries): the default is about half an hour here. */
  readonly work: number;
  /** Heap bytes: the default is this process's heap limit. */
  readonly memory: number;
}

/** The default limits: about half an hour of work, and the heap this process may use. */
export function defaultCostLimits(): CostLimits {
  return { work: WORK_PER_SECOND * 1800, memory: getHeapStatistics().heap_size_limit };
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** How many end points a traffic end names: a group its hosts, anything else one. */
function endpointCount(scenario: Scenario, name: string): number {
  return scenario.hosts.find((g) => g.name === name)?.count ?? 1;
}

/** Pairs of different nodes a traffic entry fans out to. */
function pairCount(scenario: Scenario, from: string, to: string): number {
  const a = endpointCount(scenario, from);
  const b = endpointCount(scenario, to);
  const group = (n: string): string | undefined => scenario.hosts.find((g) => n === g.name || new RegExp(`^${g.name.replace(/[.]/g, '\\.')}-\\d+$`).test(n))?.name;
  // A node never sends to itself: a group to itself, or a group to one of its own hosts.
  const self = from === to ? Math.min(a, b) : group(from) !== undefined && group(from) === group(to) && (a === 1 || b === 1) ? 1 : 0;
  return Math.max(0, a * b - self);
}

/** Where a keepalive remedy of run `r` is written. */
function keepalivePath(scenario: Scenario, r: number, remedy: RemedySpec): (string | number)[] {
  const same = (x: RemedySpec): boolean => x.kind === 'keepalive' && remedy.kind === 'keepalive' && x.mode === remedy.mode && x.interval === remedy.interval;
  const top = scenario.remedies.findIndex(same);
  if (top >= 0) return ['remedies', top, 'interval'];
  for (const [j, m] of scenario.migrations.entries()) {
    const i = m.remedies.findIndex(same);
    if (i >= 0) return ['migrations', j, 'remedies', i, 'interval'];
  }
  const i = scenario.runs[r]!.remedies.findIndex(same);
  return i >= 0 && scenario.runs.length > 1 ? ['variants', r, 'remedies', i, 'interval'] : ['remedies'];
}

/** Estimates what running every run of `scenario` (or only run number `only`) costs (see the module comment). */
export function estimateCost(scenario: Scenario, only?: number): CostEstimate {
  const seconds = scenario.duration / 1e9;
  const chosen = only === undefined ? scenario.runs.map((run, r) => ({ run, r })) : [{ run: scenario.runs[only]!, r: only }];
  const runs = chosen.length;
  const hostCount = scenario.hosts.reduce((n, g) => n + g.count, 0);
  const edges = edgeSwitchNames(scenario.fabric).length;
  const gatewayNodes = scenario.gateway.placement === 'pair' ? 2 : scenario.gateway.placement === 'anycast' ? edges : 1;
  const stations = hostCount + gatewayNodes;
  const switches = Math.max(1, edges);
  const broadcast = EVENTS_PER_BROADCAST_SWITCH * switches + stations;
  const work: CostItem[] = [];

  scenario.traffic.forEach((flow, i) => {
    const active = Math.max(0, Math.min(flow.stop, scenario.duration) - flow.start) / 1e9;
    const pairs = pairCount(scenario, flow.from, flow.to);
    const answered = flow.kind === 'udp' ? 1 : 2;
    const packets = pairs * flow.rate * active;
    work.push({
      path: ['traffic', i, 'rate'],
      what: `${count(flow.rate)} packets/s × ${count(active)} s × ${count(pairs)} pair${pairs === 1 ? '' : 's'}${answered === 2 ? ', each answered' : ''}, in ${runs} run${runs === 1 ? '' : 's'}`,
      amount: packets * EVENTS_PER_PACKET * answered * runs,
    });
  });

  const vms = scenario.hypervisors === null ? 0 : scenario.hosts.filter((g) => g.on !== 'edge').reduce((n, g) => n + g.count, 0);
  chosen.forEach(({ run, r }) => {
    const seen = new Set<string>();
    for (const remedy of [...run.remedies, ...run.migrations.flatMap((m) => m.remedies)]) {
      if (remedy.kind !== 'keepalive' || seen.has(remedy.mode)) continue;
      seen.add(remedy.mode);
      const ticks = Math.floor(scenario.duration / remedy.interval);
      const amount = remedy.mode === 'vm-garp' ? ticks * vms * broadcast : ticks * vms * gatewayNodes * 2 * EVENTS_PER_PACKET;
      work.push({
        path: keepalivePath(scenario, r, remedy),
        what: `a ${remedy.mode} keepalive: ${count(ticks)} rounds × ${count(vms)} VMs${remedy.mode === 'vm-garp' ? `, each broadcast to ${count(stations)} stations` : ` × ${gatewayNodes} gateway${gatewayNodes === 1 ? '' : 's'}`}`,
        amount,
      });
    }
    if (run.gateway.placement === 'pair') {
      work.push({ path: ['gateway', 'placement'], what: `VRRP advertisements, one a second to ${count(stations)} stations`, amount: Math.floor(seconds) * broadcast });
    }
  });

  const ports = edges * scenario.fabric.hostPortsPerEdge;
  const memory: CostItem[] = scenario.hosts.map((g, i) => ({ path: ['hosts', i, 'count'], what: `${count(g.count)} hosts`, amount: g.count * BYTES_PER_HOST }));
  memory.push({ path: ['fabric', 'hostPortsPerEdge'], what: `${count(ports)} host ports`, amount: ports * BYTES_PER_SWITCH_PORT });
  if (scenario.hypervisors !== null) memory.push({ path: ['hypervisors', 'count'], what: `${count(scenario.hypervisors.count)} hypervisors`, amount: scenario.hypervisors.count * BYTES_PER_HOST });
  const byAmount = (a: CostItem, b: CostItem): number => b.amount - a.amount;
  return {
    work: work.reduce((n, w) => n + w.amount, 0),
    memory: memory.reduce((n, m) => n + m.amount, 0),
    workItems: work.sort(byAmount),
    memoryItems: memory.sort(byAmount),
  };
}

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${Math.round(seconds / 3600)} h`;
  return `${count(seconds / 86400)} days`;
}

/**
 * The problems of a scenario whose estimate exceeds `limits`, one per limit, each at the setting that
 * contributes most (empty when it is within them).
 */
export function costIssues(scenario: Scenario, estimate: CostEstimate = estimateCost(scenario), limits: CostLimits = defaultCostLimits()): PathIssue[] {
  const issues: PathIssue[] = [];
  const topWork = estimate.workItems[0];
  if (estimate.work > limits.work && topWork !== undefined) {
    issues.push({
      code: 'capacity',
      path: topWork.path,
      expected: `a scenario this machine can run: this one is about ${count(estimate.work)} events, some ${duration(estimate.work / WORK_PER_SECOND)} here (the limit is about ${duration(limits.work / WORK_PER_SECOND)}), most of them from ${topWork.what}; make it smaller, or pass --force to run it anyway`,
      found: topWork.path[topWork.path.length - 1] === 'rate' ? `${count(scenario.traffic[topWork.path[1] as number]!.rate)} packets/s` : topWork.what,
    });
  }
  const topMemory = estimate.memoryItems[0];
  if (estimate.memory > limits.memory && topMemory !== undefined) {
    issues.push({
      code: 'capacity',
      path: topMemory.path,
      expected: `a scenario that fits this process's memory: it needs about ${count(estimate.memory / 2 ** 20)} MiB, and the heap holds ${count(limits.memory / 2 ** 20)} MiB (node --max-old-space-size raises it), most of it for ${topMemory.what}; make it smaller, or pass --force to try anyway`,
      found: topMemory.what,
    });
  }
  return issues;
}

/** A run refused for its cost (see {@link costIssues}); `force` runs it anyway. */
export class ScenarioCostError extends Error {
  override readonly name = 'ScenarioCostError';
  readonly issues: readonly PathIssue[];

  constructor(scenario: string, issues: readonly PathIssue[]) {
    super(`scenario ${scenario} is too costly to run here:\n${issues.map((i) => `${i.path.join('.')}: expected ${i.expected}, found ${i.found}`).join('\n')}`);
    this.issues = issues;
  }
}
