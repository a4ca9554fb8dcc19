/**
 * Quantities with units, as a scenario file writes them, parsed to the numbers the model uses:
 *
 * - durations to integer nanoseconds: `"300s"`, `"1.5ms"`, `"250us"` (or `µs`), `"100ns"`, `"2min"`,
 *   `"4h"`, or a plain number (or numeric text) of seconds;
 * - bit rates to bits per second: `"10Gbps"`, `"100Mbps"`, `"1.5kbps"` (also `Gbit/s`), or a plain
 *   number of bits per second; decimal prefixes (k = 1000);
 * - packet rates to packets per second: `"100pps"`, `"1.5kpps"`, or a plain number;
 * - sizes to whole bytes: `"1500B"`, `"64KB"` / `"64kB"` (1000), `"1MiB"` (1024²), or a plain number;
 * - byte rates to whole bytes per second: a size per second, `"128MiB/s"`, `"1.25GB/s"`, or a plain
 *   number of bytes per second (a bit rate such as `"10Gbps"` is refused, with its value in bytes per
 *   second as the suggestion, since migration and memory figures are in bytes).
 *
 * Arithmetic is decimal and exact (BigInt), so `"0.1s"` is exactly 100000000 ns and `"1.1Gbps"` exactly
 * 1100000000 bit/s; a duration finer than a nanosecond or a size that is not a whole number of bytes is
 * refused rather than rounded, since silently rounding a setting hides a typo. The parsers never throw:
 * they return what was expected (and a suggested spelling of the unit) so that the schema can report
 * the problem where it is in the file.
 */

/** A parsed quantity, or what was expected instead. */
export type QuantityResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly expected: string; readonly suggestion?: string };

/** What a duration looks like, for messages and help text. */
export const DURATION_EXPECTED = 'a duration such as "300s", "1.5ms", "250us", "100ns", "2min", "4h", or a number of seconds';
/** What a bit rate looks like. */
export const BIT_RATE_EXPECTED = 'a bit rate such as "10Gbps", "100Mbps", "1.5kbps", or a number of bits per second';
/** What a packet rate looks like. */
export const PACKET_RATE_EXPECTED = 'a packet rate such as "100pps", "1.5kpps", or a number of packets per second';
/** What a size looks like. */
export const SIZE_EXPECTED = 'a size such as "1500B", "64KB", "1MiB", or a number of bytes';
/** What a byte rate looks like. */
export const BYTE_RATE_EXPECTED = 'a byte rate such as "128MiB/s", "1.25GB/s", or a number of bytes per second';

/** JSON Schema patterns for editors (the parsers below are the authority). */
export const DURATION_PATTERN = '^[0-9.eE+-]+\\s*(ns|us|µs|ms|s|min|h)?$';
export const BIT_RATE_PATTERN = '^[0-9.eE+-]+\\s*([kKmMgGtT]?(bps|bit/s))?$';
export const PACKET_RATE_PATTERN = '^[0-9.eE+-]+\\s*([kKmM]?pps)?$';
export const SIZE_PATTERN = '^[0-9.eE+-]+\\s*(B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$';
export const BYTE_RATE_PATTERN = '^[0-9.eE+-]+\\s*((B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB)/s)?$';

const QUANTITY = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(\S*)$/;

const DURATION_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n],
  ['μs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['min', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const RATE_PREFIXES: ReadonlyMap<string, bigint> = new Map([
  ['', 1n],
  ['k', 1_000n],
  ['m', 1_000_000n],
  ['g', 1_000_000_000n],
  ['t', 1_000_000_000_000n],
]);

const SIZE_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['B', 1n],
  ['kB', 1_000n],
  ['KB', 1_000n],
  ['MB', 1_000_000n],
  ['GB', 1_000_000_000n],
  ['TB', 1_000_000_000_000n],
  ['KiB', 1n << 10n],
  ['MiB', 1n << 20n],
  ['GiB', 1n << 30n],
  ['TiB', 1n << 40n],
]);

interface Quantity {
  readonly negative: boolean;
  readonly number: string;
  readonly unit: string;
}

function splitQuantity(input: unknown): Quantity | undefined {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return undefined;
  }
  const m = QUANTITY.exec(text);
  if (m === null) return undefined;
  return { negative: m[1] === '-', number: m[2]!, unit: m[3]! };
}

/** `number` (unsigned decimal text) × `factor`, exactly, rounded to the nearest integer; `exact` when nothing was rounded. */
function scale(number: string, factor: bigint): { value: bigint; exact: boolean } | undefined {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(number);
  if (m === null) return undefined;
  const fraction = m[2] ?? '';
  const digits = `${m[1] ?? ''}${fraction}` || '0';
  const exponent = Number(m[3] ?? '0') - fraction.length;
  // Far beyond any safe value either way; keeps BigInt powers small.
  if (exponent > 40) return /^0*$/.test(digits) ? { value: 0n, exact: true } : { value: 1n << 64n, exact: true };
  if (exponent < -60) return { value: 0n, exact: /^0*$/.test(digits) };
  let value = BigInt(digits) * factor;
  if (exponent >= 0) return { value: value * 10n ** BigInt(exponent), exact: true };
  const divisor = 10n ** BigInt(-exponent);
  const remainder = value % divisor;
  value /= divisor;
  if (2n * remainder >= divisor) value += 1n;
  return { value, exact: remainder === 0n };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function unitSuggestion(q: Quantity, units: Iterable<string>, pick: (unit: string) => string | undefined): string | undefined {
  const unit = pick(q.unit);
  return unit === undefined ? undefined : `${q.negative ? '-' : ''}${q.number}${unit}`;
}

function closestUnit(unit: string, units: Iterable<string>): string | undefined {
  const lower = unit.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const u of units) {
    const l = u.toLowerCase();
    // Same letters in another case, a unit spelt out, or one letter off.
    const score = l === lower ? 0 : lower.startsWith(l) && l.length >= 1 ? 1 : Math.abs(l.length - lower.length) + (l[0] === lower[0] ? 1 : 3);
    if (score < bestScore) {
      best = u;
      bestScore = score;
    }
  }
  return bestScore <= 2 ? best : undefined;
}

/**
 * Parses a duration to integer nanoseconds. Refuses negative values, values finer than 1 ns and values
 * beyond 2^53 - 1 ns (about 104 days).
 */
export function parseDuration(input: unknown): QuantityResult {
  const q = splitQuantity(input);
  if (q === undefined) return { ok: false, expected: DURATION_EXPECTED };
  const unit = q.unit === '' ? 's' : q.unit;
  const factor = DURATION_UNITS.get(unit);
  if (factor === undefined) {
    if (q.unit === 'm') return { ok: false, expected: `${DURATION_EXPECTED} ("m" is ambiguous: write "min" for minutes or "ms" for milliseconds)` };
    const suggestion = unitSuggestion(q, DURATION_UNITS.keys(), (u) => closestUnit(u, ['ns', 'us', 'ms', 's', 'min', 'h']));
    return suggestion === undefined ? { ok: false, expected: DURATION_EXPECTED } : { ok: false, expected: DURATION_EXPECTED, suggestion };
  }
  if (q.negative && !/^[0.]*(?:[eE].*)?$/.test(q.number)) return { ok: false, expected: 'a duration that is not negative' };
  const r = scale(q.number, factor);
  if (r === undefined) return { ok: false, expected: DURATION_EXPECTED };
  if (!r.exact) return { ok: false, expected: 'a duration in whole nanoseconds (time is an integer number of nanoseconds)' };
  if (r.value > MAX_SAFE) return { ok: false, expected: 'a duration of at most 2^53 - 1 ns (about 104 days)' };
  return { ok: true, value: Number(r.value) };
}

function parseRate(input: unknown, kind: 'bit' | 'packet'): QuantityResult {
  const expected = kind === 'bit' ? BIT_RATE_EXPECTED : PACKET_RATE_EXPECTED;
  const q = splitQuantity(input);
  if (q === undefined) return { ok: false, expected };
  let factor: bigint | undefined;
  if (q.unit === '') {
    factor = 1n;
  } else {
    const m = kind === 'bit' ? /^([kmgt]?)(bps|bit\/s|b\/s)$/i.exec(q.unit) : /^([kmgt]?)pps$/i.exec(q.unit);
    if (m !== null) factor = RATE_PREFIXES.get(m[1]!.toLowerCase());
  }
  if (factor === undefined) {
    const units = kind === 'bit' ? ['bps', 'kbps', 'Mbps', 'Gbps', 'Tbps'] : ['pps', 'kpps', 'Mpps'];
    const suggestion = unitSuggestion(q, units, (u) => closestUnit(u, units));
    return suggestion === undefined ? { ok: false, expected } : { ok: false, expected, suggestion };
  }
  const r = scale(q.number, factor);
  if (r === undefined) return { ok: false, expected };
  const value = r.exact ? Number(r.value) : Number(q.number) * Number(factor);
  if (q.negative || value <= 0 || !Number.isFinite(value)) return { ok: false, expected: `a ${kind} rate greater than 0` };
  if (r.value > MAX_SAFE) return { ok: false, expected: `a ${kind} rate of at most 2^53 - 1 per second` };
  return { ok: true, value };
}

/** Parses a bit rate to bits per second (> 0; may have a fraction, e.g. `"0.5bps"`). */
export function parseBitRate(input: unknown): QuantityResult {
  return parseRate(input, 'bit');
}

/** Parses a packet rate to packets per second (> 0; `"0.5pps"` is one packet every 2 s). */
export function parsePacketRate(input: unknown): QuantityResult {
  return parseRate(input, 'packet');
}

/** Parses a size to a whole number of bytes (≥ 0). Units are case-sensitive: `b` would be bits. */
export function parseSize(input: unknown): QuantityResult {
  const q = splitQuantity(input);
  if (q === undefined) return { ok: false, expected: SIZE_EXPECTED };
  const factor = q.unit === '' ? 1n : SIZE_UNITS.get(q.unit);
  if (factor === undefined) {
    const suggestion = unitSuggestion(q, SIZE_UNITS.keys(), (u) => closestUnit(u, SIZE_UNITS.keys()));
    const expected = /b$/.test(q.unit) ? `${SIZE_EXPECTED} (sizes are in bytes, "B"; "b" would be bits)` : SIZE_EXPECTED;
    return suggestion === undefined ? { ok: false, expected } : { ok: false, expected, suggestion };
  }
  const r = scale(q.number, factor);
  if (r === undefined) return { ok: false, expected: SIZE_EXPECTED };
  if (q.negative && r.value !== 0n) return { ok: false, expected: 'a size that is not negative' };
  if (!r.exact) return { ok: false, expected: 'a whole number of bytes' };
  if (r.value > MAX_SAFE) return { ok: false, expected: 'a size of at most 2^53 - 1 bytes' };
  return { ok: true, value: Number(r.value) };
}

/** Bytes per second in the largest decimal unit that keeps it exact to three decimals (`1.25e9` → `"1.25GB/s"`). */
function formatByteRate(bytes: number): string {
  for (const [unit, size] of [['TB', 1e12], ['GB', 1e9], ['MB', 1e6], ['kB', 1e3]] as const) {
    if (bytes >= size && Number.isInteger((bytes * 1000) / size)) return `${Number((bytes / size).toFixed(3))}${unit}/s`;
  }
  return `${bytes}B/s`;
}

/**
 * Parses a byte rate to whole bytes per second (≥ 0): a size followed by `/s`, or a plain number. A
 * size without `/s` gets the rate as its suggestion; a bit rate gets its value in bytes per second.
 */
export function parseByteRate(input: unknown): QuantityResult {
  const q = splitQuantity(input);
  if (q === undefined) return { ok: false, expected: BYTE_RATE_EXPECTED };
  const sizeUnit = q.unit === '' ? '' : q.unit.endsWith('/s') ? q.unit.slice(0, -2) : undefined;
  if (sizeUnit !== undefined && (sizeUnit === '' || SIZE_UNITS.has(sizeUnit))) {
    const r = parseSize(`${q.negative ? '-' : ''}${q.number}${sizeUnit}`);
    if (r.ok) return r;
    return { ok: false, expected: r.expected === SIZE_EXPECTED ? BYTE_RATE_EXPECTED : r.expected.replace(/^a size/, 'a byte rate').replace(/bytes$/, 'bytes per second') };
  }
  const bits = parseBitRate(input);
  if (bits.ok && q.unit !== '') {
    const bytes = bits.value / 8;
    const expected = `${BYTE_RATE_EXPECTED} (bytes, not bits: ${String(input).trim()} is ${formatByteRate(bytes)})`;
    return Number.isInteger(bytes) ? { ok: false, expected, suggestion: formatByteRate(bytes) } : { ok: false, expected };
  }
  if (parseSize(input).ok) return { ok: false, expected: `${BYTE_RATE_EXPECTED} (a size per second)`, suggestion: `${q.negative ? '-' : ''}${q.number}${q.unit}/s` };
  const unit = sizeUnit === undefined ? undefined : closestUnit(sizeUnit, SIZE_UNITS.keys());
  return unit === undefined ? { ok: false, expected: BYTE_RATE_EXPECTED } : { ok: false, expected: BYTE_RATE_EXPECTED, suggestion: `${q.negative ? '-' : ''}${q.number}${unit}/s` };
}

const DURATION_FORMATS: readonly (readonly [string, number])[] = [
  ['h', 3_600e9],
  ['min', 60e9],
  ['s', 1e9],
  ['ms', 1e6],
  ['us', 1e3],
];

/**
 * Formats integer nanoseconds in the largest unit that keeps the value exact with at most three
 * decimals (`300000000000` → `"300s"`, `1500000` → `"1.5ms"`, `7` → `"7ns"`), as a scenario file
 * would write it; for messages.
 */
export function formatDuration(ns: number): string {
  if (!Number.isSafeInteger(ns)) return `${ns}ns`;
  if (ns === 0) return '0s';
  for (const [unit, size] of DURATION_FORMATS) {
    if (Math.abs(ns) >= size && (ns * 1000) % size === 0 && Number.isSafeInteger(ns * 1000)) {
      return `${Number((ns / size).toFixed(3))}${unit}`;
    }
  }
  return `${ns}ns`;
}

/** Formats bits per second with the largest decimal prefix that keeps it exact (`1e10` → `"10Gbps"`). */
export function formatBitRate(bps: number): string {
  for (const [prefix, size] of [['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    if (bps >= size && Number.isInteger((bps * 1000) / size)) return `${Number((bps / size).toFixed(3))}${prefix}bps`;
  }
  return `${bps}bps`;
}
