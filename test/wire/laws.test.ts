/**
 * Law tests over generated reprs, for every codec (in the manner of dns-packet's testEncoder):
 * parse(emit(x)) equals x; emit writes exactly encodedLength(x) bytes; emitting at an offset inside a
 * larger buffer gives the same bytes and touches nothing else; re-emitting a parsed message gives the
 * same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Codec, CookedFrame, PseudoHeader } from '../../src/wire/index.js';
import {
  arpCodec,
  bpduCodec,
  dhcpCodec,
  ethernetCodec,
  icmpv4Codec,
  icmpv6Codec,
  ipv4Codec,
  ipv6Codec,
  llcCodec,
  sll2Codec,
  sllCodec,
  udpCodec,
  vrrpCodec,
} from '../../src/wire/index.js';
import {
  RUNS,
  arpPacket,
  bpdu,
  dhcpMessage,
  ethernetFrame,
  icmpv4Message,
  icmpv6Message,
  ipv4Packet,
  ipv4PseudoHeader,
  ipv6Packet,
  ipv6PseudoHeader,
  llcPdu,
  sll2Frame,
  sllFrame,
  udpDatagram,
  vrrpWithPseudo,
} from '../helpers/arbitraries.js';

const FILLER = 0xa5;

function checkLaws<R, C>(codec: Codec<R, C>, repr: R, context: C): void {
  const length = codec.encodedLength(repr);
  // Emit into a buffer pre-filled with a filler byte, at an offset, with slack after it.
  const pre = 7;
  const out = new Uint8Array(pre + length + 9).fill(FILLER);
  const written = codec.emit(repr, out, pre, context);
  expect(written).toBe(length);
  expect(out.subarray(0, pre).every((b) => b === FILLER)).toBe(true);
  expect(out.subarray(pre + length).every((b) => b === FILLER)).toBe(true);
  // The same bytes at offset 0 of an exact buffer.
  const exact = new Uint8Array(length);
  codec.emit(repr, exact, 0, context);
  expect(exact).toEqual(out.subarray(pre, pre + length));
  // parse(emit(x)) == x, reading from inside the larger buffer.
  const parsed = codec.parse(out, pre, pre + length, context);
  expect(parsed).toEqual(repr);
  // Re-emitting the parsed repr reproduces the bytes.
  const again = new Uint8Array(length);
  expect(codec.emit(parsed, again, 0, context)).toBe(length);
  expect(again).toEqual(exact);
}

function law<R, C>(name: string, codec: Codec<R, C>, arb: fc.Arbitrary<R>, context: fc.Arbitrary<C>): void {
  it(`${name}: parse(emit(x)) = x, exact length, offset-independent, re-emit identical`, () => {
    fc.assert(fc.property(arb, context, (repr, ctx) => checkLaws(codec, repr, ctx)), { numRuns: RUNS });
  });
}

const none = fc.constant(undefined);
const pseudo: fc.Arbitrary<PseudoHeader> = fc.oneof(ipv4PseudoHeader, ipv6PseudoHeader);

describe('codec laws', () => {
  law('ethernet', ethernetCodec, ethernetFrame, none);
  law('arp', arpCodec, arpPacket, none);
  law('ipv4', ipv4Codec, ipv4Packet, none);
  law('udp', udpCodec, udpDatagram, pseudo);
  law('icmpv4', icmpv4Codec, icmpv4Message, none);
  law('dhcp', dhcpCodec, dhcpMessage, none);
  law('ipv6', ipv6Codec, ipv6Packet, none);
  law('icmpv6', icmpv6Codec, icmpv6Message, ipv6PseudoHeader);
  law('llc', llcCodec, llcPdu, none);
  law('bpdu', bpduCodec, bpdu, none);
  law('sll', sllCodec as Codec<CookedFrame, undefined>, sllFrame, none);
  law('sll2', sll2Codec as Codec<CookedFrame, undefined>, sll2Frame, none);
  it('vrrp: parse(emit(x)) = x, exact length, offset-independent, re-emit identical', () => {
    fc.assert(fc.property(vrrpWithPseudo, ([ad, pseudo]) => checkLaws(vrrpCodec, ad, pseudo)), { numRuns: RUNS });
  });
});
