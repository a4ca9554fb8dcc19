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
 * `wants(type)` before building the event object, so tracing costs one map lookup when nobody listens
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

/** Synchronous publish/subscribe for trace events; one per kernel. */
export class TraceBus {
  private readonly byType = new Map<string, AnyListener[]>();
  private any: AnyListener[] = [];

  /**
   * Subscribes to one event type; returns a function that unsubscribes (idempotent). Lists are
   * replaced, not mutated, so subscribing or unsubscribing inside a listener affects the next emit only.
   */
  on<K extends TraceType>(type: K, listener: TraceListener<K>): () => void {
    const entry = listener as unknown as AnyListener;
    this.byType.set(type, [...(this.byType.get(type) ?? []), entry]);
    return () => {
      const list = this.byType.get(type);
      if (list === undefined) return;
      const at = list.indexOf(entry);
      if (at < 0) return;
      const next = list.filter((_, i) => i !== at);
      if (next.length === 0) this.byType.delete(type);
      else this.byType.set(type, next);
    };
  }

  /** Subscribes to every event type (after the type's own listeners); returns an unsubscribe function. */
  onAny(listener: (event: TraceEvent) => void): () => void {
    this.any = [...this.any, listener];
    return () => {
      const at = this.any.indexOf(listener);
      if (at >= 0) this.any = this.any.filter((_, i) => i !== at);
    };
  }

  /** Whether anyone listens to `type`: check this before building an event object. */
  wants(type: TraceType): boolean {
    return this.any.length > 0 || this.byType.has(type);
  }

  /** Delivers `event` to the listeners of its type, then to the any-listeners; a listener's exception propagates. */
  emit(event: TraceEvent): void {
    const list = this.byType.get(event.type);
    if (list !== undefined) for (const listener of list) listener(event);
    const any = this.any;
    for (const listener of any) listener(event);
  }
}
