/**
 * Golden frames (test/golden/), the four ways of smoltcp's codec tests: read through the view, parse,
 * emit into a buffer pre-filled with a filler byte, and compare; plus every frame of a real Linux
 * capture re-emitted byte for byte, with the forms the reference says Linux sends.
 */
import { describe, expect, it } from 'vitest';
import type { ArpPacket, EthernetFrame, Icmpv6Message } from '../../src/wire/index.js';
import {
  ArpView,
  EthernetView,
  classifyArp,
  emitFrame,
  emitFrameInto,
  formatMac,
  frameLength,
  openCapture,
  parseFrame,
  rarpAnnounce,
} from '../../src/wire/index.js';
import { goldenPath, readHex } from '../helpers/golden.js';
import { mac } from '../helpers/sample-frames.js';

const FILLER = 0x5a;

function emitWithFiller(frame: EthernetFrame): Uint8Array {
  const out = new Uint8Array(frameLength(frame) + 4).fill(FILLER);
  const n = emitFrameInto(frame, out, 0);
  expect(out.subarray(n).every((b) => b === FILLER)).toBe(true);
  return out.subarray(0, n);
}

describe('golden: QEMU self-announce RARP', () => {
  const bytes = readHex('qemu-rarp-announce.hex');

  it('reads through the views', () => {
    const eth = new EthernetView(bytes);
    expect(formatMac(eth.destination)).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatMac(eth.source)).toBe('52:54:00:12:34:56');
    expect(eth.etherType).toBe(0x8035);
    const arp = new ArpView(bytes, eth.payloadOffset, bytes.length);
    expect(arp.operation).toBe(3);
    expect(arp.hardwareLength).toBe(6);
    expect(arp.protocolLength).toBe(4);
    expect(arp.targetHardwareOffset).toBe(32);
  });

  it('parses to the RARP announce repr with implicit padding', () => {
    const frame = parseFrame(bytes);
    expect(frame.trailer).toBeUndefined();
    expect(frame.payload).toEqual(rarpAnnounce(mac('52:54:00:12:34:56')));
    expect(classifyArp(frame.payload as ArpPacket)).toBe('rarp-request');
  });

  it('emits the same 60 bytes from the builder, writing every byte', () => {
    const frame: EthernetFrame = {
      destination: mac('ff:ff:ff:ff:ff:ff'), source: mac('52:54:00:12:34:56'), vlanTags: [], etherType: 0x8035,
      payload: rarpAnnounce(mac('52:54:00:12:34:56')),
    };
    expect(emitWithFiller(frame)).toEqual(bytes);
  });
});

describe('golden: Linux arp_notify announcement', () => {
  const bytes = readHex('linux-6.18-arp-notify.hex');

  it('parses as an RFC 5227 announcement with an empty trailer (unpadded, 42 bytes)', () => {
    const frame = parseFrame(bytes);
    expect(frame.trailer).toEqual(new Uint8Array(0));
    expect(classifyArp(frame.payload as ArpPacket)).toBe('announcement');
    expect(emitWithFiller(frame)).toEqual(bytes);
  });
});

describe('golden: Linux 6.18 capture between two namespaces', () => {
  const frames: Array<{ bytes: Uint8Array; frame: EthernetFrame }> = [];
  const reader = openCapture(goldenPath('linux-6.18-veth.pcap'));
  for (const r of reader) {
    const bytes = Uint8Array.from(r.data);
    frames.push({ bytes, frame: parseFrame(bytes) });
  }
  reader.close();

  it('has all 29 frames, each parsed with checksums verified and re-emitted byte for byte', () => {
    expect(frames.length).toBe(29);
    for (const { bytes, frame } of frames) expect(emitFrame(frame)).toEqual(bytes);
  });

  const arpForms = frames.flatMap(({ frame }) => (frame.payload.kind === 'arp' ? [classifyArp(frame.payload)] : []));
  const nd = frames.flatMap(({ frame }) =>
    frame.payload.kind === 'ipv6' && frame.payload.payload.kind === 'icmpv6' ? [{ ip: frame.payload, m: frame.payload.payload as Icmpv6Message }] : []);

  it('arp_notify sent one announcement; arping -U, -A, -D gave gratuitous request, gratuitous reply, probe', () => {
    expect(arpForms).toEqual(['announcement', 'request', 'reply', 'gratuitous-request', 'gratuitous-reply', 'probe']);
  });

  it('ndisc_notify sent one unsolicited NA per address: S=0, O=1, to ff02::1, with TLLAO', () => {
    const unsolicited = nd.filter(({ m }) => m.type === 'na' && !m.solicitedFlag);
    expect(unsolicited.map(({ ip }) => ip.destination)).toEqual(['ff02::1', 'ff02::1']);
    for (const { m } of unsolicited) {
      expect(m.type === 'na' && m.overrideFlag).toBe(true);
      expect(m.type === 'na' && m.options.some((o) => o.kind === 'target-link-layer')).toBe(true);
    }
  });

  it('DAD solicitations come from :: to the solicited-node group without SLLAO (RFC 4862 §5.4.2), with a nonce (RFC 7527)', () => {
    const dad = nd.filter(({ ip, m }) => m.type === 'ns' && ip.source === '::');
    // Both link-locals and a's global address; b's global was added with `nodad`.
    expect(dad.map(({ m }) => m.type === 'ns' && m.targetAddress).sort()).toEqual(['2001:db8::a', 'fe80::ff:fe00:a', 'fe80::ff:fe00:b']);
    for (const { ip, m } of dad) {
      expect(ip.destination.startsWith('ff02::1:ff')).toBe(true);
      expect(ip.hopLimit).toBe(255);
      // No SLLAO; Linux's enhanced_dad (default 1) adds the RFC 7527 nonce option (type 14), kept raw.
      expect(m.type === 'ns' && m.options.map((o) => (o.kind === 'raw' ? o.type : o.kind))).toEqual([14]);
    }
  });

  it('resolution: multicast NS with SLLAO answered by a solicited NA with S=1, O=1 and TLLAO', () => {
    const ns = nd.find(({ ip, m }) => m.type === 'ns' && ip.source === '2001:db8::a');
    expect(ns?.m.type === 'ns' && ns.m.options).toEqual([{ kind: 'source-link-layer', address: mac('02:00:00:00:00:0a') }]);
    const na = nd.find(({ m }) => m.type === 'na' && m.solicitedFlag);
    expect(na?.m).toMatchObject({ type: 'na', solicitedFlag: true, overrideFlag: true, routerFlag: false, targetAddress: '2001:db8::b' });
  });
});
