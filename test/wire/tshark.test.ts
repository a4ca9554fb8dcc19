/**
 * Checked by code that is not ours: every message the wire layer builds is written to a pcap and a
 * pcapng, read back by tshark with checksum validation on, and compared field by field through the
 * name table. tshark must report no malformed packet and no bad checksum.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicFileSink, PcapWriter, PcapngWriter, emitFrame } from '../../src/wire/index.js';
import { SAMPLE_FRAMES } from '../helpers/sample-frames.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';
import { expectedTsharkFields } from '../helpers/tshark-names.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tshark reads what we emit', () => {
  const pcap = join(dir, 'samples.pcap');
  const writer = new PcapWriter(new AtomicFileSink(pcap));
  SAMPLE_FRAMES.forEach(([, frame], i) => writer.write(1_800_000_000 + i, 123_456_789, emitFrame(frame)));
  writer.close();
  const decoded = tsharkFields(pcap);

  it('decodes one frame per message', () => {
    expect(decoded.length).toBe(SAMPLE_FRAMES.length);
  });

  SAMPLE_FRAMES.forEach(([name, frame], i) => {
    it(`${name}: every mapped field matches, no malformed packet, no bad checksum`, () => {
      const fields = decoded[i]!;
      expect(tsharkProblems(fields)).toEqual([]);
      for (const [field, values] of expectedTsharkFields(frame)) {
        expect({ field, values: fields.get(field) }).toEqual({ field, values });
      }
      // tshark's own timestamp reading of our nanosecond pcap.
      expect(fields.get('frame.time_epoch')).toEqual([`${1_800_000_000 + i}.123456789`]);
    });
  });

  it('covers every message kind the issue lists', () => {
    const protocols = new Set(decoded.flatMap((f) => f.get('frame.protocols') ?? []).flatMap((p) => p.split(':')));
    for (const p of ['eth', 'vlan', 'ieee8021ad', 'arp', 'ip', 'udp', 'icmp', 'dhcp', 'ipv6', 'icmpv6', 'llc', 'stp']) {
      expect(protocols).toContain(p);
    }
  });

  it('pcapng with two interfaces: tshark sees the same frames, interfaces and nanosecond times', () => {
    const path = join(dir, 'samples.pcapng');
    const w = new PcapngWriter(new AtomicFileSink(path));
    const a = w.addInterface({ linkType: 1, name: 'leaf-1:p1' });
    const b = w.addInterface({ linkType: 1, name: 'leaf-2:p7' });
    SAMPLE_FRAMES.forEach(([, frame], i) => w.write(i % 2 === 0 ? a : b, 1_800_000_000, i * 1000 + 1, emitFrame(frame)));
    w.close();
    const ng = tsharkFields(path);
    expect(ng.length).toBe(SAMPLE_FRAMES.length);
    ng.forEach((fields, i) => {
      expect(tsharkProblems(fields)).toEqual([]);
      expect(fields.get('frame.interface_id')).toEqual([String(i % 2)]);
      expect(fields.get('frame.interface_name')).toEqual([i % 2 === 0 ? 'leaf-1:p1' : 'leaf-2:p7']);
      expect(fields.get('frame.time_epoch')).toEqual([`1800000000.${String(i * 1000 + 1).padStart(9, '0')}`]);
      expect(fields.get('eth.src')).toEqual(decoded[i]!.get('eth.src'));
    });
  });
});
