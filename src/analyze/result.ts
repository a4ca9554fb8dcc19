/**
 * What `arpshift analyze --json` prints: the result of `run` where it applies (`runs[]` with message
 * counts and `migrations[]` with `blackHoleMs`, `afterResumeMs`, `repaired`, `lostPackets`,
 * `staleMs`, in the same order), plus what only a capture has: every flow with its gaps, how each
 * direction's figure is known and what the frames say of its mechanism, and the timeline of each
 * address. Keys are written in the order of these types; times are seconds since the first record
 * (9 decimals) or milliseconds rounded to the microsecond, as in `run`'s result. A value the capture
 * cannot tell is null.
 */
import type { ArpCounts, NdCounts, PerDirection } from '../metrics/index.js';

/** A gap in a flow. */
export interface GapResult {
  /** The last packet before the gap and the first after it (null: none came before the capture ended). */
  readonly startS: number;
  readonly endS: number | null;
  readonly ms: number;
  /** Exact for pings (sequence numbers), estimated from the typical interval for regular flows; null when unknown. */
  readonly lostPackets: number | null;
  readonly repaired: boolean;
}

/** One flow of the capture: a ping (requests and replies), or one direction of UDP or TCP. */
export interface FlowAnalysis {
  readonly name: string;
  readonly kind: 'udp' | 'tcp' | 'ping' | 'echo-replies';
  /** Always 1: a capture's flow is one sender and one receiver. */
  readonly pairs: number;
  readonly source: string;
  readonly destination: string;
  /** UDP/TCP ports; for pings the echo identifier as `sourcePort` and null. */
  readonly sourcePort: number;
  readonly destinationPort: number | null;
  /** Packets seen (a ping's requests), counted once however many interfaces saw them. */
  readonly packets: number;
  /** A ping's replies seen; null for other flows. */
  readonly replies: number | null;
  readonly firstS: number;
  readonly lastS: number;
  /** The typical interval between packets; null with fewer than two. */
  readonly intervalMs: number | null;
  /** Most intervals close to the typical one (constant rate): gaps then count missing packets. */
  readonly regular: boolean;
  /** Where the capture saw it: where it is sent, where it arrives, in between, or at one of its ends (which, the frames do not tell). */
  readonly seenAt: 'sender' | 'receiver' | 'path' | 'sender-or-receiver';
  readonly lostPackets: number | null;
  readonly gaps: readonly GapResult[];
}

/** One move or silence of one address, in the shape of `run`'s migration result where it applies. */
export interface MigrationAnalysis {
  /** The address (IPv4 or IPv6 text). */
  readonly vm: string;
  /** The old and new MAC, or the old and new place (interface, VLAN), when the capture shows either. */
  readonly from: string | null;
  readonly to: string | null;
  /** When the event began, seconds since the first record. */
  readonly startS: number;
  /** How long the address was silent (its last frame before to its first after), when it sent regularly before. */
  readonly downtimeMs: number | null;
  readonly blackHoleMs: PerDirection<number>;
  /** The part of the black hole after the address was heard again (its resume, as far as the capture tells). */
  readonly afterResumeMs: PerDirection<number>;
  readonly repaired: PerDirection<boolean>;
  /** Packets of the address's flows lost in the event: before and after it was heard again, or unknown. */
  readonly lostPackets: Readonly<Record<string, number>>;
  /** Per sender still addressing the old MAC after the move: how long, in ms. */
  readonly staleMs: Readonly<Record<string, number>>;
  readonly kind: 'moved' | 'silent';
  readonly macs: readonly string[];
  /** How each direction's figure is known: measured from its packets, or not visible from where the capture was taken. */
  readonly basis: PerDirection<'measured' | 'not-visible'>;
  /** What the frames say happened in each direction. */
  readonly mechanism: PerDirection<string>;
  /** The flow each direction was measured on. */
  readonly flows: PerDirection<string>;
  /** The address's last frame before the event, and its first after it (and what that was). */
  readonly lastHeardS: number | null;
  readonly heardAgainS: number | null;
  readonly heardAgainBy: string | null;
  /** The signs the event was built from. */
  readonly evidence: readonly string[];
}

/** The capture as one run. */
export interface RunAnalysis {
  readonly name: string;
  /** ARP-family messages seen, as `run` counts those sent. */
  readonly arp: ArpCounts;
  readonly nd: NdCounts;
  /** DHCP messages seen, by type. */
  readonly dhcp: Readonly<Record<string, number>>;
  /** Group-addressed frames in the capture. */
  readonly broadcastFramesReceived: number;
  /** The most group-addressed frames in one second (since the first record). */
  readonly broadcastPerHostPeakPps: number;
  /** Not visible in a capture. */
  readonly floodedFrames: null;
  readonly unknownUnicastFloods: null;
  /** An ARP probe or DAD NS answered from another MAC within 2 s (RFC 5227 §2.1.1, RFC 4862 §5.4.4). */
  readonly dadConflicts: number;
  readonly flows: readonly FlowAnalysis[];
  readonly migrations: readonly MigrationAnalysis[];
}

/** One line of an address's timeline. */
export interface TimelineEntry {
  readonly timeS: number;
  /** A message form (`arp-request`, `arp-announcement`, `rarp-request`, `dad-ns`, `na-unsolicited`, `dhcp`, …) or an event's marker (`gap-start`, `gap-end`, `new-mac`, `new-source`, `heard-again`). */
  readonly what: string;
  readonly text: string;
}

/** What the capture says about one address over time. */
export interface AddressTimeline {
  readonly address: string;
  readonly macs: readonly string[];
  readonly entries: readonly TimelineEntry[];
  /** Messages beyond the per-address cap, counted but not listed. */
  readonly entriesLeftOut: number;
}

/** The whole analysis. */
export interface CaptureAnalysis {
  readonly capture: string;
  readonly format: string;
  /** Link types of the records, by name. */
  readonly linkTypes: readonly string[];
  readonly interfaces: number;
  readonly frames: number;
  /** Time of the first record (UTC, ISO 8601 with nanoseconds), and from it to the last. */
  readonly startTime: string;
  readonly durationS: number;
  /** The gateway's addresses and how they were found: `option` (--gateway), `vrrp`, `router-flag` (NA R flag), `hub` (the address most others talk to). */
  readonly gateway: { readonly addresses: readonly string[]; readonly basis: string } | null;
  /** MACs taking part in most data packets: the host(s) the capture was taken on. */
  readonly captureHosts: readonly string[];
  /** One line each: the capture cut short, frames that could not be read, limits reached. */
  readonly warnings: readonly string[];
  /** "3 moves, 1 silence", or "no move and no gap". */
  readonly summary: string;
  readonly runs: readonly RunAnalysis[];
  readonly timeline: readonly AddressTimeline[];
}

/** The analysis as JSON text (two-space indent, fixed key order, a final newline). */
export function analysisJson(result: CaptureAnalysis): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
