/**
 * How V8 lays out a number field, for the model's hot objects. A field first given a small integer
 * (up to 2^31 - 1 on a 64-bit node, 2^30 - 1 where V8 compresses pointers) is laid out as one; the
 * first larger or fractional number stored there re-lays it out as a double, which deprecates the
 * shape of every object of that kind and throws away the optimized code that read the field ("field
 * representation generalization", V8's src/objects/map-updater.cc). A time in nanoseconds leaves
 * that range one to two seconds into a run, so fields holding times start as doubles.
 */

/**
 * Zero, as a double: negative zero is no small integer, so a field first given it is laid out as a
 * double from the start. It compares, adds and prints (`String`, `JSON.stringify`) as zero; use it
 * only where a value is compared or added to, never divided by or told apart with `Object.is`.
 */
export const DOUBLE_ZERO = -0;
