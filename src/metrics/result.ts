/**
 * The result of running a scenario: what `arpshift run --json` prints. The key names are a contract
 * (documented in the README); keys are always written in the order of these types, times in
 * milliseconds rounded to microseconds, so the same scenario and seed give byte-identical JSON.
 */
import type { ArpCounts, NdCounts } from './messages.js';
import type { LossCause } from './flow-fates.js';

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
  readonly downtimeMs: number;
  readonly blackHoleMs: PerDirection<number>;
  readonly afterResumeMs: PerDirection<number>;
  /** Whether each direction was delivering again before the run ended. */
  readonly repaired: PerDirection<boolean>;
  /** Packets of the VM's flows lost since the migration started, by cause. */
  readonly lostPackets: Readonly<Record<string, number>>;
  /** How long each switch's entry and gateway's binding for the VM stayed stale after the resume, ms. */
  readonly staleMs: Readonly<Record<string, number>>;
}

/** One run (the scenario, or one variant of it). */
export interface RunResult {
  readonly name: string;
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
}

/** The whole result. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly seed: number;
  readonly simulatedSeconds: number;
  /** Kernel events executed over all runs. */
  readonly events: number;
  readonly runs: readonly RunResult[];
}

/** Nanoseconds as milliseconds rounded to the microsecond. */
export function ms(ns: number): number {
  return Math.round(ns / 1e3) / 1e3;
}

/** The result as JSON text (two-space indent, fixed key order, a final newline). */
export function resultJson(result: ScenarioResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
