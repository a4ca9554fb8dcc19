/**
 * A scenario's result as text tables people read at a glance: one table of address-resolution load
 * per run, one of traffic, and (when the scenario migrates VMs) one row per run and migration with
 * the black hole of each direction. Columns are aligned; numbers use thousands separators.
 */
import type { MigrationResult, PerDirection } from '../metrics/index.js';
import type { RunResult, ScenarioResult } from '../run/index.js';

function fmt(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

function msText(v: number | null, repaired: boolean | null = true): string {
  if (v === null) return '–';
  const text = v >= 10_000 ? `${fmt(Math.round(v / 100) / 10)} s` : v >= 1 ? `${fmt(Math.round(v * 10) / 10)} ms` : `${fmt(Math.round(v * 1000))} µs`;
  return repaired === false ? `>${text}` : text;
}

/** Renders rows as an aligned table with a header and a rule. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells
    .map((c, i) => (alignRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function lostText(lost: Readonly<Record<string, number>>): string {
  const parts = Object.entries(lost).filter(([, n]) => n > 0).map(([cause, n]) => `${fmt(n)} ${cause}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function direction(m: MigrationResult, key: keyof PerDirection<number>): string {
  return msText(m.blackHoleMs[key], m.repaired[key]);
}

function migrationRows(runs: readonly RunResult[]): string[][] {
  const rows: string[][] = [];
  for (const run of runs) {
    for (const m of run.migrations) {
      rows.push([
        run.name,
        m.vm,
        `${m.from} → ${m.to}`,
        msText(m.downtimeMs),
        direction(m, 'gatewayToVm'),
        msText(m.afterResumeMs.gatewayToVm, m.repaired.gatewayToVm),
        direction(m, 'vmToGateway'),
        direction(m, 'peerToVm'),
        lostText(m.lostPackets),
      ]);
    }
  }
  return rows;
}

/** The whole result as text. */
export function resultTables(result: ScenarioResult): string {
  const out: string[] = [];
  out.push(`${result.scenario}: ${result.runs.length} run${result.runs.length === 1 ? '' : 's'}, seed ${result.seed}, ${fmt(result.simulatedSeconds)} s simulated each, ${fmt(result.events)} events`);
  const migrations = migrationRows(result.runs);
  if (migrations.length > 0) {
    out.push('', 'Black hole per migration and direction (from the last packet delivered before the loss to the first after the resume; ">" = not repaired by the end):');
    out.push(renderTable(
      ['run', 'vm', 'move', 'downtime', 'gateway→vm', 'after resume', 'vm→gateway', 'peer→vm', 'lost packets'],
      migrations,
      [false, false, false, true, true, true, true, true, false],
    ));
  }
  out.push('', 'Address resolution (messages sent by end stations) and flooding:');
  out.push(renderTable(
    ['run', 'ARP req', 'ARP reply', 'GARP', 'probe', 'RARP', 'NS', 'NA', 'DAD NS', 'bcast peak/host/s', 'floods', 'unknown ucast', 'DAD conflicts'],
    result.runs.map((r) => [r.name, fmt(r.arp.requests), fmt(r.arp.replies), fmt(r.arp.gratuitous), fmt(r.arp.probes), fmt(r.arp.rarp), fmt(r.nd.ns), fmt(r.nd.na), fmt(r.nd.dadNs), fmt(r.broadcastPerHostPeakPps), fmt(r.floodedFrames), fmt(r.unknownUnicastFloods), fmt(r.dadConflicts)]),
    [false, true, true, true, true, true, true, true, true, true, true, true, true],
  ));
  out.push('', 'Traffic:');
  const flowRows: string[][] = [];
  for (const r of result.runs) {
    for (const f of r.flows) flowRows.push([r.name, f.name, f.kind, fmt(f.pairs), fmt(f.sent), fmt(f.delivered), lostText(f.lost)]);
  }
  out.push(renderTable(['run', 'flow', 'kind', 'pairs', 'sent', 'delivered', 'lost'], flowRows, [false, false, false, true, true, true, false]));
  return `${out.join('\n')}\n`;
}
