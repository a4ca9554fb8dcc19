/**
 * The charting library an HTML report embeds: Vega, Vega-Lite and vega-embed, read from their npm
 * packages' browser builds when a report is written and inlined whole, so the page needs no network
 * when it is opened. Source-map comments are dropped (they would name files the page does not have),
 * and `</script` inside the code is escaped so it cannot end the script element early.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The three scripts, in load order (Vega, Vega-Lite, vega-embed), and their versions. */
export interface ChartLibrary {
  readonly scripts: readonly string[];
  readonly versions: Readonly<Record<string, string>>;
}

let cached: ChartLibrary | null = null;

/** A browser build's text, ready to inline. */
function inline(path: string): string {
  return readFileSync(path, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n').replace(/<\/script/gi, '<\\/script');
}

/** Reads the library once per process (see the module comment). */
export function chartLibrary(): ChartLibrary {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  // Each package exports its build directory through a file it lists in its exports.
  const vegaDir = dirname(require.resolve('vega/vega-schema.json'));
  const liteDir = dirname(require.resolve('vega-lite/vega-lite-schema.json'));
  const embedDir = dirname(require.resolve('vega-embed'));
  const version = (dir: string): string => (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  cached = {
    scripts: [inline(join(vegaDir, 'vega.min.js')), inline(join(liteDir, 'vega-lite.min.js')), inline(join(embedDir, 'vega-embed.min.js'))],
    versions: { vega: version(vegaDir), 'vega-lite': version(liteDir), 'vega-embed': version(embedDir) },
  };
  return cached;
}
