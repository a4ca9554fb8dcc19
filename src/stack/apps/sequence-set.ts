/**
 * A set of sequence numbers kept as sorted, disjoint ranges: a flow's delivered packets are a few
 * long runs (interrupted by losses), so memory grows with the number of gaps, not with the packets.
 * Additions near the highest number (the usual case) cost O(1); others a binary search and, when a
 * range must be inserted, a move of the ranges after it.
 */

/** See the module comment. */
export class SequenceSet {
  /** Range i is [starts[i], ends[i]). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private count = 0;

  /** Numbers in the set. */
  get size(): number {
    return this.count;
  }

  /** Ranges kept (for measuring memory). */
  get ranges(): number {
    return this.starts.length;
  }

  /** The index of the last range starting at or before `n`, or -1. */
  private find(n: number): number {
    const starts = this.starts;
    let hi = starts.length - 1;
    if (hi < 0 || starts[hi]! <= n) return hi;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= n) lo = mid;
      else hi = mid - 1;
    }
    return starts[lo]! <= n ? lo : -1;
  }

  has(n: number): boolean {
    const i = this.find(n);
    return i >= 0 && n < this.ends[i]!;
  }

  /** Adds `n`; false when it was there already. */
  add(n: number): boolean {
    const { starts, ends } = this;
    // The usual case: one past the highest number (nothing after it to join).
    const last = ends.length - 1;
    if (last >= 0 && ends[last] === n) {
      ends[last] = n + 1;
      this.count++;
      return true;
    }
    const i = this.find(n);
    if (i >= 0 && n < ends[i]!) return false;
    this.count++;
    const joinsLeft = i >= 0 && ends[i] === n;
    const joinsRight = i + 1 < starts.length && starts[i + 1] === n + 1;
    if (joinsLeft && joinsRight) {
      ends[i] = ends[i + 1]!;
      starts.splice(i + 1, 1);
      ends.splice(i + 1, 1);
    } else if (joinsLeft) {
      ends[i] = n + 1;
    } else if (joinsRight) {
      starts[i + 1] = n;
    } else {
      starts.splice(i + 1, 0, n);
      ends.splice(i + 1, 0, n + 1);
    }
    return true;
  }
}
