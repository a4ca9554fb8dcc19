/**
 * The analysis as text people read at a glance, within 100 columns: what the capture is, one row per
 * move or silence with its black hole per direction, then per event what the frames say (evidence,
 * mechanism per direction, the address's timeline around it), the flows that had gaps, and the
 * address-resolution traffic seen. A capture with no move and no gap says so in one line.
 */
import type { PerDirection } from '../metrics/index.js';
import { renderTable } from '../report/index.js';
import type { CaptureAnalysis, MigrationAnalysis } from './result.js';

const WIDTH = 100;
/** Longest flow name and address in a table column (IPv6 ones can be long; the JSON has them whole). */
const FLOW_NAME_WIDTH = 46;
const ADDRESS_WIDTH = 24;

/** `text`, shortened in the middle to `width` characters when longer. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}
/** Timeline lines shown around an event, before and after it. */
const TIMELINE_MARGIN_S = 2;
const MAX_TIMELINE_LINES = 40;

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function msText(v: number | null, repaired: boolean | null = true, basis: string | null = 'measured'): string {
  if (basis === 'not-visible') return '?';
  if (v === null) return '–';
  const text = v >= 10_000 ? `${fmt(Math.round(v / 100) / 10)} s` : v >= 1 ? `${fmt(Math.round(v * 10) / 10)} ms` : `${fmt(Math.round(v * 1000))} µs`;
  return repaired === false ? `>${text}` : text;
}

/** Wraps `text` to the width, the first line after `first`, the others indented by `indent`. */
function wrap(first: string, text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (const word of text.split(' ')) {
    if (!fresh && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (fresh ? '' : ' ') + word;
    }
    fresh = false;
  }
  lines.push(line);
  return lines;
}

function lostText(lost: Readonly<Record<string, number>>): string {
  const parts = Object.entries(lost).filter(([, n]) => n > 0).map(([k, n]) => `${fmt(n)} ${k}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

const DIRECTIONS: ReadonlyArray<readonly [keyof PerDirection<number>, string]> = [
  ['gatewayToVm', 'gateway→vm'], ['vmToGateway', 'vm→gateway'], ['peerToVm', 'peer→vm'],
];

function cell(m: MigrationAnalysis, d: keyof PerDirection<number>): string {
  return msText(m.blackHoleMs[d], m.repaired[d], m.basis[d]);
}

/** The whole analysis as text. */
export function analysisText(a: CaptureAnalysis): string {
  const out: string[] = [];
  const run = a.runs[0]!;
  out.push(...wrap('', `${a.capture}: ${a.format}, ${a.linkTypes.join(' + ') || 'no frames'}, ${fmt(a.frames)} frames in ${a.durationS.toFixed(3)} s from ${a.startTime}${a.interfaces > 1 ? `, ${a.interfaces} interfaces` : ''}`, '  '));
  const facts = [
    a.gateway === null ? 'gateway not known (--gateway)' : `gateway ${a.gateway.addresses.join(', ')} (${a.gateway.basis === 'option' ? 'given' : `from ${a.gateway.basis}`})`,
    a.captureHosts.length > 0 ? `captured at ${a.captureHosts.join(', ')}` : 'captured on a path',
    a.summary,
  ];
  out.push(...wrap('', facts.join(' · '), '  '));
  const moves = run.migrations;
  if (moves.length === 0) {
    out.push('', `No move and no gap: ${fmt(run.flows.length)} flows, none with a gap; no address changed MAC or place.`);
  } else {
    out.push('', 'Black hole per event and direction (last packet before the gap to the first after;');
    out.push('">" = not repaired by the end of the capture; "?" = not visible where the capture was taken):');
    out.push(renderTable(
      ['address', 'event', 'start', 'downtime', 'gateway→vm', 'after resume', 'vm→gateway', 'peer→vm', 'lost'],
      moves.map((m) => [
        fit(m.vm, ADDRESS_WIDTH), m.kind, `${m.startS.toFixed(3)} s`, msText(m.downtimeMs), cell(m, 'gatewayToVm'),
        msText(m.afterResumeMs.gatewayToVm, m.repaired.gatewayToVm, m.basis.gatewayToVm), cell(m, 'vmToGateway'), cell(m, 'peerToVm'),
        fmt(Object.values(m.lostPackets).reduce((s, n) => s + n, 0)),
      ]),
      [false, false, true, true, true, true, true, true, true],
    ));
    for (const m of moves) {
      out.push('', ...wrap('', `${m.vm}${m.macs.length > 0 ? ` (${m.macs.join(', ')})` : ''}: ${m.kind} at ${m.startS.toFixed(3)} s${m.from !== null ? `, ${m.from} → ${m.to ?? '?'}` : ''}`, '  '));
      for (const e of m.evidence) out.push(...wrap('  - ', e, '    '));
      if (m.heardAgainS !== null) out.push(`  heard again at ${m.heardAgainS.toFixed(3)} s (${m.heardAgainBy ?? 'a frame'})`);
      for (const [d, label] of DIRECTIONS) {
        if (m.flows[d] === null) continue;
        out.push(...wrap(`  ${label}: `, `${m.flows[d]}: ${m.mechanism[d] ?? ''}`, '      '));
      }
      const lost = lostText(m.lostPackets);
      if (lost !== 'none') out.push(`  lost packets: ${lost}`);
      const stale = Object.entries(m.staleMs);
      if (stale.length > 0) out.push(`  still sent to the old MAC: ${stale.map(([k, v]) => `${k} for ${msText(v)}`).join(', ')}`);
      const timeline = a.timeline.find((t) => t.address === m.vm);
      const endS = Math.max(m.startS, ...DIRECTIONS.map(([d]) => (m.blackHoleMs[d] ?? 0) / 1000 + m.startS), m.heardAgainS ?? 0);
      const from = Math.min(m.startS, m.lastHeardS ?? m.startS) - TIMELINE_MARGIN_S;
      const lines = (timeline?.entries ?? []).filter((e) => e.timeS >= from && e.timeS <= endS + TIMELINE_MARGIN_S);
      if (lines.length > 0) {
        out.push('  timeline:');
        const shown = lines.length > MAX_TIMELINE_LINES ? [...lines.slice(0, MAX_TIMELINE_LINES / 2), undefined, ...lines.slice(-MAX_TIMELINE_LINES / 2)] : lines;
        for (const e of shown) {
          if (e === undefined) out.push(`    … ${fmt(lines.length - MAX_TIMELINE_LINES)} more`);
          else out.push(...wrap(`    ${e.timeS.toFixed(6).padStart(12)}  `, e.text, ' '.repeat(18)));
        }
      }
    }
  }
  const gapped = run.flows.filter((f) => f.gaps.length > 0);
  if (gapped.length > 0) {
    out.push('', `Flows with gaps (${fmt(gapped.length)} of ${fmt(run.flows.length)}; the JSON has each gap):`);
    out.push(renderTable(
      ['flow', 'seen at', 'packets', 'interval', 'gaps', 'longest', 'lost'],
      gapped.map((f) => {
        const longest = f.gaps.reduce((best, g) => (g.ms > best.ms ? g : best));
        return [
          fit(f.name, FLOW_NAME_WIDTH), f.seenAt === 'sender-or-receiver' ? 'either end' : f.seenAt, fmt(f.packets), msText(f.intervalMs),
          fmt(f.gaps.length), msText(longest.ms, longest.repaired), f.lostPackets === null ? '?' : fmt(f.lostPackets),
        ];
      }),
      [false, false, true, true, true, true, true],
    ));
  }
  const dhcp = Object.entries(run.dhcp).map(([k, n]) => `${fmt(n)} ${k}`).join(', ') || 'none';
  out.push('');
  out.push(...wrap('Address resolution seen: ', [
    `ARP ${fmt(run.arp.requests)} requests, ${fmt(run.arp.replies)} replies, ${fmt(run.arp.gratuitous)} gratuitous, ${fmt(run.arp.probes)} probes, ${fmt(run.arp.rarp)} RARP;`,
    `ND ${fmt(run.nd.ns)} NS, ${fmt(run.nd.na)} NA (${fmt(run.nd.unsolicitedNa)} unsolicited), ${fmt(run.nd.dadNs)} DAD NS;`,
    `DHCP ${dhcp}; group-addressed frames ${fmt(run.broadcastFramesReceived)} (peak ${fmt(run.broadcastPerHostPeakPps)}/s); DAD conflicts ${fmt(run.dadConflicts)}`,
  ].join(' '), '  '));
  return `${out.join('\n')}\n`;
}
