/**
 * Topology change, against IEEE 802.1D:
 *
 * - STP (802.1D-1998 §8.6.14-8.6.16): the bridge whose port starts forwarding sends a TCN out of its root port every hello
 *   time until a configuration BPDU with TCA comes back; the root sets TC for max age + forward
 *   delay; every bridge ages its FDB with forward delay instead of the ageing time while it gets TC,
 *   then restores it.
 * - RSTP (802.1D-2004 §17.31; tcWhile as in Cisco's "Understanding Rapid Spanning Tree Protocol
 *   (802.1w)"): a non-edge port moving to forwarding starts tcWhile (2 × hello) and flushes the entries
 *   of every other non-edge port at once; each receiver of TC flushes every non-edge port but the
 *   one it arrived on, and propagates; edge ports keep their entries.
 * - edge ports never cause a topology change, and a VM migration changes no port state, so it
 *   never causes one by itself.
 *
 * The square b1 (root) - b2 - b3 - b4 - b1 with a host on every bridge; the failure of b2-b3 makes
 * b3's blocked port to b4 its root port.
 */
import { describe, expect, it } from 'vitest';
import type { Network, SimFrame } from '../../src/net/index.js';
import { enableSpanningTree } from '../../src/net/index.js';
import type { MacAddress } from '../../src/wire/index.js';
import { Station, network, stationMac } from '../helpers/net.js';
import type { Built, TopologySpec } from '../helpers/spanning-tree.js';
import { PROTOCOLS, build, portTo } from '../helpers/spanning-tree.js';

const S = 1e9;
const MS = 1e6;
const HELLO = 2 * S;
const MAX_AGE = 20 * S;
const FORWARD_DELAY = 15 * S;
const AGEING = 300 * S;

const SQUARE: TopologySpec = {
  switches: ['b1', 'b2', 'b3', 'b4'],
  links: [['b1', 'b2', 1e9], ['b2', 'b3', 1e9], ['b3', 'b4', 1e9], ['b4', 'b1', 1e9]],
  hosts: ['b1', 'b2', 'b3', 'b4'],
  priorities: { b1: 4096 },
};
const B2_B3 = 1;
const B3_B4 = 2;

/** `stp-topology-change` events per bridge. */
function tcEvents(net: Network): Map<string, Array<{ time: number; active: boolean }>> {
  const out = new Map<string, Array<{ time: number; active: boolean }>>();
  net.kernel.trace.on('stp-topology-change', (e) => out.set(e.node, [...(out.get(e.node) ?? []), { time: e.time, active: e.active }]));
  return out;
}

function broadcastAll(t: Built, at: number): void {
  for (const h of t.hosts.values()) t.net.kernel.scheduleAt(at, 'test', 'send', () => h.broadcast());
}

describe('STP topology change (802.1D-1998 §8.6.14-8.6.16)', () => {
  it('the root signals TC for max age + forward delay; every bridge ages entries after forward delay meanwhile, then restores its ageing time', () => {
    const t = build(SQUARE, { protocol: 'stp', startConverged: true });
    const tc = tcEvents(t.net);
    const failAt = 10 * S;
    broadcastAll(t, 1 * S);
    t.net.kernel.scheduleAt(failAt, 'test', 'fail', () => t.links[B2_B3]!.setUp(false));
    const b1 = t.switches.get('b1')!;
    const h2 = t.hosts.get('b2')!;
    const h4 = t.hosts.get('b4')!;
    const portB4 = portTo(b1, 'b4');
    // Before the change (b3's port forwards at failAt + 2 × forward delay): ordinary ageing.
    t.net.kernel.run({ until: failAt + 2 * FORWARD_DELAY - 1 });
    for (const sw of t.switches.values()) expect(sw.fdb.agingTime).toBe(AGEING);
    expect(b1.fdb.lookup(1, h4.mac, t.net.kernel.now)).toBe(portB4);

    // The root's flag: on when the TCN arrives, off exactly max age + forward delay later.
    t.net.kernel.run({ until: failAt + 2 * FORWARD_DELAY + 100 * MS });
    const rootTc = () => tc.get('b1') ?? [];
    expect(rootTc().length).toBe(1);
    const on = rootTc()[0]!;
    expect(on.active).toBe(true);
    expect(on.time - (failAt + 2 * FORWARD_DELAY)).toBeLessThan(1 * MS);

    // Every bridge hears TC within a hello and switches to forward-delay ageing.
    h2.broadcast();
    const refreshed = t.net.kernel.now;
    t.net.kernel.run({ until: on.time + HELLO + 10 * MS });
    for (const [name, sw] of t.switches) {
      expect({ name, tc: t.bridges.get(name)!.topologyChange }).toEqual({ name, tc: true });
      expect({ name, ageing: sw.fdb.agingTime }).toEqual({ name, ageing: FORWARD_DELAY });
    }
    const now = t.net.kernel.now;
    // h4 last spoke at 1 s: older than forward delay, gone; h2 spoke just now: still there.
    expect(now - 1 * S).toBeGreaterThan(FORWARD_DELAY);
    expect(now - refreshed).toBeLessThan(FORWARD_DELAY);
    expect(b1.fdb.lookup(1, h4.mac, now)).toBe(-1);
    expect(b1.fdb.lookup(1, h2.mac, now)).toBe(portTo(b1, 'b2'));

    // Off at the root after exactly max age + forward delay; the others follow with the next hello.
    t.net.kernel.run({ until: on.time + MAX_AGE + FORWARD_DELAY + HELLO + 10 * MS });
    expect(rootTc()).toEqual([on, { time: on.time + MAX_AGE + FORWARD_DELAY, active: false }]);
    for (const [name, sw] of t.switches) {
      const events = tc.get(name)!;
      expect({ name, last: events[events.length - 1]!.active }).toEqual({ name, last: false });
      expect({ name, ageing: sw.fdb.agingTime }).toEqual({ name, ageing: AGEING });
    }
    // With 300 s ageing back, h2's entry (refreshed during the change) outlives forward delay.
    expect(t.net.kernel.now - refreshed).toBeGreaterThan(FORWARD_DELAY);
    expect(b1.fdb.lookup(1, h2.mac, t.net.kernel.now)).toBe(portTo(b1, 'b2'));
  });

  it('the TCN is repeated every hello time until a TCA arrives (acknowledgements lost for a while)', () => {
    const failAt = 10 * S;
    const detect = failAt + 2 * FORWARD_DELAY;
    const lossEnd = detect + 5 * S;
    // Everything b4 sends to b3 is lost from just before the detection to lossEnd: the TCAs too.
    const spec: TopologySpec = { ...SQUARE, linkConfig: { [B3_B4]: { bToA: { congestion: [{ start: detect - 100 * MS, end: lossEnd, load: 1 }] } } } };
    const t = build(spec, { protocol: 'stp', startConverged: true });
    const b3 = t.switches.get('b3')!;
    const toB4 = b3.ports[portTo(b3, 'b4')]!.name;
    const b4 = t.switches.get('b4')!;
    const b4ToB3 = b4.ports[portTo(b4, 'b3')]!.name;
    const tcns: number[] = [];
    const tcaLost: number[] = [];
    const tcaArrived: number[] = [];
    const isTca = (f: SimFrame): boolean => {
      const llc = f.eth.payload;
      return llc.kind === 'llc' && llc.payload.kind === 'bpdu' && llc.payload.type === 'config' && (llc.payload.flags & 0x80) !== 0;
    };
    t.net.kernel.trace.on('frame-sent', (e) => {
      const llc = e.frame.eth.payload;
      if (e.port === toB4 && llc.kind === 'llc' && llc.payload.kind === 'bpdu' && llc.payload.type === 'tcn') tcns.push(e.time);
    });
    t.net.kernel.trace.on('frame-dropped', (e) => { if (e.port === b4ToB3 && isTca(e.frame)) tcaLost.push(e.time); });
    t.net.kernel.trace.on('frame-received', (e) => { if (e.port === toB4 && isTca(e.frame)) tcaArrived.push(e.time); });
    t.net.kernel.scheduleAt(failAt, 'test', 'fail', () => t.links[B2_B3]!.setUp(false));
    t.net.kernel.run({ until: lossEnd + 20 * S });
    // b4 acknowledged every TCN, but the TCAs sent during the loss never arrived.
    expect(tcaLost.length).toBeGreaterThanOrEqual(2);
    expect(tcaLost.every((time) => time < lossEnd)).toBe(true);
    const acked = tcaArrived[0]!;
    expect(acked).toBeGreaterThanOrEqual(lossEnd);
    // TCNs went out at detect + k × hello for as long as no TCA had arrived, and then stopped.
    const expected: number[] = [];
    for (let time = detect; time < acked; time += HELLO) expected.push(time);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(tcns).toEqual(expected);
    expect(t.bridges.get('b3')!.counters.tcnSent).toBe(expected.length);
  });
});

describe('RSTP topology change (802.1D-2004 §17.31)', () => {
  it('the detecting bridge and every receiver flush their non-edge ports except the trigger / receiving port; edge entries stay', () => {
    const t = build(SQUARE, { protocol: 'rstp', startConverged: true });
    const failAt = 10 * S;
    broadcastAll(t, 1 * S);
    t.net.kernel.run({ until: failAt - 1 });
    const before = new Map([...t.switches].map(([name, sw]) => [name, sw.fdb.entries(t.net.kernel.now).map((e) => ({ mac: e.mac, port: e.port }))]));
    // Every bridge learned all four hosts.
    for (const entries of before.values()) expect(entries.length).toBe(4);
    const causes: string[] = [];
    t.net.kernel.trace.on('fdb-flushed', (e) => { if (e.removed > 0) causes.push(`${e.port} ${e.cause} ${e.removed}`); });
    t.net.kernel.scheduleAt(failAt, 'test', 'fail', () => t.links[B2_B3]!.setUp(false));
    t.net.kernel.run({ until: failAt + 1 * MS });

    // Where TC enters each bridge: b3's new root port (to b4) is the trigger; b4 hears it from b3,
    // b1 from b4, b2 from b1. The ports of the failed link lose their entries to the link-down flush.
    const sw = (n: string) => t.switches.get(n)!;
    const keep: Record<string, number> = { b3: portTo(sw('b3'), 'b4'), b4: portTo(sw('b4'), 'b3'), b1: portTo(sw('b1'), 'b4'), b2: portTo(sw('b2'), 'b1') };
    for (const [name, entries] of before) {
      const bridge = t.bridges.get(name)!;
      const expected = entries.filter((e) => e.port === keep[name] || bridge.edge(e.port));
      const after = sw(name).fdb.entries(t.net.kernel.now).map((e) => ({ mac: e.mac, port: e.port }));
      const key = (e: { mac: number; port: number }): string => `${e.port}/${e.mac}`;
      expect({ name, after: after.map(key).sort() }).toEqual({ name, after: expected.map(key).sort() });
    }
    // Edge entries survive everywhere: each bridge still knows its own host.
    for (const [name, h] of t.hosts) expect(sw(name).fdb.lookup(1, h.mac as MacAddress, t.net.kernel.now)).toBeGreaterThanOrEqual(0);
    expect(causes.some((c) => c.includes('rstp-topology-change'))).toBe(true);
  });

  it('tcWhile runs for 2 × hello time: the detecting bridge sends TC exactly that long', () => {
    const t = build(SQUARE, { protocol: 'rstp', startConverged: true });
    const tc = tcEvents(t.net);
    const failAt = 10 * S;
    const b3 = t.switches.get('b3')!;
    const tcSent: number[] = [];
    t.net.kernel.trace.on('frame-sent', (e) => {
      const llc = e.frame.eth.payload;
      if (e.node === 'b3' && llc.kind === 'llc' && llc.payload.kind === 'bpdu' && llc.payload.type === 'rst' && (llc.payload.flags & 1) !== 0) tcSent.push(e.time);
    });
    t.net.kernel.scheduleAt(failAt, 'test', 'fail', () => t.links[B2_B3]!.setUp(false));
    t.net.kernel.run({ until: failAt + 10 * S });
    expect(tc.get('b3')).toEqual([{ time: failAt, active: true }, { time: failAt + 2 * HELLO, active: false }]);
    expect(tcSent.length).toBeGreaterThan(0);
    expect(Math.min(...tcSent)).toBe(failAt);
    expect(Math.max(...tcSent)).toBeLessThan(failAt + 2 * HELLO);
    expect(t.bridges.get('b3')!.role(portTo(b3, 'b4'))).toBe('root');
    // RSTP never shortens ageing.
    for (const s of t.switches.values()) expect(s.fdb.agingTime).toBe(AGEING);
  });
});

describe.each(PROTOCOLS)('%s: what is not a topology change', (protocol) => {
  it('an edge port flapping is none; a non-edge port facing a host is one, once it forwards', () => {
    const net = network();
    const x = net.addSwitch('x');
    const y = net.addSwitch('y');
    net.connect(x.addPort(), y.addPort(), { rate: 1e9, delay: 1000 });
    const hx = new Station(net, 'hx', stationMac(1));
    const hy = new Station(net, 'hy', stationMac(2));
    const edgeLink = net.connect(hx.port, x.addPort(), { rate: 1e9, delay: 1000 });
    const plainLink = net.connect(hy.port, y.addPort(), { rate: 1e9, delay: 1000 });
    const bx = enableSpanningTree(net, x, { protocol, startConverged: true, edgePorts: [1] });
    const by = enableSpanningTree(net, y, { protocol, startConverged: true });
    const tc = tcEvents(net);
    const states: string[] = [];
    net.kernel.trace.on('port-state', (e) => { if (e.time > 0) states.push(`${e.time} ${e.port} ${e.state}`); });
    net.kernel.scheduleAt(10 * S, 'test', 'down', () => edgeLink.setUp(false));
    net.kernel.scheduleAt(11 * S, 'test', 'up', () => edgeLink.setUp(true));
    net.kernel.run({ until: 19 * S });
    // Forwarding again the moment the link is back (STP's port initialisation passes through
    // blocking within that instant), never listening or learning.
    expect(states[0]).toBe(`${10 * S} x:p2 disabled`);
    expect(states.slice(1).every((e) => e.startsWith(`${11 * S} x:p2 `))).toBe(true);
    expect(states[states.length - 1]).toBe(`${11 * S} x:p2 forwarding`);
    expect(bx.counters.topologyChanges + by.counters.topologyChanges).toBe(0);
    expect(tc.size).toBe(0);

    states.length = 0;
    const upAt = 21 * S;
    net.kernel.scheduleAt(20 * S, 'test', 'down', () => plainLink.setUp(false));
    net.kernel.scheduleAt(upAt, 'test', 'up', () => plainLink.setUp(true));
    net.kernel.run({ until: 80 * S });
    // STP: listening and learning, one forward delay each (§2.2). RSTP: nobody answers the proposal
    // and automatic edge detection is not modelled, so 802.1D-2004 §17.29's timers apply: learning
    // once fdWhile (max age, from DISABLED_PORT) expires, forwarding forwardDelay (= hello time
    // while sending RST BPDUs, §17.20.5) later.
    const forwardAt = protocol === 'stp' ? upAt + 2 * FORWARD_DELAY : upAt + MAX_AGE + HELLO;
    expect(states.filter((s) => s.includes('y:p2')).pop()).toBe(`${forwardAt} y:p2 forwarding`);
    expect(by.counters.topologyChanges).toBeGreaterThanOrEqual(1);
    expect((tc.get('y') ?? [])[0]?.time ?? (tc.get('x') ?? [])[0]?.time).toBeGreaterThanOrEqual(forwardAt);
  });

  it('a VM migration (its MAC appears behind another edge port) moves FDB entries but changes no port state and causes no topology change', () => {
    const net = network();
    const sws = ['b1', 'b2', 'b3'].map((n) => net.addSwitch(n));
    net.connect(sws[0]!.addPort(), sws[1]!.addPort(), { rate: 1e9, delay: 1000 });
    net.connect(sws[1]!.addPort(), sws[2]!.addPort(), { rate: 1e9, delay: 1000 });
    net.connect(sws[2]!.addPort(), sws[0]!.addPort(), { rate: 1e9, delay: 1000 });
    const vmMac = stationMac(9);
    const peer = new Station(net, 'peer', stationMac(1));
    const before = new Station(net, 'vm@b2', vmMac);
    const after = new Station(net, 'vm@b3', vmMac);
    net.connect(peer.port, sws[0]!.addPort(), { rate: 1e9, delay: 1000 });
    net.connect(before.port, sws[1]!.addPort(), { rate: 1e9, delay: 1000 });
    net.connect(after.port, sws[2]!.addPort(), { rate: 1e9, delay: 1000 });
    const bridges = sws.map((sw) => enableSpanningTree(net, sw, { protocol, startConverged: true, edgePorts: [2] }));
    const tc = tcEvents(net);
    const states: string[] = [];
    const moves: string[] = [];
    net.kernel.trace.on('port-state', (e) => { if (e.time > 0) states.push(e.port); });
    net.kernel.trace.on('fdb-learned', (e) => { if (e.previousPort !== null) moves.push(`${e.node} ${e.previousPort}->${e.port}`); });
    net.kernel.scheduleAt(1 * S, 'test', 'announce', () => before.broadcast());
    // The VM resumes at b3 and announces itself (as a RARP or gratuitous ARP would).
    net.kernel.scheduleAt(5 * S, 'test', 'announce', () => after.broadcast());
    net.kernel.run({ until: 60 * S });
    expect(moves.length).toBe(3);
    expect(states).toEqual([]);
    expect(bridges.reduce((n, b) => n + b.counters.topologyChanges, 0)).toBe(0);
    expect(tc.size).toBe(0);
    for (const sw of sws) expect(sw.fdb.agingTime).toBe(AGEING);
  });
});
