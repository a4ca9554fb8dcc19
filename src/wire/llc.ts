/**
 * IEEE 802.2 LLC over 802.3 frames (the Type/Length field holds a length <= 1500): DSAP, SSAP and a
 * control field of one octet (U-format, low bits 11) or two (I- and S-format). DSAP = SSAP = 0x42 with
 * UI control (0x03) carries a spanning-tree BPDU; everything else is kept raw.
 */
import type { Bpdu } from './bpdu.js';
import { bpduLength, emitBpdu, isKnownBpduType, parseBpdu } from './bpdu.js';
import type { Codec, RawPayload } from './codec.js';
import { WireError, need } from './errors.js';

const LAYER = 'llc';

/** The SAP of the spanning-tree protocols. */
export const LLC_SAP_STP = 0x42;
/** Unnumbered Information control. */
export const LLC_CONTROL_UI = 0x03;

/** An LLC PDU. */
export interface LlcPdu {
  readonly kind: 'llc';
  readonly dsap: number;
  readonly ssap: number;
  /** One octet when its low two bits are 11 (U-format), else two: first octet in the low byte. */
  readonly control: number;
  readonly payload: Bpdu | RawPayload;
}

function controlLength(control: number): number {
  return (control & 0x03) === 0x03 ? 1 : 2;
}

/** Length of the encoded PDU. */
export function llcLength(p: LlcPdu): number {
  return 2 + controlLength(p.control) + (p.payload.kind === 'bpdu' ? bpduLength(p.payload) : p.payload.bytes.length);
}

/** Parses an LLC PDU filling `bytes[start, end)`. */
export function parseLlc(bytes: Uint8Array, start: number, end: number): LlcPdu {
  need(LAYER, 'header', start, 3, end);
  const dsap = bytes[start]!;
  const ssap = bytes[start + 1]!;
  let control = bytes[start + 2]!;
  let o = start + 3;
  if ((control & 0x03) !== 0x03) {
    need(LAYER, 'control', start + 2, 2, end);
    control |= bytes[start + 3]! << 8;
    o += 1;
  }
  const isBpdu = dsap === LLC_SAP_STP && ssap === LLC_SAP_STP && control === LLC_CONTROL_UI &&
    end - o >= 4 && isKnownBpduType(bytes[o + 3]!);
  const payload = isBpdu ? parseBpdu(bytes, o, end) : { kind: 'raw' as const, bytes: bytes.subarray(o, end) };
  return { kind: 'llc', dsap, ssap, control, payload };
}

/** Writes `p` at `offset`. */
export function emitLlc(p: LlcPdu, out: Uint8Array, offset: number): number {
  if (p.control > 0xffff || (controlLength(p.control) === 1 && p.control > 0xff)) {
    throw new WireError('bad-value', LAYER, 'control', offset + 2, 'one U-format octet or two octets', p.control);
  }
  out[offset] = p.dsap;
  out[offset + 1] = p.ssap;
  out[offset + 2] = p.control & 0xff;
  let o = offset + 3;
  if (controlLength(p.control) === 2) out[o++] = p.control >>> 8;
  if (p.payload.kind === 'bpdu') o += emitBpdu(p.payload, out, o);
  else {
    out.set(p.payload.bytes, o);
    o += p.payload.bytes.length;
  }
  return o - offset;
}

/** The LLC codec. */
export const llcCodec: Codec<LlcPdu> = {
  layer: LAYER,
  encodedLength: llcLength,
  emit: (p, out, offset) => emitLlc(p, out, offset),
  parse: (bytes, start, end) => parseLlc(bytes, start, end),
};
