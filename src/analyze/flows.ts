/**
 * Flows and their gaps. A flow is one direction of traffic between two addresses: UDP and TCP by
 * 5-tuple, ICMP and ICMPv6 echo requests (and, separately, replies) by addresses and identifier. Each
 * flow keeps, in constant memory, a histogram of the intervals between its packets (half-octave
 * buckets, with their sums so the typical interval of a constant-rate flow is exact) and the
 * intervals that may be gaps; {@link summarizeFlow} decides at the end which ones are.
 *
 * What counts as a gap:
 * - A regular flow (most intervals within a factor of two of the median and few longer: constant-rate
 *   UDP, pings) has a gap wherever an interval is at least 1.5 times its typical interval and, with
 *   the interval after it, spans at least one packet more than two intervals would (a late packet
 *   followed by an early one is jitter, not loss); the packets lost are that count.
 * - An irregular flow (TCP, bursts) has a gap only where it was silent for at least
 *   {@link IRREGULAR_MIN_GAP_NS} and four typical intervals; how many packets that cost is unknown.
 * - Echo replies whose requests the capture also holds: a gap wherever requests went unanswered,
 *   counted exactly by sequence number (a reply means the request got there and the answer came
 *   back, which is what a ping flow measures).
 *
 * A packet captured twice (on two interfaces of a multi-interface capture, or as the incoming and the
 * outgoing copy of `tcpdump -i any` on a bridge) is counted once: a packet seen at another place
 * (interface, VLAN, direction) than the previous one of its flow, within {@link DUPLICATE_WINDOW_NS}
 * of it and with the same identity (IPv4 identification, TCP sequence, echo sequence, or the first
 * payload bytes), is that packet again. Records of one place are never taken for copies.
 */
import { SLL_PACKET_OTHERHOST, formatIpv4, formatIpv6Bytes } from '../wire/index.js';
import type { LinkFrame } from './link-reader.js';
import type { PacketHeaders } from './headers.js';
import { PACKET_ECHO_REPLY, PACKET_ECHO_REQUEST, PACKET_TCP, PACKET_UDP } from './headers.js';

/** Interval histogram: half-octave buckets from 2^10 ns (about 1 µs) to 2^42 ns (about 73 min). */
const BUCKETS = 66;
const LOWEST_EXPONENT = 10;
/** An interval this much above the running typical one is kept as a possible gap. */
const CANDIDATE_FACTOR = 1.4;
/** Most possible gaps kept per flow (three numbers each); later ones are counted, not kept. */
const MAX_CANDIDATES = 4096;
/** A regular flow's gap: at least one packet missing. */
export const REGULAR_GAP_FACTOR = 1.5;
/** An irregular flow's gap: at least this long and four typical intervals. */
export const IRREGULAR_MIN_GAP_NS = 200e6;
const IRREGULAR_GAP_FACTOR = 4;
/** A flow is regular when this share of its intervals lies in the median's bucket or the two beside it … */
const REGULAR_SHARE = 0.8;
/** … and fewer than this share are more than twice the median (half-octave buckets: three up). */
const RARE_LONG_SHARE = 0.02;
/** A regular flow whose last packet came this long (and this many intervals) before the capture ended stopped. */
const STOPPED_MIN_NS = 1e9;
const STOPPED_INTERVALS = 10;
/** Two copies of one packet are captured within this time of each other. */
export const DUPLICATE_WINDOW_NS = 1e6;
/** Source changes and destination-MAC changes kept per flow. */
const MAX_CHANGES = 256;
/** Echo requests remembered per ping for their replies to find (older ones are taken as unanswered). */
const RECENT_REQUESTS = 1024;

/** What a flow carries. */
export type FlowKind = 'udp' | 'tcp' | 'echo-request' | 'echo-reply';

const POW2 = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** The histogram bucket of an interval. */
function bucketOf(ns: number): number {
  if (ns < POW2[LOWEST_EXPONENT]!) return 0;
  let e: number;
  if (ns < 0x8000_0000) e = 31 - Math.clz32(ns);
  else {
    const high = Math.floor(ns / 0x8000_0000);
    e = high >= 0x8000_0000 ? 62 : 31 + (31 - Math.clz32(high));
  }
  const b = 1 + 2 * (e - LOWEST_EXPONENT) + (ns >= POW2[e]! * Math.SQRT2 ? 1 : 0);
  return b < BUCKETS ? b : BUCKETS - 1;
}

/** One direction of traffic. */
export class Flow {
  readonly kind: FlowKind;
  readonly family: 4 | 6;
  readonly protocol: number;
  /** Addresses as text. */
  readonly source: string;
  readonly destination: string;
  /** UDP/TCP ports; for echo, the identifier and 0. */
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly code: number;
  readonly s0: number; readonly s1: number; readonly s2: number; readonly s3: number;
  readonly d0: number; readonly d1: number; readonly d2: number; readonly d3: number;
  /** The next flow with the same hash. */
  next: Flow | undefined;

  packets = 0;
  /** Bytes on the wire. */
  bytes = 0;
  first = 0;
  last = 0;
  /** The packet before the last. */
  previous = 0;
  /** Interval histogram: counts and sums per bucket (allocated at the second packet). */
  counts: Uint32Array | undefined;
  sums: Float64Array | undefined;
  /** The typical interval so far (recomputed every 64 packets); 0 while unknown. */
  private typicalSoFar = 0;
  private candidateThreshold = 0;
  /** Possible gaps: [from, to, the interval after it (-1 until known)] triples. */
  readonly candidates: number[] = [];
  candidatesDropped = 0;

  /** The link layer of the flow's packets: last source MAC, destination MAC, where it was seen. */
  sourceMac = -1;
  destinationMac = -1;
  linkSource = -1;
  /** Segments of (source MAC, where seen) with their first and last time: [mac, source, first, last, unicast] … */
  readonly segments: number[] = [];
  private segmentFirst = 0;
  private segmentLast = 0;
  private segmentUnicast = 0;
  /** Destination-MAC changes: [time, old, new] triples. */
  readonly destinationChanges: number[] = [];
  changesDropped = 0;
  /** Copies seen incoming and outgoing (Linux cooked captures), and of the incoming ones, those for another host (forwarded here). */
  incomingCopies = 0;
  otherHostCopies = 0;
  outgoingCopies = 0;
  duplicates = 0;
  private lastIdentity = -1;
  private lastCountedSource = -1;

  /** Echo requests: the latest ones sent, by sequence number, for the replies to find. */
  pending: RecentRequests | undefined;
  requests = 0;
  /** The highest request number so far and its sequence number. */
  lastNumber = 0;
  private lastSequence = 0;
  /** Echo replies: the request flow they answer, the last request number answered, loss gaps. */
  partner: Flow | undefined;
  lastAnswered = -1;
  answered = 0;
  readonly lossGaps: number[] = [];

  constructor(code: number, h: PacketHeaders) {
    this.code = code;
    this.kind = code === PACKET_UDP ? 'udp' : code === PACKET_TCP ? 'tcp' : code === PACKET_ECHO_REQUEST ? 'echo-request' : 'echo-reply';
    this.family = h.family === 6 ? 6 : 4;
    this.protocol = h.protocol;
    this.s0 = h.source0; this.s1 = h.source1; this.s2 = h.source2; this.s3 = h.source3;
    this.d0 = h.destination0; this.d1 = h.destination1; this.d2 = h.destination2; this.d3 = h.destination3;
    this.sourcePort = h.sourcePort;
    this.destinationPort = h.destinationPort;
    this.source = addressText(this.family, this.s0, this.s1, this.s2, this.s3);
    this.destination = addressText(this.family, this.d0, this.d1, this.d2, this.d3);
    if (code === PACKET_ECHO_REQUEST) this.pending = new RecentRequests();
  }

  /** True when `h` belongs to this flow. */
  matches(code: number, h: PacketHeaders): boolean {
    return this.code === code && this.s0 === h.source0 && this.d0 === h.destination0 &&
      this.sourcePort === h.sourcePort && this.destinationPort === h.destinationPort &&
      this.family === h.family && (h.family === 4 || (this.s1 === h.source1 && this.s2 === h.source2 && this.s3 === h.source3 &&
        this.d1 === h.destination1 && this.d2 === h.destination2 && this.d3 === h.destination3));
  }

  /** The typical interval (ns) from the histogram: the mean of the median's bucket; 0 with fewer than two packets. */
  typicalInterval(): number {
    const counts = this.counts;
    const sums = this.sums;
    if (counts === undefined || sums === undefined) return 0;
    const total = this.packets - 1 - this.duplicates;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += counts[b]!;
      if (seen * 2 >= total && counts[b]! > 0) return sums[b]! / counts[b]!;
    }
    return 0;
  }

  /**
   * True for a flow sent at a constant rate, whose missing packets can be counted: not TCP (whose
   * sending follows its window), most intervals within the median's bucket and its neighbours, and
   * few (under {@link RARE_LONG_SHARE}) more than twice the median (bursts have one per burst).
   */
  isRegular(): boolean {
    const counts = this.counts;
    if (counts === undefined || this.kind === 'tcp') return false;
    let total = 0;
    let median = -1;
    for (let b = 0; b < BUCKETS; b++) total += counts[b]!;
    if (total < 3) return false;
    let seen = 0;
    for (let b = 0; b < BUCKETS && median < 0; b++) {
      seen += counts[b]!;
      if (seen * 2 >= total && counts[b]! > 0) median = b;
    }
    const near = counts[median]! + (counts[median - 1] ?? 0) + (counts[median + 1] ?? 0);
    let long = 0;
    for (let b = median + 3; b < BUCKETS; b++) long += counts[b]!;
    return near >= REGULAR_SHARE * total && long < RARE_LONG_SHARE * total;
  }

  /**
   * Counts one packet (the current frame); `identity` names the packet, to tell a second copy of it
   * (-1: no identity). Returns false for a copy of the previous packet.
   */
  observe(f: LinkFrame, identity: number): boolean {
    // The time is read here rather than passed: a double argument to a call that is not inlined is boxed.
    const t = f.timeNs;
    if (f.outgoing) {
      this.outgoingCopies++;
      // The outgoing copy of a packet that also came in (a bridge) is the same packet.
      if (this.incomingCopies > 0) return false;
    } else if (f.packetType >= 0) {
      this.incomingCopies++;
      if (f.packetType === SLL_PACKET_OTHERHOST) this.otherHostCopies++;
    }
    this.trackLink(f);
    if (this.packets > 0) {
      // A second copy is seen elsewhere (another interface, VLAN or direction), just after the first.
      if (t - this.last < DUPLICATE_WINDOW_NS && f.sourceKey !== this.lastCountedSource && (identity === this.lastIdentity || identity < 0)) {
        this.duplicates++;
        this.packets++;
        return false;
      }
      let interval = t - this.last;
      if (interval < 0) interval = 0;
      let counts = this.counts;
      let sums = this.sums;
      if (counts === undefined || sums === undefined) {
        counts = this.counts = new Uint32Array(BUCKETS);
        sums = this.sums = new Float64Array(BUCKETS);
      }
      const b = bucketOf(interval);
      counts[b]!++;
      sums[b]! += interval;
      const c = this.candidates;
      // The interval after a possible gap tells a late packet (the next one comes early or on time,
      // the two adding up to two intervals) from lost ones.
      if (c.length > 0 && c[c.length - 1]! < 0) c[c.length - 1] = interval;
      if (interval > this.candidateThreshold) this.addCandidate(this.last, t);
      if ((this.packets & 63) === 0) this.retune();
    } else {
      this.first = t;
    }
    this.packets++;
    this.previous = this.last;
    this.last = t;
    this.bytes += f.originalLength;
    this.lastIdentity = identity;
    this.lastCountedSource = f.sourceKey;
    return true;
  }

  /** Packets counted once (copies left out). */
  get distinctPackets(): number {
    return this.packets - this.duplicates;
  }

  private retune(): void {
    const typical = this.typicalInterval();
    this.typicalSoFar = typical;
    this.candidateThreshold = this.isRegular() ? CANDIDATE_FACTOR * typical : Math.max(CANDIDATE_FACTOR * typical, IRREGULAR_MIN_GAP_NS);
  }

  private addCandidate(from: number, to: number): void {
    if (this.candidates.length >= 3 * MAX_CANDIDATES) {
      this.candidatesDropped++;
      return;
    }
    this.candidates.push(from, to, -1);
  }

  private trackLink(f: LinkFrame): void {
    const t = f.timeNs;
    if (f.destinationMac !== this.destinationMac) {
      if (this.destinationMac >= 0 && f.destinationMac >= 0) {
        if (this.destinationChanges.length < 3 * MAX_CHANGES) this.destinationChanges.push(t, this.destinationMac, f.destinationMac);
        else this.changesDropped++;
      }
      if (f.destinationMac >= 0) this.destinationMac = f.destinationMac;
    }
    // Where the sender lives: not told by a copy the capturing host sent on.
    if (f.outgoing) return;
    const source = f.sourceKey;
    if (f.sourceMac !== this.sourceMac || source !== this.linkSource) {
      this.closeSegment();
      this.sourceMac = f.sourceMac;
      this.linkSource = source;
      this.segmentFirst = t;
      this.segmentUnicast = 0;
    }
    this.segmentLast = t;
    if (!f.groupAddressed) this.segmentUnicast++;
  }

  private closeSegment(): void {
    if (this.sourceMac < 0 && this.linkSource < 0) return;
    if (this.segments.length >= 5 * MAX_CHANGES) {
      this.changesDropped++;
      return;
    }
    this.segments.push(this.sourceMac, this.linkSource, this.segmentFirst, this.segmentLast, this.segmentUnicast);
  }

  /** The segments including the open one. */
  allSegments(): number[] {
    if (this.sourceMac < 0 && this.linkSource < 0) return this.segments;
    return [...this.segments, this.sourceMac, this.linkSource, this.segmentFirst, this.segmentLast, this.segmentUnicast];
  }

  /**
   * An echo request went out. Requests are numbered by their sequence number, unwrapped (a pinger
   * numbers every request it means to send, so a gap in the numbers is requests lost before the capture
   * point, e.g. by a paused sender).
   */
  request(sequence: number): void {
    let number: number;
    if (this.requests === 0) number = 0;
    else {
      const ahead = (sequence - this.lastSequence) & 0xffff;
      number = ahead < 0x8000 ? this.lastNumber + ahead : this.lastNumber - ((this.lastSequence - sequence) & 0xffff);
    }
    if (number >= this.lastNumber || this.requests === 0) {
      this.lastNumber = number;
      this.lastSequence = sequence;
    }
    this.requests++;
    this.pending!.add(sequence, number);
  }

  /** An echo reply came back (the current frame; this is the reply flow, `partner` holds the requests). */
  reply(f: LinkFrame, sequence: number): void {
    const t = f.timeNs;
    const previousReplyAt = this.previous;
    const requests = this.partner;
    if (requests === undefined) return;
    const number = requests.pending!.take(sequence);
    if (number < 0) return;
    const lost = number - this.lastAnswered - 1;
    if (this.lastAnswered >= 0 && lost > 0) this.lossGaps.push(previousReplyAt, t, lost);
    if (number > this.lastAnswered) this.lastAnswered = number;
    this.answered++;
  }

  /** Text naming the flow: "198.18.0.1:43000 → 198.18.0.3:43000 udp", "198.18.0.6 → 198.18.0.3 ping id 3". */
  get name(): string {
    if (this.kind === 'echo-request') return `${this.source} → ${this.destination} ping id ${this.sourcePort}`;
    if (this.kind === 'echo-reply') return `${this.source} → ${this.destination} echo replies id ${this.sourcePort}`;
    const s = this.family === 6 ? `[${this.source}]` : this.source;
    const d = this.family === 6 ? `[${this.destination}]` : this.destination;
    return `${s}:${this.sourcePort} → ${d}:${this.destinationPort} ${this.kind}`;
  }
}

/**
 * The latest echo requests of a ping, sequence number → request number, in a ring: a reply looks
 * back from the newest (it usually answers the newest or the one before), and a request not answered
 * before {@link RECENT_REQUESTS} more are sent is forgotten. No allocation per request.
 */
export class RecentRequests {
  private readonly sequences = new Int32Array(RECENT_REQUESTS).fill(-1);
  private readonly numbers = new Float64Array(RECENT_REQUESTS);
  private head = 0;
  private stored = 0;

  add(sequence: number, number: number): void {
    this.sequences[this.head] = sequence;
    this.numbers[this.head] = number;
    this.head = (this.head + 1) % RECENT_REQUESTS;
    if (this.stored < RECENT_REQUESTS) this.stored++;
  }

  /** The request number of the newest request with this sequence number, forgetting it; -1 if none. */
  take(sequence: number): number {
    for (let k = 1; k <= this.stored; k++) {
      const i = (this.head - k + RECENT_REQUESTS) % RECENT_REQUESTS;
      if (this.sequences[i] === sequence) {
        this.sequences[i] = -1;
        return this.numbers[i]!;
      }
    }
    return -1;
  }
}

/** An address as text. */
export function addressText(family: number, w0: number, w1: number, w2: number, w3: number): string {
  if (family === 4) return formatIpv4(w0 as never);
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, w0);
  v.setUint32(4, w1);
  v.setUint32(8, w2);
  v.setUint32(12, w3);
  return formatIpv6Bytes(b);
}

function hashOf(code: number, h: PacketHeaders): number {
  let x = Math.imul(code ^ h.source0, 0x9e3779b1);
  x = Math.imul(x ^ h.destination0 ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ ((h.sourcePort << 16) | h.destinationPort) ^ (x >>> 13), 0xc2b2ae35);
  if (h.family === 6) {
    x = Math.imul(x ^ h.source3 ^ (x >>> 16), 0x9e3779b1);
    x = Math.imul(x ^ h.destination3 ^ (x >>> 15), 0x85ebca6b);
    x = Math.imul(x ^ h.source2 ^ h.destination2 ^ (x >>> 13), 0xc2b2ae35);
  }
  return (x ^ (x >>> 16)) & 0x3fff_ffff;
}

/** The flows of a capture, found by hash; at most `limit` are followed, the rest counted. */
export class FlowTable {
  readonly flows: Flow[] = [];
  /** Packets of flows beyond the limit. */
  untrackedPackets = 0;
  private readonly index = new Map<number, Flow>();
  private lastFlow: Flow | undefined;
  private readonly limit: number;

  constructor(limit = 100_000) {
    this.limit = limit;
  }

  /** The flow of a UDP, TCP or echo packet (created at its first packet), or undefined past the limit. */
  flowOf(code: number, h: PacketHeaders): Flow | undefined {
    const last = this.lastFlow;
    if (last !== undefined && last.matches(code, h)) return last;
    const hash = hashOf(code, h);
    let flow = this.index.get(hash);
    while (flow !== undefined && !flow.matches(code, h)) flow = flow.next;
    if (flow === undefined) {
      if (this.flows.length >= this.limit) {
        this.untrackedPackets++;
        return undefined;
      }
      flow = new Flow(code, h);
      flow.next = this.index.get(hash);
      this.index.set(hash, flow);
      this.flows.push(flow);
      if (code === PACKET_ECHO_REPLY || code === PACKET_ECHO_REQUEST) this.pair(flow);
    }
    this.lastFlow = flow;
    return flow;
  }

  /** Links echo requests and their replies (the reply flow runs the other way, same identifier). */
  private pair(flow: Flow): void {
    for (let other = this.index.get(reverseHash(flow)); other !== undefined; other = other.next) {
      const isPartner = other.code !== flow.code && other.sourcePort === flow.sourcePort && other.family === flow.family &&
        other.s0 === flow.d0 && other.d0 === flow.s0 && other.s1 === flow.d1 && other.d1 === flow.s1 &&
        other.s2 === flow.d2 && other.d2 === flow.s2 && other.s3 === flow.d3 && other.d3 === flow.s3;
      if (!isPartner) continue;
      if (flow.code === PACKET_ECHO_REPLY) flow.partner = other;
      else other.partner = flow;
      return;
    }
  }
}

const scratch = { source0: 0, source1: 0, source2: 0, source3: 0, destination0: 0, destination1: 0, destination2: 0, destination3: 0, sourcePort: 0, destinationPort: 0, family: 4 };

function reverseHash(f: Flow): number {
  scratch.source0 = f.d0; scratch.source1 = f.d1; scratch.source2 = f.d2; scratch.source3 = f.d3;
  scratch.destination0 = f.s0; scratch.destination1 = f.s1; scratch.destination2 = f.s2; scratch.destination3 = f.s3;
  scratch.sourcePort = f.sourcePort;
  scratch.destinationPort = 0;
  scratch.family = f.family;
  return hashOf(f.code === PACKET_ECHO_REPLY ? PACKET_ECHO_REQUEST : PACKET_ECHO_REPLY, scratch as PacketHeaders);
}

/** A gap of a flow, in ns since the start of the capture. */
export interface FlowGap {
  /** The last packet before the gap, and the first after it (the end of the capture if none came). */
  readonly from: number;
  readonly to: number;
  /** Packets missing: exact for echo, estimated from the typical interval for regular flows, -1 unknown. */
  readonly lost: number;
  /** False when no packet came after it before the capture ended. */
  readonly repaired: boolean;
}

/** What the analysis keeps of a flow at the end. */
export interface FlowSummary {
  readonly flow: Flow;
  readonly typicalNs: number;
  readonly regular: boolean;
  readonly gaps: readonly FlowGap[];
}

/**
 * The gaps of a flow, the capture having ended at `captureEnd`. A flow whose requests go unanswered
 * until the end, or a regular flow that stops well before the end, ends with an unrepaired gap.
 */
export function summarizeFlow(flow: Flow, captureEnd: number): FlowSummary {
  const typicalNs = flow.typicalInterval();
  const regular = flow.isRegular();
  const gaps: FlowGap[] = [];
  if (flow.kind === 'echo-reply' && flow.partner !== undefined) {
    const g = flow.lossGaps;
    for (let i = 0; i < g.length; i += 3) gaps.push({ from: g[i]!, to: g[i + 1]!, lost: g[i + 2]!, repaired: true });
    // Requests after the last answered one: lost unless still in flight when the capture ended.
    const requests = flow.partner;
    const unanswered = requests.lastNumber - flow.lastAnswered;
    const requestInterval = requests.typicalInterval();
    if (flow.answered > 0 && unanswered >= 1 && requests.last - flow.last > requestInterval) {
      const inFlight = requests.last - flow.last <= 2 * requestInterval ? 0 : 1;
      if (unanswered - inFlight >= 1) gaps.push({ from: flow.last, to: captureEnd, lost: unanswered - inFlight, repaired: false });
    }
    return { flow, typicalNs, regular, gaps };
  }
  const threshold = regular ? REGULAR_GAP_FACTOR * typicalNs : Math.max(IRREGULAR_GAP_FACTOR * typicalNs, IRREGULAR_MIN_GAP_NS);
  const c = flow.candidates;
  for (let i = 0; i < c.length; i += 3) {
    const interval = c[i + 1]! - c[i]!;
    if (typicalNs <= 0 || interval < threshold) continue;
    let lost = -1;
    if (regular) {
      // Over this interval and the next: a late packet followed by an early one is no loss.
      const next = c[i + 2]!;
      lost = next >= 0 ? Math.round((interval + next) / typicalNs) - 2 : Math.round(interval / typicalNs) - 1;
      if (lost < 1) continue;
    }
    gaps.push({ from: c[i]!, to: c[i + 1]!, lost, repaired: true });
  }
  if (regular && typicalNs > 0 && flow.distinctPackets >= 10 && captureEnd - flow.last >= Math.max(threshold, STOPPED_INTERVALS * typicalNs, STOPPED_MIN_NS)) {
    gaps.push({ from: flow.last, to: captureEnd, lost: Math.max(1, Math.floor((captureEnd - flow.last) / typicalNs)), repaired: false });
  }
  return { flow, typicalNs, regular, gaps };
}
