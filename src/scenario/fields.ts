/**
 * Building blocks of the scenario schema, so that every section is written the same way:
 *
 * - {@link section}: a strict object. Unknown fields are refused one by one, each with its own issue
 *   at its own key, carrying the allowed keys of that place (for "did you mean"); the JSON Schema
 *   export turns the marker back into `additionalProperties: false`.
 * - quantities with units ({@link duration}, {@link bitRate}, {@link packetRate}, {@link size},
 *   {@link byteRate}): text or a number in the file, a number in the parsed scenario (ns, bit/s,
 *   packets/s, bytes, bytes/s).
 * - addresses ({@link ipAddress}, {@link ipPrefix}, {@link macAddress}): text in, canonical text out.
 * - names, counts and probabilities with their ranges.
 *
 * Issues raised here carry `params.arpshift` (`unknown-field` or `value`), `params.expected` and
 * sometimes `params.suggestion`, which issues.ts turns into located, readable messages.
 */
import { z } from 'zod';
import { parseAddress, parsePrefix, parseUnicastMac } from './addresses.js';
import type { Family, TextResult } from './addresses.js';
import {
  BIT_RATE_EXPECTED,
  BIT_RATE_PATTERN,
  BYTE_RATE_EXPECTED,
  BYTE_RATE_PATTERN,
  DURATION_EXPECTED,
  DURATION_PATTERN,
  PACKET_RATE_EXPECTED,
  PACKET_RATE_PATTERN,
  SIZE_EXPECTED,
  SIZE_PATTERN,
  parseBitRate,
  parseByteRate,
  parseDuration,
  parsePacketRate,
  parseSize,
} from './units.js';
import type { QuantityResult } from './units.js';

/** The kinds of issue the schema's own checks raise (in `params.arpshift`). */
export type FieldIssueKind = 'unknown-field' | 'value';

/** The `params` of an issue raised by the schema's own checks. */
export interface FieldIssueParams {
  readonly arpshift: FieldIssueKind;
  readonly expected: string;
  readonly allowed?: readonly string[];
  readonly suggestion?: string;
}

const UNKNOWN_FIELD_MARKERS = new WeakSet<object>();

/** True for the catch-all schema that {@link section} puts on strict objects. */
export function isUnknownFieldMarker(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && UNKNOWN_FIELD_MARKERS.has(schema);
}

function unknownField(allowed: readonly string[]): z.ZodType<never> {
  const params: FieldIssueParams = { arpshift: 'unknown-field', expected: `one of the fields ${allowed.join(', ')}`, allowed };
  const marker = z.custom<never>(() => false, { params: { ...params }, error: 'unknown field' });
  UNKNOWN_FIELD_MARKERS.add(marker);
  return marker;
}

/**
 * A strict object (unknown fields are errors) with its help text. Typed as zod's strict object: the
 * catch-all only ever fails, so it adds nothing to the parsed type (zod would type it as an index
 * signature of `never`, which breaks `Omit` and `extends` on every section).
 */
export function section<S extends z.ZodRawShape>(shape: S, description: string): z.ZodObject<S, z.core.$strict> {
  const schema = z.object(shape).catchall(unknownField(Object.keys(shape))).describe(description);
  return schema as unknown as z.ZodObject<S, z.core.$strict>;
}

function valueIssue(ctx: z.RefinementCtx, input: unknown, expected: string, suggestion?: string): void {
  const params: FieldIssueParams = suggestion === undefined ? { arpshift: 'value', expected } : { arpshift: 'value', expected, suggestion };
  ctx.addIssue({ code: 'custom', message: expected, input, params: { ...params } });
}

function quantity(parse: (input: unknown) => QuantityResult, expected: string, pattern: string, check?: (value: number) => string | undefined) {
  return z
    .union([z.string().meta({ pattern }), z.number()], { error: expected })
    .transform((input, ctx) => {
      const r = parse(input);
      if (!r.ok) {
        valueIssue(ctx, input, r.expected, r.suggestion);
        return z.NEVER;
      }
      const problem = check?.(r.value);
      if (problem !== undefined) {
        valueIssue(ctx, input, problem);
        return z.NEVER;
      }
      return r.value;
    });
}

/**
 * A duration (text with a unit, or seconds) parsed to integer nanoseconds; `positive` refuses 0, and
 * `min` (ns, with `minText` for messages) anything shorter, `max` (with `maxText`) anything longer.
 */
export function duration(options: { positive?: boolean; min?: number; minText?: string; max?: number; maxText?: string } = {}) {
  return quantity(parseDuration, DURATION_EXPECTED, DURATION_PATTERN, (v) => (
    options.positive === true && v === 0 ? 'a duration greater than 0'
      : options.min !== undefined && v < options.min ? `a duration of at least ${options.minText ?? `${options.min}ns`}`
        : options.max !== undefined && v > options.max ? `a duration of at most ${options.maxText ?? `${options.max}ns`}`
          : undefined));
}

/** A bit rate parsed to bits per second (always > 0). */
export function bitRate() {
  return quantity(parseBitRate, BIT_RATE_EXPECTED, BIT_RATE_PATTERN);
}

/** A packet rate parsed to packets per second (always > 0). */
export function packetRate() {
  return quantity(parsePacketRate, PACKET_RATE_EXPECTED, PACKET_RATE_PATTERN);
}

/** A size parsed to whole bytes, within [min, max]. */
export function size(options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return quantity(parseSize, SIZE_EXPECTED, SIZE_PATTERN, (v) => (v < min ? `a size of at least ${min} bytes` : v > max ? `a size of at most ${max} bytes` : undefined));
}

/** A byte rate (`"128MiB/s"`) parsed to whole bytes per second; `positive` refuses 0. */
export function byteRate(options: { positive?: boolean } = {}) {
  return quantity(parseByteRate, BYTE_RATE_EXPECTED, BYTE_RATE_PATTERN, (v) => (options.positive === true && v === 0 ? 'a byte rate greater than 0' : undefined));
}

function text(parse: (input: unknown) => TextResult, expected: string) {
  return z.string({ error: expected }).transform((input, ctx) => {
    const r = parse(input);
    if (!r.ok) {
      valueIssue(ctx, input, r.expected, r.suggestion);
      return z.NEVER;
    }
    return r.value;
  });
}

/** An IPv4 or IPv6 address, in canonical text. */
export function ipAddress(family: Family) {
  return text((v) => parseAddress(v, family), family === 'ipv4' ? 'an IPv4 address such as 198.18.0.1' : 'an IPv6 address such as 2001:db8::1');
}

/** An IPv4 or IPv6 prefix (`network/length`, host bits zero), in canonical text. */
export function ipPrefix(family: Family) {
  return text((v) => parsePrefix(v, family), family === 'ipv4' ? 'an IPv4 prefix such as 198.18.0.0/16' : 'an IPv6 prefix such as 2001:db8::/64');
}

/** `auto`, or an address of `family` in canonical text. */
export function autoOrAddress(family: Family, extra: readonly string[] = []) {
  const words = ['auto', ...extra];
  const expected = `${words.map((w) => `"${w}"`).join(' or ')} or ${family === 'ipv4' ? 'an IPv4 address such as 198.18.0.10' : 'an IPv6 address such as 2001:db8::10'}`;
  return text((v) => (typeof v === 'string' && words.includes(v.trim()) ? { ok: true, value: v.trim() } : parseAddress(v, family)), expected)
    .meta({ examples: [...words, family === 'ipv4' ? '198.18.0.10' : '2001:db8::10'] });
}

/** `auto`, or a unicast MAC address in lower-case colon hex. */
export function autoOrMac() {
  const expected = '"auto" or a unicast MAC address such as 00:00:5e:00:01:01';
  return text((v) => (typeof v === 'string' && v.trim() === 'auto' ? { ok: true, value: 'auto' } : parseUnicastMac(v)), expected);
}

/** A unicast MAC address, in lower-case colon hex. */
export function macAddress() {
  return text(parseUnicastMac, 'a unicast MAC address such as 02:00:5e:00:01:01');
}

/** The pattern of node and group names: a letter, then letters, digits, `-`, `_` or `.`. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** A name of a node, group or flow. */
export function name() {
  return z.string({ error: 'a name' }).regex(NAME_PATTERN, { error: 'a name: a letter, then letters, digits, "-", "_" or "." (no spaces, ":" or "*")' }).max(64, { error: 'a name of at most 64 characters' });
}

/** A whole number in [min, max]. */
export function count(min: number, max: number) {
  return z.int({ error: `a whole number from ${min} to ${max}` }).min(min).max(max);
}

/** The seed of the random-number generator: a whole number from 0 to 2^53 - 1. */
export function seed() {
  return z.int({ error: 'a whole number from 0 to 2^53 - 1' }).min(0).max(Number.MAX_SAFE_INTEGER);
}

/** A probability in [0, 1] (or [0, 1) with `belowOne`). */
export function probability(options: { belowOne?: boolean } = {}) {
  const schema = z.number({ error: options.belowOne === true ? 'a number from 0 up to (not including) 1' : 'a number from 0 to 1' }).min(0);
  return options.belowOne === true ? schema.lt(1) : schema.max(1);
}
