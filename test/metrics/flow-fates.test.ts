/**
 * Measurement flows and where their lost packets died: on a lossy link, at an unresolved neighbor,
 * at a paused host, at a host that is not the destination.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowFates } from '../../src/metrics/index.js';
import { Kernel } from '../../src/sim/index.js';
import { FlowRecord, FlowSink, UdpFlow, flowPayload, linuxProfile } from '../../src/stack/index.js';
import { lan } from '../helpers/stack.js';
import { ip4, mac } from '../helpers/sample-frames.js';

const S = 1e9;

describe('flow fates', () => {
  it('records every packet; losses on a bursty link are queue-or-link', () => {
    const l = lan(21);
    const fates = new FlowFates(l.kernel);
    const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile());
    // The switch → b direction loses half the frames, independently.
    const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile(), {}, { bToA: { loss: { kind: 'bernoulli', rate: 0.5 } } });
    a.addIpv4(ip4('198.18.0.1'), 24);
    b.addIpv4(ip4('198.18.0.2'), 24);
    // A static entry: no resolution crosses the lossy link, so every loss is the link's.
    a.arp.addPermanent(ip4('198.18.0.2'), b.mac, 0);
    const sink = new FlowSink(b);
    const flow = new UdpFlow(l.kernel, { id: 1, name: 'a-to-b', from: a, to: ip4('198.18.0.2'), rate: 1000, size: 64, start: 2 * S, stop: 4 * S });
    sink.expect(flow.record);
    l.kernel.run({ until: 5 * S });
    const r = flow.record;
    expect(r.sent).toBe(2000);
    const lost = fates.lostByCause(r);
    expect(r.delivered + lost['queue-or-link']).toBe(2000);
    // Binomial(2000, 0.5): within 5 standard deviations (about 112) of 1000.
    expect(Math.abs(lost['queue-or-link'] - 1000)).toBeLessThan(112);
  });

  it('packets to an absent host are lost at the unresolved neighbor; packets to a paused host as node-down', () => {
    const l = lan(22);
    const fates = new FlowFates(l.kernel);
    const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile());
    const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile());
    a.addIpv4(ip4('198.18.0.1'), 24);
    b.addIpv4(ip4('198.18.0.2'), 24);
    const sink = new FlowSink(b);
    const absent = new UdpFlow(l.kernel, { id: 1, name: 'absent', from: a, to: ip4('198.18.0.99'), rate: 10, size: 64, start: 0, stop: 10 * S });
    const paused = new UdpFlow(l.kernel, { id: 2, name: 'paused', from: a, to: ip4('198.18.0.2'), rate: 10, size: 64, start: 0, stop: 10 * S });
    sink.expect(paused.record);
    l.kernel.scheduleAt(4 * S, 't', 'pause', () => b.pause());
    l.kernel.scheduleAt(6 * S, 't', 'resume', () => b.resume());
    // Run long enough for the last resolution attempt to fail (3 s after it starts).
    l.kernel.run({ until: 14 * S });
    expect(fates.lostByCause(absent.record)['resolution-failed']).toBe(absent.record.sent);
    const p = fates.lostByCause(paused.record);
    expect(p['node-down']).toBe(20);
    expect(paused.record.delivered).toBe(80);
  });

  it('copies of one packet dropped for the same cause again and again, then a more telling one: the telling one names the loss', () => {
    const kernel = new Kernel({ seed: 1 });
    const fates = new FlowFates(kernel);
    const record = new FlowRecord(kernel, 5, 'f');
    const drop = (node: string, reason: 'not-for-me' | 'node-down', payload: Uint8Array): void =>
      kernel.trace.emit({ type: 'packets-dropped', time: kernel.now, node, reason, family: 'ipv4', payload, nodes: [node] });
    const first = flowPayload(5, 0, 0, 64);
    const second = flowPayload(5, 1, 0, 64);
    record.noteSent('a', 0);
    record.noteSent('a', 1);
    // A flood's copies of packet 0 reach bystanders (not for them), then its addressee, which is down.
    for (const node of ['c', 'd', 'e']) drop(node, 'not-for-me', first);
    drop('b', 'node-down', first);
    drop('f', 'not-for-me', first);
    // Packet 1 only reaches bystanders.
    for (const node of ['c', 'd', 'e']) drop(node, 'not-for-me', second);
    const lost = fates.lostByCause(record);
    expect([lost['node-down'], lost['not-for-me']]).toEqual([1, 1]);
  });
});

describe('flow fates kept as runs', () => {
  it('a fast flow with one outage keeps a handful of runs, however many packets it sends', () => {
    const l = lan(23);
    const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile());
    const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile());
    a.addIpv4(ip4('198.18.0.1'), 24);
    b.addIpv4(ip4('198.18.0.2'), 24);
    a.arp.addPermanent(ip4('198.18.0.2'), b.mac, 0);
    const rate = 20_000;
    const window = { vm: 'b', start: 2 * S, pauseAt: 3 * S, resumeAt: 4 * S };
    const fates = new FlowFates(l.kernel, [window]);
    const sink = new FlowSink(b);
    const flow = new UdpFlow(l.kernel, { id: 1, name: 'fast', from: a, to: ip4('198.18.0.2'), rate, size: 64, start: 0, stop: 10 * S });
    sink.expect(flow.record);
    l.kernel.scheduleAt(window.pauseAt, 't', 'pause', () => b.pause());
    l.kernel.scheduleAt(window.resumeAt, 't', 'resume', () => b.resume());
    l.kernel.run({ until: 11 * S });
    const r = flow.record;
    expect(r.sent).toBe(10 * rate);
    const paused = (window.resumeAt - window.pauseAt) / (S / rate);
    // Every packet sent while b was paused, and only those, is lost: at b, which was paused.
    expect(r.sent - r.delivered).toBe(paused);
    expect(fates.lostByCause(r)['node-down']).toBe(paused);
    expect([...fates.outageLosses(r, 0)]).toEqual([['vm-paused', paused]]);
    // 200,000 packets, three runs: delivered, lost while paused, delivered.
    expect(fates.runsOf(r)).toBe(3);
    const o = fates.outage(r, 0, 11 * S)!;
    expect(o).toEqual({ blackHole: window.resumeAt - window.pauseAt + S / rate, afterResume: o.afterResume, repaired: true, lost: paused });
    expect(o.afterResume).toBeLessThan(S / rate);
  });

  it('losses after the first delivery following the resume are not the migration\'s, and another node being down is not its downtime', () => {
    const l = lan(24);
    const a = l.add('a', mac('02:00:00:00:00:0a'), linuxProfile());
    const b = l.add('b', mac('02:00:00:00:00:0b'), linuxProfile());
    a.addIpv4(ip4('198.18.0.1'), 24);
    b.addIpv4(ip4('198.18.0.2'), 24);
    a.arp.addPermanent(ip4('198.18.0.2'), b.mac, 0);
    const rate = 100;
    const window = { vm: 'b', start: 2 * S, pauseAt: 3 * S, resumeAt: 3.5 * S };
    const fates = new FlowFates(l.kernel, [window]);
    const sink = new FlowSink(b);
    const flow = new UdpFlow(l.kernel, { id: 1, name: 'f', from: a, to: ip4('198.18.0.2'), rate, size: 64, start: 0, stop: 20 * S });
    sink.expect(flow.record);
    l.kernel.scheduleAt(window.pauseAt, 't', 'pause', () => b.pause());
    l.kernel.scheduleAt(window.resumeAt, 't', 'resume', () => b.resume());
    // b is down again later, for an unrelated reason: its losses are node-down, not the migration's.
    l.kernel.scheduleAt(10 * S, 't', 'down', () => b.pause());
    l.kernel.scheduleAt(12 * S, 't', 'up', () => b.resume());
    l.kernel.run({ until: 20 * S });
    const lostWhilePaused = ((window.resumeAt - window.pauseAt) / S) * rate;
    const lostLater = 2 * rate;
    expect(fates.lostByCause(flow.record)['node-down']).toBe(lostWhilePaused + lostLater);
    expect([...fates.outageLosses(flow.record, 0)]).toEqual([['vm-paused', lostWhilePaused]]);
    const o = fates.outage(flow.record, 0, 20 * S)!;
    expect(o.lost).toBe(lostWhilePaused);
    expect(o.blackHole).toBeLessThan(window.resumeAt - window.pauseAt + 2 * (S / rate));
  });
});

describe('flow fates kept as runs, against a per-packet reference', () => {
  type Op = { kind: 'send' } | { kind: 'deliver'; back: number } | { kind: 'drop'; back: number; cause: 0 | 1 | 2 | 3; atVm: boolean };
  const CAUSES = [['node-down', 'node-down'], ['resolution-failed', 'resolution-failed'], ['not-for-me', 'not-for-me'], ['no-route', 'no-route']] as const;
  const RANK: Record<string, number> = { 'node-down': 0, 'vm-paused': 0, 'resolution-failed': 2, 'no-route': 5, 'not-for-me': 7 };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'send' as const }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), back: fc.nat(6) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), back: fc.nat(6), cause: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const), atVm: fc.boolean() }) },
  );

  it('give the same losses by cause and the same outage as keeping every packet', () => {
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), fc.nat(100), fc.nat(30), fc.nat(30), (ops, start, pause, down) => {
      const kernel = new Kernel({ seed: 1 });
      const window = { vm: 'vm', start: start * 10, pauseAt: start * 10 + pause * 10, resumeAt: start * 10 + pause * 10 + down * 10 };
      const fates = new FlowFates(kernel, [window]);
      const record = new FlowRecord(kernel, 7, 'f');
      const sentAt: number[] = [];
      const deliveredAt: number[] = [];
      const cause: (string | undefined)[] = [];
      let time = 0;
      for (const o of ops) {
        time += 5;
        if (o.kind === 'send') {
          const seq = sentAt.length;
          sentAt.push(time);
          deliveredAt.push(-1);
          kernel.trace.emit({ type: 'flow-sent', time, node: 'gw', flow: 7, sequence: seq });
          continue;
        }
        const seq = sentAt.length - 1 - o.back;
        if (seq < 0) continue;
        if (o.kind === 'deliver') {
          if (deliveredAt[seq]! < 0) deliveredAt[seq] = time;
          kernel.trace.emit({ type: 'flow-delivered', time, node: 'vm', flow: 7, sequence: seq });
        } else {
          const node = o.atVm ? 'vm' : 'other';
          const reason = CAUSES[o.cause][0];
          let fate: string = CAUSES[o.cause][1];
          if (fate === 'node-down' && node === 'vm' && time >= window.pauseAt && time <= window.resumeAt) fate = 'vm-paused';
          if (deliveredAt[seq]! < 0 && (cause[seq] === undefined || RANK[fate]! < RANK[cause[seq]!]!)) cause[seq] = fate;
          kernel.trace.emit({ type: 'packets-dropped', time, node, reason, family: 'ipv4', payload: flowPayload(7, seq, sentAt[seq]!, 20), nodes: [node] });
        }
      }
      // Losses by cause over the whole flow.
      const expected: Record<string, number> = {};
      sentAt.forEach((_, seq) => {
        if (deliveredAt[seq]! >= 0) return;
        const c = cause[seq] === 'vm-paused' ? 'node-down' : cause[seq] ?? 'unknown';
        expected[c] = (expected[c] ?? 0) + 1;
      });
      const got = Object.fromEntries(Object.entries(fates.lostByCause(record)).filter(([, n]) => n > 0));
      expect(got).toEqual(expected);
      // The outage, by its definition, computed packet by packet.
      const end = time + 5;
      const firstSeq = sentAt.findIndex((t) => t >= window.start);
      const o = fates.outage(record, 0, end);
      if (firstSeq < 0) {
        expect(o).toBeNull();
        return;
      }
      let repair = -1;
      for (let s = firstSeq; s < sentAt.length; s++) if (deliveredAt[s]! >= window.resumeAt) { repair = s; break; }
      const to = repair >= 0 ? repair : sentAt.length;
      let firstLoss = -1;
      let lost = 0;
      const losses = new Map<string, number>();
      for (let s = firstSeq; s < to; s++) {
        if (deliveredAt[s]! >= 0) continue;
        if (firstLoss < 0) firstLoss = s;
        lost++;
        losses.set(cause[s] ?? 'unknown', (losses.get(cause[s] ?? 'unknown') ?? 0) + 1);
      }
      expect(new Map(fates.outageLosses(record, 0))).toEqual(losses);
      if (firstLoss < 0) {
        expect(o).toEqual({ blackHole: 0, afterResume: 0, repaired: true, lost: 0 });
        return;
      }
      let lastGood = sentAt[firstSeq]!;
      for (let s = firstLoss - 1; s >= 0; s--) if (deliveredAt[s]! >= 0) { lastGood = deliveredAt[s]!; break; }
      const reference = repair >= 0
        ? { blackHole: deliveredAt[repair]! - lastGood, afterResume: Math.max(0, deliveredAt[repair]! - window.resumeAt), repaired: true, lost }
        : { blackHole: end - lastGood, afterResume: end - window.resumeAt, repaired: false, lost };
      expect(o).toEqual(reference);
    }), { numRuns: Number(process.env['ARPSHIFT_FUZZ_RUNS'] ?? 300), seed: 20261207 });
  });
});
