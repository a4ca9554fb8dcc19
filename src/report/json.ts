/**
 * The result as JSON: what `arpshift run --json` prints and `--out` writes. The key names and their
 * order are a contract (documented in the README): keys are written in the order the runner builds
 * them, times in milliseconds rounded to microseconds, so the same scenario and seed give
 * byte-identical JSON.
 */
import type { ScenarioResult } from '../run/index.js';

/** The result as JSON text (two-space indent, fixed key order, a final newline). */
export function resultJson(result: ScenarioResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
