/**
 * The probe's tables as text and JSON, and the comparison of two matrices cell by cell.
 *
 * A cell reads `<state> <address>`: the observer's entry for the message's sender after the message;
 * states R REACHABLE, S STALE, D DELAY, P PROBE, I INCOMPLETE, F FAILED, M PERMANENT, `-` no entry;
 * the address is `old` (the one the entry held before), `new` (the message's), or nothing (none).
 */
import type { CellOutcome, CellResult, ProbeTable } from './matrix.js';
import { expectedPrior, sameOutcome } from './matrix.js';
import type { ProbeFamily, ProbePrior } from './cells.js';
import { IPV4_MESSAGES, IPV6_MESSAGES, MESSAGE_TEXT, PRIORS, SETTINGS } from './cells.js';
import type { FamilyTimings, TimingTable } from './timers.js';

const LETTER: Readonly<Record<string, string>> = {
  reachable: 'R', stale: 'S', delay: 'D', probe: 'P', incomplete: 'I', failed: 'F', permanent: 'M', noarp: 'N', none: '-',
};

/** A cell outcome in the table's short form. */
export function outcomeText(o: CellOutcome): string {
  if (!o.present) return '-';
  const s = LETTER[o.state] ?? o.state;
  return o.lladdr === 'none' ? s : `${s} ${o.lladdr}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

const PRIOR_HEAD: Readonly<Record<ProbePrior, string>> = {
  absent: 'absent', reachable: 'REACHABLE', stale: 'STALE', delay: 'DELAY', failed: 'FAILED', permanent: 'PERMANENT',
};

/** The matrix as text: one block per family and setting. */
export function matrixText(table: ProbeTable): string {
  const out: string[] = [];
  out.push(`Neighbour table of the observer after each message: ${table.description} (${table.target})`);
  out.push('Cells: state (R REACHABLE, S STALE, D DELAY, P PROBE, I INCOMPLETE, F FAILED, M PERMANENT, - no entry) and the');
  out.push('entry\'s link-layer address: old (as before), new (the message\'s), none. IPv4 columns: the message came <1s');
  out.push('(inside the 1 s ARP lock time since the entry last changed) or >1s after it. "!" marks a prior state not produced.');
  const width = 44;
  const col = 7;
  for (const setting of SETTINGS) {
    const cells = table.cells.filter((c) => c.setting === setting.id && c.family === setting.family);
    if (cells.length === 0) continue;
    const v4 = setting.family === 'ipv4';
    const priors = PRIORS.filter((p) => cells.some((c) => c.prior === p));
    out.push('');
    out.push(`${v4 ? 'IPv4' : 'IPv6'}, ${setting.id}:`);
    let head1 = pad('message', width);
    let head2 = pad('', width);
    for (const p of priors) {
      const timed = v4 && p !== 'absent';
      head1 += pad(PRIOR_HEAD[p], timed ? 2 * col : col);
      head2 += timed ? pad('<1s', col) + pad('>1s', col) : pad('', col);
    }
    out.push(head1.trimEnd());
    if (v4) out.push(head2.trimEnd());
    const messages = v4 ? IPV4_MESSAGES : IPV6_MESSAGES;
    for (const m of messages) {
      let line = pad(MESSAGE_TEXT[m], width);
      for (const p of priors) {
        const timings = v4 && p !== 'absent' ? (['inside-locktime', 'after-locktime'] as const) : (['after-locktime'] as const);
        for (const timing of timings) {
          const c = cells.find((x) => x.message === m && x.prior === p && x.timing === timing);
          const text = c === undefined ? '' : outcomeText(c.after) + (sameOutcome(c.before, expectedPrior(c.prior)) ? '' : '!');
          line += pad(text, col);
        }
      }
      out.push(line.trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}

/** A cell that differs between two tables. */
export interface CellDifference {
  readonly id: string;
  readonly a: CellResult | null;
  readonly b: CellResult | null;
}

/** The cells whose outcome (or whose produced prior state) differs between `a` and `b`, in `a`'s order. */
export function compareTables(a: ProbeTable, b: ProbeTable): CellDifference[] {
  const byId = new Map(b.cells.map((c) => [c.id, c]));
  const out: CellDifference[] = [];
  for (const c of a.cells) {
    const other = byId.get(c.id);
    byId.delete(c.id);
    if (other === undefined) out.push({ id: c.id, a: c, b: null });
    else if (!sameOutcome(c.after, other.after) || !sameOutcome(c.before, other.before)) out.push({ id: c.id, a: c, b: other });
  }
  for (const c of byId.values()) out.push({ id: c.id, a: null, b: c });
  return out;
}

/** The differences as text lines. */
export function differencesText(a: ProbeTable, b: ProbeTable, differences: readonly CellDifference[]): string {
  if (differences.length === 0) return `${a.target} and ${b.target} agree in all ${a.cells.length} cells\n`;
  const lines = [`${differences.length} of ${a.cells.length} cells differ (${a.target} | ${b.target}; before -> after the message):`];
  const show = (c: CellResult | null): string => (c === null ? 'not measured' : `${outcomeText(c.before)} -> ${outcomeText(c.after)}`);
  for (const d of differences) lines.push(`  ${d.id}: ${show(d.a)} | ${show(d.b)}`);
  return `${lines.join('\n')}\n`;
}

const ms = (x: number | null): string => (x === null ? '–' : x.toFixed(0));
const list = (xs: readonly number[]): string => (xs.length === 0 ? '–' : xs.map((x) => x.toFixed(0)).join(', '));

function timingRows(t: FamilyTimings): string[] {
  return [
    list(t.absentSolicitationsMs),
    ms(t.absentFailedMs),
    ms(t.delayMs),
    list(t.unicastProbesMs),
    ms(t.failedAfterLastProbeMs),
    ms(t.reachableTimeMs),
    t.idleExpiry === null ? '–' : `${t.idleExpiry.state.toUpperCase()} after ${ms(t.idleExpiry.afterMs)}`,
    t.busyExpiry === null ? '–' : `${t.busyExpiry.state.toUpperCase()} after ${ms(t.busyExpiry.afterMs)}${t.busyExpiry.delayStartedAfterMs === null ? '' : `, DELAY ${ms(t.busyExpiry.delayStartedAfterMs)} later`}`,
    t.timerLatenessMs === null ? '–' : t.timerLatenessMs.toFixed(1),
  ];
}

const TIMING_LABELS = [
  'absent neighbour: solicitations at',
  'absent neighbour: FAILED after the first',
  'STALE + a packet: DELAY lasts',
  'then unicast probes at',
  'then FAILED after the last probe',
  'reachable time drawn (base 12 s)',
  'REACHABLE, no traffic: expires to',
  'REACHABLE, 10 packets/s: expires to',
  'lateness of a 1 s timer',
];

/** The timing table as text (milliseconds). */
export function timingText(table: TimingTable): string {
  const families = (['ipv4', 'ipv6'] as const).filter((f) => table.families[f] !== undefined);
  const columns = families.map((f) => timingRows(table.families[f]!));
  const widths = columns.map((c, i) => Math.max(families[i] === 'ipv4' ? 4 : 4, ...c.map((x) => x.length)) + 2);
  const lines = [`Resolution timing, milliseconds: ${table.description} (${table.target})`];
  lines.push(pad('', 44) + families.map((f: ProbeFamily, i) => pad(f === 'ipv4' ? 'IPv4 (ARP)' : 'IPv6 (ND)', widths[i]!)).join('').trimEnd());
  TIMING_LABELS.forEach((label, r) => {
    lines.push((pad(label, 44) + columns.map((c, i) => pad(c[r]!, widths[i]!)).join('')).trimEnd());
  });
  return `${lines.join('\n')}\n`;
}

/** JSON with a fixed key order and a final newline; a matrix's cells one per line. */
export function probeJson(value: ProbeTable | TimingTable | object): string {
  if ('cells' in value && Array.isArray(value.cells)) {
    const { cells, ...rest } = value as { readonly cells: readonly unknown[] };
    const head = JSON.stringify(rest, null, 2).slice(0, -2);
    return `${head},\n  "cells": [\n${cells.map((c) => `    ${JSON.stringify(c)}`).join(',\n')}\n  ]\n}\n`;
  }
  return `${JSON.stringify(value, null, 2)}\n`;
}
