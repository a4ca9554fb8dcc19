/**
 * The settings of a spanning-tree bridge, their defaults and their checks.
 *
 * Guarantees: `resolveSpanningTreeOptions` either returns a complete, valid set of settings or throws
 * one `RangeError` that names the switch, the setting and the allowed range; nothing is clamped
 * silently.
 *
 * Defaults and ranges: IEEE 802.1D-2004 §17.14 and 802.1D-1998 §8.10.2 (priority 32768, in steps of
 * 4096 with the 802.1t system-ID extension, §9.2.5; hello 2 s in 1-10 s, max age 20 s in 6-40 s,
 * forward delay 15 s in 4-30 s, the ranges vendors accept, e.g. Fortinet's and Cisco's guides). The relation between the three times is 802.1D-1998 §8.10 / 802.1D-2004 §17.14:
 * 2 × (forward delay − 1 s) ≥ max age ≥ 2 × (hello + 1 s); outside it bridges can forward before
 * stale information has aged out.
 */
import { BPDU_TIME_UNIT, ONE_SECOND } from './priority.js';
import type { PathCostTable } from './priority.js';

/** Which protocol a bridge runs. */
export type SpanningTreeProtocol = 'stp' | 'rstp';

/** Settings of one spanning-tree bridge (see {@link SPANNING_TREE_DEFAULTS}). */
export interface SpanningTreeOptions {
  /** IEEE 802.1D-1998 STP or IEEE 802.1w (802.1D-2004 clause 17) RSTP. */
  readonly protocol: SpanningTreeProtocol;
  /** Bridge priority: the high 4 bits, a multiple of 4096 in 0-61440 (system-ID extension 0). Default 32768. */
  readonly bridgePriority?: number;
  /** Hello time, ns (default 2 s; 1-10 s). */
  readonly helloTime?: number;
  /** Max age, ns (default 20 s; 6-40 s). */
  readonly maxAge?: number;
  /** Forward delay, ns (default 15 s; 4-30 s). */
  readonly forwardDelay?: number;
  /** Path-cost table: 802.1D-1998 16-bit (`short`) or 802.1t 32-bit (`long`, default). */
  readonly pathCosts?: PathCostTable;
  /** Port indices facing hosts: RSTP edge ports / STP PortFast (forward at once, no topology change). */
  readonly edgePorts?: readonly number[];
  /**
   * Install at start the roles and states the protocol converges to on the current topology instead
   * of simulating the 30-50 s of timers; the protocol then runs normally (hellos, ageing, failures).
   */
  readonly startConverged?: boolean;
}

/** The defaults of {@link SpanningTreeOptions}. */
export const SPANNING_TREE_DEFAULTS = {
  bridgePriority: 32768,
  helloTime: 2 * ONE_SECOND,
  maxAge: 20 * ONE_SECOND,
  forwardDelay: 15 * ONE_SECOND,
  pathCosts: 'long',
  startConverged: false,
} as const;

/** Every setting filled in and checked. */
export interface ResolvedSpanningTreeOptions {
  readonly protocol: SpanningTreeProtocol;
  readonly bridgePriority: number;
  readonly helloTime: number;
  readonly maxAge: number;
  readonly forwardDelay: number;
  readonly pathCosts: PathCostTable;
  /** One flag per port of the switch. */
  readonly edge: readonly boolean[];
  readonly startConverged: boolean;
}

function checkTime(where: string, name: string, value: number, minSeconds: number, maxSeconds: number): void {
  if (!Number.isSafeInteger(value) || value < minSeconds * ONE_SECOND || value > maxSeconds * ONE_SECOND) {
    throw new RangeError(`${where}: ${name} must be ${minSeconds}-${maxSeconds} s as whole nanoseconds, got ${value} ns`);
  }
  if (value % BPDU_TIME_UNIT !== 0) {
    throw new RangeError(`${where}: ${name} must be a multiple of 1/256 s (${BPDU_TIME_UNIT} ns) so BPDUs carry it exactly, got ${value} ns`);
  }
}

/** Fills in defaults and checks every setting for a switch with `portCount` ports. */
export function resolveSpanningTreeOptions(switchName: string, options: SpanningTreeOptions, portCount: number): ResolvedSpanningTreeOptions {
  const where = `spanning tree on ${switchName}`;
  if (options.protocol !== 'stp' && options.protocol !== 'rstp') {
    throw new RangeError(`${where}: protocol must be 'stp' or 'rstp', got ${String(options.protocol)}`);
  }
  const bridgePriority = options.bridgePriority ?? SPANNING_TREE_DEFAULTS.bridgePriority;
  if (!Number.isInteger(bridgePriority) || bridgePriority < 0 || bridgePriority > 61440 || bridgePriority % 4096 !== 0) {
    throw new RangeError(`${where}: bridgePriority must be a multiple of 4096 in 0-61440 (IEEE 802.1D-2004 §9.2.5), got ${bridgePriority}`);
  }
  const helloTime = options.helloTime ?? SPANNING_TREE_DEFAULTS.helloTime;
  const maxAge = options.maxAge ?? SPANNING_TREE_DEFAULTS.maxAge;
  const forwardDelay = options.forwardDelay ?? SPANNING_TREE_DEFAULTS.forwardDelay;
  checkTime(where, 'helloTime', helloTime, 1, 10);
  checkTime(where, 'maxAge', maxAge, 6, 40);
  checkTime(where, 'forwardDelay', forwardDelay, 4, 30);
  if (!(2 * (forwardDelay - ONE_SECOND) >= maxAge && maxAge >= 2 * (helloTime + ONE_SECOND))) {
    throw new RangeError(`${where}: times must satisfy 2 × (forwardDelay − 1 s) ≥ maxAge ≥ 2 × (helloTime + 1 s) (802.1D-2004 §17.14), got hello ${helloTime} ns, max age ${maxAge} ns, forward delay ${forwardDelay} ns`);
  }
  const pathCosts = options.pathCosts ?? SPANNING_TREE_DEFAULTS.pathCosts;
  if (pathCosts !== 'short' && pathCosts !== 'long') {
    throw new RangeError(`${where}: pathCosts must be 'short' or 'long', got ${String(pathCosts)}`);
  }
  const edge = new Array<boolean>(portCount).fill(false);
  for (const index of options.edgePorts ?? []) {
    if (!Number.isInteger(index) || index < 0 || index >= portCount) {
      throw new RangeError(`${where}: edge port ${index} is not a port index (0-${portCount - 1})`);
    }
    edge[index] = true;
  }
  return {
    protocol: options.protocol,
    bridgePriority,
    helloTime,
    maxAge,
    forwardDelay,
    pathCosts,
    edge,
    startConverged: options.startConverged ?? SPANNING_TREE_DEFAULTS.startConverged,
  };
}
