/**
 * The pre-copy live-migration model (Clark et al., NSDI 2005; QEMU migration/options.c): the whole
 * memory is copied while the VM runs, then, round after round, the pages dirtied during the previous
 * round; when what is left can be sent within the downtime limit, the VM is stopped, the rest and the
 * device state are copied (the downtime), and the VM resumes at the destination. If the dirty rate
 * keeps up with the bandwidth, the rounds never shrink enough: after `maxRounds` the VM is stopped
 * anyway and the downtime is whatever is left.
 */

/** Parameters of a pre-copy migration. */
export interface PreCopyParams {
  readonly memoryBytes: number;
  /** Bytes of memory the guest dirties per second. */
  readonly dirtyBytesPerSecond: number;
  /** Migration stream rate, bytes per second (QEMU max-bandwidth default 128 MiB/s). */
  readonly bandwidthBytesPerSecond: number;
  /** Target maximum downtime, ns (QEMU downtime-limit default 300 ms). */
  readonly downtimeLimit: number;
  /** Give up iterating after this many rounds (default 30). */
  readonly maxRounds?: number;
  /** Fixed cost of the switchover (device state, activation), ns (default 0). */
  readonly switchoverTime?: number;
}

/** QEMU defaults (migration/options.c): downtime-limit 300 ms, max-bandwidth 128 MiB/s. */
export const QEMU_DOWNTIME_LIMIT = 300e6;
export const QEMU_MAX_BANDWIDTH = 128 * 2 ** 20;

/** The resulting schedule. */
export interface PreCopyPlan {
  /** Duration of each copy round while the VM runs, ns. */
  readonly rounds: readonly number[];
  /** Time from the start until the VM is stopped, ns. */
  readonly precopyTime: number;
  /** Stop-and-copy downtime, ns. */
  readonly downtime: number;
  /** precopyTime + downtime. */
  readonly totalTime: number;
  /** Whether the remaining dirty data fitted the downtime limit. */
  readonly converged: boolean;
}

/** Computes the rounds, the downtime and the total time (all whole nanoseconds). */
export function preCopyPlan(p: PreCopyParams): PreCopyPlan {
  if (!(p.memoryBytes > 0) || !(p.bandwidthBytesPerSecond > 0) || !(p.dirtyBytesPerSecond >= 0) || !(p.downtimeLimit >= 0)) {
    throw new RangeError('pre-copy needs positive memory and bandwidth, and non-negative dirty rate and downtime limit');
  }
  const maxRounds = p.maxRounds ?? 30;
  const seconds = (bytes: number): number => bytes / p.bandwidthBytesPerSecond;
  const rounds: number[] = [];
  let toSend = p.memoryBytes;
  let converged = false;
  for (let i = 0; i < maxRounds; i++) {
    const t = seconds(toSend);
    rounds.push(Math.round(t * 1e9));
    // Pages dirtied while this round was being sent (never more than the whole memory).
    toSend = Math.min(p.memoryBytes, p.dirtyBytesPerSecond * t);
    if (seconds(toSend) * 1e9 <= p.downtimeLimit) {
      converged = true;
      break;
    }
  }
  const downtime = Math.round(seconds(toSend) * 1e9) + (p.switchoverTime ?? 0);
  const precopyTime = rounds.reduce((a, b) => a + b, 0);
  return { rounds, precopyTime, downtime, totalTime: precopyTime + downtime, converged };
}
