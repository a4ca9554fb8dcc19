/**
 * One run of a built model, driven in steps: the built-in observers (metrics) and the caller's own are
 * attached before the first event; the kernel runs to the scenario's duration in slices the caller
 * chooses (by simulated time and by event count, so a caller can report progress and stop between
 * slices); at the end the observers are told, and the run's {@link RunResult} is collected.
 */
import { RunMetrics, SeriesRecorder } from '../metrics/index.js';
import type { Model } from '../scenario/index.js';
import type { BufferedSink } from '../wire/index.js';
import type { Capture } from './capture.js';
import { attachCapture } from './capture.js';
import type { RunResult } from './result.js';

/**
 * An observer a caller attaches to a run (a time series for a report, say). It subscribes to
 * `model.kernel.trace` when it is made and only observes: it schedules no events and changes nothing.
 */
export interface RunObserver {
  /** Called once the run is over, with the model in its final state (the clock at the duration). */
  finish?(model: Model): void;
}

/** Options of a {@link ModelRun}. */
export interface ModelRunOptions {
  /** Writes what a capture at the scenario's `output.pcap` node would hold into this sink (left open). */
  readonly capture?: BufferedSink;
  /** Made right after the built-in observers, before the first event. */
  readonly observers?: (model: Model) => readonly RunObserver[];
  /** Also record the run's time series (the result's `series`, for the HTML report). */
  readonly series?: boolean;
}

/** Limits of one slice of {@link ModelRun.advance}. */
export interface Slice {
  /** Run events up to this simulated time (ns; capped at the duration). */
  readonly until?: number;
  /** Run at most this many events. */
  readonly maxEvents?: number;
}

/** See the module comment. */
export class ModelRun {
  readonly model: Model;
  readonly name: string;
  private readonly metrics: RunMetrics;
  private readonly capture: Capture | null;
  private readonly observers: readonly RunObserver[];
  private readonly series: SeriesRecorder | null;
  private result: RunResult | null = null;

  /** Attaches the observers (and the capture) to `model`, which must not have run yet. */
  constructor(model: Model, name: string, options: ModelRunOptions = {}) {
    this.model = model;
    this.name = name;
    this.capture = options.capture === undefined ? null : attachCapture(model, model.scenario.output.pcap, options.capture);
    this.metrics = new RunMetrics(model);
    this.series = options.series === true ? new SeriesRecorder(model) : null;
    this.observers = options.observers?.(model) ?? [];
  }

  /** The simulated time reached (ns). */
  get now(): number {
    return this.model.kernel.now;
  }

  /** The simulated time the run ends at (ns). */
  get duration(): number {
    return this.model.scenario.duration;
  }

  /** True once the clock has reached the duration. */
  get done(): boolean {
    return this.model.kernel.now >= this.duration;
  }

  /** Kernel events executed so far. */
  get events(): number {
    return this.model.kernel.counters.executed;
  }

  /**
   * Runs one slice: events up to `slice.until` (at most the duration; the clock then stands there) or
   * `slice.maxEvents` events, whichever comes first. Returns the number of events run. Slicing never
   * changes what happens: the same model run in any slices gives the same result.
   */
  advance(slice: Slice = {}): number {
    const until = Math.min(this.duration, slice.until ?? this.duration);
    if (this.model.kernel.now >= until) return 0;
    return this.model.kernel.run(slice.maxEvents === undefined ? { until } : { until, maxEvents: slice.maxEvents }).executed;
  }

  /** Runs to the end if needed, tells the observers, and returns the result (the same object every time). */
  finish(): RunResult {
    if (this.result !== null) return this.result;
    while (!this.done) this.advance();
    this.capture?.flush();
    const measures = this.metrics.finish(this.model.kernel.now);
    for (const o of this.observers) o.finish?.(this.model);
    this.result = this.series === null ? { name: this.name, ...measures } : { name: this.name, ...measures, series: this.series.finish(this.model.kernel.now) };
    return this.result;
  }
}
