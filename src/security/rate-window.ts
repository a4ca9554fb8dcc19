/**
 * A packet counter over fixed windows, as switch policers count control packets per port: a window of
 * `interval` ns opens with the first packet after the previous one closed; the count is how many
 * packets arrived in the open window. Pure: handed `now`.
 */

/** See the module comment. */
export class RateWindow {
  private readonly interval: number;
  private start = -1;
  private n = 0;

  constructor(interval: number) {
    if (!(interval > 0)) throw new RangeError(`rate window must be positive, got ${interval}`);
    this.interval = interval;
  }

  /** Counts one packet at `now`; returns the count in its window (this one included). */
  hit(now: number): number {
    if (this.start < 0 || now - this.start >= this.interval) {
      this.start = now;
      this.n = 0;
    }
    return ++this.n;
  }

  /** Forgets the window (a port that recovered starts afresh). */
  reset(): void {
    this.start = -1;
    this.n = 0;
  }
}
