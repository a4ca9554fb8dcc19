/**
 * Request/response traffic (a client and a server, as an RPC or a TCP exchange would be): the client
 * sends tagged requests at a constant rate; the server answers each with a tagged response; every
 * response that arrives tells the client's neighbor table that the next hop is reachable (the
 * upper-layer confirmation of RFC 4861 §7.3.1, which TCP gives Linux through dst_confirm), so the
 * client's entry does not need NUD probes while the exchange works. Two records: the requests (at the
 * server) and the responses (at the client).
 */
import type { Kernel } from '../../sim/index.js';
import type { Ipv4Address, Ipv6Address } from '../../wire/index.js';
import type { Host } from '../host.js';
import { flowPayload, readFlowTag } from './flow-payload.js';
import { FlowRecord } from './udp-flow.js';

/** Settings of a request/response flow. */
export interface RequestResponseConfig {
  /** The request flow's id; the responses use id + 1. */
  readonly id: number;
  readonly name: string;
  readonly client: Host;
  readonly server: Host;
  /** The server's address as the client uses it. */
  readonly to: Ipv4Address | Ipv6Address;
  readonly rate: number;
  readonly requestSize: number;
  readonly responseSize: number;
  readonly start: number;
  readonly stop: number;
  readonly port?: number;
}

/** The default server port. */
export const REQUEST_RESPONSE_PORT = 43_001;

/** See the module comment. */
export class RequestResponseFlow {
  readonly requests: FlowRecord;
  readonly responses: FlowRecord;

  constructor(kernel: Kernel, config: RequestResponseConfig) {
    if (!(config.rate > 0) || !(config.stop > config.start)) throw new RangeError(`request-response ${config.name}: positive rate and start < stop needed`);
    this.requests = new FlowRecord(kernel, config.id, config.name);
    this.responses = new FlowRecord(kernel, config.id + 1, `${config.name}-response`);
    const port = config.port ?? REQUEST_RESPONSE_PORT;
    const clientPort = port + 1;
    const responses = this.responses;
    const requests = this.requests;
    config.server.bindUdp(port, (d) => {
      const tag = readFlowTag(d.payload);
      if (tag === undefined || tag.flow !== config.id) return;
      requests.markDelivered(config.server.name, tag.sequence);
      const now = kernel.now;
      responses.noteSent(config.server.name, tag.sequence);
      const back = typeof config.to === 'number' ? config.client.sourceIpv4(config.to)?.address : config.client.sourceIpv6(config.to)?.address;
      if (back !== undefined) config.server.sendUdp(back, port, clientPort, flowPayload(config.id + 1, tag.sequence, now, config.responseSize));
    });
    config.client.bindUdp(clientPort, (d) => {
      const tag = readFlowTag(d.payload);
      if (tag === undefined || tag.flow !== config.id + 1) return;
      responses.markDelivered(config.client.name, tag.sequence);
      // Forward progress: the next hop towards the server is reachable.
      if (typeof config.to === 'number') config.client.arp.confirm(config.client.nextHop4(config.to), kernel.now);
      else config.client.nd.confirm(config.client.nextHop6(config.to), kernel.now);
    });
    const interval = Math.round(1e9 / config.rate);
    const send = (sequence: number): void => {
      const now = kernel.now;
      requests.noteSent(config.client.name, sequence);
      if (!config.client.sendUdp(config.to, clientPort, port, flowPayload(config.id, sequence, now, config.requestSize))) requests.notSent++;
      const next = config.start + (sequence + 1) * interval;
      if (next < config.stop) kernel.scheduleAt(next, config.client.name, 'request-send', () => send(sequence + 1));
    };
    kernel.scheduleAt(config.start, config.client.name, 'request-send', () => send(0));
  }
}
