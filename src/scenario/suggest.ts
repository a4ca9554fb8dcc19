/**
 * "Did you mean …?" for scenario files: the closest allowed word to a misspelt one, by the optimal
 * string alignment distance (Levenshtein plus adjacent transpositions), compared without case so that
 * `lossrate` finds `lossRate`. A suggestion is made only when the word is close enough to be a slip
 * rather than a different word, and, for references (switch or host names), only when one candidate
 * is closer than every other one: `leaf-9` among `leaf-1` … `leaf-4` is equally far from all four, so
 * no single suggestion would be honest.
 */

/** Optimal string alignment distance between `a` and `b` (case-sensitive; callers lower-case). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  // Three rows suffice: the transposition looks two rows back.
  let twoBack = new Array<number>(width).fill(0);
  let prev = Array.from({ length: width }, (_, j) => j);
  let cur = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, twoBack[j - 2]! + 1);
      cur[j] = d;
    }
    [twoBack, prev, cur] = [prev, cur, twoBack];
  }
  return prev[b.length]!;
}

/** How far a word may be from a candidate and still count as a slip. */
function threshold(word: string): number {
  if (word.length <= 3) return 1;
  if (word.length <= 7) return 2;
  return 3;
}

/**
 * The candidate closest to `word`, or `undefined` when none is close enough. With `unique`, also
 * `undefined` when two or more candidates are equally close. Ties otherwise go to the earlier
 * candidate, so the result does not depend on anything but the order given.
 */
export function suggest(word: string, candidates: Iterable<string>, options: { unique?: boolean } = {}): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  let ties = 0;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
      ties = 1;
    } else if (d === bestDistance) {
      ties++;
    }
  }
  if (best === undefined || bestDistance > threshold(word)) return undefined;
  if (options.unique === true && ties > 1) return undefined;
  return best;
}
