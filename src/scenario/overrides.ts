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

function overrideError(o: Override, expected: string, found: string): ScenarioError {
  return new ScenarioError('--set', [{
    code: 'value', file: '--set', line: 1, column: 1, path: o.text, expected, found,
    message: `expected ${expected}, found ${found}`,
  }]);
}

/**
 * The YAML text with the overrides applied (comments and layout kept where possible). A missing map or
 * list on the way is created; a list index may be at most the list's length (the length appends one
 * item), so an override cannot grow a list by more than one. Text that is not valid YAML is returned
 * as it is: loading it reports the syntax errors, located.
 */
export function applyOverrides(text: string, overrides: readonly Override[]): string {
  if (overrides.length === 0) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return text;
  for (const o of overrides) {
    let node: unknown = doc.contents;
    for (let i = 0; i < o.path.length; i++) {
      const key = o.path[i]!;
      if (typeof key === 'number') {
        const length = isSeq(node) ? node.items.length : 0;
        if (key > length) {
          const where = o.path.slice(0, i).join('.') || 'the document';
          throw overrideError(o, `an index from 0 to ${length} (${where} has ${length} item${length === 1 ? '' : 's'}; ${length} adds one)`, String(key));
        }
      }
      if (i === o.path.length - 1) break;
      let next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
      if (next === undefined || next === null) {
        // A missing map (or, before a list index, list) on the way is created.
        doc.setIn(o.path.slice(0, i + 1), doc.createNode(typeof o.path[i + 1] === 'number' ? [] : {}));
        next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
      }
      node = next;
    }
    doc.setIn(o.path, doc.createNode(o.value));
  }
  return String(doc);
}
