/**
 * Reconvergence after a link failure, measured end to end (a host broadcasts a probe every few
 * milliseconds; the far host records arrivals) and by port states, against IEEE 802.1D:
 *
 * - STP (802.1D-1998 §8.4, timers of §8.10.2): a port that must start forwarding goes listening → learning → forwarding, one forward
 *   delay each, so a newly connected port or the loss of a root port with a blocked alternative
 *   (a direct failure) costs 2 × forward delay; an indirect failure costs max age more, because the
 *   bridge downstream keeps its stored root information until it ages out ("Max Age (20 s) + 30 s
 *   = 50 s"). The exact expiry is computed from the last BPDU that bridge received: it was sent
 *   with message age m and expires max age − m after it arrived.
 * - RSTP (802.1D-2004 clause 17) on point-to-point links: an alternate port takes over at once, and proposal/agreement
 *   restores the rest in BPDU round trips — well under a second.
 *
 * The square: b1 (root by priority) - b2 - b3 - b4 - b1, 1 Gb/s links, a host on every bridge. b3 is
 * two hops from the root both ways and keeps b2 (lower bridge ID), so its port to b4 is the blocked one.
 */
import { describe, expect, it } from 'vitest';
import type { Built, TopologySpec } from '../helpers/spanning-tree.js';
import { build, firstAfter, portTo, probe } from '../helpers/spanning-tree.js';

const S = 1e9;
const MS = 1e6;
const MAX_AGE = 20 * S;
const FORWARD_DELAY = 15 * S;
const HELLO = 2 * S;

const SQUARE: TopologySpec = {
  switches: ['b1', 'b2', 'b3', 'b4'],
  links: [['b1', 'b2', 1e9], ['b2', 'b3', 1e9], ['b3', 'b4', 1e9], ['b4', 'b1', 1e9]],
  hosts: ['b1', 'b2', 'b3', 'b4'],
  priorities: { b1: 4096 },
};
const B1_B2 = 0;
const B2_B3 = 1;

interface Outcome {
  readonly t: Built;
  /** Port-state changes after the failure: `time port state`. */
  readonly states: Array<{ time: number; port: string; state: string }>;
  /** Arrival times of the probes at the far host. */
  readonly arrivals: () => number[];
}

function failLink(protocol: 'stp' | 'rstp', link: number, farHost: string, failAt: number, interval: number, until: number): Outcome {
  const t = build(SQUARE, { protocol, startConverged: true, helloTime: HELLO, maxAge: MAX_AGE, forwardDelay: FORWARD_DELAY });
  const states: Outcome['states'] = [];
  t.net.kernel.trace.on('port-state', (e) => { if (e.time >= failAt) states.push({ time: e.time, port: e.port, state: e.state }); });
  const arrivals = probe(t.net, t.hosts.get('b1')!, t.hosts.get(farHost)!, failAt - 100 * MS, until, interval);
  t.net.kernel.scheduleAt(failAt, 'test', 'fail', () => t.links[link]!.setUp(false));
  t.net.kernel.run({ until });
  return { t, states, arrivals };
}

/** The name of `sw`'s port towards `neighbour`. */
function portName(t: Built, sw: string, neighbour: string): string {
  return t.switches.get(sw)!.ports[portTo(t.switches.get(sw)!, neighbour)]!.name;
}

describe('STP (802.1D-1998)', () => {
  it('direct failure: b3 loses its root port and its blocked port to b4 forwards after exactly 2 × forward delay', () => {
    const failAt = 10 * S;
    const interval = 10 * MS;
    const { t, states, arrivals } = failLink('stp', B2_B3, 'b3', failAt, interval, failAt + 40 * S);
    const p = portName(t, 'b3', 'b4');
    expect(states.filter((s) => s.port === p)).toEqual([
      { time: failAt, port: p, state: 'listening' },
      { time: failAt + FORWARD_DELAY, port: p, state: 'learning' },
      { time: failAt + 2 * FORWARD_DELAY, port: p, state: 'forwarding' },
    ]);
    const a = arrivals();
    // Nothing gets through until the port forwards; the first probe sent after that arrives.
    const restored = firstAfter(a, failAt + MS);
    expect(restored).toBeGreaterThanOrEqual(failAt + 2 * FORWARD_DELAY);
    expect(restored).toBeLessThan(failAt + 2 * FORWARD_DELAY + interval + MS);
    expect(a.filter((x) => x > failAt + MS && x < failAt + 2 * FORWARD_DELAY)).toEqual([]);
  });

  it('indirect failure: b3 waits for its stored information from b2 to age out (max age − message age after the last BPDU), then 2 × forward delay', () => {
    const failAt = 10 * S;
    const interval = 10 * MS;
    // Record the configuration BPDUs that reach b3 from b2 before the failure.
    const t0 = build(SQUARE, { protocol: 'stp', startConverged: true });
    const fromB2: Array<{ time: number; messageAge: number }> = [];
    const b3PortToB2 = portName(t0, 'b3', 'b2');
    t0.net.kernel.trace.on('frame-received', (e) => {
      const llc = e.frame.eth.payload;
      if (e.port === b3PortToB2 && e.time < failAt && llc.kind === 'llc' && llc.payload.kind === 'bpdu' && llc.payload.type === 'config') {
        fromB2.push({ time: e.time, messageAge: llc.payload.messageAge });
      }
    });
    t0.net.kernel.run({ until: failAt });
    const last = fromB2[fromB2.length - 1]!;
    // b2 is one hop from the root: its relays carry a message age of 1 s (802.1D-1998's message age increment, at least 1 s a hop).
    expect(last.messageAge).toBe(256);
    const expiry = last.time + MAX_AGE - (last.messageAge / 256) * S;

    const { t, states, arrivals } = failLink('stp', B1_B2, 'b2', failAt, interval, failAt + 60 * S);
    const p = portName(t, 'b3', 'b4');
    expect(states.filter((s) => s.port === p)).toEqual([
      { time: expiry, port: p, state: 'listening' },
      { time: expiry + FORWARD_DELAY, port: p, state: 'learning' },
      { time: expiry + 2 * FORWARD_DELAY, port: p, state: 'forwarding' },
    ]);
    const restored = firstAfter(arrivals(), failAt + MS);
    expect(restored).toBeGreaterThanOrEqual(expiry + 2 * FORWARD_DELAY);
    expect(restored).toBeLessThan(expiry + 2 * FORWARD_DELAY + interval + MS);
    // 802.1D's figure: at most max age + 2 × forward delay (50 s); at least that minus a hello and the message age.
    const outage = restored - failAt;
    expect(outage).toBeLessThanOrEqual(MAX_AGE + 2 * FORWARD_DELAY + interval + MS);
    expect(outage).toBeGreaterThan(MAX_AGE + 2 * FORWARD_DELAY - HELLO - S);
  });

  it('a newly connected link forwards after 2 × forward delay (802.1D-1998 §8.4: 30 s)', () => {
    const spec: TopologySpec = { switches: ['x', 'y'], links: [['x', 'y', 1e9]], hosts: ['x', 'y'], down: [0] };
    const t = build(spec, { protocol: 'stp', startConverged: true });
    const upAt = 5 * S;
    const arrivals = probe(t.net, t.hosts.get('x')!, t.hosts.get('y')!, upAt, upAt + 40 * S, 10 * MS);
    t.net.kernel.scheduleAt(upAt, 'test', 'up', () => t.links[0]!.setUp(true));
    t.net.kernel.run({ until: upAt + 40 * S });
    const restored = firstAfter(arrivals(), upAt);
    expect(restored).toBeGreaterThanOrEqual(upAt + 2 * FORWARD_DELAY);
    expect(restored).toBeLessThan(upAt + 2 * FORWARD_DELAY + 11 * MS);
    expect(t.bridges.get('y')!.rootId).toEqual(t.bridges.get('x')!.bridgeId);
  });
});

describe('RSTP (802.1w) on point-to-point links', () => {
  const interval = 10_000; // 10 µs between probes

  it('direct failure: the alternate port becomes root port and forwards at once', () => {
    const failAt = 10 * S;
    const { t, states, arrivals } = failLink('rstp', B2_B3, 'b3', failAt, interval, failAt + 50 * MS);
    const p = portName(t, 'b3', 'b4');
    expect(states.filter((s) => s.port === p)).toEqual([{ time: failAt, port: p, state: 'forwarding' }]);
    expect(t.bridges.get('b3')!.role(portTo(t.switches.get('b3')!, 'b4'))).toBe('root');
    const restored = firstAfter(arrivals(), failAt + 1);
    expect(restored - failAt).toBeLessThan(interval + 20_000);
  });

  it('indirect failure: b2 claims the root, b3 answers with the real root and a proposal; agreement restores b1-b2 in BPDU round trips', () => {
    const failAt = 10 * S;
    const { t, states, arrivals } = failLink('rstp', B1_B2, 'b2', failAt, interval, failAt + 50 * MS);
    const toB4 = portName(t, 'b3', 'b4');
    const toB2 = portName(t, 'b3', 'b2');
    const forwardingAt = (port: string): number => states.filter((s) => s.port === port && s.state === 'forwarding').map((s) => s.time).pop() ?? -1;
    // b3's alternate (to b4) takes over as root port; its old root port (to b2) is designated now,
    // discards during the sync and forwards again on b2's agreement.
    expect(forwardingAt(toB4)).toBeGreaterThanOrEqual(failAt);
    expect(forwardingAt(toB2)).toBeGreaterThan(failAt);
    const reconverged = Math.max(forwardingAt(toB4), forwardingAt(toB2));
    expect(reconverged - failAt).toBeLessThan(100_000); // < 0.1 ms with 1 µs links
    const restored = firstAfter(arrivals(), failAt + 1);
    expect(restored - failAt).toBeLessThan(1 * MS);
    expect(t.bridges.get('b2')!.rootId).toEqual(t.bridges.get('b1')!.bridgeId);
    expect(t.bridges.get('b2')!.rootPort).toBe(portTo(t.switches.get('b2')!, 'b3'));
  });

  it('a newly connected link forwards after one proposal/agreement round trip', () => {
    const spec: TopologySpec = { switches: ['x', 'y'], links: [['x', 'y', 1e9]], hosts: ['x', 'y'], down: [0] };
    const t = build(spec, { protocol: 'rstp', startConverged: true });
    const upAt = 5 * S;
    const arrivals = probe(t.net, t.hosts.get('x')!, t.hosts.get('y')!, upAt, upAt + 10 * MS, interval);
    t.net.kernel.scheduleAt(upAt, 'test', 'up', () => t.links[0]!.setUp(true));
    t.net.kernel.run({ until: upAt + 10 * MS });
    const restored = firstAfter(arrivals(), upAt);
    expect(restored).toBeGreaterThan(upAt);
    expect(restored - upAt).toBeLessThan(1 * MS);
  });
});
