/**
 * The one error type of the wire layer.
 *
 * Every parser failure names the layer, the field, the byte offset (from the start of the buffer the
 * caller handed in, so from the start of the frame for frame parsers), what was expected and what was
 * found. `truncated` is kept apart from the other codes: a short capture snapshot is normal, bad bytes
 * are not.
 */

/** Why a parse or an emit failed. */
export type WireErrorCode = 'truncated' | 'bad-length' | 'bad-value' | 'bad-checksum' | 'unsupported';

/** A typed, located codec error; its message is built from its fields. */
export class WireError extends Error {
  override readonly name = 'WireError';
  readonly code: WireErrorCode;
  readonly layer: string;
  readonly field: string;
  readonly offset: number;
  readonly expected: string;
  readonly actual: string;

  constructor(
    code: WireErrorCode,
    layer: string,
    field: string,
    offset: number,
    expected: string | number,
    actual: string | number,
  ) {
    super(`${layer}: ${code} ${field} at offset ${offset}: expected ${expected}, got ${actual}`);
    this.code = code;
    this.layer = layer;
    this.field = field;
    this.offset = offset;
    this.expected = String(expected);
    this.actual = String(actual);
  }
}

/** Throws `truncated` unless `need` bytes are available from `offset` up to `end`. */
export function need(layer: string, field: string, offset: number, needBytes: number, end: number): void {
  if (offset + needBytes > end) {
    throw new WireError('truncated', layer, field, offset, `${needBytes} bytes`, `${Math.max(0, end - offset)} bytes`);
  }
}
