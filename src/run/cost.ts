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
 * - address resolution: the first packet of each pair whose sender has no entry for its next hop
 *   broadcasts an ARP request (or multicasts an NS, flooded alike), a copy to every end station;
 * - migrations: each announcement (guest GARP or NA, RARP, QEMU's self-announce rounds) of every
 *   moved VM is a broadcast to every end station.
 * A broadcast is an event at every switch it reaches (the fabric's and the hypervisors' virtual
 * switches: the switch's flood plan, its MAC learning) and a copy delivered to every end station,
 * which the station mostly only drops. Copies that are only dropped are counted in bulk, tens of
 * nanoseconds each while the stations' state fits the processor's caches, ten times more in a domain
 * of a hundred thousand stations and more ({@link DELIVERIES_PER_SECOND},
 * {@link DELIVERIES_PER_SECOND_LARGE}); the switches a broadcast reaches cost a few microseconds each
 * ({@link SWITCH_FLOODS_PER_SECOND}); datagrams cost their events ({@link EVENTS_PER_SECOND}).
 * - building each run's model: {@link BUILD_SECONDS_PER_HOST} per host, VM, hypervisor and gateway.
 * - memory: about {@link BYTES_PER_HOST} per host, VM and gateway (the node, its link and its switch
 *   port), and {@link BYTES_PER_SWITCH_PORT} per host port of the fabric.
 * Everything else a run does (resolutions, spanning-tree hellos, announcements after a move) is small
 * beside these.
 */
import { getHeapStatistics } from 'node:v8';
import type { RemedySpec } from '../migration/index.js';
import type { PathIssue, Scenario } from '../scenario/index.js';
import { edgeSwitchNames, fabricSwitches } from '../scenario/index.js';

/** Kernel events per measurement packet sent (calibrated: 4 to 7 on leaf-spine fabrics). */
export const EVENTS_PER_PACKET = 8;
/** Kernel events of one broadcast at each switch it reaches (its arrival and its flood). */
const EVENTS_PER_BROADCAST_SWITCH = 2;
/**
 * Heap bytes per host (calibrated: a built model holds 2,450 bytes per VM after a full collection
 * at 20,000 VMs, 2,600-2,650 with the build's uncollected garbage at 100,000 and 1,000,000 VMs, its
 * hypervisor's share included; 3,000 is 15-25 % above, for what the estimate misses; the run's own
 * state is the heap's headroom over the estimate).
 */
export const BYTES_PER_HOST = 3_000;
/** Heap bytes per host-facing switch port built (a port with its counters and MAC-table share). */
export const BYTES_PER_SWITCH_PORT = 400;
/**
 * Estimated kernel events of datagrams this machine runs in about a second of CPU (calibrated between
 * steady unicast forwarding, whose packets take about half the events estimated: at 1,000 hosts 8.1 M
 * estimated, 5-7.6 s of CPU, and the default comparison, whose spanning tree, timers and
 * unknown-unicast floods the estimate does not count: 3.5 M estimated, 7.5-9 s of CPU in one thread).
 */
export const EVENTS_PER_SECOND = 600_000;
/**
 * Switches a broadcast reaches, per second of CPU: at each, the flood's event, its flood plan and the
 * sender's MAC learned (calibrated with {@link DELIVERIES_PER_SECOND} on the ARP storm: at 10,000
 * hosts, 2.5 M leaf floods and 100 M copies in 11-18 s of CPU, start-up and build included; at
 * 4,000 hosts 0.4 M and 16 M in 3.3-3.4 s).
 */
export const SWITCH_FLOODS_PER_SECOND = 400_000;
/**
 * Copies of a broadcast delivered to end stations per second of CPU, counted in bulk for the stations
 * that only drop them, in a domain whose per-station state fits the caches (the ARP storm up to
 * 10,000 hosts: tens of nanoseconds a copy, the metrics' own count of each included).
 */
export const DELIVERIES_PER_SECOND = 15_000_000;
/**
 * The same in a domain far larger than the caches hold, where each copy reads per-station state from
 * memory (calibrated on the mass migration at 100,000 VMs with 100 moves: 30 M copies and 1.2 M
 * switch floods in 21.7-24.6 s of CPU for the whole command, build included). Between the two, the
 * share of copies beyond {@link CACHED_STATIONS} stations costs this rate.
 */
export const DELIVERIES_PER_SECOND_LARGE = 1_500_000;
/** End stations whose per-station state the caches hold (copies to more cost {@link DELIVERIES_PER_SECOND_LARGE}). */
export const CACHED_STATIONS = 20_000;
/** CPU seconds to build one host, VM, hypervisor or gateway of a run's model (measured: 12-22 µs at 200,000 and 1,000,000 VMs). */
export const BUILD_SECONDS_PER_HOST = 15e-6;
/** Estimated seconds above which `arpshift run` warns before it starts (it refuses above the limit). */
export const WARN_SECONDS = 60;

/** One contribution to the estimate, at the setting it comes from. */
export interface CostItem {
  /** The setting's path in the scenario file. */
  readonly path: readonly (string | number)[];
  /** What it is, for people: "1,000 packets/s × 59 s × 1 pair". */
  readonly what: string;
  /** Work over every run (events and deliveries), or bytes. */
  readonly amount: number;
  /** Estimated seconds of this machine over every run (work items only). */
  readonly seconds?: number;
}

/** The estimate of a scenario's cost. */
export interface CostEstimate {
  /** Kernel events and frame deliveries over every run. */
  readonly work: number;
  /** Of `work`, the copies of broadcasts delivered to end stations. */
  readonly deliveries: number;
  /** Estimated seconds of this machine over every run (events and deliveries at their own rates). */
  readonly seconds: number;
  /** Peak heap bytes of one run's model. */
  readonly memory: number;
  /** What the work comes from, longest first. */
  readonly workItems: readonly CostItem[];
  /** What the memory comes from, largest first. */
  readonly memoryItems: readonly CostItem[];
}

/** The limits a scenario must stay within to run without `force`. */
export interface CostLimits {
  /** Estimated seconds of work: the default is half an hour. */
  readonly seconds: number;
  /** Heap bytes: the default is this process's heap limit. */
  readonly memory: number;
}

/** The default limits: about half an hour of work, and the heap this process may use. */
export function defaultCostLimits(): CostLimits {
  return { seconds: 1800, memory: getHeapStatistics().heap_size_limit };
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
  // A node never sends to itself: a group to itself, or a group to one of its own hosts (two hosts of
  // one group are two nodes).
  const g = group(from);
  const self = from === to ? Math.min(a, b) : g !== undefined && g === group(to) && (from === g) !== (to === g) ? 1 : 0;
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

/** Broadcasts a remedy sends for one moved VM (its own announcements; protocol answers are not counted). */
function announcements(remedy: RemedySpec): number {
  switch (remedy.kind) {
    case 'guest-garp':
    case 'guest-na':
    case 'rarp':
      return remedy.count;
    case 'qemu-announce':
      return remedy.rounds * (remedy.guestAnnounce ? 2 : 1);
    default:
      return 0;
  }
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
  // Every switch a broadcast reaches: the fabric's, and each hypervisor's virtual switch.
  const switches = Math.max(1, fabricSwitches(scenario.fabric).length + (scenario.hypervisors?.count ?? 0));
  // CPU seconds of one copy delivered to an end station (see DELIVERIES_PER_SECOND_LARGE).
  const beyondCaches = Math.max(0, 1 - CACHED_STATIONS / stations);
  const copySeconds = (1 - beyondCaches) / DELIVERIES_PER_SECOND + beyondCaches / DELIVERIES_PER_SECOND_LARGE;
  const work: CostItem[] = [];
  // An item of `events` kernel events (of datagrams) and `deliveries` broadcast copies delivered to end stations.
  const item = (path: (string | number)[], what: string, events: number, deliveries: number, seconds = events / EVENTS_PER_SECOND): CostItem =>
    ({ path, what, amount: events + deliveries, seconds });
  let deliveries = 0;
  const broadcasts = (path: (string | number)[], what: string, n: number): CostItem => {
    deliveries += n * stations;
    return item(path, what, n * EVENTS_PER_BROADCAST_SWITCH * switches, n * stations, n * (switches / SWITCH_FLOODS_PER_SECOND + stations * copySeconds));
  };

  scenario.traffic.forEach((flow, i) => {
    const active = Math.max(0, Math.min(flow.stop, scenario.duration) - flow.start) / 1e9;
    const pairs = pairCount(scenario, flow.from, flow.to);
    const answered = flow.kind === 'udp' ? 1 : 2;
    const perPair = Math.min(flow.rate * active, flow.packets ?? Infinity);
    const packets = pairs * perPair;
    work.push(item(
      ['traffic', i, 'rate'],
      `${count(flow.rate)} packets/s × ${count(active)} s × ${count(pairs)} pair${pairs === 1 ? '' : 's'}${answered === 2 ? ', each answered' : ''}, in ${runs} run${runs === 1 ? '' : 's'}`,
      packets * EVENTS_PER_PACKET * answered * runs, 0,
    ));
    // Each sender resolves each receiver (or its gateway) once: one broadcast per pair that sends.
    if (perPair >= 1 && pairs > 0) {
      work.push(broadcasts(['traffic', i, 'to'], `address resolution for ${count(pairs)} pair${pairs === 1 ? '' : 's'}, each request broadcast to ${count(stations)} stations, in ${runs} run${runs === 1 ? '' : 's'}`, pairs * runs));
    }
  });

  const vms = scenario.hypervisors === null ? 0 : scenario.hosts.filter((g) => g.on !== 'edge').reduce((n, g) => n + g.count, 0);
  chosen.forEach(({ run, r }) => {
    const seen = new Set<string>();
    for (const remedy of [...run.remedies, ...run.migrations.flatMap((m) => m.remedies)]) {
      if (remedy.kind !== 'keepalive' || seen.has(remedy.mode)) continue;
      seen.add(remedy.mode);
      const ticks = Math.floor(scenario.duration / remedy.interval);
      const what = `a ${remedy.mode} keepalive: ${count(ticks)} rounds × ${count(vms)} VMs${remedy.mode === 'vm-garp' ? `, each broadcast to ${count(stations)} stations` : ` × ${gatewayNodes} gateway${gatewayNodes === 1 ? '' : 's'}`}`;
      work.push(remedy.mode === 'vm-garp'
        ? broadcasts(keepalivePath(scenario, r, remedy), what, ticks * vms)
        : item(keepalivePath(scenario, r, remedy), what, ticks * vms * gatewayNodes * 2 * EVENTS_PER_PACKET, 0));
    }
    if (run.gateway.placement === 'pair') {
      work.push(broadcasts(['gateway', 'placement'], `VRRP advertisements, one a second to ${count(stations)} stations`, Math.floor(seconds)));
    }
    const announced = run.migrations.reduce((n, m) => n + m.remedies.reduce((k, remedy) => k + announcements(remedy), 0), 0);
    if (announced > 0) {
      work.push(broadcasts(['migrations'], `${count(announced)} announcements of ${count(run.migrations.length)} migration${run.migrations.length === 1 ? '' : 's'}, each broadcast to ${count(stations)} stations`, announced));
    }
  });

  // Each run builds its own model.
  const built = stations + (scenario.hypervisors?.count ?? 0);
  work.push(item(['hosts'], `building ${count(built)} hosts, hypervisors and gateways, in ${runs} run${runs === 1 ? '' : 's'}`, 0, 0, built * BUILD_SECONDS_PER_HOST * runs));

  const ports = edges * scenario.fabric.hostPortsPerEdge;
  const memory: CostItem[] = scenario.hosts.map((g, i) => ({ path: ['hosts', i, 'count'], what: `${count(g.count)} hosts`, amount: g.count * BYTES_PER_HOST }));
  memory.push({ path: ['fabric', 'hostPortsPerEdge'], what: `${count(ports)} host ports`, amount: ports * BYTES_PER_SWITCH_PORT });
  if (scenario.hypervisors !== null) memory.push({ path: ['hypervisors', 'count'], what: `${count(scenario.hypervisors.count)} hypervisors`, amount: scenario.hypervisors.count * BYTES_PER_HOST });
  const byAmount = (a: CostItem, b: CostItem): number => b.amount - a.amount;
  return {
    work: work.reduce((n, w) => n + w.amount, 0),
    deliveries,
    seconds: work.reduce((n, w) => n + (w.seconds ?? 0), 0),
    memory: memory.reduce((n, m) => n + m.amount, 0),
    workItems: work.sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0)),
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
  if (estimate.seconds > limits.seconds && topWork !== undefined) {
    issues.push({
      code: 'capacity',
      path: topWork.path,
      expected: `a scenario this machine can run: this one is about ${count(estimate.work)} events and deliveries, some ${duration(estimate.seconds)} here (the limit is about ${duration(limits.seconds)}), most of them from ${topWork.what}; make it smaller, or pass --force to run it anyway`,
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

/**
 * A line for people when a scenario within the limits will still take long here: more than
 * {@link WARN_SECONDS} of wall time, estimated as the work over every run divided by `atOnce`, the
 * runs that run at the same time (see `runsAtOnce`); the line says that wall time, and with several
 * at once also the total. Undefined otherwise. The line names what costs most.
 */
export function costWarning(estimate: CostEstimate, atOnce = 1): string | undefined {
  const top = estimate.workItems[0];
  const lanes = Math.max(1, Math.floor(atOnce));
  const wall = estimate.seconds / lanes;
  if (wall <= WARN_SECONDS || top === undefined) return undefined;
  const work = `${count(estimate.work)} events and deliveries`;
  const what = lanes === 1 ? ` (${work})` : `, ${lanes} runs at a time (${duration(estimate.seconds)} of work over every run: ${work})`;
  return `this run will take about ${duration(wall)} here${what}, most of it for ${top.what}`;
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
