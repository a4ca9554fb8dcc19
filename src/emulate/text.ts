/**
 * The readable output of `emulate`: what was built and how long it took, then one line per
 * migration and direction (the black hole, the part after the resume, where it was captured), and
 * with `--compare` the simulated value beside it, the difference and whether it lies within the
 * tolerance. Lines fit 100 columns.
 */
import type { ComparisonRow } from './compare.js';
import type { Direction, EmulationResult } from './emulate.js';
import { DIRECTIONS } from './emulate.js';

/** The note under a table with a black hole not repaired (the words of `run`'s tables). */
const UNREPAIRED = '">" = not repaired by the end of the run (the black hole runs to the end)';

const NAMES: Record<Direction, string> = { gatewayToVm: 'gateway→vm', vmToGateway: 'vm→gateway', peerToVm: 'peer→vm' };

/** A time in ms, `>` before it when not repaired by the end of the run (as `run`'s tables write it). */
function fixed(v: number | null, repaired: boolean | null = true): string {
  return v === null ? '-' : `${repaired === false ? '>' : ''}${v.toFixed(1)}`;
}

/** A difference with its sign, 0.0 when it rounds to zero (never -0.0). */
function signed(v: number): string {
  const text = Math.abs(v).toFixed(1);
  return text === '0.0' ? '+0.0' : `${v > 0 ? '+' : '-'}${text}`;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  // The migration and the direction are words (left), the rest figures (right).
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** The emulation as text, with the comparison (one list per run) when given. */
export function emulationText(result: EmulationResult, comparisons: ReadonlyArray<readonly ComparisonRow[]> | null = null): string {
  const lines: string[] = [];
  lines.push(`emulate ${result.scenario}: Linux ${result.kernel}, ${result.namespaces} namespaces, ${result.emulatedSeconds} s run`);
  lines.push(`set-up ${(result.setupMs / 1000).toFixed(1)} s, tear-down ${(result.teardownMs / 1000).toFixed(1)} s`);
  result.runs.forEach((run, r) => {
    const comparison = comparisons?.[r] ?? null;
    lines.push('');
    if (result.runs.length > 1) lines.push(`run ${run.name}`);
    if (run.migrations.length === 0) {
      lines.push(`${run.name}: no migration`);
      return;
    }
    const header = comparison === null
      ? ['migration', 'direction', 'black hole ms', 'after resume ms', 'captured at']
      : ['migration', 'direction', 'emulated ms', 'simulated ms', 'difference', 'tolerance', ''];
    const rows: string[][] = [header];
    let unrepaired = false;
    const stopped: string[] = [];
    run.migrations.forEach((m, i) => {
      const label = `${m.vm} ${m.from}→${m.to} (${run.mechanisms[i]})`;
      for (const d of DIRECTIONS) {
        if (m.stoppedBeforeMove[d] === true) {
          // Nothing of the move to measure: not a black hole, and not a failure of the remedy.
          rows.push(comparison === null ? [label, NAMES[d], '-', '-', m.capturedAt[d] ?? '-'] : [label, NAMES[d], '-', '-', '-', '-', 'stopped before the move']);
          stopped.push(`${m.measuredFlows[d]} (${NAMES[d]}) stopped before ${m.vm}'s move, by its own stop or packet count: nothing to measure`);
          continue;
        }
        if (m.blackHoleMs[d] === null) continue;
        if (m.repaired[d] === false) unrepaired = true;
        if (comparison === null) {
          rows.push([label, NAMES[d], fixed(m.blackHoleMs[d], m.repaired[d]), fixed(m.afterResumeMs[d], m.repaired[d]), m.capturedAt[d] ?? '-']);
          continue;
        }
        const c = comparison.find((x) => x.migration === i && x.direction === d);
        if (c !== undefined && !c.simulatedRepaired) unrepaired = true;
        rows.push(c === undefined
          ? [label, NAMES[d], fixed(m.blackHoleMs[d], m.repaired[d]), '-', '-', '-', '']
          : [label, NAMES[d], fixed(c.emulatedMs, c.emulatedRepaired), fixed(c.simulatedMs, c.simulatedRepaired), signed(c.differenceMs), `±${c.toleranceMs.toFixed(1)}`, c.withinTolerance ? 'agrees' : 'DIFFERS']);
      }
    });
    lines.push(table(rows));
    if (unrepaired) lines.push(comparison === null ? UNREPAIRED : `${UNREPAIRED}; both not repaired agree`);
    lines.push(...stopped);
    const refused = run.flows.filter((f) => f.refused > 0);
    for (const w of run.warnings) lines.push(`warning: ${w}`);
    for (const f of refused) lines.push(`${f.flow}: ${f.refused} of ${f.sent} packets refused by the sender's kernel (queue full or unreachable)`);
  });
  return `${lines.join('\n')}\n`;
}
