/**
 * Typed arrays that grow: the model keeps per-port, per-host and per-node state in arrays indexed by
 * a number it hands out, doubled when full.
 */

/** The typed arrays such state is kept in. */
export type GrowableArray = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** A copy of `a`, of the same kind, with room for `n` elements (at least its own); the new ones are `fill`. */
export function resized<T extends GrowableArray>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}
