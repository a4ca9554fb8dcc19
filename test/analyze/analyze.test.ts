/**
 * `analyzeCapture` on captures built here, where the test knows every packet it left out: black holes
 * and lost packets per direction, the mechanism the frames tell, new MACs, new sources (pcapng
 * interface, VLAN, SLL2 interface index), pings counted by sequence number, irregular TCP, ND, DHCP and
 * DAD conflicts in the timeline, copies of one packet on two interfaces, snapshot-length cuts, a file
 * cut short, and a capture with nothing to report.
 */
import { describe, expect, it } from 'vitest';
import { analysisText } from '../../src/analyze/index.js';
import type { CookedFrame, Ipv4Address, MacAddress } from '../../src/wire/index.js';
import {
  LINKTYPE_LINUX_SLL2,
  MAC_BROADCAST,
  arpAnnouncement,
  arpReply,
  arpRequest,
  emitCooked,
  emitFrame,
  ethernetFrame,
  neighborAdvertisement,
  neighborSolicitation,
  parseIpv4,
  parseIpv6,
  parseMac,
  solicitedNodeAddress,
  vlanTag,
} from '../../src/wire/index.js';
import { CaptureBuilder, analyzeBytes, echo4, groupMac, tcp4, times, udp4, udp6 } from '../helpers/captures.js';

const mac = (s: string): MacAddress => parseMac(s)!;
const ip = (s: string): Ipv4Address => parseIpv4(s)!;
const MS = 1e6;
const S = 1e9;

const GW = { mac: mac('02:00:5e:00:00:01'), ip: ip('198.18.0.1'), text: '198.18.0.1' };
const VM = { mac: mac('02:00:00:00:00:0a'), ip: ip('198.18.0.10'), text: '198.18.0.10' };
const PEER = { mac: mac('02:00:00:00:00:14'), ip: ip('198.18.0.20'), text: '198.18.0.20' };
const OTHER = { mac: mac('02:00:00:00:00:1e'), ip: ip('198.18.0.30'), text: '198.18.0.30' };

/** The relative time (s) of an absolute one, the first record being at `first` ns. */
const rel = (ns: number, first: number): number => (ns - first) / S;

describe('a live migration seen on a mirror of the VM side (VLAN 10)', () => {
  // gw→vm at 100/s, lost from 4.000 s to 4.390 s (the VM paused, then its old place); vm→gw at 50/s,
  // silent while paused (4.000 to 4.290 s); three announcements from the resume at 4.300 s; and a
  // flow between two other hosts, so that no MAC is in most frames (the capture is on a path).
  const tag = [vlanTag(10)];
  const b = new CaptureBuilder();
  const down = times(1 * S, 10 * S, 10 * MS, [[4 * S, 4.4 * S]]);
  down.forEach((t, i) => b.frame(t, udp4(GW.mac, VM.mac, GW.ip, VM.ip, i, { vlanTags: tag })));
  const up = times(1 * S, 10 * S, 20 * MS, [[4 * S, 4.3 * S]]);
  up.forEach((t, i) => b.frame(t + 1000, udp4(VM.mac, GW.mac, VM.ip, GW.ip, i, { vlanTags: tag })));
  times(1 * S, 10 * S, 10 * MS).forEach((t, i) => b.frame(t + 3000, udp4(PEER.mac, OTHER.mac, PEER.ip, OTHER.ip, i, { vlanTags: tag })));
  for (const k of [0, 1, 2]) b.frame(4.3 * S + k * 100 * MS + 2000, ethernetFrame(MAC_BROADCAST, VM.mac, arpAnnouncement(VM.mac, VM.ip), { vlanTags: tag }));
  const a = analyzeBytes(b.bytes(), { gateways: [GW.text] });
  const m = a.runs[0]!.migrations.find((x) => x.vm === VM.text)!;
  const first = 1 * S;

  it('finds one move of the VM, and nothing for the others', () => {
    expect(a.summary).toBe('1 move');
    expect(a.runs[0]!.migrations.map((x) => x.vm)).toEqual([VM.text]);
    expect(m.kind).toBe('moved');
    expect(m.evidence.some((e) => e.startsWith('3 × ARP announcement'))).toBe(true);
  });

  it('measures each direction from the last packet before its gap to the first after', () => {
    // gw→vm: last at 3.990 s, next at 4.400 s; vm→gw: last at 3.980 s (+1 µs), next at 4.300 s (+1 µs).
    expect(m.blackHoleMs.gatewayToVm).toBe(410);
    expect(m.blackHoleMs.vmToGateway).toBe(320);
    expect(m.repaired).toEqual({ gatewayToVm: true, vmToGateway: true, peerToVm: null });
    expect(m.basis.gatewayToVm).toBe('measured');
    // The VM is heard again at its resume (its first datagram, 4.300 s + 1 µs): 100 ms of the black
    // hole come after it; it was silent for 320 ms, which is what the capture shows of its downtime.
    expect(m.heardAgainS).toBeCloseTo(rel(4.3 * S + 1000, first), 9);
    expect(m.afterResumeMs.gatewayToVm).toBe(99.999);
    expect(m.downtimeMs).toBe(320);
    // 40 datagrams to the VM, due at 4.000 … 4.390 s: 31 before it was heard again (4.300 s + 1 µs),
    // 9 after; and 15 from it.
    expect(m.lostPackets).toEqual({ 'before-resume': 46, 'after-resume': 9 });
    expect(m.startS).toBeCloseTo(rel(3.98 * S + 1000, first), 9);
  });

  it('says what ended the black hole and where the frames were seen', () => {
    expect(m.mechanism.gatewayToVm).toContain('announcement seen: 3 × ARP announcement from');
    expect(m.mechanism.gatewayToVm).toContain('traffic back 100 ms after the first');
    const timeline = a.timeline.find((t) => t.address === VM.text)!;
    expect(timeline.entries.filter((e) => e.what === 'arp-announcement').map((e) => e.text)).toEqual(
      Array(3).fill('ARP announcement 198.18.0.10 is-at 02:00:00:00:00:0a, broadcast, interface 0, vlan 10'),
    );
    expect(timeline.entries.some((e) => e.what === 'gap-start')).toBe(true);
  });

  it('lists every flow with its gaps and a loss estimate from its rate', () => {
    const flows = a.runs[0]!.flows;
    const toVm = flows.find((f) => f.source === GW.text && f.destination === VM.text)!;
    expect(toVm).toMatchObject({ kind: 'udp', packets: down.length, regular: true, intervalMs: 10, seenAt: 'path', lostPackets: 40 });
    expect(toVm.gaps).toEqual([{ startS: rel(3.99 * S, first), endS: rel(4.4 * S, first), ms: 410, lostPackets: 40, repaired: true }]);
    expect(flows.find((f) => f.source === PEER.text)!.gaps).toEqual([]);
  });

  it('keeps the key order of run\'s migration result', () => {
    expect(Object.keys(m).slice(0, 10)).toEqual(['vm', 'from', 'to', 'startS', 'downtimeMs', 'blackHoleMs', 'afterResumeMs', 'repaired', 'lostPackets', 'staleMs']);
    expect(Object.keys(a.runs[0]!).slice(0, 11)).toEqual(['name', 'arp', 'nd', 'dhcp', 'broadcastFramesReceived', 'broadcastPerHostPeakPps', 'floodedFrames', 'unknownUnicastFloods', 'dadConflicts', 'flows', 'migrations']);
  });

  it('prints a table within 100 columns', () => {
    const text = analysisText(a);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).toContain('198.18.0.10  moved');
  });
});

describe('a VM that comes back with a new MAC, seen at the gateway', () => {
  // The gateway streams to the VM at 50/s; the VM (old MAC) answers ARP at 1 s and is silent from
  // then on; it moves with a new MAC and says nothing. Linux-like, the gateway probes the old MAC
  // three times (6, 7, 8 s), unanswered, then broadcasts at 9 s; the VM answers from its new MAC at
  // 9.001 s and the stream follows it from 9.020 s.
  const NEW = mac('02:aa:00:00:00:0a');
  const b = new CaptureBuilder();
  b.frame(1 * S - 2 * MS, ethernetFrame(MAC_BROADCAST, GW.mac, arpRequest(GW.mac, GW.ip, VM.ip)));
  b.frame(1 * S - 1 * MS, ethernetFrame(GW.mac, VM.mac, arpReply(VM.mac, VM.ip, GW.mac, GW.ip)));
  times(1 * S, 12 * S, 20 * MS).forEach((t, i) => b.frame(t, udp4(GW.mac, t < 9.001 * S ? VM.mac : NEW, GW.ip, VM.ip, i)));
  for (const t of [6, 7, 8]) b.frame(t * S + 5 * MS, ethernetFrame(VM.mac, GW.mac, arpRequest(GW.mac, GW.ip, VM.ip)));
  b.frame(9 * S + 5 * MS, ethernetFrame(MAC_BROADCAST, GW.mac, arpRequest(GW.mac, GW.ip, VM.ip)));
  b.frame(9 * S + 6 * MS, ethernetFrame(GW.mac, NEW, arpReply(NEW, VM.ip, GW.mac, GW.ip)));
  const a = analyzeBytes(b.bytes(), { gateways: [GW.text] });
  const m = a.runs[0]!.migrations[0]!;

  it('reports the move from the old MAC to the new one', () => {
    expect(a.runs[0]!.migrations.length).toBe(1);
    expect(m).toMatchObject({ vm: VM.text, kind: 'moved', from: '02:00:00:00:00:0a', to: '02:aa:00:00:00:0a', macs: ['02:00:00:00:00:0a', '02:aa:00:00:00:0a'] });
    expect(a.captureHosts).toEqual(['02:00:5e:00:00:01']);
  });

  it('cannot see whether the stream arrived, but tells the resolution that ended it', () => {
    expect(m.basis.gatewayToVm).toBe('not-visible');
    expect(m.blackHoleMs.gatewayToVm).toBeNull();
    const story = m.mechanism.gatewayToVm!;
    expect(story).toContain('no announcement seen');
    expect(story).toContain('3 unicast ARP probes to 02:00:00:00:00:0a unanswered');
    expect(story).toContain('answered by 02:aa:00:00:00:0a (the new MAC)');
  });

  it('measures how long the gateway kept sending to the old MAC after the new one was heard', () => {
    // Heard at 9.006 s; the first datagram to the new MAC is the one at 9.020 s.
    expect(m.staleMs).toEqual({ [GW.text]: 14 });
  });
});

describe('a MAC seen from a new place', () => {
  function moving(where: (before: boolean) => { interfaceId: number; vlan?: number }): Uint8Array {
    const b = new CaptureBuilder();
    times(1 * S, 8 * S, 20 * MS, [[4 * S, 4.3 * S]]).forEach((t, i) => {
      const w = where(t < 4 * S);
      b.frame(t, udp4(VM.mac, GW.mac, VM.ip, GW.ip, i, w.vlan === undefined ? {} : { vlanTags: [vlanTag(w.vlan)] }), w.interfaceId);
      b.frame(t + 10_000, udp4(GW.mac, VM.mac, GW.ip, VM.ip, i, w.vlan === undefined ? {} : { vlanTags: [vlanTag(w.vlan)] }), 2);
    });
    return b.bytes({ format: 'pcapng', interfaces: 3 });
  }

  it('pcapng interfaces: the VM leaves interface 0 and appears on interface 1', () => {
    const a = analyzeBytes(moving((before) => ({ interfaceId: before ? 0 : 1 })), { vms: [VM.text] });
    expect(a.interfaces).toBe(3);
    const m = a.runs[0]!.migrations[0]!;
    expect(m).toMatchObject({ kind: 'moved', from: 'interface 0', to: 'interface 1' });
    expect(m.evidence.find((e) => e.includes('seen at interface 1'))).toBeDefined();
  });

  it('VLANs: the VM leaves VLAN 10 for VLAN 20', () => {
    const a = analyzeBytes(moving((before) => ({ interfaceId: 0, vlan: before ? 10 : 20 })), { vms: [VM.text] });
    expect(a.runs[0]!.migrations[0]).toMatchObject({ kind: 'moved', from: 'interface 0, vlan 10', to: 'interface 0, vlan 20' });
  });

  it('Linux cooked v2: the VM\'s frames come in on ifindex 3, then ifindex 4', () => {
    const b = new CaptureBuilder();
    const cooked = (frame: ReturnType<typeof udp4>, ifindex: number, packetType: number): Uint8Array => {
      const address = new Uint8Array(8);
      address.set(emitFrame(frame).subarray(6, 12));
      const c: CookedFrame = {
        kind: 'sll2', reserved: 0, interfaceIndex: ifindex, hardwareType: 1, packetType, linkLayerAddressLength: 6,
        linkLayerAddress: address, vlanTags: [], protocolType: frame.etherType, payload: frame.payload, trailer: new Uint8Array(0),
      };
      return emitCooked(c);
    };
    times(1 * S, 8 * S, 20 * MS, [[4 * S, 4.3 * S]]).forEach((t, i) => b.frame(t, cooked(udp4(VM.mac, GW.mac, VM.ip, GW.ip, i), t < 4 * S ? 3 : 4, 0)));
    // What we send keeps going out, first towards ifindex 3, then 4.
    times(1 * S, 8 * S, 20 * MS).forEach((t, i) => b.frame(t + 10_000, cooked(udp4(GW.mac, VM.mac, GW.ip, VM.ip, i), t < 4.3 * S ? 3 : 4, 4)));
    const a = analyzeBytes(b.bytes({ linkType: LINKTYPE_LINUX_SLL2 }), { vms: [VM.text], gateways: [GW.text] });
    expect(a.linkTypes).toEqual(['linux-sll2']);
    const m = a.runs[0]!.migrations[0]!;
    expect(m).toMatchObject({ kind: 'moved', from: 'interface 0, ifindex 3', to: 'interface 0, ifindex 4' });
    // The packet types tell where each flow was captured: the VM's arrives here, ours is sent from here.
    const flows = a.runs[0]!.flows;
    expect(flows.find((f) => f.source === VM.text)!.seenAt).toBe('receiver');
    expect(flows.find((f) => f.source === GW.text)!.seenAt).toBe('sender');
    // The VM's datagrams stop while it moves (15 at 20 ms from 4.000 s to 4.280 s).
    expect(m.blackHoleMs.vmToGateway).toBe(320);
    expect(m.lostPackets).toEqual({ 'before-resume': 15 });
  });
});

describe('pings', () => {
  it('count lost requests by sequence number and measure from reply to reply', () => {
    // The gateway pings the VM 10 times a second; requests 30 to 35 (4.0 to 4.5 s) get no reply. The
    // VM pings the gateway once a second and, paused, skips sequence numbers 3 and 4.
    const b = new CaptureBuilder();
    times(1 * S, 8 * S, 100 * MS).forEach((t, seq) => {
      b.frame(t, echo4(GW.mac, VM.mac, GW.ip, VM.ip, 8, 7, seq));
      if (t < 4 * S || t >= 4.6 * S) b.frame(t + 1 * MS, echo4(VM.mac, GW.mac, VM.ip, GW.ip, 0, 7, seq));
    });
    for (let seq = 0; seq < 7; seq++) {
      if (seq === 3 || seq === 4) continue;
      b.frame(1 * S + seq * S + 500 * MS, echo4(VM.mac, GW.mac, VM.ip, GW.ip, 8, 9, seq));
      b.frame(1 * S + seq * S + 501 * MS, echo4(GW.mac, VM.mac, GW.ip, VM.ip, 0, 9, seq));
    }
    const a = analyzeBytes(b.bytes(), { vms: [VM.text], gateways: [GW.text] });
    const flows = a.runs[0]!.flows;
    const gwPing = flows.find((f) => f.kind === 'ping' && f.source === GW.text)!;
    expect(gwPing).toMatchObject({ packets: 70, replies: 64, lostPackets: 6, sourcePort: 7, destinationPort: null });
    // The last reply before: to the request at 3.9 s; the first after: to the one at 4.6 s.
    expect(gwPing.gaps.map((g) => [g.ms, g.lostPackets])).toEqual([[700, 6]]);
    const vmPing = flows.find((f) => f.kind === 'ping' && f.source === VM.text)!;
    expect(vmPing.gaps.map((g) => [g.ms, g.lostPackets])).toEqual([[3000, 2]]);
    const m = a.runs[0]!.migrations[0]!;
    expect(m.blackHoleMs.gatewayToVm).toBe(700);
    expect(m.flows.gatewayToVm).toBe('198.18.0.1 → 198.18.0.10 ping id 7');
  });
});

describe('TCP', () => {
  it('an irregular flow has a gap only where it was silent for long: 300 ms, packets lost unknown', () => {
    const b = new CaptureBuilder();
    let seq = 0;
    // Bursts of 10 segments 10 µs apart every 10 ms, none from 3.0 to 3.3 s.
    for (const burst of times(1 * S, 5 * S, 10 * MS, [[3 * S, 3.3 * S]])) {
      for (let k = 0; k < 10; k++) {
        b.frame(burst + k * 10_000, tcp4(PEER.mac, GW.mac, PEER.ip, GW.ip, 50000, 443, seq, 1460));
        seq += 1460;
      }
    }
    const a = analyzeBytes(b.bytes());
    const f = a.runs[0]!.flows[0]!;
    expect(f).toMatchObject({ kind: 'tcp', regular: false, sourcePort: 50000, destinationPort: 443 });
    expect(f.gaps.map((g) => [g.ms, g.lostPackets])).toEqual([[300 + 10 - 0.09, null]]);
  });
});

describe('ND, DHCP and conflicts in the timeline', () => {
  const VM6 = parseIpv6('2001:db8::a')!;
  const GW6 = parseIpv6('2001:db8::1')!;
  const INTRUDER = mac('02:00:00:00:00:99');
  const b = new CaptureBuilder();
  const nd = (t: number, src: MacAddress, dst: MacAddress, packet: Parameters<typeof ethernetFrame>[2]): void => { b.frame(t, ethernetFrame(dst, src, packet)); };
  nd(1 * S, VM.mac, groupMac(solicitedNodeAddress(VM6)), neighborSolicitation(parseIpv6('::')!, VM6, VM.mac));
  nd(2 * S, VM.mac, groupMac(parseIpv6('ff02::1')!), neighborAdvertisement(VM6, VM6, VM.mac, { solicited: false, override: true }));
  nd(3 * S, GW.mac, groupMac(solicitedNodeAddress(VM6)), neighborSolicitation(GW6, VM6, GW.mac));
  nd(3 * S + 1 * MS, VM.mac, GW.mac, neighborAdvertisement(VM6, VM6, VM.mac, { solicited: true, override: true }, GW6));
  // Another host's DAD for the same address, defended by the VM: one conflict (RFC 4862 §5.4.4).
  nd(5 * S, INTRUDER, groupMac(solicitedNodeAddress(VM6)), neighborSolicitation(parseIpv6('::')!, VM6, INTRUDER));
  nd(5 * S + 2 * MS, VM.mac, groupMac(parseIpv6('ff02::1')!), neighborAdvertisement(VM6, VM6, VM.mac, { solicited: false, override: true }));
  // IPv6 data, so that the address has a flow too.
  times(1 * S, 6 * S, 100 * MS).forEach((t, i) => b.frame(t + 50 * MS, udp6(GW.mac, VM.mac, GW6, VM6, i)));
  const a = analyzeBytes(b.bytes());
  const run = a.runs[0]!;

  it('counts each form', () => {
    expect(run.nd).toEqual({ ns: 1, na: 3, dadNs: 2, unsolicitedNa: 2 });
    expect(run.dadConflicts).toBe(1);
  });

  it('lists them under the address, in time order', () => {
    const t = a.timeline.find((x) => x.address === '2001:db8::a')!;
    expect(t.entries.map((e) => e.what)).toEqual(['dad-ns', 'na-unsolicited', 'ns', 'na-solicited', 'dad-ns', 'na-unsolicited']);
    expect(t.entries[3]!.text).toBe('solicited NA 2001:db8::a is-at 02:00:00:00:00:0a [SO], to 02:00:5e:00:00:01');
    expect(t.macs).toEqual(['02:00:00:00:00:0a']);
  });
});

describe('what real captures carry', () => {
  const stream = (): CaptureBuilder => {
    const b = new CaptureBuilder();
    times(1 * S, 6 * S, 10 * MS, [[3 * S, 3.2 * S]]).forEach((t, i) => b.frame(t, udp4(GW.mac, VM.mac, GW.ip, VM.ip, i, { size: 1000 })));
    b.frame(3.2 * S - 1, ethernetFrame(MAC_BROADCAST, VM.mac, arpAnnouncement(VM.mac, VM.ip)));
    b.frame(3.3 * S, ethernetFrame(MAC_BROADCAST, VM.mac, arpAnnouncement(VM.mac, VM.ip)));
    return b;
  };
  const full = analyzeBytes(stream().bytes(), { vms: [VM.text] });

  it('frames cut by the snapshot length still give their flows, gaps and ARP', () => {
    const cut = analyzeBytes(stream().bytes({ snapLength: 54 }), { vms: [VM.text] });
    expect(cut.runs[0]!.flows).toEqual(full.runs[0]!.flows);
    expect(cut.runs[0]!.arp).toEqual(full.runs[0]!.arp);
    expect(cut.warnings).toEqual([]);
    expect(full.runs[0]!.flows[0]!.gaps.map((g) => [g.ms, g.lostPackets])).toEqual([[210, 20]]);
  });

  it('a capture cut in the middle of a record is analysed up to there, with one warning', () => {
    const bytes = stream().bytes();
    const cut = analyzeBytes(bytes.subarray(0, bytes.length - 300), { vms: [VM.text] });
    expect(cut.frames).toBe(full.frames - 1);
    expect(cut.warnings.length).toBe(1);
    expect(cut.warnings[0]).toMatch(/^the capture ends in the middle of a record \(pcap: truncated record data/);
    expect(cut.runs[0]!.migrations.length).toBe(1);
  });

  it('a packet captured on two interfaces counts once', () => {
    const b = stream();
    for (const e of [...b.entries]) b.entries.push({ ...e, t: e.t + 20_000, interfaceId: 1 });
    const twice = analyzeBytes(b.bytes({ format: 'pcapng', interfaces: 2 }), { vms: [VM.text] });
    const f = twice.runs[0]!.flows[0]!;
    expect(f.packets).toBe(full.runs[0]!.flows[0]!.packets);
    expect(f.gaps.map((g) => g.lostPackets)).toEqual([20]);
    expect(twice.runs[0]!.arp.gratuitous).toBe(2);
  });

  it('a capture with no move and no gap says so', () => {
    const b = new CaptureBuilder();
    times(1 * S, 4 * S, 10 * MS).forEach((t, i) => b.frame(t, udp4(GW.mac, VM.mac, GW.ip, VM.ip, i)));
    const a = analyzeBytes(b.bytes());
    expect(a.summary).toBe('no move and no gap');
    expect(analysisText(a)).toContain('No move and no gap: 1 flows, none with a gap; no address changed MAC or place.');
  });
});
