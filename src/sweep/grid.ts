/**
 * A sweep's grid: each axis (a setting's path) with its values, lists as written and ranges expanded
 * (`{ from: 100ms, to: 500ms, step: 100ms }` → 100ms, 200ms, …, 500ms), and the points, every
 * combination of the axes' values in the file's order (the first axis varies slowest, as nested
 * loops would). Seeds: a count n (1 … n), a list, or `{ first, count }`.
 */
import type { ScenarioIssue } from '../scenario/index.js';
import type { RangeSpec, SweepFileSpec, SweepSource } from './sweep-file.js';

/** Values one axis may have at most (a range that would make more is refused). */
export const MAX_AXIS_VALUES = 10_000;
/** Points a grid may have at most. */
export const MAX_POINTS = 1_000_000;

/** One axis: the path and its values, each with where it is written (for errors). */
export interface Axis {
  readonly path: string;
  readonly values: readonly unknown[];
  /** Where value i is written in the sweep file: its list item, or the range. */
  readonly at: readonly (readonly (string | number)[])[];
}

const QUANTITY = /^(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*([A-Za-z/µ%]*)$/;

function splitQuantity(v: number | string): { n: number; unit: string } | null {
  if (typeof v === 'number') return Number.isFinite(v) ? { n: v, unit: '' } : null;
  const m = QUANTITY.exec(v.trim());
  return m === null ? null : { n: Number(m[1]), unit: m[2]! };
}

/** A range's values, or the reason it has none. */
function expandRange(r: RangeSpec): unknown[] | string {
  const from = splitQuantity(r.from);
  const to = splitQuantity(r.to);
  const step = splitQuantity(r.step);
  if (from === null || to === null || step === null) return 'from, to and step must be numbers, or numbers with one unit (100ms)';
  if (from.unit !== to.unit || step.unit !== from.unit) return `from, to and step must have the same unit (found "${from.unit}", "${to.unit}", "${step.unit}")`;
  if (step.n === 0 || (to.n - from.n) * step.n < 0) return 'step must be non-zero and lead from "from" to "to"';
  const count = Math.floor((to.n - from.n) / step.n + 1e-9) + 1;
  if (count > MAX_AXIS_VALUES) return `the range has ${count.toLocaleString('en-US')} values; at most ${MAX_AXIS_VALUES.toLocaleString('en-US')}`;
  const values: unknown[] = [];
  for (let i = 0; i < count; i++) {
    // Rounded to 12 significant digits: 0.1 + 2 × 0.1 is 0.3, not 0.30000000000000004.
    const n = Number((from.n + i * step.n).toPrecision(12));
    values.push(from.unit === '' && typeof r.from === 'number' ? n : `${n}${from.unit}`);
  }
  return values;
}

/** The axes of a validated sweep file; problems (bad ranges, too many points) are pushed to `issues`. */
export function gridAxes(spec: SweepFileSpec, source: SweepSource, issues: ScenarioIssue[]): Axis[] {
  const axes: Axis[] = [];
  for (const [path, entry] of Object.entries(spec.grid ?? {})) {
    if (path === 'run' || path === 'seed') {
      issues.push(source.issue(['grid', path], `"${path}" is not a setting: list runs under "runs:" and seeds under "seeds:"`, true));
      continue;
    }
    if (spec.set !== undefined && Object.hasOwn(spec.set, path)) {
      issues.push(source.issue(['grid', path], `${path} is both fixed (set) and swept (grid)`, true));
      continue;
    }
    if (Array.isArray(entry)) {
      axes.push({ path, values: entry, at: entry.map((_, i) => ['grid', path, i]) });
      continue;
    }
    const values = expandRange(entry as RangeSpec);
    if (typeof values === 'string') {
      issues.push(source.issue(['grid', path], values));
      continue;
    }
    axes.push({ path, values, at: values.map(() => ['grid', path]) });
  }
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_POINTS) issues.push(source.issue(['grid'], `the grid has ${points.toLocaleString('en-US')} points; at most ${MAX_POINTS.toLocaleString('en-US')}`, true));
  return axes;
}

/** Every combination of the axes' values (indexes into each axis), the first axis varying slowest. */
export function* combinations(axes: readonly Axis[]): Generator<readonly number[]> {
  const index = axes.map(() => 0);
  if (axes.some((a) => a.values.length === 0)) return;
  for (;;) {
    yield [...index];
    let k = axes.length - 1;
    while (k >= 0) {
      index[k]!++;
      if (index[k]! < axes[k]!.values.length) break;
      index[k] = 0;
      k--;
    }
    if (k < 0) return;
  }
}

/** The seeds of a sweep file (`fallback`, the scenario's own seed, when it names none). */
export function sweepSeeds(spec: SweepFileSpec, fallback: number, source: SweepSource, issues: ScenarioIssue[]): number[] {
  const s = spec.seeds;
  if (s === undefined) return [fallback];
  if (typeof s === 'number') return Array.from({ length: s }, (_, i) => i + 1);
  if (Array.isArray(s)) {
    const seen = new Set<number>();
    s.forEach((v: number, i: number) => {
      if (seen.has(v)) issues.push(source.issue(['seeds', i], `seed ${v} is listed twice`));
      seen.add(v);
    });
    return [...s];
  }
  const range = s as { readonly first?: number; readonly count: number };
  const first = range.first ?? 1;
  if (first + range.count - 1 > Number.MAX_SAFE_INTEGER) issues.push(source.issue(['seeds'], 'first + count − 1 must be at most 2^53 − 1'));
  return Array.from({ length: range.count }, (_, i) => first + i);
}
