/**
 * A VRRP-like gateway pair (RFC 5798): the backup takes over after Master_Down_Interval, announces
 * the virtual IP with the virtual MAC, and traffic to the virtual IP resumes; with preemption the
 * primary takes the role back when it returns.
 */
import { describe, expect, it } from 'vitest';
import { FlowSink, RedundantGatewayPair, UdpFlow, linuxProfile } from '../../src/stack/index.js';
import { classifyArp } from '../../src/wire/index.js';
import { lan } from '../helpers/stack.js';
import { ip4, mac } from '../helpers/sample-frames.js';

const S = 1e9;

describe('redundant gateway pair', () => {
  it('the backup takes over Master_Down_Interval after the master fails, with a GARP for the virtual IP; traffic resumes', () => {
    const l = lan(4);
    const router = linuxProfile({ forwarding: 1 });
    const g1 = l.add('gateway-1', mac('02:00:5e:00:00:01'), router);
    const g2 = l.add('gateway-2', mac('02:00:5e:00:00:02'), router);
    g1.addIpv4(ip4('198.18.0.2'), 24);
    g2.addIpv4(ip4('198.18.0.3'), 24);
    const vmac = mac('00:00:5e:00:01:01');
    const vip = ip4('198.18.0.1');
    const pair = new RedundantGatewayPair(l.kernel, g1, g2, { mac: vmac, ipv4: { address: vip, prefixLength: 24 } });
    const vm = l.add('vm', mac('02:00:00:00:00:10'), linuxProfile(), { gateway4: vip });
    vm.addIpv4(ip4('198.18.0.10'), 24);
    const flow = new UdpFlow(l.kernel, { id: 1, name: 'vm-to-gateway', from: vm, to: vip, rate: 100, size: 64, start: 1 * S, stop: 30 * S });
    const record = flow.record;
    for (const g of [g1, g2]) new FlowSink(l.kernel, g).expect(record);
    const failAt = 10 * S;
    l.kernel.scheduleAt(failAt, 't', 'fail', () => g1.setUp(false));
    l.kernel.run({ until: 20 * S });
    expect(pair.master).toBe(g2);
    const interval = 1 * S;
    const down = pair.masterDownInterval(1);
    expect(down).toBe(3 * interval + Math.round((156 * interval) / 256));
    const garps = l.sentBy('gateway-2').filter(({ frame }) => frame.eth.payload.kind === 'arp' && classifyArp(frame.eth.payload) === 'announcement');
    expect(garps.length).toBe(1);
    // Checked every advertisement interval: the takeover happens at the first check at or after fail + interval.
    const takeover = garps[0]!.time;
    expect(takeover).toBeGreaterThanOrEqual(failAt + down);
    expect(takeover).toBeLessThan(failAt + down + interval);
    expect(garps[0]!.frame.eth.source).toBe(vmac);
    // Delivered again right after the takeover (the VM's entry for the virtual IP is still right).
    const delivered = record.deliveredAt.filter((t) => t > takeover);
    expect(delivered.length).toBeGreaterThan(0);
    l.kernel.scheduleAt(25 * S, 't', 'back', () => g1.setUp(true));
    l.kernel.run({ until: 30 * S });
    expect(pair.master).toBe(g1);
  });
});
