/**
 * The emulation side by side with the simulation of the same scenario, per migration and direction,
 * and the tolerance within which the two are expected to agree.
 *
 * The tolerance of one direction, in ms, is the sum of:
 * - two intervals of the flow it is measured on: a black hole is measured between delivered packets,
 *   so each of its two ends falls somewhere in an interval of the flow, independently on each side
 *   (the simulation's packets leave at exact times, the emulation's at Node timer times);
 * - 50 ms for carrying out the move: each step (the tap leaving and joining a bridge, a link going
 *   down or up, a neighbour entry written) is an `ip` or `bridge` process, which takes a few
 *   milliseconds and, on a busy 2-core machine, tens;
 * - one eighth of the simulated black hole: a kernel timer (bridge ageing in br_fdb_cleanup, a
 *   neighbour's REACHABLE time) fires late by up to its timer-wheel level's granularity, at most
 *   about 12.5 % of its timeout (kernel/time/timer.c, the comment above LVL_DEPTH); the linux
 *   profile models the lateness of the 1 s neighbour timers, not that of every timer;
 * - how late the pause took effect (`pauseLateMs`), as the captures show it: a busy host runs the
 *   move's first `ip` command late, and the black hole then begins late and is that much shorter.
 *
 * A black hole not repaired by the end of the run (on either side) runs to the end, a lower bound:
 * two that are both not repaired agree, whatever their lengths; one repaired and one not differ.
 */
import type { PerDirection } from '../metrics/index.js';
import type { RunResult } from '../run/index.js';
import type { Model } from '../scenario/index.js';
import type { Direction, EmulatedRun } from './emulate.js';
import { DIRECTIONS } from './emulate.js';

/** One migration and direction, emulated and simulated. */
export interface ComparisonRow {
  readonly migration: number;
  readonly vm: string;
  readonly direction: Direction;
  readonly flow: string;
  readonly emulatedMs: number;
  readonly simulatedMs: number;
  /** Whether the black hole ended before the end of the run, on each side. */
  readonly emulatedRepaired: boolean;
  readonly simulatedRepaired: boolean;
  /** Emulated − simulated. */
  readonly differenceMs: number;
  readonly toleranceMs: number;
  readonly withinTolerance: boolean;
}

/** Interval of the flow named `flow` in ms (1000 / its rate). */
function intervalMs(model: Model, flow: string): number {
  const i = model.traffic.findIndex((t) => t.name === flow);
  const t = model.scenario.traffic[i];
  return t === undefined ? 0 : 1000 / t.rate;
}

/** Milliseconds the emulated black hole may differ from the simulated one (see the module comment). */
export function toleranceMs(flowIntervalMs: number, simulatedMs: number): number {
  return 2 * flowIntervalMs + 50 + simulatedMs / 8;
}

/** Every direction measured on both sides, migration by migration. */
export function compareRuns(emulated: EmulatedRun, simulated: RunResult, model: Model): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  emulated.migrations.forEach((e, i) => {
    const s = simulated.migrations[i];
    if (s === undefined) return;
    for (const d of DIRECTIONS) {
      const em = e.blackHoleMs[d];
      const sm = s.blackHoleMs[d];
      const flow = (e.measuredFlows as PerDirection<string>)[d] ?? s.measuredFlows[d];
      if (em === null || sm === null || flow === null) continue;
      const tolerance = toleranceMs(intervalMs(model, flow), sm) + (e.pauseLateMs ?? 0);
      const difference = Math.round((em - sm) * 1000) / 1000;
      const emulatedRepaired = e.repaired[d] !== false;
      const simulatedRepaired = s.repaired[d] !== false;
      const agree = emulatedRepaired !== simulatedRepaired ? false : !emulatedRepaired || Math.abs(difference) <= tolerance;
      rows.push({
        migration: i, vm: e.vm, direction: d, flow, emulatedMs: em, simulatedMs: sm, emulatedRepaired, simulatedRepaired, differenceMs: difference,
        toleranceMs: Math.round(tolerance * 1000) / 1000, withinTolerance: agree,
      });
    }
  });
  return rows;
}
