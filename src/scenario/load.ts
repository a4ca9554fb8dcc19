/**
 * Loading a scenario: YAML text (with positions) → schema → cross-field checks → {@link Scenario}.
 *
 * Every problem of a file is reported at once, in file order, each with its line and column: YAML
 * syntax errors (the parser recovers and the rest of the file is still checked when it can be read),
 * the schema's issues, and the cross-field problems of what remains after the schema (salvage.ts).
 * Nothing is half-loaded: either a complete, normalised scenario comes back, or a
 * {@link ScenarioError} with every issue.
 */
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, isMap, isPair, isSeq, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import { crossCheck, crossChecked } from './cross-check.js';
import type { PathIssue, ScenarioIssue } from './issues.js';
import { ScenarioError, formatPath, fromZodIssue, issueMessage } from './issues.js';
import { locate } from './locate.js';
import type { Scenario } from './normalise.js';
import { salvage } from './salvage.js';
import { scenarioSchema } from './schema.js';

/** The outcome of {@link checkScenario}: a scenario, or every problem with its field path. */
export type ScenarioCheck =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly issues: readonly PathIssue[] };

/**
 * Validates a scenario given as a plain value (parsed JSON or YAML, or built in code): the schema,
 * then the cross-field checks. Issues carry field paths but no positions.
 */
export function checkScenario(value: unknown): ScenarioCheck {
  const first = scenarioSchema.safeParse(value, { reportInput: true });
  if (first.success) {
    // The checks read the scenario normalised: the same one is the result (normalised once).
    const cross = crossChecked(first.data);
    return cross.issues.length === 0 ? { ok: true, scenario: cross.scenario } : { ok: false, issues: cross.issues };
  }
  const issues = first.error.issues.flatMap(fromZodIssue);
  const rest = salvage(scenarioSchema, value, first.error.issues, { name: 'unnamed' });
  if (rest.value !== undefined) {
    for (const issue of crossCheck(rest.value, rest.tainted)) issues.push({ ...issue, path: rest.originalPath(issue.path) });
  }
  return { ok: false, issues };
}

/** Deepest nesting of collections a scenario may have (scenarios need about six levels). */
export const MAX_NESTING = 64;

/** Rewrites the parser's messages that name its own API or internals into what a user can act on. */
function yamlSentence(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'a scenario file holds one YAML document, and a second one starts here (after "---")';
  if (code === 'RESOURCE_EXHAUSTION' || /call stack/i.test(message)) return `collections nested deeper than ${MAX_NESTING} levels`;
  // The parser's message ends with " at line L, column C:" and a snippet when pretty; keep the sentence.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlIssues(doc: Document, lines: LineCounter, file: string): ScenarioIssue[] {
  return [...doc.errors, ...doc.warnings].map((e) => {
    const p = lines.linePos(e.pos[0]);
    const sentence = yamlSentence(e.code, e.message);
    return { code: 'yaml', file, line: p.line, column: p.col, path: '(yaml)', expected: 'valid YAML', found: sentence, message: sentence };
  });
}

function yamlIssueAt(file: string, line: number, column: number, message: string): ScenarioIssue {
  return { code: 'yaml', file, line, column, path: '(yaml)', expected: 'valid YAML', found: message, message };
}

/**
 * The offset where flow collections (`[`, `{`) first nest deeper than {@link MAX_NESTING}, or -1: the
 * parser recurses on them, so a file of 20,000 brackets is refused before it is parsed. Quoted text
 * and comments are skipped.
 */
function flowTooDeep(text: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

/** The first node of `doc` nested deeper than {@link MAX_NESTING} (walked without recursion), or null. */
function nodeTooDeep(doc: Document): { range?: readonly number[] | null } | null {
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!(isMap(node) || isSeq(node))) continue;
    if (depth >= MAX_NESTING) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.key, depth: depth + 1 });
        stack.push({ node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return null;
}

function byPosition(a: ScenarioIssue, b: ScenarioIssue): number {
  return a.line - b.line || a.column - b.column;
}

/**
 * Parses and validates a scenario from YAML `text`; `fileName` is used in the issues. Returns the
 * normalised scenario, or throws a {@link ScenarioError} carrying every issue, in file order.
 */
export function loadScenario(text: string, fileName: string): Scenario {
  const lines = new LineCounter();
  const deepAt = flowTooDeep(text);
  if (deepAt >= 0) {
    const before = text.slice(0, deepAt);
    const line = before.split('\n').length;
    const column = deepAt - before.lastIndexOf('\n');
    throw new ScenarioError(fileName, [yamlIssueAt(fileName, line, column, `collections nested deeper than ${MAX_NESTING} levels`)]);
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues = yamlIssues(doc, lines, fileName);
  const deep = nodeTooDeep(doc);
  if (deep !== null) {
    const p = lines.linePos(deep.range?.[0] ?? 0);
    throw new ScenarioError(fileName, [...issues, yamlIssueAt(fileName, p.line, p.col, `collections nested deeper than ${MAX_NESTING} levels`)].sort(byPosition));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // An alias to nothing, an alias bomb: nothing can be checked beyond the YAML problems.
    const unresolved: ScenarioIssue[] = [];
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) !== undefined || node.range === undefined || node.range === null) return;
        const p = lines.linePos(node.range[0]);
        const message = `alias *${node.source} refers to no anchor &${node.source} before it`;
        unresolved.push({ code: 'yaml', file: fileName, line: p.line, column: p.col, path: '(yaml)', expected: 'valid YAML', found: `*${node.source}`, message });
      },
    });
    if (unresolved.length === 0) {
      const message = e instanceof Error ? e.message : String(e);
      unresolved.push({ code: 'yaml', file: fileName, line: 1, column: 1, path: '(yaml)', expected: 'valid YAML', found: message, message });
    }
    throw new ScenarioError(fileName, [...issues, ...unresolved].sort(byPosition));
  }
  const check = checkScenario(value ?? {});
  if (check.ok && issues.length === 0) return check.scenario;
  if (!check.ok) issues.push(...locateAll(doc, lines, fileName, check.issues));
  throw new ScenarioError(fileName, issues.sort(byPosition));
}

/** Places path issues in the file (each path and message once). */
function locateAll(doc: Document, lines: LineCounter, fileName: string, pathIssues: readonly PathIssue[]): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  const seen = new Set<string>();
  for (const issue of pathIssues) {
    const path = formatPath(issue.path);
    const message = issueMessage(issue);
    if (seen.has(`${path}\0${message}`)) continue;
    seen.add(`${path}\0${message}`);
    const at = locate(doc, lines, issue.path, issue.atKey === true);
    out.push({
      code: issue.code,
      file: fileName,
      line: at.line,
      column: at.column,
      path,
      expected: issue.expected,
      found: issue.found,
      ...(issue.suggestion === undefined ? {} : { suggestion: issue.suggestion }),
      message,
    });
  }
  return out;
}

/**
 * The {@link ScenarioError} of problems found after loading (a run too costly for this machine, say),
 * each placed in `text`, the scenario's YAML as it was loaded.
 */
export function scenarioErrorAt(text: string, fileName: string, pathIssues: readonly PathIssue[]): ScenarioError {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return new ScenarioError(fileName, locateAll(doc, lines, fileName, pathIssues).sort(byPosition));
}

/** A scenario file that cannot be read (missing, a directory, not permitted); the message names it. */
export class ScenarioFileError extends Error {
  override readonly name = 'ScenarioFileError';
  /** The path as given. */
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
  }
}

function fileReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory, not a scenario file';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    default: return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The text of a scenario file's bytes. Scenario files are UTF-8 (a byte-order mark is dropped); a file
 * in UTF-16 or UTF-32, with NUL bytes, or with bytes that are not UTF-8 is refused with one located
 * {@link ScenarioError} saying so.
 */
export function decodeScenarioText(bytes: Uint8Array, fileName: string): string {
  const refuse = (line: number, column: number, message: string): never => {
    throw new ScenarioError(fileName, [{ ...yamlIssueAt(fileName, line, column, message), path: '(encoding)', expected: 'UTF-8 text' }]);
  };
  const b = bytes;
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    refuse(1, 1, `the file is ${b[2] === 0 && b[3] === 0 && b[0] === 0xff ? 'UTF-32' : 'UTF-16'} (it starts with that byte-order mark); save it as UTF-8`);
  }
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) refuse(1, 1, 'the file is UTF-32 (it starts with that byte-order mark); save it as UTF-8');
  const position = (offset: number): { line: number; column: number } => {
    let line = 1;
    let start = 0;
    for (let i = 0; i < offset; i++) {
      if (b[i] === 0x0a) {
        line++;
        start = i + 1;
      }
    }
    return { line, column: offset - start + 1 };
  };
  const nul = b.indexOf(0);
  if (nul >= 0) {
    const p = position(nul);
    refuse(p.line, p.column, 'the file holds NUL bytes: it is not UTF-8 text (UTF-16 without a byte-order mark, or a binary file?)');
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    // Find the first byte that does not decode, to say where.
    let good = 0;
    for (let end = 1; end <= b.length; end++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(good, end));
        good = end;
      } catch {
        if (end - good >= 4) break;
      }
    }
    const p = position(good);
    return refuse(p.line, p.column, 'bytes that are not UTF-8 here; save the file as UTF-8');
  }
}

/**
 * Reads a scenario file's text (see {@link decodeScenarioText}); a file that cannot be read throws a
 * {@link ScenarioFileError} naming it.
 */
export function readScenarioFile(path: string): string {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    bytes = readFileSync(path);
  } catch (e) {
    throw new ScenarioFileError(path, fileReason(e));
  }
  return decodeScenarioText(bytes, path);
}

/** {@link loadScenario} on a file (see {@link readScenarioFile}); the issues name the file as `path` is written. */
export function loadScenarioFile(path: string): Scenario {
  return loadScenario(readScenarioFile(path), path);
}
