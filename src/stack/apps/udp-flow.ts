/**
 * Measurement traffic. A {@link UdpFlow} sends tagged datagrams (flow-payload.ts) at a constant rate
 * from one host to an address; a {@link FlowSink} on the receiving host records what arrives. A
 * {@link FlowRecord} counts packets sent and delivered and traces each send and each first delivery
 * (`flow-sent`, `flow-delivered`); it keeps no per-packet record, only the delivered sequence numbers
 * as ranges, so its memory grows with the losses, not with the packets. When and where packets were
 * lost is the metrics layer's to work out from the trace, which reads the same tags.
 */
import type { Kernel, TraceChannel } from '../../sim/index.js';
import type { Ipv4Address, Ipv6Address } from '../../wire/index.js';
import type { Host } from '../host.js';
import { flowPayload, readFlowTag } from './flow-payload.js';
import { SequenceSet } from './sequence-set.js';

declare module '../../sim/trace.js' {
  interface TraceEventMap {
    /** A measurement packet left its sender (`node`) as packet `sequence` of flow `flow`. */
    'flow-sent': { readonly flow: number; readonly sequence: number };
    /** A measurement packet reached its addressee (`node`) for the first time. */
    'flow-delivered': { readonly flow: number; readonly sequence: number };
  }
}

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

/** One flow's record: how many packets were sent and delivered; each send and first delivery is traced. */
export class FlowRecord {
  readonly id: number;
  readonly name: string;
  /** Packets the sending host could not even send (no source address, node down). */
  notSent = 0;
  private readonly kernel: Kernel;
  private readonly sentSet = new SequenceSet();
  private readonly deliveredSet = new SequenceSet();
  private readonly sentChannel: TraceChannel<'flow-sent'>;
  private readonly deliveredChannel: TraceChannel<'flow-delivered'>;

  constructor(kernel: Kernel, id: number, name: string) {
    this.kernel = kernel;
    this.id = id;
    this.name = name;
    this.sentChannel = kernel.trace.channel('flow-sent');
    this.deliveredChannel = kernel.trace.channel('flow-delivered');
  }

  /** Distinct packets sent. */
  get sent(): number {
    return this.sentSet.size;
  }

  /** Distinct packets delivered. */
  get delivered(): number {
    return this.deliveredSet.size;
  }

  /** Whether packet `sequence` was delivered. */
  isDelivered(sequence: number): boolean {
    return this.deliveredSet.has(sequence);
  }

  /**
   * Records that `node` sent packet `sequence` now (call it before handing the packet to the stack);
   * sending it again (a response to a request that arrived twice) counts once.
   */
  noteSent(node: string, sequence: number): void {
    if (!this.sentSet.add(sequence)) return;
    if (this.sentChannel.active) this.sentChannel.emit({ type: 'flow-sent', time: this.kernel.now, node, flow: this.id, sequence });
  }

  /** Records that packet `sequence` reached `node` now (a duplicate is ignored: the first arrival counts). */
  markDelivered(node: string, sequence: number): void {
    if (!this.deliveredSet.add(sequence)) return;
    if (this.deliveredChannel.active) this.deliveredChannel.emit({ type: 'flow-delivered', time: this.kernel.now, node, flow: this.id, sequence });
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
    this.record = new FlowRecord(kernel, config.id, config.name);
    const interval = Math.round(1e9 / config.rate);
    const send = (sequence: number): void => {
      const now = kernel.now;
      const payload = flowPayload(config.id, sequence, now, config.size);
      this.record.noteSent(config.from.name, sequence);
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

  constructor(host: Host, port = FLOW_PORT) {
    host.bindUdp(port, (d) => {
      const tag = readFlowTag(d.payload);
      if (tag === undefined) return;
      this.flows.get(tag.flow)?.markDelivered(host.name, tag.sequence);
    });
  }

  /** Starts recording deliveries for `record`'s flow. */
  expect(record: FlowRecord): void {
    this.flows.set(record.id, record);
  }
}
