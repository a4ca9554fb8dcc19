/**
 * Traffic: each entry of the scenario's `traffic` fans out to one flow per (sender, receiver) pair of
 * different nodes (a group names each of its hosts; `gateway` is the core gateway, the pair's master,
 * or the anycast instance on the first edge switch as a sender, and every instance as a receiver; an
 * address is a receiver nobody may have). Flow ids are odd numbers from 1 in that order (a
 * request/response flow's responses take the even id after its own).
 */
import type { FlowRecord, Host, PingSender, UdpSender } from '../../stack/index.js';
import { FlowSink, PingFlow, RequestResponseFlow, UdpFlow } from '../../stack/index.js';
import type { Ipv4Address, Ipv6Address } from '../../wire/index.js';
import { formatIpv4, parseIpv4, parseIpv6 } from '../../wire/index.js';
import type { BuildContext } from './context.js';
import type { BuiltGateways } from './gateways.js';

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

/** A traffic end point: who sends for it, who receives for it, and its addresses. */
interface Endpoint {
  readonly name: string;
  readonly sender: UdpSender & PingSender;
  readonly host: Host | null;
  readonly receivers: readonly Host[];
  readonly v4?: Ipv4Address;
  readonly v6?: Ipv6Address;
}

/** A host as an end point; `planned4` is the IPv4 address a DHCP host will lease (it has none yet). */
function hostEndpoint(host: Host, planned4?: Ipv4Address): Endpoint {
  const v4 = host.ipv4[0]?.address ?? planned4;
  return {
    name: host.name, sender: host, host, receivers: [host],
    ...(v4 === undefined ? {} : { v4 }),
    ...(host.ipv6[0] === undefined ? {} : { v6: host.ipv6[0].address }),
  };
}

/** Resolves traffic end point names against the built nodes. */
class Endpoints {
  private readonly gateway: Endpoint;
  private readonly groupIndex: ReadonlyMap<string, number>;

  constructor(
    private readonly c: BuildContext,
    private readonly gateways: BuiltGateways,
    private readonly hosts: ReadonlyMap<string, Host>,
    private readonly planned4: ReadonlyMap<string, Ipv4Address>,
  ) {
    const nodes = gateways.nodes;
    const pair = gateways.pair;
    const placement = c.run.gateway.placement;
    // A pair sends from its master; anycast from the first edge's instance. Either way, an echo reply
    // counts wherever it comes back in (routed back in by whichever instance is nearest the host).
    const sender: UdpSender & PingSender =
      pair !== null ? pair.sender('gateway')
        : placement === 'anycast' ? {
          name: 'gateway',
          sendUdp: (...args: Parameters<Host['sendUdp']>) => nodes[0]!.sendUdp(...args),
          ping: (...args: Parameters<Host['ping']>) => nodes[0]!.ping(...args),
          onEchoReply: (handler: Parameters<Host['onEchoReply']>[0]) => {
            for (const instance of nodes) instance.onEchoReply(handler);
          },
        }
          : nodes[0]!;
    const receivers = placement === 'core' ? [nodes[0]!] : nodes;
    this.gateway = {
      name: 'gateway', sender, host: pair === null ? nodes[0]! : null, receivers,
      ...(gateways.ipv4 === undefined ? {} : { v4: gateways.ipv4 }),
      ...(gateways.ipv6 === undefined ? {} : { v6: gateways.ipv6 }),
    };
    this.groupIndex = new Map(c.scenario.hosts.map((grp, i) => [grp.name, i]));
  }

  resolve(name: string): Endpoint[] {
    if (name === 'gateway') return [this.gateway];
    const gw = this.gateways.nodes.find((x) => x.name === name);
    if (gw !== undefined) return [hostEndpoint(gw)];
    const host = this.hosts.get(name);
    if (host !== undefined) return [hostEndpoint(host, this.planned4.get(name))];
    const gi = this.groupIndex.get(name);
    if (gi !== undefined) {
      const out: Endpoint[] = [];
      for (let i = 0; i < this.c.scenario.hosts[gi]!.count; i++) {
        const n = `${name}-${i + 1}`;
        out.push(hostEndpoint(this.hosts.get(n)!, this.planned4.get(n)));
      }
      return out;
    }
    // An address (validated): a receiver nobody may have.
    const v4 = parseIpv4(name);
    if (v4 !== undefined) return [{ name, sender: this.gateway.sender, host: null, receivers: [], v4 }];
    const v6 = parseIpv6(name);
    if (v6 !== undefined) return [{ name, sender: this.gateway.sender, host: null, receivers: [], v6 }];
    throw new RangeError(`traffic endpoint ${name} is not in the model`);
  }
}

/** The mulberry32 increment (a Weyl sequence step). */
const MULBERRY32_INCREMENT = 0x6d2b79f5;

/**
 * Start offsets of `count` senders, in nanoseconds (see the `startSpread` field): offset_i =
 * floor(r_i * over / 2^32), modulo `wrap` when given, r_i the i-th output of mulberry32(seed) (Tommy
 * Ettinger's 32-bit generator, public domain). The product is taken in BigInt, so it is exact.
 */
export function startOffsets(count: number, spread: { readonly seed: number; readonly over: number; readonly wrap?: number | undefined }): Float64Array {
  const out = new Float64Array(count);
  const over = BigInt(spread.over);
  let state = spread.seed | 0;
  for (let i = 0; i < count; i++) {
    state = (state + MULBERRY32_INCREMENT) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = (t ^ (t >>> 14)) >>> 0;
    const offset = Number((BigInt(r) * over) >> 32n);
    out[i] = spread.wrap === undefined ? offset : offset % spread.wrap;
  }
  return out;
}

/** Builds every traffic entry's flows (they start sending at their `start`). */
export function buildTraffic(c: BuildContext, gateways: BuiltGateways, hosts: ReadonlyMap<string, Host>, planned4: ReadonlyMap<string, Ipv4Address> = new Map()): BuiltTraffic[] {
  const { kernel, scenario } = c;
  const sinks = new Map<Host, FlowSink>();
  const sinkOf = (host: Host): FlowSink => {
    let s = sinks.get(host);
    if (s === undefined) sinks.set(host, (s = new FlowSink(host)));
    return s;
  };
  const endpoints = new Endpoints(c, gateways, hosts, planned4);
  let nextFlowId = 1;
  const traffic: BuiltTraffic[] = [];
  for (const flow of scenario.traffic) {
    const records: BuiltFlowRecord[] = [];
    const senders = endpoints.resolve(flow.from);
    const receivers = endpoints.resolve(flow.to);
    const offsets = flow.startSpread === undefined ? undefined : startOffsets(senders.length, flow.startSpread);
    for (let i = 0; i < senders.length; i++) {
      const from = senders[i]!;
      for (const to of receivers) {
        if (from.name === to.name) continue;
        const address = flow.family === 'ipv4' ? to.v4 : to.v6;
        if (address === undefined) continue;
        const id = nextFlowId;
        nextFlowId += 2;
        const name = `${flow.name}:${from.name}>${to.name}`;
        const start = flow.start + (offsets === undefined ? 0 : offsets[i]!);
        let stop = Math.min(flow.stop, scenario.duration);
        // At most `packets` sends: the k-th goes at start + k * interval while that is before stop.
        if (flow.packets !== undefined) stop = Math.min(stop, start + flow.packets * Math.round(1e9 / flow.rate));
        if (!(stop > start)) continue;
        const addressText = typeof address === 'number' ? formatIpv4(address) : address;
        if (flow.kind === 'udp') {
          const f = new UdpFlow(kernel, { id, name, from: from.sender, to: address, rate: flow.rate, size: flow.size, start, stop });
          for (const r of to.receivers) sinkOf(r).expect(f.record);
          records.push({ from: from.name, to: to.name, address: addressText, record: f.record });
        } else if (flow.kind === 'ping') {
          const silentReceivers = to.receivers.filter((r) => !r.answersEcho(flow.family));
          const f = new PingFlow(kernel, { id, name, from: from.sender, to: address, rate: flow.rate, size: Math.max(flow.size, 20), start, stop, silentReceivers });
          records.push({ from: from.name, to: to.name, address: addressText, record: f.record });
        } else {
          const client = from.host ?? gateways.nodes[0]!;
          const server = to.host ?? to.receivers[0];
          if (server === undefined) continue;
          const f = new RequestResponseFlow(kernel, { id, name, client, server, to: address, rate: flow.rate, requestSize: flow.size, responseSize: flow.responseSize, start, stop });
          records.push({ from: from.name, to: to.name, address: addressText, record: f.requests, responses: f.responses });
        }
      }
    }
    traffic.push({ name: flow.name, kind: flow.kind, records });
  }
  return traffic;
}
