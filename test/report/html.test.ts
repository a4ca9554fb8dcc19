/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core, every
 * request but the file itself refused. For a run, a sweep and a capture's analysis: every chart
 * renders (no chart in error, no console error or warning), and each shows its data, read back from
 * the marks' accessible descriptions in the DOM and compared with the JSON it was made from. A
 * screenshot of each page is kept in test-artifacts/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cli, garpSweep, removeTempDirs, tempDir } from '../helpers/sweep.js';
import type { ScenarioResult, SweepResultLine } from '../../src/index.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const GARP = join(ROOT, 'scenarios/migration-guest-garp.yaml');
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'arpshift-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    offline: true,
    viewport: { width: 1100, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  removeTempDirs();
});

interface Rendered {
  /** Chart id → [rendered state, the marks' role and accessible label]. */
  readonly charts: Record<string, { state: string | null; marks: { role: string; label: string }[] }>;
  readonly messages: string[];
  readonly requests: string[];
  readonly text: string;
}

/** Opens `file`, waits for every chart, and reads what was drawn. */
async function render(file: string, shot: string): Promise<Rendered> {
  const page = await context.newPage();
  const messages: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === `file://${file}`) return route.continue();
    requests.push(url);
    return route.abort();
  });
  try {
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-charts="done"]', { timeout: 45_000 });
    const charts = await page.$$eval('.chart', (els) => Object.fromEntries(els.map((el) => [
      el.getAttribute('data-chart')!,
      {
        state: el.getAttribute('data-rendered'),
        marks: [...el.querySelectorAll('[aria-roledescription]')].map((m) => ({ role: m.getAttribute('aria-roledescription') ?? '', label: m.getAttribute('aria-label') ?? '' })),
      },
    ])));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
    const text = await page.innerText('body');
    return { charts, messages, requests, text };
  } finally {
    await page.close();
  }
}

/** The marks of one kind in a chart (axes, legends and titles left out). */
function marks(r: Rendered, chart: string, role: string): string[] {
  return (r.charts[chart]?.marks ?? []).filter((m) => m.role === role).map((m) => m.label);
}

function expectClean(r: Rendered, charts: readonly string[]): void {
  expect(Object.keys(r.charts).sort()).toEqual([...charts].sort());
  for (const c of charts) expect(r.charts[c]!.state, c).toBe('true');
  expect(r.messages).toEqual([]);
  expect(r.requests).toEqual([]);
}

describe('the HTML report in Chromium', () => {
  it('of a run: bars, timeline, load and fabric with the run\'s data', async () => {
    const d = tempDir('arpshift-report-');
    const html = join(d, 'run.html');
    const json = join(d, 'run.json');
    const r = cli(['run', GARP, '--quiet', '--series', '--json', '--out', json, '--report', html]);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as ScenarioResult;
    const series = result.runs[0]!.series!;
    // `report` of the JSON writes the same page as `run --report`.
    const again = join(d, 'again.html');
    expect(cli(['report', json, '-o', again, '--quiet']).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(html, 'utf8'));
    // Without --series the JSON has no time series.
    expect(cli(['run', GARP, '--quiet', '--json']).stdout).not.toContain('"series"');

    const page = await render(html, 'report-run.png');
    expectClean(page, ['bars', 'timeline', 'load', 'fabric']);
    const m = result.runs[0]!.migrations[0]!;
    const bars = marks(page, 'bars', 'bar');
    expect(bars).toHaveLength(2);
    expect(bars.some((b) => b.includes('direction: gateway→vm') && b.includes(`black hole (ms), mean: ${m.blackHoleMs.gatewayToVm!.toLocaleString('en-US')}`))).toBe(true);
    expect(bars.some((b) => b.includes('direction: peer→vm') && b.includes(`black hole (ms), mean: ${m.blackHoleMs.peerToVm!.toLocaleString('en-US')}`))).toBe(true);
    // Timeline: one bar per entry segment and per delivery segment; the move's old and new places.
    const timelineBars = marks(page, 'timeline', 'bar');
    expect(timelineBars).toHaveLength(series.entries.length + series.deliveries.length);
    expect(timelineBars.some((b) => b.includes('node: leaf-2') && b.includes('points: old'))).toBe(true);
    expect(timelineBars.some((b) => b.includes('node: leaf-2') && b.includes('points: new'))).toBe(true);
    expect(timelineBars.filter((b) => b.includes('outcome: lost'))).toHaveLength(series.deliveries.filter((s) => s.outcome === 'lost').length);
    expect(marks(page, 'timeline', 'point')).toHaveLength(series.messages.length);
    expect(marks(page, 'timeline', 'rect mark').some((l) => l.includes(`pauseS: ${m.startS}`))).toBe(true);
    expect(marks(page, 'load', 'line mark')).toHaveLength(3);
    // Fabric: every node drawn and named; the move from hv-2 to hv-4.
    expect(marks(page, 'fabric', 'point')).toHaveLength(series.fabric.nodes.length);
    expect(marks(page, 'fabric', 'rule mark').filter((l) => l.includes('kind: move'))).toHaveLength(1);
    expect(page.text).toContain(`${m.vm}: ${m.from} → ${m.to}`);
  });

  it('of a sweep: bars with confidence intervals, CDF over seeds, metric against the parameter, timeline', async () => {
    const d = tempDir('arpshift-report-');
    const file = garpSweep(d, [1, 3], 3);
    const out = join(d, 'sweep.jsonl');
    const html = join(d, 'sweep.html');
    const r = cli(['sweep', file, '--workers', '2', '--out', out, '--report', html, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
    const results = lines.filter((l) => l.type === 'result') as unknown as SweepResultLine[];
    const summary = lines.at(-1) as unknown as { points: { parameters: Record<string, unknown>; metrics: Record<string, { mean: number; ciLow: number; ciHigh: number }> }[] };
    const again = join(d, 'again.html');
    expect(cli(['report', out, '-o', again, '--quiet']).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(html, 'utf8'));

    const page = await render(html, 'report-sweep.png');
    expectClean(page, ['bars', 'cdf', 'trend-0', 'timeline', 'load', 'fabric']);
    const bars = marks(page, 'bars', 'bar');
    // Two points × two directions, each with its interval.
    expect(bars).toHaveLength(4);
    for (const p of summary.points) {
      const s = p.metrics['migrations[0].blackHoleMs.gatewayToVm']!;
      // d3-format's thousands separators, at most three decimals, and the minus sign U+2212.
      const fmt = (v: number): string => v.toLocaleString('en-US', { maximumFractionDigits: 3 }).replace('-', '\u2212');
      expect(bars.some((b) => b.includes(`black hole (ms), mean: ${fmt(s.mean)}`) && b.includes(`95 % CI low: ${fmt(s.ciLow)}`) && b.includes(`95 % CI high: ${fmt(s.ciHigh)}`))).toBe(true);
    }
    expect(marks(page, 'bars', 'rule mark')).toHaveLength(4);
    // CDF: a point per seed and point.
    const cdf = marks(page, 'cdf', 'point');
    expect(cdf).toHaveLength(results.length);
    for (const l of results) expect(cdf.some((c) => c.includes(`seed: ${l.seed}`) && c.includes(`black hole gateway→vm (ms): ${l.result.migrations[0]!.blackHoleMs.gatewayToVm}`))).toBe(true);
    // The metric against remedies.0.count: one point per grid point.
    const trend = marks(page, 'trend-0', 'point');
    expect(trend).toHaveLength(2);
    expect(trend.some((t) => t.includes('remedies.0.count: 3'))).toBe(true);
    expect(marks(page, 'timeline', 'bar').length).toBeGreaterThan(5);
  });

  it('of an analysis: the same timeline picture from a capture', async () => {
    const d = tempDir('arpshift-report-');
    const pcap = join(d, 'vm-5.pcap');
    expect(cli(['run', GARP, '--quiet', '--set', 'output.pcap=vm-5', '--pcap', pcap]).status).toBe(0);
    const json = join(d, 'analysis.json');
    const a = cli(['analyze', pcap, '--gateway', '198.18.0.1', '--json', '--out', json]);
    expect(a.status, a.stderr).toBe(0);
    const analysis = JSON.parse(readFileSync(json, 'utf8')) as { runs: { migrations: { vm: string; blackHoleMs: { peerToVm: number } }[] }[]; timeline: { address: string; entries: { what: string }[] }[] };
    const html = join(d, 'analysis.html');
    const r = cli(['report', json, '-o', html, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const page = await render(html, 'report-analysis.png');
    expectClean(page, ['bars', 'timeline', 'load']);
    const m = analysis.runs[0]!.migrations[0]!;
    const bars = marks(page, 'bars', 'bar');
    expect(bars).toHaveLength(1);
    expect(bars[0]).toContain(`direction: peer→vm`);
    expect(bars[0]).toContain(`black hole (ms), mean: ${m.blackHoleMs.peerToVm.toLocaleString('en-US')}`);
    const lost = marks(page, 'timeline', 'bar').filter((b) => b.includes('outcome: lost'));
    expect(lost).toHaveLength(1);
    // The VM's announcements after the move are marks of the timeline.
    const entries = analysis.timeline.find((t) => t.address === m.vm)!.entries.filter((e) => e.what === 'arp-announcement');
    expect(entries.length).toBe(3);
    expect(marks(page, 'timeline', 'point').filter((p) => p.includes('form: arp-announcement'))).toHaveLength(entries.length);
    expect(page.text).toContain('A capture does not show the fabric.');
  });

  it('refuses a file that is none of the three, in one line (exit 1)', () => {
    const d = tempDir('arpshift-report-');
    const r = cli(['report', GARP, '-o', join(d, 'x.html')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^arpshift: .*migration-guest-garp\.yaml: not JSON/);
  });
});
