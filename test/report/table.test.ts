/**
 * The tables: they fit a 100-column terminal (wide tables split, repeating the identifying columns;
 * long lists wrap), name the flow each black-hole column is measured on, print "–" for a flow that
 * lost nothing and "n/a" where there is no such flow, and show the stale times.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MigrationResult } from '../../src/metrics/index.js';
import { TABLE_WIDTH, renderTable, resultTables, wrapText } from '../../src/report/index.js';
import type { RunResult, ScenarioResult } from '../../src/run/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenarioFile } from '../../src/scenario/index.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

function migration(vm: string, overrides: Partial<MigrationResult> = {}): MigrationResult {
  return {
    vm, from: 'hv-2', to: 'hv-12', startS: 30, downtimeMs: 300,
    measuredFlows: { gatewayToVm: `to-${vm}`, vmToGateway: null, peerToVm: `peer-to-${vm}` },
    blackHoleMs: { gatewayToVm: 261_020, vmToGateway: null, peerToVm: 0 },
    afterResumeMs: { gatewayToVm: 260_720, vmToGateway: null, peerToVm: 0 },
    repaired: { gatewayToVm: false, vmToGateway: null, peerToVm: true },
    lostPackets: { 'downtime': 30, 'node-down': 0, 'old-location': 26_071 },
    staleMs: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`pod-${i + 1}-edge-1`, 260_700.005])),
    ...overrides,
  };
}

function run(name: string, migrations: MigrationResult[]): RunResult {
  return {
    name,
    arp: { requests: 1_234_567, replies: 1_234_567, gratuitous: 3, probes: 0, rarp: 5 },
    nd: { ns: 10, na: 10, dadNs: 0, unsolicitedNa: 0 },
    broadcastFramesReceived: 9, broadcastPerHostPeakPps: 12_345, floodedFrames: 243_893_000, unknownUnicastFloods: 243_849_000, dadConflicts: 0,
    flows: [{ name: 'to-vm-2', kind: 'udp', pairs: 1, sent: 39_900, delivered: 13_799, lost: { 'node-down': 30, 'not-for-me': 26_071, 'queue-or-link': 17, 'blocked-port': 3, 'resolution-failed': 2 } as never }],
    migrations,
  };
}

const WIDE: ScenarioResult = {
  scenario: 'a-scenario-with-a-rather-long-name', seed: 1, simulatedSeconds: 400, events: 4_277_117,
  runs: [run('qemu-announce-congested-with-a-long-variant-name', [migration('vm-2'), migration('vm-300')]), run('none', [migration('vm-2')])],
};

describe('result tables', () => {
  it('fit 100 columns, however wide the names, numbers and lists', () => {
    const text = resultTables(WIDE);
    const tooWide = text.split('\n').filter((l) => l.length > TABLE_WIDTH);
    expect(tooWide).toEqual([]);
    // Nothing was cut: every stale entry and every loss cause is still there.
    for (let i = 1; i <= 12; i++) expect(text).toContain(`pod-${i}-edge-1 260.7 s`);
    expect(text).toContain('26,071 not-for-me');
    expect(text).toContain('243,849,000');
  });

  it('name the flow each direction is measured on; "–" for a flow that lost nothing, "n/a" for none, ">" for not repaired', () => {
    const text = resultTables({ ...WIDE, runs: [run('none', [migration('vm-2'), migration('vm-300')])] });
    expect(text).toContain('vm-2: gateway→vm = to-vm-2, vm→gateway = none, peer→vm = peer-to-vm-2');
    expect(text).toContain('vm-300: gateway→vm = to-vm-300, vm→gateway = none, peer→vm = peer-to-vm-300');
    const row = text.split('\n').find((l) => l.startsWith('none ') && l.includes('hv-2 → hv-12'))!;
    expect(row.trim().split(/\s{2,}/).slice(3)).toEqual(['300 ms', '>261 s', '>260.7 s', 'n/a', '–']);
    expect(text).not.toMatch(/\b0 µs/);
  });

  it('the guest-garp example: its flows named, its stale switch and time shown', () => {
    const result = runScenario(loadScenarioFile(`${SCENARIOS}migration-guest-garp.yaml`));
    const text = resultTables(result);
    const m = result.runs[0]!.migrations[0]!;
    expect(text).toContain(`Flows measured: gateway→vm = ${m.measuredFlows.gatewayToVm}, vm→gateway = none, peer→vm = ${m.measuredFlows.peerToVm}.`);
    for (const node of Object.keys(m.staleMs)) expect(text).toMatch(new RegExp(`${node} \\d`));
    expect(text.split('\n').every((l) => l.length <= TABLE_WIDTH)).toBe(true);
  });
});

describe('renderTable', () => {
  const header = ['run', 'a', 'b', 'c', 'd'];
  const rows = [['r1', 'x'.repeat(30), 'y'.repeat(30), 'z'.repeat(30), 'w'.repeat(30)]];

  it('splits a wide table into parts that each repeat the key columns', () => {
    const text = renderTable(header, rows, [], { width: 80, keys: 1 });
    const parts = text.split('\n\n');
    expect(parts.length).toBe(2);
    for (const part of parts) {
      expect(part.split('\n')[0]!.startsWith('run')).toBe(true);
      for (const line of part.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    }
    expect(text).toContain('w'.repeat(30));
  });

  it('wraps a list column between its items, keeping the other columns on the first line', () => {
    const list = Array.from({ length: 10 }, (_, i) => `leaf-${i + 1} 3 µs`).join(', ');
    const text = renderTable(['run', 'stale'], [['r1', list]], [], { width: 40, wrap: 1 });
    const lines = text.split('\n');
    expect(lines.every((l) => l.length <= 40)).toBe(true);
    expect(lines[2]!.startsWith('r1')).toBe(true);
    expect(lines.slice(2).map((l) => l.slice(4).trim()).join(' ').replace(/, /g, ',').split(',')).toEqual(list.split(', '));
    expect(wrapText('a, b, c', 4, true)).toEqual(['a,', 'b, c']);
    expect(wrapText('leaf-1 3 µs, leaf-22 3 µs', 13, true)).toEqual(['leaf-1 3 µs,', 'leaf-22 3 µs']);
    expect(wrapText('one two three', 7)).toEqual(['one two', 'three']);
  });
});
