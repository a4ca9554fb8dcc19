/**
 * A scenario's result as text tables people read at a glance, in a 100-column terminal: per run and
 * migration the black hole of each direction (with the flow each direction is measured on), the
 * losses and the stale state the move left; per run the address-resolution load; per flow its
 * packets; and, in runs that have them, DHCP, the switches' security features (drops, err-disabled
 * ports, when each moved VM was admitted at its new port) and the contention cases. Columns are aligned, numbers use thousands separators; a table wider than the terminal is
 * split into several that repeat the identifying columns, and a long text column wraps.
 */
import type { MigrationResult, PerDirection } from '../metrics/index.js';
import type { RunResult, ScenarioResult } from '../run/index.js';

/** The width the tables fit. */
export const TABLE_WIDTH = 100;

function fmt(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

/** A time in ms as text: µs below 1 ms, s from 10 s; `>` before it when not repaired. */
function msText(v: number, repaired = true): string {
  const text = v >= 10_000 ? `${fmt(Math.round(v / 100) / 10)} s` : v >= 1 ? `${fmt(Math.round(v * 10) / 10)} ms` : `${fmt(Math.round(v * 1000))} µs`;
  return repaired ? text : `>${text}`;
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** The width to fit (default {@link TABLE_WIDTH}). */
  readonly width?: number;
  /** Leading columns that identify a row, repeated in every part of a table split to fit. */
  readonly keys?: number;
  /** A column of text that may wrap onto more lines (at ", " and spaces) to fit. */
  readonly wrap?: number;
}

/**
 * Breaks `text` into lines of at most `width`, between words; with `list`, `text` is a list of items
 * separated by ", " and an item that fits on a line is never broken (a longer one breaks between
 * words).
 */
export function wrapText(text: string, width: number, list = false): string[] {
  const lines: string[] = [];
  let line = '';
  const put = (word: string): void => {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  };
  const items = list ? text.split(', ').map((item, i, all) => (i < all.length - 1 ? `${item},` : item)) : [text];
  for (const item of items) {
    if (list && item.length <= width) put(item);
    else for (const word of item.split(' ')) put(word);
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

function render(header: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly boolean[], widths: readonly number[], wrap: number | undefined): string {
  const line = (cells: readonly string[]): string => cells
    .map((c, i) => (alignRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of rows) {
    if (wrap === undefined || (row[wrap] ?? '').length <= widths[wrap]!) {
      out.push(line(row));
      continue;
    }
    const parts = wrapText(row[wrap]!, widths[wrap]!, true);
    out.push(line(row.map((c, i) => (i === wrap ? parts[0]! : c))));
    for (const part of parts.slice(1)) out.push(line(row.map((_, i) => (i === wrap ? part : ''))));
  }
  return out.join('\n');
}

/**
 * Renders rows as an aligned table with a header and a rule, fitting `options.width`: a `wrap` column
 * wraps first; if the table is still too wide, its columns are split into several tables, each with
 * the `keys` columns first.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly boolean[] = [], options: TableOptions = {}): string {
  const width = options.width ?? TABLE_WIDTH;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const total = (ws: readonly number[]): number => ws.reduce((a, b) => a + b, 0) + 2 * (ws.length - 1);
  const wrap = options.wrap;
  if (total(widths) <= width) return render(header, rows, alignRight, widths, undefined);
  if (wrap !== undefined) {
    const room = width - (total(widths) - widths[wrap]!);
    if (room >= Math.max(16, header[wrap]!.length)) {
      const narrowed = widths.map((w, i) => (i === wrap ? room : w));
      return render(header, rows, alignRight, narrowed, wrap);
    }
  }
  // Split: the key columns, then as many others as fit, again and again.
  const keys = Math.min(options.keys ?? 1, header.length - 1);
  const keyWidth = total(widths.slice(0, keys));
  const groups: number[][] = [];
  let group: number[] = [];
  for (let i = keys; i < header.length; i++) {
    const used = keyWidth + group.reduce((n, j) => n + 2 + widths[j]!, 0);
    if (group.length > 0 && used + 2 + widths[i]! > width && !(i === wrap && used + 2 + 16 <= width)) {
      groups.push(group);
      group = [];
    }
    group.push(i);
  }
  groups.push(group);
  return groups.map((g) => {
    const columns = [...Array.from({ length: keys }, (_, i) => i), ...g];
    const pick = <T>(xs: readonly T[]): T[] => columns.map((i) => xs[i]!);
    const part = { width, keys, ...(wrap !== undefined && g.includes(wrap) ? { wrap: columns.indexOf(wrap) } : {}) };
    return renderTable(pick(header), rows.map(pick), pick(alignRight.length === 0 ? header.map(() => false) : alignRight), part);
  }).join('\n\n');
}

/** Prose, wrapped to the table width. */
function paragraph(text: string): string {
  return wrapText(text, TABLE_WIDTH).join('\n');
}

function lostText(lost: Readonly<Record<string, number>>): string {
  const parts = Object.entries(lost).filter(([, n]) => n > 0).map(([cause, n]) => `${fmt(n)} ${cause}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

const DIRECTIONS = ['gatewayToVm', 'vmToGateway', 'peerToVm'] as const;
const DIRECTION_NAMES: Readonly<Record<keyof PerDirection<number>, string>> = { gatewayToVm: 'gateway→vm', vmToGateway: 'vm→gateway', peerToVm: 'peer→vm' };

/** A black hole cell: `n/a` without such a flow, `–` when it lost nothing. */
function holeText(m: MigrationResult, key: keyof PerDirection<number>, value: PerDirection<number>): string {
  const v = value[key];
  if (v === null) return m.measuredFlows[key] === null ? 'n/a' : '–';
  if (m.blackHoleMs[key] === 0) return '–';
  return msText(v, m.repaired[key] !== false);
}

function staleText(m: MigrationResult): string {
  const entries = Object.entries(m.staleMs);
  return entries.length === 0 ? 'none' : entries.map(([node, v]) => `${node} ${msText(v)}`).join(', ');
}

/** Which flow each direction is measured on, per VM (one line when every VM has the same). */
function measuredText(runs: readonly RunResult[]): string[] {
  const lines = new Map<string, string>();
  for (const run of runs) {
    for (const m of run.migrations) {
      const text = DIRECTIONS.map((d) => `${DIRECTION_NAMES[d]} = ${m.measuredFlows[d] ?? 'none'}`).join(', ');
      if (!lines.has(`${m.vm}\0${text}`)) lines.set(`${m.vm}\0${text}`, `${m.vm}: ${text}`);
    }
  }
  const texts = [...new Set([...lines.keys()].map((k) => k.split('\0')[1]!))];
  if (texts.length === 1) return [`Flows measured: ${texts[0]!}.`];
  return ['Flows measured:', ...[...lines.values()].map((l) => `  ${l}`)];
}

function migrationTables(runs: readonly RunResult[]): string[] {
  const rows: string[][] = [];
  const losses: string[][] = [];
  const stale: string[][] = [];
  for (const run of runs) {
    for (const m of run.migrations) {
      rows.push([
        run.name,
        m.vm,
        `${m.from} → ${m.to}`,
        msText(m.downtimeMs),
        ...DIRECTIONS.flatMap((d) => (d === 'gatewayToVm' ? [holeText(m, d, m.blackHoleMs), holeText(m, d, m.afterResumeMs)] : [holeText(m, d, m.blackHoleMs)])),
      ]);
      losses.push([run.name, m.vm, lostText(m.lostPackets)]);
      stale.push([run.name, m.vm, staleText(m)]);
    }
  }
  if (rows.length === 0) return [];
  return [
    '',
    paragraph('Black hole per migration and direction: from the last packet delivered before the loss to the first delivered after the resume; "after resume" is the part after it. ">" = not repaired by the end, "–" = the flow lost nothing, "n/a" = the scenario has no such flow. Downtime is the VM\'s own pause.'),
    renderTable(
      ['run', 'vm', 'move', 'downtime', 'gateway→vm', 'after resume', 'vm→gateway', 'peer→vm'],
      rows,
      [false, false, false, true, true, true, true, true],
      { keys: 2 },
    ),
    ...measuredText(runs),
    '',
    paragraph('Packets of the VM\'s flows lost in each migration\'s outage (from its start to the first delivery after the resume), by cause:'),
    renderTable(['run', 'vm', 'lost packets'], losses, [], { keys: 2, wrap: 2 }),
    '',
    paragraph('Stale state after the resume: how long each switch\'s entry for the VM kept pointing away from its new place, and each gateway\'s binding kept its old MAC:'),
    renderTable(['run', 'vm', 'stale'], stale, [], { keys: 2, wrap: 2 }),
  ];
}

/** A time of the run in seconds, to the millisecond. */
function secondsText(s: number): string {
  return `${(Math.round(s * 1000) / 1000).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 })} s`;
}

function countsText(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${fmt(n)} ${k}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function dhcpTables(runs: readonly RunResult[]): string[] {
  const rows = runs.filter((r) => r.dhcp !== undefined).map((r) => {
    const d = r.dhcp!;
    const c = d.server;
    return [r.name, fmt(c.discovers), fmt(c.offers), fmt(c.requests), fmt(c.acks), fmt(c.naks), fmt(c.declines), fmt(c.leaseQueries), `${fmt(d.bound)}/${fmt(d.clients)}`];
  });
  if (rows.length === 0) return [];
  return [
    '',
    'DHCP (messages the server received or sent, leasequeries it answered, clients holding a lease at the end):',
    renderTable(['run', 'DISCOVER', 'OFFER', 'REQUEST', 'ACK', 'NAK', 'DECLINE', 'leasequery', 'bound'], rows, [false, true, true, true, true, true, true, true, true]),
  ];
}

function securityTables(runs: readonly RunResult[]): string[] {
  const secured = runs.filter((r) => r.security !== undefined);
  if (secured.length === 0) return [];
  const drops: string[][] = [];
  const disabled: string[][] = [];
  const admitted: string[][] = [];
  for (const r of secured) {
    const sec = r.security!;
    const features = Object.entries(sec.drops).filter(([, d]) => d.total > 0);
    if (features.length === 0) drops.push([r.name, '–', '0', 'none']);
    for (const [feature, d] of features) drops.push([r.name, feature, fmt(d.total), countsText(d.byReason)]);
    for (const d of sec.errDisabled) {
      disabled.push([
        r.name, d.vlan === null ? d.port : `${d.port} vlan ${d.vlan}`, d.cause, secondsText(d.atS),
        msText(d.durationMs, d.recovered), d.trigger ?? '?', d.cutOff.length === 0 ? 'none' : d.cutOff.join(', '),
      ]);
    }
    for (const m of sec.migrations) {
      admitted.push([r.name, m.vm, m.port ?? '?', m.admittedMs === null ? 'never' : msText(m.admittedMs), countsText(m.refused)]);
    }
  }
  const out = [
    '',
    'Security: frames the switches\' features refused, by feature and reason:',
    renderTable(['run', 'feature', 'frames', 'reasons'], drops, [false, false, true, false], { keys: 2, wrap: 3 }),
  ];
  if (disabled.length > 0) {
    const cut = secured.map((r) => `${r.name} ${fmt(r.security!.vmsCutOff)}`).join(', ');
    out.push(
      '',
      paragraph(`Ports error-disabled: when, for how long (">" = still down at the end), whose frame tripped it, and the VMs behind it that went dark with it (VMs cut off: ${cut}):`),
      renderTable(['run', 'port', 'cause', 'at', 'for', 'trigger', 'cut off'], disabled, [false, false, false, true, true, false, false], { keys: 2, wrap: 6 }),
    );
  }
  if (admitted.length > 0) {
    out.push(
      '',
      paragraph('Each migrated VM at its new port: how long after the resume it was admitted (its first frame to pass after the last one refused there; "never" = refused until its next move or the end), and its frames refused there:'),
      renderTable(['run', 'vm', 'new port', 'admitted', 'refused'], admitted, [false, false, false, true, false], { keys: 2, wrap: 4 }),
    );
  }
  return out;
}

function contentionTables(runs: readonly RunResult[]): string[] {
  const rows: string[][] = [];
  for (const r of runs) {
    for (const k of r.contention ?? []) {
      const detected = k.detected.length === 0 ? 'nobody' : k.detected.map((d) => `${d.by} ${d.how}${d.refused === null ? '' : ` refusing ${d.refused}`} from ${secondsText(d.firstS)}`).join(', ');
      const wrong = k.gatewayEntryWrongMs === null ? 'same MAC' : Object.entries(k.gatewayEntryWrongMs).map(([g, v]) => `${g} ${msText(v)}`).join(', ');
      rows.push([r.name, `${k.claimant} (${k.kind})`, k.vm, detected, k.missedBy.length === 0 ? 'none' : k.missedBy.join(', '), wrong, fmt(k.packetsToClaimant), fmt(k.packetsToVm)]);
    }
  }
  if (rows.length === 0) return [];
  return [
    '',
    paragraph('Address contention: who noticed the claim (a host\'s conflict detection, or a switch refusing the claimant\'s or the VM\'s frames, and from when), who could have and did not, how long each gateway\'s entry held the claimant\'s MAC, and the IP packets for the claimed addresses each holder received from when the claimant appeared:'),
    renderTable(['run', 'claimant', 'vm', 'detected by', 'missed by', 'gateway entry wrong', 'to claimant', 'to vm'], rows, [false, false, false, false, false, false, true, true], { keys: 2, wrap: 3 }),
  ];
}

/** The whole result as text. */
export function resultTables(result: ScenarioResult): string {
  const out: string[] = [];
  out.push(paragraph(`${result.scenario}: ${result.runs.length} run${result.runs.length === 1 ? '' : 's'}, seed ${result.seed}, ${fmt(result.simulatedSeconds)} s simulated each, ${fmt(result.events)} events`));
  out.push(...migrationTables(result.runs));
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
  out.push(renderTable(['run', 'flow', 'kind', 'pairs', 'sent', 'delivered', 'lost'], flowRows, [false, false, false, true, true, true, false], { keys: 2, wrap: 6 }));
  out.push(...dhcpTables(result.runs), ...securityTables(result.runs), ...contentionTables(result.runs));
  return `${out.join('\n')}\n`;
}
