/**
 * Helpers for scenario tests: positions computed from a test's own YAML text (never pasted from a
 * run), and loading that returns the issues instead of throwing.
 */
import { expect } from 'vitest';
import { ScenarioError, loadScenario } from '../../src/scenario/index.js';
import type { ScenarioIssue } from '../../src/scenario/index.js';

/**
 * The 1-based line of the only line of `text` containing `marker`, and the column of `token` in it
 * (the first occurrence at or after the marker's own position when `token` is the marker).
 */
export function positionOf(text: string, marker: string, token: string = marker): { line: number; column: number } {
  const lines = text.split('\n');
  const found = lines.flatMap((l, i) => (l.includes(marker) ? [i] : []));
  if (found.length !== 1) throw new Error(`marker ${JSON.stringify(marker)} is on ${found.length} lines`);
  const line = lines[found[0]!]!;
  const column = line.indexOf(token);
  if (column < 0) throw new Error(`token ${JSON.stringify(token)} not on the line of ${JSON.stringify(marker)}`);
  return { line: found[0]! + 1, column: column + 1 };
}

/** The issues of a scenario text (fails the test if it loads). */
export function issuesOf(text: string, file = 'test.yaml'): ScenarioIssue[] {
  try {
    loadScenario(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.issues];
    throw e;
  }
  expect.fail('the scenario loaded, but problems were expected');
}

/** The one issue at `path` (fails the test unless there is exactly one). */
export function issueAt(issues: readonly ScenarioIssue[], path: string): ScenarioIssue {
  const at = issues.filter((i) => i.path === path);
  expect(at.map((i) => i.path), `issues at ${path} among:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`).toEqual([path]);
  return at[0]!;
}
