/**
 * Big-endian integer access and the Internet checksum (RFC 1071), shared by every codec.
 *
 * Callers check bounds first (see `need` in errors.ts); these helpers do no checking of their own so
 * that the hot paths stay small.
 */

/** Reads an unsigned 16-bit big-endian value. */
export function readU16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Reads an unsigned 32-bit big-endian value. */
export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

/** Writes an unsigned 16-bit big-endian value. */
export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

/** Writes an unsigned 32-bit big-endian value. */
export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/**
 * Adds the 16-bit big-endian words of `b[start, end)` to `sum` (odd trailing byte padded with zero),
 * without folding. Callers fold with {@link finishChecksum}.
 */
export function sumWords(b: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i === last) sum += b[i]! << 8;
  return sum;
}

/** Folds a word sum to 16 bits and complements it: the value to put in a checksum field. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** True when `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when every byte of `b[start, end)` is zero. */
export function allZero(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

/** Two lower-case hex digits for every byte value. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of a byte range, no separators. */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX_BYTE[b[i]!];
  return s;
}
