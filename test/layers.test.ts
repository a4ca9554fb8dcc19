/**
 * The layer order of DESIGN.md, checked from the imports of every file under src/: an import from
 * one folder to another only ever points down, reaches the other folder through its index.ts only,
 * and the CLI uses nothing but the public API, src/index.ts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Bottom-up, as DESIGN.md lists them; folders on one rank may not import each other either way. */
const RANKS: Readonly<Record<string, number>> = {
  wire: 0, sim: 1, net: 2, stack: 3, security: 4, migration: 5, scenario: 6, metrics: 7, run: 8, report: 9, sweep: 10,
  // analyze reads captures; emu builds on it; deploy (announce, agent) and probe build on emu;
  // emulate builds on emu, analyze, deploy and run (it runs the simulation of the same scenario to
  // compare) and is independent of probe.
  analyze: 11, emu: 12, deploy: 13, probe: 14, emulate: 14,
  cli: 16,
};
/** src/index.ts, the public API: above every folder but the CLI. */
const API = 15;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of src/ a file belongs to ('' for files directly in src/). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? '' : parts[0]!;
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every relative import (static, dynamic, `export … from`, type-only) of every file, resolved to a .ts file. */
function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    // `declare module '../sim/trace.js'` augments the trace bus's event map: it names the file that
    // declares the map, and imports nothing.
    const augmented = new Set([...text.matchAll(/declare module '([^']+)'/g)].map((m) => m[1]!));
    const info = ts.preProcessFile(text, true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.') || augmented.has(ref.fileName)) continue;
      out.push({ from: file, to: resolve(dirname(file), ref.fileName).replace(/\.js$/, '.ts') });
    }
  }
  return out;
}

const rel = (f: string): string => relative(SRC, f).split(sep).join('/');

describe('the layers of DESIGN.md', () => {
  const all = edges();

  it('every folder of src/ has a rank, and every folder but the CLI an index.ts', () => {
    const folders = readdirSync(SRC).filter((f) => statSync(join(SRC, f)).isDirectory());
    expect(folders.filter((f) => RANKS[f] === undefined), 'folders missing from the layer table').toEqual([]);
    expect(folders.filter((f) => f !== 'cli' && statSync(join(SRC, f, 'index.ts'), { throwIfNoEntry: false })?.isFile() !== true)).toEqual([]);
    expect(all.length).toBeGreaterThan(100);
  });

  it('an import between folders points down, to the other folder\'s index.ts', () => {
    const wrong: string[] = [];
    for (const e of all) {
      const from = folderOf(e.from);
      const to = folderOf(e.to);
      if (from === to || from === '' || from === 'cli') continue;
      const target = rel(e.to);
      if (to === '') {
        // Only the version constant may be used from below the API.
        if (target !== 'version.ts') wrong.push(`${rel(e.from)} → ${target}: only the CLI uses src/index.ts`);
        continue;
      }
      if (!(RANKS[to]! < RANKS[from]!)) wrong.push(`${rel(e.from)} → ${target}: ${from} may not import ${to} (it is not below it)`);
      if (target !== `${to}/index.ts`) wrong.push(`${rel(e.from)} → ${target}: other folders import only ${to}/index.ts`);
    }
    expect(wrong).toEqual([]);
  });

  it('src/index.ts re-exports folder indexes only; the CLI imports only src/index.ts', () => {
    const wrong: string[] = [];
    for (const e of all) {
      const from = rel(e.from);
      const target = rel(e.to);
      if (from === 'index.ts' && !(target === 'version.ts' || (/^[a-z]+\/index\.ts$/.test(target) && RANKS[folderOf(e.to)]! < API))) {
        wrong.push(`${from} → ${target}`);
      }
      if (folderOf(e.from) === 'cli' && folderOf(e.to) !== 'cli' && target !== 'index.ts') wrong.push(`${from} → ${target}: the CLI uses only src/index.ts`);
    }
    expect(wrong).toEqual([]);
  });
});
