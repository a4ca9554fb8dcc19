/**
 * Links: serialization and propagation timing computed from the link's own parameters, drop-tail
 * queueing, loss models measured against their parameters, congestion windows, and frames lost in
 * flight when a link goes down.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/index.js';
import { DROP_REASONS, PortCounters, WIRE_OVERHEAD, expectedLossRate, gilbertElliottFor, lossProcess } from '../../src/net/index.js';
import { Station, network, stationMac } from '../helpers/net.js';

const GBPS = 1e9;

describe('link timing', () => {
  it('a frame arrives after (size + 24) × 8 / rate plus the propagation delay; back-to-back frames queue', () => {
    const net = network();
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    const delay = 5_000;
    net.connect(a.port, b.port, { rate: GBPS, delay });
    const f1 = a.unicast(b.mac);
    const f2 = a.unicast(b.mac);
    net.kernel.run();
    const ser = Math.ceil(((f1.size + WIRE_OVERHEAD) * 8 * 1e9) / GBPS);
    expect(f1.size).toBe(60);
    expect(ser).toBe(672);
    expect(b.received.map((r) => [r.time, r.frame.id])).toEqual([[ser + delay, f1.id], [2 * ser + delay, f2.id]]);
    expect(a.port.counters).toMatchObject({ txFrames: 2, txBytes: 120 });
    expect(b.port.counters).toMatchObject({ rxFrames: 2, rxBytes: 120 });
  });

  it('a full drop-tail queue drops what arrives; the backlog drains at the line rate', () => {
    const net = network();
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    // Room for exactly 3 frames of 60 + 24 bytes.
    net.connect(a.port, b.port, { rate: 1e6, delay: 0, queueBytes: 3 * 84 });
    for (let i = 0; i < 5; i++) a.unicast(b.mac);
    expect(a.port.counters.drops['queue-full']).toBe(2);
    net.kernel.run();
    const ser = Math.ceil((84 * 8 * 1e9) / 1e6);
    expect(b.received.map((r) => r.time)).toEqual([ser, 2 * ser, 3 * ser]);
  });

  it('frames in flight when the link goes down are lost; the link tells its owners', () => {
    const net = network();
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    const link = net.connect(a.port, b.port, { rate: GBPS, delay: 1_000_000 });
    a.unicast(b.mac);
    net.kernel.schedule(500_000, 'test', 'cut', () => link.setUp(false));
    net.kernel.run();
    expect(b.received).toEqual([]);
    expect(b.port.counters.drops['link-down']).toBe(1);
    expect(a.unicast(b.mac)).toBeDefined();
    expect(a.port.counters.drops['link-down']).toBe(1);
  });

  it('many frames in flight each way arrive in order, each at its own time (more than the first ring holds)', () => {
    const net = network();
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    const delay = 1_000_000;
    net.connect(a.port, b.port, { rate: GBPS, delay });
    const n = 100;
    const toB: number[] = [];
    const toA: number[] = [];
    for (let i = 0; i < n; i++) {
      toB.push(a.unicast(b.mac).id);
      if (i % 3 === 0) toA.push(b.unicast(a.mac).id);
    }
    // More sent half-way through, while the first ones are still in flight.
    net.kernel.schedule(delay / 2, 'test', 'more', () => { for (let i = 0; i < n; i++) toB.push(a.unicast(b.mac).id); });
    net.kernel.run();
    const ser = Math.ceil((84 * 8 * 1e9) / GBPS);
    const times = (k: number): number => (k < n ? (k + 1) * ser : Math.max(delay / 2, n * ser) + (k - n + 1) * ser) + delay;
    expect(b.received.map((r) => r.frame.id)).toEqual(toB);
    expect(b.received.map((r) => r.time)).toEqual(toB.map((_, k) => times(k)));
    expect(a.received.map((r) => r.frame.id)).toEqual(toA);
    expect(a.received.map((r) => r.time)).toEqual(toA.map((_, k) => (k + 1) * ser + delay));
  });

  it('after a flap, a new frame that overtakes frames lost in flight arrives at its time; the lost ones are counted at theirs', () => {
    const net = network();
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    // A slow link: 20 frames queue for 20 × 672 µs; the link flaps at 1 ms, while most are still queued.
    const rate = 1e6;
    const link = net.connect(a.port, b.port, { rate, delay: 0 });
    const ser = Math.ceil((84 * 8 * 1e9) / rate);
    for (let i = 0; i < 20; i++) a.unicast(b.mac);
    const lostAt: number[] = [];
    net.kernel.trace.on('frame-dropped', (e) => { if (e.reason === 'link-down') lostAt.push(e.time); });
    let late = -1;
    net.kernel.schedule(1_000_000, 'test', 'flap', () => {
      link.setUp(false);
      link.setUp(true);
      late = a.unicast(b.mac).id;
      // And one more behind it, which must also arrive (not be taken for a lost one).
      a.unicast(b.mac);
    });
    net.kernel.run();
    // One frame arrived before the flap (at 672 µs); the 19 queued behind it are lost at their own arrival times.
    expect(lostAt).toEqual(Array.from({ length: 19 }, (_, k) => (k + 2) * ser));
    expect(b.received.map((r) => r.time)).toEqual([ser, 1_000_000 + ser, 1_000_000 + 2 * ser]);
    expect(b.received[1]!.frame.id).toBe(late);
    expect(b.port.counters.drops['link-down']).toBe(19);
  });

  it('a congestion window at full load drops every frame inside it, and only those', () => {
    const net = network();
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    net.connect(a.port, b.port, { rate: GBPS, delay: 0, aToB: { congestion: [{ start: 1e9, end: 2e9, load: 1 }] } });
    for (let t = 0; t < 3e9; t += 0.25e9) net.kernel.scheduleAt(t, 'a', 'send', () => a.unicast(b.mac));
    net.kernel.run();
    expect(a.port.counters.drops['congestion']).toBe(4);
    expect(b.received.length).toBe(8);
    expect(b.received.every((r) => r.time < 1e9 || r.time > 2e9)).toBe(true);
  });

  it('a congestion window below full load leaves the frame the remaining share of the rate', () => {
    const net = network();
    const a = new Station(net, 'a', stationMac(1));
    const b = new Station(net, 'b', stationMac(2));
    net.connect(a.port, b.port, { rate: GBPS, delay: 0, aToB: { congestion: [{ start: 0, end: 1e9, load: 0.75 }] } });
    a.unicast(b.mac);
    net.kernel.run();
    expect(b.received[0]!.time).toBe(Math.ceil((84 * 8 * 1e9) / (GBPS * 0.25)));
  });
});

describe('loss models', () => {
  const N = 200_000;

  it('Bernoulli: the measured loss rate matches the parameter within 4 standard errors', () => {
    const p = 0.1;
    const loss = lossProcess({ kind: 'bernoulli', rate: p }, Rng.fromSeed(7).stream('bernoulli'));
    let lost = 0;
    for (let i = 0; i < N; i++) if (loss.drop()) lost++;
    const se = Math.sqrt((p * (1 - p)) / N);
    expect(Math.abs(lost / N - p)).toBeLessThan(4 * se);
  });

  it('Gilbert-Elliott from (loss rate, mean burst length): measured rate and burst length match', () => {
    const rate = 0.05;
    const burst = 8;
    const spec = gilbertElliottFor(rate, burst);
    expect(expectedLossRate(spec)).toBeCloseTo(rate, 12);
    const loss = lossProcess(spec, Rng.fromSeed(11).stream('ge'));
    let lost = 0;
    const bursts: number[] = [];
    let run = 0;
    for (let i = 0; i < 2 * N; i++) {
      if (loss.drop()) {
        lost++;
        run++;
      } else if (run > 0) {
        bursts.push(run);
        run = 0;
      }
    }
    // Burst lengths are geometric with mean `burst`: standard error sqrt(burst (burst - 1) / n).
    const meanBurst = bursts.reduce((s, x) => s + x, 0) / bursts.length;
    expect(Math.abs(meanBurst - burst)).toBeLessThan(4 * Math.sqrt((burst * (burst - 1)) / bursts.length));
    // Losses are correlated, so the rate's standard error is inflated by about sqrt(2 burst).
    const se = Math.sqrt((rate * (1 - rate)) / (2 * N)) * Math.sqrt(2 * burst);
    expect(Math.abs(lost / (2 * N) - rate)).toBeLessThan(4 * se);
  });

  it('a Gilbert-Elliott burst longer than a train of three frames loses all three more often than independent loss would', () => {
    const loss = lossProcess(gilbertElliottFor(0.05, 20), Rng.fromSeed(3).stream('train'));
    let allThree = 0;
    let trains = 0;
    for (let i = 0; i < N; i++) {
      const a = loss.drop();
      const b = loss.drop();
      const c = loss.drop();
      trains++;
      if (a && b && c) allThree++;
    }
    expect(allThree / trains).toBeGreaterThan(100 * 0.05 ** 3);
  });

  it('rejects impossible parameters', () => {
    expect(() => gilbertElliottFor(1.2, 3)).toThrow(RangeError);
    expect(() => gilbertElliottFor(0.1, 0.5)).toThrow(RangeError);
    expect(() => lossProcess({ kind: 'bernoulli', rate: -0.1 }, Rng.fromSeed(1))).toThrow(RangeError);
  });

  it('each link direction draws from its own stream: adding a link does not change another link\'s losses', () => {
    const run = (extra: boolean): number[] => {
      const net = network(99);
      const a = new Station(net, 'a', stationMac(1));
      const b = new Station(net, 'b', stationMac(2));
      if (extra) {
        const c = new Station(net, 'c', stationMac(3));
        const d = new Station(net, 'd', stationMac(4));
        net.connect(c.port, d.port, { rate: GBPS, delay: 0, aToB: { loss: { kind: 'bernoulli', rate: 0.5 } } });
        for (let i = 0; i < 50; i++) c.unicast(d.mac);
      }
      net.connect(a.port, b.port, { rate: GBPS, delay: 0, aToB: { loss: { kind: 'bernoulli', rate: 0.3 } } });
      const sent = Array.from({ length: 100 }, () => a.unicast(b.mac).id);
      net.kernel.run();
      const got = new Set(b.received.map((r) => r.frame.id));
      return sent.map((id, i) => (got.has(id) ? i : -1)).filter((i) => i >= 0);
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe('a port and its network', () => {
  it('keeps its id when linked again in its own network; linking it into a second network is refused, naming the port', () => {
    const first = network();
    const a = new Station(first, 'a', stationMac(1));
    const b = new Station(first, 'b', stationMac(2));
    const c = new Station(first, 'c', stationMac(3));
    first.connect(a.port, b.port, { rate: GBPS, delay: 0 });
    const id = a.port.id;
    expect(id).toBeGreaterThanOrEqual(0);
    // Unplugged and plugged again in the same network (a re-plug): the same id, and frames still counted there.
    a.port.link!.detach();
    first.connect(a.port, c.port, { rate: GBPS, delay: 0 });
    expect(a.port.id).toBe(id);
    a.unicast(c.mac);
    first.kernel.run();
    expect(c.received).toHaveLength(1);
    expect(a.port.counters.txFrames).toBe(1);
    // The id numbers slots of the first network's arrays: in a second network it would name another port's.
    a.port.link!.detach();
    const second = network();
    const d = new Station(second, 'd', stationMac(4));
    expect(() => second.connect(a.port, d.port, { rate: GBPS, delay: 0 })).toThrow(/^link a:eth0<->d:eth0: port a:eth0 already belongs to another network/);
    // Nothing was half done: both ports are still free, and d can be linked in its own network.
    expect(a.port.link).toBeNull();
    expect(d.port.link).toBeNull();
    const e = new Station(second, 'e', stationMac(5));
    second.connect(d.port, e.port, { rate: GBPS, delay: 0 });
    d.unicast(e.mac);
    second.kernel.run();
    expect(e.received).toHaveLength(1);
    expect(d.port.counters.txFrames).toBe(1);
    expect(a.port.counters.txFrames).toBe(1);
  });
});

describe('port counters', () => {
  it('count drops under every reason, in the order of DROP_REASONS, starting at zero', () => {
    const c = new PortCounters();
    expect(Object.keys(c.drops)).toEqual([...DROP_REASONS]);
    expect(Object.values(c.drops).every((v) => v === 0)).toBe(true);
    c.drops['queue-full'] += 2;
    c.drops.rpf++;
    expect(c.dropped).toBe(3);
  });
});
