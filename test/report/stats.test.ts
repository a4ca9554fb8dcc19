/**
 * The statistics of sweep summaries against published values: Student t critical values from the
 * NIST/SEMATECH e-Handbook of Statistical Methods (table 1.3.6.7.2, "Critical values of the Student's t
 * distribution", three decimals), quantiles by Hyndman and Fan's definition 7 on a sample whose order
 * statistics give them by hand, and the interval of a sample computed from its definition.
 */
import { describe as group, expect, it } from 'vitest';
import { describe, quantile, sampleSd, studentTCdf, studentTQuantile } from '../../src/report/index.js';

group('Student t', () => {
  // df → t(0.975), t(0.95), from the NIST table.
  const TABLE: readonly [number, number, number][] = [
    [1, 12.706, 6.314], [2, 4.303, 2.920], [3, 3.182, 2.353], [4, 2.776, 2.132], [5, 2.571, 2.015],
    [9, 2.262, 1.833], [10, 2.228, 1.812], [19, 2.093, 1.729], [29, 2.045, 1.699], [30, 2.042, 1.697], [100, 1.984, 1.660],
  ];
  it.each(TABLE)('df %d: t(0.975) and t(0.95) as tabulated', (df, t975, t95) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t975, 3);
    expect(studentTQuantile(0.95, df)).toBeCloseTo(t95, 3);
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-t975, 3);
  });
  it('tends to the normal distribution: t(0.975, 10⁶) = 1.960', () => {
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.95996, 4);
  });
  it('has the Cauchy distribution\'s CDF at df 1 (1/2 + atan(t)/π)', () => {
    for (const t of [-3, -0.5, 0, 0.7, 5]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
  });
});

group('sample statistics', () => {
  it('quantiles interpolate between order statistics (definition 7)', () => {
    const x = [7, 1, 5, 3, 9];
    expect(quantile(x, 0.5)).toBe(5);
    // h = (5 − 1) × 0.95 = 3.8: x(4) + 0.8 × (x(5) − x(4)) = 7 + 0.8 × 2.
    expect(quantile(x, 0.95)).toBeCloseTo(8.6, 12);
    expect(quantile(x, 0)).toBe(1);
    expect(quantile(x, 1)).toBe(9);
    expect(quantile([4, 2], 0.5)).toBe(3);
  });
  it('the 95 % interval is the mean ± t(0.975, n − 1) s / √n', () => {
    const x = [310, 320, 305, 340, 315, 330];
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const s = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
    const d = describe(x);
    expect(d.mean).toBeCloseTo(m, 12);
    expect(d.sd).toBeCloseTo(s, 12);
    expect(sampleSd(x)).toBeCloseTo(s, 12);
    // t(0.975, 5) = 2.571 (NIST).
    expect((d.ciHigh! - d.mean) / (s / Math.sqrt(6))).toBeCloseTo(2.571, 3);
    expect(d.min).toBe(305);
    expect(d.max).toBe(340);
  });
  it('one value has no spread and no interval; identical values a zero-width one', () => {
    expect(describe([42])).toMatchObject({ n: 1, mean: 42, median: 42, p95: 42, sd: null, ciLow: null, ciHigh: null });
    expect(describe([5, 5, 5])).toMatchObject({ sd: 0, ciLow: 5, ciHigh: 5 });
  });
});
