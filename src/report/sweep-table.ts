/**
 * A sweep's summary as text tables that fit a 100-column terminal: one table per metric, one row per
 * grid point with its parameters, the seeds, the mean with its 95 % confidence interval, the median
 * and the 95th percentile. Metrics that are zero at every point are named once instead of tabled.
 */
import type { PointSummary, SweepHeader } from './sweep-lines.js';
import { renderTable, wrapText, TABLE_WIDTH } from './table.js';

/** A number for a table: thousands separators; two decimals from 1 to 100, three significant digits below 1. */
export function numberText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  if (abs >= 100) return Math.round(v).toLocaleString('en-US');
  if (abs >= 1) return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return String(Number(v.toPrecision(3)));
}

/** A parameter value for a table. */
function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A column header for a grid path: the path, or its last three segments when it is long. */
function columnName(path: string): string {
  const parts = path.split('.');
  return path.length <= 24 || parts.length <= 3 ? path : parts.slice(-3).join('.');
}

function unitOf(metric: string): string {
  return /Ms(\.|$)/.test(metric) ? ' (ms)' : metric.endsWith('PeakPps') ? ' (frames/s)' : '';
}

/** The summary tables of a sweep (`header` names it; `points` from `summarizeSweep`). */
export function sweepSummaryTables(header: SweepHeader, points: readonly PointSummary[]): string {
  const out: string[] = [];
  const seeds = header.seeds;
  const seedText = seeds.length === 0 ? 'no seeds' : seeds.length === 1 ? `seed ${seeds[0]}` : `${seeds.length} seeds (${seeds[0]}…${seeds[seeds.length - 1]})`;
  out.push(wrapText(`sweep ${header.name}: ${header.points} point${header.points === 1 ? '' : 's'} × ${seedText} of ${header.scenarioName}; mean with its 95 % confidence interval (Student t over the seeds), median and 95th percentile of each metric; ">" = some seeds were not repaired by the end of the run (the value is a lower bound)`, TABLE_WIDTH).join('\n'));
  const axes = Object.keys(header.grid);
  const metricNames: string[] = [];
  for (const p of points) for (const name of Object.keys(p.metrics)) if (!metricNames.includes(name)) metricNames.push(name);
  const zero: string[] = [];
  for (const metric of metricNames) {
    const rows: string[][] = [];
    let allZero = true;
    for (const p of points) {
      const m = p.metrics[metric];
      if (m === undefined) continue;
      if (m.max !== 0 || m.min !== 0) allZero = false;
      const lowerBound = (m.unrepaired ?? 0) > 0 ? '>' : '';
      rows.push([
        ...axes.map((a) => valueText(p.parameters[a])),
        String(m.n),
        `${lowerBound}${numberText(m.mean)}`,
        m.ciLow === null || m.ciHigh === null ? 'n/a' : `${numberText(m.ciLow)} – ${numberText(m.ciHigh)}`,
        numberText(m.median),
        numberText(m.p95),
      ]);
    }
    if (rows.length === 0) continue;
    if (allZero) {
      zero.push(metric);
      continue;
    }
    out.push('', `${metric}${unitOf(metric)}:`);
    out.push(renderTable(
      [...axes.map(columnName), 'seeds', 'mean', '95 % CI', 'median', 'p95'],
      rows,
      [...axes.map(() => false), true, true, true, true, true],
      { keys: Math.max(1, axes.length) },
    ));
  }
  if (zero.length > 0) out.push('', ...wrapText(`Zero at every point: ${zero.join(', ')}.`, TABLE_WIDTH, true));
  return `${out.join('\n')}\n`;
}
