/**
 * `analyze`: one pass over a capture (link-reader.ts) that reads each packet's headers (headers.ts),
 * counts data packets into flows (flows.ts) and address-resolution messages into the timeline
 * (classify.ts, timeline.ts); then the inference (inference.ts) finds the moves and silences and
 * their black holes, and this module puts it all in the shape of result.ts. Memory depends on the
 * number of flows and addresses (both capped), not on the length of the capture.
 */
import type { CaptureReader } from '../wire/index.js';
import { ETHERTYPE_ARP, ETHERTYPE_RARP, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, formatMac } from '../wire/index.js';
import type { ControlMessage } from './classify.js';
import { classifyControl } from './classify.js';
import { FlowTable, summarizeFlow } from './flows.js';
import {
  PACKET_DHCP,
  PACKET_ECHO_REPLY,
  PACKET_ECHO_REQUEST,
  PACKET_NEIGHBOR_DISCOVERY,
  PACKET_TCP,
  PACKET_UDP,
  PACKET_UNREADABLE,
  PACKET_VRRP,
  PacketHeaders,
} from './headers.js';
import type { FlowView, Inference, InferredEvent } from './inference.js';
import { infer } from './inference.js';
import type { LinkFrame } from './link-reader.js';
import { LinkReader, REORDER_WINDOW_NS, sourceText } from './link-reader.js';
import type { AddressTimeline, CaptureAnalysis, FlowAnalysis, GapResult, MigrationAnalysis, RunAnalysis, TimelineEntry } from './result.js';
import type { Timeline } from './timeline.js';
import { MAX_MESSAGES_PER_ADDRESS, Timeline as TimelineClass } from './timeline.js';

/** How to analyse. */
export interface AnalyzeOptions {
  /** The capture's name in the result (its file name). */
  readonly name: string;
  /** Addresses (IPv4, IPv6) or MACs to look at; every address that moved or went silent when empty. */
  readonly vms?: readonly string[];
  /**
   * The gateway's addresses (a pair's virtual address and its members'); otherwise found from VRRP
   * advertisements, NA router flags, or as the address most others talk to.
   */
  readonly gateways?: readonly string[];
  /** Most flows followed (default 100,000); packets of further flows are counted, not followed. */
  readonly maxFlows?: number;
}

const LINK_TYPE_NAMES: Record<number, string> = {
  [LINKTYPE_ETHERNET]: 'ethernet',
  [LINKTYPE_LINUX_SLL]: 'linux-sll',
  [LINKTYPE_LINUX_SLL2]: 'linux-sll2',
};

/** A DAD or ACD conflict: a probe for an address answered from another MAC within this time. */
const CONFLICT_WINDOW_NS = 2e9;

const seconds = (ns: number): number => Number((ns / 1e9).toFixed(9));
/** Nanoseconds as milliseconds rounded to the microsecond, as `run`'s result writes them. */
const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;

/**
 * The pass over the records: what every frame adds to the flows, the timeline and the counts. Kept
 * in a class of its own, with its counters in fields, so that the per-frame work compiles as one
 * small, monomorphic method.
 */
class Scan {
  frames = 0;
  groupFrames = 0;
  second = -1;
  inSecond = 0;
  peak = 0;
  unreadable = 0;
  truncatedControl = 0;
  malformedControl = 0;
  /** The latest record time. */
  last = 0;
  readonly links: LinkReader;
  readonly headers = new PacketHeaders();
  readonly flows: FlowTable;
  readonly timeline = new TimelineClass();

  constructor(links: LinkReader, maxFlows: number | undefined) {
    this.links = links;
    this.flows = new FlowTable(maxFlows);
  }

  run(): void {
    const links = this.links;
    while (links.next()) this.record(links.frame);
  }

  private record(f: LinkFrame): void {
    this.frames++;
    const t = f.timeNs;
    if (t > this.last) this.last = t;
    if (f.groupAddressed) {
      this.groupFrames++;
      const s = Math.floor(t / 1e9);
      if (s !== this.second) {
        this.second = s;
        this.inSecond = 0;
      }
      if (++this.inSecond > this.peak) this.peak = this.inSecond;
    }
    const etherType = f.etherType;
    let kind = -1;
    if (etherType !== ETHERTYPE_ARP && etherType !== ETHERTYPE_RARP) {
      const headers = this.headers;
      kind = headers.read(f.bytes, f.networkOffset, f.end, etherType);
      if (kind >= PACKET_UDP && kind <= PACKET_ECHO_REPLY) {
        const flow = this.flows.flowOf(kind, headers);
        if (flow === undefined) return;
        if (kind === PACKET_ECHO_REPLY) {
          if (flow.observe(f, headers.echoSequence)) flow.reply(f, headers.echoSequence);
        } else if (kind === PACKET_ECHO_REQUEST) {
          if (flow.observe(f, headers.echoSequence)) flow.request(headers.echoSequence);
        } else {
          flow.observe(f, kind === PACKET_TCP ? headers.tcpSequence & 0x3fff_ffff : headers.identity(f.bytes, f.end));
        }
        return;
      }
      if (kind === PACKET_UNREADABLE) {
        this.unreadable++;
        return;
      }
      if (kind !== PACKET_NEIGHBOR_DISCOVERY && kind !== PACKET_DHCP && kind !== PACKET_VRRP) return;
    }
    const m = classifyControl(f, kind);
    if (m === 'truncated') this.truncatedControl++;
    else if (m === 'malformed') this.malformedControl++;
    else if (m !== undefined) this.timeline.record(m);
  }
}

/** Analyses every record of `reader` (see the module comment). */
export function analyzeCapture(reader: CaptureReader, options: AnalyzeOptions): CaptureAnalysis {
  const links = new LinkReader(reader);
  const scan = new Scan(links, options.maxFlows);
  scan.run();
  const { flows, timeline, frames, groupFrames, peak, unreadable, truncatedControl, malformedControl, last } = scan;
  const captureEnd = last;
  const summaries = flows.flows.map((flow) => summarizeFlow(flow, captureEnd));
  const inference = infer({ flows: summaries, timeline, captureEnd, only: options.vms ?? [], gateways: options.gateways ?? [] });

  const warnings: string[] = [];
  if (links.stoppedBy !== undefined) {
    warnings.push(links.stoppedBy.truncated
      ? `the capture ends in the middle of a record (${links.stoppedBy.message}): analysed up to there, ${frames.toLocaleString('en-US')} frames`
      : `the capture stops at bad bytes (${links.stoppedBy.message}): analysed up to there, ${frames.toLocaleString('en-US')} frames`);
  }
  if (links.outOfOrder > 0) {
    warnings.push(`${links.outOfOrder.toLocaleString('en-US')} records out of time order, read in order through a ${REORDER_WINDOW_NS / 1e9} s window${links.late > 0 ? `; ${links.late.toLocaleString('en-US')} came later than that and were taken as they came` : ''}`);
  }
  const otherLinkTypes = [...links.linkTypes].filter(([t]) => LINK_TYPE_NAMES[t] === undefined);
  if (otherLinkTypes.length > 0) {
    warnings.push(`${otherLinkTypes.reduce((n, [, c]) => n + c, 0).toLocaleString('en-US')} records of link type ${otherLinkTypes.map(([t]) => t).join(', ')} skipped (only Ethernet and Linux cooked captures are read)`);
  }
  if (links.skipped > otherLinkTypes.reduce((n, [, c]) => n + c, 0)) warnings.push(`${(links.skipped - otherLinkTypes.reduce((n, [, c]) => n + c, 0)).toLocaleString('en-US')} records too short for their link-layer header skipped`);
  if (unreadable > 0) warnings.push(`${unreadable.toLocaleString('en-US')} IP packets without a readable transport header (later fragments, or cut by the snapshot length)`);
  if (truncatedControl > 0) warnings.push(`${truncatedControl.toLocaleString('en-US')} ARP/ND/DHCP messages cut by the snapshot length, not classified`);
  if (malformedControl > 0) warnings.push(`${malformedControl.toLocaleString('en-US')} malformed ARP/ND/DHCP messages`);
  const dropped = flows.flows.reduce((n, f) => n + f.candidatesDropped + f.changesDropped, 0);
  if (dropped > 0) warnings.push(`${dropped.toLocaleString('en-US')} possible gaps or MAC changes of very busy flows beyond the per-flow limit not kept`);
  if (flows.untrackedPackets > 0) warnings.push(`more flows than the limit: ${flows.untrackedPackets.toLocaleString('en-US')} packets of further flows not followed`);
  if (timeline.messagesLeftOut > 0) {
    const busiest = [...timeline.addresses.values()].filter((h) => h.messagesLeftOut > 0).sort((a, b) => b.messagesLeftOut - a.messagesLeftOut).map((h) => h.address);
    warnings.push(`${timeline.messagesLeftOut.toLocaleString('en-US')} messages beyond ${MAX_MESSAGES_PER_ADDRESS.toLocaleString('en-US')} per address counted, not listed in the timeline of ${busiest.slice(0, 3).join(', ')}${busiest.length > 3 ? ` and ${busiest.length - 3} more` : ''}`);
  }
  for (const q of inference.quiet) warnings.push(`${q}: no move and no gap seen`);

  const moves = inference.events.filter((e) => e.kind === 'moved').length;
  const silences = inference.events.length - moves;
  const summary = inference.events.length === 0
    ? 'no move and no gap'
    : [moves > 0 ? `${moves} move${moves === 1 ? '' : 's'}` : '', silences > 0 ? `${silences} silence${silences === 1 ? '' : 's'}` : ''].filter((s) => s !== '').join(', ');

  const run: RunAnalysis = {
    name: options.name,
    arp: {
      requests: timeline.counts['arp-request'],
      replies: timeline.counts['arp-reply'],
      gratuitous: timeline.counts['arp-announcement'] + timeline.counts['garp-request'] + timeline.counts['garp-reply'],
      probes: timeline.counts['arp-probe'],
      rarp: timeline.counts['rarp-request'] + timeline.counts['rarp-reply'],
    },
    nd: {
      ns: timeline.counts.ns,
      na: timeline.counts['na-solicited'] + timeline.counts['na-unsolicited'],
      dadNs: timeline.counts['dad-ns'],
      unsolicitedNa: timeline.counts['na-unsolicited'],
    },
    dhcp: Object.fromEntries([...timeline.dhcpTypes].sort()),
    broadcastFramesReceived: groupFrames,
    broadcastPerHostPeakPps: peak,
    floodedFrames: null,
    unknownUnicastFloods: null,
    dadConflicts: countConflicts(timeline),
    flows: inference.views.map(flowResult),
    migrations: inference.events.map(migrationResult),
  };
  return {
    capture: options.name,
    format: reader.format,
    linkTypes: [...links.linkTypes.keys()].map((t) => LINK_TYPE_NAMES[t] ?? `linktype-${t}`),
    interfaces: links.interfaces.size,
    frames: links.records,
    startTime: isoTime(links.firstSeconds, links.firstNanoseconds),
    durationS: seconds(captureEnd),
    gateway: inference.gateway,
    captureHosts: inference.captureHosts.map((m) => formatMac(m as never)),
    warnings,
    summary,
    runs: [run],
    timeline: timelines(timeline, inference),
  };
}

function isoTime(s: number, ns: number): string {
  const d = new Date(s * 1000);
  return `${d.toISOString().slice(0, 19)}.${String(ns).padStart(9, '0')}Z`;
}

function gapResult(g: { from: number; to: number; lost: number; repaired: boolean }): GapResult {
  return { startS: seconds(g.from), endS: g.repaired ? seconds(g.to) : null, ms: ms(g.to - g.from), lostPackets: g.lost < 0 ? null : g.lost, repaired: g.repaired };
}

function flowResult(v: FlowView): FlowAnalysis {
  const f = v.main.flow;
  const lost = v.gaps.reduce((n, g) => (n < 0 || g.lost < 0 ? -1 : n + g.lost), 0);
  const ping = v.kind === 'ping' || v.kind === 'echo-replies';
  return {
    name: v.name,
    kind: v.kind,
    pairs: 1,
    source: v.source,
    destination: v.destination,
    sourcePort: f.sourcePort,
    destinationPort: ping ? null : f.destinationPort,
    packets: f.distinctPackets,
    replies: v.kind === 'ping' ? v.replies?.flow.distinctPackets ?? 0 : null,
    firstS: seconds(v.first),
    lastS: seconds(v.last),
    intervalMs: v.main.typicalNs > 0 ? ms(v.main.typicalNs) : null,
    regular: v.main.regular,
    seenAt: v.vantage,
    lostPackets: lost < 0 ? null : lost,
    gaps: v.gaps.map(gapResult),
  };
}

function msOrNull(v: number | null): number | null {
  return v === null ? null : ms(v);
}

function migrationResult(e: InferredEvent): MigrationAnalysis {
  return {
    vm: e.address,
    from: e.from,
    to: e.to,
    startS: seconds(e.start),
    downtimeMs: msOrNull(e.silence),
    blackHoleMs: { gatewayToVm: msOrNull(e.blackHole.gatewayToVm), vmToGateway: msOrNull(e.blackHole.vmToGateway), peerToVm: msOrNull(e.blackHole.peerToVm) },
    afterResumeMs: { gatewayToVm: msOrNull(e.afterResume.gatewayToVm), vmToGateway: msOrNull(e.afterResume.vmToGateway), peerToVm: msOrNull(e.afterResume.peerToVm) },
    repaired: e.repaired,
    lostPackets: e.lost,
    staleMs: Object.fromEntries(Object.entries(e.stale).sort().map(([k, v]) => [k, ms(v)])),
    kind: e.kind,
    macs: e.macs.map((m) => formatMac(m as never)),
    basis: e.basis,
    mechanism: e.mechanism,
    flows: e.flows,
    lastHeardS: e.lastHeard === null ? null : seconds(e.lastHeard),
    heardAgainS: e.heardAgain === null ? null : seconds(e.heardAgain),
    heardAgainBy: e.heardAgainBy,
    evidence: e.evidence,
  };
}

/** RFC 5227 §2.1.1 / RFC 4862 §5.4.3-5.4.4: a probe for an address answered by another MAC. */
function countConflicts(timeline: Timeline): number {
  let conflicts = 0;
  for (const h of timeline.addresses.values()) {
    const ms = h.messages;
    for (let i = 0; i < ms.length; i++) {
      const p = ms[i]!;
      if ((p.form !== 'arp-probe' && p.form !== 'dad-ns') || p.subject !== h.address) continue;
      for (let j = i + 1; j < ms.length && ms[j]!.time - p.time <= CONFLICT_WINDOW_NS; j++) {
        const a = ms[j]!;
        if (a.subject === h.address && a.binds && a.boundMac >= 0 && a.boundMac !== p.boundMac && a.boundMac !== p.sourceMac) {
          conflicts++;
          break;
        }
      }
    }
  }
  return conflicts;
}

function macText(mac: number): string {
  return mac < 0 ? '?' : formatMac(mac as never);
}

/** One line for a message. */
function messageText(m: ControlMessage): string {
  const parts: string[] = [];
  if (m.sourceMac >= 0 && m.sourceMac !== m.boundMac) parts.push(`from ${macText(m.sourceMac)}`);
  if (m.groupAddressed) parts.push(m.destinationMac === 0xffff_ffff_ffff || m.destinationMac < 0 ? 'broadcast' : 'multicast');
  else if (m.destinationMac >= 0) parts.push(`to ${macText(m.destinationMac)}`);
  if (m.linkSource >= 0 && sourceText(m.linkSource) !== 'interface 0') parts.push(sourceText(m.linkSource));
  const tail = parts.length === 0 ? '' : `, ${parts.join(', ')}`;
  switch (m.form) {
    case 'arp-request': return `ARP request who-has ${m.subject ?? '0.0.0.0'} tell ${m.speaker ?? '0.0.0.0'}${tail}`;
    case 'arp-probe': return `ARP probe who-has ${m.subject ?? '0.0.0.0'}${tail}`;
    case 'arp-reply': return `ARP reply ${m.speaker ?? '0.0.0.0'} is-at ${macText(m.boundMac)}${tail}`;
    case 'arp-announcement': return `ARP announcement ${m.subject ?? ''} is-at ${macText(m.boundMac)}${tail}`;
    case 'garp-request': return `gratuitous ARP request ${m.subject ?? ''} is-at ${macText(m.boundMac)}${tail}`;
    case 'garp-reply': return `gratuitous ARP reply ${m.subject ?? ''} is-at ${macText(m.boundMac)}${tail}`;
    case 'arp-other': return `ARP (other opcode)${tail}`;
    case 'rarp-request': return `RARP request for ${macText(m.targetMac)}${tail}`;
    case 'rarp-reply': return `RARP reply ${macText(m.targetMac)} is ${m.subject ?? '0.0.0.0'}${tail}`;
    case 'ns': return `NS who-has ${m.subject ?? ''} from ${m.speaker ?? '::'}${tail}`;
    case 'dad-ns': return `DAD NS for ${m.subject ?? ''}${tail}`;
    case 'na-solicited':
    case 'na-unsolicited': {
      const flags = [m.router ? 'R' : '', m.form === 'na-solicited' ? 'S' : '', m.override ? 'O' : ''].filter((x) => x !== '').join('');
      return `${m.form === 'na-solicited' ? 'solicited' : 'unsolicited'} NA ${m.subject ?? ''} is-at ${macText(m.boundMac)} [${flags}]${tail}`;
    }
    case 'rs': return `RS from ${m.speaker ?? '::'}${tail}`;
    case 'ra': return `RA from ${m.speaker ?? '::'}${tail}`;
    case 'redirect': return `redirect for ${m.subject ?? ''} from ${m.speaker ?? ''}${tail}`;
    case 'dhcp': return `DHCP ${m.detail}${m.subject === undefined ? '' : ` ${m.subject}`} for ${macText(m.boundMac)}${tail}`;
    case 'vrrp': return `VRRP advertisement for ${m.detail} from ${m.speaker ?? ''}${tail}`;
  }
}

/** The timeline of every address with messages, with the events' markers for the addresses that had them. */
function timelines(timeline: Timeline, inference: Inference): AddressTimeline[] {
  const byAddress = new Map<string, TimelineEntry[]>();
  const macsOf = new Map<string, string[]>();
  for (const h of timeline.addresses.values()) {
    byAddress.set(h.address, h.messages.map((m) => ({ timeS: seconds(m.time), what: m.form, text: messageText(m), ns: m.time }) as TimelineEntry & { ns: number }));
    macsOf.set(h.address, h.macs.map((m) => formatMac(m as never)));
  }
  for (const e of inference.events) {
    const list = (byAddress.get(e.address) ?? []) as Array<TimelineEntry & { ns: number }>;
    // A marker sorts after a message at the same time (the gap ends with the packet after the message).
    for (const m of e.markers) list.push({ timeS: seconds(m.time), what: m.what, text: m.text, ns: m.time + 0.5 });
    byAddress.set(e.address, list);
    if (!macsOf.has(e.address)) macsOf.set(e.address, e.macs.map((m) => formatMac(m as never)));
  }
  return [...byAddress.keys()].sort(compareAddresses).map((address) => {
    const entries = (byAddress.get(address)! as Array<TimelineEntry & { ns: number }>).sort((a, b) => a.ns - b.ns);
    return {
      address,
      macs: macsOf.get(address) ?? [],
      entries: entries.map(({ timeS, what, text }) => ({ timeS, what, text })),
      entriesLeftOut: timeline.addresses.get(address)?.messagesLeftOut ?? 0,
    };
  });
}

/** IPv4 before IPv6, each in numeric order. */
function compareAddresses(a: string, b: string): number {
  const v4 = (s: string): number[] | undefined => (/^\d+\.\d+\.\d+\.\d+$/.test(s) ? s.split('.').map(Number) : undefined);
  const x = v4(a);
  const y = v4(b);
  if (x !== undefined && y !== undefined) {
    for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  }
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

