/**
 * Measurement traffic. A {@link UdpFlow} sends tagged datagrams (flow-payload.ts) at a constant rate
 * from one host to an address; a {@link FlowSink} on the receiving host records what arrives. Every
 * packet's fate is kept: when it was sent and when it was delivered (or that it was not). Where lost
 * packets died is attributed from the trace by the metrics layer, which reads the same tags.
 */
import type { Kernel } from '../../sim/index.js';
import type { Ipv4Address, Ipv6Address } from '../../wire/index.js';
import type { Host } from '../host.js';
import { flowPayload, readFlowTag } from './flow-payload.js';

/** What sends a flow: a host, or something that stands for one (the active member of a gateway pair). */
export type UdpSender = Pick<Host, 'name' | 'sendUdp'>;

/** Settings of a constant-rate flow. */
export interface UdpFlowConfig {
  /** A number unique in the run; it is in every packet. */
  readonly id: number;
  readonly name: string;
  readonly from: UdpSender;
  readonly to: Ipv4Address | Ipv6Address;
  /** Packets per second. */
  readonly rate: number;
  /** UDP payload bytes (at least 20). */
  readonly size: number;
  /** Send times: the first packet at `start`, the last before `stop` (ns). */
  readonly start: number;
  readonly stop: number;
  readonly sourcePort?: number;
  readonly destinationPort?: number;
}

/** The default UDP port of measurement traffic (one no Wireshark dissector claims, so captures show plain data). */
export const FLOW_PORT = 43_000;

/** One flow's record: send and delivery times by sequence number (-1 = not delivered). */
export class FlowRecord {
  readonly id: number;
  readonly name: string;
  readonly sentAt: number[] = [];
  readonly deliveredAt: number[] = [];
  /** Packets the sending host could not even send (no source address, node down). */
  notSent = 0;

  constructor(id: number, name: string) {
    this.id = id;
    this.name = name;
  }

  get sent(): number {
    return this.sentAt.length;
  }

  get delivered(): number {
    let n = 0;
    for (const t of this.deliveredAt) if (t >= 0) n++;
    return n;
  }

  /** Records that `sequence` arrived at `time` (a duplicate keeps the first arrival). */
  markDelivered(sequence: number, time: number): void {
    if (sequence < this.deliveredAt.length && this.deliveredAt[sequence]! < 0) this.deliveredAt[sequence] = time;
  }
}

/** Sends one flow. */
export class UdpFlow {
  readonly record: FlowRecord;
  private readonly config: UdpFlowConfig;
  private readonly kernel: Kernel;

  constructor(kernel: Kernel, config: UdpFlowConfig) {
    if (!(config.rate > 0)) throw new RangeError(`flow ${config.name}: rate must be positive`);
    if (!(config.stop > config.start)) throw new RangeError(`flow ${config.name}: stop must come after start`);
    this.kernel = kernel;
    this.config = config;
    this.record = new FlowRecord(config.id, config.name);
    const interval = Math.round(1e9 / config.rate);
    const send = (sequence: number): void => {
      const now = kernel.now;
      const payload = flowPayload(config.id, sequence, now, config.size);
      this.record.sentAt.push(now);
      this.record.deliveredAt.push(-1);
      const port = config.destinationPort ?? FLOW_PORT;
      if (!config.from.sendUdp(config.to, config.sourcePort ?? port, port, payload)) this.record.notSent++;
      const next = config.start + (sequence + 1) * interval;
      if (next < config.stop) kernel.scheduleAt(next, config.from.name, 'flow-send', () => send(sequence + 1));
    };
    kernel.scheduleAt(config.start, config.from.name, 'flow-send', () => send(0));
  }

  get name(): string {
    return this.config.name;
  }

  get now(): number {
    return this.kernel.now;
  }
}

/** Receives the flows addressed to one host and port and marks their packets delivered. */
export class FlowSink {
  private readonly flows = new Map<number, FlowRecord>();
  private readonly kernel: Kernel;

  constructor(kernel: Kernel, host: Host, port = FLOW_PORT) {
    this.kernel = kernel;
    host.bindUdp(port, (d) => {
      const tag = readFlowTag(d.payload);
      if (tag === undefined) return;
      this.flows.get(tag.flow)?.markDelivered(tag.sequence, this.kernel.now);
    });
  }

  /** Starts recording deliveries for `record`'s flow. */
  expect(record: FlowRecord): void {
    this.flows.set(record.id, record);
  }
}
