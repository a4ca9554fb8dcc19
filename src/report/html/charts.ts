/**
 * The report's charts as Vega-Lite specifications (plain JSON, rendered in the page by vega-embed):
 * black-hole bars with confidence intervals, the CDF over seeds, a metric against each grid
 * parameter, one run's timeline (entries, deliveries, messages, the downtime shaded; an overview strip
 * to choose the window), the load over time, and the fabric with the migration's path. Every mark
 * gets a tooltip and an accessible description (Vega-Lite's `aria`), which is also how the browser
 * test finds each chart's data in the page.
 */
import type { BarDatum, FabricData, ReportModel, TimelineData, Trend } from './model.js';

/** A Vega-Lite specification. */
export type Spec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 760;

/** Colours of where an entry points (see `EntryPoints`). */
const POINTS_SCALE = { domain: ['old', 'new', 'both', 'other', 'none'], range: ['#d62728', '#2ca02c', '#1f77b4', '#9467bd', '#d9d9d9'] };
const OUTCOME_SCALE = { domain: ['delivered', 'lost'], range: ['#2ca02c', '#d62728'] };

/** A y scale for values spanning orders of magnitude (a black hole of 300 ms beside one of 260 s). */
function valueScale(values: readonly number[]): Record<string, unknown> {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { type: 'linear' };
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  return hi / lo > 100 ? { type: 'symlog', constant: 1 } : { type: 'linear', zero: true };
}

/** Black hole per strategy and direction, mean with its 95 % interval, one panel per other-parameter combination. */
export function barsSpec(bars: readonly BarDatum[]): Spec {
  const groups = [...new Set(bars.map((b) => b.group))];
  const x = { field: 'strategy', type: 'nominal', sort: null, title: 'strategy (run)', axis: { labelAngle: -30 } };
  const y = { field: 'mean', type: 'quantitative', title: 'black hole (ms), mean over seeds', scale: valueScale(bars.flatMap((b) => [b.mean, b.ciHigh ?? b.mean])) };
  const withCi = bars.some((b) => b.ciLow !== null);
  const layer: Spec[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x, xOffset: { field: 'direction' }, y,
        color: { field: 'direction', type: 'nominal', title: 'direction' },
        tooltip: [
          { field: 'strategy' }, { field: 'direction' }, { field: 'mean', title: 'black hole (ms), mean', format: ',.3~f' },
          { field: 'ciLow', title: '95 % CI low', format: ',.3~f' }, { field: 'ciHigh', title: '95 % CI high', format: ',.3~f' },
          { field: 'n', title: 'seeds' }, { field: 'unrepaired', title: 'seeds not repaired' },
        ],
      },
    },
    ...(!withCi ? [] : [{
      transform: [{ filter: 'datum.ciLow != null' }],
      mark: { type: 'rule', strokeWidth: 1.5, color: 'black' },
      encoding: { x, xOffset: { field: 'direction' }, y: { field: 'ciLow', type: 'quantitative' }, y2: { field: 'ciHigh' }, tooltip: [{ field: 'strategy' }, { field: 'direction' }, { field: 'ciLow', title: '95 % CI low', format: ',.3~f' }, { field: 'ciHigh', title: '95 % CI high', format: ',.3~f' }] },
    }]),
  ];
  const base = { $schema: SCHEMA, data: { values: bars } };
  if (groups.length <= 1) return { ...base, width: Math.min(WIDTH, 90 * new Set(bars.map((b) => b.strategy)).size + 80), height: 260, layer };
  return { ...base, facet: { column: { field: 'group', type: 'nominal', title: null, sort: groups } }, spec: { width: Math.max(160, Math.floor(WIDTH / Math.min(groups.length, 4))), height: 240, layer } };
}

/** The distribution of the black hole over seeds, one step line per strategy. */
export function cdfSpec(model: ReportModel): Spec {
  const groups = [...new Set(model.cdf.map((c) => c.group))];
  const unit = {
    transform: [{ window: [{ op: 'cume_dist', as: 'fraction' }], sort: [{ field: 'value' }], groupby: ['group', 'strategy'] }],
    mark: { type: 'line', interpolate: 'step-after', point: true },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: model.cdfMetric, scale: valueScale(model.cdf.map((c) => c.value)) },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of seeds ≤ x', scale: { domain: [0, 1] } },
      color: { field: 'strategy', type: 'nominal', title: 'strategy (run)' },
      tooltip: [{ field: 'strategy' }, { field: 'seed' }, { field: 'value', title: model.cdfMetric, format: ',.3~f' }, { field: 'fraction', format: '.2f' }],
    },
  };
  const base = { $schema: SCHEMA, data: { values: model.cdf } };
  if (groups.length <= 1) return { ...base, width: WIDTH - 160, height: 260, ...unit };
  return { ...base, facet: { column: { field: 'group', type: 'nominal', title: null, sort: groups } }, spec: { width: Math.max(160, Math.floor(WIDTH / Math.min(groups.length, 4))), height: 220, ...unit } };
}

/** A metric against one grid parameter, one line per strategy with its 95 % band; a menu picks the metric. */
export function trendSpec(trend: Trend, metrics: readonly string[]): Spec {
  const others = [...new Set(trend.data.map((d) => d.others))];
  const xTitle = `${trend.axis}${trend.unit === '' ? '' : ` (${trend.unit})`}`;
  const x = trend.numeric
    ? { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } }
    : { field: 'x', type: 'ordinal', title: xTitle, sort: null };
  const tooltip = [{ field: 'strategy' }, { field: 'x', title: trend.axis }, { field: 'metric' }, { field: 'mean', format: ',.3~f' }, { field: 'ciLow', title: '95 % CI low', format: ',.3~f' }, { field: 'ciHigh', title: '95 % CI high', format: ',.3~f' }, { field: 'n', title: 'seeds' }];
  const withCi = trend.data.some((d) => d.ciLow !== null);
  const layer = [
    ...(!withCi ? [] : [{ transform: [{ filter: 'datum.ciLow != null' }], mark: { type: 'errorband', opacity: 0.25 }, encoding: { x, y: { field: 'ciLow', type: 'quantitative', title: 'mean over seeds' }, y2: { field: 'ciHigh' }, color: { field: 'strategy', type: 'nominal' } } }]),
    { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'mean over seeds' }, color: { field: 'strategy', type: 'nominal', title: 'strategy (run)' }, tooltip } },
  ];
  const unit = { transform: [{ filter: 'datum.metric === metric' }], layer };
  const params = [{ name: 'metric', value: metrics[0], bind: { input: 'select', options: metrics, name: 'metric ' } }];
  const base = { $schema: SCHEMA, data: { values: trend.data }, params };
  if (others.length <= 1) return { ...base, width: WIDTH - 160, height: 260, ...unit };
  return { ...base, facet: { row: { field: 'others', type: 'nominal', title: null, sort: others } }, spec: { width: WIDTH - 160, height: 180, ...unit } };
}

/** The window the timeline opens on: from a little before the pause to a little after the last loss around it. */
function focusWindow(t: TimelineData): [number, number] {
  if (t.pauseS === null) return [0, t.durationS];
  const resume = t.resumeS ?? t.pauseS;
  let end = resume + 3;
  for (const d of t.deliveries) if (d.outcome === 'lost' && d.fromS <= resume + 1 && d.toS >= t.pauseS) end = Math.max(end, d.toS + 2);
  return [Math.max(0, t.pauseS - 2), Math.min(t.durationS, end)];
}

/** The selectable timelines' menu, when there are several. */
function timelineParam(timelines: readonly TimelineData[]): Record<string, unknown> {
  const ids = timelines.map((t) => t.id);
  return ids.length > 1 ? { name: 'timeline', value: ids[0], bind: { input: 'select', options: ids, name: 'run ' } } : { name: 'timeline', value: ids[0] };
}

const byTimeline = { filter: 'datum.timeline === timeline' };

/**
 * One run's timeline: an overview strip of the whole run (drag on it to choose the window), then where
 * each switch's and gateway's entry for the VM points, the packets of each direction delivered or
 * lost, and the ARP/ND messages about the VM, with the VM's downtime shaded.
 */
export function timelineSpec(timelines: readonly TimelineData[], showEntries: boolean): Spec {
  const first = timelines[0]!;
  const tag = <T extends object>(t: TimelineData, rows: readonly T[]): (T & { timeline: string })[] => rows.map((r) => ({ ...r, timeline: t.id }));
  const lanes = new Map<string, number>();
  const entries = timelines.flatMap((t) => tag(t, t.entries).map((e) => {
    if (!lanes.has(e.node)) lanes.set(e.node, lanes.size);
    return { ...e, lane: lanes.get(e.node)! };
  }));
  const datasets = {
    entries,
    deliveries: timelines.flatMap((t) => tag(t, t.deliveries)),
    messages: timelines.flatMap((t) => tag(t, t.messages)),
    load: timelines.flatMap((t) => tag(t, t.load)),
    downtime: timelines.filter((t) => t.pauseS !== null).map((t) => ({ timeline: t.id, pauseS: t.pauseS, resumeS: t.resumeS ?? t.pauseS, label: `${t.vm ?? 'VM'} paused` })),
  };
  const domain = { param: 'span' };
  const xDetail = (field: string, title: string | null = null): Record<string, unknown> => ({ field, type: 'quantitative', title, scale: { domain } });
  const shade = {
    data: { name: 'downtime' },
    transform: [byTimeline],
    mark: { type: 'rect', color: '#7f7f7f', opacity: 0.18, clip: true },
    encoding: { x: xDetail('pauseS'), x2: { field: 'resumeS' }, tooltip: [{ field: 'label' }, { field: 'pauseS', title: 'paused (s)' }, { field: 'resumeS', title: 'resumed (s)' }] },
  };
  const overview = {
    title: { text: 'whole run: drag to choose the window shown below', fontSize: 11, fontWeight: 'normal', anchor: 'start' },
    width: WIDTH, height: 50,
    data: { name: 'load' },
    transform: [byTimeline],
    params: [{ name: 'span', select: { type: 'interval', encodings: ['x'] }, value: { x: focusWindow(first) } }],
    mark: { type: 'area', interpolate: 'step-after', color: '#9ecae1' },
    encoding: {
      x: { field: 'timeS', type: 'quantitative', title: 'simulated time (s)' },
      y: { field: 'resolutionMessages', type: 'quantitative', title: 'ARP/ND per bin', axis: { tickCount: 2 } },
      tooltip: [{ field: 'timeS', title: 'from (s)' }, { field: 'resolutionMessages', title: 'ARP/ND messages' }],
    },
  };
  const panels: Spec[] = [overview];
  if (showEntries) {
    panels.push({
      title: { text: 'where each switch\'s MAC entry and the gateway\'s neighbour entry for the VM point', anchor: 'start' },
      width: WIDTH, height: { step: 14 },
      layer: [
        { ...shade, encoding: { ...shade.encoding } },
        {
          data: { name: 'entries' },
          transform: [byTimeline],
          mark: { type: 'bar', clip: true },
          encoding: {
            y: { field: 'node', type: 'nominal', title: null, sort: { field: 'lane', op: 'min' } },
            x: xDetail('fromS'), x2: { field: 'toS' },
            color: { field: 'points', type: 'nominal', title: 'points', scale: POINTS_SCALE },
            tooltip: [{ field: 'node' }, { field: 'points' }, { field: 'detail' }, { field: 'fromS', title: 'from (s)' }, { field: 'toS', title: 'to (s)' }],
          },
        },
      ],
    });
  }
  panels.push({
    title: { text: 'packets of each direction\'s measured flow, by send time', anchor: 'start' },
    width: WIDTH, height: { step: 22 },
    layer: [
      shade,
      {
        data: { name: 'deliveries' },
        transform: [byTimeline],
        mark: { type: 'bar', clip: true },
        encoding: {
          y: { field: 'direction', type: 'nominal', title: null },
          x: xDetail('fromS'), x2: { field: 'toS' },
          color: { field: 'outcome', type: 'nominal', title: 'packets', scale: OUTCOME_SCALE },
          tooltip: [{ field: 'direction' }, { field: 'flow' }, { field: 'outcome' }, { field: 'packets' }, { field: 'fromS', title: 'first sent (s)' }, { field: 'toS', title: 'until (s)' }],
        },
      },
    ],
  });
  panels.push({
    title: { text: 'ARP, RARP and ND messages about the VM', anchor: 'start' },
    width: WIDTH, height: { step: 16 },
    layer: [
      shade,
      {
        data: { name: 'messages' },
        transform: [byTimeline],
        mark: { type: 'point', filled: true, size: 50, clip: true },
        encoding: {
          y: { field: 'form', type: 'nominal', title: null },
          x: xDetail('timeS', 'simulated time (s)'),
          color: { field: 'node', type: 'nominal', title: 'sent by' },
          tooltip: [{ field: 'timeS', title: 'time (s)', format: '.6f' }, { field: 'node', title: 'sent by' }, { field: 'form' }],
        },
      },
    ],
  });
  return { $schema: SCHEMA, datasets, params: [timelineParam(timelines)], vconcat: panels, resolve: { scale: { color: 'independent' } }, config: { view: { stroke: '#ddd' } } };
}

/** Broadcast load on end stations and address-resolution messages over the whole run (scroll to zoom, drag to pan). */
export function loadSpec(timelines: readonly TimelineData[]): Spec {
  const rows = timelines.flatMap((t) => t.load.flatMap((b) => [
    ...(b.broadcastFrames === null ? [] : [{ timeline: t.id, timeS: b.timeS, series: `group-addressed frames received (per ${t.binS} s)`, count: b.broadcastFrames }]),
    ...(b.peakPerHost === null ? [] : [{ timeline: t.id, timeS: b.timeS, series: 'most at one station in one second', count: b.peakPerHost }]),
    { timeline: t.id, timeS: b.timeS, series: `ARP/RARP/ND messages sent (per ${t.binS} s)`, count: b.resolutionMessages },
  ]));
  const downtime = timelines.filter((t) => t.pauseS !== null).map((t) => ({ timeline: t.id, pauseS: t.pauseS, resumeS: t.resumeS ?? t.pauseS }));
  return {
    $schema: SCHEMA,
    params: [timelineParam(timelines)],
    width: WIDTH, height: 220,
    layer: [
      { data: { values: downtime }, transform: [byTimeline], mark: { type: 'rect', color: '#7f7f7f', opacity: 0.25 }, encoding: { x: { field: 'pauseS', type: 'quantitative' }, x2: { field: 'resumeS' } } },
      {
        data: { values: rows },
        transform: [byTimeline],
        params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
        mark: { type: 'line', interpolate: 'step-after', clip: true, point: false },
        encoding: {
          x: { field: 'timeS', type: 'quantitative', title: 'simulated time (s)' },
          y: { field: 'count', type: 'quantitative', title: 'frames / messages', scale: { type: 'symlog', constant: 1 } },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top', direction: 'vertical' } },
          tooltip: [{ field: 'series' }, { field: 'timeS', title: 'from (s)' }, { field: 'count' }],
        },
      },
    ],
  };
}

/** The fabric: switches by tier, hypervisors and gateways below, the paths from the gateway before and after the move. */
export function fabricSpec(f: FabricData): Spec {
  const rows = Math.max(...f.nodes.map((n) => n.y)) + 1;
  const x = { field: 'x', type: 'quantitative', axis: null, scale: { domain: [0, 1] } };
  const y = { field: 'y', type: 'quantitative', axis: null, scale: { domain: [-0.5, rows - 0.5], reverse: true } };
  return {
    $schema: SCHEMA,
    width: WIDTH, height: 90 * rows,
    layer: [
      {
        data: { values: f.edges.map((e) => ({ ...e, width: e.kind === 'link' ? 1 : e.kind === 'move' ? 2 : 4, dash: e.kind === 'path after' ? [6, 3] : e.kind === 'move' ? [2, 3] : [1, 0] })) },
        mark: { type: 'rule' },
        encoding: {
          x, y, x2: { field: 'x2' }, y2: { field: 'y2' },
          color: { field: 'kind', type: 'nominal', title: 'edges', scale: { domain: ['link', 'path before', 'path after', 'move'], range: ['#c7c7c7', '#d62728', '#2ca02c', '#9467bd'] } },
          strokeWidth: { field: 'width', type: 'quantitative', legend: null, scale: null },
          strokeDash: { field: 'dash', type: 'nominal', legend: null, scale: null },
          tooltip: [{ field: 'kind' }],
        },
      },
      {
        data: { values: f.nodes },
        mark: { type: 'point', filled: true, size: 160, stroke: 'white' },
        encoding: {
          x, y,
          shape: { field: 'kind', type: 'nominal', title: 'nodes', scale: { domain: ['switch', 'hypervisor', 'gateway'], range: ['square', 'circle', 'triangle-up'] } },
          fill: { field: 'role', type: 'nominal', title: 'role', scale: { domain: ['switch', 'hypervisor', 'gateway', 'old place', 'new place'], range: ['#4c78a8', '#9ecae1', '#ff7f0e', '#d62728', '#2ca02c'] } },
          tooltip: [{ field: 'name' }, { field: 'kind' }, { field: 'role' }],
        },
      },
      {
        data: { values: f.nodes },
        mark: { type: 'text', dy: 16, fontSize: 10 },
        encoding: { x, y, text: { field: 'name' } },
      },
    ],
    resolve: { scale: { color: 'independent' } },
    title: { text: f.moveText, fontSize: 12, fontWeight: 'normal', anchor: 'start' },
    config: { view: { stroke: null } },
  };
}
