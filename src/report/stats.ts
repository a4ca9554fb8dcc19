/**
 * Descriptive statistics of a sample (one metric of one sweep point over its seeds): mean, median,
 * 95th percentile, sample standard deviation, and a 95 % confidence interval of the mean from
 * Student's t distribution with n − 1 degrees of freedom (the seeds are independent replications,
 * as ns-3's RngRun numbers them; the interval assumes the mean is roughly normal, which holds for
 * many seeds or for metrics that are themselves roughly normal).
 *
 * Quantiles interpolate linearly between order statistics (Hyndman and Fan's definition 7, the
 * default of R's `quantile` and NumPy's `percentile`). The t quantile is computed, not tabulated:
 * the t distribution's CDF through the regularized incomplete beta function (Abramowitz and Stegun
 * 26.7.1 with 26.5.8; the continued fraction evaluated by the modified Lentz method), inverted by
 * bisection. Sums run in the order given, so the same sample in the same order gives the same bits.
 */

/** What {@link describe} computes for one sample. Null where the sample is too small. */
export interface SampleStats {
  /** How many values. */
  readonly n: number;
  readonly mean: number;
  readonly median: number;
  /** The 95th percentile (definition 7). */
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation (n − 1 in the denominator); null for one value. */
  readonly sd: number | null;
  /** The 95 % confidence interval of the mean (Student t, n − 1 degrees of freedom); null for one value. */
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
}

/** The arithmetic mean, summed in the order given. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of no values');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The `p` quantile (0 ≤ p ≤ 1) of `values`, interpolating between order statistics (definition 7). */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The sample standard deviation (n − 1 in the denominator); null for fewer than two values. */
export function sampleSd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, nine coefficients; relative error below 1e-15). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (A&S 26.5.8), by the modified Lentz method. */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    f *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return f;
}

/** The regularized incomplete beta function I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t distribution with `df` degrees of freedom (A&S 26.7.1). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be positive, got ${df}`);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile of Student's t distribution with `df` degrees of freedom (0 < p < 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const T_CACHE = new Map<number, number>();

/** t_{0.975, df}, the multiplier of a two-sided 95 % interval (cached: sweeps ask for a few df often). */
export function t975(df: number): number {
  let t = T_CACHE.get(df);
  if (t === undefined) T_CACHE.set(df, (t = studentTQuantile(0.975, df)));
  return t;
}

/** Every statistic of {@link SampleStats} for `values` (at least one). */
export function describe(values: readonly number[]): SampleStats {
  const n = values.length;
  const m = mean(values);
  const sd = sampleSd(values);
  const half = sd === null ? null : (t975(n - 1) * sd) / Math.sqrt(n);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    n,
    mean: m,
    median: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    min,
    max,
    sd,
    ciLow: half === null ? null : m - half,
    ciHigh: half === null ? null : m + half,
  };
}
