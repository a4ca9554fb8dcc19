/**
 * Sweep files: which base scenario, which of its runs, which settings fixed (`set`), which swept
 * (`grid`: the same paths and values as `run --set`, as lists or ranges), and which seeds. Loaded
 * from YAML with positions; every problem is reported at once, located by line and column, as
 * scenario files are (a {@link SweepError}).
 *
 *     name: garp-count
 *     scenario: scenarios/migration-guest-garp.yaml   # relative to this file; omitted: the built-in default
 *     runs: [guest-garp]                               # omitted: every run (variant) of the scenario
 *     set: { duration: 45s }
 *     grid:
 *       remedies.0.count: [1, 2, 3]
 *       migrations.0.timing.downtime: { from: 100ms, to: 500ms, step: 100ms }
 *     seeds: 20                                        # 1 … 20; or [3, 7], or { first: 100, count: 20 }
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { z } from 'zod';
import type { Position, ScenarioIssue } from '../scenario/index.js';
import { formatIssue, locate } from '../scenario/index.js';

/** A sweep file with problems: every issue, located. */
export class SweepError extends Error {
  override readonly name = 'SweepError';
  readonly file: string;
  readonly issues: readonly ScenarioIssue[];

  constructor(file: string, issues: readonly ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.file = file;
    this.issues = issues;
  }
}

/** A range of values: from `from` to `to` (included when a step lands on it) by `step`; numbers, or quantities in one unit (`100ms`). */
export interface RangeSpec {
  readonly from: number | string;
  readonly to: number | string;
  readonly step: number | string;
}

/** A sweep file as written (validated). */
export interface SweepFileSpec {
  readonly name?: string;
  readonly description?: string;
  readonly scenario?: string;
  readonly runs?: readonly string[];
  readonly set?: Readonly<Record<string, unknown>>;
  readonly grid?: Readonly<Record<string, readonly unknown[] | RangeSpec>>;
  readonly seeds?: number | readonly number[] | { readonly first?: number; readonly count: number };
}

const SEEDS = 'a number of seeds (1 to 1,000,000), a list of seeds, or { first, count }';
const seed = z.number({ error: 'a whole number from 0 to 2^53 − 1' }).int({ error: 'a whole number from 0 to 2^53 − 1' }).min(0, { error: 'a whole number from 0 to 2^53 − 1' }).max(Number.MAX_SAFE_INTEGER, { error: 'a whole number from 0 to 2^53 − 1' });
const scalar = z.union([z.number(), z.string()], { error: 'a number, or a number with a unit (100ms)' });
const path = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_-]*|\d+))*$/, { error: 'a setting\'s path: keys and list indexes with dots, e.g. fabric.leaves or migrations.0.timing.downtime' });

const schema = z.strictObject({
  name: z.string({ error: 'text' }).min(1, { error: 'text' }).optional(),
  description: z.string({ error: 'text' }).optional(),
  scenario: z.string({ error: 'a scenario file (relative to the sweep file), or default' }).min(1, { error: 'a scenario file (relative to the sweep file), or default' }).optional(),
  runs: z.array(z.string({ error: 'a run (variant) name' }), { error: 'a list of run (variant) names' }).min(1, { error: 'a list of at least one run name' }).optional(),
  set: z.record(path, z.unknown(), { error: 'a mapping of setting paths to values' }).optional(),
  grid: z.record(
    path,
    z.union([
      z.array(z.unknown(), { error: 'a list of values, or a range { from, to, step }' }).min(1, { error: 'a list of at least one value' }),
      z.strictObject({ from: scalar, to: scalar, step: scalar }, { error: 'a list of values, or a range { from, to, step }' }),
    ], { error: 'a list of values, or a range { from, to, step }' }),
    { error: 'a mapping of setting paths to lists or ranges' },
  ).optional(),
  seeds: z.union([
    z.number({ error: SEEDS }).int({ error: SEEDS }).min(1, { error: SEEDS }).max(1_000_000, { error: SEEDS }),
    z.array(seed, { error: SEEDS }).min(1, { error: SEEDS }),
    z.strictObject({ first: seed.optional(), count: z.number({ error: SEEDS }).int({ error: SEEDS }).min(1, { error: SEEDS }).max(1_000_000, { error: SEEDS }) }, { error: SEEDS }),
  ], { error: SEEDS }).optional(),
}, { error: 'a mapping' });

function found(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `a list (${v.length} item${v.length === 1 ? '' : 's'})`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** A sweep file's text and where things are in it, for locating problems found later. */
export class SweepSource {
  readonly file: string;
  private readonly doc: Document;
  private readonly lines: LineCounter;

  constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  /** The position of the value at `path` (its key when `atKey`). */
  at(path: readonly (string | number)[], atKey = false): Position {
    return locate(this.doc, this.lines, path, atKey);
  }

  /** An issue at `path` of the sweep file. */
  issue(path: readonly (string | number)[], message: string, atKey = false): ScenarioIssue {
    const p = this.at(path, atKey);
    const text = path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : s.includes('.') ? `[${s}]` : `.${s}`)).join('');
    return { code: 'value', file: this.file, line: p.line, column: p.column, path: text === '' ? '(document)' : text, expected: message, found: '', message };
  }
}

/** Parses and validates a sweep file's text; throws a {@link SweepError} with every problem. */
export function loadSweepText(text: string, file: string): { spec: SweepFileSpec; source: SweepSource } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = new SweepSource(file, doc, lines);
  const issues: ScenarioIssue[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const p = lines.linePos(e.pos[0]);
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    issues.push({ code: 'yaml', file, line: p.line, column: p.col, path: '(yaml)', expected: 'valid YAML', found: message, message });
  }
  if (issues.length > 0) throw new SweepError(file, issues);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new SweepError(file, [source.issue([], e instanceof Error ? e.message : String(e))]);
  }
  const parsed = schema.safeParse(value ?? {}, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.map((s) => (typeof s === 'number' ? s : String(s)));
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) issues.push(source.issue([...at, key], `unknown field "${key}" (expected one of name, description, scenario, runs, set, grid, seeds)`, true));
        continue;
      }
      const input = (issue as { input?: unknown }).input;
      issues.push(source.issue(at, `expected ${issue.message}, found ${found(input)}`, issue.code === 'invalid_key'));
    }
    throw new SweepError(file, issues.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { spec: parsed.data as SweepFileSpec, source };
}
