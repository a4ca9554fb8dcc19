/**
 * `emulate` on this machine's kernel (root and namespaces, as CI runs): example scenarios the kernel
 * can run, each made shorter and loop-free so the suite stays short (one spine and no spanning tree;
 * the move at 3.4 s, which falls between the packets of every flow; a run of a few seconds), give
 * black holes that match the simulation of the same file within the tolerance the README states
 * (src/emulate/compare.ts): no announcement, the guest's GARP, QEMU's announce rounds (RARP, GARP and
 * NA), the controller's push, and migration-replug (a one-bridge lab) with its variants: a re-plug whose
 * arp_notify GARP the Linux bridge drops, a resume with a delayed GARP, and a re-plug onto a port ready
 * 1 s late; and a black hole not repaired by the end (no announcement, 300 s ageing), which both
 * sides report as not repaired, and so agree; a flow that stops before the move by its own stop
 * is reported as stopped before it, not as not repaired. After each,
 * nothing of the run is left: no namespace with its prefix, no run record; and a run killed with
 * SIGKILL (no handler runs) leaves its namespaces and tcpdump processes, which `emulate --cleanup`
 * removes, while SIGTERM removes them itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze/index.js';
import type { EmulationResult } from '../../src/emulate/index.js';
import { DIRECTIONS, RECORD_DIR, processStart, compareRuns, emulateScenario, emulationText, mapProfile, planLab, scenarioIssues, toleranceMs } from '../../src/emulate/index.js';
import { runScenarioRun } from '../../src/run/index.js';
import type { Scenario } from '../../src/scenario/index.js';
import { applyOverrides, buildModel, loadScenario, parseOverride } from '../../src/scenario/index.js';
import { openCapture } from '../../src/wire/index.js';
import { namespaceNames } from '../helpers/namespaces.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'arpshift-emulate-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Short and loop-free: one spine (a tree), no spanning tree to wait for, the move at 3.4 s. */
const SHORT = ['fabric.spines=1', 'fabric.bridging=none', 'migrations.0.at=3.4s'];

/**
 * migration-replug (a one-bridge lab, kind single) shortened: the move at 3.45 s, between two pings;
 * the gateway's entry REACHABLE for 5-15 ms and DELAY 1 s, so its probe train repeats every 1.1 s
 * locked to the pings (the kernel's REACHABLE draw, which the simulation cannot share, spans 10 ms
 * rather than 30 s).
 */
function replug(overrides: readonly string[]): Scenario {
  const file = 'migration-replug.yaml';
  const all = ['migrations.0.at=3.45s', 'gateway.sysctls.base_reachable_time_ms=10', 'gateway.sysctls.delay_first_probe_time=1', ...overrides];
  return loadScenario(applyOverrides(readFileSync(join(SCENARIOS, file), 'utf8'), all.map(parseOverride)), file);
}
/** Explicit MACs for migration-replug. */
const VM_MAC = '02:42:c6:12:00:0a';
const GW_MAC = '02:42:c6:12:00:01';

function scenario(file: string, overrides: readonly string[]): Scenario {
  const text = applyOverrides(readFileSync(join(SCENARIOS, file), 'utf8'), [...SHORT, ...overrides].map(parseOverride));
  return loadScenario(text, file);
}

/** Whether the process runs (a zombie, reparented to an init that does not reap, has ended). */
function alive(pid: number): boolean {
  return processStart(pid) !== null;
}

function records(): string[] {
  return existsSync(RECORD_DIR) ? readdirSync(RECORD_DIR) : [];
}

/**
 * Emulates run `run` of `s` (each migration as the scenario says), checks that nothing is left, and
 * returns the result and the simulation of the same run.
 */
async function emulateAndSimulate(s: Scenario, keepCaptures?: string, run = 0): Promise<{ emulated: EmulationResult; simulated: ReturnType<typeof runScenarioRun>['result'] }> {
  let prefix = '';
  const emulated = await emulateScenario(s, { run: s.runs[run]!, onLab: (p) => { prefix = p; }, ...(keepCaptures === undefined ? {} : { keepCaptures }) });
  expect(prefix).not.toBe('');
  expect(namespaceNames().filter((n) => n.startsWith(prefix))).toEqual([]);
  expect(records().filter((r) => r.startsWith(prefix))).toEqual([]);
  return { emulated, simulated: runScenarioRun(s, run).result };
}

/** Every direction both sides measured agrees within the tolerance; returns the rows. */
function expectAgreement(s: Scenario, emulated: EmulationResult, simulated: ReturnType<typeof runScenarioRun>['result'], run = 0) {
  const model = buildModel(s, s.runs[run]!, s.runs[run]!.seed);
  const rows = compareRuns(emulated.runs[0]!, simulated, model);
  // Every direction the simulation measures is measured on the kernels too.
  const simulatedDirections = DIRECTIONS.filter((d) => simulated.migrations[0]!.blackHoleMs[d] !== null);
  expect(rows.map((r) => r.direction)).toEqual(simulatedDirections);
  // A pause that took effect late (a busy host) shortens the black hole by as much; it must still
  // have taken effect before the resume, or the move was not emulated at all.
  const late = emulated.runs[0]!.migrations[0]!.pauseLateMs ?? 0;
  expect(late).toBeLessThan(s.runs[0]!.migrations[0]!.schedule.downtime / 1e6);
  for (const r of rows) {
    const rate = s.traffic.find((t) => t.name === r.flow)!.rate;
    expect(Math.abs(r.emulatedMs - r.simulatedMs), `${r.direction} on ${r.flow}: emulated ${r.emulatedMs} ms, simulated ${r.simulatedMs} ms, pause ${late} ms late`)
      .toBeLessThanOrEqual(toleranceMs(1000 / rate, r.simulatedMs) + late);
  }
  return rows;
}

describe('what the kernel here cannot do is refused, what it can is planned', () => {
  it('refusals name what is missing; non-Linux profiles are mapped or refused', () => {
    const spb = loadScenario(readFileSync(join(SCENARIOS, 'migration-spb.yaml'), 'utf8'), 'migration-spb.yaml');
    expect(scenarioIssues(spb, spb.runs[0]!).join('\n')).toMatch(/spb: the Linux bridge has no shortest-path bridging/);
    const pair = loadScenario(readFileSync(join(SCENARIOS, 'migration-gateway-pair.yaml'), 'utf8'), 'migration-gateway-pair.yaml');
    expect(scenarioIssues(pair, pair.runs[0]!).join('\n')).toMatch(/gateway.placement pair/);
    // cisco-ios: entries REACHABLE for at least half its 4 h ARP timeout, so a 2 h scenario is the limit.
    expect(mapProfile('cisco-ios', undefined, 60e9)).toEqual({ profile: 'cisco-ios', reachableMs: 14_400_000, router: true });
    expect(mapProfile('cisco-ios', undefined, 7_300e9)).toMatch(/longer than the half/);
    expect(mapProfile('windows', undefined, 60e9)).toMatch(/no Linux equivalent/);
    expect(mapProfile('linux-router', undefined, 60e9)).toEqual({ profile: 'linux-router', reachableMs: null, router: true });
    // Only benchmarking and documentation space.
    const elsewhere = scenario('migration-rarp.yaml', ['subnet.ipv4=10.1.0.0/24']);
    expect(scenarioIssues(elsewhere, elsewhere.runs[0]!)).toEqual(['subnet.ipv4 10.1.0.0/24: emulate uses only addresses in 198.18.0.0/15']);
    expect(scenarioIssues(scenario('migration-rarp.yaml', []), scenario('migration-rarp.yaml', []).runs[0]!)).toEqual([]);
  });

  // The switch-security remedies act on what the lab does not build (a DHCP server, snooping
  // bindings, checking switches): each variant that uses one is refused, naming it.
  it.each([
    ['security-dhcp-snooping.yaml', 'guest-renew'],
    ['security-dhcp-snooping.yaml', 'binding-sync'],
    ['security-dhcp-snooping.yaml', 'leasequery'],
    ['security-source-guard.yaml', 'vswitch-enforcement'],
  ])('%s: the run with remedy %s is refused, naming it', (file, kind) => {
    const s = loadScenario(readFileSync(join(SCENARIOS, file), 'utf8'), file);
    const runs = s.runs.filter((r) => r.migrations.some((m) => m.remedies.some((x) => x.kind === kind)));
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      const vms = [...new Set(run.migrations.filter((m) => m.remedies.some((x) => x.kind === kind)).map((m) => m.vm))];
      for (const vm of vms) expect(scenarioIssues(s, run)).toContain(`migration of ${vm}: remedy ${kind} is not emulated (none, guest-garp, guest-na, rarp, qemu-announce and controller are)`);
    }
    // The runs without it are not refused for it.
    for (const run of s.runs.filter((r) => !runs.includes(r))) expect(scenarioIssues(s, run).join('\n')).not.toContain(`remedy ${kind}`);
  });

  // What the lab does not build is refused rather than left out: a DHCP server, checking switches,
  // the second host of an address contention.
  it.each([
    ['security-dhcp-snooping.yaml', /^dhcp: DHCP is not emulated/m],
    ['security-port-security.yaml', /^security: switch security features are not emulated/m],
    ['contention-clone.yaml', /^contention: second hosts claiming a VM's addresses are not emulated/m],
  ])('%s is refused, naming the section', (file, line) => {
    const s = loadScenario(readFileSync(join(SCENARIOS, file), 'utf8'), file);
    for (const run of s.runs.filter((r) => r.security !== null || !file.startsWith('security-port'))) expect(scenarioIssues(s, run).join('\n')).toMatch(line);
  });

  it('a variant without switch security is not refused for it', () => {
    const s = loadScenario(readFileSync(join(SCENARIOS, 'contention-clone.yaml'), 'utf8'), 'contention-clone.yaml');
    const plain = s.runs.filter((r) => r.security === null);
    expect(plain.length).toBeGreaterThan(0);
    for (const run of plain) expect(scenarioIssues(s, run).join('\n')).not.toMatch(/^security:/m);
    for (const run of s.runs.filter((r) => r.security !== null)) expect(scenarioIssues(s, run).join('\n')).toMatch(/^security:/m);
  });

  it('a re-plug is emulated on a linux-bridge virtual switch only, and for IPv4-only VMs; a resume onto any kind runs', () => {
    for (const kind of ['ovs', 'vendor']) {
      const s = replug([`hypervisors.vswitch=${kind}`]);
      // The re-plug runs (replug, replug-late-port) are refused, the resume one (resume-garp) is not.
      expect(s.runs.map((r) => scenarioIssues(s, r))).toEqual([
        [`migration of vm-1: a re-plug (guestLink replug) onto a virtual switch of kind ${kind} is not emulated: its port takes the guest's frames before its link-up, which a Linux bridge port on a veth cannot reproduce (only hypervisors.vswitch linux-bridge is)`],
        [],
        [`migration of vm-1: a re-plug (guestLink replug) onto a virtual switch of kind ${kind} is not emulated: its port takes the guest's frames before its link-up, which a Linux bridge port on a veth cannot reproduce (only hypervisors.vswitch linux-bridge is)`],
      ]);
    }
    const linux = replug([]);
    expect(linux.runs.map((r) => scenarioIssues(linux, r))).toEqual([[], [], []]);
    const dual = replug(['subnet.ipv6=2001:db8:12::/64']);
    expect(scenarioIssues(dual, dual.runs[0]!).join('\n')).toMatch(/^migration of vm-1: a re-plug \(guestLink replug\) of a VM with IPv6 addresses is not emulated/);
    expect(scenarioIssues(dual, dual.runs[1]!)).toEqual([]);
  });

  it('a one-bridge lab (kind single) with explicit MACs: one switch namespace, the scenario\'s MACs and sysctls on the interfaces', () => {
    const s = replug([`hosts.0.mac=${VM_MAC}`, `gateway.mac=${GW_MAC}`, 'hosts.0.sysctls.echo_ignore_all=1', 'subnet.ipv6=2001:db8:12::/64']);
    const model = buildModel(s, s.runs[0]!, s.runs[0]!.seed);
    const plan = planLab(s, model);
    // The hypervisors' namespace, switch-1's, the gateway's and vm-1's.
    expect(plan.namespaces).toEqual(['hv', 's1', 'g1', 'h1']);
    expect(plan.bridges.map((b) => b.node)).toEqual(['switch-1', 'hv-1', 'hv-2']);
    const vm = plan.hosts.find((h) => h.node === 'vm-1')!;
    const gw = plan.hosts.find((h) => h.kind === 'gateway')!;
    expect([vm.mac, gw.mac]).toEqual([VM_MAC, GW_MAC]);
    // The veth ends in the guest's and the gateway's namespaces carry them.
    expect(plan.links.filter((l) => l.a.ns === 'h1' || l.a.ns === 'g1').map((l) => l.a.mac).sort()).toEqual([GW_MAC, VM_MAC].sort());
    expect(vm.sysctls).toMatchObject({ 'net.ipv4.icmp_echo_ignore_all': 1, 'net.ipv6.icmp.echo_ignore_all': 1, 'net.ipv4.conf.eth0.arp_notify': 1 });
  });

  it('the plan has a namespace per switch and node, interface names the kernel takes, and the scenario\'s MACs', () => {
    const s = scenario('migration-controller.yaml', []);
    const model = buildModel(s, s.runs[0]!, s.runs[0]!.seed);
    const plan = planLab(s, model);
    const hosts = [...model.layout.hosts()];
    expect(plan.namespaces.length).toBe(1 + model.layout.switches.length + model.layout.gateways.length + hosts.length);
    expect(plan.links.flatMap((l) => [l.a.ifname, l.b.ifname]).every((n) => n.length <= 15)).toBe(true);
    for (const h of hosts) expect(plan.hosts.find((p) => p.node === h.name)?.mac).toBe(h.mac);
    // A linux-router gateway forwards.
    expect(plan.hosts.find((h) => h.kind === 'gateway')!.sysctls['net.ipv4.ip_forward']).toBe(1);
  });
});

describe('the command line', () => {
  function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('a scenario the kernel cannot run is refused in one line, exit 2, before anything is made', async () => {
    const before = records();
    const r = await cli(['emulate', join(SCENARIOS, 'migration-spb.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^arpshift: cannot emulate migration-spb: fabric.bridging spb: the Linux bridge has no shortest-path bridging/);
    // No run was started: no record was ever written.
    expect(records()).toEqual(before);
  });

  it.each([
    ['security-dhcp-snooping.yaml', 'guest-renew'],
    ['security-dhcp-snooping.yaml', 'binding-sync'],
    ['security-dhcp-snooping.yaml', 'leasequery'],
    ['security-source-guard.yaml', 'vswitch-enforcement'],
  ])('%s with remedy %s is refused in one line, exit 2, before anything is made', async (file, kind) => {
    const before = records();
    const r = await cli(['emulate', join(SCENARIOS, file)]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^arpshift: cannot emulate /);
    expect(r.stderr).toContain(`: remedy ${kind} is not emulated`);
    expect(records()).toEqual(before);
  });

  it('a re-plug onto an Open vSwitch is refused in one line, exit 2', async () => {
    const r = await cli(['emulate', join(SCENARIOS, 'migration-replug.yaml'), '--set', 'hypervisors.vswitch=ovs']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^arpshift: cannot emulate migration-replug: migration of vm-1: a re-plug \(guestLink replug\) onto a virtual switch of kind ovs is not emulated/);
  });

  it('without root: refused in one line, exit 2', async () => {
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'emulate', join(SCENARIOS, 'migration-none.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toBe('arpshift: network namespaces need root (run as root, or with CAP_SYS_ADMIN and CAP_NET_ADMIN)\n');
  });

  it('--cleanup takes no scenario (usage, exit 2)', async () => {
    const r = await cli(['emulate', '--cleanup', join(SCENARIOS, 'migration-none.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('arpshift: --cleanup takes no scenario and no other option\n');
  });
});

describe('emulated migrations match the simulation of the same file', () => {
  it('no announcement (migration-none, 5 s MAC ageing): the black hole lasts until the switches forget', async () => {
    const s = scenario('migration-none.yaml', ['fabric.macAgingTime=5s', 'duration=9s']);
    const { emulated, simulated } = await emulateAndSimulate(s);
    const rows = expectAgreement(s, emulated, simulated);
    // The switches last heard vm-2 at the gateway's first ARP (~1 s); with 5 s ageing it is long.
    expect(rows[0]!.emulatedMs).toBeGreaterThan(1000);
  });

  it('not repaired by the end (migration-none, the switches\' 300 s ageing): "not repaired" on both sides, which agree; one side repaired differs', async () => {
    const s = scenario('migration-none.yaml', ['duration=6s']);
    const m = s.runs[0]!.migrations[0]!;
    const { emulated, simulated } = await emulateAndSimulate(s);
    // The premise, from the simulation: nothing re-teaches the switches before they age out.
    expect(simulated.migrations[0]!.repaired.gatewayToVm).toBe(false);
    const em = emulated.runs[0]!.migrations[0]!;
    expect(em.repaired.gatewayToVm).toBe(false);
    // It runs from the last packet before the pause (later by as much as the pause took effect late) to the end of the run.
    const interval = 1000 / s.traffic.find((t) => t.name === em.measuredFlows.gatewayToVm)!.rate;
    const late = em.pauseLateMs ?? 0;
    expect(em.blackHoleMs.gatewayToVm!).toBeGreaterThanOrEqual((s.duration - m.schedule.pauseAt) / 1e6 - late - 1);
    expect(em.blackHoleMs.gatewayToVm!).toBeLessThanOrEqual((s.duration - m.schedule.pauseAt) / 1e6 + interval + 1);
    expect(em.afterResumeMs.gatewayToVm!).toBeCloseTo((s.duration - m.schedule.resumeAt) / 1e6, 0);
    const model = buildModel(s, s.runs[0]!, s.runs[0]!.seed);
    const rows = compareRuns(emulated.runs[0]!, simulated, model);
    expect(rows.map((r) => [r.direction, r.emulatedRepaired, r.simulatedRepaired, r.withinTolerance])).toEqual([['gatewayToVm', false, false, true]]);
    // Read as the command prints it: ">" before each time, and what it means.
    const text = emulationText(emulated, [rows]);
    expect(text).toContain(`>${em.blackHoleMs.gatewayToVm!.toFixed(1)}`);
    expect(text).toContain(`>${simulated.migrations[0]!.blackHoleMs.gatewayToVm!.toFixed(1)}`);
    expect(text).toMatch(/agrees\n">" = not repaired by the end of the run/);
    const line = emulationText(emulated).split('\n').find((l) => l.includes('gateway→vm'))!;
    expect(line.split(/\s+/).slice(-3)).toEqual([`>${em.blackHoleMs.gatewayToVm!.toFixed(1)}`, `>${em.afterResumeMs.gatewayToVm!.toFixed(1)}`, em.capturedAt.gatewayToVm]);
    // Repaired on one side only: they differ, whatever the lengths.
    const repairedRun = { ...emulated.runs[0]!, migrations: [{ ...em, repaired: { ...em.repaired, gatewayToVm: true } }] };
    const one = compareRuns(repairedRun, simulated, model);
    expect(one.map((r) => [r.emulatedRepaired, r.simulatedRepaired, r.withinTolerance])).toEqual([[true, false, false]]);
    expect(emulationText({ ...emulated, runs: [repairedRun] }, [one])).toContain('DIFFERS');
  });

  it('guest GARP (migration-guest-garp): both the gateway\'s stream and the peer\'s pings', async () => {
    const s = scenario('migration-guest-garp.yaml', ['duration=6s']);
    const { emulated, simulated } = await emulateAndSimulate(s);
    expectAgreement(s, emulated, simulated);
    const garp = s.remedies[0]!;
    // Every GARP the remedy sends reaches the gateway.
    expect(emulated.runs[0]!.arp.gratuitous).toBe(garp.kind === 'guest-garp' ? garp.count : -1);
  });

  it('a flow that stops before the move by its own settings (the gateway\'s stream, at 2.2 s): stopped before the move, not "not repaired"; the peer\'s pings, cut at their packet count after the move, are measured', async () => {
    const pings = 9;
    const s = scenario('migration-guest-garp.yaml', ['duration=6s', 'traffic.0.stop=2.2s', `traffic.1.packets=${pings}`]);
    const [stream, peer] = [s.traffic[0]!, s.traffic[1]!];
    const start = s.runs[0]!.migrations[0]!.schedule.start;
    // The premises: the stream's last datagram leaves before the migration starts; the last ping after it ends.
    expect(stream.stop).toBeLessThan(start);
    expect(peer.start + (pings - 1) * (1e9 / peer.rate)).toBeGreaterThan(s.runs[0]!.migrations[0]!.schedule.resumeAt + 1e9);
    expect(peer.start + pings * (1e9 / peer.rate)).toBeLessThan(s.duration);
    const { emulated, simulated } = await emulateAndSimulate(s);
    // The simulation has nothing of the move to measure on the stream.
    expect(simulated.migrations[0]!.blackHoleMs.gatewayToVm).toBeNull();
    const run = emulated.runs[0]!;
    // The pings stop at their count, as the simulation's do (before the run's end).
    expect(run.flows.filter((f) => f.flow === peer.name).map((f) => f.sent)).toEqual([pings]);
    const em = run.migrations[0]!;
    expect(em.measuredFlows.gatewayToVm).toBe(stream.name);
    expect(em.stoppedBeforeMove).toEqual({ gatewayToVm: true, vmToGateway: null, peerToVm: false });
    expect([em.blackHoleMs.gatewayToVm, em.afterResumeMs.gatewayToVm, em.repaired.gatewayToVm]).toEqual([null, null, null]);
    // The peer's pings go on through the move and are measured, and agree with the simulation.
    expect(em.repaired.peerToVm).toBe(true);
    expectAgreement(s, emulated, simulated);
    const text = emulationText(emulated);
    expect(text).toContain(`${stream.name} (gateway→vm) stopped before vm-2's move, by its own stop or packet count: nothing to measure`);
    expect(text).not.toContain('not repaired');
    const row = text.split('\n').find((l) => l.includes('gateway→vm') && !l.includes('stopped'))!;
    expect(row.split(/\s+/).slice(-3)).toEqual(['-', '-', em.capturedAt.gatewayToVm]);
  });

  it('QEMU announce (migration-qemu-announce, dual stack): five rounds of RARP, GARP and NA', async () => {
    const s = scenario('migration-qemu-announce.yaml', ['migrations.0.timing.precopy=0s', 'duration=6s']);
    const { emulated, simulated } = await emulateAndSimulate(s);
    expectAgreement(s, emulated, simulated);
    const r = s.remedies[0]!;
    const rounds = r.kind === 'qemu-announce' ? r.rounds : -1;
    expect(emulated.runs[0]!.arp.rarp).toBe(rounds);
    expect(emulated.runs[0]!.arp.gratuitous).toBe(rounds);
    expect(emulated.runs[0]!.nd.unsolicitedNa).toBe(rounds);
  });

  it('controller push (migration-controller, no push lost): the gateway\'s table and every bridge written over netlink', async () => {
    const s = scenario('migration-controller.yaml', ['remedies.0.lossRate=0', 'duration=6s']);
    const { emulated, simulated } = await emulateAndSimulate(s);
    expectAgreement(s, emulated, simulated);
  });

  // The file's port forwards 200 ms after the plug (portReadyAfter): a push sooner than that sends
  // its one request into a port that drops it, on the kernels as in the simulation; 300 ms here.
  it('controller with the agent\'s semantics and no switch push: the gateway\'s broadcast request at the push draws the VM\'s reply, which re-teaches the bridges', async () => {
    const s = scenario('migration-controller.yaml', ['remedies.0.lossRate=0', 'remedies.0.pushFdb=false', 'remedies.0.neighborUpdate=agent', 'remedies.0.latency=300ms', 'duration=6s']);
    const { emulated, simulated } = await emulateAndSimulate(s);
    const rows = expectAgreement(s, emulated, simulated);
    expect(emulated.runs[0]!.warnings.filter((w) => w.includes('re-resolution'))).toEqual([]);
    // Without the request the bridges would point at the old port until their 300 s ageing: the
    // black hole ends about the push's latency after the resume instead.
    const m = s.runs[0]!.migrations[0]!;
    const r = s.remedies[0]!;
    const latencyMs = r.kind === 'controller' ? r.latency / 1e6 : NaN;
    expect(emulated.runs[0]!.migrations[0]!.repaired.gatewayToVm).toBe(true);
    expect(rows[0]!.emulatedMs).toBeLessThan(m.schedule.downtime / 1e6 + latencyMs + 200);
  });

  it('migration-replug, re-plug: the arp_notify GARP leaves the guest and is dropped at the Linux bridge\'s port; the gateway\'s probe train repairs the move', async () => {
    const caps = join(work, 'replug');
    const s = replug(['duration=9s', `hosts.0.mac=${VM_MAC}`, `gateway.mac=${GW_MAC}`]);
    const { emulated, simulated } = await emulateAndSimulate(s, caps);
    // The scenario's guestLink chose the mechanism.
    expect(emulated.runs[0]!.mechanisms).toEqual(['re-plug']);
    const rows = expectAgreement(s, emulated, simulated);
    // Measured at the receive-only VM (its tap), by the echo requests that reach it.
    expect(emulated.runs[0]!.migrations[0]!.capturedAt.gatewayToVm).toBe('vm-1');
    // Nothing announced the move: it lasts at least the three unicast probes lost at the old port,
    // 1 s apart (ucast_solicit 3, retrans_time 1 s: Linux's defaults, net/ipv4/arp.c arp_tbl).
    expect(rows[0]!.emulatedMs).toBeGreaterThan(3 * 1000);
    const reader = openCapture(join(caps, 'vm-1.pcap'));
    const sources = new Set<string>();
    try {
      // ARP frames (EtherType 0x0806): the gateway's requests and probes, the VM's replies and GARP.
      for (const r of reader) if (r.data[12] === 0x08 && r.data[13] === 0x06) sources.add([...r.data.subarray(6, 12)].map((b) => b.toString(16).padStart(2, '0')).join(':'));
    } finally {
      reader.close();
    }
    // The scenario's explicit MACs are the kernels' (the VM's and the gateway's ARP at the tap).
    expect([...sources].sort()).toEqual([GW_MAC, VM_MAC].sort());
    const tap = openCapture(join(caps, 'vm-1.pcap'));
    try {
      // arp_notify's one GARP at the link-up, seen at the tap, never at the gateway.
      expect(analyzeCapture(tap, { name: 'vm-1.pcap' }).runs[0]!.arp.gratuitous).toBe(1);
    } finally {
      tap.close();
    }
    expect(emulated.runs[0]!.arp.gratuitous).toBe(0);
  });

  it('migration-replug\'s variants: a resume with a GARP 100 ms later, and a re-plug onto a port ready 1 s late', async () => {
    const s = replug(['duration=6s']);
    for (const [run, mechanism] of [[1, 'qemu'], [2, 're-plug']] as const) {
      const { emulated, simulated } = await emulateAndSimulate(s, undefined, run);
      expect(emulated.runs[0]!.name).toBe(s.runs[run]!.name);
      expect(emulated.runs[0]!.mechanisms).toEqual([mechanism]);
      expectAgreement(s, emulated, simulated, run);
      // Every GARP of the remedy reaches the gateway (the late port's three all come after it is ready).
      const garp = s.runs[run]!.migrations[0]!.remedies[0]!;
      expect(emulated.runs[0]!.arp.gratuitous).toBe(garp.kind === 'guest-garp' ? garp.count : -1);
    }
  });
});

describe('nothing is left behind', () => {
  /** Starts the CLI on a short scenario and resolves with its record once its captures run. */
  async function startRun(): Promise<{ child: ReturnType<typeof spawn>; prefix: string; namespaces: string[]; processes: number[] }> {
    const before = new Set(records());
    const child = spawn(process.execPath, [CLI, 'emulate', join(SCENARIOS, 'migration-guest-garp.yaml'), ...[...SHORT, 'duration=30s'].flatMap((o) => ['--set', o]), '--quiet'], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const file = records().find((r) => !before.has(r) && r.endsWith('.json'));
      if (file !== undefined) {
        const data = JSON.parse(readFileSync(join(RECORD_DIR, file), 'utf8')) as { prefix: string; owner: { pid: number }; namespaces: string[]; processes: Array<{ pid: number }> };
        // Set-up is over once the captures (one per capture point: gateway, vm-2, vm-5) run.
        if (data.owner.pid === child.pid && data.processes.length >= 3) {
          await new Promise((r) => setTimeout(r, 300));
          return { child, prefix: data.prefix, namespaces: data.namespaces, processes: data.processes.map((p) => p.pid) };
        }
      }
      if (Date.now() > deadline) throw new Error('the run did not finish its set-up in 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('SIGKILL leaves the namespaces and captures; emulate --cleanup removes exactly those', async () => {
    const run = await startRun();
    const exited = new Promise((r) => run.child.once('exit', r));
    run.child.kill('SIGKILL');
    await exited;
    // What the killed run made is still there: a test that could not fail otherwise.
    expect(namespaceNames().filter((n) => n.startsWith(run.prefix)).sort()).toEqual([...run.namespaces].sort());
    expect(run.processes.some(alive)).toBe(true);
    const cleanup = spawn(process.execPath, [CLI, 'emulate', '--cleanup', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cleanup.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise((r) => cleanup.once('exit', r));
    expect(code).toBe(0);
    const report = JSON.parse(out) as { runs: string[]; namespaces: string[] };
    expect(report.runs).toContain(run.prefix);
    expect(report.namespaces.filter((n) => n.startsWith(run.prefix)).sort()).toEqual([...run.namespaces].sort());
    // Only names of runs recorded: every namespace removed carries a recorded run's prefix.
    expect(report.namespaces.every((n) => report.runs.some((p) => n.startsWith(`${p}-`)))).toBe(true);
    expect(namespaceNames().filter((n) => n.startsWith(run.prefix))).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(run.processes.filter(alive)).toEqual([]);
    expect(records().filter((r) => r.startsWith(run.prefix))).toEqual([]);
  });

  it('SIGTERM: the run removes everything itself', async () => {
    const run = await startRun();
    const exited = new Promise((r) => run.child.once('exit', (_code, signal) => r(signal)));
    run.child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(namespaceNames().filter((n) => n.startsWith(run.prefix))).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(run.processes.filter(alive)).toEqual([]);
    expect(records().filter((r) => r.startsWith(run.prefix))).toEqual([]);
  });
});
