/**
 * What the probe needs of a target, so that one procedure (matrix.ts, timers.ts) measures the running
 * kernel (kernel-backend.ts: namespaces and raw frames) and a simulated profile (sim-backend.ts: the
 * simulator's stack on a two-node network) alike. Times are milliseconds since `start()`; observers
 * are numbered from 0, each on its own link to the tester that injects frames.
 */
import type { NeighborRow } from '../emu/index.js';
import type { LinuxSysctls } from '../stack/index.js';
import type { EthernetFrame, Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';

/** One observer to set up. */
export interface ObserverSetup {
  readonly mac: MacAddress;
  readonly ipv4: Ipv4Address;
  readonly ipv4Prefix: number;
  readonly ipv6: Ipv6Address;
  readonly ipv6Prefix: number;
  /** Linux sysctls that differ from the defaults (a non-Linux profile ignores them). */
  readonly sysctls: Partial<LinuxSysctls>;
}

/** An entry written as `ip neigh replace … nud STATE` writes it. */
export interface AdminEntry {
  readonly address: string;
  readonly lladdr: MacAddress;
  readonly state: 'reachable' | 'stale' | 'permanent';
}

/** A frame the observer sent, as the tester received it. */
export interface CapturedFrame {
  readonly timeMs: number;
  readonly frame: EthernetFrame;
}

/** A change of one of the observer's entries. */
export interface StateEvent {
  readonly timeMs: number;
  readonly address: string;
  /** Lower-case NUD state, or `deleted`. */
  readonly state: string;
  readonly lladdr: string | null;
}

/** A target of the probe. */
export interface ProbeBackend {
  /** `kernel` or `profile:NAME`. */
  readonly target: string;
  /** What was measured, in a few words (kernel release, or profile). */
  readonly description: string;
  /** Makes the observers; with `observe`, also captures their frames and follows their tables. */
  setUp(observers: readonly ObserverSetup[], options: { readonly observe: boolean }): Promise<void>;
  /** Sets the time origin. */
  start(): void;
  /** Milliseconds since the origin. */
  now(): number;
  /** Waits until `ms` after the origin (at once if that has passed); resolves with the time reached. */
  at(ms: number): Promise<number>;
  /** Writes entries administratively. */
  setNeighbors(observer: number, entries: readonly AdminEntry[]): Promise<void>;
  /** Sends frames from the tester to the observer, in order, now. */
  send(observer: number, frames: readonly EthernetFrame[]): void;
  /** The observer's neighbour table, both families. */
  neighbors(observer: number): Promise<NeighborRow[]>;
  /** The observer's current (randomized) reachable time. */
  reachableTimeMs(observer: number, family: 'ipv4' | 'ipv6'): Promise<number>;
  /** Frames the observer sent so far (only with `observe`). */
  captured(observer: number): readonly CapturedFrame[];
  /** Entry changes so far (only with `observe`). */
  events(observer: number): readonly StateEvent[];
  /**
   * Writes neighbour-table sysctls of an observer again; on Linux a write re-draws the table's
   * reachable time (neigh_proc_base_reachable_time). Only real kernels have it.
   */
  redraw?(observer: number, sysctls: Partial<LinuxSysctls>): Promise<void>;
  /** Removes everything the backend made. */
  close(): Promise<void>;
}
