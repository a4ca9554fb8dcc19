/**
 * Flooding at scale: broadcasts through a leaf-spine fabric with a minimal end station on every edge
 * (host-facing) port, 1,000 and 100,000 edge ports (`--quick`: 1,000 and 10,000), 50 per leaf, in two
 * bridging modes: plain learning bridges (`bridges`: mode `none`, one spine, since that mode needs a
 * loop-free topology) and the shortest-path fabric (`spb`, four spines; floods go down the
 * distribution tree).
 *
 * Figures: frames delivered to end stations per second of wall time (every broadcast is checked to
 * reach every other station exactly once); kernel events per broadcast (flood batching: it must not
 * grow with the number of receivers); memory per edge port, from `process.memoryUsage()` (heap plus
 * array buffers) after a full collection, around building the switches and links, and again around
 * attaching the stations and their links (small fabrics built several times over, so that at least
 * 100,000 ports are measured); and bytes per MAC-table entry, over the fabric's tables
 * after the run and for one table filled with a million entries. A full collection needs `gc`: the
 * bench uses `global.gc` when node was started with `--expose-gc`, else turns it on at run time the
 * way bench/kernel.ts does; if neither works it says so and reports figures without a collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Port, PortOwner, SimFrame } from '../src/net/index.js';
import { MacTable, Port as NetPort } from '../src/net/index.js';
import type { BridgingMode, Topology } from '../src/net/topology/index.js';
import { leafSpine } from '../src/net/topology/index.js';
import { Kernel } from '../src/sim/index.js';
import { Network } from '../src/net/index.js';
import type { MacAddress } from '../src/wire/index.js';
import { MAC_BROADCAST, arpRequest, ethernetFrame, parseIpv4 } from '../src/wire/index.js';
import type { Bench, Reporter } from './report.js';

const HOSTS_PER_LEAF = 50;

function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const gc = findGc();

function usedBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** The least an end station can be: a port and a counter of frames received. */
class CountingStation implements PortOwner {
  readonly name: string;
  readonly port: Port;
  readonly mac: MacAddress;
  received = 0;

  constructor(name: string, mac: MacAddress) {
    this.name = name;
    this.mac = mac;
    this.port = new NetPort(this, 0, `${name}:eth0`);
  }

  receive(_port: Port, _frame: SimFrame): void {
    this.received++;
  }
}

interface Built {
  readonly topo: Topology;
  readonly stations: CountingStation[];
}

function buildFabric(kernel: Kernel, ports: number, mode: BridgingMode): Topology {
  const leaves = Math.ceil(ports / HOSTS_PER_LEAF);
  return leafSpine(new Network(kernel), { leaves, spines: mode === 'spb' ? 4 : 1, hostPortsPerEdge: HOSTS_PER_LEAF, mode });
}

function attach(topo: Topology): CountingStation[] {
  const stations: CountingStation[] = [];
  let n = 0;
  for (const leaf of topo.edgeSwitches) {
    for (let i = 0; i < HOSTS_PER_LEAF; i++) {
      n++;
      const s = new CountingStation(`h${n}`, (0x0200_0000_0000 + n) as MacAddress);
      topo.network.add(s);
      topo.connectHost(leaf.name, s.port);
      stations.push(s);
    }
  }
  return stations;
}

/**
 * Bytes per edge port of the switches and links, then of the stations and their links. Small fabrics
 * are built several times over (on one kernel) so that at least 100,000 ports are measured: a
 * difference of a megabyte is within the collector's noise.
 */
function memoryPerPort(ports: number, mode: BridgingMode): { fabric: number; hosts: number } {
  const copies = Math.max(1, Math.floor(100_000 / ports));
  const kernel = new Kernel({ seed: 1 });
  const topos: Topology[] = [];
  const before = usedBytes();
  for (let c = 0; c < copies; c++) topos.push(buildFabric(kernel, ports, mode));
  const afterFabric = usedBytes();
  const stations = topos.map((t) => attach(t));
  const afterHosts = usedBytes();
  const measured = topos.reduce((sum, t) => sum + t.hostPortCount, 0);
  if (stations.length !== copies) throw new Error('fabric bench: lost a copy');
  return { fabric: (afterFabric - before) / measured, hosts: (afterHosts - afterFabric) / measured };
}

function build(ports: number, mode: BridgingMode): Built {
  const topo = buildFabric(new Kernel({ seed: 1 }), ports, mode);
  return { topo, stations: attach(topo) };
}

function broadcastFrom(topo: Topology, s: CountingStation): void {
  const f = topo.network.frame(ethernetFrame(MAC_BROADCAST, s.mac, arpRequest(s.mac, parseIpv4('198.18.0.1')!, parseIpv4('198.18.0.2')!)));
  s.port.send(f);
}

/** Sends `count` broadcasts, 10 us apart, from stations spread over the fabric; returns deliveries, seconds, events. */
function flood(b: Built, count: number, offset: number): { delivered: number; seconds: number; events: number } {
  const { topo, stations } = b;
  const kernel = topo.network.kernel;
  const start = kernel.now + 1_000_000;
  const stride = Math.max(1, Math.floor(stations.length / count));
  for (let i = 0; i < count; i++) {
    const s = stations[(offset + i * stride) % stations.length]!;
    kernel.scheduleAt(start + i * 10_000, s.name, 'bench-broadcast', () => broadcastFrom(topo, s));
  }
  const receivedBefore = stations.reduce((sum, s) => sum + s.received, 0);
  const eventsBefore = kernel.counters.executed;
  const started = process.hrtime.bigint();
  kernel.run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const delivered = stations.reduce((sum, s) => sum + s.received, 0) - receivedBefore;
  const expected = count * (stations.length - 1);
  if (delivered !== expected) throw new Error(`fabric bench: ${delivered} deliveries, expected ${expected} (every broadcast to every other station once)`);
  return { delivered, seconds, events: kernel.counters.executed - eventsBefore };
}

function macTableBytes(topo: Topology): { bytes: number; entries: number } {
  let bytes = 0;
  let entries = 0;
  for (const sw of topo.switches.values()) {
    bytes += sw.fdb.bytes;
    entries += sw.fdb.size;
  }
  return { bytes, entries };
}

/** Bytes per entry of one table holding a million entries (typed arrays only, as the table allocates them). */
function millionEntryTable(report: Reporter): void {
  const count = 1_000_000;
  const before = usedBytes();
  const table = new MacTable({ capacity: count, agingTime: 300e9 });
  for (let i = 0; i < count; i++) table.learn(1, 0x0200_0000_0000 + i, i % 48, 0);
  const measured = (usedBytes() - before) / table.size;
  report.add('fabric', 'MAC table, 1,000,000 entries: bytes per entry', Math.round(measured), 'bytes');
}

function one(report: Reporter, ports: number, mode: BridgingMode, quick: boolean): void {
  const label = `${ports.toLocaleString('en-US')} ports, ${mode === 'spb' ? 'spb' : 'bridges'}`;
  const memory = memoryPerPort(ports, mode);
  report.add('fabric', `${label}: bytes/port, switches + links`, Math.round(memory.fabric), 'bytes');
  report.add('fabric', `${label}: bytes/port, stations + host links`, Math.round(memory.hosts), 'bytes');
  const built = build(ports, mode);
  const budget = quick ? 1_000_000 : 4_000_000;
  const count = Math.max(4, Math.round(budget / ports));
  flood(built, Math.min(count, 8), 7); // warm-up: JIT, first learning
  const r = flood(built, count, 0);
  report.add('fabric', `${label}: frames delivered`, Math.round(r.delivered / r.seconds), 'frames/s');
  report.add('fabric', `${label}: kernel events per broadcast`, Number((r.events / count).toFixed(1)), 'events');
  const t = macTableBytes(built.topo);
  report.add('fabric', `${label}: MAC tables, bytes per live entry`, Math.round(t.bytes / t.entries), 'bytes');
}

export const fabricBench: Bench = {
  name: 'fabric',
  run(report, { quick }) {
    if (gc === undefined) report.note('fabric: no gc available; memory figures include uncollected garbage');
    const sizes = quick ? [1_000, 10_000] : [1_000, 100_000];
    for (const ports of sizes) {
      for (const mode of ['none', 'spb'] as const) one(report, ports, mode, quick);
    }
    millionEntryTable(report);
  },
};
