/**
 * Plain data frames on `frames-sent` and `frames-received` (net/trace.ts): a listener subscribed with
 * `skipsPlain` is never given a unicast IPv4 or IPv6 (non-ICMPv6) frame sent or received alone, and
 * is given every other frame exactly as a listener without it; a listener without it is given all.
 */
import { describe, expect, it } from 'vitest';
import type { SimFrame } from '../../src/net/index.js';
import { Link } from '../../src/net/index.js';
import { udp4, udp6 } from '../../src/stack/index.js';
import type { EthernetFrame } from '../../src/wire/index.js';
import { MAC_BROADCAST, arpRequest, ethernetFrame, ipv6MulticastMac, neighborSolicitation, parseIpv4, parseIpv6, solicitedNodeAddress } from '../../src/wire/index.js';
import { Station, network, stationMac } from '../helpers/net.js';

const A = parseIpv4('198.18.0.1')!;
const B = parseIpv4('198.18.0.2')!;
const A6 = parseIpv6('2001:db8::1')!;
const B6 = parseIpv6('2001:db8::2')!;

/** Every kind of frame a host sends alone, named, and whether it is plain data. */
function frames(): Array<{ name: string; eth: EthernetFrame; plain: boolean }> {
  const a = stationMac(1);
  const b = stationMac(2);
  const data = new Uint8Array(20);
  return [
    { name: 'udp4 unicast', eth: ethernetFrame(b, a, udp4(A, B, 1, 2, data)), plain: true },
    { name: 'udp4 broadcast', eth: ethernetFrame(MAC_BROADCAST, a, udp4(A, parseIpv4('198.18.255.255')!, 1, 2, data)), plain: false },
    { name: 'udp6 unicast', eth: ethernetFrame(b, a, udp6(A6, B6, 1, 2, data)), plain: true },
    { name: 'ns multicast', eth: ethernetFrame(ipv6MulticastMac(solicitedNodeAddress(B6)), a, neighborSolicitation(A6, B6, a)), plain: false },
    { name: 'ns unicast', eth: ethernetFrame(b, a, neighborSolicitation(A6, B6, a, B6)), plain: false },
    { name: 'arp broadcast', eth: ethernetFrame(MAC_BROADCAST, a, arpRequest(a, A, B)), plain: false },
    { name: 'arp unicast', eth: ethernetFrame(b, a, arpRequest(a, A, B)), plain: false },
  ];
}

function run(narrowOnly: boolean): { narrow: string[]; broad: string[] } {
  const net = network();
  const s1 = new Station(net, 's1', stationMac(1));
  const s2 = new Station(net, 's2', stationMac(2));
  new Link(net.kernel, net.trace, s1.port, s2.port, { rate: 1e9, delay: 1000 });
  const names = new Map<SimFrame, string>();
  const narrow: string[] = [];
  const broad: string[] = [];
  const bus = net.kernel.trace;
  bus.on('frames-sent', (e) => narrow.push(`sent ${names.get(e.frame)} ${e.ports[e.from]!.name}`), { skipsPlain: true });
  bus.on('frames-received', (e) => narrow.push(`received ${names.get(e.frame)} ${e.ports[e.from]!.name}`), { skipsPlain: true });
  if (!narrowOnly) {
    bus.on('frames-sent', (e) => broad.push(`sent ${names.get(e.frame)} ${e.ports[e.from]!.name}`));
    bus.on('frames-received', (e) => broad.push(`received ${names.get(e.frame)} ${e.ports[e.from]!.name}`));
  }
  for (const f of frames()) {
    const frame = net.frame(f.eth);
    names.set(frame, f.name);
    s1.port.send(frame);
  }
  net.kernel.run();
  expect(s2.received).toHaveLength(frames().length);
  return { narrow, broad };
}

describe('frames-sent and frames-received with skipsPlain', () => {
  it('leave out exactly the unicast data frames, with or without another listener', () => {
    const all = frames();
    const expected = [
      ...all.filter((f) => !f.plain).map((f) => `sent ${f.name} s1:eth0`),
      ...all.filter((f) => !f.plain).map((f) => `received ${f.name} s2:eth0`),
    ];
    const alone = run(true);
    const together = run(false);
    expect(alone.narrow).toEqual(expected);
    expect(together.narrow).toEqual(expected);
    expect(together.broad).toEqual([...all.map((f) => `sent ${f.name} s1:eth0`), ...all.map((f) => `received ${f.name} s2:eth0`)]);
  });
});
