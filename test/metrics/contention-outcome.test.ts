/**
 * What the contention examples show, against facts with primary sources: IPv4 has no conflict
 * detection at a gratuitous ARP (RFC 5227 §4) and a claimant with the VM's own MAC is invisible to
 * hosts; RFC 4862 DAD finds a duplicate only if the owner can answer; DAI refuses ARP whose sender
 * does not match the binding; FCFS SAVI sides with the first owner that answers its probe (RFC 6620
 * §3.2, TESTING_VP). Expected values are computed from the scenarios (who is where, when the VM is
 * paused, the profiles' timers) and the run's trace.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ContentionResult } from '../../src/metrics/index.js';
import { runModel } from '../../src/run/index.js';
import type { Scenario } from '../../src/scenario/index.js';
import { applyOverrides, buildModel, loadScenario, readScenarioFile } from '../../src/scenario/index.js';
import { parseOverride } from '../../src/scenario/index.js';
import { ACD, MAX_RTR_SOLICITATION_DELAY, PROFILES } from '../../src/stack/index.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const text = (file: string): string => readScenarioFile(join(SCENARIOS, file));

/** The contention result of run `name`, with the model it ran on. */
function outcome(s: Scenario, name: string): { k: ContentionResult; edge: string; sent: number } {
  const model = buildModel(s, s.runs.find((r) => r.name === name)!);
  const claimant = model.contention[0]!;
  const result = runModel(model);
  const flow = result.flows[0]!;
  return { k: result.contention![0]!, edge: model.hypervisors.get(claimant.hypervisor)!.uplink.peer!.owner.name, sent: flow.sent };
}

describe('a malicious VM forging ARP replies to the gateway', () => {
  const s = loadScenario(text('contention-malicious.yaml'), 'contention-malicious.yaml');

  it('unprotected: nobody notices, the gateway\'s entry holds the attacker\'s MAC, and packets for the VM reach the attacker', () => {
    const { k, sent } = outcome(s, 'no-security');
    expect(k.detected).toEqual([]);
    expect(k.missedBy).toEqual([k.vm, k.claimant]);
    expect(k.gatewayEntryWrongMs!['gateway']).toBeGreaterThan(0);
    expect(k.packetsToClaimant).toBeGreaterThan(0);
    expect(k.packetsToClaimant + k.packetsToVm).toBeLessThanOrEqual(sent);
  });

  it('DAI at the attacker\'s switch refuses the forged replies; the vSwitch refuses them at its own port', () => {
    const dai = outcome(s, 'dai');
    expect(dai.k.detected.map((d) => [d.by, d.how.split('/')[0], d.refused])).toEqual([[dai.edge, 'arp-inspection', dai.k.claimant]]);
    expect(dai.k.packetsToClaimant).toBe(0);
    expect(Object.values(dai.k.gatewayEntryWrongMs!)).toEqual([0]);
    const vsw = outcome(s, 'vswitch');
    const hv = s.contention[0]!.on!;
    expect(vsw.k.detected.map((d) => [d.by, d.how, d.refused])).toEqual([[hv, 'vnic-guard/arp-spoof', vsw.k.claimant]]);
    expect(vsw.k.packetsToClaimant).toBe(0);
  });
});

describe('a clone with the VM\'s MAC', () => {
  const s = loadScenario(text('contention-clone.yaml'), 'contention-clone.yaml');

  it('unprotected: its announcement moves the MAC; the gateway\'s entry cannot tell (same MAC) and nobody detects it', () => {
    const { k } = outcome(s, 'no-security');
    expect(k.gatewayEntryWrongMs).toBeNull();
    expect(k.detected).toEqual([]);
    expect(k.packetsToClaimant).toBeGreaterThan(0);
  });

  it('port security on the switch both are plugged into refuses the MAC secured on the other port (rule b)', () => {
    const { k, edge } = outcome(s, 'port-security');
    expect(k.detected.map((d) => [d.by, d.how, d.refused])).toEqual([[edge, 'port-security/secured-elsewhere', k.claimant]]);
    expect(k.packetsToClaimant).toBe(0);
  });
});

describe('the source copy of a migration still answering', () => {
  const s = loadScenario(text('contention-source-copy.yaml'), 'contention-source-copy.yaml');

  it('FCFS SAVI probes the old port, the copy answers, the old owner wins: the migrated VM is refused and its traffic goes to the copy', () => {
    const none = outcome(s, 'no-security').k;
    expect(none.detected).toEqual([]);
    expect(none.packetsToClaimant).toBe(0);
    const { k, edge } = outcome(s, 'fcfs-savi');
    expect(k.detected.some((d) => d.by === edge && d.how.startsWith('savi-fcfs/') && d.refused === k.vm)).toBe(true);
    expect(k.detected.some((d) => d.refused === k.claimant)).toBe(false);
    expect(k.packetsToClaimant).toBeGreaterThan(k.packetsToVm);
  });
});

describe('a host misconfigured with the VM\'s addresses', () => {
  const file = 'contention-misconfigured.yaml';
  const s = loadScenario(text(file), file);
  const m = s.migrations[0]!;
  const c = s.contention[0]!;

  it('configured while the VM is paused, its DAD (delay, then one NS, RetransTimer to wait) is over before the VM can answer: nobody detects', () => {
    const linux = PROFILES[c.profile!]!;
    expect(c.at!).toBeGreaterThanOrEqual(m.schedule.pauseAt);
    expect(c.at! + MAX_RTR_SOLICITATION_DELAY + linux.ndTimers.retransTime.value * linux.dad.ipv6DadTransmits.value).toBeLessThan(m.schedule.resumeAt);
    const { k } = outcome(s, 'no-security');
    expect(k.detected).toEqual([]);
    expect(k.gatewayEntryWrongMs!['gateway']).toBeGreaterThan(0);
  });

  it('configured once the VM runs again, DAD finds it: the intruder sees the VM answer its NS', () => {
    const later = loadScenario(applyOverrides(text(file), [parseOverride(`contention.0.at=${(m.schedule.resumeAt + 5e9) / 1e9}s`)]), file);
    const { k } = outcome(later, 'no-security');
    expect(k.detected.map((d) => [d.by, d.how])).toContainEqual([k.claimant, 'conflict-probing']);
  });

  it('DAI refuses the intruder\'s ARP at its switch, so the gateway\'s entry never moves', () => {
    const { k, edge } = outcome(s, 'dai');
    expect(k.detected.map((d) => [d.by, d.refused])).toEqual([[edge, k.claimant]]);
    expect(Object.values(k.gatewayEntryWrongMs!)).toEqual([0]);
  });
});

describe('a Windows host given the VM\'s IPv4 address while it moves: RFC 5227 probing, and DAI\'s validate ip', () => {
  const file = 'contention-misconfigured-probing.yaml';
  const s = loadScenario(text(file), file);
  const m = s.migrations[0]!;
  const c = s.contention[0]!;

  it('the probes outlast the pause: the first one the VM can hear finds it, and the intruder never uses the address', () => {
    expect(PROFILES[c.profile!]!.dad.ipv4ConflictDetection.value).toBe(true);
    expect(c.at!).toBeGreaterThanOrEqual(m.schedule.pauseAt);
    // The last probe leaves at most PROBE_WAIT + (PROBE_NUM - 1) × PROBE_MAX after the address is configured.
    const lastProbe = c.at! + ACD.PROBE_WAIT + (ACD.PROBE_NUM - 1) * ACD.PROBE_MAX;
    expect(lastProbe).toBeGreaterThan(m.schedule.resumeAt);
    for (const run of ['no-security', 'dai']) {
      const { k } = outcome(s, run);
      expect(k.detected.map((d) => [d.by, d.how]), run).toEqual([[k.claimant, 'conflict-probing']]);
      // The VM answers only once it runs again.
      expect(k.detected[0]!.firstS * 1e9, run).toBeGreaterThanOrEqual(m.schedule.resumeAt);
      expect(k.detected[0]!.firstS * 1e9, run).toBeLessThanOrEqual(lastProbe + 1e6);
      expect(Object.values(k.gatewayEntryWrongMs!), run).toEqual([0]);
      expect(k.packetsToClaimant, run).toBe(0);
    }
  });

  it('validate ip refuses the probes (sender 0.0.0.0): the intruder misses the conflict, and DAI refuses its announcements instead', () => {
    const model = buildModel(s, s.runs.find((r) => r.name === 'dai-validate-ip')!);
    const result = runModel(model);
    const k = result.contention![0]!;
    const edge = model.hypervisors.get(model.contention[0]!.hypervisor)!.uplink.peer!.owner.name;
    expect(result.security!.drops['arp-inspection'].byReason).toEqual({ 'invalid-ip': ACD.PROBE_NUM, 'no-binding': ACD.ANNOUNCE_NUM });
    expect(k.detected.map((d) => [d.by, d.how, d.refused, d.count])).toEqual([
      [edge, 'arp-inspection/invalid-ip', k.claimant, ACD.PROBE_NUM],
      [edge, 'arp-inspection/no-binding', k.claimant, ACD.ANNOUNCE_NUM],
    ]);
    expect(k.missedBy).toContain(k.claimant);
    expect(Object.values(k.gatewayEntryWrongMs!)).toEqual([0]);
  });
});
