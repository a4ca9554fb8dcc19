/**
 * Bulk floods (src/net/flood-bulk.ts) against the same floods one copy at a time, under random
 * events that fall while copies are on their way: hosts of several profiles on two switches (ports of
 * two rates, so a switch's hosts split into members and others) resolve one another and send to one
 * another, announce themselves with gratuitous ARP, pause and resume, and have their links go down
 * and up or unplugged and plugged again. Every frame each port received and each drop, and every
 * counter of every port and host, must be the same either way.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FloodBatcher, LearningSwitch, Network } from '../../src/net/index.js';
import type { Port } from '../../src/net/index.js';
import { Kernel } from '../../src/sim/index.js';
import { HOST_COUNTERS, Host, PROFILES, linuxProfile } from '../../src/stack/index.js';
import type { MacAddress } from '../../src/wire/index.js';
import { parseIpv4 } from '../../src/wire/index.js';
import { RUNS } from '../helpers/arbitraries.js';

const HOSTS = 10;
const ip = (n: number) => parseIpv4(`198.18.0.${n + 10}`)!;
const profiles = [linuxProfile(), linuxProfile({ arp_accept: 1 }), PROFILES['windows']!, PROFILES['freebsd']!];

afterEach(() => {
  FloodBatcher.bulkFloods = true;
  LearningSwitch.plansByOwnLinks = true;
});

type Event = readonly [host: number, what: number, other: number, at: number];

function run(events: readonly Event[], bulk: boolean, ownLinks = true): string[] {
  FloodBatcher.bulkFloods = bulk;
  LearningSwitch.plansByOwnLinks = ownLinks;
  const kernel = new Kernel({ seed: 1 });
  const net = new Network(kernel);
  const s1 = net.addSwitch('s1');
  const s2 = net.addSwitch('s2');
  net.connect(s1.addPort(), s2.addPort(), { rate: 10e9, delay: 500 });
  const hosts: Host[] = [];
  const switchPort: Port[] = [];
  const linkOf = (i: number) => ({ rate: i % 4 === 3 ? 1e8 : 1e9, delay: 1000 });
  for (let i = 0; i < HOSTS; i++) {
    const h = new Host(net, `h${i}`, { mac: (0x0200_0000_0100 + i) as MacAddress, profile: profiles[i % profiles.length]! });
    h.addIpv4(ip(i), 24, { skipDad: true });
    const port = (i < 6 ? s1 : s2).addPort();
    net.connect(h.port, port, linkOf(i));
    hosts.push(h);
    switchPort.push(port);
    h.bindUdp(7, () => undefined);
  }
  const log: string[] = [];
  kernel.trace.on('frames-received', (e) => {
    for (let k = e.from; k < e.to; k++) log.push(`${e.time} rx ${e.ports[k]!.name} ${e.ids[k]} ${e.frame.id}`);
  });
  kernel.trace.on('frames-sent', (e) => {
    for (let k = e.from; k < e.to; k++) log.push(`${e.time} tx ${e.ports[k]!.name} ${e.frame.id}`);
  });
  kernel.trace.on('frame-dropped', (e) => log.push(`${e.time} drop ${e.port} ${e.reason} ${e.frame.id}`));
  kernel.trace.on('packets-dropped', (e) => {
    for (const node of e.nodes) log.push(`${e.time} stack-drop ${node} ${e.reason}`);
  });
  const payload = new Uint8Array(20);
  for (const [i, what, other, at] of events) {
    kernel.scheduleAt(at, 'test', 'event', () => {
      const h = hosts[i]!;
      const link = h.port.link;
      if (what <= 3) h.sendUdp(ip(other), 7, 7, payload);
      else if (what === 4) h.announceArp(h.ipv4[0]!, 'request');
      else if (what === 5) {
        if (h.up) h.pause();
        else h.resume();
      } else if (what === 6) link?.setUp(!link.up);
      else if (what === 8) link?.impair(switchPort[i]!, { congestion: [{ start: at, end: at + 50_000, load: 0.5 }] });
      else if (link !== null) {
        link.detach();
        net.connect(h.port, switchPort[i]!, linkOf(i));
      }
    });
  }
  kernel.run();
  // Log lines of one time may come in another order by group; within a time the set must match.
  log.sort();
  for (const p of [...s1.ports, ...s2.ports, ...hosts.map((h) => h.port)]) {
    const c = p.counters;
    log.push(`${p.name} ${c.rxFrames} ${c.rxBytes} ${c.txFrames} ${c.txBytes} ${c.floodedFrames} ${JSON.stringify(c.drops)}`);
  }
  for (const h of hosts) log.push(`${h.name} ${HOST_COUNTERS.map((k) => h.counters[k]).join(' ')}`);
  return log;
}

describe('bulk floods', () => {
  it('give every port and host the same frames, drops and counters as one copy at a time, under random events', () => {
    // Times bunch within a few microseconds so that events fall while copies are on their way.
    const event = fc.tuple(
      fc.integer({ min: 0, max: HOSTS - 1 }),
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 0, max: HOSTS - 1 }),
      fc.oneof(fc.integer({ min: 0, max: 8_000 }), fc.integer({ min: 0, max: 2_000_000 })),
    );
    let bulkSends = 0;
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), (events) => {
      const plain = run(events, false);
      const before = FloodBatcher.bulkSends;
      const bulk = run(events, true);
      bulkSends += FloodBatcher.bulkSends - before;
      expect(bulk).toEqual(plain);
    }), { numRuns: RUNS });
    // The bulk path was taken (floods from hosts reach five or more members of a switch).
    expect(bulkSends).toBeGreaterThan(RUNS);
  });

  it('read a flood plan again after its own switch\'s links changed, with the same results as after any link of the network changed', () => {
    const event = fc.tuple(
      fc.integer({ min: 0, max: HOSTS - 1 }),
      fc.integer({ min: 0, max: 8 }),
      fc.integer({ min: 0, max: HOSTS - 1 }),
      fc.oneof(fc.integer({ min: 0, max: 8_000 }), fc.integer({ min: 0, max: 2_000_000 })),
    );
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), (events) => {
      const any = run(events, true, false);
      expect(run(events, true, true)).toEqual(any);
      expect(run(events, false, true)).toEqual(any);
    }), { numRuns: RUNS });
  });
});
