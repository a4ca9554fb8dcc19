/**
 * The typed trace bus: how models tell observers (metrics, reports, tests) what happened.
 *
 * Upper layers declare their event types by declaration merging on {@link TraceEventMap}:
 *
 * ```ts
 * declare module '../sim/trace.js' {
 *   interface TraceEventMap { 'frame-delivered': { port: string; bytes: number } }
 * }
 * ```
 *
 * Every emitted event is `{ type, time, node }` plus the declared fields. A producer asks
 * `wants(type)` (or, for a type it emits often, its channel's `active`) before building the event
 * object, so tracing costs one map lookup, or one field read, when nobody listens
 * (the idea of ns-3's trace sources, which cost nothing unconnected; see its manual, "Tracing").
 * Listeners run synchronously in subscription order; the bus never reorders, buffers or drops events.
 */

/** Event types by name; empty here, filled in by upper layers through declaration merging. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
export interface TraceEventMap {}

/** The name of a declared trace event type. */
export type TraceType = keyof TraceEventMap & string;

/** One trace event of type `K` (a union over all types by default), with its time (ns) and node id. */
export type TraceEvent<K extends TraceType = TraceType> = K extends TraceType
  ? { readonly type: K; readonly time: number; readonly node: string } & TraceEventMap[K]
  : never;

/** A listener for events of type `K`. */
export type TraceListener<K extends TraceType = TraceType> = (event: TraceEvent<K>) => void;

type AnyListener = (event: TraceEvent) => void;

/**
 * One event type's subscribers, for producers that emit it often: `active` and `emit` skip the
 * bus's map lookup by type name. Get it once with `TraceBus.channel(type)`; it stays valid as
 * listeners come and go.
 */
export class TraceChannel<K extends TraceType = TraceType> {
  /** @internal The type's listeners; replaced, never mutated, by the bus. */
  listeners: AnyListener[] = [];
  /**
   * @internal The listeners that also want the type's plain events (all but those subscribed with
   * `skipsPlain`), in subscription order; replaced, never mutated, by the bus.
   */
  broad: AnyListener[] = [];
  private readonly bus: TraceBus;

  /** @internal Made by `TraceBus.channel` only. */
  constructor(bus: TraceBus) {
    this.bus = bus;
  }

  /** Whether anyone listens: check this before building an event object. */
  get active(): boolean {
    return this.listeners.length > 0 || this.bus.anyListeners.length > 0;
  }

  /** Delivers `event` like `TraceBus.emit`. */
  emit(event: TraceEvent<K>): void {
    for (const listener of this.listeners) listener(event as TraceEvent);
    for (const listener of this.bus.anyListeners) listener(event as TraceEvent);
  }

  /**
   * Whether the type itself has listeners (`onAny` listeners not counted): for a type that reports
   * in groups what another type reports one by one, which `onAny` listeners get instead.
   */
  get heard(): boolean {
    return this.listeners.length > 0;
  }

  /** Delivers `event` to the type's own listeners only (see {@link heard}). */
  emitOwn(event: TraceEvent<K>): void {
    for (const listener of this.listeners) listener(event as TraceEvent);
  }

  /**
   * Whether a type's own listener wants its plain events (what the producer of the type calls plain,
   * see `TraceListenOptions.skipsPlain`): check this before building a plain event.
   */
  get heardPlain(): boolean {
    return this.broad.length > 0;
  }

  /** Delivers a plain `event` to the type's own listeners that want plain events (see {@link heardPlain}). */
  emitOwnPlain(event: TraceEvent<K>): void {
    for (const listener of this.broad) listener(event as TraceEvent);
  }
}

/** How a listener subscribes (`TraceBus.on`). */
export interface TraceListenOptions {
  /**
   * The listener ignores the type's plain events, and the producer may leave them out: for a type
   * reported with `emitOwn`, the producer says which events are plain (`frames-sent` and
   * `frames-received`: unicast data frames, see net/trace.ts). Default false.
   */
  readonly skipsPlain?: boolean;
}

/** Synchronous publish/subscribe for trace events; one per kernel. */
export class TraceBus {
  private readonly byType = new Map<string, TraceChannel>();
  /** @internal Listeners of every type; replaced, never mutated. */
  anyListeners: AnyListener[] = [];

  /**
   * Subscribes to one event type; returns a function that unsubscribes (idempotent). Lists are
   * replaced, not mutated, so subscribing or unsubscribing inside a listener affects the next emit only.
   */
  on<K extends TraceType>(type: K, listener: TraceListener<K>, options: TraceListenOptions = {}): () => void {
    const entry = listener as unknown as AnyListener;
    const channel = this.channel(type);
    channel.listeners = [...channel.listeners, entry];
    if (options.skipsPlain !== true) channel.broad = [...channel.broad, entry];
    return () => {
      const at = channel.listeners.indexOf(entry);
      if (at >= 0) channel.listeners = channel.listeners.filter((_, i) => i !== at);
      const broadAt = channel.broad.indexOf(entry);
      if (broadAt >= 0 && options.skipsPlain !== true) channel.broad = channel.broad.filter((_, i) => i !== broadAt);
    };
  }

  /** Subscribes to every event type (after the type's own listeners); returns an unsubscribe function. */
  onAny(listener: (event: TraceEvent) => void): () => void {
    this.anyListeners = [...this.anyListeners, listener];
    return () => {
      const at = this.anyListeners.indexOf(listener);
      if (at >= 0) this.anyListeners = this.anyListeners.filter((_, i) => i !== at);
    };
  }

  /** The channel of `type` (the same object every time). */
  channel<K extends TraceType>(type: K): TraceChannel<K> {
    let channel = this.byType.get(type);
    if (channel === undefined) {
      channel = new TraceChannel(this);
      this.byType.set(type, channel);
    }
    return channel as unknown as TraceChannel<K>;
  }

  /** Whether anyone listens to `type`: check this before building an event object. */
  wants(type: TraceType): boolean {
    return this.anyListeners.length > 0 || (this.byType.get(type)?.listeners.length ?? 0) > 0;
  }

  /** Delivers `event` to the listeners of its type, then to the any-listeners; a listener's exception propagates. */
  emit(event: TraceEvent): void {
    const channel = this.byType.get(event.type);
    if (channel !== undefined) for (const listener of channel.listeners) listener(event);
    for (const listener of this.anyListeners) listener(event);
  }
}
