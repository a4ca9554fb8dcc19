/**
 * Counts the address-resolution messages that end stations send, by form: ARP requests, replies,
 * gratuitous ARP (all three gratuitous forms), RARP; ND solicitations, advertisements, and DAD
 * solicitations (from `::`). Only frames leaving the given end-station nodes count, so a frame
 * forwarded by five switches counts once.
 */
import type { Kernel } from '../sim/index.js';
import { classifyArp, isGratuitousForm } from '../wire/index.js';
import { PortSlots } from './port-slots.js';

/** ARP-family messages sent. */
export interface ArpCounts {
  requests: number;
  replies: number;
  gratuitous: number;
  probes: number;
  rarp: number;
}

/** ND messages sent. */
export interface NdCounts {
  ns: number;
  na: number;
  dadNs: number;
  unsolicitedNa: number;
}

/** See the module comment. */
export class MessageCounter {
  readonly arp: ArpCounts = { requests: 0, replies: 0, gratuitous: 0, probes: 0, rarp: 0 };
  readonly nd: NdCounts = { ns: 0, na: 0, dadNs: 0, unsolicitedNa: 0 };

  constructor(kernel: Kernel, isEndStation: (node: string) => boolean) {
    // Whether the sending node is an end station, by the port it sent by (looked up once per port).
    const ends = new PortSlots(isEndStation);
    // By group (`frames-sent`): the copies of one frame sent out of several ports of one node count once each.
    kernel.trace.on('frames-sent', (e) => {
      const p = e.frame.eth.payload;
      // The payload first: most frames are neither ARP nor ICMPv6, and need no lookup of the node.
      if (p.kind !== 'arp' && !(p.kind === 'ipv6' && p.payload.kind === 'icmpv6')) return;
      const port = e.ports[e.from]!;
      if (ends.slotOf(port.id, port) < 0) return;
      const n = e.to - e.from;
      if (p.kind === 'arp') {
        const form = classifyArp(p);
        if (form === 'rarp-request' || form === 'rarp-reply') this.arp.rarp += n;
        else if (isGratuitousForm(form)) this.arp.gratuitous += n;
        else if (form === 'probe') this.arp.probes += n;
        else if (form === 'request') this.arp.requests += n;
        else if (form === 'reply') this.arp.replies += n;
        return;
      }
      if (p.kind === 'ipv6' && p.payload.kind === 'icmpv6') {
        const m = p.payload;
        if (m.type === 'ns') {
          if (p.source === '::') this.nd.dadNs += n;
          else this.nd.ns += n;
        } else if (m.type === 'na') {
          this.nd.na += n;
          if (!m.solicitedFlag) this.nd.unsolicitedNa += n;
        }
      }
    }, { skipsPlain: true });
  }
}
