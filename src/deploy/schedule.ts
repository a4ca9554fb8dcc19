/**
 * When announcements go out. QEMU's announce-self schedule (qemu net/announce.c,
 * `qemu_announce_timer_step`: round 1 at once, then each gap initial + (rounds − remaining − 1) × step,
 * capped at max; defaults announce-initial 50 ms, announce-max 550 ms, announce-rounds 5,
 * announce-step 100 ms in migration/options.c, so sends at 0, 50, 200, 450, 800 ms), or a custom one:
 * `count` sends, `interval` apart, each gap lengthened by a uniformly random share of `jitter` (as RFC
 * 5227 §2.1.1 spreads its probes) so that many hosts announcing at once do not stay in step.
 */
import { randomInt } from 'node:crypto';
import { QEMU_ANNOUNCE, qemuAnnounceTimes } from '../migration/index.js';

/** QEMU's announce parameters, in milliseconds. */
export interface QemuTiming {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly rounds: number;
  readonly stepMs: number;
}

/** QEMU's defaults (migration/options.c): 50 ms, 550 ms, 5 rounds, 100 ms. */
export const QEMU_TIMING: QemuTiming = {
  initialMs: QEMU_ANNOUNCE.initial / 1e6,
  maxMs: QEMU_ANNOUNCE.max / 1e6,
  rounds: QEMU_ANNOUNCE.rounds,
  stepMs: QEMU_ANNOUNCE.step / 1e6,
};

/** A custom schedule. */
export interface CustomTiming {
  readonly count: number;
  readonly intervalMs: number;
  /** Each gap is interval + a uniformly random value in [0, jitter]. */
  readonly jitterMs: number;
}

/** Send times of QEMU's schedule, in ms after the first (the same function the simulator uses). */
export function qemuTimesMs(t: QemuTiming): number[] {
  return qemuAnnounceTimes(t.initialMs * 1e6, t.maxMs * 1e6, t.rounds, t.stepMs * 1e6).map((ns) => ns / 1e6);
}

/** Send times of a custom schedule, in ms after the first; `random(n)` gives an integer in [0, n). */
export function customTimesMs(t: CustomTiming, random: (n: number) => number = (n) => randomInt(n)): number[] {
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < t.count; i++) {
    times.push(at);
    const jitter = t.jitterMs > 0 ? random(Math.round(t.jitterMs * 1000) + 1) / 1000 : 0;
    at += t.intervalMs + jitter;
  }
  return times;
}
