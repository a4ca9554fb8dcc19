/**
 * DHCPv4 client and server (RFC 2131) on one LAN: DORA, renew at T1, rebind at T2, release, decline
 * after a conflict found by the client's check, and the renew after a link bounce that some guest
 * profiles make. Expected times come from the server's lease settings and RFC 2131's rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DhcpClientState } from '../../src/stack/index.js';
import { DhcpClient, DhcpServer, PROFILES, WINDOWS_PROFILE, dhcpOf, linuxProfile } from '../../src/stack/index.js';
import type { Ipv4Address } from '../../src/wire/index.js';
import { DHCP_ACK, DHCP_DECLINE, DHCP_DISCOVER, DHCP_OFFER, DHCP_RELEASE, DHCP_REQUEST, dhcpMessageType, formatIpv4, parseIpv4 } from '../../src/wire/index.js';
import { recordSent, writePcap } from '../helpers/capture.js';
import { lan } from '../helpers/stack.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';

const S = 1e9;
const ip = (t: string): Ipv4Address => parseIpv4(t)!;
const LEASE = 600 * S;
const dir = mkdtempSync(join(tmpdir(), 'arpshift-dhcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(clientProfile = linuxProfile(), seed = 1) {
  const l = lan(seed);
  const server = l.add('gw', 0x0200_0000_0001 as never, PROFILES['linux-router']!);
  server.addIpv4(ip('198.18.0.1'), 24, { skipDad: true });
  const dhcp = new DhcpServer(server, { poolStart: ip('198.18.0.100'), poolEnd: ip('198.18.0.109'), prefixLength: 24, router: ip('198.18.0.1'), leaseTime: LEASE });
  const vm = l.add('vm', 0x0200_0000_0010 as never, clientProfile);
  const client = new DhcpClient(vm, l.kernel, { startDelay: [1 * S, 1 * S] });
  const states: Array<{ time: number; state: DhcpClientState }> = [];
  l.kernel.trace.on('dhcp-client', (e) => states.push({ time: e.time, state: e.state }));
  const dhcpFrames = recordSent(l.kernel, (f) => dhcpOf(f.eth) !== undefined, ['gw', 'vm']);
  return { ...l, server, dhcp, vm, client, states, dhcpFrames };
}

const typeOf = (f: { frame: { eth: Parameters<typeof dhcpOf>[0] } }): number => dhcpMessageType(dhcpOf(f.frame.eth)!)!;

describe('DHCPv4 client and server', () => {
  it('DORA: the client takes the lowest pool address and the router, T1 = lease/2 and T2 = 7/8 lease (RFC 2131 §4.4.5)', () => {
    const t = setup();
    t.client.start();
    t.kernel.run({ until: 5 * S });
    expect(t.client.state).toBe('bound');
    expect(t.client.address).toBe(ip('198.18.0.100'));
    expect(t.vm.ipv4.map((a) => [formatIpv4(a.address), a.prefixLength, a.state])).toEqual([['198.18.0.100', 24, 'preferred']]);
    expect(t.vm.gateway4).toBe(ip('198.18.0.1'));
    expect(t.dhcpFrames.map(typeOf)).toEqual([DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_ACK]);
    // The client waited its start delay (1 s here) before the DISCOVER.
    expect(t.dhcpFrames[0]!.time).toBe(1 * S);
    const bound = t.states.find((s) => s.state === 'bound')!.time;
    expect(t.client.leaseTimes).toEqual({ t1: bound + LEASE / 2, t2: bound + (LEASE * 7) / 8, end: bound + LEASE });
  });

  it('renews at T1 with a unicast REQUEST from its address; the ACK extends the lease', () => {
    const t = setup();
    t.client.start();
    t.kernel.run({ until: 5 * S });
    const { t1 } = t.client.leaseTimes;
    t.kernel.run({ until: t1 + 1 * S });
    const renew = t.dhcpFrames.filter((f) => f.time >= t1 && f.node === 'vm');
    expect(renew.length).toBe(1);
    // At T1, once the server's MAC is resolved (one ARP round trip on this LAN).
    expect(renew[0]!.time).toBeGreaterThanOrEqual(t1);
    expect(renew[0]!.time).toBeLessThan(t1 + 1e6);
    expect(typeOf(renew[0]!)).toBe(DHCP_REQUEST);
    const p = renew[0]!.frame.eth.payload;
    expect(p.kind === 'ipv4' && [formatIpv4(p.source), formatIpv4(p.destination)]).toEqual(['198.18.0.100', '198.18.0.1']);
    expect(t.client.state).toBe('bound');
    // The new lease runs from the renewal's ACK (one LAN round trip after T1).
    expect(t.client.leaseTimes.end).toBeGreaterThan(t1 + LEASE - 1e6);
    expect(t.client.leaseTimes.end).toBeLessThan(t1 + LEASE + 1e6);
  });

  it('rebinds at T2 with a broadcast REQUEST when the server did not answer the renewals', () => {
    const t = setup();
    t.client.start();
    t.kernel.run({ until: 5 * S });
    const { t1, t2 } = t.client.leaseTimes;
    t.kernel.scheduleAt(t1 - 1, 'test', 'server-down', () => t.server.setUp(false));
    t.kernel.scheduleAt(t2 - 1, 'test', 'server-up', () => t.server.setUp(true));
    // RENEWING: a REQUEST at T1, then after half the time left to T2 but at least 60 s (§4.4.5).
    const expected: number[] = [];
    for (let at = t1; at < t2; at += Math.max(60 * S, Math.floor((t2 - at) / 2))) expected.push(at);
    // Every REQUEST the client sends (whether or not ARP lets it onto the wire), with its time.
    const requestsAt: number[] = [];
    let requests = t.client.counters.requests;
    Object.defineProperty(t.client.counters, 'requests', {
      get: () => requests,
      set: (v: number) => {
        requests = v;
        requestsAt.push(t.kernel.now);
      },
    });
    t.kernel.run({ until: t2 + 1 * S });
    expect(requestsAt).toEqual([...expected, t2]);
    const rebind = t.dhcpFrames.filter((f) => f.node === 'vm').at(-2)!;
    expect(rebind.frame.eth.destination).toBe(0xffff_ffff_ffff);
    expect(t.states.map((s) => s.state)).toContain('rebinding');
    expect(t.client.state).toBe('bound');
  });

  it('releases: RELEASE unicast to the server, the address removed, the server frees the lease', () => {
    const t = setup();
    t.client.start();
    t.kernel.run({ until: 5 * S });
    t.client.release();
    t.kernel.run({ until: 6 * S });
    expect(t.dhcpFrames.map(typeOf).at(-1)).toBe(DHCP_RELEASE);
    expect(t.vm.ipv4).toEqual([]);
    expect(t.dhcp.leases.lease(ip('198.18.0.100'))!.state).toBe('released');
    expect(t.dhcp.leases.leaseQuery(ip('198.18.0.100'), t.kernel.now)).toEqual({ kind: 'unassigned' });
  });

  it('declines an offered address another host already uses (Windows probes it, RFC 2131 §4.4.1) and gets the next one after 10 s', () => {
    const t = setup(WINDOWS_PROFILE);
    const squatter = t.add('squatter', 0x0200_0000_0099 as never, linuxProfile());
    squatter.addIpv4(ip('198.18.0.100'), 24, { skipDad: true });
    t.client.start();
    t.kernel.run({ until: 40 * S });
    const types = t.dhcpFrames.map(typeOf);
    expect(types.slice(0, 5)).toEqual([DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_ACK, DHCP_DECLINE]);
    expect(t.client.counters.conflicts).toBe(1);
    expect(t.dhcp.leases.lease(ip('198.18.0.100'))!.state).toBe('declined');
    const decline = t.dhcpFrames.find((f) => typeOf(f) === DHCP_DECLINE)!;
    const nextDiscover = t.dhcpFrames.find((f) => typeOf(f) === DHCP_DISCOVER && f.time > decline.time)!;
    expect(nextDiscover.time - decline.time).toBe(10 * S);
    expect(t.client.address).toBe(ip('198.18.0.101'));
  });

  it('a link bounce makes a Linux guest confirm its lease at once (INIT-REBOOT), an RFC 826 host waits for T1', () => {
    const linux = setup(linuxProfile());
    linux.client.start();
    linux.kernel.run({ until: 5 * S });
    expect(linux.client.linkBounced()).toBe(true);
    linux.kernel.run({ until: 6 * S });
    const last = linux.dhcpFrames.slice(-2);
    expect(last.map(typeOf)).toEqual([DHCP_REQUEST, DHCP_ACK]);
    const req = dhcpOf(last[0]!.frame.eth)!;
    // INIT-REBOOT: no server identifier, ciaddr 0, the address in option 50, broadcast (RFC 2131 §4.3.2).
    expect(req.options.some((o) => o.kind === 'server-identifier')).toBe(false);
    expect(req.clientAddress).toBe(0);
    expect(req.options.find((o) => o.kind === 'requested-address')).toEqual({ kind: 'requested-address', address: ip('198.18.0.100') });
    expect(linux.client.state).toBe('bound');

    const rfc = setup(PROFILES.rfc826!);
    rfc.client.start();
    rfc.kernel.run({ until: 5 * S });
    const before = rfc.dhcpFrames.length;
    expect(rfc.client.linkBounced()).toBe(false);
    rfc.kernel.run({ until: 6 * S });
    expect(rfc.dhcpFrames.length).toBe(before);
  });

  it('every DHCP frame of the exchanges decodes in tshark as DHCP, with no malformed frame or bad checksum', () => {
    const t = setup(WINDOWS_PROFILE);
    const squatter = t.add('squatter', 0x0200_0000_0099 as never, linuxProfile());
    squatter.addIpv4(ip('198.18.0.100'), 24, { skipDad: true });
    t.client.start();
    t.kernel.run({ until: 40 * S });
    const { t1 } = t.client.leaseTimes;
    t.kernel.run({ until: t1 + 1 * S });
    t.client.release();
    t.kernel.run({ until: t1 + 2 * S });
    const path = join(dir, 'dhcp.pcap');
    writePcap(path, t.dhcpFrames);
    const decoded = tsharkFields(path);
    expect(decoded.length).toBe(t.dhcpFrames.length);
    decoded.forEach((fields, i) => {
      expect(tsharkProblems(fields)).toEqual([]);
      expect(fields.get('dhcp.option.dhcp')).toEqual([String(typeOf(t.dhcpFrames[i]!))]);
    });
    const types = new Set(t.dhcpFrames.map(typeOf));
    for (const type of [DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_ACK, DHCP_DECLINE, DHCP_RELEASE]) expect(types).toContain(type);
  });
});
