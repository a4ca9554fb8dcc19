/** Reads the annotated hex files of test/golden/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file in test/golden/. */
export function goldenPath(name: string): string {
  return fileURLToPath(new URL(`../golden/${name}`, import.meta.url));
}

/** The bytes of an annotated hex file (`#` comments, whitespace ignored). */
export function readHex(name: string): Uint8Array {
  const text = readFileSync(goldenPath(name), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join(' ');
  const pairs = text.split(/\s+/).filter((t) => t.length > 0);
  for (const p of pairs) if (!/^[0-9a-f]{2}$/i.test(p)) throw new Error(`bad hex byte ${p} in ${name}`);
  return Uint8Array.from(pairs, (p) => parseInt(p, 16));
}
