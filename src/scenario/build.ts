/**
 * The builder: a validated {@link Scenario} becomes a model ready to run — the fabric from its
 * generator (spanning trees start converged, so no 30-50 s warm-up is simulated), the gateway(s) in
 * their placement, the hosts with their profiles and addresses, the traffic, the timed events and the
 * link impairments. Models never read YAML; this is the only place that turns settings into objects
 * (as ns-3's helpers do).
 *
 * Conventions the builder fixes (documented in the README): MACs come from the layout's MAC plan
 * (hosts 02:00 + their number, gateway nodes 02:00:5e:00:00:nn); VMs are plugged into their
 * hypervisor's virtual switch, named like the hypervisor (hv-3); addresses are configured as
 * they would be long before the run (no DAD), except in groups with `allowAddressConflict`, whose
 * hosts configure their addresses at time 0 and so run RFC 5227 / RFC 4862 detection; a traffic entry
 * fans out to one flow per (sender, receiver) pair of different nodes; `gateway` as a sender is the
 * core gateway, the master of a pair, or the anycast instance on the first edge switch.
 */
import type { Link, LearningSwitch } from '../net/index.js';
import { Network, portsTowards } from '../net/index.js';
import type { Topology } from '../net/topology/index.js';
import { fatTree, leafSpine, threeTier } from '../net/topology/index.js';
import { Kernel } from '../sim/index.js';
import type { FlowRecord, ImplementationProfile, PingSender, UdpSender } from '../stack/index.js';
import { FlowSink, Host, PROFILES, PingFlow, RedundantGatewayPair, RequestResponseFlow, UdpFlow, withOverrides } from '../stack/index.js';
import type { Ipv4Address, Ipv6Address } from '../wire/index.js';
import { parseIpv4, parseIpv6, parseMac } from '../wire/index.js';
import type { Scenario } from './normalise.js';
import type { ScenarioLayout } from './layout.js';
import { scenarioLayout } from './layout.js';
import type { RunSpec } from './runs.js';
import type { Edge, RemedySpec } from '../migration/index.js';
import { EvpnControlPlane, Hypervisor, LiveMigration, startKeepalive, syncAnycastNeighbors } from '../migration/index.js';

/** One traffic entry of the scenario, as built: every (sender, receiver) pair's records. */
export interface BuiltTraffic {
  readonly name: string;
  readonly kind: 'udp' | 'ping' | 'request-response';
  readonly records: readonly BuiltFlowRecord[];
}

/** One pair's record. */
export interface BuiltFlowRecord {
  readonly from: string;
  readonly to: string;
  /** The receiver's address. */
  readonly address: string;
  readonly record: FlowRecord;
  /** For request-response: the responses (to → from). */
  readonly responses?: FlowRecord;
}

/** The model of one run. */
export interface Model {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly kernel: Kernel;
  readonly network: Network;
  readonly topology: Topology;
  readonly layout: ScenarioLayout;
  /** Every gateway node. */
  readonly gateways: readonly Host[];
  /** Hosts by name (gateways not included). */
  readonly hosts: ReadonlyMap<string, Host>;
  /** Names of every end station (hosts and gateways), for metrics that look at end stations only. */
  readonly endStations: ReadonlySet<string>;
  /** Every switch of the fabric. */
  readonly switches: readonly LearningSwitch[];
  readonly traffic: readonly BuiltTraffic[];
  /** The redundant pair, when the gateway placement is `pair`. */
  readonly pair: RedundantGatewayPair | null;
  /** The run this model is for. */
  readonly run: RunSpec;
  /** Hypervisors by name. */
  readonly hypervisors: ReadonlyMap<string, Hypervisor>;
  /** The run's migrations, in the scenario's order. */
  readonly migrations: readonly LiveMigration[];
  /** True for `gateway` and every gateway node's name. */
  isGateway(name: string): boolean;
}

/** The profile named `name` with per-node overrides. */
export function profileFor(name: string, overrides: Readonly<Record<string, number | undefined>>): ImplementationProfile {
  const base = PROFILES[name];
  if (base === undefined) throw new RangeError(`unknown profile ${name}`);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Record<string, number>;
  return withOverrides(base, defined);
}

function prefixLength(prefix: string | undefined): number {
  return prefix === undefined ? 0 : Number(prefix.split('/')[1]);
}

function buildTopology(network: Network, s: Scenario): Topology {
  const f = s.fabric;
  const common = {
    mode: f.bridging,
    hostPortsPerEdge: f.hostPortsPerEdge,
    hostLink: { rate: f.links.access.rate, delay: f.links.access.delay, queueBytes: f.links.access.queue },
    switchConfig: { agingTime: f.macAgingTime, macTableCapacity: f.macTableCapacity },
    spanningTree: { startConverged: true },
  } as const;
  const fabricLink = { rate: f.links.fabric.rate, delay: f.links.fabric.delay, queueBytes: f.links.fabric.queue };
  switch (f.kind) {
    case 'leaf-spine':
      return leafSpine(network, { ...common, leaves: f.leaves, spines: f.spines, fabricLink });
    case 'tree':
      return threeTier(network, { ...common, cores: f.core, blocks: 1, aggregationPerBlock: f.aggregation, accessPerBlock: f.access, accessLink: fabricLink, aggregationLink: fabricLink });
    case 'fat-tree':
      return fatTree(network, { ...common, k: f.k, edgeLink: fabricLink, coreLink: fabricLink });
  }
}

/** Builds the model of one run of `scenario` (the first when none is given), with `seed` (default the run's). */
export function buildModel(scenario: Scenario, run: RunSpec = scenario.runs[0]!, seed: number = run.seed): Model {
  const kernel = new Kernel({ seed });
  const network = new Network(kernel);
  const topology = buildTopology(network, scenario);
  const layout = scenarioLayout(scenario);
  const end = scenario.duration;
  const v4Prefix = prefixLength(scenario.subnet.ipv4);
  const v6Prefix = prefixLength(scenario.subnet.ipv6);

  // ---- gateways ------------------------------------------------------------------------------
  const g = run.gateway;
  const gatewayProfile = profileFor(g.profile, g.sysctls as Record<string, number | undefined>);
  const vip4 = g.ipv4 === null ? undefined : parseIpv4(g.ipv4)!;
  const vip6 = g.ipv6 === null ? undefined : parseIpv6(g.ipv6)!;
  const vmac = g.virtualMac === null ? undefined : parseMac(g.virtualMac)!;
  const gateways: Host[] = [];
  layout.gateways.forEach((node) => {
    const host = new Host(network, node.name, { mac: parseMac(node.mac)!, profile: gatewayProfile });
    if (g.placement === 'pair') {
      if (node.ownIpv4 !== null) host.addIpv4(parseIpv4(node.ownIpv4)!, v4Prefix, { skipDad: true });
      if (node.ownIpv6 !== null) host.addIpv6(parseIpv6(node.ownIpv6)!, v6Prefix, { skipDad: true });
    } else {
      const mac = g.placement === 'anycast' ? vmac : undefined;
      if (vip4 !== undefined) host.addIpv4(vip4, v4Prefix, { skipDad: true, ...(mac === undefined ? {} : { mac }) });
      if (vip6 !== undefined) host.addIpv6(vip6, v6Prefix, { skipDad: true, ...(mac === undefined ? {} : { mac }) });
    }
    if (g.placement === 'anycast') {
      // The anycast gateway lives in its edge switch: a port of its own, the virtual MAC pinned there.
      const sw = topology.switch(node.edge);
      const port = sw.addPort(sw.mode(topology.hostPorts(node.edge)[0]?.index ?? 0));
      network.connect(host.port, port, { rate: scenario.fabric.links.access.rate, delay: 0 });
    } else {
      topology.connectHost(node.edge, host.port);
    }
    gateways.push(host);
  });
  let pair: RedundantGatewayPair | null = null;
  if (g.placement === 'pair') {
    pair = new RedundantGatewayPair(kernel, gateways[0]!, gateways[1]!, {
      mac: vmac!,
      ...(vip4 === undefined ? {} : { ipv4: { address: vip4, prefixLength: v4Prefix } }),
      ...(vip6 === undefined ? {} : { ipv6: { address: vip6, prefixLength: v6Prefix } }),
    });
  }
  const switches = [...topology.switches.values()];
  if (g.placement === 'anycast' && vmac !== undefined) {
    // Every switch pins the anycast MAC: edges to their own gateway, the others towards the first edge,
    // so the many instances never look like one MAC moving around.
    const towardsFirst = portsTowards(switches, topology.switch(layout.gateways[0]!.edge));
    for (const sw of switches) {
      const port = gateways.find((h) => h.port.peer?.owner === sw)?.port.peer?.index ?? towardsFirst.get(sw);
      if (port !== undefined) sw.fdb.learn(1, vmac, port, 0, 'static');
    }
    syncAnycastNeighbors(kernel, gateways, vmac);
  }

  // ---- hypervisors --------------------------------------------------------------------------------
  const hypervisors = new Map<string, Hypervisor>();
  const hv = scenario.hypervisors;
  for (const h of layout.hypervisors) {
    const hypervisor = new Hypervisor(network, h.name, { ...(hv === null ? {} : { agingTime: hv.vswitchAgingTime, vlan: hv.vlan }) });
    topology.connectHost(h.edge, hypervisor.uplink);
    hypervisors.set(h.name, hypervisor);
  }

  // ---- hosts ---------------------------------------------------------------------------------
  const hosts = new Map<string, Host>();
  for (const h of layout.hosts()) {
    const group = run.hosts[h.group]!;
    const profile = profileFor(group.profile, group.sysctls as Record<string, number | undefined>);
    const host = new Host(network, h.name, {
      mac: parseMac(h.mac)!,
      profile,
      ...(vip4 === undefined ? {} : { gateway4: vip4 }),
      ...(vip6 === undefined ? {} : { gateway6: vip6 }),
    });
    const dad = group.allowAddressConflict === true;
    if (h.ipv4 !== null) host.addIpv4(parseIpv4(h.ipv4)!, v4Prefix, { skipDad: !dad });
    if (h.ipv6 !== null) host.addIpv6(parseIpv6(h.ipv6)!, v6Prefix, { skipDad: !dad });
    if (h.hypervisor === null) topology.connectHost(h.edge, host.port);
    else hypervisors.get(h.hypervisor)!.plug(host);
    hosts.set(h.name, host);
  }

  // ---- traffic -------------------------------------------------------------------------------
  const sinks = new Map<Host, FlowSink>();
  const sinkOf = (host: Host): FlowSink => {
    let s = sinks.get(host);
    if (s === undefined) sinks.set(host, (s = new FlowSink(kernel, host)));
    return s;
  };
  // A pair sends from its master; anycast from the first edge's instance. Either way, an echo reply
  // counts wherever it comes back in (routed back in by whichever instance is nearest the host).
  const gatewaySender: UdpSender & PingSender =
    pair !== null ? pair.sender('gateway')
      : g.placement === 'anycast' ? {
        name: 'gateway',
        sendUdp: (...args: Parameters<Host['sendUdp']>) => gateways[0]!.sendUdp(...args),
        ping: (...args: Parameters<Host['ping']>) => gateways[0]!.ping(...args),
        onEchoReply: (handler: Parameters<Host['onEchoReply']>[0]) => {
          for (const instance of gateways) instance.onEchoReply(handler);
        },
      }
        : gateways[0]!;
  const gatewayReceivers = g.placement === 'pair' ? gateways : g.placement === 'anycast' ? gateways : [gateways[0]!];
  const groupIndex = new Map(scenario.hosts.map((grp, i) => [grp.name, i]));
  type Endpoint = { name: string; sender: UdpSender & PingSender; host: Host | null; receivers: readonly Host[]; v4?: Ipv4Address; v6?: Ipv6Address };
  const hostEndpoint = (host: Host): Endpoint => ({
    name: host.name, sender: host, host, receivers: [host],
    ...(host.ipv4[0] === undefined ? {} : { v4: host.ipv4[0].address }),
    ...(host.ipv6[0] === undefined ? {} : { v6: host.ipv6[0].address }),
  });
  const resolve = (name: string): Endpoint[] => {
    if (name === 'gateway') {
      return [{ name: 'gateway', sender: gatewaySender, host: pair === null ? gateways[0]! : null, receivers: gatewayReceivers, ...(vip4 === undefined ? {} : { v4: vip4 }), ...(vip6 === undefined ? {} : { v6: vip6 }) }];
    }
    const gw = gateways.find((x) => x.name === name);
    if (gw !== undefined) return [hostEndpoint(gw)];
    const host = hosts.get(name);
    if (host !== undefined) return [hostEndpoint(host)];
    const gi = groupIndex.get(name);
    if (gi !== undefined) {
      const out: Endpoint[] = [];
      for (let i = 0; i < scenario.hosts[gi]!.count; i++) out.push(hostEndpoint(hosts.get(`${name}-${i + 1}`)!));
      return out;
    }
    // An address (validated): a receiver nobody may have.
    const v4 = parseIpv4(name);
    if (v4 !== undefined) return [{ name, sender: gatewaySender, host: null, receivers: [], v4 }];
    const v6 = parseIpv6(name);
    if (v6 !== undefined) return [{ name, sender: gatewaySender, host: null, receivers: [], v6 }];
    throw new RangeError(`traffic endpoint ${name} is not in the model`);
  };
  let nextFlowId = 1;
  const traffic: BuiltTraffic[] = [];
  for (const flow of scenario.traffic) {
    const records: BuiltFlowRecord[] = [];
    for (const from of resolve(flow.from)) {
      for (const to of resolve(flow.to)) {
        if (from.name === to.name) continue;
        const address = flow.family === 'ipv4' ? to.v4 : to.v6;
        if (address === undefined) continue;
        const id = nextFlowId;
        nextFlowId += 2;
        const name = `${flow.name}:${from.name}>${to.name}`;
        const start = flow.start;
        const stop = Math.min(flow.stop, end);
        if (!(stop > start)) continue;
        const addressText = typeof address === 'number' ? `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}` : address;
        if (flow.kind === 'udp') {
          const f = new UdpFlow(kernel, { id, name, from: from.sender, to: address, rate: flow.rate, size: flow.size, start, stop });
          for (const r of to.receivers) sinkOf(r).expect(f.record);
          records.push({ from: from.name, to: to.name, address: addressText, record: f.record });
        } else if (flow.kind === 'ping') {
          const f = new PingFlow(kernel, { id, name, from: from.sender, to: address, rate: flow.rate, size: Math.max(flow.size, 20), start, stop });
          records.push({ from: from.name, to: to.name, address: addressText, record: f.record });
        } else {
          const client = from.host ?? gateways[0]!;
          const server = to.host ?? to.receivers[0];
          if (server === undefined) continue;
          const f = new RequestResponseFlow(kernel, { id, name, client, server, to: address, rate: flow.rate, requestSize: flow.size, responseSize: flow.responseSize, start, stop });
          records.push({ from: from.name, to: to.name, address: addressText, record: f.requests, responses: f.responses });
        }
      }
    }
    traffic.push({ name: flow.name, kind: flow.kind, records });
  }

  // ---- events ----------------------------------------------------------------------------------
  const allLinks = (): Link[] => [...network.links];
  const linksMatching = (pattern: string): Link[] => {
    const re = globRegExp(pattern);
    return allLinks().filter((l) => re.test(l.name) || re.test(l.a.name) || re.test(l.b.name) || re.test(l.a.owner.name) || re.test(l.b.owner.name));
  };
  const hostsMatching = (target: string): Host[] => {
    if (target === '*') return [...gateways, ...hosts.values()];
    if (target === 'gateway') return pair !== null ? [pair.master] : gateways;
    const gw = gateways.find((x) => x.name === target);
    if (gw !== undefined) return [gw];
    const host = hosts.get(target);
    if (host !== undefined) return [host];
    const gi = groupIndex.get(target);
    if (gi === undefined) return [];
    return Array.from({ length: scenario.hosts[gi]!.count }, (_, i) => hosts.get(`${target}-${i + 1}`)!);
  };
  for (const e of run.events) {
    kernel.scheduleAt(e.at, 'scenario', e.kind, () => {
      switch (e.kind) {
        case 'gateway-restart':
          for (const h of hostsMatching(e.target)) h.restart(e.duration);
          return;
        case 'link-down':
          for (const l of linksMatching(e.target)) {
            l.setUp(false);
            if (e.duration !== undefined) kernel.schedule(e.duration, 'scenario', 'link-up', () => l.setUp(true));
          }
          return;
        case 'link-up':
          for (const l of linksMatching(e.target)) l.setUp(true);
          return;
        case 'host-down':
          for (const h of hostsMatching(e.target)) {
            h.setUp(false);
            if (e.duration !== undefined) kernel.schedule(e.duration, 'scenario', 'host-up', () => h.setUp(true));
          }
          return;
        case 'host-up':
          for (const h of hostsMatching(e.target)) h.setUp(true);
          return;
        case 'flush-neighbors':
          for (const h of hostsMatching(e.target)) {
            if (e.family !== 'ipv6') for (const a of [...h.arp.entries().keys()]) h.arp.remove(a);
            if (e.family !== 'ipv4') for (const a of [...h.nd.entries().keys()]) h.nd.remove(a);
          }
          return;
      }
    });
  }

  // ---- impairments -----------------------------------------------------------------------------
  for (const rule of run.loss) {
    for (const l of linksMatching(rule.links)) {
      const config = { loss: rule.model, congestion: rule.congestion };
      if (rule.direction !== 'b-to-a') l.impair(l.a, config);
      if (rule.direction !== 'a-to-b') l.impair(l.b, config);
    }
  }

  // ---- migrations and remedies ---------------------------------------------------------------
  const allSwitches = [...switches, ...[...hypervisors.values()].map((x) => x.vswitch)];
  const world = { network, switches: allSwitches, gateways };
  const migrations = run.migrations.map((m) => new LiveMigration(world, {
    vm: hosts.get(m.vm)!,
    from: hypervisors.get(m.from)!,
    to: hypervisors.get(m.to)!,
    start: m.at,
    timing: m.timing,
    ...(m.newMac === null ? {} : { newMac: parseMac(m.newMac)! }),
    remedies: m.remedies,
    portReadyAfter: m.portReadyAfter,
    vlan: m.vlan,
  }));
  const remedies: RemedySpec[] = [...run.remedies, ...run.migrations.flatMap((m) => m.remedies)];
  const vms = [...hosts.values()].filter((host) => [...hypervisors.values()].some((x) => x.hosts(host)));
  const keepalives = new Set<string>();
  for (const r of remedies) {
    if (r.kind === 'keepalive' && !keepalives.has(r.mode)) {
      keepalives.add(r.mode);
      startKeepalive(kernel, r, vms, gateways, 0, end);
    }
  }
  const evpn = remedies.find((r) => r.kind === 'evpn');
  if (evpn !== undefined && evpn.kind === 'evpn') {
    const edges: Edge[] = topology.edgeSwitches.map((sw) => ({ switch: sw, hostPorts: new Set(topology.hostPorts(sw.name).map((p) => p.index)) }));
    new EvpnControlPlane(kernel, allSwitches, edges, evpn);
  }

  const endStations = new Set<string>([...gateways.map((x) => x.name), ...hosts.keys()]);
  const gatewayNames = new Set(['gateway', ...gateways.map((x) => x.name)]);
  return {
    scenario, seed, kernel, network, topology, layout, gateways, hosts, endStations, switches: allSwitches, traffic, pair,
    run, hypervisors, migrations, isGateway: (name) => gatewayNames.has(name),
  };
}

/** A glob over names (`*` any run, `?` one character) as a regular expression. */
export function globRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
