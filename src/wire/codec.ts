/**
 * The shape every codec in this folder fits, so that law and robustness tests can loop over all of them.
 *
 * - `encodedLength(repr)` is exact: `emit` writes exactly that many bytes.
 * - `emit(repr, out, offset, context)` is pure: it never changes `repr`, writes only
 *   `out[offset, offset + encodedLength)`, and returns the number of bytes written.
 * - `parse(bytes, start, end, context, options)` reads only `bytes[start, end)`, validates every length
 *   and field it relies on, and throws a `WireError` (never anything else). Error offsets are
 *   positions in `bytes`.
 *
 * `context` carries what a layer needs from the one below it: the pseudo-header addresses for UDP and
 * ICMPv6 checksums. Checksums follow one rule everywhere: a repr carries a `checksum` only when it must
 * be written verbatim (a parsed checksum that is wrong, or the UDP "no checksum" zero); otherwise emit
 * computes it. Parsing with `checksums: 'verify'` (the default) rejects wrong checksums.
 */
/** How a parser treats checksums it reads. */
export type ChecksumMode = 'verify' | 'ignore';

/** Options every parser accepts. */
export interface ParseOptions {
  /** `verify` (default): a wrong checksum is a `bad-checksum` error. `ignore`: keep it in the repr. */
  readonly checksums?: ChecksumMode;
}

/** One codec: exact length, pure emit, checked parse. See the module comment for the contract. */
export interface Codec<R, C = undefined> {
  /** The layer name used in errors, e.g. `arp`. */
  readonly layer: string;
  encodedLength(repr: R): number;
  emit(repr: R, out: Uint8Array, offset: number, context: C): number;
  parse(bytes: Uint8Array, start: number, end: number, context: C, options?: ParseOptions): R;
}

/** Bytes a codec keeps but does not interpret (unknown EtherType, unknown IP protocol, a fragment, …). */
export interface RawPayload {
  readonly kind: 'raw';
  readonly bytes: Uint8Array;
}

/** Wraps bytes as a raw payload; the bytes are shared, not copied. */
export function rawPayload(bytes: Uint8Array): RawPayload {
  return { kind: 'raw', bytes };
}
