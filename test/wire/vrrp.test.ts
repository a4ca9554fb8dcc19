/**
 * VRRPv3 advertisements (RFC 5798 §5): checked by tshark (fields and checksum, over IPv4 and IPv6),
 * parse(emit(x)) = x, and the errors a damaged advertisement gets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PseudoHeader } from '../../src/wire/index.js';
import { AtomicFileSink, PcapWriter, VRRP_IPV4_GROUP, VRRP_IPV6_GROUP, WireError, emitFrame, parseVrrp, vrrpBytes } from '../../src/wire/index.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';
import { VRRP_SRC4 as SRC4, VRRP_SRC6 as SRC6, VRRP_VIP4 as VIP4, VRRP_VIP6 as VIP6, vrrpAdvert as advert, vrrpFrame4 as frame4, vrrpFrame6 as frame6 } from '../helpers/vrrp-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-vrrp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('VRRPv3 advertisements', () => {
  it('tshark decodes what we emit, over IPv4 and IPv6, field by field, with a good checksum', () => {
    const path = join(dir, 'vrrp.pcap');
    const writer = new PcapWriter(new AtomicFileSink(path));
    writer.write(1_800_000_000, 0, emitFrame(frame4(advert(VIP4))));
    writer.write(1_800_000_001, 0, emitFrame(frame6(advert(VIP6, 9, 100))));
    writer.close();
    const [f4, f6] = tsharkFields(path);
    for (const f of [f4!, f6!]) {
      expect(tsharkProblems(f)).toEqual([]);
      expect(f.get('vrrp.version')).toEqual(['3']);
      expect(f.get('vrrp.type')).toEqual(['1']);
      expect(f.get('vrrp.checksum.status')).toEqual(['1']);
      expect(f.get('vrrp.short_adver_int')).toEqual(['100']);
      expect(f.get('vrrp.reserved_mbz')).toEqual(['0']);
    }
    expect([f4!.get('vrrp.virt_rtr_id'), f4!.get('vrrp.prio'), f4!.get('vrrp.addr_count'), f4!.get('vrrp.ip_addr')])
      .toEqual([['7'], ['200'], ['2'], ['198.18.0.1', '198.18.0.254']]);
    expect(f4!.get('eth.src')).toEqual(['00:00:5e:00:01:07']);
    expect(f4!.get('eth.dst')).toEqual(['01:00:5e:00:00:12']);
    expect([f6!.get('vrrp.virt_rtr_id'), f6!.get('vrrp.prio'), f6!.get('vrrp.addr_count'), f6!.get('vrrp.ipv6_addr')])
      .toEqual([['9'], ['100'], ['1'], ['2001:db8::1']]);
    expect(f6!.get('eth.src')).toEqual(['00:00:5e:00:02:09']);
    expect(f6!.get('eth.dst')).toEqual(['33:33:00:00:00:12']);
  });

  it('parse(emit(x)) = x for every family, and damage is a located WireError', () => {
    const pseudo4: PseudoHeader = { kind: 'ipv4', source: SRC4, destination: VRRP_IPV4_GROUP };
    const pseudo6: PseudoHeader = { kind: 'ipv6', source: SRC6, destination: VRRP_IPV6_GROUP };
    for (const [ad, pseudo] of [[advert(VIP4), pseudo4], [advert(VIP6, 1, 255), pseudo6], [advert([], 255, 0), pseudo4]] as const) {
      const bytes = vrrpBytes(ad, pseudo);
      expect(bytes.length).toBe(8 + ad.addresses.length * (pseudo.kind === 'ipv4' ? 4 : 16));
      expect(parseVrrp(bytes, 0, bytes.length, pseudo)).toEqual(ad);
    }
    const bytes = vrrpBytes(advert(VIP4), pseudo4);
    const damaged = (at: number, value: number): Uint8Array => {
      const b = bytes.slice();
      b[at] = value;
      return b;
    };
    const error = (b: Uint8Array, end = b.length): WireError => {
      try {
        parseVrrp(b, 0, end, pseudo4);
      } catch (e) {
        return e as WireError;
      }
      throw new Error('parsed');
    };
    expect([error(damaged(0, 0x21)).code, error(damaged(0, 0x21)).field]).toEqual(['unsupported', 'version']);
    expect(error(damaged(0, 0x32)).field).toBe('type');
    expect(error(damaged(3, 3)).code).toBe('bad-length');
    expect(error(damaged(9, bytes[9]! ^ 1)).code).toBe('bad-checksum');
    expect(error(bytes, 6).code).toBe('truncated');
    // With checksums ignored, a damaged one is kept in the repr.
    const kept = parseVrrp(damaged(7, bytes[7]! ^ 0xff), 0, bytes.length, pseudo4, { checksums: 'ignore' });
    expect(kept.checksum).toBe(((bytes[6]! << 8) | bytes[7]!) ^ 0xff);
  });
});
