/**
 * Robustness: every parser fed arbitrary bytes, and valid frames mutated (bytes flipped, cut short,
 * extended), either returns a value or throws a WireError, never anything else; and the next parse
 * still works. Capture readers get the same treatment. `npm run fuzz` runs these for much longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Codec, PseudoHeader } from '../../src/wire/index.js';
import {
  PcapWriter,
  PcapngWriter,
  BufferedSink,
  WireError,
  arpCodec,
  bpduCodec,
  captureFromBytes,
  dhcpCodec,
  emitFrame,
  ethernetCodec,
  icmpv4Codec,
  icmpv6Codec,
  ipv4Codec,
  ipv6Codec,
  llcCodec,
  parseFrame,
  sll2Codec,
  sllCodec,
  udpCodec,
  vrrpCodec,
} from '../../src/wire/index.js';
import { RUNS, ethernetFrame, ipv4PseudoHeader, ipv6PseudoHeader } from '../helpers/arbitraries.js';

/** Runs `f`; passes when it returns or throws a WireError. */
function onlyWireErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    expect(typeof e.offset).toBe('number');
    expect(e.message).toContain(e.layer);
  }
}

const parsers: Array<[string, Codec<unknown, unknown>, fc.Arbitrary<unknown>]> = [
  ['ethernet', ethernetCodec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['arp', arpCodec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['ipv4', ipv4Codec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['udp', udpCodec as Codec<unknown, unknown>, fc.oneof(ipv4PseudoHeader, ipv6PseudoHeader) as fc.Arbitrary<PseudoHeader>],
  ['icmpv4', icmpv4Codec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['dhcp', dhcpCodec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['ipv6', ipv6Codec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['icmpv6', icmpv6Codec as Codec<unknown, unknown>, ipv6PseudoHeader],
  ['llc', llcCodec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['bpdu', bpduCodec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['vrrp', vrrpCodec as Codec<unknown, unknown>, fc.oneof(ipv4PseudoHeader, ipv6PseudoHeader) as fc.Arbitrary<PseudoHeader>],
  ['sll', sllCodec as Codec<unknown, unknown>, fc.constant(undefined)],
  ['sll2', sll2Codec as Codec<unknown, unknown>, fc.constant(undefined)],
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 20 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Uint8Array.from(bytes);
  for (const m of ms) {
    if (b.length === 0) break;
    if (m.kind === 'flip') b[m.at % b.length] = m.value;
    else if (m.kind === 'cut') b = b.subarray(0, m.at % b.length);
    else {
      const grown = new Uint8Array(b.length + m.extra.length);
      grown.set(b);
      grown.set(m.extra, b.length);
      b = grown;
    }
  }
  return b;
}

const good = emitFrame({
  destination: 0xffff_ffff_ffff as never, source: 0x0200_0000_0001 as never, vlanTags: [], etherType: 0x0806,
  payload: { kind: 'arp', hardwareType: 1, protocolType: 0x0800, operation: 1, senderHardwareAddress: 0x0200_0000_0001 as never,
    senderProtocolAddress: 0xc612_0001 as never, targetHardwareAddress: 0 as never, targetProtocolAddress: 0xc612_0002 as never },
});

describe('parsers on arbitrary bytes', () => {
  for (const [name, codec, context] of parsers) {
    it(`${name}: returns or throws WireError on any bytes, in both checksum modes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), context, fc.nat(8), (bytes, ctx, startSeed) => {
          const start = Math.min(startSeed, bytes.length);
          onlyWireErrors(() => codec.parse(bytes, start, bytes.length, ctx, { checksums: 'verify' }));
          onlyWireErrors(() => codec.parse(bytes, start, bytes.length, ctx, { checksums: 'ignore' }));
          // No hidden state: a good frame still parses afterwards.
          expect(parseFrame(good).payload.kind).toBe('arp');
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('parsers on mutated valid frames', () => {
  it('ethernet: flipped, cut and extended frames give a value or a WireError', () => {
    fc.assert(
      fc.property(ethernetFrame, fc.array(mutation, { minLength: 1, maxLength: 4 }), (frame, ms) => {
        const bytes = mutate(emitFrame(frame), ms);
        onlyWireErrors(() => parseFrame(bytes));
        onlyWireErrors(() => parseFrame(bytes, { checksums: 'ignore' }));
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('ethernet: a frame parsed with checksums ignored re-emits byte for byte, however its checksums were damaged', () => {
    fc.assert(
      fc.property(ethernetFrame, fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }), (frame, flips) => {
        const bytes = mutate(emitFrame(frame), flips.map((f) => ({ kind: 'flip' as const, ...f })));
        let parsed;
        try {
          parsed = parseFrame(bytes, { checksums: 'ignore' });
        } catch (e) {
          if (e instanceof WireError) return;
          throw e;
        }
        expect(emitFrame(parsed)).toEqual(bytes);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

function pcapOf(frames: Uint8Array[], ng: boolean): Uint8Array {
  const chunks: Uint8Array[] = [];
  const sink = new BufferedSink((c) => chunks.push(Uint8Array.from(c)));
  if (ng) {
    const w = new PcapngWriter(sink);
    const a = w.addInterface({ linkType: 1, name: 'a' });
    const b = w.addInterface({ linkType: 1 });
    frames.forEach((f, i) => w.write(i % 2 === 0 ? a : b, 1_700_000_000 + i, i * 1000, f));
    w.close();
  } else {
    const w = new PcapWriter(sink);
    frames.forEach((f, i) => w.write(i, 17 * i, f));
    w.close();
  }
  return Buffer.concat(chunks);
}

describe('capture readers on damaged files', () => {
  for (const ng of [false, true]) {
    it(`${ng ? 'pcapng' : 'pcap'}: every record or a WireError, never a hang or another exception`, () => {
      fc.assert(
        fc.property(fc.array(ethernetFrame, { minLength: 1, maxLength: 4 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (frames, ms) => {
          const file = mutate(pcapOf(frames.map(emitFrame), ng), ms);
          onlyWireErrors(() => {
            const reader = captureFromBytes(file);
            let n = 0;
            for (let r = reader.next(); r !== undefined; r = reader.next()) {
              n++;
              expect(n).toBeLessThan(10_000);
            }
          });
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('random bytes: never anything but a WireError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom([], [0xa1, 0xb2, 0xc3, 0xd4], [0x0a, 0x0d, 0x0d, 0x0a], [0x4d, 0x3c, 0xb2, 0xa1]), (rest, magic) => {
        const file = Uint8Array.from([...magic, ...rest]);
        onlyWireErrors(() => {
          const reader = captureFromBytes(file);
          while (reader.next() !== undefined) { /* drain */ }
        });
      }),
      { numRuns: RUNS },
    );
  });
});
