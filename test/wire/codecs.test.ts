/**
 * Codec behaviour that the laws do not pin down: the ARP form classifier (RFC 5227, RFC 5944 §4.6),
 * padding and trailers, checksum modes, and located errors for bad bytes and impossible reprs.
 */
import { describe, expect, it } from 'vitest';
import type { ArpPacket, EthernetFrame } from '../../src/wire/index.js';
import {
  WireError,
  arpAnnouncement,
  arpProbe,
  arpReply,
  arpRequest,
  classifyArp,
  emitFrame,
  ethernetFrame,
  frameLength,
  gratuitousArp,
  isGratuitousForm,
  parseFrame,
  rarpAnnounce,
  vlanTag,
} from '../../src/wire/index.js';
import { GW_IP, GW_MAC, SAMPLE_FRAMES, VM_IP, VM_MAC, ip4, mac } from '../helpers/sample-frames.js';

function wireError(f: () => unknown): WireError {
  try {
    f();
  } catch (e) {
    if (e instanceof WireError) return e;
    throw e;
  }
  throw new Error('expected a WireError');
}

const sample = (name: string): EthernetFrame => SAMPLE_FRAMES.find(([n]) => n === name)![1];

describe('ARP forms', () => {
  const cases: Array<[string, ArpPacket, string]> = [
    ['request', arpRequest(GW_MAC, GW_IP, VM_IP), 'request'],
    ['reply', arpReply(VM_MAC, VM_IP, GW_MAC, GW_IP), 'reply'],
    ['probe: sender IP 0.0.0.0', arpProbe(VM_MAC, VM_IP), 'probe'],
    ['probe with a non-zero target MAC (arping -D) is still a probe', { ...arpProbe(VM_MAC, VM_IP), targetHardwareAddress: mac('ff:ff:ff:ff:ff:ff') }, 'probe'],
    ['announcement: spa = tpa, tha zero', arpAnnouncement(VM_MAC, VM_IP), 'announcement'],
    ['gratuitous request: spa = tpa, tha broadcast', gratuitousArp(VM_MAC, VM_IP, 'request'), 'gratuitous-request'],
    ['gratuitous reply: spa = tpa, tha = sha', gratuitousArp(VM_MAC, VM_IP, 'reply'), 'gratuitous-reply'],
    ['unsolicited reply to a peer is not gratuitous', arpReply(VM_MAC, VM_IP, GW_MAC, GW_IP), 'reply'],
    ['reply with spa = tpa = 0 is not gratuitous', { ...arpReply(VM_MAC, ip4('0.0.0.0'), VM_MAC, ip4('0.0.0.0')) }, 'reply'],
    ['RARP request (QEMU announce)', rarpAnnounce(VM_MAC), 'rarp-request'],
    ['RARP reply', { ...rarpAnnounce(VM_MAC), operation: 4 }, 'rarp-reply'],
    ['InARP', { ...arpRequest(VM_MAC, VM_IP, GW_IP), operation: 8 }, 'other'],
  ];
  for (const [name, packet, form] of cases) {
    it(name, () => expect(classifyArp(packet)).toBe(form));
  }

  it('gratuitous forms are the ones that assert the sender binding', () => {
    expect(['announcement', 'gratuitous-request', 'gratuitous-reply'].every((f) => isGratuitousForm(f as never))).toBe(true);
    expect(['request', 'reply', 'probe', 'rarp-request'].some((f) => isGratuitousForm(f as never))).toBe(false);
  });

  it('RARP opcodes go under EtherType 0x8035 by default', () => {
    expect(ethernetFrame(mac('ff:ff:ff:ff:ff:ff'), VM_MAC, rarpAnnounce(VM_MAC)).etherType).toBe(0x8035);
    expect(ethernetFrame(mac('ff:ff:ff:ff:ff:ff'), VM_MAC, arpAnnouncement(VM_MAC, VM_IP)).etherType).toBe(0x0806);
  });
});

describe('padding and trailers', () => {
  const arp = ethernetFrame(mac('ff:ff:ff:ff:ff:ff'), VM_MAC, arpAnnouncement(VM_MAC, VM_IP));

  it('pads to 60 bytes with zeros, tagged or not', () => {
    expect(emitFrame(arp).length).toBe(60);
    expect(emitFrame({ ...arp, vlanTags: [vlanTag(10)] }).length).toBe(60);
    expect(Array.from(emitFrame(arp).subarray(42))).toEqual(new Array(18).fill(0));
  });

  it('keeps a non-zero or unusual trailer, and an empty one for an unpadded capture', () => {
    const bytes = emitFrame(arp);
    bytes[59] = 0xee;
    expect(parseFrame(bytes).trailer?.length).toBe(18);
    expect(emitFrame(parseFrame(bytes))).toEqual(bytes);
    const short = bytes.subarray(0, 42);
    expect(parseFrame(short).trailer).toEqual(new Uint8Array(0));
    expect(emitFrame(parseFrame(short))).toEqual(short);
    const tagged64 = new Uint8Array(64);
    tagged64.set(emitFrame({ ...arp, vlanTags: [vlanTag(7)] }));
    expect(parseFrame(tagged64).trailer?.length).toBe(18);
    expect(frameLength(parseFrame(tagged64))).toBe(64);
  });

  it('keeps the bytes after an IPv4 packet as trailer, not payload', () => {
    const udp = emitFrame(sample('ipv4 udp, short (padded)'));
    const frame = parseFrame(udp);
    expect(frame.payload.kind === 'ipv4' && frame.payload.payload.kind === 'udp' && frame.payload.payload.payload).toEqual({ kind: 'raw', bytes: new Uint8Array(4).fill(9) });
    expect(frame.trailer).toBeUndefined();
  });
});

describe('checksums', () => {
  const bytes = emitFrame(sample('na, solicited, override'));
  const damaged = Uint8Array.from(bytes);
  damaged[56] = damaged[56]! ^ 0xff;

  it('verify mode: a wrong ICMPv6 checksum is a located bad-checksum error', () => {
    const e = wireError(() => parseFrame(damaged));
    expect({ code: e.code, layer: e.layer, field: e.field, offset: e.offset }).toEqual({ code: 'bad-checksum', layer: 'icmpv6', field: 'checksum', offset: 56 });
  });

  it('ignore mode keeps the wrong checksum and re-emits it verbatim', () => {
    const frame = parseFrame(damaged, { checksums: 'ignore' });
    expect(frame.payload.kind === 'ipv6' && frame.payload.payload.kind === 'icmpv6' && frame.payload.payload.checksum).toBe(((bytes[56]! ^ 0xff) << 8) | bytes[57]!);
    expect(emitFrame(frame)).toEqual(damaged);
  });

  it('IPv4 header and UDP checksums are verified too; UDP zero means none over IPv4', () => {
    const udp = emitFrame(sample('ipv4 udp'));
    const badHeader = Uint8Array.from(udp);
    badHeader[24] = badHeader[24]! ^ 1;
    expect(wireError(() => parseFrame(badHeader))).toMatchObject({ layer: 'ipv4', field: 'header checksum', offset: 24 });
    const noChecksum = Uint8Array.from(udp);
    noChecksum[40] = 0;
    noChecksum[41] = 0;
    const frame = parseFrame(noChecksum);
    expect(frame.payload.kind === 'ipv4' && frame.payload.payload.kind === 'udp' && frame.payload.payload.checksum).toBe(0);
    expect(emitFrame(frame)).toEqual(noChecksum);
  });
});

describe('located errors for bad bytes', () => {
  it('truncated header, named layer and offset', () => {
    expect(wireError(() => parseFrame(new Uint8Array(10)))).toMatchObject({ code: 'truncated', layer: 'ethernet', field: 'header', offset: 0, expected: '14 bytes', actual: '10 bytes' });
  });

  it('ARP with other address sizes is unsupported, at the size byte', () => {
    const b = emitFrame(sample('arp request'));
    b[18] = 8;
    expect(wireError(() => parseFrame(b))).toMatchObject({ code: 'unsupported', layer: 'arp', field: 'hardware address length', offset: 18 });
  });

  it('IPv4 total length beyond the capture is truncated; a bad version is bad-value', () => {
    const b = emitFrame(sample('ipv4 udp'));
    expect(wireError(() => parseFrame(b.subarray(0, 60)))).toMatchObject({ code: 'truncated', layer: 'ipv4', field: 'total length' });
    const v = Uint8Array.from(b);
    v[14] = 0x55;
    expect(wireError(() => parseFrame(v))).toMatchObject({ code: 'bad-value', layer: 'ipv4', field: 'version', offset: 14, expected: '4', actual: '5' });
  });

  it('a zero-length ND option is rejected (RFC 4861 §4.6)', () => {
    const b = emitFrame(sample('ns, address resolution'));
    b[14 + 40 + 24 + 1] = 0;
    expect(wireError(() => parseFrame(b, { checksums: 'ignore' }))).toMatchObject({ code: 'bad-length', layer: 'icmpv6', field: 'option 1 length', offset: 79 });
  });

  it('an NS shorter than 24 bytes is bad-length', () => {
    const b = emitFrame(sample('ns from :: (dad)'));
    const cut = Uint8Array.from(b.subarray(0, 14 + 40 + 20));
    cut[19] = 20;
    expect(wireError(() => parseFrame(cut, { checksums: 'ignore' }))).toMatchObject({ code: 'bad-length', layer: 'icmpv6', field: 'type 135 message' });
  });

  it('a DHCP option running past the end is bad-length with its code', () => {
    const b = emitFrame(sample('dhcp ack'));
    const optionsAt = 14 + 20 + 8 + 240;
    b[optionsAt + 4] = 200; // length of option 54 (after 53/1/5)
    expect(wireError(() => parseFrame(b, { checksums: 'ignore' }))).toMatchObject({ code: 'bad-length', layer: 'dhcp', field: 'option 54' });
  });

  it('a TCN BPDU of the wrong size is bad-length', () => {
    const b = emitFrame(sample('stp tcn bpdu'));
    b[13] = 8;
    expect(wireError(() => parseFrame(b))).toMatchObject({ code: 'bad-length', layer: 'stp', field: 'TCN BPDU' });
  });
});

describe('emit refuses impossible reprs', () => {
  it('a payload whose EtherType does not match', () => {
    const f = ethernetFrame(VM_MAC, GW_MAC, arpRequest(GW_MAC, GW_IP, VM_IP));
    expect(wireError(() => emitFrame({ ...f, etherType: 0x0800 }))).toMatchObject({ code: 'bad-value', field: 'ethertype' });
  });

  it('an 802.3 length that does not match the LLC PDU', () => {
    const f = sample('stp tcn bpdu');
    expect(wireError(() => emitFrame({ ...f, etherType: 40 }))).toMatchObject({ code: 'bad-length', field: 'length', expected: '7', actual: '40' });
  });

  it('an IPv4 protocol number that contradicts the payload', () => {
    const f = sample('icmp echo request');
    const ip = f.payload;
    if (ip.kind !== 'ipv4') throw new Error('sample');
    expect(wireError(() => emitFrame({ ...f, payload: { ...ip, protocol: 17 } }))).toMatchObject({ layer: 'ipv4', field: 'protocol' });
  });

  it('an unknown VLAN TPID', () => {
    const f = sample('arp request');
    expect(wireError(() => emitFrame({ ...f, vlanTags: [{ tpid: 0x1234, priority: 0, dropEligible: false, vlanId: 1 }] }))).toMatchObject({ field: 'tpid' });
  });

  it('a raw ND option that is not a multiple of 8 bytes', () => {
    const f = sample('ns with an unknown option (nonce)');
    const ip = f.payload;
    if (ip.kind !== 'ipv6' || ip.payload.kind !== 'icmpv6' || ip.payload.type !== 'ns') throw new Error('sample');
    const ns = { ...ip.payload, options: [{ kind: 'raw' as const, type: 14, data: new Uint8Array(5) }] };
    expect(wireError(() => emitFrame({ ...f, payload: { ...ip, payload: ns } }))).toMatchObject({ layer: 'icmpv6', code: 'bad-length' });
  });

  it('DHCP options after the end option', () => {
    const f = sample('dhcp nak');
    const ip = f.payload;
    if (ip.kind !== 'ipv4' || ip.payload.kind !== 'udp' || ip.payload.payload.kind !== 'dhcp') throw new Error('sample');
    const udp = ip.payload;
    const dhcp = ip.payload.payload;
    const bad = { ...dhcp, options: [...dhcp.options, { kind: 'pad' as const }] };
    expect(wireError(() => emitFrame({ ...f, payload: { ...ip, payload: { ...udp, payload: bad } } }))).toMatchObject({ layer: 'dhcp', field: 'options' });
  });
});
