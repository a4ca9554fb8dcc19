/**
 * Where and when measurement packets were lost, kept as runs rather than per packet.
 *
 * Every flow (stack/apps) traces each packet it sends (`flow-sent`) and each first delivery
 * (`flow-delivered`); every copy of a tagged packet (stack/apps/flow-payload.ts) that is dropped — by
 * a link (queue full, random or bursty loss, congestion, link down), by a switch (blocked port,
 * security filter, VLAN), or by a stack (unresolved neighbor, a node down or paused, a frame for
 * another host) — is attributed to its flow and sequence number. A packet never delivered is counted
 * once, under the most telling cause among its copies' drops (see RANK); one still waiting for a
 * resolution when the run ended is `pending`; with no recorded drop, `unknown` (a frame still on a
 * link at the end, or a drop nothing traces).
 *
 * Per flow, the sequence numbers are kept as runs of the same fate (delivered, or lost for the same
 * cause), so memory grows with the number of loss bursts, not with the packets: a 100 kpps flow over
 * two minutes with one black hole is a handful of runs. Besides, for each migration window given up
 * front (the VM, when it paused and resumed), each flow keeps, as the run goes, the first packet sent
 * from the window's start and the first packet from there that was delivered after the resume, which
 * is all a migration's outage needs (migration-outcome.ts).
 */
import type { DropReason } from '../net/index.js';
import type { Kernel } from '../sim/index.js';
import type { FlowRecord, Host, PacketDropReason } from '../stack/index.js';
import { isFlowPayload, readFlowId, readFlowSequence, udpPayload } from '../stack/index.js';
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
  | 'no-egress'
  | 'no-route'
  | 'other'
  | 'pending'
  | 'unknown';

/** Every loss cause, in a fixed order (the JSON's key order). */
export const LOSS_CAUSES: readonly LossCause[] = [
  'node-down', 'resolution-failed', 'queue-or-link', 'link-down', 'security', 'blocked-port', 'not-for-me', 'no-egress', 'no-route', 'other', 'pending', 'unknown',
];

/**
 * What became of a lost packet, one step finer than {@link LossCause}: `vm-paused` is `node-down` at a
 * migrating VM while it was paused (its stop-and-copy), as opposed to any other node being down.
 */
export type Fate = LossCause | 'vm-paused';

/** Every fate, in a fixed order. */
export const FATES: readonly Fate[] = ['node-down', 'vm-paused', ...LOSS_CAUSES.slice(1)];

/**
 * When copies of one packet die in several places (a flood reaches bystanders, blocked ports and the
 * addressee), the most telling cause names the loss: the addressee being down, a filter, resolution,
 * the queue or the link, a port that was not forwarding (a spanning tree converging), and only then a
 * copy that reached a station other than the addressee (a stale entry, or a flood), then one that
 * died at a switch with no port to leave by (a stale entry towards a hypervisor the VM has left; a
 * flood reaching a switch whose only forwarding port is the one it came in by). Equal ranks keep the
 * cause seen first.
 */
const RANK: Readonly<Record<Fate, number>> = {
  'node-down': 0, 'vm-paused': 0, 'security': 1, 'resolution-failed': 2, 'queue-or-link': 3, 'link-down': 4, 'no-route': 5,
  'blocked-port': 6, 'not-for-me': 7, 'no-egress': 8, 'other': 9, 'pending': 10, 'unknown': 11,
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
    case 'no-egress':
      return 'no-egress';
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

/** A migration as the fates need it: which VM, and when it started, paused and resumed (ns). */
export interface MigrationWindow {
  readonly vm: string;
  readonly start: number;
  readonly pauseAt: number;
  readonly resumeAt: number;
}

// A run's state: a fate code (index into FATES, lost for that reason), or one of these.
const LOST = -1; // sent, not delivered, no drop seen (yet)
const DELIVERED = -2;
const ABSENT = -3; // never sent (a response whose request did not arrive)

/** Consecutive sequence numbers [from, to) with one state. */
interface Run {
  from: number;
  to: number;
  state: number;
  /** For a delivered run: when its last packet (to − 1) was delivered. */
  lastAt: number;
}

/** One window's marks in one flow. */
interface Marks {
  /** The first packet sent at or after the window's start (−1: none yet), and when it was sent. */
  firstSeq: number;
  firstSentAt: number;
  /** The lowest packet from `firstSeq` on delivered at or after the resume (Infinity: none), and when. */
  repairSeq: number;
  repairAt: number;
}

function rankOf(state: number): number {
  return state >= 0 ? RANK[FATES[state]!] : Infinity;
}

/**
 * The fates of one flow's packets (see the module comment). While every packet so far was sent in
 * order and delivered in order or not yet (the usual case), the runs are at most two, delivered
 * [0, `deliveredTo`) and lost-so-far [`deliveredTo`, `sentTo`), and are kept in the ledger's own
 * fields (`simple`): a packet sent or delivered then reads and writes this object only. Anything else
 * (a gap, a drop, a delivery out of order, a reader of the runs) writes them to `runs` first, and the
 * ledger goes on with `runs` from then on.
 */
class FlowLedger {
  private readonly runList: Run[] = [];
  readonly marks: Marks[];
  private nextMark = 0;
  private simple = true;
  private deliveredTo = 0;
  private sentTo = 0;
  /** When packet deliveredTo − 1 was delivered. */
  private deliveredAt = 0;

  constructor(private readonly windows: readonly MigrationWindow[], private readonly starts: readonly number[]) {
    this.marks = windows.map(() => ({ firstSeq: -1, firstSentAt: 0, repairSeq: Infinity, repairAt: 0 }));
  }

  /** The runs, in order (written out from the simple form first). */
  get runs(): Run[] {
    if (this.simple) this.writeRuns();
    return this.runList;
  }

  /** Leaves the simple form: its runs into `runs`, as the general code would have made them. */
  private writeRuns(): void {
    this.simple = false;
    if (this.deliveredTo > 0) this.runList.push({ from: 0, to: this.deliveredTo, state: DELIVERED, lastAt: this.deliveredAt });
    if (this.sentTo > this.deliveredTo) this.runList.push({ from: this.deliveredTo, to: this.sentTo, state: LOST, lastAt: 0 });
  }

  /** One past the highest sequence number seen. */
  get end(): number {
    if (this.simple) return this.sentTo;
    return this.runList.at(-1)?.to ?? 0;
  }

  /** The index of the run holding `seq`, or −1 beyond the end. */
  private find(seq: number): number {
    const runs = this.runs;
    let hi = runs.length - 1;
    if (hi < 0 || seq >= runs[hi]!.to) return -1;
    // Most changes are to the last runs.
    for (let k = 0; k < 3 && hi >= 0; k++, hi--) if (runs[hi]!.from <= seq) return hi;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid]!.from <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Gives packet `seq` (in run `i`) the state `state`, splitting and merging runs. */
  private set(i: number, seq: number, state: number, lastAt: number): void {
    const runs = this.runs;
    const r = runs[i]!;
    const pieces: Run[] = [];
    if (r.from < seq) pieces.push({ from: r.from, to: seq, state: r.state, lastAt: r.lastAt });
    pieces.push({ from: seq, to: seq + 1, state, lastAt });
    if (seq + 1 < r.to) pieces.push({ from: seq + 1, to: r.to, state: r.state, lastAt: r.lastAt });
    runs.splice(i, 1, ...pieces);
    const at = i + (r.from < seq ? 1 : 0);
    // Merge with the run after, then the run before, when they have the same state.
    const next = runs[at + 1];
    if (next !== undefined && next.state === state && next.from === seq + 1) {
      runs[at]!.to = next.to;
      runs[at]!.lastAt = next.lastAt;
      runs.splice(at + 1, 1);
    }
    const prev = runs[at - 1];
    if (prev !== undefined && prev.state === state && prev.to === seq) {
      prev.to = runs[at]!.to;
      prev.lastAt = runs[at]!.lastAt;
      runs.splice(at, 1);
    }
  }

  sent(seq: number, time: number): void {
    while (this.nextMark < this.starts.length && this.starts[this.nextMark]! <= time) {
      // Window starts are sorted: this packet is the first at or after each start passed.
      for (let w = 0; w < this.windows.length; w++) {
        const m = this.marks[w]!;
        if (m.firstSeq < 0 && this.windows[w]!.start === this.starts[this.nextMark]) {
          m.firstSeq = seq;
          m.firstSentAt = time;
        }
      }
      this.nextMark++;
    }
    if (this.simple) {
      if (seq === this.sentTo) {
        this.sentTo++;
        return;
      }
      // Sent before (nothing to change), or after a gap.
      if (seq < this.sentTo) return;
      this.writeRuns();
    }
    const end = this.end;
    if (seq >= end) {
      const last = this.runs.at(-1);
      if (seq > end) this.runs.push({ from: end, to: seq, state: ABSENT, lastAt: 0 });
      if (seq === end && last !== undefined && last.state === LOST) last.to = seq + 1;
      else this.runs.push({ from: seq, to: seq + 1, state: LOST, lastAt: 0 });
      return;
    }
    const i = this.find(seq);
    if (this.runs[i]!.state === ABSENT) this.set(i, seq, LOST, 0);
  }

  delivered(seq: number, time: number): void {
    if (this.simple) {
      if (seq >= this.sentTo || seq < this.deliveredTo) return;
      if (seq === this.deliveredTo) {
        this.deliveredTo++;
        this.deliveredAt = time;
        this.markRepair(seq, time);
        return;
      }
      this.writeRuns();
    }
    const i = this.find(seq);
    if (i < 0) return;
    const runs = this.runs;
    const r = runs[i]!;
    if (r.state === DELIVERED || r.state === ABSENT) return;
    const prev = runs[i - 1];
    if (seq === r.from && prev !== undefined && prev.state === DELIVERED && prev.to === seq) {
      // The usual case, packets delivered in order: the delivered run before grows by one.
      prev.to = seq + 1;
      prev.lastAt = time;
      r.from++;
      if (r.from === r.to) {
        const next = runs[i + 1];
        if (next !== undefined && next.state === DELIVERED) {
          prev.to = next.to;
          prev.lastAt = next.lastAt;
          runs.splice(i, 2);
        } else if (i === runs.length - 1) {
          runs.pop();
        } else {
          runs.splice(i, 1);
        }
      }
    } else {
      this.set(i, seq, DELIVERED, time);
    }
    this.markRepair(seq, time);
  }

  /** Packet `seq` was delivered at `time`: the repair of each window it is the first delivery after. */
  private markRepair(seq: number, time: number): void {
    for (let w = 0; w < this.windows.length; w++) {
      const m = this.marks[w]!;
      if (time >= this.windows[w]!.resumeAt && m.firstSeq >= 0 && seq >= m.firstSeq && seq < m.repairSeq) {
        m.repairSeq = seq;
        m.repairAt = time;
      }
    }
  }

  dropped(seq: number, fate: number): void {
    if (this.simple) {
      if (seq >= this.sentTo || seq < this.deliveredTo) return;
      this.writeRuns();
    }
    const i = this.find(seq);
    if (i < 0) return;
    const state = this.runs[i]!.state;
    if (state === DELIVERED || state === ABSENT) return;
    if (RANK[FATES[fate]!] < rankOf(state)) this.set(i, seq, fate, 0);
  }

  /** Lost packets in [from, to) by fate (`unknown` for those with no cause). */
  lostIn(from: number, to: number): Map<Fate, number> {
    const out = new Map<Fate, number>();
    for (const r of this.runs) {
      if (r.to <= from || r.from >= to || r.state === DELIVERED || r.state === ABSENT) continue;
      const fate: Fate = r.state === LOST ? 'unknown' : FATES[r.state]!;
      out.set(fate, (out.get(fate) ?? 0) + Math.min(r.to, to) - Math.max(r.from, from));
    }
    return out;
  }

  /** The first lost packet in [from, to), or −1. */
  firstLossIn(from: number, to: number): number {
    for (const r of this.runs) {
      if (r.to <= from || r.from >= to || r.state === DELIVERED || r.state === ABSENT) continue;
      return Math.max(r.from, from);
    }
    return -1;
  }

  /** When the nearest delivered packet below `seq` was delivered, or undefined. */
  deliveredBefore(seq: number): number | undefined {
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i]!;
      if (r.from >= seq || r.state !== DELIVERED) continue;
      return r.lastAt;
    }
    return undefined;
  }
}

/** One direction's outage. Times in ns. */
export interface Outage {
  readonly blackHole: number;
  readonly afterResume: number;
  readonly repaired: boolean;
  /** Packets of the outage's window that were not delivered. */
  readonly lost: number;
}

/** See the module comment. */
export class FlowFates {
  private readonly ledgers = new Map<number, FlowLedger>();
  private readonly windows: readonly MigrationWindow[];
  private readonly starts: readonly number[];
  private readonly note: (bytes: Uint8Array | null, fate: number) => void;

  /** Starts following every flow of `kernel`'s run; `windows` are the run's migrations, in any order. */
  constructor(kernel: Kernel, windows: readonly MigrationWindow[] = []) {
    this.windows = windows;
    this.starts = [...new Set(windows.map((w) => w.start))].sort((a, b) => a - b);
    // Fate codes by cause, looked up once rather than by name for every drop.
    const netFate = (reason: DropReason): number => FATES.indexOf(netCause(reason));
    const stackFate = new Map<PacketDropReason, number>();
    const nodeDown = FATES.indexOf('node-down');
    const vmPaused = FATES.indexOf('vm-paused');
    const paused = (node: string, time: number): boolean => windows.some((w) => w.vm === node && time >= w.pauseAt && time <= w.resumeAt);
    kernel.trace.on('flow-sent', (e) => this.ledger(e.flow).sent(e.sequence, e.time));
    kernel.trace.on('flow-delivered', (e) => this.ledger(e.flow).delivered(e.sequence, e.time));
    // The copies of one flooded frame share their payload: read its tag once. A packet's fate only
    // moves to a more telling cause or to delivered, so a copy dropped for the cause its previous copy
    // was dropped for changes nothing.
    let lastBytes: Uint8Array | null = null;
    let lastLedger: FlowLedger | undefined;
    let lastSequence = 0;
    let lastFate = -1;
    this.note = (bytes, fate) => {
      if (bytes === null) return;
      if (bytes !== lastBytes) {
        lastBytes = bytes;
        const tagged = isFlowPayload(bytes);
        lastLedger = tagged ? this.ledgers.get(readFlowId(bytes)) : undefined;
        lastSequence = tagged ? readFlowSequence(bytes) : 0;
      } else if (fate === lastFate) {
        return;
      }
      lastFate = fate;
      lastLedger?.dropped(lastSequence, fate);
    };
    kernel.trace.on('frame-dropped', (e) => this.note(udpBytes(e.frame.eth), netFate(e.reason)));
    // Drops by group (the copies of a flood that hosts drop as not for them come as one event): one
    // packet, so one note for the group unless a node's pause makes its copy's fate differ.
    kernel.trace.on('packets-dropped', (e) => {
      const bytes = e.payload;
      if (bytes === null) return;
      let fate = stackFate.get(e.reason);
      if (fate === undefined) stackFate.set(e.reason, (fate = FATES.indexOf(stackCause(e.reason))));
      if (fate !== nodeDown) return this.note(bytes, fate);
      for (const node of e.nodes) this.note(bytes, paused(node, e.time) ? vmPaused : fate);
    });
  }

  private ledger(flow: number): FlowLedger {
    let l = this.ledgers.get(flow);
    if (l === undefined) this.ledgers.set(flow, (l = new FlowLedger(this.windows, this.starts)));
    return l;
  }

  /**
   * At the end of a run: the packets still waiting in `hosts`' neighbor tables for a resolution that
   * had not finished are `pending`, not lost without a trace.
   */
  notePending(hosts: Iterable<Host>): void {
    const pending = FATES.indexOf('pending');
    for (const host of hosts) {
      for (const packet of host.waitingPackets()) this.note(udpPayload(packet), pending);
    }
  }

  /** Lost packets of a flow by cause (every cause present, zeros included, in LOSS_CAUSES order). */
  lostByCause(record: FlowRecord): Record<LossCause, number> {
    const out = Object.fromEntries(LOSS_CAUSES.map((c) => [c, 0])) as Record<LossCause, number>;
    const ledger = this.ledgers.get(record.id);
    if (ledger === undefined) return out;
    for (const [fate, n] of ledger.lostIn(0, ledger.end)) out[fate === 'vm-paused' ? 'node-down' : fate] += n;
    return out;
  }

  /** The packets of `record` in window `w`'s outage: from the first sent at its start to the repair (or `untilWindow`'s start). */
  private outageSpan(record: FlowRecord, w: number, untilWindow?: number): { ledger: FlowLedger; marks: Marks; from: number; to: number; repaired: boolean } | null {
    const ledger = this.ledgers.get(record.id);
    const marks = ledger?.marks[w];
    if (ledger === undefined || marks === undefined || marks.firstSeq < 0) return null;
    const next = untilWindow === undefined ? undefined : ledger.marks[untilWindow];
    const until = next === undefined || next.firstSeq < 0 ? ledger.end : next.firstSeq;
    const repaired = marks.repairSeq < until;
    return { ledger, marks, from: marks.firstSeq, to: repaired ? marks.repairSeq : until, repaired };
  }

  /**
   * The outage of `record` around migration window `w`, in a run that ended at `end` (ns), the window
   * ending at the start of window `untilWindow` when given (the VM's next move). The outage is the
   * packets sent from the migration's start up to the first one delivered after the resume: the black
   * hole runs from the last packet delivered before the first loss among them to that first delivery
   * (0 when none of them was lost); a flow not delivering again by the end is not repaired, its black
   * hole running to `end`. Null when no packet was sent after the start.
   */
  outage(record: FlowRecord, w: number, end: number, untilWindow?: number): Outage | null {
    const span = this.outageSpan(record, w, untilWindow);
    if (span === null) return null;
    const { ledger, marks, from, to, repaired } = span;
    const firstLoss = ledger.firstLossIn(from, to);
    if (firstLoss < 0) return { blackHole: 0, afterResume: 0, repaired: true, lost: 0 };
    let lost = 0;
    for (const n of ledger.lostIn(from, to).values()) lost += n;
    const lastGood = ledger.deliveredBefore(firstLoss) ?? marks.firstSentAt;
    const resumeAt = this.windows[w]!.resumeAt;
    if (!repaired) return { blackHole: end - lastGood, afterResume: end - resumeAt, repaired: false, lost };
    return { blackHole: marks.repairAt - lastGood, afterResume: Math.max(0, marks.repairAt - resumeAt), repaired: true, lost };
  }

  /** The lost packets of `record` in window `w`'s outage (see {@link outage}), by fate. */
  outageLosses(record: FlowRecord, w: number, untilWindow?: number): Map<Fate, number> {
    const span = this.outageSpan(record, w, untilWindow);
    return span === null ? new Map() : span.ledger.lostIn(span.from, span.to);
  }

  /** Runs kept for `record` (for measuring memory). */
  runsOf(record: FlowRecord): number {
    return this.ledgers.get(record.id)?.runs.length ?? 0;
  }
}
