/**
 * One arpshift run of an anchor scenario in a process of its own (so that its peak RSS is its own):
 * `node --import tsx bench/anchor-child.ts SCENARIO HOSTS [SEED]`. Loads the scenario text of
 * bench/anchor-scenario.ts through the built package (dist/, the code `arpshift run` runs), builds the
 * model, runs it with every metric of a normal run, and prints one JSON line: the counters both
 * simulators print (ARP requests and replies sent and received at end stations, from the trace bus;
 * datagrams from the flow records; frames from the ports' counters), kernel events, build and run
 * seconds, and the peak RSS the OS reports (`process.resourceUsage().maxRSS`, KiB).
 */
import type { Port } from '../src/net/index.js';
import { ANCHOR_DURATION_SECONDS, anchorScenarioYaml } from './anchor-scenario.js';
import type { AnchorScenario } from './ns3.js';

const api = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof import('../src/index.js');

const [scenarioArg, hostsArg, seedArg] = process.argv.slice(2);
if ((scenarioArg !== 'storm' && scenarioArg !== 'steady') || !/^\d+$/.test(hostsArg ?? '')) {
  process.stderr.write('usage: anchor-child.ts storm|steady HOSTS [SEED]\n');
  process.exit(2);
}
const scenarioName: AnchorScenario = scenarioArg;
const hosts = Number(hostsArg);
const seed = seedArg === undefined ? 1 : Number(seedArg);

/** The counters of the anchor benchmark (bench/ns3.ts AnchorCounters, less the ns-3-specific ones). */
interface Counters {
  arpRequestsSent: number;
  arpRequestsReceivedHosts: number;
  arpRequestsReceivedGateway: number;
  arpRepliesSent: number;
  arpRepliesReceived: number;
  udpSent: number;
  udpDelivered: number;
  endpointFrames: number;
  linkFrames: number;
  queueDrops: number;
}

const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const scenario = api.loadScenario(anchorScenarioYaml(scenarioName, hosts, seed), `anchor-${scenarioName}-${hosts}`);
const model = api.buildModel(scenario);
const built = process.hrtime.bigint();

// ARP messages sent and received by end stations, from the trace bus (as ns-3's MacTx / MacRx traces).
const arp = { requestsSent: 0, repliesSent: 0, requestsReceivedHosts: 0, requestsReceivedGateway: 0, repliesReceived: 0 };
// End-station ports by port number (`Port.id`): 1 for a host, 2 for the gateway. Frames received come
// by group (`frames-received`: the bystanders of a flood as one event), counted port by port.
const endPorts: Port[] = [...model.gateways.map((g) => g.port), ...[...model.hosts.values()].map((h) => h.port)];
const endKind = new Uint8Array(Math.max(0, ...endPorts.map((p) => p.id)) + 1);
for (const h of model.hosts.values()) endKind[h.port.id] = 1;
for (const g of model.gateways) endKind[g.port.id] = 2;
const kindOf = (port: Port): number => (port.id >= 0 && port.id < endKind.length ? endKind[port.id]! : 0);
// Frames sent by group (`frames-sent`: a flood's copies of one frame come as one event). A flood's
// copies are of the frame object its sender made (an end station sends a frame object once, before
// any switch forwards it), so only the first event of a run of the same frame is looked at.
let lastSent: unknown = null;
model.kernel.trace.on('frames-sent', (e) => {
  const p = e.frame.eth.payload;
  if (p.kind !== 'arp' || e.frame === lastSent) return;
  lastSent = e.frame;
  if (kindOf(e.ports[e.from]!) === 0) return;
  if (p.operation === 1) arp.requestsSent++;
  else if (p.operation === 2) arp.repliesSent++;
}, { skipsPlain: true });
// A flood's bystanders come as ranges of a switch's own arrays (`version` >= 0: the same contents
// for the same arrays and version): for those, the end stations of each kind up to each position are
// summed once per arrays and version, and a range costs two subtractions.
const rangeKinds = new Map<ArrayLike<number>, { version: number; hosts: Int32Array; gateways: Int32Array }>();
function kindsOf(ids: ArrayLike<number>, version: number): { hosts: Int32Array; gateways: Int32Array } {
  let k = rangeKinds.get(ids);
  if (k === undefined || k.version !== version) {
    const hosts = new Int32Array(ids.length + 1);
    const gateways = new Int32Array(ids.length + 1);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const kind = id >= 0 && id < endKind.length ? endKind[id]! : 0;
      hosts[i + 1] = hosts[i]! + (kind === 1 ? 1 : 0);
      gateways[i + 1] = gateways[i]! + (kind === 2 ? 1 : 0);
    }
    k = { version, hosts, gateways };
    rangeKinds.set(ids, k);
  }
  return k;
}
model.kernel.trace.on('frames-received', (e) => {
  const p = e.frame.eth.payload;
  if (p.kind !== 'arp' || (p.operation !== 1 && p.operation !== 2)) return;
  if (e.version >= 0) {
    const { hosts, gateways } = kindsOf(e.ids, e.version);
    const h = hosts[e.to]! - hosts[e.from]!;
    const g = gateways[e.to]! - gateways[e.from]!;
    if (p.operation === 2) arp.repliesReceived += h + g;
    else {
      arp.requestsReceivedHosts += h;
      arp.requestsReceivedGateway += g;
    }
    return;
  }
  // By port number (`ids`, in the order of `ports`): the ports themselves are not looked at.
  const ids = e.ids;
  for (let i = e.from; i < e.to; i++) {
    const id = ids[i]!;
    const kind = id >= 0 && id < endKind.length ? endKind[id]! : 0;
    if (kind === 0) continue;
    if (p.operation === 2) arp.repliesReceived++;
    else if (kind === 1) arp.requestsReceivedHosts++;
    else arp.requestsReceivedGateway++;
  }
}, { skipsPlain: true });

function snapshot(result: { flows: readonly { sent: number; delivered: number }[] } | null, flowsUpTo: number): Counters {
  let linkFrames = 0;
  let queueDrops = 0;
  for (const link of model.network.links) {
    for (const port of [link.a, link.b]) {
      linkFrames += port.counters.txFrames;
      queueDrops += port.counters.drops['queue-full'];
    }
  }
  let endpointFrames = 0;
  for (const port of endPorts) endpointFrames += port.counters.rxFrames;
  let udpSent = 0;
  let udpDelivered = 0;
  if (result === null) {
    for (const t of model.traffic.slice(0, flowsUpTo)) {
      for (const r of t.records) {
        udpSent += r.record.sent;
        udpDelivered += r.record.delivered;
      }
    }
  } else {
    for (const f of result.flows) {
      udpSent += f.sent;
      udpDelivered += f.delivered;
    }
  }
  return {
    arpRequestsSent: arp.requestsSent,
    arpRequestsReceivedHosts: arp.requestsReceivedHosts,
    arpRequestsReceivedGateway: arp.requestsReceivedGateway,
    arpRepliesSent: arp.repliesSent,
    arpRepliesReceived: arp.repliesReceived,
    udpSent, udpDelivered, endpointFrames, linkFrames, queueDrops,
  };
}

const cpuBefore = process.cpuUsage();
const run = new api.ModelRun(model, model.run.name);
let warmup: Counters | undefined;
if (scenarioName === 'steady') {
  run.advance({ until: 2e9 });
  warmup = snapshot(null, 1);
}
const result = run.finish();
const finished = process.hrtime.bigint();
const cpuRun = process.cpuUsage(cpuBefore);
const counters = snapshot(result, model.traffic.length);

process.stdout.write(`${JSON.stringify({
  simulator: 'arpshift',
  scenario: scenarioName,
  hosts,
  seed,
  simulatedSeconds: ANCHOR_DURATION_SECONDS[scenarioName],
  counters: { ...counters, events: run.events },
  ...(warmup === undefined ? {} : { warmup }),
  buildSeconds: Number(built - started) / 1e9,
  runSeconds: Number(finished - built) / 1e9,
  // CPU time of the run (user + system, all threads: GC helpers included), steadier than wall time on a loaded machine.
  runCpuSeconds: (cpuRun.user + cpuRun.system) / 1e6,
  // The same from before the scenario is loaded: what arpshift itself costs (load, build, run), without
  // node's and the TypeScript loader's start-up that the whole process's CPU time includes.
  modelCpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpuStart)),
  wallSeconds: Number(finished - started) / 1e9,
  peakRssKiB: process.resourceUsage().maxRSS,
})}\n`);
