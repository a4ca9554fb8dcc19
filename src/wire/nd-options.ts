/**
 * Neighbor Discovery options (RFC 4861 §4.6): source and target link-layer address (for Ethernet, one
 * 8-byte unit holding a MAC), prefix information and MTU. Anything else, including a known type with an
 * unexpected length (or a link-layer option that is not one unit long), is kept raw and in order.
 * A zero option length is invalid (§4.6: "nodes MUST silently discard an ND packet that contains an
 * option with length zero").
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { WireError } from './errors.js';
import type { Ipv6Address } from './ipv6-address.js';
import { readIpv6, writeIpv6 } from './ipv6-address.js';
import type { MacAddress } from './mac.js';
import { readMac, writeMac } from './mac.js';

const LAYER = 'icmpv6';

/** Option type numbers. */
export const ND_OPTION_SOURCE_LINK_LAYER = 1;
export const ND_OPTION_TARGET_LINK_LAYER = 2;
export const ND_OPTION_PREFIX_INFORMATION = 3;
export const ND_OPTION_REDIRECTED_HEADER = 4;
export const ND_OPTION_MTU = 5;

/** One ND option. */
export type NdOption =
  | { readonly kind: 'source-link-layer'; readonly address: MacAddress }
  | { readonly kind: 'target-link-layer'; readonly address: MacAddress }
  | {
    readonly kind: 'prefix-information';
    readonly prefixLength: number;
    /** L flag. */
    readonly onLink: boolean;
    /** A flag. */
    readonly autonomous: boolean;
    /** The six low bits of the flags octet (Reserved1). */
    readonly reserved1: number;
    readonly validLifetime: number;
    readonly preferredLifetime: number;
    readonly reserved2: number;
    readonly prefix: Ipv6Address;
  }
  | { readonly kind: 'mtu'; readonly reserved: number; readonly mtu: number }
  | { readonly kind: 'raw'; readonly type: number; /** The bytes after type and length. */ readonly data: Uint8Array };

/** Encoded length of one option. */
export function ndOptionLength(o: NdOption): number {
  switch (o.kind) {
    case 'source-link-layer':
    case 'target-link-layer':
    case 'mtu': return 8;
    case 'prefix-information': return 32;
    case 'raw': return 2 + o.data.length;
  }
}

/** Encoded length of a list of options. */
export function ndOptionsLength(options: readonly NdOption[]): number {
  let n = 0;
  for (const o of options) n += ndOptionLength(o);
  return n;
}

/** Parses the options filling `bytes[start, end)`. */
export function parseNdOptions(bytes: Uint8Array, start: number, end: number): NdOption[] {
  const options: NdOption[] = [];
  let o = start;
  while (o < end) {
    if (o + 2 > end) throw new WireError('bad-length', LAYER, 'option header', o, '2 bytes', `${end - o} bytes`);
    const type = bytes[o]!;
    const units = bytes[o + 1]!;
    if (units === 0) throw new WireError('bad-length', LAYER, `option ${type} length`, o + 1, '> 0', 0);
    const len = units * 8;
    if (o + len > end) throw new WireError('bad-length', LAYER, `option ${type} length`, o + 1, `<= ${end - o} bytes`, len);
    if ((type === ND_OPTION_SOURCE_LINK_LAYER || type === ND_OPTION_TARGET_LINK_LAYER) && units === 1) {
      const address = readMac(bytes, o + 2);
      options.push(type === ND_OPTION_SOURCE_LINK_LAYER ? { kind: 'source-link-layer', address } : { kind: 'target-link-layer', address });
    } else if (type === ND_OPTION_PREFIX_INFORMATION && units === 4) {
      const flags = bytes[o + 3]!;
      options.push({
        kind: 'prefix-information',
        prefixLength: bytes[o + 2]!,
        onLink: (flags & 0x80) !== 0,
        autonomous: (flags & 0x40) !== 0,
        reserved1: flags & 0x3f,
        validLifetime: readU32(bytes, o + 4),
        preferredLifetime: readU32(bytes, o + 8),
        reserved2: readU32(bytes, o + 12),
        prefix: readIpv6(bytes, o + 16),
      });
    } else if (type === ND_OPTION_MTU && units === 1) {
      options.push({ kind: 'mtu', reserved: readU16(bytes, o + 2), mtu: readU32(bytes, o + 4) });
    } else {
      options.push({ kind: 'raw', type, data: bytes.subarray(o + 2, o + len) });
    }
    o += len;
  }
  return options;
}

/** Writes options at `offset`; returns the bytes written. */
export function emitNdOptions(options: readonly NdOption[], out: Uint8Array, offset: number): number {
  let o = offset;
  for (const opt of options) {
    switch (opt.kind) {
      case 'source-link-layer':
      case 'target-link-layer':
        out[o] = opt.kind === 'source-link-layer' ? ND_OPTION_SOURCE_LINK_LAYER : ND_OPTION_TARGET_LINK_LAYER;
        out[o + 1] = 1;
        writeMac(out, o + 2, opt.address);
        o += 8;
        break;
      case 'prefix-information':
        out[o] = ND_OPTION_PREFIX_INFORMATION;
        out[o + 1] = 4;
        out[o + 2] = opt.prefixLength;
        out[o + 3] = (opt.onLink ? 0x80 : 0) | (opt.autonomous ? 0x40 : 0) | (opt.reserved1 & 0x3f);
        writeU32(out, o + 4, opt.validLifetime);
        writeU32(out, o + 8, opt.preferredLifetime);
        writeU32(out, o + 12, opt.reserved2);
        writeIpv6(out, o + 16, opt.prefix);
        o += 32;
        break;
      case 'mtu':
        out[o] = ND_OPTION_MTU;
        out[o + 1] = 1;
        writeU16(out, o + 2, opt.reserved);
        writeU32(out, o + 4, opt.mtu);
        o += 8;
        break;
      case 'raw': {
        const len = 2 + opt.data.length;
        if (len % 8 !== 0 || len > 255 * 8) {
          throw new WireError('bad-length', LAYER, `option ${opt.type}`, o + 1, 'a multiple of 8 bytes up to 2040', len);
        }
        out[o] = opt.type;
        out[o + 1] = len / 8;
        out.set(opt.data, o + 2);
        o += len;
        break;
      }
    }
  }
  return o - offset;
}

/** The link-layer address carried by the first option of the given kind, if any. */
export function ndLinkLayerAddress(
  options: readonly NdOption[],
  kind: 'source-link-layer' | 'target-link-layer',
): MacAddress | undefined {
  for (const o of options) if (o.kind === kind) return o.address;
  return undefined;
}
