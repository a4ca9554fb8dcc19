/**
 * The simulation layer: the event kernel (integer-nanosecond clock, event queue), event sites (the
 * cheapest way to post fire-and-forget events), reusable timers, the seeded splittable random-number
 * generator and the typed trace bus. Knows no protocol, and imports nothing from the other folders of
 * src/.
 */
export type { EventState } from './event-handle.js';
export { EventHandle } from './event-handle.js';
export { EventSite } from './event-site.js';
export type { KernelCounters, KernelOptions, RunOptions, RunReason, RunResult } from './kernel.js';
export { Kernel } from './kernel.js';
export type { Seed } from './rng.js';
export { Rng } from './rng.js';
export { DOUBLE_ZERO } from './representation.js';
export { SimulationError } from './simulation-error.js';
export {
  MICROSECOND,
  MILLISECOND,
  NANOSECOND,
  SECOND,
  formatTime,
  microseconds,
  milliseconds,
  seconds,
  toSeconds,
} from './time.js';
export { Timer } from './timer.js';
export type { GrowableArray } from './typed-arrays.js';
export { resized } from './typed-arrays.js';
export type { TraceEvent, TraceEventMap, TraceListenOptions, TraceListener, TraceType } from './trace.js';
export { TraceBus, TraceChannel } from './trace.js';
