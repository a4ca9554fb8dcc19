/**
 * Linux cooked captures (SLL, SLL2): records `tcpdump -i any` wrote on Linux 6.18 parse, re-emit byte
 * for byte and agree with tshark; every sample message wrapped in both headers (with VLAN tags where
 * the sample has them) is read by tshark with the same fields; the views agree with the parsers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CookedFrame } from '../../src/wire/index.js';
import {
  AtomicFileSink,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  PcapWriter,
  SLL_PACKET_HOST,
  SLL_PACKET_OUTGOING,
  Sll2View,
  SllView,
  WireError,
  captureFromBytes,
  cookedSourceMac,
  emitCooked,
  formatMac,
  parseSll,
  parseSll2,
  vlanTag,
} from '../../src/wire/index.js';
import { goldenPath } from '../helpers/golden.js';
import { SAMPLE_FRAMES, mac } from '../helpers/sample-frames.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';
import { expectedCookedFields } from '../helpers/tshark-names.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-sll-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function records(path: string): Array<{ linkType: number; data: Uint8Array }> {
  const reader = captureFromBytes(readFileSync(path));
  const out: Array<{ linkType: number; data: Uint8Array }> = [];
  for (const r of reader) out.push({ linkType: r.linkType, data: Uint8Array.from(r.data) });
  return out;
}

function parseCooked(linkType: number, data: Uint8Array, checksums: 'verify' | 'ignore' = 'ignore'): CookedFrame {
  return linkType === LINKTYPE_LINUX_SLL ? parseSll(data, { checksums }) : parseSll2(data, { checksums });
}

describe('records tcpdump -i any wrote on Linux 6.18', () => {
  for (const [file, linkType] of [['linux-6.18-any-sll2.pcap', LINKTYPE_LINUX_SLL2], ['linux-6.18-any-sll.pcap', LINKTYPE_LINUX_SLL]] as const) {
    const path = goldenPath(file);
    const recs = records(path);

    it(`${file}: four records of link type ${linkType}, parsed and re-emitted byte for byte`, () => {
      expect(recs.map((r) => r.linkType)).toEqual([linkType, linkType, linkType, linkType]);
      const frames = recs.map((r) => parseCooked(r.linkType, r.data));
      // The outgoing UDP datagram was captured before its checksum was filled in (the kernel leaves it
      // to the device: CHECKSUM_PARTIAL), the usual offload case; everything else verifies.
      expect(() => parseCooked(recs[2]!.linkType, recs[2]!.data, 'verify')).toThrow(expect.objectContaining({ code: 'bad-checksum', layer: 'udp' }));
      for (const i of [0, 1, 3]) expect(parseCooked(recs[i]!.linkType, recs[i]!.data, 'verify').payload.kind).toBe(frames[i]!.payload.kind);
      frames.forEach((f, i) => expect(emitCooked(f)).toEqual(recs[i]!.data));
      // Out: our ARP request and UDP datagram; In: the reply and the port unreachable.
      expect(frames.map((f) => f.packetType)).toEqual([SLL_PACKET_OUTGOING, SLL_PACKET_HOST, SLL_PACKET_OUTGOING, SLL_PACKET_HOST]);
      expect(frames.map((f) => formatMac(cookedSourceMac(f)!))).toEqual(['02:00:00:00:00:0a', '02:00:00:00:00:0b', '02:00:00:00:00:0a', '02:00:00:00:00:0b']);
      expect(frames.map((f) => f.payload.kind)).toEqual(['arp', 'arp', 'ipv4', 'ipv4']);
      expect(frames.every((f) => f.hardwareType === 1 && f.linkLayerAddressLength === 6 && f.vlanTags.length === 0)).toBe(true);
      if (linkType === LINKTYPE_LINUX_SLL2) {
        for (const f of frames) expect(f.kind === 'sll2' && f.interfaceIndex).toBe(2);
      }
    });

    it(`${file}: tshark reads the same fields`, () => {
      const decoded = tsharkFields(path);
      expect(decoded.length).toBe(recs.length);
      recs.forEach((r, i) => {
        // tshark flags the offloaded UDP checksum of record 2 too, and in record 3, whose port
        // unreachable quotes that datagram as it was sent; nothing else.
        const problems = tsharkProblems(decoded[i]!);
        if (i >= 2) expect(problems.sort()).toEqual(['expert error: Bad checksum [should be 0x78da]', 'udp.checksum.status = 0 (1 is good)']);
        else expect(problems).toEqual([]);
        // The port unreachable quotes a datagram, which tshark decodes after the outer headers: our
        // fields are the first values of each.
        for (const [field, values] of expectedCookedFields(parseCooked(r.linkType, r.data))) {
          expect({ field, values: decoded[i]!.get(field)?.slice(0, values.length) }).toEqual({ field, values });
        }
      });
    });
  }
});

/** Every sample message in a cooked header of each version, with varied header fields. */
function wrapped(kind: 'sll' | 'sll2'): CookedFrame[] {
  return SAMPLE_FRAMES.map(([, f], i) => {
    const address = new Uint8Array(8);
    const loopback = i % 5 === 4;
    if (!loopback) address.set([0x02, 0x00, 0x5e, 0x10, 0x00, i]);
    const common = {
      packetType: i % 5,
      hardwareType: loopback ? 772 : 1,
      linkLayerAddressLength: 6,
      linkLayerAddress: address,
      vlanTags: f.vlanTags,
      protocolType: f.payload.kind === 'llc' ? 0x0004 : f.etherType,
      payload: f.payload,
      trailer: new Uint8Array(0),
    };
    return kind === 'sll' ? { kind, ...common } : { kind, reserved: 0, interfaceIndex: 3 + i, ...common };
  });
}

describe('tshark reads the cooked records we emit', () => {
  for (const kind of ['sll', 'sll2'] as const) {
    it(`${kind}: every sample message, every mapped field, no malformed packet, no bad checksum`, () => {
      const frames = wrapped(kind);
      const path = join(dir, `${kind}.pcap`);
      const writer = new PcapWriter(new AtomicFileSink(path), kind === 'sll' ? LINKTYPE_LINUX_SLL : LINKTYPE_LINUX_SLL2);
      for (const f of frames) writer.write(1_800_000_000, 0, emitCooked(f));
      writer.close();
      const decoded = tsharkFields(path);
      expect(decoded.length).toBe(frames.length);
      frames.forEach((f, i) => {
        expect(tsharkProblems(decoded[i]!)).toEqual([]);
        for (const [field, values] of expectedCookedFields(f)) {
          expect({ message: SAMPLE_FRAMES[i]![0], field, values: decoded[i]!.get(field) }).toEqual({ message: SAMPLE_FRAMES[i]![0], field, values });
        }
      });
      // The samples include tagged and double-tagged ARP: tshark followed the tags from the protocol field.
      const protocols = new Set(decoded.flatMap((d) => d.get('frame.protocols') ?? []).flatMap((p) => p.split(':')));
      for (const p of ['sll', 'vlan', 'ieee8021ad', 'arp', 'ip', 'ipv6', 'icmpv6', 'dhcp', 'llc', 'stp']) expect(protocols).toContain(p);
    });
  }
});

describe('views', () => {
  const payload = SAMPLE_FRAMES.find(([name]) => name === 'arp request')![1].payload;
  const base = {
    packetType: SLL_PACKET_HOST, hardwareType: 1, linkLayerAddressLength: 6,
    linkLayerAddress: Uint8Array.from([2, 0, 0, 0, 0, 0x0b, 0, 0]), vlanTags: [vlanTag(10), vlanTag(20)],
    protocolType: 0x0806, payload, trailer: new Uint8Array(0),
  };

  it('SllView: tags after the protocol field, the payload after them', () => {
    const bytes = emitCooked({ kind: 'sll', ...base });
    const view = new SllView(bytes);
    expect([view.tagCount, view.vlanId(0), view.vlanId(1), view.protocolType, view.payloadOffset]).toEqual([2, 10, 20, 0x0806, 16 + 8]);
    expect(view.sourceMac).toBe(mac('02:00:00:00:00:0b'));
    expect(parseSll(bytes).vlanTags.map((t) => t.vlanId)).toEqual([10, 20]);
  });

  it('Sll2View: the first type at offset 0, the tags after the 20-byte header', () => {
    const bytes = emitCooked({ kind: 'sll2', reserved: 0, interfaceIndex: 0x01020304, ...base });
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x81, 0x00]);
    const view = new Sll2View(bytes);
    expect([view.tagCount, view.vlanId(0), view.vlanId(1), view.protocolType, view.payloadOffset, view.interfaceIndex]).toEqual([2, 10, 20, 0x0806, 28, 0x01020304]);
    expect(view.packetType).toBe(SLL_PACKET_HOST);
  });

  it('a record cut inside the header or a tag is truncated; an ARP payload under another protocol type does not emit', () => {
    const bytes = emitCooked({ kind: 'sll', ...base });
    expect(() => new SllView(bytes, 0, 15)).toThrow(WireError);
    expect(() => parseSll(bytes.subarray(0, 18))).toThrow(expect.objectContaining({ code: 'truncated', field: 'vlan tag' }));
    expect(() => emitCooked({ kind: 'sll', ...base, protocolType: 0x0800 })).toThrow(expect.objectContaining({ code: 'bad-value', field: 'ethertype' }));
  });
});
