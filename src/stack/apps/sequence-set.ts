/**
 * A set of sequence numbers kept as sorted, disjoint ranges: a flow's delivered packets are a few
 * long runs (interrupted by losses), so memory grows with the number of gaps, not with the packets.
 * Additions near the highest number (the usual case) cost O(1); others a binary search and, when a
 * range must be inserted, a move of the ranges after it.
 */

/** See the module comment. */
export class SequenceSet {
  /**
   * Every range but the highest: range i is [starts[i], ends[i]). The highest is kept in the fields
   * below, so that the usual addition (one past the highest number) touches this object only.
   */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** The highest range, [tailStart, tailEnd); empty (no range at all) while tailEnd === tailStart. */
  private tailStart = 0;
  private tailEnd = 0;
  private count = 0;

  /** The set of 0, 1, …, n − 1 (one range). */
  static upTo(n: number): SequenceSet {
    const set = new SequenceSet();
    set.tailEnd = n;
    set.count = n;
    return set;
  }

  /** Numbers in the set. */
  get size(): number {
    return this.count;
  }

  /** Ranges kept (for measuring memory). */
  get ranges(): number {
    return this.starts.length + (this.tailEnd > this.tailStart ? 1 : 0);
  }

  /** The index of the last range of the arrays starting at or before `n`, or -1. */
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
    if (this.tailEnd > this.tailStart && n >= this.tailStart) return n < this.tailEnd;
    const i = this.find(n);
    return i >= 0 && n < this.ends[i]!;
  }

  /** Adds `n`; false when it was there already. */
  add(n: number): boolean {
    // The usual case: one past the highest number (nothing after it to join).
    if (n === this.tailEnd && this.tailEnd > this.tailStart) {
      this.tailEnd = n + 1;
      this.count++;
      return true;
    }
    if (this.has(n)) return false;
    // Otherwise: every range in the arrays, the general insertion, and the highest back in the fields.
    const { starts, ends } = this;
    if (this.tailEnd > this.tailStart) {
      starts.push(this.tailStart);
      ends.push(this.tailEnd);
    }
    this.insert(n);
    this.tailStart = starts.pop()!;
    this.tailEnd = ends.pop()!;
    return true;
  }

  /** Adds `n`, which is not in the set, to the ranges of the arrays. */
  private insert(n: number): void {
    const { starts, ends } = this;
    const i = this.find(n);
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
  }
}
