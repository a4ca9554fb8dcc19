/**
 * Measurement traffic. A {@link UdpFlow} sends tagged datagrams (flow-payload.ts) at a constant rate
 * from one host to an address; a {@link FlowSink} on the receiving host records what arrives. A
 * {@link FlowRecord} counts packets sent and delivered and traces each send and each first delivery
 * (`flow-sent`, `flow-delivered`); it keeps no per-packet record, only the delivered sequence numbers
 * as ranges, so its memory grows with the losses, not with the packets. When and where packets were
 * lost is the metrics layer's to work out from the trace, which reads the same tags.
 */
import type { EventSite, Kernel, TraceChannel } from '../../sim/index.js';
import type { Ipv4Address, Ipv6Address } from '../../wire/index.js';
import type { Host } from '../host.js';
import { flowPayload, isFlowPayload, readFlowId, readFlowSequence } from './flow-payload.js';
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
  protected readonly kernel: Kernel;
  /**
   * Packets sent: while every one so far was noted in order (0, 1, 2, …), they are 0 to
   * `sentInOrder` − 1 and no set is kept (a send reads and writes this record only); the set is made
   * at the first packet out of order. Likewise the packets delivered.
   */
  private sentInOrder = 0;
  private sentSet: SequenceSet | null = null;
  private deliveredInOrder = 0;
  private deliveredSet: SequenceSet | null = null;
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
    return this.sentSet === null ? this.sentInOrder : this.sentSet.size;
  }

  /** Distinct packets delivered. */
  get delivered(): number {
    return this.deliveredSet === null ? this.deliveredInOrder : this.deliveredSet.size;
  }

  /** Whether packet `sequence` was delivered. */
  isDelivered(sequence: number): boolean {
    return this.deliveredSet === null ? sequence >= 0 && sequence < this.deliveredInOrder : this.deliveredSet.has(sequence);
  }

  /**
   * Records that `node` sent packet `sequence` now (call it before handing the packet to the stack);
   * sending it again (a response to a request that arrived twice) counts once.
   */
  noteSent(node: string, sequence: number): void {
    if (this.sentSet === null && sequence === this.sentInOrder) this.sentInOrder++;
    else if (!(this.sentSet ??= SequenceSet.upTo(this.sentInOrder)).add(sequence)) return;
    if (this.sentChannel.active) this.sentChannel.emit({ type: 'flow-sent', time: this.kernel.now, node, flow: this.id, sequence });
  }

  /** Records that packet `sequence` reached `node` now (a duplicate is ignored: the first arrival counts). */
  markDelivered(node: string, sequence: number): void {
    if (this.deliveredSet === null && sequence === this.deliveredInOrder) this.deliveredInOrder++;
    else if (!(this.deliveredSet ??= SequenceSet.upTo(this.deliveredInOrder)).add(sequence)) return;
    if (this.deliveredChannel.active) this.deliveredChannel.emit({ type: 'flow-delivered', time: this.kernel.now, node, flow: this.id, sequence });
  }
}

/**
 * Sends one flow. The flow is its own record ({@link record} is the flow itself): a send reads and
 * writes one object, not the flow and a record beside it.
 */
export class UdpFlow extends FlowRecord {
  private readonly config: UdpFlowConfig;
  private readonly interval: number;
  private readonly sourcePort: number;
  private readonly destinationPort: number;
  /** The packet the next send event sends. */
  private sequence = 0;
  /** Where send events are queued: the sender's site, looked up again if the sender's name changes. */
  private site: EventSite;
  private siteNode: string;
  /**
   * The one action of every send event (no closure per packet), bound to this flow, and the
   * settings a send reads, in the flow's own fields: a send reads the flow, not its config too.
   */
  private readonly sendNext: () => void;
  private readonly from: UdpSender;
  private readonly to: Ipv4Address | Ipv6Address;
  private readonly size: number;
  private readonly start: number;
  private readonly stop: number;

  constructor(kernel: Kernel, config: UdpFlowConfig) {
    if (!(config.rate > 0)) throw new RangeError(`flow ${config.name}: rate must be positive`);
    if (!(config.stop > config.start)) throw new RangeError(`flow ${config.name}: stop must come after start`);
    super(kernel, config.id, config.name);
    this.config = config;
    this.interval = Math.round(1e9 / config.rate);
    this.destinationPort = config.destinationPort ?? FLOW_PORT;
    this.sourcePort = config.sourcePort ?? this.destinationPort;
    this.from = config.from;
    this.to = config.to;
    this.size = config.size;
    this.start = config.start;
    this.stop = config.stop;
    this.sendNext = this.send.bind(this);
    this.siteNode = config.from.name;
    this.site = kernel.site(this.siteNode, 'flow-send');
    this.schedule(config.start);
  }

  /** The flow's record: the flow itself. */
  get record(): FlowRecord {
    return this;
  }

  /** Queues the next send at `time` under the sender's current name. */
  private schedule(time: number): void {
    const node = this.from.name;
    if (node !== this.siteNode) {
      this.siteNode = node;
      this.site = this.kernel.site(node, 'flow-send');
    }
    this.site.postAt(time, this.sendNext);
  }

  private send(): void {
    const sequence = this.sequence++;
    const from = this.from;
    const payload = flowPayload(this.id, sequence, this.kernel.now, this.size);
    this.noteSent(from.name, sequence);
    if (!from.sendUdp(this.to, this.sourcePort, this.destinationPort, payload)) this.notSent++;
    const next = this.start + (sequence + 1) * this.interval;
    if (next < this.stop) this.schedule(next);
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
      const bytes = d.payload;
      if (!isFlowPayload(bytes)) return;
      this.flows.get(readFlowId(bytes))?.markDelivered(host.name, readFlowSequence(bytes));
    });
  }

  /** Starts recording deliveries for `record`'s flow. */
  expect(record: FlowRecord): void {
    this.flows.set(record.id, record);
  }
}
