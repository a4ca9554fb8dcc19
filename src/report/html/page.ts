/**
 * The HTML report: one self-contained file (the charting library, the data and the chart
 * specifications inlined; no request at view time) with a section per chart, each with what it
 * shows and how to read it, or why it is missing. The page marks each chart's container when it has
 * rendered (`data-rendered="true"`) or failed (`"error"`, with the message shown and logged), and the
 * body once every chart is done (`data-charts="done"`).
 */
import type { ScenarioResult } from '../../run/index.js';
import type { PointSummary, SweepHeader, SweepResultLine } from '../sweep-lines.js';
import { chartLibrary } from './assets.js';
import type { Spec } from './charts.js';
import { barsSpec, cdfSpec, fabricSpec, loadSpec, timelineSpec, trendSpec } from './charts.js';
import type { AnalysisInput, ReportModel } from './model.js';
import { analysisModel, isAnalysis, runModel, sweepModel } from './model.js';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that can sit inside a script element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

interface Section {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly spec: Spec | null;
  readonly note?: string;
}

function sections(model: ReportModel): Section[] {
  const out: Section[] = [];
  const note = (key: string): { note: string } | Record<string, never> => (model.notes[key] === undefined ? {} : { note: model.notes[key]! });
  out.push({
    id: 'bars',
    title: 'Black hole per strategy',
    text: model.kind === 'sweep'
      ? 'How long each direction\'s traffic to or from the VM was lost, from the last packet delivered before the loss to the first delivered after the resume: the mean over seeds, with its 95 % confidence interval as a black line. One bar per direction the scenario has a flow for.'
      : 'How long each direction\'s traffic to or from the VM was lost, from the last packet delivered before the loss to the first delivered after the resume, per strategy (run).',
    spec: model.bars.length === 0 ? null : barsSpec(model.bars),
    ...note('bars'),
  });
  out.push({
    id: 'cdf',
    title: 'Distribution of the black hole over seeds',
    text: 'For each strategy, the fraction of seeds whose black hole was at most x: a steep step means every seed saw the same; a long tail, seeds that were unlucky.',
    spec: model.cdf.length === 0 ? null : cdfSpec(model),
    ...note('cdf'),
  });
  model.trends.forEach((t, i) => {
    out.push({
      id: `trend-${i}`,
      title: `Metric against ${t.axis}`,
      text: `The mean over seeds of the metric chosen in the menu (the black hole first) at each value of ${t.axis}, one line per strategy, its 95 % confidence interval shaded.`,
      spec: trendSpec(t, model.metrics),
    });
  });
  if (model.trends.length === 0) out.push({ id: 'trend', title: 'Metric against a parameter', text: '', spec: null, ...note('trend') });
  out.push({
    id: 'timeline',
    title: 'Timeline of one run',
    text: model.kind === 'analysis'
      ? 'The move as the capture shows it: each direction\'s flow delivering (green) or in a gap (red), the ARP/ND messages about the address, the silence shaded. Drag on the strip at the top to choose the window.'
      : 'Around the migration: where each switch\'s MAC entry and the gateway\'s neighbour entry for the VM point (red: the old place, green: the new one, blue: right before and after, grey: no entry), each direction\'s packets delivered or lost, and the ARP/ND messages about the VM; the VM\'s own downtime is shaded. Drag on the strip at the top to choose the window; the menu picks the run.',
    spec: model.timelines.length === 0 ? null : timelineSpec(model.timelines, model.kind !== 'analysis'),
    ...note(model.timelines.length === 0 ? 'timeline' : 'entries'),
  });
  out.push({
    id: 'load',
    title: 'Broadcast load over time',
    text: model.kind === 'analysis'
      ? 'ARP, RARP and ND messages the capture shows per second (scroll to zoom, drag to pan).'
      : 'Group-addressed frames received by end stations, the most one station received in one second, and the ARP/RARP/ND messages end stations sent, over the whole run, on a logarithmic scale; the downtime shaded (scroll to zoom, drag to pan).',
    spec: model.timelines.length === 0 ? null : loadSpec(model.timelines),
    ...note(model.timelines.length === 0 ? 'timeline' : 'load'),
  });
  out.push({
    id: 'fabric',
    title: 'The fabric and the migration\'s path',
    text: 'Switches by tier, hypervisors and the gateway below them; the forwarding path from the gateway to the VM before the move (red) and after it (green, dashed), and the move itself (purple, dotted).',
    spec: model.fabric === null ? null : fabricSpec(model.fabric),
    ...(model.fabric === null ? { note: model.notes.fabric ?? model.notes.timeline ?? 'No fabric in this input.' } : {}),
  });
  return out;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
p.note { color: #666; font-style: italic; } .chart { margin: 1em 0; } .chart-error { color: #b00; white-space: pre-wrap; }
footer { margin-top: 3em; color: #888; font-size: 0.85em; }`;

const BOOT = `
(function () {
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  var left = charts.length;
  function done() { if (--left === 0) document.body.setAttribute('data-charts', 'done'); }
  if (left === 0) document.body.setAttribute('data-charts', 'done');
  charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    vegaEmbed(el, c.spec, { renderer: 'svg', actions: false }).then(function () {
      el.setAttribute('data-rendered', 'true');
      done();
    }).catch(function (e) {
      el.setAttribute('data-rendered', 'error');
      var p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = 'This chart could not be drawn: ' + (e && e.message ? e.message : e);
      el.appendChild(p);
      console.error('arpshift report: chart ' + c.id + ': ' + (e && e.message ? e.message : e));
      done();
    });
  });
})();`;

/** The page of a report model (see the module comment). */
export function reportPage(model: ReportModel): string {
  const lib = chartLibrary();
  const parts = sections(model);
  const charts = parts.filter((s) => s.spec !== null).map((s) => ({ id: s.id, spec: s.spec }));
  const body = parts.map((s) => [
    `<section id="${s.id}">`,
    `<h2>${escapeHtml(s.title)}</h2>`,
    s.text === '' || s.spec === null ? '' : `<p>${escapeHtml(s.text)}</p>`,
    s.note === undefined ? '' : `<p class="note">${escapeHtml(s.note)}</p>`,
    s.spec === null ? '' : `<div class="chart" id="chart-${s.id}" data-chart="${s.id}"></div>`,
    '</section>',
  ].filter((l) => l !== '').join('\n')).join('\n');
  const versions = Object.entries(lib.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="arpshift">
<title>${escapeHtml(model.title)}</title>
<style>${STYLE}</style>
</head>
<body data-report="${model.kind}">
<h1>${escapeHtml(model.title)}</h1>
${model.summary.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${body}
<footer>Made by arpshift. Charts drawn by ${escapeHtml(versions)} (BSD-3-Clause, University of Washington Interactive Data Lab), embedded in this file: it needs no network.</footer>
<script type="application/json" id="report-charts">${scriptJson(charts)}</script>
${lib.scripts.map((s) => `<script>${s}</script>`).join('\n')}
<script>${BOOT}</script>
</body>
</html>
`;
}

/** The report of a run's result (`run --report`, or `report result.json`). */
export function runReportHtml(result: ScenarioResult): string {
  return reportPage(runModel(result));
}

/** The report of a sweep's results (`sweep --report`, or `report results.jsonl`). */
export function sweepReportHtml(header: SweepHeader, lines: readonly SweepResultLine[], summary?: readonly PointSummary[]): string {
  return reportPage(sweepModel(header, lines, summary));
}

/** The report of a capture's analysis (`report analysis.json`, from `analyze --json`). */
export function analysisReportHtml(analysis: AnalysisInput): string {
  return reportPage(analysisModel(analysis));
}

/** A file `report` cannot read; exit code 1. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

/**
 * The report of a file's text: a run's JSON result, a sweep's JSON Lines, or an analysis's JSON
 * (told apart by their content). Throws a {@link ReportInputError} naming `name` for anything else.
 */
export function reportFromText(text: string, name: string): { kind: ReportModel['kind']; html: string } {
  const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    first = undefined;
  }
  if (typeof first === 'object' && first !== null && (first as { type?: unknown }).type === 'sweep') {
    const lines: SweepResultLine[] = [];
    text.split('\n').slice(1).forEach((raw, i) => {
      if (raw.trim() === '') return;
      let v: { type?: unknown };
      try {
        v = JSON.parse(raw) as { type?: unknown };
      } catch {
        // A torn last line of an interrupted sweep is left out; one in the middle is an error.
        if (i === text.split('\n').length - 2) return;
        throw new ReportInputError(`${name}:${i + 2}: not a JSON line`);
      }
      if (v.type === 'result') lines.push(v as SweepResultLine);
    });
    return { kind: 'sweep', html: sweepReportHtml(first as SweepHeader, lines) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ReportInputError(`${name}: not JSON (${(e as Error).message}); expected the output of arpshift run --json, sweep or analyze --json`);
  }
  if (isAnalysis(doc)) return { kind: 'analysis', html: analysisReportHtml(doc) };
  const r = doc as Partial<ScenarioResult> | null;
  if (typeof r === 'object' && r !== null && typeof r.scenario === 'string' && Array.isArray(r.runs)) return { kind: 'run', html: runReportHtml(r as ScenarioResult) };
  throw new ReportInputError(`${name}: neither a run's result, a sweep's results nor an analysis (expected the output of arpshift run --json, sweep or analyze --json)`);
}
