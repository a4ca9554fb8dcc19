/**
 * Where lost measurement packets died. Every copy of a tagged packet (stack/apps/flow-payload.ts)
 * that is dropped — by a link (queue full, random or bursty loss, congestion, link down), by a switch
 * (blocked port, security filter, VLAN), or by a stack (unresolved neighbor, a node down or paused, a
 * frame for another host) — is attributed to its flow and sequence number. A packet that was never
 * delivered is counted once, under the most telling cause among its copies' drops (see RANK); one
 * still waiting for a resolution when the run ended is `pending`; with no recorded drop, `unknown`
 * (a frame still on a link at the end, or a drop nothing traces).
 */
import type { Kernel } from '../sim/index.js';
import type { DropReason } from '../net/index.js';
import type { FlowRecord, FlowTag, Host, PacketDropReason } from '../stack/index.js';
import { readFlowTag, udpPayload } from '../stack/index.js';
import type { EthernetFrame } from '../wire/index.js';

/** Loss causes as the results name them. */
export type LossCause =
  | 'node-down'
  | 'resolution-failed'
  | 'queue-or-link'
  | 'link-down'
  | 'security'
  | 'blocked-port'
  | 'not-for-me'
  | 'no-route'
  | 'other'
  | 'pending'
  | 'unknown';

/** Every loss cause, in a fixed order (the JSON's key order). */
export const LOSS_CAUSES: readonly LossCause[] = [
  'node-down', 'resolution-failed', 'queue-or-link', 'link-down', 'security', 'blocked-port', 'not-for-me', 'no-route', 'other', 'pending', 'unknown',
];

/**
 * When copies of one packet die in several places (a flood reaches bystanders, blocked ports and the
 * addressee), the most telling cause names the loss: the addressee being down, a filter, resolution,
 * the queue or the link, a port that was not forwarding (a spanning tree converging), and only then a
 * copy that reached a station other than the addressee (a stale entry, or a flood).
 */
const RANK: Readonly<Record<LossCause, number>> = {
  'node-down': 0, 'security': 1, 'resolution-failed': 2, 'queue-or-link': 3, 'link-down': 4, 'no-route': 5,
  'blocked-port': 6, 'not-for-me': 7, 'other': 8, 'pending': 9, 'unknown': 10,
};

function netCause(reason: DropReason): LossCause {
  switch (reason) {
    case 'queue-full':
    case 'loss':
    case 'congestion':
      return 'queue-or-link';
    case 'link-down':
    case 'no-link':
      return 'link-down';
    case 'security':
      return 'security';
    case 'port-blocked':
    case 'port-learning':
    case 'port-disabled':
      return 'blocked-port';
    default:
      return 'other';
  }
}

function stackCause(reason: PacketDropReason): LossCause {
  switch (reason) {
    case 'node-down': return 'node-down';
    case 'resolution-failed':
    case 'queue-overflow':
    case 'hold-down':
      return 'resolution-failed';
    case 'not-for-me': return 'not-for-me';
    case 'no-route': return 'no-route';
    default: return 'other';
  }
}

function udpBytes(eth: EthernetFrame): Uint8Array | null {
  const p = eth.payload;
  return p.kind === 'ipv4' || p.kind === 'ipv6' ? udpPayload(p) : null;
}

/** See the module comment. */
export class FlowFates {
  /** flow id → sequence → first drop cause. */
  private readonly causes = new Map<number, Map<number, LossCause>>();

  constructor(kernel: Kernel) {
    // The copies of one flooded frame share their payload: read its tag once.
    let lastBytes: Uint8Array | null = null;
    let lastTag: FlowTag | undefined;
    let lastCauses: Map<number, LossCause> | undefined;
    const note = (bytes: Uint8Array | null, cause: LossCause): void => {
      if (bytes === null) return;
      if (bytes !== lastBytes) {
        lastBytes = bytes;
        lastTag = readFlowTag(bytes);
        lastCauses = undefined;
      }
      const tag = lastTag;
      if (tag === undefined) return;
      let m = lastCauses ?? this.causes.get(tag.flow);
      if (m === undefined) this.causes.set(tag.flow, (m = new Map()));
      lastCauses = m;
      const before = m.get(tag.sequence);
      if (before === undefined || RANK[cause] < RANK[before]) m.set(tag.sequence, cause);
    };
    kernel.trace.on('frame-dropped', (e) => note(udpBytes(e.frame.eth), netCause(e.reason)));
    kernel.trace.on('packet-dropped', (e) => note(e.payload, stackCause(e.reason)));
    this.note = note;
  }

  private readonly note: (bytes: Uint8Array | null, cause: LossCause) => void;

  /**
   * At the end of a run: the packets still waiting in `hosts`' neighbor tables for a resolution that
   * had not finished are `pending`, not lost without a trace.
   */
  notePending(hosts: Iterable<Host>): void {
    for (const host of hosts) {
      for (const entry of host.arp.entries().values()) for (const packet of entry.queue) this.note(udpPayload(packet), 'pending');
      for (const entry of host.nd.entries().values()) for (const packet of entry.queue) this.note(udpPayload(packet), 'pending');
    }
  }

  /** The cause recorded for a packet, if any. */
  causeOf(flow: number, sequence: number): LossCause | undefined {
    return this.causes.get(flow)?.get(sequence);
  }

  /** Lost packets of a flow by cause (every cause present, zeros included, in LOSS_CAUSES order). */
  lostByCause(record: FlowRecord): Record<LossCause, number> {
    const out = Object.fromEntries(LOSS_CAUSES.map((c) => [c, 0])) as Record<LossCause, number>;
    for (let seq = 0; seq < record.sentAt.length; seq++) {
      if (record.deliveredAt[seq]! >= 0) continue;
      out[this.causeOf(record.id, seq) ?? 'unknown']++;
    }
    return out;
  }
}
