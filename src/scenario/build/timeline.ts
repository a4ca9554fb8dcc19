/**
 * The scenario's own clock: the things a scenario says happen at a time (a migration's start, pause
 * and resume, a destination port becoming ready, the timed `events` and their ends), each reserved as
 * a kernel event before anything else of the model is built, so that at any one instant they run
 * first, in a fixed order, and everything the model schedules (frames arriving, timers, traffic) runs
 * after them in the order it was scheduled (the kernel runs equal times in scheduling order).
 *
 * The order at one instant:
 * 1. migration phases (start, pause, resume), migration by migration in the list's order; a resume
 *    plugs the VM in at its destination and resumes it, then schedules its remedies;
 * 2. destination ports becoming ready (`portReadyAfter`), in the migrations' order;
 * 3. the run's `events`, in the list's order, each event's end (a `duration` running out) where its
 *    start would be.
 * So a scenario event at exactly a migration's resume time sees the VM resumed at its destination,
 * and a frame sent at exactly the instant a port becomes ready goes through it.
 *
 * The actions are bound after the model is built (they act on its nodes); a reserved entry left
 * unbound is a builder bug, and running it throws.
 */
import type { MigrationPhase } from '../../migration/index.js';
import type { Kernel } from '../../sim/index.js';
import type { RunSpec } from '../runs.js';

/** One reserved instant of the scenario's clock. */
interface Entry {
  readonly time: number;
  /** The rank of its kind at an instant (see the module comment), then its index in its list, then its part. */
  readonly rank: number;
  readonly index: number;
  readonly part: number;
  readonly node: string;
  readonly kind: string;
  readonly key: string;
}

/** The key of migration `i`'s phase `kind`. */
export function phaseKey(i: number, kind: MigrationPhase): string {
  return `migration:${i}:${kind}`;
}

/** The key of event `j`'s start (`end` false) or end. */
export function eventKey(j: number, end: boolean): string {
  return `event:${j}:${end ? 'end' : 'start'}`;
}

/** The instants a run's migrations and events reserve (see the module comment). */
function entriesOf(run: RunSpec): Entry[] {
  const out: Entry[] = [];
  run.migrations.forEach((m, i) => {
    const phases: [MigrationPhase, number][] = [['migration-start', m.schedule.start], ['migration-pause', m.schedule.pauseAt], ['migration-resume', m.schedule.resumeAt]];
    phases.forEach(([kind, time], part) => out.push({ time, rank: 0, index: i, part, node: m.vm, kind, key: phaseKey(i, kind) }));
    if (m.portReadyAfter > 0) out.push({ time: m.schedule.resumeAt + m.portReadyAfter, rank: 1, index: i, part: 0, node: m.to, kind: 'port-ready', key: phaseKey(i, 'port-ready') });
  });
  run.events.forEach((e, j) => {
    out.push({ time: e.at, rank: 2, index: j, part: 0, node: 'scenario', kind: e.kind, key: eventKey(j, false) });
    if ((e.kind === 'link-down' || e.kind === 'host-down' || e.kind === 'gateway-restart') && e.duration !== undefined) {
      const kind = e.kind === 'link-down' ? 'link-up' : e.kind === 'host-down' ? 'host-up' : 'gateway-up';
      out.push({ time: e.at + e.duration, rank: 2, index: j, part: 1, node: 'scenario', kind, key: eventKey(j, true) });
    }
  });
  return out.sort((a, b) => a.time - b.time || a.rank - b.rank || a.index - b.index || a.part - b.part);
}

/** See the module comment. */
export class ScenarioTimeline {
  private readonly actions = new Map<string, () => void>();
  private readonly times = new Map<string, number>();

  /** Reserves every instant of `run` on `kernel`; call it before anything else schedules an event. */
  constructor(kernel: Kernel, run: RunSpec) {
    for (const e of entriesOf(run)) {
      this.times.set(e.key, e.time);
      kernel.scheduleAt(e.time, e.node, e.kind, () => {
        const action = this.actions.get(e.key);
        if (action === undefined) throw new Error(`nothing bound to the scenario's ${e.key} at ${e.time} ns`);
        action();
      });
    }
  }

  /** Binds the action of the reserved entry `key`, due at `time` (checked against the reservation). */
  bind(key: string, time: number, action: () => void): void {
    const reserved = this.times.get(key);
    if (reserved !== time) throw new Error(`the scenario's ${key} is reserved at ${reserved ?? 'no time'} ns, not ${time} ns`);
    if (this.actions.has(key)) throw new Error(`the scenario's ${key} is bound twice`);
    this.actions.set(key, action);
  }
}
