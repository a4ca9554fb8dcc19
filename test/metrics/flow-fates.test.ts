/**
 * Measurement flows and where their lost packets died: on a lossy link, at an unresolved neighbor,
 * at a paused host, at a host that is not the destination.
 */
import { describe, expect, it } from 'vitest';
import { FlowFates } from '../../src/metrics/index.js';
import { FlowSink, UdpFlow, linuxProfile } from '../../src/stack/index.js';
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
