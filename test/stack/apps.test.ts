/**
 * Traffic applications: ping rounds trips recorded per packet, and request/response traffic whose
 * responses confirm reachability (RFC 4861 §7.3.1), so the client's neighbor entry needs no NUD
 * probes, unlike one-way UDP to the same host.
 */
import { describe, expect, it } from 'vitest';
import { FlowRecord, FlowSink, PingFlow, RequestResponseFlow, SequenceSet, UdpFlow, flowPayload, isFlowPayload, linuxProfile, readFlowId, readFlowSequence, readFlowTag } from '../../src/stack/index.js';
import { Kernel } from '../../src/sim/index.js';
import { classifyArp } from '../../src/wire/index.js';
import { lan } from '../helpers/stack.js';
import { ip4, ip6, mac } from '../helpers/sample-frames.js';

const S = 1e9;

function pair(seed: number) {
  const l = lan(seed);
  const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile());
  const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile());
  a.addIpv4(ip4('198.18.0.1'), 24);
  b.addIpv4(ip4('198.18.0.2'), 24);
  a.addIpv6(ip6('2001:db8::a'), 64, { skipDad: true });
  b.addIpv6(ip6('2001:db8::b'), 64, { skipDad: true });
  return { l, a, b };
}

describe('ping', () => {
  it('every echo request of both families comes back and is recorded with its round trip', () => {
    const { l, a } = pair(1);
    const sentAt = new Map<string, number>();
    const roundTrips = new Map<number, number[]>();
    l.kernel.trace.on('flow-sent', (e) => sentAt.set(`${e.flow}:${e.sequence}`, e.time));
    l.kernel.trace.on('flow-delivered', (e) => {
      expect(e.node).toBe('a'); // a ping's reply comes back to its sender
      roundTrips.set(e.flow, [...(roundTrips.get(e.flow) ?? []), e.time - sentAt.get(`${e.flow}:${e.sequence}`)!]);
    });
    const p4 = new PingFlow(l.kernel, { id: 1, name: 'ping4', from: a, to: ip4('198.18.0.2'), rate: 10, size: 56, start: 0, stop: 2 * S });
    const p6 = new PingFlow(l.kernel, { id: 2, name: 'ping6', from: a, to: ip6('2001:db8::b'), rate: 10, size: 56, start: 0, stop: 2 * S });
    l.kernel.run({ until: 3 * S });
    for (const p of [p4, p6]) {
      expect(p.record.sent).toBe(20);
      expect(p.record.delivered).toBe(20);
      // The first waits for resolution; the others take a few microseconds.
      const rtt = roundTrips.get(p.record.id)!;
      expect(rtt).toHaveLength(20);
      expect(rtt[5]!).toBeLessThan(100_000);
    }
  });
});

describe('request/response', () => {
  const unicastProbes = (l: ReturnType<typeof lan>): number => l.sentBy('a').filter(({ frame }) => frame.eth.payload.kind === 'arp' && classifyArp(frame.eth.payload) === 'request' && frame.eth.destination !== 0xffff_ffff_ffff).length;

  it('responses confirm the next hop: no unicast ARP probes in 90 s, while one-way UDP needs them every cycle', () => {
    const rr = pair(2);
    const flow = new RequestResponseFlow(rr.l.kernel, { id: 1, name: 'rpc', client: rr.a, server: rr.b, to: ip4('198.18.0.2'), rate: 10, requestSize: 64, responseSize: 64, start: 0, stop: 90 * S });
    rr.l.kernel.run({ until: 90 * S });
    expect(flow.requests.delivered).toBe(900);
    expect(flow.responses.delivered).toBe(900);
    expect(unicastProbes(rr.l)).toBe(0);

    const oneWay = pair(2);
    const sink = new FlowSink(oneWay.b);
    const udp = new UdpFlow(oneWay.l.kernel, { id: 1, name: 'udp', from: oneWay.a, to: ip4('198.18.0.2'), rate: 10, size: 64, start: 0, stop: 90 * S });
    sink.expect(udp.record);
    oneWay.l.kernel.run({ until: 90 * S });
    expect(udp.record.delivered).toBe(900);
    expect(unicastProbes(oneWay.l)).toBeGreaterThan(0);
  });
});

describe('flow payload tag', () => {
  it('is "ASFT", flow, sequence (uint32) and send time (float64), big-endian, then zeros', () => {
    for (const [flow, sequence, sentAt, size] of [[1, 0, 0, 64], [0xfffffffe, 0x80000001, 12_009_999_873, 20], [77, 123_456, 2 ** 52 + 3, 100]] as const) {
      const bytes = flowPayload(flow, sequence, sentAt, size);
      const expected = new Uint8Array(Math.max(size, 20));
      const view = new DataView(expected.buffer);
      view.setUint32(0, 0x41534654);
      view.setUint32(4, flow);
      view.setUint32(8, sequence);
      view.setFloat64(12, sentAt);
      expect([...bytes]).toEqual([...expected]);
      expect(readFlowTag(bytes)).toEqual({ flow, sequence, sentAt });
      expect(isFlowPayload(bytes)).toBe(true);
      expect([readFlowId(bytes), readFlowSequence(bytes)]).toEqual([flow, sequence]);
    }
    expect(readFlowTag(new Uint8Array(64))).toBeUndefined();
    expect(isFlowPayload(new Uint8Array(64))).toBe(false);
    expect(isFlowPayload(flowPayload(1, 2, 3, 20).subarray(0, 19))).toBe(false);
    expect(isFlowPayload(null)).toBe(false);
  });
});

describe('udp flow', () => {
  it('sends one packet every 1/rate from start to before stop, each traced once and delivered', () => {
    const { l, a, b } = pair(3);
    const sink = new FlowSink(b);
    const start = 0.25 * S;
    const rate = 1000;
    const stop = start + 0.0105 * S;
    const flow = new UdpFlow(l.kernel, { id: 7, name: 'f', from: a, to: ip4('198.18.0.2'), rate, size: 64, start, stop });
    sink.expect(flow.record);
    const sentAt: Array<[number, number]> = [];
    l.kernel.trace.on('flow-sent', (e) => sentAt.push([e.sequence, e.time]));
    l.kernel.run({ until: S });
    const packets = Math.ceil((stop - start) / (S / rate));
    expect(sentAt).toEqual(Array.from({ length: packets }, (_, k) => [k, start + k * (S / rate)]));
    expect([flow.record.sent, flow.record.delivered]).toEqual([packets, packets]);
  });
});

describe('sequence set', () => {
  it('holds what a plain set holds, for appends, gaps filled later and duplicates', () => {
    const set = new SequenceSet();
    const plain = new Set<number>();
    let x = 12345;
    const next = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31);
    let high = -1;
    for (let k = 0; k < 5000; k++) {
      // Mostly one past the highest, sometimes a jump ahead, sometimes an earlier number again.
      const r = next() % 10;
      const n = r < 6 ? high + 1 : r < 8 ? high + 2 + (next() % 5) : next() % (high + 2);
      expect(set.add(n)).toBe(!plain.has(n));
      plain.add(n);
      high = Math.max(high, n);
      expect(set.size).toBe(plain.size);
    }
    let runs = 0;
    for (let n = -1; n <= high + 2; n++) {
      expect(set.has(n)).toBe(plain.has(n));
      if (plain.has(n) && !plain.has(n - 1)) runs++;
    }
    // Kept as maximal runs of consecutive numbers.
    expect(set.ranges).toBe(runs);
  });
});

describe('flow record', () => {
  it('counts and traces what plain sets say, whether packets come in order, out of order or twice', () => {
    for (const seed of [1, 2, 3, 4]) {
      const kernel = new Kernel({ seed });
      const record = new FlowRecord(kernel, 3, 'f');
      const traced = { sent: 0, delivered: 0 };
      kernel.trace.on('flow-sent', () => traced.sent++);
      kernel.trace.on('flow-delivered', () => traced.delivered++);
      const sent = new Set<number>();
      const delivered = new Set<number>();
      let x = seed;
      const next = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31);
      // A long in-order stretch first (the record's counting without a set), then the set's cases.
      const inOrder = 50 + seed * 10;
      for (let k = 0; k < 2000; k++) {
        const high = sent.size === 0 ? -1 : Math.max(...sent);
        const r = next() % 10;
        const n = k < inOrder || r < 6 ? high + 1 : r < 8 ? high + 2 + (next() % 5) : next() % (high + 2);
        record.noteSent('a', n);
        sent.add(n);
        // Deliveries lag: in order for a while, then sometimes one skipped, repeated or late.
        const d = k < inOrder ? n : next() % (high + 2);
        record.markDelivered('b', d);
        delivered.add(d);
        expect([record.sent, record.delivered, traced.sent, traced.delivered]).toEqual([sent.size, delivered.size, sent.size, delivered.size]);
      }
      for (let n = -1; n < 2100; n++) expect(record.isDelivered(n)).toBe(delivered.has(n));
    }
  });
});
