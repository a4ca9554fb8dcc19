/**
 * A VRRPv3 gateway pair (RFC 5798): the master advertises every Advertisement_Interval on the wire;
 * the backup takes over Master_Down_Interval after the last advertisement it heard, announces the
 * virtual IP with the virtual MAC, and traffic to the virtual IP resumes; with preemption the primary
 * takes the role back Master_Down_Interval after it returns; cut apart, both are master.
 */
import { describe, expect, it } from 'vitest';
import { FlowSink, RedundantGatewayPair, UdpFlow, linuxProfile } from '../../src/stack/index.js';
import type { SimFrame } from '../../src/net/index.js';
import type { Host } from '../../src/stack/index.js';
import type { MacAddress } from '../../src/wire/index.js';
import { classifyArp, formatIpv4, formatMac, parseVrrp } from '../../src/wire/index.js';
import { lan } from '../helpers/stack.js';
import { ip4, mac } from '../helpers/sample-frames.js';

const S = 1e9;

/** Two Linux routers on a LAN (198.18.0.2 and .3), sharing virtual IP 198.18.0.1 on virtual MAC `vmac`. */
function gatewayPair(vmac: MacAddress): { l: ReturnType<typeof lan>; g1: Host; g2: Host; pair: RedundantGatewayPair } {
  const l = lan(4);
  const router = linuxProfile({ forwarding: 1 });
  const g1 = l.add('gateway-1', mac('02:00:5e:00:00:01'), router);
  const g2 = l.add('gateway-2', mac('02:00:5e:00:00:02'), router);
  g1.addIpv4(ip4('198.18.0.2'), 24);
  g2.addIpv4(ip4('198.18.0.3'), 24);
  const pair = new RedundantGatewayPair(l.kernel, g1, g2, { mac: vmac, ipv4: { address: ip4('198.18.0.1'), prefixLength: 24 } });
  return { l, g1, g2, pair };
}

describe('redundant gateway pair', () => {
  it('the backup takes over Master_Down_Interval after the master fails, with a GARP for the virtual IP; traffic resumes', () => {
    const vmac = mac('00:00:5e:00:01:01');
    const vip = ip4('198.18.0.1');
    const { l, g1, g2, pair } = gatewayPair(vmac);
    const vm = l.add('vm', mac('02:00:00:00:00:10'), linuxProfile(), { gateway4: vip });
    vm.addIpv4(ip4('198.18.0.10'), 24);
    const flow = new UdpFlow(l.kernel, { id: 1, name: 'vm-to-gateway', from: vm, to: vip, rate: 100, size: 64, start: 1 * S, stop: 30 * S });
    const record = flow.record;
    for (const g of [g1, g2]) new FlowSink(g).expect(record);
    const deliveredAt: number[] = [];
    l.kernel.trace.on('flow-delivered', (e) => deliveredAt.push(e.time));
    const failAt = 10 * S;
    l.kernel.scheduleAt(failAt, 't', 'fail', () => g1.setUp(false));
    l.kernel.run({ until: 20 * S });
    expect(pair.master).toBe(g2);
    const interval = 1 * S;
    const down = pair.masterDownInterval(1);
    expect(down).toBe(3 * interval + Math.round((156 * interval) / 256));
    const garps = l.sentBy('gateway-2').filter(({ frame }) => frame.eth.payload.kind === 'arp' && classifyArp(frame.eth.payload) === 'announcement');
    expect(garps.length).toBe(1);
    // The master advertised every interval until it failed, from the virtual MAC to 224.0.0.18.
    const adverts1 = l.sentBy('gateway-1').filter(({ frame }) => isVrrp(frame));
    expect(adverts1.map((a) => a.time)).toEqual(Array.from({ length: 10 }, (_, k) => k * interval));
    const first = adverts1[0]!.frame.eth;
    expect([formatMac(first.source), formatMac(first.destination)]).toEqual(['00:00:5e:00:01:01', '01:00:5e:00:00:12']);
    const packet = first.payload;
    if (packet.kind !== 'ipv4' || packet.payload.kind !== 'raw') throw new Error('not an IPv4 VRRP packet');
    expect([packet.timeToLive, formatIpv4(packet.source), formatIpv4(packet.destination)]).toEqual([255, '198.18.0.2', '224.0.0.18']);
    const ad = parseVrrp(packet.payload.bytes, 0, packet.payload.bytes.length, { kind: 'ipv4', source: packet.source, destination: packet.destination });
    expect([ad.vrid, ad.priority, ad.maxAdvertInterval, ad.addresses.map((a) => formatIpv4(a as never))]).toEqual([1, 200, 100, ['198.18.0.1']]);
    // The backup took over Master_Down_Interval after the last advertisement it heard (§6.4.2).
    const takeover = garps[0]!.time;
    const lastHeard = adverts1.at(-1)!.time;
    expect(takeover).toBeGreaterThanOrEqual(lastHeard + down);
    expect(takeover).toBeLessThan(lastHeard + down + 1e6); // + the frame's way across the LAN
    expect(garps[0]!.frame.eth.source).toBe(vmac);
    // ... and advertises from then on, at its own priority.
    const adverts2 = l.sentBy('gateway-2').filter(({ frame }) => isVrrp(frame));
    expect(adverts2[0]!.time).toBe(takeover);
    // Delivered again right after the takeover (the VM's entry for the virtual IP is still right).
    const delivered = deliveredAt.filter((t) => t > takeover);
    expect(delivered.length).toBeGreaterThan(0);
    const backAt = 25 * S;
    l.kernel.scheduleAt(backAt, 't', 'back', () => g1.setUp(true));
    l.kernel.run({ until: 30 * S });
    expect(pair.master).toBe(g1);
    // Preemption: back as backup, the primary discards the lower-priority advertisements and takes
    // over when its own Master_Down_Timer runs out; the backup then yields at once.
    const regained = l.sentBy('gateway-1').filter(({ frame }) => frame.eth.payload.kind === 'arp' && classifyArp(frame.eth.payload) === 'announcement');
    expect(regained.map((g) => g.time)).toEqual([backAt + pair.masterDownInterval(0)]);
    const lastOf2 = l.sentBy('gateway-2').filter(({ frame }) => isVrrp(frame)).at(-1)!.time;
    expect(lastOf2).toBeLessThan(backAt + pair.masterDownInterval(0));
    expect(g2.ipv4.map((a) => formatIpv4(a.address))).toEqual(['198.18.0.3']);
  });

  it('cut apart, both members become master (VRRP cannot tell a failure from a partition)', () => {
    const { l, g1, g2, pair } = gatewayPair(mac('00:00:5e:00:01:07'));
    expect(pair.vrid).toBe(7);
    l.kernel.run({ until: 5 * S });
    expect(l.sentBy('gateway-2').filter(({ frame }) => isVrrp(frame))).toEqual([]);
    l.kernel.scheduleAt(5 * S, 't', 'cut', () => g2.port.link!.setUp(false));
    l.kernel.scheduleAt(7 * S, 't', 'join', () => g2.port.link!.setUp(true));
    l.kernel.run({ until: 20 * S });
    // Joined again before the backup's timer ran out (2 s < Master_Down_Interval): it never took over.
    expect(l.sentBy('gateway-2').filter(({ frame }) => isVrrp(frame))).toEqual([]);
    l.kernel.scheduleAt(20 * S, 't', 'cut', () => g2.port.link!.setUp(false));
    l.kernel.run({ until: 30 * S });
    const vip = (h: typeof g1): boolean => h.ipv4.some((a) => formatIpv4(a.address) === '198.18.0.1');
    expect([vip(g1), vip(g2)]).toEqual([true, true]);
  });
});

function isVrrp(frame: SimFrame): boolean {
  const p = frame.eth.payload;
  return p.kind === 'ipv4' && p.protocol === 112;
}
