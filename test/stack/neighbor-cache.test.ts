/**
 * The neighbor-table state machine with explicit times, against the timings of Linux
 * (net/core/neighbour.c, neigh_timer_handler) and RFC 4861 §7.3, computed from each profile's own parameters.
 */
import { describe, expect, it } from 'vitest';
import type { ImplementationProfile } from '../../src/stack/profiles/index.js';
import { CISCO_IOS_PROFILE, FREEBSD_PROFILE, RFC4861_PROFILE, fact, linuxProfile } from '../../src/stack/profiles/index.js';
import type { Ipv4Address } from '../../src/wire/index.js';
import { DrivenCache } from '../helpers/neighbor.js';
import { ip4, mac } from '../helpers/sample-frames.js';

const PEER = ip4('198.18.0.1');
const MAC = mac('02:00:00:00:00:0a');
const S = 1e9;

function timesOf(d: DrivenCache<Ipv4Address>, kind: 'solicit' | 'transmit' | 'drop'): number[] {
  return d.events.filter((e) => e.kind === kind).map((e) => e.time);
}

describe('Linux NUD (neighbour.c)', () => {
  const linux = linuxProfile();
  // Exact timers for the state-machine tests; the timer wheel's lateness has a test of its own.
  const t = { ...linux.arpTimers, timerWheelHz: fact(0, 'exact timers') };

  it('resolving an absent host: mcast_solicit broadcasts retrans_time apart, FAILED after the last one, queued packets dropped', () => {
    const d = new DrivenCache<Ipv4Address>(t);
    d.cache.output(PEER, 'p1', 0);
    d.cache.output(PEER, 'p2', 0.5 * S);
    d.runUntil(10 * S);
    const retrans = t.retransTime.value;
    const n = t.multicastSolicit.value;
    expect(timesOf(d, 'solicit')).toEqual(Array.from({ length: n }, (_, i) => i * retrans));
    expect(d.events.filter((e) => e.kind === 'solicit').every((e) => e.kind === 'solicit' && e.target === null)).toBe(true);
    expect(d.state(PEER)).toBe('failed');
    expect(d.events.filter((e) => e.kind === 'drop').map((e) => [e.kind === 'drop' && e.packet, e.time])).toEqual([['p1', n * retrans], ['p2', n * retrans]]);
    // A packet to a FAILED entry starts resolution again.
    d.cache.output(PEER, 'p3', 20 * S);
    expect(d.state(PEER)).toBe('incomplete');
  });

  it('a reply during resolution sends the queued packets and makes the entry REACHABLE', () => {
    const d = new DrivenCache<Ipv4Address>(t);
    d.cache.output(PEER, 'p1', 0);
    d.runUntil(1.5 * S);
    d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: false }, 1.5 * S);
    expect(d.state(PEER)).toBe('reachable');
    expect(d.events.at(-1)).toMatchObject({ kind: 'transmit', packet: 'p1', lladdr: MAC });
    d.runUntil(10 * S);
    expect(timesOf(d, 'solicit')).toEqual([0, 1 * S]);
  });

  it('REACHABLE → DELAY when used recently, → STALE when not; reachable time drawn from U[base/2, 3 base/2)', () => {
    for (const used of [true, false]) {
      const d = new DrivenCache<Ipv4Address>(t, used ? 5 : 6);
      d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: true }, 0);
      const reach = d.cache.reachableTime(0);
      const base = t.reachableTime.value;
      expect(reach).toBeGreaterThanOrEqual(base / 2);
      expect(reach).toBeLessThan(1.5 * base);
      if (used) d.cache.output(PEER, 'x', reach - 1 * S);
      d.runUntil(reach);
      expect(d.state(PEER)).toBe(used ? 'delay' : 'stale');
    }
  });

  it('STALE + a packet → DELAY; after delay_first_probe_time → PROBE: ucast_solicit unicast probes to the cached MAC retrans apart, then FAILED', () => {
    const d = new DrivenCache<Ipv4Address>(t);
    d.cache.update(PEER, { lladdr: MAC, state: 'stale', override: true, weakOverride: false, create: true }, 0);
    d.cache.output(PEER, 'x', 100 * S);
    expect(d.state(PEER)).toBe('delay');
    expect(d.events.at(-1)).toMatchObject({ kind: 'transmit', lladdr: MAC });
    const t0 = 100 * S + t.delayFirstProbeTime.value;
    d.runUntil(t0 - 1);
    expect(d.state(PEER)).toBe('delay');
    d.runUntil(200 * S);
    const retrans = t.retransTime.value;
    const probes = d.events.filter((e) => e.kind === 'solicit');
    expect(probes.map((e) => e.time)).toEqual([t0, t0 + retrans, t0 + 2 * retrans]);
    expect(probes.every((e) => e.kind === 'solicit' && e.target === MAC)).toBe(true);
    expect(d.state(PEER)).toBe('failed');
    expect(d.cache.get(PEER)?.updated).toBe(t0 + 3 * retrans);
  });

  it('an upper-layer confirmation during DELAY makes the entry REACHABLE at the DELAY timer, without probes', () => {
    const d = new DrivenCache<Ipv4Address>(t);
    d.cache.update(PEER, { lladdr: MAC, state: 'stale', override: true, weakOverride: false, create: true }, 0);
    d.cache.output(PEER, 'x', 10 * S);
    d.cache.confirm(PEER, 12 * S);
    d.runUntil(10 * S + t.delayFirstProbeTime.value);
    expect(d.state(PEER)).toBe('reachable');
    expect(timesOf(d, 'solicit')).toEqual([]);
  });

  it('a REACHABLE entry carrying traffic expires to STALE, and the next packet starts DELAY (used is stamped only on the slow output path)', () => {
    // Linux 6.18, measured with 10 packets/s: REACHABLE -> STALE at expiry, then DELAY at the next
    // packet (neigh_hh_output does not touch neigh->used; implementations §2.7a).
    const d = new DrivenCache<Ipv4Address>(linux.arpTimers, 3);
    d.cache.output(PEER, 'first', 0);
    d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: false }, 0.01 * S);
    const seen: string[] = [];
    for (let time = 0.1 * S; time < 60 * S && !seen.includes('delay'); time += 0.1 * S) {
      d.runUntil(time);
      const before = d.state(PEER);
      if (seen.at(-1) !== before) seen.push(before);
      d.cache.output(PEER, 'x', time);
      const after = d.state(PEER);
      if (seen.at(-1) !== after) seen.push(after);
    }
    expect(seen).toEqual(['reachable', 'stale', 'delay']);
  });

  it('timers fire as the kernel timer wheel fires them: a train of 1 s timers 1.024 s apart at HZ 250', () => {
    // Measured on Linux 6.18 (HZ 250): unicast probes 1.024 s apart, FAILED 1.024 s after the last.
    expect(linux.arpTimers.timerWheelHz.value).toBe(250);
    const d = new DrivenCache<Ipv4Address>(linux.arpTimers);
    d.cache.update(PEER, { lladdr: MAC, state: 'stale', override: true, weakOverride: false, create: true }, 0);
    d.cache.output(PEER, 'x', 10 * S);
    d.runUntil(30 * S);
    const probes = timesOf(d, 'solicit');
    expect(probes).toHaveLength(3);
    const gaps = probes.slice(1).map((p, i) => p - probes[i]!);
    expect(gaps).toEqual([1.024 * S, 1.024 * S]);
    expect(d.cache.get(PEER)?.updated).toBe(probes[2]! + 1.024 * S);
    // DELAY (5 s = 1250 jiffies, level 2: granularity 64 jiffies = 256 ms) ends on the next 256 ms boundary.
    expect(probes[0]! - 10 * S).toBeGreaterThan(5 * S);
    expect(probes[0]! - 10 * S).toBeLessThanOrEqual(5.256 * S);
    expect(probes[0]! % (0.256 * S)).toBe(0);
  });

  it('mcast_resolicit adds multicast probes after the unicast ones (RFC 7048 style)', () => {
    const p = linuxProfile({ mcast_resolicit: 2 });
    const d = new DrivenCache<Ipv4Address>(p.arpTimers);
    d.prepare(PEER, 'probe', MAC, 100 * S);
    d.runUntil(200 * S);
    expect(d.events.filter((e) => e.kind === 'solicit').map((e) => (e.kind === 'solicit' ? e.target : 'x'))).toEqual([MAC, MAC, MAC, null, null]);
  });

  it('the unresolved queue keeps the newest unres_qlen packets', () => {
    const d = new DrivenCache<Ipv4Address>(linuxProfile({ unres_qlen: 2 }).arpTimers);
    for (const p of ['a', 'b', 'c']) d.cache.output(PEER, p, 0);
    expect(d.events.filter((e) => e.kind === 'drop')).toMatchObject([{ packet: 'a', reason: 'queue-overflow' }]);
    d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: false }, 1);
    expect(d.events.filter((e) => e.kind === 'transmit').map((e) => e.kind === 'transmit' && e.packet)).toEqual(['b', 'c']);
  });
});

describe('RFC 4861 host', () => {
  it('REACHABLE → STALE when the reachable time runs out, even if used; failed resolution deletes the entry', () => {
    const t = RFC4861_PROFILE.arpTimers;
    const d = new DrivenCache<Ipv4Address>(t);
    d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: true }, 0);
    const reach = d.cache.reachableTime(0);
    d.cache.output(PEER, 'x', reach - 1);
    d.runUntil(reach);
    expect(d.state(PEER)).toBe('stale');
    const d2 = new DrivenCache<Ipv4Address>(t);
    d2.cache.output(PEER, 'x', 0);
    d2.runUntil(10 * S);
    expect(d2.state(PEER)).toBe('none');
    expect(timesOf(d2, 'solicit')).toEqual([0, 1 * S, 2 * S]);
  });
});

describe('fixed lifetimes', () => {
  it('Cisco IOS: an entry is used for 4 hours, then the next packet resolves it again', () => {
    const p: ImplementationProfile = CISCO_IOS_PROFILE;
    const d = new DrivenCache<Ipv4Address>(p.arpTimers);
    d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: true }, 0);
    const life = p.arpTimers.reachableTime.value;
    expect(life).toBe(14_400 * S);
    d.cache.output(PEER, 'a', life - 1);
    expect(d.events.at(-1)).toMatchObject({ kind: 'transmit', packet: 'a' });
    d.cache.output(PEER, 'b', life);
    expect(d.state(PEER)).toBe('incomplete');
    expect(d.events.at(-1)).toMatchObject({ kind: 'solicit', target: null });
  });

  it('FreeBSD: maxtries requests, then a 20 s hold-down during which packets are dropped', () => {
    const t = FREEBSD_PROFILE.arpTimers;
    const d = new DrivenCache<Ipv4Address>(t);
    d.cache.output(PEER, 'a', 0);
    d.runUntil(10 * S);
    expect(timesOf(d, 'solicit').length).toBe(t.multicastSolicit.value);
    const failedAt = t.multicastSolicit.value * t.retransTime.value;
    expect(d.state(PEER)).toBe('failed');
    d.cache.output(PEER, 'b', failedAt + t.failureHoldDown.value - 1);
    expect(d.events.at(-1)).toMatchObject({ kind: 'drop', packet: 'b', reason: 'hold-down' });
    d.cache.output(PEER, 'c', failedAt + t.failureHoldDown.value);
    expect(d.state(PEER)).toBe('incomplete');
  });

  it('FreeBSD: a used entry is re-verified by broadcast shortly before it expires, and a reply extends it', () => {
    const t = FREEBSD_PROFILE.arpTimers;
    const d = new DrivenCache<Ipv4Address>(t);
    d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: true }, 0);
    const life = t.reachableTime.value;
    const at = life - t.refreshBeforeExpiry.value;
    d.runUntil(at);
    d.cache.output(PEER, 'a', at);
    expect(d.events.slice(-2)).toMatchObject([{ kind: 'solicit', target: null, time: at }, { kind: 'transmit', packet: 'a' }]);
    d.cache.update(PEER, { lladdr: MAC, state: 'reachable', override: true, weakOverride: false, create: false }, at + 1);
    d.cache.output(PEER, 'b', life + 1);
    expect(d.events.at(-1)).toMatchObject({ kind: 'transmit', packet: 'b' });
  });
});
