/**
 * RA guard (RFC 6105) and its RFC 7113 hardening: host ports block RAs, router ports pass those that
 * meet their criteria; a stateful port learns; RAs hidden behind extension headers are still found
 * (the whole chain is parsed), a first fragment without the whole chain and an unknown Next Header
 * are dropped, and packets no host would take as an RA (not link-local, hop limit not 255) pass. A
 * virtual router that migrates to a host-role port loses its RAs there.
 */
import { describe, expect, it } from 'vitest';
import { RaGuard, headerChain } from '../../src/security/index.js';
import type { Icmpv6Message, Ipv6Address, Ipv6Packet, MacAddress } from '../../src/wire/index.js';
import { IPV6_ALL_NODES, ethernetFrame, ipv6MulticastMac, ndPacket, parseIpv6 } from '../../src/wire/index.js';
import { MS, S, accessLayer } from '../helpers/security.js';

const LL = parseIpv6('fe80::1')!;
const ROUTER_MAC = 0x0200_0000_0abc as MacAddress;

function ra(options: { prefix?: string; preferenceBits?: number } = {}): Icmpv6Message {
  return {
    kind: 'icmpv6', type: 'ra', code: 0, currentHopLimit: 64, managedFlag: false, otherConfigFlag: false,
    reservedFlags: (options.preferenceBits ?? 0) << 3, routerLifetime: 1800, reachableTime: 0, retransTimer: 0,
    options: options.prefix === undefined ? [] : [{
      kind: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, reserved1: 0,
      validLifetime: 86400, preferredLifetime: 14400, reserved2: 0, prefix: parseIpv6(options.prefix)!,
    }],
  } as Icmpv6Message;
}

const raPacket = (source: Ipv6Address = LL, hopLimit = 255, message = ra()): Ipv6Packet => ({ ...ndPacket(source, IPV6_ALL_NODES, message), hopLimit });

/** An RA's first bytes (type 134) behind `headers`: raw extension headers, each [next header, ...]. */
function hidden(first: number, chain: number[][], tail: number[] = [134, 0, 0, 0]): Ipv6Packet {
  return { kind: 'ipv6', trafficClass: 0, flowLabel: 0, nextHeader: first, hopLimit: 255, source: LL, destination: IPV6_ALL_NODES, payload: { kind: 'raw', bytes: Uint8Array.from([...chain.flat(), ...tail]) } };
}
/** A Destination Options header (8 bytes: next, length 0, PadN of 4) followed by `next`. */
const destOpts = (next: number): number[] => [next, 0, 1, 4, 0, 0, 0, 0];
/** A Fragment header: next, reserved, offset << 3 | M, identification. */
const fragment = (next: number, offset: number, more: boolean): number[] => [next, 0, (offset << 3) >> 8, ((offset << 3) & 0xff) | (more ? 1 : 0), 0, 0, 0, 1];

describe('RA guard decisions (pure)', () => {
  it('stateless: a host port blocks RAs (and Redirects), a router port passes them', () => {
    const g = new RaGuard({ routerPorts: [1] });
    expect(g.check(2, ROUTER_MAC, raPacket(), 0)).toBe('ra-on-host-port');
    expect(g.check(1, ROUTER_MAC, raPacket(), 0)).toBeNull();
    const redirect = ndPacket(LL, IPV6_ALL_NODES, { kind: 'icmpv6', type: 'redirect', code: 0, reserved: 0, targetAddress: LL, destinationAddress: LL, options: [] } as Icmpv6Message);
    expect(g.check(2, ROUTER_MAC, redirect, 0)).toBe('redirect-on-host-port');
    expect(new RaGuard({ offPorts: [2] }).check(2, ROUTER_MAC, raPacket(), 0)).toBeNull();
  });

  it('router-port criteria (RFC 6105 §3.1): sender MAC, source address, prefix list, router preference', () => {
    const g = new RaGuard({ routerPorts: [1], router: { sourceMacs: [ROUTER_MAC], prefixes: ['2001:db8::/32'], maxPreference: 'medium' } });
    expect(g.check(1, ROUTER_MAC, raPacket(LL, 255, ra({ prefix: '2001:db8:1::' })), 0)).toBeNull();
    expect(g.check(1, 0x0200_0000_0bad as MacAddress, raPacket(), 0)).toBe('ra-criteria');
    expect(g.check(1, ROUTER_MAC, raPacket(LL, 255, ra({ prefix: '2001:db9::' })), 0)).toBe('ra-criteria');
    // RFC 4191 Prf 01 = high, above the allowed medium; 11 = low passes.
    expect(g.check(1, ROUTER_MAC, raPacket(LL, 255, ra({ preferenceBits: 1 })), 0)).toBe('ra-criteria');
    expect(g.check(1, ROUTER_MAC, raPacket(LL, 255, ra({ preferenceBits: 3 })), 0)).toBeNull();
    expect(new RaGuard({ routerPorts: [1], router: { sourceAddresses: ['fe80::2'] } }).check(1, ROUTER_MAC, raPacket(), 0)).toBe('ra-criteria');
  });

  it('RFC 7113 rule 1: not link-local, or hop limit not 255, passes (a host drops such an RA itself)', () => {
    const g = new RaGuard();
    expect(g.check(2, ROUTER_MAC, raPacket(parseIpv6('2001:db8::1')!), 0)).toBeNull();
    expect(g.check(2, ROUTER_MAC, raPacket(LL, 254), 0)).toBeNull();
  });

  it('RFC 7113 rule 2/4: an RA behind a chain of extension headers is found and blocked', () => {
    const g = new RaGuard();
    const p = hidden(60, [destOpts(60), destOpts(60), destOpts(58)]);
    expect(headerChain(p)).toMatchObject({ upper: 58, icmpType: 134, incomplete: false });
    expect(g.check(2, ROUTER_MAC, p, 0)).toBe('ra-on-host-port');
  });

  it('RFC 7113 rule 3: a first fragment that does not hold the whole chain is dropped; a later fragment passes', () => {
    const g = new RaGuard();
    const cut = hidden(44, [fragment(60, 0, true), [58, 1]], []);
    expect(headerChain(cut)).toMatchObject({ fragment: true, fragmentOffset: 0, incomplete: true });
    expect(g.check(2, ROUTER_MAC, cut, 0)).toBe('incomplete-header-chain');
    const later = hidden(44, [fragment(58, 2, false)], [0, 0, 0, 0]);
    expect(g.check(2, ROUTER_MAC, later, 0)).toBeNull();
    // A whole chain in the first fragment is parsed as usual: the RA is found.
    expect(g.check(2, ROUTER_MAC, hidden(44, [fragment(58, 0, true)]), 0)).toBe('ra-on-host-port');
  });

  it('RFC 7113 rule 5: an unknown Next Header is dropped by default (a knob); ESP counts as an upper layer', () => {
    expect(new RaGuard().check(2, ROUTER_MAC, hidden(253, []), 0)).toBe('unknown-next-header');
    expect(new RaGuard({ dropUnknownNextHeader: false }).check(2, ROUTER_MAC, hidden(253, []), 0)).toBeNull();
    expect(new RaGuard().check(2, ROUTER_MAC, hidden(60, [destOpts(50)], [0, 0, 0, 1]), 0)).toBeNull();
  });

  it('stateful (RFC 6105 §3.2): LEARNING for the period, then FORWARDING if an RA was seen, else BLOCKING', () => {
    const g = new RaGuard({ stateful: { learningPeriod: 10 * S } });
    g.relearn(1, 0);
    g.relearn(2, 0);
    expect(g.stateOf(1, 0)).toBe('learning');
    expect(g.check(1, ROUTER_MAC, raPacket(), 1 * S)).toBe('ra-while-learning');
    expect(g.stateOf(1, 10 * S)).toBe('forwarding');
    expect(g.stateOf(2, 10 * S)).toBe('blocking');
    expect(g.check(1, ROUTER_MAC, raPacket(), 11 * S)).toBeNull();
    expect(g.check(2, ROUTER_MAC, raPacket(), 11 * S)).toBe('ra-on-host-port');
    const forwarding = new RaGuard({ stateful: { learningPeriod: 10 * S, forwardWhileLearning: true } });
    forwarding.relearn(1, 0);
    expect(forwarding.check(1, ROUTER_MAC, raPacket(), 1 * S)).toBeNull();
  });
});

describe('a virtual router migrating to a host-role port', () => {
  it('its RAs pass at the router port it left and are dropped at the host port it lands on', () => {
    const layer = accessLayer(2);
    const vr = layer.vm(1, 0, undefined, { ipv4: true });
    const security = layer.secure({ raGuard: { routerPorts: [1] } });
    const sendRa = () => vr.sendFrame(ethernetFrame(ipv6MulticastMac(IPV6_ALL_NODES), vr.mac, raPacket(LL)));
    layer.kernel.scheduleAt(1 * S, 'test', 'ra-before', sendRa);
    layer.migrate(vr, 1, 10 * S, []);
    layer.kernel.scheduleAt(10 * S + 100 * MS, 'test', 'ra-after', sendRa);
    let gwHeard = 0;
    layer.kernel.trace.on('frame-received', (e) => {
      if (e.node === 'gw' && e.frame.eth.source === vr.mac) gwHeard++;
    });
    layer.kernel.run({ until: 11 * S });
    expect(gwHeard).toBe(1);
    expect(security.drops.get('ra-guard')!.byReason.get('ra-on-host-port')).toBe(1);
    expect(security.raGuard!.roleOf(2)).toBe('host');
  });
});
