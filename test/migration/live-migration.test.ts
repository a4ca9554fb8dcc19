/**
 * Live migration in a small data center: black holes with expected values computed from the
 * scenario's own parameters (MAC ageing, the gateway's NUD timers, remedy latencies): switches learn
 * only from frames and age what they do not see again (IEEE 802.1D-2004 §7.8-7.9), and the remedies
 * act as QEMU's net/announce.c, Linux's netdev_notify_peers and RFC 7342 §5 describe.
 */
import { describe, expect, it } from 'vitest';
import { FlowFates } from '../../src/metrics/index.js';
import type { MigrationWindow } from '../../src/metrics/index.js';
import type { RemedySpec } from '../../src/migration/index.js';
import { LiveMigration, QEMU_ANNOUNCE, preCopyPlan, qemuAnnounceTimes, startKeepalive } from '../../src/migration/index.js';
import { CISCO_IOS_PROFILE, FlowSink, Host, UdpFlow, linuxProfile } from '../../src/stack/index.js';
import type { Kernel } from '../../src/sim/index.js';
import type { SmallDc } from '../helpers/dc.js';
import { GW_IP, VM_IP, smallDc } from '../helpers/dc.js';
import { ip4, mac } from '../helpers/sample-frames.js';
import { MAC_BROADCAST, classifyArp } from '../../src/wire/index.js';

const S = 1e9;
const MS = 1e6;
const RATE = 100; // packets per second
const INTERVAL = S / RATE;

/** Gateway → VM traffic from 1 s, the VM migrates from hv-1 to hv-2 at `start` with `downtime`. */
interface MigrateOptions {
  gatewayProfile?: typeof CISCO_IOS_PROFILE;
  start?: number;
  downtime?: number;
  until?: number;
  portReadyAfter?: number;
  seed?: number;
  trace?: (kernel: Kernel) => void;
  setup?: (dc: SmallDc) => void;
}

/** The migration window flow fates follow for `m`. */
function windowOf(m: LiveMigration): MigrationWindow {
  return { vm: m.spec.vm.name, start: m.schedule.start, pauseAt: m.schedule.pauseAt, resumeAt: m.schedule.resumeAt };
}

function migrate(remedies: RemedySpec[], options: MigrateOptions = {}) {
  const dc = smallDc({ ...(options.gatewayProfile ? { gatewayProfile: options.gatewayProfile } : {}), seed: options.seed ?? 1 });
  options.trace?.(dc.kernel);
  options.setup?.(dc);
  const sink = new FlowSink(dc.vm);
  const until = options.until ?? 400 * S;
  const flow = new UdpFlow(dc.kernel, { id: 1, name: 'gw-to-vm', from: dc.gateway, to: VM_IP, rate: RATE, size: 64, start: 1 * S, stop: until });
  sink.expect(flow.record);
  const start = options.start ?? 20 * S;
  const downtime = options.downtime ?? 300 * MS;
  const m = new LiveMigration({ network: dc.network, switches: dc.switches, gateways: [dc.gateway] }, {
    vm: dc.vm, from: dc.hv[0]!, to: dc.hv[1]!, start, timing: { kind: 'explicit', precopyTime: 0, downtime }, remedies,
    ...(options.portReadyAfter === undefined ? {} : { portReadyAfter: options.portReadyAfter }),
  });
  const fates = new FlowFates(dc.kernel, [windowOf(m)]);
  const learnedAtLeaf1: number[] = [];
  dc.kernel.trace.on('frame-received', (e) => { if (e.port === 'leaf-1:p2' && e.frame.eth.source === dc.vm.mac) learnedAtLeaf1.push(e.time); });
  dc.kernel.run({ until });
  const o = fates.outage(flow.record, 0, until)!;
  return { dc, flow, fates, o, m, learnedAtLeaf1 };
}

describe('no announcement, same MAC', () => {
  it('a gateway that never probes (4 h ARP timeout): the black hole lasts until the stale MAC entries age out (300 s after the VM last sent)', () => {
    const { o, m, learnedAtLeaf1, dc } = migrate([], { gatewayProfile: CISCO_IOS_PROFILE });
    // The VM last sent before the move when it answered the gateway's ARP request; leaf-1 and the
    // spine forget it one ageing time later and flood, reaching the VM at its new place.
    const lastSeen = learnedAtLeaf1.filter((t) => t < m.schedule.pauseAt).at(-1)!;
    const aging = dc.leaves[0]!.fdb.agingTime;
    expect(o.repaired).toBe(true);
    const repairedAt = m.schedule.resumeAt + o.afterResume;
    expect(repairedAt).toBeGreaterThanOrEqual(lastSeen + aging);
    expect(repairedAt).toBeLessThanOrEqual(lastSeen + aging + INTERVAL + 1 * MS);
    expect(o.blackHole).toBeGreaterThan(aging - m.schedule.pauseAt);
  });

  it('a Linux gateway: the entry expires to STALE, the next packet starts DELAY, PROBE (unicast probes lost on the stale path, 1.024 s apart), FAILED, and a broadcast request finds the VM', () => {
    const changes: Array<[number, string]> = [];
    const { o, m, dc } = migrate([], { until: 120 * S, trace: (kernel) => kernel.trace.on('neighbor-changed', (e) => { if (e.node === 'gateway' && e.address === '198.18.0.10') changes.push([e.time, e.to]); }) });
    const gw = linuxProfile({ forwarding: 1 }).arpTimers;
    const reach = dc.gateway.arp.reachableTime(0);
    const after = (t: number, state: string): number => changes.find(([time, s]) => time >= t && s === state)![0];
    const failedAt = after(m.schedule.resumeAt, 'failed');
    const probeAt = changes.filter(([t, s]) => s === 'probe' && t < failedAt).at(-1)![0];
    const delayAt = changes.filter(([t, s]) => s === 'delay' && t < probeAt).at(-1)![0];
    const staleAt = changes.filter(([t, s]) => s === 'stale' && t < delayAt).at(-1)![0];
    const reachableAt = changes.filter(([t, s]) => s === 'reachable' && t < staleAt).at(-1)![0];
    // Linux 6.18 (implementations §2.7a): a REACHABLE entry carrying traffic expires to STALE (its
    // packets take the cached-header path, which does not count as use), the next packet starts DELAY.
    // Timers fire late as the timer wheel fires them at HZ 250: a 15-45 s expiry by up to 2.048 s (one
    // level-3 slot), the 5 s DELAY by up to 256 ms, and the chained 1 s probes exactly 1.024 s apart
    // (measured: three unicast probes 1.024 s apart, FAILED 1.024 s after the last).
    expect(gw.timerWheelHz.value).toBe(250);
    expect(staleAt - reachableAt).toBeGreaterThanOrEqual(reach);
    expect(staleAt - reachableAt).toBeLessThanOrEqual(reach + 2.048 * S);
    expect(delayAt - staleAt).toBeGreaterThan(0);
    expect(delayAt - staleAt).toBeLessThanOrEqual(INTERVAL);
    expect(probeAt - delayAt).toBeGreaterThanOrEqual(gw.delayFirstProbeTime.value);
    expect(probeAt - delayAt).toBeLessThanOrEqual(gw.delayFirstProbeTime.value + 0.256 * S);
    expect(failedAt - probeAt).toBe(gw.unicastSolicit.value * 1.024 * S);
    // The next packet starts a broadcast resolution; the VM answers from its new place.
    const repairedAt = m.schedule.resumeAt + o.afterResume;
    expect(o.repaired).toBe(true);
    expect(repairedAt).toBeGreaterThan(failedAt);
    expect(repairedAt).toBeLessThanOrEqual(failedAt + INTERVAL + 1 * MS);
  });
});

describe('remedies', () => {
  const lost = (r: ReturnType<typeof migrate>): number => r.flow.record.sent - r.flow.record.delivered;

  it('guest GARP ×3: one broadcast fixes every switch; only packets sent during the downtime are lost', () => {
    const r = migrate([{ kind: 'guest-garp', form: 'request', count: 3, interval: 100 * MS }], { until: 60 * S });
    expect(r.o.repaired).toBe(true);
    expect(r.o.afterResume).toBeLessThanOrEqual(INTERVAL + 1 * MS);
    const downtime = r.m.schedule.downtime;
    expect(Math.abs(lost(r) - downtime / INTERVAL)).toBeLessThanOrEqual(2);
  });

  it('guest GARP ×3 under a burst longer than the train (the uplink saturated for 500 ms from the resume) loses all three: the black hole falls back to the no-announcement case', () => {
    const resume = 20 * S + 300 * MS;
    const saturate = (dc: SmallDc): void => {
      const link = dc.hv[1]!.uplink.link!;
      // Rebuild the uplink with a congestion window on the hv-2 → leaf-2 direction.
      const leafPort = link.b;
      link.detach();
      dc.network.connect(dc.hv[1]!.uplink, leafPort, { rate: 10e9, delay: 1_000, aToB: { congestion: [{ start: resume, end: resume + 500 * MS, load: 1 }] } });
    };
    const withGarp = migrate([{ kind: 'guest-garp', form: 'request', count: 3, interval: 100 * MS }], { until: 120 * S, setup: saturate });
    const without = migrate([], { until: 120 * S, setup: saturate });
    expect(withGarp.dc.hv[1]!.uplink.counters.drops['congestion']).toBe(3);
    expect(withGarp.o.afterResume).toBe(without.o.afterResume);
    expect(withGarp.o.afterResume).toBeGreaterThan(1 * S);
  });

  it('bursty loss takes a whole announcement train far more often than independent loss at the same rate', () => {
    let bursty = 0;
    let independent = 0;
    const trials = 40;
    for (let seed = 1; seed <= trials; seed++) {
      for (const [kind, count] of [['gilbert-elliott', 0], ['bernoulli', 1]] as const) {
        const dc = smallDc({ seed });
        const link = dc.hv[1]!.uplink.link!;
        const leafPort = link.b;
        link.detach();
        const loss = kind === 'bernoulli' ? { kind: 'bernoulli' as const, rate: 0.3 } : { kind: 'gilbert-elliott' as const, pGoodToBad: 0.3 / 0.7 * 0.1, pBadToGood: 0.1, lossGood: 0, lossBad: 1 };
        dc.network.connect(dc.hv[1]!.uplink, leafPort, { rate: 10e9, delay: 1_000, aToB: { loss } });
        new LiveMigration({ network: dc.network, switches: dc.switches, gateways: [dc.gateway] }, {
          vm: dc.vm, from: dc.hv[0]!, to: dc.hv[1]!, start: 1 * S, timing: { kind: 'explicit', precopyTime: 0, downtime: 100 * MS },
          remedies: [{ kind: 'guest-garp', form: 'request', count: 3, interval: 10 * MS }],
        });
        dc.kernel.run({ until: 2 * S });
        if (dc.hv[1]!.uplink.counters.drops['loss'] === 3) {
          if (count === 0) bursty++;
          else independent++;
        }
      }
    }
    // Both lose 30 % of frames in the long run; a burst of mean length 10 swallows the whole train.
    expect(bursty).toBeGreaterThan(2 * Math.max(1, independent));
  });

  it('an announcement sent before the new port forwards is lost; re-announcing later (3 RARPs 1 s apart) repairs at the first one after the port is ready', () => {
    const ready = 1 * S;
    const early = migrate([{ kind: 'guest-garp', form: 'request', count: 3, interval: 100 * MS }], { until: 120 * S, portReadyAfter: ready, gatewayProfile: CISCO_IOS_PROFILE });
    expect(early.dc.hv[1]!.vswitch.ports.at(-1)!.counters.drops['port-blocked']).toBe(3);
    expect(early.o.afterResume).toBeGreaterThan(60 * S);
    const late = migrate([{ kind: 'rarp', count: 3, interval: 1 * S }], { until: 120 * S, portReadyAfter: ready, gatewayProfile: CISCO_IOS_PROFILE });
    expect(late.o.afterResume).toBeGreaterThanOrEqual(ready);
    expect(late.o.afterResume).toBeLessThanOrEqual(ready + INTERVAL + 1 * MS);
  });

  it('hypervisor RARP and the QEMU schedule: switches learn from the first frame; QEMU sends at 0, 50, 200, 450, 800 ms', () => {
    expect(qemuAnnounceTimes(QEMU_ANNOUNCE.initial, QEMU_ANNOUNCE.max, QEMU_ANNOUNCE.rounds, QEMU_ANNOUNCE.step)).toEqual([0, 50, 200, 450, 800].map((ms) => ms * MS));
    const rarp = migrate([{ kind: 'rarp', count: 1, interval: 0 }], { until: 60 * S, gatewayProfile: CISCO_IOS_PROFILE });
    expect(rarp.o.afterResume).toBeLessThanOrEqual(INTERVAL + 1 * MS);
    const sent: number[] = [];
    const qemu = migrate([{ kind: 'qemu-announce', ...QEMU_ANNOUNCE, guestAnnounce: false }], {
      until: 60 * S, gatewayProfile: CISCO_IOS_PROFILE,
      trace: (k) => k.trace.on('frame-sent', (e) => { if (e.port === 'vm-1:eth0' && e.frame.eth.etherType === 0x8035) sent.push(e.time); }),
    });
    expect(sent.map((t) => t - qemu.m.schedule.resumeAt)).toEqual([0, 50, 200, 450, 800].map((ms) => ms * MS));
    expect(qemu.o.afterResume).toBeLessThanOrEqual(INTERVAL + 1 * MS);
  });

  it('a start delay shifts every announcing remedy; a request-form GARP carries the target MAC asked for; one sent the instant the port is ready gets through', () => {
    const ready = 250 * MS;
    const sent: Array<[string, number, number]> = [];
    const delayed = migrate([
      { kind: 'guest-garp', form: 'request', targetMac: 'broadcast', count: 2, interval: 100 * MS, delay: ready },
      { kind: 'guest-na', count: 1, interval: 0, override: true, delay: 30 * MS },
      { kind: 'rarp', count: 1, interval: 0, delay: 20 * MS },
      { kind: 'qemu-announce', ...QEMU_ANNOUNCE, rounds: 2, guestAnnounce: false, delay: 1 * S },
    ], {
      until: 60 * S, gatewayProfile: CISCO_IOS_PROFILE, portReadyAfter: ready,
      trace: (k) => k.trace.on('frame-sent', (e) => {
        if (e.port !== 'vm-1:eth0') return;
        const p = e.frame.eth.payload;
        if (p.kind === 'arp') sent.push([classifyArp(p), e.time, p.targetHardwareAddress]);
      }),
    });
    const at = (t: number): number => delayed.m.schedule.resumeAt + t;
    // The VM has no IPv6 address: the NA remedy sends nothing.
    expect(sent.filter(([, t]) => t >= at(0))).toEqual([
      ['rarp-request', at(20 * MS), delayed.dc.vm.mac],
      ['gratuitous-request', at(ready), MAC_BROADCAST],
      ['gratuitous-request', at(ready + 100 * MS), MAC_BROADCAST],
      ['rarp-request', at(1 * S), delayed.dc.vm.mac],
      ['rarp-request', at(1 * S + QEMU_ANNOUNCE.initial), delayed.dc.vm.mac],
    ]);
    // The RARP at 20 ms meets the port not yet ready; the first GARP, at the instant it is, passes.
    expect(delayed.dc.hv[1]!.vswitch.ports.at(-1)!.counters.drops['port-blocked']).toBe(1);
    expect(delayed.o.afterResume).toBeGreaterThanOrEqual(ready);
    expect(delayed.o.afterResume).toBeLessThanOrEqual(ready + INTERVAL + 1 * MS);
  });

  it('controller push and de-registration repair after their latency', () => {
    for (const latency of [50 * MS, 2 * S]) {
      const c = migrate([{ kind: 'controller', latency, lossRate: 0, pushFdb: true, pushNeighbors: true, moveBindings: false, neighborUpdate: 'install' }], { until: 60 * S, gatewayProfile: CISCO_IOS_PROFILE });
      expect(c.o.afterResume).toBeGreaterThanOrEqual(latency);
      expect(c.o.afterResume).toBeLessThanOrEqual(latency + INTERVAL + 1 * MS);
      const d = migrate([{ kind: 'deregistration', latency }], { until: 60 * S, gatewayProfile: CISCO_IOS_PROFILE });
      expect(d.o.afterResume).toBeGreaterThanOrEqual(latency);
      expect(d.o.afterResume).toBeLessThanOrEqual(latency + INTERVAL + 1 * MS);
    }
  });

  it('a lost controller push does nothing: with loss rate 1 the black hole is the no-announcement one', () => {
    const lostPush = migrate([{ kind: 'controller', latency: 50 * MS, lossRate: 1, pushFdb: true, pushNeighbors: true, moveBindings: false, neighborUpdate: 'install' }], { until: 400 * S, gatewayProfile: CISCO_IOS_PROFILE });
    const none = migrate([], { until: 400 * S, gatewayProfile: CISCO_IOS_PROFILE });
    expect(lostPush.o.afterResume).toBe(none.o.afterResume);
  });

  it('controller with the agent\'s semantics, same MAC: the gateway re-resolves by broadcast at the push, and the answer repairs the path without any switch push', () => {
    const latency = 50 * MS;
    const broadcasts: number[] = [];
    const onRequests = (k: Kernel): void => {
      k.trace.on('frame-sent', (e) => {
        const p = e.frame.eth.payload;
        if (p.kind === 'arp' && p.operation === 1 && e.frame.eth.destination === MAC_BROADCAST && p.senderProtocolAddress === GW_IP && p.targetProtocolAddress === VM_IP) broadcasts.push(e.time);
      });
    };
    const agent = migrate([{ kind: 'controller', latency, lossRate: 0, pushFdb: false, pushNeighbors: true, moveBindings: false, neighborUpdate: 'agent' }], { until: 60 * S, gatewayProfile: CISCO_IOS_PROFILE, trace: onRequests });
    // A broadcast request from the gateway at the push; every copy after the resume is that one
    // request flooded hop by hop (each hop a microsecond later), none from its own timers.
    const push = agent.m.schedule.resumeAt + latency;
    expect(broadcasts).toContain(push);
    const after = broadcasts.filter((t) => t > agent.m.schedule.resumeAt);
    expect(after.every((t) => t >= push && t < push + 1 * MS)).toBe(true);
    expect(agent.o.afterResume).toBeGreaterThanOrEqual(latency);
    expect(agent.o.afterResume).toBeLessThanOrEqual(latency + INTERVAL + 1 * MS);
    expect(agent.dc.gateway.arp.get(VM_IP)?.lladdr).toBe(agent.dc.vm.mac);
    // The install of an unchanged binding moves no switch: without the FDB push it repairs nothing
    // (this gateway never probes), and the black hole is the no-announcement one.
    const install = migrate([{ kind: 'controller', latency, lossRate: 0, pushFdb: false, pushNeighbors: true, moveBindings: false, neighborUpdate: 'install' }], { until: 400 * S, gatewayProfile: CISCO_IOS_PROFILE });
    const none = migrate([], { until: 400 * S, gatewayProfile: CISCO_IOS_PROFILE });
    expect(install.o.afterResume).toBe(none.o.afterResume);
    expect(install.o.afterResume).toBeGreaterThan(60 * S);
  });

  it('VM keepalive GARPs every 2 s repair within one interval', () => {
    const r = migrate([], {
      until: 60 * S, gatewayProfile: CISCO_IOS_PROFILE,
      setup: (dc) => startKeepalive(dc.kernel, { kind: 'keepalive', mode: 'vm-garp', interval: 2 * S }, [dc.vm], [dc.gateway], 0, 60 * S),
    });
    expect(r.o.afterResume).toBeLessThanOrEqual(2 * S + INTERVAL);
  });
});

describe('a new MAC at the destination', () => {
  const NEW = mac('02:00:00:00:09:09');
  function withNewMac(remedies: RemedySpec[], gatewayProfile?: typeof CISCO_IOS_PROFILE) {
    const dc = smallDc(gatewayProfile === undefined ? {} : { gatewayProfile });
    const sink = new FlowSink(dc.vm);
    const flow = new UdpFlow(dc.kernel, { id: 1, name: 'gw-to-vm', from: dc.gateway, to: VM_IP, rate: RATE, size: 64, start: 1 * S, stop: 120 * S });
    sink.expect(flow.record);
    const m = new LiveMigration({ network: dc.network, switches: dc.switches, gateways: [dc.gateway] }, {
      vm: dc.vm, from: dc.hv[0]!, to: dc.hv[1]!, start: 20 * S, timing: { kind: 'explicit', precopyTime: 0, downtime: 300 * MS }, newMac: NEW, remedies,
    });
    const fates = new FlowFates(dc.kernel, [windowOf(m)]);
    dc.kernel.run({ until: 120 * S });
    return { dc, o: fates.outage(flow.record, 0, 120 * S)! };
  }

  it('controller with the agent\'s semantics, new MAC: the gateway\'s entry is replaced at the push, as the install does', () => {
    const latency = 50 * MS;
    const agent = withNewMac([{ kind: 'controller', latency, lossRate: 0, pushFdb: true, pushNeighbors: true, moveBindings: false, neighborUpdate: 'agent' }], CISCO_IOS_PROFILE);
    const install = withNewMac([{ kind: 'controller', latency, lossRate: 0, pushFdb: true, pushNeighbors: true, moveBindings: false, neighborUpdate: 'install' }], CISCO_IOS_PROFILE);
    expect(agent.dc.gateway.arp.get(VM_IP)?.lladdr).toBe(NEW);
    expect(agent.o.afterResume).toBe(install.o.afterResume);
    expect(agent.o.afterResume).toBeLessThanOrEqual(latency + INTERVAL + 1 * MS);
    expect(agent.dc.gateway.counters.arpOut).toBe(install.dc.gateway.counters.arpOut);
  });

  it('a gratuitous ARP replaces the binding in a Linux gateway at once (even inside the lock time)', () => {
    const { dc, o } = withNewMac([{ kind: 'guest-garp', form: 'request', count: 1, interval: 0 }]);
    expect(dc.gateway.arp.get(VM_IP)?.lladdr).toBe(NEW);
    expect(o.afterResume).toBeLessThanOrEqual(INTERVAL + 1 * MS);
  });

  it('RARP teaches switches but no ARP cache: a gateway with a 4 h ARP timeout keeps the old MAC for the whole run', () => {
    const { dc, o } = withNewMac([{ kind: 'rarp', count: 5, interval: 100 * MS }], CISCO_IOS_PROFILE);
    expect(dc.gateway.arp.get(VM_IP)?.lladdr).toBe(mac('02:00:00:00:01:01'));
    expect(o.repaired).toBe(false);
  });
});

describe('timing', () => {
  it('pre-copy: 4 GiB at 128 MiB/s takes 32 s for the first round; a quiet guest converges at once, a busy one never', () => {
    const quiet = preCopyPlan({ memoryBytes: 4 * 2 ** 30, dirtyBytesPerSecond: 0, bandwidthBytesPerSecond: 128 * 2 ** 20, downtimeLimit: 300 * MS });
    expect(quiet.rounds[0]).toBe(32 * S);
    expect(quiet).toMatchObject({ converged: true, downtime: 0, totalTime: 32 * S });
    const moderate = preCopyPlan({ memoryBytes: 4 * 2 ** 30, dirtyBytesPerSecond: 16 * 2 ** 20, bandwidthBytesPerSecond: 128 * 2 ** 20, downtimeLimit: 300 * MS });
    // Each round sends what the previous one let the guest dirty: 1/8 of it.
    expect(moderate.rounds.slice(0, 3)).toEqual([32 * S, 4 * S, 0.5 * S]);
    expect(moderate.converged).toBe(true);
    expect(moderate.downtime).toBeLessThanOrEqual(300 * MS);
    const busy = preCopyPlan({ memoryBytes: 2 ** 30, dirtyBytesPerSecond: 256 * 2 ** 20, bandwidthBytesPerSecond: 128 * 2 ** 20, downtimeLimit: 300 * MS, maxRounds: 10 });
    expect(busy.converged).toBe(false);
    expect(busy.rounds.length).toBe(10);
    expect(busy.downtime).toBe(8 * S);
  });

  it('two VMs migrating at the same time, in opposite directions, are both repaired by their own announcements', () => {
    const dc = smallDc({ gatewayProfile: CISCO_IOS_PROFILE });
    const vm2 = new Host(dc.network, 'vm-2', { mac: mac('02:00:00:00:01:02'), profile: linuxProfile(), gateway4: ip4('198.18.0.1') });
    vm2.addIpv4(ip4('198.18.0.11'), 24);
    dc.hv[1]!.plug(vm2);
    const flows = [[dc.vm, VM_IP], [vm2, ip4('198.18.0.11')]] as const;
    const records = flows.map(([vm, ip], i) => {
      const sink = new FlowSink(vm);
      const f = new UdpFlow(dc.kernel, { id: i + 1, name: vm.name, from: dc.gateway, to: ip, rate: RATE, size: 64, start: 1 * S, stop: 40 * S });
      sink.expect(f.record);
      return f.record;
    });
    const world = { network: dc.network, switches: dc.switches, gateways: [dc.gateway] };
    const timing = { kind: 'explicit' as const, precopyTime: 0, downtime: 200 * MS };
    const remedies: RemedySpec[] = [{ kind: 'rarp', count: 1, interval: 0 }];
    const m1 = new LiveMigration(world, { vm: dc.vm, from: dc.hv[0]!, to: dc.hv[1]!, start: 20 * S, timing, remedies });
    const m2 = new LiveMigration(world, { vm: vm2, from: dc.hv[1]!, to: dc.hv[0]!, start: 20 * S, timing, remedies });
    const fates = new FlowFates(dc.kernel, [windowOf(m1), windowOf(m2)]);
    dc.kernel.run({ until: 40 * S });
    for (const [record, w] of [[records[0]!, 0], [records[1]!, 1]] as const) {
      const o = fates.outage(record, w, 40 * S)!;
      expect(o.repaired).toBe(true);
      expect(o.afterResume).toBeLessThanOrEqual(INTERVAL + 1 * MS);
    }
    expect(dc.hv[0]!.hosts(vm2)).toBe(true);
    expect(dc.hv[1]!.hosts(dc.vm)).toBe(true);
  });
});
