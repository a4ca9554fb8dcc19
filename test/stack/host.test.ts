/**
 * Hosts on a switch, run by the kernel: timings computed from each profile's own parameters (Linux
 * net/core/neighbour.c, RFC 4861 §7.3 and §10, RFC 5227 §2).
 */
import { describe, expect, it } from 'vitest';
import type { ImplementationProfile } from '../../src/stack/profiles/index.js';
import { fact, linuxProfile, RFC4861_PROFILE } from '../../src/stack/profiles/index.js';
import { PingFlow } from '../../src/stack/index.js';
import type { ArpPacket, Icmpv6Message } from '../../src/wire/index.js';
import { classifyArp } from '../../src/wire/index.js';
import { lan } from '../helpers/stack.js';
import { ip4, ip6, mac } from '../helpers/sample-frames.js';

const S = 1e9;
const A = ip4('198.18.0.1');
const B = ip4('198.18.0.2');
const ABSENT = ip4('198.18.0.99');

function arpSent(l: ReturnType<typeof lan>, node: string): Array<{ time: number; arp: ArpPacket; dst: number }> {
  return l.sentBy(node).flatMap(({ time, frame }) => (frame.eth.payload.kind === 'arp' ? [{ time, arp: frame.eth.payload, dst: frame.eth.destination }] : []));
}

/** Linux with timers that fire when due: these tests follow the state machine (the wheel's lateness is tested in neighbor-cache.test.ts). */
function exactLinux(): ImplementationProfile {
  const p = linuxProfile();
  return { ...p, arpTimers: { ...p.arpTimers, timerWheelHz: fact(0, 'exact timers') }, ndTimers: { ...p.ndTimers, timerWheelHz: fact(0, 'exact timers') } };
}

describe('UDP delivery', () => {
  it('a handler is given the family, the sender\'s address as text, both ports and the payload, over IPv4 and IPv6', () => {
    const l = lan(5);
    const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile());
    const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile());
    a.addIpv4(ip4('198.18.0.1'), 24);
    b.addIpv4(ip4('198.18.0.2'), 24);
    a.addIpv6(ip6('2001:db8::a'), 64, { skipDad: true });
    b.addIpv6(ip6('2001:db8::b'), 64, { skipDad: true });
    const got: Array<{ family: string; source: string; sourcePort: number; destinationPort: number; payload: number[] }> = [];
    b.bindUdp(5000, (d) => got.push({ family: d.family, source: d.source, sourcePort: d.sourcePort, destinationPort: d.destinationPort, payload: [...d.payload] }));
    l.kernel.scheduleAt(S, 'a', 'send', () => {
      a.sendUdp(ip4('198.18.0.2'), 4000, 5000, new Uint8Array([1, 2, 3]));
      a.sendUdp(ip6('2001:db8::b'), 4001, 5000, new Uint8Array([4, 5]));
    });
    l.kernel.run({ until: 3 * S });
    expect(got).toEqual([
      { family: 'ipv4', source: '198.18.0.1', sourcePort: 4000, destinationPort: 5000, payload: [1, 2, 3] },
      { family: 'ipv6', source: '2001:db8::a', sourcePort: 4001, destinationPort: 5000, payload: [4, 5] },
    ]);
  });
});

describe('ARP on Linux hosts', () => {
  it('resolving an absent host: mcast_solicit broadcasts retrans_time apart, then FAILED', () => {
    const l = lan();
    const linux = exactLinux();
    const a = l.add('a', mac('02:00:00:00:00:0a'), linux);
    a.addIpv4(A, 24);
    a.sendUdp(ABSENT, 5000, 5000, new Uint8Array(10));
    const states: string[] = [];
    l.kernel.trace.on('neighbor-changed', (e) => states.push(`${e.time} ${e.to}`));
    l.kernel.run({ until: 10 * S });
    const retrans = linux.arpTimers.retransTime.value;
    const n = linux.arpTimers.multicastSolicit.value;
    const requests = arpSent(l, 'a');
    expect(requests.map((r) => r.time)).toEqual(Array.from({ length: n }, (_, i) => i * retrans));
    expect(requests.every((r) => classifyArp(r.arp) === 'request' && r.arp.targetProtocolAddress === ABSENT)).toBe(true);
    expect(states.at(-1)).toBe(`${n * retrans} failed`);
  });

  it('a REACHABLE entry carrying traffic → STALE at expiry, DELAY at the next packet, PROBE answered by the peer → REACHABLE again', () => {
    const l = lan(3);
    const linux = exactLinux();
    const a = l.add('a', mac('02:00:00:00:00:0a'), linux);
    const b = l.add('b', mac('02:00:00:00:00:0b'), linux);
    a.addIpv4(A, 24);
    b.addIpv4(B, 24);
    b.bindUdp(5000, () => undefined);
    // a sends to b every 100 ms for 60 s: the entry is always in use.
    const interval = 0.1 * S;
    for (let t = 0; t < 60 * S; t += interval) l.kernel.scheduleAt(t, 'a', 'send', () => a.sendUdp(B, 5000, 5000, new Uint8Array(8)));
    const changes: Array<[number, string]> = [];
    l.kernel.trace.on('neighbor-changed', (e) => { if (e.node === 'a') changes.push([e.time, e.to]); });
    l.kernel.run({ until: 60 * S });
    const reach = a.arp.reachableTime(0);
    const reachableAt = changes.find(([, s]) => s === 'reachable')![0];
    const [toStale, toDelay, toProbe] = (['stale', 'delay', 'probe'] as const).map((state) => changes.find(([, s]) => s === state)!);
    // Linux stamps `used` only on the slow output path: the packets sent through the REACHABLE
    // entry's cached header do not count, so it expires to STALE, and the next packet starts DELAY.
    expect(changes.map(([, s]) => s).slice(0, 4)).toEqual(['incomplete', 'reachable', 'stale', 'delay']);
    expect(toStale![0] - reachableAt).toBe(reach);
    expect(toDelay![0]).toBe(Math.ceil(toStale![0] / interval) * interval);
    expect(toProbe![0] - toDelay![0]).toBe(linux.arpTimers.delayFirstProbeTime.value);
    const probe = arpSent(l, 'a').find((r) => r.time === toProbe![0])!;
    expect(probe.dst).toBe(b.mac);
    expect(changes.filter(([t]) => t > toProbe![0])[0]![1]).toBe('reachable');
  });

  it('a request for a third host inside the lock time does not move an entry; after it, it does', () => {
    const l = lan();
    const linux = linuxProfile();
    const observer = l.add('obs', mac('02:00:00:00:00:0b'), linux);
    observer.addIpv4(B, 24);
    const peer = l.add('peer', mac('02:00:00:00:00:0a'), linux);
    peer.addIpv4(A, 24);
    const impostor = l.add('imp', mac('02:00:00:00:00:0c'), linux);
    impostor.addIpv4(ip4('198.18.0.3'), 24);
    // The observer learns the peer (a request from the peer for the observer).
    l.kernel.scheduleAt(1 * S, 't', 'ask', () => peer.sendUdp(B, 1, 1, new Uint8Array(1)));
    // Requests from another MAC claiming the peer's address, for a third host, 0.5 s and 1.5 s later.
    const claim = (at: number): void => {
      l.kernel.scheduleAt(at, 't', 'claim', () => impostor.sendFrame({
        destination: 0xffff_ffff_ffff as never, source: impostor.mac, vlanTags: [], etherType: 0x0806,
        payload: { kind: 'arp', hardwareType: 1, protocolType: 0x0800, operation: 1, senderHardwareAddress: impostor.mac, senderProtocolAddress: A, targetHardwareAddress: 0 as never, targetProtocolAddress: ip4('198.18.0.77') },
      }));
    };
    claim(1.5 * S);
    l.kernel.run({ until: 2 * S });
    expect(observer.arp.get(A)?.lladdr).toBe(peer.mac);
    claim(3 * S);
    l.kernel.run({ until: 4 * S });
    expect(observer.arp.get(A)?.lladdr).toBe(impostor.mac);
  });

  it('a re-plugged interface (replug) sends arp_notify\'s GARP at once, one per address, and nothing with arp_notify 0; a running VM\'s resume sends nothing', () => {
    const sentAfterReplug = (arpNotify: 0 | 1): Array<[number, string, number]> => {
      const l = lan();
      const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile({ arp_notify: arpNotify }));
      a.addIpv4(A, 24);
      a.addIpv4(ip4('198.18.0.3'), 24);
      l.kernel.schedule(1 * S, 't', 'pause', () => a.pause());
      l.kernel.schedule(2 * S, 't', 'resume', () => a.resume());
      l.kernel.schedule(3 * S, 't', 'replug', () => a.replug());
      l.kernel.run({ until: 5 * S });
      return arpSent(l, 'a').map((r) => [r.time, classifyArp(r.arp), r.arp.targetHardwareAddress as number]);
    };
    expect(sentAfterReplug(1)).toEqual([[3 * S, 'announcement', 0], [3 * S, 'announcement', 0]]);
    expect(sentAfterReplug(0)).toEqual([]);
  });

  it('a re-plugged interface runs DAD again for its IPv6 addresses, and ndisc_notify\'s NA follows once the address is preferred', () => {
    const l = lan(11);
    const linux = linuxProfile({ ndisc_notify: 1 });
    const a = l.add('a', mac('02:00:00:00:00:0a'), linux);
    const address = a.addIpv6(ip6('2001:db8::a'), 64, { skipDad: true });
    l.kernel.schedule(1 * S, 't', 'replug', () => a.replug());
    const sent: Array<[number, string]> = [];
    l.kernel.run({ until: 10 * S });
    for (const { time, frame } of l.sentBy('a')) {
      const p = frame.eth.payload;
      if (time >= 1 * S && p.kind === 'ipv6' && p.payload.kind === 'icmpv6') sent.push([time, `${p.payload.type}${p.source === '::' ? ' from ::' : ''}`]);
    }
    const transmits = linux.dad.ipv6DadTransmits.value;
    expect(sent.map(([, what]) => what)).toEqual([...Array.from({ length: transmits }, () => 'ns from ::'), 'na']);
    // RFC 4862 §5.4.2: the first NS after a random delay of up to MAX_RTR_SOLICITATION_DELAY (1 s); the
    // address preferred RetransTimer after the last, when ndisc_notify's NA goes out.
    const firstNs = sent[0]![0];
    expect(firstNs).toBeGreaterThanOrEqual(1 * S);
    expect(firstNs).toBeLessThanOrEqual(2 * S);
    expect(sent.at(-1)![0] - sent.at(-2)![0]).toBe(linux.ndTimers.retransTime.value);
    expect(address.state).toBe('preferred');
  });

  it('arp_notify sends one GARP (request form, target MAC zero) per address when the link comes up', () => {
    const l = lan();
    const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile({ arp_notify: 1 }));
    a.addIpv4(A, 24);
    a.setUp(false);
    l.kernel.schedule(1 * S, 't', 'up', () => a.setUp(true));
    l.kernel.run({ until: 5 * S });
    const sent = arpSent(l, 'a');
    expect(sent.map((r) => [r.time, classifyArp(r.arp)])).toEqual([[1 * S, 'announcement']]);
  });

  it('a paused host\'s timers keep running, and every frame they would send is counted as dropped, none lost silently', () => {
    const l = lan(4);
    const linux = exactLinux();
    const a = l.add('a', mac('02:00:00:00:00:0a'), linux);
    const b = l.add('b', mac('02:00:00:00:00:0b'), linux);
    a.addIpv4(A, 24);
    b.addIpv4(B, 24);
    // A STALE entry and one packet: DELAY, then PROBE with ucast_solicit unicast probes.
    a.arp.administer(B, b.mac, 'stale', 0);
    a.sendUdp(B, 5000, 5000, new Uint8Array(8));
    const drops: Array<[number, string, string | null]> = [];
    l.kernel.trace.on('packet-dropped', (e) => { if (e.node === 'a') drops.push([e.time, e.reason, e.family]); });
    // Paused before DELAY runs out: every probe is tried while paused.
    l.kernel.scheduleAt(1 * S, 'test', 'pause', () => a.pause());
    l.kernel.run({ until: 20 * S });
    const delay = linux.arpTimers.delayFirstProbeTime.value;
    const retrans = linux.arpTimers.retransTime.value;
    const probes = linux.arpTimers.unicastSolicit.value;
    expect(arpSent(l, 'a')).toEqual([]);
    expect(drops).toEqual(Array.from({ length: probes }, (_, i) => [delay + i * retrans, 'node-down', null]));
    expect(a.counters.droppedWhileDown).toBe(probes);
  });

  it('icmp_echo_ignore_all: echo requests arrive and are not answered (ARP still is); a ping flow to such a host counts arrivals', () => {
    const l = lan(5);
    const a = l.add('a', mac('02:00:00:00:00:0a'), exactLinux());
    const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile({ icmp_echo_ignore_all: 1 }));
    a.addIpv4(A, 24);
    b.addIpv4(B, 24);
    expect(b.answersEcho('ipv4')).toBe(false);
    expect(b.answersEcho('ipv6')).toBe(true);
    const rate = 10;
    const flow = new PingFlow(l.kernel, { id: 7, name: 'a-to-b', from: a, to: B, rate, size: 56, start: 0, stop: 1 * S, silentReceivers: [b] });
    const answered = new PingFlow(l.kernel, { id: 9, name: 'a-to-b-rtt', from: a, to: B, rate, size: 56, start: 0, stop: 1 * S });
    l.kernel.run({ until: 2 * S });
    expect(b.counters.echoRepliesSent).toBe(0);
    expect(l.sentBy('b').map((f) => f.frame.eth.payload.kind)).toEqual(['arp']);
    expect(flow.record.sent).toBe(rate);
    expect(flow.record.delivered).toBe(rate);
    expect(answered.record.delivered).toBe(0);
  });

  it('ping works, and a host answers ARP for itself', () => {
    const l = lan();
    const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile());
    const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile());
    a.addIpv4(A, 24);
    b.addIpv4(B, 24);
    a.ping(B, 1, 1);
    l.kernel.run({ until: 1 * S });
    expect(b.counters.echoRepliesSent).toBe(1);
    expect(a.arp.get(B)?.state).toBe('reachable');
    expect(b.arp.get(A)?.state).toBe('delay');
  });
});

describe('ND on Linux hosts', () => {
  const A6 = ip6('2001:db8::a');
  const B6 = ip6('2001:db8::b');

  it('a unicast NS (NUD probe) is answered with S=1, O=0 and no TLLAO', () => {
    const l = lan(7);
    const linux = linuxProfile();
    const a = l.add('a', mac('02:00:00:00:00:0a'), linux);
    const b = l.add('b', mac('02:00:00:00:00:0b'), linux);
    a.addIpv6(A6, 64, { skipDad: true });
    b.addIpv6(B6, 64, { skipDad: true });
    b.bindUdp(5000, () => undefined);
    for (let t = 0; t < 60 * S; t += 0.1 * S) l.kernel.scheduleAt(t, 'a', 'send', () => a.sendUdp(B6, 5000, 5000, new Uint8Array(8)));
    l.kernel.run({ until: 60 * S });
    const nas = l.sentBy('b').flatMap(({ frame }) => {
      const p = frame.eth.payload;
      return p.kind === 'ipv6' && p.payload.kind === 'icmpv6' && p.payload.type === 'na' ? [{ dst: p.destination, m: p.payload as Icmpv6Message & { type: 'na' } }] : [];
    });
    // First the answer to the multicast NS (O=1, TLLAO), later answers to unicast probes (O=0, no TLLAO).
    expect(nas[0]!.m).toMatchObject({ solicitedFlag: true, overrideFlag: true });
    expect(nas[0]!.m.options.length).toBe(1);
    const nud = nas.slice(1);
    expect(nud.length).toBeGreaterThan(0);
    for (const { m } of nud) {
      expect(m).toMatchObject({ solicitedFlag: true, overrideFlag: false });
      expect(m.options).toEqual([]);
    }
  });

  it('DAD: a duplicate address fails; a unique one becomes preferred RetransTimer after the last NS', () => {
    const l = lan(9);
    const p = RFC4861_PROFILE;
    const a = l.add('a', mac('02:00:00:00:00:0a'), p);
    const b = l.add('b', mac('02:00:00:00:00:0b'), p);
    a.addIpv6(A6, 64, { skipDad: true });
    const states: string[] = [];
    l.kernel.trace.on('address-state', (e) => states.push(`${e.node} ${e.address} ${e.state}`));
    const conflicts: string[] = [];
    l.kernel.trace.on('address-conflict', (e) => conflicts.push(`${e.node} ${e.address}`));
    const dup = b.addIpv6(A6, 64);
    const fresh = b.addIpv6(ip6('2001:db8::c'), 64);
    l.kernel.run({ until: 5 * S });
    expect(dup.state).toBe('duplicate');
    expect(fresh.state).toBe('preferred');
    expect(conflicts).toEqual([`b ${A6}`]);
    const dadNs = l.sentBy('b').filter(({ frame }) => frame.eth.payload.kind === 'ipv6' && frame.eth.payload.source === '::');
    expect(dadNs.length).toBe(2);
    const lastNs = Math.max(...dadNs.map((f) => f.time));
    expect(states).toContain('b 2001:db8::c preferred');
    expect(dadNs.every((f) => f.time <= 1 * S)).toBe(true);
    expect(lastNs).toBeLessThan(5 * S - p.ndTimers.retransTime.value);
  });
});

describe('RFC 5227 address conflict detection', () => {
  it('probes, waits ANNOUNCE_WAIT, claims and announces twice; timing within the RFC bounds', () => {
    const l = lan(11);
    const a = l.add('a', mac('02:00:00:00:00:0a'), RFC4861_PROFILE);
    const addr = a.addIpv4(A, 24);
    l.kernel.run({ until: 20 * S });
    const sent = arpSent(l, 'a');
    const probes = sent.filter((r) => classifyArp(r.arp) === 'probe');
    const announcements = sent.filter((r) => classifyArp(r.arp) === 'announcement');
    expect(probes.length).toBe(3);
    expect(probes[0]!.time).toBeLessThanOrEqual(1 * S);
    for (let i = 1; i < 3; i++) {
      const gap = probes[i]!.time - probes[i - 1]!.time;
      expect(gap).toBeGreaterThanOrEqual(1 * S);
      expect(gap).toBeLessThanOrEqual(2 * S);
    }
    expect(announcements.map((r) => r.time - probes[2]!.time)).toEqual([2 * S, 4 * S]);
    expect(addr.state).toBe('preferred');
  });

  it('a host already using the address defends it; the newcomer does not take it', () => {
    const l = lan(12);
    const owner = l.add('owner', mac('02:00:00:00:00:0a'), RFC4861_PROFILE);
    owner.addIpv4(A, 24, { skipDad: true });
    const late = l.add('late', mac('02:00:00:00:00:0c'), RFC4861_PROFILE);
    const conflicts: string[] = [];
    l.kernel.trace.on('address-conflict', (e) => conflicts.push(`${e.node} ${e.phase}`));
    const attempt = late.addIpv4(A, 24);
    l.kernel.run({ until: 20 * S });
    expect(attempt.state).toBe('duplicate');
    expect(conflicts).toContain('late probing');
  });
});
