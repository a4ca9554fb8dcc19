/**
 * Ping as measurement traffic: echo requests at a constant rate, each carrying the flow tag in its
 * data (so its fate is traced like a UDP flow's), and the replies recorded as deliveries. A reply
 * means the request got there and the answer came back: this flow measures the round trip. To a
 * receiver that answers no echo request (Linux icmp_echo_ignore_all), the requests that arrive are
 * the deliveries: the flow then measures one way, as a UDP flow does.
 */
import type { Kernel } from '../../sim/index.js';
import type { Ipv4Address, Ipv6Address } from '../../wire/index.js';
import type { Host } from '../host.js';
import { flowPayload, readFlowTag } from './flow-payload.js';
import { FlowRecord } from './udp-flow.js';

/** What sends pings: a host, or something that stands for one. */
export type PingSender = Pick<Host, 'name' | 'ping' | 'onEchoReply'>;

/** Settings of a ping flow. */
export interface PingFlowConfig {
  readonly id: number;
  readonly name: string;
  readonly from: PingSender;
  readonly to: Ipv4Address | Ipv6Address;
  readonly rate: number;
  /** Echo data bytes (at least 20, for the tag). */
  readonly size: number;
  readonly start: number;
  readonly stop: number;
  /**
   * Receivers that answer no echo request (Linux icmp_echo_ignore_all): a request reaching one of them
   * counts as delivered when it arrives (one way, as a UDP flow's packet), since no reply comes.
   */
  readonly silentReceivers?: readonly Pick<Host, 'name' | 'onEchoRequest'>[];
}

/** Sends echo requests and records replies. */
export class PingFlow {
  readonly record: FlowRecord;

  constructor(kernel: Kernel, config: PingFlowConfig) {
    if (!(config.rate > 0) || !(config.stop > config.start)) throw new RangeError(`ping ${config.name}: positive rate and start < stop needed`);
    this.record = new FlowRecord(kernel, config.id, config.name);
    const identifier = config.id & 0xffff;
    const interval = Math.round(1e9 / config.rate);
    config.from.onEchoReply((reply) => {
      if (reply.identifier !== identifier) return;
      const tag = readFlowTag(reply.data);
      if (tag !== undefined && tag.flow === config.id) this.record.markDelivered(config.from.name, tag.sequence);
    });
    for (const receiver of config.silentReceivers ?? []) {
      receiver.onEchoRequest((request) => {
        if (request.identifier !== identifier) return;
        const tag = readFlowTag(request.data);
        if (tag !== undefined && tag.flow === config.id) this.record.markDelivered(receiver.name, tag.sequence);
      });
    }
    const send = (sequence: number): void => {
      const now = kernel.now;
      this.record.noteSent(config.from.name, sequence);
      if (!config.from.ping(config.to, identifier, sequence & 0xffff, flowPayload(config.id, sequence, now, config.size))) this.record.notSent++;
      const next = config.start + (sequence + 1) * interval;
      if (next < config.stop) kernel.scheduleAt(next, config.from.name, 'ping-send', () => send(sequence + 1));
    };
    kernel.scheduleAt(config.start, config.from.name, 'ping-send', () => send(0));
  }
}
