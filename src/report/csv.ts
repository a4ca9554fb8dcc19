/**
 * A sweep's results as CSV (RFC 4180: comma-separated, fields quoted when they hold a comma, a quote
 * or a line break, quotes doubled, CRLF line ends), one row per (point, seed): the point's
 * parameters, the seed, the kernel events, then every metric of {@link resultMetrics} (and, after
 * each black hole, whether it was repaired), for R, pandas or a spreadsheet.
 */
import type { Parameters, SweepResultLine } from './sweep-lines.js';
import { resultMetrics } from './sweep-lines.js';

/** One CSV field. */
function field(v: unknown): string {
  const text = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of `lines` (in the order given), with `axes` as the parameter columns. */
export function sweepCsv(axes: readonly string[], lines: readonly SweepResultLine[]): string {
  const columns: string[] = [];
  const rows: Map<string, unknown>[] = [];
  for (const line of lines) {
    const row = new Map<string, unknown>();
    for (const m of resultMetrics(line.result)) {
      if (!columns.includes(m.name)) columns.push(m.name);
      row.set(m.name, m.value);
      if (m.name.includes('.blackHoleMs.')) {
        const repairedName = m.name.replace('.blackHoleMs.', '.repaired.');
        if (!columns.includes(repairedName)) columns.push(repairedName);
        row.set(repairedName, m.repaired);
      }
    }
    rows.push(row);
  }
  const out = [[...axes, 'seed', 'events', ...columns].map(field).join(',')];
  lines.forEach((line, i) => {
    const params: Parameters = line.parameters;
    out.push([...axes.map((a) => params[a]), line.seed, line.events, ...columns.map((c) => rows[i]!.get(c))].map(field).join(','));
  });
  return `${out.join('\r\n')}\r\n`;
}
