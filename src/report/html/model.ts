/**
 * What an HTML report shows, as plain rows for the charts, from any of its three inputs: a run's
 * result (`run --json`/`--report`: one seed per strategy), a sweep's lines (strategies with confidence
 * intervals over seeds, the metric against each grid parameter), or a capture's analysis (`analyze
 * --json`: the same timeline picture, from the frames alone). "Strategy" is a run's name: a variant
 * of the scenario, usually a remedy; in an analysis, the moved address.
 */
import type { FabricPicture, RunSeries, SeriesDirection } from '../../metrics/index.js';
import type { ScenarioResult } from '../../run/index.js';
import type { Parameters, PointSummary, SweepHeader, SweepResultLine } from '../sweep-lines.js';
import { resultMetrics, summarizeSweep } from '../sweep-lines.js';

/** A direction as the charts label it. */
export const DIRECTION_LABELS: Readonly<Record<SeriesDirection, string>> = { gatewayToVm: 'gateway→vm', vmToGateway: 'vm→gateway', peerToVm: 'peer→vm' };
const DIRECTIONS: readonly SeriesDirection[] = ['gatewayToVm', 'vmToGateway', 'peerToVm'];

/** One bar: a strategy's black hole in one direction (mean over seeds, with its 95 % interval). */
export interface BarDatum {
  readonly group: string;
  readonly strategy: string;
  readonly direction: string;
  readonly mean: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly n: number;
  readonly unrepaired: number;
}

/** One seed's black hole (for the CDF). */
export interface CdfDatum {
  readonly group: string;
  readonly strategy: string;
  readonly value: number;
  readonly seed: number;
}

/** One point of a metric against a grid parameter. */
export interface TrendDatum {
  readonly metric: string;
  readonly x: number | string;
  /** The other parameters' values (facet rows), or ''. */
  readonly others: string;
  readonly strategy: string;
  readonly mean: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly n: number;
}

/** The metric against one grid parameter. */
export interface Trend {
  readonly axis: string;
  /** Whether the values are numbers (quantities in one unit count as numbers). */
  readonly numeric: boolean;
  readonly unit: string;
  readonly data: readonly TrendDatum[];
}

/** A delivery segment drawn until the next one starts (so that single packets show). */
export interface TimelineDelivery {
  readonly direction: string;
  readonly flow: string;
  readonly fromS: number;
  readonly toS: number;
  readonly packets: number | null;
  readonly outcome: 'delivered' | 'lost';
}

/** The timeline of one run (or one capture). */
export interface TimelineData {
  readonly id: string;
  readonly vm: string | null;
  readonly moveText: string;
  readonly pauseS: number | null;
  readonly resumeS: number | null;
  readonly durationS: number;
  readonly entries: readonly { readonly node: string; readonly kind: string; readonly fromS: number; readonly toS: number; readonly points: string; readonly detail: string }[];
  readonly deliveries: readonly TimelineDelivery[];
  readonly messages: readonly { readonly timeS: number; readonly node: string; readonly form: string }[];
  readonly messagesLeftOut: number;
  readonly load: readonly { readonly timeS: number; readonly broadcastFrames: number | null; readonly peakPerHost: number | null; readonly resolutionMessages: number }[];
  readonly binS: number;
}

/** The fabric drawing: nodes placed in rows, and the edges (links, paths before and after, the move). */
export interface FabricData {
  readonly nodes: readonly { readonly name: string; readonly kind: string; readonly x: number; readonly y: number; readonly role: string }[];
  readonly edges: readonly { readonly x: number; readonly y: number; readonly x2: number; readonly y2: number; readonly kind: 'link' | 'path before' | 'path after' | 'move' }[];
  readonly moveText: string;
}

/** Everything a report shows. */
export interface ReportModel {
  readonly kind: 'run' | 'sweep' | 'analysis';
  readonly title: string;
  readonly summary: readonly string[];
  readonly bars: readonly BarDatum[];
  readonly cdf: readonly CdfDatum[];
  /** The metric the CDF shows. */
  readonly cdfMetric: string;
  readonly trends: readonly Trend[];
  /** Metrics a trend can show, the black hole first. */
  readonly metrics: readonly string[];
  readonly timelines: readonly TimelineData[];
  readonly fabric: FabricData | null;
  /** Why a chart is missing or cut, by chart. */
  readonly notes: Readonly<Record<string, string>>;
}

const QUANTITY = /^(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*([A-Za-z/µ%]*)$/;

/** A parameter's values as numbers in one unit, or null when they are not. */
function numericAxis(values: readonly unknown[]): { numbers: number[]; unit: string } | null {
  const numbers: number[] = [];
  let unit: string | null = null;
  for (const v of values) {
    if (typeof v === 'number') {
      if (unit !== null && unit !== '') return null;
      unit = '';
      numbers.push(v);
      continue;
    }
    if (typeof v !== 'string') return null;
    const m = QUANTITY.exec(v.trim());
    if (m === null || (unit !== null && unit !== m[2])) return null;
    unit = m[2]!;
    numbers.push(Number(m[1]));
  }
  return { numbers, unit: unit ?? '' };
}

const valueText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The fabric picture placed for drawing (see {@link FabricData}). */
export function placeFabric(fabric: FabricPicture, moveText: string): FabricData | null {
  if (fabric.nodes.length === 0) return null;
  const rows: string[][] = [];
  const tiers: string[] = [];
  const hosts: { name: string; edge: string }[] = [];
  for (const n of fabric.nodes) {
    if (n.kind === 'switch') {
      let t = tiers.indexOf(n.tier);
      if (t < 0) {
        tiers.push(n.tier);
        rows.push([]);
        t = tiers.length - 1;
      }
      rows[t]!.push(n.name);
    } else {
      hosts.push({ name: n.name, edge: n.edge ?? '' });
    }
  }
  const at = new Map<string, { x: number; y: number }>();
  rows.forEach((row, y) => row.forEach((name, i) => at.set(name, { x: (i + 0.5) / row.length, y })));
  const edgeX = (name: string): number => at.get(name)?.x ?? 0;
  hosts.sort((a, b) => edgeX(a.edge) - edgeX(b.edge) || a.name.localeCompare(b.name, 'en', { numeric: true }));
  hosts.forEach((h, i) => at.set(h.name, { x: (i + 0.5) / hosts.length, y: rows.length }));
  const before = fabric.before;
  const after = fabric.after;
  const from = before.at(-1);
  const to = after.at(-1);
  const nodes = fabric.nodes.map((n) => ({
    name: n.name,
    kind: n.kind,
    ...at.get(n.name)!,
    role: n.name === from ? 'old place' : n.name === to ? 'new place' : n.kind === 'gateway' ? 'gateway' : n.kind,
  }));
  type Edge = FabricData['edges'][number];
  const edges: Edge[] = [];
  const edge = (a: string, b: string, kind: Edge['kind']): void => {
    const p = at.get(a);
    const q = at.get(b);
    if (p !== undefined && q !== undefined) edges.push({ x: p.x, y: p.y, x2: q.x, y2: q.y, kind });
  };
  for (const l of fabric.links) edge(l.a, l.b, 'link');
  for (const h of hosts) edge(h.name, h.edge, 'link');
  for (let i = 1; i < before.length; i++) edge(before[i - 1]!, before[i]!, 'path before');
  for (let i = 1; i < after.length; i++) edge(after[i - 1]!, after[i]!, 'path after');
  if (from !== undefined && to !== undefined && from !== to) edge(from, to, 'move');
  return { nodes, edges, moveText };
}

/** A run's series as a timeline. */
function timelineOf(id: string, series: RunSeries, durationS: number): TimelineData {
  const m = series.migration;
  const deliveries: TimelineDelivery[] = [];
  for (const d of DIRECTIONS) {
    const segs = series.deliveries.filter((s) => s.direction === d);
    segs.forEach((s, i) => {
      const next = segs[i + 1];
      deliveries.push({ direction: DIRECTION_LABELS[d], flow: s.flow, fromS: s.fromS, toS: next === undefined ? Math.max(s.toS, s.fromS + 0.001) : next.fromS, packets: s.packets, outcome: s.outcome });
    });
  }
  return {
    id,
    vm: m?.vm ?? null,
    moveText: m === null ? 'no migration' : `${m.vm}: ${m.from} → ${m.to}, paused ${m.pauseS} s – ${m.resumeS} s`,
    pauseS: m?.pauseS ?? null,
    resumeS: m?.resumeS ?? null,
    durationS,
    entries: series.entries,
    deliveries,
    messages: series.messages,
    messagesLeftOut: series.messagesLeftOut,
    load: series.load.bins,
    binS: series.load.binS,
  };
}

/** The black-hole metric of migration 0 in `direction`. */
const holeMetric = (d: SeriesDirection): string => `migrations[0].blackHoleMs.${d}`;

/** The model of a run's result (see the module comment). */
export function runModel(result: ScenarioResult): ReportModel {
  const bars: BarDatum[] = [];
  for (const r of result.runs) {
    const m = r.migrations[0];
    if (m === undefined) continue;
    for (const d of DIRECTIONS) {
      const v = m.blackHoleMs[d];
      if (v === null) continue;
      bars.push({ group: '', strategy: r.name, direction: DIRECTION_LABELS[d], mean: v, ciLow: null, ciHigh: null, n: 1, unrepaired: m.repaired[d] === false ? 1 : 0 });
    }
  }
  const timelines = result.runs.filter((r) => r.series !== undefined).map((r) => timelineOf(r.name, r.series!, result.simulatedSeconds));
  const first = result.runs.find((r) => r.series !== undefined)?.series;
  const notes: Record<string, string> = {
    cdf: 'A run has one seed per strategy: the distribution over seeds comes from a sweep (arpshift sweep).',
    trend: 'A run has no grid: a metric against a parameter comes from a sweep (arpshift sweep).',
  };
  if (timelines.length === 0) notes.timeline = 'This result has no time series: write it with arpshift run --series --json, or make the report with arpshift run --report.';
  if (bars.length === 0) notes.bars = 'No migration in this result: no black hole to show.';
  return {
    kind: 'run',
    title: `${result.scenario}: ${result.runs.length} run${result.runs.length === 1 ? '' : 's'}, seed ${result.seed}`,
    summary: [`${result.simulatedSeconds} s simulated per run, ${result.events.toLocaleString('en-US')} kernel events in all.`],
    bars,
    cdf: [],
    cdfMetric: '',
    trends: [],
    metrics: [],
    timelines,
    fabric: first === undefined ? null : placeFabric(first.fabric, timelines[0]?.moveText ?? ''),
    notes,
  };
}

/** Every point of a sweep's grid, in the plan's order (the first parameter varying slowest, `run` last). */
export function gridPoints(header: SweepHeader): Parameters[] {
  const axes = Object.entries(header.grid);
  const out: Parameters[] = [];
  const walk = (i: number, acc: Record<string, unknown>): void => {
    if (i === axes.length) {
      out.push({ ...acc });
      return;
    }
    const [path, values] = axes[i]!;
    for (const v of values) walk(i + 1, { ...acc, [path]: v });
  };
  if (axes.length > 0) walk(0, {});
  return out;
}

/** The most point groups the bar chart shows side by side (the trend shows them all). */
export const MAX_BAR_GROUPS = 12;

/** The model of a sweep (see the module comment). */
export function sweepModel(header: SweepHeader, lines: readonly SweepResultLine[], summary?: readonly PointSummary[]): ReportModel {
  const points = summary ?? summarizeSweep(lines, gridPoints(header));
  const axes = Object.keys(header.grid).filter((a) => a !== 'run');
  const groupOf = (p: Parameters, except?: string): string => axes.filter((a) => a !== except).map((a) => `${a} = ${valueText(p[a])}`).join(', ');
  const strategyOf = (p: Parameters): string => valueText(p.run ?? header.scenarioName);
  const notes: Record<string, string> = {};
  // The black hole of the first direction any point measures.
  const primary = DIRECTIONS.find((d) => points.some((p) => p.metrics[holeMetric(d)] !== undefined));
  const bars: BarDatum[] = [];
  const groups: string[] = [];
  for (const p of points) {
    const g = groupOf(p.parameters);
    if (!groups.includes(g)) groups.push(g);
    if (groups.indexOf(g) >= MAX_BAR_GROUPS) continue;
    for (const d of DIRECTIONS) {
      const m = p.metrics[holeMetric(d)];
      if (m === undefined) continue;
      bars.push({ group: g, strategy: strategyOf(p.parameters), direction: DIRECTION_LABELS[d], mean: m.mean, ciLow: m.ciLow, ciHigh: m.ciHigh, n: m.n, unrepaired: m.unrepaired ?? 0 });
    }
  }
  if (groups.length > MAX_BAR_GROUPS) notes.bars = `The first ${MAX_BAR_GROUPS} of ${groups.length} parameter combinations; the charts of the metric against each parameter show them all.`;
  if (primary === undefined) notes.bars = 'No migration in these results: no black hole to show.';
  const cdf: CdfDatum[] = [];
  if (primary !== undefined) {
    for (const line of lines) {
      const v = resultMetrics(line.result).find((m) => m.name === holeMetric(primary));
      const g = groupOf(line.parameters);
      if (v !== undefined && groups.indexOf(g) < MAX_BAR_GROUPS) cdf.push({ group: g, strategy: strategyOf(line.parameters), value: v.value, seed: line.seed });
    }
  }
  if (header.seeds.length < 2) notes.cdf = 'One seed per point: sweep more seeds for a distribution.';
  const metrics: string[] = [];
  if (primary !== undefined) metrics.push(holeMetric(primary));
  for (const p of points) for (const name of Object.keys(p.metrics)) if (!metrics.includes(name)) metrics.push(name);
  const trends: Trend[] = [];
  for (const axis of axes) {
    const values = header.grid[axis]!;
    if (values.length < 2) continue;
    const numeric = numericAxis(values);
    const data: TrendDatum[] = [];
    for (const p of points) {
      const at = values.findIndex((v) => valueText(v) === valueText(p.parameters[axis]));
      for (const [metric, m] of Object.entries(p.metrics)) {
        data.push({ metric, x: numeric === null ? valueText(p.parameters[axis]) : numeric.numbers[at]!, others: groupOf(p.parameters, axis), strategy: strategyOf(p.parameters), mean: m.mean, ciLow: m.ciLow, ciHigh: m.ciHigh, n: m.n });
      }
    }
    trends.push({ axis, numeric: numeric !== null, unit: numeric?.unit ?? '', data });
  }
  if (trends.length === 0) notes.trend = 'The grid sweeps no parameter with two values or more (only runs and seeds).';
  const withSeries = lines.filter((l) => l.result.series !== undefined);
  const durationS = (s: RunSeries): number => (s.load.bins.length * s.load.binS);
  const timelines = withSeries.map((l) => timelineOf(`${[...axes.map((a) => `${a} = ${valueText(l.parameters[a])}`), strategyOf(l.parameters)].join(', ')}, seed ${l.seed}`, l.result.series!, durationS(l.result.series!)));
  if (timelines.length === 0) notes.timeline = 'No run of this sweep kept its time series (the first point\'s first seed does, once it has run).';
  const runs = lines.length;
  return {
    kind: 'sweep',
    title: `sweep ${header.name}: ${header.points} point${header.points === 1 ? '' : 's'} × ${header.seeds.length} seed${header.seeds.length === 1 ? '' : 's'} of ${header.scenarioName}`,
    summary: [
      `${runs} of ${header.points * header.seeds.length} runs in the results. Means over seeds with their 95 % confidence intervals (Student t, n − 1 degrees of freedom); a black hole not repaired by the end of a run counts to the end (a lower bound).`,
      `Grid: ${Object.entries(header.grid).map(([k, v]) => `${k} ∈ {${v.map(valueText).join(', ')}}`).join('; ')}. Seeds: ${header.seeds.length === 1 ? header.seeds[0] : `${header.seeds[0]}…${header.seeds.at(-1)}`}.`,
    ],
    bars,
    cdf,
    cdfMetric: primary === undefined ? '' : `black hole ${DIRECTION_LABELS[primary]} (ms)`,
    trends,
    metrics,
    timelines,
    fabric: withSeries.length === 0 ? null : placeFabric(withSeries[0]!.result.series!.fabric, timelines[0]!.moveText),
    notes,
  };
}

/** What the report reads of `arpshift analyze --json` (see the README's analyze JSON). */
export interface AnalysisInput {
  readonly capture: string;
  readonly durationS: number;
  readonly summary: string;
  readonly runs: readonly {
    readonly flows: readonly { readonly name: string; readonly firstS: number; readonly lastS: number; readonly packets: number; readonly gaps: readonly { readonly startS: number; readonly endS: number | null; readonly lostPackets: number | null }[] }[];
    readonly migrations: readonly {
      readonly vm: string;
      readonly kind: string;
      readonly startS: number;
      readonly downtimeMs: number | null;
      readonly lastHeardS: number | null;
      readonly heardAgainS: number | null;
      readonly blackHoleMs: Readonly<Record<SeriesDirection, number | null>>;
      readonly repaired: Readonly<Record<SeriesDirection, boolean | null>>;
      readonly flows: Readonly<Record<SeriesDirection, string | null>>;
    }[];
  }[];
  readonly timeline: readonly { readonly address: string; readonly entries: readonly { readonly timeS: number; readonly what: string; readonly text: string }[] }[];
}

/** Whether `value` has the shape of an analysis. */
export function isAnalysis(value: unknown): value is AnalysisInput {
  const v = value as Partial<AnalysisInput> | null;
  return typeof v === 'object' && v !== null && typeof v.capture === 'string' && Array.isArray(v.runs) && Array.isArray(v.timeline);
}

/** Timeline entries that are messages (not the analysis's own marks). */
const NOT_MESSAGES = new Set(['gap-start', 'gap-end', 'new-mac', 'new-source', 'heard-again']);

/** The model of a capture's analysis (see the module comment). */
export function analysisModel(a: AnalysisInput): ReportModel {
  const run = a.runs[0];
  const bars: BarDatum[] = [];
  const timelines: TimelineData[] = [];
  for (const m of run?.migrations ?? []) {
    for (const d of DIRECTIONS) {
      const v = m.blackHoleMs[d];
      if (v === null) continue;
      bars.push({ group: '', strategy: `${m.vm} (${m.kind} at ${m.startS.toFixed(3)} s)`, direction: DIRECTION_LABELS[d], mean: v, ciLow: null, ciHigh: null, n: 1, unrepaired: m.repaired[d] === false ? 1 : 0 });
    }
    const deliveries: TimelineDelivery[] = [];
    for (const d of DIRECTIONS) {
      const name = m.flows[d];
      const flow = name === null ? undefined : run!.flows.find((f) => f.name === name);
      if (flow === undefined) continue;
      let t = flow.firstS;
      for (const g of flow.gaps) {
        if (g.startS > t) deliveries.push({ direction: DIRECTION_LABELS[d], flow: flow.name, fromS: t, toS: g.startS, packets: null, outcome: 'delivered' });
        const end = g.endS ?? flow.lastS;
        deliveries.push({ direction: DIRECTION_LABELS[d], flow: flow.name, fromS: g.startS, toS: Math.max(end, g.startS + 0.001), packets: g.lostPackets, outcome: 'lost' });
        t = end;
      }
      if (flow.lastS > t) deliveries.push({ direction: DIRECTION_LABELS[d], flow: flow.name, fromS: t, toS: flow.lastS, packets: null, outcome: 'delivered' });
    }
    const entries = a.timeline.find((t) => t.address === m.vm)?.entries ?? [];
    const messages = entries.filter((e) => !NOT_MESSAGES.has(e.what)).map((e) => ({ timeS: e.timeS, node: m.vm, form: e.what }));
    const pauseS = m.lastHeardS ?? m.startS;
    const resumeS = m.heardAgainS ?? (m.downtimeMs === null ? null : m.startS + m.downtimeMs / 1000);
    timelines.push({
      id: `${m.vm} ${m.kind} at ${m.startS.toFixed(3)} s`,
      vm: m.vm,
      moveText: `${m.vm}: ${m.kind}, silent ${pauseS.toFixed(3)} s – ${resumeS === null ? '?' : `${resumeS.toFixed(3)} s`}`,
      pauseS,
      resumeS,
      durationS: a.durationS,
      entries: [],
      deliveries,
      messages,
      messagesLeftOut: 0,
      load: [],
      binS: 1,
    });
  }
  // Address-resolution messages per second, from the whole timeline (the capture shows no per-host broadcast series).
  const perSecond = new Map<number, number>();
  for (const t of a.timeline) for (const e of t.entries) if (!NOT_MESSAGES.has(e.what)) perSecond.set(Math.floor(e.timeS), (perSecond.get(Math.floor(e.timeS)) ?? 0) + 1);
  const seconds = Math.max(1, Math.ceil(a.durationS));
  const load = Array.from({ length: seconds }, (_, s) => ({ timeS: s, broadcastFrames: null, peakPerHost: null, resolutionMessages: perSecond.get(s) ?? 0 }));
  const withLoad = timelines.map((t) => ({ ...t, load }));
  const notes: Record<string, string> = {
    cdf: 'A capture shows each move once: the distribution over seeds comes from a sweep.',
    trend: 'A capture has no grid: a metric against a parameter comes from a sweep.',
    fabric: 'A capture does not show the fabric.',
    entries: 'A capture does not show switch tables or the gateway\'s neighbour table: the timeline shows deliveries and messages.',
  };
  if (timelines.length === 0) notes.timeline = `The capture shows no move or silence (${a.summary}).`;
  return {
    kind: 'analysis',
    title: `analysis of ${a.capture}: ${a.summary}`,
    summary: [`${a.durationS.toFixed(3)} s of capture. Black holes are gaps in flows the capture shows, measured where it was taken (see arpshift analyze).`],
    bars,
    cdf: [],
    cdfMetric: '',
    trends: [],
    metrics: [],
    timelines: withLoad,
    fabric: null,
    notes,
  };
}
