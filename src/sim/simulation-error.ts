/**
 * The error a run ends with when an event handler throws: it says when (formatted time), where (node)
 * and what (event kind), and keeps the original error as `cause`. The kernel never swallows a
 * handler's failure (SimPy's rule).
 */
import { formatTime } from './time.js';

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** A handler failure, located in simulated time, node and event kind. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
  /** Simulated time of the failing event (ns). */
  readonly time: number;
  /** Node id of the failing event. */
  readonly node: string;
  /** Kind of the failing event. */
  readonly kind: string;

  constructor(time: number, node: string, kind: string, cause: unknown) {
    super(`event '${kind}' on node '${node}' at ${formatTime(time)} threw ${describe(cause)}`, { cause });
    this.time = time;
    this.node = node;
    this.kind = kind;
  }
}
