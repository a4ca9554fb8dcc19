/**
 * Neighbor Discovery receive rules, cell by cell: RFC 4861 Appendix C / §7.2.5 (the NA table, with
 * the section text for NAs without TLLAO), §7.2.3 and Appendix C for NS/RS/RA/Redirect, and the Linux
 * 6.18 measurements (net/ipv6/ndisc.c, raw frames injected between two network namespaces), including routers with
 * accept_untracked_na 0/1/2 (RFC 9131).
 */
import { describe, expect, it } from 'vitest';
import type { NdReceiver } from '../../src/stack/nd-rules.js';
import { decideNd } from '../../src/stack/nd-rules.js';
import type { NeighborState } from '../../src/stack/neighbor-cache.js';
import type { ImplementationProfile } from '../../src/stack/profiles/index.js';
import { RFC4861_PROFILE, linuxProfile } from '../../src/stack/profiles/index.js';
import type { Icmpv6Message, Ipv6Address, Ipv6Packet, MacAddress, NdOption } from '../../src/wire/index.js';
import { ndPacket, neighborAdvertisement, neighborSolicitation } from '../../src/wire/index.js';
import { DrivenCache } from '../helpers/neighbor.js';
import { ip6, mac } from '../helpers/sample-frames.js';

const ME = ip6('2001:db8::b');
const PEER = ip6('2001:db8::a');
const OLD = mac('02:00:00:00:00:0a');
const NEW = mac('02:00:00:00:00:0c');

function receiverFor(role: 'host' | 'router', tentative: Ipv6Address[] = []): NdReceiver {
  return {
    role,
    isMine: (a) => a === ME,
    isTentative: (a) => tentative.includes(a),
    inConfiguredPrefix: (a) => a.startsWith('2001:db8:'),
  };
}

function na(flags: { s: boolean; o: boolean; r?: boolean }, tllao: MacAddress | null, destination: Ipv6Address = ME): Ipv6Packet {
  return neighborAdvertisement(PEER, PEER, tllao ?? NEW, { solicited: flags.s, override: flags.o, router: flags.r ?? false, includeTargetLinkLayer: tllao !== null }, destination);
}

function run(profile: ImplementationProfile, prior: NeighborState | 'none', packet: Ipv6Packet, role: 'host' | 'router' = profile.role): { state: NeighborState | 'none'; mac: MacAddress | null; isRouter: boolean } {
  const driven = new DrivenCache<Ipv6Address>(profile.ndTimers);
  driven.prepare(PEER, prior, OLD, 10e9);
  const now = 11e9;
  driven.runUntil(now);
  const m = packet.payload as Icmpv6Message;
  const d = decideNd(profile.nd, receiverFor(role), packet, m, (a) => driven.cache.get(a));
  if (d.update !== null && d.entryFor !== null) driven.cache.update(d.entryFor, d.update, now);
  const e = driven.cache.get(PEER);
  return { state: e?.state ?? 'none', mac: e?.lladdr ?? null, isRouter: e?.isRouter ?? false };
}

describe('RFC 4861 Appendix C: receiving a Neighbor Advertisement', () => {
  for (const profile of [RFC4861_PROFILE, linuxProfile()]) {
    describe(profile.name, () => {
      it('INCOMPLETE: with TLLAO, S=0 → STALE, S=1 → REACHABLE, O ignored; without TLLAO: unchanged', () => {
        expect(run(profile, 'incomplete', na({ s: false, o: false }, NEW))).toMatchObject({ state: 'stale', mac: NEW });
        expect(run(profile, 'incomplete', na({ s: false, o: true }, NEW))).toMatchObject({ state: 'stale', mac: NEW });
        expect(run(profile, 'incomplete', na({ s: true, o: false }, NEW))).toMatchObject({ state: 'reachable', mac: NEW });
        expect(run(profile, 'incomplete', na({ s: true, o: false }, null))).toMatchObject({ state: 'incomplete', mac: null });
      });

      const valid: NeighborState[] = ['reachable', 'stale', 'delay', 'probe'];
      for (const prior of valid) {
        it(`${prior.toUpperCase()}: every flag combination, same and different TLLAO, and no TLLAO`, () => {
          // S = 1, O = 0, same address → REACHABLE.
          expect(run(profile, prior, na({ s: true, o: false }, OLD))).toMatchObject({ state: 'reachable', mac: OLD });
          // S = 1, O = 0, different: REACHABLE → STALE keeping the address (I.a); otherwise unchanged (I.b).
          expect(run(profile, prior, na({ s: true, o: false }, NEW))).toMatchObject(prior === 'reachable' ? { state: 'stale', mac: OLD } : { state: prior, mac: OLD });
          // S = 1, O = 1 → replaced if different, REACHABLE.
          expect(run(profile, prior, na({ s: true, o: true }, NEW))).toMatchObject({ state: 'reachable', mac: NEW });
          expect(run(profile, prior, na({ s: true, o: true }, OLD))).toMatchObject({ state: 'reachable', mac: OLD });
          // S = 0, O = 0: kept; REACHABLE + different → STALE (I.a).
          expect(run(profile, prior, na({ s: false, o: false }, OLD))).toMatchObject({ state: prior, mac: OLD });
          expect(run(profile, prior, na({ s: false, o: false }, NEW))).toMatchObject({ state: prior === 'reachable' ? 'stale' : prior, mac: OLD });
          // S = 0, O = 1: same → unchanged; different → replaced, STALE.
          expect(run(profile, prior, na({ s: false, o: true }, OLD))).toMatchObject({ state: prior, mac: OLD });
          expect(run(profile, prior, na({ s: false, o: true }, NEW))).toMatchObject({ state: 'stale', mac: NEW });
          // No TLLAO: S = 1 → REACHABLE (the §7.2.5 text, as Linux does), else unchanged.
          expect(run(profile, prior, na({ s: true, o: false }, null))).toMatchObject({ state: 'reachable', mac: OLD });
          expect(run(profile, prior, na({ s: false, o: true }, null))).toMatchObject({ state: prior, mac: OLD });
        });
      }

      it('IsRouter follows R; no entry → a host creates nothing', () => {
        expect(run(profile, 'stale', na({ s: true, o: true, r: true }, OLD)).isRouter).toBe(true);
        expect(run(profile, 'none', na({ s: false, o: true }, NEW, ip6('ff02::1'))).state).toBe('none');
      });
    });
  }
});

describe('NS, RS, RA, Redirect (RFC 4861 §7.2.3, §6.2.6, §6.3.4, §8.3)', () => {
  const profile = RFC4861_PROFILE;
  const nsFromPeer = (sllao: MacAddress | null, destination?: Ipv6Address): Ipv6Packet => {
    const p = neighborSolicitation(PEER, ME, sllao ?? NEW, destination);
    if (sllao !== null) return p;
    const m = p.payload as Icmpv6Message & { options: NdOption[] };
    return { ...p, payload: { ...m, options: [] } as Icmpv6Message };
  };

  it('NS with SLLAO: no entry → STALE; different address → replaced STALE; same → unchanged', () => {
    expect(run(profile, 'none', nsFromPeer(NEW))).toMatchObject({ state: 'stale', mac: NEW });
    expect(run(profile, 'reachable', nsFromPeer(NEW))).toMatchObject({ state: 'stale', mac: NEW });
    expect(run(profile, 'reachable', nsFromPeer(OLD))).toMatchObject({ state: 'reachable', mac: OLD });
    expect(run(profile, 'incomplete', nsFromPeer(NEW))).toMatchObject({ state: 'stale', mac: NEW });
  });

  it('NS without a link-layer option: unchanged; NS from :: (DAD): no cache change at all', () => {
    expect(run(profile, 'none', nsFromPeer(null, ME))).toMatchObject({ state: 'none' });
    expect(run(profile, 'stale', nsFromPeer(null, ME))).toMatchObject({ state: 'stale', mac: OLD });
    const dad = neighborSolicitation(ip6('::'), ME, NEW);
    const d = decideNd(profile.nd, receiverFor('host'), dad, dad.payload as Icmpv6Message, () => undefined);
    expect(d.update).toBeNull();
    expect(d.reply).toMatchObject({ destination: 'ff02::1', solicited: false, override: true });
  });

  it('answers: a multicast NS gets S=1, O=1 and a TLLAO; a unicast NS (NUD) gets S=1, O=0 and no TLLAO (Linux ndisc_recv_ns)', () => {
    const multi = nsFromPeer(NEW);
    expect(decideNd(profile.nd, receiverFor('host'), multi, multi.payload as Icmpv6Message, () => undefined).reply)
      .toEqual({ kind: 'na', target: ME, destination: PEER, solicited: true, override: true, includeTargetLinkLayer: true });
    const uni = nsFromPeer(NEW, ME);
    expect(decideNd(profile.nd, receiverFor('host'), uni, uni.payload as Icmpv6Message, () => undefined).reply)
      .toEqual({ kind: 'na', target: ME, destination: PEER, solicited: true, override: false, includeTargetLinkLayer: false });
  });

  it('RA with SLLAO creates STALE and marks a router; RS is processed only by routers', () => {
    const ra = ndPacket(PEER, ip6('ff02::1'), { kind: 'icmpv6', type: 'ra', code: 0, currentHopLimit: 64, managedFlag: false, otherConfigFlag: false, reservedFlags: 0, routerLifetime: 1800, reachableTime: 0, retransTimer: 0, options: [{ kind: 'source-link-layer', address: NEW }] });
    expect(run(profile, 'none', ra)).toMatchObject({ state: 'stale', mac: NEW, isRouter: true });
    const rs = ndPacket(PEER, ip6('ff02::2'), { kind: 'icmpv6', type: 'rs', code: 0, reserved: 0, options: [{ kind: 'source-link-layer', address: NEW }] });
    expect(run(profile, 'none', rs, 'host').state).toBe('none');
    expect(run(profile, 'none', rs, 'router')).toMatchObject({ state: 'stale', mac: NEW });
  });

  it('validation: hop limit other than 255 and code other than 0 are discarded (RFC 4861 §7.1)', () => {
    expect(run(profile, 'reachable', { ...na({ s: false, o: true }, NEW), hopLimit: 64 }).mac).toBe(OLD);
    const bad = na({ s: false, o: true }, NEW);
    expect(run(profile, 'reachable', { ...bad, payload: { ...(bad.payload as Icmpv6Message), code: 1 } as Icmpv6Message }).mac).toBe(OLD);
    expect(run(profile, 'reachable', na({ s: true, o: true }, NEW, ip6('ff02::1'))).mac).toBe(OLD);
  });

  it('DAD: an NS from :: or an NA for our tentative address is a conflict', () => {
    const probe = neighborSolicitation(ip6('::'), ME, NEW);
    expect(decideNd(profile.nd, receiverFor('host', [ME]), probe, probe.payload as Icmpv6Message, () => undefined).dadConflict).toBe(ME);
    const claim = neighborAdvertisement(ME, ME, NEW, { solicited: false, override: true });
    expect(decideNd(profile.nd, receiverFor('host', [ME]), claim, claim.payload as Icmpv6Message, () => undefined).dadConflict).toBe(ME);
    const resolution = neighborSolicitation(PEER, ME, NEW);
    expect(decideNd(profile.nd, receiverFor('host', [ME]), resolution, resolution.payload as Icmpv6Message, () => undefined)).toMatchObject({ reply: null, dadConflict: null });
  });
});

describe('Linux 6.18, measured (IPv6)', () => {
  const host = linuxProfile();

  it('host: unsolicited NA without an entry is ignored; with O=1 and a new address it replaces, STALE', () => {
    expect(run(host, 'none', na({ s: false, o: true }, NEW, ip6('ff02::1'))).state).toBe('none');
    expect(run(host, 'reachable', na({ s: false, o: true }, NEW, ip6('ff02::1')))).toMatchObject({ state: 'stale', mac: NEW });
  });

  it('drop_unsolicited_na = 1 drops every unsolicited NA', () => {
    expect(run(linuxProfile({ drop_unsolicited_na: 1 }), 'reachable', na({ s: false, o: true }, NEW, ip6('ff02::1'))).mac).toBe(OLD);
  });

  it('an NA for a FAILED entry is ignored', () => {
    expect(run(host, 'failed', na({ s: true, o: true }, NEW)).state).toBe('failed');
  });

  it('router, untracked NA: accept_untracked_na 0 → none, 1 → STALE (also O=0 to ff02::2), 2 → only from a configured prefix', () => {
    const router = (v: 0 | 1 | 2): ImplementationProfile => linuxProfile({ forwarding: 1, accept_untracked_na: v });
    expect(run(router(0), 'none', na({ s: false, o: true }, NEW, ip6('ff02::1'))).state).toBe('none');
    expect(run(router(1), 'none', na({ s: false, o: false }, NEW, ip6('ff02::2')))).toMatchObject({ state: 'stale', mac: NEW });
    expect(run(router(2), 'none', na({ s: false, o: true }, NEW, ip6('ff02::2'))).state).toBe('stale');
    const outsider = neighborAdvertisement(ip6('2001:db9::a'), PEER, NEW, { solicited: false, override: true }, ip6('ff02::2'));
    expect(run(router(2), 'none', outsider).state).toBe('none');
  });
});
