/**
 * `decode`: the JSON fast path writes exactly what the plain path writes (on generated, damaged and
 * captured frames); the JSON agrees with tshark on a real Linux capture and on every sample message;
 * bad frames get an `error` and the listing goes on.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeCounts } from '../../src/analyze/index.js';
import { decodeCapture } from '../../src/analyze/index.js';
import { BufferedSink, PcapWriter, PcapngWriter, captureFromBytes, emitFrame, openCapture } from '../../src/wire/index.js';
import { RUNS, ethernetFrame } from '../helpers/arbitraries.js';
import { goldenPath } from '../helpers/golden.js';
import { SAMPLE_FRAMES } from '../helpers/sample-frames.js';
import { tsharkFields } from '../helpers/tshark.js';
import { VRRP_VIP4, VRRP_VIP6, vrrpAdvert, vrrpFrame4, vrrpFrame6 } from '../helpers/vrrp-frames.js';

function capture(frames: Uint8Array[], options: { ng?: boolean; seconds?: number } = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const sink = new BufferedSink((c) => chunks.push(Uint8Array.from(c)));
  const seconds = options.seconds ?? 1_800_000_000;
  if (options.ng === true) {
    const w = new PcapngWriter(sink);
    w.addInterface({ linkType: 1 });
    w.addInterface({ linkType: 1 });
    frames.forEach((f, i) => w.write(i % 2, seconds, i * 1001, f));
    w.close();
  } else {
    const w = new PcapWriter(sink);
    frames.forEach((f, i) => w.write(seconds + i, (i * 7_919_993) % 1e9, f));
    w.close();
  }
  return Buffer.concat(chunks);
}

function decode(bytes: Uint8Array, json: boolean, fastPath = true): { text: string; counts: DecodeCounts } {
  const chunks: Buffer[] = [];
  const counts = decodeCapture(captureFromBytes(bytes), { json, fastPath, write: (c) => chunks.push(Buffer.from(c)) });
  return { text: Buffer.concat(chunks).toString('utf8'), counts };
}

function damage(bytes: Uint8Array, flips: Array<{ at: number; value: number }>, cut: number | undefined): Uint8Array {
  const b = Uint8Array.from(bytes);
  for (const f of flips) b[f.at % b.length] = f.value;
  return cut === undefined ? b : b.subarray(0, Math.max(0, b.length - (cut % (b.length + 1))));
}

describe('JSON fast path = plain path', () => {
  it('identical lines for generated frames, with and without damage, in pcap and pcapng, for small and epoch times', () => {
    let fast = 0;
    let total = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ethernetFrame, fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 2 }), fc.option(fc.nat(80), { nil: undefined })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.constantFrom(0, 3, 9_007_199, 9_007_200, 1_800_000_000),
        (items, ng, seconds) => {
          const frames = items.map(([f, flips, cut]) => damage(emitFrame(f), flips, cut));
          const file = capture(frames, { ng, seconds });
          const a = decode(file, true, true);
          const b = decode(file, true, false);
          expect(a.text).toBe(b.text);
          fast += a.counts.fast;
          total += a.counts.frames;
        },
      ),
      { numRuns: RUNS },
    );
    // Not vacuous: the fast path took a good share of the generated frames.
    expect(fast / total).toBeGreaterThan(0.2);
  });

  it('every sample message and every frame of the Linux capture goes through the fast path, identically', () => {
    const samples = capture(SAMPLE_FRAMES.map(([, f]) => emitFrame(f)));
    const fast = decode(samples, true);
    expect(fast.counts.fast).toBe(SAMPLE_FRAMES.length);
    expect(fast.text).toBe(decode(samples, true, false).text);
    const chunks: Buffer[] = [];
    const golden = decodeCapture(openCapture(goldenPath('linux-6.18-veth.pcap')), { json: true, write: (c) => chunks.push(Buffer.from(c)) });
    const plain: Buffer[] = [];
    decodeCapture(openCapture(goldenPath('linux-6.18-veth.pcap')), { json: true, fastPath: false, write: (c) => plain.push(Buffer.from(c)) });
    expect(golden.fast).toBe(29);
    expect(Buffer.concat(chunks).equals(Buffer.concat(plain))).toBe(true);
  });
});

type Line = Record<string, Record<string, unknown> | number | string | undefined>;

describe('decode JSON agrees with tshark', () => {
  const check = (path: string): void => {
    const chunks: Buffer[] = [];
    decodeCapture(openCapture(path), { json: true, write: (c) => chunks.push(Buffer.from(c)) });
    const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    const shark = tsharkFields(path);
    expect(lines.length).toBe(shark.length);
    lines.forEach((line, i) => {
      const t = shark[i]!;
      const first = (name: string): string | undefined => t.get(name)?.[0];
      const eth = line['eth'] as Record<string, unknown>;
      expect([eth['src'], eth['dst']]).toEqual([first('eth.src'), first('eth.dst')]);
      expect(line['length']).toBe(Number(first('frame.len')));
      const arp = line['arp'] as Record<string, unknown> | undefined;
      if (arp) {
        expect([arp['opcode'], arp['senderMac'], arp['senderIp'], arp['targetMac'], arp['targetIp']])
          .toEqual([Number(first('arp.opcode')), first('arp.src.hw_mac'), first('arp.src.proto_ipv4'), first('arp.dst.hw_mac'), first('arp.dst.proto_ipv4')]);
        expect(arp['form'] === 'announcement').toBe(first('arp.isannouncement') === '1');
      }
      const ipv4 = line['ipv4'] as Record<string, unknown> | undefined;
      if (ipv4) expect([ipv4['src'], ipv4['dst'], ipv4['ttl']]).toEqual([first('ip.src'), first('ip.dst'), Number(first('ip.ttl'))]);
      const ipv6 = line['ipv6'] as Record<string, unknown> | undefined;
      if (ipv6) expect([ipv6['src'], ipv6['dst'], ipv6['hopLimit']]).toEqual([first('ipv6.src'), first('ipv6.dst'), Number(first('ipv6.hlim'))]);
      const icmpv6 = line['icmpv6'] as Record<string, unknown> | undefined;
      if (icmpv6 && icmpv6['type'] !== 'other') {
        expect(icmpv6['target'] ?? undefined).toBe(first('icmpv6.nd.ns.target_address') ?? first('icmpv6.nd.na.target_address') ?? first('icmpv6.nd.rd.target_address'));
        expect(icmpv6['sourceLinkLayer'] ?? undefined).toBe(first('icmpv6.opt.src_linkaddr'));
        expect(icmpv6['targetLinkLayer'] ?? undefined).toBe(first('icmpv6.opt.target_linkaddr'));
        if (icmpv6['type'] === 'na') {
          expect([icmpv6['router'], icmpv6['solicited'], icmpv6['override']]).toEqual(['r', 's', 'o'].map((f) => first(`icmpv6.nd.na.flag.${f}`) === '1'));
        }
      }
      const dhcp = line['dhcp'] as Record<string, unknown> | undefined;
      if (dhcp) {
        expect(dhcp['yourIp']).toBe(first('dhcp.ip.your'));
        expect(dhcp['clientMac']).toBe(first('dhcp.hw.mac_addr'));
      }
      const stp = line['stp'] as Record<string, unknown> | undefined;
      if (stp && stp['type'] !== 'tcn') expect(stp['rootPathCost']).toBe(Number(first('stp.root.cost')));
    });
  };

  it('on the Linux 6.18 capture', () => check(goldenPath('linux-6.18-veth.pcap')));

  it('on every sample message', () => {
    const path = `${process.env['TMPDIR'] ?? '/tmp'}/arpshift-decode-samples-${process.pid}.pcap`;
    const file = capture(SAMPLE_FRAMES.map(([, f]) => emitFrame(f)));
    execFileSync('sh', ['-c', `cat > ${path}`], { input: file });
    try {
      check(path);
    } finally {
      execFileSync('rm', ['-f', path]);
    }
  });
});

describe('decode output', () => {
  it('text lines read like tcpdump', () => {
    const chunks: Buffer[] = [];
    decodeCapture(openCapture(goldenPath('linux-6.18-veth.pcap')), { json: false, write: (c) => chunks.push(Buffer.from(c)) });
    const lines = Buffer.concat(chunks).toString().trim().split('\n');
    expect(lines.length).toBe(29);
    expect(lines[0]).toMatch(/^\d+\.\d{9} 02:00:00:00:00:0a > ff:ff:ff:ff:ff:ff, ARP, Announcement 198\.18\.0\.1, length 42$/);
    expect(lines[16]).toContain('ARP, Request who-has 198.18.0.2 tell 198.18.0.1');
    expect(lines[21]).toContain('neighbor advertisement, tgt is 2001:db8::b, Flags [solicited, override]');
  });

  it('a frame that does not parse gets an error and the listing goes on', () => {
    const good = emitFrame(SAMPLE_FRAMES[0]![1]);
    const bad = Uint8Array.from(emitFrame(SAMPLE_FRAMES.find(([n]) => n === 'icmp echo request')![1]));
    bad[36] = bad[36]! ^ 0xff;
    const { text, counts } = decode(capture([good, bad, good.subarray(0, 9), good]), true);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(counts).toMatchObject({ frames: 4, errors: 2 });
    expect(lines[1]!['error']).toMatchObject({ code: 'bad-checksum', layer: 'icmpv4', field: 'checksum', offset: 36 });
    expect((lines[1]!['eth'] as Record<string, unknown>)['type']).toBe(0x0800);
    expect(lines[2]!['error']).toMatchObject({ code: 'truncated', layer: 'ethernet', offset: 0 });
    expect(lines[2]!['eth']).toBeUndefined();
    expect(lines[3]!['arp']).toBeDefined();
    expect(lines.map((l) => l['index'])).toEqual([0, 1, 2, 3]);
  });

  it('timeNs is a number up to 2^53 and a decimal string beyond', () => {
    const f = emitFrame(SAMPLE_FRAMES[0]![1]);
    const small = JSON.parse(decode(capture([f], { seconds: 12 }), true).text) as Line;
    expect(small['timeNs']).toBe(12_000_000_000);
    const epoch = JSON.parse(decode(capture([f], { seconds: 1_800_000_000 }), true).text) as Line;
    expect(epoch['timeNs']).toBe('1800000000000000000');
  });
});

describe('decode of VRRP advertisements', () => {
  it('names the layer in text and JSON, the fast path agreeing with the plain one; a bad checksum is flagged', () => {
    const good4 = emitFrame(vrrpFrame4(vrrpAdvert(VRRP_VIP4)));
    const bad4 = good4.slice();
    bad4[14 + 20 + 7] = bad4[14 + 20 + 7]! ^ 0xff; // the VRRP checksum's low byte
    const bytes = capture([good4, emitFrame(vrrpFrame6(vrrpAdvert(VRRP_VIP6, 9, 100))), bad4]);
    const json = decode(bytes, true).text;
    expect(decode(bytes, true, false).text).toBe(json);
    const rows = json.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r['vrrp'])).toEqual([
      { version: 3, vrid: 7, priority: 200, maxAdvertInterval: 100, addresses: ['198.18.0.1', '198.18.0.254'], checksumOk: true },
      { version: 3, vrid: 9, priority: 100, maxAdvertInterval: 100, addresses: ['2001:db8::1'], checksumOk: true },
      { version: 3, vrid: 7, priority: 200, maxAdvertInterval: 100, addresses: ['198.18.0.1', '198.18.0.254'], checksumOk: false },
    ]);
    const text = decode(bytes, false).text.trim().split('\n');
    expect(text[0]).toContain('IP 198.18.0.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 7, prio 200, intvl 100cs, addrs: 198.18.0.1, 198.18.0.254, length 16');
    expect(text[1]).toContain('IP6 2001:db8::2 > ff02::12: VRRPv3, Advertisement, vrid 9, prio 100');
  });
});
