/**
 * Fidelity of whole runs where the model once lost track: a packet that dies at a hypervisor the VM
 * has left (a flood with no port to leave by) has a cause; things a scenario says happen at one
 * instant run in the documented order (the migration's phases, then the ports becoming ready, then
 * the events). Expected values come from the scenarios' own parameters.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runScenario, runScenarioRun } from '../../src/run/index.js';
import { ScenarioTimeline, eventKey, phaseKey } from '../../src/scenario/build/timeline.js';
import { loadScenario, loadScenarioFile } from '../../src/scenario/index.js';
import type { Model } from '../../src/scenario/index.js';
import { Kernel } from '../../src/sim/index.js';
import { MAC_BROADCAST, classifyArp } from '../../src/wire/index.js';

const S = 1e9;
const MS = 1e6;

function load(...lines: string[]): ReturnType<typeof loadScenario> {
  return loadScenario(`${lines.join('\n')}\n`, 'fidelity.yaml');
}

/** One VM alone on hv-1 (leaf-1), moving to hv-2 (leaf-2); the gateway streams to it; nothing announces the move. */
const LONE_VM = [
  'name: lone-vm',
  'duration: 30s',
  'fabric: { leaves: 2, spines: 1, bridging: none }',
  'subnet: { ipv4: 198.18.0.0/24 }',
  // A reachable time far beyond the run: the gateway's entry never expires, nothing repairs the move.
  'gateway: { sysctls: { base_reachable_time_ms: 600000 } }',
  'hypervisors: { count: 2 }',
  'hosts:',
  '  - { name: vm, count: 1, on: [hv-1] }',
  'traffic:',
  '  - { name: to-vm, from: gateway, to: vm-1, rate: 100pps, start: 1s }',
];

describe('a flood with no port to leave by', () => {
  it('packets that reach the hypervisor the VM left are lost as no-egress (old-location for the migration), not unknown, and are not unknown-unicast floods', () => {
    const at = 10 * S;
    const downtime = 300 * MS;
    const sc = load(...LONE_VM, `migrations: [{ vm: vm-1, to: hv-2, at: ${at / S}s, timing: { downtime: ${downtime / MS}ms } }]`);
    const run = runScenario(sc).runs[0]!;
    const flow = run.flows[0]!;
    const interval = S / 100;
    const start = 1 * S;
    const sentIn = (from: number, to: number): number => Math.ceil((to - start) / interval) - Math.ceil((from - start) / interval);
    const paused = sentIn(at, at + downtime);
    const afterResume = sentIn(at + downtime, sc.duration);
    expect(flow.sent).toBe(sentIn(start, sc.duration));
    expect(flow.lost).toMatchObject({ 'node-down': paused, 'no-egress': afterResume, 'not-for-me': 0, unknown: 0 });
    expect(flow.delivered).toBe(flow.sent - paused - afterResume);
    const m = run.migrations[0]!;
    expect(m.lostPackets).toMatchObject({ downtime: paused, 'old-location': afterResume, unknown: 0 });
    expect(m.repaired.gatewayToVm).toBe(false);
    // Before the move the gateway's stream is known unicast everywhere: it never floods.
    expect(run.unknownUnicastFloods).toBe(0);
  });
});

describe('the order of things at one instant', () => {
  it('a scenario event at exactly a migration\'s resume time sees the VM resumed at its destination', () => {
    const at = 10 * S;
    const downtime = 300 * MS;
    // vm-1 announces itself when it resumes, so the stream is repaired at once; unless the event at the
    // resume instant takes down vm-1's links, which is its new link if the VM is already there. (The
    // guest's GARP is one of the model's events, which come after the scenario's at an instant: it is
    // sent on the link already down.)
    const base = [...LONE_VM, 'remedies: [{ kind: guest-garp, count: 1 }]', `migrations: [{ vm: vm-1, to: hv-2, at: ${at / S}s, timing: { downtime: ${downtime / MS}ms } }]`];
    const plain = runScenario(load(...base)).runs[0]!;
    expect(plain.migrations[0]!.repaired.gatewayToVm).toBe(true);
    const sc = load(...base, `events: [{ at: ${(at + downtime) / MS}ms, kind: link-down, target: vm-1 }]`);
    const cut = runScenario(sc).runs[0]!;
    expect(cut.migrations[0]!.repaired.gatewayToVm).toBe(false);
    // Nothing learnt the new place: the stream still goes to hv-1, which has no port left for it.
    const interval = S / 100;
    const start = 1 * S;
    const afterResume = Math.ceil((sc.duration - start) / interval) - Math.ceil((at + downtime - start) / interval);
    expect(cut.flows[0]!.lost['no-egress']).toBe(afterResume);
  });
});

describe('the scenario\'s clock', () => {
  it('runs, at one instant, the migrations\' phases, then ports becoming ready, then the events (each in list order, an event\'s end where its start would be), then the model\'s own events', () => {
    // Migration 0 starts and pauses at 5 s (no pre-copy) and resumes at 6 s; migration 1 starts at
    // 6 s and its port is ready at 9 s, as are the events listed before it.
    const sc = load(
      ...LONE_VM.map((l) => (l.startsWith('  - { name: vm') ? '  - { name: vm, count: 2, on: [hv-1] }' : l)),
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 5s, timing: { downtime: 1s } }',
      '  - { vm: vm-2, to: hv-2, at: 6s, timing: { downtime: 2s }, portReadyAfter: 1s }',
      'events:',
      '  - { at: 9s, kind: flush-neighbors, target: gateway }',
      '  - { at: 6s, kind: host-down, target: vm-1, duration: 3s }',
      '  - { at: 5s, kind: link-up, target: vm-2 }',
    );
    const kernel = new Kernel({ seed: 1 });
    const timeline = new ScenarioTimeline(kernel, sc.runs[0]!);
    const ran: string[] = [];
    const note = (what: string) => () => ran.push(`${kernel.now / S} ${what}`);
    // A model event due at 6 s, scheduled before the phases and events are bound.
    kernel.scheduleAt(6 * S, 'model', 'frame', note('model'));
    sc.runs[0]!.migrations.forEach((m, i) => {
      timeline.bind(phaseKey(i, 'migration-start'), m.schedule.start, note(`start ${i}`));
      timeline.bind(phaseKey(i, 'migration-pause'), m.schedule.pauseAt, note(`pause ${i}`));
      timeline.bind(phaseKey(i, 'migration-resume'), m.schedule.resumeAt, note(`resume ${i}`));
      if (m.portReadyAfter > 0) timeline.bind(phaseKey(i, 'port-ready'), m.schedule.resumeAt + m.portReadyAfter, note(`ready ${i}`));
    });
    timeline.bind(eventKey(0, false), 9 * S, note('event 0'));
    timeline.bind(eventKey(1, false), 6 * S, note('event 1'));
    timeline.bind(eventKey(1, true), 9 * S, note('event 1 end'));
    timeline.bind(eventKey(2, false), 5 * S, note('event 2'));
    kernel.run();
    expect(ran).toEqual([
      '5 start 0', '5 pause 0', '5 event 2',
      '6 resume 0', '6 start 1', '6 pause 1', '6 event 1', '6 model',
      '8 resume 1',
      '9 ready 1', '9 event 0', '9 event 1 end',
    ]);
  });

  it('an action bound at a time other than its reservation, or never bound, is a builder bug and says so', () => {
    const sc = load(...LONE_VM, 'migrations: [{ vm: vm-1, to: hv-2, at: 5s }]');
    const kernel = new Kernel({ seed: 1 });
    const timeline = new ScenarioTimeline(kernel, sc.runs[0]!);
    expect(() => timeline.bind(phaseKey(0, 'migration-start'), 4 * S, () => undefined)).toThrow(/reserved at 5000000000 ns, not 4000000000 ns/);
    expect(() => kernel.run()).toThrow(/nothing bound to the scenario's migration:0:migration-start/);
  });
});

describe('a migration that re-plugs the guest\'s link', () => {
  /**
   * vm-1 alone on hv-1, with addresses of one family (so that nothing of the other teaches the
   * switches), arp_notify and ndisc_notify on, re-plugged at hv-2; a 4 h ARP timeout at the gateway
   * keeps its entries; the gateway streams to vm-1.
   */
  const replug = (vswitch: string, family: 'ipv4' | 'ipv6'): ReturnType<typeof load> => {
    return load(
      'name: replug',
      'duration: 30s',
      'fabric: { leaves: 2, spines: 1, bridging: none }',
      'subnet: { ipv4: 198.18.0.0/24, ipv6: "2001:db8::/64" }',
      'gateway: { profile: cisco-ios }',
      `hypervisors: { count: 2, vswitch: ${vswitch} }`,
      'hosts:',
      `  - { name: vm, count: 1, on: [hv-1], ${family === 'ipv4' ? 'ipv6' : 'ipv4'}: none, sysctls: { arp_notify: 1, ndisc_notify: 1 } }`,
      `traffic: [{ from: gateway, to: vm-1, family: ${family}, rate: 100pps, start: 1s }]`,
      'migrations: [{ vm: vm-1, to: hv-2, at: 10s, guestLink: replug }]',
    );
  };
  const interval = 10;

  it('on a Linux bridge the link-up GARP is dropped at the port not yet enabled (counted there); IPv6 DAD, run again, gets through', () => {
    const dropped: string[] = [];
    const run = runScenario(replug('linux-bridge', 'ipv4'), {
      observers: (model) => {
        model.kernel.trace.on('frame-dropped', (e) => {
          const p = e.frame.eth.payload;
          if (e.node === 'hv-2') dropped.push(`${e.reason} ${p.kind === 'arp' ? classifyArp(p) : p.kind}`);
        });
        return [];
      },
    }).runs[0]!;
    expect(dropped).toEqual(['port-disabled announcement']);
    expect(run.migrations[0]!.repaired.gatewayToVm).toBe(false);
    // IPv6: the address runs DAD again, its NS (from ::, with the VM's MAC) going out after a random
    // delay of up to 1 s (RFC 4862 §5.4.2), by when the port forwards: it teaches every switch.
    const v6 = runScenario(replug('linux-bridge', 'ipv6')).runs[0]!.migrations[0]!;
    expect(v6.repaired.gatewayToVm).toBe(true);
    expect(v6.afterResumeMs.gatewayToVm).toBeLessThanOrEqual(1000 + interval + 1);
  });

  it.each(['ovs', 'vendor'])('on a %s virtual switch the port takes the GARP at once, and the move is repaired by it', (kind) => {
    const m = runScenario(replug(kind, 'ipv4')).runs[0]!.migrations[0]!;
    expect(m.repaired.gatewayToVm).toBe(true);
    expect(m.afterResumeMs.gatewayToVm).toBeLessThanOrEqual(interval + 1);
  });
});

describe('a lab of one bridge (scenarios/migration-replug.yaml): the probe train of a Linux gateway', () => {
  /**
   * When Linux's timer wheel fires a timer armed at `now` for `after` ns (kernel/time/timer.c,
   * calc_index and LVL_START): in jiffies of 1/HZ s, rounded up; a timer `delta` jiffies away sits on
   * the level whose granularity is 8^level jiffies (level n from 63·8^(n-1) jiffies away) and fires at
   * the start of the next slot of that level.
   */
  const wheel = (now: number, after: number, hz: number): number => {
    const jiffy = 1e9 / hz;
    const nowJ = Math.floor(now / jiffy);
    const expJ = nowJ + Math.ceil(after / jiffy);
    let granularity = 1;
    for (let start = 63; expJ - nowJ >= start; start *= 8) granularity *= 8;
    return (Math.floor(expJ / granularity) + 1) * granularity * jiffy;
  };

  it('the link-up GARP is dropped at hv-2; at the gateway STALE at expiry, DELAY 5 s, three unicast probes 1.024 s apart lost at hv-1, FAILED, a broadcast request, the reply; the black hole is their sum', () => {
    const sc = loadScenarioFile(fileURLToPath(new URL('../../scenarios/migration-replug.yaml', import.meta.url)));
    const run = sc.runs.find((r) => r.name === 'replug')!;
    const m = run.migrations[0]!;
    const flow = sc.traffic[0]!;
    expect(flow).toMatchObject({ kind: 'ping', from: 'gateway', to: m.vm });
    expect(sc.fabric.kind).toBe('single');
    expect(m.guestLink).toBe('replug');
    expect(sc.hypervisors!.vswitch).toBe('linux-bridge');
    const interval = S / flow.rate;
    /** The pings: one every `interval` from the flow's start; the first sent at or after `t`, strictly after with `after`. */
    const pingAt = (t: number, after = false): number => {
      const k = Math.max(0, (t - flow.start) / interval);
      return flow.start + (after && Number.isInteger(k) ? k + 1 : Math.ceil(k)) * interval;
    };

    let model: Model | undefined;
    const states: Array<[number, string]> = [];
    const sent: Array<[number, string]> = [];
    const lostAt: Array<[string, string, string]> = [];
    const { result } = runScenarioRun(sc, 'replug', {
      observers: (built) => {
        model = built;
        const vm = built.hosts.get(m.vm)!;
        const vmIp = [...built.layout.hosts()].find((h) => h.name === m.vm)!.ipv4!;
        const t = built.kernel.trace;
        t.on('neighbor-changed', (e) => { if (e.node === 'gateway' && e.address === vmIp) states.push([e.time, e.to]); });
        t.on('frame-sent', (e) => {
          const p = e.frame.eth.payload;
          if (e.node === 'gateway' && p.kind === 'arp') sent.push([e.time, `${classifyArp(p)} ${e.frame.eth.destination === MAC_BROADCAST ? 'broadcast' : e.frame.eth.destination === vm.mac ? 'unicast' : 'other'}`]);
        });
        t.on('frame-received', (e) => {
          const p = e.frame.eth.payload;
          if (e.node === 'gateway' && p.kind === 'arp' && p.senderHardwareAddress === vm.mac) sent.push([e.time, `received ${classifyArp(p)}`]);
        });
        t.on('frame-dropped', (e) => {
          const p = e.frame.eth.payload;
          if (p.kind === 'arp') lostAt.push([e.node, e.reason, classifyArp(p)]);
        });
        return [];
      },
    });
    const gateway = model!.gateways[0]!;
    const timers = gateway.profile.arpTimers;
    const hz = timers.timerWheelHz.value;
    const reach = gateway.arp.reachableTime(0);
    const base = timers.reachableTime.value;
    // RFC 4861 §6.3.2 / Linux neigh_rand_reach_time: uniform in [base/2, 3 base/2).
    expect(reach).toBeGreaterThanOrEqual(base / 2);
    expect(reach).toBeLessThan(1.5 * base);

    // The last confirmation is the first exchange (the VM answers ARP, never an echo request).
    const reachableAt = states.find(([, s]) => s === 'reachable')![0];
    expect(reachableAt - flow.start).toBeLessThan(1 * MS);
    expect(reachableAt + reach).toBeGreaterThan(m.schedule.resumeAt);
    const staleAt = wheel(reachableAt, reach, hz);
    const delayAt = pingAt(staleAt, true);
    const probeAt = wheel(delayAt, timers.delayFirstProbeTime.value, hz);
    const retrans = timers.retransTime.value;
    // Measured on Linux 6.18: a 1 s retrans_time fires 1.024 s after the previous probe; the wheel gives the same.
    const spacing = 1024 * MS;
    expect(wheel(probeAt, retrans, hz) - probeAt).toBe(spacing);
    const probes = Array.from({ length: timers.unicastSolicit.value }, (_, i) => probeAt + i * spacing);
    const failedAt = probes.at(-1)! + spacing;
    const broadcastAt = pingAt(failedAt, true);
    expect(timers.unicastSolicit.value).toBe(3);
    // DELAY: delay_first_probe_time (5 s), late by at most one slot of its wheel level (64 jiffies).
    expect(timers.delayFirstProbeTime.value).toBe(5 * S);
    expect(probeAt - delayAt).toBeGreaterThanOrEqual(5 * S);
    expect(probeAt - delayAt).toBeLessThanOrEqual(5 * S + (64 * S) / hz);

    // (Later the entry goes STALE again, and its unicast probes, now answered, keep it REACHABLE.)
    const after = states.filter(([time]) => time > m.schedule.resumeAt).slice(0, 6);
    expect(after.map(([, s]) => s)).toEqual(['stale', 'delay', 'probe', 'failed', 'incomplete', 'reachable']);
    expect(after.slice(0, 5).map(([time]) => time)).toEqual([staleAt, delayAt, probeAt, failedAt, broadcastAt]);
    expect(after[5]![0] - broadcastAt).toBeLessThan(1 * MS);
    const train = sent.filter(([time]) => time > m.schedule.resumeAt).slice(0, probes.length + 2);
    expect(train.map(([, what]) => what)).toEqual([...probes.map(() => 'request unicast'), 'request broadcast', 'received reply']);
    expect(train.slice(0, 4).map(([time]) => time)).toEqual([...probes, broadcastAt]);
    // Where the ARP frames died: the link-up GARP at hv-2's port, not yet enabled; the unicast probes
    // at hv-1, which has no port left for the VM's MAC.
    expect(lostAt).toEqual([['hv-2', 'port-disabled', 'announcement'], ...probes.map(() => ['hv-1', 'no-egress', 'request'])]);

    // The black hole: from the last ping delivered before the pause to the first after the resume,
    // the broadcast-resolved one (its ARP exchange taking microseconds): the sum of the time to STALE,
    // to the next ping (DELAY), DELAY itself, the three probes, and the wait for the next ping.
    const lastBefore = pingAt(m.schedule.pauseAt) - interval;
    const expected = (staleAt - lastBefore) + (delayAt - staleAt) + (probeAt - delayAt) + probes.length * spacing + (broadcastAt - failedAt);
    const measured = result.migrations[0]!.blackHoleMs.gatewayToVm!;
    expect(measured * MS).toBeGreaterThanOrEqual(expected);
    expect(measured * MS).toBeLessThan(expected + 1 * MS);
    expect(result.migrations[0]!.repaired.gatewayToVm).toBe(true);
  });
});

describe('variants that change a migration reach the model', () => {
  it('migration-replug.yaml: the resume with a delayed GARP is repaired by it; the re-plug onto a late port by the first GARP after the port is ready', () => {
    const sc = loadScenarioFile(fileURLToPath(new URL('../../scenarios/migration-replug.yaml', import.meta.url)));
    const interval = S / sc.traffic[0]!.rate;
    const afterResume = (name: string): { after: number; run: (typeof sc.runs)[number] } => {
      const m = runScenarioRun(sc, name).result.migrations[0]!;
      expect(m.repaired.gatewayToVm).toBe(true);
      return { after: m.afterResumeMs.gatewayToVm! * MS, run: sc.runs.find((r) => r.name === name)! };
    };
    // The GARP goes out `delay` after the resume and teaches switch-1 at once: the next ping gets through.
    const resume = afterResume('resume-garp');
    const garp = resume.run.migrations[0]!.remedies[0]!;
    if (garp.kind !== 'guest-garp') throw new Error('expected guest-garp');
    const delay = garp.delay ?? 0;
    expect(delay).toBeGreaterThan(0);
    expect(resume.after).toBeGreaterThanOrEqual(delay);
    expect(resume.after).toBeLessThanOrEqual(delay + interval + 1 * MS);
    // The link-up GARP dies at the disabled port; the remedy's first GARP, after the port is ready, repairs.
    const late = afterResume('replug-late-port');
    const first = late.run.migrations[0]!.remedies[0]!;
    if (first.kind !== 'guest-garp') throw new Error('expected guest-garp');
    const firstAt = first.delay ?? 0;
    expect(firstAt).toBeGreaterThan(late.run.migrations[0]!.portReadyAfter);
    expect(late.after).toBeGreaterThanOrEqual(firstAt);
    expect(late.after).toBeLessThanOrEqual(firstAt + interval + 1 * MS);
  });
});
