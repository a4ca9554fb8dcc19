/**
 * What the example scenarios of the security features show, checked against facts with primary
 * sources (Cisco Catalyst IOS Security Configuration Guide defaults: port security, DAI's 15 pps over
 * a 1 s burst interval, errdisable recovery 300 s; RFC 6620 and RFC 7513 constants; QEMU's announce
 * schedule, net/announce.c) and the scenarios' own parameters: every expected value is computed from
 * the scenario (its migrations' schedules, its remedies, its rates, its security settings) or
 * observed on the trace, never pasted from a run.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultJson } from '../../src/report/index.js';
import type { RunResult } from '../../src/run/index.js';
import { runModel, runScenario } from '../../src/run/index.js';
import type { Scenario } from '../../src/scenario/index.js';
import { buildModel, loadScenarioFile, scenarioLayout } from '../../src/scenario/index.js';
import { ARP_INSPECTION_DEFAULTS, ERR_DISABLE_DEFAULTS, FCFS_SAVI, SAVI_DHCP } from '../../src/security/index.js';
import { qemuAnnounceTimes } from '../../src/migration/index.js';
import type { Model } from '../../src/scenario/index.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const load = (file: string): Scenario => loadScenarioFile(join(SCENARIOS, file));

/** Builds run `name` of `s`, lets `watch` subscribe, runs it. */
function runOf(s: Scenario, name: string, watch: (m: Model) => void = () => {}): { model: Model; result: RunResult } {
  const spec = s.runs.find((r) => r.name === name)!;
  const model = buildModel(s, spec);
  watch(model);
  return { model, result: runModel(model) };
}

describe('DAI: four Linux guests resuming within one second behind one untrusted hypervisor port', () => {
  const s = load('security-arp-inspection.yaml');
  const dai = s.security!.arpInspection!;
  const limit = dai.rateLimit! * (dai.burstInterval / 1e9);
  const interval = s.security!.errDisableRecovery.interval;
  const arrivals: number[] = [];
  let port = '';
  const { model, result } = runOf(s, 'rate-limited', (m) => {
    const hv = m.hypervisors.get(s.migrations[0]!.to)!;
    port = hv.uplink.peer!.name;
    m.kernel.trace.on('frame-received', (e) => { if (e.port === port && e.frame.eth.etherType === 0x0806) arrivals.push(e.time); });
  });
  const sec = result.security!;

  it('uses the IOS defaults: 15 ARP/s over a 1 s burst interval, recovery after 300 s', () => {
    expect(dai.rateLimit).toBe(ARP_INSPECTION_DEFAULTS.rateLimit);
    expect(dai.burstInterval).toBe(ARP_INSPECTION_DEFAULTS.burstInterval);
    expect(interval).toBe(ERR_DISABLE_DEFAULTS.interval);
  });

  it('their gratuitous ARPs (one per QEMU round each: QEMU net/announce.c, virtio-net GUEST_ANNOUNCE) exceed the limit within one burst interval', () => {
    const resumes = s.migrations.map((m) => m.schedule.resumeAt);
    expect(resumes.length).toBe(4);
    expect(Math.max(...resumes) - Math.min(...resumes)).toBeLessThan(1e9);
    const r = s.remedies[0]!;
    if (r.kind !== 'qemu-announce' || !r.guestAnnounce) throw new Error('the scenario\'s guests announce with QEMU');
    const sends = resumes.flatMap((t) => qemuAnnounceTimes(r.initial, r.max, r.rounds, r.step).map((x) => t + x)).sort((a, b) => a - b);
    expect(sends.filter((t) => t < sends[0]! + dai.burstInterval).length).toBeGreaterThan(limit);
  });

  it(`the ${limit + 1}th ARP to arrive within one burst interval err-disables the port, and every VM behind it but the sender goes dark`, () => {
    expect(sec.errDisabled).toHaveLength(1);
    const d = sec.errDisabled[0]!;
    expect(d.port).toBe(port);
    expect(d.cause).toBe('arp-inspection');
    // The burst interval opens with the first ARP after the previous one closed (the policer's
    // fixed windows); the port goes down at the first ARP beyond the limit in one of them.
    let start = -Infinity;
    let n = 0;
    const over = arrivals.find((t) => {
      if (t - start >= dai.burstInterval) {
        start = t;
        n = 0;
      }
      return ++n > limit;
    });
    expect(d.atS * 1e9).toBe(over);
    expect(over).toBeGreaterThanOrEqual(Math.min(...s.migrations.map((m) => m.schedule.resumeAt)));
    expect(sec.drops['arp-inspection'].byReason['rate-exceeded']).toBe(1);
    // Behind it: the VMs that were on the destination hypervisor, and the four that arrived.
    const layout = scenarioLayout(s);
    const behind = [...layout.hosts()].filter((h) => h.hypervisor === s.migrations[0]!.to || s.migrations.some((m) => m.vm === h.name)).map((h) => h.name);
    expect([...d.vmsBehind].sort()).toEqual(behind.sort());
    expect(d.cutOff).toEqual(d.vmsBehind.filter((v) => v !== d.trigger));
    expect(s.migrations.map((m) => m.vm)).toContain(d.trigger);
    expect(sec.vmsCutOff).toBe(behind.length - 1);
  });

  it('it recovers after the configured interval, and only then are the moved VMs admitted', () => {
    const d = sec.errDisabled[0]!;
    expect(d.recovered).toBe(true);
    expect(d.durationMs).toBe(interval / 1e6);
    const back = d.atS * 1e9 + interval;
    for (const m of sec.migrations) {
      expect(m.admittedMs, m.vm).not.toBeNull();
      expect(m.resumeS * 1e9 + m.admittedMs! * 1e6, m.vm).toBeGreaterThanOrEqual(back);
    }
    // Frames were refused at the disabled port all the while (the gateway's, to the VMs behind it).
    expect(sec.drops['err-disabled'].total).toBeGreaterThan(0);
    expect(model.kernel.now).toBe(s.duration);
  });

  it('no limit on hypervisor ports, or enforcement in the vSwitch: nothing is disabled, every VM is admitted at once', () => {
    for (const name of ['no-limit-on-hypervisor-ports', 'vswitch']) {
      const r = runOf(s, name).result.security!;
      expect(r.errDisabled, name).toEqual([]);
      expect(r.migrations.map((m) => m.admittedMs), name).toEqual(s.migrations.map(() => 0));
    }
  });
});

describe('FCFS SAVI: the moved VM is admitted after TENT_LT, not before (RFC 6620)', () => {
  const s = load('security-fcfs-savi.yaml');
  const savi = s.security!.fcfsSavi!;
  const dadNs: Array<{ time: number; target: string }> = [];
  const sentAt = new Map<string, number[]>();
  const { model, result } = runOf(s, 'fcfs', (m) => {
    const old = m.hypervisors.get(s.migrations[0]!.from)!.uplink;
    m.kernel.trace.on('frame-received', (e) => {
      const p = e.frame.eth.payload;
      if (e.port === old.name && p.kind === 'ipv6' && p.source === '::' && p.payload.kind === 'icmpv6' && p.payload.type === 'ns') dadNs.push({ time: e.time, target: p.payload.targetAddress });
    });
    m.kernel.trace.on('frame-sent', (e) => {
      if (!s.migrations.some((x) => x.vm === e.node)) return;
      sentAt.set(e.node, [...(sentAt.get(e.node) ?? []), e.time]);
    });
  });

  it('uses RFC 6620\'s constants', () => {
    expect([savi.tentLt, savi.tWait, savi.defaultLt]).toEqual([FCFS_SAVI.TENT_LT, FCFS_SAVI.T_WAIT, FCFS_SAVI.DEFAULT_LT]);
  });

  it('each moved VM (same switch, and another switch) is admitted TENT_LT after its first packet, within one packet interval', () => {
    s.migrations.forEach((m, i) => {
      const a = result.security!.migrations[i]!;
      const flow = s.traffic.find((t) => t.from === m.vm)!;
      expect(a.admittedMs, m.vm).not.toBeNull();
      expect(a.admittedMs! * 1e6, m.vm).toBeGreaterThanOrEqual(savi.tentLt);
      expect(a.admittedMs! * 1e6, m.vm).toBeLessThanOrEqual(savi.tentLt + 1e9 / flow.rate);
      // Everything the VM sent from its resume until TENT_LT had passed was refused there.
      const held = sentAt.get(m.vm)!.filter((t) => t >= m.schedule.resumeAt && t < m.schedule.resumeAt + savi.tentLt).length;
      const refused = Object.values(a.refused).reduce((x, y) => x + y, 0);
      expect(refused, m.vm).toBe(held);
    });
  });

  it('the switch probes the old port with two DAD NS for the address, T_WAIT apart', () => {
    const vm = model.hosts.get(s.migrations[0]!.vm)!;
    const address = vm.ipv6[0]!.address;
    const probes = dadNs.filter((d) => d.target === address);
    expect(probes).toHaveLength(2);
    // Two DAD NS, the second T_WAIT after the first (within the same few µs of links).
    expect(Math.abs(probes[1]!.time - probes[0]!.time - savi.tWait)).toBeLessThan(10_000);
    expect(probes[0]!.time).toBeGreaterThanOrEqual(s.migrations[0]!.schedule.resumeAt);
  });

  it('with the controller binding the VM to its new port as it resumes, it is admitted at once', () => {
    const r = runOf(s, 'controller').result.security!;
    expect(r.migrations.map((m) => m.admittedMs)).toEqual([0, 0]);
    expect(r.drops['savi-fcfs'].total).toBe(0);
  });
});

describe('port security: a VM moving within one switch', () => {
  const s = load('security-port-security.yaml');
  const m0 = s.migrations[0]!;
  const layout = scenarioLayout(s);
  const bystanders = [...layout.hosts()].filter((h) => h.hypervisor === m0.to).map((h) => h.name);

  it('shutdown: its first frame at the new port violates rule (b) and err-disables the port; the VMs already there are cut off', () => {
    const { model, result } = runOf(s, 'shutdown');
    const sec = result.security!;
    expect(sec.drops['port-security'].byReason).toEqual({ 'secured-elsewhere': 1 });
    expect(sec.errDisabled).toHaveLength(1);
    const d = sec.errDisabled[0]!;
    expect(d.port).toBe(model.hypervisors.get(m0.to)!.uplink.peer!.name);
    expect(d.cause).toBe('psecure-violation');
    expect(d.trigger).toBe(m0.vm);
    expect(d.cutOff).toEqual(bystanders);
    // Recovery is off by default (IOS): down until the end.
    expect(d.recovered).toBe(false);
    expect(d.durationMs).toBeCloseTo((s.duration - d.atS * 1e9) / 1e6, 3);
    expect(sec.migrations[0]!.admittedMs).toBeNull();
    // A bystander's traffic is lost to the security filter.
    expect(result.flows.find((f) => f.name === 'to-vm-3')!.lost.security).toBeGreaterThan(0);
  });

  it('restrict: only the moved VM is refused, for as long as its MAC stays secured on the old port', () => {
    const sec = runOf(s, 'restrict').result.security!;
    expect(sec.errDisabled).toEqual([]);
    expect(Object.keys(sec.migrations[0]!.refused)).toEqual(['port-security/secured-elsewhere']);
    expect(sec.migrations[0]!.admittedMs).toBeNull();
  });

  it('aging of type inactivity: the old port forgets the MAC agingTime after vm-1 last sent there, and vm-1\'s next frame at the new port is admitted', () => {
    const group = s.runs.find((r) => r.name === 'aging')!.security!.portSecurity![0]!;
    expect(group.agingType).toBe('inactivity');
    let lastSeen = -Infinity;
    const arrivals: number[] = [];
    const { result } = runOf(s, 'aging', (m) => {
      const mac = m.hosts.get(m0.vm)!.mac;
      const oldPort = m.hypervisors.get(m0.from)!.uplink.peer!.name;
      const newPort = m.hypervisors.get(m0.to)!.uplink.peer!.name;
      m.kernel.trace.on('frame-received', (e) => {
        if (e.frame.eth.source !== mac) return;
        if (e.port === oldPort && e.time < m0.schedule.pauseAt) lastSeen = e.time;
        if (e.port === newPort && e.time >= m0.schedule.resumeAt) arrivals.push(e.time);
      });
    });
    const a = result.security!.migrations[0]!;
    const forgotten = lastSeen + group.agingTime;
    expect(forgotten).toBeGreaterThan(m0.schedule.resumeAt);
    const admittedAt = arrivals.find((t) => t >= forgotten)!;
    expect(a.admittedMs).not.toBeNull();
    // Admission is stamped where the frame is first seen, the VM's vSwitch port, a link before the
    // edge port watched here (µs), and rounded to the microsecond.
    expect(Math.abs(m0.schedule.resumeAt + a.admittedMs! * 1e6 - admittedAt)).toBeLessThan(10_000);
    // Every frame that arrived before the MAC aged out was refused by the second rule.
    expect(a.refused).toEqual({ 'port-security/secured-elsewhere': arrivals.filter((t) => t < forgotten).length });
  });

  it('a sticky MAC does not age: with the same aging, vm-1 is refused to the end', () => {
    const group = s.runs.find((r) => r.name === 'sticky')!.security!.portSecurity![0]!;
    expect(group.sticky).toBe(true);
    expect(group.agingTime).toBeGreaterThan(0);
    const a = runOf(s, 'sticky').result.security!.migrations[0]!;
    expect(a.admittedMs).toBeNull();
    expect(Object.keys(a.refused)).toEqual(['port-security/secured-elsewhere']);
  });

  it('the controller clears the source port, but the destination port is full: the first rule (too many MACs) shuts it down', () => {
    const sec = runOf(s, 'controller-clears-full-port').result.security!;
    expect(sec.drops['port-security'].byReason).toEqual({ 'maximum-exceeded': 1 });
    expect(sec.errDisabled.map((d) => [d.trigger, d.cutOff])).toEqual([[m0.vm, bystanders]]);
    expect(sec.migrations[0]!.admittedMs).toBeNull();
  });

  it('the controller clearing the source port before the first GARP, or enforcement in the vSwitch: admitted at once', () => {
    for (const name of ['controller-clears', 'vswitch']) {
      const sec = runOf(s, name).result.security!;
      expect(sec.errDisabled, name).toEqual([]);
      expect(sec.migrations[0]!.admittedMs, name).toBe(0);
    }
  });
});

describe('DHCP snooping and SAVI-DHCP: the bindings stay where the lease was taken', () => {
  it('DAI refuses the VM on the other switch until a remedy gives it a binding; each remedy at its own time', () => {
    const s = load('security-dhcp-snooping.yaml');
    const admitted = (name: string): number | null => runOf(s, name).result.security!.migrations[0]!.admittedMs;
    const renew = s.runs.find((r) => r.name === 'guest-renew')!.remedies.find((r) => r.kind === 'guest-renew')!;
    if (renew.kind !== 'guest-renew') throw new Error('guest-renew');
    const controller = s.runs.find((r) => r.name === 'controller')!.remedies.find((r) => r.kind === 'controller')!;
    if (controller.kind !== 'controller') throw new Error('controller');
    expect(admitted('no-remedy')).toBeNull();
    // The renewal leaves only when the carrier is back.
    expect(admitted('guest-renew')! * 1e6).toBeGreaterThanOrEqual(renew.carrierDown);
    // Synchronised tables: DAI matches IP, MAC and VLAN, so the copy admits at once.
    expect(admitted('binding-sync')).toBe(0);
    // The controller's push lands after its latency.
    expect(admitted('controller')! * 1e6).toBeGreaterThanOrEqual(controller.latency);
    const lq = runOf(s, 'leasequery').result;
    expect(lq.dhcp!.server.leaseQueries).toBe(1);
    expect(lq.security!.migrations[0]!.refused).toEqual({ 'arp-inspection/no-binding': 1 });
  });

  it('SAVI-DHCP: data snooping with a leasequery admits the VM DETECTION_TIMEOUT after its first packet (RFC 7513)', () => {
    const s = load('security-savi-dhcp.yaml');
    const flow = s.traffic[0]!;
    const none = runOf(s, 'no-remedy').result;
    expect(none.security!.migrations[0]!.admittedMs).toBeNull();
    expect(none.dhcp!.bound).toBe(none.dhcp!.clients);
    const lq = runOf(s, 'leasequery').result;
    const a = lq.security!.migrations[0]!.admittedMs!;
    const roundTrip = 1e6;
    expect(a * 1e6).toBeGreaterThanOrEqual(SAVI_DHCP.DETECTION_TIMEOUT);
    expect(a * 1e6).toBeLessThanOrEqual(SAVI_DHCP.DETECTION_TIMEOUT + roundTrip + 2 * (1e9 / flow.rate));
    expect(Object.keys(lq.security!.migrations[0]!.refused)).toEqual(['savi-dhcp/recovering']);
  });
});

describe('IP Source Guard and ND inspection', () => {
  it('IP Source Guard: synchronised bindings carry no port, so they do not admit the VM; the controller\'s push does', () => {
    const s = load('security-source-guard.yaml');
    const sync = runOf(s, 'binding-sync').result.security!.migrations[0]!;
    expect(sync.admittedMs).toBeNull();
    expect(Object.keys(sync.refused)).toEqual(['ip-source-guard/wrong-port']);
    expect(runOf(s, 'no-remedy').result.security!.migrations[0]!.refused).toHaveProperty(['ip-source-guard/no-binding']);
    const c = runOf(s, 'controller').result.security!.migrations[0]!;
    expect(c.admittedMs! * 1e6).toBeGreaterThanOrEqual(50e6);
  });

  it('ND inspection: a fresh binding makes the moved VM\'s NAs theft; probing the old port moves it after the probe timeout', () => {
    const s = load('security-nd-inspection.yaml');
    expect(runOf(s, 'drop').result.security!.migrations[0]!.admittedMs).toBeNull();
    const probe = s.runs.find((r) => r.name === 'probe')!.security!.ndInspection!;
    const p = runOf(s, 'probe').result.security!.migrations[0]!;
    expect(p.admittedMs! * 1e6).toBeGreaterThanOrEqual(probe.probeTimeout);
    expect(p.refused).toEqual({ 'nd-inspection/address-theft': 1 });
  });

  it('RA guard: a VM that is no router moves and nothing it sends is refused; a router VM moved onto a host-role port has every RA refused (RFC 6105)', () => {
    const s = load('security-ra-guard.yaml');
    const router = s.migrations.find((m) => s.hosts.some((g) => g.routerAdvertisements !== undefined && m.vm.startsWith(`${g.name}-`)))!;
    const ras: number[] = [];
    const r = runOf(s, 'security-ra-guard', (m) => {
      m.kernel.trace.on('frame-sent', (e) => {
        const p = e.frame.eth.payload;
        if (e.node === router.vm && p.kind === 'ipv6' && p.payload.kind === 'icmpv6' && p.payload.type === 'ra') ras.push(e.time);
      });
    }).result.security!;
    const ordinary = r.migrations.find((m) => m.vm !== router.vm)!;
    expect(ordinary.admittedMs).toBe(0);
    expect(ordinary.refused).toEqual({});
    // From the router-role port its RAs pass; from the host-role port each one is refused.
    const after = ras.filter((t) => t >= router.schedule.resumeAt).length;
    expect(ras.length).toBeGreaterThan(after);
    expect(after).toBeGreaterThan(0);
    expect(r.drops['ra-guard'].byReason).toEqual({ 'ra-on-host-port': after });
    const moved = r.migrations.find((m) => m.vm === router.vm)!;
    expect(moved.refused).toEqual({ 'ra-guard/ra-on-host-port': after });
  });
});

describe('determinism', () => {
  it('the same scenario and seed give byte-identical JSON, DHCP and security included', () => {
    const s = load('security-dhcp-snooping.yaml');
    const one = { ...s, runs: s.runs.slice(1, 3) };
    expect(resultJson(runScenario(one))).toBe(resultJson(runScenario(one)));
  });
});
