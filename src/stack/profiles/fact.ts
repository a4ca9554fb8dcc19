/**
 * A fact of an implementation profile: a value with the source it was taken from. A fact we could not
 * confirm in a primary source says so (`verified: false`), as the reference notes do.
 */

/** One profile value and where it comes from. */
export interface Fact<T> {
  readonly value: T;
  /** Where the value comes from: an RFC section, a source file, a measurement. */
  readonly source: string;
  /** False when no primary source confirmed it. */
  readonly verified: boolean;
}

/** A confirmed fact. */
export function fact<T>(value: T, source: string): Fact<T> {
  return { value, source, verified: true };
}

/** A fact no primary source confirmed. */
export function unverified<T>(value: T, source: string): Fact<T> {
  return { value, source, verified: false };
}

/** The same fact with another value, keeping a note of where the override came from. */
export function overridden<T>(original: Fact<T>, value: T, by: string): Fact<T> {
  return { value, source: `${by} (default ${JSON.stringify(original.value)}: ${original.source})`, verified: original.verified };
}
