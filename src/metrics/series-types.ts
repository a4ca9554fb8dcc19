/**
 * The time series of one run that the HTML report draws (the `series` key of a run in the JSON
 * result, present only when asked for: `run --series`, `run --report`). Plain values; key names and
 * order are a contract documented in the README. Times are seconds of simulated time, rounded to the
 * microsecond.
 */

/** The migration a run's timeline follows (the run's first). */
export interface SeriesMigration {
  readonly vm: string;
  /** The VM's MAC before the move, and after it (the same unless the move changes it). */
  readonly mac: string;
  readonly newMac: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  /** Hypervisors it leaves and reaches. */
  readonly from: string;
  readonly to: string;
  /** When the pre-copy starts, the VM pauses, and it resumes at the destination (s). */
  readonly startS: number;
  readonly pauseS: number;
  readonly resumeS: number;
}

/**
 * Where a switch's filtering-database entry or a gateway's neighbour entry for the VM points:
 * `old` = towards the VM's old place (a gateway: the old MAC, when the move changes it), `new` =
 * towards the new place (the new MAC), `both` = right before and after the move (a switch on both
 * paths; a gateway's entry with the VM's unchanged MAC), `other` = elsewhere, `none` = no usable
 * entry (absent, aged out, flushed; a neighbour entry INCOMPLETE or FAILED).
 */
export type EntryPoints = 'old' | 'new' | 'both' | 'other' | 'none';

/** One stretch of time during which one node's entry for the VM stayed the same. */
export interface EntrySegment {
  /** A switch (`leaf-2`, `hv-12`), or a gateway node's table (`gateway ARP`, `gateway-1 ND`). */
  readonly node: string;
  readonly kind: 'switch' | 'gateway';
  readonly fromS: number;
  readonly toS: number;
  readonly points: EntryPoints;
  /** The port (`leaf-2:p3`), or the neighbour state and MAC (`REACHABLE 02:00:00:00:00:02`); `-` for none. */
  readonly detail: string;
}

/** A direction of a migration's traffic, as the result's per-direction values name it. */
export type SeriesDirection = 'gatewayToVm' | 'vmToGateway' | 'peerToVm';

/** Consecutive packets of a direction's measured flow (by send order) with the same outcome. */
export interface DeliverySegment {
  readonly direction: SeriesDirection;
  /** The traffic entry the direction is measured on (the result's `measuredFlows`). */
  readonly flow: string;
  /** When the first and the last of these packets were sent (s). */
  readonly fromS: number;
  readonly toS: number;
  readonly packets: number;
  readonly outcome: 'delivered' | 'lost';
}

/** An ARP, RARP or ND message about the VM, sent by an end station. */
export interface MessageMark {
  readonly timeS: number;
  /** The sender. */
  readonly node: string;
  /** `request`, `reply`, `gratuitous-request`, `gratuitous-reply`, `probe`, `announcement`, `rarp-request`, `rarp-reply`, `ns`, `dad-ns`, `na`, `unsolicited-na`. */
  readonly form: string;
}

/** One bin of the load series. */
export interface LoadBin {
  /** The bin's start (s). */
  readonly timeS: number;
  /** Group-addressed frames received by end stations in the bin. */
  readonly broadcastFrames: number;
  /** The most group-addressed frames one end station received in one second of the bin. */
  readonly peakPerHost: number;
  /** ARP, RARP and ND messages sent by end stations in the bin (about any address). */
  readonly resolutionMessages: number;
}

/** The load over the whole run, in bins of `binS` seconds (1 s for runs up to 2,000 s). */
export interface LoadSeries {
  readonly binS: number;
  readonly bins: readonly LoadBin[];
}

/** A node of the fabric picture. */
export interface FabricNode {
  readonly name: string;
  readonly kind: 'switch' | 'hypervisor' | 'gateway';
  /** A switch's tier (`spine`, `leaf`, `core`, …); `hypervisor`, `gateway` for the others. */
  readonly tier: string;
  /** The edge switch a hypervisor or gateway attaches to; null for switches. */
  readonly edge: string | null;
}

/** The fabric, and the path from the gateway to the VM before and after the move. */
export interface FabricPicture {
  /** Switches top tier first, then hypervisors, then gateway nodes. */
  readonly nodes: readonly FabricNode[];
  /** Links between switches (hypervisor and gateway links follow from `edge`). */
  readonly links: readonly { readonly a: string; readonly b: string }[];
  /** Node names from the gateway to the VM's hypervisor along the forwarding path, at the migration's start and at its resume (empty without a migration). */
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** Everything a run's charts need (see the module comment). */
export interface RunSeries {
  readonly migration: SeriesMigration | null;
  /** By node (switches in the model's order, then gateways), then time; nodes that never held an entry are left out. */
  readonly entries: readonly EntrySegment[];
  /** By direction, then time. */
  readonly deliveries: readonly DeliverySegment[];
  /** In time order, at most {@link MAX_MARKS}. */
  readonly messages: readonly MessageMark[];
  /** Messages about the VM beyond {@link MAX_MARKS}, counted but not listed. */
  readonly messagesLeftOut: number;
  readonly load: LoadSeries;
  readonly fabric: FabricPicture;
}

/** The most message marks a series lists. */
export const MAX_MARKS = 2_000;

/** Nanoseconds as seconds rounded to the microsecond. */
export function seconds(ns: number): number {
  return Math.round(ns / 1e3) / 1e6;
}
