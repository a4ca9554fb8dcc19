/**
 * Hand-built Layer-2 topologies for the spanning-tree tests (rings, full meshes, a three-tier tree,
 * random graphs), end stations on edge ports, a periodic broadcast probe that measures end-to-end
 * connectivity, and comparable snapshots of what every bridge believes.
 */
import type { LearningSwitch, Link, LinkConfig, Network } from '../../src/net/index.js';
import type { SpanningTreeBridge, SpanningTreeOptions, SpanningTreeProtocol } from '../../src/net/index.js';
import { enableSpanningTree } from '../../src/net/index.js';
import { ARP_OP_REQUEST } from '../../src/wire/index.js';
import { Station, network, stationMac } from './net.js';

/** A link of a topology spec: two switch names and a rate (b/s). */
export type LinkSpec = readonly [string, string, number];

/** A topology: switches (in creation order, so in bridge-address order), links, hosts. */
export interface TopologySpec {
  readonly switches: readonly string[];
  readonly links: readonly LinkSpec[];
  /** Switch names that get one host each, on an edge port added after the links. */
  readonly hosts?: readonly string[];
  /** Bridge priority per switch name (default 32768). */
  readonly priorities?: Readonly<Record<string, number>>;
  /** Links (by index in `links`) that are down when the protocol starts. */
  readonly down?: readonly number[];
  /** Extra settings per link (by index in `links`), e.g. congestion windows. */
  readonly linkConfig?: Readonly<Record<number, Omit<LinkConfig, 'rate' | 'delay'>>>;
}

/** A built topology. */
export interface Built {
  readonly net: Network;
  readonly switches: ReadonlyMap<string, LearningSwitch>;
  readonly bridges: ReadonlyMap<string, SpanningTreeBridge>;
  readonly links: readonly Link[];
  /** Host stations by switch name (the first host of each switch). */
  readonly hosts: ReadonlyMap<string, Station>;
}

/** Propagation delay of every test link, ns. */
export const LINK_DELAY = 1_000;

/**
 * Builds `spec` in a fresh network and enables spanning tree on every switch (links first, in
 * order, then one host port per listed switch, configured as an edge port).
 */
export function build(spec: TopologySpec, options: Omit<SpanningTreeOptions, 'edgePorts' | 'bridgePriority'>, seed: number | string = 1): Built {
  const net = network(seed);
  const switches = new Map<string, LearningSwitch>();
  for (const name of spec.switches) switches.set(name, net.addSwitch(name));
  const links = spec.links.map(([a, b, rate], i) =>
    net.connect(switches.get(a)!.addPort(), switches.get(b)!.addPort(), { ...spec.linkConfig?.[i], rate, delay: LINK_DELAY }));
  const hosts = new Map<string, Station>();
  const edgePorts = new Map<string, number[]>();
  (spec.hosts ?? []).forEach((name, i) => {
    const sw = switches.get(name)!;
    const host = new Station(net, hosts.has(name) ? `h-${name}-${i + 1}` : `h-${name}`, stationMac(i + 1));
    const port = sw.addPort();
    net.connect(host.port, port, { rate: 1e9, delay: LINK_DELAY });
    if (!hosts.has(name)) hosts.set(name, host);
    edgePorts.set(name, [...(edgePorts.get(name) ?? []), port.index]);
  });
  for (const index of spec.down ?? []) links[index]!.setUp(false);
  const bridges = new Map<string, SpanningTreeBridge>();
  for (const [name, sw] of switches) {
    bridges.set(name, enableSpanningTree(net, sw, {
      ...options,
      bridgePriority: spec.priorities?.[name] ?? 32768,
      edgePorts: edgePorts.get(name) ?? [],
    }));
  }
  return { net, switches, bridges, links, hosts };
}

/** The index of the port of `sw` whose link leads to the node named `neighbour` (the first such port). */
export function portTo(sw: LearningSwitch, neighbour: string): number {
  const port = sw.ports.find((p) => p.peer?.owner.name === neighbour);
  if (port === undefined) throw new Error(`${sw.name} has no port to ${neighbour}`);
  return port.index;
}

/** A ring s1-s2-…-sn-s1 of equal links. */
export function ringSpec(n: number, rate = 1e9, prefix = 'r'): TopologySpec {
  const switches = Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const links = switches.map((s, i): LinkSpec => [s, switches[(i + 1) % n]!, rate]);
  return { switches, links };
}

/** A full mesh of n switches with equal links. */
export function meshSpec(n: number, rate = 1e9, prefix = 'm'): TopologySpec {
  const switches = Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const links: LinkSpec[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) links.push([switches[i]!, switches[j]!, rate]);
  return { switches, links };
}

/** Rates of the three-tier tree. */
export interface TierRates {
  readonly coreCore: number;
  readonly coreAgg: number;
  readonly aggAgg: number;
  readonly access: number;
}

/**
 * A three-tier tree: a core pair (c1, c2) joined by a link, an aggregation pair (a1, a2) each linked to
 * both cores and to each other, and `access` switches t1…tn each dual-homed to a1 and a2, each with a host.
 */
export function threeTierSpec(access: number, rates: TierRates): TopologySpec {
  const t = Array.from({ length: access }, (_, i) => `t${i + 1}`);
  const links: LinkSpec[] = [
    ['c1', 'c2', rates.coreCore],
    ['c1', 'a1', rates.coreAgg], ['c1', 'a2', rates.coreAgg],
    ['c2', 'a1', rates.coreAgg], ['c2', 'a2', rates.coreAgg],
    ['a1', 'a2', rates.aggAgg],
    ...t.flatMap((s): LinkSpec[] => [['a1', s, rates.access], ['a2', s, rates.access]]),
  ];
  return { switches: ['c1', 'c2', 'a1', 'a2', ...t], links, hosts: t };
}

/** What a bridge believes, in a form `toEqual` can compare between runs. */
export interface BridgeSnapshot {
  readonly bridge: string;
  readonly rootId: string;
  readonly rootPathCost: number;
  readonly rootPort: number;
  readonly topologyChange: boolean;
  readonly ports: ReadonlyArray<{ readonly role: string; readonly state: string; readonly edge: boolean; readonly vector: string | null }>;
}

const id = (b: { priority: number; address: number }): string => `${b.priority}/${b.address.toString(16)}`;

/** Snapshots every bridge, in name order. */
export function snapshot(bridges: ReadonlyMap<string, SpanningTreeBridge>): BridgeSnapshot[] {
  return [...bridges.values()].map((b) => {
    const v = b.view();
    return {
      bridge: v.bridge,
      rootId: id(v.rootId),
      rootPathCost: v.rootPathCost,
      rootPort: v.rootPort,
      topologyChange: v.topologyChange,
      ports: v.ports.map((p) => ({
        role: p.role,
        state: p.state,
        edge: p.edge,
        vector: p.vector === null ? null : `${id(p.vector.rootId)} ${p.vector.rootPathCost} ${id(p.vector.designatedId)} ${p.vector.designatedPort.toString(16)}`,
      })),
    };
  }).sort((a, b) => (a.bridge < b.bridge ? -1 : a.bridge > b.bridge ? 1 : 0));
}

/** `switch:port-index` of every port in a blocking state (discarding), sorted. */
export function blockedPorts(bridges: ReadonlyMap<string, SpanningTreeBridge>): string[] {
  const out: string[] = [];
  for (const [name, b] of bridges) b.switch.ports.forEach((p, i) => { if (b.state(i) === 'blocking') out.push(`${name}>${p.peer?.owner.name ?? '-'}`); });
  return out.sort();
}

/**
 * A probe: `from` broadcasts an ARP request every `interval` ns from `start` to `end`. Returns a
 * function giving the arrival times at `to` of those probes so far (BPDUs and other frames excluded).
 */
export function probe(net: Network, from: Station, to: Station, start: number, end: number, interval: number): () => number[] {
  const before = to.received.length;
  for (let t = start; t <= end; t += interval) net.kernel.scheduleAt(t, 'probe', 'send', () => from.broadcast());
  return () => to.received.slice(before).filter((r) => {
    const p = r.frame.eth.payload;
    return p.kind === 'arp' && p.operation === ARP_OP_REQUEST && r.frame.eth.source === from.mac;
  }).map((r) => r.time);
}

/** The first arrival at or after `t`, or -1. */
export function firstAfter(arrivals: readonly number[], t: number): number {
  for (const a of arrivals) if (a >= t) return a;
  return -1;
}

/** Every protocol, for `describe.each`. */
export const PROTOCOLS: readonly SpanningTreeProtocol[] = ['stp', 'rstp'];
