/**
 * What is left of a document after the schema refused parts of it: the largest valid scenario
 * obtained by removing each refused value (so that its default applies, or the field is left out)
 * and, when a required value is missing, the object that needed it (a list item is dropped). The
 * cross-field checks run on the result, so that one file reports its type errors and its broken
 * references together.
 *
 * The removed settings are remembered as dotted key paths without list indices (`fabric.leaves`,
 * `hosts`); the checks skip rules that depend on them. Dropping list items shifts the indices of the
 * items after them; {@link Salvaged.originalPath} maps a path in the salvaged value back to the
 * document's own.
 */
import type { z } from 'zod';

/** The result of {@link salvage}. */
export interface Salvaged<T> {
  /** The salvaged parse, or `undefined` when nothing valid remains (e.g. the document is not a mapping). */
  readonly value: T | undefined;
  /** True when `path` (dotted keys, no indices) or a setting above or below it was removed. */
  tainted(path: string): boolean;
  /** The document's path for a path of the salvaged value. */
  originalPath(path: readonly (string | number)[]): (string | number)[];
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function clone(v: unknown, origins: Map<unknown[], number[]>): unknown {
  if (Array.isArray(v)) {
    const out = v.map((x) => clone(x, origins));
    origins.set(out, out.map((_, i) => i));
    return out;
  }
  if (isContainer(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x, origins);
    return out;
  }
  return v;
}

function get(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const seg of path) {
    if (!isContainer(node)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[seg as string];
  }
  return node;
}

const REMOVED = Symbol('removed');

const MAX_ROUNDS = 64;

/**
 * Parses `input`, removing what the schema refuses until the rest parses (see the module comment).
 * A required top-level field that is missing cannot be removed with its parent (the document), so it
 * is filled from `placeholders` (e.g. a name), and counts as removed.
 */
export function salvage<T>(
  schema: z.ZodType<T>,
  input: unknown,
  firstIssues: readonly z.core.$ZodIssue[],
  placeholders: Readonly<Record<string, unknown>> = {},
): Salvaged<T> {
  const origins = new Map<unknown[], number[]>();
  const current = clone(input, origins);
  const removed: string[] = [];
  const keysOnly = (path: readonly PropertyKey[]): string => path.filter((p) => typeof p === 'string').join('.');
  const result = (value: T | undefined): Salvaged<T> => ({
    value,
    tainted: (path) => removed.some((r) => r === '' || r === path || path.startsWith(`${r}.`) || r.startsWith(`${path}.`)),
    originalPath: (path) => {
      const out: (string | number)[] = [];
      let node: unknown = current;
      for (const seg of path) {
        if (Array.isArray(node) && typeof seg === 'number') {
          out.push(origins.get(node)?.[seg] ?? seg);
        } else {
          out.push(seg);
        }
        node = isContainer(node) ? (node as Record<PropertyKey, unknown>)[seg] : undefined;
      }
      return out;
    },
  });

  let issues = firstIssues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const touched = new Set<Container>();
    for (const issue of issues) {
      const path = issue.path.slice();
      const top = path[0];
      if (path.length === 1 && typeof top === 'string' && get(current, path) === undefined && top in placeholders && isContainer(current) && !Array.isArray(current)) {
        current[top] = placeholders[top];
        removed.push(top);
        continue;
      }
      // A value that is missing cannot be removed: remove what should have held it.
      while (path.length > 0 && get(current, path) === undefined) path.pop();
      if (path.length === 0) {
        removed.push('');
        return result(undefined);
      }
      const key = path[path.length - 1]!;
      const parent = get(current, path.slice(0, -1));
      if (!isContainer(parent)) continue;
      removed.push(keysOnly(path));
      if (Array.isArray(parent)) {
        parent[key as number] = REMOVED;
      } else {
        Reflect.deleteProperty(parent, key);
      }
      touched.add(parent);
    }
    for (const container of touched) {
      if (!Array.isArray(container)) continue;
      const from = origins.get(container) ?? container.map((_, i) => i);
      const keep = container.map((v, i) => [v, from[i]!] as const).filter(([v]) => v !== REMOVED);
      container.length = 0;
      container.push(...keep.map(([v]) => v));
      origins.set(container, keep.map(([, i]) => i));
    }
    const r = schema.safeParse(current);
    if (r.success) return result(r.data);
    issues = r.error.issues;
  }
  removed.push('');
  return result(undefined);
}
