/**
 * Packets of a migration's measured flows, delivered or lost, over a run (for the report's timeline):
 * for each direction (gateway→VM, VM→gateway, peer→VM; the same flows the migration's result measures,
 * the first of each kind in the scenario's order) the send time of every packet and whether it was
 * delivered, turned at the end into segments of consecutive packets with the same outcome. A packet is
 * lost when no copy of it reached its addressee by the end of the run.
 *
 * Memory: 9 bytes per packet of the (at most three) measured flows; a flow's packets beyond
 * {@link MAX_PACKETS} are left out of the series (its segments then end there).
 */
import type { BuiltTraffic, Model } from '../scenario/index.js';
import type { DeliverySegment, SeriesDirection } from './series-types.js';
import { seconds } from './series-types.js';

/** The most packets of one flow the series follows. */
export const MAX_PACKETS = 4_000_000;

/** One followed flow: packet send times (ns; NaN: not sent) and deliveries, by sequence number. */
class PacketLog {
  sent = new Float64Array(1024).fill(NaN);
  delivered = new Uint8Array(1024);
  /** One past the highest sequence number sent. */
  end = 0;

  constructor(readonly direction: SeriesDirection, readonly flow: string) {}

  private grow(seq: number): boolean {
    if (seq >= MAX_PACKETS) return false;
    if (seq < this.sent.length) return true;
    let n = this.sent.length;
    while (n <= seq) n *= 2;
    n = Math.min(n, MAX_PACKETS);
    const sent = new Float64Array(n).fill(NaN);
    sent.set(this.sent);
    const delivered = new Uint8Array(n);
    delivered.set(this.delivered);
    this.sent = sent;
    this.delivered = delivered;
    return true;
  }

  noteSent(seq: number, time: number): void {
    if (!this.grow(seq)) return;
    if (Number.isNaN(this.sent[seq]!)) this.sent[seq] = time;
    if (seq >= this.end) this.end = seq + 1;
  }

  noteDelivered(seq: number): void {
    if (seq < this.sent.length) this.delivered[seq] = 1;
  }

  segments(): DeliverySegment[] {
    const out: DeliverySegment[] = [];
    let open: { from: number; to: number; packets: number; outcome: 'delivered' | 'lost' } | null = null;
    for (let seq = 0; seq < this.end; seq++) {
      const t = this.sent[seq]!;
      if (Number.isNaN(t)) continue;
      const outcome = this.delivered[seq] === 1 ? 'delivered' : 'lost';
      if (open !== null && open.outcome === outcome) {
        open.to = t;
        open.packets++;
        continue;
      }
      if (open !== null) out.push(this.segment(open));
      open = { from: t, to: t, packets: 1, outcome };
    }
    if (open !== null) out.push(this.segment(open));
    return out;
  }

  private segment(s: { from: number; to: number; packets: number; outcome: 'delivered' | 'lost' }): DeliverySegment {
    return { direction: this.direction, flow: this.flow, fromS: seconds(s.from), toS: seconds(s.to), packets: s.packets, outcome: s.outcome };
  }
}

/** The first flow record, in the scenario's order, that `accept` takes, with its traffic entry. */
function firstRecord(traffic: readonly BuiltTraffic[], accept: (from: string, to: string) => boolean): { id: number; name: string } | null {
  for (const t of traffic) for (const r of t.records) if (accept(r.from, r.to)) return { id: r.record.id, name: t.name };
  return null;
}

/** See the module comment. */
export class DeliveryTimeline {
  private readonly logs = new Map<number, PacketLog>();

  /** Follows the measured flows of `vm`'s migration in `model` (before its first event). */
  constructor(model: Model, vm: string) {
    const gw = (n: string): boolean => model.isGateway(n);
    const chosen: [SeriesDirection, { id: number; name: string } | null][] = [
      ['gatewayToVm', firstRecord(model.traffic, (from, to) => gw(from) && to === vm)],
      ['vmToGateway', firstRecord(model.traffic, (from, to) => from === vm && gw(to))],
      ['peerToVm', firstRecord(model.traffic, (from, to) => !gw(from) && from !== vm && to === vm)],
    ];
    for (const [direction, record] of chosen) if (record !== null) this.logs.set(record.id, new PacketLog(direction, record.name));
    if (this.logs.size === 0) return;
    model.kernel.trace.on('flow-sent', (e) => this.logs.get(e.flow)?.noteSent(e.sequence, e.time));
    model.kernel.trace.on('flow-delivered', (e) => this.logs.get(e.flow)?.noteDelivered(e.sequence));
  }

  /** The segments, direction by direction (gateway→VM, VM→gateway, peer→VM). */
  finish(): DeliverySegment[] {
    return [...this.logs.values()].flatMap((log) => log.segments());
  }
}
