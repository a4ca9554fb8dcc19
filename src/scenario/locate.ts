/**
 * Where a setting is in a YAML document: the line and column of the node at a field path, from the
 * `yaml` package's node ranges and a `LineCounter`. A value that is present is located at its first
 * character; an unknown field at its key; a value that is missing at the key of the mapping that
 * should have held it (or the list item); an empty value (`key:` with nothing after it) at its key.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';

/** A 1-based position in the text. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function startOf(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return range === undefined || range === null ? undefined : range[0];
}

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && (node.source === undefined || node.source === ''));
}

/** The position of the setting at `path` (see the module comment); `atKey` points at the last key. */
export function locate(doc: Document, lines: LineCounter, path: readonly (string | number)[], atKey = false): Position {
  let node: unknown = doc.contents;
  // The nearest key (or list item) passed on the way down: where a missing value is reported.
  let anchor: number | undefined = startOf(node);
  let resolved = true;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair === undefined) {
        resolved = false;
        break;
      }
      anchor = startOf(pair.key) ?? anchor;
      node = pair.value;
      if (i === path.length - 1 && atKey) break;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) {
        resolved = false;
        break;
      }
      node = item;
      anchor = startOf(item) ?? anchor;
    } else {
      // A scalar where a mapping or list was expected (`attach: leaf-1` for attach[0]): point at it.
      break;
    }
  }
  let offset: number | undefined;
  if (!resolved || atKey || isEmpty(node)) offset = anchor;
  else offset = startOf(node) ?? anchor;
  if (offset === undefined) return { line: 1, column: 1 };
  const p = lines.linePos(offset);
  return { line: p.line, column: p.col };
}
