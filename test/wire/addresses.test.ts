/**
 * Address values: MAC, IPv4 and IPv6 text and bytes, the group/broadcast tests, and the IPv6
 * multicast mappings (RFC 4291 §2.7.1, RFC 2464 §7) with the reference's worked example.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { MacAddress } from '../../src/wire/index.js';
import {
  formatIpv4,
  formatMac,
  ipv4InSubnet,
  ipv6MulticastMac,
  isBroadcastMac,
  isGroupMac,
  isLinkLocalIpv6,
  isLocalMac,
  isMulticastIpv4,
  isMulticastIpv6,
  isMulticastMac,
  isSolicitedNodeAddress,
  parseIpv4,
  parseIpv6,
  parseMac,
  readIpv6,
  readMac,
  solicitedNodeAddress,
  writeIpv6,
  writeMac,
} from '../../src/wire/index.js';
import { RUNS, ipv6, mac } from '../helpers/arbitraries.js';

describe('MAC addresses', () => {
  it('formats lower-case colon hex and parses it back, for every 48-bit value', () => {
    fc.assert(fc.property(mac, (m) => {
      const text = formatMac(m);
      expect(text).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(parseMac(text)).toBe(m);
      expect(parseMac(text.toUpperCase().replaceAll(':', '-'))).toBe(m);
      const b = new Uint8Array(8);
      writeMac(b, 1, m);
      expect(readMac(b, 1)).toBe(m);
    }), { numRuns: RUNS });
  });

  it('rejects malformed text', () => {
    for (const bad of ['', '02:00:00:00:00', '02:00:00:00:00:00:00', 'gg:00:00:00:00:00', '020000000000', '02:00:00:00:00:100']) {
      expect(parseMac(bad)).toBeUndefined();
    }
  });

  it('tells group, broadcast, multicast and locally administered addresses (I/G and U/L bits)', () => {
    const m = (s: string): MacAddress => parseMac(s)!;
    expect(isBroadcastMac(m('ff:ff:ff:ff:ff:ff'))).toBe(true);
    expect(isGroupMac(m('ff:ff:ff:ff:ff:ff'))).toBe(true);
    expect(isMulticastMac(m('ff:ff:ff:ff:ff:ff'))).toBe(false);
    expect(isMulticastMac(m('33:33:00:00:00:01'))).toBe(true);
    expect(isMulticastMac(m('01:80:c2:00:00:00'))).toBe(true);
    expect(isGroupMac(m('02:00:5e:10:00:01'))).toBe(false);
    expect(isLocalMac(m('02:00:5e:10:00:01'))).toBe(true);
    expect(isLocalMac(m('00:1b:21:0a:0b:0c'))).toBe(false);
  });
});

describe('IPv4 addresses', () => {
  it('formats and parses dotted decimal for every 32-bit value', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
      const text = formatIpv4(v as never);
      expect(text).toBe(ipaddr.fromByteArray([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]).toString());
      expect(parseIpv4(text)).toBe(v);
    }), { numRuns: RUNS });
  });

  it('accepts only four decimal parts', () => {
    for (const bad of ['198.18.0', '198.18.0.1.1', '0x7f.0.0.1', '198.18.0.256', '', 'a.b.c.d']) expect(parseIpv4(bad)).toBeUndefined();
  });

  it('subnets and multicast', () => {
    expect(ipv4InSubnet(parseIpv4('198.18.3.4')!, parseIpv4('198.18.0.0')!, 15)).toBe(true);
    expect(ipv4InSubnet(parseIpv4('198.20.0.1')!, parseIpv4('198.18.0.0')!, 15)).toBe(false);
    expect(ipv4InSubnet(parseIpv4('8.8.8.8')!, parseIpv4('0.0.0.0')!, 0)).toBe(true);
    expect(isMulticastIpv4(parseIpv4('224.0.0.251')!)).toBe(true);
    expect(isMulticastIpv4(parseIpv4('198.18.0.1')!)).toBe(false);
  });
});

describe('IPv6 addresses', () => {
  it('formats bytes as RFC 5952 text, the same as ipaddr.js, and round-trips', () => {
    fc.assert(fc.property(ipv6, (a) => {
      const bytes = Uint8Array.from(ipaddr.parse(a).toByteArray());
      const reference = ipaddr.fromByteArray(Array.from(bytes)) as ipaddr.IPv6;
      if (!reference.isIPv4MappedAddress()) expect(a).toBe(reference.toRFC5952String());
      const out = new Uint8Array(18);
      writeIpv6(out, 2, a);
      expect(readIpv6(out, 2)).toBe(a);
      expect(parseIpv6(a)).toBe(a);
    }), { numRuns: RUNS });
  });

  it('follows RFC 5952: lower case, no leading zeros, longest zero run, first on a tie, no :: for one group, mapped IPv4', () => {
    expect(parseIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(parseIpv6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(parseIpv6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(parseIpv6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(parseIpv6('::ffff:198.18.0.1')).toBe('::ffff:198.18.0.1');
    expect(parseIpv6('0:0:0:0:0:0:0:0')).toBe('::');
    expect(parseIpv6('fe80::1%eth0')).toBeUndefined();
    expect(parseIpv6('2001:db8::g')).toBeUndefined();
  });

  it('solicited-node group and its 33:33 MAC: the reference example 2001:db8::1:2:3', () => {
    const group = solicitedNodeAddress(parseIpv6('2001:db8::1:2:3')!);
    expect(group).toBe('ff02::1:ff02:3');
    expect(isSolicitedNodeAddress(group)).toBe(true);
    expect(formatMac(ipv6MulticastMac(group))).toBe('33:33:ff:02:00:03');
    expect(formatMac(ipv6MulticastMac(parseIpv6('ff02::1')!))).toBe('33:33:00:00:00:01');
    expect(formatMac(ipv6MulticastMac(parseIpv6('ff02::2')!))).toBe('33:33:00:00:00:02');
  });

  it('classifies multicast and link-local', () => {
    expect(isMulticastIpv6(parseIpv6('ff02::1')!)).toBe(true);
    expect(isMulticastIpv6(parseIpv6('2001:db8::1')!)).toBe(false);
    expect(isLinkLocalIpv6(parseIpv6('fe80::1')!)).toBe(true);
    expect(isLinkLocalIpv6(parseIpv6('fec0::1')!)).toBe(false);
    expect(isSolicitedNodeAddress(parseIpv6('ff02::1')!)).toBe(false);
  });
});
