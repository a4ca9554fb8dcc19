/**
 * Problems with a scenario, and the error that carries all of them.
 *
 * Every problem becomes one {@link ScenarioIssue}: where it is (file, line, column), which setting
 * (the field path, `fabric.links.access.rate`, `hosts[1].placement[0]`), what was expected, what was
 * found, and a suggestion when a near miss is likely. Problems are collected, never thrown one at a
 * time: a {@link ScenarioError} carries every issue of the file, and its message lists them one per
 * line as `file:line:column: path: message`, the form editors and terminals turn into links.
 *
 * {@link PathIssue} is the same before it has a place in a file: the schema's issues (converted from
 * zod's by {@link fromZodIssue}) and the cross-field checks produce it; load.ts locates it.
 */
import type { z } from 'zod';
import type { FieldIssueParams } from './fields.js';
import { suggest } from './suggest.js';

/**
 * What kind of problem an issue is:
 * `yaml` (the file is not valid YAML), `type` (a value of the wrong type), `missing` (a required
 * field), `unknown-field`, `value` (the right type, an impossible value), `reference` (a name that
 * names nothing of the scenario), `duplicate` (a name or address used twice), `capacity` (more than
 * the network holds).
 */
export type ScenarioIssueCode = 'yaml' | 'type' | 'missing' | 'unknown-field' | 'value' | 'reference' | 'duplicate' | 'capacity';

/** A problem at a field path, not yet placed in a file. */
export interface PathIssue {
  readonly code: ScenarioIssueCode;
  /** Keys and list indices from the document root. */
  readonly path: readonly (string | number)[];
  readonly expected: string;
  /** What was found, rendered for people (`"leaf-9"`, `-5`, `nothing`). */
  readonly found: string;
  /** A likely correction (a value or a field name). */
  readonly suggestion?: string;
  /** Point at the key of the last path element rather than at its value (unknown fields). */
  readonly atKey?: boolean;
}

/** One located problem of a scenario file. */
export interface ScenarioIssue {
  readonly code: ScenarioIssueCode;
  /** The file name as given to the loader. */
  readonly file: string;
  /** 1-based line and column; 0 when the scenario did not come from text. */
  readonly line: number;
  readonly column: number;
  /** The field path (`fabric.links.access.rate`, `hosts[0].name`), or `(yaml)` for a syntax error. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  readonly suggestion?: string;
  /** The problem in one sentence, without the location. */
  readonly message: string;
}

/** The path of `path` as text: `hosts[0].placement[1]`; `(document)` for the root. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(document)' : out;
}

/** A value as an issue shows what was found. */
export function renderFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `a list (${value.length} item${value.length === 1 ? '' : 's'})`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** The sentence of an issue: what is wrong, what was expected, what was found, and the suggestion. */
export function issueMessage(issue: Pick<PathIssue, 'code' | 'expected' | 'found' | 'suggestion'>): string {
  const hint = issue.suggestion === undefined ? '' : `; did you mean ${JSON.stringify(issue.suggestion)}?`;
  switch (issue.code) {
    case 'missing':
      return `missing: expected ${issue.expected}${hint}`;
    case 'unknown-field':
      return `unknown field ${issue.found}${hint} (expected ${issue.expected})`;
    case 'yaml':
      return issue.expected;
    default:
      return `expected ${issue.expected}, found ${issue.found}${hint}`;
  }
}

/** One issue as a line: `file:line:column: path: message`. */
export function formatIssue(issue: ScenarioIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path}: ${issue.message}`;
}

/**
 * A scenario with problems: every issue found, at once. The message lists them one per line
 * (`file:line:column: path: message`), in file order.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  /** The file name as given to the loader. */
  readonly file: string;
  /** Every issue, in file order. */
  readonly issues: readonly ScenarioIssue[];

  constructor(file: string, issues: readonly ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.file = file;
    this.issues = issues;
  }
}

const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'an empty value',
};

function listValues(values: readonly unknown[]): string {
  const shown = values.filter((v) => v !== undefined && v !== null).map((v) => (typeof v === 'string' ? v : String(v)));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
}

function bound(issue: { origin: string; inclusive?: boolean }, value: number | bigint, small: boolean): string {
  const cmp = small ? (issue.inclusive === false ? 'more than' : 'at least') : (issue.inclusive === false ? 'less than' : 'at most');
  switch (issue.origin) {
    case 'array': return `a list of ${cmp} ${value} item${value === 1 ? '' : 's'}`;
    case 'string': return `text of ${cmp} ${value} character${value === 1 ? '' : 's'}`;
    case 'int': return `a whole number ${cmp} ${value}`;
    default: return `a number ${cmp} ${value}`;
  }
}

/**
 * The schema's issue in our terms. Messages set by the schema (fields.ts and the sections) are what
 * was expected; zod's own messages are replaced by text built from the issue's fields.
 */
export function fromZodIssue(issue: z.core.$ZodIssue): PathIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const own = !DEFAULT_MESSAGE.test(issue.message);
  const input = issue.input;
  switch (issue.code) {
    case 'custom': {
      const params = issue.params as Partial<FieldIssueParams> | undefined;
      if (params?.arpshift === 'unknown-field') {
        const key = String(path[path.length - 1]);
        const hint = suggest(key, params.allowed ?? []);
        return [{ code: 'unknown-field', path, expected: params.expected ?? 'a known field', found: JSON.stringify(key), atKey: true, ...(hint === undefined ? {} : { suggestion: hint }) }];
      }
      const expected = params?.expected ?? issue.message;
      const suggestion = params?.suggestion;
      return [{ code: 'value', path, expected, found: renderFound(input), ...(suggestion === undefined ? {} : { suggestion }) }];
    }
    case 'invalid_type': {
      const expected = own ? issue.message : TYPE_NAMES[issue.expected] ?? issue.expected;
      if (input === undefined) return [{ code: 'missing', path, expected, found: 'nothing' }];
      return [{ code: 'type', path, expected, found: renderFound(input) }];
    }
    case 'too_small':
      return [{ code: 'value', path, expected: own ? issue.message : bound(issue, issue.minimum, true), found: renderFound(input) }];
    case 'too_big':
      return [{ code: 'value', path, expected: own ? issue.message : bound(issue, issue.maximum, false), found: renderFound(input) }];
    case 'invalid_value': {
      const hint = typeof input === 'string' ? suggest(input, issue.values.map(String)) : undefined;
      return [{ code: input === undefined ? 'missing' : 'value', path, expected: listValues(issue.values), found: renderFound(input), ...(hint === undefined ? {} : { suggestion: hint }) }];
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        // zod puts the discriminator's key in the path and the whole object in `input`.
        const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
        const options = 'options' in issue ? issue.options ?? [] : [];
        const expected = `${issue.discriminator} ${listValues(options)}`;
        const kindPath = path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          return [{ code: 'type', path: kindPath.slice(0, -1), expected: own ? issue.message : `a mapping with a ${expected}`, found: renderFound(input) }];
        }
        if (value === undefined) return [{ code: 'missing', path: kindPath, expected, found: 'nothing' }];
        const hint = typeof value === 'string' ? suggest(value, options.filter((o): o is string => typeof o === 'string')) : undefined;
        return [{ code: 'value', path: kindPath, expected: listValues(options), found: renderFound(value), ...(hint === undefined ? {} : { suggestion: hint }) }];
      }
      if (own) return [{ code: input === undefined ? 'missing' : 'type', path, expected: issue.message, found: renderFound(input) }];
      const alternatives = issue.errors.map((branch) => branch[0]).filter((b) => b !== undefined).flatMap((b) => fromZodIssue(b).map((p) => p.expected));
      return [{ code: 'type', path, expected: alternatives.join(' or ') || 'another value', found: renderFound(input) }];
    }
    case 'invalid_format':
      return [{ code: 'value', path, expected: own ? issue.message : `text in the format ${issue.format}${issue.pattern === undefined ? '' : ` (${issue.pattern})`}`, found: renderFound(input) }];
    case 'not_multiple_of':
      return [{ code: 'value', path, expected: own ? issue.message : `a multiple of ${issue.divisor}`, found: renderFound(input) }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ code: 'unknown-field' as const, path: [...path, key], expected: 'a known field', found: JSON.stringify(key), atKey: true }));
    default:
      return [{ code: 'value', path, expected: issue.message, found: renderFound(input) }];
  }
}
