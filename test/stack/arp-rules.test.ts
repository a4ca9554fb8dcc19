/**
 * ARP receive rules, cell by cell against their sources: the Linux table measured on 6.18 (raw frames
 * injected between two network namespaces), the other implementations' sources (FreeBSD if_ether.c,
 * Microsoft KB 949589, ns-3 arp-cache.cc, the routers' guides), and RFC 826's merge rule. Each cell runs the profile's rules and the neighbor cache together.
 */
import { describe, expect, it } from 'vitest';
import type { ArpReceiver } from '../../src/stack/arp-rules.js';
import { decideArp } from '../../src/stack/arp-rules.js';
import type { NeighborState } from '../../src/stack/neighbor-cache.js';
import type { ImplementationProfile } from '../../src/stack/profiles/index.js';
import { FREEBSD_PROFILE, NS3_PROFILE, RFC826_PROFILE, linuxProfile } from '../../src/stack/profiles/index.js';
import type { ArpPacket, Ipv4Address, MacAddress } from '../../src/wire/index.js';
import { MAC_BROADCAST, arpAnnouncement, arpProbe, arpReply, arpRequest, gratuitousArp, rarpAnnounce } from '../../src/wire/index.js';
import { DrivenCache } from '../helpers/neighbor.js';
import { ip4, mac } from '../helpers/sample-frames.js';

const OBSERVER_MAC = mac('02:00:00:00:00:0b');
const OBSERVER_IP = ip4('198.18.0.2');
const PEER_IP = ip4('198.18.0.1');
const OLD_MAC = mac('02:00:00:00:00:0a');
const NEW_MAC = mac('02:00:00:00:00:0c');
const THIRD_IP = ip4('198.18.0.9');

const receiver: ArpReceiver = {
  mac: OBSERVER_MAC,
  isMine: (ip) => ip === OBSERVER_IP,
  inConfiguredSubnet: (ip) => ip >>> 8 === OBSERVER_IP >>> 8,
};

/** The stimuli of the reference tables, sent by the peer from NEW_MAC. */
const STIMULI: Record<string, { packet: ArpPacket; destination: MacAddress }> = {
  'GARP request': { packet: arpAnnouncement(NEW_MAC, PEER_IP), destination: MAC_BROADCAST },
  'GARP reply': { packet: gratuitousArp(NEW_MAC, PEER_IP, 'reply'), destination: MAC_BROADCAST },
  'broadcast request for a third host': { packet: arpRequest(NEW_MAC, PEER_IP, THIRD_IP), destination: MAC_BROADCAST },
  'request for the observer': { packet: arpRequest(NEW_MAC, PEER_IP, OBSERVER_IP), destination: MAC_BROADCAST },
  'unsolicited unicast reply': { packet: arpReply(NEW_MAC, PEER_IP, OBSERVER_MAC, OBSERVER_IP), destination: OBSERVER_MAC },
  'broadcast non-gratuitous reply': { packet: arpReply(NEW_MAC, PEER_IP, OBSERVER_MAC, OBSERVER_IP), destination: MAC_BROADCAST },
  'ARP probe': { packet: arpProbe(NEW_MAC, PEER_IP), destination: MAC_BROADCAST },
  'RARP op 3': { packet: rarpAnnounce(NEW_MAC), destination: MAC_BROADCAST },
};

interface Outcome {
  state: NeighborState | 'none';
  mac: MacAddress | null;
  reply: boolean;
}

/**
 * Runs one cell: the observer's entry for the peer is `prior` (with OLD_MAC, last changed at t = 10 s),
 * and the stimulus arrives `after` ns later.
 */
function cell(profile: ImplementationProfile, prior: NeighborState | 'none', stimulus: string, after = 1.2e9): Outcome {
  const driven = new DrivenCache<Ipv4Address>(profile.arpTimers);
  const t0 = 10e9;
  driven.prepare(PEER_IP, prior, OLD_MAC, t0);
  const now = t0 + after;
  driven.runUntil(now);
  const { packet, destination } = STIMULI[stimulus]!;
  const entry = driven.cache.get(PEER_IP);
  const decision = decideArp(profile.arp, receiver, packet, destination, entry, now);
  if (decision.update !== null) driven.cache.update(packet.senderProtocolAddress, decision.update, now);
  const after_ = driven.cache.get(PEER_IP);
  return { state: after_?.state ?? 'none', mac: after_?.lladdr ?? null, reply: decision.reply };
}

describe('Linux 6.18, measured', () => {
  const linux0 = linuxProfile();
  const linux1 = linuxProfile({ arp_accept: 1 });
  const rows: Array<[string, Outcome['state'], Outcome['state'], string]> = [
    // stimulus, arp_accept = 0 no entry, arp_accept = 1 no entry, existing entry with another MAC
    ['GARP request', 'none', 'stale', 'replaced at once, STALE'],
    ['GARP reply', 'none', 'stale', 'replaced at once, STALE'],
    ['broadcast request for a third host', 'none', 'none', 'ignored inside the lock time, applied STALE 1.2 s later'],
    ['request for the observer', 'stale', 'stale', 'replaced (override), STALE'],
    ['unsolicited unicast reply', 'none', 'reachable', 'replaced outside the lock time, REACHABLE'],
    ['broadcast non-gratuitous reply', 'none', 'stale', 'replaced outside the lock time, STALE'],
    ['ARP probe', 'none', 'none', 'unchanged'],
    ['RARP op 3', 'none', 'none', 'unchanged'],
  ];
  for (const [stimulus, accept0, accept1, existing] of rows) {
    it(`${stimulus}: no entry → ${accept0} (arp_accept 0), ${accept1} (arp_accept 1); existing entry: ${existing}`, () => {
      expect(cell(linux0, 'none', stimulus).state).toBe(accept0);
      expect(cell(linux1, 'none', stimulus).state).toBe(accept1);
      if (accept1 !== 'none') expect(cell(linux1, 'none', stimulus).mac).toBe(NEW_MAC);
      const inside = cell(linux0, 'reachable', stimulus, 0.5e9);
      const outside = cell(linux0, 'reachable', stimulus, 1.2e9);
      switch (existing) {
        case 'replaced at once, STALE':
          expect(inside).toMatchObject({ state: 'stale', mac: NEW_MAC });
          break;
        case 'ignored inside the lock time, applied STALE 1.2 s later':
          expect(inside).toMatchObject({ state: 'reachable', mac: OLD_MAC });
          expect(outside).toMatchObject({ state: 'stale', mac: NEW_MAC });
          break;
        case 'replaced (override), STALE':
          expect(inside).toMatchObject({ state: 'stale', mac: NEW_MAC, reply: true });
          break;
        case 'replaced outside the lock time, REACHABLE':
          expect(inside).toMatchObject({ state: 'reachable', mac: OLD_MAC });
          expect(outside).toMatchObject({ state: 'reachable', mac: NEW_MAC });
          break;
        case 'replaced outside the lock time, STALE':
          expect(inside).toMatchObject({ mac: OLD_MAC });
          expect(outside).toMatchObject({ state: 'stale', mac: NEW_MAC });
          break;
        case 'unchanged':
          expect(outside).toMatchObject({ state: 'reachable', mac: OLD_MAC });
          break;
      }
    });
  }

  it('drop_gratuitous_arp = 1 ignores every GARP, with or without an entry', () => {
    const drop = linuxProfile({ drop_gratuitous_arp: 1, arp_accept: 1 });
    expect(cell(drop, 'none', 'GARP request').state).toBe('none');
    expect(cell(drop, 'reachable', 'GARP reply')).toMatchObject({ mac: OLD_MAC });
  });

  it('arp_accept = 2 creates only for senders inside a configured subnet', () => {
    const accept2 = linuxProfile({ arp_accept: 2 });
    expect(cell(accept2, 'none', 'GARP request').state).toBe('stale');
    const outsider = arpAnnouncement(NEW_MAC, ip4('203.0.113.7'));
    expect(decideArp(accept2.arp, receiver, outsider, MAC_BROADCAST, undefined, 0).update).toBeNull();
  });

  it('a probe for the observer is answered without touching the cache; a request for it is answered too', () => {
    const linux = linuxProfile();
    expect(decideArp(linux.arp, receiver, arpProbe(NEW_MAC, OBSERVER_IP), MAC_BROADCAST, undefined, 0)).toMatchObject({ update: null, reply: true });
    expect(cell(linux, 'none', 'request for the observer').reply).toBe(true);
  });

  it('a frame unicast to another MAC never reaches the ARP code', () => {
    const linux = linuxProfile({ arp_accept: 1 });
    expect(decideArp(linux.arp, receiver, gratuitousArp(NEW_MAC, PEER_IP, 'reply'), NEW_MAC, undefined, 0).update).toBeNull();
  });

  it('the same MAC from a request for a third host does not demote a REACHABLE entry (same address + STALE keeps the state)', () => {
    const linux = linuxProfile();
    const driven = new DrivenCache<Ipv4Address>(linux.arpTimers);
    driven.prepare(PEER_IP, 'reachable', NEW_MAC, 10e9);
    const d = decideArp(linux.arp, receiver, arpRequest(NEW_MAC, PEER_IP, THIRD_IP), MAC_BROADCAST, driven.cache.get(PEER_IP), 12e9);
    expect(driven.cache.update(PEER_IP, d.update!, 12e9)).toBe('unchanged');
    expect(driven.state(PEER_IP)).toBe('reachable');
  });
});

describe('the implementations side by side', () => {
  const table: Array<[string, ImplementationProfile, { requestForMe: boolean; garp: boolean; reply: boolean; updateAtOnce: boolean }]> = [
    ['RFC 826', RFC826_PROFILE, { requestForMe: true, garp: false, reply: false, updateAtOnce: true }],
    ['Linux arp_accept 0', linuxProfile(), { requestForMe: true, garp: false, reply: false, updateAtOnce: false }],
    ['Linux arp_accept 1', linuxProfile({ arp_accept: 1 }), { requestForMe: true, garp: true, reply: true, updateAtOnce: false }],
    ['FreeBSD', FREEBSD_PROFILE, { requestForMe: true, garp: false, reply: false, updateAtOnce: true }],
    ['ns-3', NS3_PROFILE, { requestForMe: false, garp: false, reply: false, updateAtOnce: false }],
  ];
  for (const [name, profile, row] of table) {
    it(`${name}: creates from request for me ${row.requestForMe}, from GARP ${row.garp}, from unsolicited reply ${row.reply}; updates at once ${row.updateAtOnce}`, () => {
      expect(cell(profile, 'none', 'request for the observer').state !== 'none').toBe(row.requestForMe);
      expect(cell(profile, 'none', 'GARP request').state !== 'none').toBe(row.garp);
      expect(cell(profile, 'none', 'unsolicited unicast reply').state !== 'none').toBe(row.reply);
      // A broadcast request for a third host, 0.5 s after the entry was learned.
      expect(cell(profile, 'reachable', 'broadcast request for a third host', 0.5e9).mac === NEW_MAC).toBe(row.updateAtOnce);
      // Nobody learns from probes or RARP.
      expect(cell(profile, 'reachable', 'ARP probe').mac).toBe(OLD_MAC);
      expect(cell(profile, 'reachable', 'RARP op 3').mac).toBe(OLD_MAC);
    });
  }

  it('RFC 826: any ARP from the sender, request or reply, broadcast or for someone else, refreshes its entry (its merge rule)', () => {
    for (const stimulus of ['GARP request', 'GARP reply', 'broadcast request for a third host', 'broadcast non-gratuitous reply']) {
      expect(cell(RFC826_PROFILE, 'reachable', stimulus, 0)).toMatchObject({ mac: NEW_MAC });
    }
  });

  it('ns-3: a reply is taken only while resolving', () => {
    expect(cell(NS3_PROFILE, 'incomplete', 'unsolicited unicast reply')).toMatchObject({ state: 'reachable', mac: NEW_MAC });
    expect(cell(NS3_PROFILE, 'reachable', 'unsolicited unicast reply')).toMatchObject({ mac: OLD_MAC });
  });
});
