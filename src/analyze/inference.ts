/**
 * From flows and the timeline to moves: which addresses moved or went silent, when, and what that did
 * to each direction of their traffic, with the mechanism as far as the frames tell it.
 *
 * An address's events are built from anchors, merged when they lie within {@link MERGE_NS} of each
 * other: a new MAC for the address (ARP, ND or DHCP binding it to another MAC), its MAC seen from a
 * new source (pcapng interface, SLL2 interface index, VLAN) after the old one fell silent, RARP for
 * its MAC (RFC 903 as QEMU and VMware announce a move), a burst of announcements (two or more
 * gratuitous ARP, RFC 5227 announcements or unsolicited NA within {@link BURST_NS}) from an address
 * the capture knew before, and gaps in its regular flows or pings. An event with any of the first
 * four is a move, and so is a silence the address ends by announcing itself (even once); one with
 * gaps only is a silence.
 *
 * Per direction (gateway→VM, VM→gateway, peer→VM: the first flow of each, by first packet, that was
 * running when the event began, as `run` takes the scenario's first flow of each):
 * - a gap in that flow overlapping the event is the black hole, measured from the last packet before
 *   it to the first after (for pings, from reply to reply: what a ping flow measures);
 * - no gap, with the capture at the receiver or on the path, means nothing was lost (0);
 * - no gap, with the capture at the sender of a one-way flow (or at one of its ends, not knowing
 *   which), means the capture cannot tell (null): the mechanism then says what the resolution traffic
 *   showed (probes unanswered, a broadcast request answered from a new MAC, announcements seen or not).
 */
import type { PerDirection } from '../metrics/index.js';
import { formatMac } from '../wire/index.js';
import type { ControlMessage } from './classify.js';
import { isAnnouncement } from './classify.js';
import type { Flow, FlowGap, FlowSummary } from './flows.js';
import { sourceText } from './link-reader.js';
import type { SourceSpan, Timeline } from './timeline.js';

/** Anchors closer than this belong to one event. */
export const MERGE_NS = 3e9;
/** Announcements this close together are a burst. */
export const BURST_NS = 2e9;
/** A request answered within this time was answered. */
const ANSWER_NS = 1e9;
/** The share of all data packets a MAC must take part in to be the capturing host. */
const CAPTURE_HOST_SHARE = 0.8;

/**
 * Where a flow was captured relative to its path: where it is sent, where it arrives, in between, or
 * at one of its two ends without telling which (a capture whose only traffic is between two hosts).
 */
export type Vantage = 'sender' | 'receiver' | 'path' | 'sender-or-receiver';

/** How the gateway was found. */
export type GatewayBasis = 'option' | 'vrrp' | 'router-flag' | 'hub';

/** The gateway's addresses (a redundant pair has a virtual one and one per member) and how they were found. */
export interface GatewayChoice {
  readonly addresses: readonly string[];
  readonly basis: GatewayBasis;
}

/** How a direction's black hole is known. */
export type Basis = 'measured' | 'not-visible';

/** A ping seen as its requests and replies, or a one-way flow. */
export interface FlowView {
  readonly name: string;
  readonly kind: 'udp' | 'tcp' | 'ping' | 'echo-replies';
  readonly source: string;
  readonly destination: string;
  /** The flow whose packets stand for the traffic (the requests of a ping). */
  readonly main: FlowSummary;
  /** A ping's replies, when seen. */
  readonly replies: FlowSummary | undefined;
  readonly vantage: Vantage;
  /** Gaps: for a ping, the unanswered stretches (or, without replies seen, the requests' gaps). */
  readonly gaps: readonly FlowGap[];
  readonly first: number;
  readonly last: number;
}

/** One event of one address. Times in ns since the start of the capture. */
export interface InferredEvent {
  readonly address: string;
  readonly macs: readonly number[];
  readonly kind: 'moved' | 'silent';
  readonly from: string | null;
  readonly to: string | null;
  readonly start: number;
  readonly end: number;
  /** The address's last frame before the event and its first after, when the capture has them. */
  readonly lastHeard: number | null;
  readonly heardAgain: number | null;
  /** What the first frame after was. */
  readonly heardAgainBy: string | null;
  /** The silence as a downtime: only when the address sent regularly enough before the event. */
  readonly silence: number | null;
  readonly blackHole: PerDirection<number>;
  readonly afterResume: PerDirection<number>;
  readonly repaired: PerDirection<boolean>;
  readonly basis: PerDirection<Basis>;
  readonly mechanism: PerDirection<string>;
  readonly flows: PerDirection<string>;
  readonly lost: Readonly<Record<string, number>>;
  readonly stale: Readonly<Record<string, number>>;
  readonly evidence: readonly string[];
  /** Points of the event for the address's timeline. */
  readonly markers: readonly Marker[];
}

/** A point of an event in an address's timeline. */
export interface Marker {
  readonly time: number;
  readonly what: 'gap-start' | 'gap-end' | 'new-mac' | 'new-source' | 'heard-again';
  readonly text: string;
}

/** What the inference needs. */
export interface InferenceInput {
  readonly flows: readonly FlowSummary[];
  readonly timeline: Timeline;
  readonly captureEnd: number;
  /** Addresses or MACs (text) to analyse; all when empty. */
  readonly only: readonly string[];
  readonly gateways: readonly string[];
}

/** What the inference gives. */
export interface Inference {
  readonly views: readonly FlowView[];
  readonly events: readonly InferredEvent[];
  readonly gateway: GatewayChoice | null;
  /** MACs taking part in most data packets: where the capture was taken. */
  readonly captureHosts: readonly number[];
  /** Addresses asked for with `only` that had no event. */
  readonly quiet: readonly string[];
}

interface Anchor {
  readonly from: number;
  readonly to: number;
  readonly what: 'new-mac' | 'new-source' | 'rarp' | 'announcements' | 'gap';
  readonly text: string;
  /** A one-way flow that stopped before the capture ended: part of an event, never one by itself (its sender may just have finished). */
  readonly weak?: boolean;
  /** For a move: the old and new MAC or source. */
  readonly before?: string;
  readonly after?: string;
}

const msText = (ns: number): string => (ns >= 10e9 ? `${(ns / 1e9).toFixed(1)} s` : ns >= 1e6 ? `${(Math.round(ns / 1e5) / 10).toLocaleString('en-US')} ms` : `${Math.round(ns / 1e3)} µs`);
const at = (ns: number): string => `${(ns / 1e9).toFixed(3)} s`;

function perDirection<T>(f: (d: keyof PerDirection<T>) => T | null): PerDirection<T> {
  return { gatewayToVm: f('gatewayToVm'), vmToGateway: f('vmToGateway'), peerToVm: f('peerToVm') };
}

const FORM_TEXT: Record<string, string> = {
  'arp-announcement': 'ARP announcement',
  'garp-request': 'gratuitous ARP request',
  'garp-reply': 'gratuitous ARP reply',
  'na-unsolicited': 'unsolicited NA',
  'rarp-request': 'RARP',
  'arp-reply': 'ARP reply',
  'arp-request': 'ARP request',
  'na-solicited': 'solicited NA',
  'ns': 'NS',
  'dad-ns': 'DAD NS',
  'arp-probe': 'ARP probe',
};

/** Runs the inference. */
export function infer(input: InferenceInput): Inference {
  const captureHosts = findCaptureHosts(input.flows);
  const views = flowViews(input.flows, captureHosts);
  const index = indexFlows(input.flows, views);
  const timeline = input.timeline;
  const macsOf = addressMacs(timeline, input.flows);
  const wanted = selectAddresses(input.only, timeline, views, macsOf);
  const provisionalGateway = input.gateways.length > 0 ? { addresses: input.gateways, basis: 'option' as const } : declaredGateway(timeline);
  const anchors = new Map<string, Anchor[]>();
  for (const address of wanted) anchors.set(address, moveAnchors(address, timeline, macsOf(address), index));
  attributeGaps(views, anchors, provisionalGateway?.addresses ?? [], input.only.length > 0);
  for (const [address, list] of anchors) announcedAfterSilence(address, list, timeline, macsOf(address));
  const events: Array<{ address: string; anchors: Anchor[] }> = [];
  for (const [address, list] of anchors) {
    for (const group of mergeAnchors(list)) events.push({ address, anchors: group });
  }
  const moved = new Set(events.map((e) => e.address));
  const gateway = provisionalGateway ?? hubGateway(views, moved);
  const inferred = events
    .map((e) => describeEvent(e.address, e.anchors, { views: index.viewsOf(e.address), timeline, macs: macsOf(e.address), gateways: gateway?.addresses ?? [], captureEnd: input.captureEnd }))
    .sort((a, b) => a.start - b.start || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const quiet = input.only.filter((w) => !inferred.some((e) => e.address === w || e.macs.some((m) => formatMac(m as never) === w.toLowerCase())));
  return { views, events: inferred, gateway, captureHosts, quiet };
}

/** Flows by address and MAC, built once so that the work per address does not grow with the capture. */
interface FlowIndex {
  /** The views with the address at either end, in the order of `views`. */
  viewsOf(address: string): readonly FlowView[];
  /** Where each MAC's flows came from: [source, first, last, frames, unicast frames] … */
  readonly segmentsByMac: ReadonlyMap<number, readonly number[]>;
  /** The first packet to or from each address. */
  readonly firstSeen: ReadonlyMap<string, number>;
}

function indexFlows(flows: readonly FlowSummary[], views: readonly FlowView[]): FlowIndex {
  const byAddress = new Map<string, FlowView[]>();
  for (const v of views) {
    for (const a of v.source === v.destination ? [v.source] : [v.source, v.destination]) {
      const list = byAddress.get(a);
      if (list === undefined) byAddress.set(a, [v]);
      else list.push(v);
    }
  }
  const segmentsByMac = new Map<number, number[]>();
  const firstSeen = new Map<string, number>();
  for (const { flow } of flows) {
    const segs = flow.allSegments();
    for (let i = 0; i < segs.length; i += 5) {
      const mac = segs[i]!;
      if (mac < 0) continue;
      let list = segmentsByMac.get(mac);
      if (list === undefined) segmentsByMac.set(mac, (list = []));
      list.push(segs[i + 1]!, segs[i + 2]!, segs[i + 3]!, 1, segs[i + 4]!);
    }
    for (const a of [flow.source, flow.destination]) firstSeen.set(a, Math.min(firstSeen.get(a) ?? Infinity, flow.first));
  }
  const none: readonly FlowView[] = [];
  return { viewsOf: (a) => byAddress.get(a) ?? none, segmentsByMac, firstSeen };
}

/** MACs that take part in most data packets (as source or destination): the capturing hosts. */
function findCaptureHosts(flows: readonly FlowSummary[]): number[] {
  const byMac = new Map<number, number>();
  let total = 0;
  const add = (mac: number, n: number): void => { if (mac >= 0) byMac.set(mac, (byMac.get(mac) ?? 0) + n); };
  for (const { flow } of flows) {
    const n = flow.distinctPackets;
    total += n;
    // Each source MAC by its frames; each destination MAC by its share of the flow's time.
    const segs = flow.allSegments();
    for (let i = 0; i < segs.length; i += 5) add(segs[i]!, segs[i + 4]!);
    const changes = flow.destinationChanges;
    const span = Math.max(1, flow.last - flow.first);
    let since = flow.first;
    for (let i = 0; i < changes.length; i += 3) {
      add(changes[i + 1]!, (n * (changes[i]! - since)) / span);
      since = changes[i]!;
    }
    add(flow.destinationMac, (n * (flow.last - since)) / span);
  }
  if (total < 10) return [];
  return [...byMac].filter(([, n]) => n >= CAPTURE_HOST_SHARE * total).map(([mac]) => mac).sort((a, b) => a - b);
}

function vantageOf(flow: Flow, hosts: readonly number[]): Vantage {
  // A cooked capture tells: to this host, or to another that this one forwards it to (a bridge, a router).
  if (flow.incomingCopies > 0) return flow.otherHostCopies * 2 > flow.incomingCopies ? 'path' : 'receiver';
  if (flow.outgoingCopies > 0) return 'sender';
  const fromHost = hosts.includes(flow.sourceMac);
  const toHost = hosts.includes(flow.destinationMac);
  if (fromHost && toHost) return 'sender-or-receiver';
  if (fromHost) return 'sender';
  if (toHost) return 'receiver';
  return 'path';
}

/** Pings as requests with their replies; one-way flows as they are. Sorted by first packet. */
function flowViews(flows: readonly FlowSummary[], hosts: readonly number[]): FlowView[] {
  const repliesOf = new Map<Flow, FlowSummary>();
  for (const s of flows) if (s.flow.kind === 'echo-reply' && s.flow.partner !== undefined) repliesOf.set(s.flow.partner, s);
  const views: FlowView[] = [];
  for (const s of flows) {
    const f = s.flow;
    if (f.kind === 'echo-reply' && f.partner !== undefined) continue;
    if (f.kind === 'echo-request') {
      const replies = repliesOf.get(f);
      // The unanswered stretches when both are seen; else the requests' own gaps (a capture that
      // sees them arrive at the target, or leave without answers coming back through it).
      const gaps = replies !== undefined && replies.flow.answered > 0 ? replies.gaps : s.gaps;
      views.push({
        name: f.name, kind: 'ping', source: f.source, destination: f.destination, main: s, replies, vantage: vantageOf(f, hosts), gaps,
        first: f.first, last: Math.max(f.last, replies?.flow.last ?? 0),
      });
      continue;
    }
    views.push({
      name: f.name, kind: f.kind === 'echo-reply' ? 'echo-replies' : f.kind, source: f.source, destination: f.destination, main: s,
      replies: undefined, vantage: vantageOf(f, hosts), gaps: s.gaps, first: f.first, last: f.last,
    });
  }
  return views.sort((a, b) => a.first - b.first || (a.name < b.name ? -1 : 1));
}

/** The MACs of an address: those ARP/ND/DHCP bound it to, else those its own flows came from. */
function addressMacs(timeline: Timeline, flows: readonly FlowSummary[]): (address: string) => number[] {
  const fromData = new Map<string, number[]>();
  for (const { flow } of flows) {
    const segs = flow.allSegments();
    for (let i = 0; i < segs.length; i += 5) {
      const mac = segs[i]!;
      if (mac < 0) continue;
      const list = fromData.get(flow.source) ?? [];
      if (!list.includes(mac)) list.push(mac);
      fromData.set(flow.source, list);
    }
  }
  return (address) => {
    const h = timeline.addresses.get(address);
    const bound = h?.macs ?? [];
    return bound.length > 0 ? bound : fromData.get(address) ?? [];
  };
}

/** The addresses to look at: those asked for (by address or by MAC), or every address seen. */
function selectAddresses(only: readonly string[], timeline: Timeline, views: readonly FlowView[], macsOf: (a: string) => number[]): string[] {
  const all = new Set<string>(timeline.addresses.keys());
  for (const v of views) {
    all.add(v.source);
    all.add(v.destination);
  }
  const sorted = [...all].sort();
  if (only.length === 0) return sorted;
  const out: string[] = [];
  for (const w of only) {
    const lower = w.toLowerCase();
    if (all.has(w)) out.push(w);
    else for (const a of sorted) if (macsOf(a).some((m) => formatMac(m as never) === lower) && !out.includes(a)) out.push(a);
  }
  return out;
}

/**
 * A gateway the frames declare: a VRRP router's virtual addresses and its members' own (RFC 5798 §5:
 * the advertisement comes from the member's address and lists the virtual ones), or the addresses
 * NAs with the Router flag advertise (RFC 4861 §4.4).
 */
function declaredGateway(timeline: Timeline): GatewayChoice | undefined {
  const vrrp = new Set<string>();
  const routers = new Set<string>();
  for (const h of timeline.addresses.values()) {
    for (const m of h.messages) {
      if (m.form === 'vrrp') {
        for (const a of m.detail.split(',')) if (a !== '') vrrp.add(a);
        if (m.speaker !== undefined) vrrp.add(m.speaker);
      } else if (m.form.startsWith('na-') && m.router && m.subject !== undefined && !m.subject.startsWith('fe80:')) {
        routers.add(m.subject);
      }
    }
  }
  if (vrrp.size > 0) return { addresses: [...vrrp].sort(), basis: 'vrrp' };
  if (routers.size > 0) return { addresses: [...routers].sort(), basis: 'router-flag' };
  return undefined;
}

/** The address that exchanges traffic with the most others (more than any other), if not one of the events' addresses. */
function hubGateway(views: readonly FlowView[], exclude: ReadonlySet<string>): GatewayChoice | null {
  const peers = new Map<string, Set<string>>();
  for (const v of views) {
    for (const [a, b] of [[v.source, v.destination], [v.destination, v.source]] as const) {
      let set = peers.get(a);
      if (set === undefined) peers.set(a, (set = new Set()));
      set.add(b);
    }
  }
  const ranked = [...peers].filter(([a]) => !exclude.has(a)).map(([a, s]) => [a, s.size] as const).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  if (ranked.length === 0 || ranked[0]![1] < 2 || (ranked.length > 1 && ranked[1]![1] === ranked[0]![1])) return null;
  return { addresses: [ranked[0]![0]], basis: 'hub' };
}

/** Spans of each source where a MAC was seen: control messages and the address's flows' segments. */
function sourceSpans(mac: number, timeline: Timeline, index: FlowIndex): Map<number, SourceSpan & { lastUnicast: number }> {
  const spans = new Map<number, SourceSpan & { lastUnicast: number }>();
  const add = (source: number, first: number, last: number, frames: number, unicast: number): void => {
    const s = spans.get(source);
    const lastUnicast = unicast > 0 ? last : -Infinity;
    if (s === undefined) spans.set(source, { first, last, frames, unicast, lastUnicast });
    else {
      s.first = Math.min(s.first, first);
      s.last = Math.max(s.last, last);
      s.frames += frames;
      s.unicast += unicast;
      s.lastUnicast = Math.max(s.lastUnicast, lastUnicast);
    }
  };
  const h = timeline.macs.get(mac);
  if (h !== undefined) {
    for (const [source, span] of h.sources) add(source, span.first, span.last, span.frames, span.unicast);
  }
  const segs = index.segmentsByMac.get(mac) ?? [];
  for (let i = 0; i < segs.length; i += 5) add(segs[i]!, segs[i + 1]!, segs[i + 2]!, segs[i + 3]!, segs[i + 4]!);
  return spans;
}

/** Anchors of moves of one address (gaps are added by {@link attributeGaps}). */
function moveAnchors(address: string, timeline: Timeline, macs: readonly number[], index: FlowIndex): Anchor[] {
  const out: Anchor[] = [];
  const h = timeline.addresses.get(address);
  const firstKnown = Math.min(h !== undefined && h.messages.length > 0 ? h.messages[0]!.time : Infinity, index.firstSeen.get(address) ?? Infinity);
  if (h !== undefined) {
    for (let i = 1; i < h.bindings.length; i++) {
      const b = h.bindings[i]!;
      const old = h.bindings[i - 1]!;
      out.push({ from: b.time, to: b.time, what: 'new-mac', text: `new MAC ${fmtMac(old.mac)} → ${fmtMac(b.mac)} (${FORM_TEXT[b.form] ?? b.form} at ${at(b.time)})`, before: fmtMac(old.mac), after: fmtMac(b.mac) });
    }
    const announcements = h.messages.filter((m) => isAnnouncement(m.form) && m.form !== 'rarp-request' && m.subject === address && m.time > firstKnown);
    for (const [first, last, n] of clusters(announcements.map((m) => m.time), BURST_NS)) {
      if (n < 2) continue;
      const form = announcements.find((m) => m.time === first)!.form;
      out.push({ from: first, to: last, what: 'announcements', text: `${n} × ${FORM_TEXT[form] ?? form} from ${at(first)}` });
    }
  }
  for (const mac of macs) {
    // QEMU's rounds run over 800 ms by default (qemu net/announce.c); Nova may repeat them a second apart
    // (nova/conf/workarounds.py: qemu_monitor_announce_self_count 3, interval 1 s).
    for (const [first, , n] of clusters(timeline.macs.get(mac)?.rarp ?? [], MERGE_NS)) {
      out.push({ from: first, to: first, what: 'rarp', text: `${n} × RARP for ${fmtMac(mac)} from ${at(first)}` });
    }
    const spans = [...sourceSpans(mac, timeline, index)].sort((a, b) => a[1].first - b[1].first);
    for (const [newSource, b] of spans) {
      for (const [oldSource, a] of spans) {
        if (a === b || a.first >= b.first) continue;
        // The old place fell silent (in frames a flood would not put there) before the new one began.
        const lastOld = a.unicast > 0 ? a.lastUnicast : a.last;
        if (lastOld <= b.first && b.last >= b.first) {
          out.push({ from: b.first, to: b.first, what: 'new-source', text: `${fmtMac(mac)} seen at ${sourceText(newSource)} from ${at(b.first)}, last at ${sourceText(oldSource)} ${at(lastOld)}`, before: sourceText(oldSource), after: sourceText(newSource) });
          break;
        }
      }
    }
  }
  return out;
}

/** Runs of times (sorted) where each lies within `within` of the run's first: [first, last, count] each. */
function clusters(times: readonly number[], within: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  let i = 0;
  while (i < times.length) {
    let j = i;
    while (j + 1 < times.length && times[j + 1]! - times[i]! <= within) j++;
    out.push([times[i]!, times[j]!, j - i + 1]);
    i = j + 1;
  }
  return out;
}

/**
 * Gives each gap of a regular flow (or ping) to the address that explains it: the one with other
 * signs of a move in that window, else the one that is not the gateway, else the one whose flows
 * went quiet together (the most of them), else the destination (a path that broke) or, for a flow
 * seen where it is sent, the source (a sender that stopped). With addresses asked for, each of those
 * takes every gap of its own flows.
 */
function attributeGaps(views: readonly FlowView[], anchors: Map<string, Anchor[]>, gateways: readonly string[], asked: boolean): void {
  interface Gap { view: FlowView; gap: FlowGap }
  const gaps: Gap[] = [];
  for (const view of views) {
    if (!(view.kind === 'ping' || view.main.regular)) continue;
    for (const gap of view.gaps) gaps.push({ view, gap });
  }
  const gapsOf = new Map<string, Gap[]>();
  for (const g of gaps) {
    for (const a of [g.view.source, g.view.destination]) {
      const list = gapsOf.get(a);
      if (list === undefined) gapsOf.set(a, [g]);
      else list.push(g);
    }
  }
  const overlaps = (g: FlowGap, a: { from: number; to: number }): boolean => g.from <= a.to + MERGE_NS && a.from <= g.to + MERGE_NS;
  for (const { view, gap } of gaps) {
    const text = `${view.name}: ${gap.repaired ? '' : 'no packet after '}${at(gap.from)}${gap.repaired ? ` → ${at(gap.to)}` : ''} (${gap.repaired ? msText(gap.to - gap.from) : 'not repaired'})`;
    const anchor: Anchor = { from: gap.from, to: gap.repaired ? gap.to : gap.from, what: 'gap', text, weak: !gap.repaired && view.kind !== 'ping' };
    const ends = [view.source, view.destination].filter((a) => anchors.has(a));
    if (asked) {
      for (const a of ends) anchors.get(a)!.push(anchor);
      continue;
    }
    const withMoves = ends.filter((a) => anchors.get(a)!.some((x) => x.what !== 'gap' && overlaps(gap, x)));
    let chosen: string | undefined;
    if (withMoves.length === 1) chosen = withMoves[0];
    else if (ends.length === 2 && ends.some((a) => gateways.includes(a)) && !ends.every((a) => gateways.includes(a))) chosen = ends.find((a) => !gateways.includes(a));
    else {
      const together = (a: string): number => (gapsOf.get(a) ?? []).filter((o) => overlaps(o.gap, gap)).length;
      const [s, d] = [together(view.source), together(view.destination)];
      if (s !== d) chosen = s > d ? view.source : view.destination;
      else chosen = view.vantage === 'sender' && view.kind !== 'ping' ? view.source : view.destination;
    }
    if (chosen !== undefined && anchors.has(chosen)) anchors.get(chosen)!.push(anchor);
  }
}

/**
 * An address whose flow stopped, then announced itself (a single gratuitous ARP, unsolicited NA or
 * RARP: what Linux's arp_notify or a hypervisor sends when it comes back): that is a move too, even
 * when the capture cannot tell where to (Linux cooked v1 has no interface index).
 */
function announcedAfterSilence(address: string, list: Anchor[], timeline: Timeline, macs: readonly number[]): void {
  const stops = list.filter((a) => a.weak === true);
  if (stops.length === 0 || list.some((a) => a.what === 'announcements' || a.what === 'rarp')) return;
  const times: Array<[number, string]> = [];
  for (const m of timeline.addresses.get(address)?.messages ?? []) if (isAnnouncement(m.form) && m.subject === address) times.push([m.time, FORM_TEXT[m.form] ?? m.form]);
  for (const mac of macs) for (const t of timeline.macs.get(mac)?.rarp ?? []) times.push([t, 'RARP']);
  for (const stop of stops) {
    const after = times.filter(([t]) => t > stop.from && t <= stop.from + MERGE_NS).sort((a, b) => a[0] - b[0]);
    if (after.length === 0) continue;
    list.push({ from: after[0]![0], to: after[after.length - 1]![0], what: 'announcements', text: `${after.length} × ${after[0]![1]} from ${at(after[0]![0])}, after the silence` });
    return;
  }
}

function mergeAnchors(list: readonly Anchor[]): Anchor[][] {
  const sorted = list.filter((a) => a.weak !== true).sort((a, b) => a.from - b.from || a.to - b.to);
  const groups: Anchor[][] = [];
  let end = -Infinity;
  for (const a of sorted) {
    if (groups.length > 0 && a.from <= end + MERGE_NS) {
      groups[groups.length - 1]!.push(a);
      end = Math.max(end, a.to);
    } else {
      groups.push([a]);
      end = a.to;
    }
  }
  // A flow that stopped joins the event it stopped in.
  for (const w of list.filter((a) => a.weak === true)) {
    const group = groups.find((g) => w.from >= Math.min(...g.map((a) => a.from)) - MERGE_NS && w.from <= Math.max(...g.map((a) => a.to)) + MERGE_NS);
    group?.push(w);
  }
  return groups;
}

interface EventContext {
  readonly views: readonly FlowView[];
  readonly timeline: Timeline;
  readonly macs: readonly number[];
  readonly gateways: readonly string[];
  readonly captureEnd: number;
}

/** Frames from the address: its flows' packets (outside their gaps) and its control messages. */
function heardAround(address: string, macs: readonly number[], t: number, ctx: EventContext): { last: number | null; next: number | null; nextBy: string | null; regular: number } {
  let last: number | null = null;
  let next: number | null = null;
  let nextBy: string | null = null;
  let regular = 0;
  const consider = (before: number | null, after: number | null, by: string): void => {
    if (before !== null && (last === null || before > last)) last = before;
    if (after !== null && (next === null || after < next)) {
      next = after;
      nextBy = by;
    }
  };
  for (const v of ctx.views) {
    // What the address sends: its one-way flows, its pings' requests, the replies it gives.
    const sent = v.source === address ? v.main : v.destination === address && v.replies !== undefined ? v.replies : undefined;
    if (sent === undefined) continue;
    const f = sent.flow;
    if (sent.regular && f.first <= t && f.last >= t) regular = Math.max(regular, sent.typicalNs);
    const by = v.kind === 'ping' ? (sent === v.main ? 'echo request' : 'echo reply') : `${v.kind} data`;
    const gap = sent.gaps.find((g) => g.from <= t && g.to >= t);
    if (gap !== undefined) consider(gap.from, gap.repaired ? gap.to : null, by);
    else if (f.last <= t) consider(f.last, null, '');
    else if (f.first > t) consider(null, f.first, by);
    else consider(t, t, by);
  }
  const h = ctx.timeline.addresses.get(address);
  for (const m of h?.messages ?? []) {
    const fromIt = m.speaker === address || (m.sourceMac >= 0 && macs.includes(m.sourceMac));
    if (!fromIt) continue;
    if (m.time <= t) consider(m.time, null, '');
    else consider(null, m.time, FORM_TEXT[m.form] ?? m.form);
  }
  for (const mac of macs) {
    for (const r of ctx.timeline.macs.get(mac)?.rarp ?? []) {
      if (r <= t) consider(r, null, '');
      else consider(null, r, 'RARP');
    }
  }
  return { last, next, nextBy, regular };
}

type Direction = keyof PerDirection<number>;

function directionOf(v: FlowView, address: string, gateways: readonly string[]): Direction | undefined {
  if (v.kind === 'echo-replies') return undefined;
  if (v.destination === address) return gateways.includes(v.source) ? 'gatewayToVm' : 'peerToVm';
  if (v.source === address && gateways.includes(v.destination)) return 'vmToGateway';
  return undefined;
}

/** Requests for `address` and what became of them, within [from, to]. */
function resolutionStory(address: string, macs: readonly number[], from: number, to: number, requester: string | undefined, ctx: EventContext): string[] {
  const h = ctx.timeline.addresses.get(address);
  if (h === undefined) return [];
  // After `from` (the address's last frame before the event: what came before it was answered).
  const messages = h.messages.filter((m) => m.time > from && m.time <= to + ANSWER_NS);
  const requests = messages.filter((m) => (m.form === 'arp-request' || m.form === 'ns') && m.subject === address && (requester === undefined || m.speaker === requester));
  const answers = messages.filter((m) => (m.form === 'arp-reply' || m.form === 'na-solicited' || m.form === 'garp-reply') && m.subject === address);
  const answeredBy = (r: ControlMessage): ControlMessage | undefined => answers.find((a) => a.time >= r.time && a.time - r.time <= ANSWER_NS);
  const unicast = requests.filter((r) => !r.groupAddressed && r.destinationMac >= 0);
  const broadcast = requests.filter((r) => r.groupAddressed || r.destinationMac < 0);
  const story: string[] = [];
  const unanswered = unicast.filter((r) => answeredBy(r) === undefined);
  if (unanswered.length > 0) {
    story.push(`${unanswered.length} unicast ${unanswered[0]!.form === 'ns' ? 'NS' : 'ARP'} probe${unanswered.length === 1 ? '' : 's'} to ${fmtMac(unanswered[0]!.destinationMac)} unanswered (${at(unanswered[0]!.time)}${unanswered.length > 1 ? `–${at(unanswered[unanswered.length - 1]!.time)}` : ''})`);
  }
  for (const r of broadcast) {
    const a = answeredBy(r);
    const kind = r.form === 'ns' ? 'multicast NS' : 'broadcast ARP request';
    story.push(a === undefined ? `${kind} at ${at(r.time)} unanswered` : `${kind} at ${at(r.time)} answered by ${fmtMac(a.boundMac)}${macs.length > 1 && a.boundMac === macs[macs.length - 1] ? ' (the new MAC)' : ''}`);
  }
  return story;
}

function announcementsIn(address: string, macs: readonly number[], from: number, to: number, ctx: EventContext): ControlMessage[] {
  const h = ctx.timeline.addresses.get(address);
  const list = (h?.messages ?? []).filter((m) => m.time >= from && m.time <= to && isAnnouncement(m.form) && m.subject === address);
  const rarp: ControlMessage[] = [];
  for (const mac of macs) {
    for (const t of ctx.timeline.macs.get(mac)?.rarp ?? []) {
      if (t >= from && t <= to) {
        rarp.push({ time: t, form: 'rarp-request', sourceMac: mac, destinationMac: -1, groupAddressed: true, linkSource: -1, outgoing: false, speaker: undefined, subject: undefined, boundMac: mac, binds: false, targetMac: mac, router: false, override: false, detail: '' });
      }
    }
  }
  return [...list, ...rarp].sort((a, b) => a.time - b.time);
}

function summarizeAnnouncements(list: readonly ControlMessage[]): string {
  const byForm = new Map<string, number>();
  for (const m of list) byForm.set(FORM_TEXT[m.form] ?? m.form, (byForm.get(FORM_TEXT[m.form] ?? m.form) ?? 0) + 1);
  return [...byForm].map(([form, n]) => `${n} × ${form}`).join(', ');
}

/**
 * A flow that stopped may have been followed by another between the same ends and of the same kind
 * (a new socket, a restarted sender): the traffic came back with that one.
 */
function successorOf(v: FlowView, gap: FlowGap, views: readonly FlowView[]): FlowView | undefined {
  return views.find((o) => o !== v && o.kind === v.kind && o.source === v.source && o.destination === v.destination && o.first > gap.from);
}

/** A gap, ended by the successor flow if one took over (its packets lost counted up to then). */
function mended(v: FlowView, gap: FlowGap, views: readonly FlowView[]): FlowGap {
  if (gap.repaired) return gap;
  const next = successorOf(v, gap, views);
  if (next === undefined) return gap;
  const typical = v.main.typicalNs;
  return { from: gap.from, to: next.first, repaired: true, lost: typical > 0 && gap.lost >= 0 ? Math.max(0, Math.round((next.first - gap.from) / typical) - 1) : gap.lost };
}

function describeEvent(address: string, anchors: readonly Anchor[], ctx: EventContext): InferredEvent {
  const start = Math.min(...anchors.map((a) => a.from));
  const end = Math.max(...anchors.map((a) => a.to));
  let moves = anchors.filter((a) => a.what !== 'gap');
  const macChange = anchors.find((a) => a.what === 'new-mac');
  const sourceChange = anchors.find((a) => a.what === 'new-source');
  const macs = ctx.macs;
  // Heard before and after: around the first gap's last packet, or just before the first sign of a move.
  const gapStarts = anchors.filter((a) => a.what === 'gap').map((a) => a.from);
  const reference = gapStarts.length > 0 ? Math.min(...gapStarts) : start - 1;
  const heard = heardAround(address, macs, reference, ctx);
  const lastHeard = heard.last;
  const heardAgain = heard.next;
  // The silence tells the pause only when the address was sending regularly up to the event.
  const silence = lastHeard !== null && heardAgain !== null && heard.regular > 0 && start - lastHeard <= 2 * heard.regular ? heardAgain - lastHeard : null;
  const resume = heardAgain;
  const evidence = anchors.map((a) => a.text);
  const markers: Marker[] = [];
  for (const a of anchors) if (a.what === 'new-mac' || a.what === 'new-source') markers.push({ time: a.from, what: a.what, text: a.text });
  if (heardAgain !== null) markers.push({ time: heardAgain, what: 'heard-again', text: `${address} heard again (${heard.nextBy ?? 'a frame'})` });
  const announcements = announcementsIn(address, macs, start - ANSWER_NS, Math.max(end, start) + MERGE_NS, ctx);
  // A silence that ends with the address announcing itself is a move (or a restart) too.
  if (moves.length === 0) {
    const after = announcements.filter((m) => m.time > start);
    if (after.length > 0) {
      const text = `${summarizeAnnouncements(after)} from ${at(after[0]!.time)}, after the silence`;
      evidence.push(text);
      moves = [{ from: after[0]!.time, to: after[0]!.time, what: 'announcements', text }];
    }
  }

  const chosen = new Map<Direction, FlowView>();
  for (const v of ctx.views) {
    const d = directionOf(v, address, ctx.gateways);
    if (d === undefined || chosen.has(d)) continue;
    if (v.first <= start + MERGE_NS && v.last >= start - MERGE_NS) chosen.set(d, v);
  }
  const lost: Record<string, number> = {};
  const addLost = (key: string, n: number): void => { if (n > 0) lost[key] = (lost[key] ?? 0) + n; };
  for (const v of ctx.views) {
    if (v.source !== address && v.destination !== address) continue;
    for (const original of v.gaps) {
      const g = mended(v, original, ctx.views);
      if (g.lost <= 0 || g.to < start - MERGE_NS || g.from > end + MERGE_NS) continue;
      if (resume === null || !(v.main.typicalNs > 0)) addLost('unknown', g.lost);
      else {
        // The missing packets were due at from + k·T (k = 1 … lost): those due before the resume.
        const due = (resume - g.from) / v.main.typicalNs;
        const before = resume >= g.to ? g.lost : Math.min(g.lost, Math.max(0, Math.ceil(due - 1e-6) - 1));
        addLost('before-resume', before);
        addLost('after-resume', g.lost - before);
      }
    }
  }

  const result = {
    blackHole: {} as Record<Direction, number | null>,
    afterResume: {} as Record<Direction, number | null>,
    repaired: {} as Record<Direction, boolean | null>,
    basis: {} as Record<Direction, Basis | null>,
    mechanism: {} as Record<Direction, string | null>,
    flows: {} as Record<Direction, string | null>,
  };
  for (const d of ['gatewayToVm', 'vmToGateway', 'peerToVm'] as const) {
    const v = chosen.get(d);
    result.flows[d] = v?.name ?? null;
    if (v === undefined) {
      for (const k of ['blackHole', 'afterResume', 'repaired', 'basis', 'mechanism'] as const) result[k][d] = null;
      continue;
    }
    // The longest gap of the flow in the event (a short one beside it is jitter or a lost packet).
    const overlapping = v.gaps.filter((g) => g.to >= start - MERGE_NS && g.from <= end + MERGE_NS);
    const gap = overlapping.length === 0 ? undefined
      : overlapping.reduce((best, g) => ((g.repaired ? g.to : ctx.captureEnd) - g.from > (best.repaired ? best.to : ctx.captureEnd) - best.from ? g : best));
    const requester = d === 'vmToGateway' ? undefined : v.source;
    if (gap === undefined) {
      if ((v.vantage === 'sender' || v.vantage === 'sender-or-receiver') && v.kind !== 'ping') {
        result.blackHole[d] = null;
        result.afterResume[d] = null;
        result.repaired[d] = null;
        result.basis[d] = 'not-visible';
        const story = d === 'vmToGateway' ? [] : resolutionStory(address, macs, lastHeard ?? start - MERGE_NS, end + MERGE_NS, requester, ctx);
        result.mechanism[d] = [
          v.vantage === 'sender' ? 'captured where it is sent: whether it arrived is not visible'
            : 'no gap where captured, but the capture may be where it is sent, where arrival is not visible',
          announcements.length > 0 ? `announcement seen: ${summarizeAnnouncements(announcements)} from ${at(announcements[0]!.time)}` : 'no announcement seen',
          ...story,
        ].join('; ');
      } else {
        result.blackHole[d] = 0;
        result.afterResume[d] = 0;
        result.repaired[d] = true;
        result.basis[d] = 'measured';
        result.mechanism[d] = v.kind === 'ping' ? 'every request seen was answered'
          : `delivered throughout (${v.vantage === 'receiver' ? 'captured where it arrives' : 'captured on its path'})`;
      }
      continue;
    }
    const successor = gap.repaired ? undefined : successorOf(v, gap, ctx.views);
    const repaired = gap.repaired || successor !== undefined;
    const gapEnd = gap.repaired ? gap.to : successor !== undefined ? successor.first : ctx.captureEnd;
    const label = d === 'gatewayToVm' ? 'gateway→vm' : d === 'vmToGateway' ? 'vm→gateway' : 'peer→vm';
    markers.push({ time: gap.from, what: 'gap-start', text: `${label}: last packet before the gap (${v.name})` });
    if (repaired) markers.push({ time: gapEnd, what: 'gap-end', text: `${label}: first packet after the gap, ${msText(gapEnd - gap.from)} later${successor === undefined ? '' : ` (${successor.name})`}` });
    result.blackHole[d] = gapEnd - gap.from;
    result.afterResume[d] = resume === null ? null : Math.max(0, gapEnd - Math.max(resume, gap.from));
    result.repaired[d] = repaired;
    result.basis[d] = 'measured';
    const parts: string[] = [];
    if (v.vantage === 'sender' && v.kind !== 'ping') parts.push('the sender stopped sending');
    const before = announcements.filter((m) => m.time <= gapEnd);
    if (before.length > 0) {
      const lag = gapEnd - before[0]!.time;
      parts.push(`announcement seen: ${summarizeAnnouncements(announcements)} from ${at(before[0]!.time)}${repaired ? `, traffic back ${msText(lag)} after the first` : ''}`);
    } else if (announcements.length > 0) {
      parts.push(`announcement seen only after the traffic came back: ${summarizeAnnouncements(announcements)} from ${at(announcements[0]!.time)}`);
    } else {
      parts.push('no announcement seen');
    }
    if (d !== 'vmToGateway') parts.push(...resolutionStory(address, macs, gap.from, gapEnd, requester, ctx));
    if (successor !== undefined) parts.push(`back with a new flow, ${successor.name}`);
    if (!repaired) parts.push('not repaired by the end of the capture');
    else if (before.length === 0 && heardAgain !== null && heardAgain <= gapEnd) parts.push(`the VM was heard again at ${at(heardAgain)} (${heard.nextBy ?? 'a frame'})`);
    result.mechanism[d] = parts.join('; ');
  }

  const stale: Record<string, number> = {};
  if (macChange !== undefined) {
    const h = ctx.timeline.addresses.get(address);
    const change = h?.bindings.find((b) => fmtMac(b.mac) === macChange.after && b.time === macChange.from);
    const oldMac = h?.bindings[h.bindings.indexOf(change!) - 1]?.mac;
    if (change !== undefined && oldMac !== undefined) {
      const since = resume !== null && resume <= change.time ? resume : change.time;
      for (const v of ctx.views) {
        if (v.destination !== address) continue;
        const f = v.main.flow;
        // When the sender's frames to the address changed to the new MAC.
        let switched: number | null = null;
        for (let i = 0; i < f.destinationChanges.length; i += 3) {
          if (f.destinationChanges[i + 2] === change.mac && f.destinationChanges[i]! >= since) {
            switched = f.destinationChanges[i]!;
            break;
          }
        }
        const stillOld = f.last > since && (switched !== null || f.destinationMac === oldMac);
        if (!stillOld) continue;
        const until = switched ?? ctx.captureEnd;
        if (until > since) stale[v.source] = Math.max(stale[v.source] ?? 0, until - since);
      }
    }
  }

  return {
    address,
    macs,
    kind: moves.length > 0 ? 'moved' : 'silent',
    from: macChange?.before ?? sourceChange?.before ?? null,
    to: macChange?.after ?? sourceChange?.after ?? null,
    start,
    end,
    lastHeard,
    heardAgain,
    heardAgainBy: heard.nextBy,
    silence,
    blackHole: perDirection((d) => result.blackHole[d]),
    afterResume: perDirection((d) => result.afterResume[d]),
    repaired: perDirection((d) => result.repaired[d]),
    basis: perDirection((d) => result.basis[d]),
    mechanism: perDirection((d) => result.mechanism[d]),
    flows: perDirection((d) => result.flows[d]),
    lost,
    stale,
    evidence,
    markers: markers.sort((a, b) => a.time - b.time),
  };
}

function fmtMac(mac: number): string {
  return mac < 0 ? '?' : formatMac(mac as never);
}
