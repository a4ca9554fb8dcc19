/**
 * `arpshift run` as a user runs it (the built dist/cli/main.js): the same scenario and seed give
 * byte-identical JSON and pcap; the pcap is one every frame of which Wireshark decodes cleanly; a bad
 * scenario fails with located errors and leaves no output file behind; --set changes the scenario
 * before validation. And every example scenario runs and gives a result in the documented shape.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { MigrationResult } from '../../src/metrics/index.js';
import { LOSS_CAUSES, MIGRATION_LOSS_KEYS } from '../../src/metrics/index.js';
import type { ScenarioResult } from '../../src/run/index.js';
import { runModel, runScenario } from '../../src/run/index.js';
import { applyOverrides, buildModel, loadScenario, loadScenarioFile, parseOverride } from '../../src/scenario/index.js';
import { SECURITY_FEATURES } from '../../src/security/index.js';
import { formatIpv4 } from '../../src/wire/index.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'run', '--quiet', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GARP = join(SCENARIOS, 'migration-guest-garp.yaml');

/** Waits until `ready()` (polling every 25 ms, up to 30 s: a loaded machine starts node slowly). */
async function waitFor(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1200 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ready()).toBe(true);
}

describe('arpshift run', () => {
  it('the same scenario and seed give byte-identical JSON and pcap; another seed gives another result', () => {
    const outputs = [1, 2].map((i) => {
      const out = join(dir, `same-${i}.json`);
      const pcap = join(dir, `same-${i}.pcap`);
      const r = run(GARP, '--seed', '7', '--json', '--out', out, '--pcap', pcap);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(r.stdout);
      return { json: r.stdout, pcap: readFileSync(pcap) };
    });
    expect(outputs[1]!.json).toBe(outputs[0]!.json);
    expect(Buffer.compare(outputs[1]!.pcap, outputs[0]!.pcap)).toBe(0);
    const other = run(GARP, '--seed', '8', '--json');
    expect(other.status).toBe(0);
    expect(other.stdout).not.toBe(outputs[0]!.json);
    expect((JSON.parse(other.stdout) as ScenarioResult).seed).toBe(8);
  });

  it('writes a pcap of the gateway\'s frames that tshark decodes without a malformed frame or a bad checksum', () => {
    const pcap = join(dir, 'gateway.pcap');
    const r = run(GARP, '--pcap', pcap);
    expect(r.status).toBe(0);
    const frames = tsharkFields(pcap);
    expect(frames.length).toBeGreaterThan(2000); // 50 pps from the gateway for about a minute
    const problems = frames.flatMap((f, i) => tsharkProblems(f).map((p) => `frame ${i + 1}: ${p}`));
    expect(problems).toEqual([]);
    const protocols = new Set(frames.map((f) => f.get('frame.protocols')?.[0]));
    expect(protocols).toContain('eth:ethertype:arp');
    expect(protocols).toContain('eth:ethertype:ip:udp:data');
    // The guest's three gratuitous ARPs reach the gateway.
    const gratuitous = frames.filter((f) => f.get('arp.isgratuitous')?.[0] === '1');
    expect(gratuitous).toHaveLength(3);
  });

  it.each(['dual-stack.yaml', 'migration-anycast.yaml', 'migration-spb.yaml', 'migration-rstp.yaml'])('the pcap of scenarios/%s (IPv6 and ND, anycast, a shortest-path fabric, RSTP) decodes cleanly too', (file) => {
    const pcap = join(dir, `${file}.pcap`);
    const r = run(join(SCENARIOS, file), '--pcap', pcap);
    expect(r.status).toBe(0);
    const frames = tsharkFields(pcap);
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.flatMap((f, i) => tsharkProblems(f).map((p) => `frame ${i + 1}: ${p}`))).toEqual([]);
  });

  it('prints tables people read: the black hole per migration and direction, the messages, the traffic', () => {
    const r = run(GARP);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^migration-guest-garp: 1 run, seed 1, 60 s simulated each, [\d,]+ events\n/);
    expect(r.stdout).toMatch(/gateway→vm +after resume +vm→gateway +peer→vm\n/);
    expect(r.stdout).toMatch(/migration-guest-garp +vm-2 +hv-2 → hv-4 +200 ms +2\d0 ms +\d+ µs +n\/a +1,000 ms\n/);
    expect(r.stdout).toMatch(/Flows measured: gateway→vm = to-vm-2, vm→gateway = none, peer→vm = peer-to-vm-2\./);
    expect(r.stdout).toMatch(/run +vm +lost packets\n.*\nmigration-guest-garp +vm-2 +\d+ downtime\n/);
    expect(r.stdout.split('\n').filter((l) => l.length > 100)).toEqual([]);
  });

  it('a bad scenario fails with its located errors, exit 2, and leaves no output file', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(GARP, 'utf8').replace('to: hv-4', 'to: hv-40').replace('downtime: 200ms', 'downtime: 2min'));
    const out = join(dir, 'bad.json');
    const pcap = join(dir, 'bad.pcap');
    const r = run(bad, '--out', out, '--pcap', pcap);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: .*hv-40/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: .*(downtime|duration)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad.') && f !== 'bad.yaml')).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s ends a run whose every simulated second takes seconds of wall time within one second, exit 130, leaving no file', async (signal) => {
    const sub = join(dir, `interrupted-${signal}`);
    mkdirSync(sub);
    const out = join(sub, 'result.json');
    const pcap = join(sub, 'capture.pcap');
    // 100 s simulated, so a hundredth of it is one second: 1 Mpps, a million packets a step.
    const child = spawn(process.execPath, [CLI, 'run', '--quiet', '--force', GARP, '--set', 'duration=100s', '--set', 'traffic.0.rate=1000000pps', '--out', out, '--pcap', pcap], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The temporaries appear once the signal handlers are in place, just before the run starts.
    await waitFor(() => readdirSync(sub).length === 2);
    await new Promise((r) => setTimeout(r, 1500));
    const sent = performance.now();
    child.kill(signal);
    const code = await exited;
    const took = performance.now() - sent;
    expect(code).toBe(130);
    expect(stderr).toContain(`interrupted (${signal})`);
    expect(took).toBeLessThan(1000);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('an interrupted command of several runs leaves no capture, though its first run was over', async () => {
    const sub = join(dir, 'interrupted-variants');
    mkdirSync(sub);
    const scenario = join(sub, 'two.yaml');
    // Two runs of a busy stream; the capture is at a VM that hears little, so the first run's capture
    // fits the sink's buffer and reaches the temporary file only when that run is over.
    writeFileSync(scenario, `
name: two-runs
duration: 20s
fabric: { kind: leaf-spine, leaves: 2, spines: 1, bridging: rstp }
subnet: { ipv4: 198.18.0.0/24 }
gateway: { placement: core, attach: leaf-1, profile: linux-router }
hypervisors: { count: 2 }
hosts: [{ name: vm, count: 4, on: hypervisors, profile: linux }]
traffic: [{ name: stream, from: gateway, to: vm-1, rate: 20000pps, start: 1s }]
output: { pcap: vm-3 }
variants: [{ name: first }, { name: second }]
`);
    const pcap = join(sub, 'capture.pcap');
    const child = spawn(process.execPath, [CLI, 'run', '--quiet', '--force', scenario, '--pcap', pcap], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const temporary = (): string[] => readdirSync(sub).filter((f) => f.startsWith('.capture.pcap.arpshift-'));
    await waitFor(() => temporary().length === 1 && statSync(join(sub, temporary()[0]!)).size > 0);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(readdirSync(sub)).toEqual(['two.yaml']);
  });

  it('kill -9 leaves nothing under the target names; the next run in that directory removes the stale temporaries', async () => {
    const sub = join(dir, 'killed');
    mkdirSync(sub);
    const args = ['--out', join(sub, 'result.json'), '--pcap', join(sub, 'capture.pcap')];
    const child = spawn(process.execPath, [CLI, 'run', '--quiet', '--force', GARP, '--set', 'duration=100s', '--set', 'traffic.0.rate=1000000pps', ...args], { stdio: 'ignore' });
    const exited = new Promise<unknown>((resolve) => child.on('exit', resolve));
    await waitFor(() => readdirSync(sub).length === 2);
    child.kill('SIGKILL');
    await exited;
    const left = readdirSync(sub).sort();
    expect(left).toHaveLength(2);
    expect(left.every((f) => /^\.(capture\.pcap|result\.json)\.arpshift-\d+-[0-9a-f]+\.tmp$/.test(f))).toBe(true);
    const r = run(GARP, ...args);
    expect(r.status).toBe(0);
    expect(readdirSync(sub).sort()).toEqual(['capture.pcap', 'result.json']);
  });

  it('checks output paths before the run: a missing directory or a directory is refused at once, exit 2', () => {
    const missing = run(GARP, '--out', join(dir, 'nodir', 'x.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^arpshift: --out .*nodir.*x\.json: directory .*nodir: no such file or directory\n$/);
    const directory = run(GARP, '--pcap', dir);
    expect(directory.status).toBe(2);
    expect(directory.stderr).toMatch(/--pcap .*: is a directory/);
  });

  it('/dev/null as --pcap is written to and stays a device; - writes the capture to standard output', () => {
    const r = run(GARP, '--pcap', '/dev/null');
    expect(r.status).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const file = join(dir, 'stdout-compare.pcap');
    expect(run(GARP, '--pcap', file).status).toBe(0);
    const toStdout = spawnSync(process.execPath, [CLI, 'run', '--quiet', GARP, '--pcap', '-'], { maxBuffer: 1 << 28 });
    expect(toStdout.status).toBe(0);
    expect(Buffer.compare(toStdout.stdout, readFileSync(file))).toBe(0);
    const conflict = run(GARP, '--pcap', '-', '--json');
    expect(conflict.status).toBe(2);
  });

  it('--set changes the scenario before validation; a bad --set is a usage error', () => {
    const base = JSON.parse(run(GARP, '--json').stdout) as ScenarioResult;
    const longer = run(GARP, '--json', '--set', 'migrations.0.timing.downtime=1s');
    expect(longer.status).toBe(0);
    const m0 = base.runs[0]!.migrations[0]!;
    const m1 = (JSON.parse(longer.stdout) as ScenarioResult).runs[0]!.migrations[0]!;
    expect(m0.downtimeMs).toBe(200);
    expect(m1.downtimeMs).toBe(1000);
    expect(m1.blackHoleMs.gatewayToVm! - m0.blackHoleMs.gatewayToVm!).toBeCloseTo(800, -1);
    const bad = run(GARP, '--set', 'migrations.0.timing.downtime=forever');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/downtime/);
    const malformed = run(GARP, '--set', 'no-equals-sign');
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/--set/);
  });

  it('a scenario file that cannot be read is one line naming it, exit 1', () => {
    const r = run(join(dir, 'nope.yaml'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`arpshift: ${join(dir, 'nope.yaml')}: no such file or directory\n`);
    const d = run(dir);
    expect(d.status).toBe(1);
    expect(d.stderr).toBe(`arpshift: ${dir}: is a directory, not a scenario file\n`);
  });
});

describe('every example scenario', () => {
  const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml') && f !== 'default-comparison.yaml');
  it.each(files)('scenarios/%s runs and gives one result per run in the documented shape', (file) => {
    const scenario = loadScenarioFile(join(SCENARIOS, file));
    const result = runScenario(scenario);
    expect(Object.keys(result)).toEqual(['scenario', 'seed', 'simulatedSeconds', 'events', 'runs']);
    expect(result.runs.map((r) => r.name)).toEqual(scenario.runs.map((r) => r.name));
    expect(result.events).toBeGreaterThan(0);
    for (const [i, r] of result.runs.entries()) {
      // DHCP, security and contention come only with the sections that make them, after the rest.
      const optional = [
        ...(scenario.dhcp === undefined ? [] : ['dhcp']),
        ...(scenario.runs[i]!.security === null ? [] : ['security']),
        ...(scenario.contention.length === 0 ? [] : ['contention']),
      ];
      expect(Object.keys(r)).toEqual(['name', 'arp', 'nd', 'broadcastFramesReceived', 'broadcastPerHostPeakPps', 'floodedFrames', 'unknownUnicastFloods', 'dadConflicts', 'flows', 'migrations', ...optional]);
      if (r.security !== undefined) {
        expect(Object.keys(r.security)).toEqual(['drops', 'errDisabled', 'vmsCutOff', 'migrations']);
        expect(Object.keys(r.security.drops)).toEqual(SECURITY_FEATURES);
        expect(r.security.migrations.map((m) => m.vm)).toEqual(scenario.runs[i]!.migrations.map((m) => m.vm));
        for (const d of r.security.errDisabled) expect(d.cutOff.every((v) => d.vmsBehind.includes(v) && v !== d.trigger)).toBe(true);
      }
      if (r.contention !== undefined) {
        expect(r.contention.map((k) => k.vm)).toEqual(scenario.contention.map((k) => k.vm));
        for (const k of r.contention) {
          expect(Object.keys(k)).toEqual(['kind', 'claimant', 'vm', 'hypervisor', 'atS', 'addresses', 'detected', 'missedBy', 'gatewayEntryWrongMs', 'packetsToClaimant', 'packetsToVm']);
          // Whoever detected the claim is not among those who missed it.
          for (const d of k.detected) expect(k.missedBy).not.toContain(d.by);
        }
      }
      expect(r.flows.map((f) => f.name)).toEqual(scenario.traffic.map((t) => t.name));
      for (const f of r.flows) {
        expect(Object.keys(f.lost)).toEqual(LOSS_CAUSES);
        const lost = Object.values(f.lost).reduce((a, b) => a + b, 0);
        expect(f.delivered + lost, `${f.name}: every packet sent is delivered or lost with a cause`).toBe(f.sent);
      }
      expect(r.migrations).toHaveLength(scenario.runs[i]!.migrations.length);
      for (const m of r.migrations) {
        expect(Object.keys(m)).toEqual(['vm', 'from', 'to', 'startS', 'downtimeMs', 'measuredFlows', 'blackHoleMs', 'afterResumeMs', 'repaired', 'lostPackets', 'staleMs']);
        expect(Object.keys(m.lostPackets)).toEqual(MIGRATION_LOSS_KEYS);
        for (const d of ['gatewayToVm', 'vmToGateway', 'peerToVm'] as const) {
          const bh = m.blackHoleMs[d];
          if (bh === null) continue;
          // When packets were lost, the black hole includes the downtime; what is left after the resume
          // is the rest of it. (A slow flow may have nothing to send while the VM is paused: 0.)
          if (bh > 0) expect(bh).toBeGreaterThanOrEqual(m.downtimeMs - 1e-3);
          expect(m.afterResumeMs[d]).toBeLessThanOrEqual(bh);
        }
        expect(m.lostPackets['unknown'], `${m.vm}: every lost packet has a cause`).toBe(0);
      }
    }
  });
});

describe('the gateway pair example: a failover 40 s after the move', () => {
  it('is not the VM\'s downtime: the migration counts the packets sent while the VM was paused; the flow counts the failover too', () => {
    const scenario = loadScenarioFile(join(SCENARIOS, 'migration-gateway-pair.yaml'));
    const r = runScenario(scenario).runs[0]!;
    const m = r.migrations[0]!;
    const move = scenario.migrations[0]!;
    const failover = scenario.events.find((e) => e.kind === 'gateway-restart')!;
    expect(failover.at - move.schedule.resumeAt).toBeGreaterThan(30e9);
    // Packets the VM's flows sent during the pause: the 50 pps stream and the 1 pps ping.
    const pausedFor = (move.schedule.resumeAt - move.schedule.pauseAt) / 1e9;
    const during = scenario.traffic.reduce((n, t) => n + t.rate * pausedFor, 0);
    expect(m.lostPackets['downtime']).toBeGreaterThanOrEqual(Math.floor(during));
    expect(m.lostPackets['downtime']).toBeLessThanOrEqual(Math.ceil(during) + 1);
    expect(m.lostPackets['node-down']).toBe(0);
    // The failover's losses are still the flows' own.
    const stream = r.flows.find((f) => f.name === 'to-vm-2')!;
    expect(stream.lost['node-down']).toBeGreaterThan(m.lostPackets['downtime']! + 50);
  });
});

describe('peers that keep sending during a long downtime', () => {
  const storm = (downtime: string): ScenarioResult => runScenario(loadScenario(`
name: storm
duration: 200s
fabric: { kind: leaf-spine, leaves: 2, spines: 1, bridging: rstp }
subnet: { ipv4: 198.18.0.0/24 }
gateway: { placement: core, attach: leaf-1, profile: linux-router }
hypervisors: { count: 4 }
hosts:
  - { name: vm, count: 21, on: hypervisors, profile: linux }
traffic:
  - { name: peers-to-vm-1, from: vm, to: vm-1, rate: 10pps, start: 1s }
migrations:
  - { vm: vm-1, to: hv-3, at: 20s, timing: { downtime: ${downtime} } }
`, 'storm.yaml'));

  it('make the broadcast request storm the metrics show: about one ARP request per peer per second once their entries fail', () => {
    const peers = 20;
    const quiet = storm('300ms').runs[0]!;
    const loud = storm('120s').runs[0]!;
    // Linux: an entry goes STALE within 45 s (1.5 × base_reachable_time), DELAY 5 s, PROBE 3 × 1 s,
    // then every new packet starts a resolution of 3 broadcast requests 1 s apart.
    const stormSeconds = 120 - (45 + 5 + 3);
    expect(loud.arp.requests - quiet.arp.requests).toBeGreaterThan(peers * stormSeconds * 0.8);
    expect(loud.arp.requests - quiet.arp.requests).toBeLessThan(peers * 120 * 1.1);
    // Every request reaches every other station of the segment.
    expect(loud.broadcastFramesReceived - quiet.broadcastFramesReceived).toBeGreaterThan((loud.arp.requests - quiet.arp.requests) * peers * 0.9);
    expect(loud.broadcastPerHostPeakPps).toBeGreaterThanOrEqual(peers * 0.8);
    // The packets queued behind those resolutions die with them.
    expect(loud.migrations[0]!.lostPackets['resolution-failed']).toBeGreaterThan(peers * stormSeconds * 10 * 0.5);
  });
});

describe('the address-conflict example', () => {
  const file = join(SCENARIOS, 'address-conflict.yaml');

  it('a Windows intruder checks both addresses when it comes up (one ARP probe, one DAD NS), finds vm-4 using them and keeps off', () => {
    const r = runScenario(loadScenarioFile(file)).runs[0]!;
    expect(r.dadConflicts).toBe(2);
    expect(r.arp.probes).toBe(1); // vm-4 answers the first probe: RFC 5227 stops at the first conflict
    expect(r.nd.dadNs).toBe(1);
    const contested = r.flows.find((f) => f.name === 'to-contested')!;
    expect(contested.delivered).toBe(contested.sent);
  });

  it('a Linux intruder does not probe for IPv4: after the gateway flushes its table, both hosts answer for 198.18.0.13', () => {
    const text = applyOverrides(readFileSync(file, 'utf8'), [parseOverride('hosts.1.profile=linux')]);
    const scenario = loadScenario(text, file);
    const model = buildModel(scenario);
    const flushAt = scenario.events.find((e) => e.kind === 'flush-neighbors')!.at;
    const answeredBy = new Set<string>();
    model.kernel.trace.on('frame-sent', (e) => {
      const p = e.frame.eth.payload;
      if (model.hosts.has(e.node) && e.time >= flushAt && p.kind === 'arp' && p.operation === 2 && formatIpv4(p.senderProtocolAddress) === '198.18.0.13') answeredBy.add(e.node);
    });
    const r = runModel(model, 'linux-intruder');
    expect(r.arp.probes).toBe(0);
    expect(r.dadConflicts).toBe(1); // IPv6 DAD still runs on Linux
    expect([...answeredBy].sort()).toEqual(['intruder-1', 'vm-4']);
  });
});

describe('one migration during a spine failure, on three fabrics', () => {
  const migration = (fabric: string): MigrationResult =>
    runScenario(loadScenarioFile(join(SCENARIOS, `migration-${fabric}.yaml`))).runs[0]!.migrations[0]!;
  const blackHole = (fabric: string): number => migration(fabric).blackHoleMs.gatewayToVm!;

  it('802.1D: the announcements fall into the re-convergence (up to max age + 2 × forward delay = 50 s); RSTP and the shortest-path fabric repair at the first announcement', () => {
    const stp = blackHole('stp');
    expect(stp).toBeGreaterThan(2 * 15_000); // at least listening + learning
    expect(stp).toBeLessThanOrEqual(20_000 + 2 * 15_000 + 1_000);
    for (const fabric of ['rstp', 'spb']) expect(blackHole(fabric), fabric).toBeLessThan(1_000);
  });

  it('802.1D: what is lost while the tree is cut in two is lost to ports that do not forward yet, not to the old location', () => {
    const lost = migration('stp').lostPackets;
    // The stream runs at 50 packets/s; every packet of the ~49 s re-convergence counts.
    expect(lost['blocked-port']).toBeGreaterThan(49 * 50 - 50);
    expect(lost['old-location']).toBe(0);
  });
});

describe('EVPN MAC mobility on the shortest-path fabric (migration-evpn.yaml)', () => {
  it('the first two moves cost the downtime, up to one ping interval and the route latency; the third is frozen as a duplicate and costs far more', () => {
    const scenario = loadScenarioFile(join(SCENARIOS, 'migration-evpn.yaml'));
    const remedy = scenario.runs[0]!.migrations[0]!.remedies.find((r) => r.kind === 'evpn')!;
    const latency = remedy.kind === 'evpn' ? remedy.latency / 1e6 : NaN;
    const ping = scenario.traffic.find((t) => t.from === 'vm-2')!;
    const stream = scenario.traffic.find((t) => t.to === 'vm-2')!;
    const moves = runScenario(scenario).runs[0]!.migrations;
    expect(moves).toHaveLength(3);
    for (const m of moves.slice(0, 2)) {
      // Sent during the downtime, then: the VM's next ping teaches its new leaf, the route travels,
      // and the stream's next packet gets through.
      expect(m.blackHoleMs.peerToVm!).toBeLessThanOrEqual(m.downtimeMs + 1000 / ping.rate + latency + 1000 / stream.rate + 1);
      // Every fabric switch that pointed at the old leaf is corrected when the route arrives: after
      // the route latency, within one ping interval more.
      const stale = Object.values(m.staleMs);
      expect(stale.length).toBeGreaterThan(0);
      for (const ms of stale) {
        expect(ms).toBeGreaterThanOrEqual(latency);
        expect(ms).toBeLessThanOrEqual(1000 / ping.rate + latency);
      }
    }
    expect(moves[2]!.blackHoleMs.peerToVm!).toBeGreaterThan(5 * moves[0]!.blackHoleMs.peerToVm!);
  });
});
