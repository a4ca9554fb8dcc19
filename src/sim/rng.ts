/**
 * The seeded, splittable random-number generator of a simulation.
 *
 * The core is xoshiro128** 1.1 (Blackman and Vigna, https://prng.di.unimi.it/), written with 32-bit
 * `Math.imul` arithmetic, so a seed gives the same numbers on every machine. Each generator has an
 * immutable 128-bit *key*; its state starts at the key and moves as numbers are drawn.
 * `stream(name)` derives a child's key from the parent's key and the name alone (MurmurHash3 x86_128
 * of the key bytes and the UTF-8 name), never from how many numbers were drawn or how many streams
 * were made before: adding a component, or drawing more in one, never shifts another component's
 * draws. ns-3 numbers its streams by order of first use, which makes results change when a model
 * gains a random variable (ns-3 manual, "Random Variables", on stream numbers); naming streams by a
 * stable id (node, link, purpose) avoids that.
 *
 * Floating-point results use only IEEE-exact operations plus `Math.log` (exponential, normal), which
 * V8 computes with its own port of fdlibm on every platform.
 */
import { murmurHash3x86128 } from './murmur-hash.js';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const ROOT_DOMAIN = 'arpshift.rng.root\u0000';
const STREAM_SEED = 0x5354524d; // 'STRM': separates stream derivation from root derivation
const ENCODER = new TextEncoder();

/** A seed: a safe integer or bigint (the same integer gives the same generator either way), or a string. */
export type Seed = number | bigint | string;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A seeded xoshiro128** generator with named child streams; not thread-shared, not cryptographic. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The key; null until a child stream's is first needed (derived from `parent` and `name`). */
  private key: readonly [number, number, number, number] | null = null;
  private readonly parent: Rng | null;
  private readonly name: string;

  private constructor(key: readonly [number, number, number, number] | null, parent: Rng | null = null, name = '') {
    this.parent = parent;
    this.name = name;
    if (key !== null) this.setKey(key);
  }

  private setKey(key: readonly [number, number, number, number]): void {
    // xoshiro's state must not be all zero; a hashed key is all zero with probability 2^-128.
    this.key = key[0] === 0 && key[1] === 0 && key[2] === 0 && key[3] === 0 ? [1, 0, 0, 0] : key;
    this.s0 = this.key[0] | 0;
    this.s1 = this.key[1] | 0;
    this.s2 = this.key[2] | 0;
    this.s3 = this.key[3] | 0;
  }

  /**
   * This generator's key, derived on first need: a model makes a stream for every host and link, and
   * most of them never draw (a link without loss), so the hashing waits until something does.
   */
  private keyWords(): readonly [number, number, number, number] {
    if (this.key !== null) return this.key;
    const parentKey = this.parent!.keyWords();
    const nameBytes = ENCODER.encode(this.name);
    const bytes = new Uint8Array(16 + nameBytes.length);
    for (let i = 0; i < 4; i++) {
      const k = parentKey[i]!;
      bytes[i * 4] = k & 0xff;
      bytes[i * 4 + 1] = (k >>> 8) & 0xff;
      bytes[i * 4 + 2] = (k >>> 16) & 0xff;
      bytes[i * 4 + 3] = k >>> 24;
    }
    bytes.set(nameBytes, 16);
    this.setKey(murmurHash3x86128(bytes, STREAM_SEED));
    return this.key!;
  }

  /**
   * The root generator for a seed. Integers (numbers or bigints) and strings live in separate seed
   * spaces (`42` and `42n` are the same seed, `'42'` is another). Throws `RangeError` for a number
   * that is not a safe integer.
   */
  static fromSeed(seed: Seed): Rng {
    let canonical: string;
    if (typeof seed === 'string') canonical = `str:${seed}`;
    else if (typeof seed === 'bigint') canonical = `int:${seed.toString()}`;
    else {
      if (!Number.isSafeInteger(seed)) throw new RangeError(`rng: seed must be a safe integer, a bigint or a string, got ${seed}`);
      canonical = `int:${seed === 0 ? 0 : seed}`;
    }
    return new Rng(murmurHash3x86128(ENCODER.encode(ROOT_DOMAIN + canonical), 0));
  }

  /**
   * A generator whose key and starting state are exactly these four 32-bit words (the reference
   * implementation's `s[0..3]`): for known-answer tests. All-zero state is replaced by `[1, 0, 0, 0]`.
   */
  static fromState(state: readonly [number, number, number, number]): Rng {
    return new Rng([state[0] >>> 0, state[1] >>> 0, state[2] >>> 0, state[3] >>> 0]);
  }

  /**
   * The child stream `name`: a function of this generator's key and `name` only, so it is the same
   * whatever was drawn from this generator or which streams were made before. `a.stream('x').stream('y')`
   * is a grandchild, distinct from `a.stream('y')`.
   */
  stream(name: string): Rng {
    return new Rng(null, this, name);
  }

  /** The next 32-bit output of xoshiro128** 1.1, as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    if (this.key === null) this.keyWords();
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** A float in [0, 1) with 53 random bits (two draws), every multiple of 2^-53 equally likely. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_53;
  }

  /** A float in [min, max) (just `min` when they are equal). Throws `RangeError` unless both are finite and min <= max. */
  uniform(min: number, max: number): number {
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new RangeError(`rng: uniform(${min}, ${max}) needs finite bounds with min <= max`);
    }
    return min + (max - min) * this.nextFloat();
  }

  /**
   * An integer in [min, max], both inclusive, exactly uniform (rejection sampling, no modulo bias).
   * Throws `RangeError` unless both are safe integers, min <= max, and the range holds at most 2^53 values.
   */
  integer(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new RangeError(`rng: integer(${min}, ${max}) needs safe integers with min <= max`);
    }
    const range = max - min + 1;
    if (!(range <= TWO_53)) throw new RangeError(`rng: integer(${min}, ${max}) spans more than 2^53 values`);
    if (range <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % range); // largest multiple of range that fits: accept below it
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return min + (x % range);
      }
    }
    const limit = TWO_53 - (TWO_53 % range);
    for (;;) {
      const x = (this.nextUint32() >>> 11) * TWO_32 + this.nextUint32();
      if (x < limit) return min + (x % range);
    }
  }

  /** True with probability `p` (exactly never for 0, always for 1). Throws `RangeError` unless 0 <= p <= 1. */
  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`rng: bernoulli(${p}) needs 0 <= p <= 1`);
    return this.nextFloat() < p;
  }

  /** An exponentially distributed value with the given mean (inversion). Throws `RangeError` unless mean > 0 and finite. */
  exponential(mean: number): number {
    if (!(mean > 0) || !Number.isFinite(mean)) throw new RangeError(`rng: exponential(${mean}) needs a finite mean > 0`);
    return -mean * Math.log(1 - this.nextFloat());
  }

  /**
   * A normally distributed value (Marsaglia's polar method; the second value of each pair is
   * dropped, so the generator carries no hidden spare). Throws `RangeError` unless mean is finite and sd >= 0 is finite.
   */
  normal(mean: number, sd: number): number {
    if (!Number.isFinite(mean) || !Number.isFinite(sd) || sd < 0) {
      throw new RangeError(`rng: normal(${mean}, ${sd}) needs a finite mean and a finite sd >= 0`);
    }
    for (;;) {
      const u = 2 * this.nextFloat() - 1;
      const v = 2 * this.nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return mean + sd * u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /** One element, each with equal probability. Throws `RangeError` for an empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('rng: pick() from an empty list');
    return items[this.integer(0, items.length - 1)]!;
  }

  /** Shuffles `items` in place (Fisher-Yates, every permutation equally likely) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(0, i);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
