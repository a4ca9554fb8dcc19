/**
 * The simulator's own pcap of a run, analysed, gives the run's black holes. For every example
 * scenario with migrations, and every direction of every migration that the run measures, the test
 * runs the scenario (its first run) capturing where that direction's deliveries can be seen, analyses
 * the pcap with the VM's and the gateway's addresses, and compares the analysis's black hole with the
 * run's. What the capture can tell, and so the tolerance, depends on where it was taken:
 *
 * - `exact`: a flow from the VM, captured at the VM (a paused VM sends nothing, so its silence is
 *   its flow's), and a ping from another node to the VM, captured at that node (a reply coming back
 *   is exactly what the run counts as delivered). The analysis must agree within 0.1 ms: the same
 *   packets are timed at the capture point instead of where the run timed them, and the one-way delay
 *   between the two differs before and after the move by a few microseconds of links and switches.
 * - `to-vm`: a flow to the VM (or a ping to a VM that answers no echo request), captured at the VM. The capture is taken at the VM's port, like a
 *   tcpdump on the hypervisor's tap: it records the frames that arrive while the VM is paused (and
 *   drops them), so the downtime does not show as a gap. The analysis's black hole lies between the
 *   run's less the downtime and one packet interval (where the last frame before the pause falls in
 *   its interval), and the run's; a gap under 1.5 intervals is no gap (0).
 * - `ping-from-vm`: a ping from the VM, captured at the VM: a reply reaching the paused VM is
 *   captured but lost, so the analysis lies between the run's less the downtime and two ping
 *   intervals (the request before the pause, and its reply), and the run's.
 *
 * Each scenario's own capture point is checked too: where the VM announces its move (guest GARP,
 * RARP, QEMU's rounds) on a network that loses nothing else, the analysis there must report the move
 * with exactly the number of announcements the remedy sends.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureAnalysis, MigrationAnalysis } from '../../src/analyze/index.js';
import { analysisText, analyzeCapture } from '../../src/analyze/index.js';
import type { PerDirection } from '../../src/metrics/index.js';
import type { ScenarioResult } from '../../src/run/index.js';
import { runScenario } from '../../src/run/index.js';
import type { BuiltFlowRecord, Scenario } from '../../src/scenario/index.js';
import { applyOverrides, buildModel, loadScenario, parseOverride } from '../../src/scenario/index.js';
import { AtomicFileSink, formatIpv4, openCapture } from '../../src/wire/index.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-analyze-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Direction = keyof PerDirection<number>;
type Kind = 'exact' | 'to-vm' | 'ping-from-vm';
const DIRECTIONS: readonly Direction[] = ['gatewayToVm', 'vmToGateway', 'peerToVm'];
/** Same packets, timed elsewhere on their path: a few µs of one-way delay (see the module comment). */
const EXACT_MS = 0.1;

interface Case {
  readonly migration: number;
  readonly direction: Direction;
  readonly node: string;
  readonly kind: Kind;
  readonly family: 'ipv4' | 'ipv6';
  readonly intervalMs: number;
}

function addresses(h: { readonly ipv4: readonly { address: number }[]; readonly ipv6: readonly { address: string }[] }): string[] {
  return [...h.ipv4.map((a) => formatIpv4(a.address as never)), ...h.ipv6.map((a) => a.address)];
}

/** Runs the first run capturing at `node`; returns the run's result and the analysis of its pcap. */
function simulateAt(text: string, file: string, node: string, vms: string[], gateways: string[]): { result: ScenarioResult; analysis: CaptureAnalysis } {
  const loaded = loadScenario(applyOverrides(text, [parseOverride(`output.pcap=${node}`)]), file);
  const scenario: Scenario = { ...loaded, runs: loaded.runs.slice(0, 1) };
  const pcap = join(dir, `${file}-${node}.pcap`);
  const sink = new AtomicFileSink(pcap);
  const result = runScenario(scenario, { capture: sink });
  sink.close();
  const reader = openCapture(pcap);
  try {
    return { result, analysis: analyzeCapture(reader, { name: pcap, vms, gateways }) };
  } finally {
    reader.close();
  }
}

/** Seconds since the epoch of the analysis's first record (its times are relative to it). */
function firstRecord(a: CaptureAnalysis): number {
  return Date.parse(`${a.startTime.slice(0, 19)}Z`) / 1000 + Number(`0.${a.startTime.slice(20, 29)}`);
}

/** The analysis's event for `address` that belongs to a migration starting at `start` s (before `next`). */
function eventFor(a: CaptureAnalysis, address: string, start: number, next: number): MigrationAnalysis | undefined {
  const offset = firstRecord(a);
  // An event begins with the last packet before its gap, up to a few packet intervals before the move.
  return a.runs[0]!.migrations.find((m) => m.vm === address && m.startS + offset >= start - 5 && m.startS + offset < next - 5);
}

const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();

for (const file of files) {
  const text = readFileSync(join(SCENARIOS, file), 'utf8');
  const base = loadScenario(text, file);
  const run = base.runs[0]!;
  if (run.migrations.length === 0) continue;
  // Security features and a second holder of the VM's addresses break what each capture point is
  // assumed to tell (see the module comment): a switch refusing the VM's packets after they left it
  // makes a silence its capture cannot show (SAVI), a port err-disabled after the first delivery
  // makes one the run does not count as the move's outage (DAI's rate limit), and a claimant with
  // the VM's MAC answers in its place. Those runs are measured by their own metrics (security,
  // contention), which the scenario tests check.
  if (run.security !== null || base.contention.length > 0) continue;

  describe(`${file}: the analysis of the simulator's pcap gives the run's black holes`, () => {
    const model = buildModel(base, run, base.seed);
    const gateways = [...new Set(model.gateways.flatMap(addresses))];
    const gatewayNode = model.gateways[0]!.name;
    const isGateway = (name: string): boolean => model.isGateway(name);
    const rateOf = new Map(base.traffic.map((t, i) => [model.traffic[i]!.name, 1000 / Number(t.rate)]));
    const vms = [...new Set(run.migrations.flatMap((m) => addresses(model.hosts.get(m.vm)!)))];
    const cases: Case[] = [];
    run.migrations.forEach((m, i) => {
      const vm = m.vm;
      const predicates: Record<Direction, (r: BuiltFlowRecord) => boolean> = {
        gatewayToVm: (r) => isGateway(r.from) && r.to === vm,
        vmToGateway: (r) => r.from === vm && isGateway(r.to),
        peerToVm: (r) => !isGateway(r.from) && r.from !== vm && r.to === vm,
      };
      for (const direction of DIRECTIONS) {
        const t = model.traffic.find((x) => x.records.some(predicates[direction]));
        const r = t?.records.find(predicates[direction]);
        if (t === undefined || r === undefined || t.kind === 'request-response') continue;
        const family = r.address.includes(':') ? 'ipv6' : 'ipv4';
        const intervalMs = rateOf.get(t.name)!;
        const echo = model.hosts.get(vm)!.profile.echo;
        const silent = (family === 'ipv4' ? echo.ignoreIpv4 : echo.ignoreIpv6).value;
        if (t.kind === 'ping') {
          if (r.from === vm) cases.push({ migration: i, direction, node: vm, kind: 'ping-from-vm', family, intervalMs });
          // A VM that answers no echo request: what the run counts are the requests that reach it.
          else if (silent) cases.push({ migration: i, direction, node: vm, kind: 'to-vm', family, intervalMs });
          // Anycast gateways: a ping's replies come back to whichever instance is nearest, not to one capture point.
          else if (!(isGateway(r.from) && base.gateway.placement === 'anycast')) {
            cases.push({ migration: i, direction, node: isGateway(r.from) ? gatewayNode : r.from, kind: 'exact', family, intervalMs });
          }
        } else {
          cases.push({ migration: i, direction, node: vm, kind: r.from === vm ? 'exact' : 'to-vm', family, intervalMs });
        }
      }
    });
    const nodes = [...new Set(cases.map((c) => c.node))];

    for (const node of nodes) {
      it(`captured at ${node}: ${cases.filter((c) => c.node === node).map((c) => `${run.migrations[c.migration]!.vm} ${c.direction} (${c.kind})`).join(', ')}`, () => {
        const { result, analysis } = simulateAt(text, file, node, vms, gateways);
        // The text fits 100 columns whatever the capture holds.
        expect(Math.max(...analysisText(analysis).split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
        const migrations = result.runs[0]!.migrations;
        for (const c of cases.filter((x) => x.node === node)) {
          const sim = migrations[c.migration]!;
          const s = sim.blackHoleMs[c.direction];
          if (s === null) continue;
          const vmName = run.migrations[c.migration]!.vm;
          const address = addresses(model.hosts.get(vmName)!).find((a) => a.includes(':') === (c.family === 'ipv6'))!;
          const next = Math.min(result.simulatedSeconds + 10, ...migrations.filter((o) => o.vm === sim.vm && o.startS > sim.startS).map((o) => o.startS));
          const event = eventFor(analysis, address, sim.startS, next);
          const where = `${vmName} ${c.direction} (${c.kind}, run ${s} ms, downtime ${sim.downtimeMs} ms, interval ${c.intervalMs} ms)`;
          const value = event?.blackHoleMs[c.direction] ?? null;
          if (c.kind === 'exact') {
            expect(event, `${where}: an event`).toBeDefined();
            expect(event!.basis[c.direction], where).toBe('measured');
            expect(Math.abs(value! - s), `${where}: analysis ${value} ms`).toBeLessThanOrEqual(EXACT_MS);
            expect(event!.repaired[c.direction], where).toBe(sim.repaired[c.direction]);
          } else {
            const a = value ?? 0;
            const slack = (c.kind === 'to-vm' ? 1 : 2) * c.intervalMs + EXACT_MS;
            expect(a, `${where}: analysis ${value} ms`).toBeGreaterThanOrEqual(s - sim.downtimeMs - slack);
            expect(a, `${where}: analysis ${value} ms`).toBeLessThanOrEqual(s + EXACT_MS);
            if (sim.repaired[c.direction] === false) expect(event?.repaired[c.direction], where).toBe(false);
          }
        }
      });
    }

    const announcing = run.migrations.map((m, i) => ({ m, i, kinds: m.remedies.filter((r) => ['guest-garp', 'guest-na', 'rarp', 'qemu-announce'].includes(r.kind)) }))
      .filter((x) => x.kinds.length > 0);
    // Where nothing else loses frames: no loss rules, no link or host taken down (a spanning tree
    // reconverging drops the announcements on purpose in migration-stp and migration-spb).
    const lossless = run.loss.length === 0 && !run.events.some((e) => e.kind === 'link-down' || e.kind === 'host-down');
    if (announcing.length > 0 && lossless) {
      it(`at its own capture point (${base.output.pcap}), every announced move is found with the remedy's announcements`, () => {
        const { result, analysis } = simulateAt(text, file, base.output.pcap, vms, gateways);
        const migrations = result.runs[0]!.migrations;
        for (const { m, i, kinds } of announcing) {
          const sim = migrations[i]!;
          const next = Math.min(result.simulatedSeconds + 10, ...migrations.filter((o) => o.vm === sim.vm && o.startS > sim.startS).map((o) => o.startS));
          const host = model.hosts.get(m.vm)!;
          const v4 = addresses(host).find((a) => !a.includes(':'));
          const event = v4 === undefined ? undefined : eventFor(analysis, v4, sim.startS, next);
          expect(event?.kind, `${m.vm} at ${sim.startS} s`).toBe('moved');
          for (const r of kinds) {
            // What each remedy puts on the wire per move (its parameters, migration.md §3 for QEMU).
            const expected = r.kind === 'guest-garp' ? `${r.count} × ${r.form === 'reply' ? 'gratuitous ARP reply' : 'ARP announcement'} from`
              : r.kind === 'rarp' ? `${r.count} × RARP for` : r.kind === 'qemu-announce' ? `${r.rounds} × RARP for` : undefined;
            if (expected === undefined) continue;
            expect(event!.evidence.filter((e) => e.startsWith(expected)), `${m.vm}: ${expected} in ${JSON.stringify(event!.evidence)}`).toHaveLength(1);
          }
        }
      });
    }
  });
}
