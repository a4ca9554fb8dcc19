/**
 * The pseudo-headers that UDP (RFC 768) and ICMPv6 (RFC 4443 §2.3, RFC 8200 §8.1) add to their
 * checksums: source and destination addresses, the upper-layer length and the protocol number.
 */
import type { Ipv4Address } from './ipv4-address.js';
import type { Ipv6Address } from './ipv6-address.js';
import { ipv6Bytes } from './ipv6-address.js';
import { sumWords } from './bytes.js';

/** The network-layer addresses an upper-layer checksum covers. */
export type PseudoHeader =
  | { readonly kind: 'ipv4'; readonly source: Ipv4Address; readonly destination: Ipv4Address }
  | { readonly kind: 'ipv6'; readonly source: Ipv6Address; readonly destination: Ipv6Address };

/** The unfolded word sum of the pseudo-header for an upper-layer message of `length` bytes. */
export function pseudoHeaderSum(ph: PseudoHeader, protocol: number, length: number): number {
  if (ph.kind === 'ipv4') {
    return (ph.source >>> 16) + (ph.source & 0xffff) + (ph.destination >>> 16) + (ph.destination & 0xffff) +
      protocol + length;
  }
  const s = sumWords(ipv6Bytes(ph.source), 0, 16, sumWords(ipv6Bytes(ph.destination), 0, 16));
  return s + Math.floor(length / 0x10000) + (length & 0xffff) + protocol;
}
