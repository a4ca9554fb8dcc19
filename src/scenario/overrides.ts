/**
 * `--set path=value` overrides: each changes one setting of a scenario file before it is validated,
 * so a bad value is reported like any other (with its path). Paths are dot-separated keys, with
 * numbers for list positions (`hosts.0.count=500`, `fabric.leaves=8`); values are YAML scalars or
 * flow collections (`10`, `2s`, `[a, b]`, `{kind: none}`).
 */
import { isMap, isSeq, parse, parseDocument } from 'yaml';
import { ScenarioError } from './issues.js';

/** One `path=value` override. */
export interface Override {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  /** As given, for messages. */
  readonly text: string;
}

/** Parses `path=value`; throws a ScenarioError (as the command line's file) when it has no `=` or an empty path. */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  const path = eq < 0 ? '' : text.slice(0, eq).trim();
  if (eq < 0 || path === '' || path.split('.').some((p) => p === '')) {
    throw new ScenarioError('--set', [{
      code: 'value', file: '--set', line: 1, column: 1, path: text, expected: 'path=value, e.g. fabric.leaves=8', found: JSON.stringify(text),
      message: `expected path=value, e.g. fabric.leaves=8, found ${JSON.stringify(text)}`,
    }]);
  }
  let value: unknown;
  try {
    value = parse(text.slice(eq + 1));
  } catch {
    value = text.slice(eq + 1);
  }
  return { path: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), value, text };
}

/** The YAML text with the overrides applied (comments and layout kept where possible). */
export function applyOverrides(text: string, overrides: readonly Override[]): string {
  if (overrides.length === 0) return text;
  const doc = parseDocument(text);
  for (const o of overrides) {
    // Lists are indexed by number; a missing map on the way is created.
    let node: unknown = doc.contents;
    for (let i = 0; i < o.path.length - 1; i++) {
      const key = o.path[i]!;
      const next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
      if (next === undefined) doc.setIn(o.path.slice(0, i + 1), doc.createNode({}));
      node = (isMap(node) || isSeq(node)) ? node.get(key, true) : undefined;
    }
    doc.setIn(o.path, doc.createNode(o.value));
  }
  return String(doc);
}
