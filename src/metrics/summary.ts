/**
 * What the observers of one run measure, as plain values: the pieces of the result that
 * `arpshift run --json` prints (the run layer puts them together, the report layer writes them). Key
 * names are a contract (documented in the README); keys are built in the order of these types, and
 * times are milliseconds rounded to microseconds, so the same scenario and seed give the same values.
 */
import type { ArpCounts, NdCounts } from './messages.js';
import type { LossCause } from './flow-fates.js';
import type { ContentionResult } from './contention-outcome.js';
import type { SecurityResult } from './security-outcome.js';

/** Per traffic entry of the scenario: its pairs' packets summed. */
export interface FlowResult {
  readonly name: string;
  readonly kind: string;
  /** (sender, receiver) pairs the entry fanned out to. */
  readonly pairs: number;
  readonly sent: number;
  readonly delivered: number;
  readonly lost: Readonly<Record<LossCause, number>>;
}

/** One value per direction of a migration; null where there is no such flow. */
export interface PerDirection<T> {
  readonly gatewayToVm: T | null;
  readonly vmToGateway: T | null;
  readonly peerToVm: T | null;
}

/** One migration's outcome. */
export interface MigrationResult {
  readonly vm: string;
  readonly from: string;
  readonly to: string;
  readonly startS: number;
  /** How long the VM itself was paused (the stop-and-copy), ms. */
  readonly downtimeMs: number;
  /** The traffic entry (its `name`) each direction's outage is measured on; null where there is none. */
  readonly measuredFlows: PerDirection<string>;
  readonly blackHoleMs: PerDirection<number>;
  readonly afterResumeMs: PerDirection<number>;
  /** Whether each direction was delivering again before the run ended. */
  readonly repaired: PerDirection<boolean>;
  /** Packets of the VM's flows lost in their outage (from the start to the first delivery after the resume), by cause. */
  readonly lostPackets: Readonly<Record<string, number>>;
  /** How long each switch's entry and gateway's binding for the VM stayed stale after the resume, ms. */
  readonly staleMs: Readonly<Record<string, number>>;
}

/** Everything the built-in observers measure in one run (the result of a run, less its name). */
export interface RunMeasures {
  readonly arp: ArpCounts;
  readonly nd: NdCounts;
  /** Group-addressed frames received by end stations, in total. */
  readonly broadcastFramesReceived: number;
  /** The most group-addressed frames one end station received in one second. */
  readonly broadcastPerHostPeakPps: number;
  /** Frames switches flooded (broadcast, multicast and unknown unicast). */
  readonly floodedFrames: number;
  /** Of those, unknown unicast. */
  readonly unknownUnicastFloods: number;
  readonly dadConflicts: number;
  readonly flows: readonly FlowResult[];
  readonly migrations: readonly MigrationResult[];
  /** DHCP: only when the scenario has a dhcp section. */
  readonly dhcp?: DhcpResult;
  /** What the switches' security features did: only when the run has a security section. */
  readonly security?: SecurityResult;
  /** The contention cases: only when the scenario has some. */
  readonly contention?: readonly ContentionResult[];
}

/** DHCP in one run: the server's counters and how many clients held a lease at the end. */
export interface DhcpResult {
  readonly server: {
    readonly discovers: number;
    readonly offers: number;
    readonly requests: number;
    readonly acks: number;
    readonly naks: number;
    readonly declines: number;
    readonly releases: number;
    readonly leaseQueries: number;
  };
  readonly clients: number;
  readonly bound: number;
}

/** Nanoseconds as milliseconds rounded to the microsecond. */
export function ms(ns: number): number {
  return Math.round(ns / 1e3) / 1e3;
}
