/**
 * The learning switch against 802.1D §7.7-7.9 and 802.1Q: learning, forwarding of known unicast,
 * flooding of broadcast and unknown unicast, aging, station moves, VLAN separation and tagging,
 * table-full flooding, reserved addresses to the control plane; and flood batching equal to the plain
 * path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LearningSwitch, Network, Port } from '../../src/net/index.js';
import { MAC_BROADCAST } from '../../src/wire/index.js';
import { RUNS } from '../helpers/arbitraries.js';
import { Station, network, stationMac } from '../helpers/net.js';

const LINK = { rate: 1e9, delay: 1000 };

function star(net: Network, n: number, config = {}): { sw: LearningSwitch; st: Station[] } {
  const sw = net.addSwitch('sw', config);
  const st = Array.from({ length: n }, (_, i) => {
    const s = new Station(net, `h${i + 1}`, stationMac(i + 1));
    net.connect(s.port, sw.addPort(), LINK);
    return s;
  });
  return { sw, st };
}

const ids = (s: Station): number[] => s.received.map((r) => r.frame.id);

describe('learning and forwarding', () => {
  it('floods a broadcast to every other port, learns the source, then forwards unicast to one port', () => {
    const net = network();
    const { sw, st } = star(net, 4);
    const b = st[0]!.broadcast();
    net.kernel.run();
    expect(st.map((s) => ids(s))).toEqual([[], [b.id], [b.id], [b.id]]);
    expect(sw.fdb.lookup(1, st[0]!.mac, net.kernel.now)).toBe(0);
    const u = st[2]!.unicast(st[0]!.mac);
    net.kernel.run();
    expect(ids(st[0]!)).toEqual([u.id]);
    expect(ids(st[1]!)).toEqual([b.id]);
    expect(sw.counters).toMatchObject({ broadcastFloods: 1, unknownUnicastFloods: 0, learned: 2 });
    expect(sw.ports.map((p) => p.counters.floodedFrames)).toEqual([0, 1, 1, 1]);
  });

  it('floods unknown unicast; filters a frame whose destination is behind its ingress port', () => {
    const net = network();
    const { sw, st } = star(net, 3);
    const u = st[0]!.unicast(stationMac(99));
    net.kernel.run();
    expect(ids(st[1]!)).toEqual([u.id]);
    expect(sw.counters.unknownUnicastFloods).toBe(1);
    sw.fdb.learn(1, stationMac(77), 0, net.kernel.now);
    st[0]!.unicast(stationMac(77));
    net.kernel.run();
    expect(sw.ports[0]!.counters.drops['same-port']).toBe(1);
  });

  it('an unknown unicast with no port to leave by but its ingress is a drop with a cause, not a flood', () => {
    const net = network();
    // Two ports, the second with a link that is down: like a hypervisor's vSwitch whose VM has left.
    const { sw, st } = star(net, 2);
    [...net.links].find((l) => l.a === st[1]!.port || l.b === st[1]!.port)!.setUp(false);
    const drops: string[] = [];
    net.kernel.trace.on('frame-dropped', (e) => drops.push(`${e.port} ${e.reason}`));
    const u = st[0]!.unicast(stationMac(99));
    net.kernel.run();
    expect(ids(st[1]!)).toEqual([]);
    expect(drops).toEqual([`${sw.ports[0]!.name} no-egress`]);
    expect(sw.ports[0]!.counters.drops['no-egress']).toBe(1);
    expect(sw.counters.unknownUnicastFloods).toBe(0);
    expect(sw.ports.map((p) => p.counters.floodedFrames)).toEqual([0, 0]);
    // With the port back, the same frame floods and is counted as a flood.
    [...net.links].find((l) => l.a === st[1]!.port || l.b === st[1]!.port)!.setUp(true);
    st[0]!.port.send(u);
    net.kernel.run();
    expect(ids(st[1]!)).toEqual([u.id]);
    expect(sw.counters.unknownUnicastFloods).toBe(1);
  });

  it('forgets an entry after the ageing time (300 s by default) and floods again', () => {
    const net = network();
    const { st } = star(net, 3);
    st[0]!.broadcast();
    net.kernel.run();
    net.kernel.scheduleAt(299e9, 't', 'send', () => st[1]!.unicast(st[0]!.mac));
    net.kernel.scheduleAt(301e9, 't', 'send', () => st[1]!.unicast(st[0]!.mac));
    net.kernel.run();
    // h3 sees the initial broadcast and only the second unicast (flooded after aging).
    expect(st[2]!.received.length).toBe(2);
    expect(st[2]!.received[1]!.time).toBeGreaterThan(301e9);
  });

  it('a station move re-points the entry and is traced with the previous port', () => {
    const net = network();
    const { sw, st } = star(net, 3);
    const moves: Array<[string, string | null]> = [];
    net.kernel.trace.on('fdb-learned', (e) => moves.push([e.port, e.previousPort]));
    st[0]!.broadcast();
    net.kernel.run();
    // Another station sends with h1's MAC from port 3 (as a migrated VM would).
    const impostor = new Station(net, 'vm', st[0]!.mac);
    net.connect(impostor.port, sw.addPort(), LINK);
    impostor.broadcast();
    net.kernel.run();
    expect(moves).toEqual([['sw:p1', null], ['sw:p4', 'sw:p1']]);
    expect(sw.counters.moved).toBe(1);
  });

  it('with a full table, new sources are not learned and traffic to them floods', () => {
    const net = network();
    const { sw, st } = star(net, 4, { macTableCapacity: 2 });
    st[0]!.broadcast();
    st[1]!.broadcast();
    st[2]!.broadcast();
    net.kernel.run();
    expect(sw.fdb.size).toBe(2);
    expect(sw.counters.tableFull).toBe(1);
    st[0]!.unicast(st[2]!.mac);
    net.kernel.run();
    expect(sw.counters.unknownUnicastFloods).toBe(1);
  });

  it('frames to reserved group addresses go to the control plane, never forwarded', () => {
    const net = network();
    const { sw, st } = star(net, 3);
    const seen: string[] = [];
    sw.controlPlane = { receive: (port) => seen.push(port.name) };
    st[0]!.unicast(0x0180_c200_0000 as never);
    net.kernel.run();
    expect(seen).toEqual(['sw:p1']);
    expect(st[1]!.received).toEqual([]);
  });
});

describe('VLANs', () => {
  it('access ports separate VLANs; a trunk carries them tagged; the far access port strips the tag', () => {
    const net = network();
    const a = net.addSwitch('a');
    const b = net.addSwitch('b');
    const h = [new Station(net, 'h10a', stationMac(1)), new Station(net, 'h20a', stationMac(2)), new Station(net, 'h10b', stationMac(3)), new Station(net, 'h20b', stationMac(4))];
    net.connect(h[0]!.port, a.addPort({ kind: 'access', vlan: 10 }), LINK);
    net.connect(h[1]!.port, a.addPort({ kind: 'access', vlan: 20 }), LINK);
    net.connect(a.addPort({ kind: 'trunk', vlans: [10, 20] }), b.addPort({ kind: 'trunk', vlans: 'all' }), LINK);
    net.connect(h[2]!.port, b.addPort({ kind: 'access', vlan: 10 }), LINK);
    net.connect(h[3]!.port, b.addPort({ kind: 'access', vlan: 20 }), LINK);
    const tagged: number[][] = [];
    net.kernel.trace.on('frame-sent', (e) => { if (e.port === 'a:p3') tagged.push(e.frame.eth.vlanTags.map((t) => t.vlanId)); });
    const f = h[0]!.broadcast();
    net.kernel.run();
    expect(h.map((s) => ids(s))).toEqual([[], [], [f.id], []]);
    expect(tagged).toEqual([[10]]);
    expect(h[2]!.received[0]!.frame.eth.vlanTags).toEqual([]);
    expect(b.fdb.lookup(10, h[0]!.mac, net.kernel.now)).toBe(0);
    expect(b.fdb.lookup(20, h[0]!.mac, net.kernel.now)).toBe(-1);
  });

  it('a tagged frame on an access port, or a VLAN a trunk does not allow, is dropped', () => {
    const net = network();
    const a = net.addSwitch('a');
    const h = new Station(net, 'h', stationMac(1));
    const p = a.addPort({ kind: 'trunk', vlans: [5] });
    net.connect(h.port, p, LINK);
    a.addPort({ kind: 'access', vlan: 5 });
    const f = net.frame({ destination: MAC_BROADCAST, source: h.mac, vlanTags: [{ tpid: 0x8100, priority: 0, dropEligible: false, vlanId: 6 }], etherType: 0x0806, payload: { kind: 'raw', bytes: new Uint8Array(46) } });
    h.port.send(f);
    net.kernel.run();
    expect(p.counters.drops['vlan']).toBe(1);
  });
});

describe('flood batching', () => {
  it('gives the same deliveries, at the same times, in the same order as one event per receiver', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3_000 })), { minLength: 1, maxLength: 40 }),
      (sends) => {
        const trace = (batch: boolean): string[] => {
          const net = network(5);
          const s1 = net.addSwitch('s1', { batchFloods: batch });
          const s2 = net.addSwitch('s2', { batchFloods: batch });
          net.connect(s1.addPort(), s2.addPort(), { rate: 1e9, delay: 500 });
          const st = Array.from({ length: 6 }, (_, i) => {
            const s = new Station(net, `h${i}`, stationMac(i));
            net.connect(s.port, (i < 3 ? s1 : s2).addPort(), { rate: i % 2 === 0 ? 1e9 : 1e8, delay: 1000 });
            return s;
          });
          const log: string[] = [];
          net.kernel.trace.on('frame-received', (e) => log.push(`${e.time} ${e.port} ${e.frame.id}`));
          for (const [from, to, at] of sends) {
            net.kernel.scheduleAt(at, 'test', 'send', () => {
              if (to === 6) st[from]!.broadcast();
              else st[from]!.unicast(stationMac(to));
            });
          }
          net.kernel.run();
          return log;
        };
        expect(trace(true)).toEqual(trace(false));
      },
    ), { numRuns: RUNS });
  });

  // Links going down and up, or taken out and made again, while flood copies are on their way (a copy
  // whose link changed state is lost, `Link.deliver`), and floods sent meanwhile (the switch's flood
  // plan reads its links again): batched and one event per receiver give the same deliveries (by
  // group), drops and counters.
  it('with links going down and up under floods in flight: the same deliveries, drops and counters batched or not', () => {
    const event = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 3_000 }));
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), (events) => {
      const run = (batch: boolean): string[] => {
        const net = network(5);
        const s1 = net.addSwitch('s1', { batchFloods: batch });
        const s2 = net.addSwitch('s2', { batchFloods: batch });
        net.connect(s1.addPort(), s2.addPort(), { rate: 1e9, delay: 500 });
        const st = Array.from({ length: 7 }, (_, i) => {
          const s = new Station(net, `h${i}`, stationMac(i));
          net.connect(s.port, (i < 4 ? s1 : s2).addPort(), { rate: i % 2 === 0 ? 1e9 : 1e8, delay: 1000 });
          return s;
        });
        const log: string[] = [];
        net.kernel.trace.on('frames-received', (e) => log.push(`${e.time} ${e.ports.slice(e.from, e.to).map((p) => p.name).join(',')} ${Array.from(e.ids).slice(e.from, e.to).join(',')} ${e.frame.id}`));
        net.kernel.trace.on('frame-dropped', (e) => log.push(`${e.time} drop ${e.port} ${e.reason} ${e.frame.id}`));
        for (const [from, what, at] of events) {
          net.kernel.scheduleAt(at, 'test', 'event', () => {
            // 8: the station's link is taken out and a new one made to the same switch port (a VM's
            // NIC unplugged and plugged again); 7: the link goes down or comes back; 6: a broadcast;
            // else a unicast.
            const link = st[from]!.port.link!;
            if (what === 8) {
              const other = link.a === st[from]!.port ? link.b : link.a;
              link.detach();
              net.connect(st[from]!.port, other, { rate: 1e9, delay: 1000 });
            } else if (what === 7) link.setUp(!link.up);
            else if (what === 6) st[from]!.broadcast();
            else st[from]!.unicast(stationMac(what));
          });
        }
        net.kernel.run();
        const counted = (p: Port): string => {
          const c = p.counters;
          return `${p.name} ${c.rxFrames} ${c.rxBytes} ${c.txFrames} ${c.txBytes} ${c.floodedFrames} ${JSON.stringify(c.drops)}`;
        };
        for (const sw of [s1, s2]) for (const p of sw.ports) log.push(counted(p));
        for (const s of st) log.push(`${counted(s.port)} ${ids(s).join(',')}`);
        return log;
      };
      expect(run(true)).toEqual(run(false));
    }), { numRuns: RUNS });
  });

  it('a broadcast to many ports costs one kernel event per arrival time, not one per receiver', () => {
    const net = network();
    const { st } = star(net, 200);
    const before = net.kernel.counters.scheduled;
    st[0]!.broadcast();
    net.kernel.run();
    // One event for the frame reaching the switch, one for the 199 copies.
    expect(net.kernel.counters.scheduled - before).toBe(2);
    expect(st.slice(1).every((s) => s.received.length === 1)).toBe(true);
  });
});


describe('the frame filter hook', () => {
  const REFUSED = { filter: 'test-filter', reason: 'refused' } as const;

  it('ingress: a refused frame is counted as `security` on its port, traced with the filter\'s words, and neither learned nor forwarded', () => {
    const net = network();
    const { sw, st } = star(net, 3);
    const seen: Array<{ port: string; reason: string; filter: unknown }> = [];
    net.kernel.trace.on('frame-dropped', (e) => seen.push({ port: e.port, reason: e.reason, filter: e.filter }));
    sw.filter = { ingress: (port) => (port.index === 0 ? REFUSED : null), egress: () => null };
    st[0]!.broadcast();
    net.kernel.run();
    expect(st[1]!.received).toEqual([]);
    expect(sw.ports[0]!.counters.drops.security).toBe(1);
    expect(seen).toEqual([{ port: 'sw:p1', reason: 'security', filter: REFUSED }]);
    expect(sw.fdb.lookup(1, st[0]!.mac, net.kernel.now)).toBe(-1);
  });

  it('egress: a flood copy refused at one port is dropped there only; a refused unicast goes nowhere; the filter sees the ingress port', () => {
    const net = network();
    const { sw, st } = star(net, 3);
    const ingresses: Array<string | null> = [];
    sw.filter = {
      ingress: () => null,
      egress: (port, _f, vlan, ingress) => {
        ingresses.push(ingress?.name ?? null);
        return port.index === 2 && vlan === 1 ? REFUSED : null;
      },
    };
    const b = st[0]!.broadcast();
    net.kernel.run();
    expect([ids(st[1]!), ids(st[2]!)]).toEqual([[b.id], []]);
    expect(sw.ports[2]!.counters.drops.security).toBe(1);
    expect(sw.ports[2]!.counters.floodedFrames).toBe(0);
    st[1]!.unicast(st[0]!.mac);
    st[0]!.unicast(st[2]!.mac);
    net.kernel.run();
    expect(ids(st[2]!)).toEqual([]);
    expect(sw.ports[2]!.counters.drops.security).toBe(2);
    // The broadcast (2 copies), the known unicast from h2, the unknown unicast from h1 (flooded, 2 copies).
    expect(ingresses).toEqual(['sw:p1', 'sw:p1', 'sw:p2', 'sw:p1', 'sw:p1']);
  });

  it('told about link changes of the switch\'s ports', () => {
    const net = network();
    const { sw, st } = star(net, 2);
    const changes: string[] = [];
    sw.filter = { ingress: () => null, egress: () => null, linkChanged: (port, up) => changes.push(`${port.name} ${up}`) };
    st[1]!.port.link!.setUp(false);
    st[1]!.port.link!.setUp(true);
    expect(changes).toEqual(['sw:p2 false', 'sw:p2 true']);
  });
});
