/**
 * Loading a scenario: YAML text (with positions) → schema → cross-field checks → {@link Scenario}.
 *
 * Every problem of a file is reported at once, in file order, each with its line and column: YAML
 * syntax errors (the parser recovers and the rest of the file is still checked when it can be read),
 * the schema's issues, and the cross-field problems of what remains after the schema (salvage.ts).
 * Nothing is half-loaded: either a complete, normalised scenario comes back, or a
 * {@link ScenarioError} with every issue.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import { crossCheck } from './cross-check.js';
import type { PathIssue, ScenarioIssue } from './issues.js';
import { ScenarioError, formatPath, fromZodIssue, issueMessage } from './issues.js';
import { locate } from './locate.js';
import type { Scenario } from './normalise.js';
import { normaliseScenario } from './normalise.js';
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
    const cross = crossCheck(first.data);
    return cross.length === 0 ? { ok: true, scenario: normaliseScenario(first.data) } : { ok: false, issues: cross };
  }
  const issues = first.error.issues.flatMap(fromZodIssue);
  const rest = salvage(scenarioSchema, value, first.error.issues, { name: 'unnamed' });
  if (rest.value !== undefined) {
    for (const issue of crossCheck(rest.value, rest.tainted)) issues.push({ ...issue, path: rest.originalPath(issue.path) });
  }
  return { ok: false, issues };
}

function yamlIssues(doc: Document, lines: LineCounter, file: string): ScenarioIssue[] {
  return [...doc.errors, ...doc.warnings].map((e) => {
    const p = lines.linePos(e.pos[0]);
    // The parser's message ends with " at line L, column C:" and a snippet when pretty; keep the sentence.
    const sentence = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { code: 'yaml', file, line: p.line, column: p.col, path: '(yaml)', expected: 'valid YAML', found: sentence, message: sentence };
  });
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
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues = yamlIssues(doc, lines, fileName);
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
  if (!check.ok) {
    const seen = new Set<string>();
    for (const issue of check.issues) {
      const path = formatPath(issue.path);
      const message = issueMessage(issue);
      if (seen.has(`${path}\0${message}`)) continue;
      seen.add(`${path}\0${message}`);
      const at = locate(doc, lines, issue.path, issue.atKey === true);
      issues.push({
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
  }
  throw new ScenarioError(fileName, issues.sort(byPosition));
}

/** {@link loadScenario} on a file read as UTF-8; the issues name the file as `path` is written. */
export function loadScenarioFile(path: string): Scenario {
  return loadScenario(readFileSync(path, 'utf8'), path);
}
